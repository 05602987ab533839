"""Reads of the dashboard at `/`, the rows of the campaign list and the campaign status report.

Nothing here loops over rows to ask the database again: every count, next deadline, whip count and
month of wins is computed by the database (annotate, Count, Subquery) in one query per panel, so the
dashboard costs the same number of queries with ten campaigns or ten thousand.

What the rows print is made here too (`*_rows`), each string once, so that templates only place
them: a template that calls a method, reverses a URL or formats a date in every row costs more
than the queries of its page. The staff figures, the same for everyone who sees the same
campaigns, are kept in the cache (cached_figures).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.humanize.templatetags.humanize import naturalday
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext, pgettext

from campaigns.access import campaigns_visible_to
from campaigns.models import OUTCOME_STAGES, Campaign, Deadline, Goal, Meeting, Stage, StageChange, Target
from campaigns.selectors import NO_STANCES, YES_STANCES, campaign_list
from campaigns.templatetags.campaign_tags import STAGE_CLASSES, person

from .fragments import cached
from .queries import count_of

try:  # the resource library's assignments, when that app has them
    from resources.models import Assignment, AssignmentOpen
except ImportError:  # pragma: no cover - only while the resources app has no assignments
    Assignment = AssignmentOpen = None

# Same as the status digest: a campaign still being fought with nothing logged for this long is going quiet.
QUIET_DAYS = 30


def short_date(day):
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


def _today():
    return timezone.localdate()


def quiet_filter(now=None):
    """Campaigns still being fought (not won or lost) with no activity for QUIET_DAYS."""
    now = now or timezone.now()
    return Q(last_activity_at__lt=now - timedelta(days=QUIET_DAYS)) & ~Q(stage__in=OUTCOME_STAGES)


def _capped(queryset, limit):
    """(first `limit` rows, whether there are more) in one query: one row more than shown is read."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


# --- organizer ----------------------------------------------------------------------------------

# What a deadline's row on the dashboard shows (deadline_rows).
DEADLINE_ROW_FIELDS = ("pk", "title", "due_date", "due_time", "owner_id", "campaign_id")


def organizer_dashboard(user, *, now=None):
    """What an organizer's week needs, in six queries whatever the numbers of campaigns and rows."""
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
    assignments, assignments_more = [], False
    if Assignment is not None:
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
    return {
        "today": today,
        "week_end": today + timedelta(days=WEEK_DAYS),
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
        "has_assignments": Assignment is not None,
        "quiet_days": QUIET_DAYS,
    }


# The organizer's panels as the dicts their rows print: every string made once, one reverse() a panel.


def _my_campaign_rows(campaigns):
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


def deadline_rows(deadlines, *, today, names=None):
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


def _meeting_rows(meetings, *, names):
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


def _quiet_rows(campaigns, *, now):
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


def _assignment_rows(assignments, *, names):
    detail = path_maker("resources:assignment")
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


def my_open_deadlines(user, *, today=None, limit=PANEL_ROWS):
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


_VOTERS = Target.objects.filter(votes=True)
# The status table's own columns: when the campaign entered its current stage, and the whip count of the
# members who vote on the decision. Built once (each query copies them), not for every request.
STATUS_COLUMNS = {
    "stage_since": Coalesce(
        Subquery(
            StageChange.objects.filter(campaign=OuterRef("pk"), to_stage=OuterRef("stage"))
            .order_by("-changed_at", "-pk")
            .values("changed_at")[:1]
        ),
        F("created_at"),
    ),
    "voters": count_of(_VOTERS, "campaign"),
    "votes_yes": count_of(_VOTERS.filter(stance__in=YES_STANCES), "campaign"),
    "votes_no": count_of(_VOTERS.filter(stance__in=NO_STANCES), "campaign"),
}


def campaign_status_rows(base):
    """Campaigns with every column of the status table, as annotations of one query.

    On top of campaigns.selectors.campaign_list (overdue count, next deadline): STATUS_COLUMNS.
    """
    return campaign_list(base=base).annotate(**STATUS_COLUMNS)


@dataclass
class Whip:
    seats: int
    needed: int
    yes: int
    no: int
    undecided: int

    @property
    def short(self):
        return max(0, self.needed - self.yes)


def whip_of(campaign):
    """The whip count from a status row's annotations (no query), or None where no body decides."""
    if not campaign.voters and not campaign.board_seats:
        return None
    seats = campaign.board_seats or campaign.voters
    return Whip(
        seats=seats,
        needed=seats // 2 + 1,
        yes=campaign.votes_yes,
        no=campaign.votes_no,
        undecided=campaign.voters - campaign.votes_yes - campaign.votes_no,
    )


def decorate_status_rows(rows, *, now=None):
    """Add what the table shows that needs no query: days in stage, whip count, the flags."""
    now = now or timezone.now()
    quiet_before = now - timedelta(days=QUIET_DAYS)
    for campaign in rows:
        campaign.days_in_stage = max(0, (now - campaign.stage_since).days) if campaign.stage_since else None
        campaign.whip = whip_of(campaign)
        campaign.is_quiet = campaign.stage not in OUTCOME_STAGES and campaign.last_activity_at < quiet_before
        campaign.is_flagged = bool(campaign.overdue_count) or campaign.is_quiet
    return rows


def _choice_counts(queryset, field, choices):
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    return [(value, str(label), counts.get(value, 0)) for value, label in choices]


def campaign_counts_by_stage(base):
    """[(stage, label, campaigns)] for every stage (one query)."""
    return _choice_counts(base, "stage", Stage.choices)


def campaign_counts(base):
    """Counts of the campaigns in `base` by stage, goal and state, and in all (two queries)."""
    by_state = list(
        base.order_by()
        .values_list("jurisdiction__state__postal", "jurisdiction__state__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "jurisdiction__state__name")
    )
    # One query counts each (stage, goal) pair, at most stages x goals rows; the two totals are summed here.
    stages, goals = {}, {}
    for stage, goal, n in base.order_by().values_list("stage", "goal").annotate(n=Count("pk")):
        stages[stage] = stages.get(stage, 0) + n
        goals[goal] = goals.get(goal, 0) + n
    goal_choices = Campaign._meta.get_field("goal").choices
    return {
        "stages": [(value, str(label), stages.get(value, 0)) for value, label in Stage.choices],
        "goals": [(value, str(label), goals.get(value, 0)) for value, label in goal_choices],
        "states": [(postal, name, n) for postal, name, n in by_state],
        "total": sum(stages.values()),
    }


def _month_start(day):
    return date(day.year, day.month, 1)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def outcomes_by_month(base, *, today=None, months=MONTHS_SHOWN):
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


def campaigns_by_county(base):
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


# Figures every staff member and admin sees alike are kept this long at most; any write to a
# campaign's data or to a place makes a new key at once (core.generations).
FIGURES_CACHE_SECONDS = 10 * 60


def visibility_scope(user, visible):
    """Who else sees exactly `visible` (campaigns_visible_to(user)): "all" when it is every campaign."""
    return f"user-{user.pk}" if visible.query.where else "all"


def campaign_figures(base, *, today=None):
    """Counts of the campaigns in `base` (campaign_counts), wins and losses by month, campaigns by county."""
    return {
        "counts": campaign_counts(base),
        "months": outcomes_by_month(base, today=today),
        "counties": campaigns_by_county(base),
    }


def cached_figures(scope, make, *, today):
    """make(), the figures of the campaigns readers of `scope` see (visibility_scope), kept in the cache.

    What is cached for one reader is shown only to readers who may see the same campaigns, and the
    key is that of a fragment (core.fragments.cached: generations, day, time zone, language).
    """
    return cached(
        "dashboard-figures",
        vary=(scope, today.isoformat()),
        kinds=("campaigns", "places"),
        make=make,
        timeout=FIGURES_CACHE_SECONDS,
    )


# --- rows of the campaign list and the status table ----------------------------------------------

_PATH_MARK = 987654321


def path_maker(viewname, args=1):
    """A function of `args` ids giving the path of `viewname`: one reverse() for a page, not one a row."""
    path = reverse(viewname, args=[_PATH_MARK + i for i in range(args)])
    for i in range(args):
        path = path.replace(str(_PATH_MARK + i), f"{{{i}}}")
    return path.format


def read_page(page, *, fields=None, order=None):
    """The campaigns of `page`, a page of an annotated queryset not read yet, read keys first.

    Reading the sliced queryset makes PostgreSQL join and compute every column (the deadline
    subqueries) of all the rows before the page too, and throw them away: page 40 computed 1,000
    rows. Here the page's keys come from the ordering alone (the list's index) and the columns are
    computed for those rows only, in the same single query. `fields`: the only columns to read;
    `order`: the page's queryset without its annotations, when its ordering needs none (cheaper to build).
    """
    paginator = page.paginator
    if not paginator.count:
        page.object_list = []
        return page.object_list
    bottom, top = page.start_index() - 1, page.end_index()
    keys = (paginator.object_list if order is None else order).values("pk")[bottom:top]
    rows = paginator.object_list.filter(pk__in=keys)
    page.object_list = list(rows.only(*fields) if fields else rows)
    return page.object_list


class _Once(dict):
    """A string made once a page for each value (rows share dates and times), by `make(value)`."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, value):
        self[value] = made = self.make(value)
        return made


def days_in_stage_label(days):
    return ngettext("%(counter)s day", "%(counter)s days", days) % {"counter": days}


# The columns a row reads (the annotations of campaign_list and campaign_status_rows aside).
CAMPAIGN_ROW_FIELDS = (
    "pk",
    "name",
    "goal",
    "goal_detail",
    "stage",
    "outcome",
    "board_seats",
    "last_activity_at",
    "jurisdiction__name",
    "jurisdiction__state__postal",
    "lead__username",
    "lead__first_name",
    "lead__last_name",
)


def page_rows(page, *, now=None, status=False, order=None):
    """Each campaign of `page` as the dict one row of the campaign list prints; with `status`, of the status table.

    The page is read keys first (read_page, `order` as there). Every string of a row is made here, once, so the template
    only places them: text as str (escaped by the template), and the badges, which rows share, as
    HTML made once a page for each value. Integers are given as str too: a template localizes every
    number it prints, which costs more than the rest of the cell. The page is of
    campaigns.selectors.campaign_list(), or of campaign_status_rows() for `status`.
    """
    now = now or timezone.now()
    campaigns = read_page(page, fields=CAMPAIGN_ROW_FIELDS, order=order)
    rows = list(map(_RowCells(now), campaigns))
    if status:
        status_cells = _StatusCells()
        for row, campaign in zip(rows, decorate_status_rows(campaigns, now=now), strict=True):
            row.update(status_cells(campaign))
    return rows


class _RowCells:
    """The cells of a campaign's row in the campaign list and the status table."""

    def __init__(self, now):
        self.detail = path_maker("campaigns:detail")
        # "Other" is labelled by each campaign's own words (Campaign.goal_label).
        self.goals = {value: str(label) for value, label in Goal.choices if value != Goal.OTHER}
        labels = {value: str(label) for value, label in Stage.choices}
        self.stages = _Once(
            lambda stage: format_html(
                '<span class="badge {}">{}</span>', STAGE_CLASSES.get(stage, "text-bg-primary"), labels[stage]
            )
        )
        next_due = gettext("next %(date)s")
        self.due_dates = _Once(
            lambda day: (
                date_format(day, "SHORT_DATE_FORMAT"),
                format_html(" · {}", next_due % {"date": short_date(day)}),
            )
        )
        ago = gettext("%(when)s ago")
        self.activity = _Once(
            lambda at: (ago % {"when": timesince(at, now)}, date_format(timezone.localtime(at), "DATETIME_FORMAT"))
        )
        self.overdue = _Once(
            lambda n: (
                format_html('<span class="badge text-bg-danger">{}</span>', n)
                if n
                else mark_safe('<span class="text-muted">0</span>')
            )
        )

    def __call__(self, campaign):
        jurisdiction = campaign.jurisdiction
        next_due, next_due_short = self.due_dates[campaign.next_due] if campaign.next_due else ("—", "")
        activity, activity_at = self.activity[campaign.last_activity_at]
        return {
            "pk": str(campaign.pk),
            "url": self.detail(campaign.pk),
            "name": campaign.name,
            "goal": self.goals.get(campaign.goal) or campaign.goal_label,
            "where": f"{jurisdiction.name}, {jurisdiction.state.postal}",
            "stage": self.stages[campaign.stage],
            "lead": person(campaign.lead),
            "overdue": self.overdue[campaign.overdue_count],
            "next_due": next_due,
            "next_due_short": next_due_short,
            "activity": activity,
            "activity_at": activity_at,
            # The status table's own cells (_StatusCells), blank on the campaign list.
            "flagged": False,
            "flag": "",
            "quiet": "",
            "days": "",
            "days_short": "",
        }


class _StatusCells:
    """The status table's own cells of a campaign decorated by decorate_status_rows: flags, days in stage, whip."""

    def __init__(self):
        overdue = gettext("Overdue deadlines")
        quiet = gettext("No activity for %(quiet_days)s days") % {"quiet_days": QUIET_DAYS}
        self.flags = _Once(
            lambda flag: format_html(
                '<span class="badge text-bg-danger" title="{}">!</span> ',
                " · ".join(([overdue] if flag[0] else []) + ([quiet] if flag[1] else [])),
            )
        )
        self.quiet = format_html('<span class="text-danger" data-quiet="1"> · {}</span>', gettext("quiet"))
        self.days = _Once(self._days)
        self.whip_texts = _Once(
            lambda needed: ngettext(
                "%(yes)s of %(needed)s needed, %(no)s against", "%(yes)s of %(needed)s needed, %(no)s against", needed
            )
        )
        self.dash = mark_safe('<span class="text-muted">—</span>')

    @staticmethod
    def _days(days):
        label = days_in_stage_label(days)
        return (
            format_html('<div class="small text-muted text-nowrap" data-days="{}">{}</div>', days, label),
            format_html(' <span class="text-muted">{}</span>', label),
        )

    def __call__(self, campaign):
        days, days_short = self.days[campaign.days_in_stage] if campaign.days_in_stage is not None else ("", "")
        whip = campaign.whip
        return {
            "flagged": campaign.is_flagged,
            "flag": self.flags[(bool(campaign.overdue_count), campaign.is_quiet)] if campaign.is_flagged else "",
            "quiet": self.quiet if campaign.is_quiet else "",
            "days": days,
            "days_short": days_short,
            "whip": format_html(
                '<span data-whip="{}/{}">{}</span>',
                whip.yes,
                whip.needed,
                self.whip_texts[whip.needed] % {"yes": whip.yes, "needed": whip.needed, "no": whip.no},
            )
            if whip
            else self.dash,
            "outcome": Truncator(campaign.outcome).chars(80) if campaign.stage in OUTCOME_STAGES else self.dash,
        }


# --- the campaign status report -----------------------------------------------------------------


def status_report(*, campaigns, start, end, limit=REPORT_ROWS):
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
    meeting_rows = list(meetings[: limit + 1])
    # Names of the officials met: one more query for every meeting shown (prefetch by hand, not per row).
    shown = meeting_rows[:limit]
    targets_met = {}
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
