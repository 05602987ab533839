"""The XLSX writer (core.xlsx, on openpyxl) and the exports that use it: a real workbook, typed, styled, safe."""

import io
import tempfile
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.http import FileResponse
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
    data = io.BytesIO()
    xlsx.write(data, title=title, columns=columns, header=header, rows=rows, created=CREATED)
    return data.getvalue()


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
    [
        "=1+1",
        '=HYPERLINK("http://evil.example")',
        "+1",
        "-2",
        "@SUM(A1)",
        "#N/A",
        "#DIV/0!",
        "1234",
        "0012",
        "3.5",
        "1e5",
        "TRUE",
        "http://example.org/x",
        "2026-05-01",
    ],
)
def test_text_that_looks_like_something_else_stays_text(value):
    data = workbook_bytes([[1, value, None, None, None]])
    cell = load(data).active["B2"]
    assert cell.data_type == "s"
    assert cell.value == value
    assert cell.hyperlink is None
    assert "<f>" not in sheet_xml(data)


def test_a_header_that_looks_like_a_formula_stays_text():
    data = workbook_bytes([], columns=COLUMNS[:1], header=["=SUM(1)"])
    assert load(data).active["A1"].value == "=SUM(1)"
    assert "<f>" not in sheet_xml(data)


def test_characters_xml_forbids_are_removed_and_the_rest_kept():
    title = "A\x00B\x07C\x0bD\x1fE\ufffeF\ud800G — Ñandú & <b> \"quoted\" 'single'\ttab\nline"
    data = workbook_bytes([[1, title, None, None, None]])
    assert load(data).active["B2"].value == "ABCDEFG — Ñandú & <b> \"quoted\" 'single'\ttab\nline"


def test_a_carriage_return_reads_back_as_written():
    data = workbook_bytes([[1, "one\rtwo", None, None, None]])
    assert "one&#13;two" in sheet_xml(data)  # a raw one would come back as a line feed
    assert load(data).active["B2"].value == "one\rtwo"


def test_text_that_looks_like_an_escape_has_its_underscore_escaped():
    data = workbook_bytes([[1, "_x0041_ is not A", None, None, None]])
    # A spreadsheet reads _x0041_ as "A", and _x005F_ as the underscore itself.
    assert "<t>_x005F_x0041_ is not A</t>" in sheet_xml(data)


def test_leading_and_trailing_spaces_are_kept():
    sheet = load(workbook_bytes([[1, "  indented", None, None, None], [2, "trailing ", None, None, None]])).active
    assert sheet["B2"].value == "  indented"
    assert sheet["B3"].value == "trailing "


def test_text_longer_than_a_cell_holds_is_cut_at_the_limit():
    sheet = load(workbook_bytes([[1, "x" * 40_000, None, None, None]])).active
    assert len(sheet["B2"].value) == 32_767


def test_numbers_stay_numbers_and_non_finite_ones_become_text():
    from decimal import Decimal

    rows = [
        [12.5, "a", None, None, None],
        [Decimal("3.25"), "b", None, None, None],
        [float("nan"), "c", None, None, None],
        [Decimal("Infinity"), "d", None, None, None],
        [True, "e", None, None, None],
    ]
    sheet = load(workbook_bytes(rows)).active
    assert sheet["A2"].value == 12.5
    assert sheet["A3"].value == 3.25
    assert (sheet["A4"].data_type, sheet["A4"].value) == ("s", "nan")
    assert (sheet["A5"].data_type, sheet["A5"].value) == ("s", "Infinity")
    assert (sheet["A6"].data_type, sheet["A6"].value) == ("n", 1)


def test_guard_is_applied_to_text_cells():
    columns = [xlsx.Column(xlsx.TEXT, 20, guard=exports.escape_formula)]
    sheet = load(workbook_bytes([["=HYPERLINK(1)"], ["plain"]], columns=columns, header=["T"])).active
    assert [sheet["A2"].value, sheet["A3"].value] == ["'=HYPERLINK(1)", "plain"]


def test_sheet_name_is_made_valid():
    assert xlsx.sheet_name("Records: requests/[all]?") == "Records  requests  all"
    assert xlsx.sheet_name("x" * 40) == "x" * 31
    assert xlsx.sheet_name("") == "Sheet1"


def test_rows_past_the_sheets_limit_are_left_out(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    sheet = load(workbook_bytes(ROWS)).active
    assert sheet.max_row == 3
    assert sheet.auto_filter.ref == "A1:E3"


def test_workbook_is_titled_and_dated():
    data = io.BytesIO()
    xlsx.write(data, title="Deadlines", columns=COLUMNS, header=HEADER, rows=ROWS, created=CREATED, creator="Site")
    properties = load(data.getvalue()).properties
    assert (properties.title, properties.creator) == ("Deadlines", "Site")
    assert properties.created == datetime(2026, 3, 4, 15, 30)


def test_a_failed_export_leaves_no_temporary_file(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield ROWS[0]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        xlsx.write(io.BytesIO(), title="T", columns=COLUMNS, header=HEADER, rows=rows(), created=CREATED)
    assert list(tmp_path.iterdir()) == []


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
def test_xlsx_export_is_sent_as_a_whole_file_with_its_length(client, staff, deadlines):
    client.force_login(staff)
    response = client.get(reverse("export", args=["deadlines", "xlsx"]))
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="deadlines-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    data = body(response)
    assert int(response["Content-Length"]) == len(data)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


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
