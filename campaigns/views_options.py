"""What the campaign forms' search selects offer as you type (core.widgets.SearchSelect): counties and cities,
and people. JSON; a query that cannot be read (too long, a NUL byte) is a 400."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest

from core.widgets import OptionsQuery, matching, options_response
from jurisdictions.models import Jurisdiction

from .access import campaign_for_user, can_manage_campaigns
from .forms.common import person_label, staff_users, team_candidates


class JurisdictionQuery(OptionsQuery):
    state = forms.CharField(required=False, max_length=2)


@login_required
def jurisdiction_options(request):
    """Counties and cities with the words typed in their name, in the state given if one is (the campaign
    form's county). Staff and admins: only they create campaigns."""
    if not can_manage_campaigns(request.user):
        raise PermissionDenied
    query = JurisdictionQuery(request.GET)
    if not query.is_valid():
        return HttpResponseBadRequest()
    state = query.cleaned_data["state"].upper()
    jurisdictions = Jurisdiction.objects.only("pk", "name", "state__postal").select_related("state")
    if state:
        jurisdictions = jurisdictions.filter(state__postal=state)
    found = matching(jurisdictions.order_by("name", "pk"), query.cleaned_data["q"], "name", "short_name")
    # Without a state, the state tells apart the many counties of one name.
    return options_response((j.pk, j.name if state else f"{j.name}, {j.state.postal}") for j in found)


class PeopleQuery(OptionsQuery):
    among = forms.ChoiceField(choices=[("staff", "staff"), ("team", "team")], required=False)
    campaign = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


@login_required
def people_options(request):
    """People with the words typed in their name or username: staff members (a campaign's lead; anyone
    signed in may look for one, as the campaign lists' lead filter does), or with `among=team` anyone who
    may join a team (staff and admins only), without those already on `campaign`'s team."""
    query = PeopleQuery(request.GET)
    if not query.is_valid():
        return HttpResponseBadRequest()
    campaign = None
    if query.cleaned_data["campaign"]:
        campaign = campaign_for_user(request.user, query.cleaned_data["campaign"])
        if not campaign.user_can_add_team:
            raise PermissionDenied
    if query.cleaned_data["among"] == "team":
        if campaign is None and not can_manage_campaigns(request.user):
            raise PermissionDenied
        people = team_candidates(request.user, campaign)
    else:
        people = staff_users()
    if campaign is not None:
        people = people.exclude(campaign_memberships__campaign=campaign)
    people = people.only("pk", "username", "first_name", "last_name")
    found = matching(people, query.cleaned_data["q"], "first_name", "last_name", "username")
    return options_response((person.pk, person_label(person)) for person in found)
