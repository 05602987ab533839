"""Lists across campaigns: meetings, deadlines, records requests and resource assignments.

Each list is the rows of the campaigns the user may see (campaigns.access.campaigns_visible_to),
narrowed by its FilterSet. The page and its CSV/XLSX export (core.exports) read the rows through the
same `<list>_rows(request)` function, so an export is always exactly the filtered page, unpaginated.
Bad filter values show the form's errors, list nothing and answer 400, never a 500.
"""

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filters import StatePostalFilterSet
from core.queries import count_of
from jurisdictions.models import State
from resources.models import Kind as ResourceKind

from .access import campaigns_visible_to
from .models import OPEN_REQUEST_STATUSES, Assignment, Deadline, Meeting, RecordsRequest

PAGE_SIZE = 50
ANY = _("Any")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
# Every list also filters by the campaign's US state, which Spanish calls "Estado" too.
STATUS = pgettext_lazy("status, beside a US state", "Status")


def _visible(user, queryset):
    """Rows of the campaigns `user` may see: the same rule as every campaign page."""
    return queryset.filter(campaign__in=campaigns_visible_to(user).values("pk"))


class CampaignScopedFilter(StatePostalFilterSet):
    """Filters every list across campaigns shares: words, one campaign, the campaign's state."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    campaign = django_filters.NumberFilter(field_name="campaign_id", widget=forms.HiddenInput, min_value=1)
    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        field_name="campaign__jurisdiction__state",
        to_field_name="postal",
        queryset=State.objects.only("postal", "name").order_by("name"),
        empty_label=ANY,
    )
    search_fields = ("campaign__name", "campaign__jurisdiction__name")

    class Meta:
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value != "yes" or user is None:
            return queryset
        return queryset.filter(**{name: user})


class MeetingListFilter(CampaignScopedFilter):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Meeting.Kind.choices, empty_label=ANY)
    status = django_filters.ChoiceFilter(label=STATUS, choices=Meeting.Status.choices, empty_label=ANY)
    held_from = django_filters.DateFilter(
        label=_("Held from"), field_name="held_at", lookup_expr="date__gte", widget=DATE_WIDGET
    )
    held_to = django_filters.DateFilter(
        label=_("Held to"), field_name="held_at", lookup_expr="date__lte", widget=DATE_WIDGET
    )
    mine = django_filters.ChoiceFilter(
        label=_("Logged by me"),
        field_name="logged_by",
        choices=[("yes", _("Yes"))],
        method="filter_mine",
        empty_label=ANY,
    )


class DeadlineListFilter(CampaignScopedFilter):
    search_fields = ("title", "campaign__name", "campaign__jurisdiction__name")

    status = django_filters.ChoiceFilter(label=STATUS, choices=Deadline.Status.choices, empty_label=ANY)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Deadline.Kind.choices, empty_label=ANY)
    due_from = django_filters.DateFilter(
        label=_("Due from"), field_name="due_date", lookup_expr="gte", widget=DATE_WIDGET
    )
    due_to = django_filters.DateFilter(label=_("Due to"), field_name="due_date", lookup_expr="lte", widget=DATE_WIDGET)
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue", empty_label=ANY)
    mine = django_filters.ChoiceFilter(
        label=_("Mine"), field_name="owner", choices=[("yes", _("Yes"))], method="filter_mine", empty_label=ANY
    )

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=Deadline.Status.OPEN, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)


class RequestListFilter(CampaignScopedFilter):
    search_fields = ("subject", "agency__name", "campaign__name", "campaign__jurisdiction__name")

    status = django_filters.ChoiceFilter(label=STATUS, choices=RecordsRequest.Status.choices, empty_label=ANY)
    method = django_filters.ChoiceFilter(label=_("Sent by"), choices=RecordsRequest.Method.choices, empty_label=ANY)
    sent_from = django_filters.DateFilter(
        label=_("Sent from"), field_name="sent_on", lookup_expr="gte", widget=DATE_WIDGET
    )
    sent_to = django_filters.DateFilter(label=_("Sent to"), field_name="sent_on", lookup_expr="lte", widget=DATE_WIDGET)
    overdue = django_filters.ChoiceFilter(
        label=_("Response overdue"), choices=YES_NO, method="filter_overdue", empty_label=ANY
    )

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=OPEN_REQUEST_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)


ASSIGNMENT_STATUSES = [
    ("active", pgettext_lazy("resource assignment status", "Active")),
    ("withdrawn", pgettext_lazy("resource assignment status", "Withdrawn")),
]


class AssignmentListFilter(CampaignScopedFilter):
    search_fields = ("resource__title", "campaign__name", "campaign__jurisdiction__name")

    status = django_filters.ChoiceFilter(
        label=STATUS, choices=ASSIGNMENT_STATUSES, method="filter_status", empty_label=ANY
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of resource"),
        field_name="resource__kind",
        choices=ResourceKind.choices if ResourceKind else [],
        empty_label=ANY,
    )
    assigned_from = django_filters.DateFilter(
        label=_("Assigned from"), field_name="assigned_at", lookup_expr="date__gte", widget=DATE_WIDGET
    )
    assigned_to = django_filters.DateFilter(
        label=_("Assigned to"), field_name="assigned_at", lookup_expr="date__lte", widget=DATE_WIDGET
    )

    def filter_status(self, queryset, name, value):
        return queryset.filter(withdrawn_at__isnull=(value == "active"))


class ListRows:
    """The filter form and the filtered rows of one list, as the page and its export read them."""

    def __init__(self, filterset, rows):
        self.filter = filterset
        self.rows = rows

    @property
    def valid(self):
        return self.filter.is_valid()


def _list_rows(request, filter_class, base, ordering):
    filterset = filter_class(request.GET, queryset=_visible(request.user, base), request=request)
    rows = filterset.qs.order_by(*ordering) if filterset.is_valid() else base.none()
    return ListRows(filterset, rows)


def meeting_rows(request):
    base = Meeting.objects.select_related("campaign__jurisdiction__state", "question_set", "logged_by").annotate(
        targets_met=count_of(Meeting.targets.through.objects.all(), "meeting")
    )
    return _list_rows(request, MeetingListFilter, base, ["-held_at", "-pk"])


def deadline_rows(request):
    base = Deadline.objects.select_related("campaign__jurisdiction__state", "owner")
    return _list_rows(request, DeadlineListFilter, base, ["due_date", "due_time", "pk"])


def request_rows(request):
    base = RecordsRequest.objects.select_related("campaign__jurisdiction__state", "agency")
    return _list_rows(request, RequestListFilter, base, ["-created_at", "-pk"])


def assignment_rows(request):
    base = Assignment.objects.select_related("campaign__jurisdiction__state", "resource", "assigned_by").defer(
        "resource__extracted_text", "resource__search_vector", "resource__template_body"
    )
    return _list_rows(request, AssignmentListFilter, base, ["-assigned_at", "-pk"])


def _render_list(request, rows, template, export):
    page = Paginator(rows.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "filter": rows.filter,
            "page": page,
            "query": query.urlencode(),
            "export": export,
            "today": timezone.localdate(),
        },
        status=200 if rows.valid else 400,
    )


@login_required
def meeting_list(request):
    return _render_list(request, meeting_rows(request), "campaigns/lists/meetings.html", "meetings")


@login_required
def deadline_list(request):
    return _render_list(request, deadline_rows(request), "campaigns/lists/deadlines.html", "deadlines")


@login_required
def request_list(request):
    return _render_list(request, request_rows(request), "campaigns/lists/requests.html", "requests")


@login_required
def assignment_list(request):
    return _render_list(request, assignment_rows(request), "campaigns/lists/assignments.html", "assignments")


# For core.exports: the rows of each list, by the name its export URL uses.
LIST_ROWS = {
    "meetings": meeting_rows,
    "deadlines": deadline_rows,
    "requests": request_rows,
}
if Assignment is not None:
    LIST_ROWS["assignments"] = assignment_rows
