"""import_doj_list: the Department of Justice's list of "sanctuary jurisdictions", as the federal designation it is."""

from core.importing import CREATED, UNCHANGED, UPDATED, RowError
from jurisdictions.importers import PlacesImportCommand, StateIndex, changed_fields, clean_url, parse_date, write_rows
from jurisdictions.models import FederalDesignation, Jurisdiction
from jurisdictions.naming import fold

# The press release the list was published in (2025-08-05, under Executive Order 14287).
DOJ_RELEASE = "https://www.justice.gov/opa/pr/justice-department-publishes-list-sanctuary-jurisdictions"

HELP = f"""Load a federal list of places (doj_sanctuary_jurisdiction_list_<date>.csv) as federal designations.

Columns: jurisdiction_type (state, county or city), name, state (postal code), fips (the county's; blank
for cities and ignored for states), listed_on (YYYY-MM-DD), list_name; source_url optional (default:
--source-url, the Department of Justice's release {DOJ_RELEASE}).
A designation is the federal government's on its date, with its source: it is shown on the county page
(a county's own, its state's, and the state's listed cities) and is never a policy record or part of a
level. A county row whose FIPS is not a county of its state is rejected. Running it twice changes nothing."""


class Command(PlacesImportCommand):
    help = HELP
    required_columns = ("jurisdiction_type", "name", "state", "listed_on", "list_name")
    noun = "federal designations"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--source-url", default=DOJ_RELEASE, help="where the list was published")

    def before_rows(self, path, rows, options):
        self.states = StateIndex()
        self.source_url = options.get("source_url") or DOJ_RELEASE
        self.counties = {c.fips: c for c in Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY)}
        self.existing = {
            (d.list_name, d.listed_on, d.state_id, d.level, d.name): d for d in FederalDesignation.objects.all()
        }

    def import_row(self, line, row):
        level = fold(row["jurisdiction_type"])
        if level not in FederalDesignation.Level.values:
            raise RowError(f"jurisdiction_type {row['jurisdiction_type']!r} is not state, county or city")
        state, note = self.states.resolve(postal=row["state"])
        if note:
            self.warn(line, note)
        if not row["name"]:
            raise RowError("name is blank")
        try:
            listed_on = parse_date(row["listed_on"])
        except ValueError:
            raise RowError(f"listed_on {row['listed_on']!r} is not a date") from None
        if listed_on is None:
            raise RowError("listed_on is blank")
        if not row["list_name"]:
            raise RowError("list_name is blank")
        county = None
        if level == FederalDesignation.Level.COUNTY:
            fips = (row.get("fips") or "").strip().zfill(5)
            county = self.counties.get(fips)
            if county is None or county.state_id != state.pk:
                raise RowError(f"fips {row.get('fips')!r} is not a county of {state.postal}")
        source_url, problem = clean_url(row.get("source_url") or self.source_url)
        if problem:
            raise RowError(f"source_url {problem}")
        key = (row["list_name"][:300], listed_on, state.pk, level, row["name"][:200])
        designation = self.existing.get(key)
        fields = {"jurisdiction_id": county.pk if county else None, "source_url": source_url}
        if designation is None:
            designation = FederalDesignation(
                level=level, name=key[4], state=state, list_name=key[0], listed_on=listed_on, **fields
            )
            write_rows(designation)
            self.existing[key] = designation
            return CREATED
        if not changed_fields(designation, fields):
            return UNCHANGED
        write_rows(designation)
        return UPDATED
