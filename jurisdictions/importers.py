"""What the jurisdiction importers share: lookups loaded once per run, name matching rules, checked writes.

Every lookup here is loaded with one query per table in ``before_rows`` so an unchanged row costs no
query. The matching rules are stated once here and quoted in the commands' help:

- A county is found by its 5-digit FIPS; when the FIPS is blank, by state + county name
  (``naming.county_name_key``, also compared without spaces: "DE KALB" = "DeKalb"). A name that
  matches no county of the state is read as the state's closest county name when that is a typo:
  similarity of at least 0.85 (difflib) or the same letters in another order ("Layafette"), and no
  other county close behind. Every such correction is reported as a warning.
- An agency is the same agency when it has the same state and ``naming.agency_name_key``; a
  sheriff's office is also the same as the only sheriff's office already recorded for its county.
"""

import csv
import datetime
import difflib
import io
import re
from collections import defaultdict
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from core.importing import CsvImportCommand, RowError

from .models import Agency, Jurisdiction, State
from .naming import agency_name_key, county_name_key, fold
from .services import map_cache_clear


class PlacesImportCommand(CsvImportCommand):
    """An importer of places, laws or agreements: the map's cached JSON is dropped once the rows are in."""

    def after_import(self, summary):
        map_cache_clear()


# What ICE and others write when there is no county.
NO_COUNTY = {"", "n a", "na", "none", "null", "unknown"}
FUZZY_MIN_RATIO = 0.85
FUZZY_MARGIN = 0.05

_url = URLValidator(schemes=["http", "https"])


# -- reading ------------------------------------------------------------------------------------


def read_header(path):
    """The lower-case column names of a CSV file (BOM and CRLF accepted)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            first = handle.readline()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from exc
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff")
    row = next(csv.reader(io.StringIO(text)), [])
    return [name.strip().lower() for name in row]


def parse_date(text):
    """A date written as YYYY-MM-DD or M/D/YYYY; None when blank; ValueError when unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return datetime.date(*map(int, text.split("-")))
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        month, day, year = map(int, text.split("/"))
        return datetime.date(year, month, day)
    raise ValueError(text)


def parse_count(text, column):
    """A whole number >= 0 from a column, None when blank; RowError otherwise."""
    text = (text or "").strip().replace(",", "")
    if not text or text.upper() in {"NULL", "NA", "N/A"}:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(f"{column} {text!r} is not a number") from None
    if value < 0 or value != int(value) or value > 2_000_000_000:
        raise RowError(f"{column} {text!r} is not a whole number of at least 0")
    return int(value)


def parse_bool(text, column):
    value = fold(text)
    if value in {"", "no", "false", "0", "n", "f"}:
        return False
    if value in {"yes", "true", "1", "y", "t"}:
        return True
    raise RowError(f"{column} {text!r} is not yes/no or true/false")


def clean_url(text):
    """(url, problem): a valid http(s) URL or blank with the reason it was dropped."""
    text = (text or "").strip()
    if not text:
        return "", None
    try:
        _url(text)
    except ValidationError:
        return "", f"{text[:80]!r} is not a web address; left blank"
    if len(text) > 500:
        return "", "a web address longer than 500 characters; left blank"
    return text, None


def date_in_file_name(path):
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", Path(path).name)
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


# -- writing ------------------------------------------------------------------------------------


def _describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def validate(instance):
    """Check an instance's fields in Python (no query); a RowError says which field is wrong.

    Foreign keys and constraints are left to the database: checking them here would cost queries.
    """
    exclude = [f.name for f in instance._meta.concrete_fields if f.is_relation or not f.editable]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        raise RowError(_describe(exc)) from None


def write_rows(*instances):
    """Validate these instances, then save them together in one savepoint.

    A refusal by the database becomes a RowError and the instances are put back as they are stored.
    """
    for instance in instances:
        validate(instance)
    new = [instance for instance in instances if instance.pk is None]
    try:
        with transaction.atomic():
            for instance in instances:
                instance.save()
    except IntegrityError as exc:
        for instance in instances:
            if instance in new:
                instance.pk = None
            else:
                instance.refresh_from_db()
        raise RowError(f"the database refused the row ({str(exc).splitlines()[0]})") from None


def changed_fields(instance, fields):
    """Set fields on an instance; return the names whose value differed."""
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def add_source(agency, tag):
    """Record that a file mentions this agency; True when the tag is new."""
    tags = [tag_ for tag_ in agency.sources.split(", ") if tag_]
    if tag in tags:
        return False
    agency.sources = ", ".join(sorted([*tags, tag]))
    return True


# -- lookups ------------------------------------------------------------------------------------


def _similarity(a, b):
    return difflib.SequenceMatcher(None, a, b).ratio()


def closest_name(key, candidates):
    """(candidate, why) for a typo of one candidate by the stated rule, else (None, None)."""
    scored = []
    for candidate in candidates:
        if not candidate:
            continue
        if sorted(candidate) == sorted(key) and len(candidate) == len(key):
            return candidate, "the same letters in another order"
        scored.append((_similarity(key, candidate), candidate))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < FUZZY_MIN_RATIO:
        return None, None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < FUZZY_MARGIN:
        return None, None
    return scored[0][1], f"similarity {scored[0][0]:.2f}"


class StateIndex:
    """States by postal code, FIPS and name, with the stated rule for misprinted names."""

    # FBI agency files use their own codes for two states/territories.
    ALIASES = {"NB": "NE", "GM": "GU"}

    def __init__(self):
        self.states = list(State.objects.all())
        self.by_postal = {state.postal: state for state in self.states}
        self.by_fips = {state.fips: state for state in self.states}
        self.by_name = {fold(state.name): state for state in self.states}

    def __bool__(self):
        return bool(self.states)

    def by_code(self, code):
        code = (code or "").strip().upper()
        return self.by_postal.get(self.ALIASES.get(code, code))

    def resolve(self, *, postal="", name=""):
        """(state, correction or None). Postal code first, then the name, then the closest name."""
        postal = (postal or "").strip()
        if postal:
            state = self.by_code(postal)
            if state is None:
                raise RowError(f"unknown state code {postal!r}")
            return state, None
        key = fold(name)
        if not key:
            raise RowError("the state is blank")
        if key in self.by_name:
            return self.by_name[key], None
        if len(key) == 2 and self.by_code(key):
            return self.by_code(key), None
        match, why = closest_name(key, list(self.by_name))
        if match is None:
            raise RowError(f"unknown state {name!r}")
        state = self.by_name[match]
        return state, f"state {name!r} read as {state.name} ({state.postal}): the closest state name, {why}"


class CountyIndex:
    """Counties by FIPS and by state + name key, with the stated rule for misspelt names."""

    def __init__(self):
        self.by_fips = {}
        self.by_key = defaultdict(lambda: defaultdict(list))  # state id -> key -> [county]
        self.names = defaultdict(set)  # state id -> {key as written}, the candidates for a typo
        self.states_by_key = defaultdict(set)  # key -> {postal}
        for county in Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY).select_related("state"):
            self.add(county)

    def add(self, county):
        self.by_fips[county.fips] = county
        for key in self.keys(county.name):
            self.by_key[county.state_id][key].append(county)
            self.states_by_key[key].add(county.state.postal)
        self.names[county.state_id].add(county_name_key(county.name))

    @staticmethod
    def keys(name):
        key = county_name_key(name)
        return {key, key.replace(" ", "")} if key else set()

    def _pick(self, candidates):
        unique = list(dict.fromkeys(candidates))
        current = [county for county in unique if not county.is_legacy]
        unique = current or unique
        return unique[0] if len(unique) == 1 else None

    def named_in(self, state, agency_name):
        """The county a sheriff's office names itself after ("Madison County Sheriff's Office"), or None."""
        match = re.match(r"^(?:the\s+)?(.+?\s+(?:county|parish|borough))\b", agency_name.strip(), re.IGNORECASE)
        if not match:
            return None
        in_state = self.by_key.get(state.pk, {})
        for key in self.keys(match.group(1)):
            if in_state.get(key):
                return self._pick(in_state[key])
        return None

    def resolve(self, *, state, fips="", name="", what="row"):
        """(county or None, message or None) for a county given by FIPS or by name within a state."""
        fips = (fips or "").strip()
        if fips:
            if fips.isdigit() and len(fips) < 5:
                fips = fips.zfill(5)
            county = self.by_fips.get(fips)
            if county is None:
                found, message = self.resolve(state=state, name=name, what=what)
                return found, f"unknown county FIPS {fips}; " + (message or "matched by name")
            if county.state_id != state.pk:
                return None, (
                    f"county FIPS {fips} ({county.name}) is in {county.state.postal}, not {state.postal}; "
                    f"{what} kept without a county"
                )
            return county, None
        if fold(name) in NO_COUNTY:
            return None, None
        keys = self.keys(name)
        in_state = self.by_key.get(state.pk, {})
        for key in keys:
            if in_state.get(key):
                county = self._pick(in_state[key])
                if county is None:
                    return (
                        None,
                        f"county {name!r} matches several counties of {state.postal}; {what} kept without a county",
                    )
                return county, None
        key = county_name_key(name)
        city = self._pick(in_state.get(f"{key} city", [])) if key else None
        if city is not None:
            # ICE lists Virginia's independent cities as counties ("Hopewell County" for Hopewell city).
            return city, f"county {name!r} is not a county of {state.postal}; read as {city.name}, the independent city"
        match, why = closest_name(key, sorted(self.names.get(state.pk, ())))
        if match is not None:
            county = self._pick(in_state[match])
            if county is not None:
                return county, f"county {name!r} is not a county of {state.postal}; read as {county.name} ({why})"
        elsewhere = sorted(set().union(*(self.states_by_key.get(k, set()) for k in keys)) - {state.postal})
        if elsewhere:
            return None, (
                f"county {name!r} is not in {state.postal} (there is one in {', '.join(elsewhere)}); "
                f"{what} kept without a county"
            )
        return None, f"county {name!r} not found in {state.postal}; {what} kept without a county"


class AgencyIndex:
    """Agencies by state + name key, by ORI, and the sheriff's offices of each county."""

    def __init__(self):
        self.by_key = {}
        self.by_ori = {}
        self.sheriffs = defaultdict(list)
        for agency in Agency.objects.all():
            self.add(agency)

    def add(self, agency):
        self.by_key[(agency.state_id, agency.name_key or agency_name_key(agency.name))] = agency
        if agency.ori:
            self.by_ori[agency.ori] = agency
        is_sheriff = agency.kind == Agency.Kind.SHERIFF and agency.jurisdiction_id
        if is_sheriff and agency not in self.sheriffs[agency.jurisdiction_id]:
            self.sheriffs[agency.jurisdiction_id].append(agency)

    def find(self, *, state, names, kind=None, county=None):
        """The existing agency by the stated merge rule, or None."""
        for name in names:
            agency = self.by_key.get((state.pk, agency_name_key(name)))
            if agency is not None:
                return agency
        if kind == Agency.Kind.SHERIFF and county is not None:
            sheriffs = self.sheriffs.get(county.pk, [])
            if len(sheriffs) == 1:
                return sheriffs[0]
        return None


def agency_kind(agency_type, name):
    """The kind of an agency from ICE's agency type and, where it says more, its name."""
    words = fold(name)
    agency_type = fold(agency_type)
    if agency_type == "state agency":
        return Agency.Kind.STATE_AGENCY
    if "sheriff" in words:
        return Agency.Kind.SHERIFF
    if re.search(r"\b(corrections?|correctional|jail|detention)\b", words):
        return Agency.Kind.JAIL
    if "commissioners" in words or "supervisors" in words:
        return Agency.Kind.BOARD
    if "district attorney" in words:
        return Agency.Kind.DISTRICT_ATTORNEY
    if re.search(r"\b(police|public safety)\b", words):
        return Agency.Kind.POLICE
    if re.search(r"\b(constables?|constbales|authority)\b", words):
        return Agency.Kind.OTHER
    if agency_type == "county":
        return Agency.Kind.SHERIFF
    if agency_type == "municipality":
        return Agency.Kind.POLICE
    return Agency.Kind.OTHER


def sheriff_office_name(county):
    """How a county's sheriff's office is named when a file gives only the county."""
    name = county.name
    if county.county_type == "independent city":
        name = name.replace(" city", " City")
    return f"{name} Sheriff's Office"


def run_file(command, importer_class, path, options):
    """Run one file's importer from another command, writing to that command's output; returns the summary."""
    importer = importer_class(
        stdout=command.stdout._out, stderr=command.stderr._out, no_color=options.get("no_color", False)
    )
    summary = importer.run_import(Path(path), options)
    importer.write_problems(summary)
    importer.report(Path(path), summary)
    return summary
