"""Shared fixtures. With REQUIRE_SERVICES=1 a missing PostgreSQL, Redis or Chromium fails the run."""

import csv
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from core import roles
from tests import factories

# Fixtures that the test files of one feature share.
pytest_plugins = [
    "tests.campaign_fixtures",
    "tests.importer_fixtures",
    "tests.jurisdiction_fixtures",
    "tests.library_fixtures",
]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_service(reason):
    """Skip a test whose service is absent, or fail it when services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def _redis_answers(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def pytest_sessionstart(session):
    if not REQUIRE_SERVICES:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point to PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    elif not _redis_answers(settings.REDIS_URL):
        problems.append(f"Redis at {settings.REDIS_URL} does not answer")
    if not shutil.which(CHROMIUM):
        problems.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if problems:
        pytest.exit("REQUIRE_SERVICES=1 but: " + "; ".join(problems), returncode=3)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if REQUIRE_SERVICES and reporter and reporter.stats.get("skipped"):
        reporter.write_line("Skipped tests are failures when REQUIRE_SERVICES=1.", red=True)
        session.exitstatus = 1


# The real data files cut down to three states where a file is large: California (limits cooperation),
# Texas (mandates it) and Kentucky (no statewide law). Files that are small are copied whole.
SLICE_STATES = {"CA", "TX", "KY"}
SLICE_COLUMNS = {
    "us_counties.csv": "state",
    "ice_287g_participating_2025-07-18.csv": "state_postal",
    "ice_287g_pending_2025-07-18.csv": "state_postal",
    "sheriff_office_contacts_FL_GA_NC_TN.csv": "state",
    "fbi_cde_law_enforcement_employees_agencies.csv": "state_abbr",
}
WHOLE_FILES = [
    "us_states.csv",
    "state_ice_cooperation_laws_287g_watch_2026-09.csv",
    "state_public_records_laws_hole_v0.11.csv",
    "doj_sanctuary_jurisdiction_list_2025-08-05.csv",
]


@pytest.fixture(scope="session")
def data_slice(tmp_path_factory):
    """A folder of the real data files for SLICE_STATES (read-only: tests point SHARED_DATA_DIR at it)."""
    source_dir = Path(settings.SHARED_DATA_DIR)
    folder = tmp_path_factory.mktemp("data-slice")
    for name, column in SLICE_COLUMNS.items():
        with open(source_dir / name, encoding="utf-8", newline="") as source:
            reader = csv.DictReader(source)
            with open(folder / name, "w", encoding="utf-8", newline="") as target:
                writer = csv.DictWriter(target, fieldnames=reader.fieldnames, lineterminator="\n")
                writer.writeheader()
                writer.writerows(row for row in reader if row[column] in SLICE_STATES)
    for name in WHOLE_FILES:
        (folder / name).write_bytes((source_dir / name).read_bytes())
    return folder


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware): the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_map_copy_from_earlier_tests():
    """The map's cached JSON of an earlier test, whose rows were rolled back, is not served."""
    from django.core.cache import cache

    from jurisdictions.services import MAP_CACHE_KEY

    cache.delete(MAP_CACHE_KEY)


@pytest.fixture(autouse=True)
def _two_factor_for_staff_in_browser_tests(request):
    """Browser tests sign in through the real forms, so staff and admins take the second step there
    (tests/browser.py); the other tests sign in with force_login, which has none."""
    if request.node.get_closest_marker("browser"):
        # Asked for here only: made for every test, `settings` would be undone after the tests' own fixtures.
        request.getfixturevalue("settings").TWO_FACTOR_REQUIRED_FOR_STAFF = True


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL or not _redis_answers(settings.REDIS_URL):
        missing_service("Redis is not available (set REDIS_URL)")
    return settings.REDIS_URL


@pytest.fixture
def organizer(db):
    return factories.UserFactory(role=roles.ORGANIZER, username="organizer")


@pytest.fixture
def other_organizer(db):
    return factories.UserFactory(role=roles.ORGANIZER, username="other-organizer")


@pytest.fixture
def staff(db):
    return factories.UserFactory(role=roles.STAFF, username="staff")


@pytest.fixture
def admin(db):
    return factories.UserFactory(role=roles.ADMIN, username="admin-user")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        missing_service(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
