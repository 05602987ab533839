"""The jurisdiction list: its rows, filters, sorting, pages, bad input and query counts."""

import datetime

import pytest

from jurisdictions import selectors, services
from jurisdictions.models import (
    Jurisdiction,
    StateLaw,
)
from tests import factories
from tests.jurisdiction_fixtures import LIST, count_queries, detail_url, login

pytestmark = pytest.mark.django_db


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
    # User, states for the filter, count, rows, the counties of the cities among them, the counties with
    # sourced and with demo records; the state filter looks its state up once.
    assert large <= 7, large  # the session, the user with profile and roles; then the list's own


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
