"""Reads of the dashboard at `/` and of the campaign status report.

Nothing here loops over rows to ask the database again: every count, next deadline, whip count and
month of wins is computed by the database (annotate, Count, Subquery) in one query per panel, so the
dashboard costs the same number of queries with ten campaigns or ten thousand.

The organizer's panels are given as the rows they print (`*_rows`).
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.contrib.humanize.templatetags.humanize import naturalday
from django.db.models import Case, Count, F, Model, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext, pgettext

from campaigns.access import campaigns_visible_to
from campaigns.models import (
    OUTCOME_STAGES,
    Assignment,
    AssignmentOpen,
    Campaign,
    Deadline,
    Goal,
    Meeting,
    Stage,
    StageChange,
)
from campaigns.selectors import QUIET_DAYS, campaign_counties, campaign_list, quiet_filter
from campaigns.templatetags.campaign_tags import STAGE_CLASSES
from jurisdictions.selectors import UPCOMING_ELECTION_MONTHS, months_after, upcoming_elections


def short_date(day: date | datetime) -> str:
    """A day as month and day, in the reader's language ("Nov 5", "5 nov")."""
    return date_format(day, pgettext("date format: month and day, short", "M j"))


WEEK_DAYS = 7
RECENT_MEETING_DAYS = 30
NEW_ASSIGNMENT_DAYS = 60
# Panels are lists to act on, not archives: longer ones end with a link to the full list.
PANEL_ROWS = 15
MY_CAMPAIGN_ROWS = 50
NEW_ASSIGNMENT_ROWS = 8
MONTHS_SHOWN = 24
# A report's tables stop here (with the full count stated): a PDF of thousands of rows helps no one.
REPORT_ROWS = 200


def _today() -> date:
    return timezone.localdate()


M = TypeVar("M", bound=Model)


def _capped(queryset: QuerySet[M], limit: int) -> tuple[list[M], bool]:
    """(first `limit` rows, whether there are more) in one query: one row more than shown is read."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


# --- organizer ----------------------------------------------------------------------------------

# What a deadline's row on the dashboard shows (deadline_rows).
DEADLINE_ROW_FIELDS = ("pk", "title", "due_date", "due_time", "owner_id", "campaign_id")


def organizer_dashboard(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """What an organizer's week needs, in seven queries whatever the numbers of campaigns and rows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Their campaigns' names by id, read once: every panel is then read by those ids, off each table's
    # campaign index, and names its campaign from here instead of joining the campaigns again.
    names = dict(campaigns_visible_to(user).values_list("pk", "name"))
    ids = list(names)
    mine = Campaign.objects.filter(pk__in=ids)

    campaigns, campaigns_more = _capped(
        campaign_list(base=mine)
        .select_related(None)
        .select_related("jurisdiction__state")
        .only("pk", "name", "stage", "last_activity_at", "jurisdiction__name", "jurisdiction__state__postal")
        .order_by(F("next_due").asc(nulls_last=True), "-last_activity_at", "pk"),
        MY_CAMPAIGN_ROWS,
    )
    # Their own deadlines and the ones nobody owns yet on their campaigns: overdue, then this week.
    deadlines, deadlines_more = _capped(
        Deadline.objects.filter(
            campaign__in=ids, status=Deadline.Status.OPEN, due_date__lte=today + timedelta(days=WEEK_DAYS)
        )
        .filter(Q(owner=user) | Q(owner__isnull=True))
        .only(*DEADLINE_ROW_FIELDS)
        .order_by("due_date", "due_time", "pk"),
        PANEL_ROWS,
    )
    meetings, meetings_more = _capped(
        Meeting.objects.filter(Q(logged_by=user) | Q(logged_by__isnull=True, created_by=user))
        .filter(campaign__in=ids)
        .filter(Q(held_at__gte=now - timedelta(days=RECENT_MEETING_DAYS)) | Q(status=Meeting.Status.DRAFT))
        .only("pk", "held_at", "kind", "status", "campaign_id")
        .order_by("-held_at", "-pk"),
        PANEL_ROWS,
    )
    quiet, quiet_more = _capped(
        mine.filter(quiet_filter(now)).only("pk", "name", "last_activity_at").order_by("last_activity_at", "pk"),
        PANEL_ROWS,
    )
    assignments, assignments_more = _capped(
        Assignment.objects.filter(
            campaign__in=ids,
            withdrawn_at__isnull=True,
            assigned_at__gte=now - timedelta(days=NEW_ASSIGNMENT_DAYS),
        )
        .exclude(assigned_by=user)
        .exclude(pk__in=AssignmentOpen.objects.filter(user=user).values("assignment_id"))
        .select_related("resource")
        .only("pk", "assigned_at", "campaign_id", "resource_id", "resource__title", "resource__kind")
        .order_by("-assigned_at", "-pk"),
        NEW_ASSIGNMENT_ROWS,
    )
    elections, elections_more = upcoming_election_rows(mine, today=today)
    return {
        "today": today,
        "week_end": today + timedelta(days=WEEK_DAYS),
        "elections": elections,
        "elections_more": elections_more,
        "election_months": UPCOMING_ELECTION_MONTHS,
        "campaigns": _my_campaign_rows(campaigns),
        "campaigns_more": campaigns_more,
        "deadlines": deadline_rows(deadlines, today=today, names=names),
        "deadlines_more": deadlines_more,
        "overdue_count": sum(1 for d in deadlines if d.due_date < today),
        "meetings": _meeting_rows(meetings, names=names),
        "meetings_more": meetings_more,
        "quiet": _quiet_rows(quiet, now=now),
        "quiet_more": quiet_more,
        "assignments": _assignment_rows(assignments, names=names),
        "assignments_more": assignments_more,
        "quiet_days": QUIET_DAYS,
    }


# --- elections in the counties of the reader's campaigns ---------------------------------------------

ELECTION_ROWS = 10


def upcoming_election_rows(campaigns: QuerySet[Campaign], *, today: date) -> tuple[list[Any], bool]:
    """(rows, more?) of the elections due within UPCOMING_ELECTION_MONTHS in the counties of `campaigns`,
    soonest first: one query."""
    elections, more = _capped(
        upcoming_elections(
            jurisdictions=campaign_counties(campaigns),
            today=today,
            until=months_after(today, UPCOMING_ELECTION_MONTHS),
        ),
        ELECTION_ROWS,
    )
    officials: list[Any] = list(elections)  # each with its next election (the query's filter)
    dates = _Once(lambda day: date_format(day, "DATE_FORMAT"))
    official_path, county_path = path_maker("jurisdictions:official"), path_maker("jurisdictions:detail")
    return [
        {
            "pk": str(official.pk),
            "url": official_path(official.pk),
            "name": official.name,
            "title": official.display_title,
            "demo": official.is_demo,
            "where": (
                f"{official.agency.jurisdiction.name}, {official.agency.state.postal}"
                if official.agency.jurisdiction_id
                else official.agency.state.postal
            ),
            "county_url": county_path(official.agency.jurisdiction_id) if official.agency.jurisdiction_id else "",
            "date": dates[official.next_election],
            "iso": official.next_election.isoformat(),
            "days": (official.next_election - today).days,
        }
        for official in officials
    ], more


# The organizer's panels as the dicts their rows print: every string made once, one reverse() a panel.


def _my_campaign_rows(campaigns: Iterable[Any]) -> list[dict[str, str]]:
    """Rows of campaign_list(): each campaign carries its next deadline and overdue count."""
    detail, report = path_maker("campaigns:detail"), path_maker("report-campaign")
    stages = {value: str(label) for value, label in Stage.choices}
    due_dates = _Once(short_date)
    overdue = _Once(lambda n: ngettext("%(counter)s overdue", "%(counter)s overdue", n) % {"counter": n})
    return [
        {
            "pk": str(campaign.pk),
            "url": detail(campaign.pk),
            "report_url": report(campaign.pk),
            "name": campaign.name,
            "stage_label": stages.get(campaign.stage, campaign.stage),
            "stage_class": STAGE_CLASSES.get(campaign.stage, "text-bg-primary"),
            "where": f"{campaign.jurisdiction.name}, {campaign.jurisdiction.state.postal}",
            "next_due": due_dates[campaign.next_due] if campaign.next_due else "—",
            "overdue": overdue[campaign.overdue_count] if campaign.overdue_count else "",
        }
        for campaign in campaigns
    ]


def deadline_rows(
    deadlines: Iterable[Deadline], *, today: date, names: Mapping[int, str] | None = None
) -> list[dict[str, Any]]:
    """The dashboard's rows of deadlines; `names` of their campaigns by id, else each deadline's campaign."""
    detail = path_maker("campaigns:detail")
    due_dates = _Once(short_date)
    return [
        {
            "pk": str(deadline.pk),
            "title": deadline.title,
            "due": due_dates[deadline.due_date],
            "time": time_format(deadline.due_time, "TIME_FORMAT") if deadline.due_time else "",
            "overdue": deadline.due_date < today,
            "today": deadline.due_date == today,
            "unowned": deadline.owner_id is None,
            "campaign_url": detail(deadline.campaign_id),
            "campaign_name": names[deadline.campaign_id] if names is not None else deadline.campaign.name,
        }
        for deadline in deadlines
    ]


def _meeting_rows(meetings: Iterable[Meeting], *, names: Mapping[int, str]) -> list[dict[str, Any]]:
    detail = path_maker("campaigns:meeting-detail", args=2)
    return [
        {
            "pk": str(meeting.pk),
            "url": detail(meeting.campaign_id, meeting.pk),
            "label": f"{meeting.get_kind_display()}, {short_date(timezone.localtime(meeting.held_at))}",
            "draft": meeting.is_draft,
            "campaign_name": names[meeting.campaign_id],
        }
        for meeting in meetings
    ]


def _quiet_rows(campaigns: Iterable[Campaign], *, now: datetime) -> list[dict[str, str]]:
    detail = path_maker("campaigns:detail")
    nothing_for = gettext("Nothing logged for %(when)s")
    return [
        {
            "pk": str(campaign.pk),
            "url": detail(campaign.pk),
            "name": campaign.name,
            "since": nothing_for % {"when": timesince(campaign.last_activity_at, now)},
        }
        for campaign in campaigns
    ]


def _assignment_rows(assignments: Iterable[Assignment], *, names: Mapping[int, str]) -> list[dict[str, Any]]:
    detail = path_maker("assignments:open")
    return [
        {
            "pk": str(assignment.pk),
            "url": detail(assignment.pk),
            "title": assignment.resource.title,
            "kind_label": assignment.resource.get_kind_display(),
            "campaign_name": names[assignment.campaign_id],
            "when": naturalday(timezone.localtime(assignment.assigned_at)),
        }
        for assignment in assignments
    ]


def my_open_deadlines(user: User, *, today: date | None = None, limit: int = PANEL_ROWS) -> tuple[list[Deadline], bool]:
    """Deadlines a staff member owns: overdue and this week (one query)."""
    today = today or _today()
    return _capped(
        Deadline.objects.filter(
            owner=user, status=Deadline.Status.OPEN, due_date__lte=today + timedelta(days=WEEK_DAYS)
        )
        .select_related("campaign")
        .only(*DEADLINE_ROW_FIELDS, "campaign__name")
        .order_by("due_date", "due_time", "pk"),
        limit,
    )


# --- staff and admin: the status of every campaign ------------------------------------------------


def _choice_counts(
    queryset: QuerySet[Campaign], field: str, choices: Iterable[tuple[str, Any]]
) -> list[tuple[str, str, int]]:
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    return [(value, str(label), counts.get(value, 0)) for value, label in choices]


def campaign_counts_by_stage(base: QuerySet[Campaign]) -> list[tuple[str, str, int]]:
    """[(stage, label, campaigns)] for every stage (one query)."""
    return _choice_counts(base, "stage", Stage.choices)


def campaign_counts(base: QuerySet[Campaign]) -> dict[str, Any]:
    """Counts of the campaigns in `base` by stage, goal and state, and in all (two queries)."""
    by_state = list(
        base.order_by()
        .values_list("jurisdiction__state__postal", "jurisdiction__state__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "jurisdiction__state__name")
    )
    # One query counts each (stage, goal) pair, at most stages x goals rows; the two totals are summed here.
    stages: dict[str, int] = {}
    goals: dict[str, int] = {}
    for stage, goal, n in base.order_by().values_list("stage", "goal").annotate(n=Count("pk")):
        stages[stage] = stages.get(stage, 0) + n
        goals[goal] = goals.get(goal, 0) + n
    return {
        "stages": [(value, str(label), stages.get(value, 0)) for value, label in Stage.choices],
        "goals": [(value, str(label), goals.get(value, 0)) for value, label in Goal.choices],
        "states": [(postal, name, n) for postal, name, n in by_state],
        "total": sum(stages.values()),
    }


def _month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def outcomes_by_month(
    base: QuerySet[Campaign], *, today: date | None = None, months: int = MONTHS_SHOWN
) -> list[tuple[date, int, int]]:
    """[(first day of month, wins, losses)] for the last `months` months, from stage changes (one query)."""
    today = today or _today()
    last = _month_start(today)
    first = _add_months(last, -(months - 1))
    zone = timezone.get_current_timezone()
    rows = (
        StageChange.objects.filter(
            campaign__in=base.values("pk"),
            to_stage__in=OUTCOME_STAGES,
            changed_at__gte=timezone.make_aware(datetime(first.year, first.month, 1), zone),
        )
        .annotate(month=TruncMonth("changed_at", tzinfo=zone))
        .order_by()
        .values_list("month", "to_stage")
        .annotate(n=Count("pk"))
    )
    counts = {}
    for month, stage, n in rows:
        month = month.date() if hasattr(month, "date") else month
        counts[(month, stage)] = n
    result = []
    for i in range(months):
        month = _add_months(first, i)
        result.append((month, counts.get((month, Stage.WON), 0), counts.get((month, Stage.LOST), 0)))
    return result


def campaigns_by_county(base: QuerySet[Campaign]) -> dict[str, list[int]]:
    """{county FIPS: [campaigns, still being fought, won, lost]} for the map (one query).

    A city's campaign is placed on its county, the shape the policy map draws.
    """
    county_fips = Case(
        When(jurisdiction__kind="city", then=F("jurisdiction__parent__fips")),
        default=F("jurisdiction__fips"),
    )
    rows = (
        base.order_by()
        .annotate(county_fips=county_fips)
        .values_list("county_fips")
        .annotate(
            total=Count("pk"),
            won=Count("pk", filter=Q(stage=Stage.WON)),
            lost=Count("pk", filter=Q(stage=Stage.LOST)),
        )
    )
    return {fips: [total, total - won - lost, won, lost] for fips, total, won, lost in rows if fips}


def campaign_figures(base: QuerySet[Campaign], *, today: date | None = None) -> dict[str, Any]:
    """Counts of the campaigns in `base` (campaign_counts), wins and losses by month, campaigns by county."""
    return {
        "counts": campaign_counts(base),
        "months": outcomes_by_month(base, today=today),
        "counties": campaigns_by_county(base),
    }


# --- what the organizer's panels print --------------------------------------------------------------

_PATH_MARK = 987654321


def path_maker(viewname: str, args: int = 1) -> Callable[..., str]:
    """A function of `args` ids giving the path of `viewname`: one reverse() for a page, not one a row."""
    path = reverse(viewname, args=[_PATH_MARK + i for i in range(args)])
    for i in range(args):
        path = path.replace(str(_PATH_MARK + i), f"{{{i}}}")
    return path.format


class _Once(dict[Any, str]):
    """A string made once a page for each value (rows share dates and times), by `make(value)`."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: Any) -> str:
        self[value] = made = self.make(value)
        return made


# --- the campaign status report -----------------------------------------------------------------


def status_report(*, campaigns: QuerySet[Campaign], start: date, end: date, limit: int = REPORT_ROWS) -> dict[str, Any]:
    """Stage changes, wins and losses, and meetings held from `start` to `end` (dates, inclusive).

    `campaigns` is the queryset the reader may see (one campaign or all). A fixed number of queries whatever the
    range; each table stops at `limit` rows and says how many there were.
    """
    zone = timezone.get_current_timezone()
    start_at = timezone.make_aware(datetime.combine(start, time.min), zone)
    end_at = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    ids = campaigns.values("pk")
    changes = (
        StageChange.objects.filter(campaign__in=ids, changed_at__gte=start_at, changed_at__lt=end_at)
        .exclude(from_stage="")
        .select_related("campaign__jurisdiction__state", "changed_by")
        .only(
            "pk",
            "from_stage",
            "to_stage",
            "changed_at",
            "outcome",
            "campaign_id",
            "campaign__name",
            "campaign__jurisdiction__name",
            "campaign__jurisdiction__state__postal",
            "changed_by__first_name",
            "changed_by__last_name",
            "changed_by__username",
        )
        .order_by("changed_at", "pk")
    )
    meetings = (
        Meeting.objects.filter(
            campaign__in=ids, status=Meeting.Status.LOGGED, held_at__gte=start_at, held_at__lt=end_at
        )
        .select_related("campaign__jurisdiction__state", "question_set")
        .only(
            "pk",
            "held_at",
            "kind",
            "campaign_id",
            "campaign__name",
            "campaign__jurisdiction__name",
            "campaign__jurisdiction__state__postal",
            "question_set__name",
        )
        .annotate(
            satisfactory=Count("answers", filter=Q(answers__assessment="satisfactory")),
            unsatisfactory=Count("answers", filter=Q(answers__assessment="unsatisfactory")),
            evasive=Count("answers", filter=Q(answers__assessment="evasive")),
        )
        .order_by("held_at", "pk")
    )
    totals = StageChange.objects.filter(campaign__in=ids, changed_at__gte=start_at, changed_at__lt=end_at).aggregate(
        changes=Count("pk", filter=~Q(from_stage="")),
        wins=Count("pk", filter=Q(to_stage=Stage.WON)),
        losses=Count("pk", filter=Q(to_stage=Stage.LOST)),
    )
    totals["meetings"] = Meeting.objects.filter(
        campaign__in=ids, status=Meeting.Status.LOGGED, held_at__gte=start_at, held_at__lt=end_at
    ).count()
    change_rows = list(changes[: limit + 1])
    outcome_rows = list(changes.filter(to_stage__in=OUTCOME_STAGES)[: limit + 1])
    # The meetings shown carry the names of the officials met, set below.
    meeting_rows: list[Any] = list(meetings[: limit + 1])
    # Names of the officials met: one more query for every meeting shown (prefetch by hand, not per row).
    shown = meeting_rows[:limit]
    targets_met: dict[int, list[str]] = {}
    for meeting_id, name in (
        Meeting.targets.through.objects.filter(meeting_id__in=[m.pk for m in shown])
        .order_by("target__name")
        .values_list("meeting_id", "target__name")
    ):
        targets_met.setdefault(meeting_id, []).append(name)
    for meeting in shown:
        meeting.targets_met = targets_met.get(meeting.pk, [])
    return {
        "start": start,
        "end": end,
        "totals": totals,
        "changes": change_rows[:limit],
        "changes_more": len(change_rows) > limit,
        "meetings": shown,
        "meetings_more": len(meeting_rows) > limit,
        "outcomes": outcome_rows[:limit],
        "outcomes_more": len(outcome_rows) > limit,
        "limit": limit,
    }
