"""The jurisdiction and 287(g) importers on the real files in SHARED_DATA_DIR and on bad files made from them."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.importing import CREATED, CsvImportCommand
from jurisdictions.models import (
    Agency,
    Agreement287g,
    Dimension,
    Jurisdiction,
    ListSnapshot,
    Model287g,
    PolicyRecord,
    PolicyValue,
    State,
)
from tests.importer_fixtures import DATA, PARTICIPATING, PENDING, county, rows_of, run, write_rows

pytestmark = pytest.mark.django_db


# -- import_jurisdictions -----------------------------------------------------------------------


def test_import_jurisdictions_loads_every_state_and_county_and_a_second_run_changes_nothing(all_counties):
    counties = rows_of(DATA / "us_counties.csv")
    assert State.objects.count() == len(rows_of(DATA / "us_states.csv")) == 56
    assert Jurisdiction.objects.filter(kind="county").count() == len(counties) == 3243
    assert set(Jurisdiction.objects.filter(is_legacy=True).values_list("state__postal", flat=True)) == {"CT"}
    assert Jurisdiction.objects.filter(is_legacy=True).count() == 8
    assert State.objects.filter(kind="territory").count() == 5
    autauga = county("01001")
    assert (autauga.population, autauga.population_year, autauga.county_type) == (61464, 2024, "county")
    assert county("22001").county_type == "parish"
    assert county("09001").population is None  # legacy Fairfield County: no population in the file
    assert county("66010").state.kind == "territory"

    out, err = run("import_jurisdictions", DATA / "us_counties.csv")
    assert "us_states.csv: created 0, updated 0, unchanged 56" in out
    assert "us_counties.csv: created 0, updated 0, unchanged 3243" in out
    assert out.count("Nothing changed") == 2
    assert err == ""


def test_population_falls_back_to_the_2020_base(tmp_path, states):
    path = tmp_path / "c.csv"
    path.write_text("fips,name,state,population_2020_base,population_2024\n01001,Autauga County,AL,58800,\n")
    run("import_jurisdictions", path)
    assert (county("01001").population, county("01001").population_year) == (58800, 2020)


def test_counties_before_any_state_is_a_clear_error(tmp_path):
    path = tmp_path / "counties.csv"
    path.write_text("fips,name,state\n01001,Autauga County,AL\n")
    with pytest.raises(CommandError, match="no states are loaded"):
        run("import_jurisdictions", path)


def test_file_with_bom_and_crlf_loads(tmp_path, states):
    path = tmp_path / "counties.csv"
    path.write_bytes(b"\xef\xbb\xbffips,name,state\r\n01001,Autauga County,AL\r\n01003,Baldwin County,AL\r\n")
    out, err = run("import_jurisdictions", path)
    assert "created 2" in out
    assert err == ""
    assert county("01003").name == "Baldwin County"


def test_missing_column_is_a_clear_error_and_saves_nothing(tmp_path, states):
    path = tmp_path / "counties.csv"
    path.write_text("fips,name,county_fips\n01001,Autauga County,001\n")
    with pytest.raises(CommandError, match="neither a counties file"):
        run("import_jurisdictions", path)
    path.write_text("fips,name,state\n01001,Autauga County,AL\n")
    states = tmp_path / "states.csv"
    states.write_text("name,postal\nAlabama,AL\n")
    with pytest.raises(CommandError, match=r"states.csv:1: missing column\(s\) fips; the header has name, postal"):
        run("import_jurisdictions", path, "--states", states)
    assert not Jurisdiction.objects.exists()


def test_a_latin1_byte_rejects_its_row_only(tmp_path, states):
    path = tmp_path / "counties.csv"
    path.write_bytes(
        b"fips,name,state\n01001,Autauga County,AL\n35013,Do\xf1a Ana County,NM\n01003,Baldwin County,AL\n"
    )
    out, err = run("import_jurisdictions", path)
    assert f"{path}:3: bytes that are not UTF-8" in err
    assert "created 2, updated 0, unchanged 0, skipped 0, rejected 1" in out
    assert set(Jurisdiction.objects.values_list("fips", flat=True)) == {"01001", "01003"}


def test_duplicate_row_is_reported_and_the_first_kept(tmp_path, states):
    path = tmp_path / "counties.csv"
    path.write_text("fips,name,state\n01001,Autauga County,AL\n01001,Autauga Duplicate,AL\n01003,Baldwin County,AL\n")
    out, err = run("import_jurisdictions", path)
    assert f"{path}:3: county FIPS 01001 appears twice; the first at line 2 was kept" in err
    assert county("01001").name == "Autauga County"
    assert Jurisdiction.objects.count() == 2


def test_blank_and_bad_values_reject_their_rows_with_reasons(tmp_path, states):
    path = tmp_path / "counties.csv"
    path.write_text(
        "fips,name,state,population_2024\n"
        "01001,,AL,1\n"
        "01003,Baldwin County,ZZ,1\n"
        "01005,Barbour County,AL,lots\n"
        "06001,Alameda County,AL,1\n"
        "1007,Bibb County,AL,22000\n"
        "01009,Blount County,AL,59000,extra\n"
    )
    out, err = run("import_jurisdictions", path)
    assert f"{path}:2: name is blank" in err
    assert f"{path}:3: unknown state 'ZZ'" in err
    assert f"{path}:4: population_2024 'lots' is not a number" in err
    assert f"{path}:5: FIPS 06001 does not begin with AL's FIPS 01" in err
    assert f"{path}:6: FIPS 1007 read as 01007 (leading zeros restored)" in err
    assert f"{path}:7: 5 fields where the header has 4" in err
    assert "created 1, updated 0, unchanged 0, skipped 0, rejected 5" in out
    assert county("01007").population == 22000


def test_missing_and_empty_files_are_clear_errors(tmp_path, states):
    with pytest.raises(CommandError, match="cannot read the file"):
        run("import_jurisdictions", tmp_path / "nope.csv", "--states", DATA / "us_states.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="the file is empty"):
        run("import_state_laws", empty)


def test_changed_row_is_updated(tmp_path, counties_of):
    counties_of("DE")
    path = tmp_path / "c.csv"
    path.write_text("fips,name,state,population_2024\n10001,Kent County,DE,1\n")
    out, _ = run("import_jurisdictions", path)
    assert "created 0, updated 1" in out
    assert county("10001").population == 1


class DuplicateFipsImport(CsvImportCommand):
    """Queues states that the database refuses in bulk (same FIPS), to exercise the one-by-one fallback."""

    required_columns = ("postal",)

    def import_row(self, line, row):
        self.create_later(line, State(name=row["postal"], postal=row["postal"], fips="99"))
        return CREATED


def test_rows_the_database_refuses_in_bulk_are_rejected_one_by_one(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text("postal\nQA\nQB\n")
    out, err = io.StringIO(), io.StringIO()
    call_command(DuplicateFipsImport(), str(path), stdout=out, stderr=err)
    assert "created 1, updated 0, unchanged 0, skipped 0, rejected 1" in out.getvalue()
    assert f"{path}:3: the database refused the row" in err.getvalue()
    assert list(State.objects.values_list("postal", flat=True)) == ["QA"]


# -- import_287g --------------------------------------------------------------------------------


def test_import_287g_loads_every_agreement_of_the_participating_list(all_counties):
    out, err = run("import_287g", PARTICIPATING)
    rows = rows_of(PARTICIPATING)
    assert Agreement287g.objects.count() == len(rows) == 832
    assert set(Agreement287g.objects.values_list("status", flat=True)) == {"active"}
    assert set(Agreement287g.objects.values_list("last_listed", flat=True)) == {datetime.date(2025, 7, 18)}
    assert "created 832, updated 0, unchanged 0, skipped 0, rejected 0" in out
    by_model = {
        m: sum(r["support_type"] == label for r in rows)
        for m, label in [
            (Model287g.TASK_FORCE, "Task Force Model"),
            (Model287g.WARRANT_SERVICE, "Warrant Service Officer"),
            (Model287g.JAIL_ENFORCEMENT, "Jail Enforcement Model"),
        ]
    }
    assert {m: Agreement287g.objects.filter(model=m).count() for m in by_model} == by_model
    # Every agreement tied to a county is that county's 287(g) policy record and sets its current 287(g).
    tied = Agreement287g.objects.filter(jurisdiction__isnull=False)
    assert PolicyRecord.objects.filter(dimension=Dimension.G287).count() == tied.count()
    colbert = county("01033")
    assert colbert.current_287g == Model287g.JAIL_ENFORCEMENT  # three models: the most entangling shown
    assert Agency.objects.get(name="Orange County Corrections Department").kind == Agency.Kind.JAIL
    assert Agency.objects.get(name="Florida Department of Corrections").kind == Agency.Kind.STATE_AGENCY
    assert Agency.objects.get(name="Tampa Police Department").kind == Agency.Kind.POLICE
    assert not Agreement287g.objects.filter(agency__kind=Agency.Kind.STATE_AGENCY, jurisdiction__isnull=False)

    records = PolicyRecord.objects.count()
    out, err = run("import_287g", PARTICIPATING)
    assert "Nothing changed: this file was already imported" in out
    assert Agreement287g.objects.count() == 832
    assert PolicyRecord.objects.count() == records


def test_import_287g_reports_or_corrects_each_known_defect_of_the_list(all_counties):
    _, err = run("import_287g", PARTICIPATING)
    where = f"{PARTICIPATING}:"
    # Year 5025: imported without a signed date, reported.
    assert f"{where}639: signed date 5025-07-07 is implausible" in err
    grundy = Agreement287g.objects.get(agency__name="Grundy County Sheriff's Office", state__postal="TN")
    assert grundy.signed_date is None and grundy.jurisdiction.fips == "47061"
    # Misspelt counties: read as the closest county of the state, reported.
    assert f"{where}11: county 'Frankin County' is not a county of AL; read as Franklin County" in err
    assert f"{where}42: county 'Layafette County' is not a county of AR; read as Lafayette County" in err
    assert f"{where}75: county 'Flagere County' is not a county of FL; read as Flagler County" in err
    franklin = Agreement287g.objects.filter(agency__name="Franklin County Sheriff's Office", state__postal="AL")
    assert {agreement.jurisdiction.fips for agreement in franklin} == {"01059"}
    assert county("05073").agreements.exists()  # Lafayette County, AR
    assert Agreement287g.objects.get(agency__name="Bunnell Police Department").jurisdiction.fips == "12035"
    # A county in another state: kept without a county, reported.
    assert f"{where}48: county 'Bowie County' is not in AR (there is one in TX)" in err
    assert Agreement287g.objects.get(agency__name="Texarkana Police Department").jurisdiction is None
    assert not county("48037").agreements.exists()  # Bowie County, TX
    # A sheriff's office listed in another county is put in the county it is named after.
    assert f"{where}644: Madison County Sheriff's Office is listed in Macon County" in err
    assert Agency.objects.get(name="Madison County Sheriff's Office", state__postal="TN").jurisdiction.fips == "47113"
    # #N/A counties: municipal and state agencies without a county, nothing to report.
    n_a = [i + 2 for i, row in enumerate(rows_of(PARTICIPATING)) if row["county"] == "#N/A"]
    assert len(n_a) > 200
    assert not [line for line in n_a if f"{where}{line}:" in err]
    assert Agreement287g.objects.get(agency__name="Okeechobee Police Department").jurisdiction is None


def test_import_287g_state_typo_is_read_as_the_closest_state(tmp_path, counties_of):
    counties_of("UT")
    history = [
        row for row in rows_of(DATA / "ice_287g_sheet_history_2025-05_to_2025-07.csv") if row["state"] == "UTAHJ"
    ]
    assert len(history) == 1
    path = write_rows(tmp_path / "ice_287g_participating_2025-07-08.csv", history)
    with pytest.raises(CommandError, match="sheet history"):
        run("import_287g", path)
    fields = ["state", "state_postal", "agency", "agency_type", "county", "support_type", "signed_date", "county_fips"]
    path = write_rows(path, [{name: history[0][name] for name in fields}], fields)
    _, err = run("import_287g", path)
    assert f"{path}:2: state 'UTAHJ' read as Utah (UT)" in err
    agreement = Agreement287g.objects.get()
    assert (agreement.state.postal, agreement.jurisdiction.name) == ("UT", "Weber County")


def _tn_rows():
    return [row for row in rows_of(PARTICIPATING) if row["state_postal"] == "TN"]


def test_reimporting_a_newer_smaller_list_closes_the_missing_agreements(tmp_path, counties_of):
    counties_of("TN")
    rows = _tn_rows()
    first = write_rows(tmp_path / "ice_287g_participating_2025-07-18.csv", rows)
    run("import_287g", first)
    hamilton = county("47065")
    assert hamilton.current_287g == Model287g.JAIL_ENFORCEMENT
    gone = [row for row in rows if row["agency"] == "Hamilton County Sheriff's Office"]
    newer = write_rows(tmp_path / "ice_287g_participating_2025-09-01.csv", [r for r in rows if r not in gone])

    out, _ = run("import_287g", newer)

    assert f"Closed {len(gone)} agreement(s) no longer on the participating list" in out
    assert "Nothing changed" not in out
    closed = Agreement287g.objects.get(agency__name="Hamilton County Sheriff's Office")
    assert (closed.status, closed.end_date) == ("ended", datetime.date(2025, 9, 1))
    assert closed.last_listed == datetime.date(2025, 7, 18)
    assert Agreement287g.objects.filter(status="active").count() == len(rows) - len(gone)
    hamilton.refresh_from_db()
    assert hamilton.current_287g == ""
    history = list(hamilton.policy_records.filter(dimension=Dimension.G287).values_list("value", "effective_date"))
    assert (PolicyValue.NONE, datetime.date(2025, 9, 1)) in history
    assert (PolicyValue.JAIL_ENFORCEMENT, closed.signed_date) in history

    out, _ = run("import_287g", newer)
    assert "Closed" not in out and "Nothing changed" in out


def test_an_older_list_closes_nothing(tmp_path, counties_of):
    counties_of("TN")
    rows = _tn_rows()
    run("import_287g", write_rows(tmp_path / "ice_287g_participating_2025-07-18.csv", rows))
    signed = dict(Agreement287g.objects.values_list("pk", "signed_date"))
    out, err = run("import_287g", write_rows(tmp_path / "older.csv", rows[:3]), "--as-of", "2025-06-01")
    assert not Agreement287g.objects.filter(status="ended").exists()
    assert dict(Agreement287g.objects.values_list("pk", "signed_date")) == signed
    assert "Kept as an older list: the participating list of 2025-07-18 is newer" in out
    older = ListSnapshot.objects.get(list_date=datetime.date(2025, 6, 1))
    assert not older.applied and not older.changes.exists()


def test_pending_list_is_pending_and_never_closes_participating_agreements(tmp_path, counties_of):
    counties_of("TN", "LA")
    participating = [row for row in rows_of(PARTICIPATING) if row["state_postal"] in {"TN", "LA"}]
    run("import_287g", write_rows(tmp_path / "ice_287g_participating_2025-07-18.csv", participating))
    out, err = run("import_287g", PENDING)
    pending = rows_of(PENDING)
    assert Agreement287g.objects.filter(status="pending").count() == len(pending) - 1
    assert f"{PENDING}:17: Haywood County Sheriff's Office (Warrant Service Officer) is already active" in err
    assert f"{PENDING}:10: county 'German Coast County' not found in LA" in err
    assert Agreement287g.objects.filter(status="active").count() == len(participating)
    assert "Closed" not in out
    # Pending agreements are not policy: no 287(g) record, no current 287(g).
    assert not PolicyRecord.objects.filter(agreement__status="pending").exists()


def test_a_pending_agreement_on_the_participating_list_becomes_active(tmp_path, counties_of):
    counties_of("TX")
    run("import_287g", PENDING)
    denton = Agreement287g.objects.get(agency__name="Denton County Sheriff's Office")
    assert denton.status == "pending" and county("48121").current_287g == ""
    row = dict.fromkeys(rows_of(PARTICIPATING)[0], "")
    row |= {
        "state": "TEXAS",
        "state_postal": "TX",
        "agency": "Denton County Sheriff's Office",
        "agency_type": "County",
        "county": "Denton County",
        "support_type": "Jail Enforcement Model",
        "signed_date": "2025-08-20",
        "county_fips": "48121",
    }
    run("import_287g", write_rows(tmp_path / "ice_287g_participating_2025-09-01.csv", [row]))
    denton.refresh_from_db()
    assert (denton.status, denton.signed_date) == ("active", datetime.date(2025, 8, 20))
    assert county("48121").current_287g == Model287g.JAIL_ENFORCEMENT
    # The next pending list has neither Denton nor Bailey: Bailey's pending agreement ends (it never took
    # effect, so no policy record); Denton's active one is not closed by a pending list.
    dropped = {"Denton County Sheriff's Office", "Bailey County Sheriff's Office"}
    others = [r for r in rows_of(PENDING) if r["agency"] not in dropped]
    out, _ = run("import_287g", write_rows(tmp_path / "ice_287g_pending_2025-09-02.csv", others))
    denton.refresh_from_db()
    assert denton.status == "active"
    assert "Closed 1 agreement(s) no longer on the pending list" in out
    bailey = Agreement287g.objects.get(agency__name="Bailey County Sheriff's Office")
    assert (bailey.status, bailey.end_date) == ("ended", datetime.date(2025, 9, 2))
    assert not bailey.policy_records.exists()
    assert Agreement287g.objects.filter(status="pending").count() == len(others)


def test_bad_287g_rows_are_reported_and_good_rows_still_load(tmp_path, counties_of):
    counties_of("TN")
    rows = _tn_rows()[:4]
    bad = [
        dict(rows[0], support_type="Something Else"),
        dict(rows[1], agency=""),
        dict(rows[2], signed_date="7/72025", signed_raw="7/72025"),
        rows[3],
        rows[3],
    ]
    path = write_rows(tmp_path / "ice_287g_participating_2025-07-18.csv", bad)
    out, err = run("import_287g", path)
    assert f"{path}:2: support_type 'Something Else' is not" in err
    assert f"{path}:3: agency is blank" in err
    assert f"{path}:4: signed date '7/72025' read as 2025-07-07 (a slash left out)" in err
    assert (
        f"{path}:6: {rows[3]['agency']} ({rows[3]['support_type']}) is listed twice; the row at line 5 was kept" in err
    )
    assert "created 2, updated 0, unchanged 0, skipped 0, rejected 3" in out
    assert Agreement287g.objects.count() == 2


def test_287g_missing_column_is_a_clear_error(tmp_path, states):
    path = tmp_path / "list.csv"
    path.write_text("state,agency,county\nTEXAS,Some Police Department,#N/A\n")
    with pytest.raises(CommandError, match=r"missing column\(s\) TYPE, SUPPORT TYPE"):
        run("import_287g", path)
