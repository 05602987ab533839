"""import_287g: ICE's list of 287(g) participating (or pending) agencies."""

import datetime
import hashlib
import re

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from core.history import bulk_update_tracked
from core.importing import CREATED, UNCHANGED, UPDATED, ImportSummary, RowError
from jurisdictions.ice_lists import PENDING, model_of, read_list, read_list_name
from jurisdictions.importers import (
    AgencyIndex,
    CountyIndex,
    PlacesImportCommand,
    StateIndex,
    add_source,
    agency_kind,
    changed_fields,
    clean_url,
    parse_date,
    write_rows,
)
from jurisdictions.models import Agency, Agreement287g, Dimension, ListChange, ListSnapshot, PolicyRecord
from jurisdictions.naming import fold
from jurisdictions.selectors import list_snapshot_newest
from jurisdictions.services import (
    agreement_policy_records_sync,
    jurisdictions_refresh_policy,
    list_changes_compute,
    list_snapshot_record,
)

SOURCE_TAG = "ice-287g"
# The first 287(g) agreements were signed in 2002; an earlier date is a typo.
FIRST_AGREEMENT = datetime.date(2002, 1, 1)
AGENCY_TYPES = {"county", "municipality", "state agency"}

HELP = """Load ICE's 287(g) list: one agreement per agency and model (support type).

FILE is ICE's spreadsheet as published on ice.gov (participatingAgencies07182025pm.xlsx,
pendingAgencies07182025pm.xlsx) or a CSV made from it (ice_287g_participating_<YYYY-MM-DD>.csv).
The sheet named like "data" or "Sheet1" is read, else the first; headers STATE, LAW ENFORCEMENT
AGENCY, TYPE, COUNTY, SUPPORT TYPE, SIGNED, MOA, ADDENDUM (spaces and case ignored). The memorandum
and addendum links are the cells' hyperlinks, Outlook SafeLinks unwrapped to the ice.gov address.
The list is pending when the file name says so, --pending is given or it has no SIGNED column;
agreements from it are pending. The list date is --as-of, else the date in the file name
(participatingAgenciesMMDDYYYYpm, 287gParticipatingAgenciesMMDDYYam, ParticipatingAgencyMMDDYYpm,
pendingAgenciesMMDDYYYY..., or YYYY-MM-DD); it is stored as each agreement's last_listed. A file
that is not a spreadsheet (an HTML page saved as .xlsx) is refused and nothing changes.

Rules:
- The agency is matched by state + normalised name, or for a sheriff's office the only sheriff's office
  already recorded in its county; otherwise it is created. Its kind comes from agency_type (County:
  sheriff, Municipality: police, State Agency: state agency) unless the name says more (corrections,
  jail or detention: jail; police; board of commissioners; district attorney; constable: other).
- The county is county_fips, else state + county name; a misspelt county name is read as the state's
  closest county name when similarity >= 0.85 or the same letters are reordered, reported as a warning.
  A county in another state, or no match, leaves the agreement without a county (warning). "#N/A",
  "#NA", "N/A" or blank mean no county. State agencies' agreements are statewide: never tied to a county.
- A sheriff's office named after a county of the state ("Madison County Sheriff's Office") is put in
  that county even when the county column names another one (reported).
- The state is state_postal, else the state name, else the closest state name (e.g. "UTAHJ" is read
  as Utah), reported as a warning.
- A signed date after the list date or before 2002 (e.g. 5025-07-07) is implausible: the agreement is
  imported without a signed date and the row is reported. An unreadable date is treated the same way.
- The same agency and model twice in one file: the second row is rejected.
- A list older than the one an agreement was last seen on neither changes nor closes it (reported).
- Agreements last seen on an earlier list of the same kind (participating or pending) that are not on
  this one are closed: status ended, end date = the list date; nothing is deleted. A pending
  agreement that appears on the participating list becomes active; an active one listed as pending
  stays active. A pending agreement that ends never took effect, so it gets no policy record.
Every list is kept (ListSnapshot: kind, date, SHA-256, rows, the file). The same file again changes
nothing; a list older than the newest one of its kind is recorded and changes nothing. A list that would
end more than --max-closing percent (20) of the agreements on the list before it is refused unless
--force. --dry-run prints the changes and writes nothing. Each list records what it changed.
Each agreement becomes its county's 287(g) policy record, and the counties' current 287(g) and level
are recomputed. Running it twice changes nothing the second time."""


DEFAULT_MAX_CLOSING = 20.0


class _DryRun(Exception):
    """Raised at the end of a dry run to roll every write back; carries the summary."""

    def __init__(self, summary):
        super().__init__("dry run")
        self.summary = summary


def _percent(text):
    value = float(text.rstrip("%"))
    if not 0 <= value <= 100:
        raise ValueError(text)
    return value


def _dated(date, half):
    return f"{date.isoformat()} {half}".strip()


def _describe(change):
    agreement = change.agreement
    where = agreement.jurisdiction.name if agreement.jurisdiction_id else "statewide"
    line = f"{change.get_kind_display()}: {agreement.agency.name} ({agreement.get_model_display()}), {where}"
    if change.old_value or change.new_value:
        line += f" [{change.old_value or '-'} -> {change.new_value or '-'}]"
    return line


def _missing_slash(text):
    """ICE's M/DYYYY typo ("7/72025", "05/082025") read as M/D/YYYY, or None."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})(\d{4})", (text or "").strip())
    if not match:
        return None
    month, day, year = map(int, match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class Command(PlacesImportCommand):
    help = HELP
    required_columns = ("state", "agency", "agency_type", "county", "support_type")
    noun = "287(g) agreements"
    atomic_rows = False

    def add_arguments(self, parser):
        parser.add_argument("csv", metavar="FILE", help="ICE's list as published (.xlsx) or a CSV made from it")
        parser.add_argument("--pending", action="store_true", help="the file is ICE's pending list")
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            help="date of the list (YYYY-MM-DD); default: the date in the file name",
        )
        parser.add_argument(
            "--max-closing",
            type=_percent,
            default=DEFAULT_MAX_CLOSING,
            metavar="PERCENT",
            help=f"refuse a list that would end more than this share of the agreements on the list before "
            f"(default {DEFAULT_MAX_CLOSING:g}); --force imports it all the same",
        )
        parser.add_argument("--force", action="store_true", help="import a list that ends more than --max-closing")
        parser.add_argument("--dry-run", action="store_true", help="print what the list would change; write nothing")

    def run_import(self, path, options):
        self.rows = self._read(path, options)
        self.data = path.read_bytes()
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self.kind = ListSnapshot.Kind.PENDING if self.pending else ListSnapshot.Kind.PARTICIPATING
        self.dry_run, self.snapshot, self.changes, self.refusal = bool(options.get("dry_run")), None, [], ""
        self.same_file = ListSnapshot.objects.filter(kind=self.kind, sha256=self.sha256).first()
        self.newer_list = None if self.same_file else self._newer_list()
        if self.same_file or self.newer_list:
            if self.newer_list and not self.dry_run:
                self.snapshot = self._record(applied=False)
            return ImportSummary(unchanged=len(self.rows))
        try:
            return super().run_import(path, options)
        except _DryRun as finished:
            return finished.summary

    def read_rows(self, path, options):
        return self.rows

    def _newer_list(self):
        """The newest list of this kind already applied when it is newer than this one, else None."""
        newest = list_snapshot_newest(kind=self.kind)
        if newest is None:
            return None
        if newest.list_date > self.as_of:
            return newest
        if newest.list_date == self.as_of and newest.list_half and self.half and newest.list_half > self.half:
            return newest
        return None

    def _record(self, *, applied, baseline=False, active_before=0, changes=()):
        return list_snapshot_record(
            kind=self.kind,
            list_date=self.as_of,
            list_half=self.half,
            data=self.data,
            sha256=self.sha256,
            file_name=self.path_name,
            row_count=len(self.rows),
            applied=applied,
            baseline=baseline,
            active_before=active_before,
            changes=changes,
        )

    def _read(self, path, options):
        self.path_name = path.name
        self.file_format, header, rows = read_list(path)
        if "on_latest_sheet" in header or "first_seen" in header:
            raise CommandError(
                f"{path}: this is the sheet history (one row per spelling seen on any sheet), not an ICE list; "
                "import the participating or pending list instead."
            )
        named = read_list_name(path, today=timezone.localdate())
        self.pending = bool(options.get("pending")) or named.kind == PENDING or "signed_date" not in header
        self.half = named.half
        if options.get("as_of"):
            self.as_of, self.as_of_source = options["as_of"], "--as-of"
        elif named.problem:
            raise CommandError(f"{path}: {named.problem}; give the list's date with --as-of YYYY-MM-DD.")
        elif named.date is None:
            raise CommandError(
                f"{path}: the file name carries no list date (ICE names its lists like "
                "participatingAgencies07182025pm.xlsx); give the list's date with --as-of YYYY-MM-DD."
            )
        else:
            self.as_of, self.as_of_source = named.date, "file name"
        return rows

    def before_rows(self, path, rows, options):
        self.states = StateIndex()
        if not self.states:
            raise CommandError("No states are loaded yet; run import_jurisdictions first.")
        self.counties = CountyIndex()
        self.agencies = AgencyIndex()
        self.agreements = {
            (agreement.agency_id, agreement.model): agreement
            for agreement in Agreement287g.objects.select_related("agency")
        }
        on_list = Agreement287g.Status.PENDING if self.pending else Agreement287g.Status.ACTIVE
        self.active_before = sum(agreement.status == on_list for agreement in self.agreements.values())
        self.before = {
            agreement.pk: (agreement.status, agreement.signed_date, agreement.moa_url)
            for agreement in self.agreements.values()
        }
        self.baseline = not self.active_before and list_snapshot_newest(kind=self.kind) is None
        self.seen = {}  # agreement key -> line
        self.listed = []  # agreements on this list
        self.touched = set()  # jurisdiction ids whose agreements changed
        self.closed_agreements = []
        self.closed = self.moved_records = self.new_records = self.older = 0

    def import_row(self, line, row):
        state, note = self.states.resolve(postal=row.get("state_postal", ""), name=row["state"])
        if note:
            self.warn(line, note)
        name = row["agency"]
        if not name:
            raise RowError("agency is blank")
        model = model_of(row["support_type"])
        if model is None:
            raise RowError(
                f"support_type {row['support_type']!r} is not Jail Enforcement Model, Task Force Model "
                "or Warrant Service Officer"
            )
        if fold(row["agency_type"]) not in AGENCY_TYPES:
            self.warn(line, f"agency_type {row['agency_type']!r} is not County, Municipality or State Agency")
        kind = agency_kind(row["agency_type"], name)

        county = None
        if kind != Agency.Kind.STATE_AGENCY:
            county, message = self.counties.resolve(
                state=state, fips=row.get("county_fips", ""), name=row["county"], what="agreement"
            )
            if message:
                self.warn(line, message)
            named = self.counties.named_in(state, name) if kind == Agency.Kind.SHERIFF else None
            if named is not None and named != county:
                self.warn(
                    line,
                    f"{name} is listed in {row['county'] or 'no county'}; a sheriff's office serves the county "
                    f"it is named after, so it is put in {named.name}",
                )
                county = named
        signed_date = None if self.pending else self._signed_date(line, row)
        moa_url = addendum_url = ""
        if not self.pending:
            moa_url, problem = clean_url(row.get("moa_url"))
            if problem:
                self.warn(line, f"moa_url {problem}")
            addendum_url, problem = clean_url(row.get("addendum_url"))
            if problem:
                self.warn(line, f"addendum_url {problem}")

        agency, agency_changed = self._agency(state, name, kind, county)
        key = (agency.pk, model)
        if agency.pk and key in self.seen:
            raise RowError(f"{name} ({row['support_type']}) is listed twice; the row at line {self.seen[key]} was kept")
        agreement = self.agreements.get(key) if agency.pk else None
        if agreement is not None and agreement.last_listed and agreement.last_listed > self.as_of:
            # A row of an older list never overwrites what a newer list said.
            self.older += 1
            self.seen[key] = line
            agreement.agency = agency
            self.listed.append(agreement)
            return UNCHANGED
        fields = {"state_id": state.pk, "jurisdiction_id": county.pk if county else None}
        if self.pending:
            if agreement is not None and agreement.status == Agreement287g.Status.ACTIVE:
                self.warn(line, f"{name} ({row['support_type']}) is already active; kept active")
            else:
                fields |= {"status": Agreement287g.Status.PENDING, "end_date": None}
        else:
            fields |= {
                "status": Agreement287g.Status.ACTIVE,
                "end_date": None,
                "signed_date": signed_date,
                "moa_url": moa_url,
                "addendum_url": addendum_url,
            }
        previous_jurisdiction = agreement.jurisdiction_id if agreement else None
        if agreement is None:
            agreement = Agreement287g(
                agency=agency, model=model, first_listed=self.as_of, last_listed=self.as_of, **fields
            )
            outcome = CREATED
        else:
            fields["last_listed"] = max(agreement.last_listed or self.as_of, self.as_of)
            fields["first_listed"] = min(agreement.first_listed or self.as_of, self.as_of)
            outcome = UPDATED if changed_fields(agreement, fields) or agency_changed else UNCHANGED
        if outcome != UNCHANGED:
            write_rows(*([agency] if agency_changed else []), agreement)
            self.agencies.add(agency)
            self.agreements[(agency.pk, model)] = agreement
            self.touched |= {previous_jurisdiction, agreement.jurisdiction_id} - {None}
        agreement.agency = agency
        self.seen[(agency.pk, model)] = line
        self.listed.append(agreement)
        return outcome

    def _signed_date(self, line, row):
        written = row.get("signed_date") or row.get("signed_raw", "")
        try:
            signed = parse_date(written)
        except ValueError:
            signed = _missing_slash(written)
            if signed is None:
                self.warn(line, f"signed date {written!r} is not a date; agreement imported without a signed date")
                return None
            self.warn(line, f"signed date {written!r} read as {signed.isoformat()} (a slash left out)")
        if signed is not None and not FIRST_AGREEMENT <= signed <= self.as_of:
            self.warn(
                line,
                f"signed date {signed.isoformat()} is implausible (after the list date {self.as_of.isoformat()} "
                "or before 2002); agreement imported without a signed date",
            )
            return None
        return signed

    def _agency(self, state, name, kind, county):
        """(agency, changed): the existing agency by the merge rule, or a new one (unsaved)."""
        agency = self.agencies.find(state=state, names=[name], kind=kind, county=county)
        if agency is None:
            agency = Agency(
                state=state,
                jurisdiction=county if kind != Agency.Kind.STATE_AGENCY else None,
                kind=kind,
                name=name[:200],
                sources=SOURCE_TAG,
            )
            return agency, True
        changed = add_source(agency, SOURCE_TAG)
        if agency.jurisdiction_id is None and county is not None and kind != Agency.Kind.STATE_AGENCY:
            agency.jurisdiction = county
            changed = True
        return agency, changed

    def after_rows(self, path, summary, options):
        self._close_missing()
        share = self.closed / self.active_before * 100 if self.active_before else 0
        max_closing = options.get("max_closing", DEFAULT_MAX_CLOSING)
        if share > max_closing:
            self.refusal = (
                f"{path}: this list would end {self.closed} of the {self.active_before} agreements on ICE's "
                f"{self.kind} list ({share:.0f}%, more than --max-closing {max_closing:g}%): a truncated "
                "or wrong file looks like this."
            )
            if not options.get("force") and not self.dry_run:
                raise CommandError(
                    f"{self.refusal} Nothing was imported. Check the file, or run again with --force if ICE "
                    "really ended them."
                )
        # A pending agreement that left the pending list never took effect: it gets no policy record.
        in_force = self.listed + ([] if self.pending else self.closed_agreements)
        self._align_policy_records(in_force)
        self.new_records = agreement_policy_records_sync(agreements=in_force)
        if self.touched or self.new_records or self.moved_records:
            touched = self.touched | {a.jurisdiction_id for a in in_force}
            jurisdictions_refresh_policy(jurisdiction_ids=touched - {None})
        if not self.baseline:
            self.changes = list_changes_compute(
                kind=self.kind, listed=self.listed, ended=self.closed_agreements, before=self.before
            )
        if self.dry_run:
            raise _DryRun(summary)
        self.snapshot = self._record(
            applied=True, baseline=self.baseline, active_before=self.active_before, changes=self.changes
        )

    def _close_missing(self):
        """Close agreements from an earlier list of the same kind that this list no longer has."""
        status = Agreement287g.Status.PENDING if self.pending else Agreement287g.Status.ACTIVE
        listed = {agreement.pk for agreement in self.listed}
        self.closed_agreements, newer = [], 0
        for agreement in self.agreements.values():
            if agreement.pk in listed or agreement.status != status or agreement.last_listed is None:
                continue
            if agreement.last_listed > self.as_of:
                newer += 1
                continue
            agreement.status = Agreement287g.Status.ENDED
            agreement.end_date = max(self.as_of, agreement.signed_date or self.as_of)
            self.closed_agreements.append(agreement)
        if self.closed_agreements:
            bulk_update_tracked(self.closed_agreements, Agreement287g, ["status", "end_date"])
            self.touched |= {a.jurisdiction_id for a in self.closed_agreements} - {None}
        self.closed = len(self.closed_agreements)
        if self.older:
            self.summary.warnings.append(
                f"{self.path}: {self.older} row(s) describe agreements already seen on a list newer than "
                f"{self.as_of.isoformat()}; left as the newer list has them"
            )
        if newer:
            self.summary.warnings.append(
                f"{self.path}: {newer} agreement(s) not on this list were seen on a list newer than "
                f"{self.as_of.isoformat()}; left as they are"
            )

    def _align_policy_records(self, agreements):
        """Keep each agreement's 287(g) records on its county and its signing record on its signed date.

        agreement_policy_records_sync dates the signing by signed_date, else last_listed: when either
        changes, the existing record is moved rather than a second one added.
        """
        agreements = {a.pk: a for a in agreements}
        records = PolicyRecord.all_objects.filter(agreement_id__in=list(agreements), dimension=Dimension.G287)
        today = timezone.localdate()
        to_update, withdrawn = [], 0
        for record in records:
            agreement = agreements[record.agreement_id]
            if agreement.jurisdiction_id is None:
                # The agreement no longer has a county: its records there are withdrawn, never deleted.
                if record.withdrawn_on is None:
                    record.withdrawn_on = self.as_of
                    self.touched.add(record.jurisdiction_id)
                    to_update.append(record)
                    withdrawn += 1
                continue
            changed = record.withdrawn_on is not None
            record.withdrawn_on = None
            if record.jurisdiction_id != agreement.jurisdiction_id:
                self.touched.add(record.jurisdiction_id)
                record.jurisdiction_id = agreement.jurisdiction_id
                changed = True
            signed_on = agreement.signed_date or agreement.last_listed or today
            if record.value == agreement.model and record.effective_date != signed_on:
                record.effective_date = signed_on
                changed = True
            if changed:
                to_update.append(record)
        if to_update:
            with transaction.atomic():
                bulk_update_tracked(
                    to_update,
                    PolicyRecord,
                    ["jurisdiction_id", "effective_date", "withdrawn_on"],
                    manager=PolicyRecord.all_objects,
                )
        self.moved_records = len(to_update)

    def extra_changes(self):
        return self.closed + self.new_records + self.moved_records

    def after_import(self, summary):
        if not self.dry_run:
            super().after_import(summary)

    def report(self, path, summary):
        kind = self.kind
        dated = _dated(self.as_of, self.half)
        self.stdout.write(f"{path.name}: ICE {kind} list dated {dated} (from {self.as_of_source}).")
        if self.same_file:
            first = timezone.localtime(self.same_file.imported_at)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Nothing changed: this file was already imported on {first:%Y-%m-%d %H:%M} "
                    f"as the {kind} list of {_dated(self.same_file.list_date, self.same_file.list_half)}."
                )
            )
            return
        if self.newer_list:
            verb = "Would be kept" if self.dry_run else "Kept"
            self.stdout.write(
                self.style.WARNING(
                    f"{verb} as an older list: the {kind} list of "
                    f"{_dated(self.newer_list.list_date, self.newer_list.list_half)} is newer, "
                    "so this one changes no agreement."
                )
            )
            return
        if self.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written. This list would change:"))
            for change in self.changes:
                self.stdout.write(f"  {_describe(change)}")
            if self.refusal:
                self.stdout.write(self.style.WARNING(f"{self.refusal} It would be refused without --force."))
        if self.baseline:
            self.stdout.write(f"First {kind} list: its {len(self.listed)} agreement(s) are the starting point.")
        else:
            counts = dict.fromkeys((str(label) for label in ListChange.Kind.labels), 0)
            for change in self.changes:
                counts[str(change.get_kind_display())] += 1
            self.stdout.write("Changes: " + ", ".join(f"{label} {n}" for label, n in counts.items()) + ".")
        if self.closed:
            self.stdout.write(
                f"{'Would close' if self.dry_run else 'Closed'} {self.closed} agreement(s) no longer on the "
                f"{kind} list "
                f"(status ended, end date {self.as_of.isoformat()})."
            )
        if self.new_records or self.moved_records:
            self.stdout.write(
                f"287(g) policy records: {self.new_records} added, {self.moved_records} moved or withdrawn."
            )
        super().report(path, summary)
