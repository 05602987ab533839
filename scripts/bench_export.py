"""The deadlines export of 100,000 rows, timed end to end in this process, in a throwaway database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python scripts/bench_export.py \\
        [--rows N] [--format xlsx|csv]

Creates a test database beside DATABASE_URL's (test settings: `test_<name>_<pid>`), migrates it, makes
one campaign with N deadlines (every other one with a time, every tenth one closed, every thousandth
one titled like a formula), then for each format runs the export view's own code as the campaign's
organizer and reads the response to its last byte. Prints the time to the response, the time in
total (and the CPU time of this process in it, which other load on the machine does not stretch) and
the size; drops the database at the end. Nothing here asserts a time.
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def make_deadlines(count):
    # The models load once main() has set Django up.
    from campaigns.models import Deadline
    from core import roles
    from tests import factories as f

    organizer = f.UserFactory(role=roles.ORGANIZER, username="bench-organizer")
    campaign = f.CampaignFactory(name="Bench campaign")
    f.MembershipFactory(campaign=campaign, user=organizer)
    today = datetime.now(UTC).date()
    closed = datetime(2026, 1, 15, 20, 5, tzinfo=UTC)
    Deadline.objects.bulk_create(
        (
            Deadline(
                campaign=campaign,
                title=f"=Deadline number {i}" if i % 1000 == 0 else f"Deadline number {i}",
                kind=Deadline.Kind.FOLLOW_UP,
                due_date=today + timedelta(days=i % 365),
                due_time=clock(9 + i % 8, 30) if i % 2 else None,
                time_zone="America/Chicago" if i % 2 else "",
                status=Deadline.Status.DONE if i % 10 == 0 else Deadline.Status.OPEN,
                completed_at=closed if i % 10 == 0 else None,
                owner=organizer,
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    return organizer


def time_export(fmt, user):
    from django.test import RequestFactory

    from dashboard import exports

    request = RequestFactory(HTTP_HOST="127.0.0.1").get(f"/exports/deadlines.{fmt}")
    request.user = user
    spec = exports.export_specs()["deadlines"]
    started, cpu = time.perf_counter(), time.process_time()
    response = exports.export_response(spec, fmt, request)
    answered = time.perf_counter() - started
    size = 0
    for piece in response.streaming_content:
        size += len(piece)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    response.close()
    return answered, total, cpu, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", action="append", choices=["csv", "xlsx"], help="xlsx and csv unless told")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    print(f"Creating and migrating a throwaway database beside {old_name!r}...", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        user = make_deadlines(args.rows)
        print(f"{args.rows} deadlines made in {time.perf_counter() - started:.1f} s", flush=True)
        for fmt in args.format or ["xlsx", "csv"]:
            answered, total, cpu, size = time_export(fmt, user)
            print(
                f"{fmt}: {args.rows} rows, {size / 1e6:.2f} MB, response after {answered:.2f} s, "
                f"read to the last byte after {total:.2f} s ({cpu:.2f} s of this process's CPU)",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
