"""import_287g on ICE's spreadsheets as published: the real .xlsx files and files made from them."""

import datetime

import pytest
from django.core.management.base import CommandError

from jurisdictions.ice_lists import model_of, read_list_name, unwrap_link
from jurisdictions.models import Agreement287g, Model287g
from tests.importer_fixtures import (
    PARTICIPATING,
    PARTICIPATING_XLSX,
    PENDING_XLSX,
    rows_of,
    run,
    sheet_rows,
    write_sheet,
)

pytestmark = pytest.mark.django_db

ICE = "https://www.ice.gov/doclib/287gMOA/ColbertCoSheriffsOfficeAL_WSO_MOA_05.08.25.pdf"
SAFELINK = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2F"
    "ColbertCoSheriffsOfficeAL_WSO_MOA_05.08.25.pdf&data=05%7C02%7C&sdata=x%3D&reserved=0"
)


def test_the_published_participating_spreadsheet_loads_as_it_is(all_counties):
    out, err = run("import_287g", PARTICIPATING_XLSX)
    assert "ICE participating list dated 2025-07-18 pm (from file name)" in out
    assert "created 832, updated 0, unchanged 0, skipped 0, rejected 0" in out
    assert Agreement287g.objects.filter(status="active").count() == 832
    links = list(Agreement287g.objects.exclude(moa_url="").values_list("moa_url", flat=True))
    assert len(links) == 603
    assert all(link.split("/")[2] == "www.ice.gov" for link in links)
    assert Agreement287g.objects.exclude(addendum_url="").count() == 39
    colbert = Agreement287g.objects.get(agency__name="Colbert County Sheriff's Office", model=Model287g.WARRANT_SERVICE)
    assert colbert.moa_url == ICE
    assert colbert.signed_date == datetime.date(2025, 5, 8)
    # "Task Force Model " with a trailing space is the task force model.
    by_model = dict.fromkeys(Model287g.values, 0)
    for model in Agreement287g.objects.values_list("model", flat=True):
        by_model[model] += 1
    assert by_model == {Model287g.TASK_FORCE: 415, Model287g.WARRANT_SERVICE: 300, Model287g.JAIL_ENFORCEMENT: 117}
    # ICE's two slash typos are read; Grundy County's year 5025 is dropped and reported.
    tooele = Agreement287g.objects.filter(agency__name="Tooele County Sheriff's Office")
    assert datetime.date(2025, 7, 7) in {agreement.signed_date for agreement in tooele}
    assert "signed date '7/72025' read as 2025-07-07 (a slash left out)" in err
    grundy = Agreement287g.objects.get(agency__name="Grundy County Sheriff's Office", state__postal="TN")
    assert grundy.signed_date is None


def test_the_spreadsheet_and_the_csv_made_from_it_are_the_same_agreements(all_counties):
    run("import_287g", PARTICIPATING_XLSX)
    out, _ = run("import_287g", PARTICIPATING)
    assert "created 0, updated 0, unchanged 832" in out
    assert len(rows_of(PARTICIPATING)) == 832
    hopewell = Agreement287g.objects.filter(agency__name="Hopewell County Sheriff's Office")
    assert {agreement.jurisdiction.fips for agreement in hopewell} == {"51670"}  # Hopewell city, VA


def test_the_published_pending_spreadsheet_loads_as_pending(all_counties):
    out, _ = run("import_287g", PENDING_XLSX)
    assert "ICE pending list dated 2025-07-18" in out
    assert "rejected 0" in out
    assert Agreement287g.objects.filter(status="pending").count() == 26


def test_headers_with_stray_spaces_and_case_and_every_model_spelling_are_read(tmp_path, counties_of):
    counties_of("AL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    alabama = [row for row in rows if row[0][0] == "ALABAMA"][:5]
    spellings = ["Task Force Officer", "Warrant Services Officer ", "Jail Enforcement Model ", "task force model", None]
    for row, spelling in zip(alabama, spellings, strict=True):
        if spelling:
            row[4] = (spelling, None)
    messy = [f"  {name.lower()} " if name else name for name in header]
    path = write_sheet(tmp_path / "287gParticipatingAgencies071825pm.xlsx", messy, alabama)
    out, err = run("import_287g", path)
    assert "rejected 0" in out, err
    assert Agreement287g.objects.count() == 5


def test_the_data_sheet_is_read_before_other_sheets(tmp_path, counties_of):
    counties_of("AL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    alabama = [row for row in rows if row[0][0] == "ALABAMA"][:3]
    name = tmp_path / "participatingAgencies07182025pm.xlsx"
    path = write_sheet(name, header, alabama, title="Data", before=["Notes"])
    out, err = run("import_287g", path)
    assert "created 3" in out, err


def test_safelinks_are_unwrapped_to_the_ice_address():
    assert unwrap_link(SAFELINK) == ICE
    assert unwrap_link(ICE) == ICE
    assert unwrap_link("") == ""


@pytest.mark.parametrize(
    ("name", "kind", "date", "half"),
    [
        ("participatingAgencies07182025pm.xlsx", "participating", datetime.date(2025, 7, 18), "pm"),
        ("287gParticipatingAgencies060926am.xlsx", "participating", datetime.date(2026, 6, 9), "am"),
        ("ParticipatingAgency031125pm.xlsx", "participating", datetime.date(2025, 3, 11), "pm"),
        ("ParticipatingAgencies01222025pm.xlsx", "participating", datetime.date(2025, 1, 22), "pm"),
        ("pendingAgencies07182025pm.xlsx", "pending", datetime.date(2025, 7, 18), "pm"),
        ("ice_287g_participating_2025-07-18.csv", "participating", datetime.date(2025, 7, 18), ""),
    ],
)
def test_the_list_date_is_read_from_every_name_ice_has_used(name, kind, date, half):
    named = read_list_name(name, today=datetime.date(2026, 12, 7))
    assert (named.kind, named.date, named.half, named.problem) == (kind, date, half, "")


def test_an_impossible_date_in_the_name_asks_for_as_of(tmp_path, counties_of):
    counties_of("AL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    path = write_sheet(tmp_path / "participatingAgencies03113025pm.xlsx", header, rows[:2])
    with pytest.raises(CommandError, match=r"'03113025' in the file name is not a possible date.*--as-of"):
        run("import_287g", path)
    assert not Agreement287g.objects.exists()
    out, _ = run("import_287g", path, "--as-of", "2025-03-11")
    assert "dated 2025-03-11 pm (from --as-of)" in out


def test_a_name_without_a_date_asks_for_as_of(tmp_path, states):
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    path = write_sheet(tmp_path / "list.xlsx", header, rows[:2])
    with pytest.raises(CommandError, match="carries no list date.*--as-of"):
        run("import_287g", path)


def test_an_html_page_named_xlsx_is_refused_in_one_line_and_changes_nothing(tmp_path, all_counties):
    run("import_287g", PARTICIPATING_XLSX)
    page = tmp_path / "participatingAgencies07212025am.xlsx"
    page.write_text("<!DOCTYPE html>\n<html><head><title>Access Denied</title></head><body>Error</body></html>")
    with pytest.raises(CommandError) as refused:
        run("import_287g", page)
    message = str(refused.value)
    assert "web page (HTML), not a spreadsheet" in message
    assert "\n" not in message
    assert Agreement287g.objects.filter(status="active").count() == 832


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path, states):
    junk = tmp_path / "participatingAgencies07212025am.xlsx"
    junk.write_bytes(b"\x00\x01binary")
    with pytest.raises(CommandError, match=r"not a spreadsheet \(not an \.xlsx file\)"):
        run("import_287g", junk)
    broken = tmp_path / "participatingAgencies07222025am.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(CommandError, match="not a readable .xlsx spreadsheet"):
        run("import_287g", broken)


def test_a_spreadsheet_without_ice_columns_names_them(tmp_path, states):
    path = write_sheet(tmp_path / "participatingAgencies07182025pm.xlsx", ["STATE", "COUNTY"], [[("TEXAS", None)]])
    with pytest.raises(CommandError, match=r"missing column\(s\) LAW ENFORCEMENT AGENCY, TYPE, SUPPORT TYPE"):
        run("import_287g", path)


def test_every_model_spelling_is_known():
    assert model_of("Task Force Officer") == Model287g.TASK_FORCE
    assert model_of("Warrant Services Officer") == Model287g.WARRANT_SERVICE
    assert model_of("Jail Enforcement Model ") == Model287g.JAIL_ENFORCEMENT
