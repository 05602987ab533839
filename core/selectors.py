"""Reads of the dashboard at `/` and the campaign status report: aggregates in a fixed number of queries.

Nothing here loops over rows to ask the database again: every count, next deadline, whip count and
month of wins is computed by the database (annotate, Count, Subquery) in one query per panel, so the
dashboard costs the same number of queries with ten campaigns or ten thousand.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from campaigns.access import campaigns_visible_to
from campaigns.models import OUTCOME_STAGES, Campaign, Deadline, Meeting, Stage, StageChange, Target
from campaigns.selectors import NO_STANCES, YES_STANCES, campaign_list

try:  # the resource library's assignments, when that app has them
    from resources.models import Assignment, AssignmentOpen
except ImportError:  # pragma: no cover - only while the resources app has no assignments
    Assignment = AssignmentOpen = None

# Same as the status digest: a campaign still being fought with nothing logged for this long is going quiet.
QUIET_DAYS = 30
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


def organizer_dashboard(user, *, now=None):
    """What an organizer's week needs, in five queries whatever the numbers of campaigns and rows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    mine = campaigns_visible_to(user)
    mine_ids = mine.values("pk")

    campaigns, campaigns_more = _capped(
        campaign_list(base=mine).order_by(F("next_due").asc(nulls_last=True), "-last_activity_at", "pk"),
        MY_CAMPAIGN_ROWS,
    )
    # Their own deadlines and the ones nobody owns yet on their campaigns: overdue, then this week.
    deadlines, deadlines_more = _capped(
        Deadline.objects.filter(
            campaign__in=mine_ids, status=Deadline.Status.OPEN, due_date__lte=today + timedelta(days=WEEK_DAYS)
        )
        .filter(Q(owner=user) | Q(owner__isnull=True))
        .select_related("campaign", "owner")
        .order_by("due_date", "due_time", "pk"),
        PANEL_ROWS,
    )
    meetings, meetings_more = _capped(
        Meeting.objects.filter(Q(logged_by=user) | Q(logged_by__isnull=True, created_by=user))
        .filter(campaign__in=mine_ids)
        .filter(Q(held_at__gte=now - timedelta(days=RECENT_MEETING_DAYS)) | Q(status=Meeting.Status.DRAFT))
        .select_related("campaign")
        .only("pk", "held_at", "kind", "status", "campaign__name", "campaign_id")
        .order_by("-held_at", "-pk"),
        PANEL_ROWS,
    )
    quiet, quiet_more = _capped(
        mine.filter(quiet_filter(now)).select_related("jurisdiction__state").order_by("last_activity_at", "pk"),
        PANEL_ROWS,
    )
    assignments, assignments_more = [], False
    if Assignment is not None:
        assignments, assignments_more = _capped(
            Assignment.objects.filter(
                campaign__in=mine_ids,
                withdrawn_at__isnull=True,
                assigned_at__gte=now - timedelta(days=NEW_ASSIGNMENT_DAYS),
            )
            .exclude(assigned_by=user)
            .exclude(pk__in=AssignmentOpen.objects.filter(user=user).values("assignment_id"))
            .select_related("resource", "campaign", "assigned_by")
            .only(
                "pk",
                "assigned_at",
                "campaign_id",
                "campaign__name",
                "resource_id",
                "resource__title",
                "resource__kind",
                "assigned_by__first_name",
                "assigned_by__last_name",
                "assigned_by__username",
            )
            .order_by("-assigned_at", "-pk"),
            NEW_ASSIGNMENT_ROWS,
        )
    return {
        "today": today,
        "week_end": today + timedelta(days=WEEK_DAYS),
        "campaigns": campaigns,
        "campaigns_more": campaigns_more,
        "deadlines": deadlines,
        "deadlines_more": deadlines_more,
        "overdue_count": sum(1 for d in deadlines if d.due_date < today),
        "meetings": meetings,
        "meetings_more": meetings_more,
        "quiet": quiet,
        "quiet_more": quiet_more,
        "assignments": assignments,
        "assignments_more": assignments_more,
        "has_assignments": Assignment is not None,
        "quiet_days": QUIET_DAYS,
    }


def my_open_deadlines(user, *, today=None, limit=PANEL_ROWS):
    """Deadlines a staff member owns: overdue and this week (one query)."""
    today = today or _today()
    return _capped(
        Deadline.objects.filter(
            owner=user, status=Deadline.Status.OPEN, due_date__lte=today + timedelta(days=WEEK_DAYS)
        )
        .select_related("campaign")
        .order_by("due_date", "due_time", "pk"),
        limit,
    )


# --- staff and admin: the status of every campaign ------------------------------------------------


def _count_of(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().values("campaign").annotate(n=Count("pk")).values("n"), output_field=IntegerField()
        ),
        Value(0),
    )


def campaign_status_rows(base):
    """Campaigns with every column of the status table, as annotations of one query.

    On top of campaigns.selectors.campaign_list (overdue count, next deadline): when the campaign
    entered its current stage, and the whip count of the members who vote on the decision.
    """
    stage_since = (
        StageChange.objects.filter(campaign=OuterRef("pk"), to_stage=OuterRef("stage"))
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )
    voters = Target.objects.filter(campaign=OuterRef("pk"), votes=True)
    return campaign_list(base=base).annotate(
        stage_since=Coalesce(Subquery(stage_since), F("created_at")),
        voters=_count_of(voters),
        votes_yes=_count_of(voters.filter(stance__in=YES_STANCES)),
        votes_no=_count_of(voters.filter(stance__in=NO_STANCES)),
    )


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
    """Counts of the campaigns in `base` by stage, goal and state (two queries)."""
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
