"""What a bench data set holds at each scale, and what marks its rows."""

from dataclasses import dataclass

from django.apps import apps

BENCH_PASSWORD = "bench-pass-2026"
BENCH_MARK = "Bench data (synthetic"
BENCH_NOTE = "Bench data (synthetic): not a real policy."
BENCH_URL = "https://bench.example.org/library/"
BENCH_SET_PREFIX = "Bench: "
BENCH_AGENCY_SOURCE = "bench"
USERNAME_PREFIX = "bench-"

# Counts at scale 1.
SCALE_ONE = {
    "users": 300,
    "campaigns": 2000,
    "targets": 20000,
    "meetings": 50000,
    "deadlines": 100000,
    "letters": 10000,
    "requests": 10000,
    "resources": 500,
    "assignments": 20000,
}
ANSWERS_PER_MEETING = 8  # the bench question sets have 6 to 10 questions
POLICY_RECORDS_PER_COUNTY = 3
OVERDUE_SHARE = 0.2
# Organizations at scale 1: the default one and partners; one campaign in SHARED_EVERY is shared with another.
ORGANIZATIONS_AT_SCALE_ONE = 20
BENCH_ORGANIZATION_SLUG = "bench-organization-"
SHARED_EVERY = 10
# One resource in this many waits as an organizer's suggestion; the others are in the library.
SUGGESTED_EVERY = 25


@dataclass(frozen=True)
class Plan:
    scale: float
    users: int
    admins: int
    staff: int
    organizers: int
    organizations: int
    campaigns: int
    targets: int
    meetings: int
    deadlines: int
    letters: int
    requests: int
    resources: int
    assignments: int

    @property
    def answers(self):
        return self.meetings * ANSWERS_PER_MEETING


def plan_for(scale):
    """How many rows of each kind a scale builds."""

    def n(name, minimum=0):
        return max(minimum, round(SCALE_ONE[name] * scale))

    users = n("users", 6)
    admins = max(1, round(users * 0.03))
    staff = max(1, round(users * 0.14))
    campaigns = n("campaigns", 2)
    resources = n("resources", 12)
    return Plan(
        scale=scale,
        users=users,
        admins=admins,
        staff=staff,
        organizers=users - admins - staff,
        # 20 at scale 1; never more than there are staff to run them.
        organizations=min(staff, max(1, round(ORGANIZATIONS_AT_SCALE_ONE * scale))),
        campaigns=campaigns,
        targets=n("targets", campaigns),
        meetings=n("meetings"),
        deadlines=n("deadlines"),
        letters=n("letters"),
        requests=n("requests"),
        resources=resources,
        # A resource is assigned to a campaign at most once.
        assignments=min(n("assignments"), campaigns * (resources - resources // SUGGESTED_EVERY)),
    )


def letter_model():
    """campaigns.Letter once the campaigns app has letters; None until then."""
    try:
        return apps.get_model("campaigns", "Letter")
    except LookupError:
        return None
