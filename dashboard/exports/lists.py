"""What each list exports: the page's own rows (its access queryset, FilterSet and order) and their columns."""

from django.conf import settings
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaigns.access import campaigns_visible_to
from campaigns.filters import DEFAULT_SORT, SORTS, CampaignFilter
from campaigns.models import OPEN_REQUEST_STATUSES, Answer, Deadline, Goal, Meeting, RecordsRequest, Stage
from campaigns.selectors import campaign_status_rows
from campaigns.views_lists import LIST_ROWS
from core.queries import count_of
from jurisdictions import selectors as jurisdiction_selectors
from jurisdictions.filters import JurisdictionFilter
from jurisdictions.models import Jurisdiction, Model287g, PolicyLevel, PolicyValue, StateFloor
from resources import selectors as resource_selectors
from resources.access import library_visible_to
from resources.filters import ResourceFilter
from resources.models import Kind, Language, Resource

from .columns import BadFilters, Column, ListExport, choice, clock, day, flag, link, moment, number, person, text


def _rows_of(list_rows):
    if not list_rows.valid:
        raise BadFilters(list_rows.filter.errors)
    return list_rows.rows


def campaign_rows(request):
    """/campaigns/: the campaigns the user may see, CampaignFilter, the page's sort."""

    visible = campaigns_visible_to(request.user)
    filterset = CampaignFilter(request.GET or None, queryset=visible, request=request)
    if filterset.is_bound and not filterset.is_valid():
        raise BadFilters(filterset.errors)
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    return campaign_status_rows(filterset.qs).order_by(*SORTS[sort])


def jurisdiction_rows(request):
    """/jurisdictions/: JurisdictionFilter and the page's sort."""

    filterset = JurisdictionFilter(request.GET, queryset=jurisdiction_selectors.jurisdiction_list())
    if not filterset.is_valid():
        raise BadFilters(filterset.errors)
    rows, _sort = jurisdiction_selectors.jurisdiction_list_ordered(filterset.qs, request.GET.get("sort"))
    return rows


def resource_rows(request):
    """/resources/: the library the user may see, ResourceFilter (search included) and the page's order."""
    filterset = ResourceFilter(request.GET, queryset=library_visible_to(request.user, Resource.objects.all()))
    if not filterset.is_valid():
        raise BadFilters(filterset.errors)
    sort = resource_selectors.sort_key(request.GET.get("sort"), searching=filterset.searching)
    return resource_selectors.resource_list_ordered(filterset.qs, sort)


def _list_rows(name):
    def rows(request):
        return _rows_of(LIST_ROWS[name](request))

    return rows


def _campaign_columns():

    def goal_label(goal, detail):
        if goal == Goal.OTHER and detail:
            return detail
        return str(Goal(goal).label) if goal in Goal.values else goal

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Campaign"), "name", 32),
        text(gettext_lazy("Jurisdiction"), "jurisdiction__name"),
        text(gettext_lazy("State"), "jurisdiction__state__postal", 6),
        text(gettext_lazy("FIPS"), "jurisdiction__fips", 8),
        Column(gettext_lazy("Goal"), ("goal", "goal_detail"), compose=goal_label, width=30),
        choice(gettext_lazy("Stage"), "stage", Stage),
        moment(gettext_lazy("In this stage since"), "stage_since"),
        person(gettext_lazy("Lead"), "lead"),
        day(gettext_lazy("Started"), "started_on"),
        day(pgettext_lazy("campaign end date", "Ended"), "ended_on"),
        moment(gettext_lazy("Last activity"), "last_activity_at"),
        number(gettext_lazy("Overdue deadlines"), "overdue_count"),
        day(gettext_lazy("Next deadline"), "next_due"),
        number(gettext_lazy("Seats on the deciding body"), "board_seats"),
        number(gettext_lazy("Members who vote, tracked"), "voters"),
        number(gettext_lazy("Votes for"), "votes_yes"),
        number(gettext_lazy("Votes against"), "votes_no"),
        text(gettext_lazy("Outcome"), "outcome", 40),
        link(gettext_lazy("Page"), "campaigns:detail", "pk"),
    ]


def _meeting_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        moment(gettext_lazy("Held"), "held_at"),
        choice(gettext_lazy("Kind"), "kind", Meeting.Kind),
        choice(pgettext_lazy("status, beside a US state", "Status"), "status", Meeting.Status, 10),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        text(gettext_lazy("Question set"), "question_set__name"),
        number(gettext_lazy("Targets met"), "targets_met"),
        number(gettext_lazy("Questions answered"), "answered"),
        number(gettext_lazy("Satisfactory answers"), "satisfactory"),
        number(gettext_lazy("Unsatisfactory answers"), "unsatisfactory"),
        number(gettext_lazy("Evasive answers"), "evasive"),
        number(gettext_lazy("Follow-ups"), "follow_up_count"),
        person(gettext_lazy("Logged by"), "logged_by"),
        moment(pgettext_lazy("date column", "Logged"), "logged_at"),
        link(gettext_lazy("Page"), "campaigns:meeting-detail", "campaign_id", "pk"),
    ]


def _meeting_annotations():

    answers = Answer.objects.all()
    return {
        "answered": count_of(answers.exclude(assessment="not_asked"), "meeting"),
        "satisfactory": count_of(answers.filter(assessment="satisfactory"), "meeting"),
        "unsatisfactory": count_of(answers.filter(assessment="unsatisfactory"), "meeting"),
        "evasive": count_of(answers.filter(assessment="evasive"), "meeting"),
        "follow_up_count": count_of(Deadline.objects.all(), "meeting"),
    }


def _deadline_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Deadline"), "title", 32),
        choice(gettext_lazy("Kind"), "kind", Deadline.Kind),
        day(gettext_lazy("Due date"), "due_date"),
        clock(gettext_lazy("Time"), "due_time"),
        text(gettext_lazy("Time zone"), "time_zone", 18),
        choice(pgettext_lazy("status, beside a US state", "Status"), "status", Deadline.Status, 10),
        flag(gettext_lazy("Overdue"), "is_overdue"),
        person(gettext_lazy("Owner"), "owner"),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        number(gettext_lazy("From meeting"), "meeting_id"),
        number(gettext_lazy("From records request"), "records_request_id"),
        moment(gettext_lazy("Closed"), "completed_at"),
        link(gettext_lazy("Campaign page"), "campaigns:detail", "campaign_id"),
    ]


def _overdue_flag(open_q):
    return Case(When(open_q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _deadline_annotations():

    return {"is_overdue": _overdue_flag(Q(status=Deadline.Status.OPEN, due_date__lt=timezone.localdate()))}


def _request_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Subject"), "subject", 32),
        text(gettext_lazy("Agency"), "agency__name", 28),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        choice(gettext_lazy("Sent by"), "method", RecordsRequest.Method, 12),
        choice(pgettext_lazy("status, beside a US state", "Status"), "status", RecordsRequest.Status, 16),
        day(gettext_lazy("Sent on"), "sent_on"),
        day(gettext_lazy("Response due"), "due_date"),
        day(gettext_lazy("First due date"), "original_due_date"),
        choice(gettext_lazy("Due date rule"), "due_rule", RecordsRequest.DueRule, 24),
        flag(gettext_lazy("Response overdue"), "is_overdue"),
        text(gettext_lazy("Records law"), "law__law_name"),
        moment(gettext_lazy("Created"), "created_at"),
        link(gettext_lazy("Page"), "campaigns:request-detail", "campaign_id", "pk"),
    ]


def _request_annotations():

    return {
        "is_overdue": _overdue_flag(Q(status__in=OPEN_REQUEST_STATUSES, due_date__lt=timezone.localdate())),
    }


def _jurisdiction_columns():

    return [
        text(gettext_lazy("FIPS"), "fips", 8),
        text(gettext_lazy("Name"), "name", 28),
        choice(gettext_lazy("Kind"), "kind", Jurisdiction.Kind, 8),
        text(gettext_lazy("Type"), "county_type", 14),
        text(gettext_lazy("State"), "state__postal", 6),
        text(gettext_lazy("County"), "parent__name"),
        number(gettext_lazy("Population"), "population", 12),
        number(gettext_lazy("Population year"), "population_year"),
        choice(gettext_lazy("Overall level"), "level", PolicyLevel, 30),
        choice(gettext_lazy("ICE holds"), "current_holds", PolicyValue, 14),
        choice(gettext_lazy("Release notifications"), "current_notifications", PolicyValue, 14),
        choice(gettext_lazy("ICE jail access"), "current_jail_access", PolicyValue, 14),
        choice(gettext_lazy("Jail-bed contract"), "current_bed_contract", PolicyValue, 14),
        choice(gettext_lazy("287(g)"), "current_287g", Model287g, 22),
        flag(gettext_lazy("Fourth Amendment risk"), "fourth_amendment_risk"),
        day(gettext_lazy("Policy last changed"), "policy_updated"),
        choice(gettext_lazy("State law"), "state__law_floor", StateFloor, 30),
        link(gettext_lazy("Page"), "jurisdictions:detail", "pk"),
    ]


def _resource_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Title"), "title", 40),
        choice(gettext_lazy("Kind"), "kind", Kind),
        choice(gettext_lazy("Language"), "language", Language, 12),
        day(pgettext_lazy("date column", "Published"), "published_on"),
        text(gettext_lazy("Link"), "url", 40),
        text(gettext_lazy("File type"), "file_type", 16),
        flag(gettext_lazy("Public"), "is_public"),
        text(gettext_lazy("Supersedes"), "supersedes__title", 30),
        text(gettext_lazy("Translation of"), "translation_of__title", 30),
        link(gettext_lazy("Page"), "resources:detail", "pk"),
    ]


def _assignment_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Resource"), "resource__title", 40),
        choice(gettext_lazy("Kind"), "resource__kind", Kind),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        moment(pgettext_lazy("date column", "Assigned"), "assigned_at"),
        person(gettext_lazy("Assigned by"), "assigned_by"),
        moment(pgettext_lazy("date column", "Withdrawn"), "withdrawn_at"),
        person(gettext_lazy("Withdrawn by"), "withdrawn_by"),
        link(gettext_lazy("Resource page"), "resources:detail", "resource_id"),
    ]


def export_specs():
    """{list name: ListExport}. Built on first use: the column specs read the apps' models."""
    specs = [
        ListExport("campaigns", gettext_lazy("Campaigns"), campaign_rows, _campaign_columns()),
        ListExport(
            "meetings",
            gettext_lazy("Meetings"),
            _list_rows("meetings"),
            _meeting_columns(),
            annotate=_meeting_annotations,
        ),
        ListExport(
            "deadlines",
            gettext_lazy("Deadlines"),
            _list_rows("deadlines"),
            _deadline_columns(),
            annotate=_deadline_annotations,
        ),
        ListExport(
            "requests",
            gettext_lazy("Records requests"),
            _list_rows("requests"),
            _request_columns(),
            annotate=_request_annotations,
        ),
        ListExport(
            "jurisdictions", gettext_lazy("Jurisdictions"), jurisdiction_rows, _jurisdiction_columns(), public=True
        ),
        ListExport("resources", gettext_lazy("Resources"), resource_rows, _resource_columns(), public=True),
    ]

    if "assignments" in LIST_ROWS:
        specs.append(
            ListExport("assignments", gettext_lazy("Assignments"), _list_rows("assignments"), _assignment_columns())
        )
    return {spec.name: spec for spec in specs}


def public_exports_allowed(spec):
    """Anonymous visitors may export a list only where its page is public to them."""
    if spec.name == "jurisdictions":
        return settings.PUBLIC_MAP
    return spec.public
