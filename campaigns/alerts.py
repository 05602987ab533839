"""Alerts when ICE's 287(g) list changes where someone campaigns or watches.

A list's change concerns a county (the agreement's county) or, for a state agency's agreement, its
whole state. It concerns:

- every campaign in that county (a city's campaign: the city's county too), and for a statewide
  agreement every campaign in the state: the campaign's timeline shows it (campaigns.selectors) and
  its team (lead and organizers) gets the email;
- whoever follows that county (a statewide agreement: anyone following a county of the state), or
  follows the state (every change in it).

Each person gets one email per list (an EmailDelivery keyed by user and list, so it goes out once
through the same claim-and-send as reminders), listing the changes that concern them, and their
digest carries the changes of the lists imported in its window.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jurisdictions.models import Agency, Follow, ListChange

from .models import Campaign, EmailDelivery, Membership

Kind = EmailDelivery.Kind
STATEWIDE = Agency.Kind.STATE_AGENCY
# An email lists at most this many changes, then links to the rest.
MAX_CHANGES = 40


@dataclass
class Scope:
    """The places whose changes concern someone."""

    counties: set = field(default_factory=set)  # counties (and cities) of their campaigns and follows
    county_states: set = field(default_factory=set)  # the states of those: a statewide agreement concerns them
    states: set = field(default_factory=set)  # states they follow: every change there
    every: bool = False  # staff and admins' digests: every change

    def concerns(self, change):
        if self.every or change.state_id in self.states:
            return True
        if change.jurisdiction_id is not None and change.jurisdiction_id in self.counties:
            return True
        return change.is_statewide and change.state_id in self.county_states


ORDER = ("snapshot__imported_at", "state__name", "jurisdiction__name", "kind", "pk")


def _changes(snapshot_ids=None, *, imported_between=None):
    """The changes of applied lists (these, or those imported in [start, end)), with what an email shows."""
    queryset = ListChange.objects.filter(snapshot__applied=True)
    if snapshot_ids is not None:
        queryset = queryset.filter(snapshot_id__in=snapshot_ids)
    if imported_between is not None:
        queryset = queryset.filter(
            snapshot__imported_at__gte=imported_between[0], snapshot__imported_at__lt=imported_between[1]
        )
    changes = list(
        queryset.select_related(
            "snapshot", "agreement__agency", "previous_agreement", "jurisdiction", "state"
        ).order_by(*ORDER)
    )
    for change in changes:
        change.is_statewide = change.agreement.agency.kind == STATEWIDE
    return changes


def scopes_of(user_ids):
    """{user id: Scope} from their campaigns (as lead or on the team) and the places they follow (three queries)."""
    scopes = {user_id: Scope() for user_id in user_ids}
    places = {}
    campaigns = Campaign.objects.filter(Q(lead_id__in=user_ids) | Q(memberships__user_id__in=user_ids)).distinct()
    for pk, lead_id, place, county, state_id in campaigns.values_list(
        "pk", "lead_id", "jurisdiction_id", "jurisdiction__parent_id", "jurisdiction__state_id"
    ):
        places[pk] = ({place, county} - {None}, state_id)
        if lead_id in scopes:
            scopes[lead_id].counties |= places[pk][0]
            scopes[lead_id].county_states.add(state_id)
    for user_id, campaign_id in Membership.objects.filter(
        user_id__in=user_ids, campaign_id__in=list(places)
    ).values_list("user_id", "campaign_id"):
        counties, state_id = places[campaign_id]
        scopes[user_id].counties |= counties
        scopes[user_id].county_states.add(state_id)
    for user_id, county, county_state, state_id in Follow.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "jurisdiction_id", "jurisdiction__state_id", "state_id"
    ):
        if county:
            scopes[user_id].counties.add(county)
            scopes[user_id].county_states.add(county_state)
        elif state_id:
            scopes[user_id].states.add(state_id)
    return scopes


def _concerned_users(changes):
    """Ids of the users some of these changes concern: campaign teams and followers (three queries)."""
    counties = {change.jurisdiction_id for change in changes} - {None}
    statewide = {change.state_id for change in changes if change.is_statewide}
    states = {change.state_id for change in changes}
    campaigns = Campaign.objects.filter(
        Q(jurisdiction_id__in=counties)
        | Q(jurisdiction__parent_id__in=counties)
        | Q(jurisdiction__state_id__in=statewide)
    )
    users = set(campaigns.exclude(lead=None).values_list("lead_id", flat=True))
    users |= set(Membership.objects.filter(campaign__in=campaigns).values_list("user_id", flat=True))
    users |= set(
        Follow.objects.filter(
            Q(jurisdiction_id__in=counties) | Q(jurisdiction__state_id__in=statewide) | Q(state_id__in=states)
        ).values_list("user_id", flat=True)
    )
    return users


def plan_list_alerts(*, snapshot_id, now=None):
    """Insert one alert email per person a list's changes concern; a second plan inserts nothing. Returns the ids
    of the rows still pending for this list."""
    now = now or timezone.now()
    with transaction.atomic():
        changes = _changes([snapshot_id])
        if not changes:
            return []
        User = get_user_model()
        users = (
            User.objects.filter(pk__in=_concerned_users(changes), is_active=True)
            .exclude(email="")
            .values_list("pk", flat=True)
        )
        EmailDelivery.objects.bulk_create(
            [EmailDelivery(kind=Kind.ALERT_287G, user_id=pk, snapshot_id=snapshot_id, created_at=now) for pk in users],
            ignore_conflicts=True,
            batch_size=500,
        )
        return list(
            EmailDelivery.objects.filter(
                kind=Kind.ALERT_287G, snapshot_id=snapshot_id, status=EmailDelivery.Status.PENDING
            ).values_list("pk", flat=True)
        )


def alert_contexts(rows, absolute_url):
    """{row pk: the email's context, or None when nothing on the list concerns the user any more}."""
    if not rows:
        return {}
    changes_by_list = defaultdict(list)
    for change in _changes({row.snapshot_id for row in rows}):
        changes_by_list[change.snapshot_id].append(change)
    scopes = scopes_of({row.user_id for row in rows})
    county_urls = {}
    contexts = {}
    for row in rows:
        scope = scopes.get(row.user_id, Scope())
        mine = [change for change in changes_by_list.get(row.snapshot_id, ()) if scope.concerns(change)]
        if not mine:
            contexts[row.pk] = None
            continue
        lines = []
        for change in mine[:MAX_CHANGES]:
            county = change.jurisdiction
            url = ""
            if county is not None:
                if county.pk not in county_urls:
                    county_urls[county.pk] = absolute_url(county.get_absolute_url() + "#agreements")
                url = county_urls[county.pk]
            lines.append((change, url))
        contexts[row.pk] = {
            "snapshot": row.snapshot,
            "lines": lines,
            "total": len(mine),
            "more": max(0, len(mine) - MAX_CHANGES),
            "follow_url": absolute_url(reverse("campaigns:notification-settings") + "#follows"),
        }
    return contexts


def digest_changes(recipients):
    """{user id: [changes]} of the lists imported in each recipient's window that concern them (four queries)."""
    recipients = list(recipients)
    if not recipients:
        return {}
    start = min(r.start for r in recipients)
    end = max(r.end for r in recipients)
    changes = _changes(imported_between=(start, end))
    if not changes:
        return {r.user.pk: [] for r in recipients}
    scopes = scopes_of({r.user.pk for r in recipients if r.campaign_ids is not None})
    picked = {}
    for r in recipients:
        scope = Scope(every=True) if r.campaign_ids is None else scopes.get(r.user.pk, Scope())
        picked[r.user.pk] = [
            change for change in changes if r.start <= change.snapshot.imported_at < r.end and scope.concerns(change)
        ]
    return picked
