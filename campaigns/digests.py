"""What a status digest says: for many users at once, in a fixed number of queries.

`build_digests(recipients, now=...)` reads the period's activity once for the whole batch (every
campaign when a staff member or admin is in it, otherwise the union of the organizers' campaigns)
and hands each user the part they may see, in their own window and time zone. The number of
queries does not depend on how many users, campaigns, meetings or deadlines there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.urls import reverse

from core.roles import ADMIN, ORGANIZER, STAFF

from .models import (
    OUTCOME_STAGES,
    Assignment,
    Campaign,
    Deadline,
    Letter,
    Meeting,
    Membership,
    RecordsRequest,
    Stage,
    StageChange,
)

UPCOMING_DAYS = 14
STALE_DAYS = 30
# Longer lists end with "and N more" and a link to the campaign list, so a digest stays readable.
MAX_ITEMS = 20
MAX_SUMMARY_ROWS = 40

# Statuses in which an agency has answered a records request.
ANSWERED_REQUEST_STATUSES = {
    RecordsRequest.Status.ACKNOWLEDGED,
    RecordsRequest.Status.EXTENDED,
    RecordsRequest.Status.PARTLY_FULFILLED,
    RecordsRequest.Status.FULFILLED,
    RecordsRequest.Status.DENIED,
}


def absolute_url(path):
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


@dataclass
class DigestRecipient:
    """Who a digest is for, and which window of their local time it reports on."""

    user: object
    role: str
    zone: object  # ZoneInfo
    start: datetime  # aware, inclusive: the previous scheduled digest
    end: datetime  # aware, exclusive: this scheduled digest
    campaign_ids: frozenset | None = None  # None: every campaign (staff and admins)
    frequency: str = "weekly"

    @property
    def today(self):
        """The local date of the digest: upcoming and overdue deadlines count from it."""
        return self.end.astimezone(self.zone).date()

    @property
    def first_day(self):
        return self.start.astimezone(self.zone).date()


@dataclass
class Section:
    items: list = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @property
    def more(self):
        return self.total - len(self.items)

    def __bool__(self):
        return self.total > 0


@dataclass
class Digest:
    recipient: DigestRecipient
    stage_changes: Section
    meetings: Section
    letters: Section
    requests: Section
    assignments: Section
    upcoming: Section
    overdue: Section
    stale: Section
    summary: list | None = None  # admins: one row per campaign with something to report
    summary_more: int = 0
    stage_counts: list | None = None  # admins: (stage label, count)

    @property
    def sections(self):
        return [
            self.stage_changes,
            self.meetings,
            self.letters,
            self.requests,
            self.assignments,
            self.upcoming,
            self.overdue,
            self.stale,
        ]

    @property
    def is_empty(self):
        return not any(self.sections)

    @property
    def counts(self):
        return {
            "stage_changes": self.stage_changes.total,
            "meetings": self.meetings.total,
            "letters": self.letters.total,
            "requests": self.requests.total,
            "assignments": self.assignments.total,
            "upcoming": self.upcoming.total,
            "overdue": self.overdue.total,
            "stale": self.stale.total,
        }


def _section(rows, more_url=""):
    return Section(items=rows[:MAX_ITEMS], total=len(rows), more_url=more_url)


def _campaign_link(campaign):
    return absolute_url(campaign.get_absolute_url())


def _visible(recipient, campaign_id):
    return recipient.campaign_ids is None or campaign_id in recipient.campaign_ids


def organizer_campaign_ids(user_ids):
    """{user id: frozenset of campaign ids} for organizers (one query)."""
    by_user = defaultdict(set)
    for user_id, campaign_id in Membership.objects.filter(user_id__in=user_ids).values_list("user_id", "campaign_id"):
        by_user[user_id].add(campaign_id)
    return {user_id: frozenset(by_user.get(user_id, ())) for user_id in user_ids}


def build_digests(recipients, *, now):
    """{user id: Digest} for every recipient.

    Organizers' digests are built together from their campaigns' activity (seven queries). Staff and
    admins, who read about every campaign, share the whole desk's counts and top rows for each window
    (sixteen queries, nine more for the admins' table); everyone whose digest falls on the same hour
    has the same window. None of it depends on how many campaigns, meetings or deadlines there are.
    """
    recipients = list(recipients)
    built = {}
    scoped = [r for r in recipients if r.campaign_ids is not None]
    if scoped:
        built.update(_build_scoped(scoped))
    by_window = defaultdict(list)
    for r in recipients:
        if r.campaign_ids is None:
            by_window[(r.start, r.end, r.today, r.first_day)].append(r)
    for group in by_window.values():
        built.update(_build_everything(group))
    return built


def _build_scoped(recipients):
    """Organizers: read everything that happened in their campaigns once (seven queries), then split it.

    Their campaigns are few, so reading all of it is cheap; each user gets the part in their window.
    """
    campaign_ids = set().union(*(r.campaign_ids for r in recipients))
    campaign_filter, stale_filter = Q(campaign_id__in=campaign_ids), Q(pk__in=campaign_ids)
    start = min(r.start for r in recipients)
    end = max(r.end for r in recipients)
    first_day = min(r.first_day for r in recipients)
    last_today = max(r.today for r in recipients)

    stage_changes = list(
        StageChange.objects.filter(campaign_filter, changed_at__gte=start, changed_at__lt=end)
        .select_related("campaign", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    meetings = list(
        Meeting.objects.filter(campaign_filter, status=Meeting.Status.LOGGED, logged_at__gte=start, logged_at__lt=end)
        .select_related("campaign", "logged_by")
        .order_by("-held_at", "-pk")
    )
    letters = list(
        Letter.objects.filter(campaign_filter)
        .filter(
            Q(sent_on__gte=first_day, sent_on__lte=last_today)
            | Q(answered_on__gte=first_day, answered_on__lte=last_today)
        )
        .select_related("campaign")
        .order_by("-updated_at", "-pk")
    )
    assignments = list(
        Assignment.objects.filter(campaign_filter, assigned_at__gte=start, assigned_at__lt=end)
        .filter(withdrawn_at__isnull=True)
        .select_related("campaign", "resource", "assigned_by")
        .order_by("-assigned_at", "-pk")
    )
    requests = list(
        RecordsRequest.objects.filter(campaign_filter)
        .filter(
            Q(sent_on__gte=first_day, sent_on__lte=last_today)
            | Q(status__in=ANSWERED_REQUEST_STATUSES, updated_at__gte=start, updated_at__lt=end)
        )
        .select_related("campaign", "agency")
        .order_by("-updated_at", "-pk")
    )
    deadlines = list(
        Deadline.objects.filter(
            campaign_filter, status=Deadline.Status.OPEN, due_date__lte=last_today + timedelta(days=UPCOMING_DAYS)
        )
        .select_related("campaign", "owner")
        .order_by("due_date", "due_time", "pk")
    )
    stale = list(
        Campaign.objects.filter(stale_filter, last_activity_at__lt=end - timedelta(days=STALE_DAYS))
        .exclude(stage__in=OUTCOME_STAGES)
        .select_related("jurisdiction__state")
        .order_by("last_activity_at", "pk")
    )
    list_url = absolute_url(reverse("campaigns:list"))
    digests = {}
    for r in recipients:
        today = r.today
        mine_changes = [c for c in stage_changes if _visible(r, c.campaign_id) and r.start <= c.changed_at < r.end]
        mine_meetings = [m for m in meetings if _visible(r, m.campaign_id) and r.start <= m.logged_at < r.end]
        mine_requests = []
        for req in requests:
            if not _visible(r, req.campaign_id):
                continue
            sent = req.sent_on is not None and r.first_day <= req.sent_on < today
            answered = req.status in ANSWERED_REQUEST_STATUSES and r.start <= req.updated_at < r.end
            if sent or answered:
                mine_requests.append((req, "answered" if answered else "sent"))
        mine_letters = []
        for letter in letters:
            if not _visible(r, letter.campaign_id):
                continue
            if letter.answered_on is not None and r.first_day <= letter.answered_on < today:
                mine_letters.append((letter, "answered"))
            elif letter.sent_on is not None and r.first_day <= letter.sent_on < today:
                mine_letters.append((letter, "sent"))
        mine_assignments = [a for a in assignments if _visible(r, a.campaign_id) and r.start <= a.assigned_at < r.end]
        upcoming_until = today + timedelta(days=UPCOMING_DAYS)
        # Items are (object, number of days) pairs: the objects are shared by every recipient.
        mine_upcoming = [
            (d, (d.due_date - today).days)
            for d in deadlines
            if _visible(r, d.campaign_id) and today <= d.due_date <= upcoming_until
        ]
        mine_overdue = sorted(
            ((d, (today - d.due_date).days) for d in deadlines if _visible(r, d.campaign_id) and d.due_date < today),
            key=lambda pair: (-pair[1], pair[0].pk),
        )
        mine_stale = [
            (c, (r.end - c.last_activity_at).days)
            for c in stale
            if _visible(r, c.pk) and c.last_activity_at < r.end - timedelta(days=STALE_DAYS)
        ]
        digest = Digest(
            recipient=r,
            stage_changes=_section(mine_changes),
            meetings=_section(mine_meetings),
            letters=_section(mine_letters),
            requests=_section(mine_requests),
            assignments=_section(mine_assignments),
            upcoming=_section(mine_upcoming),
            overdue=_section(mine_overdue, more_url=f"{list_url}?overdue=yes"),
            stale=_section(mine_stale, more_url=f"{list_url}?activity=stale30&sort=-activity"),
        )
        digests[r.user.pk] = digest
    return digests


@dataclass
class SummaryRow:
    campaign: Campaign
    url: str
    stage_changes: int = 0
    meetings: int = 0
    requests: int = 0  # letters and records requests
    upcoming: int = 0
    overdue: int = 0


def _top(queryset, limit=MAX_ITEMS):
    """(first rows, how many in all): two queries that indexes serve, whatever the number of rows."""
    return list(queryset[:limit]), queryset.count()


def _shared_section(rows, total, more_url=""):
    return Section(items=rows, total=total, more_url=more_url)


def _build_everything(recipients):
    """Staff and admins with the same window: the whole desk's counts and top rows, read once for all."""
    first = recipients[0]
    start, end, today, first_day = first.start, first.end, first.today, first.first_day
    list_url = absolute_url(reverse("campaigns:list"))

    changes, changes_total = _top(
        StageChange.objects.filter(changed_at__gte=start, changed_at__lt=end)
        .select_related("campaign", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    meetings, meetings_total = _top(
        Meeting.objects.filter(status=Meeting.Status.LOGGED, logged_at__gte=start, logged_at__lt=end)
        .select_related("campaign", "logged_by")
        .order_by("-held_at", "-pk")
    )
    answered_letter = Q(answered_on__gte=first_day, answered_on__lt=today)
    letters, letters_total = _top(
        Letter.objects.filter(Q(sent_on__gte=first_day, sent_on__lt=today) | answered_letter)
        .annotate(answered=ExpressionWrapper(answered_letter, output_field=BooleanField()))
        .select_related("campaign")
        .order_by("-updated_at", "-pk")
    )
    answered_request = Q(status__in=ANSWERED_REQUEST_STATUSES, updated_at__gte=start, updated_at__lt=end)
    requests, requests_total = _top(
        RecordsRequest.objects.filter(Q(sent_on__gte=first_day, sent_on__lt=today) | answered_request)
        .annotate(answered=ExpressionWrapper(answered_request, output_field=BooleanField()))
        .select_related("campaign", "agency")
        .order_by("-updated_at", "-pk")
    )
    assignments, assignments_total = _top(
        Assignment.objects.filter(assigned_at__gte=start, assigned_at__lt=end, withdrawn_at__isnull=True)
        .select_related("campaign", "resource", "assigned_by")
        .order_by("-assigned_at", "-pk")
    )
    open_deadlines = Deadline.objects.filter(status=Deadline.Status.OPEN).select_related("campaign", "owner")
    upcoming, upcoming_total = _top(
        open_deadlines.filter(due_date__gte=today, due_date__lte=today + timedelta(days=UPCOMING_DAYS)).order_by(
            "due_date", "due_time", "pk"
        )
    )
    overdue, overdue_total = _top(open_deadlines.filter(due_date__lt=today).order_by("due_date", "pk"))
    stale, stale_total = _top(
        Campaign.objects.filter(last_activity_at__lt=end - timedelta(days=STALE_DAYS))
        .exclude(stage__in=OUTCOME_STAGES)
        .select_related("jurisdiction__state")
        .order_by("last_activity_at", "pk")
    )
    sections = {
        "stage_changes": _shared_section(changes, changes_total),
        "meetings": _shared_section(meetings, meetings_total),
        "letters": _shared_section([(x, "answered" if x.answered else "sent") for x in letters], letters_total),
        "requests": _shared_section([(x, "answered" if x.answered else "sent") for x in requests], requests_total),
        "assignments": _shared_section(assignments, assignments_total),
        "upcoming": _shared_section([(d, (d.due_date - today).days) for d in upcoming], upcoming_total),
        "overdue": _shared_section(
            [(d, (today - d.due_date).days) for d in overdue], overdue_total, more_url=f"{list_url}?overdue=yes"
        ),
        "stale": _shared_section(
            [(c, (end - c.last_activity_at).days) for c in stale],
            stale_total,
            more_url=f"{list_url}?activity=stale30&sort=-activity",
        ),
    }
    summary = summary_more = stage_counts = None
    if any(r.role == ADMIN for r in recipients):
        summary, summary_more = _summary_all(start, end, first_day, today)
        counts = dict(Campaign.objects.values_list("stage").annotate(n=Count("pk")).order_by())
        stage_counts = [(label, counts[value]) for value, label in Stage.choices if counts.get(value)]
    built = {}
    for r in recipients:
        digest = Digest(recipient=r, **sections)
        if r.role == ADMIN:
            digest.summary, digest.summary_more, digest.stage_counts = summary, summary_more, stage_counts
        built[r.user.pk] = digest
    return built


def _counts_by_campaign(queryset):
    return dict(queryset.order_by().values_list("campaign_id").annotate(n=Count("pk")))


def _summary_all(start, end, first_day, today):
    """Admins' table for the whole desk: campaigns with activity or open deadlines, most overdue first.

    One grouped count per kind of row (each a single scan), merged here; then the campaigns shown.
    """
    open_deadlines = Deadline.objects.filter(status=Deadline.Status.OPEN)
    overdue = _counts_by_campaign(open_deadlines.filter(due_date__lt=today))
    upcoming = _counts_by_campaign(
        open_deadlines.filter(due_date__gte=today, due_date__lte=today + timedelta(days=UPCOMING_DAYS))
    )
    changes = _counts_by_campaign(StageChange.objects.filter(changed_at__gte=start, changed_at__lt=end))
    meetings = _counts_by_campaign(
        Meeting.objects.filter(status=Meeting.Status.LOGGED, logged_at__gte=start, logged_at__lt=end)
    )
    letters = _counts_by_campaign(
        Letter.objects.filter(
            Q(sent_on__gte=first_day, sent_on__lt=today) | Q(answered_on__gte=first_day, answered_on__lt=today)
        )
    )
    requests = _counts_by_campaign(
        RecordsRequest.objects.filter(
            Q(sent_on__gte=first_day, sent_on__lt=today)
            | Q(status__in=ANSWERED_REQUEST_STATUSES, updated_at__gte=start, updated_at__lt=end)
        )
    )
    ids = set(overdue) | set(upcoming) | set(changes) | set(meetings) | set(letters) | set(requests)
    names = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}

    def activity(pk):
        return changes.get(pk, 0) + meetings.get(pk, 0) + letters.get(pk, 0) + requests.get(pk, 0)

    ordered = sorted(ids, key=lambda pk: (-overdue.get(pk, 0), -activity(pk), names.get(pk, "").lower(), pk))
    shown = ordered[:MAX_SUMMARY_ROWS]
    campaigns = Campaign.objects.in_bulk(shown)
    summary = [
        SummaryRow(
            campaign=campaigns[pk],
            url=_campaign_link(campaigns[pk]),
            stage_changes=changes.get(pk, 0),
            meetings=meetings.get(pk, 0),
            requests=letters.get(pk, 0) + requests.get(pk, 0),
            upcoming=upcoming.get(pk, 0),
            overdue=overdue.get(pk, 0),
        )
        for pk in shown
        if pk in campaigns
    ]
    return summary, len(ordered) - len(shown)


def role_names(user_ids):
    """{user id: highest role} for many users in one query (superusers count as admins)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    names = defaultdict(set)
    rows = User.groups.through.objects.filter(user_id__in=user_ids, group__name__in=[ADMIN, STAFF, ORGANIZER])
    for user_id, name in rows.values_list("user_id", "group__name"):
        names[user_id].add(name)
    roles = {}
    for user_id in user_ids:
        for role in (ADMIN, STAFF, ORGANIZER):
            if role in names[user_id]:
                roles[user_id] = role
                break
    return roles
