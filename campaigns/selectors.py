"""Reads of campaign data, each with the joins and prefetches its page needs (a fixed number of queries)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.auth.models import User
from django.core.paginator import Page
from django.db.models import (
    Count,
    Exists,
    Expression,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from core.queries import count_of, ids_of, split_ids
from jurisdictions.models import Agency, Agreement287g, Jurisdiction, ListChange, StateLaw

from .models import (
    OUTCOME_STAGES,
    Answer,
    Assignment,
    Campaign,
    Deadline,
    Letter,
    Meeting,
    Membership,
    Question,
    QuestionSet,
    RecordsRequest,
    StageChange,
    Stance,
    StanceChange,
    Target,
)


def _today() -> date:
    return timezone.localdate()


def open_overdue_deadlines(today: date | None = None) -> QuerySet[Deadline]:
    return Deadline.objects.filter(campaign=OuterRef("pk"), status=Deadline.Status.OPEN, due_date__lt=today or _today())


def campaign_counties(campaigns: QuerySet[Campaign]) -> QuerySet[Jurisdiction, Any]:
    """The ids of the places of these campaigns and, for a city, of its county, as one subquery: where the
    dashboards and digests look for upcoming elections."""
    return Jurisdiction.objects.filter(
        Q(pk__in=campaigns.values("jurisdiction_id")) | Q(pk__in=campaigns.values("jurisdiction__parent_id"))
    ).values("pk")


def campaign_list(*, base: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with what a list row shows: organization, jurisdiction, state, lead, overdue count and next
    deadline."""
    today = _today()
    overdue = Deadline.objects.filter(status=Deadline.Status.OPEN, due_date__lt=today)
    next_due = (
        Deadline.objects.filter(campaign=OuterRef("pk"), status=Deadline.Status.OPEN, due_date__gte=today)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return base.select_related("organization", "jurisdiction__state", "lead").annotate(
        overdue_count=count_of(overdue, "campaign"),
        next_due=Subquery(next_due),
    )


def campaign_has_overdue() -> Exists:
    return Exists(open_overdue_deadlines())


def campaign_page_queryset() -> QuerySet[Campaign]:
    """Campaigns with what their page's header shows: organization, jurisdiction, state, records law, lead
    (one query)."""
    return Campaign.objects.select_related(
        "organization", "jurisdiction__state__records_law", "jurisdiction__parent", "lead"
    )


def campaign_page_prefetches() -> list[Prefetch[Any]]:
    """The team, the targets, the stage history (three queries); a target's stance history is read
    when the reader opens it (campaigns.views.target_stances)."""
    targets = Target.objects.select_related("official", "agency")
    return [
        Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by("-role", "user__username")),
        Prefetch("targets", queryset=targets),
        Prefetch("stage_changes", queryset=StageChange.objects.select_related("changed_by")),
    ]


def campaign_detail_queryset() -> QuerySet[Campaign]:
    """campaign_page_queryset() with campaign_page_prefetches() (four queries)."""
    return campaign_page_queryset().prefetch_related(*campaign_page_prefetches())


@dataclass
class WhipCount:
    seats: int
    needed: int
    yes: int
    no: int
    undecided: int
    voters: list[Target] = field(default_factory=list)

    @property
    def short(self) -> int:
        return max(0, self.needed - self.yes)


YES_STANCES = {Stance.CHAMPION, Stance.SUPPORTIVE}
NO_STANCES = {Stance.OPPOSED}


def whip(
    *, board_seats: int | None, voters: int, yes: int, no: int, targets: Iterable[Target] = ()
) -> WhipCount | None:
    """The whip count: of the seats (the board's, else as many as the members who vote), a majority is
    needed; None when no body decides (no seats and no voting members). The one place of that rule."""
    if not voters and not board_seats:
        return None
    seats = board_seats or voters
    return WhipCount(
        seats=seats, needed=seats // 2 + 1, yes=yes, no=no, undecided=voters - yes - no, voters=list(targets)
    )


def whip_count(campaign: Campaign, targets: Iterable[Target]) -> WhipCount | None:
    """The whip count of a campaign from its targets (those who vote), with the voters listed."""
    voters = [t for t in targets if t.votes]
    return whip(
        board_seats=campaign.board_seats,
        voters=len(voters),
        yes=sum(1 for t in voters if t.stance in YES_STANCES),
        no=sum(1 for t in voters if t.stance in NO_STANCES),
        targets=voters,
    )


def campaign_deadlines_ahead(campaign: Campaign, *, limit: int = 10) -> tuple[Sequence[Deadline], int, int]:
    """(open deadlines, overdue first then soonest, at most `limit`; how many are open; how many overdue).

    One query: the counts are window functions over all the campaign's open deadlines, worked out before
    the limit.
    """
    deadlines = list(
        Deadline.objects.filter(campaign=campaign, status=Deadline.Status.OPEN)
        .select_related("owner", "records_request__law")
        .annotate(
            open_total=Window(Count("pk")),
            overdue_total=Window(Count("pk", filter=Q(due_date__lt=_today()))),
        )
        .order_by("due_date", "due_time", "pk")[:limit]
    )
    if not deadlines:
        return [], 0, 0
    return deadlines, deadlines[0].open_total, deadlines[0].overdue_total


@dataclass
class TimelineItem:
    when: datetime
    kind: str
    # The event's row: a model instance of the kind, with what its read annotated and set on it.
    obj: Any


TIMELINE_KINDS = {
    "stage": "stage",
    "meetings": "meetings",
    "requests": "requests",
    "deadlines": "deadlines",
}


def _as_datetime(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# What a records request's timeline entry shows.
TIMELINE_REQUEST_FIELDS = (
    "campaign_id",
    "subject",
    "status",
    "due_date",
    "due_rule",
    "created_at",
    "agency__name",
    "law__needs_review",
)


class EventAt(TypedDict):
    event_at: datetime


def timeline_deadlines(campaign: Campaign) -> QuerySet[WithAnnotations[Deadline, EventAt]]:
    """The campaign's deadlines as its timeline tells them, newest event first (read by deadline_event_idx).

    An open deadline's event is when it was set; a closed one's when it was done or cancelled. A
    records-response deadline is left out: its request's own entry tells it.
    """
    return (
        Deadline.objects.filter(campaign=campaign)
        .exclude(kind=Deadline.Kind.RECORDS_DUE)
        .only("campaign_id", "title", "status", "due_date", "completed_at", "created_at")
        .annotate(event_at=Coalesce("completed_at", "created_at"))
        .order_by("-event_at", "-pk")
    )


def timeline_list_changes(campaign: Campaign) -> QuerySet[ListChange]:
    """Changes to ICE's 287(g) list in the campaign's county (a city's: its county too) and, for a state
    agency's agreement, in its state; newest list first."""
    place = campaign.jurisdiction
    counties = [pk for pk in (place.pk, place.parent_id) if pk]
    return (
        ListChange.objects.filter(snapshot__applied=True)
        .filter(
            Q(jurisdiction_id__in=counties)
            | Q(jurisdiction__isnull=True, state_id=place.state_id, agreement__agency__kind=Agency.Kind.STATE_AGENCY)
        )
        .select_related("snapshot", "agreement__agency", "previous_agreement", "jurisdiction", "state")
        .order_by("-snapshot__imported_at", "-pk")
    )


def campaign_timeline(
    campaign: Campaign,
    *,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 25,
    stage_changes: Sequence[StageChange] | None = None,
    targets: Mapping[int, Target] | None = None,
    assignments: Iterable[Assignment] | None = None,
) -> tuple[list[TimelineItem], bool]:
    """Everything that happened, newest first, one page at a time (at most six queries whatever the page).

    Each source is read up to the end of the requested page and the pieces are merged, so the number
    of queries never depends on how much happened. The campaign page passes what it has read already:
    its stage changes, its targets (whom meetings met and letters went to are among them) and its
    resource assignments.
    """
    upto = page * per_page + 1
    items = []
    if kind in (None, "stage"):
        # A campaign changes stage a handful of times.
        changes = (
            stage_changes
            if stage_changes is not None
            else StageChange.objects.filter(campaign=campaign).select_related("changed_by")[:upto]
        )
        for change in changes[:upto]:
            items.append(TimelineItem(change.changed_at, "stage", change))
    meetings = letters = []
    if kind in (None, "meetings"):
        meetings = list(
            # Only what a timeline entry shows: no people who logged it, no answers' text.
            Meeting.objects.filter(campaign=campaign)
            .select_related("question_set")
            .defer("attendees", "question_set__description", "question_set__description_es")
            .annotate(
                # Subqueries, not joins: worked out for the page's rows only, after the limit.
                answer_count=count_of(Answer.objects.exclude(assessment="not_asked"), "meeting"),
                target_ids=_target_ids(Meeting.targets.through, "meeting"),
            )
            .order_by("-held_at", "-pk")[:upto]
        )
        items.extend(TimelineItem(meeting.held_at, "meeting", meeting) for meeting in meetings)
    if kind in (None, "requests"):
        requests = (
            RecordsRequest.objects.filter(campaign=campaign)
            .select_related("agency", "law")
            .only(*TIMELINE_REQUEST_FIELDS)
            .order_by("-created_at", "-pk")[:upto]
        )
        items.extend(TimelineItem(request.created_at, "request", request) for request in requests)
    if kind in (None, "deadlines"):
        deadlines = timeline_deadlines(campaign)[:upto]
        items.extend(TimelineItem(deadline.event_at, "deadline", deadline) for deadline in deadlines)
    if kind in (None, "letters"):
        letters = list(
            Letter.objects.filter(campaign=campaign)
            .only("campaign_id", "subject", "status", "created_at")
            .annotate(target_ids=_target_ids(Letter.recipients.through, "letter"))
            .order_by("-created_at", "-pk")[:upto]
        )
        items.extend(TimelineItem(letter.created_at, "letter", letter) for letter in letters)
    if kind in (None, "ice287g"):
        list_changes = timeline_list_changes(campaign)[:upto]
        items.extend(TimelineItem(change.snapshot.imported_at, "ice287g", change) for change in list_changes)
    if kind in (None, "resources"):
        if assignments is None:
            assignments = (
                Assignment.objects.filter(campaign=campaign)
                .select_related("resource", "assigned_by")
                .defer("resource__extracted_text", "resource__search_vector", "resource__template_body")
            )
        newest = sorted(assignments, key=lambda assignment: (assignment.assigned_at, assignment.pk), reverse=True)
        items.extend(TimelineItem(assignment.assigned_at, "assignment", assignment) for assignment in newest[:upto])
    items.sort(key=lambda item: item.when, reverse=True)
    start = (page - 1) * per_page
    shown = items[start : start + per_page]
    _attach_people(shown, targets)
    return shown, len(items) > start + per_page


def _target_ids(through: type[Model], owner: str) -> Subquery:
    """Subquery: the ids, from `through` (a many-to-many table to Target), of the row's targets."""
    return ids_of(through._default_manager.all(), owner, "target_id")


def _attach_people(items: Iterable[TimelineItem], targets: Mapping[int, Target] | None) -> None:
    """Set `people` on each shown meeting (whom it met) and letter (whom it went to), by name.

    `targets` ({pk: target}) are the campaign's targets when the caller has them; else one query reads them.
    """
    objs = [item.obj for item in items if item.kind in ("meeting", "letter")]
    wanted = {obj: split_ids(obj.target_ids) for obj in objs}
    if targets is None:
        targets = Target.objects.in_bulk({pk for pks in wanted.values() for pk in pks}) if objs else {}
    for obj, pks in wanted.items():
        obj.people = sorted((targets[pk] for pk in pks if pk in targets), key=lambda target: (target.name, target.pk))


def meeting_detail(campaign: Campaign, pk: int) -> Meeting:
    prefetches: list[Prefetch[Any]] = [
        Prefetch("answers", queryset=Answer.objects.order_by("order", "pk")),
        Prefetch("targets", queryset=Target.objects.order_by("name")),
        Prefetch("follow_ups", queryset=Deadline.objects.select_related("owner")),
        Prefetch("stance_changes", queryset=StanceChange.objects.select_related("target")),
    ]
    return (
        Meeting.objects.filter(campaign=campaign)
        .select_related("question_set", "logged_by", "created_by")
        .prefetch_related(*prefetches)
        .get(pk=pk)
    )


def team_choices(campaign: Campaign) -> QuerySet[User]:
    """Users a deadline may belong to: the campaign's team (one query)."""
    return User.objects.filter(campaign_memberships__campaign=campaign).order_by("first_name", "username")


# --- meeting-prep packet -------------------------------------------------------------------------

SET_KIND_FOR_AGENCY = {
    "sheriff": "sheriff",
    "jail": "sheriff",
    "board": "board_member",
    "city_council": "board_member",
    "county_counsel": "county_counsel",
}


def prep_question_set(
    target: Target, set_pk: int | None = None, sets: QuerySet[QuestionSet] | None = None
) -> QuestionSet | None:
    """The set a packet uses, of `sets` (the ones offered to the campaign): the one asked for, else the one
    that fits the target's agency, else any."""
    sets = (sets if sets is not None else QuestionSet.objects.all()).order_by("-is_active", "kind", "name")
    if set_pk is not None:
        chosen = sets.filter(pk=set_pk).first()
        if chosen is not None:
            return chosen
    kind = SET_KIND_FOR_AGENCY.get(target.agency.kind if target.agency is not None else "", "")
    return sets.filter(kind=kind, is_active=True).first() or sets.filter(is_active=True).first()


@dataclass
class PrepPacket:
    target: Target
    question_set: QuestionSet | None
    questions: list[Question]
    meetings: list[Meeting]
    open_follow_ups: list[Deadline]
    stance_changes: list[StanceChange]
    state_laws: list[StateLaw]
    agreements: list[Agreement287g]


def prep_packet(campaign: Campaign, target: Target, question_set: QuestionSet | None) -> PrepPacket:
    """What to bring to a meeting with `target`, in a fixed number of queries however long the history.

    Confidential notes and attendees (community members' names) are left out: packets get printed.
    """

    questions = list(question_set.questions.order_by("order", "pk")) if question_set else []
    meetings = list(
        Meeting.objects.filter(campaign=campaign, targets=target, status=Meeting.Status.LOGGED)
        .select_related("question_set")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("order", "pk")))
        .order_by("-held_at", "-pk")
    )
    open_follow_ups = list(
        Deadline.objects.filter(campaign=campaign, meeting__targets=target, status=Deadline.Status.OPEN)
        .select_related("owner", "meeting")
        .distinct()
        .order_by("due_date", "pk")
    )
    jurisdiction = campaign.jurisdiction
    return PrepPacket(
        target=target,
        question_set=question_set,
        questions=questions,
        meetings=meetings,
        open_follow_ups=open_follow_ups,
        stance_changes=list(target.stance_changes.select_related("changed_by", "meeting").order_by("-changed_at")),
        state_laws=list(StateLaw.objects.filter(state_id=jurisdiction.state_id).order_by("-enacted_year", "title")),
        agreements=list(
            Agreement287g.objects.filter(jurisdiction=jurisdiction)
            .exclude(status=Agreement287g.Status.ENDED)
            .select_related("agency")
        ),
    )


# --- rows of the campaign list and the dashboard's status table ----------------------------------

# A campaign still being fought (not won or lost) with nothing logged for this long is going quiet.
QUIET_DAYS = 30


def quiet_filter(now: datetime | None = None) -> Q:
    """Campaigns still being fought (not won or lost) with no activity for QUIET_DAYS."""
    now = now or timezone.now()
    return Q(last_activity_at__lt=now - timedelta(days=QUIET_DAYS)) & ~Q(stage__in=OUTCOME_STAGES)


_VOTERS = Target.objects.filter(votes=True)
# The status table's own columns: when the campaign entered its current stage, and the whip count of the
# members who vote on the decision.
STATUS_COLUMNS: dict[str, Expression | Subquery] = {
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


def campaign_status_rows(base: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with every column of the status table, as annotations of one query: campaign_list's
    (overdue count, next deadline) and STATUS_COLUMNS."""
    return campaign_list(base=base).annotate(**STATUS_COLUMNS)


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
    "organization__name",
)


def read_page(
    page: Page[Any], *, fields: Sequence[str] | None = None, order: QuerySet[Campaign] | None = None
) -> list[Any]:
    """The campaigns of `page`, a page of an annotated queryset not read yet, read keys first.

    Reading the sliced queryset makes PostgreSQL compute every column (the deadline subqueries) of all
    the rows before the page too, and throw them away: page 40 computed 1,000 rows. Here the page's
    keys come from the ordering alone (the list's index) and the columns are computed for those rows
    only, in the same single query. `fields`: the only columns to read; `order`: the page's queryset
    without its annotations, when its ordering needs none (cheaper to build).
    """
    paginator = page.paginator
    if not paginator.count:
        page.object_list = []
        return page.object_list
    # What is paginated here is always a queryset (see above), which the paginator's type does not say.
    campaigns = cast(QuerySet[Any], paginator.object_list)
    bottom, top = page.start_index() - 1, page.end_index()
    keys = (campaigns if order is None else order).values("pk")[bottom:top]
    rows = campaigns.filter(pk__in=keys)
    page.object_list = list(rows.only(*fields) if fields else rows)
    return page.object_list


def campaign_rows(
    page: Page[Any], *, now: datetime | None = None, status: bool = False, order: QuerySet[Campaign] | None = None
) -> list[Any]:
    """The campaigns of `page` (of campaign_list(), or of campaign_status_rows() with `status`), read keys
    first (read_page, `order` as there); with `status`, each also has what the status table shows:
    days_in_stage, whip, is_quiet and is_flagged."""
    campaigns = read_page(page, fields=CAMPAIGN_ROW_FIELDS, order=order)
    if status:
        now = now or timezone.now()
        quiet_before = now - timedelta(days=QUIET_DAYS)
        for campaign in campaigns:
            campaign.days_in_stage = max(0, (now - campaign.stage_since).days) if campaign.stage_since else None
            campaign.whip = whip(
                board_seats=campaign.board_seats,
                voters=campaign.voters,
                yes=campaign.votes_yes,
                no=campaign.votes_no,
            )
            campaign.is_quiet = campaign.stage not in OUTCOME_STAGES and campaign.last_activity_at < quiet_before
            campaign.is_flagged = bool(campaign.overdue_count) or campaign.is_quiet
    return campaigns
