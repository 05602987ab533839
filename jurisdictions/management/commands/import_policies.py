"""import_policies: county policy records (ICE holds, notifications, jail access) from a coalition's spreadsheet."""

from pathlib import Path

from django.core.files import File
from django.utils import timezone

from core.importing import CREATED, UNCHANGED, UPDATED, RowError
from jurisdictions.importers import PlacesImportCommand, changed_fields, clean_url, parse_date, write_rows
from jurisdictions.models import DIMENSION_VALUES, Dimension, Jurisdiction, PolicyRecord, PolicyValue
from jurisdictions.naming import fold
from jurisdictions.services import jurisdictions_refresh_policy

HELP = """Load dated policy records of counties from a coalition's spreadsheet (CSV).

Columns (header names, case ignored):
- county_fips (or fips): the 5-digit county FIPS (leading zeros may be missing);
- dimension: holds (ICE holds / detainers), notifications (release-date notifications to ICE),
  jail_access (ICE access to the jail), or bed_contract (jail-bed contract with ICE);
- value: holds honors_all / honors_some / honors_none; notifications and jail_access yes / limited /
  none; bed_contract yes / no (the labels shown on the site are read too, e.g. "Honors some");
- effective_date: YYYY-MM-DD or M/D/YYYY, not in the future;
- source_url and/or source_document: a web address, or a file (PDF, image, Word) next to the CSV or at
  a path relative to it. A source is required: a row without one is rejected;
- judicial_warrant: optional, holds rows only: yes (the jail holds someone for ICE only on a judicial
  warrant or a judge's order), no (an ICE detainer alone is enough) or unknown / blank;
- note: optional.
287(g) comes from ICE's list (import_287g) and is not read here. Each bad row is reported as
file:line: reason and the good rows still load. A record is the same when its county, dimension,
effective date and source are: its value and note are updated; running the file twice changes nothing.
The counties' current values and overall levels are recomputed."""

DIMENSIONS = {
    "holds": Dimension.HOLDS,
    "ice holds": Dimension.HOLDS,
    "detainers": Dimension.HOLDS,
    "notifications": Dimension.NOTIFICATIONS,
    "release date notifications": Dimension.NOTIFICATIONS,
    "release date notifications to ice": Dimension.NOTIFICATIONS,
    "jail access": Dimension.JAIL_ACCESS,
    "ice access to the jail": Dimension.JAIL_ACCESS,
    "bed contract": Dimension.BED_CONTRACT,
    "jail bed contract with ice": Dimension.BED_CONTRACT,
}
WARRANT_ANSWERS = {
    "yes": True,
    "y": True,
    "true": True,
    "no": False,
    "n": False,
    "false": False,
    "unknown": None,
    "": None,
}
VALUE_NAMES = {fold(value): value for value in PolicyValue.values} | {
    fold(str(label)): value for value, label in PolicyValue.choices
}


class Command(PlacesImportCommand):
    help = HELP
    required_columns = ("dimension", "value", "effective_date")
    noun = "policy records"
    atomic_rows = True

    def before_rows(self, path, rows, options):
        self.folder = Path(path).resolve().parent
        self.counties = {county.fips: county for county in Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY)}
        self.existing = {
            (record.jurisdiction_id, record.dimension, record.effective_date, record.source_url, record.note): record
            for record in PolicyRecord.objects.filter(is_demo=False, agreement__isnull=True, entered_by__isnull=True)
        }
        self.touched = set()

    def import_row(self, line, row):
        fips = (row.get("county_fips") or row.get("fips") or "").strip()
        if not fips:
            raise RowError("county_fips is blank")
        if fips.isdigit() and len(fips) < 5:
            fips = fips.zfill(5)
        county = self.counties.get(fips)
        if county is None:
            raise RowError(f"no county has FIPS {fips!r}")
        dimension = DIMENSIONS.get(fold(row["dimension"]).replace("_", " "))
        if dimension is None:
            raise RowError(f"dimension {row['dimension']!r} is not holds, notifications, jail_access or bed_contract")
        value = VALUE_NAMES.get(fold(row["value"]).replace(" ", "_")) or VALUE_NAMES.get(fold(row["value"]))
        allowed = DIMENSION_VALUES[dimension]
        if value not in allowed:
            raise RowError(f"value {row['value']!r} is not one of {', '.join(allowed)} for {dimension}")
        try:
            effective = parse_date(row["effective_date"])
        except ValueError:
            raise RowError(f"effective_date {row['effective_date']!r} is not a date (YYYY-MM-DD)") from None
        if effective is None:
            raise RowError("effective_date is blank")
        if effective > timezone.localdate():
            raise RowError(f"effective_date {effective.isoformat()} is in the future")
        source_url, problem = clean_url(row.get("source_url"))
        if problem:
            raise RowError(f"source_url {problem}")
        document = self._document(row.get("source_document", ""))
        if not source_url and document is None:
            raise RowError("no source: give a source_url or a source_document")
        note = row.get("note", "")
        answer = fold(row.get("judicial_warrant") or "")
        if answer not in WARRANT_ANSWERS:
            raise RowError(f"judicial_warrant {row['judicial_warrant']!r} is not yes, no or unknown")
        warrant = WARRANT_ANSWERS[answer]
        if warrant is not None and dimension != Dimension.HOLDS:
            raise RowError("judicial_warrant is said of holds records only")
        key = (county.pk, dimension, effective, source_url, note)
        record = self.existing.get(key)
        if record is None:
            record = PolicyRecord(
                jurisdiction=county, dimension=dimension, effective_date=effective, source_url=source_url, note=note
            )
            outcome = CREATED
        else:
            outcome = UNCHANGED
        if changed_fields(record, {"value": value, "judicial_warrant": warrant}) and outcome == UNCHANGED:
            outcome = UPDATED
        if document is not None and not _same_document(record, document):
            with document.open("rb") as handle:
                record.source_document.save(document.name, File(handle), save=False)
            outcome = outcome if outcome == CREATED else UPDATED
        if outcome == UNCHANGED:
            return UNCHANGED
        write_rows(record)
        self.existing[key] = record
        self.touched.add(county.pk)
        return outcome

    def _document(self, name):
        name = (name or "").strip()
        if not name:
            return None
        path = (self.folder / name).resolve()
        if not path.is_file():
            raise RowError(f"source_document {name!r} is not a file next to the CSV")
        return path

    def after_rows(self, path, summary, options):
        if self.touched:
            jurisdictions_refresh_policy(jurisdiction_ids=self.touched)


def _same_document(record, path):
    """Whether the record already keeps this file (the storage may have added a suffix to its name)."""
    if not record.source_document:
        return False
    stored = Path(record.source_document.name)
    return stored.suffix == path.suffix and stored.stem.startswith(path.stem)
