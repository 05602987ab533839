"""Open data: /jurisdictions/export.csv and .geojson read back with the standard library, who may get them,
what they say about each county (sources, dates, demo data), and a query count that does not grow."""

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jurisdictions import open_data, services
from jurisdictions.models import Dimension, LawEffect, PolicyRecord, PolicyValue, StateLaw
from tests import factories

pytestmark = pytest.mark.django_db

CSV_URL = reverse("jurisdictions:export-csv")
GEOJSON_URL = reverse("jurisdictions:export-geojson")
ROLES = ["organizer", "other_organizer", "staff", "admin"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def public_map(settings):
    settings.PUBLIC_MAP = True


@pytest.fixture
def private_map(settings):
    settings.PUBLIC_MAP = False


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def places(db, media, staff):
    california = factories.StateFactory(postal="CA", fips="06", name="California")
    StateLaw.objects.create(
        state=california, title="SB 54", effect=LawEffect.LIMITS, source_url="https://leginfo.example.org/sb54"
    )
    services.states_refresh_floor(states=[california])
    connecticut = factories.StateFactory(postal="CT", fips="09", name="Connecticut")
    los_angeles = factories.JurisdictionFactory(state=california, fips="06037", name="Los Angeles County")
    services.policy_record_create(
        jurisdiction=los_angeles,
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_SOME,
        judicial_warrant=False,
        effective_date=datetime.date(2023, 4, 5),
        source_url="https://example.org/holds-policy",
        user=staff,
    )
    services.policy_record_create(
        jurisdiction=los_angeles,
        dimension=Dimension.NOTIFICATIONS,
        value=PolicyValue.LIMITED,
        effective_date=datetime.date(2022, 1, 2),
        source_document=SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
        user=staff,
    )
    sheriff = factories.AgencyFactory(jurisdiction=los_angeles, name="Los Angeles County Sheriff's Department")
    factories.AgreementFactory(
        agency=sheriff,
        model="jail_enforcement",
        status="ended",
        signed_date=datetime.date(2005, 2, 1),
        end_date=datetime.date(2010, 3, 1),
        moa_url="https://ice.example.org/moa-la.pdf",
    )
    fairfield = factories.JurisdictionFactory(state=connecticut, fips="09001", name="Fairfield County", is_legacy=True)
    region = factories.JurisdictionFactory(state=connecticut, fips="09110", name="Capitol Planning Region")
    PolicyRecord.objects.create(
        jurisdiction=region,
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_NONE,
        effective_date=datetime.date(2021, 6, 1),
        note="Demo data: synthetic, not a real policy.",
        is_demo=True,
    )
    services.jurisdictions_refresh_policy(jurisdiction_ids=[region.pk])
    factories.JurisdictionFactory(state=california, kind="city", fips="0644000", name="Los Angeles", parent=los_angeles)
    return {"los_angeles": los_angeles, "fairfield": fairfield, "region": region}


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_geojson(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(b"".join(response.streaming_content))


# --- who may get them --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CSV_URL, GEOJSON_URL])
def test_anonymous_is_sent_to_sign_in_while_the_map_is_private(client, private_map, places, url):
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("url", [CSV_URL, GEOJSON_URL])
def test_anyone_gets_them_when_the_map_is_public(client, public_map, places, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="counties-')


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", [CSV_URL, GEOJSON_URL])
def test_every_role_gets_them_while_the_map_is_private(client, request, private_map, places, role, url):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


# --- the CSV -------------------------------------------------------------------------------------------


def test_csv_has_a_row_per_county_with_sources_dates_and_flags(client, public_map, places):
    rows = read_csv(client.get(CSV_URL))
    assert list(rows[0]) == open_data.CSV_COLUMNS
    assert [row["fips"] for row in rows] == ["06037", "09001", "09110"]  # counties only, by FIPS
    la = rows[0]
    assert (la["name"], la["state"], la["level"], la["state_law_floor"]) == (
        "Los Angeles County",
        "CA",
        "limits_holds",
        "limits",
    )
    assert la["state_laws"] == "SB 54 (limits)" and la["state_law_sources"] == "https://leginfo.example.org/sb54"
    assert (la["holds"], la["holds_effective_date"], la["holds_source"], la["holds_demo"]) == (
        "honors_some",
        "2023-04-05",
        "https://example.org/holds-policy",
        "false",
    )
    document = PolicyRecord.objects.get(dimension="notifications")
    assert la["notifications_source"] == f"http://testserver/jurisdictions/policy/{document.pk}/document/"
    assert la["jail_access"] == "" and la["jail_access_source"] == ""
    assert (la["judicial_warrant"], la["fourth_amendment_risk"]) == ("false", "true")
    assert la["agreements_287g"] == (
        "Los Angeles County Sheriff's Department: jail_enforcement, ended, 2005-02-01 to 2010-03-01"
    )
    assert la["agreements_287g_sources"] == "https://ice.example.org/moa-la.pdf"
    assert la["policy_updated"] == "2023-04-05" and la["demo_data"] == "false"
    assert la["page"] == f"http://testserver/jurisdictions/{places['los_angeles'].pk}/"
    fairfield, region = rows[1], rows[2]
    assert fairfield["former_county"] == "true" and fairfield["fourth_amendment_risk"] == ""
    assert region["holds_demo"] == "true" and region["demo_data"] == "true"
    assert region["fourth_amendment_risk"] == "false"


def test_csv_text_that_a_spreadsheet_would_run_is_quoted(client, public_map, places):
    factories.JurisdictionFactory(state=places["los_angeles"].state, fips="06099", name="=HYPERLINK(1)")
    rows = read_csv(client.get(CSV_URL))
    assert [row["name"] for row in rows if row["fips"] == "06099"] == ["'=HYPERLINK(1)"]


def test_csv_reads_every_county_in_chunks(client, public_map, places, monkeypatch):
    monkeypatch.setattr(open_data, "CHUNK_SIZE", 2)
    for i in range(5):
        factories.JurisdictionFactory(state=places["los_angeles"].state, fips=f"061{i:02d}")
    rows = read_csv(client.get(CSV_URL))
    assert len(rows) == 8 and len({row["fips"] for row in rows}) == 8


# --- the GeoJSON ----------------------------------------------------------------------------------------


def test_geojson_parses_back_with_shapes_and_the_same_facts(client, public_map, places):
    data = read_geojson(client.get(GEOJSON_URL))
    assert data["type"] == "FeatureCollection"
    assert "demo" in data["metadata"]["description"]
    assert "limits_holds" in data["metadata"]["codes"]["level"]
    features = {feature["id"]: feature for feature in data["features"]}
    assert set(features) == {"06037", "09001", "09110"}
    la = features["06037"]
    assert la["type"] == "Feature" and la["geometry"]["type"] in ("Polygon", "MultiPolygon")
    polygons = (
        la["geometry"]["coordinates"] if la["geometry"]["type"] == "MultiPolygon" else [la["geometry"]["coordinates"]]
    )
    points = [point for polygon in polygons for ring in polygon for point in ring]
    assert all(-119.0 < lon < -117.6 and 32.7 < lat < 34.9 for lon, lat in points)
    assert all(ring[0] == ring[-1] for polygon in polygons for ring in polygon)  # closed rings
    properties = la["properties"]
    assert properties["policy"]["holds"] == {
        "value": "honors_some",
        "effective_date": "2023-04-05",
        "source": "https://example.org/holds-policy",
        "demo": False,
        "entered": properties["policy"]["holds"]["entered"],
    }
    assert properties["policy"]["jail_access"] is None
    assert properties["fourth_amendment_risk"] is True and properties["judicial_warrant"] is False
    assert properties["agreements_287g"][0]["source"] == "https://ice.example.org/moa-la.pdf"
    assert features["09001"]["geometry"] is not None  # the atlas draws Connecticut's former counties
    assert features["09110"]["geometry"] is None  # and has no planning regions
    assert features["09110"]["properties"]["demo_data"] is True


def test_geojson_without_the_shapes_installed_is_a_clear_503(client, public_map, places, monkeypatch):
    monkeypatch.setattr(open_data, "ATLAS", "vendor/us-atlas/missing.json")
    response = client.get(GEOJSON_URL)
    assert response.status_code == 503
    assert "npm run build" in response.content.decode()


# --- no campaign data, and a fixed number of queries -----------------------------------------------------


@pytest.mark.parametrize("url", [CSV_URL, GEOJSON_URL])
def test_open_data_says_nothing_about_campaigns(client, public_map, places, url):
    factories.CampaignFactory(jurisdiction=places["los_angeles"], name="Secret strategy", summary="Private notes")
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(client.get(url).streaming_content)
    assert b"Secret strategy" not in body and b"Private notes" not in body
    assert not [q for q in queries if "campaigns_" in q["sql"]]


@pytest.mark.parametrize("url", [CSV_URL, GEOJSON_URL])
def test_open_data_runs_the_same_queries_for_2_and_20_counties(client, public_map, url):
    state = factories.StateFactory(postal="WA", fips="53", name="Washington")
    StateLaw.objects.create(state=state, title="Keep Washington Working", effect=LawEffect.LIMITS)

    def grow(n):
        for _ in range(n):
            county = factories.JurisdictionFactory(state=state)
            services.policy_record_create(
                jurisdiction=county,
                dimension=Dimension.HOLDS,
                value=PolicyValue.HONORS_ALL,
                effective_date=datetime.date(2024, 1, 1),
                source_url="https://example.org",
            )
            factories.AgreementFactory(agency=factories.AgencyFactory(jurisdiction=county))

    def count():
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(client.get(url).streaming_content)
        return len(queries), body

    grow(2)
    small, _ = count()
    grow(18)
    large, body = count()
    assert small == large == 5  # the state laws; counties, records, agreements; the empty chunk after them
    assert body.count(b"Keep Washington Working") == 20
