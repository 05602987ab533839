"""The REST API: who may see and do what, writes through the services, error bodies, query counts."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api import services as api_services
from campaigns import services
from campaigns.models import (
    Answer,
    Assignment,
    Deadline,
    Meeting,
    Membership,
    RecordsRequest,
    Stage,
    StageChange,
    Stance,
)
from core import roles
from jurisdictions.models import Agency, PolicyRecord, PolicyValue
from resources.models import Kind
from tests import factories


def build_world():
    """Two campaigns in one county with everything the API shows, made through the services."""
    organizer = factories.UserFactory(role=roles.ORGANIZER, username="organizer")
    other_organizer = factories.UserFactory(role=roles.ORGANIZER, username="other-organizer")
    staff = factories.UserFactory(role=roles.STAFF, username="staff")
    admin = factories.UserFactory(role=roles.ADMIN, username="admin-user")
    state = factories.StateFactory(postal="QC", name="Campaign State", fips="59")
    factories.StateRecordsLawFactory(state=state)
    county = factories.JurisdictionFactory(state=state, name="Alder County", fips="59001")
    sheriff_office = factories.AgencyFactory(jurisdiction=county, name="Alder County Sheriff's Office")
    board = factories.AgencyFactory(jurisdiction=county, kind=Agency.Kind.BOARD, name="Alder County Board")
    sheriff = factories.OfficialFactory(agency=sheriff_office, name="Pat Sheriff", title="Sheriff")
    supervisors = [
        factories.OfficialFactory(agency=board, name=f"Supervisor {n}", title="Supervisor", district=str(n))
        for n in range(1, 4)
    ]
    factories.AgreementFactory(agency=sheriff_office)

    campaign = services.campaign_create(
        user=staff,
        name="End holds in Alder",
        jurisdiction=county,
        goal="end_holds",
        lead=staff,
        board_seats=5,
        organizers=[organizer],
    )
    other = services.campaign_create(
        user=staff, name="Other campaign", jurisdiction=county, goal="end_287g", organizers=[other_organizer]
    )
    target = services.target_add(campaign=campaign, user=staff, official=sheriff)
    for supervisor in supervisors:
        services.target_add(campaign=campaign, user=staff, official=supervisor, stance=Stance.UNDECIDED)
    question_set = factories.QuestionSetFactory()
    questions = [factories.QuestionFactory(question_set=question_set) for _ in range(3)]
    meeting = services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=timezone.now() - datetime.timedelta(days=2),
        targets=[target],
        question_set=question_set,
        answers=[{"question": q, "text": "No.", "assessment": "evasive"} for q in questions],
        summary="Met the sheriff.",
        confidential_notes="Source inside the jail.",
        follow_ups=[{"title": "Send the letter", "due_date": timezone.localdate() + datetime.timedelta(days=5)}],
    )
    services.deadline_create(
        campaign=campaign,
        user=staff,
        title="Board vote",
        kind=Deadline.Kind.BOARD_VOTE,
        due_date=timezone.localdate() + datetime.timedelta(days=20),
        due_time=datetime.time(14, 30),
        time_zone="America/Chicago",
        owner=organizer,
    )
    (records_request,) = services.records_request_create(
        campaign=campaign,
        user=organizer,
        agencies=[sheriff_office],
        subject="Detainers",
        records_sought="All I-247A forms.",
        sent_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    other_deadline = services.deadline_create(
        campaign=other, user=staff, title="Other deadline", due_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    resource = factories.ResourceFactory(kind=Kind.FACT_SHEET)
    from campaigns.services.assignments import assignment_create

    (assignment,), _ = assignment_create(resource=resource, campaigns=[campaign], user=staff, note="Read it first.")
    sample_letter = factories.ResourceFactory(
        kind=Kind.SAMPLE_LETTER,
        title="Ask the sheriff to stop honoring holds",
        template_body="Dear {{ title }} {{ official }},\n\nWe ask {{ jurisdiction }} to stop.\n\n{{ sender }}",
    )
    letter = services.letter_create(
        campaign=campaign, user=organizer, template=sample_letter, recipients=[target], sender="Alder Coalition"
    )
    return SimpleNamespace(**locals())


@pytest.fixture
def world(db):
    return build_world()


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(path):
    return f"/api/{path}"


# --- authentication ------------------------------------------------------------------------------


def test_anonymous_gets_401_with_the_error_body(world):
    response = client_for().get(url("campaigns/"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"detail", "errors"}


def test_bearer_token_signs_in_and_revoked_token_is_refused(world):
    token, secret = api_services.api_token_create(user=world.organizer, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(url("campaigns/")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    api_services.api_token_revoke(user=world.organizer, token_id=token.pk)
    response = client.get(url("campaigns/"))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_token_of_a_deactivated_user_is_refused(world):
    _, secret = api_services.api_token_create(user=world.organizer, name="script")
    world.organizer.is_active = False
    world.organizer.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(url("campaigns/")).status_code == 401


def test_only_a_hash_of_the_token_is_stored(world):
    token, secret = api_services.api_token_create(user=world.organizer, name="script")
    assert secret not in {token.key_hash, token.prefix}
    assert secret.startswith(token.prefix)


def test_session_write_needs_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.staff)
    response = client.post(url(f"campaigns/{world.campaign.pk}/deadlines/"), {"title": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- who may see and do what ---------------------------------------------------------------------

ROLES = ["anonymous", "organizer", "other_organizer", "staff", "admin"]


def client_as(world, role):
    return client_for(None if role == "anonymous" else getattr(world, role))


def campaign_read_paths(world):
    c = world.campaign.pk
    return [
        f"campaigns/{c}/",
        f"campaigns/{c}/team/",
        f"campaigns/{c}/targets/",
        f"campaigns/{c}/targets/{world.target.pk}/",
        f"campaigns/{c}/meetings/",
        f"campaigns/{c}/meetings/{world.meeting.pk}/",
        f"campaigns/{c}/records-requests/",
        f"campaigns/{c}/records-requests/{world.records_request.pk}/",
        f"campaigns/{c}/deadlines/",
        f"campaigns/{c}/deadlines/{world.meeting.follow_ups.first().pk}/",
        f"campaigns/{c}/assignments/",
        f"assignments/{world.assignment.pk}/",
        f"campaigns/{c}/letters/",
        f"campaigns/{c}/letters/{world.letter.pk}/",
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("organizer", 200), ("other_organizer", 404), ("staff", 200), ("admin", 200)],
)
def test_reading_a_campaign_and_its_parts(world, role, expected):
    client = client_as(world, role)
    for path in campaign_read_paths(world):
        response = client.get(url(path))
        assert response.status_code == expected, path
        assert response["Content-Type"] == "application/json"


def _write_requests(world):
    """(method, path, body, what an organizer on the campaign gets, what staff get) for each kind of write."""
    c = world.campaign.pk
    deadline = world.meeting.follow_ups.first().pk
    today = timezone.localdate()
    return [
        ("patch", f"campaigns/{c}/", {"summary": "New summary."}, 403, 200),
        ("post", f"campaigns/{c}/stage/", {"stage": "coalition"}, 403, 200),
        ("post", f"campaigns/{c}/team/", {"user": world.other_organizer.pk}, 403, 201),
        ("post", f"campaigns/{c}/targets/", {"agency": world.board.pk}, 201, 201),
        ("post", f"campaigns/{c}/targets/{world.target.pk}/stance/", {"stance": "opposed"}, 200, 200),
        ("post", f"campaigns/{c}/deadlines/", {"title": "Call back", "due_date": str(today)}, 201, 201),
        ("patch", f"campaigns/{c}/deadlines/{deadline}/", {"title": "Send the letter today"}, 200, 200),
        ("post", f"campaigns/{c}/deadlines/{deadline}/done/", None, 200, 200),
        (
            "post",
            f"campaigns/{c}/records-requests/{world.records_request.pk}/status/",
            {"status": "acknowledged"},
            200,
            200,
        ),
        ("post", f"assignments/{world.assignment.pk}/withdraw/", {"reason": "Out of date."}, 403, 200),
        (
            "post",
            f"campaigns/{c}/letters/",
            {"template": world.sample_letter.pk, "recipients": [world.target.pk], "sender": "Coalition"},
            201,
            201,
        ),
        (
            "post",
            f"campaigns/{c}/letters/{world.letter.pk}/status/",
            {"status": "sent", "sent_on": str(today)},
            200,
            200,
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_writing_to_a_campaign(world, role):
    client = client_as(world, role)
    for method, path, body, organizer_gets, staff_gets in _write_requests(world):
        response = getattr(client, method)(url(path), body, format="json")
        expected = {
            "anonymous": 401,
            "organizer": organizer_gets,
            "other_organizer": 404,
            "staff": staff_gets,
            "admin": staff_gets,
        }[role]
        assert response.status_code == expected, (path, response.json())


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("organizer", 403), ("other_organizer", 403), ("staff", 201), ("admin", 201)],
)
def test_only_staff_create_campaigns(world, role, expected):
    body = {"name": "New", "jurisdiction": world.county.pk, "goal": "end_287g", "organizers": [world.organizer.pk]}
    response = client_as(world, role).post(url("campaigns/"), body, format="json")
    assert response.status_code == expected


def test_campaign_list_shows_each_user_their_campaigns(world):
    def names(user):
        return {row["name"] for row in client_for(user).get(url("campaigns/")).json()["results"]}

    assert names(world.organizer) == {"End holds in Alder"}
    assert names(world.other_organizer) == {"Other campaign"}
    assert names(world.staff) == names(world.admin) == {"End holds in Alder", "Other campaign"}


def test_flat_deadline_list_shows_only_visible_campaigns(world):
    titles = {row["title"] for row in client_for(world.organizer).get(url("deadlines/")).json()["results"]}
    assert "Other deadline" not in titles
    assert {"Send the letter", "Board vote"} <= titles
    mine = client_for(world.organizer).get(url("deadlines/?mine=true")).json()["results"]
    assert {row["title"] for row in mine} == {"Board vote", "Records response due: Alder County Sheriff's Office"}


def test_confidential_notes_only_for_lead_staff_and_the_author(world):
    path = url(f"campaigns/{world.campaign.pk}/meetings/{world.meeting.pk}/")
    teammate = factories.UserFactory(role=roles.ORGANIZER, username="teammate")
    services.membership_add(campaign=world.campaign, user=world.staff, member=teammate)
    assert client_for(teammate).get(path).json()["confidential_notes"] is None
    listed = client_for(teammate).get(url(f"campaigns/{world.campaign.pk}/meetings/")).json()["results"]
    assert [row["confidential_notes"] for row in listed] == [None]
    assert client_for(world.organizer).get(path).json()["confidential_notes"] == "Source inside the jail."
    assert client_for(world.staff).get(path).json()["confidential_notes"] == "Source inside the jail."


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("organizer", 200), ("staff", 200)])
def test_jurisdictions_need_sign_in_unless_the_map_is_public(world, role, expected, settings):
    settings.PUBLIC_MAP = False
    assert client_as(world, role).get(url("jurisdictions/")).status_code == expected
    assert client_as(world, role).get(url(f"jurisdictions/{world.county.pk}/")).status_code == expected


def test_jurisdictions_are_public_with_the_public_map(world, settings):
    settings.PUBLIC_MAP = True
    client = client_for()
    assert client.get(url(f"jurisdictions/{world.county.pk}/")).status_code == 200
    records = client.get(url(f"jurisdictions/{world.county.pk}/policy-records/")).json()["results"]
    assert all(record["entered_by"] is None for record in records)
    assert client.post(url(f"jurisdictions/{world.county.pk}/policy-records/"), {}, format="json").status_code == 401


@pytest.mark.parametrize(("role", "expected"), [("organizer", 403), ("staff", 201), ("admin", 201)])
def test_only_staff_record_policy(world, role, expected):
    body = {
        "dimension": "holds",
        "value": "honors_none",
        "effective_date": str(timezone.localdate()),
        "source_url": "https://example.org/policy.pdf",
    }
    response = client_as(world, role).post(url(f"jurisdictions/{world.county.pk}/policy-records/"), body, format="json")
    assert response.status_code == expected
    if expected == 201:
        world.county.refresh_from_db()
        assert world.county.current_holds == PolicyValue.HONORS_NONE
        assert PolicyRecord.objects.get(pk=response.json()["id"]).entered_by == getattr(world, role)


def test_anonymous_visitors_see_public_resources_only(world):
    private = world.resource
    public = factories.ResourceFactory(is_public=True, title="Know your rights")
    client = client_for()
    titles = {row["title"] for row in client.get(url("resources/")).json()["results"]}
    assert titles == {"Know your rights"}
    assert client.get(url(f"resources/{public.pk}/")).status_code == 200
    assert client.get(url(f"resources/{private.pk}/")).status_code == 403


@pytest.mark.parametrize(("role", "expected"), [("organizer", 403), ("staff", 201)])
def test_only_staff_add_resources(world, role, expected):
    body = {"title": "New fact sheet", "kind": "fact_sheet", "published_on": "2025-05-01", "url": "https://e.org/x"}
    assert client_as(world, role).post(url("resources/"), body, format="json").status_code == expected


def test_assignments_through_the_api(world):
    other_resource = factories.ResourceFactory()
    body = {"resource": other_resource.pk, "campaigns": [world.campaign.pk, world.other.pk], "note": "Useful."}
    assert client_for(world.organizer).post(url("assignments/"), body, format="json").status_code == 403
    response = client_for(world.staff).post(url("assignments/"), body, format="json")
    assert response.status_code == 201
    assert len(response.json()["created"]) == 2
    again = client_for(world.staff).post(url("assignments/"), body, format="json").json()
    assert again["created"] == [] and sorted(again["already_assigned"]) == sorted([world.campaign.pk, world.other.pk])
    listed = client_for(world.organizer).get(url(f"campaigns/{world.campaign.pk}/assignments/")).json()["results"]
    assert {row["resource"]["id"] for row in listed} == {world.resource.pk, other_resource.pk}
    assert Assignment.objects.filter(resource=other_resource).count() == 2


# --- writes go through the services --------------------------------------------------------------


def test_logging_a_meeting_makes_answers_follow_ups_and_stance_changes(world):
    questions = list(world.question_set.questions.order_by("order"))
    supervisor_target = world.campaign.targets.get(official=world.supervisors[0])
    body = {
        "held_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "kind": "meeting",
        "targets": [world.target.pk, supervisor_target.pk],
        "question_set": world.question_set.pk,
        "answers": [
            {"question": questions[0].pk, "text": "We honor every detainer.", "assessment": "unsatisfactory"},
            {"question": questions[1].pk, "text": "", "assessment": "not_asked"},
        ],
        "summary": "Second meeting with the sheriff.",
        "follow_ups": [
            {"title": "Send the records request", "due_date": str(timezone.localdate() + datetime.timedelta(days=7))}
        ],
        "stance_updates": [{"target": supervisor_target.pk, "stance": "supportive"}],
    }
    response = client_for(world.organizer).post(url(f"campaigns/{world.campaign.pk}/meetings/"), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    meeting = Meeting.objects.get(pk=data["id"])
    assert meeting.status == Meeting.Status.LOGGED and meeting.logged_by == world.organizer
    assert [a.question_text for a in meeting.answers.order_by("order")] == [questions[0].text, questions[1].text]
    (follow_up,) = meeting.follow_ups.all()
    assert follow_up.title == "Send the records request" and follow_up.kind == Deadline.Kind.FOLLOW_UP
    assert data["follow_ups"] == [follow_up.pk]
    supervisor_target.refresh_from_db()
    assert supervisor_target.stance == Stance.SUPPORTIVE
    assert supervisor_target.stance_changes.get(meeting=meeting).to_stance == Stance.SUPPORTIVE
    assert len(data["answers"]) == 2


def test_a_draft_keeps_its_follow_ups_aside_until_logged(world):
    path = url(f"campaigns/{world.campaign.pk}/meetings/")
    body = {
        "held_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
        "draft": True,
        "follow_ups": [{"title": "Thank-you note", "due_date": str(timezone.localdate() + datetime.timedelta(days=4))}],
    }
    response = client_for(world.organizer).post(path, body, format="json")
    assert response.status_code == 201
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.status == Meeting.Status.DRAFT and not meeting.follow_ups.exists()
    detail = url(f"campaigns/{world.campaign.pk}/meetings/{meeting.pk}/")
    assert client_for(world.organizer).delete(detail).status_code == 204
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_records_request_gets_its_due_date_deadline(world):
    body = {
        "agencies": [world.sheriff_office.pk, world.board.pk],
        "subject": "Jail access",
        "records_sought": "ICE visits to the jail since 2024.",
        "sent_on": str(timezone.localdate() - datetime.timedelta(days=1)),
    }
    response = client_for(world.organizer).post(
        url(f"campaigns/{world.campaign.pk}/records-requests/"), body, format="json"
    )
    assert response.status_code == 201, response.json()
    rows = response.json()["records_requests"]
    assert len(rows) == 2 and rows[0]["batch"] == rows[1]["batch"]
    for row in rows:
        request = RecordsRequest.objects.get(pk=row["id"])
        assert request.due_date is not None
        assert request.deadlines.get().due_date == request.due_date


def test_stage_change_with_outcome_adds_the_policy_record(world):
    body = {
        "stage": "won",
        "outcome": "The board voted 4-1 to stop honoring holds.",
        "policy_record": {
            "dimension": "holds",
            "value": "honors_none",
            "effective_date": str(timezone.localdate()),
            "source_url": "https://example.org/minutes.pdf",
        },
    }
    response = client_for(world.staff).post(url(f"campaigns/{world.campaign.pk}/stage/"), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == Stage.WON
    assert StageChange.objects.filter(campaign=world.campaign, to_stage=Stage.WON, changed_by=world.staff).exists()
    world.county.refresh_from_db()
    assert world.county.current_holds == PolicyValue.HONORS_NONE


def test_deadline_time_is_kept_in_the_zone_given(world):
    body = {"title": "Hearing", "kind": "hearing", "due_date": "2030-03-01", "due_time": "18:00"}
    response = client_for(world.organizer).post(url(f"campaigns/{world.campaign.pk}/deadlines/"), body, format="json")
    assert response.status_code == 201
    assert response.json()["time_zone"] == "America/Los_Angeles"  # no notification settings: the site's zone
    body["time_zone"] = "America/New_York"
    response = client_for(world.organizer).post(url(f"campaigns/{world.campaign.pk}/deadlines/"), body, format="json")
    assert response.json()["time_zone"] == "America/New_York"


# --- bad input: 400 with field errors, never a 500, nothing saved ---------------------------------


def test_bad_meeting_gets_field_errors_and_saves_nothing(world):
    before = Meeting.objects.count(), Answer.objects.count(), Deadline.objects.count()
    body = {
        "held_at": "not a date",
        "targets": [world.other.pk * 1000],
        "answers": [{"question": 999999, "assessment": "brilliant"}],
        "follow_ups": [{"title": "", "due_date": "1999-01-01"}],
    }
    response = client_for(world.organizer).post(url(f"campaigns/{world.campaign.pk}/meetings/"), body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"detail", "errors"}
    assert {"held_at", "answers", "follow_ups"} <= set(data["errors"])
    assert (Meeting.objects.count(), Answer.objects.count(), Deadline.objects.count()) == before


def test_ids_from_another_campaign_are_refused(world):
    other_target = factories.TargetFactory(campaign=world.other)
    body = {
        "held_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "summary": "x",
        "targets": [other_target.pk],
    }
    response = client_for(world.staff).post(url(f"campaigns/{world.campaign.pk}/meetings/"), body, format="json")
    assert response.status_code == 400
    assert "targets" in response.json()["errors"]
    deadline_body = {"title": "x", "due_date": "2030-01-01", "owner": world.other_organizer.pk}
    response = client_for(world.staff).post(
        url(f"campaigns/{world.campaign.pk}/deadlines/"), deadline_body, format="json"
    )
    assert response.status_code == 400 and "owner" in response.json()["errors"]


def test_a_logged_meeting_in_the_future_is_refused(world):
    body = {"held_at": (timezone.now() + datetime.timedelta(days=2)).isoformat(), "summary": "Will meet."}
    response = client_for(world.organizer).post(url(f"campaigns/{world.campaign.pk}/meetings/"), body, format="json")
    assert response.status_code == 400
    assert "held_at" in response.json()["errors"]


def test_service_errors_become_400_with_the_field_named(world):
    # The lead cannot be taken off the team: the service says so.
    lead_membership = Membership.objects.get(campaign=world.campaign, user=world.staff)
    response = client_for(world.staff).delete(url(f"campaigns/{world.campaign.pk}/team/{lead_membership.pk}/"))
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    response = client_for(world.staff).post(
        url(f"campaigns/{world.campaign.pk}/stage/"), {"stage": "lost"}, format="json"
    )
    assert response.status_code == 400 and "outcome" in response.json()["errors"]


@pytest.mark.parametrize(
    "query",
    ["stage=nowhere", "state=ZZ", "overdue=maybe", "lead=abc", "sort=sideways", "activity=12"],
)
def test_bad_filters_get_400(world, query):
    response = client_for(world.staff).get(url(f"campaigns/?{query}"))
    assert response.status_code == 400
    assert response.json()["errors"]


def test_bad_json_gets_400_and_unknown_paths_404_in_the_error_shape(world):
    client = client_for(world.staff)
    response = client.generic(
        "POST", url(f"campaigns/{world.campaign.pk}/deadlines/"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and set(response.json()) == {"detail", "errors"}
    response = client.get(url("nothing-here/"))
    assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
    assert client.get(url("campaigns/?page=99")).status_code == 404


def test_page_size_is_capped(world):
    for n in range(3):
        services.deadline_create(
            campaign=world.campaign, user=world.staff, title=f"D{n}", due_date=timezone.localdate()
        )
    data = client_for(world.staff).get(url("deadlines/?page_size=2")).json()
    assert len(data["results"]) == 2 and data["next"]
    data = client_for(world.staff).get(url("deadlines/?page_size=100000")).json()
    assert len(data["results"]) == data["count"] <= 100


def test_letter_drafted_from_a_sample_is_merged_and_unknown_fields_are_refused(world):
    client = client_for(world.organizer)
    base = url(f"campaigns/{world.campaign.pk}/letters/")
    body = {"template": world.sample_letter.pk, "recipients": [world.target.pk], "sender": "Alder Coalition"}
    response = client.post(base, body, format="json")
    assert response.status_code == 201, response.json()
    letter = response.json()
    assert "{{ official }}" in letter["body"]
    assert "Pat Sheriff" in letter["text"] and "Alder County" in letter["text"]
    edit = {
        "recipients": [world.target.pk],
        "sender": "Alder Coalition",
        "letter_date": str(timezone.localdate()),
        "subject": "Holds",
        "body": "Dear {{ offical }},",
    }
    response = client.put(f"{base}{letter['id']}/", edit, format="json")
    assert response.status_code == 400 and "body" in response.json()["errors"]
    status = {"status": "sent", "sent_on": str(timezone.localdate()), "expect_answer_by": "2030-01-15"}
    response = client.post(f"{base}{letter['id']}/status/", status, format="json")
    assert response.status_code == 200 and response.json()["status"] == "sent"
    assert Deadline.objects.filter(letter_id=letter["id"], due_date=datetime.date(2030, 1, 15)).exists()


def test_a_letter_to_another_campaigns_target_is_refused(world):
    other_target = factories.TargetFactory(campaign=world.other)
    body = {"template": world.sample_letter.pk, "recipients": [other_target.pk], "sender": "x"}
    response = client_for(world.staff).post(url(f"campaigns/{world.campaign.pk}/letters/"), body, format="json")
    assert response.status_code == 400 and "recipients" in response.json()["errors"]


def test_odd_paths_under_api_get_the_json_404(world):
    client = client_for(world.staff)
    for path in ["campaigns/abc/", "campaigns/1/letters/%0A/", "nothing/%C3%97%40/"]:
        response = client.get(url(path))
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
