"""The history of a campaign and of everything under it: who changed what, when, and from where."""

from django.contrib.auth.decorators import login_required
from django.db.models.query import EmptyQuerySet
from django.shortcuts import render

from .access import campaign_for_user
from .filters import HistoryFilter
from .models import Campaign
from .selectors_history import campaign_history_page, campaign_history_querysets, history_people
from .timezones import in_user_time_zone


@login_required
@in_user_time_zone
def campaign_history(request, pk):
    """Every change under the campaign, newest first, filtered by kind of record and by person."""
    campaign = campaign_for_user(request.user, pk)
    filterset = HistoryFilter(request.GET or None, queryset=Campaign.history.none(), people=history_people(campaign))
    querysets = campaign_history_querysets(campaign)
    if filterset.is_bound:
        if filterset.is_valid():
            querysets = {kind: filterset.filter_queryset(qs) for kind, qs in querysets.items()}
        else:
            # Filters that are not understood show no changes with the form's errors, never everything.
            querysets = {}
    querysets = {kind: qs for kind, qs in querysets.items() if not isinstance(qs, EmptyQuerySet)}
    page, entries = campaign_history_page(
        campaign, user=request.user, querysets=querysets, page_number=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"campaign": campaign, "filter": filterset, "page": page, "entries": entries, "query": query.urlencode()}
    return render(request, "campaigns/campaign_history.html", context)
