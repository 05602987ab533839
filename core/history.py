"""Who changed what: the trail django-simple-history keeps of every change to a record, and how it is read.

Each historical row carries who made the change (``history_user``), when, and where it came from in
``history_change_reason``: ``web``, ``api`` or ``admin`` for a request (from its path), the command and its
file for an import (``import_287g ice_287g.xlsx``, set with ``change_source``), ``system`` otherwise.

``history_entries`` turns historical rows into what a History panel shows: each change with its fields'
old and new values (``diff_against``), choice labels and the names of related rows, read in one query per
related table whatever the number of rows; fields the reader may not see are marked hidden, never shown.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords, ModelChange
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

WEB, API, ADMIN, SYSTEM = "web", "api", "admin", "system"

SOURCE_LABELS = {
    WEB: pgettext_lazy("where a change came from", "web"),
    API: pgettext_lazy("where a change came from", "API"),
    ADMIN: pgettext_lazy("where a change came from", "admin"),
    SYSTEM: pgettext_lazy("where a change came from", "system"),
}

_source: ContextVar[str | None] = ContextVar("history_source", default=None)


@contextmanager
def change_source(source: str) -> Iterator[None]:
    """Every change saved inside the block is recorded as coming from `source` (an import and its file)."""
    token = _source.set(source[:100])
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    explicit = _source.get()
    if explicit:
        return explicit
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return SYSTEM
    path = request.path_info
    if path.startswith("/api/"):
        return API
    if path.startswith("/admin/"):
        return ADMIN
    return WEB


def fill_source(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """pre_create_historical_record: a row with no stated source gets the current one."""
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_source()


def source_label(source: str | None) -> str:
    if not source:
        return str(SOURCE_LABELS[SYSTEM])
    return str(SOURCE_LABELS.get(source, source))


@dataclass
class Change:
    field: str
    old: str = ""
    new: str = ""
    hidden: bool = False


@dataclass
class Entry:
    record: Any
    kind: str
    kind_label: str
    title: str
    action: str
    when: datetime
    user: Any
    source: str
    changes: list[Change] = field(default_factory=list)


ACTIONS = {
    "+": pgettext_lazy("a change in a record's history", "created"),
    "~": pgettext_lazy("a change in a record's history", "changed"),
    "-": pgettext_lazy("a change in a record's history", "deleted"),
}

# Fields left out of a history list: the record they belong to (the page is about it) and, for an answer,
# the question as the set now words it (the answer keeps the question as it was asked).
SKIPPED_FIELDS = {
    "membership": ("campaign",),
    "target": ("campaign",),
    "meeting": ("campaign",),
    "answer": ("meeting", "question"),
    "deadline": ("campaign",),
    "letter": ("campaign",),
    "recordsrequest": ("campaign",),
    "assignment": ("campaign",),
    "question": ("question_set",),
}

# The field of each kind of record that names it in a history list.
TITLE_FIELDS = {
    "campaign": "name",
    "membership": "user",
    "target": "name",
    "meeting": "held_at",
    "answer": "question_text",
    "deadline": "title",
    "letter": "subject",
    "recordsrequest": "subject",
    "assignment": "resource",
    "resource": "title",
    "questionset": "name",
    "question": "text",
    "policyrecord": "dimension",
    "agreement287g": "agency",
    "official": "name",
    "statelaw": "title",
    "user": "username",
}


Labels = dict[tuple[Any, Any], str]


def _fields_of(record: Any) -> dict[str, models.Field]:
    return {f.name: f for f in record.tracked_fields}


def _foreign_keys(history_model: Any) -> list[str]:
    """The kept foreign keys of a historical model: read with its rows (select_related) to name what they
    point at without a query of their own."""
    return [f.name for f in history_model.tracked_fields if f.many_to_one]


def _label(obj: Any) -> str:
    """A related row's name from its own columns alone (never a query)."""
    if hasattr(obj, "get_username"):
        return obj.get_full_name() or obj.get_username()
    for name in ("name", "title", "subject", "law_name", "text", "question_text"):
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value[:80]
    if hasattr(obj, "held_at"):
        return f"{obj.get_kind_display()} {date_format(obj.held_at, 'DATE_FORMAT')}"
    if hasattr(obj, "get_model_display"):
        return obj.get_model_display()
    return f"#{obj.pk}"


def related_labels(records: Iterable[Any]) -> Labels:
    """The names of the rows the records point at: from the rows read with them, and for any other
    (an old value of a changed link) one query per related table."""
    labels: Labels = {}
    missing: dict[Any, set[Any]] = defaultdict(set)
    records = list(records)
    for record in records:
        for f in record.tracked_fields:
            if not f.many_to_one:
                continue
            cached = record._state.fields_cache.get(f.name)
            if cached is not None:
                labels[(f.related_model, cached.pk)] = _label(cached)
    for record in records:
        for f in record.tracked_fields:
            value = getattr(record, f.attname) if f.many_to_one else None
            if value is not None and (f.related_model, value) not in labels:
                missing[f.related_model].add(value)
    for model, pks in missing.items():
        for obj in model._base_manager.filter(pk__in=pks):
            labels[(model, obj.pk)] = _label(obj)
    return labels


def _format(f: models.Field, value: Any, labels: Labels) -> str:
    if value is None or value == "":
        return ""
    if f.is_relation and f.many_to_one:
        return labels.get((f.related_model, value), f"#{value}")
    if f.choices:
        choices = dict(f.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, time):
        return time_format(value, "TIME_FORMAT")
    if hasattr(value, "isoformat"):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return str(value)


def history_entries(
    records: Iterable[Any],
    previous: dict[Any, Any],
    *,
    hidden: Callable[[Any], set[str]] = lambda record: set(),
) -> list[Entry]:
    """Entries for `records` (historical rows, newest first); `previous` maps a row's history_id to the row
    before it for the same record (missing for the first). `hidden(record)` names the fields the reader may
    not see: their change is listed, its values are not."""
    records = list(records)
    labels = related_labels([*records, *previous.values()])
    entries = []
    for record in records:
        fields = _fields_of(record)
        skip = {"id", *SKIPPED_FIELDS.get(record.instance_type._meta.model_name, ())}
        hide = hidden(record)
        before = previous.get(record.history_id)
        changes = []
        if before is not None and record.history_type == "~":
            # diff_against compares the fields a form edits; the others (a withdrawal by an import) as well.
            m2m = [f.name for f in getattr(record, "_history_m2m_fields", ())]
            delta = record.diff_against(before, excluded_fields=[*skip, *m2m])
            unedited = [
                ModelChange(name, getattr(before, f.attname), getattr(record, f.attname))
                for name, f in fields.items()
                if not f.editable and name not in skip and getattr(before, f.attname) != getattr(record, f.attname)
            ]
            for change in [*delta.changes, *unedited]:
                f = fields[change.field]
                name = str(f.verbose_name)
                if change.field in hide:
                    changes.append(Change(name, hidden=True))
                else:
                    changes.append(Change(name, _format(f, change.old, labels), _format(f, change.new, labels)))
        elif record.history_type in ("+", "-") or before is None:
            for name, f in fields.items():
                if name in skip or not f.editable:
                    continue
                value = getattr(record, f.attname)
                if value is None or value == "" or value == [] or value == {}:
                    continue
                if name in hide:
                    changes.append(Change(str(f.verbose_name), hidden=True))
                    continue
                shown = _format(f, value, labels)
                if record.history_type == "-":
                    changes.append(Change(str(f.verbose_name), old=shown))
                else:
                    changes.append(Change(str(f.verbose_name), new=shown))
        if record.history_type == "~" and before is not None and not changes:
            # A save that changed nothing kept here (only an update time, say).
            continue
        meta = record.instance_type._meta
        title_field = fields.get(TITLE_FIELDS.get(meta.model_name, ""), None)
        title = _format(title_field, getattr(record, title_field.attname), labels) if title_field else ""
        entries.append(
            Entry(
                record=record,
                kind=meta.model_name,
                kind_label=str(meta.verbose_name),
                title=title[:80],
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                when=record.history_date,
                user=record.history_user,
                source=source_label(record.history_change_reason),
                changes=changes,
            )
        )
    return entries


def previous_records(history_model: Any, records: Iterable[Any]) -> dict[Any, Any]:
    """The row before each of `records` for the same object, in two queries whatever their number."""
    records = list(records)
    if not records:
        return {}
    pk_name = history_model.instance_type._meta.pk.attname
    before = (
        history_model._default_manager.filter(
            **{pk_name: OuterRef(pk_name)},
            history_date__lte=OuterRef("history_date"),
            history_id__lt=OuterRef("history_id"),
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    ids = dict(
        history_model._default_manager.filter(history_id__in=[r.history_id for r in records])
        .annotate(before_id=Subquery(before))
        .values_list("history_id", "before_id")
    )
    rows = (
        history_model._default_manager.select_related(*_foreign_keys(history_model))
        .filter(history_id__in=[pk for pk in ids.values() if pk is not None])
        .in_bulk()
    )
    return {history_id: rows[before_id] for history_id, before_id in ids.items() if before_id in rows}


PANEL_SIZE = 10


def latest_changes(queryset: QuerySet[Any], *, size: int = PANEL_SIZE) -> tuple[list[Any], dict[Any, Any]]:
    """The latest `size` rows of a history, each with the row before it, in one query: the earlier values
    come from window functions (LAG) over each record's rows, what the rows point at from joins."""
    history_model = queryset.model
    fields = list(history_model.tracked_fields)
    pk_name = history_model.instance_type._meta.pk.attname

    def lag(name: str) -> Window:
        return Window(Lag(name), partition_by=[F(pk_name)], order_by=[F("history_date").asc(), F("history_id").asc()])

    rows = list(
        queryset.select_related("history_user", *_foreign_keys(history_model))
        .annotate(before_history_id=lag("history_id"), **{f"before__{f.attname}": lag(f.attname) for f in fields})
        .order_by("-history_date", "-history_id")[:size]
    )
    previous = {}
    for row in rows:
        if row.before_history_id is not None:
            values = {f.attname: getattr(row, f"before__{f.attname}") for f in fields}
            previous[row.history_id] = history_model(history_id=row.before_history_id, **values)
    return rows, previous


def recent_history(
    querysets: Iterable[QuerySet[Any]],
    *,
    hidden: Callable[[Any], set[str]] = lambda record: set(),
    size: int = PANEL_SIZE,
) -> list[Entry]:
    """A History panel: the latest changes in one or more histories (a record and its parts), newest
    first, in one query per history whatever their length."""
    entries = []
    for queryset in querysets:
        rows, previous = latest_changes(queryset, size=size)
        entries.extend(history_entries(rows, previous, hidden=hidden))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:size]


def record_history(
    obj: Any, *, hidden: Callable[[Any], set[str]] = lambda record: set(), size: int = PANEL_SIZE
) -> list[Entry]:
    """The latest changes to one record, newest first, for its page's History panel."""
    return recent_history([obj.history.all()], hidden=hidden, size=size)


def is_tracked(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def bulk_create_tracked(objs: list[Any], model: type[models.Model], *, batch_size: int = 500) -> list[Any]:
    """bulk_create that keeps each new row's history (with the current source) when the model has one."""
    if not is_tracked(model):
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    return bulk_create_with_history(objs, model, batch_size=batch_size, default_change_reason=current_source())


def bulk_update_tracked(
    objs: list[Any], model: type[models.Model], fields: list[str], *, batch_size: int = 500, manager: Any = None
) -> int:
    """bulk_update that keeps each row's history (with the current source) when the model has one."""
    manager = manager or model._default_manager
    if not is_tracked(model):
        return manager.bulk_update(objs, fields, batch_size=batch_size)
    return bulk_update_with_history(
        objs, model, fields, batch_size=batch_size, manager=manager, default_change_reason=current_source()
    )


def history_page(
    querysets: dict[str, QuerySet[Any]],
    *,
    page_number: Any = 1,
    per_page: int = 50,
    hidden: Callable[[Any], set[str]] = lambda record: set(),
) -> tuple[Page, list[Entry]]:
    """One page of the changes in several kinds of history (kind -> a historical model's rows), newest first.

    The page's keys come from one UNION, then each kind on the page costs a fixed number of queries (its
    rows, the rows before them, the names they point at), whatever the number of rows.
    """
    keys = [
        qs.order_by()
        .annotate(history_kind=Value(kind, output_field=CharField()))
        .values_list("history_kind", "history_id", "history_date")
        for kind, qs in querysets.items()
    ]
    if not keys:
        empty: Page = Paginator([], per_page).get_page(page_number)
        return empty, []
    union = keys[0] if len(keys) == 1 else keys[0].union(*keys[1:], all=True)
    page = Paginator(union.order_by("-history_date", "-history_id"), per_page).get_page(page_number)
    keys_on_page = list(page.object_list)
    by_kind: dict[str, list[Any]] = {}
    for kind, history_id, _when in keys_on_page:
        by_kind.setdefault(kind, []).append(history_id)
    entries: dict[tuple[str, Any], Entry] = {}
    for kind, ids in by_kind.items():
        history_model = querysets[kind].model
        rows = list(
            history_model._default_manager.filter(history_id__in=ids).select_related(
                "history_user", *_foreign_keys(history_model)
            )
        )
        rows.sort(key=lambda row: (row.history_date, row.history_id), reverse=True)
        for entry in history_entries(rows, previous_records(history_model, rows), hidden=hidden):
            entries[(kind, entry.record.history_id)] = entry
    return page, [entries[(kind, hid)] for kind, hid, _when in keys_on_page if (kind, hid) in entries]


def keep_history_of_update(model: Any, *, pks: Iterable[Any], user: Any = None) -> None:
    """After a QuerySet.update() (a conditional write sends no signals): each updated row's new version goes
    into its history, made by `user` (else the request's) from the current source."""
    if not is_tracked(model):
        return
    rows = list(model._base_manager.filter(pk__in=list(pks)))
    if rows:
        model.history.bulk_history_create(rows, update=True, default_user=user, default_change_reason=current_source())


@contextmanager
def history_paused() -> Iterator[None]:
    """No history is kept inside the block: for a synthetic data set built or cleared in bulk (seed_bench),
    whose rows nobody relies on. Management commands only: it switches the setting for the process."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous
