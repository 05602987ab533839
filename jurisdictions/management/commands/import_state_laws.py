"""import_state_laws: statewide laws that limit or mandate cooperation with ICE, one row per state."""

import re

from django.utils import timezone

from core.importing import CREATED, SKIPPED, UNCHANGED, UPDATED, RowError
from jurisdictions.importers import PlacesImportCommand, StateIndex, changed_fields, clean_url, parse_date, write_rows
from jurisdictions.models import LawEffect, StateLaw
from jurisdictions.services import states_refresh_floor

HELP = """Load statewide ICE-cooperation laws (state_ice_cooperation_laws_287g_watch_<date>.csv).

One row per state; common_name lists its laws separated by ';', each becoming one StateLaw:
- title: the law as written, without a trailing citation ("SB 411 / Act 1071 (2019)");
- citation: a comma-separated part with a section sign or a reporter/code cite ("Ark. Code § 14-1-103");
- enacted_year: the first year in parentheses ("(2013, expanded 2019)" -> 2013), else a year after
  "of" or at the start ("Act of 2020", "2014 federal court order"), else none.
effect is limits or mandates; a row with effect "none" creates no law (counted as skipped). source_type,
description (summary), source_url, verified_date are copied to each law; a row with a review_note is
flagged "needs review" with the note kept. An unreadable verified_date rejects the row.

Laws loaded by this command that are no longer listed for a state in the file (including states now
"none") are withdrawn: kept with their history, no longer shown or counted, and back in force if the file
lists them again; laws entered by staff are never touched. States absent from the file are left
alone. A staff-entered law with the same state and title is updated and from then on counts as loaded.
Then every state's law floor is recomputed. Running it twice changes nothing the second time."""

SOURCE_TYPES = {
    "statute": StateLaw.SourceType.STATUTE,
    "case_law": StateLaw.SourceType.CASE_LAW,
    "ag_opinion": StateLaw.SourceType.AG_OPINION,
    "court_order": StateLaw.SourceType.COURT_ORDER,
    "executive": StateLaw.SourceType.EXECUTIVE,
    "executive_order": StateLaw.SourceType.EXECUTIVE,
}
YEAR_IN_PARENTHESES = re.compile(r"\([^()]*?\b((?:18|19|20)\d\d)\b[^()]*\)")
YEAR_NAMED = re.compile(r"(?:^|\bof )((?:18|19|20)\d\d)\b")
CITATION = re.compile(r"§|\bD\.C\. Law\b|^\d+ [A-Z][A-Za-z.]*(?: \d?[a-z]+\.?)? \d+")


def split_outside(text, separator):
    """Split on a separator that is not inside quotes or parentheses."""
    parts, current, depth, quoted = [], [], 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "(" and not quoted:
            depth += 1
        elif char == ")" and not quoted and depth:
            depth -= 1
        if char == separator and not quoted and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def parse_law(text):
    """(title, citation, enacted_year) of one law as the file writes it."""
    year = YEAR_IN_PARENTHESES.search(text) or YEAR_NAMED.search(text)
    segments = split_outside(text, ",")
    cited = [segment for segment in segments if CITATION.search(segment)]
    rest = [segment for segment in segments if segment not in cited]
    title = ", ".join(rest) if rest else text
    citation = "; ".join(re.sub(r"\s*\([^()]*\)", "", segment).strip() for segment in cited)
    return title.strip(), citation, int(year.group(1)) if year else None


class Command(PlacesImportCommand):
    help = HELP
    required_columns = ("state", "effect", "common_name", "description", "source_url", "verified_date")
    noun = "state laws"
    atomic_rows = False

    def before_rows(self, path, rows, options):
        self.states = StateIndex()
        self.laws = {(law.state_id, law.title): law for law in StateLaw.all_objects.all()}
        self.seen_states = {}  # state id -> line
        self.titles = {}  # state id -> titles in the file
        self.law_counts = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
        self.floors_changed = 0

    def import_row(self, line, row):
        state = self.states.by_code(row["state"])
        if state is None:
            raise RowError(f"unknown state {row['state']!r}")
        if state.pk in self.seen_states:
            raise RowError(f"{state.postal} appears twice; the row at line {self.seen_states[state.pk]} was kept")
        effect = row["effect"].lower()
        if effect not in {*LawEffect.values, "none", ""}:
            raise RowError(f"effect {row['effect']!r} is not limits, mandates or none")
        try:
            verified = parse_date(row["verified_date"])
        except ValueError:
            raise RowError(f"verified_date {row['verified_date']!r} is not a date (YYYY-MM-DD)") from None
        if effect in {"none", ""}:
            self.seen_states[state.pk] = line
            self.titles[state.pk] = set()
            return SKIPPED
        laws = split_outside(row["common_name"], ";")
        if not laws:
            raise RowError(f"effect is {effect} but common_name names no law")
        source_type = SOURCE_TYPES.get(row.get("source_type", "").lower(), StateLaw.SourceType.OTHER)
        source_url, problem = clean_url(row["source_url"])
        if problem:
            self.warn(line, f"source_url {problem}")
        review_note = row.get("review_note", "")
        outcomes, titles = [], set()
        for text in laws:
            title, citation, year = parse_law(text)
            if title in titles:
                continue
            titles.add(title)
            fields = {
                "citation": citation[:300],
                "effect": effect,
                "source_type": source_type,
                "enacted_year": year,
                "summary": row["description"],
                "source_url": source_url,
                "verified_date": verified,
                "needs_review": bool(review_note),
                "review_note": review_note,
                "imported": True,
                "withdrawn_on": None,
            }
            law = self.laws.get((state.pk, title))
            if law is None:
                law = StateLaw(state=state, title=title, **fields)
                outcomes.append((law, CREATED))
            elif changed_fields(law, fields):
                outcomes.append((law, UPDATED))
        if outcomes:
            write_rows(*(law for law, _ in outcomes))
        for law, outcome in outcomes:
            self.laws[(state.pk, law.title)] = law
            self.law_counts[outcome] += 1
        self.law_counts["unchanged"] += len(titles) - len(outcomes)
        self.seen_states[state.pk] = line
        self.titles[state.pk] = titles
        if any(outcome == CREATED for _, outcome in outcomes):
            return CREATED
        return UPDATED if outcomes else UNCHANGED

    def after_rows(self, path, summary, options):
        # A law that left the file is withdrawn, not deleted: its row and history stay for whoever cited it.
        gone = [
            law
            for (state_id, title), law in self.laws.items()
            if law.imported
            and law.withdrawn_on is None
            and state_id in self.titles
            and title not in self.titles[state_id]
        ]
        today = timezone.localdate()
        for law in gone:
            law.withdrawn_on = today
            law.save(update_fields=["withdrawn_on"])
        self.law_counts["removed"] = len(gone)
        self.floors_changed = states_refresh_floor()

    def extra_changes(self):
        return self.law_counts["removed"] + self.floors_changed

    def report(self, path, summary):
        counts = self.law_counts
        self.stdout.write(
            f"Laws: created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}, "
            f"removed {counts['removed']}; state-law floor changed for {self.floors_changed} state(s)."
        )
        super().report(path, summary)
