"""The state-law, records-law and agency importers on the real files in SHARED_DATA_DIR and on bad files made
from them."""

import datetime

import pytest

from jurisdictions.models import (
    Agency,
    RecordsLaw,
    State,
    StateFloor,
    StateLaw,
)
from tests import factories
from tests.importer_fixtures import (
    CONTACTS,
    FBI,
    PARTICIPATING,
    RECORDS_LAWS,
    STATE_LAWS,
    county,
    rows_of,
    run,
    write_rows,
)

pytestmark = pytest.mark.django_db


# -- import_state_laws --------------------------------------------------------------------------


def test_import_state_laws_loads_one_law_per_named_law(states):
    out, err = run("import_state_laws", STATE_LAWS)
    rows = rows_of(STATE_LAWS)
    with_laws = [row for row in rows if row["effect"] != "none"]
    expected = sum(len([part for part in row["common_name"].split(";") if part.strip()]) for row in with_laws)
    assert StateLaw.objects.count() == expected == 57
    assert f"skipped {len(rows) - len(with_laws)}" in out
    ca = {law.title: law for law in StateLaw.objects.filter(state__postal="CA")}
    assert set(ca) == {'SB 54 (2017) "California Values Act"', "AB 4 (2013) TRUST Act"}
    values_act = ca['SB 54 (2017) "California Values Act"']
    assert (values_act.effect, values_act.enacted_year, values_act.source_type) == ("limits", 2017, "statute")
    assert values_act.source_url.startswith("http") and values_act.verified_date == datetime.date(2026, 9, 22)
    arkansas = StateLaw.objects.get(state__postal="AR")
    assert (arkansas.title, arkansas.citation) == ("SB 411 / Act 1071 (2019)", "Ark. Code § 14-1-103")
    flagged = {row["state"] for row in rows if row["review_note"]}
    assert set(StateLaw.objects.filter(needs_review=True).values_list("state__postal", flat=True)) == flagged
    assert StateLaw.objects.filter(state__postal="MA", source_type="case_law").exists()
    floors = dict(State.objects.values_list("postal", "law_floor"))
    assert (floors["CA"], floors["TX"], floors["AK"]) == (StateFloor.LIMITS, StateFloor.MANDATES, StateFloor.NONE)

    out, _ = run("import_state_laws", STATE_LAWS)
    assert "Nothing changed" in out
    assert StateLaw.objects.count() == 57


def test_reimport_removes_only_imported_laws_that_left_the_file(tmp_path, states):
    run("import_state_laws", STATE_LAWS)
    california = State.objects.get(postal="CA")
    staff_law = StateLaw.objects.create(state=california, title="County ordinance summary", effect="limits")
    rows = rows_of(STATE_LAWS)
    for row in rows:
        if row["state"] == "CA":
            row["common_name"] = 'SB 54 (2017) "California Values Act"'
        if row["state"] == "TX":
            row["effect"], row["common_name"] = "none", ""
    out, _ = run("import_state_laws", write_rows(tmp_path / "laws.csv", rows))
    assert "removed 2" in out
    assert set(StateLaw.objects.filter(state=california).values_list("title", flat=True)) == {
        'SB 54 (2017) "California Values Act"',
        staff_law.title,
    }
    assert not StateLaw.objects.filter(state__postal="TX").exists()
    assert State.objects.get(postal="TX").law_floor == StateFloor.NONE


def test_state_law_bad_rows_are_reported_and_good_rows_still_load(tmp_path, states):
    rows = [row for row in rows_of(STATE_LAWS) if row["state"] in {"CA", "TX", "OR", "WA"}]
    rows[0]["verified_date"] = "22/09/2026"
    rows[1]["effect"] = "maybe"
    rows.append(dict(rows[2]))
    path = write_rows(tmp_path / "laws.csv", rows)
    out, err = run("import_state_laws", path)
    assert f"{path}:2: verified_date '22/09/2026' is not a date" in err
    assert f"{path}:3: effect 'maybe' is not limits, mandates or none" in err
    assert f"{path}:6: {rows[2]['state']} appears twice; the row at line 4 was kept" in err
    assert "created 2, updated 0, unchanged 0, skipped 0, rejected 3" in out


# -- import_records_laws ------------------------------------------------------------------------


def test_import_records_laws_loads_every_law_with_its_review_flag(states):
    out, err = run("import_records_laws", RECORDS_LAWS)
    rows = rows_of(RECORDS_LAWS)
    assert RecordsLaw.objects.count() == len(rows) == 52
    federal = RecordsLaw.objects.get(state__isnull=True)
    assert (federal.law_name, federal.response_days, federal.day_type) == ("Freedom of Information Act", 20, "business")
    flagged = {row["state"] for row in rows if row["needs_review"] == "yes"}
    assert len(flagged) == 21
    assert set(RecordsLaw.objects.filter(needs_review=True).values_list("state__postal", flat=True)) == flagged
    iowa = RecordsLaw.objects.get(state__postal="IA")
    assert iowa.needs_review and "90" in iowa.review_reason
    ca = RecordsLaw.objects.get(state__postal="CA")
    assert (ca.response_days, ca.day_type, ca.extension_allowed, ca.extension_days) == (10, "calendar", True, 14)
    assert RecordsLaw.objects.get(state__postal="ID").day_type == "business"  # working days
    assert RecordsLaw.objects.get(state__postal="AK").day_type == "variable"
    assert f"{RECORDS_LAWS}:31: source_url 'Nebraska Revised Statutes' is not a web address" in err

    out, _ = run("import_records_laws", RECORDS_LAWS)
    assert "unchanged 52" in out and "Nothing changed" in out


def test_records_law_units_that_fix_no_period_are_flagged(tmp_path, states):
    rows = [row for row in rows_of(RECORDS_LAWS) if row["state"] in {"GA", "KS"}]
    rows[0] |= {"initial_response_days": "5", "initial_response_unit": "variable", "needs_review": ""}
    rows[1] |= {"initial_response_days": "", "initial_response_unit": "business_days", "needs_review": ""}
    run("import_records_laws", write_rows(tmp_path / "records.csv", rows))
    georgia = RecordsLaw.objects.get(state__postal="GA")
    assert (georgia.response_days, georgia.day_type, georgia.needs_review) == (5, "variable", True)
    assert not georgia.has_fixed_period
    kansas = RecordsLaw.objects.get(state__postal="KS")
    assert (kansas.response_days, kansas.day_type, kansas.needs_review) == (None, "variable", True)


def test_records_law_bad_values_reject_their_rows(tmp_path, states):
    rows = [row for row in rows_of(RECORDS_LAWS) if row["state"] in {"GA", "KS", "KY"}]
    rows[0]["initial_response_days"] = "three"
    rows[1]["initial_response_unit"] = "fortnights"
    path = write_rows(tmp_path / "records.csv", rows)
    out, err = run("import_records_laws", path)
    assert f"{path}:2: initial_response_days 'three' is not a number" in err
    assert f"{path}:3: initial_response_unit 'fortnights' is not one of" in err
    assert "created 1, updated 0, unchanged 0, skipped 0, rejected 2" in out


# -- import_agencies ----------------------------------------------------------------------------


def test_import_agencies_loads_the_sheriff_contacts(counties_of):
    counties_of("FL", "GA", "NC", "TN")
    out, err = run("import_agencies", "--contacts", CONTACTS)
    rows = rows_of(CONTACTS)
    sheriffs = Agency.objects.filter(kind=Agency.Kind.SHERIFF)
    assert sheriffs.count() == len(rows) == 398
    assert not sheriffs.filter(jurisdiction__isnull=True).exists()
    alachua = sheriffs.get(jurisdiction__fips="12001")
    assert (alachua.name, alachua.phone, alachua.website) == (
        "Alachua County Sheriff's Office",
        "(352) 367-4019",
        "https://acso.us/",
    )
    assert sheriffs.get(jurisdiction__fips="12086").name == "Miami-Dade County Sheriff's Office"
    assert f"{CONTACTS}:164: county 'mcduffle' is not a county of GA; read as McDuffie County" in err

    out, _ = run("import_agencies", "--contacts", CONTACTS)
    assert "unchanged 398" in out and "Nothing changed" in out


def test_import_agencies_fbi_county_rows_become_agencies_with_ori(all_counties):
    out, err = run("import_agencies", "--fbi", FBI)
    rows = rows_of(FBI)
    county_rows = [row for row in rows if row["agency_type_name"] == "County"]
    assert Agency.objects.count() == len(county_rows) == 2992
    assert f"skipped {len(rows) - len(county_rows)}" in out
    autauga = Agency.objects.get(ori="AL0040000")
    assert (autauga.name, autauga.kind, autauga.employees) == ("Autauga County Sheriff's Office", "sheriff", 41)
    assert autauga.jurisdiction.fips == "01001"
    cobb_police = Agency.objects.get(ori="GA0330200")
    assert (cobb_police.kind, cobb_police.jurisdiction.fips) == ("police", "13067")
    assert Agency.objects.get(ori="NB0010000").state.postal == "NE"  # the FBI's code for Nebraska

    out, _ = run("import_agencies", "--fbi", FBI)
    assert "Nothing changed" in out


def test_agencies_are_merged_by_the_stated_rule(tmp_path, counties_of):
    counties_of("FL")
    alachua, baker, bay = county("12001"), county("12003"), county("12005")
    by_name = factories.AgencyFactory(jurisdiction=alachua, name="ALACHUA CO. SO")
    only_sheriff = factories.AgencyFactory(jurisdiction=baker, name="Sheriff of Baker")
    factories.AgencyFactory(jurisdiction=bay, name="Bay Sheriff East")
    factories.AgencyFactory(jurisdiction=bay, name="Bay Sheriff West")
    rows = [row for row in rows_of(CONTACTS) if row["county_fips"] in {"12001", "12003", "12005"}]
    out, _ = run("import_agencies", "--contacts", write_rows(tmp_path / "contacts.csv", rows))
    assert "created 1, updated 2" in out
    by_name.refresh_from_db()
    only_sheriff.refresh_from_db()
    assert (by_name.name, by_name.phone) == ("ALACHUA CO. SO", "(352) 367-4019")
    assert only_sheriff.phone == "(904) 259-2231"
    assert "sheriff-contacts" in only_sheriff.sources
    assert bay.agencies.count() == 3  # two sheriffs already: no guessing, a new one


def test_agencies_from_both_files_and_the_ice_list_are_one_agency(tmp_path, counties_of):
    counties_of("GA")
    ice_rows = [row for row in rows_of(PARTICIPATING) if row["state_postal"] == "GA"]
    run("import_287g", write_rows(tmp_path / "ice_287g_participating_2025-07-18.csv", ice_rows))
    ice = Agency.objects.get(name="Coweta County Sheriff's Office")
    contacts = write_rows(tmp_path / "contacts.csv", [row for row in rows_of(CONTACTS) if row["state"] == "GA"])
    fbi = write_rows(tmp_path / "fbi.csv", [row for row in rows_of(FBI) if row["state_abbr"] == "GA"])
    run("import_agencies", "--contacts", contacts, "--fbi", fbi)
    ice.refresh_from_db()
    assert (ice.ori, ice.employees) == ("GA0380000", 307)
    assert ice.phone
    assert ice.sources == "fbi-cde, ice-287g, sheriff-contacts"
    assert Agency.objects.filter(jurisdiction=ice.jurisdiction, kind="sheriff").count() == 1
