"""Every list as CSV and XLSX: the page's own filters and access rules, streamed, safe to open in a spreadsheet.

One column spec per list (EXPORTS). An export reads exactly the rows its page shows — the same access
queryset and the same FilterSet, with the page's ordering, every page at once — as `values_list` rows
through `.iterator(chunk_size=2000)`, so 100,000 rows never sit in memory:

- CSV is streamed (StreamingHttpResponse) as the rows come from the database.
- XLSX is written by openpyxl (core.xlsx) into a temporary file as the rows come, then sent from that
  file (FileResponse, with its length): the download starts once the workbook is whole.

What is never exported: notes and narrative text. Meetings export no text written about them at all —
not who attended, the summary, commitments, answers or the confidential notes — because names of
community members can appear in any of them; only when, where (the campaign), what kind, the
question set and counts. Deadline notes, the text of records requests and agencies' responses,
assignment notes and withdrawal reasons, and resource summaries are left out too. What is exported
is names, titles, subjects, codes, dates and counts, and a campaign's stated outcome.

Formula injection: a text cell starting with = + - @, a tab or a line break is prefixed with a single
quote, in both formats, so a spreadsheet shows it as text instead of running it.
"""

import csv
import io
import tempfile
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.profiles import user_time_zone
from campaigns.access import campaigns_visible_to
from campaigns.filters import DEFAULT_SORT, SORTS, CampaignFilter
from campaigns.models import OPEN_REQUEST_STATUSES, Answer, Deadline, Goal, Meeting, RecordsRequest, Stage
from campaigns.selectors import campaign_status_rows
from campaigns.views_lists import LIST_ROWS
from core import xlsx
from core.cells import escape_formula
from core.queries import count_of
from jurisdictions import selectors as jurisdiction_selectors
from jurisdictions.filters import JurisdictionFilter
from jurisdictions.models import Jurisdiction, Model287g, PolicyLevel, PolicyValue, StateFloor
from resources import selectors as resource_selectors
from resources.access import library_visible_to
from resources.filters import ResourceFilter
from resources.models import Kind, Language, Resource

CHUNK_SIZE = 2000
# Rows gathered before a piece of the CSV is sent: small enough to stream, large enough to be quick.
CSV_BATCH_ROWS = 500
FORMATS = ("csv", "xlsx")

TEXT, NUMBER, DAY, MOMENT, CLOCK, FLAG = "text", "number", "date", "datetime", "time", "bool"


class BadFilters(Exception):
    """The list's filters could not be read: the export answers 400 with what was wrong."""

    def __init__(self, errors):
        super().__init__("bad filters")
        self.errors = errors


# --- columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One exported column: its header, the `values_list` names it reads, and how it becomes a cell."""

    header: object
    fields: tuple
    kind: str = TEXT
    labels: object = None  # TextChoices: codes become their labels
    compose: object = None  # (*values) -> value, for a cell made from several fields
    link: tuple = ()  # (view name, number of ids): an absolute URL to the row's page
    width: int = 16


def text(header, name, width=24):
    return Column(header, (name,), TEXT, width=width)


def number(header, name, width=10):
    return Column(header, (name,), NUMBER, width=width)


def day(header, name):
    return Column(header, (name,), DAY, width=12)


def moment(header, name):
    return Column(header, (name,), MOMENT, width=17)


def clock(header, name):
    return Column(header, (name,), CLOCK, width=8)


def flag(header, name):
    return Column(header, (name,), FLAG, width=8)


def choice(header, name, choices, width=20):
    return Column(header, (name,), TEXT, labels=choices, width=width)


def _full_name(first, last, username):
    return f"{first or ''} {last or ''}".strip() or username or ""


def person(header, prefix):
    """A user's full name (or username), read from the three name fields of the relation `prefix`."""
    return Column(
        header, (f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username"), compose=_full_name, width=20
    )


def link(header, view_name, *id_fields):
    return Column(header, tuple(id_fields), TEXT, link=(view_name, len(id_fields)), width=40)


# --- what each list exports ----------------------------------------------------------------------


@dataclass(frozen=True)
class ListExport:
    name: str  # in the URL and the file name
    title: object  # the sheet's name
    rows: object  # (request) -> queryset: the page's filtered, ordered rows (raises BadFilters)
    columns: list
    annotate: object = None  # () -> {name: expression} for columns the page's queryset lacks
    public: bool = False  # the page itself is public (jurisdictions when the map is, public resources)
    fields: tuple = field(init=False, default=())

    def __post_init__(self):
        names = []
        for column in self.columns:
            for name in column.fields:
                if name not in names:
                    names.append(name)
        object.__setattr__(self, "fields", tuple(names))


def _rows_of(list_rows):
    if not list_rows.valid:
        raise BadFilters(list_rows.filter.errors)
    return list_rows.rows


def campaign_rows(request):
    """/campaigns/: the campaigns the user may see, CampaignFilter, the page's sort."""

    visible = campaigns_visible_to(request.user)
    filterset = CampaignFilter(request.GET or None, queryset=visible, request=request)
    if filterset.is_bound and not filterset.is_valid():
        raise BadFilters(filterset.errors)
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    return campaign_status_rows(filterset.qs).order_by(*SORTS[sort])


def jurisdiction_rows(request):
    """/jurisdictions/: JurisdictionFilter and the page's sort."""

    filterset = JurisdictionFilter(request.GET, queryset=jurisdiction_selectors.jurisdiction_list())
    if not filterset.is_valid():
        raise BadFilters(filterset.errors)
    rows, _sort = jurisdiction_selectors.jurisdiction_list_ordered(filterset.qs, request.GET.get("sort"))
    return rows


def resource_rows(request):
    """/resources/: the library the user may see, ResourceFilter (search included) and the page's order."""
    filterset = ResourceFilter(request.GET, queryset=library_visible_to(request.user, Resource.objects.all()))
    if not filterset.is_valid():
        raise BadFilters(filterset.errors)
    sort = resource_selectors.sort_key(request.GET.get("sort"), searching=filterset.searching)
    return resource_selectors.resource_list_ordered(filterset.qs, sort)


def _list_rows(name):
    def rows(request):
        return _rows_of(LIST_ROWS[name](request))

    return rows


def _campaign_columns():

    def goal_label(goal, detail):
        if goal == Goal.OTHER and detail:
            return detail
        return str(Goal(goal).label) if goal in Goal.values else goal

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Campaign"), "name", 32),
        text(gettext_lazy("Jurisdiction"), "jurisdiction__name"),
        text(gettext_lazy("State"), "jurisdiction__state__postal", 6),
        text(gettext_lazy("FIPS"), "jurisdiction__fips", 8),
        Column(gettext_lazy("Goal"), ("goal", "goal_detail"), compose=goal_label, width=30),
        choice(gettext_lazy("Stage"), "stage", Stage),
        moment(gettext_lazy("In this stage since"), "stage_since"),
        person(gettext_lazy("Lead"), "lead"),
        day(gettext_lazy("Started"), "started_on"),
        day(pgettext_lazy("campaign end date", "Ended"), "ended_on"),
        moment(gettext_lazy("Last activity"), "last_activity_at"),
        number(gettext_lazy("Overdue deadlines"), "overdue_count"),
        day(gettext_lazy("Next deadline"), "next_due"),
        number(gettext_lazy("Seats on the deciding body"), "board_seats"),
        number(gettext_lazy("Members who vote, tracked"), "voters"),
        number(gettext_lazy("Votes for"), "votes_yes"),
        number(gettext_lazy("Votes against"), "votes_no"),
        text(gettext_lazy("Outcome"), "outcome", 40),
        link(gettext_lazy("Page"), "campaigns:detail", "pk"),
    ]


def _meeting_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        moment(gettext_lazy("Held"), "held_at"),
        choice(gettext_lazy("Kind"), "kind", Meeting.Kind),
        choice(pgettext_lazy("status, beside a US state", "Status"), "status", Meeting.Status, 10),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        text(gettext_lazy("Question set"), "question_set__name"),
        number(gettext_lazy("Targets met"), "targets_met"),
        number(gettext_lazy("Questions answered"), "answered"),
        number(gettext_lazy("Satisfactory answers"), "satisfactory"),
        number(gettext_lazy("Unsatisfactory answers"), "unsatisfactory"),
        number(gettext_lazy("Evasive answers"), "evasive"),
        number(gettext_lazy("Follow-ups"), "follow_up_count"),
        person(gettext_lazy("Logged by"), "logged_by"),
        moment(pgettext_lazy("date column", "Logged"), "logged_at"),
        link(gettext_lazy("Page"), "campaigns:meeting-detail", "campaign_id", "pk"),
    ]


def _meeting_annotations():

    answers = Answer.objects.all()
    return {
        "answered": count_of(answers.exclude(assessment="not_asked"), "meeting"),
        "satisfactory": count_of(answers.filter(assessment="satisfactory"), "meeting"),
        "unsatisfactory": count_of(answers.filter(assessment="unsatisfactory"), "meeting"),
        "evasive": count_of(answers.filter(assessment="evasive"), "meeting"),
        "follow_up_count": count_of(Deadline.objects.all(), "meeting"),
    }


def _deadline_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Deadline"), "title", 32),
        choice(gettext_lazy("Kind"), "kind", Deadline.Kind),
        day(gettext_lazy("Due date"), "due_date"),
        clock(gettext_lazy("Time"), "due_time"),
        text(gettext_lazy("Time zone"), "time_zone", 18),
        choice(pgettext_lazy("status, beside a US state", "Status"), "status", Deadline.Status, 10),
        flag(gettext_lazy("Overdue"), "is_overdue"),
        person(gettext_lazy("Owner"), "owner"),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        number(gettext_lazy("From meeting"), "meeting_id"),
        number(gettext_lazy("From records request"), "records_request_id"),
        moment(gettext_lazy("Closed"), "completed_at"),
        link(gettext_lazy("Campaign page"), "campaigns:detail", "campaign_id"),
    ]


def _overdue_flag(open_q):
    return Case(When(open_q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _deadline_annotations():

    return {"is_overdue": _overdue_flag(Q(status=Deadline.Status.OPEN, due_date__lt=timezone.localdate()))}


def _request_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Subject"), "subject", 32),
        text(gettext_lazy("Agency"), "agency__name", 28),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        choice(gettext_lazy("Sent by"), "method", RecordsRequest.Method, 12),
        choice(pgettext_lazy("status, beside a US state", "Status"), "status", RecordsRequest.Status, 16),
        day(gettext_lazy("Sent on"), "sent_on"),
        day(gettext_lazy("Response due"), "due_date"),
        day(gettext_lazy("First due date"), "original_due_date"),
        choice(gettext_lazy("Due date rule"), "due_rule", RecordsRequest.DueRule, 24),
        flag(gettext_lazy("Response overdue"), "is_overdue"),
        text(gettext_lazy("Records law"), "law__law_name"),
        moment(gettext_lazy("Created"), "created_at"),
        link(gettext_lazy("Page"), "campaigns:request-detail", "campaign_id", "pk"),
    ]


def _request_annotations():

    return {
        "is_overdue": _overdue_flag(Q(status__in=OPEN_REQUEST_STATUSES, due_date__lt=timezone.localdate())),
    }


def _jurisdiction_columns():

    return [
        text(gettext_lazy("FIPS"), "fips", 8),
        text(gettext_lazy("Name"), "name", 28),
        choice(gettext_lazy("Kind"), "kind", Jurisdiction.Kind, 8),
        text(gettext_lazy("Type"), "county_type", 14),
        text(gettext_lazy("State"), "state__postal", 6),
        text(gettext_lazy("County"), "parent__name"),
        number(gettext_lazy("Population"), "population", 12),
        number(gettext_lazy("Population year"), "population_year"),
        choice(gettext_lazy("Overall level"), "level", PolicyLevel, 30),
        choice(gettext_lazy("ICE holds"), "current_holds", PolicyValue, 14),
        choice(gettext_lazy("Release notifications"), "current_notifications", PolicyValue, 14),
        choice(gettext_lazy("ICE jail access"), "current_jail_access", PolicyValue, 14),
        choice(gettext_lazy("Jail-bed contract"), "current_bed_contract", PolicyValue, 14),
        choice(gettext_lazy("287(g)"), "current_287g", Model287g, 22),
        flag(gettext_lazy("Fourth Amendment risk"), "fourth_amendment_risk"),
        day(gettext_lazy("Policy last changed"), "policy_updated"),
        choice(gettext_lazy("State law"), "state__law_floor", StateFloor, 30),
        link(gettext_lazy("Page"), "jurisdictions:detail", "pk"),
    ]


def _resource_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Title"), "title", 40),
        choice(gettext_lazy("Kind"), "kind", Kind),
        choice(gettext_lazy("Language"), "language", Language, 12),
        day(pgettext_lazy("date column", "Published"), "published_on"),
        text(gettext_lazy("Link"), "url", 40),
        text(gettext_lazy("File type"), "file_type", 16),
        flag(gettext_lazy("Public"), "is_public"),
        text(gettext_lazy("Supersedes"), "supersedes__title", 30),
        text(gettext_lazy("Translation of"), "translation_of__title", 30),
        link(gettext_lazy("Page"), "resources:detail", "pk"),
    ]


def _assignment_columns():

    return [
        number(gettext_lazy("ID"), "pk"),
        text(gettext_lazy("Resource"), "resource__title", 40),
        choice(gettext_lazy("Kind"), "resource__kind", Kind),
        number(gettext_lazy("Campaign ID"), "campaign_id"),
        text(gettext_lazy("Campaign"), "campaign__name", 32),
        text(gettext_lazy("Jurisdiction"), "campaign__jurisdiction__name"),
        text(gettext_lazy("State"), "campaign__jurisdiction__state__postal", 6),
        moment(pgettext_lazy("date column", "Assigned"), "assigned_at"),
        person(gettext_lazy("Assigned by"), "assigned_by"),
        moment(pgettext_lazy("date column", "Withdrawn"), "withdrawn_at"),
        person(gettext_lazy("Withdrawn by"), "withdrawn_by"),
        link(gettext_lazy("Resource page"), "resources:detail", "resource_id"),
    ]


def export_specs():
    """{list name: ListExport}. Built on first use: the column specs read the apps' models."""
    specs = [
        ListExport("campaigns", gettext_lazy("Campaigns"), campaign_rows, _campaign_columns()),
        ListExport(
            "meetings",
            gettext_lazy("Meetings"),
            _list_rows("meetings"),
            _meeting_columns(),
            annotate=_meeting_annotations,
        ),
        ListExport(
            "deadlines",
            gettext_lazy("Deadlines"),
            _list_rows("deadlines"),
            _deadline_columns(),
            annotate=_deadline_annotations,
        ),
        ListExport(
            "requests",
            gettext_lazy("Records requests"),
            _list_rows("requests"),
            _request_columns(),
            annotate=_request_annotations,
        ),
        ListExport(
            "jurisdictions", gettext_lazy("Jurisdictions"), jurisdiction_rows, _jurisdiction_columns(), public=True
        ),
        ListExport("resources", gettext_lazy("Resources"), resource_rows, _resource_columns(), public=True),
    ]

    if "assignments" in LIST_ROWS:
        specs.append(
            ListExport("assignments", gettext_lazy("Assignments"), _list_rows("assignments"), _assignment_columns())
        )
    return {spec.name: spec for spec in specs}


# --- turning rows into cells ---------------------------------------------------------------------


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


def public_exports_allowed(spec):
    """Anonymous visitors may export a list only where its page is public to them."""
    if spec.name == "jurisdictions":
        return settings.PUBLIC_MAP
    return spec.public
