"""import_jurisdictions: states (us_states.csv) and counties with population (us_counties.csv)."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.importing import CREATED, UNCHANGED, UPDATED, KeepHelpLayout, RowError
from jurisdictions.importers import (
    PlacesImportCommand,
    StateIndex,
    changed_fields,
    parse_count,
    read_header,
    run_file,
    validate,
    write_rows,
)
from jurisdictions.models import Jurisdiction, State

HELP = """Load states and counties (county-equivalents) from the Census-based CSV files.

CSV is a counties file (columns fips, name, state, ...; default us_counties.csv in SHARED_DATA_DIR) or
a states file (name, postal, fips, kind). With a counties file the states are loaded first, from
--states or else from us_states.csv beside the counties file.

Population is population_2024 (year 2024), else population_2020_base (year 2020), else none.
Rows with geo_status "legacy" (Connecticut's 8 old counties) are kept and marked legacy. A 4-digit
county FIPS (or 1-digit state FIPS), as spreadsheets write them, is zero-padded and reported.
Running it twice changes nothing the second time."""


def _fips(text, width, line, importer, what="FIPS"):
    text = (text or "").strip()
    if not text.isdigit() or not 0 < len(text) <= width:
        raise RowError(f"{what} {text!r} is not a {width}-digit code")
    if len(text) < width:
        importer.warn(line, f"{what} {text} read as {text.zfill(width)} (leading zeros restored)")
    return text.zfill(width)


class StatesImport(PlacesImportCommand):
    help = HELP
    required_columns = ("name", "postal", "fips")
    noun = "states"
    atomic_rows = False

    def before_rows(self, path, rows, options):
        self.existing = {state.postal: state for state in State.objects.all()}
        self.seen, self.seen_fips = {}, {}

    def import_row(self, line, row):
        postal = row["postal"].upper()
        if not re.fullmatch(r"[A-Z]{2}", postal):
            raise RowError(f"postal code {row['postal']!r} is not two letters")
        if postal in self.seen:
            raise RowError(f"state {postal} appears twice; the first at line {self.seen[postal]} was kept")
        if not row["name"]:
            raise RowError("name is blank")
        fips = _fips(row["fips"], 2, line, self)
        if fips in self.seen_fips:
            raise RowError(f"FIPS {fips} appears twice; the first at line {self.seen_fips[fips]} was kept")
        kind = (row.get("kind") or State.Kind.STATE).lower()
        if kind not in State.Kind.values:
            raise RowError(f"kind {kind!r} is not one of {', '.join(State.Kind.values)}")
        self.seen[postal], self.seen_fips[fips] = line, line
        fields = {"name": row["name"], "fips": fips, "kind": kind}
        state = self.existing.get(postal)
        if state is None:
            state = State(postal=postal, **fields)
            write_rows(state)
            self.existing[postal] = state
            return CREATED
        if changed_fields(state, fields):
            write_rows(state)
            return UPDATED
        return UNCHANGED


class CountiesImport(PlacesImportCommand):
    help = HELP
    required_columns = ("fips", "name", "state")
    noun = "counties"
    atomic_rows = False

    def before_rows(self, path, rows, options):
        self.states = StateIndex()
        if not self.states:
            raise CommandError(f"{path}: no states are loaded yet; give --states us_states.csv.")
        self.existing = {county.fips: county for county in Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY)}
        self.seen = {}

    def import_row(self, line, row):
        fips = _fips(row["fips"], 5, line, self)
        state = self.states.by_code(row["state"])
        if state is None and row.get("state_fips"):
            state = self.states.by_fips.get(row["state_fips"].zfill(2))
        if state is None:
            raise RowError(f"unknown state {row['state']!r}; load the states file first")
        if not fips.startswith(state.fips):
            raise RowError(f"FIPS {fips} does not begin with {state.postal}'s FIPS {state.fips}")
        if fips in self.seen:
            raise RowError(f"county FIPS {fips} appears twice; the first at line {self.seen[fips]} was kept")
        if not row["name"]:
            raise RowError("name is blank")
        status = (row.get("geo_status") or "current").lower()
        if status not in {"current", "legacy"}:
            raise RowError(f"geo_status {status!r} is not current or legacy")
        population = parse_count(row.get("population_2024"), "population_2024")
        year = 2024 if population is not None else None
        if population is None:
            population = parse_count(row.get("population_2020_base"), "population_2020_base")
            year = 2020 if population is not None else None
        self.seen[fips] = line
        fields = {
            "state_id": state.pk,
            "name": row["name"],
            "short_name": row.get("short_name") or row["name"],
            "county_type": row.get("kind", ""),
            "population": population,
            "population_year": year,
            "is_legacy": status == "legacy",
        }
        county = self.existing.get(fips)
        if county is None:
            county = Jurisdiction(kind=Jurisdiction.Kind.COUNTY, fips=fips, **fields)
            validate(county)
            self.create_later(line, county)
            self.existing[fips] = county
            return CREATED
        if changed_fields(county, fields):
            write_rows(county)
            return UPDATED
        return UNCHANGED


class Command(KeepHelpLayout, BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument(
            "csv", nargs="?", help="counties (or states) CSV; default us_counties.csv in SHARED_DATA_DIR"
        )
        parser.add_argument("--states", help="states CSV; default us_states.csv beside the counties file")

    def handle(self, *args, **options):
        path = Path(options["csv"] or Path(settings.SHARED_DATA_DIR) / "us_counties.csv")
        header = read_header(path)
        if "postal" in header and "state" not in header:
            run_file(self, StatesImport, path, options)
            return
        if not {"fips", "name", "state"} <= set(header):
            raise CommandError(
                f"{path}:1: neither a counties file (fips, name, state, ...) nor a states file (name, postal, fips); "
                f"the header has {', '.join(header) or 'nothing'}."
            )
        states = Path(options["states"]) if options["states"] else path.parent / "us_states.csv"
        if options["states"] or states.exists():
            run_file(self, StatesImport, states, options)
        run_file(self, CountiesImport, path, options)
