"""Staff forms of a campaign (details, stage, team), its targets and deadlines, and a target's stance history:
what they save and their bad input."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign, Deadline, Goal, Membership, Stage, Stance, StanceChange, Target
from jurisdictions.models import Agency, Dimension, PolicyRecord, PolicyValue
from tests import factories as f

pytestmark = pytest.mark.django_db


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
