"""Campaign list and page: who may use each campaign view, what the list and the page show, their queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Deadline, Goal, Stage, Stance
from jurisdictions.models import Agency
from tests import factories as f

pytestmark = pytest.mark.django_db


# --- the access matrix ---------------------------------------------------------------------------

# (url name, needs a deadline, method, organizer on the campaign may use it)
VIEWS = [
    ("campaigns:detail", False, "get", True),
    ("campaigns:edit", False, "get", False),
    ("campaigns:stage", False, "get", False),
    ("campaigns:team", False, "get", False),
    ("campaigns:target-new", False, "get", True),
    ("campaigns:deadline-new", False, "get", True),
    ("campaigns:deadline-edit", True, "get", True),
    ("campaigns:deadline-action", True, "post", True),
]


def _url(name, campaign, deadline):
    if name == "campaigns:deadline-edit":
        return reverse(name, args=[campaign.pk, deadline.pk])
    if name == "campaigns:deadline-action":
        return reverse(name, args=[campaign.pk, deadline.pk, "done"])
    return reverse(name, args=[campaign.pk])


def _call(client, method, url):
    return client.post(url) if method == "post" else client.get(url)


OK = {200, 302}


@pytest.mark.parametrize(("name", "needs_deadline", "method", "organizer_may"), VIEWS)
def test_anonymous_is_sent_to_sign_in(client, campaign, deadline, name, needs_deadline, method, organizer_may):
    response = _call(client, method, _url(name, campaign, deadline))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "needs_deadline", "method", "organizer_may"), VIEWS)
def test_organizer_on_campaign(client, organizer, campaign, deadline, name, needs_deadline, method, organizer_may):
    client.force_login(organizer)
    response = _call(client, method, _url(name, campaign, deadline))
    if organizer_may:
        assert response.status_code in OK
        if method == "post":
            assert response.url == campaign.get_absolute_url()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "needs_deadline", "method", "organizer_may"), VIEWS)
def test_organizer_not_on_campaign_gets_404(
    client, other_organizer, campaign, deadline, name, needs_deadline, method, organizer_may
):
    client.force_login(other_organizer)
    assert _call(client, method, _url(name, campaign, deadline)).status_code == 404
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OPEN


@pytest.mark.parametrize(("name", "needs_deadline", "method", "organizer_may"), VIEWS)
@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_may_use_every_view(
    client, request, campaign, deadline, role, name, needs_deadline, method, organizer_may
):
    client.force_login(request.getfixturevalue(role))
    assert _call(client, method, _url(name, campaign, deadline)).status_code in OK


def test_list_per_role(client, campaign, organizer, other_organizer, staff, admin):
    other = f.CampaignFactory(name="Another team campaign")
    client.force_login(organizer)
    body = client.get(reverse("campaigns:list")).content.decode()
    assert campaign.name in body and other.name not in body
    client.force_login(other_organizer)
    body = client.get(reverse("campaigns:list")).content.decode()
    assert campaign.name not in body and other.name not in body
    for user in (staff, admin):
        client.force_login(user)
        body = client.get(reverse("campaigns:list")).content.decode()
        assert campaign.name in body and other.name in body


def test_list_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_new_campaign_is_staff_only(client, organizer, staff, admin):
    client.force_login(organizer)
    assert client.get(reverse("campaigns:new")).status_code == 403
    for user in (staff, admin):
        client.force_login(user)
        assert client.get(reverse("campaigns:new")).status_code == 200


def test_missing_campaign_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("campaigns:detail", args=[987654])).status_code == 404


# --- list: filters, sorting, paging, queries -----------------------------------------------------


def _list(client, **params):
    return client.get(reverse("campaigns:list"), params)


def _names(response):
    return [c.name for c in response.context["page"].object_list]


def test_list_filters(client, staff):
    ca = f.StateFactory(postal="CA", name="California", fips="06")
    tx = f.StateFactory(postal="TX", name="Texas", fips="48")
    a = f.CampaignFactory(name="A", jurisdiction=f.JurisdictionFactory(state=ca), stage=Stage.PROPOSAL, lead=staff)
    b = f.CampaignFactory(name="B", jurisdiction=f.JurisdictionFactory(state=tx), goal=Goal.END_287G)
    f.DeadlineFactory(campaign=b, due_date=timezone.localdate() - timedelta(days=2))
    Campaign.objects.filter(pk=b.pk).update(last_activity_at=timezone.now() - timedelta(days=60))
    client.force_login(staff)
    assert _names(_list(client, state="CA")) == [a.name]
    assert _names(_list(client, state=" ca ")) == [a.name]  # typed in any case
    assert _names(_list(client, stage="proposal")) == [a.name]
    assert _names(_list(client, goal="end_287g")) == [b.name]
    assert _names(_list(client, lead=staff.pk)) == [a.name]
    assert _names(_list(client, overdue="yes")) == [b.name]
    assert _names(_list(client, overdue="no")) == [a.name]
    assert _names(_list(client, activity="30")) == [a.name]
    assert _names(_list(client, activity="stale30")) == [b.name]
    assert _names(_list(client, q="b")) == [b.name]


@pytest.mark.parametrize(
    "params",
    [{"state": "ZZ"}, {"stage": "nonsense"}, {"lead": "abc"}, {"lead": "999999"}, {"activity": "x"}, {"page": "x"}],
)
def test_bad_filter_values_give_an_empty_list_not_an_error(client, staff, campaign, params):
    client.force_login(staff)
    response = _list(client, **params)
    assert response.status_code == 200
    if "page" not in params:
        assert _names(response) == []


def test_list_sorts(client, staff):
    for name in ("Bravo", "Alpha", "Charlie"):
        f.CampaignFactory(name=name)
    client.force_login(staff)
    assert _names(_list(client, sort="name")) == ["Alpha", "Bravo", "Charlie"]
    assert _names(_list(client, sort="-name")) == ["Charlie", "Bravo", "Alpha"]
    assert _list(client, sort="drop table").status_code == 200


def test_list_paginates(client, staff):
    f.CampaignFactory.create_batch(30)
    client.force_login(staff)
    first = _list(client)
    assert len(first.context["page"].object_list) == 25
    assert len(_list(client, page=2).context["page"].object_list) == 5


def _campaigns_with_activity(n, organizer):
    for _ in range(n):
        campaign = f.CampaignFactory(lead=f.UserFactory())
        f.MembershipFactory(campaign=campaign, user=organizer)
        f.DeadlineFactory(campaign=campaign, due_date=timezone.localdate() - timedelta(days=1))
        f.DeadlineFactory(campaign=campaign)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["organizer", "staff"])
def test_list_query_count_is_constant(client, request, organizer, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("campaigns:list") + "?sort=next"
    _campaigns_with_activity(2, organizer)
    small = _count_queries(client, url)
    _campaigns_with_activity(48, organizer)
    large = _count_queries(client, url)
    assert small == large
    assert small <= 10


def test_list_query_count_at_2_and_50(client, staff, organizer, django_assert_num_queries):
    client.force_login(staff)
    _campaigns_with_activity(2, organizer)
    built = _count_queries(client, reverse("campaigns:list"))
    _campaigns_with_activity(48, organizer)
    with django_assert_num_queries(built):
        response = client.get(reverse("campaigns:list") + "?page=2")
    assert response.content.count(b"<tr data-campaign=") == 25


# --- the campaign page ---------------------------------------------------------------------------


def _fill_campaign(campaign, user, n):
    board = f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name=f"Board {n}")
    for i in range(n):
        target = services.target_add(
            campaign=campaign, user=user, official=f.OfficialFactory(agency=board, title=f"Supervisor {i}")
        )
        services.target_set_stance(target=target, user=user, stance=Stance.SUPPORTIVE)
        f.MeetingFactory(campaign=campaign)
        services.deadline_create(
            campaign=campaign, user=user, title=f"D{i}", due_date=timezone.localdate() + timedelta(days=i - 1)
        )
        f.RecordsRequestFactory(campaign=campaign)
        f.MembershipFactory(campaign=campaign)
    stages = [Stage.COALITION, Stage.ENGAGING, Stage.PROPOSAL]
    for stage in stages[: min(n, 3)]:
        services.campaign_change_stage(campaign=campaign, user=user, stage=stage)


@pytest.mark.parametrize("role", ["organizer", "staff"])
def test_detail_query_count_at_2_and_50(client, request, campaign, staff, role, django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    url = campaign.get_absolute_url()
    _fill_campaign(campaign, staff, 2)
    small = _count_queries(client, url)
    _fill_campaign(campaign, staff, 48)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["targets"]) == 50
    assert small <= 20


def test_detail_shows_whip_count(client, organizer, campaign):
    board = f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name="Board")
    for stance in (Stance.CHAMPION, Stance.SUPPORTIVE, Stance.OPPOSED, Stance.UNDECIDED, Stance.UNKNOWN):
        services.target_add(campaign=campaign, user=organizer, official=f.OfficialFactory(agency=board), stance=stance)
    client.force_login(organizer)
    whip = client.get(campaign.get_absolute_url()).context["whip"]
    assert (whip.seats, whip.needed, whip.yes, whip.no, whip.undecided, whip.short) == (5, 3, 2, 1, 2, 1)


def test_detail_puts_overdue_deadlines_first(client, organizer, campaign):
    today = timezone.localdate()
    services.deadline_create(campaign=campaign, user=organizer, title="Later", due_date=today + timedelta(days=9))
    services.deadline_create(campaign=campaign, user=organizer, title="Late", due_date=today - timedelta(days=2))
    client.force_login(organizer)
    response = client.get(campaign.get_absolute_url())
    assert [d.title for d in response.context["deadlines"]] == ["Late", "Later"]
    assert response.context["overdue_count"] == 1


def test_timeline_is_newest_first_and_filters_by_kind(client, organizer, staff, campaign):
    services.campaign_change_stage(campaign=campaign, user=staff, stage=Stage.COALITION)
    deadline = services.deadline_create(campaign=campaign, user=organizer, title="Call", due_date=date(2030, 1, 1))
    services.deadline_complete(deadline=deadline, user=organizer)
    client.force_login(organizer)
    timeline = client.get(campaign.get_absolute_url()).context["timeline"]
    whens = [item.when for item in timeline]
    assert whens == sorted(whens, reverse=True)
    assert {item.kind for item in timeline} == {"stage", "deadline"}
    only_stages = client.get(campaign.get_absolute_url(), {"kind": "stage"}).context["timeline"]
    assert {item.kind for item in only_stages} == {"stage"}
    assert client.get(campaign.get_absolute_url(), {"kind": "bogus", "tpage": "x"}).status_code == 200
