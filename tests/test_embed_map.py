"""The embeddable public map: who gets it, the frame-ancestors policy that replaces X-Frame-Options, no campaign
data, its language, and the snippet the map page offers to copy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

EMBED = reverse("embed-map")
MAP = reverse("jurisdictions:map")
ROLES = [None, "organizer", "other_organizer", "staff", "admin"]


@pytest.fixture
def public_map(settings):
    settings.PUBLIC_MAP = True


@pytest.fixture
def private_map(settings):
    settings.PUBLIC_MAP = False


@pytest.fixture
def county(db):
    state = factories.StateFactory(postal="CA", fips="06", name="California")
    return factories.JurisdictionFactory(state=state, fips="06037", name="Los Angeles County")


def as_role(client, request, role):
    if role:
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_without_a_public_map_there_is_no_embed_for_anyone(client, request, private_map, county, role):
    assert as_role(client, request, role).get(EMBED).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_with_a_public_map_everyone_gets_the_embed(client, request, public_map, county, role):
    response = as_role(client, request, role).get(EMBED)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-embed="1"' in body and 'id="map-svg"' in body
    assert 'class="map-legend"' in body and 'id="map-details"' in body
    assert 'class="navbar' not in body and "<footer" not in body  # chromeless
    assert "Sign in" not in body and "csrfmiddlewaretoken" not in body


def _frame_ancestors(response):
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    (directive,) = [part for part in directives if part.startswith("frame-ancestors")]
    return directive


def test_nobody_may_frame_it_by_default(client, public_map, county, settings):
    settings.EMBED_ALLOWED_ORIGINS = []
    response = client.get(EMBED)
    assert _frame_ancestors(response) == "frame-ancestors 'none'"
    assert "script-src 'self'" in response["Content-Security-Policy"]  # the site's policy, framing aside
    assert "X-Frame-Options" not in response


def test_the_allowed_origins_may_frame_it_and_bad_entries_are_left_out(client, public_map, county, settings):
    settings.EMBED_ALLOWED_ORIGINS = [
        "https://rights.example.org/",
        "http://127.0.0.1:8081",
        "https://*.coalition.example.net",
        "https://evil.example.org; script-src *",
        "javascript:alert(1)",
    ]
    response = client.get(EMBED)
    assert _frame_ancestors(response) == (
        "frame-ancestors https://rights.example.org http://127.0.0.1:8081 https://*.coalition.example.net"
    )
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize("url", [MAP, reverse("jurisdictions:list")])
def test_every_other_page_still_refuses_to_be_framed(client, public_map, county, settings, url):
    settings.EMBED_ALLOWED_ORIGINS = ["https://rights.example.org"]
    response = client.get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(response) == "frame-ancestors 'none'"


def test_the_embed_shows_nothing_about_campaigns(client, public_map, county, organizer):
    campaign = factories.CampaignFactory(jurisdiction=county, name="Secret strategy", summary="Private notes")
    factories.MembershipFactory(campaign=campaign, user=organizer)
    client.force_login(organizer)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(EMBED).content.decode()
    assert "Secret strategy" not in body and "Private notes" not in body
    assert not [q for q in queries if "campaigns_" in q["sql"]]
    assert reverse("campaigns:in-jurisdiction", args=[county.pk]) not in body


def test_links_leave_the_frame(client, public_map, county):
    body = client.get(EMBED).content.decode()
    assert '<base target="_blank">' in body
    assert 'id="embed-full-map"' in body and "http://testserver/jurisdictions/map/" in body


@pytest.mark.parametrize(("query", "word"), [("?lang=es", "Leyenda"), ("?lang=xx", "Legend"), ("", "Legend")])
def test_the_language_comes_from_the_address(client, public_map, county, query, word):
    response = client.get(EMBED + query)
    assert word in response.content.decode()
    assert response["Content-Language"] == ("es" if query == "?lang=es" else "en")


def test_the_embed_opens_on_the_state_in_its_address(client, public_map, county):
    assert '<option value="CA" data-fips="06" selected>' in client.get(EMBED, {"state": "ca"}).content.decode()


def test_the_embed_may_be_kept_by_shared_caches_for_five_minutes(client, public_map, county):
    assert client.get(EMBED)["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("size", [2, 20])
def test_the_embed_runs_the_same_three_queries_at_any_size(client, public_map, django_assert_num_queries, size):
    for i in range(size):
        factories.JurisdictionFactory(state=factories.StateFactory(), fips=f"{i:05d}")
    # The states of the zoom select, the ICE list the 287(g) layer shows and the counties with sourced
    # records; the counties themselves come as the map JSON.
    with django_assert_num_queries(3):
        assert client.get(EMBED).status_code == 200


# --- the snippet on the map page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_public_map_page_offers_the_snippet(client, request, public_map, county, settings, role):
    settings.EMBED_ALLOWED_ORIGINS = ["https://rights.example.org"]
    body = as_role(client, request, role).get(MAP).content.decode()
    assert "&lt;iframe src=&quot;http://testserver/embed/map/&quot;" in body
    assert 'id="embed-copy"' in body
    assert "Sites allowed to frame it: https://rights.example.org" in body


def test_the_snippet_says_when_no_site_is_allowed_yet(client, public_map, county, settings):
    settings.EMBED_ALLOWED_ORIGINS = []
    assert "No site may frame it yet" in client.get(MAP).content.decode()


@pytest.mark.parametrize("role", ["organizer", "staff", "admin"])
def test_a_private_map_page_says_the_map_must_be_public_first(client, request, private_map, county, role):
    body = as_role(client, request, role).get(MAP).content.decode()
    assert "&lt;iframe" not in body
    assert 'id="embed-private"' in body


def test_the_snippet_is_in_spanish(client, public_map, county):
    body = client.get(MAP, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Ponga este mapa en su sitio" in body
