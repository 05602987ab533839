"""The streamed XLSX writer (core.xlsx) and the exports that use it: a real workbook, typed, styled, safe."""

import io
import struct
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import xlsx
from dashboard import exports
from tests import factories as f

COLUMNS = [
    xlsx.Column(xlsx.NUMBER, 10),
    xlsx.Column(xlsx.TEXT, 30),
    xlsx.Column(xlsx.DATE, 12),
    xlsx.Column(xlsx.DATETIME, 17),
    xlsx.Column(xlsx.TIME, 8),
]
HEADER = ["ID", "Title", "Due", "Logged", "At"]
CREATED = datetime(2026, 3, 4, 15, 30, tzinfo=timezone.get_fixed_timezone(0))


def workbook_bytes(rows, *, columns=COLUMNS, header=HEADER, title="Deadlines"):
    pieces = list(xlsx.stream(title=title, columns=columns, header=header, rows=rows, created=CREATED))
    assert all(isinstance(piece, bytes) for piece in pieces)
    return b"".join(pieces)


def load(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_xml(data):
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


ROWS = [
    [1, "Board vote", date(2026, 5, 1), datetime(2026, 4, 2, 9, 45), time(14, 30)],
    [2, "Hearing", date(2026, 5, 2), None, None],
    [3, None, None, datetime(2026, 4, 3, 0, 0), time(0, 0)],
]


def test_headers_values_and_types_read_back():
    sheet = load(workbook_bytes(ROWS)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER
    assert values[1] == [1, "Board vote", datetime(2026, 5, 1), datetime(2026, 4, 2, 9, 45), time(14, 30)]
    assert values[2] == [2, "Hearing", datetime(2026, 5, 2), None, None]
    assert values[3] == [3, None, None, datetime(2026, 4, 3), time(0, 0)]
    assert sheet["A2"].data_type == "n"
    assert sheet["B2"].data_type == "s"
    assert sheet["C2"].is_date and sheet["D2"].is_date and sheet["E2"].is_date


def test_header_is_bold_and_dates_have_their_formats():
    sheet = load(workbook_bytes(ROWS)).active
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["B2"].font.b
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["E2"].number_format == "hh:mm"
    assert sheet["A2"].number_format == "General"


def test_header_row_is_frozen_and_columns_have_their_widths():
    sheet = load(workbook_bytes(ROWS)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == pytest.approx(10.71, abs=0.01)
    assert sheet.column_dimensions["B"].width == pytest.approx(30.71, abs=0.01)


def test_autofilter_covers_every_row_and_has_its_defined_name():
    data = workbook_bytes(ROWS)
    assert load(data).active.auto_filter.ref == "A1:E4"
    workbook_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()
    assert "_xlnm._FilterDatabase" in workbook_xml
    assert "'Deadlines'!$A$1:$E$4" in workbook_xml


def test_an_empty_list_still_makes_a_workbook_with_its_header():
    sheet = load(workbook_bytes([])).active
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:E2"


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-2", "@SUM(A1)", "1234", "0012", "3.5", "1e5", "TRUE", "http://example.org/x", "2026-05-01"],
)
def test_text_that_looks_like_something_else_stays_text(value):
    sheet = load(workbook_bytes([[1, value, None, None, None]])).active
    cell = sheet["B2"]
    assert cell.data_type == "s"
    assert cell.value == value
    assert cell.hyperlink is None


def test_characters_xml_forbids_are_removed_and_the_rest_kept():
    title = "A\x00B\x07C\x0bD\x1fE\ufffeF — Ñandú & <b> \"quoted\" 'single'\ttab\nline"
    data = workbook_bytes([[1, title, None, None, None]])
    assert load(data).active["B2"].value == "ABCDEF — Ñandú & <b> \"quoted\" 'single'\ttab\nline"


def test_carriage_return_and_escape_lookalikes_read_back_as_written():
    data = workbook_bytes([[1, "one\rtwo", None, None, None], [2, "_x0041_ is not A", None, None, None]])
    xml = sheet_xml(data)
    assert "one_x000D_two" in xml  # a raw carriage return would come back as a line feed
    assert "_x005F_x0041_ is not A" in xml  # a spreadsheet reads _x005F_ as the underscore itself


def test_leading_and_trailing_spaces_are_kept():
    sheet = load(workbook_bytes([[1, "  indented", None, None, None], [2, "trailing ", None, None, None]])).active
    assert sheet["B2"].value == "  indented"
    assert sheet["B3"].value == "trailing "


def test_text_longer_than_a_cell_holds_is_cut_at_the_limit():
    sheet = load(workbook_bytes([[1, "x" * 40_000, None, None, None]])).active
    assert len(sheet["B2"].value) == xlsx.MAX_TEXT


def test_numbers_stay_numbers_and_non_finite_ones_become_text():
    from decimal import Decimal

    rows = [
        [12.5, "a", None, None, None],
        [Decimal("3.25"), "b", None, None, None],
        [float("nan"), "c", None, None, None],
    ]
    sheet = load(workbook_bytes(rows)).active
    assert sheet["A2"].value == 12.5
    assert sheet["A3"].value == 3.25
    assert sheet["A4"].data_type == "s"


def test_guard_is_applied_to_text_cells():
    columns = [xlsx.Column(xlsx.TEXT, 20, guard=exports.escape_formula)]
    sheet = load(workbook_bytes([["=HYPERLINK(1)"], ["plain"]], columns=columns, header=["T"])).active
    assert [sheet["A2"].value, sheet["A3"].value] == ["'=HYPERLINK(1)", "plain"]


def test_sheet_name_is_made_valid():
    assert xlsx.sheet_name("Records: requests/[all]?") == "Records  requests  all"
    assert xlsx.sheet_name("x" * 40) == "x" * 31
    assert xlsx.sheet_name("") == "Sheet1"


def test_serial_numbers_match_the_spreadsheet_calendar():
    assert xlsx.serial(date(1900, 3, 1)) == "61"
    assert xlsx.serial(date(2026, 1, 1)) == "46023"
    assert xlsx.serial(datetime(2026, 1, 1, 12, 0)) == "46023.5"
    assert xlsx.serial(time(6, 0)) == "0.25"


def test_column_letters():
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


# --- the ZIP container ---------------------------------------------------------------------------


def local_headers(data):
    """{name: (version needed, flags, compressed size, size, extra length)} from the local headers."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    found = {}
    for info in archive.infolist():
        fields = struct.unpack_from("<IHHHHHIIIHH", data, info.header_offset)
        name = data[info.header_offset + 30 : info.header_offset + 30 + fields[9]].decode()
        found[name] = (fields[1], fields[2], fields[7], fields[8], fields[10])
    return found


def test_archive_is_whole_and_the_worksheet_has_a_zip64_data_descriptor():
    data = workbook_bytes(ROWS)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.namelist()[0] == "[Content_Types].xml"
    assert archive.namelist()[-1] == "xl/workbook.xml"
    headers = local_headers(data)
    # Streamed: sizes unknown in the local header, ZIP 4.5, no extra field (as Excel reads it).
    assert headers["xl/worksheets/sheet1.xml"] == (45, 0x08, 0, 0, 0)
    assert headers["xl/styles.xml"][:2] == (20, 0)
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    end = sheet.header_offset + 30 + len(sheet.filename) + sheet.compress_size
    signature, crc, compressed, size = struct.unpack_from("<IIQQ", data, end)
    assert (signature, crc, compressed, size) == (0x08074B50, sheet.CRC, sheet.compress_size, sheet.file_size)


def test_sizes_and_offsets_past_32_bits_use_zip64_records(monkeypatch):
    # Lowering the limit makes every size and offset "large", which exercises the ZIP64 records.
    monkeypatch.setattr(xlsx, "ZIP64_LIMIT", 100)
    data = workbook_bytes(ROWS * 50)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert data[-22:-18] == b"PK\x05\x06"
    assert b"PK\x06\x06" in data[-200:] and b"PK\x06\x07" in data[-200:]
    assert load(data).active.max_row == 151


def test_rows_past_the_sheets_limit_are_left_out(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    sheet = load(workbook_bytes(ROWS)).active
    assert sheet.max_row == 3
    assert sheet.auto_filter.ref == "A1:E3"


def test_stream_sends_its_first_bytes_before_reading_any_row():
    read = []

    def rows():
        for row in ROWS:
            read.append(row)
            yield row

    pieces = xlsx.stream(title="T", columns=COLUMNS, header=HEADER, rows=rows(), created=CREATED)
    first = next(pieces)
    assert first.startswith(b"PK\x03\x04")
    assert read == []
    rest = b"".join(pieces)
    assert len(read) == len(ROWS)
    assert zipfile.ZipFile(io.BytesIO(first + rest)).testzip() is None


# --- the exports -----------------------------------------------------------------------------------


def body(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def deadlines(organizer, staff):
    campaign = f.CampaignFactory(name="Mine: Alameda", lead=staff)
    f.MembershipFactory(campaign=campaign, user=organizer)
    today = timezone.localdate()
    made = [
        f.DeadlineFactory(campaign=campaign, owner=organizer, title='=HYPERLINK("http://evil.example")'),
        f.DeadlineFactory(campaign=campaign, owner=organizer, title="1234", due_date=today + timedelta(days=3)),
        f.DeadlineFactory(campaign=campaign, owner=organizer, title="Board vote", due_time=time(18, 30)),
    ]
    return campaign, made


@pytest.mark.django_db
def test_xlsx_export_is_streamed_and_starts_before_the_rows_are_read(client, staff, deadlines):
    client.force_login(staff)
    response = client.get(reverse("export", args=["deadlines", "xlsx"]))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="deadlines-')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    pieces = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(pieces)
    assert first.startswith(b"PK\x03\x04")
    assert len(queries) == 0
    rest = b"".join(pieces)
    assert zipfile.ZipFile(io.BytesIO(first + rest)).testzip() is None


@pytest.mark.django_db
def test_xlsx_export_opens_with_types_styles_freeze_and_filter(client, staff, deadlines):
    _campaign, made = deadlines
    client.force_login(staff)
    workbook = load(body(client.get(reverse("export", args=["deadlines", "xlsx"]))))
    sheet = workbook.active
    spec = exports.export_specs()["deadlines"]
    assert sheet.title == "Deadlines"
    assert [cell.value for cell in sheet[1]] == exports.headers(spec)
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{sheet.max_row}"
    assert sheet.max_row == len(made) + 1
    header = [cell.value for cell in sheet[1]]
    rows = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    for deadline in made:
        row = rows[deadline.pk]
        assert row["ID"].data_type == "n"
        assert row["Due date"].value == datetime.combine(deadline.due_date, time())
        assert row["Due date"].number_format == "yyyy-mm-dd"
        assert row["Campaign ID"].value == deadline.campaign_id
        assert row["Campaign page"].hyperlink is None
    assert rows[made[0].pk]["Deadline"].value == '\'=HYPERLINK("http://evil.example")'
    assert rows[made[1].pk]["Deadline"].value == "1234"
    assert rows[made[1].pk]["Deadline"].data_type == "s"
    assert rows[made[2].pk]["Time"].value == time(18, 30)
    assert rows[made[2].pk]["Time"].number_format == "hh:mm"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
def test_xlsx_export_writes_times_in_the_readers_zone(client, staff, deadlines):
    from accounts.models import Profile
    from campaigns.models import Deadline

    _campaign, made = deadlines
    closed_at = datetime(2026, 1, 15, 20, 5, tzinfo=timezone.get_fixed_timezone(0))
    Deadline.objects.filter(pk=made[2].pk).update(status=Deadline.Status.DONE, completed_at=closed_at)
    Profile.objects.update_or_create(user=staff, defaults={"time_zone": "America/New_York"})
    client.force_login(staff)
    sheet = load(body(client.get(reverse("export", args=["deadlines", "xlsx"])))).active
    header = [cell.value for cell in sheet[1]]
    assert "Closed (America/New_York)" in header
    column = header.index("Closed (America/New_York)")
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == made[2].pk)
    assert row[column].value == datetime(2026, 1, 15, 15, 5)
    assert row[column].number_format == "yyyy-mm-dd hh:mm"


@pytest.mark.django_db
def test_xlsx_export_in_spanish_has_spanish_headers(client, staff, deadlines):
    client.force_login(staff)
    response = client.get(reverse("export", args=["deadlines", "xlsx"]), HTTP_ACCEPT_LANGUAGE="es")
    sheet = load(body(response)).active
    assert sheet.title == "Plazos"
    assert "Fecha límite" in [cell.value for cell in sheet[1]]
