"""What every CSV importer shares: reading with line numbers, bad-row reports, progress and a summary.

An importer subclasses ``CsvImportCommand`` and implements ``import_row`` (return one of CREATED,
UPDATED, UNCHANGED, SKIPPED, or raise ``RowError``). A bad row is reported as ``file:line: reason``
and the good rows still load; a row imported with a stated correction is reported the same way
through ``warn()``. Running an importer twice changes nothing the second time.

The whole file is imported in one transaction (one commit, fast on SQLite) and each row in its own
savepoint. Importers that keep their lookups in memory can set ``atomic_rows = False`` and open a
savepoint only around the rows they write, so an unchanged row costs no query at all. New rows
validated in Python can be queued with ``create_later()``: they are inserted in bulk before
``after_rows``, and one by one (rejecting only the refused ones) if the bulk insert fails.
"""

import argparse
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import IntegrityError, transaction
from tqdm import tqdm

from .history import bulk_create_tracked, change_source

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"


class RowError(Exception):
    """A row that cannot be imported; the message says why and, where it can, what to fix."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def count(self, outcome):
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def changed(self):
        return self.created + self.updated

    def __str__(self):
        text = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {self.skipped}, rejected {self.rejected}"
        )
        if self.warnings:
            text += f", {len(self.warnings)} warning(s)"
        return text


def _has_bad_bytes(values):
    return any("\udc80" <= ch <= "\udcff" for value in values for ch in value)


def read_csv_rows(path, required_columns=()):
    """Yield (line number, row dict) for each data row of a CSV file.

    Accepts a UTF-8 byte-order mark and CRLF line ends. A row with bytes that are not UTF-8 is
    yielded with ``None`` as its dict so the caller reports it and goes on. Raises CommandError
    when the file cannot be read at all or lacks required columns.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from exc
    text = raw.decode("utf-8", errors="surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CommandError(f"{path}: the file is empty; expected a header row.") from None
    header = [name.strip().lower() for name in header]
    missing = [name for name in required_columns if name not in header]
    if missing:
        raise CommandError(
            f"{path}:1: missing column(s) {', '.join(missing)}; the header has {', '.join(header) or 'nothing'}."
        )
    previous_end = reader.line_num
    for values in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if _has_bad_bytes(values):
            yield line, None
            continue
        if len(values) > len(header):
            yield line, {"__error__": f"{len(values)} fields where the header has {len(header)}"}
            continue
        values = values + [""] * (len(header) - len(values))
        yield line, {name: value.strip() for name, value in zip(header, values, strict=True)}


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


class KeepHelpLayout:
    """Show a command's help text with its own line breaks: importers state their rules as lists."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)


class CsvImportCommand(KeepHelpLayout, BaseCommand):
    """Base of the CSV importers: subclasses set required_columns and implement import_row."""

    required_columns = ()
    noun = "rows"
    # False when import_row opens its own savepoint around writes (see the module docstring).
    atomic_rows = True

    def add_arguments(self, parser):
        parser.add_argument("csv", help="path of the CSV file to import")

    def handle(self, *args, **options):
        path = Path(options["csv"])
        # Each change the import makes is kept in the records' history as made by this command and file.
        with change_source(f"{self.command_name()} {path.name}"):
            summary = self.run_import(path, options)
            self.after_import(summary)
        self.write_problems(summary)
        self.report(path, summary)
        return None

    def command_name(self):
        return self.__module__.rpartition(".")[2]

    def after_import(self, summary):
        """Run once the rows are in (they may have been bulk written, sending no signals)."""

    def write_problems(self, summary):
        for error in summary.errors:
            self.stderr.write(error)
        for warning in summary.warnings:
            self.stderr.write(warning)

    def read_rows(self, path, options):
        """The (line, row dict) pairs of the file; an importer of another format overrides this."""
        return list(read_csv_rows(path, self.required_columns))

    def run_import(self, path, options):
        rows = self.read_rows(path, options)
        summary = ImportSummary()
        self.path, self.summary, self._queued = path, summary, []
        with transaction.atomic():
            self.before_rows(path, rows, options)
            with tqdm(total=len(rows), desc=f"{path.name}", unit=" rows", file=self.stderr._out, disable=None) as bar:
                for line, row in rows:
                    try:
                        if row is None:
                            raise RowError("bytes that are not UTF-8; save the file as UTF-8 and import it again")
                        if "__error__" in row:
                            raise RowError(row["__error__"])
                        if self.atomic_rows:
                            with transaction.atomic():
                                outcome = self.import_row(line, row)
                        else:
                            outcome = self.import_row(line, row)
                        summary.count(outcome)
                    except RowError as exc:
                        summary.rejected += 1
                        summary.errors.append(f"{path}:{line}: {exc}")
                    bar.update(1)
            self.create_queued()
            self.after_rows(path, summary, options)
        return summary

    def create_later(self, line, instance):
        """Queue a new, validated row (counted as created) for one bulk insert after the last row."""
        self._queued.append((line, instance))

    def create_queued(self):
        queued, self._queued = self._queued, []
        by_model = {}
        for line, instance in queued:
            by_model.setdefault(type(instance), []).append((line, instance))
        for model, items in by_model.items():
            try:
                with transaction.atomic():
                    bulk_create_tracked([instance for _, instance in items], model)
                continue
            except IntegrityError:
                pass
            for line, instance in items:
                instance.pk, instance._state.adding = None, True
                try:
                    with transaction.atomic():
                        instance.save()
                except IntegrityError as exc:
                    instance.pk = None
                    self.summary.created -= 1
                    self.summary.rejected += 1
                    self.summary.errors.append(
                        f"{self.path}:{line}: the database refused the row ({str(exc).splitlines()[0]})"
                    )

    def warn(self, line, message):
        """Report a row that was imported with a stated correction, or a note about it."""
        self.summary.warnings.append(f"{self.path}:{line}: {message}")

    def report(self, path, summary):
        self.stdout.write(f"{path.name}: {summary}.")
        if not summary.changed and not self.extra_changes():
            self.stdout.write(self.style.SUCCESS(f"Nothing changed: the {self.noun} were already up to date."))
        if summary.rejected:
            self.stdout.write(
                self.style.WARNING(
                    f"{summary.rejected} row(s) rejected (listed above as file:line: reason). "
                    "Fix them in the file and run the import again; the good rows are already saved."
                )
            )

    def before_rows(self, path, rows, options):
        """Hook: load lookups before the rows (one query per table, not per row)."""

    def after_rows(self, path, summary, options):
        """Hook: work that needs every row seen (closing what disappeared, refreshing levels)."""

    def extra_changes(self):
        """Hook: changes made outside import_row (e.g. agreements closed), counted for 'nothing changed'."""
        return 0

    def import_row(self, line, row):
        raise NotImplementedError


def apply_fields(instance, fields):
    """Set fields on an instance; return True when any value differed."""
    changed = False
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def save_with_outcome(model, lookup, fields):
    """Create or update one row by its natural key; returns (instance, CREATED | UPDATED | UNCHANGED)."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **fields)
        instance.full_clean(validate_unique=False)
        instance.save()
        return instance, CREATED
    if apply_fields(instance, fields):
        instance.full_clean(validate_unique=False)
        instance.save()
        return instance, UPDATED
    return instance, UNCHANGED
