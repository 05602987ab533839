"""The jurisdiction list, the county page and the library list after writes and between readers.

For each: a write to what it shows is on the next request, each reader sees what they may see whoever
read it before, and the page in Spanish is in Spanish.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Membership
from jurisdictions import services as jurisdiction_services
from jurisdictions.models import PolicyRecord, StateLaw
from resources import services as resource_services
from tests import factories

pytestmark = pytest.mark.django_db

JURISDICTIONS = reverse("jurisdictions:list")
RESOURCES = reverse("resources:list")


def get(client, url, data=None):
    """(response, its HTML with the CSRF token masked, [SQL of its queries])."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200, response.status_code
    # A CSRF token is masked anew on every request.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', response.content.decode())
    return response, html, [query["sql"] for query in queries.captured_queries]


def sort_and_page_links(html):
    """The page's links to other orders, pages and filters of the list: the list's own parameters, never
    another address's extras (the export links are for the request's own query string)."""
    return re.findall(r'href="(\?[^"]*)"', html)


def reading(queries, table):
    return [sql for sql in queries if f'"{table}"' in sql]


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def california(db):
    state = factories.StateFactory(name="California", postal="CA", fips="06")
    StateLaw.objects.create(state=state, title="California Values Act", effect="limits", enacted_year=2017)
    jurisdiction_services.states_refresh_floor(states=[state])
    return state


@pytest.fixture
def county(california):
    return factories.JurisdictionFactory(state=california, name="Alameda County", fips="06001", population=1622188)


@pytest.fixture
def county_page(county, staff):
    jurisdiction_services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_some",
        effective_date=datetime.date(2019, 5, 1),
        user=staff,
        source_url="https://example.org/policy",
        note="Sheriff's memo.",
    )
    factories.AgencyFactory(jurisdiction=county, name="Alameda County Sheriff's Office")
    return county.get_absolute_url()


# --- the jurisdiction list ------------------------------------------------------------------------


def test_jurisdiction_list_shows_a_policy_change_on_the_next_request(client, staff, county):
    client = as_user(client, staff)
    get(client, JURISDICTIONS)
    _response, cached, _queries = get(client, JURISDICTIONS)
    assert "level-unknown" in cached
    jurisdiction_services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_all",
        effective_date=datetime.date(2024, 3, 5),
        user=staff,
        source_url="https://example.org/policy",
    )
    _response, html, _queries = get(client, JURISDICTIONS)
    assert "level-complies" in html and "level-unknown" not in html


def test_jurisdiction_list_shows_a_level_refreshed_after_a_write_that_sent_no_signal(client, staff, county):
    jurisdiction_services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_all",
        effective_date=datetime.date(2024, 3, 5),
        user=staff,
        source_url="https://example.org/policy",
    )
    client = as_user(client, staff)
    get(client, JURISDICTIONS)
    assert "level-complies" in get(client, JURISDICTIONS)[1]
    PolicyRecord.objects.filter(jurisdiction=county).update(value="honors_some")  # no signal
    jurisdiction_services.jurisdictions_refresh_policy(jurisdiction_ids=[county.pk])  # a bulk_update
    html = get(client, JURISDICTIONS)[1]
    assert "level-limits_holds" in html and "level-complies" not in html


def test_jurisdiction_list_shows_a_state_floor_refreshed_after_a_write_that_sent_no_signal(
    client, staff, california, county
):
    client = as_user(client, staff)
    get(client, JURISDICTIONS)
    assert "floor-limits" in get(client, JURISDICTIONS)[1]
    StateLaw.objects.filter(state=california).update(effect="mandates")  # no signal
    jurisdiction_services.states_refresh_floor(states=[california])  # a bulk_update
    html = get(client, JURISDICTIONS)[1]
    assert "floor-mandates" in html and "floor-limits" not in html


def test_jurisdiction_list_page_around_the_list_is_each_readers_own(client, staff, organizer, county):
    staff.first_name, staff.last_name = "Stella", "Staffer"
    staff.save()
    _response, staff_html, _queries = get(as_user(client, staff), JURISDICTIONS)
    _response, organizer_html, queries = get(as_user(client, organizer), JURISDICTIONS)
    assert "Alameda County" in organizer_html
    assert "Stella Staffer" in staff_html and "Stella Staffer" not in organizer_html
    assert 'data-role="Organizer"' in organizer_html and 'data-role="Staff"' not in organizer_html


def test_jurisdiction_list_of_a_public_visitor_is_read_fresh(client, settings, staff, county):
    settings.PUBLIC_MAP = True
    get(as_user(client, staff), JURISDICTIONS)
    client.logout()
    _response, _html, first = get(client, JURISDICTIONS)
    _response, html, second = get(client, JURISDICTIONS)
    assert reading(first, "jurisdictions_jurisdiction") and reading(second, "jurisdictions_jurisdiction")
    assert "Alameda County" in html


def test_jurisdiction_list_with_filters_it_cannot_read_answers_400(client, staff, county):
    client = as_user(client, staff)
    for _ in range(2):
        response = client.get(JURISDICTIONS, {"population_min": "lots"})
        assert response.status_code == 400
        assert "Some filters could not be read" in response.content.decode()


# --- the county page --------------------------------------------------------------------------------


def test_county_page_shows_a_policy_record_added_by_the_service_on_the_next_request(client, staff, county_page):
    client = as_user(client, staff)
    get(client, county_page)
    assert "Honors some" in get(client, county_page)[1]
    county = PolicyRecord.objects.get().jurisdiction
    jurisdiction_services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_none",
        effective_date=datetime.date(2024, 1, 1),
        user=staff,
        source_url="https://example.org/resolution",
        note="Board resolution 2024-1.",
    )
    html = get(client, county_page)[1]
    assert "Board resolution 2024-1." in html and "Honors none" in html


def test_county_page_shows_an_agency_saved_through_the_orm_on_the_next_request(client, staff, county, county_page):
    client = as_user(client, staff)
    get(client, county_page)
    assert "Oakland Police Department" not in get(client, county_page)[1]
    factories.AgencyFactory(jurisdiction=county, name="Oakland Police Department")
    assert "Oakland Police Department" in get(client, county_page)[1]


def test_county_page_shows_a_renamed_author_on_the_next_request(client, staff, county_page):
    client = as_user(client, staff)
    get(client, county_page)
    assert f"Entered by {staff.get_full_name()}" in get(client, county_page)[1]
    staff.first_name, staff.last_name = "Renamed", "Person"
    staff.save()
    assert "Entered by Renamed Person" in get(client, county_page)[1]


def test_county_page_buttons_are_staffs_alone_whoever_was_cached_first(client, staff, organizer, county_page):
    organizer_first = get(as_user(client, organizer), county_page)[1]
    staff_html = get(as_user(client, staff), county_page)[1]
    organizer_again = get(as_user(client, organizer), county_page)[1]
    assert 'id="add-policy-record"' in staff_html
    assert 'id="add-policy-record"' not in organizer_first
    assert 'id="add-policy-record"' not in organizer_again


def test_county_page_campaigns_are_each_readers_own(client, staff, organizer, other_organizer, county, county_page):
    ours = factories.CampaignFactory(jurisdiction=county, name="End holds in Alameda")
    factories.MembershipFactory(campaign=ours, user=organizer)
    theirs = factories.CampaignFactory(jurisdiction=county, name="Jail access campaign")
    factories.MembershipFactory(campaign=theirs, user=other_organizer)
    here = reverse("campaigns:in-jurisdiction", args=[county.pk])
    staff_html = get(as_user(client, staff), here)[1]
    organizer_html = get(as_user(client, organizer), here)[1]
    other_html = get(as_user(client, other_organizer), here)[1]
    assert "End holds in Alameda" in staff_html and "Jail access campaign" in staff_html
    assert "End holds in Alameda" in organizer_html and "Jail access campaign" not in organizer_html
    assert "Jail access campaign" in other_html and "End holds in Alameda" not in other_html
    # Joining a campaign shows it on the next request.
    Membership.objects.create(campaign=theirs, user=organizer)
    assert "Jail access campaign" in get(as_user(client, organizer), here)[1]


def test_county_page_names_no_one_and_no_campaign_to_the_public_after_staff_read_it(
    client, settings, staff, county, county_page
):
    settings.PUBLIC_MAP = True
    factories.CampaignFactory(jurisdiction=county, name="End holds in Alameda")
    staff_html = get(as_user(client, staff), county_page)[1]
    client.logout()
    public = get(client, county_page)[1]
    assert staff.get_full_name() in staff_html
    assert reverse("campaigns:in-jurisdiction", args=[county.pk]) in staff_html
    assert "Sheriff&#x27;s memo." in public
    assert staff.get_full_name() not in public and "End holds in Alameda" not in public
    assert 'id="add-policy-record"' not in public


def test_county_page_of_no_jurisdiction_is_404_after_a_real_one(client, staff, county, county_page):
    client = as_user(client, staff)
    get(client, county_page)
    assert client.get(reverse("jurisdictions:detail", args=[county.pk + 1000])).status_code == 404


# --- the library list -------------------------------------------------------------------------------


@pytest.fixture
def library(db):
    factories.ResourceFactory(title="Detainer basics", summary="What an ICE detainer asks of a jail.")
    factories.ResourceFactory(title="Sanctuary FAQ", summary="Questions about local policy.")


SEARCH = {"q": "detainer"}


def test_resource_search_shows_a_resource_added_and_changed_by_the_services_on_the_next_request(
    client, organizer, staff, library
):
    client = as_user(client, organizer)
    get(client, RESOURCES, SEARCH)
    assert "Holds and detainers explained" not in get(client, RESOURCES, SEARCH)[1]
    resource = resource_services.resource_create(
        user=staff,
        title="Holds and detainers explained",
        kind="fact_sheet",
        summary="How a detainer differs from a warrant.",
        published_on=datetime.date(2024, 6, 1),
        language="en",
        url="https://example.org/holds",
        audiences=["advocates"],
    )
    html = get(client, RESOURCES, SEARCH)[1]
    assert "Holds and detainers explained" in html
    resource_services.resource_update(resource=resource, user=staff, title="Detainers, explained again")
    html = get(client, RESOURCES, SEARCH)[1]
    assert "Detainers, explained again" in html and "Holds and detainers explained" not in html


def test_resource_search_for_staff_and_organizers_each_their_own_whoever_was_cached_first(
    client, organizer, staff, library
):
    resource_services.resource_suggest(
        user=organizer,
        title="My detainer checklist",
        kind="fact_sheet",
        summary="A detainer checklist.",
        published_on=datetime.date(2024, 6, 1),
        language="en",
        url="https://example.org/checklist",
    )
    organizer_first = get(as_user(client, organizer), RESOURCES, SEARCH)[1]
    staff_html = get(as_user(client, staff), RESOURCES, SEARCH)[1]
    organizer_again = get(as_user(client, organizer), RESOURCES, SEARCH)[1]
    add = reverse("resources:new")
    assert add in staff_html and '<span class="badge text-bg-warning">1</span>' in staff_html
    for html in (organizer_first, organizer_again):
        assert add not in html and reverse("resources:suggest") in html
        assert "My detainer checklist" not in html  # a suggestion is not in the library
    assert organizer_again == organizer_first


def test_resource_search_waiting_count_follows_suggestions(client, organizer, staff, library):
    client = as_user(client, staff)
    get(client, RESOURCES, SEARCH)
    assert "text-bg-warning" not in get(client, RESOURCES, SEARCH)[1]
    resource_services.resource_suggest(
        user=organizer,
        title="A suggestion",
        kind="fact_sheet",
        published_on=datetime.date(2024, 6, 1),
        language="en",
        url="https://example.org/suggestion",
    )
    assert '<span class="badge text-bg-warning">1</span>' in get(client, RESOURCES, SEARCH)[1]


def test_resource_search_of_a_public_visitor_is_public_resources_only_and_never_kept(client, organizer, library):
    factories.ResourceFactory(title="Public detainer sheet", summary="A detainer explained.", is_public=True)
    get(as_user(client, organizer), RESOURCES, SEARCH)
    client.logout()
    _response, _html, first = get(client, RESOURCES, SEARCH)
    _response, html, second = get(client, RESOURCES, SEARCH)
    assert "Public detainer sheet" in html and "Detainer basics" not in html
    assert reading(first, "resources_resource") and reading(second, "resources_resource")


# --- what the three pages share ---------------------------------------------------------------------


@pytest.fixture
def page(request, staff, organizer):
    """(reader, url, query) of the page named by the test's parameter, with its data."""
    name = request.param
    if name == "jurisdiction list":
        request.getfixturevalue("county")
        return staff, JURISDICTIONS, None
    if name == "county page":
        return staff, request.getfixturevalue("county_page"), None
    request.getfixturevalue("library")
    return organizer, RESOURCES, SEARCH


# page: (English words, Spanish words)
WORDS = {
    "jurisdiction list": ((">Jurisdictions<", "1,622,188"), (">Jurisdicciones<", "1\xa0622\xa0188")),
    "county page": (
        ("Add policy record", "Public-records law"),
        ("Agregar registro de política", "Ley de registros públicos"),
    ),
    "resource search": (("Resource library",), ("Biblioteca de recursos",)),
}


@pytest.mark.parametrize("page", list(WORDS), indirect=True)
def test_page_in_spanish_is_in_spanish(client, page, request):
    reader, url, query = page
    english_words, spanish_words = WORDS[request.node.callspec.params["page"]]
    client = as_user(client, reader)
    get(client, url, query)
    english = get(client, url, query)[1]
    client.cookies["django_language"] = "es"
    spanish = get(client, url, query)[1]
    assert all(word in english for word in english_words)
    assert all(word in spanish for word in spanish_words)
    assert not any(word in english for word in spanish_words)
