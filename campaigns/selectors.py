"""Reads of campaign data, each with the joins and prefetches its page needs (a fixed number of queries)."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    Answer,
    Campaign,
    Deadline,
    Letter,
    Meeting,
    Membership,
    QuestionSet,
    RecordsRequest,
    StageChange,
    Stance,
    StanceChange,
    Target,
)


def _today():
    return timezone.localdate()


def open_overdue_deadlines(today=None):
    return Deadline.objects.filter(campaign=OuterRef("pk"), status=Deadline.Status.OPEN, due_date__lt=today or _today())


def campaign_list(*, base):
    """Campaigns with what a list row shows: jurisdiction, state, lead, overdue count and next deadline."""
    today = _today()
    overdue = (
        Deadline.objects.filter(campaign=OuterRef("pk"), status=Deadline.Status.OPEN, due_date__lt=today)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    next_due = (
        Deadline.objects.filter(campaign=OuterRef("pk"), status=Deadline.Status.OPEN, due_date__gte=today)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    return base.select_related("jurisdiction__state", "lead").annotate(
        overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
        next_due=Subquery(next_due),
    )


def campaign_has_overdue():
    return Exists(open_overdue_deadlines())


def campaign_detail_queryset():
    """Campaigns with what their page's header shows: jurisdiction, team, targets, stage history (five queries)."""
    targets = Target.objects.select_related("official", "agency").prefetch_related(
        Prefetch("stance_changes", queryset=StanceChange.objects.select_related("changed_by").order_by("-changed_at"))
    )
    return Campaign.objects.select_related(
        "jurisdiction__state__records_law", "jurisdiction__parent", "lead"
    ).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by("-role", "user__username")),
        Prefetch("targets", queryset=targets),
        Prefetch("stage_changes", queryset=StageChange.objects.select_related("changed_by")),
    )


@dataclass
class WhipCount:
    seats: int
    needed: int
    yes: int
    no: int
    undecided: int
    voters: list

    @property
    def short(self):
        return max(0, self.needed - self.yes)


YES_STANCES = {Stance.CHAMPION, Stance.SUPPORTIVE}
NO_STANCES = {Stance.OPPOSED}


def whip_count(campaign, targets):
    """How the members who vote stand, and how many more are needed for a majority. None without voters."""
    voters = [t for t in targets if t.votes]
    if not voters and not campaign.board_seats:
        return None
    seats = campaign.board_seats or len(voters)
    yes = sum(1 for t in voters if t.stance in YES_STANCES)
    no = sum(1 for t in voters if t.stance in NO_STANCES)
    return WhipCount(
        seats=seats,
        needed=seats // 2 + 1,
        yes=yes,
        no=no,
        undecided=len(voters) - yes - no,
        voters=voters,
    )


def campaign_deadlines_ahead(campaign, *, limit=10):
    """Open deadlines, overdue first then soonest, with their counts (two queries)."""
    today = _today()
    qs = Deadline.objects.filter(campaign=campaign, status=Deadline.Status.OPEN)
    counts = qs.aggregate(overdue=Count("pk", filter=Q(due_date__lt=today)), total=Count("pk"))
    rows = qs.select_related("owner", "meeting", "records_request__law", "letter")
    rows = list(rows.order_by("due_date", "due_time", "pk")[:limit])
    return rows, counts["overdue"], counts["total"]


@dataclass
class TimelineItem:
    when: datetime
    kind: str
    obj: object


TIMELINE_KINDS = {
    "stage": "stage",
    "meetings": "meetings",
    "requests": "requests",
    "deadlines": "deadlines",
}


def _as_datetime(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def campaign_timeline(campaign, *, kind=None, page=1, per_page=25, stage_changes=None):
    """Everything that happened, newest first, one page at a time (at most eight queries whatever the page).

    Each source is read up to the end of the requested page and the pieces are merged, so the number
    of queries never depends on how much happened.
    """
    upto = page * per_page + 1
    items = []
    if kind in (None, "stage"):
        # The campaign page has read them all already (a campaign changes stage a handful of times).
        if stage_changes is None:
            stage_changes = StageChange.objects.filter(campaign=campaign).select_related("changed_by")[:upto]
        for change in stage_changes[:upto]:
            items.append(TimelineItem(change.changed_at, "stage", change))
    if kind in (None, "meetings"):
        meetings = (
            Meeting.objects.filter(campaign=campaign)
            .select_related("question_set", "logged_by", "created_by")
            .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("name")))
            .annotate(
                answer_count=Count("answers", filter=~Q(answers__assessment="not_asked"), distinct=True),
            )
            .order_by("-held_at", "-pk")[:upto]
        )
        for meeting in meetings:
            items.append(TimelineItem(meeting.held_at, "meeting", meeting))
    if kind in (None, "requests"):
        requests = (
            RecordsRequest.objects.filter(campaign=campaign)
            .select_related("agency", "law", "created_by")
            .order_by("-created_at", "-pk")[:upto]
        )
        for request in requests:
            items.append(TimelineItem(request.created_at, "request", request))
    if kind in (None, "deadlines"):
        # An open deadline appears when it was set; a closed one when it was done or cancelled.
        deadlines = (
            # A records-response deadline is told by its request's own entry.
            Deadline.objects.filter(campaign=campaign)
            .exclude(kind=Deadline.Kind.RECORDS_DUE)
            .select_related("completed_by", "owner", "created_by")
            .annotate(event_at=Coalesce("completed_at", "created_at"))
            .order_by("-event_at", "-pk")[:upto]
        )
        for deadline in deadlines:
            items.append(TimelineItem(deadline.event_at, "deadline", deadline))
    if kind in (None, "letters"):
        letters = (
            Letter.objects.filter(campaign=campaign)
            .select_related("created_by")
            .prefetch_related(Prefetch("recipients", queryset=Target.objects.order_by("name")))
            .order_by("-created_at", "-pk")[:upto]
        )
        for letter in letters:
            items.append(TimelineItem(letter.created_at, "letter", letter))
    if kind in (None, "resources"):
        from resources.models import Assignment

        assignments = (
            Assignment.objects.filter(campaign=campaign)
            .select_related("resource", "assigned_by")
            .defer("resource__extracted_text", "resource__search_vector", "resource__template_body")
            .order_by("-assigned_at", "-pk")[:upto]
        )
        for assignment in assignments:
            items.append(TimelineItem(assignment.assigned_at, "assignment", assignment))
    items.sort(key=lambda item: item.when, reverse=True)
    start = (page - 1) * per_page
    return items[start : start + per_page], len(items) > start + per_page


def meeting_detail(campaign, pk):
    return (
        Meeting.objects.filter(campaign=campaign)
        .select_related("question_set", "logged_by", "created_by")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("order", "pk")),
            Prefetch("targets", queryset=Target.objects.order_by("name")),
            Prefetch("follow_ups", queryset=Deadline.objects.select_related("owner")),
            Prefetch("stance_changes", queryset=StanceChange.objects.select_related("target")),
        )
        .get(pk=pk)
    )


def team_choices(campaign):
    """Users a deadline may belong to: the campaign's team (one query)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(campaign_memberships__campaign=campaign).order_by("first_name", "username")


# --- meeting-prep packet -------------------------------------------------------------------------

SET_KIND_FOR_AGENCY = {
    "sheriff": "sheriff",
    "jail": "sheriff",
    "board": "board_member",
    "city_council": "board_member",
    "county_counsel": "county_counsel",
}


def prep_question_set(target, set_pk=None):
    """The set a packet uses: the one asked for, else the one that fits the target's agency, else any."""
    sets = QuestionSet.objects.order_by("-is_active", "kind", "name")
    if set_pk is not None:
        chosen = sets.filter(pk=set_pk).first()
        if chosen is not None:
            return chosen
    kind = SET_KIND_FOR_AGENCY.get(target.agency.kind if target.agency_id else "", "")
    return sets.filter(kind=kind, is_active=True).first() or sets.filter(is_active=True).first()


@dataclass
class PrepPacket:
    target: Target
    question_set: object
    questions: list
    meetings: list
    open_follow_ups: list
    stance_changes: list
    state_laws: list
    agreements: list


def prep_packet(campaign, target, question_set):
    """What to bring to a meeting with `target`, in a fixed number of queries however long the history.

    Confidential notes and attendees (community members' names) are left out: packets get printed.
    """
    from jurisdictions.models import Agreement287g, StateLaw

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
