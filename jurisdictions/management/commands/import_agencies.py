"""import_agencies: sheriff's office contacts and the FBI's list of law-enforcement agencies."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.importing import CREATED, SKIPPED, UNCHANGED, UPDATED, KeepHelpLayout, RowError
from jurisdictions.importers import (
    AgencyIndex,
    CountyIndex,
    PlacesImportCommand,
    StateIndex,
    add_source,
    changed_fields,
    clean_url,
    parse_count,
    run_file,
    sheriff_office_name,
    validate,
    write_rows,
)
from jurisdictions.models import Agency
from jurisdictions.naming import agency_name_key, fold

MERGE_RULE = """An agency already recorded (from the ICE list or the other file) is the same agency when it has
the same state and the same normalised name (naming.agency_name_key: "Cherokee County Sheriff's Office"
= "cherokee county sheriffs office"), or, for a sheriff's office, when it is the only sheriff's office
recorded for that county. It is then updated, never duplicated; its name is kept. The same agency twice
in one file: the second row is rejected."""

HELP = f"""Load agencies: sheriff's office contacts and FBI agency identifiers and staffing.

--contacts FILE (sheriff_office_contacts_<states>.csv): one sheriff's office per row, put in its county by
county_fips, else by the county named in agency_key (misspelt names read by the importers' typo rule,
reported); phone, address and website are stored (a blank value never erases one already stored).

--fbi FILE (fbi_cde_law_enforcement_employees_agencies.csv): rows of agency type County are sheriff's
offices (or, when the name says police or public safety, county police), put in their county by state +
county_name; each is created or merged and gets the FBI ORI and employees (total_pe_ct). Rows of other
types only add the ORI and employees to an agency already recorded under the same name (the name as
written, or with "Police Department" / "Department" added); the others are skipped. The FBI's state
codes NB and GM are read as NE and GU.

{MERGE_RULE}

Without options both files are loaded from SHARED_DATA_DIR. Running it twice changes nothing the second
time."""


class AgencyFileImport(PlacesImportCommand):
    help = HELP
    noun = "agencies"
    atomic_rows = False
    source_tag = ""

    def before_rows(self, path, rows, options):
        self.states = StateIndex()
        self.counties = CountyIndex()
        self.agencies = AgencyIndex()
        self.seen = {}  # id() of the agency object (new ones have no pk until the bulk insert) -> line

    def merge(self, line, *, state, name, kind, county, fields, other_names=()):
        """Create the agency or update the one the merge rule finds; returns the outcome."""
        agency = self.agencies.find(state=state, names=[name, *other_names], kind=kind, county=county)
        if agency is not None and id(agency) in self.seen:
            raise RowError(f"{name} is the same agency as the row at line {self.seen[id(agency)]}; that row was kept")
        ori = fields.get("ori")
        holder = self.agencies.by_ori.get(ori) if ori else None
        if holder is not None and holder is not agency:
            raise RowError(f"ORI {ori} already belongs to {holder.name} ({holder.state.postal})")
        if agency is None:
            agency = Agency(
                state=state, jurisdiction=county, kind=kind, name=name[:200], sources=self.source_tag, **fields
            )
            agency.name_key = agency_name_key(agency.name)
            validate(agency)
            self.create_later(line, agency)
            self.agencies.add(agency)
            self.seen[id(agency)] = line
            return CREATED
        else:
            changed = changed_fields(agency, {k: v for k, v in fields.items() if v not in ("", None)})
            if add_source(agency, self.source_tag):
                changed.append("sources")
            if agency.jurisdiction_id is None and county is not None:
                agency.jurisdiction = county
                changed.append("jurisdiction")
            outcome = UPDATED if changed else UNCHANGED
        if outcome != UNCHANGED:
            write_rows(agency)
            self.agencies.add(agency)
        self.seen[id(agency)] = line
        return outcome


class ContactsImport(AgencyFileImport):
    required_columns = ("state", "agency_key", "county_fips", "phone", "address", "website")
    source_tag = "sheriff-contacts"

    def import_row(self, line, row):
        state = self.states.by_code(row["state"])
        if state is None:
            raise RowError(f"unknown state {row['state']!r}")
        key = fold(row["agency_key"])
        if not key:
            raise RowError("agency_key is blank")
        county_words = re.sub(r"\s*\b(county\s+)?sheriffs?\s+office$", "", key)
        county, message = self.counties.resolve(
            state=state, fips=row["county_fips"], name=county_words, what="sheriff's office"
        )
        if message:
            self.warn(line, message)
        name = sheriff_office_name(county) if county else key.title().replace("Sheriffs", "Sheriff's")
        website, problem = clean_url(row["website"])
        if problem:
            self.warn(line, f"website {problem}")
        fields = {"phone": row["phone"][:50], "address": row["address"], "website": website[:300]}
        return self.merge(
            line, state=state, name=name, kind=Agency.Kind.SHERIFF, county=county, fields=fields, other_names=[key]
        )


class FbiImport(AgencyFileImport):
    required_columns = ("ori", "pub_agency_name", "state_abbr", "county_name", "agency_type_name", "total_pe_ct")
    source_tag = "fbi-cde"

    def before_rows(self, path, rows, options):
        super().before_rows(path, rows, options)
        self.seen_ori = {}

    def import_row(self, line, row):
        ori = row["ori"].upper()
        if not re.fullmatch(r"[A-Z0-9]{9}", ori):
            raise RowError(f"ORI {row['ori']!r} is not 9 letters and digits")
        if ori in self.seen_ori:
            raise RowError(f"ORI {ori} appears twice; the row at line {self.seen_ori[ori]} was kept")
        self.seen_ori[ori] = line
        name = row["pub_agency_name"].strip()
        if not name:
            raise RowError("pub_agency_name is blank")
        employees = parse_count(row["total_pe_ct"], "total_pe_ct")
        state = self.states.by_code(row["state_abbr"])
        fields = {"ori": ori, "employees": employees}
        if row["agency_type_name"].lower() != "county":
            if state is None:
                return SKIPPED
            suffix = " Police Department" if row["agency_type_name"].lower() == "city" else " Department"
            agency = self.agencies.by_ori.get(ori) or self.agencies.find(state=state, names=[name, name + suffix])
            if agency is None:
                return SKIPPED
            return self.merge(
                line, state=state, name=agency.name, kind=agency.kind, county=agency.jurisdiction, fields=fields
            )
        if state is None:
            raise RowError(f"unknown state code {row['state_abbr']!r}")
        county, message = self.counties.resolve(state=state, name=row["county_name"], what="agency")
        if message:
            self.warn(line, message)
        words = fold(name)
        if re.search(r"\b(police|public safety)\b", words):
            kind = Agency.Kind.POLICE
        elif "sheriff" in words:
            kind = Agency.Kind.SHERIFF
        elif county is None:
            kind, name = Agency.Kind.SHERIFF, f"{name.title()} County Sheriff's Office"
        else:
            kind, name = Agency.Kind.SHERIFF, sheriff_office_name(county)
        existing = self.agencies.by_ori.get(ori)
        if existing is not None:
            return self.merge(line, state=state, name=existing.name, kind=existing.kind, county=county, fields=fields)
        return self.merge(line, state=state, name=name, kind=kind, county=county, fields=fields)


class Command(KeepHelpLayout, BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--contacts", help="sheriff's office contacts CSV")
        parser.add_argument("--fbi", help="FBI Crime Data Explorer agencies CSV")

    def handle(self, *args, **options):
        contacts, fbi = options["contacts"], options["fbi"]
        if not contacts and not fbi:
            data = Path(settings.SHARED_DATA_DIR)
            contacts = data / "sheriff_office_contacts_FL_GA_NC_TN.csv"
            fbi = data / "fbi_cde_law_enforcement_employees_agencies.csv"
        if contacts:
            run_file(self, ContactsImport, contacts, options)
        if fbi:
            run_file(self, FbiImport, fbi, options)
