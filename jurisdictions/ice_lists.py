"""Reading ICE's 287(g) lists as ICE publishes them.

ICE posts two spreadsheets on ice.gov/identify-and-arrest/287g, participating and pending agencies, as
.xlsx files named after the list's date (``participatingAgencies07182025pm.xlsx``). The links to each
memorandum of agreement are the cells' hyperlinks, often wrapped in Outlook SafeLinks, and the
support type is spelt several ways. A CSV made from the spreadsheet (``ice_287g_participating_<date>.csv``)
is read too, with either ICE's headers or the converted ones.
"""

import datetime
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
from django.core.management.base import CommandError

from core.importing import read_csv_rows

from .importers import read_header
from .models import Model287g
from .naming import fold

PARTICIPATING, PENDING = "participating", "pending"

# ICE's headers (stray spaces and case ignored) and the converted CSV's, to one column name each.
COLUMNS = {
    "state": "state",
    "state postal": "state_postal",
    "law enforcement agency": "agency",
    "agency": "agency",
    "type": "agency_type",
    "agency type": "agency_type",
    "county": "county",
    "county fips": "county_fips",
    "support type": "support_type",
    "signed": "signed_date",
    "signed date": "signed_date",
    "signed raw": "signed_raw",
    "moa": "moa",
    "moa url": "moa_url",
    "addendum": "addendum",
    "addendum url": "addendum_url",
}
# The column whose cell hyperlink is the address of each linked document.
LINK_COLUMNS = {"moa": "moa_url", "addendum": "addendum_url"}
REQUIRED = ("state", "agency", "agency_type", "county", "support_type")
ICE_HEADERS = {
    "state": "STATE",
    "agency": "LAW ENFORCEMENT AGENCY",
    "agency_type": "TYPE",
    "county": "COUNTY",
    "support_type": "SUPPORT TYPE",
}

# Every spelling of the three models ICE has used (folded: case, punctuation and spaces ignored).
MODELS = {
    "jail enforcement model": Model287g.JAIL_ENFORCEMENT,
    "jail enforcement": Model287g.JAIL_ENFORCEMENT,
    "jem": Model287g.JAIL_ENFORCEMENT,
    "task force model": Model287g.TASK_FORCE,
    "task force officer": Model287g.TASK_FORCE,
    "task force": Model287g.TASK_FORCE,
    "tfm": Model287g.TASK_FORCE,
    "warrant service officer": Model287g.WARRANT_SERVICE,
    "warrant services officer": Model287g.WARRANT_SERVICE,
    "warrant service officer model": Model287g.WARRANT_SERVICE,
    "warrant service": Model287g.WARRANT_SERVICE,
    "wso": Model287g.WARRANT_SERVICE,
}

# participatingAgencies07182025pm, 287gParticipatingAgencies071825pm, ParticipatingAgency071825am,
# ParticipatingAgencies07182025pm, pendingAgencies07182025pm (a prefix such as "ice_287g_" allowed).
_ICE_NAME = re.compile(r"(participating|pending)[ _-]?agenc(?:y|ies)[ _-]?(\d{6,8})[ _-]?(am|pm)?", re.IGNORECASE)
_ISO_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
FIRST_LIST_YEAR = 2002


@dataclass
class ListName:
    """What a file's name says about the list: its kind, date and half of the day."""

    kind: str = ""
    date: datetime.date | None = None
    half: str = ""  # "am", "pm" or "" when ICE did not say
    problem: str = ""  # a date in the name that cannot be right


def read_list_name(path, today=None):
    """The kind, date and am/pm of an ICE list from its file name (any of the names ICE has used)."""
    name = Path(path).name
    today = today or datetime.date.today()
    match = _ICE_NAME.search(name)
    if match:
        kind = PENDING if match.group(1).lower() == PENDING else PARTICIPATING
        digits, half = match.group(2), (match.group(3) or "").lower()
        if len(digits) == 7:
            return ListName(kind=kind, half=half, problem=f"{digits!r} in the file name is not MMDDYY or MMDDYYYY")
        month, day, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        if len(digits) == 6:
            year += 2000
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            date = None
        if date is None or not FIRST_LIST_YEAR <= date.year <= today.year + 1:
            return ListName(
                kind=kind,
                half=half,
                problem=f"{digits!r} in the file name is not a possible date (month {month}, day {day}, year {year})",
            )
        return ListName(kind=kind, date=date, half=half)
    lower = name.lower()
    kind = PENDING if PENDING in lower else PARTICIPATING if PARTICIPATING in lower else ""
    match = _ISO_NAME.search(name)
    if match:
        try:
            return ListName(kind=kind, date=datetime.date(*map(int, match.groups())))
        except ValueError:
            return ListName(kind=kind, problem=f"{match.group(0)!r} in the file name is not a date")
    return ListName(kind=kind)


def model_of(text):
    """The model for a support type as ICE has written it, or None."""
    return MODELS.get(fold(text))


def unwrap_link(url):
    """The real address behind an Outlook SafeLinks wrapper (``…safelinks.protection.outlook.com/?url=…``)."""
    url = (url or "").strip()
    for _ in range(3):
        parts = urlsplit(url)
        if not parts.hostname or not parts.hostname.endswith("safelinks.protection.outlook.com"):
            break
        inner = parse_qs(parts.query).get("url")
        if not inner:
            break
        url = inner[0].strip()
    return url


def _header_key(text):
    return COLUMNS.get(" ".join(str(text or "").replace("_", " ").split()).lower())


def _missing_columns(path, header, row_number=1):
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        wanted = ", ".join(ICE_HEADERS[name] for name in missing)
        raise CommandError(
            f"{path}:{row_number}: missing column(s) {wanted}; ICE's lists have the headers "
            f"{', '.join(ICE_HEADERS.values())} (and SIGNED, MOA, ADDENDUM on the participating list)."
        )


def _sniff(path):
    """'xlsx' or 'csv' for a file that can be an ICE list; CommandError (one line) for anything else."""
    try:
        with Path(path).open("rb") as handle:
            start = handle.read(1024)
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from exc
    if not start:
        raise CommandError(f"{path}: the file is empty; expected ICE's spreadsheet.")
    if start.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<?xml")) or b"<html" in text:
        raise CommandError(
            f"{path}: this is a web page (HTML), not a spreadsheet: ICE's site served a page instead of the list. "
            "Nothing was imported; download the list again."
        )
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise CommandError(f"{path}: this is an old Excel .xls file; save it as .xlsx or CSV. Nothing was imported.")
    if Path(path).suffix.lower() in {".xlsx", ".xlsm", ".xls"} or b"\x00" in start:
        raise CommandError(f"{path}: this is not a spreadsheet (not an .xlsx file). Nothing was imported.")
    return "csv"


def _pick_sheet(workbook):
    for sheet in workbook.worksheets:
        title = fold(sheet.title)
        if "data" in title.split() or title.replace(" ", "") == "sheet1":
            return sheet
    return workbook.worksheets[0]


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _read_xlsx(path):
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, openpyxl.utils.exceptions.InvalidFileException) as exc:
        raise CommandError(f"{path}: this is not a readable .xlsx spreadsheet ({exc}). Nothing was imported.") from exc
    sheet = _pick_sheet(workbook)
    rows = sheet.iter_rows()
    header, header_row = [], 0
    for cells in rows:
        header_row = cells[0].row if cells else header_row + 1
        header = [_header_key(cell.value) for cell in cells]
        if any(header):
            break
    _missing_columns(f"{path} (sheet {sheet.title!r})", header, header_row)
    found = [name for name in header if name]
    for name in LINK_COLUMNS.values():
        if name not in found:
            found.append(name)
    result = []
    for cells in rows:
        row = dict.fromkeys(found, "")
        for name, cell in zip(header, cells, strict=False):
            if not name:
                continue
            row[name] = _cell_text(cell.value)
            if name in LINK_COLUMNS:
                target = cell.hyperlink.target if cell.hyperlink is not None else ""
                if not target and row[name].lower().startswith(("http://", "https://")):
                    target = row[name]
                row[LINK_COLUMNS[name]] = unwrap_link(target or "")
        if any(row.values()):
            result.append((cells[0].row, row))
    return found, result


def _read_csv(path):
    rows = []
    header = None
    for line, row in read_csv_rows(path):
        if row is None or "__error__" in row:
            rows.append((line, row))
            continue
        renamed = {}
        for name, value in row.items():
            renamed[_header_key(name) or name] = value
        for name in ("moa_url", "addendum_url"):
            if name in renamed:
                renamed[name] = unwrap_link(renamed[name])
        header = header or list(renamed)
        rows.append((line, renamed))
    if header is None:
        header = [_header_key(name) or name for name in read_header(path)]
    _missing_columns(path, header)
    return header, rows


def read_list(path):
    """(format, header, [(line or spreadsheet row, row dict)]) of an ICE list in .xlsx or CSV.

    Raises CommandError with one line when the file is not a spreadsheet (an HTML error page served as
    .xlsx, for one) or lacks ICE's columns; nothing has been read into the database by then.
    """
    kind = _sniff(path)
    if kind == "xlsx":
        header, rows = _read_xlsx(path)
    else:
        header, rows = _read_csv(path)
    return kind, header, rows
