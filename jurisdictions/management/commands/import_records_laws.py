"""import_records_laws: each state's public-records law (and the federal FOIA) with its response period."""

from core.importing import CREATED, UNCHANGED, UPDATED, RowError
from jurisdictions.importers import (
    PlacesImportCommand,
    StateIndex,
    changed_fields,
    clean_url,
    parse_bool,
    parse_count,
    write_rows,
)
from jurisdictions.models import RecordsLaw

HELP = """Load public-records laws (state_public_records_laws_hole_v<version>.csv): one per state, and the
federal FOIA (state "US", stored without a state).

Response period: initial_response_days, counted in business days for business_days and working_days,
calendar days for calendar_days, and no fixed period for variable or a blank unit. A number of days with
the unit "variable" is kept as written but counts as no fixed period (no due date is computed from it),
and the law is flagged for review; so is a fixed unit with no number of days. needs_review and
review_reason are taken from the file (a law the file flags keeps the flag); extension_max_days is the
extension, final_response_days/notes the final response. An invalid source_url is left blank and
reported. The file is the source: a re-import overwrites edits made in the app. Running it twice
changes nothing the second time."""

UNITS = {
    "business_days": RecordsLaw.DayType.BUSINESS,
    "working_days": RecordsLaw.DayType.BUSINESS,
    "calendar_days": RecordsLaw.DayType.CALENDAR,
    "variable": RecordsLaw.DayType.VARIABLE,
    "": RecordsLaw.DayType.VARIABLE,
}
FEDERAL = {"US", "USA", "FEDERAL"}


class Command(PlacesImportCommand):
    help = HELP
    required_columns = (
        "state",
        "law_name",
        "initial_response_days",
        "initial_response_unit",
        "source_url",
        "needs_review",
        "review_reason",
    )
    noun = "records laws"
    atomic_rows = False

    def before_rows(self, path, rows, options):
        self.states = StateIndex()
        self.laws = {law.state_id: law for law in RecordsLaw.objects.all()}
        self.seen = {}

    def import_row(self, line, row):
        code = row["state"].strip().upper()
        state = None if code in FEDERAL else self.states.by_code(code)
        if state is None and code not in FEDERAL:
            raise RowError(f"unknown state {row['state']!r}")
        key = state.pk if state else None
        if key in self.seen:
            raise RowError(f"{code} appears twice; the row at line {self.seen[key]} was kept")
        if not row["law_name"]:
            raise RowError("law_name is blank")
        days = parse_count(row["initial_response_days"], "initial_response_days")
        unit = row["initial_response_unit"].lower()
        if unit not in UNITS:
            raise RowError(f"initial_response_unit {unit!r} is not one of {', '.join(u for u in UNITS if u)}")
        day_type = UNITS[unit]
        own_reasons = []
        if day_type == RecordsLaw.DayType.VARIABLE and days is not None:
            own_reasons.append(f"{days} days with unit variable: kept, but no fixed period is assumed")
        if day_type != RecordsLaw.DayType.VARIABLE and days is None:
            own_reasons.append(f"unit {unit} without a number of days: no fixed period is assumed")
            day_type = RecordsLaw.DayType.VARIABLE
        needs_review = parse_bool(row["needs_review"], "needs_review") or bool(own_reasons)
        reasons = ([row["review_reason"]] if row["review_reason"] else []) + own_reasons
        if needs_review and not reasons:
            reasons.append("flagged for review in the source file")
        final_days = parse_count(row.get("final_response_days"), "final_response_days")
        final_unit = UNITS.get(row.get("final_response_unit", "").lower(), RecordsLaw.DayType.VARIABLE)
        final_notes = row.get("final_response_notes", "")
        if final_days is not None and final_unit not in (day_type, RecordsLaw.DayType.VARIABLE):
            final_notes = f"Final response period counted in {final_unit.label}. {final_notes}".strip()
        source_url, problem = clean_url(row["source_url"])
        if problem:
            self.warn(line, f"source_url {problem}")
        fields = {
            "law_name": row["law_name"],
            "citation": row.get("statute_citation", ""),
            "response_days": days,
            "day_type": day_type,
            "response_description": row.get("initial_response_description", ""),
            "extension_allowed": parse_bool(row.get("extension_allowed"), "extension_allowed"),
            "extension_days": parse_count(row.get("extension_max_days"), "extension_max_days"),
            "final_response_days": final_days,
            "final_response_notes": final_notes,
            "last_amended": row.get("last_amended", ""),
            "source_url": source_url,
            "needs_review": needs_review,
            "review_reason": "; ".join(reasons),
        }
        self.seen[key] = line
        law = self.laws.get(key)
        if law is None:
            law = RecordsLaw(state=state, **fields)
            write_rows(law)
            self.laws[key] = law
            return CREATED
        if changed_fields(law, fields):
            write_rows(law)
            return UPDATED
        return UNCHANGED
