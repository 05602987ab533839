"""The dashboard at `/`: what each role sees, and a constant number of queries at any data size."""

import json
import re
from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors, services
from campaigns.models import Assignment, AssignmentOpen, Campaign, Deadline, Goal, Meeting, Stage, StageChange, Stance
from jurisdictions.models import Jurisdiction
from tests import factories as f

pytestmark = pytest.mark.django_db

HOME = "/"


def _json_script(content, element_id):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', content, re.S)
    assert match, f"no #{element_id} on the page"
    return json.loads(match.group(1))


def grow(n, *, organizer, lead, prefix="Campaign"):
    """`n` campaigns with everything the dashboard shows about them, the organizer on each."""
    today = timezone.localdate()
    now = timezone.now()
    resource = f.ResourceFactory()
    states = [
        f.StateFactory(postal="QC", name="Campaign State", fips="59"),
        f.StateFactory(postal="QD", name="Second State", fips="58"),
    ]
    created = []
    for i in range(n):
        campaign = services.campaign_create(
            user=lead,
            name=f"{prefix} {i}",
            jurisdiction=f.JurisdictionFactory(state=states[i % 2]),
            goal=Goal.END_HOLDS if i % 2 else Goal.END_287G,
            lead=lead,
            organizers=[organizer],
            board_seats=5,
        )
        for stance in (Stance.CHAMPION, Stance.OPPOSED, Stance.UNDECIDED):
            f.TargetFactory(campaign=campaign, votes=True, stance=stance)
        f.DeadlineFactory(campaign=campaign, owner=organizer, due_date=today - timedelta(days=2), title=f"Late {i}")
        f.DeadlineFactory(campaign=campaign, owner=organizer, due_date=today + timedelta(days=3), title=f"Soon {i}")
        f.MeetingFactory(campaign=campaign, logged_by=organizer, held_at=now - timedelta(days=2))
        Assignment.objects.create(resource=resource, campaign=campaign, note="Read this first.", assigned_by=lead)
        if i % 3 == 0:
            services.campaign_change_stage(campaign=campaign, user=lead, stage=Stage.WON, outcome="Holds ended.")
        created.append(campaign)
    return created


def count_queries(client, url=HOME):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# --- anonymous -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- organizer -------------------------------------------------------------------------------------


@pytest.fixture
def mine(organizer, staff):
    return grow(2, organizer=organizer, lead=staff)


@pytest.fixture
def theirs(other_organizer, staff):
    return grow(1, organizer=other_organizer, lead=staff, prefix="Elsewhere")


def test_organizer_sees_their_campaigns_with_stage_and_next_deadline(client, organizer, mine, theirs):
    client.force_login(organizer)
    content = client.get(HOME).content.decode()
    assert "My campaigns" in content
    for campaign in mine:
        assert f'data-campaign="{campaign.pk}"' in content
    assert "Elsewhere 0" not in content
    soon = Deadline.objects.get(title="Soon 1")
    assert soon.due_date.strftime("%b %-d") in content
    assert "Won" in content  # campaign 0 was won


def test_organizer_sees_their_deadlines_overdue_first_and_not_later_ones(client, organizer, other_organizer, mine):
    today = timezone.localdate()
    f.DeadlineFactory(campaign=mine[0], owner=organizer, due_date=today + timedelta(days=30), title="Next month")
    f.DeadlineFactory(campaign=mine[0], owner=other_organizer, due_date=today, title="Someone else's")
    f.DeadlineFactory(campaign=mine[0], owner=None, due_date=today, title="Nobody's yet")
    f.DeadlineFactory(
        campaign=mine[0],
        owner=organizer,
        due_date=today,
        title="Already done",
        status=Deadline.Status.DONE,
        completed_at=timezone.now(),
    )
    client.force_login(organizer)
    content = client.get(HOME).content.decode()
    deadlines = content.split('id="dash-deadlines"')[1].split("</section>")[0]
    assert deadlines.index("Late 0") < deadlines.index("Soon 0")
    assert "Nobody&#x27;s yet" in deadlines
    assert "Next month" not in deadlines
    assert "Someone else" not in deadlines
    assert "Already done" not in deadlines
    assert 'data-overdue="2"' in deadlines


def test_organizer_sees_new_assignments_until_opened(client, organizer, mine):
    client.force_login(organizer)
    first = Assignment.objects.filter(campaign=mine[0]).get()
    content = client.get(HOME).content.decode()
    assert f'data-assignment="{first.pk}"' in content
    AssignmentOpen.objects.create(assignment=first, user=organizer)
    content = client.get(HOME).content.decode()
    assert f'data-assignment="{first.pk}"' not in content


def test_withdrawn_assignments_are_not_new(client, organizer, mine, staff):
    assignment = Assignment.objects.filter(campaign=mine[0]).get()
    Assignment.objects.filter(pk=assignment.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=staff, withdrawal_reason="Out of date"
    )
    client.force_login(organizer)
    assert f'data-assignment="{assignment.pk}"' not in client.get(HOME).content.decode()


def test_organizer_sees_meetings_they_logged_recently(client, organizer, other_organizer, mine):
    old = f.MeetingFactory(campaign=mine[0], logged_by=organizer, held_at=timezone.now() - timedelta(days=90))
    colleague = f.MeetingFactory(campaign=mine[0], logged_by=other_organizer, held_at=timezone.now())
    client.force_login(organizer)
    content = client.get(HOME).content.decode()
    recent = Meeting.objects.filter(logged_by=organizer, held_at__gte=timezone.now() - timedelta(days=30))
    for meeting in recent:
        assert f'data-meeting="{meeting.pk}"' in content
    assert f'data-meeting="{old.pk}"' not in content
    assert f'data-meeting="{colleague.pk}"' not in content


def test_organizer_sees_campaigns_going_quiet(client, organizer, mine):
    quiet, busy = mine
    long_ago = timezone.now() - timedelta(days=45)
    Campaign.objects.filter(pk=quiet.pk).update(last_activity_at=long_ago, stage=Stage.ENGAGING)
    Campaign.objects.filter(pk=busy.pk).update(stage=Stage.ENGAGING)
    client.force_login(organizer)
    content = client.get(HOME).content.decode()
    assert f'data-quiet="{quiet.pk}"' in content
    assert f'data-quiet="{busy.pk}"' not in content


def test_a_won_campaign_is_never_quiet(client, organizer, mine):
    won = mine[0]
    assert Campaign.objects.get(pk=won.pk).stage == Stage.WON
    Campaign.objects.filter(pk=won.pk).update(last_activity_at=timezone.now() - timedelta(days=90))
    client.force_login(organizer)
    assert f'data-quiet="{won.pk}"' not in client.get(HOME).content.decode()


def test_organizer_on_no_campaign_sees_an_empty_week(client, organizer):
    client.force_login(organizer)
    content = client.get(HOME).content.decode()
    assert "You are not on a campaign yet" in content
    assert "Nothing due this week" in content


def test_organizer_rows_link_to_their_pages(client, organizer, mine):
    client.force_login(organizer)
    content = client.get(HOME).content.decode()
    campaign = mine[1]
    row = content.split(f'data-campaign="{campaign.pk}"')[1].split("</li>")[0]
    assert f'href="{campaign.get_absolute_url()}"' in row
    assert f'href="{reverse("report-campaign", args=[campaign.pk])}"' in row
    assert "1 overdue" in row
    meeting = Meeting.objects.filter(campaign=campaign).get()
    assert f'<a href="{meeting.get_absolute_url()}">' in content
    assignment = Assignment.objects.filter(campaign=campaign).get()
    assert f'<a href="{assignment.get_absolute_url()}">' in content
    late = Deadline.objects.get(title="Late 1")
    deadline = content.split(f'data-deadline="{late.pk}"')[1].split("</li>")[0]
    assert f'href="{campaign.get_absolute_url()}"' in deadline
    assert "Overdue" in deadline


def test_organizer_dashboard_queries_do_not_grow(client, organizer, staff):
    grow(2, organizer=organizer, lead=staff)
    client.force_login(organizer)
    small, _ = count_queries(client)
    grow(30, organizer=organizer, lead=staff, prefix="More")
    large, response = count_queries(client)
    assert small == large, f"{small} queries at 2 campaigns, {large} at 32"
    assert large <= 10
    assert response.content.decode().count("data-campaign=") == 32


# --- staff and admin -------------------------------------------------------------------------------


@pytest.fixture(params=["staff", "admin"])
def reviewer(request):
    return request.getfixturevalue(request.param)


def test_status_table_lists_every_campaign_with_its_columns(client, reviewer, organizer, other_organizer, staff):
    mine = grow(2, organizer=organizer, lead=staff)
    theirs = grow(1, organizer=other_organizer, lead=staff, prefix="Elsewhere")
    client.force_login(reviewer)
    content = client.get(HOME).content.decode()
    for campaign in mine + theirs:
        assert f'data-campaign="{campaign.pk}"' in content
    row = content.split(f'data-campaign="{mine[1].pk}"')[1].split("</tr>")[0]
    assert mine[1].jurisdiction.name in row
    assert "Research" in row
    assert 'data-days="0"' in row
    assert 'data-whip="1/3"' in row  # one champion of five seats, three needed
    assert "1 of 3 needed, 1 against" in row
    assert f'<tr data-campaign="{mine[1].pk}" class="dash-flagged"' in content  # an overdue deadline
    won_row = content.split(f'data-campaign="{mine[0].pk}"')[1].split("</tr>")[0]
    assert "Holds ended." in won_row


def test_status_table_flags_overdue_and_quiet_campaigns(client, staff):
    late = f.CampaignFactory(name="Late one")
    f.DeadlineFactory(campaign=late, due_date=timezone.localdate() - timedelta(days=1))
    quiet = f.CampaignFactory(name="Quiet one", stage=Stage.ENGAGING)
    Campaign.objects.filter(pk=quiet.pk).update(last_activity_at=timezone.now() - timedelta(days=31))
    fine = f.CampaignFactory(name="Fine one")
    client.force_login(staff)
    content = client.get(HOME).content.decode()
    assert f'<tr data-campaign="{late.pk}" class="dash-flagged" data-flagged="1">' in content
    assert f'<tr data-campaign="{quiet.pk}" class="dash-flagged" data-flagged="1">' in content
    assert f'<tr data-campaign="{fine.pk}">' in content


def test_status_table_filters_and_sorts_like_the_campaign_list(client, staff):
    f.CampaignFactory(name="Alpha", stage=Stage.RESEARCH)
    f.CampaignFactory(name="Bravo", stage=Stage.PROPOSAL)
    f.CampaignFactory(name="Charlie", stage=Stage.PROPOSAL)
    client.force_login(staff)
    content = client.get(HOME, {"stage": "proposal", "sort": "-name"}).content.decode()
    table = content.split('id="dash-status"')[1].split("</table>")[0]
    assert "Alpha" not in table
    assert table.index("Charlie") < table.index("Bravo")
    charts = _json_script(content, "dashboard-charts")
    stages = dict(zip(charts["stages"]["keys"], charts["stages"]["values"], strict=True))
    assert stages["proposal"] == 2
    assert stages["research"] == 0


def test_bad_filters_show_a_warning_and_nothing_else(client, staff):
    f.CampaignFactory(name="Alpha")
    client.force_login(staff)
    response = client.get(HOME, {"stage": "nope", "state": "ZZ", "page": "x", "sort": "bogus"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Some filters were not understood" in content
    assert "Alpha" not in content.split('id="dash-status"')[1].split("</section>")[0]


def test_status_table_is_paginated(client, staff):
    for i in range(30):
        f.CampaignFactory(name=f"Campaign {i:02d}")
    client.force_login(staff)
    first = client.get(HOME, {"sort": "name"}).content.decode()
    second = client.get(HOME, {"sort": "name", "page": 2}).content.decode()
    assert first.count('<tr data-campaign="') == 25
    assert second.count('<tr data-campaign="') == 5
    assert "Page 1 of 2" in first
    assert 'data-figure="total">30<' in first


def test_counts_by_stage_goal_and_state(client, staff):
    f.CampaignFactory(goal=Goal.END_287G, stage=Stage.WON, outcome="Won.")
    f.CampaignFactory(goal=Goal.END_287G, stage=Stage.LOST, outcome="Lost.")
    f.CampaignFactory(goal=Goal.END_HOLDS)
    client.force_login(staff)
    content = client.get(HOME).content.decode()
    charts = _json_script(content, "dashboard-charts")
    assert sum(charts["goals"]["values"]) == 3
    assert charts["states"] == {"labels": ["QC"], "values": [3]}
    assert re.search(r'data-goal="end_287g">.*?<td class="text-end">2</td>', content, re.S)
    assert re.search(r'data-state="QC">.*?<td class="text-end">3</td>', content, re.S)


def test_wins_and_losses_by_month(client, staff):
    won = f.CampaignFactory()
    lost = f.CampaignFactory()
    services.campaign_change_stage(campaign=won, user=staff, stage=Stage.WON, outcome="Board voted 4-1.")
    services.campaign_change_stage(campaign=lost, user=staff, stage=Stage.LOST, outcome="Sheriff refused.")
    # One more win, a year ago.
    old = f.CampaignFactory(stage=Stage.WON, outcome="Ended the contract.")
    StageChange.objects.create(
        campaign=old,
        from_stage=Stage.DECISION_PENDING,
        to_stage=Stage.WON,
        changed_at=timezone.now() - timedelta(days=365),
    )
    client.force_login(staff)
    content = client.get(HOME).content.decode()
    months = _json_script(content, "dashboard-charts")["months"]
    assert len(months["labels"]) == 24
    assert months["won"][-1] == 1 and months["lost"][-1] == 1
    assert sum(months["won"]) == 2
    assert 'data-figure="wins">2<' in content
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f'data-month="{this_month}"' in content


def test_map_places_campaigns_on_their_county(client, staff):
    county = f.JurisdictionFactory(fips="06001", name="Alameda County")
    city = Jurisdiction.objects.create(
        kind=Jurisdiction.Kind.CITY, state=county.state, fips="0600562", name="Oakland", parent=county
    )
    f.CampaignFactory(jurisdiction=county)
    f.CampaignFactory(jurisdiction=city, stage=Stage.WON, outcome="Won.")
    client.force_login(staff)
    content = client.get(HOME).content.decode()
    assert _json_script(content, "dashboard-map-data") == {"06001": [2, 1, 1, 0]}
    assert _json_script(content, "dashboard-map-strings")["won"] == "Won"
    assert 'data-data-url="/jurisdictions/map/data.json"' in content
    assert "vendor/chartjs/chart.umd.min.js" in content


def test_staff_sees_their_own_deadlines(client, staff):
    campaign = f.CampaignFactory()
    mine = f.DeadlineFactory(campaign=campaign, owner=staff, due_date=timezone.localdate())
    client.force_login(staff)
    assert f'data-deadline="{mine.pk}"' in client.get(HOME).content.decode()


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_dashboard_queries_do_not_grow(client, request, organizer, role):
    user = request.getfixturevalue(role)
    lead = request.getfixturevalue("staff")
    grow(2, organizer=organizer, lead=lead)
    f.DeadlineFactory(campaign=Campaign.objects.first(), owner=user, due_date=timezone.localdate())
    client.force_login(user)
    small, _ = count_queries(client)
    small_filtered, _ = count_queries(client, HOME + "?stage=research&sort=-overdue&state=QD")
    grow(40, organizer=organizer, lead=lead, prefix="More")
    large, response = count_queries(client)
    large_filtered, _ = count_queries(client, HOME + "?stage=research&sort=-overdue&state=QD")
    assert small == large, f"{small} queries at 2 campaigns, {large} at 42"
    assert small_filtered == large_filtered
    assert large <= 12
    assert response.content.decode().count('<tr data-campaign="') == 25


def test_status_rows_are_read_in_one_query_with_their_whip_count():
    campaign = f.CampaignFactory(board_seats=7)
    rows = selectors.campaign_status_rows(Campaign.objects.filter(pk=campaign.pk))
    page = Paginator(rows.order_by("pk"), 25).get_page(1)
    page.paginator.count  # noqa: B018 - the page's count, read before
    with CaptureQueriesContext(connection) as ctx:
        (row,) = selectors.campaign_rows(page, status=True)
    assert len(ctx.captured_queries) == 1
    assert row.whip.needed == 4
    assert row.whip.short == 4


# --- figures: new at once after a change, and those of the filter -----------------------------------


def test_a_saved_change_shows_in_the_figures_at_once(client, staff, organizer):
    campaigns = grow(3, organizer=organizer, lead=staff)
    client.force_login(staff)
    before = _json_script(client.get(HOME).content.decode(), "dashboard-charts")
    assert before["goals"]["values"][list(Goal).index(Goal.END_287G)] == 2
    services.campaign_change_stage(campaign=campaigns[1], user=staff, stage=Stage.LOST, outcome="Voted down.")
    f.CampaignFactory(goal=Goal.END_287G)
    content = client.get(HOME).content.decode()
    after = _json_script(content, "dashboard-charts")
    stages = dict(zip(after["stages"]["keys"], after["stages"]["values"], strict=True))
    assert stages["lost"] == 1
    assert after["goals"]["values"][list(Goal).index(Goal.END_287G)] == 3
    assert after["months"]["lost"][-1] == 1
    assert 'data-figure="total">4<' in content


def test_filtered_figures_are_those_of_the_filter(client, staff, organizer):
    grow(3, organizer=organizer, lead=staff)
    client.force_login(staff)
    client.get(HOME)
    content = client.get(HOME, {"goal": Goal.END_HOLDS}).content.decode()
    charts = _json_script(content, "dashboard-charts")
    assert sum(charts["goals"]["values"]) == 1
    assert sum(row[0] for row in _json_script(content, "dashboard-map-data").values()) == 1
    assert 'data-figure="total">1<' in content


def test_map_data_is_compact_json(client, staff):
    f.CampaignFactory(jurisdiction=f.JurisdictionFactory(fips="06001"))
    client.force_login(staff)
    content = client.get(HOME).content.decode()
    assert '<script id="dashboard-map-data" type="application/json">{"06001":[1,1,0,0]}</script>' in content
