"""A one-sheet XLSX workbook written as a stream of bytes, row by row, for a StreamingHttpResponse.

The workbook's parts are written by hand and packed into a ZIP archive as they are made, so the first
bytes leave before the first row is read and memory does not grow with the rows:

- the worksheet holds every cell inline (`t="inlineStr"`): there is no shared-strings table to keep;
- the header row is bold and frozen, each column has its width, and dates, date-times and times are
  real spreadsheet dates with a number format; numbers are numbers; text is always text — never a
  formula, a link or a number, whatever it looks like;
- the autofilter over every row and the workbook's defined name for it come after the rows, once
  their count is known: the autofilter closes the worksheet and `xl/workbook.xml` is the last part.

The ZIP container is written the way Excel reads it from a stream: parts whose bytes are known
beforehand get an ordinary local header; the worksheet, whose size is not known until its last row,
gets a local header with zero sizes, "version needed 4.5" and a data descriptor with 8-byte sizes
(ZIP64), and the central directory and its end record switch to ZIP64 only when an offset or size does
not fit in 32 bits. (Python's `zipfile` writes a ZIP64 extra field with 0xFFFFFFFF sizes in a streamed
local header, which Excel refuses as a damaged file.)

Characters XML 1.0 does not allow (control characters other than tab, line feed and carriage return,
U+FFFE, U+FFFF and lone surrogates) are removed. A carriage return is written `_x000D_`, as Excel
writes it, since an XML parser would turn a raw one into a line feed; text that happens to look like
such an escape (`_x0041_`) has its underscore escaped (`_x005F_`), so it reads back as written.
"""

import math
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

TEXT, NUMBER, DATE, DATETIME, TIME = "text", "number", "date", "datetime", "time"

MAX_ROWS = 1_048_576  # a worksheet's rows, the header included
MAX_TEXT = 32_767  # characters in a cell
# Rows of XML gathered before they are compressed, and compressed bytes gathered before they are sent.
ROWS_PER_BATCH = 500
SEND_BYTES = 64 * 1024
COMPRESS_LEVEL = 1  # XML compresses well at the fastest level; higher levels cost seconds on big sheets

STYLE_BOLD, STYLE_DATE, STYLE_DATETIME, STYLE_TIME = 1, 2, 3, 4
NUMBER_FORMATS = {STYLE_DATE: "yyyy-mm-dd", STYLE_DATETIME: "yyyy-mm-dd hh:mm", STYLE_TIME: "hh:mm"}

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Column:
    kind: str = TEXT
    width: float = 16
    guard: object = None  # text columns: (text) -> text, applied to every non-empty cell before it is written


# --- text and values -----------------------------------------------------------------------------

# Everything in text that needs more than copying: XML's special characters, what XML 1.0 forbids,
# the carriage return, and what a spreadsheet would read as an _xHHHH_ escape.
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_x[0-9A-Fa-f]{4}_")
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPE_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "_x000D_"})


def xml_text(value):
    """Text as it goes between XML tags in a cell: escaped, without characters XML 1.0 forbids."""
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if _SPECIAL.search(value) is None:
        return value
    value = _FORBIDDEN.sub("", value)
    value = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", value)
    return value.translate(_XML_ESCAPES)


def xml_attribute(value):
    return xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


# Day 0 of a workbook's 1900 date system; serials from 1 March 1900 on count Excel's 29 February 1900.
_EPOCH = datetime(1899, 12, 31)
_DAY_SECONDS = 86400


def _days(day):
    days = (day - _EPOCH.date()).days
    return days + 1 if days > 59 else days


def _seconds(moment):
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def serial(value):
    """A date, date-time or time as the number a spreadsheet stores for it (days since its epoch)."""
    if isinstance(value, datetime):
        seconds = _seconds(value)
        days = _days(value.date())
        return str(days) if not seconds else repr(days + seconds / _DAY_SECONDS)
    if isinstance(value, date):
        return str(_days(value))
    if isinstance(value, time):
        return repr(_seconds(value) / _DAY_SECONDS)
    raise TypeError(f"Not a date or time: {value!r}")


def _finite(number):
    if isinstance(number, float):
        return math.isfinite(number)
    if isinstance(number, Decimal):
        return number.is_finite()
    return True


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _stored_width(width):
    """A width in characters as Excel stores it: with the padding of its default font (7-pixel digits)."""
    return int((max(width, 1) * 7 + 5) / 7 * 256) / 256


# --- cells ---------------------------------------------------------------------------------------


def _cell_writer(column, letter):
    """(value, row number as text) -> the cell's XML, or "" for an empty cell. Chosen once per column."""
    kind = column.kind
    opening = f'<c r="{letter}'
    if kind == NUMBER:

        def write_number(value, row):
            if value.__class__ is int:
                return f'{opening}{row}"><v>{value}</v></c>'
            if value is None or value == "":
                return ""
            if isinstance(value, bool):
                value = int(value)
            elif not _finite(value):
                # Not a number a spreadsheet can hold (NaN, infinity): shown as the text it is.
                return write_text(value, row)
            return f'{opening}{row}"><v>{value}</v></c>'

        write_text = _text_writer(opening, "")
        return write_number
    if kind in (DATE, DATETIME, TIME):
        style = {DATE: STYLE_DATE, DATETIME: STYLE_DATETIME, TIME: STYLE_TIME}[kind]

        def write_date(value, row):
            if value is None or value == "":
                return ""
            return f'{opening}{row}" s="{style}"><v>{serial(value)}</v></c>'

        return write_date
    return _text_writer(opening, "", column.guard)


def _text_writer(opening, style, guard=None):
    preserve = f'{style} t="inlineStr"><is><t xml:space="preserve">'
    plain = f'{style} t="inlineStr"><is><t>'
    special = _SPECIAL.search

    def write_text(value, row):
        if value is None:
            return ""
        if value.__class__ is not str:
            value = str(value)
        if guard is not None and value:
            value = guard(value)
        if len(value) > MAX_TEXT or special(value) is not None:
            value = xml_text(value)
        if not value:
            return ""
        # Spreadsheets drop leading and trailing spaces unless told to keep them.
        middle = preserve if value[0].isspace() or value[-1].isspace() else plain
        return f'{opening}{row}"{middle}{value}</t></is></c>'

    return write_text


# --- the parts of the workbook -------------------------------------------------------------------


def content_types():
    sheet_ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [
        ("/xl/workbook.xml", f"{sheet_ml}.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", f"{sheet_ml}.worksheet+xml"),
        ("/xl/styles.xml", f"{sheet_ml}.styles+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    return (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
        + "</Types>"
    )


def _relationships(targets):
    return (
        XML_HEAD
        + f'<Relationships xmlns="{PACKAGE_REL_NS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
            for i, (kind, target) in enumerate(targets, 1)
        )
        + "</Relationships>"
    )


def package_relationships():
    return _relationships(
        [
            (f"{REL_NS}/officeDocument", "xl/workbook.xml"),
            (f"{PACKAGE_REL_NS}/metadata/core-properties", "docProps/core.xml"),
            (f"{REL_NS}/extended-properties", "docProps/app.xml"),
        ]
    )


def workbook_relationships():
    return _relationships([(f"{REL_NS}/worksheet", "worksheets/sheet1.xml"), (f"{REL_NS}/styles", "styles.xml")])


def core_properties(title, creator, created):
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        XML_HEAD
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_text(title)}</dc:title><dc:creator>{xml_text(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_properties(application):
    return (
        XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>{xml_text(application)}</Application><DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop></Properties>"
    )


def styles():
    """Default font, bold font, and one cell format per style: plain, bold, date, date-time, time."""
    formats = "".join(
        f'<numFmt numFmtId="{163 + style - 1}" formatCode="{code}"/>' for style, code in NUMBER_FORMATS.items()
    )
    font = '<sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/>'
    cell_formats = (
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        + "".join(
            f'<xf numFmtId="{163 + style - 1}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            for style in NUMBER_FORMATS
        )
    )
    return (
        XML_HEAD + f'<styleSheet xmlns="{MAIN_NS}">'
        f'<numFmts count="{len(NUMBER_FORMATS)}">{formats}</numFmts>'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{2 + len(NUMBER_FORMATS)}">{cell_formats}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9"'
        ' defaultPivotStyle="PivotStyleLight16"/>'
        "</styleSheet>"
    )


def sheet_name(title):
    """A valid worksheet name: at most 31 characters, none of []:*?/\\, not empty."""
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip().strip("'")[:31].strip()
    return name or "Sheet1"


def _reference(name, last_column, last_row):
    quoted = "'" + name.replace("'", "''") + "'"
    return f"{quoted}!$A$1:${last_column}${last_row}"


def workbook(name, last_column, last_row):
    return (
        XML_HEAD + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        "<workbookPr/>"
        '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
        f'<sheets><sheet name="{xml_attribute(name)}" sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{xml_text(_reference(name, last_column, last_row))}</definedName></definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/>'
        "</workbook>"
    )


def sheet_head(columns, header):
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{_stored_width(column.width)}" customWidth="1"/>'
        for i, column in enumerate(columns, 1)
    )
    letters = [column_letter(i) for i in range(len(columns))]
    header_cells = "".join(
        _text_writer(f'<c r="{letter}', f' s="{STYLE_BOLD}"')(title, "1")
        for letter, title in zip(letters, header, strict=True)
    )
    return (
        XML_HEAD + f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{widths}</cols>"
        f'<sheetData><row r="1">{header_cells}</row>'
    )


def sheet_tail(last_column, last_row):
    return (
        f'</sheetData><autoFilter ref="A1:{last_column}{last_row}"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )


# --- the ZIP container ---------------------------------------------------------------------------

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_DESCRIPTOR = struct.Struct("<IIQQ")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_ZIP64_END = struct.Struct("<IQHHIIQQQQ")
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_END = struct.Struct("<IHHHHIIH")
DEFLATED = 8
VERSION_PLAIN, VERSION_ZIP64 = 20, 45
FLAG_DESCRIPTOR = 0x08
ZIP64_LIMIT = 0xFFFFFFFF  # a size or offset from this on is written in a ZIP64 record
IN_ZIP64 = 0xFFFFFFFF  # what the 32-bit field then says


def _dos_stamp(moment):
    moment = max(moment, datetime(1980, 1, 1, tzinfo=moment.tzinfo))
    return (
        (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2),
        ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day,
    )


@dataclass
class _Entry:
    name: bytes
    version: int
    flags: int
    crc: int
    compressed: int
    size: int
    offset: int


class ZipStream:
    """A ZIP archive written front to back: `part()` and `streamed_part()` give bytes to send, `end()` the directory."""

    def __init__(self, modified):
        self.time, self.date = _dos_stamp(modified)
        self.entries = []
        self.offset = 0

    def _sent(self, data):
        self.offset += len(data)
        return data

    def part(self, name, data):
        """A part known in full (a few kilobytes): an ordinary local header with its sizes, then its bytes."""
        raw = data.encode()
        compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
        compressed = compressor.compress(raw) + compressor.flush()
        entry = _Entry(name.encode(), VERSION_PLAIN, 0, zlib.crc32(raw), len(compressed), len(raw), self.offset)
        self.entries.append(entry)
        header = _LOCAL.pack(
            0x04034B50, entry.version, 0, DEFLATED, self.time, self.date, entry.crc,
            entry.compressed, entry.size, len(entry.name), 0,
        )  # fmt: skip
        return self._sent(header + entry.name + compressed)

    def streamed_part(self, name, pieces):
        """A part made as it is sent: yields its local header, compressed bytes and data descriptor."""
        entry = _Entry(name.encode(), VERSION_ZIP64, FLAG_DESCRIPTOR, 0, 0, 0, self.offset)
        self.entries.append(entry)
        yield self._sent(
            _LOCAL.pack(
                0x04034B50, entry.version, entry.flags, DEFLATED, self.time, self.date, 0, 0, 0, len(entry.name), 0
            )
            + entry.name
        )
        compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
        crc, size, compressed = 0, 0, 0
        for piece in pieces:
            raw = piece.encode()
            crc = zlib.crc32(raw, crc)
            size += len(raw)
            out = compressor.compress(raw)
            if out:
                compressed += len(out)
                yield self._sent(out)
        out = compressor.flush()
        compressed += len(out)
        entry.crc, entry.size, entry.compressed = crc, size, compressed
        yield self._sent(out + _DESCRIPTOR.pack(0x08074B50, crc, compressed, size))

    def end(self):
        """The central directory and its end record (ZIP64 where a size or offset needs it)."""
        start = self.offset
        directory = []
        for entry in self.entries:
            extra = b""
            size, compressed, offset = entry.size, entry.compressed, entry.offset
            if size >= ZIP64_LIMIT:
                extra += struct.pack("<Q", size)
                size = IN_ZIP64
            if compressed >= ZIP64_LIMIT:
                extra += struct.pack("<Q", compressed)
                compressed = IN_ZIP64
            if offset >= ZIP64_LIMIT:
                extra += struct.pack("<Q", offset)
                offset = IN_ZIP64
            if extra:
                extra = struct.pack("<HH", 1, len(extra)) + extra
            version = VERSION_ZIP64 if extra else entry.version
            directory.append(
                _CENTRAL.pack(
                    0x02014B50,
                    VERSION_ZIP64,
                    version,
                    entry.flags,
                    DEFLATED,
                    self.time,
                    self.date,
                    entry.crc,
                    compressed,
                    size,
                    len(entry.name),
                    len(extra),
                    0,
                    0,
                    0,
                    0,
                    offset,
                )  # fmt: skip
                + entry.name
                + extra
            )
        directory = b"".join(directory)
        end = self.offset + len(directory)
        count = len(self.entries)
        tail = b""
        zip64 = start >= ZIP64_LIMIT or len(directory) >= ZIP64_LIMIT or count >= 0xFFFF
        if zip64:
            tail = _ZIP64_END.pack(
                0x06064B50,
                _ZIP64_END.size - 12,
                VERSION_ZIP64,
                VERSION_ZIP64,
                0,
                0,
                count,
                count,
                len(directory),
                start,
            ) + _ZIP64_LOCATOR.pack(0x07064B50, 0, end, 1)
        listed = 0xFFFF if count >= 0xFFFF else count
        tail += _END.pack(
            0x06054B50, 0, 0, listed, listed,
            IN_ZIP64 if len(directory) >= ZIP64_LIMIT else len(directory),
            IN_ZIP64 if start >= ZIP64_LIMIT else start, 0,
        )  # fmt: skip
        return self._sent(directory + tail)


# --- the workbook as a stream --------------------------------------------------------------------


def _sheet_xml(columns, header, rows, counter):
    """The worksheet's XML in pieces of ROWS_PER_BATCH rows; `counter[0]` ends as the last row's number."""
    writers = [_cell_writer(column, column_letter(i)) for i, column in enumerate(columns)]
    yield sheet_head(columns, header)
    number = 1
    batch = []
    for row in rows:
        if number >= MAX_ROWS:
            break
        number += 1
        at = str(number)
        batch.append(
            f'<row r="{at}">'
            + "".join([write(value, at) for write, value in zip(writers, row, strict=True)])
            + "</row>"
        )
        if len(batch) == ROWS_PER_BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
    counter[0] = number
    yield sheet_tail(column_letter(len(columns) - 1), max(number, 2))


def stream(*, title, columns, header, rows, created, creator="", application=""):
    """The workbook's bytes, in pieces of about SEND_BYTES: one sheet named after `title`.

    `columns` is a Column per column (kind and width), `header` the header row's titles, `rows` an
    iterable of rows of values (None or "" for an empty cell): text for TEXT, int/float/Decimal for
    NUMBER, date/datetime/time (naive, in the reader's time zone) for DATE, DATETIME and TIME.
    `created` (an aware datetime) dates the file. At most MAX_ROWS rows are written.
    """
    name = sheet_name(title)
    archive = ZipStream(created)
    counter = [1]
    pending = [
        archive.part("[Content_Types].xml", content_types()),
        archive.part("_rels/.rels", package_relationships()),
        archive.part("docProps/app.xml", app_properties(application)),
        archive.part("docProps/core.xml", core_properties(name, creator, created)),
        archive.part("xl/_rels/workbook.xml.rels", workbook_relationships()),
        archive.part("xl/styles.xml", styles()),
    ]
    held = sum(map(len, pending))
    first = True
    for piece in archive.streamed_part("xl/worksheets/sheet1.xml", _sheet_xml(columns, header, rows, counter)):
        pending.append(piece)
        held += len(piece)
        # The first piece goes at once (the download starts before the first row is read).
        if first or held >= SEND_BYTES:
            yield b"".join(pending)
            pending, held, first = [], 0, False
    last_column = column_letter(len(columns) - 1)
    pending.append(archive.part("xl/workbook.xml", workbook(name, last_column, max(counter[0], 2))))
    pending.append(archive.end())
    yield b"".join(pending)
