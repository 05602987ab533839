"""The campaign list and the dashboard's status table: one filter form and one set of rows, read in a fixed number
of queries whatever the rows and the page, each page read keys first and still in the order of the plain queryset;
the states the filters offer read with the page, the leads searched as you type."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import FieldError
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors as campaign_selectors
from campaigns.filters import ANNOTATED_SORTS, SORTS
from campaigns.models import Campaign, Goal, Stage, Stance
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("campaigns:list")
HOME = reverse("home")
PEOPLE = reverse("campaigns:people-options")
STAGES = [Stage.RESEARCH, Stage.PROPOSAL, Stage.WON, Stage.ENGAGING, Stage.LOST]


def campaigns(n, *, lead, start=0):
    """`n` campaigns that differ in every column a page sorts on: name, place, stage, activity, deadlines."""
    today = timezone.localdate()
    states = [f.StateFactory(postal="QC", name="Campaign State", fips="59"), f.StateFactory(postal="QD", fips="58")]
    made = []
    for i in range(start, start + n):
        campaign = f.CampaignFactory(
            name=f"Campaign {i * 7 % 31:02d}",
            jurisdiction=f.JurisdictionFactory(state=states[i % 2], name=f"County {i * 3 % 11}"),
            stage=STAGES[i % len(STAGES)],
            outcome="Decided." if STAGES[i % len(STAGES)] in (Stage.WON, Stage.LOST) else "",
            goal=Goal.END_287G if i % 2 else Goal.END_HOLDS,
            lead=lead,
            board_seats=5,
        )
        Campaign.objects.filter(pk=campaign.pk).update(last_activity_at=timezone.now() - timedelta(days=i % 9 * 10))
        for _ in range(i % 3):
            f.DeadlineFactory(campaign=campaign, due_date=today - timedelta(days=1 + i % 4))
        if i % 4:
            f.DeadlineFactory(campaign=campaign, due_date=today + timedelta(days=i % 5))
        f.TargetFactory(campaign=campaign, votes=True, stance=Stance.CHAMPION)
        made.append(campaign)
    return made


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def row_ids(response):
    return [int(pk) for pk in re.findall(r'<tr data-campaign="(\d+)"', response.content.decode())]


# --- queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, LIST + "?overdue=yes", LIST + "?sort=next&page=2", LIST + "?page=last"])
@pytest.mark.parametrize("role", ["organizer", "staff", "admin"])
def test_list_queries_do_not_grow_with_rows_or_pages(client, request, staff, organizer, role, url):
    user = request.getfixturevalue(role)
    for campaign in campaigns(2, lead=staff):
        f.MembershipFactory(campaign=campaign, user=organizer)
    client.force_login(user)
    small, _ = count_queries(client, url)
    for campaign in campaigns(58, lead=staff, start=2):
        f.MembershipFactory(campaign=campaign, user=organizer)
    large, response = count_queries(client, url)
    assert small == large, f"{small} queries at 2 campaigns, {large} at 60"
    assert large <= 8
    assert row_ids(response)


@pytest.mark.parametrize("url", [HOME, HOME + "?overdue=yes", HOME + "?sort=-overdue&page=2", HOME + "?page=last"])
def test_status_table_queries_do_not_grow_with_rows_or_pages(client, staff, url):
    campaigns(2, lead=staff)
    client.force_login(staff)
    small, _ = count_queries(client, url)
    campaigns(58, lead=staff, start=2)
    large, response = count_queries(client, url)
    assert small == large, f"{small} queries at 2 campaigns, {large} at 60"
    assert large <= 12
    assert row_ids(response)


def test_rows_are_made_without_a_query_beyond_the_page():
    lead = f.UserFactory(role="Staff")
    campaigns(30, lead=lead)
    rows = campaign_selectors.campaign_status_rows(Campaign.objects.all()).order_by(*SORTS["activity"])
    page = Paginator(rows, 25).get_page(2)
    with CaptureQueriesContext(connection) as ctx:
        made = campaign_selectors.campaign_rows(page, status=True)
    assert len(ctx.captured_queries) == 1
    assert len(made) == 5
    assert [row.pk for row in made] == [campaign.pk for campaign in page.object_list]


# --- pages read keys first, in the plain order ---------------------------------------------------


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_page_of_every_sort_shows_the_rows_of_the_plain_queryset(client, staff, sort):
    campaigns(60, lead=staff)
    client.force_login(staff)
    ordered = list(
        campaign_selectors.campaign_list(base=Campaign.objects.all())
        .order_by(*SORTS[sort])
        .values_list("pk", flat=True)
    )
    for number in (1, 2, 3):
        response = client.get(LIST, {"sort": sort, "page": number})
        assert row_ids(response) == ordered[(number - 1) * 25 : number * 25], f"page {number} sorted by {sort}"
    status = list(
        campaign_selectors.campaign_status_rows(Campaign.objects.all())
        .order_by(*SORTS[sort])
        .values_list("pk", flat=True)
    )
    assert row_ids(client.get(HOME, {"sort": sort, "page": 3})) == status[50:75]


@pytest.mark.parametrize("sort", list(SORTS))
def test_annotated_sorts_are_the_sorts_that_need_the_annotations(sort):
    """The dashboard reads a page's keys off the plain campaigns unless its sort is in ANNOTATED_SORTS."""
    plain = Campaign.objects.order_by(*SORTS[sort])
    if sort in ANNOTATED_SORTS:
        with pytest.raises(FieldError):
            str(plain.query)
    else:
        assert "SELECT" in str(plain.query)


def test_a_filtered_page_keeps_its_filter(client, staff):
    made = campaigns(60, lead=staff)
    client.force_login(staff)
    response = client.get(LIST, {"overdue": "yes", "sort": "overdue", "page": 2})
    overdue = [c.pk for c in made if Campaign.objects.filter(pk=c.pk, deadlines__due_date__lt=timezone.localdate())]
    shown = row_ids(response)
    assert shown and set(shown) <= set(overdue)
    assert response.context["page"].paginator.count == len(overdue)


# --- one form and one set of rows for both pages -------------------------------------------------


def test_list_and_status_table_print_the_same_row(client, staff):
    (campaign,) = campaigns(1, lead=staff, start=1)
    client.force_login(staff)
    listed = client.get(LIST).content.decode()
    status = client.get(HOME).content.decode()

    def row(content):
        return content.split(f'data-campaign="{campaign.pk}"')[1].split("</tr>")[0]

    for content in (listed, status):
        cells = row(content)
        assert f'<a href="{campaign.get_absolute_url()}" class="fw-semibold">{campaign.name}</a>' in cells
        assert '<span class="badge text-bg-primary">Proposal</span>' in cells
        assert f"{campaign.jurisdiction.name}, QD" in cells
        assert '<span class="badge text-bg-danger">1</span>' in cells  # one overdue deadline
    # The status table's own columns and flags are on the dashboard only.
    assert 'data-whip="1/3"' in row(status) and "data-whip" not in row(listed)
    assert 'data-flagged="1"' in status and 'data-flagged="1"' not in listed
    assert "data-days=" in row(status) and "data-days=" not in row(listed)


def test_filter_form_marks_the_chosen_options(client, staff):
    f.StateFactory(postal="QC", name="Campaign State", fips="59")
    lead = f.UserFactory(role="Staff", first_name="Rosa", last_name="Reyes", username="rreyes")
    client.force_login(staff)
    for url in (LIST, HOME):
        content = client.get(url, {"state": "QC", "stage": "won", "lead": lead.pk}).content.decode()
        assert '<option value="QC" selected>Campaign State</option>' in content
        assert '<option value="won" selected>Won</option>' in content
        assert f'<option value="{lead.pk}" selected>Rosa Reyes (rreyes)</option>' in content
        assert '<option value="" selected>Any</option>' in content  # the filters not chosen
        assert '<select name="stage" class="select form-select" id="id_stage">' in content
        assert re.search(r'<label\s+for="id_q" class="form-label">\s*Name or place\s*</label>', content)


def test_filter_form_shows_which_filter_was_not_understood(client, staff):
    client.force_login(staff)
    for url in (LIST, HOME):
        content = client.get(url, {"stage": "nonsense"}).content.decode()
        select = re.search(r'<select name="stage"[^>]*>', content).group(0)
        assert 'class="select form-select is-invalid"' in select
        assert 'aria-invalid="true"' in select
        assert 'aria-describedby="id_stage_error"' in select
        assert '<div id="id_stage_error" class="invalid-feedback">' in content
        assert "Select a valid choice. nonsense is not one of the available choices." in content
        assert "Some filters were not understood" in content
        assert 'class="collapse d-md-block mb-2 show"' in content  # open on a phone, where it is folded away


def test_option_labels_are_escaped(client, staff):
    bold = f.UserFactory(role="Staff", first_name="<b>Bold</b>", last_name="", username="bold")
    client.force_login(staff)
    content = client.get(LIST, {"lead": bold.pk}).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; (bold)</option>" in content
    assert "<b>Bold</b>" not in content


def test_names_in_rows_are_escaped(client, staff):
    f.CampaignFactory(name="<script>alert(1)</script>")
    client.force_login(staff)
    for url in (LIST, HOME):
        content = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        assert "<script>alert(1)</script>" not in content


# --- the states and leads the filters offer -------------------------------------------------------


def _options(content, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', content, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_filter_options_offer_every_state_and_staff_member(client, staff):
    f.StateFactory(postal="QC", name="Campaign State", fips="59")
    client.force_login(staff)
    content = client.get(LIST).content.decode()
    assert ("QC", "Campaign State") in _options(content, "state")
    # Leads are searched as you type: the page offers none but "Any".
    assert _options(content, "lead") == [("", "Any")]
    assert 'data-search-url="/campaigns/people-options/"' in re.search(r'<select name="lead"[^>]*>', content).group(0)


def test_filter_options_follow_changes_to_staff_and_states(client, staff, organizer):
    state = f.StateFactory(postal="QC", name="Campaign State", fips="59")
    client.force_login(staff)
    client.get(LIST)
    newcomer = f.UserFactory(role="Staff", first_name="Ana", last_name="Ruiz", username="aruiz")
    organizer.groups.add(Group.objects.get(name="Admin"))
    state.name = "Renamed State"
    state.save()
    content = client.get(HOME).content.decode()
    assert ("QC", "Renamed State") in _options(content, "state")

    def leads():
        return {row["value"]: row["text"] for row in client.get(PEOPLE).json()["results"]}

    assert leads()[str(newcomer.pk)] == "Ana Ruiz (aruiz)"
    assert str(organizer.pk) in leads()
    newcomer.groups.clear()
    organizer.delete()
    assert str(newcomer.pk) not in leads() and str(organizer.pk) not in leads()
