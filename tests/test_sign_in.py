"""Sign-in hardening: the password-reset throttle, the lockout after wrong passwords, session timeouts."""

import pytest
from django.core import mail
from django.urls import reverse

from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"


# --- password reset ------------------------------------------------------------------------------


def test_password_reset_sends_at_most_the_limit_to_one_address(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    f.UserFactory(role=roles.ORGANIZER, email="ana@example.org")
    url = reverse("password_reset")
    for _ in range(3):
        assert client.post(url, {"email": "ana@example.org"}).status_code == 302
    response = client.post(url, {"email": "ANA@example.org"})
    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_limits_one_client_asking_for_many_addresses(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    url = reverse("password_reset")
    assert client.post(url, {"email": "a@example.org"}).status_code == 302
    assert client.post(url, {"email": "b@example.org"}).status_code == 302
    assert client.post(url, {"email": "c@example.org"}).status_code == 429
    # Unknown addresses count the same as known ones: the answer tells nothing about who has an account.
    other = client.__class__(REMOTE_ADDR="198.51.100.9")
    assert other.post(url, {"email": "c@example.org"}).status_code == 302


# --- lockout after wrong passwords ---------------------------------------------------------------


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client):
    user = f.UserFactory(role=roles.ORGANIZER, username="ana")
    for _ in range(4):
        assert _sign_in(client, "ana", "wrong").status_code == 200  # the form again, with its error
    response = _sign_in(client, "ana", "wrong")
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    response = _sign_in(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_the_lockout_is_per_account_from_anywhere(client):
    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for number in range(5):
        _sign_in(client.__class__(REMOTE_ADDR=f"198.51.100.{number}"), "ana", "wrong")
    assert _sign_in(client.__class__(REMOTE_ADDR="203.0.113.50"), "ana", PASSWORD).status_code == 429


def test_the_lockout_is_per_address_across_accounts(client):
    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for number in range(5):
        _sign_in(client, f"guess-{number}", "wrong")
    assert _sign_in(client, "ana", PASSWORD).status_code == 429
    assert _sign_in(client.__class__(REMOTE_ADDR="203.0.113.50"), "ana", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    import datetime

    import time_machine
    from django.utils import timezone

    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for _ in range(5):
        _sign_in(client, "ana", "wrong")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert _sign_in(client, "ana", PASSWORD).status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(client):
    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for _ in range(4):
        _sign_in(client, "ana", "wrong")
    assert _sign_in(client, "ana", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _sign_in(client, "ana", "wrong").status_code == 200
    assert _sign_in(client, "ana", PASSWORD).status_code == 302


def test_an_admin_unlocks_a_locked_account_in_the_admin(client):
    from axes.models import AccessAttempt

    f.UserFactory(role=roles.ORGANIZER, username="ana")
    admin = f.UserFactory(role=roles.ADMIN, username="boss", is_staff=True, is_superuser=True)
    for _ in range(5):
        _sign_in(client.__class__(REMOTE_ADDR="198.51.100.1"), "ana", "wrong")
    attempt = AccessAttempt.objects.get(username="ana")
    admin_client = client.__class__()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "ana" in listing.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert _sign_in(client.__class__(REMOTE_ADDR="203.0.113.50"), "ana", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client):
    f.UserFactory(role=roles.ADMIN, username="boss", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "boss", "password": "wrong"})
    assert client.post(url, {"username": "boss", "password": PASSWORD}).status_code == 429


# --- session timeouts ----------------------------------------------------------------------------


def _signed_in(client, user):
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    return client


def _is_signed_in(client):
    response = client.get(reverse("home"))
    return response.status_code == 200, response


def test_a_session_idle_past_the_timeout_is_signed_out(client):
    import datetime

    import time_machine

    user = f.UserFactory(role=roles.ORGANIZER)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        _signed_in(client, user)
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert _is_signed_in(client)[0]
        # Each request pushes the idle limit back.
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert _is_signed_in(client)[0]
        clock.shift(datetime.timedelta(hours=8, minutes=1))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        page = client.get(response["Location"]).content.decode()
        assert "signed out after 8 hours without activity" in page
        assert "_auth_user_id" not in client.session


def test_a_session_ends_at_the_absolute_lifetime_however_active(client):
    import datetime

    import time_machine

    user = f.UserFactory(role=roles.ORGANIZER)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        _signed_in(client, user)
        for _ in range(13 * 4):  # every 6 hours for 13 days
            clock.shift(datetime.timedelta(hours=6))
            assert _is_signed_in(client)[0]
        clock.shift(datetime.timedelta(days=1, hours=1))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "at most 14 days" in client.get(response["Location"]).content.decode()


def test_the_idle_timeout_is_a_setting(client, settings):
    import datetime

    import time_machine

    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    user = f.UserFactory(role=roles.ORGANIZER)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        _signed_in(client, user)
        clock.shift(datetime.timedelta(minutes=31))
        assert not _is_signed_in(client)[0]


def test_a_page_view_within_the_resolution_writes_no_session(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = f.UserFactory(role=roles.ORGANIZER)
    _signed_in(client, user)
    client.get(reverse("campaigns:notification-settings"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("campaigns:notification-settings")).status_code == 200
    assert captured.captured_queries
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
