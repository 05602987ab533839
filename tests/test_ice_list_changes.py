"""The staff page of changes to ICE's 287(g) list, its CSV, a county's agreement history and the map's list date."""

import csv
import datetime
import io
import itertools

import pytest
from django.urls import reverse

from jurisdictions.models import Agreement287g, ListChange, ListSnapshot, Model287g
from tests import factories
from tests.jurisdiction_fixtures import count_queries, detail_url

pytestmark = pytest.mark.django_db

PAGE = reverse("jurisdictions:list-changes")
HASHES = itertools.count(1)
FIPS = itertools.count(300)
CSV = reverse("jurisdictions:list-changes-csv")


def snapshot(day, kind=ListSnapshot.Kind.PARTICIPATING, **fields):
    return ListSnapshot.objects.create(
        kind=kind,
        list_date=datetime.date(2025, 7, day),
        list_half="pm",
        sha256=f"{next(HASHES):064d}",
        row_count=800 + day,
        file="ice-287g/list.xlsx",
        file_name=f"participatingAgencies07{day:02d}2025pm.xlsx",
        **fields,
    )


def agreement(county, name, model=Model287g.TASK_FORCE):
    agency = factories.AgencyFactory(state=county.state, jurisdiction=county, name=name, kind="sheriff")
    return factories.AgreementFactory(agency=agency, model=model)


def change(list_, agreement_, kind, old="", new=""):
    return ListChange.objects.create(
        snapshot=list_,
        agreement=agreement_,
        kind=kind,
        state=agreement_.state,
        jurisdiction=agreement_.jurisdiction,
        old_value=old,
        new_value=new,
    )


@pytest.fixture
def changes(db):
    texas = factories.StateFactory(name="Texas", postal="TX", fips="48")
    georgia = factories.StateFactory(name="Georgia", postal="GA", fips="13")
    harris = factories.JurisdictionFactory(state=texas, name="Harris County", fips="48201")
    cobb = factories.JurisdictionFactory(state=georgia, name="Cobb County", fips="13067")
    first, second = snapshot(18, baseline=True), snapshot(25)
    harris_so = agreement(harris, "Harris County Sheriff's Office")
    cobb_so = agreement(cobb, "Cobb County Sheriff's Office", Model287g.JAIL_ENFORCEMENT)
    change(second, harris_so, ListChange.Kind.ADDED, new=Model287g.TASK_FORCE)
    change(second, cobb_so, ListChange.Kind.SIGNED_CORRECTED, old="2025-07-02", new="2025-07-03")
    change(second, cobb_so, ListChange.Kind.MOA_ADDED, new="https://www.ice.gov/doclib/287gMOA/cobb.pdf")
    return {"first": first, "second": second, "harris": harris, "cobb": cobb}


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_sign_in(client, changes):
    for url in (PAGE, CSV):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("role", ["organizer", "other_organizer"])
def test_organizers_on_a_campaign_or_not_get_403(client, request, role, changes):
    user = request.getfixturevalue(role)
    if role == "organizer":
        factories.CampaignFactory(jurisdiction=changes["harris"], lead=request.getfixturevalue("staff"))
        factories.MembershipFactory(campaign__jurisdiction=changes["harris"], user=user)
    for url in (PAGE, CSV):
        assert login(client, user).get(url).status_code == 403


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_see_each_lists_changes(client, request, role, changes):
    html = login(client, request.getfixturevalue(role)).get(PAGE).content.decode()
    assert "Changes to ICE's 287(g) list" in html
    assert "Harris County Sheriff&#x27;s Office" in html and "New agreement" in html
    assert "2025-07-02 → 2025-07-03" in html
    assert 'href="https://www.ice.gov/doclib/287gMOA/cobb.pdf"' in html
    assert "first list" in html  # the baseline list in the lists imported


def test_filter_by_state_and_kind(client, staff, changes):
    html = login(client, staff).get(PAGE, {"state": "tx"}).content.decode()
    assert "Harris County Sheriff" in html and "Cobb County Sheriff" not in html
    html = client.get(PAGE, {"kind": "moa_added"}).content.decode()
    assert "Cobb County Sheriff" in html and "Harris County Sheriff" not in html
    html = client.get(PAGE, {"snapshot": changes["second"].pk, "kind": "ended"}).content.decode()
    assert "No changes match these filters." in html


def test_a_filter_that_cannot_be_read_answers_400(client, staff, changes):
    assert login(client, staff).get(PAGE, {"kind": "nonsense"}).status_code == 400
    assert client.get(CSV, {"state": "ZZ"}).status_code == 400


def test_csv_export_has_every_change_of_the_filters(client, staff, changes):
    response = login(client, staff).get(CSV, {"state": "GA"})
    assert response["Content-Disposition"] == 'attachment; filename="ice-287g-changes.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["change"] for row in rows} == {"signed_corrected", "moa_added"}
    assert {(row["list_date"], row["county_fips"], row["agency"]) for row in rows} == {
        ("2025-07-25", "13067", "Cobb County Sheriff's Office")
    }


def test_the_page_is_paginated(client, staff, changes, monkeypatch):
    monkeypatch.setattr("jurisdictions.views_changes.PAGE_SIZE", 2)
    html = login(client, staff).get(PAGE).content.decode()
    assert "Page 1 of 2" in html
    assert "Page 2 of 2" in client.get(PAGE, {"page": 2}).content.decode()


def _grow(changes, size):
    second = changes["second"]
    for i in range(size):
        number = next(FIPS)
        county = factories.JurisdictionFactory(state=changes["harris"].state, fips=f"48{number:03d}")
        change(second, agreement(county, f"Agency {number} Police Department"), ListChange.Kind.ENDED, old="task_force")
        snapshot(1 + i % 28, baseline=False)


def test_page_query_count_does_not_grow_with_rows(client, staff, changes):
    login(client, staff)
    _grow(changes, 2)
    small, small_csv = count_queries(client, PAGE), count_queries(client, CSV)
    _grow(changes, 18)
    assert count_queries(client, PAGE) == small
    assert count_queries(client, CSV) == small_csv


def test_county_page_shows_each_agreements_history(client, staff, changes):
    cobb_so = Agreement287g.objects.get(agency__name="Cobb County Sheriff's Office")
    cobb_so.first_listed, cobb_so.last_listed = datetime.date(2025, 7, 18), datetime.date(2025, 7, 25)
    cobb_so.save()
    html = login(client, staff).get(detail_url(changes["cobb"])).content.decode()
    assert "First on ICE's list 07/18/2025, last on it 07/25/2025" in html
    assert "Signing date corrected: 2025-07-02 → 2025-07-03" in html
    assert "Memorandum link added" in html


def test_county_page_query_count_does_not_grow_with_list_changes(client, staff, changes):
    login(client, staff)
    small = count_queries(client, detail_url(changes["cobb"]))
    cobb_so = Agreement287g.objects.get(agency__name="Cobb County Sheriff's Office")
    for day in range(1, 15):
        change(snapshot(day), cobb_so, ListChange.Kind.SIGNED_CORRECTED, old="2025-07-01", new="2025-07-02")
    assert count_queries(client, detail_url(changes["cobb"])) == small


def test_the_maps_287g_layer_says_which_list_it_shows(client, staff, changes):
    html = login(client, staff).get(reverse("jurisdictions:map")).content.decode()
    assert "From ICE's list of participating agencies of July 25, 2025 (afternoon)" in html


def test_the_map_says_when_no_list_date_is_recorded(client, staff):
    html = login(client, staff).get(reverse("jurisdictions:map")).content.decode()
    assert "its date was not recorded" in html


def test_staff_see_the_page_in_the_menu_and_organizers_do_not(client, staff, organizer):
    assert PAGE in login(client, staff).get(reverse("jurisdictions:map")).content.decode()
    client.logout()
    assert PAGE not in login(client, organizer).get(reverse("jurisdictions:map")).content.decode()


def test_the_page_is_in_spanish(client, staff, changes):
    login(client, staff).cookies["django_language"] = "es"
    html = client.get(PAGE).content.decode()
    assert "Cambios en la lista 287(g) de ICE" in html
    assert "Acuerdo nuevo" in html and "Fecha de firma corregida" in html
