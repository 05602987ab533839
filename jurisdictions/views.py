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
from core.filters import FiltersUnreadable, export_links, list_query, page_number_value
from core.fragments import cached, cached_fragment
from core.roles import is_staff_member

from . import selectors, services
from .access import map_is_public, public_or_login
from .filters import JurisdictionFilter
from .forms import DOCUMENT_TYPES, PolicyRecordForm
from .models import Dimension, Jurisdiction, Model287g, PolicyLevel, PolicyRecord, StateFloor

PAGE_SIZES = [25, 50, 100, 200]
PAGE_SIZE_VALUES = {str(size) for size in PAGE_SIZES}
DEFAULT_PAGE_SIZE = 50
# Shown on the page for each sort key, in this order.
SORT_COLUMNS = ["name", "state", "population", "level", "updated"]
# The list's parameters in the order its filter form sends them, then the page its links add. A
# request's own are put in this order, so that addresses asking for the same list share one cached
# copy, and the links the page writes stay those it wrote from the form's addresses.
LIST_PARAMETERS = [
    "q",
    "state",
    "level",
    "has_287g",
    "model_287g",
    "law_floor",
    "population_min",
    "population_max",
    "kind",
    "include_legacy",
    "per_page",
    "sort",
    "page",
]
# Kinds of data (core.generations) the list and the county page show.
PLACE_KINDS = ("places",)
COUNTY_PAGE_KINDS = ("places", "people")


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
    }
    if not valid:
        raise FiltersUnreadable(context)
    return context


@public_or_login
def jurisdiction_list(request):
    """The list is the same for every signed-in reader: kept in the cache (core.fragments) under the
    places' generation and the list's parameters until a place changes. A cached list reads nothing,
    not even its filters: only a list whose filters could be read is kept, and whether they can is a
    matter of the places (the states) and the parameters alone.

    A public visitor's list is not kept: anyone's query string, free text included, would fill the
    shared cache.
    """
    query = _list_query(request.GET)
    live = {"export": export_links(request, "jurisdictions", "btn-group-sm ms-auto")}
    try:
        if request.user.is_authenticated:
            content = cached_fragment(
                request,
                "jurisdictions/_list_page.html",
                vary=(query.urlencode(),),
                kinds=PLACE_KINDS,
                context=lambda: _list_context(query),
                live=live,
            )
        else:
            content = render_to_string("jurisdictions/_list_page.html", {**_list_context(query), "live": live}, request)
    except FiltersUnreadable as unreadable:
        content = render_to_string("jurisdictions/_list_page.html", {**unreadable.context, "live": live}, request)
        return render(request, "jurisdictions/list.html", {"content": content}, status=400)
    return render(request, "jurisdictions/list.html", {"content": content})


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


def _campaigns_panel(request, pk):
    """The county page's campaigns as this reader may see them; nothing for anonymous visitors.

    Kept in the cache apart from the page, per reader's scope (staff see every campaign, anyone else
    those of their own teams: campaigns.access.campaigns_visible_to), so that a campaign's write (a
    meeting logged, a deadline met) renews this short list and not the county's page. A place's write
    renews both: a page built anew reads all it shows anew, in as many queries whatever was cached.
    """
    user = request.user
    if not user.is_authenticated:
        return ""
    scope = "staff" if is_staff_member(user) else f"user:{user.pk}"
    return cached_fragment(
        request,
        "jurisdictions/partials/campaigns.html",
        vary=(pk, scope),
        kinds=("campaigns", *COUNTY_PAGE_KINDS),
        # None until the campaigns app can answer. Of the jurisdiction, only its id is read.
        context=lambda: {
            "campaigns": _campaign_links(
                selectors.jurisdiction_campaigns_for_user(jurisdiction=Jurisdiction(pk=pk), user=user)
            )
        },
    )


def _page_title(pk):
    """The page's title, the jurisdiction's name and state, kept in the cache with the places; Http404 for no
    such jurisdiction (before anything else of the page is read or kept)."""

    def read():
        row = Jurisdiction.objects.filter(pk=pk).values_list("name", "state__postal").first()
        if row is None:
            raise Http404("No such jurisdiction.")
        return ", ".join(row)

    return cached("jurisdictions:title", vary=(pk,), kinds=PLACE_KINDS, make=read)


@public_or_login
def jurisdiction_detail(request, pk):
    """The county page: kept in the cache (core.fragments) under the generations of places and people
    (who entered a record), per jurisdiction and what the reader may see of it. A cached page reads
    nothing from the database; its title and the reader's campaigns are kept in the cache apart."""
    title = _page_title(pk)
    signed_in = request.user.is_authenticated
    staff = is_staff_member(request.user)

    def context():
        try:
            jurisdiction, cities = selectors.jurisdiction_page(pk)
        except Jurisdiction.DoesNotExist:
            raise Http404("No such jurisdiction.") from None
        state = jurisdiction.state
        return {
            "jurisdiction": jurisdiction,
            "history": selectors.dimension_history(jurisdiction),
            "laws": list(state.laws.all()),
            "records_law": getattr(state, "records_law", None),
            "agencies": list(jurisdiction.agencies.all()),
            "agreements": list(jurisdiction.agreements.all()),
            "cities": cities,
            "can_edit": staff,
            # Who entered a record is named to signed-in readers only.
            "signed_in": signed_in,
        }

    content = cached_fragment(
        request,
        "jurisdictions/_detail_page.html",
        vary=(pk, signed_in, staff),
        kinds=COUNTY_PAGE_KINDS,
        context=context,
        live={"campaigns": _campaigns_panel(request, pk)},
    )
    return render(request, "jurisdictions/detail.html", {"title": title, "content": content})


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
