"""import_officials: sheriffs, board members and other officials of counties, with terms and elections."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.importing import CREATED, UNCHANGED, UPDATED, CsvImportCommand, RowError
from jurisdictions.importers import (
    AgencyIndex,
    CountyIndex,
    StateIndex,
    agency_kind,
    changed_fields,
    clean_url,
    parse_bool,
    parse_date,
    sheriff_office_name,
    write_rows,
)
from jurisdictions.models import Agency, Office, Official
from jurisdictions.naming import agency_name_key, fold

HELP = """Load officials of counties: sheriffs, board members, district attorneys and others.

Columns (a header row, any order; names in lower case):
  state (postal code or name), county_fips or county (name), office, name   required
  agency, title, district, party, email, phone, website, term_start, term_end, next_election,
  in_office (yes/no, blank = yes), source, source_url, verified_on, demo (yes/no)   optional

- office: sheriff, board_member, county_executive, district_attorney, county_counsel,
  jail_administrator, mayor, council_member or other, or words that say one of them ("County
  Commissioner", "Supervisor", "Prosecuting Attorney", "County Judge"...). Anything else rejects the row.
- The county is found by county_fips, else by name within the state (misspelt names are read by the
  importers' typo rule and reported).
- The agency: the one named in the agency column (same state and normalised name as one recorded),
  created in the county when it is not recorded yet (its kind read from its name, else the office).
  Without an agency column, the county's only agency of the office's kind (sheriff's office, board,
  district attorney, county counsel, jail, city council); a sheriff's office is created when the county
  has none. A county with several agencies of that kind, or none for another office, rejects the row:
  name the agency.
- Dates are YYYY-MM-DD or M/D/YYYY; an unreadable date, or a term that ends before it starts, rejects
  the row. An email or web address that cannot be read is left blank and reported.
- The same official is the same agency, office, district and name: updated, never duplicated. The same
  official twice in one file: the second row is rejected. A blank value never erases a stored one.
Each bad row is reported as file:line: reason; the good rows still load. Running it twice changes
nothing the second time."""

# Words that name an office, tried in order on the folded office column.
OFFICE_WORDS = [
    (r"\bsheriff\b", Office.SHERIFF),
    (r"\b(district|prosecuting|states|commonwealths) attorney\b|\bprosecutor\b", Office.DISTRICT_ATTORNEY),
    (r"\b(county attorney|county counsel|corporation counsel|county solicitor)\b", Office.COUNTY_COUNSEL),
    (r"\b(county executive|county judge|county mayor|county manager|county administrator)\b", Office.COUNTY_EXECUTIVE),
    (r"\b(jail|detention|corrections)\b", Office.JAIL_ADMINISTRATOR),
    (r"\b(commissioner|supervisor|board member|county board|freeholder|legislator|alderperson)\b", Office.BOARD_MEMBER),
    (r"\bmayor\b", Office.MAYOR),
    (r"\b(council|councilmember|councilor|alderman)\b", Office.COUNCIL_MEMBER),
]
# The kind of agency an office sits in, when the file does not name the agency.
AGENCY_OF_OFFICE = {
    Office.SHERIFF: Agency.Kind.SHERIFF,
    Office.BOARD_MEMBER: Agency.Kind.BOARD,
    Office.DISTRICT_ATTORNEY: Agency.Kind.DISTRICT_ATTORNEY,
    Office.COUNTY_COUNSEL: Agency.Kind.COUNTY_COUNSEL,
    Office.JAIL_ADMINISTRATOR: Agency.Kind.JAIL,
    Office.COUNCIL_MEMBER: Agency.Kind.CITY_COUNCIL,
    Office.COUNTY_EXECUTIVE: Agency.Kind.BOARD,
}
DATE_COLUMNS = ("term_start", "term_end", "next_election", "verified_on")
TEXT_LIMITS = {"title": 200, "district": 50, "party": 50, "phone": 50, "source": 300}


def read_office(text):
    """The Office a column names, or RowError."""
    words = fold(text).replace(" ", "_")
    if words in Office.values:
        return Office(words)
    words = fold(text)
    for pattern, office in OFFICE_WORDS:
        if re.search(pattern, words):
            return office
    raise RowError(f"office {text!r} is not one of {', '.join(Office.values)} (or words that say one)")


class Command(CsvImportCommand):
    help = HELP
    required_columns = ("state", "office", "name")
    noun = "officials"
    atomic_rows = False

    def before_rows(self, path, rows, options):
        self.states = StateIndex()
        self.counties = CountyIndex()
        self.agencies = AgencyIndex()
        self.by_county_kind = {}
        for agency in self.agencies.by_key.values():
            if agency.jurisdiction_id:
                self.by_county_kind.setdefault((agency.jurisdiction_id, agency.kind), []).append(agency)
        self.officials = {self.key_of(o.agency_id, o.office, o.district, o.name): o for o in Official.objects.all()}
        self.seen = {}  # official key -> line

    @staticmethod
    def key_of(agency_id, office, district, name):
        return (agency_id, office, fold(district), fold(name))

    def import_row(self, line, row):
        name = row["name"].strip()
        if not name:
            raise RowError("name is blank")
        if len(name) > 200:
            raise RowError("name is longer than 200 characters")
        office = read_office(row["office"])
        written = row["state"].strip()
        state, correction = self.states.resolve(postal=written if len(written) == 2 else "", name=written)
        if correction:
            self.warn(line, correction)
        county, message = self.counties.resolve(
            state=state, fips=row.get("county_fips", ""), name=row.get("county", ""), what="official"
        )
        if county is None:
            raise RowError(message or "no county: give county_fips or county")
        if message:
            self.warn(line, message)
        fields = self.fields_of(line, row)
        agency = self.agency_for(line, state=state, county=county, office=office, name=row.get("agency", "").strip())
        key = self.key_of(agency.pk, office, fields.get("district", ""), name)
        if key in self.seen:
            raise RowError(f"{name} ({office.label}) is the same official as the row at line {self.seen[key]}")
        self.seen[key] = line
        official = self.officials.get(key)
        if official is None:
            official = Official(agency=agency, office=office, name=name, **fields)
            write_rows(official)
            self.officials[key] = official
            return CREATED
        # A blank value in the file never erases a stored one.
        if not changed_fields(official, {k: v for k, v in fields.items() if v not in ("", None)}):
            return UNCHANGED
        write_rows(official)
        return UPDATED

    def fields_of(self, line, row):
        """The official's fields from the row's optional columns (blank when a column is missing)."""
        fields = {}
        for column, limit in TEXT_LIMITS.items():
            value = row.get(column, "").strip()
            if len(value) > limit:
                raise RowError(f"{column} is longer than {limit} characters")
            fields[column] = value
        for column in DATE_COLUMNS:
            try:
                fields[column] = parse_date(row.get(column, ""))
            except ValueError:
                raise RowError(f"{column} {row[column]!r} is not a date (YYYY-MM-DD or M/D/YYYY)") from None
        if fields["term_start"] and fields["term_end"] and fields["term_end"] < fields["term_start"]:
            raise RowError(f"term_end {fields['term_end']} is before term_start {fields['term_start']}")
        email = row.get("email", "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.warn(line, f"email {email[:80]!r} is not an email address; left blank")
                email = ""
        fields["email"] = email
        for column, limit in (("website", 300), ("source_url", 500)):
            url, problem = clean_url(row.get(column, ""))
            if problem:
                self.warn(line, f"{column} {problem}")
            fields[column] = url[:limit]
        # Yes/no columns count only when filled in: blank keeps what is stored (in office, not demo, when new).
        for column, field in (("in_office", "is_active"), ("demo", "is_demo")):
            if row.get(column, "").strip():
                fields[field] = parse_bool(row[column], column)
        return fields

    def agency_for(self, line, *, state, county, office, name):
        """The agency of the official's row, by the rule in the help; created when the rule says so."""
        if name:
            agency = self.agencies.find(state=state, names=[name])
            if agency is not None:
                if agency.jurisdiction_id not in (None, county.pk):
                    raise RowError(f"{agency.name} belongs to another county than {county.name}")
                return agency
            kind = agency_kind("County", name)
            if kind == Agency.Kind.SHERIFF and "sheriff" not in fold(name):
                kind = AGENCY_OF_OFFICE.get(office, Agency.Kind.OTHER)
            return self.create_agency(line, state=state, county=county, kind=kind, name=name)
        kind = AGENCY_OF_OFFICE.get(office)
        found = self.by_county_kind.get((county.pk, kind), []) if kind else []
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(sorted(agency.name for agency in found))
            raise RowError(f"{county.name} has several agencies for {office.label} ({names}); name one in agency")
        if office == Office.SHERIFF:
            return self.create_agency(line, state=state, county=county, kind=kind, name=sheriff_office_name(county))
        raise RowError(f"no agency of {county.name} is recorded for {office.label}; name it in the agency column")

    def create_agency(self, line, *, state, county, kind, name):
        agency = Agency(state=state, jurisdiction=county, kind=kind, name=name[:200], sources="officials-import")
        agency.name_key = agency_name_key(agency.name)
        write_rows(agency)
        self.agencies.add(agency)
        self.by_county_kind.setdefault((county.pk, kind), []).append(agency)
        self.warn(line, f"{agency.name} was not recorded; created in {county.name} ({agency.get_kind_display()})")
        return agency
