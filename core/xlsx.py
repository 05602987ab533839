"""A one-sheet XLSX workbook, written by openpyxl in write-only mode into a file, row by row.

openpyxl keeps the worksheet in a temporary file of its own while the rows come and packs the workbook
when it is saved, so memory does not grow with the rows. What it is told here:

- the header row is bold and frozen, each column has its width, and an autofilter covers every row;
- dates, date-times and times are real spreadsheet dates with a number format; numbers are numbers;
- text is always text: openpyxl would store text starting with "=" as a formula and "#N/A" as an
  error, so those cells are told they are strings; a column's guard (the exports' leading quote)
  runs first;
- characters XML 1.0 does not allow are removed, and text that happens to look like one of the
  spreadsheet's `_xHHHH_` escapes has its underscore escaped (`_x005F_`), so it reads as written.
"""

import math
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, time
from decimal import Decimal
from itertools import islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

TEXT, NUMBER, DATE, DATETIME, TIME = "text", "number", "date", "datetime", "time"
NUMBER_FORMATS = {DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm", TIME: "hh:mm"}

MAX_ROWS = 1_048_576  # a worksheet's rows, the header included


@dataclass(frozen=True)
class Column:
    kind: str = TEXT
    width: float = 16
    guard: object = None  # text columns: (text) -> text, applied to every non-empty cell before it is written


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_SPECIAL = re.compile(f"{_FORBIDDEN.pattern}|{_ESCAPE_LOOKALIKE.pattern}")


def clean_text(value):
    """Text as a cell can hold it: without what XML forbids, escape lookalikes escaped."""
    if _SPECIAL.search(value) is None:
        return value
    return _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", _FORBIDDEN.sub("", value))


def sheet_name(title):
    """A valid worksheet name: at most 31 characters, none of []:*?/\\, not empty."""
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip().strip("'")[:31].strip()
    return name or "Sheet1"


def _stored_width(width):
    """A width in characters as Excel stores it: with the padding of its default font (7-pixel digits)."""
    return int((max(width, 1) * 7 + 5) / 7 * 256) / 256


def _finite(value):
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int | float) and math.isfinite(value)


def _string_cell(sheet, value, font=None):
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _text_maker(sheet, guard=None):
    def make_text(value):
        if value is None:
            return None
        if value.__class__ is not str:
            value = str(value)
        if guard is not None and value:
            value = guard(value)
        value = clean_text(value)
        if not value:
            return None
        if value[0] in "=#":
            # openpyxl would take it for a formula or an error value.
            return _string_cell(sheet, value)
        return value

    return make_text


def _cell_maker(sheet, column):
    """value -> what the sheet is given for it (a value, a styled cell or None). Chosen once per column."""
    kind = column.kind
    text = _text_maker(sheet, column.guard)
    if kind == NUMBER:

        def make_number(value):
            if value.__class__ is int or value is None:
                return value
            if isinstance(value, bool):
                return int(value)
            if _finite(value):
                return value
            # Not a number a spreadsheet can hold (NaN, infinity, text): shown as the text it is.
            return text(value) if value != "" else None

        return make_number
    if kind in NUMBER_FORMATS:
        # One styled cell a column, given each row's value: openpyxl writes it before the next row.
        cell = WriteOnlyCell(sheet)
        cell.number_format = NUMBER_FORMATS[kind]

        def make_date(value):
            if value is None or value == "":
                return None
            if not isinstance(value, date | time):
                return text(value)
            cell.value = value
            return cell

        return make_date
    return text


def write(file, *, title, columns, header, rows, created, creator=""):
    """Writes a workbook of one sheet named after `title` to `file` (a path, or a binary file to write).

    `columns` is a Column per column (kind and width), `header` the header row's titles, `rows` an
    iterable of rows of values (None or "" for an empty cell): text for TEXT, int/float/Decimal for
    NUMBER, date/datetime/time (naive, in the reader's time zone) for DATE, DATETIME and TIME.
    `created` (an aware datetime) dates the file. At most MAX_ROWS rows are written, the header
    included; returns how many rows under the header were.
    """
    book = Workbook(write_only=True)
    name = sheet_name(title)
    book.properties.title = name
    book.properties.creator = creator
    book.properties.created = created.astimezone(UTC).replace(tzinfo=None)
    sheet = book.create_sheet(name)
    # What comes before the rows in the worksheet is set before the first one is written.
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = _stored_width(column.width)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_string_cell(sheet, clean_text(str(words)), bold) for words in header])
    makers = [_cell_maker(sheet, column) for column in columns]
    count = 0
    try:
        for row in islice(rows, MAX_ROWS - 1):
            sheet.append([make(value) for make, value in zip(makers, row, strict=True)])
            count += 1
    except BaseException:
        # openpyxl removes the worksheet's temporary file when the workbook is saved, else only at exit.
        with suppress(Exception):
            sheet.close()
        sheet._writer.cleanup()
        raise
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(count + 1, 2)}"
    book.save(file)
    return count
