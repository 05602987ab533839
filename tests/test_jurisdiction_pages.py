"""The jurisdiction list, the county page, the staff policy form and source documents: per role, per input."""

import datetime
import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jurisdictions import selectors, services
from jurisdictions.models import (
    Dimension,
    Jurisdiction,
    PolicyLevel,
    PolicyRecord,
    RecordsLaw,
    StateLaw,
)
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("jurisdictions:list")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def detail_url(jurisdiction):
    return reverse("jurisdictions:detail", args=[jurisdiction.pk])


def form_url(jurisdiction):
    return reverse("jurisdictions:policy-new", args=[jurisdiction.pk])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


@pytest.fixture
def public_map(settings):
    settings.PUBLIC_MAP = True


@pytest.fixture
def private_map(settings):
    settings.PUBLIC_MAP = False


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def california(db):
    state = factories.StateFactory(name="California", postal="CA", fips="06")
    StateLaw.objects.create(
        state=state,
        title="California Values Act",
        citation="Cal. Gov. Code § 7284",
        effect="limits",
        enacted_year=2017,
        summary="Limits state and local cooperation with ICE.",
        source_url="https://leginfo.example.org/sb54",
    )
    services.states_refresh_floor(states=[state])
    state.refresh_from_db()
    return state


@pytest.fixture
def county(california):
    return factories.JurisdictionFactory(
        state=california, name="Alameda County", short_name="Alameda", fips="06001", population=1622188
    )


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


ROLES = ["organizer", "staff", "admin"]


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


# --- List ---------------------------------------------------------------------------------------------


def test_list_row_shows_name_state_population_level_287g_and_floor(client, organizer, county):
    agreement = factories.AgreementFactory(agency__jurisdiction=county, model="task_force")
    services.jurisdiction_refresh_policy(jurisdiction=agreement.jurisdiction)
    services.policy_record_create(
        jurisdiction=county, dimension="holds", value="honors_some", effective_date=datetime.date(2024, 1, 1)
    )
    body = login(client, organizer).get(LIST).content.decode()
    assert f'href="{detail_url(county)}"' in body
    assert "1,622,188" in body
    assert "level-limits_holds" in body
    assert "Limits ICE holds" in body
    assert "Task force model" in body
    assert "floor-limits" in body
    assert ">CA<" in body


def _row(body, jurisdiction):
    """The table row of a jurisdiction on the list page."""
    return body.split(f'<tr>\n                <td><a href="{detail_url(jurisdiction)}">')[1].split("</tr>")[0]


def test_list_rows_and_cards_show_the_same_jurisdiction(client, organizer, county):
    oakland = factories.JurisdictionFactory(
        state=county.state, name="Oakland", kind="city", fips="0653000", parent=county, population=None
    )
    hartford = factories.JurisdictionFactory(name="Hartford County", is_legacy=True, population=0)
    body = login(client, organizer).get(LIST, {"include_legacy": "on"}).content.decode()
    # A card for phones and a table row for wider screens, each linking the page.
    assert body.count(f'href="{detail_url(oakland)}"') == 2
    city = _row(body, oakland)
    assert '<div class="small text-muted">Alameda County</div>' in city
    assert '<td class="text-end"><span class="text-muted">—</span></td>' in city
    assert "level-unknown" in city and ">Unknown<" in city
    assert "former county" in _row(body, hartford)
    assert '<td class="text-end">0</td>' in _row(body, hartford)
    assert "former county" not in _row(body, county)
    assert "1,622,188" in _row(body, county)


def test_list_is_translated(client, organizer, county):
    services.policy_record_create(
        jurisdiction=county, dimension="holds", value="honors_all", effective_date=datetime.date(2024, 3, 5)
    )
    client.cookies["django_language"] = "es"
    body = login(client, organizer).get(LIST).content.decode()
    row = _row(body, county)
    assert ">Cumple las solicitudes de retención de ICE<" in row
    assert "1\xa0622\xa0188" in row  # as the intcomma filter writes it in Spanish
    assert "05/03/2024" in row


def test_a_287g_only_change_dates_the_last_policy_change_on_the_list_and_the_page(client, organizer, county):
    agency = factories.AgencyFactory(jurisdiction=county)
    services.agreement_save(
        agreement=factories.AgreementFactory.build(
            agency=agency, state=county.state, jurisdiction=county, signed_date=datetime.date(2024, 2, 29)
        )
    )
    login(client, organizer)
    row = _row(client.get(LIST).content.decode(), county)
    assert '<td class="text-nowrap">02/29/2024</td>' in row
    assert "Policy last changed Feb. 29, 2024" in client.get(detail_url(county)).content.decode()


def _names(response):
    return [j.name for j in response.context["page"].object_list]


def test_filter_by_state_postal_any_case(client, organizer, county):
    factories.JurisdictionFactory(name="Travis County", state=factories.StateFactory(postal="TX", fips="48"))
    login(client, organizer)
    assert _names(client.get(LIST, {"state": "CA"})) == ["Alameda County"]
    assert _names(client.get(LIST, {"state": "ca"})) == ["Alameda County"]


def test_filter_by_level(client, organizer, county):
    other = factories.JurisdictionFactory(state=county.state, name="Kern County")
    services.policy_record_create(
        jurisdiction=other, dimension="holds", value="honors_all", effective_date=datetime.date(2024, 1, 1)
    )
    login(client, organizer)
    assert _names(client.get(LIST, {"level": "complies"})) == ["Kern County"]
    assert _names(client.get(LIST, {"level": "unknown"})) == ["Alameda County"]


def test_filter_by_287g_model_counts_only_active_agreements(client, organizer, county):
    active = factories.JurisdictionFactory(state=county.state, name="Active County")
    ended = factories.JurisdictionFactory(state=county.state, name="Ended County")
    factories.AgreementFactory(agency__jurisdiction=active, model="jail_enforcement")
    factories.AgreementFactory(agency__jurisdiction=ended, model="jail_enforcement", status="ended")
    factories.AgreementFactory(agency__jurisdiction=county, model="task_force")
    login(client, organizer)
    assert _names(client.get(LIST, {"model_287g": "jail_enforcement"})) == ["Active County"]
    assert _names(client.get(LIST, {"model_287g": "task_force"})) == ["Alameda County"]
    assert sorted(_names(client.get(LIST, {"has_287g": "yes"}))) == ["Active County", "Alameda County"]
    assert _names(client.get(LIST, {"has_287g": "no"})) == ["Ended County"]


def test_filter_by_state_law_floor(client, organizer, county):
    texas = factories.StateFactory(name="Texas", postal="TX", fips="48")
    StateLaw.objects.create(state=texas, title="SB 4", effect="mandates")
    services.states_refresh_floor(states=[texas])
    factories.JurisdictionFactory(state=texas, name="Travis County")
    factories.JurisdictionFactory(state=factories.StateFactory(name="Ohio", postal="OH", fips="39"), name="Ohio Co")
    login(client, organizer)
    assert _names(client.get(LIST, {"law_floor": "limits"})) == ["Alameda County"]
    assert _names(client.get(LIST, {"law_floor": "mandates"})) == ["Travis County"]
    assert _names(client.get(LIST, {"law_floor": "none"})) == ["Ohio Co"]
    assert _names(client.get(LIST, {"law_floor": "mixed"})) == []


def test_filter_by_population_range(client, organizer, county):
    factories.JurisdictionFactory(state=county.state, name="Alpine County", population=1200)
    factories.JurisdictionFactory(state=county.state, name="Unknown County", population=None)
    login(client, organizer)
    assert _names(client.get(LIST, {"population_min": "100000"})) == ["Alameda County"]
    assert _names(client.get(LIST, {"population_max": "5000"})) == ["Alpine County"]
    assert _names(client.get(LIST, {"population_min": "1000", "population_max": "2000"})) == ["Alpine County"]


def test_name_search_matches_name_and_short_name(client, organizer, county):
    factories.JurisdictionFactory(state=county.state, name="Orleans Parish", short_name="New Orleans")
    login(client, organizer)
    assert _names(client.get(LIST, {"q": "alameda"})) == ["Alameda County"]
    assert _names(client.get(LIST, {"q": "new orl"})) == ["Orleans Parish"]
    assert _names(client.get(LIST, {"q": "  "})) == ["Alameda County", "Orleans Parish"]


def test_filter_by_kind_and_cities_are_listed(client, organizer, county):
    factories.JurisdictionFactory(state=county.state, name="Oakland", kind="city", fips="0653000", parent=county)
    login(client, organizer)
    assert _names(client.get(LIST, {"kind": "city"})) == ["Oakland"]
    assert sorted(_names(client.get(LIST))) == ["Alameda County", "Oakland"]


def test_legacy_connecticut_counties_hidden_unless_asked(client, organizer, county):
    factories.JurisdictionFactory(name="Hartford County", is_legacy=True)
    login(client, organizer)
    assert "Hartford County" not in _names(client.get(LIST))
    assert "Hartford County" in _names(client.get(LIST, {"include_legacy": "on"}))


@pytest.fixture
def three_counties(california):
    rows = [("Bravo County", 300, "2021-01-01", "honors_all"), ("Alpha County", 100, None, None)]
    rows.append(("Charlie County", 200, "2024-01-01", "honors_none"))
    for name, population, when, holds in rows:
        county = factories.JurisdictionFactory(state=california, name=name, population=population)
        if when:
            services.policy_record_create(
                jurisdiction=county,
                dimension="holds",
                value=holds,
                effective_date=datetime.date.fromisoformat(when),
            )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha County", "Bravo County", "Charlie County"]),
        ("-name", ["Charlie County", "Bravo County", "Alpha County"]),
        ("population", ["Alpha County", "Charlie County", "Bravo County"]),
        ("-population", ["Bravo County", "Charlie County", "Alpha County"]),
        # Least to most protective, unknown last in both directions.
        ("level", ["Bravo County", "Charlie County", "Alpha County"]),
        ("-level", ["Charlie County", "Bravo County", "Alpha County"]),
        ("updated", ["Bravo County", "Charlie County", "Alpha County"]),
        ("-updated", ["Charlie County", "Bravo County", "Alpha County"]),
        ("state", ["Alpha County", "Bravo County", "Charlie County"]),
        ("bogus", ["Alpha County", "Bravo County", "Charlie County"]),
        ("--name", ["Alpha County", "Bravo County", "Charlie County"]),
    ],
)
def test_sorting_is_whitelisted(client, organizer, three_counties, sort, expected):
    response = login(client, organizer).get(LIST, {"sort": sort})
    assert response.status_code == 200
    assert _names(response) == expected


def test_unknown_sort_falls_back_to_default(client, organizer, three_counties):
    response = login(client, organizer).get(LIST, {"sort": "password"})
    assert response.context["sort"] == selectors.JURISDICTION_DEFAULT_SORT


@pytest.fixture
def many_counties(california):
    Jurisdiction.objects.bulk_create(
        Jurisdiction(state=california, name=f"County {i:03d}", fips=f"06{i:03d}", population=i) for i in range(1, 121)
    )


@pytest.mark.parametrize(
    ("per_page", "rows"), [(None, 50), ("25", 25), ("50", 50), ("100", 100), ("200", 120), ("7", 50), ("x", 50)]
)
def test_page_size_is_choosable(client, organizer, many_counties, per_page, rows):
    params = {"per_page": per_page} if per_page else {}
    response = login(client, organizer).get(LIST, params)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize(("page", "number"), [("abc", 1), ("99999", 3), ("-1", 3), ("2", 2), ("", 1)])
def test_bad_page_numbers_give_first_or_last_page(client, organizer, many_counties, page, number):
    response = login(client, organizer).get(LIST, {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == number


def test_pages_do_not_overlap(client, organizer, many_counties):
    login(client, organizer)
    seen = []
    for page in (1, 2, 3):
        seen += _names(client.get(LIST, {"page": page, "sort": "level"}))
    assert len(seen) == len(set(seen)) == 120


@pytest.mark.parametrize(
    "params",
    [
        {"population_min": "abc"},
        {"population_max": "1e3"},
        {"population_min": "-5"},
        {"population_max": "99999999999999999999"},
        {"level": "bogus"},
        {"state": "ZZ"},
        {"model_287g": "bogus"},
        {"has_287g": "maybe"},
        {"law_floor": "sometimes"},
        {"kind": "village"},
        {"q": "a" * 101},
    ],
)
def test_bad_filter_values_answer_400_with_the_form_and_no_rows(client, organizer, county, params):
    response = login(client, organizer).get(LIST, params)
    assert response.status_code == 400
    assert list(response.context["page"].object_list) == []
    body = response.content.decode()
    assert "Some filters could not be read" in body
    assert "invalid-feedback" in body


@pytest.mark.parametrize("params", [{"state": "\x00"}, {"q": "Ala\x00meda"}])
def test_a_nul_in_a_filter_is_a_400(client, organizer, county, params):
    response = login(client, organizer).get(LIST, params)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_bad_filter_values_are_400_for_anonymous_too(client, public_map, county):
    assert client.get(LIST, {"population_min": "lots"}).status_code == 400


def test_list_query_count_is_constant(client, organizer, california):
    login(client, organizer)
    url = f"{LIST}?per_page=200"
    filtered = f"{LIST}?per_page=200&has_287g=yes&model_287g=task_force&law_floor=limits&state=CA&q=County&sort=level"

    def make(n):
        for _ in range(n):
            number = Jurisdiction.objects.count()
            agreement = factories.AgreementFactory(
                agency__jurisdiction__state=california,
                agency__jurisdiction__name=f"Some County {number}",
                model="task_force",
            )
            services.jurisdiction_refresh_policy(jurisdiction=agreement.jurisdiction)
            factories.JurisdictionFactory(
                state=california,
                kind="city",
                name=f"Some City {number}",
                fips=f"06{number:05d}",
                parent=agreement.jurisdiction,
            )

    make(2)
    small, small_filtered = count_queries(client, url), count_queries(client, filtered)
    make(18)
    assert Jurisdiction.objects.count() == 40
    large, large_filtered = count_queries(client, url), count_queries(client, filtered)
    assert small == large
    assert small_filtered == large_filtered
    # User, states for the filter, count, rows, the counties of the cities among them; the state
    # filter looks its state up once.
    assert large <= 6, large  # the session, the user with profile and roles; then the list's own


def test_list_query_count_is_the_same_for_200_rows(client, public_map, california):
    Jurisdiction.objects.bulk_create(
        Jurisdiction(state=california, name=f"C{i}", fips=f"06{i:03d}", population=i) for i in range(2)
    )
    small = count_queries(client, f"{LIST}?per_page=200")
    Jurisdiction.objects.bulk_create(
        Jurisdiction(state=california, name=f"C{i}", fips=f"06{i:03d}", population=i) for i in range(2, 250)
    )
    response = client.get(f"{LIST}?per_page=200")
    assert len(response.context["page"].object_list) == 200
    assert count_queries(client, f"{LIST}?per_page=200") == small


def test_list_keeps_filters_in_sort_and_page_links(client, organizer, many_counties):
    body = login(client, organizer).get(LIST, {"q": "County", "per_page": "25"}).content.decode()
    assert "?q=County&amp;per_page=25&amp;sort=name" in body
    assert "?q=County&amp;per_page=25&amp;page=2" in body


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
    assert large <= 12, large


# --- Policy record form ------------------------------------------------------------------------------------


def _post(client, county, **fields):
    data = {
        "dimension": "holds",
        "value": "honors_none",
        "effective_date": "2024-03-15",
        "source_url": "https://example.org/resolution",
        "note": "Board voted 4-1.",
    }
    data.update(fields)
    return client.post(form_url(county), {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_add_policy_record(client, request, county, role):
    user = request.getfixturevalue(role)
    response = _post(login(client, user), county)
    assert response.status_code == 302
    assert response.url == detail_url(county)
    record = PolicyRecord.objects.get()
    assert (record.dimension, record.value, record.effective_date) == (
        "holds",
        "honors_none",
        datetime.date(2024, 3, 15),
    )
    assert record.entered_by == user
    assert record.note == "Board voted 4-1."
    county.refresh_from_db()
    assert county.current_holds == "honors_none"
    assert county.level == PolicyLevel.LIMITS_HOLDS

    page = client.get(response.url)
    body = page.content.decode()
    assert "Policy record added" in body
    assert "Board voted 4-1." in body


def test_policy_form_drops_the_maps_cached_json_on_commit(client, staff, county, django_capture_on_commit_callbacks):
    cache.set(services.MAP_CACHE_KEY, {"etag": "old", "json": b"{}"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _post(login(client, staff), county).status_code == 302
    assert cache.get(services.MAP_CACHE_KEY) is not None  # not before the commit
    for callback in callbacks:
        callback()
    assert cache.get(services.MAP_CACHE_KEY) is None


def test_value_of_another_dimension_is_refused_and_typed_values_kept(client, staff, county):
    response = _post(login(client, staff), county, dimension="holds", value="yes", note="Keep this note")
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not a value of ICE holds" in body
    assert "Honors all, Honors some, Honors none" in body
    assert "Keep this note" in body
    assert 'value="https://example.org/resolution"' in body
    assert 'value="2024-03-15"' in body
    assert '<option value="holds" selected>' in body
    assert not PolicyRecord.objects.exists()


def test_shared_value_stays_selected_in_its_own_dimension(client, staff, county):
    # "none" exists for notifications, jail access and 287(g): the re-rendered form keeps the right one.
    response = _post(login(client, staff), county, dimension="jail_access", value="none", effective_date="x")
    body = response.content.decode()
    assert '<option value="none" selected data-dimension="jail_access">' in body
    assert body.count("selected data-dimension=") == 1


def test_effective_date_more_than_a_year_ahead_is_refused(client, staff, county):
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    response = _post(login(client, staff), county, effective_date=too_late.isoformat())
    assert response.status_code == 200
    assert "at most a year ahead" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_effective_date_some_months_ahead_is_accepted(client, staff, county):
    soon = timezone.localdate() + datetime.timedelta(days=90)
    assert _post(login(client, staff), county, effective_date=soon.isoformat()).status_code == 302


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "", "1850-01-01"])
def test_bad_effective_dates_are_refused(client, staff, county, bad):
    response = _post(login(client, staff), county, effective_date=bad)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_a_source_is_required(client, staff, county):
    response = _post(login(client, staff), county, source_url="")
    assert "Give a source" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_bad_source_url_is_refused(client, staff, county):
    response = _post(login(client, staff), county, source_url="javascript:alert(1)")
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_287g_records_are_allowed(client, staff, county):
    assert _post(login(client, staff), county, dimension="287g", value="task_force").status_code == 302
    assert PolicyRecord.objects.get().dimension == Dimension.G287


def test_dimension_preselected_from_link(client, staff, county):
    body = login(client, staff).get(form_url(county), {"dimension": "jail_access"}).content.decode()
    assert '<option value="jail_access" selected>' in body
    body = client.get(form_url(county), {"dimension": "nonsense"}).content.decode()
    assert '<option value="" selected>' in body
    assert 'value="nonsense"' not in body


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("resolution.pdf", PDF, "application/pdf"),
        ("letter.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("photo.png", PNG, "image/png"),
        ("scan.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ],
)
def test_upload_source_document_and_serve_it_through_the_access_check(
    client, settings, staff, county, media, name, content, content_type
):
    content = content if content is not None else docx_bytes()
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = _post(login(client, staff), county, source_url="", source_document=upload)
    assert response.status_code == 302, response.content.decode()
    record = PolicyRecord.objects.get()
    assert record.source_document.name.startswith(f"policy/{county.fips}/")
    # The stored name carries a random part, so the path cannot be guessed from the original name.
    assert len(record.source_document.name.rsplit("/", 1)[1]) > len(name) + 10

    url = reverse("jurisdictions:policy-document", args=[record.pk])
    document = client.get(url)
    assert document.status_code == 200
    assert document["Content-Type"] == content_type
    assert b"".join(document.streaming_content) == content

    client.logout()
    settings.PUBLIC_MAP = False
    assert client.get(url).status_code == 302
    settings.PUBLIC_MAP = True
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.pdf", b"MZ\x90\x00 not a pdf at all", "not a valid PDF file"),
        ("fake.docx", b"PK\x03\x04 broken zip", "not a valid DOCX file"),
        ("other.docx", None, "not a valid DOCX file"),
        ("image.png", PDF, "not a valid PNG file"),
        ("tool.exe", b"MZ\x90\x00", "Upload a PDF, a Word document"),
        ("page.html", b"<html><script>alert(1)</script>", "Upload a PDF, a Word document"),
        ("noextension", PDF, "Upload a PDF, a Word document"),
    ],
)
def test_upload_checked_by_content(client, staff, county, media, name, content, message):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
        content = buffer.getvalue()
    upload = SimpleUploadedFile(name, content)
    response = _post(login(client, staff), county, source_document=upload, note="typed note")
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "choose the document again" in body
    assert "typed note" in body
    assert not PolicyRecord.objects.exists()


def test_upload_over_10_mb_is_refused_with_a_clear_message(client, staff, county, media):
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = _post(login(client, staff), county, source_document=upload)
    body = response.content.decode()
    assert "the limit is 10.0\xa0MB" in body
    assert not PolicyRecord.objects.exists()


def test_document_view_404s(client, organizer, county, media):
    login(client, organizer)
    assert client.get(reverse("jurisdictions:policy-document", args=[999999])).status_code == 404
    record = services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_all",
        effective_date=datetime.date(2024, 1, 1),
        source_url="https://x.org",
    )
    assert client.get(reverse("jurisdictions:policy-document", args=[record.pk])).status_code == 404
    PolicyRecord.objects.filter(pk=record.pk).update(source_document="policy/06001/gone.pdf")
    assert client.get(reverse("jurisdictions:policy-document", args=[record.pk])).status_code == 404


def test_history_is_shown_newest_first_with_who_and_when(client, staff, county):
    login(client, staff)
    _post(client, county, value="honors_all", effective_date="2016-01-01", note="first entry")
    _post(client, county, value="honors_some", effective_date="2022-01-01", note="second entry")
    body = client.get(detail_url(county)).content.decode()
    assert body.index("second entry") < body.index("first entry")
    assert body.count(f"Entered by {staff.get_full_name()}") == 2
