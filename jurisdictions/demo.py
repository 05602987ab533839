"""Demo officials for seed_demo: an invented sheriff for each sheriff's office of the contacts file.

No public dataset names the sheriffs of every county (see SHARED_DATA_DIR/SOURCES.md), so the officials
directory is filled for the demo with invented people, each marked as demo data on every page: one
sheriff for each office loaded from the sheriff's-office contacts (FL, GA, NC and TN), who shows the
office's real phone and website. Terms and elections are invented too, on the four-year November
cycle most sheriffs are elected on. Offices that already have an official are left alone, so a second
run changes nothing.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .models import Agency, Office, Official

DEMO_SEED = 2026
DEMO_SOURCE = "Demo data: invented name, term and election; the office's contact is from its state sheriffs' directory"
# The year of a past sheriff election in each state of the contacts file: the invented terms follow it.
CYCLE_YEAR = {"FL": 2024, "GA": 2024, "NC": 2022, "TN": 2022}
FIRST_NAMES = ["Avery", "Bernice", "Carlos", "Delia", "Emmett", "Farah", "Grady", "Hollis", "Inez", "Jonah"]
LAST_NAMES = ["Ashby", "Barrera", "Colquitt", "Dunmore", "Escobar", "Fairley", "Greer", "Holloway", "Ibarra", "Jessup"]


def election_day(year):
    """The November general election day of a year: the Tuesday after the first Monday."""
    first = date(year, 11, 1)
    first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return first_monday + timedelta(days=1)


def next_election_day(today, *, every=1, cycle_year=None):
    """The first November election day after `today` in a year on the cycle (every `every` years from
    `cycle_year`; every year when `every` is 1)."""
    year = today.year
    while True:
        on_cycle = every == 1 or (year - (cycle_year if cycle_year is not None else 0)) % every == 0
        if on_cycle and election_day(year) > today:
            return election_day(year)
        year += 1


def demo_term(today, *, years, cycle_year=None):
    """(term start, term end, next election) of an invented term of `years` that runs now: from the December
    after the last election to the end of November after the next one."""
    next_vote = next_election_day(today, every=years, cycle_year=cycle_year)
    return date(next_vote.year - years, 12, 1), date(next_vote.year, 11, 30), next_vote


def demo_name(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} (demo)"


def seed_officials_demo(stdout, today=None):
    """Create the invented sheriffs of the offices from the contacts file that have no official; returns how many."""
    today = today or timezone.localdate()
    rng = random.Random(DEMO_SEED)
    offices = (
        Agency.objects.filter(kind=Agency.Kind.SHERIFF, sources__contains="sheriff-contacts", officials__isnull=True)
        .select_related("state")
        .order_by("state__postal", "name")
    )
    new = []
    for agency in offices:
        cycle = CYCLE_YEAR.get(agency.state.postal, 2024)
        start, end, vote = demo_term(today, years=4, cycle_year=cycle)
        new.append(
            Official(
                agency=agency,
                office=Office.SHERIFF,
                name=demo_name(rng),
                title="Sheriff",
                term_start=start,
                term_end=end,
                next_election=vote,
                source=DEMO_SOURCE,
                is_demo=True,
            )
        )
    with transaction.atomic():
        Official.objects.bulk_create(new, batch_size=500)
    stdout.write(f"Demo officials: {len(new)} invented sheriffs created.")
    return len(new)


def seed_demo(*, users=None, force=False, stdout):
    """The jurisdictions step of seed_demo: the invented officials."""
    return seed_officials_demo(stdout)
