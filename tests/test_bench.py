"""seed_bench on a slice of the real data, and what the bench holds the pages to: constant queries and indexes.

PostgreSQL only (seed_bench writes with COPY and the plans are PostgreSQL's): skipped on SQLite, a
failure under REQUIRE_SERVICES=1.
"""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from bench import pages
from bench.dataset import fingerprint
from bench.plan import BENCH_NOTE, BENCH_PASSWORD, BENCH_URL, letter_model, plan_for
from campaigns.models import Answer, Assignment, Campaign, Deadline, Meeting, RecordsRequest, StageChange, Target
from core import roles
from jurisdictions.models import Agreement287g, Jurisdiction, PolicyLevel, PolicyRecord
from resources.models import Resource
from tests import factories as f
from tests.conftest import missing_service

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
# The campaign page reads one kind of timeline event more than any other page reads anything: the changes
# to ICE's 287(g) list in its county.
MAX_QUERIES_OF = {"campaign": 13}
# campaigns.notifications.deliver: the batch's rows, roles and organizers' campaigns; seven light reads
# of the batch's activity, at most seven of the rows shown and three for the admins' table; three for
# the upcoming elections (the campaigns' counties, the elections, the officials shown); two to skip the
# empty digests.
DIGEST_READS = 3 + 7 + 7 + 3 + 3 + 2


@pytest.fixture
def shared_data(data_slice, settings):
    if connection.vendor != "postgresql":
        missing_service("seed_bench needs PostgreSQL (set DATABASE_URL)")
    settings.SHARED_DATA_DIR = data_slice
    return data_slice


def seed_bench(*args):
    out = io.StringIO()
    call_command("seed_bench", *args, "--no-analyze", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def overdue():
    return Deadline.objects.filter(status=Deadline.Status.OPEN, due_date__lt=timezone.localdate())


def test_seed_bench_builds_the_counts_of_its_scale(shared_data):
    out = seed_bench("--scale", "0.002", "--seed", "7")
    plan = plan_for(0.002)
    assert Campaign.objects.count() == plan.campaigns == 4
    assert Target.objects.count() == plan.targets
    assert Meeting.objects.count() == plan.meetings
    assert 0.8 * plan.answers <= Answer.objects.count() <= 1.2 * plan.answers
    assert Deadline.objects.count() == plan.deadlines
    assert overdue().count() == plan.deadlines // 5
    assert RecordsRequest.objects.count() == plan.requests
    assert Resource.objects.filter(url__startswith=BENCH_URL).count() == plan.resources
    assert Assignment.objects.count() == plan.assignments
    if letter_model() is not None:
        assert letter_model().objects.count() == plan.letters
    for role, count in ((roles.ADMIN, plan.admins), (roles.STAFF, plan.staff), (roles.ORGANIZER, plan.organizers)):
        assert Group.objects.get(name=role).user_set.filter(username__startswith="bench-").count() == count
    assert BENCH_PASSWORD in out and "bench-organizer-00001" in out
    # The real data came in through the importers.
    assert Agreement287g.objects.filter(state__postal="TX").exists()


def test_seed_bench_gives_every_county_policy_history_and_refreshes_what_is_stored(shared_data):
    seed_bench("--scale", "0.002", "--seed", "7")
    counties = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY, is_legacy=False)
    records = PolicyRecord.objects.filter(note=BENCH_NOTE)
    assert records.values("jurisdiction").distinct().count() == counties.count()
    assert 2.5 <= records.count() / counties.count() <= 3.5
    assert not counties.filter(level=PolicyLevel.UNKNOWN).exists()
    for campaign in Campaign.objects.all():
        history = list(StageChange.objects.filter(campaign=campaign).order_by("changed_at", "pk"))
        assert history[0].from_stage == "" and history[-1].to_stage == campaign.stage
        latest = campaign.meetings.exclude(logged_at=None).order_by("-logged_at").first()
        if latest is not None:
            assert campaign.last_activity_at >= latest.logged_at


def test_seed_bench_is_reproducible_from_its_seed(shared_data):
    seed_bench("--scale", "0.002", "--seed", "7")
    first = fingerprint()
    seed_bench("--scale", "0.002", "--seed", "7")
    assert fingerprint() == first
    assert Campaign.objects.count() == plan_for(0.002).campaigns  # replaced, not added to
    seed_bench("--scale", "0.002", "--seed", "8")
    assert fingerprint() != first


def test_seed_bench_keeps_a_data_set_of_the_same_scale_and_seed_when_asked(shared_data):
    seed_bench("--scale", "0.002", "--seed", "7")
    first = list(Campaign.objects.values_list("pk", flat=True))
    out = seed_bench("--scale", "0.002", "--seed", "7", "--if-missing")
    assert "nothing to do" in out
    assert list(Campaign.objects.values_list("pk", flat=True)) == first


def test_seed_bench_refuses_a_database_with_other_campaigns(shared_data):
    f.CampaignFactory(name="A real campaign")
    with pytest.raises(CommandError, match="--force"):
        seed_bench("--scale", "0.002")
    assert Campaign.objects.count() == 1


def test_seed_bench_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        seed_bench("--scale", "0.002")


def _query_counts():
    """{endpoint: queries} for every endpoint make bench loads, on the data there now."""
    s = pages.subjects()
    users = {"organizer": s["organizer"], "staff": s["staff"], "admin": s["admin"]}
    counts = {}
    for key, _label, role, path, _reference in pages.endpoints(s)[0]:
        if key == "calendar":
            path, role = pages.calendar_path(s["organizer"]), None
        queries, status = pages.count_queries(path, users.get(role))
        assert status == 200, (key, path, status)
        counts[key] = queries
    counts["map-cold"], status = pages.count_cold_map_queries(s["staff"])
    assert status == 200
    counts["export-deadlines"], status = pages.count_queries(pages.export_path(), s["staff"])
    assert status == 200
    return counts


def test_every_bench_endpoint_runs_a_constant_number_of_queries(shared_data, settings):
    settings.ROOT_URLCONF = "bench.urls"
    seed_bench("--scale", "0.002", "--seed", "7")
    small = _query_counts()
    small_digest = pages.digest_run()
    seed_bench("--scale", "0.01", "--seed", "7")
    large = _query_counts()
    # A digest run reads a fixed number of queries however many campaigns, meetings or deadlines there
    # are (fewer when a kind of row has nothing to show); each email adds its claim and its record.
    large_digest = pages.digest_run()
    assert large_digest["users"] == small_digest["users"]
    for run in (small_digest, large_digest):
        assert run["queries"] - 2 * run["sent"] <= DIGEST_READS, run
    assert large == small
    over = {key: n for key, n in large.items() if n > MAX_QUERIES_OF.get(key, MAX_QUERIES)}
    assert over == {}


def test_campaign_page_runs_at_most_13_queries_for_every_role_and_timeline_filter(shared_data):
    seed_bench("--scale", "0.002", "--seed", "7")
    s = pages.subjects()
    url = s["campaign"].get_absolute_url()
    for user in (s["organizer"], s["staff"], s["admin"]):
        for query in ("", "?kind=meetings", "?kind=letters", "?kind=resources", "?tpage=2"):
            queries, status = pages.count_queries(url + query, user)
            assert status == 200
            assert queries <= MAX_QUERIES_OF["campaign"], (user.username, query, queries)


def _plan(queryset):
    return queryset.explain()


def test_list_queries_use_their_indexes(shared_data):
    """After ANALYZE on the bench's row counts the planner reads the big tables by their indexes."""
    from campaigns import selectors
    from campaigns.filters import DEFAULT_SORT, SORTS

    seed_bench("--scale", "0.05", "--seed", "7")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = timezone.localdate()
    campaign = pages.subjects()["campaign"]
    plans = {
        "campaign list": selectors.campaign_list(base=Campaign.objects.all()).order_by(*SORTS[DEFAULT_SORT])[:25],
        "overdue deadlines": overdue().order_by("due_date", "due_time", "pk")[:50],
        "deadlines due soon": Deadline.objects.filter(
            status=Deadline.Status.OPEN, due_date__gte=today, due_date__lte=today + timedelta(days=14)
        ).order_by("due_date", "due_time", "pk")[:50],
        "meetings of a campaign": Meeting.objects.filter(campaign=campaign).order_by("-held_at", "-pk")[:21],
        "a campaign timeline's deadlines": selectors.timeline_deadlines(campaign)[:26],
    }
    for name, queryset in plans.items():
        plan = _plan(queryset)
        for table in ("campaigns_campaign", "campaigns_deadline", "campaigns_meeting", "campaigns_answer"):
            assert f"Seq Scan on {table}" not in plan, f"{name}:\n{plan}"
    assert "deadline_event_idx" in _plan(selectors.timeline_deadlines(campaign)[:26])
