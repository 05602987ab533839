"""Campaign list, page, staff forms, targets and deadlines: who may use them, what they show, bad input."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Deadline, Goal, Membership, Stage, Stance, StanceChange, Target
from jurisdictions.models import Agency, Dimension, PolicyRecord, PolicyValue
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(organizer, staff):
    jurisdiction = f.JurisdictionFactory(name="Alpha County")
    campaign = services.campaign_create(
        user=staff,
        name="End holds in Alpha County",
        jurisdiction=jurisdiction,
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
        board_seats=5,
    )
    return campaign


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


@pytest.fixture
def deadline(campaign, organizer):
    return services.deadline_create(campaign=campaign, user=organizer, title="Call", due_date=date(2030, 1, 1))


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


# --- staff forms ---------------------------------------------------------------------------------


# An id beyond 64 bits is "no such row" on PostgreSQL; SQLite cannot even bind it (OverflowError in the lookup).
beyond_64_bits = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite cannot bind an integer beyond 64 bits",
)


def _new_campaign_data(place, **overrides):
    data = {
        "name": "End 287(g) in Beta County",
        "state": place.state.postal,
        "jurisdiction": place.pk,
        "goal": Goal.END_287G,
        "goal_detail": "",
        "lead": "",
        "summary": "",
        "started_on": "2026-11-01",
        "board_seats": "",
    }
    data.update(overrides)
    return data


def test_staff_creates_campaign_with_team(client, staff, organizer):
    jurisdiction = f.JurisdictionFactory()
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:new"), _new_campaign_data(jurisdiction, lead=staff.pk, organizers=[organizer.pk])
    )
    campaign = Campaign.objects.get()
    assert response.url == campaign.get_absolute_url()
    assert set(campaign.memberships.values_list("user__username", flat=True)) == {"staff", "organizer"}


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"goal": ""},
        {"goal": Goal.OTHER},
        {"started_on": "2026-02-30"},
        {"jurisdiction": "999999"},
        {"jurisdiction": "abc"},
        pytest.param({"jurisdiction": "99999999999999999999999"}, marks=beyond_64_bits),
        {"board_seats": "0"},
        {"lead": "organizer"},
        pytest.param({"lead": "99999999999999999999999"}, marks=beyond_64_bits),
        {"organizers": ["999999"]},
        {"organizers": ["x"]},
        pytest.param({"organizers": ["99999999999999999999999"]}, marks=beyond_64_bits),
        {"state": "ZZ"},
    ],
)
def test_new_campaign_bad_input_is_a_form_error(client, staff, organizer, bad):
    jurisdiction = f.JurisdictionFactory()
    if bad.get("lead") == "organizer":
        bad = {"lead": organizer.pk}  # an organizer's id where a staff member is expected
    client.force_login(staff)
    response = client.post(reverse("campaigns:new"), _new_campaign_data(jurisdiction, **bad))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Campaign.objects.exists()


def test_new_campaign_with_county_of_another_state_is_refused(client, staff):
    here, there = f.JurisdictionFactory(), f.JurisdictionFactory()
    client.force_login(staff)
    response = client.post(reverse("campaigns:new"), _new_campaign_data(here, jurisdiction=there.pk))
    assert response.context["form"].errors["jurisdiction"]
    assert not Campaign.objects.exists()


def test_edit_campaign_keeps_typed_input_on_error(client, staff, campaign):
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {"name": "New name", "goal": Goal.OTHER, "goal_detail": "", "started_on": "2026-11-01", "summary": "Typed"},
    )
    assert response.status_code == 200
    assert b"Typed" in response.content
    campaign.refresh_from_db()
    assert campaign.name == "End holds in Alpha County"


def test_edit_campaign_end_before_start_is_a_form_error(client, staff, campaign):
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {"name": "X", "goal": Goal.END_HOLDS, "started_on": "2026-11-01", "ended_on": "2026-01-01"},
    )
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.name == "End holds in Alpha County"


def test_stage_change_form(client, staff, campaign):
    client.force_login(staff)
    url = reverse("campaigns:stage", args=[campaign.pk])
    response = client.post(url, {"stage": Stage.COALITION, "note": "Coalition formed"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.stage == Stage.COALITION


def test_win_without_outcome_is_a_form_error(client, staff, campaign):
    client.force_login(staff)
    response = client.post(reverse("campaigns:stage", args=[campaign.pk]), {"stage": Stage.WON, "outcome": ""})
    assert response.context["form"].errors["outcome"]
    campaign.refresh_from_db()
    assert campaign.stage == Stage.RESEARCH


def test_win_adds_the_policy_record(client, staff, campaign):
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:stage", args=[campaign.pk]),
        {
            "stage": Stage.WON,
            "outcome": "Sheriff ended holds.",
            "add_policy_record": "on",
            "policy_dimension": Dimension.HOLDS,
            "policy_value": PolicyValue.HONORS_NONE,
            "policy_effective_date": "2026-11-01",
        },
    )
    assert response.status_code == 302
    assert PolicyRecord.objects.get(jurisdiction=campaign.jurisdiction).value == PolicyValue.HONORS_NONE


@pytest.mark.parametrize(
    "bad",
    [
        {"stage": "bogus"},
        {"stage": Stage.RESEARCH},
        {"policy_value": PolicyValue.YES},
        {"policy_effective_date": "2026-13-01"},
        {"policy_dimension": ""},
    ],
)
def test_bad_stage_change_is_a_form_error_and_saves_nothing(client, staff, campaign, bad):
    data = {
        "stage": Stage.WON,
        "outcome": "Won",
        "add_policy_record": "on",
        "policy_dimension": Dimension.HOLDS,
        "policy_value": PolicyValue.HONORS_NONE,
        "policy_effective_date": "2026-11-01",
        **bad,
    }
    client.force_login(staff)
    response = client.post(reverse("campaigns:stage", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    campaign.refresh_from_db()
    assert campaign.stage == Stage.RESEARCH
    assert not PolicyRecord.objects.exists()


def test_team_add_and_remove(client, staff, campaign, other_organizer):
    client.force_login(staff)
    url = reverse("campaigns:team", args=[campaign.pk])
    client.post(url, {"user": other_organizer.pk, "role": Membership.Role.ORGANIZER})
    membership = Membership.objects.get(campaign=campaign, user=other_organizer)
    client.post(url, {"remove": membership.pk})
    assert not Membership.objects.filter(campaign=campaign, user=other_organizer).exists()


def test_team_bad_input(client, staff, campaign):
    client.force_login(staff)
    url = reverse("campaigns:team", args=[campaign.pk])
    assert client.post(url, {"user": "999999", "role": "organizer"}).context["form"].errors
    assert client.post(url, {"remove": "abc"}).status_code == 302
    other_membership = f.MembershipFactory()
    client.post(url, {"remove": other_membership.pk})
    assert Membership.objects.filter(pk=other_membership.pk).exists()
    lead = Membership.objects.get(campaign=campaign, user=staff)
    client.post(url, {"remove": lead.pk})
    assert Membership.objects.filter(pk=lead.pk).exists()


# --- targets and deadlines -----------------------------------------------------------------------


def test_organizer_adds_target_and_changes_stance(client, organizer, campaign):
    board = f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name="Board")
    official = f.OfficialFactory(agency=board)
    client.force_login(organizer)
    response = client.post(
        reverse("campaigns:target-new", args=[campaign.pk]), {"official": official.pk, "stance": Stance.UNDECIDED}
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert target.votes
    client.post(reverse("campaigns:target-stance", args=[campaign.pk, target.pk]), {"stance": Stance.CHAMPION})
    target.refresh_from_db()
    assert target.stance == Stance.CHAMPION
    assert StanceChange.objects.filter(target=target).count() == 2


@pytest.mark.parametrize("bad", ["elsewhere", "both", "neither", "garbage"])
def test_bad_target_is_a_form_error(client, organizer, campaign, bad):
    here = f.OfficialFactory(agency=f.AgencyFactory(jurisdiction=campaign.jurisdiction))
    data = {
        "elsewhere": {"official": f.OfficialFactory().pk},
        "both": {"official": here.pk, "agency": here.agency.pk},
        "neither": {},
        "garbage": {"official": "x"},
    }[bad]
    client.force_login(organizer)
    response = client.post(reverse("campaigns:target-new", args=[campaign.pk]), {"stance": "unknown", **data})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Target.objects.exists()


def test_stance_of_another_campaigns_target_is_404(client, organizer, campaign):
    stranger = f.TargetFactory()
    client.force_login(organizer)
    url = reverse("campaigns:target-stance", args=[campaign.pk, stranger.pk])
    assert client.post(url, {"stance": Stance.CHAMPION}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.stance == Stance.UNKNOWN


def test_bad_stance_changes_nothing(client, organizer, campaign):
    target = f.TargetFactory(campaign=campaign)
    client.force_login(organizer)
    client.post(reverse("campaigns:target-stance", args=[campaign.pk, target.pk]), {"stance": "bribed"})
    target.refresh_from_db()
    assert target.stance == Stance.UNKNOWN


def test_organizer_adds_deadline_with_time(client, organizer, campaign):
    client.force_login(organizer)
    response = client.post(
        reverse("campaigns:deadline-new", args=[campaign.pk]),
        {"title": "Board vote", "kind": "board_vote", "due_date": "2026-12-08", "due_time": "10:30"},
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get()
    assert (deadline.due_date, deadline.time_zone) == (date(2026, 12, 8), "America/Los_Angeles")


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"due_date": ""},
        {"due_date": "2026-02-30"},
        {"due_date": "1926-01-01"},
        {"due_time": "25:00"},
        {"kind": "records_due"},
        {"owner": "other"},
    ],
)
def test_bad_deadline_is_a_form_error(client, organizer, other_organizer, campaign, bad):
    if bad.get("owner") == "other":
        bad = {"owner": other_organizer.pk}
    data = {"title": "Vote", "kind": "board_vote", "due_date": "2026-12-08", **bad}
    client.force_login(organizer)
    response = client.post(reverse("campaigns:deadline-new", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Deadline.objects.exists()


def test_deadline_actions(client, organizer, campaign, deadline):
    client.force_login(organizer)
    client.post(reverse("campaigns:deadline-action", args=[campaign.pk, deadline.pk, "done"]))
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.DONE
    client.post(reverse("campaigns:deadline-action", args=[campaign.pk, deadline.pk, "reopen"]))
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OPEN
    assert (
        client.post(reverse("campaigns:deadline-action", args=[campaign.pk, deadline.pk, "explode"])).status_code == 404
    )
    assert client.get(reverse("campaigns:deadline-action", args=[campaign.pk, deadline.pk, "done"])).status_code == 405


def test_deadline_of_another_campaign_is_404(client, organizer, campaign):
    stranger = f.DeadlineFactory()
    client.force_login(organizer)
    url = reverse("campaigns:deadline-action", args=[campaign.pk, stranger.pk, "done"])
    assert client.post(url).status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == Deadline.Status.OPEN


def test_assigned_resources_show_on_the_page_and_in_the_timeline(client, organizer, staff, campaign):
    from campaigns.services.assignments import assignment_create

    resource = f.ResourceFactory(title="Detainer fact sheet")
    assignment_create(resource=resource, campaigns=[campaign], user=staff, note="Bring it to the sheriff meeting.")
    client.force_login(organizer)
    response = client.get(campaign.get_absolute_url())
    body = response.content.decode()
    assert "Detainer fact sheet" in body and "Bring it to the sheriff meeting." in body
    assert [item.kind for item in response.context["timeline"]].count("assignment") == 1
    only = client.get(campaign.get_absolute_url(), {"kind": "resources"}).context["timeline"]
    assert {item.kind for item in only} == {"assignment"}


def test_deadline_time_is_read_in_the_users_time_zone(client, organizer, campaign):
    from accounts.models import Profile

    Profile.objects.create(user=organizer, time_zone="America/New_York")
    client.force_login(organizer)
    client.post(
        reverse("campaigns:deadline-new", args=[campaign.pk]),
        {"title": "Hearing", "kind": "hearing", "due_date": "2026-12-08", "due_time": "18:00"},
    )
    assert Deadline.objects.get().time_zone == "America/New_York"


# --- a target's stance history, loaded when the reader opens it -----------------------------------


def test_stance_history_per_role(client, campaign, organizer, other_organizer, staff, admin):
    target = f.TargetFactory(campaign=campaign, name="Sheriff Dana Ortiz")
    services.target_set_stance(target=target, user=staff, stance="opposed", note="Refused to meet")
    url = reverse("campaigns:target-stances", args=[campaign.pk, target.pk])
    assert client.get(url).status_code == 302
    client.force_login(other_organizer)
    assert client.get(url).status_code == 404
    for user in (organizer, staff, admin):
        client.force_login(user)
        part = client.get(url, HTTP_HX_REQUEST="true")
        assert part.status_code == 200 and "Refused to meet" in part.content.decode()
        assert "<html" not in part.content.decode()
        page = client.get(url)
        assert "Refused to meet" in page.content.decode() and "<html" in page.content.decode()


def test_stance_history_of_another_campaigns_target_is_404(client, campaign, organizer):
    other = f.TargetFactory()
    client.force_login(organizer)
    assert client.get(reverse("campaigns:target-stances", args=[campaign.pk, other.pk])).status_code == 404


def test_stance_history_query_count_does_not_grow(client, campaign, staff):
    target = f.TargetFactory(campaign=campaign)
    url = reverse("campaigns:target-stances", args=[campaign.pk, target.pk])
    client.force_login(staff)

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(url, HTTP_HX_REQUEST="true")
        return len(queries)

    for stance in ("supportive", "opposed"):
        services.target_set_stance(target=target, user=staff, stance=stance)
    small = count()
    for stance in ("champion", "undecided") * 10:
        services.target_set_stance(target=target, user=staff, stance=stance)
    assert count() == small
