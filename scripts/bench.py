"""`make bench`: the app under gunicorn on PostgreSQL and Redis, loaded by wrk, beside a floor and the Django admin.

What it does, in order:

1. Creates the bench database if it is missing, migrates it and runs `seed_bench --scale $BENCH_SCALE
   --if-missing` (scale 0.1 unless told otherwise; a data set of that scale and seed is kept), then
   empties the bench's Redis database so that nothing cached from earlier data is served.
2. Runs `collectstatic` and starts gunicorn with the production settings and bench-only environment
   (SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0) on a free port of
   127.0.0.1 (8030-8039).
3. Signs in through the login form as an organizer, a staff member and an admin of the bench data.
4. For every endpoint: counts the SQL queries of one request in this process (Django's test Client and
   CaptureQueriesContext against the same database, after one warm-up request), then loads the
   server with wrk at 1 and at 8 concurrent connections for $BENCH_DURATION seconds each.
5. Measures what wrk cannot: the map JSON with a cold cache, the time to first byte and total of the
   deadlines export, and a digest run for every bench user (sent to the locmem backend, rolled back).
6. Prints a table (requests/s, p50/p95/p99, errors, queries, ratio to the floor and to the admin page
   for the same rows), gunicorn workers' memory from /proc, and writes var/bench/results-<sha>.json
   and var/bench/results.md.

Why wrk: a load generator written in C on an event loop costs little CPU, which matters on a 2-core
machine where it shares the cores with gunicorn and PostgreSQL; a Python client with 8 connections
would take a good part of a core itself and blur the numbers. wrk's Lua hook sends the session cookie
and reports the percentiles as JSON.

Nothing here asserts a time: the bar is printed beside the numbers.
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OUT = ROOT / "var" / "bench"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
SCALE = float(os.environ.get("BENCH_SCALE", "0.1"))
SEED = int(os.environ.get("BENCH_SEED", "2026"))
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
CONCURRENCY = (1, 8)
PORTS = range(8030, 8040)
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
HOST = "127.0.0.1"
# bench.pages, imported by main() once Django is set up.
bench_pages = None

# The bar of the issue, printed beside the numbers (never asserted).
BAR_P95_MS = 150
BAR_MAP_CACHED_P95_MS = 20
BAR_QUERIES = 12
BAR_ADMIN_RATIO = 3
BAR_TTFB_S = 1
BAR_RSS_MB = 200

SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECRET_KEY": "bench-only-secret-key-never-used-anywhere-else-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "0",
    "DJANGO_DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    "EMAIL_URL": "consolemail://",
}

WRK_LUA = r"""
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then wrk.headers["Cookie"] = cookie end
wrk.headers["Accept-Encoding"] = "gzip"
wrk.headers["Accept-Language"] = "en"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "status_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.status + e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""


def say(text=""):
    print(text, flush=True)


def run(args, **kwargs):
    env = {**os.environ, **SERVER_ENV, **kwargs.pop("env", {})}
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


# --- setting up ----------------------------------------------------------------------------------


def ensure_database():
    """Create the bench database on its server when it is not there."""
    import psycopg

    url = urllib.parse.urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Unexpected database name {name!r} in BENCH_DATABASE_URL")
    admin_url = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            say(f"Creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare():
    ensure_database()
    say(f"Migrating and seeding {DATABASE_URL.rsplit('@', 1)[-1]} (scale {SCALE:g}, seed {SEED})")
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"])
    started = time.monotonic()
    run([PY, "manage.py", "seed_bench", "--scale", str(SCALE), "--seed", str(SEED), "--if-missing"])
    seeded = time.monotonic() - started
    clear_cache()
    run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"])
    return seeded


def clear_cache():
    """Empty the bench's Redis database: seed_bench writes with COPY, so no signal renews what is cached."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def setup_django():
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def free_port():
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port in {PORTS.start}-{PORTS.stop - 1}")


class Server:
    """gunicorn with the production settings, stopped on exit."""

    def __init__(self, port):
        self.port = port
        self.log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        args = [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **SERVER_ENV}, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {OUT / 'gunicorn.log'}")
            try:
                status, _headers, _body = http("GET", "/bench/floor/", port=port)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 60 s")

    def worker_rss_mb(self):
        """Resident memory of each worker (MB), from /proc."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid != self.process.pid:
                    continue
                status = (entry / "status").read_text()
            except (OSError, ValueError, IndexError):
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if match:
                sizes.append(round(int(match.group(1)) / 1024, 1))
        return sorted(sizes)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


# --- HTTP ----------------------------------------------------------------------------------------


def http(method, path, *, port, headers=None, body=None):
    conn = HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers):
    cookies = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()
    return cookies


def sign_in(username, password, *, port):
    """The session cookie of a sign-in through the login form, as a browser gets it."""
    status, headers, body = http("GET", "/accounts/login/", port=port)
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None or "csrftoken" not in cookies:
        raise SystemExit(f"The login page answered {status} without a CSRF token")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password, "next": "/"}
    )
    status, headers, _body = http(
        "POST",
        "/accounts/login/",
        port=port,
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    session = _cookies(headers).get("sessionid")
    if status != 302 or not session:
        raise SystemExit(f"Signing in as {username} failed ({status})")
    return f"sessionid={session}; csrftoken={cookies['csrftoken']}"


def wrk(path, cookie, connections, *, port, lua, seconds=None):
    threads = min(connections, 2)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds or DURATION}s", "--timeout", "20s", "-s", lua]
    args.append(f"http://{HOST}:{port}{path}")
    result = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "BENCH_COOKIE": cookie or ""})
    line = next((line for line in result.stdout.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk failed on {path}: {result.stdout}{result.stderr}")
    data = json.loads(line.split(" ", 1)[1])
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": round(data["requests"] / seconds, 1) if seconds else 0,
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "mean_ms": round(data["mean_us"] / 1000, 1),
        "errors": data["errors"],
    }


def load(path, cookie, *, port, lua):
    """{clients: wrk result} at each concurrency, after a second that lets every worker render the page once."""
    wrk(path, cookie, WORKERS, port=port, lua=lua, seconds=1)
    return {str(c): wrk(path, cookie, c, port=port, lua=lua) for c in CONCURRENCY}


# --- what is measured ----------------------------------------------------------------------------


def map_cold(port, cookie, user, runs=5):
    """The map JSON right after its cache was cleared (each run)."""
    times = []
    for _ in range(runs):
        bench_pages.clear_map_cache()
        started = time.perf_counter()
        status, _h, _b = http("GET", "/jurisdictions/map/data.json", port=port, headers={"Cookie": cookie})
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"map JSON answered {status}")
    bench_pages.clear_map_cache()
    queries, _status = bench_pages.count_cold_map_queries(user)
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "queries": queries,
    }


def export_timing(port, cookie, user):
    """Time to first byte and in total of the deadlines CSV export (every deadline, as staff)."""
    path = bench_pages.export_path()
    if path is None:
        return None
    conn = HTTPConnection(HOST, port, timeout=300)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Host": HOST, "Cookie": cookie})
    response = conn.getresponse()
    first = response.read(1)
    ttfb = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    while chunk := response.read(65536):
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - started
    conn.close()
    queries, _status = bench_pages.count_queries(path, user)
    return {
        "path": path,
        "status": response.status,
        "rows": max(0, lines - 1),
        "mb": round(size / 1e6, 1),
        "ttfb_s": round(ttfb, 3),
        "total_s": round(total, 2),
        "queries": queries,
    }


# --- output --------------------------------------------------------------------------------------


def ratio(a, b):
    return round(a / b, 1) if a and b else None


def bar_misses(row, is_admin=False):
    misses = []
    c8 = row["load"].get("8", {})
    if row["key"] == "map-cached":
        if c8.get("p95_ms", 0) > BAR_MAP_CACHED_P95_MS:
            misses.append(f"p95 {c8['p95_ms']} ms > {BAR_MAP_CACHED_P95_MS}")
    elif c8.get("p95_ms", 0) > BAR_P95_MS:
        misses.append(f"p95 {c8['p95_ms']} ms > {BAR_P95_MS}")
    if row["queries"] is not None and row["queries"] > BAR_QUERIES:
        misses.append(f"{row['queries']} queries > {BAR_QUERIES}")
    if not is_admin and (row.get("x_admin") or 0) > BAR_ADMIN_RATIO:
        misses.append(f"{row['x_admin']}x admin > {BAR_ADMIN_RATIO}")
    if any(run.get("errors") for run in row["load"].values()):
        misses.append("errors")
    if row.get("status") not in (200, None):
        misses.append(f"status {row['status']}")
    return misses


COLUMNS = ["endpoint", "as", "q", "rps@1", "p50", "p95", "p99", "rps@8", "p50", "p95", "p99", "err", "×floor", "×admin"]


def table_rows(rows):
    out = []
    for row in rows:
        c1, c8 = row["load"].get("1", {}), row["load"].get("8", {})
        errors = sum(run.get("errors", 0) for run in row["load"].values())
        out.append(
            [
                row["label"],
                row["role"] or "-",
                "-" if row["queries"] is None else str(row["queries"]),
                str(c1.get("rps", "")),
                str(c1.get("p50_ms", "")),
                str(c1.get("p95_ms", "")),
                str(c1.get("p99_ms", "")),
                str(c8.get("rps", "")),
                str(c8.get("p50_ms", "")),
                str(c8.get("p95_ms", "")),
                str(c8.get("p99_ms", "")),
                str(errors),
                "" if row.get("x_floor") is None else f"{row['x_floor']}",
                "" if row.get("x_admin") is None else f"{row['x_admin']}",
            ]
        )
    return out


def print_table(rows):
    body = table_rows(rows)
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in body)) for i in range(len(COLUMNS))]
    line = "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(COLUMNS, widths, strict=True)))
    say(line)
    say("-" * len(line))
    for r in body:
        say("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))


def markdown(results):
    meta = results["meta"]
    lines = [
        f"# make bench — {meta['git']} — scale {meta['scale']:g} — {meta['date']}",
        "",
        f"{meta['campaigns']} campaigns; busiest campaign {meta['busiest_meetings']} meetings; "
        f"gunicorn {meta['workers']} sync workers on {meta['cpus']} CPUs; wrk {meta['duration_s']} s a run; "
        "times in ms; ×floor and ×admin compare p50 at 1 client. "
        f"Load average before/after: {meta['load_average_start'][0]} / {meta['load_average_end'][0]}.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join(["---"] * 2 + ["---:"] * (len(COLUMNS) - 2)) + "|",
    ]
    for r in table_rows(results["endpoints"] + results["admin"]):
        lines.append("| " + " | ".join(r) + " |")
    lines.append("")
    extra = results.get("map_cold")
    if extra:
        lines.append(
            f"- map JSON, cold cache: p50 {extra['p50_ms']} ms, max {extra['max_ms']} ms, {extra['queries']} queries"
        )
    extra = results.get("export")
    if extra:
        lines.append(
            f"- deadlines export (CSV): {extra['rows']} rows, {extra['mb']} MB, first byte {extra['ttfb_s']} s, "
            f"total {extra['total_s']} s, {extra['queries']} queries"
        )
    extra = results.get("digest")
    if extra:
        lines.append(
            f"- digest run for {extra['users']} users: {extra['seconds']} s, {extra['queries']} queries, "
            f"{extra['sent']} sent, {extra['skipped']} skipped"
        )
    lines.append(f"- gunicorn worker RSS after the run (MB): {', '.join(map(str, results['memory_mb']))}")
    if results["bar"]:
        lines += ["", "Missing the bar:", ""] + [f"- {miss}" for miss in results["bar"]]
    return "\n".join(lines) + "\n"


def git_sha():
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        return sha.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


# --- main ----------------------------------------------------------------------------------------


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    seed_seconds = prepare()
    setup_django()
    global bench_pages
    from bench import pages as bench_pages  # it reads the models: only once Django is set up

    s = bench_pages.subjects()
    load_before = os.getloadavg()
    port = free_port()
    say(f"Starting gunicorn ({WORKERS} workers) on {HOST}:{port}")
    server = Server(port)
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115 - removed below
    lua.write(WRK_LUA)
    lua.close()
    try:
        users = {"organizer": s["organizer"], "staff": s["staff"], "admin": s["admin"]}
        cookies = {role: sign_in(user.username, bench_pages.BENCH_PASSWORD, port=port) for role, user in users.items()}
        pages, admin_paths = bench_pages.endpoints(s)
        calendar = None
        rows = []
        say(f"Loading {len(pages)} endpoints and {len(admin_paths)} admin pages, {DURATION} s at 1 and 8 clients")
        for key, label, role, path, reference in pages:
            user, cookie = users.get(role), cookies.get(role)
            if key == "calendar":
                calendar = path = bench_pages.calendar_path(s["organizer"])
                user = None
            queries, status = bench_pages.count_queries(path, user)
            runs = load(path, cookie, port=port, lua=lua.name)
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "role": role or ("feed token" if key == "calendar" else None),
                    "path": path if key != "calendar" else "/calendar/<token>.ics",
                    "status": status,
                    "queries": queries,
                    "load": runs,
                    "reference": reference,
                }
            )
            say(f"  {label:<40} {queries!s:>3} queries  p95@8 {runs['8']['p95_ms']} ms")
        admin_rows = []
        for key, path in admin_paths.items():
            queries, status = bench_pages.count_queries(path, users["admin"])
            runs = load(path, cookies["admin"], port=port, lua=lua.name)
            admin_rows.append(
                {"key": key, "label": f"admin: {path[7:]}", "role": "admin", "path": path}
                | {"status": status, "queries": queries, "load": runs}
            )
            say(f"  {path:<40} {queries!s:>3} queries  p95@8 {runs['8']['p95_ms']} ms")
        floor = rows[0]["load"]["1"]["p50_ms"]
        by_key = {row["key"]: row for row in admin_rows}
        for row in rows + admin_rows:
            row["x_floor"] = ratio(row["load"]["1"]["p50_ms"], floor) if row["key"] != "floor" else None
            reference = by_key.get(row.get("reference"))
            row["x_admin"] = ratio(row["load"]["1"]["p50_ms"], reference["load"]["1"]["p50_ms"]) if reference else None
        say("Map JSON with a cold cache, the deadlines export, a digest run")
        map_result = map_cold(port, cookies["staff"], s["staff"])
        export = export_timing(port, cookies["staff"], s["staff"])
        digest = bench_pages.digest_run()
        memory = server.worker_rss_mb()
    finally:
        server.stop()
        os.unlink(lua.name)

    misses = []
    for row in rows:
        misses += [f"{row['label']} ({row['role']}): {miss}" for miss in bar_misses(row)]
    for row in admin_rows:
        misses += [f"{row['label']}: {miss}" for miss in bar_misses(row, is_admin=True) if "errors" in miss]
    if export and export["ttfb_s"] > BAR_TTFB_S:
        misses.append(f"export: first byte after {export['ttfb_s']} s > {BAR_TTFB_S}")
    misses += [f"worker RSS {mb} MB > {BAR_RSS_MB}" for mb in memory if mb > BAR_RSS_MB]

    sha = git_sha()
    results = {
        "meta": {
            "git": sha,
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "scale": SCALE,
            "seed": SEED,
            "seed_bench_seconds": round(seed_seconds, 1),
            "campaigns": s["campaigns"],
            "busiest_campaign": s["campaign"].pk,
            "busiest_meetings": s["meetings"],
            "organizer": s["organizer"].username,
            "organizer_campaigns": s["organizer_campaigns"],
            "county": str(s["county"]),
            "workers": WORKERS,
            "cpus": os.cpu_count(),
            "duration_s": DURATION,
            "calendar": bool(calendar),
            # Other work on the machine shows here: the times are only comparable at similar loads.
            "load_average_start": [round(x, 2) for x in load_before],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
            "total_seconds": None,
        },
        "endpoints": rows,
        "admin": admin_rows,
        "map_cold": map_result,
        "export": export,
        "digest": digest,
        "memory_mb": memory,
        "bar": misses,
    }
    results["meta"]["total_seconds"] = round(time.monotonic() - started, 1)

    say("")
    say(
        f"make bench — {sha} — scale {SCALE:g}: {s['campaigns']} campaigns, busiest {s['meetings']} meetings; "
        f"times in ms; ×floor/×admin on p50 at 1 client"
    )
    print_table(rows + admin_rows)
    say("")
    say(
        f"Map JSON, cold cache: p50 {map_result['p50_ms']} ms, max {map_result['max_ms']} ms, "
        f"{map_result['queries']} queries"
    )
    if export:
        say(
            f"Deadlines export: {export['rows']} rows ({export['mb']} MB), first byte {export['ttfb_s']} s, "
            f"total {export['total_s']} s, {export['queries']} queries"
        )
    if digest:
        say(
            f"Digest run: {digest['users']} users in {digest['seconds']} s, {digest['queries']} queries "
            f"({digest['sent']} sent to locmem, {digest['skipped']} empty)"
        )
    say(f"Gunicorn worker RSS (MB): {', '.join(map(str, memory))}")
    if misses:
        say("Missing the bar:")
        for miss in misses:
            say(f"  - {miss}")
    else:
        say("Every endpoint meets the bar.")
    (OUT / f"results-{sha}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (OUT / "results.md").write_text(markdown(results))
    say(f"Wrote {OUT / f'results-{sha}.json'} and {OUT / 'results.md'} in {results['meta']['total_seconds']} s")


if __name__ == "__main__":
    main()
