"""Every ICE list imported is kept, and each records what it changed: a later list, a truncated one, an older one."""

import datetime
import hashlib

import pytest
from django.core.management.base import CommandError

from jurisdictions.models import Agreement287g, ListChange, ListSnapshot, Model287g
from tests.importer_fixtures import PARTICIPATING_XLSX, run, sheet_rows, write_sheet

pytestmark = pytest.mark.django_db

MOA = "https://www.ice.gov/doclib/287gMOA/CherokeeCoSO_WSO_MOA_07.20.25.pdf"


@pytest.fixture
def alabama(tmp_path, counties_of):
    """ICE's list of 2025-07-18 cut to Alabama, imported; returns (header, rows) to make later lists from."""
    counties_of("AL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    rows = [row for row in rows if row[0][0] == "ALABAMA"]
    run("import_287g", write_sheet(tmp_path / "participatingAgencies07182025pm.xlsx", header, rows))
    return header, rows


def _agency(rows, index):
    return rows[index][1][0]


def later_list(rows):
    """ICE's next list: one agreement dropped, one re-modelled, one new, a date corrected, an MOA link added."""
    rows = [list(row) for row in rows]
    dropped = rows.pop(5)
    # Cherokee's warrant service agreement (row 0) now has its memorandum; Colbert's date (row 1) corrected.
    rows[0][6] = ("link", MOA)
    rows[1][5] = (datetime.datetime(2025, 7, 3), None)
    # An agency with one agreement switches to the jail enforcement model: its old one ends, a new one starts.
    names = [row[1][0] for row in rows]
    index = next(
        i
        for i, row in enumerate(rows)
        if i > 5 and names.count(names[i]) == 1 and row[4][0] != "Jail Enforcement Model"
    )
    remodelled = list(rows[index])
    rows[index][4] = ("Jail Enforcement Model", None)
    new = list(rows[3])
    new[1] = ("Etowah County Sheriff's Office", None)
    new[3] = ("Etowah County", None)
    new[4] = ("Task Force Model", None)
    rows.append(new)
    return rows, dropped, remodelled


def test_the_published_list_is_kept_with_its_date_hash_rows_and_file(all_counties):
    run("import_287g", PARTICIPATING_XLSX)
    snapshot = ListSnapshot.objects.get()
    data = PARTICIPATING_XLSX.read_bytes()
    assert (snapshot.kind, snapshot.list_date, snapshot.list_half) == (
        "participating",
        datetime.date(2025, 7, 18),
        "pm",
    )
    assert snapshot.sha256 == hashlib.sha256(data).hexdigest()
    assert snapshot.row_count == 832
    assert snapshot.imported_at is not None
    assert snapshot.file.read() == data
    assert snapshot.baseline and not snapshot.changes.exists()


def test_the_same_file_again_changes_nothing(alabama, tmp_path):
    header, rows = alabama
    before = list(Agreement287g.objects.values_list("pk", "status", "last_listed", "signed_date"))
    out, _ = run("import_287g", tmp_path / "participatingAgencies07182025pm.xlsx")
    assert "Nothing changed: this file was already imported" in out
    assert ListSnapshot.objects.count() == 1
    assert list(Agreement287g.objects.values_list("pk", "status", "last_listed", "signed_date")) == before


def test_a_later_list_records_each_change(alabama, tmp_path):
    header, rows = alabama
    rows, dropped, remodelled = later_list(rows)
    out, _ = run("import_287g", write_sheet(tmp_path / "participatingAgencies07252025am.xlsx", header, rows))
    snapshot = ListSnapshot.objects.get(list_date=datetime.date(2025, 7, 25))
    assert snapshot.applied and not snapshot.baseline and snapshot.list_half == "am"
    changes = {
        (change.kind, change.agreement.agency.name) for change in snapshot.changes.select_related("agreement__agency")
    }
    assert changes == {
        ("ended", dropped[1][0]),
        ("model_changed", remodelled[1][0]),
        ("added", "Etowah County Sheriff's Office"),
        ("signed_corrected", _agency(rows, 1)),
        ("moa_added", _agency(rows, 0)),
    }
    corrected = snapshot.changes.get(kind="signed_corrected")
    assert (corrected.old_value, corrected.new_value) == ("2025-07-02", "2025-07-03")
    switch = snapshot.changes.get(kind="model_changed")
    assert switch.previous_agreement.status == "ended"
    assert (switch.old_value, switch.new_value) == (switch.previous_agreement.model, Model287g.JAIL_ENFORCEMENT)
    assert "Changes: New agreement 1, Agreement ended 1, Model changed 1" in out


def test_a_truncated_list_is_refused_with_the_count_unless_forced(alabama, tmp_path):
    header, rows = alabama
    active = Agreement287g.objects.filter(status="active").count()
    path = write_sheet(tmp_path / "participatingAgencies07252025pm.xlsx", header, rows[:6])
    with pytest.raises(CommandError, match=rf"would end {active - 6} of the {active} agreements"):
        run("import_287g", path)
    assert Agreement287g.objects.filter(status="active").count() == active
    assert ListSnapshot.objects.count() == 1

    run("import_287g", path, "--force")
    assert Agreement287g.objects.filter(status="active").count() == 6
    assert ListSnapshot.objects.get(list_date=datetime.date(2025, 7, 25)).changes.filter(kind="ended").count() == (
        active - 6
    )


def test_the_threshold_is_set_with_max_closing(alabama, tmp_path):
    header, rows = alabama
    keep = len(rows) * 3 // 4
    path = write_sheet(tmp_path / "participatingAgencies07252025pm.xlsx", header, rows[:keep])
    with pytest.raises(CommandError, match="more than --max-closing 20%"):
        run("import_287g", path)
    run("import_287g", path, "--max-closing", "30")
    assert Agreement287g.objects.filter(status="active").count() == keep


def test_an_older_list_is_recorded_and_changes_no_agreement(alabama, tmp_path):
    header, rows = alabama
    before = list(Agreement287g.objects.order_by("pk").values_list("pk", "status", "end_date", "last_listed"))
    out, _ = run("import_287g", write_sheet(tmp_path / "participatingAgencies07012025pm.xlsx", header, rows[:3]))
    assert "Kept as an older list: the participating list of 2025-07-18 pm is newer" in out
    older = ListSnapshot.objects.get(list_date=datetime.date(2025, 7, 1))
    assert not older.applied and older.row_count == 3 and not older.changes.exists()
    assert list(Agreement287g.objects.order_by("pk").values_list("pk", "status", "end_date", "last_listed")) == before


def test_the_morning_list_after_the_afternoon_one_is_older(alabama, tmp_path):
    header, rows = alabama
    out, _ = run("import_287g", write_sheet(tmp_path / "participatingAgencies07182025am.xlsx", header, rows[:3]))
    assert "Kept as an older list" in out
    assert not Agreement287g.objects.filter(status="ended").exists()


def test_dry_run_prints_the_diff_and_writes_nothing(alabama, tmp_path):
    header, rows = alabama
    rows, dropped, _ = later_list(rows)
    before = list(Agreement287g.objects.order_by("pk").values_list("pk", "status", "signed_date", "moa_url"))
    out, _ = run(
        "import_287g", write_sheet(tmp_path / "participatingAgencies07252025am.xlsx", header, rows), "--dry-run"
    )
    assert "Dry run: nothing was written" in out
    assert f"Agreement ended: {dropped[1][0]}" in out
    assert "New agreement: Etowah County Sheriff's Office (Task force model), Etowah County" in out
    assert ListSnapshot.objects.count() == 1
    assert not ListChange.objects.exists()
    assert list(Agreement287g.objects.order_by("pk").values_list("pk", "status", "signed_date", "moa_url")) == before
