"""What the importer tests share: the real files in SHARED_DATA_DIR, running a command, writing bad files,
and the states and counties loaded first."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from jurisdictions.models import (
    Jurisdiction,
)

DATA = Path(settings.SHARED_DATA_DIR)
PARTICIPATING = DATA / "ice_287g_participating_2025-07-18.csv"
PENDING = DATA / "ice_287g_pending_2025-07-18.csv"
STATE_LAWS = DATA / "state_ice_cooperation_laws_287g_watch_2026-09.csv"
RECORDS_LAWS = DATA / "state_public_records_laws_hole_v0.11.csv"
CONTACTS = DATA / "sheriff_office_contacts_FL_GA_NC_TN.csv"
FBI = DATA / "fbi_cde_law_enforcement_employees_agencies.csv"


def run(*args):
    """Run a command; returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows_of(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path, rows, fieldnames=None):
    """Write dict rows as CSV; returns the path."""
    fieldnames = fieldnames or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def states():
    run("import_jurisdictions", DATA / "us_states.csv")


@pytest.fixture
def all_counties():
    run("import_jurisdictions", DATA / "us_counties.csv")


@pytest.fixture
def counties_of(tmp_path, states):
    """Load the counties of some states only (fast), from a slice of the real file."""

    def load(*postals):
        rows = [row for row in rows_of(DATA / "us_counties.csv") if row["state"] in postals]
        run("import_jurisdictions", write_rows(tmp_path / "counties_slice.csv", rows))

    return load


def county(fips):
    return Jurisdiction.objects.get(fips=fips)


PARTICIPATING_XLSX = DATA / "ice_287g_participatingAgencies07182025pm.xlsx"
PENDING_XLSX = DATA / "ice_287g_pendingAgencies07182025pm.xlsx"


def sheet_rows(path):
    """(header, rows) of an ICE spreadsheet: each row a list of (value, hyperlink target or None)."""
    import openpyxl

    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [
        [(cell.value, cell.hyperlink.target if cell.hyperlink else None) for cell in cells]
        for cells in sheet.iter_rows()
    ]
    header = [value for value, _ in rows[0]]
    return header, [row for row in rows[1:] if any(value not in (None, "") for value, _ in row)]


def write_sheet(path, header, rows, title="Sheet1", before=()):
    """Write an ICE-style .xlsx (values with their hyperlinks), sheets titled ``before`` first; returns the path."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for other in before:
        workbook.create_sheet(other).append(["notes"])
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append([value for value, _ in row])
        for cell, (_, link) in zip(sheet[sheet.max_row], row, strict=False):
            if link:
                cell.hyperlink = link
    workbook.save(path)
    return path
