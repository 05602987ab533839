"""What a status digest says: for many users at once, in a fixed number of queries.

`build_digests(recipients, now=...)` reads the batch's activity once for all its recipients (every
campaign when a staff member or admin is among them, otherwise the union of the organizers'
campaigns, from the earliest window's start to the latest one's end) as light rows: ids, campaign
and the dates that place a row in a window. Each user gets the part they may see, in their own window
and time zone; then only the rows some digest shows (at most MAX_ITEMS a section) are read in full.
The number of queries depends neither on how many users there are, nor on how many windows and time
zones they have, nor on how many campaigns, meetings or deadlines there are.
"""

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter, itemgetter
from typing import NamedTuple

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import MANAGING_ROLES, OrganizationMembership
from core.roles import ADMIN, ORGANIZER, STAFF
from jurisdictions.models import Official
from jurisdictions.selectors import UPCOMING_ELECTION_MONTHS, months_after

from . import alerts
from .models import (
    OUTCOME_STAGES,
    Assignment,
    Campaign,
    CampaignShare,
    Deadline,
    Letter,
    Meeting,
    Membership,
    RecordsRequest,
    Stage,
    StageChange,
)
from .selectors import campaign_counties

UPCOMING_DAYS = 14
STALE_DAYS = 30
# Longer lists end with "and N more" and a link to the campaign list, so a digest stays readable.
MAX_ITEMS = 20
MAX_SUMMARY_ROWS = 40
# What the admins' table counts for each campaign.
SUMMARY_COUNTS = ("overdue", "upcoming", "stage_changes", "meetings", "letters", "requests")

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
    campaign_ids: frozenset | None = None  # None: every campaign (network admins)
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
    # Elections due within UPCOMING_ELECTION_MONTHS in the counties of the reader's campaigns: shown
    # with the news, never a reason on their own to send a digest (they do not change week to week).
    elections: Section = field(default_factory=Section)
    # Changes to ICE's 287(g) list imported in the window, where the reader campaigns or watches (staff and
    # admins: all of them).
    list_changes: Section = field(default_factory=Section)

    @property
    def sections(self):
        return [
            self.list_changes,
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


class Line(NamedTuple):
    """One row of a section: the object, the page it links to, who it names, and the days or state it shows.

    Templates unpack it (`{% for deadline, url, who, days in digest.overdue.items %}`): the link and the
    name are worked out once per batch, not once per email that shows the row.
    """

    obj: object
    url: str
    who: str = ""
    value: object = None


def organizer_campaign_ids(user_ids):
    """{user id: frozenset of campaign ids} for organizers: the teams they are on (one query)."""
    by_user = defaultdict(set)
    for user_id, campaign_id in Membership.objects.filter(user_id__in=user_ids).values_list("user_id", "campaign_id"):
        by_user[user_id].add(campaign_id)
    return {user_id: frozenset(by_user.get(user_id, ())) for user_id in user_ids}


def staff_campaign_ids(user_ids, teams):
    """{user id: frozenset of campaign ids} for an organization's staff, as campaigns.access.campaigns_visible_to
    has them: their organizations' campaigns, those shared with them, and `teams`, those they are on (from
    organizer_campaign_ids; three queries)."""
    orgs_of = defaultdict(set)
    managed = OrganizationMembership.objects.filter(user_id__in=user_ids, role__in=MANAGING_ROLES)
    for user_id, organization_id in managed.values_list("user_id", "organization_id"):
        orgs_of[user_id].add(organization_id)
    organizations = set().union(*orgs_of.values())
    of_organization = defaultdict(set)
    for pk, organization_id in Campaign.objects.filter(organization_id__in=organizations).values_list(
        "pk", "organization_id"
    ):
        of_organization[organization_id].add(pk)
    for campaign_id, organization_id in CampaignShare.objects.filter(organization_id__in=organizations).values_list(
        "campaign_id", "organization_id"
    ):
        of_organization[organization_id].add(campaign_id)
    return {
        user_id: frozenset(teams[user_id].union(*(of_organization[o] for o in orgs_of[user_id])))
        for user_id in user_ids
    }


class _Light:
    """Light rows of one kind (pk, campaign id, the fields that place it in a window) in their section's order."""

    def __init__(self, rows):
        self.rows = rows
        self.by_campaign = defaultdict(list)
        for position, row in enumerate(self.rows):
            self.by_campaign[row[1]].append((position, row))

    def of(self, campaign_ids):
        """The rows of these campaigns (None: of all), still in order."""
        if campaign_ids is None:
            return self.rows
        picked = [pair for pk in campaign_ids for pair in self.by_campaign.get(pk, ())]
        picked.sort(key=itemgetter(0))
        return [row for _position, row in picked]


def _light(queryset, *fields, campaign="campaign_id"):
    return _Light(list(queryset.values_list("pk", campaign, *fields, named=True)))


def _until(rows, moment, key):
    """Of rows in ascending order of `key`, those before `moment`."""
    return rows[: bisect_left(rows, moment, key=attrgetter(key))]


def _between(rows, first, last, key):
    """Of rows in ascending order of `key`, those from `first` to `last` (both included)."""
    get = attrgetter(key)
    return rows[bisect_left(rows, first, key=get) : bisect_right(rows, last, key=get)]


# Section name -> (model, select_related of the rows a digest shows).
SECTIONS = {
    "stage_changes": (StageChange, ("campaign", "changed_by")),
    "meetings": (Meeting, ("campaign", "logged_by")),
    "letters": (Letter, ("campaign",)),
    "requests": (RecordsRequest, ("campaign", "agency")),
    "assignments": (Assignment, ("campaign", "resource", "assigned_by")),
    "upcoming": (Deadline, ("campaign", "owner")),
    "overdue": (Deadline, ("campaign", "owner")),
    "stale": (Campaign, ("jurisdiction__state",)),
}


def _read_light(recipients):
    """Everything the recipients' windows may report, as light rows (seven queries).

    Every campaign when someone reads about all of them, else the recipients' campaigns; from the
    earliest window's start to the latest one's end.
    """
    if any(r.campaign_ids is None for r in recipients):
        scope, campaign_scope = Q(), Q()
    else:
        ids = set().union(*(r.campaign_ids for r in recipients))
        scope, campaign_scope = Q(campaign_id__in=ids), Q(pk__in=ids)
    start = min(r.start for r in recipients)
    end = max(r.end for r in recipients)
    first_day = min(r.first_day for r in recipients)
    last_today = max(r.today for r in recipients)
    # Overdue deadlines have no lower bound: however old, they stay in the digest until closed.
    deadlines = _light(
        Deadline.objects.filter(
            scope, status=Deadline.Status.OPEN, due_date__lte=last_today + timedelta(days=UPCOMING_DAYS)
        ).order_by("due_date", "due_time", "pk"),
        "due_date",
    )
    return {
        "stage_changes": _light(
            StageChange.objects.filter(scope, changed_at__gte=start, changed_at__lt=end).order_by("-changed_at", "-pk"),
            "changed_at",
        ),
        "meetings": _light(
            Meeting.objects.filter(
                scope, status=Meeting.Status.LOGGED, logged_at__gte=start, logged_at__lt=end
            ).order_by("-held_at", "-pk"),
            "logged_at",
        ),
        "letters": _light(
            Letter.objects.filter(scope)
            .filter(
                Q(sent_on__gte=first_day, sent_on__lt=last_today)
                | Q(answered_on__gte=first_day, answered_on__lt=last_today)
            )
            .order_by("-updated_at", "-pk"),
            "sent_on",
            "answered_on",
        ),
        "requests": _light(
            RecordsRequest.objects.filter(scope)
            .filter(
                Q(sent_on__gte=first_day, sent_on__lt=last_today)
                | Q(status__in=ANSWERED_REQUEST_STATUSES, updated_at__gte=start, updated_at__lt=end)
            )
            .order_by("-updated_at", "-pk"),
            "sent_on",
            "status",
            "updated_at",
        ),
        "assignments": _light(
            Assignment.objects.filter(
                scope, assigned_at__gte=start, assigned_at__lt=end, withdrawn_at__isnull=True
            ).order_by("-assigned_at", "-pk"),
            "assigned_at",
        ),
        "deadlines": deadlines,
        # Most overdue first; the due time does not matter here.
        "overdue": _Light(sorted(deadlines.rows, key=attrgetter("due_date", "pk"))),
        "stale": _light(
            Campaign.objects.filter(campaign_scope, last_activity_at__lt=end - timedelta(days=STALE_DAYS))
            .exclude(stage__in=OUTCOME_STAGES)
            .order_by("last_activity_at", "pk"),
            "last_activity_at",
            campaign="id",
        ),
    }


def _picks(r, light):
    """{section: (light rows, what each line shows)}: every row the recipient's digest reports, in order."""
    ids, start, end, today, first_day = r.campaign_ids, r.start, r.end, r.today, r.first_day

    def in_window(moment):
        return start <= moment < end

    def on_days(day):
        return day is not None and first_day <= day < today

    def answered(request):
        return request.status in ANSWERED_REQUEST_STATUSES and in_window(request.updated_at)

    return {
        "stage_changes": ([x for x in light["stage_changes"].of(ids) if in_window(x.changed_at)], None),
        "meetings": ([x for x in light["meetings"].of(ids) if in_window(x.logged_at)], None),
        "letters": (
            [x for x in light["letters"].of(ids) if on_days(x.answered_on) or on_days(x.sent_on)],
            lambda x: "answered" if on_days(x.answered_on) else "sent",
        ),
        "requests": (
            [x for x in light["requests"].of(ids) if answered(x) or on_days(x.sent_on)],
            lambda x: "answered" if answered(x) else "sent",
        ),
        "assignments": ([x for x in light["assignments"].of(ids) if in_window(x.assigned_at)], None),
        "upcoming": (
            _between(light["deadlines"].of(ids), today, today + timedelta(days=UPCOMING_DAYS), "due_date"),
            lambda x: (x.due_date - today).days,
        ),
        "overdue": (_until(light["overdue"].of(ids), today, "due_date"), lambda x: (today - x.due_date).days),
        "stale": (
            _until(light["stale"].of(ids), end - timedelta(days=STALE_DAYS), "last_activity_at"),
            lambda x: (end - x.last_activity_at).days,
        ),
    }


def _name(user):
    return (user.get_full_name() or user.username) if user is not None else ""


class _Lines:
    """The rows some digest of the batch shows, read in full once (a query per kind; SQLite splits long
    lists of ids) and turned into Lines."""

    def __init__(self, all_picks):
        shown = defaultdict(set)
        for picks in all_picks:
            for name, (rows, _value) in picks.items():
                shown[SECTIONS[name][0]].update(row.pk for row in rows[:MAX_ITEMS])
        self.objects = {}
        for model, related in dict(SECTIONS.values()).items():
            self.objects[model] = model.objects.select_related(*related).in_bulk(shown[model]) if shown[model] else {}
        self.campaign_urls = {}
        self.urls = {}

    def campaign_url(self, campaign_id):
        if campaign_id not in self.campaign_urls:
            self.campaign_urls[campaign_id] = absolute_url(reverse("campaigns:detail", args=[campaign_id]))
        return self.campaign_urls[campaign_id]

    def url(self, obj):
        key = (type(obj), obj.pk)
        if key not in self.urls:
            self.urls[key] = absolute_url(obj.get_absolute_url())
        return self.urls[key]

    def line(self, name, obj, value):
        if name in ("upcoming", "overdue"):
            return Line(obj, self.campaign_url(obj.campaign_id) + "#deadlines", _name(obj.owner), value)
        if name == "stage_changes":
            return Line(obj, self.campaign_url(obj.campaign_id), _name(obj.changed_by), value)
        if name == "stale":
            return Line(obj, self.campaign_url(obj.pk), "", value)
        who = {"meetings": "logged_by", "assignments": "assigned_by"}.get(name)
        return Line(obj, self.url(obj), _name(getattr(obj, who)) if who else "", value)

    def section(self, name, rows, value, more_url=""):
        objects = self.objects[SECTIONS[name][0]]
        items = [
            self.line(name, objects[row.pk], value(row) if value else None)
            for row in rows[:MAX_ITEMS]
            if row.pk in objects
        ]
        return Section(items=items, total=len(rows), more_url=more_url)


def _window(r):
    """Recipients with the same campaigns and window read the same digest."""
    return (r.campaign_ids, r.start, r.end, r.today, r.first_day)


class _Elections:
    """The elections of a batch: light rows of every official in office whose election falls in some
    recipient's horizon, in the counties of the batch's campaigns, and those counties by campaign (two
    queries); then the officials some digest shows, read in full once (one more)."""

    def __init__(self, recipients):
        if any(r.campaign_ids is None for r in recipients):
            campaigns = Campaign.objects.all()
        else:
            campaigns = Campaign.objects.filter(pk__in=set().union(*(r.campaign_ids for r in recipients)))
        self.counties = defaultdict(set)
        for pk, place, county in campaigns.values_list("pk", "jurisdiction_id", "jurisdiction__parent_id"):
            self.counties[pk].update({place, county} - {None})
        first = min(r.today for r in recipients)
        last = months_after(max(r.today for r in recipients), UPCOMING_ELECTION_MONTHS)
        self.rows = list(
            Official.objects.filter(
                is_active=True,
                next_election__range=(first, last),
                agency__jurisdiction__in=campaign_counties(campaigns),
            )
            .order_by("next_election", "agency__jurisdiction__name", "office", "district", "name", "pk")
            .values_list("pk", "agency__jurisdiction_id", "next_election", named=True)
        )
        self.officials = {}

    def picks(self, r):
        """The light rows of the recipient's elections, soonest first."""
        today, until = r.today, months_after(r.today, UPCOMING_ELECTION_MONTHS)
        places = None
        if r.campaign_ids is not None:
            places = set().union(*(self.counties.get(pk, ()) for pk in r.campaign_ids))
        return [
            row
            for row in self.rows
            if today <= row.next_election <= until and (places is None or row.agency__jurisdiction_id in places)
        ]

    def read(self, all_picks):
        shown = {row.pk for picks in all_picks for row in picks[:MAX_ITEMS]}
        if shown:
            self.officials = Official.objects.select_related("agency__jurisdiction", "agency__state").in_bulk(shown)

    def section(self, r, picks, more_url):
        items = []
        for row in picks[:MAX_ITEMS]:
            official = self.officials.get(row.pk)
            if official is not None:
                url = absolute_url(official.get_absolute_url())
                items.append(Line(official, url, "", (row.next_election - r.today).days))
        return Section(items=items, total=len(picks), more_url=more_url)


def build_digests(recipients, *, now):
    """{user id: Digest} for every recipient.

    Seven queries read the light rows of the whole batch, seven more the rows the digests show, three
    the admins' table and three the elections; users of the same scope and window share their sections.
    """
    recipients = list(recipients)
    if not recipients:
        return {}
    light = _read_light(recipients)
    picks = {}
    for r in recipients:
        if _window(r) not in picks:
            picks[_window(r)] = _picks(r, light)
    lines = _Lines(picks.values())
    list_url = absolute_url(reverse("campaigns:list"))
    more_urls = {"overdue": f"{list_url}?overdue=yes", "stale": f"{list_url}?activity=stale30&sort=-activity"}
    sections = {
        window: {name: lines.section(name, rows, value, more_urls.get(name, "")) for name, (rows, value) in p.items()}
        for window, p in picks.items()
    }
    admins = [r for r in recipients if r.role == ADMIN]
    tables = _summaries({_window(r): picks[_window(r)] for r in admins}, lines) if admins else {}
    elections = _Elections(recipients)
    election_picks = {}
    for r in recipients:
        if _window(r) not in election_picks:
            election_picks[_window(r)] = elections.picks(r)
    elections.read(election_picks.values())
    officials_url = absolute_url(reverse("jurisdictions:officials")) + f"?election_within={UPCOMING_ELECTION_MONTHS}"
    election_sections = {}
    list_changes = alerts.digest_changes(recipients)
    county_urls = {}
    built = {}
    for r in recipients:
        window = _window(r)
        if window not in election_sections:
            election_sections[window] = elections.section(r, election_picks[window], officials_url)
        digest = Digest(
            recipient=r,
            elections=election_sections[window],
            list_changes=_list_change_section(list_changes.get(r.user.pk, []), county_urls),
            **sections[window],
        )
        if r.role == ADMIN:
            digest.summary, digest.summary_more, digest.stage_counts = tables[_window(r)]
        built[r.user.pk] = digest
    return built


def _list_change_section(changes, county_urls):
    items = []
    for change in changes[:MAX_ITEMS]:
        url = ""
        if change.jurisdiction_id:
            if change.jurisdiction_id not in county_urls:
                county_urls[change.jurisdiction_id] = absolute_url(
                    change.jurisdiction.get_absolute_url() + "#agreements"
                )
            url = county_urls[change.jurisdiction_id]
        items.append(Line(change, url))
    return Section(items=items, total=len(changes))


@dataclass
class SummaryRow:
    campaign: Campaign
    url: str
    stage_changes: int = 0
    meetings: int = 0
    requests: int = 0  # letters and records requests
    upcoming: int = 0
    overdue: int = 0


def _summaries(picks_by_window, lines):
    """{window: (rows, how many more, stage counts)}: the admins' table, campaigns with activity or open deadlines.

    Most overdue first, then the most active. Counted from the rows the digests report; three queries
    (names to sort by, the campaigns shown, campaigns by stage) for every window together.
    """
    counted = {}
    for window, picks in picks_by_window.items():
        counts = {name: Counter(row[1] for row in picks[name][0]) for name in SUMMARY_COUNTS}
        counted[window] = counts
    ids = set().union(*(set(c) for counts in counted.values() for c in counts.values()))
    names = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    ordered = {}
    for window, c in counted.items():

        def activity(pk, c=c):
            return c["stage_changes"][pk] + c["meetings"][pk] + c["letters"][pk] + c["requests"][pk]

        keys = set().union(*c.values())
        ordered[window] = sorted(
            keys, key=lambda pk, c=c: (-c["overdue"][pk], -activity(pk), names.get(pk, "").lower(), pk)
        )
    shown = set().union(*(pks[:MAX_SUMMARY_ROWS] for pks in ordered.values()))
    campaigns = Campaign.objects.in_bulk(shown) if shown else {}
    stage_totals = dict(Campaign.objects.values_list("stage").annotate(n=Count("pk")).order_by())
    stage_counts = [(label, stage_totals[value]) for value, label in Stage.choices if stage_totals.get(value)]
    tables = {}
    for window, pks in ordered.items():
        c = counted[window]
        rows = [
            SummaryRow(
                campaign=campaigns[pk],
                url=lines.campaign_url(pk),
                stage_changes=c["stage_changes"][pk],
                meetings=c["meetings"][pk],
                requests=c["letters"][pk] + c["requests"][pk],
                upcoming=c["upcoming"][pk],
                overdue=c["overdue"][pk],
            )
            for pk in pks[:MAX_SUMMARY_ROWS]
            if pk in campaigns
        ]
        tables[window] = (rows, len(pks) - len(pks[:MAX_SUMMARY_ROWS]), stage_counts)
    return tables


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
