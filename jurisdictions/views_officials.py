"""The officials directory, an official's page, and the staff forms that keep officials current."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.access import staff_required
from core.filters import FiltersUnreadable, list_query, page_number_value
from core.roles import is_staff_member

from . import selectors, services
from .access import public_or_login
from .filters import OfficialFilter
from .forms import OfficialForm
from .models import Agency, Official

PAGE_SIZE = 50
# The directory's parameters in the order its filter form sends them, then the page its links add.
LIST_PARAMETERS = ["q", "state", "office", "election_within", "include_former", "page"]


def _list_context(query):
    """Everything the directory shows for `query`; FiltersUnreadable when a filter value cannot be read."""
    filterset = OfficialFilter(query, queryset=selectors.official_list())
    valid = filterset.is_valid()
    if valid:
        officials = selectors.official_list_ordered(filterset.qs, by_election=filterset.by_election)
    else:
        officials = Official.objects.none()
    page = Paginator(officials, PAGE_SIZE).get_page(query.get("page"))
    context = {"filter": filterset, "page": page, "officials": list(page.object_list), "query": query}
    if not valid:
        raise FiltersUnreadable(context)
    return context


@public_or_login
def official_list(request):
    """Sheriffs, board members and other officials, by state, office and how soon their next election is."""
    query = list_query(request.GET, LIST_PARAMETERS, {"page": page_number_value})
    try:
        context, status = _list_context(query), 200
    except FiltersUnreadable as unreadable:
        context, status = unreadable.context, 400
    context["can_edit"] = is_staff_member(request.user)
    return render(request, "jurisdictions/officials.html", context, status=status)


@public_or_login
def official_detail(request, pk):
    try:
        official = selectors.official_page(pk)
    except Official.DoesNotExist:
        raise Http404("No such official.") from None
    context = {
        "official": official,
        "can_edit": is_staff_member(request.user),
        "history": selectors.official_changes(official, request.user),
    }
    return render(request, "jurisdictions/official_detail.html", context)


def _agencies_beside(agency):
    """The agencies an official of `agency` may be moved to: those of the same county (or that agency alone)."""
    if agency.jurisdiction_id is None:
        return Agency.objects.filter(pk=agency.pk)
    return Agency.objects.filter(jurisdiction_id=agency.jurisdiction_id).order_by("kind", "name")


def _save(request, form, official, *, created):
    if not form.is_valid():
        return None
    try:
        services.official_save(official=form.instance)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return None
    if created:
        messages.success(request, _("%(name)s was added.") % {"name": form.instance.name})
    else:
        messages.success(request, _("%(name)s was saved.") % {"name": form.instance.name})
    return redirect(form.instance)


@staff_required
def official_new(request, agency_pk):
    agency = get_object_or_404(Agency.objects.select_related("state", "jurisdiction"), pk=agency_pk)
    official = Official(agency=agency)
    form = OfficialForm(request.POST or None, instance=official, agencies=_agencies_beside(agency))
    if request.method == "POST" and (response := _save(request, form, official, created=True)):
        return response
    return render(request, "jurisdictions/official_form.html", {"form": form, "agency": agency, "official": None})


@staff_required
def official_edit(request, pk):
    official = get_object_or_404(selectors.official_list(), pk=pk)
    agency = official.agency
    form = OfficialForm(request.POST or None, instance=official, agencies=_agencies_beside(agency))
    if request.method == "POST" and (response := _save(request, form, official, created=False)):
        return response
    return render(request, "jurisdictions/official_form.html", {"form": form, "agency": agency, "official": official})
