"""Where one page's time goes: times N requests in this process and prints cProfile's top functions.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python scripts/profile_page.py \
        /campaigns/ --as staff [--runs 30] [--top 30] [--sort cumulative|tottime] [--sql]

Runs the bench settings (production settings and the bench app) against the bench database, signed in
as the first bench user of the role (or the busiest organizer with --as organizer), so the numbers are
those of the pages `make bench` loads, without gunicorn and wrk around them. A page named `campaign`,
`county` or `meeting-form` is the bench's own subject (the busiest campaign, the biggest county).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
os.environ.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench"))
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
os.environ.setdefault("SECRET_KEY", "profile-only-secret-key-never-used-anywhere-else-0123456789-abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="a path, or one of the bench's page keys (campaign, county, meeting-form)")
    parser.add_argument("--as", dest="role", default="staff", choices=["anonymous", "organizer", "staff", "admin"])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--sql", action="store_true", help="print each query with its time")
    parser.add_argument("--templates", action="store_true", help="print each template's time, its includes counted in")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import pages

    call_command("collectstatic", interactive=False, verbosity=0)  # the production settings serve the manifest
    subjects = pages.subjects()
    known = {key: path for key, _label, _role, path, _admin in pages.endpoints(subjects)[0]}
    path = known.get(args.path, args.path)
    client = Client(HTTP_HOST=pages.HOST, HTTP_ACCEPT_ENCODING="gzip")
    if args.role != "anonymous":
        client.force_login(subjects[args.role])

    def get():
        response = client.get(path)
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
        return response

    response = get()
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code} as {args.role}: pick a path that role may see.")
    with CaptureQueriesContext(connection) as capture:
        get()
    queries = list(capture.captured_queries)  # read now: the next request empties the connection's log
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"{path} as {args.role}: {len(queries)} queries, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    print(f"  SQL of one request: {sql_ms:.1f} ms")
    if args.sql:
        sql_chars = int(os.environ.get("SQL_CHARS", "400"))
        for query in queries:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:sql_chars]}")

    if args.templates:
        print_template_times(get)

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        get()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    stats.print_stats(args.top)


def print_template_times(get, runs=10):
    """Wraps Template.render to sum each template's time (with what it includes) over a few requests."""
    from collections import defaultdict

    from django.template.base import Template

    totals, calls = defaultdict(float), defaultdict(int)
    render = Template.render

    def timed(self, context):
        started = time.perf_counter()
        try:
            return render(self, context)
        finally:
            totals[self.origin.template_name] += time.perf_counter() - started
            calls[self.origin.template_name] += 1

    Template.render = timed
    try:
        for _ in range(runs):
            get()
    finally:
        Template.render = render
    print("  templates (ms a request, includes counted in; renders a request):")
    for name, total in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {total * 1000 / runs:8.2f}  {calls[name] / runs:6.1f}  {name}")


if __name__ == "__main__":
    main()
