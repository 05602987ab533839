"""Unsubscribe links work for UNSUBSCRIBE_MAX_AGE after their email was written: fresh, expired, tampered."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Profile
from campaigns import notifications

pytestmark = pytest.mark.django_db

WRITTEN = "2026-03-16T15:05Z"


def link_written_at(user, kind, when=WRITTEN):
    with time_machine.travel(when, tick=False):
        return reverse("campaigns:unsubscribe", args=[notifications.unsubscribe_token(user, kind)])


def _written_plus(days):
    return datetime(2026, 3, 16, 15, 5, tzinfo=UTC) + timedelta(days=days)


def test_links_last_sixty_days():
    assert timedelta(days=60) == notifications.UNSUBSCRIBE_MAX_AGE


def test_a_fresh_link_asks_and_unsubscribes(client, organizer):
    url = link_written_at(organizer, "digest")
    with time_machine.travel(_written_plus(59), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        assert "Stop sending emails of this kind" in page.content.decode()
        done = client.post(url, {"scope": "digest"})
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert Profile.objects.get(user=organizer).digest_frequency == "off"


def test_a_fresh_link_works_with_one_click(client, organizer):
    url = link_written_at(organizer, "reminder")
    with time_machine.travel(_written_plus(1), tick=False):
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Profile.objects.get(user=organizer).reminder_emails is False


def test_an_expired_link_says_so_and_sends_the_reader_to_sign_in(client, organizer):
    url = link_written_at(organizer, "digest")
    with time_machine.travel(_written_plus(61), tick=False):
        response = client.get(url)
    assert response.status_code == 410
    body = response.content.decode()
    assert "This link has expired" in body
    assert "work for 60 days" in body
    assert "Sign in and change your notification settings" in body
    assert f'href="{reverse("login")}?next={reverse("campaigns:notification-settings")}"' in body
    assert "Stop sending emails" not in body
    assert not Profile.objects.exists()


def test_an_expired_link_changes_nothing_when_posted(client, organizer):
    url = link_written_at(organizer, "digest")
    with time_machine.travel(_written_plus(61), tick=False):
        one_click = client.post(url, {"List-Unsubscribe": "One-Click"})
        confirmed = client.post(url, {"scope": "all"})
    assert (one_click.status_code, confirmed.status_code) == (410, 410)
    assert not Profile.objects.exists()


def test_an_expired_link_offers_the_settings_to_a_signed_in_reader(client, organizer):
    url = link_written_at(organizer, "overdue")
    client.force_login(organizer)
    with time_machine.travel(_written_plus(90), tick=False):
        response = client.get(url)
    assert response.status_code == 410
    assert f'href="{reverse("campaigns:notification-settings")}"' in response.content.decode()


@pytest.mark.parametrize("age_days", [1, 61])
def test_a_tampered_link_does_not_work_whatever_its_age(client, organizer, age_days):
    url = link_written_at(organizer, "digest")
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    forged_url = reverse("campaigns:unsubscribe", args=[forged])
    with time_machine.travel(_written_plus(age_days), tick=False):
        page = client.get(forged_url)
        posted = client.post(forged_url, {"List-Unsubscribe": "One-Click"})
    assert (page.status_code, posted.status_code) == (400, 400)
    assert "This link does not work" in page.content.decode()
    assert not Profile.objects.exists()


def test_the_link_in_an_email_expires_sixty_days_after_it_was_sent(client, organizer):
    from django.core import mail

    Profile.objects.create(user=organizer, time_zone="America/Los_Angeles", digest_when_empty=True)
    with time_machine.travel(WRITTEN, tick=False):
        notifications.deliver(notifications.dispatch("digests"))
    path = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(_written_plus(61), tick=False):
        assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 410
    assert Profile.objects.get(user=organizer).digest_frequency != "off"
    with time_machine.travel(_written_plus(30), tick=False):
        assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Profile.objects.get(user=organizer).digest_frequency == "off"
