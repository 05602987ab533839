"""seed_demo: the real data, demo users and demo policy records that `make run` serves."""

import datetime
import random
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts import two_factor
from accounts.models import Organization
from accounts.organizations import default_organization, membership_set
from campaigns import demo as campaigns_demo
from core import roles
from core.history import bulk_create_tracked, bulk_update_tracked, change_source
from core.importing import KeepHelpLayout
from jurisdictions import demo as jurisdictions_demo
from jurisdictions.models import (
    Agency,
    Agreement287g,
    Dimension,
    FederalDesignation,
    Jurisdiction,
    PolicyRecord,
    PolicyValue,
    RecordsLaw,
    State,
    StateFloor,
    StateLaw,
)
from jurisdictions.services import jurisdictions_refresh_policy, map_cache_clear
from resources import demo as resources_demo

DEMO_PASSWORD = "demo-pass-2026"
DEMO_NOTE = "Demo data: synthetic, not a real policy."
DEMO_SEED = 2026
# Demo records are dated before this day (or today, if earlier) so a re-seed gives the same data.
DEMO_ANCHOR = datetime.date(2026, 11, 1)
DEMO_USERS = [
    # username, first name, last name, role, organization (None: the default one; the admin runs the network)
    ("admin", "Alex", "Admin", roles.ADMIN, None),
    ("staff1", "Sam", "Rivera", roles.STAFF, None),
    ("staff2", "Grace", "Okafor", roles.STAFF, None),
    ("organizer1", "Lucía", "Mendoza", roles.ORGANIZER, None),
    ("organizer2", "Tomás", "Reyes", roles.ORGANIZER, None),
    ("organizer3", "Mei", "Chen", roles.ORGANIZER, None),
    ("partner-staff", "Rosa", "Delgado", roles.STAFF, campaigns_demo.PARTNER_SLUG),
    ("partner-organizer", "Daniel", "Ortiz", roles.ORGANIZER, campaigns_demo.PARTNER_SLUG),
]
ORGANIZATION_ROLES = {roles.STAFF: "staff", roles.ORGANIZER: "organizer"}
# Each app's demo data (<app>/demo.py), in the order they depend on each other: the campaigns draft
# letters from the library's samples and are assigned its resources, and give the officials of their
# counties before the invented sheriffs fill the offices that have none.
DEMO_STEPS = [resources_demo.seed_demo, campaigns_demo.seed_demo, jurisdictions_demo.seed_demo]


def _data_rows(path):
    with Path(path).open("rb") as handle:
        return max(sum(1 for line in handle if line.strip()) - 1, 0)


def _imports(data):
    """(label, command, args, loaded?) for each real data file, in the order they depend on each other."""
    counties = data / "us_counties.csv"
    return [
        (
            "states and counties",
            "import_jurisdictions",
            [counties, "--states", data / "us_states.csv"],
            lambda: (
                State.objects.count() >= _data_rows(data / "us_states.csv")
                and Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY).count() >= _data_rows(counties)
            ),
        ),
        (
            "287(g) participating list",
            "import_287g",
            [data / "ice_287g_participating_2025-07-18.csv"],
            lambda: (
                Agreement287g.objects.filter(last_listed__isnull=False)
                .exclude(status=Agreement287g.Status.PENDING)
                .exists()
            ),
        ),
        (
            "287(g) pending list",
            "import_287g",
            [data / "ice_287g_pending_2025-07-18.csv", "--pending"],
            lambda: Agreement287g.objects.filter(
                last_listed__isnull=False, status=Agreement287g.Status.PENDING
            ).exists(),
        ),
        (
            "state laws",
            "import_state_laws",
            [data / "state_ice_cooperation_laws_287g_watch_2026-09.csv"],
            lambda: StateLaw.objects.filter(imported=True).exists(),
        ),
        (
            "records laws",
            "import_records_laws",
            [data / "state_public_records_laws_hole_v0.11.csv"],
            lambda: RecordsLaw.objects.exists(),
        ),
        (
            "agencies",
            "import_agencies",
            [
                "--contacts",
                data / "sheriff_office_contacts_FL_GA_NC_TN.csv",
                "--fbi",
                data / "fbi_cde_law_enforcement_employees_agencies.csv",
            ],
            lambda: Agency.objects.filter(sources__contains="fbi-cde").exists(),
        ),
        (
            "federal sanctuary-jurisdiction list",
            "import_doj_list",
            [data / "doj_sanctuary_jurisdiction_list_2025-08-05.csv"],
            lambda: FederalDesignation.objects.exists(),
        ),
    ]


class Command(KeepHelpLayout, BaseCommand):
    help = f"""Load the real data from SHARED_DATA_DIR (each file only if not loaded yet, or all with --force),
create the demo users (password {DEMO_PASSWORD!r}) and synthetic demo policy records, then print the
sign-ins. Safe to run again: nothing is duplicated."""

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run every import again even when loaded")

    def handle(self, *args, force=False, **options):
        # What the demo writes is kept in the records' history as made by seed_demo (each import as itself).
        with change_source("seed_demo"):
            self.load_real_data(force=force)
            users = self.create_users()
            self.seed_policy_records()
            for seed in DEMO_STEPS:
                seed(users=users, force=force, stdout=self.stdout)
            campaigns_demo.seed_partner_share(self.stdout, users=users)
        # The demo writes policy records in bulk, which sends no signals.
        map_cache_clear()
        self.print_logins()

    def load_real_data(self, *, force):
        data = Path(settings.SHARED_DATA_DIR)
        if not data.is_dir():
            self.stderr.write(self.style.WARNING(f"No shared data at {data}; real data not loaded."))
            return
        for label, command, args, loaded in _imports(data):
            if not force and loaded():
                self.stdout.write(f"Real data: {label} already loaded.")
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"Real data: loading {label}"))
            call_command(command, *map(str, args), stdout=self.stdout._out, stderr=self.stderr._out)

    @transaction.atomic
    def create_users(self):
        User = get_user_model()
        users, created = {}, 0
        organizations = {None: default_organization(), campaigns_demo.PARTNER_SLUG: campaigns_demo.partner_ensure()}
        for username, first_name, last_name, role, organization in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@example.org",
                    is_staff=role == roles.ADMIN,
                    is_superuser=role == roles.ADMIN,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                created += 1
            group, _ = Group.objects.get_or_create(name=role)
            user.groups.add(group)
            if role != roles.ADMIN:  # the network admin runs every organization, as the Admin role
                membership_set(organization=organizations[organization], user=user, role=ORGANIZATION_ROLES[role])
            if role in (roles.STAFF, roles.ADMIN):
                two_factor.demo_authenticator_ensure(user=user)
            users[username] = user
        self.stdout.write(f"Demo users: {created} created, {len(DEMO_USERS) - created} already there.")
        return users

    def seed_policy_records(self):
        if PolicyRecord.objects.filter(note=DEMO_NOTE).exists():
            self.stdout.write("Demo policy records: already there.")
        else:
            records = demo_policy_records(random.Random(DEMO_SEED), min(timezone.localdate(), DEMO_ANCHOR))
            with transaction.atomic():
                bulk_create_tracked(records, PolicyRecord, batch_size=1000)
                jurisdictions_refresh_policy(jurisdiction_ids={record.jurisdiction_id for record in records})
            counties = len({record.jurisdiction_id for record in records})
            self.stdout.write(f"Demo policy records: {len(records)} created for {counties} counties.")
        answered = seed_demo_warrants()
        if answered:
            self.stdout.write(f"Demo judicial-warrant answers: {answered} holds records answered.")

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo sign-ins (password unless changed since):"))
        names = dict(Organization.objects.values_list("slug", "name"))
        home = default_organization().name
        for username, _first, _last, role, organization in DEMO_USERS:
            where = "all organizations" if role == roles.ADMIN else names.get(organization, home)
            self.stdout.write(f"  {role:<10} {username:<18} {DEMO_PASSWORD}  {where}")
        secret = two_factor.demo_secret()
        self.stdout.write(
            "Staff and admin sign in with a second step: a code from an authenticator app given the demo key\n"
            f"  {' '.join(secret[i : i + 4] for i in range(0, len(secret), 4))}\n"
            "or the code printed by `.venv/bin/python manage.py demo_code` (it changes every 30 seconds)."
        )


# -- demo policy records ------------------------------------------------------------------------

HOLDS = [PolicyValue.HONORS_ALL, PolicyValue.HONORS_SOME, PolicyValue.HONORS_NONE]
# Per state-law floor: share of counties left unknown, then weights of holds all/some/none.
PROFILES = {
    StateFloor.LIMITS: (0.10, [0.05, 0.20, 0.75]),
    StateFloor.MANDATES: (0.20, [0.85, 0.12, 0.03]),
    StateFloor.MIXED: (0.40, [0.40, 0.40, 0.20]),
    StateFloor.NONE: (0.50, [0.45, 0.35, 0.20]),
}


def _pick(rng, choices, weights):
    return rng.choices(choices, weights=weights, k=1)[0]


def _county_policy(rng, floor, has_287g):
    """{dimension: value} for one county, or None to leave it unknown."""
    unknown, weights = PROFILES.get(floor, PROFILES[StateFloor.NONE])
    if has_287g:
        # A county that works with ICE under 287(g) honors holds and lets ICE in.
        unknown, weights = 0.05, [0.9, 0.1, 0.0]
    if rng.random() < unknown:
        return None
    holds = _pick(rng, HOLDS, weights)
    policy = {Dimension.HOLDS: holds}
    if holds == PolicyValue.HONORS_ALL:
        policy[Dimension.JAIL_ACCESS] = _pick(rng, [PolicyValue.YES, PolicyValue.LIMITED], [0.8, 0.2])
        if rng.random() < 0.6:
            policy[Dimension.NOTIFICATIONS] = PolicyValue.YES
        if rng.random() < (0.25 if floor == StateFloor.MANDATES else 0.08):
            policy[Dimension.BED_CONTRACT] = PolicyValue.YES
    elif holds == PolicyValue.HONORS_SOME:
        policy[Dimension.JAIL_ACCESS] = _pick(rng, [PolicyValue.YES, PolicyValue.LIMITED], [0.4, 0.6])
        if rng.random() < 0.5:
            policy[Dimension.NOTIFICATIONS] = _pick(rng, [PolicyValue.YES, PolicyValue.LIMITED], [0.5, 0.5])
    else:
        policy[Dimension.JAIL_ACCESS] = _pick(rng, [PolicyValue.NONE, PolicyValue.LIMITED], [0.75, 0.25])
        policy[Dimension.NOTIFICATIONS] = _pick(
            rng, [PolicyValue.NONE, PolicyValue.LIMITED, PolicyValue.YES], [0.6, 0.3, 0.1]
        )
    return policy


def demo_policy_records(rng, anchor):
    """Unsaved demo PolicyRecords for the counties of the states (not territories), reproducible from rng."""
    with_287g = set(
        Agreement287g.objects.filter(status=Agreement287g.Status.ACTIVE, jurisdiction__isnull=False).values_list(
            "jurisdiction_id", flat=True
        )
    )
    counties = (
        Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY, is_legacy=False)
        .filter(~Q(state__kind="territory"))
        .order_by("fips")
        .values_list("pk", "state__law_floor")
    )
    records = []
    for pk, floor in counties:
        policy = _county_policy(rng, floor, pk in with_287g)
        if policy is None:
            continue
        for dimension, value in policy.items():
            effective = anchor - datetime.timedelta(days=rng.randint(30, 6 * 365))
            if dimension == Dimension.HOLDS and rng.random() < 0.35:
                # History: an earlier, different holds policy that this one replaced.
                before = rng.choice([other for other in HOLDS if other != value])
                earlier = effective - datetime.timedelta(days=rng.randint(180, 4 * 365))
                records.append(_record(pk, dimension, before, earlier))
            records.append(_record(pk, dimension, value, effective))
    return records


def _record(jurisdiction_id, dimension, value, effective_date):
    return PolicyRecord(
        jurisdiction_id=jurisdiction_id,
        dimension=dimension,
        value=value,
        effective_date=effective_date,
        note=DEMO_NOTE,
        is_demo=True,
        entered_by=None,
    )


# Per state-law floor: share of the holds records left without an answer, then the chance that a jail
# honoring holds requires a judicial warrant for them (most do not: an ICE detainer is enough).
WARRANT_PROFILES = {
    StateFloor.LIMITS: (0.25, 0.55),
    StateFloor.MANDATES: (0.30, 0.05),
    StateFloor.MIXED: (0.40, 0.25),
    StateFloor.NONE: (0.45, 0.20),
}


def _demo_warrant(rng, floor, holds):
    """Whether a demo holds record requires a judicial warrant (None: not known), reproducible from rng."""
    unknown, warrant = WARRANT_PROFILES.get(floor, WARRANT_PROFILES[StateFloor.NONE])
    if rng.random() < unknown:
        return None
    if holds == PolicyValue.HONORS_NONE:
        return True
    return rng.random() < warrant


def seed_demo_warrants():
    """Answer the judicial-warrant question on the demo holds records, once; returns how many were answered.

    Demo records made before the question existed get their answers here too. Once any demo holds record
    has an answer this changes nothing, so a second run (or a staff member's edit) is left alone.
    """
    demo_holds = PolicyRecord.objects.filter(is_demo=True, dimension=Dimension.HOLDS)
    if demo_holds.filter(judicial_warrant__isnull=False).exists():
        return 0
    rng = random.Random(DEMO_SEED + 4)
    records = list(
        demo_holds.select_related(None)
        .order_by("jurisdiction__fips", "effective_date", "pk")
        .annotate(floor=F("jurisdiction__state__law_floor"))
    )
    for record in records:
        record.judicial_warrant = _demo_warrant(rng, record.floor, record.value)
    answered = [record for record in records if record.judicial_warrant is not None]
    with transaction.atomic():
        bulk_update_tracked(answered, PolicyRecord, ["judicial_warrant"], batch_size=1000)
        jurisdictions_refresh_policy(jurisdiction_ids={record.jurisdiction_id for record in answered})
    return len(answered)
