"""Reminders and status digests: which email is due for whom, and sending each one exactly once.

The hourly tasks (campaigns.tasks) and the send_reminders / send_digests commands run the same code:

1. plan: insert one EmailDelivery per email that is due now. The row's unique key says what the email
   is for, so a second plan (a re-run, a duplicated tick, two workers) inserts nothing new.
2. pick up: the rows still pending — never claimed, or claimed by a worker that died (stale claim) —
   whose retry time has come.
3. deliver: for each row, claim it with a conditional UPDATE (only one claimer gets row count 1),
   check it is still wanted, send it, and record the result. A failure is retried later with
   exponential backoff and never stops the other emails; after the last attempt the row is failed
   and listed for admins.

Work is batched: planning and building a batch of emails take a fixed number of queries, and each
email costs two more (claim and record), so a run grows with the number of emails, not with
deadlines × users.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.profiles import profile_of
from core.roles import ROLES

from . import alerts, digests, emails
from .models import Deadline, EmailDelivery

log = logging.getLogger(__name__)

Kind = EmailDelivery.Kind
Status = EmailDelivery.Status
Frequency = Profile.DigestFrequency

# Overdue reminders: the first on the first day a deadline is overdue (caught up until day 6), the
# second (and last) after seven days (caught up until day 13).
OVERDUE_STEPS = ((1, 7), (7, 14))
REMINDER_KINDS = (Kind.REMINDER, Kind.OVERDUE)
# Sent as soon as a list is imported; the hourly reminder run also takes up any left pending.
ALERT_KINDS = (Kind.ALERT_287G,)
# A digest whose hour passed more than this long ago is not sent late: the next one will come.
DIGEST_CATCH_UP = timedelta(hours=24)
# Finished rows are kept this long (admins look at them; the keys stop duplicates long after that).
KEEP_FINISHED = timedelta(days=120)
UNSUBSCRIBE_SALT = "campaigns.notifications.unsubscribe"
UNSUBSCRIBE_ALL = "all"
# An unsubscribe link works this long after its email was written: long enough for any email still
# read, short enough that an old forwarded or archived email cannot change someone's settings for ever.
UNSUBSCRIBE_MAX_AGE = timedelta(days=60)


# --- settings and time zones ---------------------------------------------------------------------


@lru_cache(maxsize=256)
def zone_named(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo(settings.TIME_ZONE)


def zone_of(prefs):
    return zone_named(prefs.time_zone or settings.TIME_ZONE)


def can_get_email(user):
    return user.is_active and bool(user.email)


def wants(prefs, kind):
    if kind == Kind.REMINDER:
        return prefs.reminder_emails
    if kind == Kind.OVERDUE:
        return prefs.overdue_emails
    if kind == Kind.ALERT_287G:
        return prefs.list_alert_emails
    return prefs.digest_frequency != Frequency.OFF


# --- when each email is due ----------------------------------------------------------------------


def reminder_hour():
    return settings.NOTIFICATIONS_REMINDER_HOUR


def reminders_due(deadline, prefs, now):
    """[(kind, days)] of the reminders `deadline` calls for today in the user's time zone.

    Reminders go out in the user's local morning (from NOTIFICATIONS_REMINDER_HOUR on): on each lead
    day before the due date, and after it once overdue and once more seven days later.
    """
    local = now.astimezone(zone_of(prefs))
    if local.hour < reminder_hour() or deadline.status != Deadline.Status.OPEN:
        return []
    today = local.date()
    due = []
    days_left = (deadline.due_date - today).days
    if prefs.reminder_emails and days_left in prefs.lead_days:
        due.append((Kind.REMINDER, days_left))
    if prefs.overdue_emails:
        for step, until in OVERDUE_STEPS:
            if step <= -days_left < until:
                due.append((Kind.OVERDUE, step))
    return due


def digest_moment(prefs, now):
    """The scheduled moment (aware) of the user's latest digest if it is due now, else None.

    Weekly digests fall on the chosen weekday, daily ones every day, both at the chosen local hour.
    A run that comes late (the worker was down) still sends it within DIGEST_CATCH_UP.
    """
    if prefs.digest_frequency == Frequency.OFF:
        return None
    zone = zone_of(prefs)
    local = now.astimezone(zone)
    day = local.date()
    if datetime.combine(day, time(prefs.digest_hour), tzinfo=zone) > now:
        day -= timedelta(days=1)
    if prefs.digest_frequency == Frequency.WEEKLY:
        day -= timedelta(days=(day.weekday() - prefs.digest_weekday) % 7)
    moment = datetime.combine(day, time(prefs.digest_hour), tzinfo=zone)
    if now - moment >= DIGEST_CATCH_UP:
        return None
    return moment


def digest_window(prefs, moment):
    """The local window a digest reports on: from the previous scheduled digest up to this one."""
    days = 1 if prefs.digest_frequency == Frequency.DAILY else 7
    local = moment.astimezone(zone_of(prefs))
    start = datetime.combine(local.date() - timedelta(days=days), time(prefs.digest_hour), tzinfo=local.tzinfo)
    return start, moment


# --- planning ------------------------------------------------------------------------------------


def _local_days(now):
    """Every date it is somewhere on earth at `now` (UTC-12 to UTC+14)."""
    return {(now + timedelta(hours=offset)).date() for offset in (-12, 0, 14)}


def _recipients(user_ids):
    User = get_user_model()
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").select_related("profile")
    return {user.pk: user for user in users}


def plan_reminders(*, now=None):
    """Insert a row for every reminder and overdue reminder due now (three queries). Returns how many are due.

    Recipients: the deadline's owner and, if set, the campaign's lead.
    """
    now = now or timezone.now()
    lead_days = set(Profile._meta.get_field("reminder_lead_days").get_default())
    for days in Profile.objects.filter(reminder_emails=True).values_list("reminder_lead_days", flat=True):
        lead_days.update(Profile(reminder_lead_days=days).lead_days)
    due_dates = set()
    for day in _local_days(now):
        due_dates.update(day + timedelta(days=n) for n in lead_days)
        due_dates.update(day - timedelta(days=n) for n in range(1, OVERDUE_STEPS[-1][1]))
    deadlines = list(
        Deadline.objects.filter(status=Deadline.Status.OPEN, due_date__in=due_dates).select_related("campaign")
    )
    users = _recipients({d.owner_id for d in deadlines} | {d.campaign.lead_id for d in deadlines} - {None})
    rows = []
    for deadline in deadlines:
        for user_id in dict.fromkeys([deadline.owner_id, deadline.campaign.lead_id]):
            user = users.get(user_id)
            if user is None:
                continue
            for kind, days in reminders_due(deadline, profile_of(user), now):
                rows.append(
                    EmailDelivery(
                        kind=kind, user=user, deadline=deadline, due_date=deadline.due_date, days=days, created_at=now
                    )
                )
    EmailDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def digest_users():
    """Active users with an email address and a role: organizers, staff, admins (one query)."""

    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__name__in=ROLES))
        .distinct()
        .select_related("profile")
        .order_by("pk")
    )


def plan_digests(*, now=None):
    """Insert a row for every digest due now (two queries). Returns how many are due."""
    now = now or timezone.now()
    rows = []
    for user in digest_users():
        moment = digest_moment(profile_of(user), now)
        if moment is not None:
            rows.append(EmailDelivery(kind=Kind.DIGEST, user=user, period=moment.date(), created_at=now))
    EmailDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def pending_ids(kinds, *, now=None):
    """Rows waiting to be sent: never claimed or claimed by a worker that died, and due for an attempt."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_STALE_SECONDS)
    return list(
        EmailDelivery.objects.filter(status=Status.PENDING, kind__in=kinds)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        # Users of one time zone and hour share a digest window, and a batch builds each window once.
        .order_by("user__profile__time_zone", "user__profile__digest_hour", "pk")
        .values_list("pk", flat=True)
    )


def prune(*, now=None):
    """Forget sent and skipped emails long past (their keys can no longer come up again)."""
    now = now or timezone.now()
    EmailDelivery.objects.filter(status__in=[Status.SENT, Status.SKIPPED], finished_at__lt=now - KEEP_FINISHED).delete()


def batches(ids, size=None):
    size = size or settings.NOTIFICATIONS_BATCH_SIZE
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def dispatch(what, *, now=None, queue=None):
    """Plan the emails due now and hand the pending ones to `queue(batch_of_ids)` after the commit.

    what: "reminders" or "digests". Returns the pending ids.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if what == "reminders":
            plan_reminders(now=now)
            kinds = REMINDER_KINDS + ALERT_KINDS
        else:
            plan_digests(now=now)
            prune(now=now)
            kinds = (Kind.DIGEST,)
        ids = pending_ids(kinds, now=now)
        if queue is not None:
            for batch in batches(ids):
                transaction.on_commit(lambda batch=batch: queue(batch))
    return ids


def dispatch_list_alerts(snapshot_id, *, queue=None):
    """Plan the alert emails of one ICE list and hand them to `queue(batch_of_ids)` after the commit."""
    with transaction.atomic():
        ids = alerts.plan_list_alerts(snapshot_id=snapshot_id)
        if queue is not None:
            for batch in batches(ids):
                transaction.on_commit(lambda batch=batch: queue(batch))
    return ids


# --- delivering ----------------------------------------------------------------------------------


@dataclass
class Report:
    sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    retry: dict = field(default_factory=dict)  # id -> seconds to wait before the next attempt
    taken: list = field(default_factory=list)  # claimed by someone else, or already done

    def add(self, other):
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.retry.update(other.retry)
        self.taken += other.taken
        return self


def _claimable(now):
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_STALE_SECONDS)
    return Q(status=Status.PENDING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))


def claim(delivery_id):
    """Claim one email for this sender: the token if the conditional UPDATE changed the row, else None."""
    now = timezone.now()
    token = uuid.uuid4()
    updated = EmailDelivery.objects.filter(_claimable(now), pk=delivery_id).update(
        claimed_at=now, claim_token=token, attempts=F("attempts") + 1
    )
    return token if updated == 1 else None


def _finish(delivery_id, token, status, error=""):
    return EmailDelivery.objects.filter(pk=delivery_id, claim_token=token, status=Status.PENDING).update(
        status=status, finished_at=timezone.now(), last_error=error[:2000]
    )


def _skip(delivery_ids):
    """Mark emails no longer wanted (deadline done, moved, settings changed, nothing to report) without
    claiming them. Returns the ids this call marked (two queries however many there are)."""
    if not delivery_ids:
        return []
    now = timezone.now()
    # The token tells this call's rows from those another sender skipped or claimed meanwhile.
    token = uuid.uuid4()
    marked = EmailDelivery.objects.filter(_claimable(now), pk__in=delivery_ids).update(
        status=Status.SKIPPED, finished_at=now, claim_token=token
    )
    if not marked:
        return []
    return sorted(EmailDelivery.objects.filter(pk__in=delivery_ids, claim_token=token).values_list("pk", flat=True))


def retry_delay(attempts):
    """Seconds before the next attempt: base, 2 × base, 4 × base, ..."""
    return settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)


def _failed(delivery_id, token, attempts, error, report):
    if attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        _finish(delivery_id, token, Status.FAILED, error)
        report.failed.append(delivery_id)
        log.error("Email %s failed after %s attempts: %s", delivery_id, attempts, error)
        return
    delay = retry_delay(attempts)
    EmailDelivery.objects.filter(pk=delivery_id, claim_token=token, status=Status.PENDING).update(
        claimed_at=None, claim_token=None, next_attempt_at=timezone.now() + timedelta(seconds=delay), last_error=error
    )
    report.retry[delivery_id] = delay
    log.warning("Email %s failed (attempt %s), retrying in %ss: %s", delivery_id, attempts, delay, error)


def _reminder_still_wanted(row):
    deadline = row.deadline
    user = row.user
    prefs = profile_of(user)
    if not can_get_email(user) or not wants(prefs, row.kind):
        return False
    if deadline.status != Deadline.Status.OPEN or deadline.due_date != row.due_date:
        return False  # done, cancelled or moved: the new date has rows of its own
    if user.pk not in (deadline.owner_id, deadline.campaign.lead_id):
        return False
    return row.kind != Kind.REMINDER or row.days in prefs.lead_days


def _digest_recipients(rows, now):
    """DigestRecipient for each digest row still wanted (one query for roles, one for the teams people are on,
    three for the campaigns of the organizations staff manage)."""
    roles = digests.role_names([row.user_id for row in rows])
    roles.update({row.user_id: digests.ADMIN for row in rows if row.user.is_superuser})
    organizers = [user_id for user_id, role in roles.items() if role == digests.ORGANIZER]
    staff = [user_id for user_id, role in roles.items() if role == digests.STAFF]
    campaign_ids = digests.organizer_campaign_ids(organizers + staff) if organizers or staff else {}
    if staff:
        campaign_ids.update(digests.staff_campaign_ids(staff, campaign_ids))
    recipients = {}
    for row in rows:
        prefs = profile_of(row.user)
        role = roles.get(row.user_id)
        if role is None or not can_get_email(row.user) or prefs.digest_frequency == Frequency.OFF:
            continue
        moment = datetime.combine(row.period, time(prefs.digest_hour), tzinfo=zone_of(prefs))
        start, end = digest_window(prefs, moment)
        recipients[row.pk] = digests.DigestRecipient(
            user=row.user,
            role=role,
            zone=zone_of(prefs),
            start=start,
            end=end,
            campaign_ids=None if role == digests.ADMIN else campaign_ids.get(row.user_id, frozenset()),
            frequency=prefs.digest_frequency,
        )
    return recipients


def unsubscribe_token(user, kind):
    """The signed (user, kind) of an unsubscribe link; the signature carries when it was made."""
    return signing.dumps([user.pk, str(kind)], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, kind) from a token, or raise signing.BadSignature (signing.SignatureExpired when too old)."""
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except (TypeError, ValueError) as exc:
        raise signing.BadSignature("Malformed unsubscribe token") from exc
    if kind not in {*Kind.values, UNSUBSCRIBE_ALL} or not isinstance(user_id, int):
        raise signing.BadSignature("Unknown unsubscribe token")
    return user_id, kind


def message_for(row, context, prefs):
    """The email of one delivery row, rendered in the user's language and time zone."""
    unsubscribe = digests.absolute_url(reverse("campaigns:unsubscribe", args=[unsubscribe_token(row.user, row.kind)]))
    context = {
        **context,
        "user": row.user,
        "kind": row.kind,
        "unsubscribe_url": unsubscribe,
        "settings_url": digests.absolute_url(reverse("campaigns:notification-settings")),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    return emails.render_email(
        "digest" if row.kind == Kind.DIGEST else row.kind,
        context,
        to=row.user.email,
        language=prefs.language,
        time_zone=zone_of(prefs),
        unsubscribe_url=unsubscribe,
        message_id=emails.message_id(f"{row.kind}.{row.pk}"),
    )


def _reminder_context(row):
    deadline = row.deadline
    campaign = deadline.campaign
    return {
        "deadline": deadline,
        "campaign": campaign,
        "days": row.days,
        "is_owner": deadline.owner_id == row.user_id,
        "is_lead": campaign.lead_id == row.user_id,
        "campaign_url": digests.absolute_url(campaign.get_absolute_url() + "#deadlines"),
        "deadline_url": digests.absolute_url(reverse("campaigns:deadline-edit", args=[campaign.pk, deadline.pk])),
    }


def _digest_context(digest, rendered_lines):
    return {
        "digest": digest,
        "recipient": digest.recipient,
        "campaigns_url": digests.absolute_url("/campaigns/"),
        # Shared by the batch's emails: a line shown in many digests is rendered once (digest_tags).
        "rendered_lines": rendered_lines,
    }


def deliver(ids, *, now=None, connection=None):
    """Send the emails of these rows that are still pending; each one at most once. Returns a Report.

    Queries: a few to load the batch, a fixed number to build its digests (campaigns.digests) and two
    to skip the emails no longer wanted; then two per email sent (claim and record).
    """
    now = now or timezone.now()
    report = Report()
    rows = list(
        EmailDelivery.objects.filter(_claimable(timezone.now()), pk__in=ids)
        .select_related("user__profile", "deadline__campaign", "deadline__owner", "snapshot")
        .order_by("pk")
    )
    report.taken = sorted(set(ids) - {row.pk for row in rows})
    digest_rows = [row for row in rows if row.kind == Kind.DIGEST]
    recipients = _digest_recipients(digest_rows, now) if digest_rows else {}
    built = digests.build_digests(recipients.values(), now=now) if recipients else {}
    alert_rows = [row for row in rows if row.kind == Kind.ALERT_287G]
    alert_contexts = alerts.alert_contexts(alert_rows, digests.absolute_url) if alert_rows else {}

    messages = []
    unwanted = []
    rendered_lines = {}
    for row in rows:
        prefs = profile_of(row.user)
        if row.kind == Kind.DIGEST:
            digest = built.get(row.user_id) if row.pk in recipients else None
            if digest is None or (digest.is_empty and not prefs.digest_when_empty):
                unwanted.append(row.pk)
                continue
            context = _digest_context(digest, rendered_lines)
        elif row.kind == Kind.ALERT_287G:
            context = alert_contexts.get(row.pk)
            if context is None or not can_get_email(row.user) or not wants(prefs, row.kind):
                unwanted.append(row.pk)
                continue
        else:
            if not _reminder_still_wanted(row):
                unwanted.append(row.pk)
                continue
            context = _reminder_context(row)
        messages.append((row, context, prefs))
    report.skipped = _skip(unwanted)

    if not messages:
        return report
    connection = connection or get_connection(fail_silently=False)
    for row, context, prefs in messages:
        token = claim(row.pk)
        if token is None:
            report.taken.append(row.pk)
            continue
        attempts = row.attempts + 1
        try:
            message = message_for(row, context, prefs)
            message.connection = connection
            message.send()
        except Exception as exc:  # any failure of one email must not stop the others
            _failed(row.pk, token, attempts, f"{type(exc).__name__}: {exc}", report)
            continue
        if _finish(row.pk, token, Status.SENT):
            report.sent.append(row.pk)
    try:
        connection.close()
    except Exception:  # closing a broken SMTP connection must not undo what was sent
        log.warning("Closing the email connection failed", exc_info=True)
    return report


# --- settings and unsubscribing ------------------------------------------------------------------


@transaction.atomic
def notification_settings_save(*, user, **fields):
    """Create or change a user's settings (the form's cleaned data)."""
    prefs, _ = Profile.objects.select_for_update().get_or_create(user=user)
    for name, value in fields.items():
        setattr(prefs, name, value)
    prefs.full_clean()
    prefs.save()
    return prefs


@transaction.atomic
def notification_unsubscribe(*, user, kind):
    """Turn off one kind of email (or all of them). Idempotent."""
    prefs, _ = Profile.objects.select_for_update().get_or_create(user=user)
    if kind in (Kind.REMINDER, UNSUBSCRIBE_ALL):
        prefs.reminder_emails = False
    if kind in (Kind.OVERDUE, UNSUBSCRIBE_ALL):
        prefs.overdue_emails = False
    if kind in (Kind.DIGEST, UNSUBSCRIBE_ALL):
        prefs.digest_frequency = Frequency.OFF
    if kind in (Kind.ALERT_287G, UNSUBSCRIBE_ALL):
        prefs.list_alert_emails = False
    prefs.save()
    return prefs


def opted_out():
    """Users who turned off at least one kind of email (for staff)."""
    return (
        Profile.objects.filter(
            Q(reminder_emails=False)
            | Q(overdue_emails=False)
            | Q(digest_frequency=Frequency.OFF)
            | Q(list_alert_emails=False)
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
