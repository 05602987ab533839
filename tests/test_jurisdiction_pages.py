"""The jurisdiction pages per role (the map public or not), the campaigns shown on a county page, and the
county page itself."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jurisdictions import services
from jurisdictions.models import (
    Jurisdiction,
    PolicyRecord,
    RecordsLaw,
    StateLaw,
)
from tests import factories
from tests.jurisdiction_fixtures import LIST, PDF, ROLES, count_queries, detail_url, form_url, login

pytestmark = pytest.mark.django_db


# --- Access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_is_sent_to_login_when_map_is_private(client, private_map, county, page):
    url = LIST if page == "list" else detail_url(county)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_sees_pages_when_map_is_public(client, public_map, county, page):
    url = LIST if page == "list" else detail_url(county)
    response = client.get(url)
    assert response.status_code == 200
    assert "Alameda County" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["list", "detail"])
def test_each_role_sees_pages_when_map_is_private(client, request, private_map, county, role, page):
    login(client, request.getfixturevalue(role))
    response = client.get(LIST if page == "list" else detail_url(county))
    assert response.status_code == 200
    assert "Alameda County" in response.content.decode()


@pytest.mark.parametrize("map_public", [True, False])
def test_anonymous_policy_form_redirects_to_login(client, settings, county, map_public):
    settings.PUBLIC_MAP = map_public
    for method in (client.get, client.post):
        response = method(form_url(county))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not PolicyRecord.objects.exists()


def test_organizer_gets_403_on_policy_form(client, organizer, county):
    login(client, organizer)
    assert client.get(form_url(county)).status_code == 403
    response = client.post(
        form_url(county),
        {"dimension": "holds", "value": "honors_none", "effective_date": "2024-01-01", "source_url": "https://x.org"},
    )
    assert response.status_code == 403
    assert not PolicyRecord.objects.exists()


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_open_policy_form(client, request, county, role):
    login(client, request.getfixturevalue(role))
    response = client.get(form_url(county))
    assert response.status_code == 200
    assert 'name="effective_date"' in response.content.decode()


def test_policy_form_for_missing_jurisdiction_is_404(client, staff):
    login(client, staff)
    assert client.get(reverse("jurisdictions:policy-new", args=[999999])).status_code == 404


@pytest.mark.parametrize(("role", "shown"), [("organizer", False), ("staff", True), ("admin", True)])
def test_add_policy_record_button_only_for_staff(client, request, county, role, shown):
    login(client, request.getfixturevalue(role))
    assert ('id="add-policy-record"' in client.get(detail_url(county)).content.decode()) is shown


def test_anonymous_never_sees_add_button(client, public_map, county):
    assert 'id="add-policy-record"' not in client.get(detail_url(county)).content.decode()


def test_missing_jurisdiction_is_404(client, organizer):
    login(client, organizer)
    assert client.get(reverse("jurisdictions:detail", args=[999999])).status_code == 404


# --- Campaigns on the county page: signed-in users only -------------------------------------------------


def test_anonymous_public_page_has_no_campaign_block(client, public_map, county):
    body = client.get(detail_url(county)).content.decode()
    assert 'id="campaigns"' not in body
    assert "Campaigns here" not in body
    assert reverse("campaigns:in-jurisdiction", args=[county.pk]) not in body


def test_signed_in_page_loads_the_readers_campaigns(client, organizer, county):
    body = login(client, organizer).get(detail_url(county)).content.decode()
    url = reverse("campaigns:in-jurisdiction", args=[county.pk])
    assert f'hx-get="{url}"' in body and 'id="campaigns"' in body


def test_campaigns_here_by_role_and_never_publicly(client, settings, county, organizer, other_organizer, staff, admin):
    campaign = factories.CampaignFactory(jurisdiction=county, name="Stop holds in Alameda")
    factories.CampaignFactory(name="Elsewhere")
    factories.MembershipFactory(campaign=campaign, user=organizer)
    url = reverse("campaigns:in-jurisdiction", args=[county.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in first
    for user, sees in ((organizer, True), (other_organizer, False), (staff, True), (admin, True)):
        body = login(client, user).get(url).content.decode()
        assert ("Stop holds in Alameda" in body) is sees, user
        assert "Elsewhere" not in body
    assert login(client, staff).get(reverse("campaigns:in-jurisdiction", args=[999999])).status_code == 404
    client.logout()
    settings.PUBLIC_MAP = True
    assert "Stop holds in Alameda" not in client.get(detail_url(county)).content.decode()


def test_campaigns_here_query_count_does_not_grow(client, county, staff, django_assert_num_queries):
    url = reverse("campaigns:in-jurisdiction", args=[county.pk])
    login(client, staff)
    factories.CampaignFactory(jurisdiction=county)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(10):
        factories.CampaignFactory(jurisdiction=county)
    with django_assert_num_queries(len(small)):
        assert client.get(url).content.decode().count("list-group-item") == 11


# --- County page ----------------------------------------------------------------------------------------


@pytest.fixture
def full_county(county, staff, media):
    state = county.state
    StateLaw.objects.create(
        state=state,
        title="TRUST Act",
        citation="Cal. Gov. Code § 7282",
        effect="limits",
        enacted_year=2013,
        summary="Limits holds.",
        needs_review=True,
        review_note="Amended in 2017.",
    )
    RecordsLaw.objects.create(
        state=state,
        law_name="California Public Records Act",
        response_days=10,
        day_type="calendar",
        extension_allowed=True,
        extension_days=14,
        source_url="https://records.example.org/cpra",
        needs_review=True,
        review_reason="The period is counted from receipt; check the 2023 recodification.",
    )
    agency = factories.AgencyFactory(
        jurisdiction=county,
        name="Alameda County Sheriff's Office",
        phone="(510) 555-0100",
        address="1401 Lakeside Dr\nOakland, CA",
        website="https://sheriff.example.org",
        records_email="records@sheriff.example.org",
        records_portal="https://sheriff.example.org/records",
    )
    factories.OfficialFactory(agency=agency, name="Yesenia Sanchez", title="Sheriff", next_election="2026-06-02")
    factories.AgreementFactory(
        agency=agency,
        model="warrant_service",
        signed_date=datetime.date(2020, 3, 1),
        end_date=datetime.date(2021, 4, 1),
        status="ended",
        moa_url="https://ice.example.org/moa.pdf",
    )
    services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_all",
        effective_date=datetime.date(2015, 1, 1),
        user=staff,
        source_url="https://example.org/old-policy",
        note="Old policy.",
    )
    services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_none",
        effective_date=datetime.date(2018, 1, 1),
        user=staff,
        source_document=SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf"),
        note="Board resolution 2018-12.",
    )
    factories.JurisdictionFactory(state=state, name="Oakland", kind="city", fips="0653000", parent=county)
    return county


def test_county_page_shows_everything(client, staff, full_county):
    body = login(client, staff).get(detail_url(full_county)).content.decode()
    # Dimensions: current value and full history, with who and the sources.
    assert "Honors none" in body and "Honors all" in body
    assert "Board resolution 2018-12." in body and "Old policy." in body
    assert "https://example.org/old-policy" in body
    record = PolicyRecord.objects.get(note="Board resolution 2018-12.")
    assert reverse("jurisdictions:policy-document", args=[record.pk]) in body
    assert "/media/" not in body
    assert f"Entered by {staff.get_full_name()}" in body
    assert "Unknown: no record yet" in body  # notifications, jail access, bed contract
    # Level and state law.
    assert "level-limits_holds" in body
    assert "California Values Act" in body and "Cal. Gov. Code § 7284" in body and "2017" in body
    assert "https://leginfo.example.org/sb54" in body
    assert "Needs review" in body and "Amended in 2017." in body
    # Records law, with its review warning and reason.
    assert "California Public Records Act" in body
    assert "10 calendar days" in body and "up to 14 more days" in body
    assert 'id="records-law-review"' in body and "check the 2023 recodification" in body
    # Agencies, contacts, officials.
    assert "Alameda County Sheriff&#x27;s Office" in body
    assert "(510) 555-0100" in body and "1401 Lakeside Dr<br>Oakland, CA" in body
    assert "https://sheriff.example.org/records" in body and "records@sheriff.example.org" in body
    assert "Yesenia Sanchez" in body
    # 287(g) agreements.
    assert "Warrant service officer" in body and "Ended" in body
    assert "https://ice.example.org/moa.pdf" in body
    # Cities.
    assert "Oakland" in body


def test_city_page_links_its_county(client, organizer, full_county):
    city = Jurisdiction.objects.get(name="Oakland")
    body = login(client, organizer).get(detail_url(city)).content.decode()
    assert f'href="{detail_url(full_county)}"' in body


def test_public_page_does_not_name_who_entered_records(client, public_map, staff, full_county):
    body = client.get(detail_url(full_county)).content.decode()
    assert "Board resolution 2018-12." in body
    assert staff.get_full_name() not in body
    assert "Entered on" in body


def test_detail_query_count_is_constant(client, staff, california, media):
    county = factories.JurisdictionFactory(state=california, name="Big County", fips="06099")
    RecordsLaw.objects.create(state=california, law_name="CPRA", response_days=10, day_type="calendar")

    def grow(n):
        for i in range(n):
            agency = factories.AgencyFactory(jurisdiction=county, name=f"Agency {county.agencies.count()}")
            factories.OfficialFactory(agency=agency)
            factories.OfficialFactory(agency=agency)
            factories.AgreementFactory(agency=agency, model="task_force")
            StateLaw.objects.create(state=california, title=f"Law {StateLaw.objects.count()}", effect="limits")
            factories.JurisdictionFactory(
                state=california, kind="city", parent=county, fips=f"06{Jurisdiction.objects.count():05d}"
            )
            for dimension, value in (("holds", "honors_some"), ("notifications", "limited"), ("jail_access", "yes")):
                services.policy_record_create(
                    jurisdiction=county,
                    dimension=dimension,
                    value=value,
                    effective_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
                    user=staff,
                    source_url="https://example.org",
                )

    login(client, staff)
    grow(2)
    small = count_queries(client, detail_url(county))
    grow(18)
    assert county.policy_records.count() == 60 and county.agencies.count() == 20
    large = count_queries(client, detail_url(county))
    assert small == large
    # Its policy, agreements and their list history, officials, laws, federal designations, what the reader
    # follows, and the History panel: one query each, however many rows.
    assert large <= 13, large
