"""The staff page of what each ICE 287(g) list changed, and its CSV export."""

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.access import staff_required
from core.cells import escape_formula
from core.filters import FiltersUnreadable, list_query, page_number_value

from . import selectors
from .filters import ListChangeFilter
from .models import ListChange, Model287g

PAGE_SIZE = 50
LIST_PARAMETERS = ["state", "kind", "snapshot", "page"]


def _filtered(query):
    """(filterset, changes); FiltersUnreadable when a filter value cannot be read."""
    filterset = ListChangeFilter(query, queryset=selectors.list_changes_page())
    if not filterset.is_valid():
        raise FiltersUnreadable({"filter": filterset, "changes": [], "page": None, "query": query})
    return filterset, filterset.qs


def _rows(changes):
    """What each row shows, worked out once."""
    models = {value: str(label) for value, label in Model287g.choices}
    kinds = {value: str(label) for value, label in ListChange.Kind.choices}
    rows = []
    for change in changes:
        agreement, snapshot = change.agreement, change.snapshot
        if change.kind == ListChange.Kind.MODEL_CHANGED:
            before, after = models.get(change.old_value, change.old_value), models.get(change.new_value, "")
        elif change.kind in {ListChange.Kind.SIGNED_CORRECTED, ListChange.Kind.MOA_ADDED}:
            before, after = change.old_value, change.new_value
        else:
            before = after = ""
        rows.append(
            {
                "snapshot": snapshot,
                "kind": change.kind,
                "kind_label": kinds.get(change.kind, change.kind),
                "agency": agreement.agency.name,
                "model": models.get(agreement.model, agreement.model),
                "state": change.state.postal,
                "county": change.jurisdiction,
                "before": before,
                "after": after,
                "is_link": change.kind == ListChange.Kind.MOA_ADDED,
            }
        )
    return rows


@staff_required
def list_changes(request):
    """Changes to ICE's 287(g) list, list by list, filtered by state, kind of change and list."""
    query = list_query(request.GET, LIST_PARAMETERS, {"page": page_number_value})
    status = 200
    try:
        filterset, changes = _filtered(query)
        page = Paginator(changes, PAGE_SIZE).get_page(query.get("page"))
        context = {"filter": filterset, "page": page, "changes": _rows(page.object_list), "query": query}
    except FiltersUnreadable as unreadable:
        context, status = unreadable.context, 400
    context["snapshots"] = selectors.list_snapshots_recent()
    return render(request, "jurisdictions/list_changes.html", context, status=status)


@staff_required
def list_changes_csv(request):
    """The changes the page shows for the same filters, every page, as CSV."""
    query = list_query(request.GET, LIST_PARAMETERS, {})
    try:
        _filterset, changes = _filtered(query)
    except FiltersUnreadable:
        return HttpResponse(_("Some filters could not be read."), status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ice-287g-changes.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "list_date",
            "list_time",
            "list",
            "change",
            "state",
            "county_fips",
            "county",
            "agency",
            "model",
            "before",
            "after",
        ]
    )
    for change in changes:
        snapshot, county = change.snapshot, change.jurisdiction
        cells = [
            snapshot.list_date.isoformat(),
            snapshot.list_half,
            snapshot.kind,
            change.kind,
            change.state.postal,
            county.fips if county else "",
            county.name if county else "",
            change.agreement.agency.name,
            change.agreement.model,
            change.old_value,
            change.new_value,
        ]
        writer.writerow([escape_formula(cell) for cell in cells])
    return response
