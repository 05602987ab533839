"""Rows into files: typed cells, CSV streamed as the rows come, XLSX written by openpyxl, the responses."""

import csv
import io
import tempfile
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts.profiles import user_time_zone
from core import xlsx
from core.cells import escape_formula

from .columns import CLOCK, DAY, FLAG, MOMENT, NUMBER, TEXT

CHUNK_SIZE = 2000
# Rows gathered before a piece of the CSV is sent: small enough to stream, large enough to be quick.
CSV_BATCH_ROWS = 500
FORMATS = ("csv", "xlsx")


class _Cells:
    """Turns one `values_list` row into the typed cells of a spreadsheet row (no query)."""

    def __init__(self, spec, request):
        self.zone = timezone.get_current_timezone()
        self.yes, self.no = _("yes"), _("no")
        index = {name: i for i, name in enumerate(spec.fields)}
        self.makers = [self._maker(column, [index[name] for name in column.fields], request) for column in spec.columns]

    def _maker(self, column, positions, request):
        if column.link:
            view_name, ids = column.link
            sentinels = [str(999_999_901 + i) for i in range(ids)]
            pattern = request.build_absolute_uri(reverse(view_name, args=sentinels))

            def make_link(row):
                url = pattern
                for sentinel, position in zip(sentinels, positions, strict=True):
                    url = url.replace(sentinel, str(row[position]), 1)
                return url

            return make_link
        if column.compose:
            compose = column.compose

            def make_composed(row):
                return compose(*(row[p] for p in positions))

            return make_composed
        position = positions[0]
        if column.labels is not None:
            labels = {value: str(label) for value, label in column.labels.choices}

            def make_label(row):
                value = row[position]
                return labels.get(value, value) if value not in (None, "") else None

            return make_label
        if column.kind == MOMENT:
            zone = self.zone

            def make_moment(row):
                value = row[position]
                return timezone.localtime(value, zone).replace(tzinfo=None) if value is not None else None

            return make_moment
        if column.kind == FLAG:
            yes, no = self.yes, self.no

            def make_flag(row):
                value = row[position]
                return None if value is None else (yes if value else no)

            return make_flag
        return lambda row: row[position]

    def __call__(self, row):
        return [maker(row) for maker in self.makers]


def _csv_cell(kind):
    """How a typed cell of this kind is written in CSV (chosen once per column, not per cell)."""
    if kind == MOMENT:
        return lambda value: "" if value is None else value.isoformat(" ", "minutes")
    if kind == CLOCK:
        return lambda value: "" if value is None else value.isoformat("minutes")
    if kind == DAY:
        return lambda value: "" if value is None else value.isoformat()
    if kind == NUMBER:
        return lambda value: "" if value is None else value
    return lambda value: "" if value is None else escape_formula(str(value))


def headers(spec):
    zone = timezone.get_current_timezone_name()
    result = []
    for column in spec.columns:
        header = str(column.header)
        if column.kind == MOMENT:
            header = f"{header} ({zone})"
        result.append(header)
    return result


def export_rows(spec, request):
    """(headers, an iterator of typed cell rows) for the request's filtered list. Raises BadFilters."""
    queryset = spec.rows(request)
    if spec.annotate is not None:
        queryset = queryset.annotate(**spec.annotate())
    cells = _Cells(spec, request)
    values = queryset.values_list(*spec.fields).iterator(chunk_size=CHUNK_SIZE)
    return headers(spec), (cells(row) for row in values)


def _file_name(spec, fmt):
    return f"{spec.name}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def _csv_stream(spec, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    formatters = [_csv_cell(column.kind) for column in spec.columns]
    # A byte-order mark tells Excel the file is UTF-8 (accents in Spanish names survive).
    buffer.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([fmt(value) for fmt, value in zip(formatters, row, strict=True)])
        if n % CSV_BATCH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(spec, request):
    header, rows = export_rows(spec, request)
    response = StreamingHttpResponse(_csv_stream(spec, header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(spec, "csv")}"'
    return _private(response, spec)


# How each kind of column is written in a workbook (flags are the words yes/no, so text).
XLSX_KINDS = {
    TEXT: xlsx.TEXT,
    FLAG: xlsx.TEXT,
    NUMBER: xlsx.NUMBER,
    DAY: xlsx.DATE,
    MOMENT: xlsx.DATETIME,
    CLOCK: xlsx.TIME,
}


def _xlsx_column(column):
    kind = XLSX_KINDS[column.kind]
    # Text stays text (core.xlsx never lets it be a formula), and the leading quote keeps a spreadsheet
    # from running it when the reader edits the cell.
    return xlsx.Column(kind, column.width, guard=escape_formula if kind == xlsx.TEXT else None)


# A workbook up to this size stays in memory; a larger one goes to a temporary file on disk.
XLSX_SPOOL_BYTES = 4 * 1024 * 1024
XLSX_SEND_BYTES = 64 * 1024


def xlsx_file(spec, header, rows):
    """The workbook, in a temporary file read from its start: one sheet, a bold frozen header, an autofilter."""
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    try:
        xlsx.write(
            file,
            title=str(spec.title),
            columns=[_xlsx_column(column) for column in spec.columns],
            header=header,
            rows=rows,
            created=timezone.now(),
            creator=settings.SITE_NAME,
        )
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(spec, request):
    header, rows = export_rows(spec, request)
    response = FileResponse(
        xlsx_file(spec, header, rows),
        as_attachment=True,
        filename=_file_name(spec, "xlsx"),
        content_type=XLSX_TYPE,
    )
    response.block_size = XLSX_SEND_BYTES
    return _private(response, spec)


def _private(response, spec):
    # Exports of campaign data carry what only the signed-in reader may see: no shared cache keeps them.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(spec, fmt, request):
    """The export in the reader's own time zone: dates, times and the headers that name the zone."""

    # Everything that depends on the zone is settled here, before the first byte is streamed.
    with timezone.override(ZoneInfo(user_time_zone(request.user))):
        return csv_response(spec, request) if fmt == "csv" else xlsx_response(spec, request)
