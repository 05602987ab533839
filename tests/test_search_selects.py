"""Selects among many rows search as you type (core.widgets.SearchSelect): the page draws the chosen options alone,
a JSON endpoint answers what is typed with what the user may see, and the form still accepts any valid row and
refuses anything else with an error."""

import re

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, Goal
from core import roles
from core.widgets import OPTIONS_LIMIT, SearchSelect, SearchSelectMultiple
from jurisdictions.models import Jurisdiction
from resources.models import Resource
from tests import factories as f

pytestmark = pytest.mark.django_db

User = get_user_model()
COUNTIES = reverse("campaigns:jurisdiction-options")
PEOPLE = reverse("campaigns:people-options")
RESOURCES = reverse("resources:options")


def options(content, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', content, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def results(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [(row["value"], row["text"]) for row in response.json()["results"]]


# --- the widget ----------------------------------------------------------------------------------


# An id beyond 64 bits is "no such row" on PostgreSQL; SQLite cannot even bind it (OverflowError in the lookup).
beyond_64_bits = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite cannot bind an integer beyond 64 bits",
)


class PlaceForm(forms.Form):
    place = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.order_by("name"), widget=SearchSelect("campaigns:jurisdiction-options")
    )
    places = forms.ModelMultipleChoiceField(
        queryset=Jurisdiction.objects.order_by("name"),
        required=False,
        widget=SearchSelectMultiple("campaigns:jurisdiction-options", params={"state": "QX"}),
    )


def test_a_search_select_draws_the_chosen_options_alone():
    places = [f.JurisdictionFactory(name=f"County {i:02d}") for i in range(30)]
    html = str(PlaceForm(initial={"place": places[3].pk, "places": [places[5], places[7]]}))
    assert options(html, "place") == [("", "---------"), (str(places[3].pk), str(places[3]))]
    assert options(html, "places") == [(str(places[5].pk), str(places[5])), (str(places[7].pk), str(places[7]))]
    assert 'data-search-url="/campaigns/jurisdiction-options/"' in html
    assert 'data-search-url="/campaigns/jurisdiction-options/?state=QX"' in html
    assert 'data-placeholder="Type to search"' in html  # the multiple select, which has no empty option


def test_a_search_select_with_nothing_chosen_reads_no_rows():
    f.JurisdictionFactory()
    with CaptureQueriesContext(connection) as ctx:
        html = str(PlaceForm())
    assert not ctx.captured_queries
    assert options(html, "place") == [("", "---------")]


@pytest.mark.parametrize(
    "junk", ["abc", "\x00", "1\x00", pytest.param("99999999999999999999999", marks=beyond_64_bits), "-1", ""]
)
def test_junk_sent_to_a_search_select_is_an_error_drawn_without_options(junk):
    f.JurisdictionFactory()
    form = PlaceForm(data={"place": junk, "places": [junk]})
    assert not form.is_valid()
    assert "place" in form.errors
    html = str(form)
    assert options(html, "place") == [("", "---------")]
    assert options(html, "places") == []


def test_each_form_keeps_its_own_endpoint_parameters(staff):
    first, second = f.CampaignFactory(), f.CampaignFactory()
    from campaigns.forms import MemberForm

    first_html = str(MemberForm(campaign=first, user=staff))
    second_html = str(MemberForm(campaign=second, user=staff))
    assert f"campaign={first.pk}" in first_html and f"campaign={second.pk}" not in first_html
    assert f"campaign={second.pk}" in second_html
    assert "campaign=" not in str(MemberForm.base_fields["user"].widget.params)


# --- the campaign form ---------------------------------------------------------------------------


def test_the_new_campaign_page_offers_no_counties_until_searched(client, staff):
    state = f.StateFactory(postal="QX", name="Quebec X")
    for i in range(40):
        f.JurisdictionFactory(state=state, name=f"County {i}")
    client.force_login(staff)
    content = client.get(reverse("campaigns:new"), {"state": "QX"}).content.decode()
    assert options(content, "jurisdiction") == [("", "---------")]
    assert options(content, "lead") == [("", "---------")]
    assert options(content, "organizers") == []
    select = re.search(r'<select name="jurisdiction"[^>]*>', content).group(0)
    assert 'data-search-url="/campaigns/jurisdiction-options/"' in select
    assert 'data-search-depends="id_state"' in select
    assert "vendor/tom-select/tom-select.complete.min.js" in content
    assert "js/search-select.js" in content


def test_a_county_typed_wrong_comes_back_chosen_with_the_error(client, staff):
    place = f.JurisdictionFactory(name="Kappa County")
    client.force_login(staff)
    data = {"name": "", "state": place.state.postal, "jurisdiction": place.pk, "goal": Goal.END_HOLDS}
    content = client.post(reverse("campaigns:new"), {**data, "started_on": "2026-11-01"}).content.decode()
    assert options(content, "jurisdiction") == [("", "---------"), (str(place.pk), "Kappa County")]
    assert f'<option value="{place.pk}" selected>Kappa County</option>' in content


def test_any_county_of_the_state_is_accepted_whatever_the_page_offered(client, staff, organizer):
    state = f.StateFactory(postal="QX", name="Quebec X")
    places = [f.JurisdictionFactory(state=state, name=f"County {i:02d}") for i in range(OPTIONS_LIMIT + 5)]
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:new"),
        {
            "name": "Last county",
            "state": "QX",
            "jurisdiction": places[-1].pk,
            "goal": Goal.END_HOLDS,
            "lead": staff.pk,
            "organizers": [organizer.pk],
            "started_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    assert Campaign.objects.get().jurisdiction == places[-1]


def test_the_edit_page_shows_the_chosen_lead_alone(client, staff):
    f.UserFactory(role=roles.STAFF, username="other-staff")
    campaign = f.CampaignFactory(lead=staff)
    client.force_login(staff)
    content = client.get(reverse("campaigns:edit", args=[campaign.pk])).content.decode()
    assert options(content, "lead") == [("", "---------"), (str(staff.pk), f"{staff.get_full_name()} (staff)")]


def test_the_team_page_searches_for_people_not_on_the_team(client, staff, organizer):
    campaign = f.CampaignFactory()
    client.force_login(staff)
    content = client.get(reverse("campaigns:team", args=[campaign.pk])).content.decode()
    assert options(content, "user") == [("", "---------")]
    assert f'data-search-url="/campaigns/people-options/?among=team&amp;campaign={campaign.pk}"' in content
    response = client.post(reverse("campaigns:team", args=[campaign.pk]), {"user": organizer.pk, "role": "organizer"})
    assert response.status_code == 302
    assert campaign.memberships.filter(user=organizer).exists()
    # Once on the team, they are neither offered nor accepted again.
    assert str(organizer.pk) not in dict(results(client.get(PEOPLE, {"among": "team", "campaign": campaign.pk})))
    response = client.post(reverse("campaigns:team", args=[campaign.pk]), {"user": organizer.pk, "role": "organizer"})
    assert response.status_code == 200 and response.context["form"].errors["user"]


# --- who may ask what ----------------------------------------------------------------------------


ENDPOINTS = [
    # url, params, status for an organizer
    (COUNTIES, {"q": "a"}, 403),
    (PEOPLE, {"q": "a"}, 200),  # the leads: the campaign lists' lead filter is everyone's
    (PEOPLE, {"q": "a", "among": "team"}, 403),
    (RESOURCES, {"q": "a"}, 403),
]


@pytest.mark.parametrize(("url", "params", "organizer_status"), ENDPOINTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url, params, organizer_status):
    response = client.get(url, params)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("url", "params", "organizer_status"), ENDPOINTS)
def test_organizers_may_look_for_a_lead_only(client, organizer, url, params, organizer_status):
    client.force_login(organizer)
    assert client.get(url, params).status_code == organizer_status


@pytest.mark.parametrize(("url", "params", "organizer_status"), ENDPOINTS)
@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_may_ask_every_endpoint(client, request, role, url, params, organizer_status):
    client.force_login(request.getfixturevalue(role))
    results(client.get(url, params))


def test_an_organizer_may_not_search_the_team_of_a_campaign(client, organizer):
    campaign = f.CampaignFactory()
    f.MembershipFactory(campaign=campaign, user=organizer)
    client.force_login(organizer)
    assert client.get(PEOPLE, {"campaign": campaign.pk}).status_code == 403
    other = f.CampaignFactory()
    assert client.get(PEOPLE, {"campaign": other.pk}).status_code == 404


# --- what they answer ----------------------------------------------------------------------------


def test_counties_are_found_by_any_part_of_their_name_in_the_state_given(client, staff):
    texas, ohio = f.StateFactory(postal="QT", name="Q Texas"), f.StateFactory(postal="QO", name="Q Ohio")
    travis = f.JurisdictionFactory(state=texas, name="Travis County")
    f.JurisdictionFactory(state=texas, name="Harris County")
    grand = f.JurisdictionFactory(state=ohio, name="Grand Traverse County")
    client.force_login(staff)
    assert results(client.get(COUNTIES, {"q": "trav", "state": "QT"})) == [(str(travis.pk), "Travis County")]
    # Without a state, each name says its state; those that start with the words come first.
    assert results(client.get(COUNTIES, {"q": "TRAV"})) == [
        (str(travis.pk), "Travis County, QT"),
        (str(grand.pk), "Grand Traverse County, QO"),
    ]
    # Every word must be in the name, in any order.
    assert set(results(client.get(COUNTIES, {"q": "county trav"}))) == set(results(client.get(COUNTIES, {"q": "trav"})))
    assert results(client.get(COUNTIES, {"q": "trav harris"})) == []
    assert results(client.get(COUNTIES, {"q": "nowhere"})) == []
    assert results(client.get(COUNTIES, {"q": "trav", "state": "ZZ"})) == []


def test_at_most_a_page_of_options_is_sent(client, staff):
    state = f.StateFactory(postal="QX", name="Quebec X")
    for i in range(OPTIONS_LIMIT + 10):
        f.JurisdictionFactory(state=state, name=f"County {i:02d}")
    client.force_login(staff)
    found = results(client.get(COUNTIES, {"q": "", "state": "QX"}))
    assert [text for _value, text in found] == [f"County {i:02d}" for i in range(OPTIONS_LIMIT)]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (COUNTIES, {"q": "\x00"}),
        (COUNTIES, {"q": "a" * 101}),
        (COUNTIES, {"state": "TEXAS"}),
        (COUNTIES, {"state": "T\x00"}),
        (PEOPLE, {"q": "ana\x00"}),
        (PEOPLE, {"among": "everyone"}),
        (PEOPLE, {"campaign": "x"}),
        (PEOPLE, {"campaign": "99999999999999999999999"}),
        (RESOURCES, {"q": "\x00"}),
        (RESOURCES, {"exclude": "1 OR 1=1"}),
    ],
)
def test_a_query_that_cannot_be_read_is_a_bad_request(client, staff, url, params):
    client.force_login(staff)
    assert client.get(url, params).status_code == 400


@pytest.mark.parametrize("url", [COUNTIES, PEOPLE, RESOURCES])
def test_words_that_match_nothing_find_nothing(client, staff, url):
    f.JurisdictionFactory(name="Lambda County")
    f.ResourceFactory(title="Lambda guide")
    client.force_login(staff)
    assert results(client.get(url, {"q": "'; DROP TABLE x; -- %_"})) == []


def test_people_are_found_by_first_name_last_name_or_username(client, staff):
    staff.first_name, staff.last_name = "Sam", "Lee"  # a made-up name of the fixture could contain "ana"
    staff.save()
    ana = f.UserFactory(role=roles.STAFF, first_name="Ana", last_name="Ruiz", username="aruiz")
    f.UserFactory(role=roles.ORGANIZER, first_name="Anabel", last_name="Soto", username="asoto")
    gone = f.UserFactory(role=roles.STAFF, first_name="Ana", last_name="Gone", username="agone", is_active=False)
    client.force_login(staff)
    assert results(client.get(PEOPLE, {"q": "ana"})) == [(str(ana.pk), "Ana Ruiz (aruiz)")]
    assert results(client.get(PEOPLE, {"q": "ana ru"})) == [(str(ana.pk), "Ana Ruiz (aruiz)")]
    assert results(client.get(PEOPLE, {"q": "aruiz"})) == [(str(ana.pk), "Ana Ruiz (aruiz)")]
    team = dict(results(client.get(PEOPLE, {"q": "ana", "among": "team"})))
    assert set(team.values()) == {"Ana Ruiz (aruiz)", "Anabel Soto (asoto)"}
    assert str(gone.pk) not in team


def test_resources_are_found_by_title_without_the_one_edited(client, staff):
    edited = f.ResourceFactory(title="Detainer advisory 2024")
    older = f.ResourceFactory(title="Detainer advisory 2016")
    f.ResourceFactory(title="Detainer advisory draft", status=Resource.Status.SUGGESTED)
    client.force_login(staff)
    found = results(client.get(RESOURCES, {"q": "detainer", "exclude": edited.pk}))
    assert [value for value, _text in found] == [str(older.pk)]
    assert found[0][1].startswith("Detainer advisory 2016 (English, ")
    content = client.get(reverse("resources:edit", args=[edited.pk])).content.decode()
    assert options(content, "supersedes") == [("", "---------")]
    assert f'data-search-url="/resources/options/?exclude={edited.pk}"' in content


# --- queries -------------------------------------------------------------------------------------


def _count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        results(client.get(url, params))
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "params", "make"),
    [
        (COUNTIES, {"q": "county"}, lambda i: f.JurisdictionFactory(name=f"County {i}")),
        (COUNTIES, {"q": "", "state": "QX"}, lambda i: f.JurisdictionFactory(state=f.StateFactory(postal="QX"))),
        (PEOPLE, {"q": ""}, lambda i: f.UserFactory(role=roles.STAFF)),
        (PEOPLE, {"q": "", "among": "team"}, lambda i: f.UserFactory(role=roles.ORGANIZER)),
        (RESOURCES, {"q": "guide"}, lambda i: f.ResourceFactory(title=f"Guide {i}")),
    ],
)
def test_queries_do_not_grow_with_rows(client, admin, url, params, make):
    client.force_login(admin)
    for i in range(2):
        make(i)
    small = _count(client, url, params)
    for i in range(2, 30):
        make(i)
    assert _count(client, url, params) == small
