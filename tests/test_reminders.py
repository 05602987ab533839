"""Deadline reminders: lead days in each user's local morning across time zones and daylight-saving
changes, overdue reminders (twice at most), moved / done / cancelled deadlines, who gets them, and
every email exactly once however often the schedule runs."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections

from accounts.models import Profile
from campaigns import notifications, services, tasks
from campaigns.models import Deadline, EmailDelivery
from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db


def at(*args):
    """Freeze time at a UTC moment."""
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


def user_in(zone, role=roles.ORGANIZER, **prefs):
    user = f.UserFactory(role=role)
    Profile.objects.create(user=user, time_zone=zone, **prefs)
    return user


def deadline_for(owner, due, *, lead=None, **fields):
    campaign = f.CampaignFactory(lead=lead)
    return f.DeadlineFactory(campaign=campaign, owner=owner, due_date=due, **fields)


def run():
    """One scheduled run, as the hourly task does it, sent in this process."""
    ids = notifications.dispatch("reminders")
    return notifications.deliver(ids)


def sent_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


# --- lead days, local mornings, time zones and daylight saving -----------------------------------

# (zone, due date, UTC moment of the run, lead day that must go out or None)
SCHEDULE = [
    # Los Angeles, the Sunday daylight saving starts (8 March 2026): 08:00 PDT is 15:00 UTC.
    ("America/Los_Angeles", date(2026, 3, 9), (2026, 3, 8, 14, 55), None),
    ("America/Los_Angeles", date(2026, 3, 9), (2026, 3, 8, 15, 5), 1),
    # The day before, still PST: 08:00 is 16:00 UTC, so 15:05 UTC is too early.
    ("America/Los_Angeles", date(2026, 3, 8), (2026, 3, 7, 15, 5), None),
    ("America/Los_Angeles", date(2026, 3, 8), (2026, 3, 7, 16, 5), 1),
    # Seven days across the change: due 14 March, reminded on 7 March (PST).
    ("America/Los_Angeles", date(2026, 3, 14), (2026, 3, 7, 16, 5), 7),
    # The Sunday daylight saving ends (1 November 2026): 08:00 PST is 16:00 UTC again.
    ("America/Los_Angeles", date(2026, 11, 2), (2026, 11, 1, 15, 5), None),
    ("America/Los_Angeles", date(2026, 11, 2), (2026, 11, 1, 16, 5), 1),
    ("America/Los_Angeles", date(2026, 11, 1), (2026, 10, 31, 15, 5), 1),  # Saturday, still PDT
    # Honolulu has no daylight saving: 08:00 HST is 18:00 UTC all year.
    ("Pacific/Honolulu", date(2026, 3, 9), (2026, 3, 8, 17, 55), None),
    ("Pacific/Honolulu", date(2026, 3, 9), (2026, 3, 8, 18, 5), 1),
    ("Pacific/Honolulu", date(2026, 11, 2), (2026, 11, 1, 18, 5), 1),
    # New York at 22:00 on 9 March (EDT) is 02:00 UTC on the 10th: the local date decides.
    ("America/New_York", date(2026, 3, 10), (2026, 3, 10, 2, 0), 1),
    ("America/New_York", date(2026, 3, 11), (2026, 3, 10, 2, 0), None),
    ("America/New_York", date(2026, 3, 9), (2026, 3, 8, 12, 5), 1),  # 08:05 EDT, the first day of EDT
    ("America/New_York", date(2026, 3, 9), (2026, 3, 8, 11, 55), None),
    # Lead days that are not the user's get nothing.
    ("America/New_York", date(2026, 3, 12), (2026, 3, 8, 14, 0), None),
]


@pytest.mark.parametrize("zone,due,moment,lead_day", SCHEDULE)
def test_reminder_goes_out_on_lead_days_in_the_local_morning(zone, due, moment, lead_day):
    owner = user_in(zone)
    deadline = deadline_for(owner, due)
    with at(*moment):
        run()
    if lead_day is None:
        assert mail.outbox == []
        assert not EmailDelivery.objects.exists()
    else:
        assert len(mail.outbox) == 1
        row = EmailDelivery.objects.get()
        assert (row.kind, row.deadline, row.user, row.due_date, row.days) == (
            "reminder",
            deadline,
            owner,
            due,
            lead_day,
        )
        assert row.status == EmailDelivery.Status.SENT


def test_reminders_at_each_lead_day_the_user_chose():
    owner = user_in("America/Chicago", reminder_lead_days=[14, 3, 0])
    deadline_for(owner, date(2026, 6, 20))
    day = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 09:00 CDT
    while day.date() <= date(2026, 6, 20):
        with time_machine.travel(day, tick=False):
            run()
            run()  # a duplicated tick the same hour
        day += timedelta(days=1)
    sent_days = sorted(EmailDelivery.objects.values_list("days", flat=True))
    assert sent_days == [0, 3, 14]
    assert len(mail.outbox) == 3
    assert "Due today" in mail.outbox[-1].subject


def test_default_lead_days_are_seven_and_one_without_settings():
    owner = f.UserFactory(role=roles.ORGANIZER)  # no Profile row: the defaults
    deadline_for(owner, date(2026, 5, 15))
    for day in (7, 8, 14):
        with at(2026, 5, day, 16, 5):  # 09:05 PDT
            run()
    assert sorted(EmailDelivery.objects.values_list("days", flat=True)) == [1, 7]


def test_a_late_run_the_same_day_still_sends_and_an_hour_later_sends_nothing_more():
    owner = user_in("America/Denver")
    deadline_for(owner, date(2026, 4, 10))
    with at(2026, 4, 9, 5, 0):  # 23:00 MDT on the 8th: too early for the 9th
        run()
    assert mail.outbox == []
    with at(2026, 4, 9, 23, 30):  # 17:30 MDT: the worker was down all morning
        run()
    with at(2026, 4, 10, 0, 30):
        run()
    assert len(mail.outbox) == 1


# --- recipients ----------------------------------------------------------------------------------


def test_owner_and_campaign_lead_each_get_one_reminder():
    owner = user_in("America/Los_Angeles")
    lead = user_in("America/New_York", role=roles.STAFF)
    deadline_for(owner, date(2026, 5, 2), lead=lead)
    with at(2026, 5, 1, 16, 5):  # 12:05 in New York, 09:05 in Los Angeles
        run()
        run()
    assert len(sent_to(owner)) == 1
    assert len(sent_to(lead)) == 1
    assert "you own this deadline" in sent_to(owner)[0].body
    assert "you lead the campaign" in sent_to(lead)[0].body


def test_owner_who_leads_the_campaign_gets_one_email():
    lead = user_in("America/Los_Angeles", role=roles.STAFF)
    deadline_for(lead, date(2026, 5, 2), lead=lead)
    with at(2026, 5, 1, 16, 5):
        run()
    assert len(mail.outbox) == 1
    assert "you own this deadline and lead the campaign" in mail.outbox[0].body


def test_lead_without_an_owner_still_hears_and_users_without_email_or_inactive_do_not():
    lead = user_in("America/Los_Angeles", role=roles.STAFF)
    deadline_for(None, date(2026, 5, 2), lead=lead)
    no_email = user_in("America/Los_Angeles")
    no_email.email = ""
    no_email.save()
    deadline_for(no_email, date(2026, 5, 2))
    inactive = user_in("America/Los_Angeles")
    inactive.is_active = False
    inactive.save()
    deadline_for(inactive, date(2026, 5, 2))
    with at(2026, 5, 1, 16, 5):
        run()
    assert [m.to for m in mail.outbox] == [[lead.email]]


def test_users_who_turned_reminders_off_get_none():
    owner = user_in("America/Los_Angeles", reminder_emails=False, overdue_emails=False)
    deadline_for(owner, date(2026, 5, 2))
    deadline_for(owner, date(2026, 4, 30))
    with at(2026, 5, 1, 16, 5):
        run()
    assert mail.outbox == []


# --- overdue -------------------------------------------------------------------------------------


def test_overdue_reminder_once_and_again_after_seven_days_at_most():
    owner = user_in("America/Los_Angeles")
    deadline_for(owner, date(2026, 5, 1))
    day = datetime(2026, 4, 20, 16, 5, tzinfo=UTC)
    while day.date() <= date(2026, 6, 15):
        with time_machine.travel(day, tick=False):
            run()
        day += timedelta(days=1)
    overdue = EmailDelivery.objects.filter(kind="overdue").order_by("days")
    assert [(row.days, row.status) for row in overdue] == [(1, "sent"), (7, "sent")]
    subjects = [m.subject for m in mail.outbox if "verdue" in m.subject]
    assert subjects[0].startswith("Overdue:")
    assert subjects[1].startswith("Still overdue after a week:")
    assert len(mail.outbox) == 4  # the 7- and 1-day reminders, then the two overdue ones


def test_overdue_reminder_comes_the_morning_after_the_due_date_in_the_users_zone():
    owner = user_in("Pacific/Honolulu")
    deadline_for(owner, date(2026, 5, 1))
    with at(2026, 5, 2, 17, 0):  # 07:00 HST on the 2nd
        run()
    assert not EmailDelivery.objects.filter(kind="overdue").exists()
    with at(2026, 5, 2, 18, 5):
        run()
    assert EmailDelivery.objects.filter(kind="overdue", days=1).count() == 1


def test_deadline_long_overdue_when_first_seen_gets_no_reminder():
    owner = user_in("America/Los_Angeles")
    deadline_for(owner, date(2026, 3, 1))
    with at(2026, 5, 1, 16, 5):
        run()
    assert mail.outbox == []


def test_overdue_reminders_can_be_turned_off_alone():
    owner = user_in("America/Los_Angeles", overdue_emails=False)
    deadline_for(owner, date(2026, 4, 30))
    deadline_for(owner, date(2026, 5, 2))
    with at(2026, 5, 1, 16, 5):
        run()
    assert [row.kind for row in EmailDelivery.objects.all()] == ["reminder"]


# --- moved, done, cancelled ----------------------------------------------------------------------


def test_moved_deadline_gets_the_reminders_of_its_new_date_and_none_of_the_old():
    owner = user_in("America/Los_Angeles")
    deadline = deadline_for(owner, date(2026, 5, 10))
    with at(2026, 5, 3, 16, 5):
        run()  # 7 days before the 10th
    services.deadline_update(deadline=deadline, user=owner, due_date=date(2026, 5, 20))
    for day in range(4, 21):
        with at(2026, 5, day, 16, 5):
            run()
    rows = list(EmailDelivery.objects.order_by("pk").values_list("due_date", "days", "status"))
    assert rows == [
        (date(2026, 5, 10), 7, "sent"),
        (date(2026, 5, 20), 7, "sent"),
        (date(2026, 5, 20), 1, "sent"),
    ]


def test_deadline_moved_after_planning_is_not_reminded_of_its_old_date():
    owner = user_in("America/Los_Angeles")
    deadline = deadline_for(owner, date(2026, 5, 2))
    with at(2026, 5, 1, 16, 5):
        ids = notifications.dispatch("reminders")
        services.deadline_update(deadline=deadline, user=owner, due_date=date(2026, 5, 9))
        report = notifications.deliver(ids)
    assert mail.outbox == []
    assert report.skipped == ids
    assert EmailDelivery.objects.get().status == EmailDelivery.Status.SKIPPED


@pytest.mark.parametrize("close", [services.deadline_complete, services.deadline_cancel])
def test_done_or_cancelled_deadlines_get_no_reminders(close):
    owner = user_in("America/Los_Angeles")
    planned_then_closed = deadline_for(owner, date(2026, 5, 2))
    closed = deadline_for(owner, date(2026, 5, 8))
    overdue_closed = deadline_for(owner, date(2026, 4, 30))
    close(deadline=closed, user=owner)
    close(deadline=overdue_closed, user=owner)
    with at(2026, 5, 1, 16, 5):
        ids = notifications.dispatch("reminders")
        close(deadline=planned_then_closed, user=owner)
        notifications.deliver(ids)
    assert mail.outbox == []
    assert set(EmailDelivery.objects.values_list("deadline", flat=True)) == {planned_then_closed.pk}


def test_reopened_deadline_is_reminded_again():
    owner = user_in("America/Los_Angeles")
    deadline = deadline_for(owner, date(2026, 5, 2))
    services.deadline_complete(deadline=deadline, user=owner)
    services.deadline_reopen(deadline=deadline, user=owner)
    with at(2026, 5, 1, 16, 5):
        run()
    assert len(mail.outbox) == 1


# --- the email -----------------------------------------------------------------------------------


def test_reminder_email_has_html_text_links_and_unsubscribe_headers(settings):
    settings.SITE_URL = "https://desk.example.org"
    owner = user_in("America/Los_Angeles")
    deadline = deadline_for(owner, date(2026, 5, 8), title="Board vote on the <ICE> contract", kind="board_vote")
    with at(2026, 5, 1, 16, 5):
        run()
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.subject == f"Due in 7 days: Board vote on the <ICE> contract · {deadline.campaign.name}"
    assert "Board vote on the &lt;ICE&gt; contract" in html
    assert "<ICE>" not in html
    assert f"https://desk.example.org/campaigns/{deadline.campaign_id}/" in html
    assert "Friday, May 8, 2026" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://desk.example.org/campaigns/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body
    assert unsubscribe.strip("<>") in html
    row = EmailDelivery.objects.get()
    assert message.extra_headers["Message-ID"] == f"<campaign-desk.reminder.{row.pk}@desk.example.org>"


def test_reminder_in_spanish():
    owner = user_in("America/Los_Angeles", language="es")
    deadline_for(owner, date(2026, 5, 8))
    with at(2026, 5, 1, 16, 5):
        run()
    message = mail.outbox[0]
    assert message.subject.startswith("Vence en 7 días:")
    assert "8 de mayo de 2026" in message.body
    assert "Dejar de recibir recordatorios" in message.alternatives[0][0]


# --- exactly once --------------------------------------------------------------------------------


def test_rerun_and_duplicated_tick_send_nothing_twice():
    owners = [user_in("America/Los_Angeles") for _ in range(3)]
    for owner in owners:
        deadline_for(owner, date(2026, 5, 2))
        deadline_for(owner, date(2026, 4, 30))
    with at(2026, 5, 1, 16, 5):
        first = run()
        assert len(first.sent) == 6
        ids = notifications.dispatch("reminders")  # a second tick planning the same emails
        assert ids == []
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with at(2026, 5, 1, 17, 5):
        run()
    assert len(mail.outbox) == 6
    assert EmailDelivery.objects.count() == 6


def test_two_senders_racing_for_the_same_email_send_it_once():
    owner = user_in("America/Los_Angeles")
    deadline_for(owner, date(2026, 5, 2))
    with at(2026, 5, 1, 16, 5):
        ids = notifications.dispatch("reminders")
        # Both senders loaded the row; only one claim can change it.
        first, second = notifications.claim(ids[0]), notifications.claim(ids[0])
        assert first is not None and second is None
        report = notifications.deliver(ids)
    assert report.taken == ids
    assert mail.outbox == []


def test_stale_claim_of_a_dead_worker_is_sent_by_the_next_run(settings):
    settings.NOTIFICATIONS_CLAIM_STALE_SECONDS = 600
    owner = user_in("America/Los_Angeles")
    deadline_for(owner, date(2026, 5, 2))
    with at(2026, 5, 1, 16, 5):
        ids = notifications.dispatch("reminders")
        assert notifications.claim(ids[0])  # a worker claims it, then dies before sending
        assert run().sent == []
    with at(2026, 5, 1, 16, 14):
        assert run().sent == []  # nine minutes: it may still be sending
    with at(2026, 5, 1, 16, 16):
        assert run().sent == ids
    assert len(mail.outbox) == 1
    assert EmailDelivery.objects.get().attempts == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_each_email_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serializes them)")
    owners = [user_in("America/Los_Angeles") for _ in range(12)]
    for owner in owners:
        deadline_for(owner, date(2026, 5, 2))
    moment = datetime(2026, 5, 1, 16, 5, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        ids = notifications.dispatch("reminders")
    barrier = threading.Barrier(4)
    reports = []

    def sender():
        try:
            with time_machine.travel(moment, tick=False):
                barrier.wait()
                reports.append(notifications.deliver(ids))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [pk for report in reports for pk in report.sent]
    assert sorted(sent) == sorted(ids)
    assert len(mail.outbox) == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in owners)


# --- failures, retries, backoff ------------------------------------------------------------------


class FailFor:
    """An email backend that fails for some addresses and delivers the rest to the test outbox."""

    failing = set()

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.failing:
                raise OSError("SMTP server said no")
        return self.inner.send_messages(messages)


@pytest.fixture
def failing_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailFor"
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    yield FailFor.failing
    FailFor.failing = set()


def test_failing_email_is_retried_with_backoff_then_recorded_failed_without_blocking_others(failing_backend):
    bad = user_in("America/Los_Angeles")
    good = [user_in("America/Los_Angeles") for _ in range(3)]
    FailFor.failing = {bad.email}
    deadline_for(bad, date(2026, 5, 2))
    for user in good:
        deadline_for(user, date(2026, 5, 2))
    start = datetime(2026, 5, 1, 16, 5, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        report = run()
    assert len(report.sent) == 3
    row = EmailDelivery.objects.get(user=bad)
    assert report.retry == {row.pk: 60}
    assert (row.status, row.attempts, row.claimed_at) == ("pending", 1, None)
    assert "SMTP server said no" in row.last_error

    # Not before its time, then 60, 120, 240, 480 seconds apart; the fifth failure is final.
    delays = []
    moment = start
    with time_machine.travel(moment + timedelta(seconds=59), tick=False):
        assert notifications.pending_ids(notifications.REMINDER_KINDS) == []
    for expected in (60, 120, 240, 480):
        moment += timedelta(seconds=expected)
        with time_machine.travel(moment, tick=False):
            report = notifications.deliver(notifications.pending_ids(notifications.REMINDER_KINDS))
        delays.append(report.retry.get(row.pk))
    assert delays == [120, 240, 480, None]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 5)
    assert row.finished_at is not None
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        assert notifications.pending_ids(notifications.REMINDER_KINDS) == []
    assert len(mail.outbox) == 3


def test_email_that_fails_then_works_is_sent_once(failing_backend):
    owner = user_in("America/Los_Angeles")
    FailFor.failing = {owner.email}
    deadline_for(owner, date(2026, 5, 2))
    with at(2026, 5, 1, 16, 5):
        run()
    FailFor.failing = set()
    with at(2026, 5, 1, 16, 7):
        run()
    assert len(mail.outbox) == 1
    row = EmailDelivery.objects.get()
    assert (row.status, row.attempts) == ("sent", 2)


def test_batch_task_queues_a_failed_email_alone_with_its_countdown(failing_backend, monkeypatch):
    bad = user_in("America/Los_Angeles")
    good = user_in("America/Los_Angeles")
    FailFor.failing = {bad.email}
    deadline_for(bad, date(2026, 5, 2))
    deadline_for(good, date(2026, 5, 2))
    queued = []
    monkeypatch.setattr(tasks.send_delivery, "apply_async", lambda args, countdown: queued.append((args, countdown)))
    with at(2026, 5, 1, 16, 5):
        ids = notifications.dispatch("reminders")
        result = tasks.send_deliveries(ids)
    bad_row = EmailDelivery.objects.get(user=bad)
    assert result == {"sent": 1, "skipped": 0, "retry": 1}
    assert queued == [((bad_row.pk,), 60)]


def test_retry_task_retries_itself_with_the_next_backoff(failing_backend, monkeypatch):
    from celery.exceptions import Retry

    owner = user_in("America/Los_Angeles")
    FailFor.failing = {owner.email}
    deadline_for(owner, date(2026, 5, 2))
    countdowns = []

    def fake_retry(countdown):
        countdowns.append(countdown)
        return Retry()

    monkeypatch.setattr(tasks.send_delivery, "retry", fake_retry)
    with at(2026, 5, 1, 16, 5):
        (pk,) = notifications.dispatch("reminders")
        notifications.deliver([pk])  # first attempt in its batch
        with pytest.raises(Retry):
            tasks.send_delivery(pk)
    assert countdowns == [120]


# --- tasks, commands, on_commit ------------------------------------------------------------------


def test_send_reminders_task_queues_batches_after_commit(django_capture_on_commit_callbacks, settings, monkeypatch):
    settings.NOTIFICATIONS_BATCH_SIZE = 2
    for _ in range(5):
        deadline_for(user_in("America/Los_Angeles"), date(2026, 5, 2))
    queued = []
    monkeypatch.setattr(tasks.send_deliveries, "delay", queued.append)
    with at(2026, 5, 1, 16, 5), django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.send_reminders() == 5
        assert queued == []  # nothing is queued before the rows are committed
    assert len(callbacks) == 3
    assert [len(batch) for batch in queued] == [2, 2, 1]
    assert sorted(pk for batch in queued for pk in batch) == sorted(EmailDelivery.objects.values_list("pk", flat=True))


def test_send_reminders_command_sends_and_dry_run_does_not(capsys):
    deadline_for(user_in("America/Los_Angeles"), date(2026, 5, 2))
    with at(2026, 5, 1, 16, 5):
        call_command("send_reminders", "--dry-run")
        assert "1 reminders due now; 1 emails would be sent." in capsys.readouterr().out
        assert not EmailDelivery.objects.exists()
        call_command("send_reminders")
        assert "1 sent" in capsys.readouterr().out
        call_command("send_reminders")
        assert "0 sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_beat_schedule_runs_both_hourly_and_keeps_the_heartbeat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["heartbeat"]["task"] == "core.tasks.heartbeat"
    assert schedule["send-reminders"]["task"] == "campaigns.tasks.send_reminders"
    assert schedule["send-digests"]["task"] == "campaigns.tasks.send_digests"
    for name in ("send-reminders", "send-digests"):
        assert schedule[name]["schedule"].hour == set(range(24))


@pytest.mark.parametrize("deadlines", [2, 20])
def test_planning_takes_the_same_queries_however_many_deadlines(deadlines, django_assert_num_queries):
    lead = user_in("America/Los_Angeles", role=roles.STAFF)
    for _ in range(deadlines):
        deadline_for(user_in("America/Los_Angeles"), date(2026, 5, 2), lead=lead)
    # Lead days in use, deadlines, recipients, one insert, pending ids; and the savepoint pair.
    with at(2026, 5, 1, 16, 5), django_assert_num_queries(7):
        notifications.dispatch("reminders")
    assert EmailDelivery.objects.count() == 2 * deadlines
    assert Deadline.objects.count() == deadlines
