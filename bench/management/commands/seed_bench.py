"""seed_bench: a national-scale data set for `make bench`, built in bulk on PostgreSQL."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from bench.builder import BenchBuilder
from bench.dataset import analyze, bench_campaigns, bench_users, clear, existing_set, fingerprint, other_campaigns
from bench.plan import BENCH_PASSWORD
from campaigns.management.commands.seed_demo import Command as SeedDemo
from core import roles
from core.history import history_paused
from core.importing import KeepHelpLayout
from jurisdictions.services import map_cache_clear


def _scale(text):
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"--scale {text!r} is not a number") from None
    if not 0 < value <= 20:
        raise CommandError("--scale must be above 0 and at most 20")
    return value


class Command(KeepHelpLayout, BaseCommand):
    help = f"""Build the benchmark data set: at scale 1 every county with policy history (3 records a county on
average) and the real 287(g) agreements, 300 users, 2,000 campaigns with their stage history, 20,000
targets, 50,000 meetings with 400,000 answers, 100,000 deadlines (a fifth overdue), 10,000 records
requests, 500 resources and 20,000 assignments. --scale multiplies the synthetic counts (0.1 for quick
runs; 5 works too).

The real data files are imported first when missing, as seed_demo does. A bench data set already in
the database is replaced (with --if-missing, one of the same scale and seed is kept). Rows are written
with COPY, so PostgreSQL is required. A database holding campaigns that are not bench data is refused
unless --force (the bench data is then added beside them, and only it is ever replaced).

Bench users: bench-admin-NNNNN, bench-staff-NNNNN, bench-organizer-NNNNN, password {BENCH_PASSWORD!r}.
The same --seed on the same day builds the same data (dates count back from today)."""

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=_scale, default=1.0, help="multiplier of the scale-1 counts (default 1)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--if-missing", action="store_true", help="keep a bench data set of the same scale and seed already there"
        )
        parser.add_argument("--force", action="store_true", help="run even though other campaigns are in the database")
        parser.add_argument("--no-analyze", action="store_true", help="skip VACUUM ANALYZE at the end")

    def handle(self, *args, scale, seed, if_missing, force, no_analyze, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_bench writes with PostgreSQL's COPY and measures PostgreSQL plans: set DATABASE_URL to a "
                "PostgreSQL database (for example postgres://postgres@127.0.0.1:5432/bench). SQLite is not supported."
            )
        existing = existing_set()
        if if_missing and existing == (scale, seed):
            self.stdout.write(f"Bench data set of scale {scale:g}, seed {seed} already there; nothing to do.")
            self.print_logins()
            return
        if other_campaigns().exists() and not force:
            raise CommandError(
                f"This database holds {other_campaigns().count()} campaigns that are not bench data; "
                "seed_bench refuses to add bench data to it. Use a database of its own, or --force."
            )
        started = time.monotonic()
        self.load_real_data()
        if existing is not None or bench_campaigns().exists():
            self.stdout.write("Replacing the bench data set already in the database.")
        # The bench rows are synthetic: neither clearing nor building them keeps any history.
        with history_paused():
            clear()
        cleared = time.monotonic()

        builder = BenchBuilder(scale=scale, seed=seed, log=self.stdout.write)
        builder.load_counties()
        with (
            tqdm(total=builder.total_rows(), unit=" rows", unit_scale=True, file=self.stderr._out, disable=None) as bar,
            transaction.atomic(),
            history_paused(),
        ):
            builder.bar = builder.w.bar = bar
            counts = builder.build()
        built = time.monotonic()
        map_cache_clear()  # written with COPY: no signals
        if not no_analyze:
            analyze()
        finished = time.monotonic()

        self.stdout.write(self.style.SUCCESS(f"Bench data set built: scale {scale:g}, seed {seed}."))
        for name, count in counts.items():
            self.stdout.write(f"  {name:<28} {count:>10,}")
        self.stdout.write(
            f"Time: {finished - started:.1f} s (real data and clearing {cleared - started:.1f} s, "
            f"build {built - cleared:.1f} s, analyze {finished - built:.1f} s)."
        )
        self.stdout.write("Steps: " + ", ".join(f"{name} {sec:.1f} s" for name, sec in builder.timings.items()))
        self.stdout.write(f"Fingerprint: {fingerprint()}")
        self.print_logins()

    def load_real_data(self):
        """The real data files, each only when not loaded yet: seed_demo's own loader."""

        SeedDemo(stdout=self.stdout._out, stderr=self.stderr._out).load_real_data(force=False)

    def print_logins(self):
        self.stdout.write(
            f"Bench sign-ins (password {BENCH_PASSWORD}): "
            f"{', '.join(user.username for user in self.first_users())}, ..."
        )

    def first_users(self):

        return [bench_users(role).first() for role in roles.ROLES if bench_users(role).exists()]
