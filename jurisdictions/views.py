"""The jurisdiction list, the county page, the staff policy form and source documents."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.access import staff_required
from core.roles import is_staff_member

from . import selectors, services
from .access import map_is_public, public_or_login
from .filters import JurisdictionFilter
from .forms import DOCUMENT_TYPES, PolicyRecordForm
from .models import Dimension, Jurisdiction, Model287g, PolicyLevel, PolicyRecord, StateFloor

PAGE_SIZES = [25, 50, 100, 200]
DEFAULT_PAGE_SIZE = 50
# Shown on the page for each sort key, in this order.
SORT_COLUMNS = ["name", "state", "population", "level", "updated"]


def _page_size(value):
    try:
        size = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


# Stands for the pk in a URL reversed once per page; each row's URL is this with its own pk.
_PK_PLACEHOLDER = 2_147_483_647


def _list_rows(jurisdictions):
    """What each list row shows, as strings worked out here once: the page renders every row twice
    (cards on phones, a table on wider screens), and template lookups, includes and filters per row
    were most of its time."""
    detail_url = reverse("jurisdictions:detail", args=[_PK_PLACEHOLDER])
    placeholder = str(_PK_PLACEHOLDER)
    level_labels = {value: str(label) for value, label in PolicyLevel.choices}
    model_labels = {value: str(label) for value, label in Model287g.choices}
    floor_labels = {value: str(label) for value, label in StateFloor.choices}
    floor_badges = {}
    rows = []
    for jurisdiction in jurisdictions:
        state = jurisdiction.state
        floor = state.law_floor
        if floor not in floor_badges:
            badge = render_to_string(
                "jurisdictions/partials/floor_badge.html", {"floor": floor, "label": floor_labels.get(floor, floor)}
            )
            floor_badges[floor] = mark_safe(badge.strip())
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
                "floor_badge": floor_badges[floor],
                "updated": date_format(jurisdiction.policy_updated, "SHORT_DATE_FORMAT")
                if jurisdiction.policy_updated
                else "",
            }
        )
    return rows


@public_or_login
def jurisdiction_list(request):
    filterset = JurisdictionFilter(request.GET, queryset=selectors.jurisdiction_list_page())
    per_page = _page_size(request.GET.get("per_page"))
    if filterset.is_valid():
        jurisdictions, sort = selectors.jurisdiction_list_ordered(filterset.qs, request.GET.get("sort"))
        status = 200
    else:
        # A filter value we cannot read: say which on the form, list nothing, and answer 400.
        jurisdictions, sort = Jurisdiction.objects.none(), selectors.jurisdiction_sort_key(request.GET.get("sort"))
        status = 400
    page = Paginator(jurisdictions, per_page).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "rows": _list_rows(page.object_list),
        "sort": sort,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "sort_columns": SORT_COLUMNS,
    }
    return render(request, "jurisdictions/list.html", context, status=status)


def _campaign_links(campaigns):
    """[(campaign, its page or None)], None passed through: the campaign pages may not be wired yet."""
    if campaigns is None:
        return None
    links = []
    for campaign in campaigns:
        try:
            url = campaign.get_absolute_url()
        except (AttributeError, NoReverseMatch):
            url = None
        links.append((campaign, url))
    return links


@public_or_login
def jurisdiction_detail(request, pk):
    try:
        jurisdiction, cities = selectors.jurisdiction_page(pk)
    except Jurisdiction.DoesNotExist:
        raise Http404("No such jurisdiction.") from None
    state = jurisdiction.state
    context = {
        "jurisdiction": jurisdiction,
        "history": selectors.dimension_history(jurisdiction),
        "laws": list(state.laws.all()),
        "records_law": getattr(state, "records_law", None),
        "agencies": list(jurisdiction.agencies.all()),
        "agreements": list(jurisdiction.agreements.all()),
        "cities": cities,
        "can_edit": is_staff_member(request.user),
        # None until the campaigns app can answer; never anything for anonymous visitors.
        "campaigns": _campaign_links(
            selectors.jurisdiction_campaigns_for_user(jurisdiction=jurisdiction, user=request.user)
        ),
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
