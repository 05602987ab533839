"""The policy map page and its JSON: shape, query counts, the shared cache and who may see it."""

import datetime
import gzip
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jurisdictions import services
from jurisdictions.models import Dimension, Jurisdiction, LawEffect, PolicyLevel, PolicyValue, StateLaw
from jurisdictions.selectors import MAP_LEVELS, MODEL_287G_RANK
from tests import factories

pytestmark = pytest.mark.django_db

DATA_URL = reverse("jurisdictions:map-data")
PAGE_URL = reverse("jurisdictions:map")


@pytest.fixture(autouse=True)
def fresh_map_cache():
    # Only the map's key: the Redis used by the PostgreSQL runs is shared with the broker.
    cache.delete(services.MAP_CACHE_KEY)
    yield
    cache.delete(services.MAP_CACHE_KEY)


@pytest.fixture
def public_map(settings):
    settings.PUBLIC_MAP = True


@pytest.fixture
def private_map(settings):
    settings.PUBLIC_MAP = False


@pytest.fixture
def california(db):
    state = factories.StateFactory(postal="CA", fips="06", name="California")
    StateLaw.objects.create(state=state, title="SB 54 California Values Act", effect=LawEffect.LIMITS)
    services.states_refresh_floor(states=[state])
    state.refresh_from_db()
    return state


@pytest.fixture
def los_angeles(california):
    return factories.JurisdictionFactory(
        state=california,
        fips="06037",
        name="Los Angeles County",
        population=9_663_345,
        level=PolicyLevel.LIMITS_HOLDS,
        current_287g="task_force",
    )


def get_json(client, **headers):
    response = client.get(DATA_URL, **headers)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/json"
    return response, json.loads(response.content)


def make_counties(n):
    """n counties in two states, with a law on each state, as the map reads them."""
    states = [factories.StateFactory(postal=postal, fips=fips) for postal, fips in (("WA", "53"), ("OR", "41"))]
    for state in states:
        StateLaw.objects.create(state=state, title=f"{state.postal} law", effect=LawEffect.LIMITS)
    for i in range(n):
        state = states[i % 2]
        factories.JurisdictionFactory(state=state, fips=f"{state.fips}{i:03d}", level=MAP_LEVELS[i % len(MAP_LEVELS)])


def test_json_has_every_county_with_level_model_population_and_id(client, public_map, los_angeles):
    connecticut = factories.StateFactory(postal="CT", fips="09", name="Connecticut")
    fairfield = factories.JurisdictionFactory(state=connecticut, fips="09001", name="Fairfield County", is_legacy=True)
    factories.JurisdictionFactory(state=connecticut, fips="09110", name="Capitol Planning Region")

    _, data = get_json(client)

    assert set(data) == {"version", "columns", "levels", "models287g", "floors", "states", "counties"}
    assert data["columns"] == ["name", "level", "model287g", "population", "id", "legacy", "fourth_amendment_risk"]
    assert data["levels"] == [level.value for level in MAP_LEVELS]
    assert data["models287g"] == [model.value for model in MODEL_287G_RANK]
    assert set(data["counties"]) == {"06037", "09001", "09110"}
    name, level, model, population, pk, is_legacy, _risk = data["counties"]["06037"]
    assert (name, population, pk, is_legacy) == ("Los Angeles County", 9_663_345, los_angeles.pk, 0)
    assert data["levels"][level] == PolicyLevel.LIMITS_HOLDS
    assert data["models287g"][model] == "task_force"
    assert data["counties"]["09001"][4:6] == [fairfield.pk, 1]
    assert data["counties"]["09110"][1] == data["levels"].index("unknown")
    assert data["counties"]["09110"][2] == -1
    assert data["states"]["06"] == {
        "postal": "CA",
        "name": "California",
        "kind": "state",
        "floor": "limits",
        "laws": [["SB 54 California Values Act", "limits"]],
    }
    assert data["states"]["09"]["floor"] == ""


def test_json_leaves_out_cities(client, public_map, los_angeles):
    factories.JurisdictionFactory(
        state=los_angeles.state, kind=Jurisdiction.Kind.CITY, fips="0644000", parent=los_angeles
    )
    _, data = get_json(client)
    assert list(data["counties"]) == ["06037"]


@pytest.mark.parametrize("size", [2, 40])
def test_json_runs_the_same_three_queries_at_any_size(client, public_map, django_assert_num_queries, size):
    make_counties(size)
    with django_assert_num_queries(3):
        _, data = get_json(client)
    assert len(data["counties"]) == size


@pytest.mark.parametrize("size", [2, 40])
def test_signed_in_json_runs_only_the_maps_queries(client, organizer, django_assert_num_queries, size):
    make_counties(size)
    client.force_login(organizer)
    # The session, the user with their profile and roles, then the map's three.
    with django_assert_num_queries(5):
        get_json(client)


def test_signed_in_cached_json_reads_only_who_is_asking(client, private_map, organizer, los_angeles):
    client.force_login(organizer)
    get_json(client)
    with CaptureQueriesContext(connection) as queries:
        get_json(client)
    assert len(queries) == 2  # the session, the user with their profile and roles


def test_cached_json_runs_no_sql(client, public_map, los_angeles):
    first, _ = get_json(client)
    with CaptureQueriesContext(connection) as queries:
        second, _ = get_json(client)
    assert len(queries) == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_json_is_gzipped_when_the_client_accepts_it(client, public_map, los_angeles):
    plain, data = get_json(client)
    zipped = client.get(DATA_URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in zipped["Vary"]
    assert "Content-Encoding" not in plain


def test_json_answers_304_to_its_etag(client, public_map, los_angeles):
    first, _ = get_json(client)
    again = client.get(DATA_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_public_json_may_be_cached_by_anyone_for_a_minute(client, public_map, los_angeles):
    response, _ = get_json(client)
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]


def test_private_json_is_never_kept_by_shared_caches(client, private_map, organizer, los_angeles):
    client.force_login(organizer)
    response, _ = get_json(client)
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_new_policy_record_changes_the_next_json(
    client, public_map, staff, django_capture_on_commit_callbacks, california
):
    county = factories.JurisdictionFactory(state=california, fips="06075", name="San Francisco County")
    before, data = get_json(client)
    assert data["levels"][data["counties"]["06075"][1]] == PolicyLevel.UNKNOWN

    with django_capture_on_commit_callbacks(execute=True):
        services.policy_record_create(
            jurisdiction=county,
            dimension=Dimension.HOLDS,
            value=PolicyValue.HONORS_ALL,
            effective_date=datetime.date(2025, 1, 1),
            user=staff,
        )

    after, data = get_json(client)
    assert data["levels"][data["counties"]["06075"][1]] == PolicyLevel.COMPLIES
    assert after["ETag"] != before["ETag"]


# The shared cache: the map's JSON is kept under one key that a change to a place drops on commit.


def county_level(data, fips):
    return data["levels"][data["counties"][fips][1]]


def hold_all_holds(county, staff):
    services.policy_record_create(
        jurisdiction=county,
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_ALL,
        effective_date=datetime.date(2025, 1, 1),
        user=staff,
    )


@pytest.fixture
def san_francisco(california):
    return factories.JurisdictionFactory(state=california, fips="06075", name="San Francisco County")


def test_a_change_committed_in_another_process_reaches_this_one(
    client, public_map, san_francisco, django_capture_on_commit_callbacks
):
    _, data = get_json(client)
    assert county_level(data, "06075") == PolicyLevel.UNKNOWN
    # Another process changes the policy and, on commit, drops the shared copy.
    with django_capture_on_commit_callbacks(execute=True):
        Jurisdiction.objects.filter(pk=san_francisco.pk).update(level=PolicyLevel.COMPLIES)
        services.map_cache_clear()

    _, data = get_json(client)
    assert county_level(data, "06075") == PolicyLevel.COMPLIES


def test_an_admin_edit_of_a_county_shows_in_the_next_json(
    client, public_map, los_angeles, django_capture_on_commit_callbacks
):
    get_json(client)
    los_angeles.population = 1
    with django_capture_on_commit_callbacks(execute=True):
        los_angeles.save()  # as the admin saves it: no service, the model's signal drops the copy
    _, data = get_json(client)
    assert data["counties"]["06037"][3] == 1


def test_a_write_around_the_app_shows_once_the_copy_expires(client, public_map, los_angeles):
    get_json(client)
    Jurisdiction.objects.filter(pk=los_angeles.pk).update(population=1)  # SQL by hand: no signal
    _, data = get_json(client)
    assert data["counties"]["06037"][3] != 1
    cache.delete(services.MAP_CACHE_KEY)  # as the cache's timeout does, MAP_CACHE_SECONDS later
    _, data = get_json(client)
    assert data["counties"]["06037"][3] == 1


def test_the_json_is_built_for_each_request_while_the_cache_is_down(client, public_map, los_angeles, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response, data = get_json(client)
    assert "06037" in data["counties"]
    assert client.get(DATA_URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_clearing_the_key_makes_the_next_json_cold(client, public_map, los_angeles, django_assert_num_queries):
    get_json(client)
    cache.delete(services.MAP_CACHE_KEY)
    with django_assert_num_queries(3):
        get_json(client)


def test_a_cache_that_keeps_nothing_still_serves_a_current_map(
    client, public_map, staff, django_capture_on_commit_callbacks, san_francisco, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    _, data = get_json(client)
    assert county_level(data, "06075") == PolicyLevel.UNKNOWN
    with django_capture_on_commit_callbacks(execute=True):
        hold_all_holds(san_francisco, staff)
    _, data = get_json(client)
    assert county_level(data, "06075") == PolicyLevel.COMPLIES


def test_new_state_law_changes_the_floor_in_the_next_json(
    client, public_map, django_capture_on_commit_callbacks, los_angeles
):
    texas = factories.StateFactory(postal="TX", fips="48", name="Texas")
    factories.JurisdictionFactory(state=texas, fips="48201", name="Harris County")
    _, data = get_json(client)
    assert data["states"]["48"]["floor"] == ""

    with django_capture_on_commit_callbacks(execute=True):
        StateLaw.objects.create(state=texas, title="SB 4", effect=LawEffect.MANDATES)
        services.states_refresh_floor(states=[texas])

    _, data = get_json(client)
    assert data["states"]["48"]["floor"] == "mandates"
    assert data["states"]["48"]["laws"] == [["SB 4", "mandates"]]


def test_a_law_renamed_without_a_new_floor_shows_in_the_next_json(
    client, public_map, django_capture_on_commit_callbacks, los_angeles
):
    california = los_angeles.state
    law = StateLaw.objects.create(state=california, title="AB 450", effect=LawEffect.LIMITS)
    with django_capture_on_commit_callbacks(execute=True):
        services.states_refresh_floor(states=[california])
    _, data = get_json(client)
    assert ["AB 450", "limits"] in data["states"]["06"]["laws"]

    with django_capture_on_commit_callbacks(execute=True):
        StateLaw.objects.filter(pk=law.pk).update(title="Immigrant Worker Protection Act (AB 450)")
        assert services.states_refresh_floor(states=[california]) == 0  # the floor is the same

    _, data = get_json(client)
    laws = data["states"]["06"]["laws"]
    assert ["Immigrant Worker Protection Act (AB 450)", "limits"] in laws
    assert ["AB 450", "limits"] not in laws


def test_json_says_nothing_about_campaigns(client, public_map, los_angeles):
    factories.CampaignFactory(jurisdiction=los_angeles, name="Secret strategy to end holds", summary="Private notes")
    with CaptureQueriesContext(connection) as queries:
        response, data = get_json(client)
    assert not [q for q in queries if "campaigns_" in q["sql"]]
    assert b"Secret strategy" not in response.content
    assert b"Private notes" not in response.content
    assert len(data["counties"]["06037"]) == len(data["columns"])


# Who may see the map. Anonymous users without PUBLIC_MAP are sent to sign in, the JSON too
# (the page's script treats the login page it then gets as a failed load).


@pytest.mark.parametrize("url", [PAGE_URL, DATA_URL])
def test_anonymous_without_public_map_is_sent_to_sign_in(client, private_map, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={url}" in response["Location"]


@pytest.mark.parametrize("url", [PAGE_URL, DATA_URL])
def test_anonymous_with_public_map_sees_it(client, public_map, los_angeles, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["organizer", "staff", "admin"])
@pytest.mark.parametrize("url", [PAGE_URL, DATA_URL])
def test_every_role_sees_the_private_map(client, private_map, los_angeles, request, role, url):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == 200


def test_page_names_the_map_and_hands_its_script_the_urls_and_labels(client, public_map, los_angeles):
    response = client.get(PAGE_URL)
    html = response.content.decode()
    assert '<svg id="map-svg"' in html
    assert '<title id="map-svg-title">' in html
    assert '<desc id="map-svg-desc">' in html
    assert f'data-data-url="{DATA_URL}"' in html
    assert 'data-detail-url="/jurisdictions/0/"' in html
    strings = response.context["map_strings"]
    assert strings["levels"][PolicyLevel.COMPLIES] == str(PolicyLevel.COMPLIES.label)
    assert set(strings["models287g"]) == {model.value for model in MODEL_287G_RANK}
    assert 'id="map-strings"' in html
    for value, _label in response.context["levels"]:
        assert f'class="level-swatch level-{value}"' in html


def test_page_zooms_to_the_state_in_the_address_and_links_the_same_list(client, public_map, los_angeles):
    html = client.get(PAGE_URL, {"state": "ca"}).content.decode()
    assert '<option value="CA" data-fips="06" selected>' in html
    assert 'href="/jurisdictions/?state=CA"' in html


def test_page_ignores_an_unknown_state(client, public_map, los_angeles):
    response = client.get(PAGE_URL, {"state": "<script>"})
    assert response.status_code == 200
    assert response.context["selected_state"] == ""
    assert 'data-fips="06" selected' not in response.content.decode()


def test_page_leaves_territories_out_of_the_state_select(client, public_map, los_angeles):
    factories.StateFactory(postal="PR", fips="72", name="Puerto Rico", kind="territory")
    html = client.get(PAGE_URL).content.decode()
    assert 'value="CA"' in html
    assert 'value="PR"' not in html


@pytest.mark.parametrize("size", [2, 40])
def test_page_runs_the_same_queries_at_any_size(client, public_map, django_assert_num_queries, size):
    make_counties(size)
    # The states of the zoom select, the ICE list the 287(g) layer shows, the counties with sourced records.
    with django_assert_num_queries(3):
        assert client.get(PAGE_URL).status_code == 200
