"""The jurisdiction list, the county page, the staff policy form and source documents."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import sign_in_required, staff_required
from core.filters import FiltersUnreadable, list_query, page_number_value
from core.roles import is_staff_member

from . import selectors, services
from .access import map_is_public, public_or_login
from .filters import JurisdictionFilter
from .forms import DOCUMENT_TYPES, PolicyRecordForm
from .models import Dimension, Jurisdiction, Model287g, PolicyLevel, PolicyRecord, State, StateFloor

PAGE_SIZES = [25, 50, 100, 200]
PAGE_SIZE_VALUES = {str(size) for size in PAGE_SIZES}
DEFAULT_PAGE_SIZE = 50
# Shown on the page for each sort key, in this order.
SORT_COLUMNS = ["name", "state", "population", "level", "updated"]
# The list's parameters in the order its filter form sends them, then the page its links add: the
# links the page writes keep that order.
LIST_PARAMETERS = [
    "q",
    "state",
    "level",
    "has_287g",
    "model_287g",
    "law_floor",
    "fourth_amendment",
    "population_min",
    "population_max",
    "kind",
    "include_legacy",
    "per_page",
    "sort",
    "page",
]


def _page_size(value):
    try:
        size = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _list_query(params):
    """The list's parameters of `params` as the page reads them (core.filters.list_query)."""
    return list_query(
        params,
        LIST_PARAMETERS,
        {
            "per_page": lambda value: value if value in PAGE_SIZE_VALUES else None,
            "sort": lambda value: value if selectors.jurisdiction_sort_key(value) == value else None,
            "page": page_number_value,
        },
    )


# Stands for the pk in a URL reversed once per page; each row's URL is this with its own pk.
_PK_PLACEHOLDER = 2_147_483_647


def _list_rows(jurisdictions):
    """What each list row shows, worked out once: the page shows every row twice (cards on phones, a
    table on wider screens)."""
    detail_url = reverse("jurisdictions:detail", args=[_PK_PLACEHOLDER])
    placeholder = str(_PK_PLACEHOLDER)
    level_labels = {value: str(label) for value, label in PolicyLevel.choices}
    model_labels = {value: str(label) for value, label in Model287g.choices}
    floor_labels = {value: str(label) for value, label in StateFloor.choices}
    rows = []
    for jurisdiction in jurisdictions:
        state = jurisdiction.state
        floor = state.law_floor
        population = jurisdiction.population
        rows.append(
            {
                "url": detail_url.replace(placeholder, str(jurisdiction.pk)),
                "name": jurisdiction.name,
                "is_legacy": jurisdiction.is_legacy,
                "parent_name": jurisdiction.parent.name if jurisdiction.parent_id else "",
                "state_postal": state.postal,
                "state_name": state.name,
                "population": intcomma(population) if population is not None else "",
                "level": jurisdiction.level,
                "level_label": level_labels.get(jurisdiction.level, jurisdiction.level),
                "model_287g": model_labels.get(jurisdiction.current_287g, jurisdiction.current_287g),
                "floor": floor,
                "floor_label": floor_labels.get(floor, floor),
                "updated": date_format(jurisdiction.policy_updated, "SHORT_DATE_FORMAT")
                if jurisdiction.policy_updated
                else "",
            }
        )
    return rows


def _list_context(query):
    """Everything the list shows for `query`; FiltersUnreadable when a filter value cannot be read."""
    filterset = JurisdictionFilter(query, queryset=selectors.jurisdiction_list_page())
    valid = filterset.is_valid()
    if valid:
        jurisdictions, sort = selectors.jurisdiction_list_ordered(filterset.qs, query.get("sort"))
    else:
        # Say which on the form and list nothing.
        jurisdictions, sort = Jurisdiction.objects.none(), selectors.jurisdiction_sort_key(query.get("sort"))
    per_page = _page_size(query.get("per_page"))
    page = Paginator(jurisdictions, per_page).get_page(query.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "rows": _list_rows(page.object_list),
        "sort": sort,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "sort_columns": SORT_COLUMNS,
        "query": query,
        "source_counts": selectors.policy_source_counts(),
    }
    if not valid:
        raise FiltersUnreadable(context)
    return context


@public_or_login
def jurisdiction_list(request):
    """Counties and cities, filtered, sorted and paged; a filter that cannot be read answers 400 with the form."""
    query = _list_query(request.GET)
    try:
        context, status = _list_context(query), 200
    except FiltersUnreadable as unreadable:
        context, status = unreadable.context, 400
    return render(request, "jurisdictions/list.html", context, status=status)


@public_or_login
def jurisdiction_detail(request, pk):
    """The county page: its policy history with sources, laws, agencies, agreements, cities and campaigns."""
    try:
        jurisdiction, cities = selectors.jurisdiction_page(pk)
    except Jurisdiction.DoesNotExist:
        raise Http404("No such jurisdiction.") from None
    state = jurisdiction.state
    user = request.user
    history = selectors.dimension_history(jurisdiction)
    selectors.mark_readable_notes((record for _dimension, _current, records in history for record in records), user)
    context = {
        "jurisdiction": jurisdiction,
        "history": history,
        # The Fourth Amendment section quotes the current holds record: its warrant answer, source and date.
        "holds_record": next(current for dimension, current, _records in history if dimension == Dimension.HOLDS),
        "laws": list(state.laws.all()),
        "records_law": getattr(state, "records_law", None),
        "agencies": list(jurisdiction.agencies.all()),
        "agreements": list(jurisdiction.agreements.all()),
        "cities": cities,
        "can_edit": is_staff_member(user),
        # Who entered a record, and the campaigns here, are for signed-in readers only.
        "signed_in": user.is_authenticated,
        "follows": selectors.follows_of(user),
        "designations": selectors.federal_designations_for(jurisdiction),
        "changes": selectors.jurisdiction_changes(jurisdiction, user),
    }
    return render(request, "jurisdictions/detail.html", context)


@staff_required
def policy_record_new(request, pk):
    jurisdiction = get_object_or_404(Jurisdiction.objects.select_related("state"), pk=pk)
    if request.method == "POST":
        form = PolicyRecordForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                record = services.policy_record_create(
                    jurisdiction=jurisdiction, user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Policy record added: %(dimension)s — %(value)s, effective %(date)s.")
                    % {
                        "dimension": record.get_dimension_display(),
                        "value": record.get_value_display(),
                        "date": record.effective_date.isoformat(),
                    },
                )
                return redirect(jurisdiction)
    else:
        dimension = request.GET.get("dimension")
        form = PolicyRecordForm(initial={"dimension": dimension if dimension in Dimension.values else ""})
    return render(request, "jurisdictions/policy_form.html", {"jurisdiction": jurisdiction, "form": form})


@public_or_login
def policy_document(request, record_id):
    """A policy record's uploaded source, served only through this access check, never from a public URL."""
    record = get_object_or_404(PolicyRecord.objects.only("pk", "source_document"), pk=record_id)
    if not record.source_document:
        raise Http404
    name = record.source_document.name
    try:
        handle = record.source_document.storage.open(name, "rb")
    except OSError as exc:
        raise Http404 from exc
    extension = PurePath(name).suffix.lower()
    content_type = DOCUMENT_TYPES.get(extension, "application/octet-stream")
    inline = content_type == "application/pdf" or content_type.startswith("image/")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=f"policy-record-{record.pk}{extension}",
        content_type=content_type,
    )
    if not map_is_public():
        patch_cache_control(response, private=True)
    return response


@sign_in_required
@require_POST
def follow(request):
    """Follow a county or a state, or stop following it, for alerts when ICE's 287(g) list changes there.

    The form sends `county` (its id) or `state` (its postal code), `on` (1 to follow, 0 to stop) and
    where to go back to (`next`, a page of this site).
    """
    county_id, postal = request.POST.get("county", ""), request.POST.get("state", "").strip().upper()
    jurisdiction = state = None
    if county_id.isdigit():
        jurisdiction = Jurisdiction.objects.select_related("state").filter(pk=int(county_id)).first()
    elif postal:
        state = State.objects.filter(postal=postal).first()
    if jurisdiction is None and state is None:
        return HttpResponseBadRequest(_("Choose a county or a state to follow."))
    on = request.POST.get("on", "1") != "0"
    services.follow_set(user=request.user, jurisdiction=jurisdiction, state=state, on=on)
    place = str(jurisdiction or state)
    if on:
        messages.success(request, _("You will be told when ICE's 287(g) list changes in %(place)s.") % {"place": place})
    else:
        messages.success(request, _("You no longer follow %(place)s.") % {"place": place})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = (
            jurisdiction.get_absolute_url() if jurisdiction else f"{reverse('jurisdictions:list')}?state={state.postal}"
        )
    return redirect(back)
