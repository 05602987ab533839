"""Notification pages: each user's settings form, the staff list of opt-outs, the admin list of failed
emails, and unsubscribing from an email link (confirm page, tampered link, RFC 8058 one-click POST)."""

from datetime import date

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import Profile
from campaigns import notifications
from campaigns.models import EmailDelivery
from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("campaigns:notification-settings")
OPT_OUTS_URL = reverse("campaigns:notification-opt-outs")

VALID = {
    "language": "es",
    "time_zone": "Pacific/Honolulu",
    "reminder_emails": "on",
    "reminder_lead_days": "14, 3,0, 3",
    "overdue_emails": "",
    "digest_frequency": "daily",
    "digest_weekday": "4",
    "digest_hour": "7",
    "digest_when_empty": "on",
}


# --- the settings page ---------------------------------------------------------------------------


def test_settings_page_needs_sign_in(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_settings_page_shows_the_defaults_and_the_user_menu_links_to_it(client, organizer):
    client.force_login(organizer)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["reminder_lead_days"].value() == "7, 1"
    assert form["time_zone"].value() == "America/Los_Angeles"
    assert form["digest_frequency"].value() == "weekly"
    assert f'href="{SETTINGS_URL}"' in response.content.decode()
    assert not Profile.objects.exists()  # looking saves nothing


def test_settings_are_saved(client, organizer):
    client.force_login(organizer)
    response = client.post(SETTINGS_URL, VALID)
    assert response.status_code == 302
    prefs = Profile.objects.get(user=organizer)
    assert prefs.language == "es"
    assert prefs.time_zone == "Pacific/Honolulu"
    assert prefs.reminder_lead_days == [14, 3, 0]
    assert prefs.overdue_emails is False
    assert (prefs.digest_frequency, prefs.digest_weekday, prefs.digest_hour) == ("daily", 4, 7)
    assert prefs.digest_when_empty is True
    page = client.get(SETTINGS_URL)
    assert page.context["form"]["reminder_lead_days"].value() == "14, 3, 0"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("reminder_lead_days", "7, 61", "61 is out of range"),
        ("reminder_lead_days", "7, -1", "-1 is out of range"),
        ("reminder_lead_days", "seven", "“seven” is not a number of days"),
        ("reminder_lead_days", "1.5", "is not a number of days"),
        ("reminder_lead_days", "1,2,3,4,5,6,7", "At most 6 reminders"),
        ("reminder_lead_days", "", "Give at least one number of days"),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice"),
        ("time_zone", "", "This field is required"),
        ("digest_hour", "24", "Select a valid choice"),
        ("digest_weekday", "7", "Select a valid choice"),
        ("digest_frequency", "hourly", "Select a valid choice"),
        ("language", "fr", "Select a valid choice"),
    ],
)
def test_bad_settings_get_a_message_and_nothing_is_saved(client, organizer, field, value, message):
    Profile.objects.create(user=organizer, time_zone="America/Chicago")
    client.force_login(organizer)
    response = client.post(SETTINGS_URL, {**VALID, field: value})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "Nothing was saved" in response.content.decode()
    prefs = Profile.objects.get(user=organizer)
    assert (prefs.time_zone, prefs.language, prefs.reminder_lead_days) == ("America/Chicago", "en", [7, 1])


def test_no_lead_days_are_fine_with_reminders_off_and_the_old_ones_are_kept(client, organizer):
    Profile.objects.create(user=organizer, reminder_lead_days=[10, 2])
    client.force_login(organizer)
    response = client.post(SETTINGS_URL, {**VALID, "reminder_emails": "", "reminder_lead_days": ""})
    assert response.status_code == 302
    prefs = Profile.objects.get(user=organizer)
    assert (prefs.reminder_emails, prefs.reminder_lead_days) == (False, [10, 2])


def test_a_zone_saved_earlier_outside_the_list_stays_selectable(client, organizer):
    Profile.objects.create(user=organizer, time_zone="America/Boise")
    client.force_login(organizer)
    response = client.get(SETTINGS_URL)
    assert '<option value="America/Boise" selected>' in response.content.decode()
    assert client.post(SETTINGS_URL, {**VALID, "time_zone": "America/Boise"}).status_code == 302


def test_settings_page_in_spanish(client, organizer):
    client.force_login(organizer)
    response = client.get(SETTINGS_URL, headers={"accept-language": "es"})
    body = response.content.decode()
    assert "Configuración de notificaciones" in body
    assert "Días antes de la fecha límite" in body
    assert "Hora del Pacífico (Los Ángeles)" in body


# --- who opted out (staff), failed emails (admins) -----------------------------------------------


def test_organizers_may_not_see_who_opted_out(client, organizer):
    client.force_login(organizer)
    assert client.get(OPT_OUTS_URL).status_code == 403


def test_staff_see_who_opted_out_of_what(client, staff):
    out = f.UserFactory(role=roles.ORGANIZER, first_name="Rosa", last_name="Parra")
    Profile.objects.create(user=out, digest_frequency="off")
    Profile.objects.create(user=f.UserFactory(first_name="Still", last_name="Subscribed"))
    client.force_login(staff)
    response = client.get(OPT_OUTS_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rosa Parra" in body and "Still Subscribed" not in body
    assert response.context["failed"] is None  # staff are not admins
    assert f'href="{OPT_OUTS_URL}"' in client.get(SETTINGS_URL).content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_opt_out_list_queries_do_not_grow_with_rows(client, admin, rows, django_assert_num_queries):
    for _ in range(rows):
        Profile.objects.create(user=f.UserFactory(), reminder_emails=False)
    client.force_login(admin)
    # The session, the user with their profile and roles; count and page of opt-outs; failed count.
    with django_assert_num_queries(5):
        response = client.get(OPT_OUTS_URL)
    assert len(response.context["page"].object_list) == rows


def test_admins_see_failed_emails_and_can_filter_them_in_the_admin(client, admin):
    user = f.UserFactory(role=roles.ORGANIZER)
    deadline = f.DeadlineFactory(owner=user, title="Hearing on the jail contract")
    EmailDelivery.objects.create(
        kind="reminder",
        user=user,
        deadline=deadline,
        due_date=deadline.due_date,
        days=1,
        status="failed",
        attempts=5,
        finished_at="2026-05-01T16:00Z",
        last_error="SMTPServerDisconnected: gone",
    )
    EmailDelivery.objects.create(kind="digest", user=user, period=date(2026, 5, 4), status="pending")
    client.force_login(admin)
    page = client.get(OPT_OUTS_URL).content.decode()
    assert "1 email could not be sent after every retry." in page
    changelist = reverse("admin:campaigns_emaildelivery_changelist")
    response = client.get(changelist, {"status__exact": "failed"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "Hearing on the jail contract" in response.content.decode()


def test_admin_can_send_failed_emails_again(client, admin, django_capture_on_commit_callbacks, monkeypatch):
    from campaigns import tasks

    user = f.UserFactory(role=roles.ORGANIZER)
    failed = EmailDelivery.objects.create(
        kind="digest", user=user, period=date(2026, 5, 4), status="failed", attempts=5, finished_at="2026-05-04T16:00Z"
    )
    queued = []
    monkeypatch.setattr(tasks.send_deliveries, "delay", queued.append)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:campaigns_emaildelivery_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.finished_at) == ("pending", 0, None)
    assert queued == [[failed.pk]]


# --- unsubscribing -------------------------------------------------------------------------------


def unsubscribe_url(user, kind):
    return reverse("campaigns:unsubscribe", args=[notifications.unsubscribe_token(user, kind)])


def test_unsubscribe_link_asks_before_changing_anything(client, organizer):
    response = client.get(unsubscribe_url(organizer, "digest"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Status digest" in body
    assert "o•••@example.org" in body
    assert organizer.email not in body
    assert not Profile.objects.exists()


def test_unsubscribe_needs_no_sign_in_and_turns_off_that_kind_only(client, organizer):
    response = client.post(unsubscribe_url(organizer, "reminder"), {"scope": "reminder"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    prefs = Profile.objects.get(user=organizer)
    assert (prefs.reminder_emails, prefs.overdue_emails, prefs.digest_frequency) == (False, True, "weekly")


def test_unsubscribe_from_everything(client, organizer):
    client.post(unsubscribe_url(organizer, "digest"), {"scope": "all"})
    prefs = Profile.objects.get(user=organizer)
    assert (prefs.reminder_emails, prefs.overdue_emails, prefs.digest_frequency) == (False, False, "off")


def test_one_click_unsubscribe_from_the_mail_client(client, organizer):
    """RFC 8058: the client POSTs List-Unsubscribe=One-Click to the header's address, without cookies."""
    client.handler.enforce_csrf_checks = True
    response = client.post(
        unsubscribe_url(organizer, "digest"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert Profile.objects.get(user=organizer).digest_frequency == "off"
    again = client.post(
        unsubscribe_url(organizer, "digest"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200  # idempotent


def test_the_link_in_a_real_email_unsubscribes(client, organizer):
    import time_machine

    Profile.objects.create(user=organizer, time_zone="America/Los_Angeles", digest_when_empty=True)
    with time_machine.travel("2026-03-16T15:05Z", tick=False):
        notifications.deliver(notifications.dispatch("digests"))
    from django.core import mail

    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = header.removeprefix("http://127.0.0.1:8000")
    with time_machine.travel("2026-03-17T08:00Z", tick=False):  # the next morning: the link still works
        assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Profile.objects.get(user=organizer).digest_frequency == "off"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
        lambda token: signing.dumps([1, "digest"], salt="another.salt"),  # signed for something else
        lambda token: signing.dumps([1, "everything"], salt=notifications.UNSUBSCRIBE_SALT),  # unknown kind
        lambda token: "not-a-token",
    ],
)
def test_tampered_unsubscribe_link_changes_nothing(client, organizer, tamper):
    token = tamper(notifications.unsubscribe_token(organizer, "digest"))
    url = reverse("campaigns:unsubscribe", args=[token])
    assert client.get(url).status_code == 400
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not Profile.objects.exists()


def test_token_of_one_user_cannot_be_turned_into_another(client, organizer, other_organizer):
    token = notifications.unsubscribe_token(organizer, "digest")
    payload, rest = token.split(":", 1)
    forged = signing.dumps([other_organizer.pk, "digest"], salt=notifications.UNSUBSCRIBE_SALT, compress=True)
    mixed = forged.split(":", 1)[0] + ":" + rest
    assert client.post(reverse("campaigns:unsubscribe", args=[mixed])).status_code == 400
    assert not Profile.objects.exists()


def test_unsubscribe_page_in_spanish(client, organizer):
    response = client.get(unsubscribe_url(organizer, "overdue"), headers={"accept-language": "es"})
    assert "Recordatorio de plazo vencido" in response.content.decode()
