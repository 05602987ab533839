"""The history of every change: who made it (web, API, admin, an import and its file), when, each field's old
and new value; the History panels, the campaign's history page, who sees what, and what importers keep."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns import services
from campaigns.models import Campaign, Deadline, Goal, Meeting
from core import roles
from core.history import change_source
from jurisdictions.models import Agreement287g, Dimension, PolicyRecord, StateLaw
from tests import factories as f
from tests.importer_fixtures import PARTICIPATING, STATE_LAWS, rows_of, run, write_rows

pytestmark = pytest.mark.django_db

SECRET_BEFORE = "The deputy who talks to us: J."
SECRET_AFTER = "The deputy who talks to us moved to nights."


def _latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


def _change(record, field):
    previous = record.prev_record
    delta = record.diff_against(previous)
    (change,) = [c for c in delta.changes if c.field == field]
    return change.old, change.new


# --- each change: who, when, from where, old and new values --------------------------------------------------


def test_a_web_edit_is_kept_with_its_author_source_and_old_and_new_values(client, staff, campaign):
    client.force_login(staff)
    before = timezone.now()
    response = client.post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {
            "name": "End holds in Alpha County now",
            "state": campaign.jurisdiction.state.postal,
            "jurisdiction": campaign.jurisdiction.pk,
            "goal": Goal.END_HOLDS,
            "goal_detail": "",
            "lead": staff.pk,
            "summary": "",
            "started_on": campaign.started_on.isoformat(),
            "board_seats": "5",
        },
    )
    assert response.status_code == 302, response.content
    record = _latest(Campaign, campaign.pk)
    assert record.history_user == staff
    assert record.history_change_reason == "web"
    assert record.history_date >= before
    assert _change(record, "name") == ("End holds in Alpha County", "End holds in Alpha County now")


def test_an_api_edit_is_kept_with_its_author_and_source(staff, campaign):
    client = APIClient()
    client.force_authenticate(staff)
    response = client.patch(f"/api/campaigns/{campaign.pk}/", {"summary": "New summary."}, format="json")
    assert response.status_code == 200, response.json()
    record = _latest(Campaign, campaign.pk)
    assert (record.history_user, record.history_change_reason) == (staff, "api")
    assert _change(record, "summary") == ("", "New summary.")


def test_an_admin_edit_is_kept_as_made_in_the_admin(client, admin, campaign):
    client.force_login(admin)
    deadline = services.deadline_create(campaign=campaign, user=admin, title="Call", due_date=datetime.date(2030, 1, 1))
    page = client.get(reverse("admin:campaigns_deadline_change", args=[deadline.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data.update(title="Call the sheriff", due_date="2030-01-02")
    response = client.post(reverse("admin:campaigns_deadline_change", args=[deadline.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = _latest(Deadline, deadline.pk)
    assert (record.history_user, record.history_change_reason) == (admin, "admin")
    assert _change(record, "title") == ("Call", "Call the sheriff")


def test_an_import_is_kept_as_made_by_the_command_and_its_file(tmp_path, counties_of):
    counties_of("TN")
    rows = [row for row in rows_of(PARTICIPATING) if row["state_postal"] == "TN"]
    run("import_287g", write_rows(tmp_path / "ice_287g_participating_2025-07-18.csv", rows))
    gone = [row for row in rows if row["agency"] == "Hamilton County Sheriff's Office"]
    newer = write_rows(tmp_path / "ice_287g_participating_2025-09-01.csv", [r for r in rows if r not in gone])

    run("import_287g", newer)

    closed = Agreement287g.objects.get(agency__name="Hamilton County Sheriff's Office")
    record = _latest(Agreement287g, closed.pk)
    assert record.history_user is None
    assert record.history_change_reason == "import_287g ice_287g_participating_2025-09-01.csv"
    assert _change(record, "status") == ("active", "ended")
    created = closed.history.earliest("history_date")
    assert created.history_change_reason == "import_287g ice_287g_participating_2025-07-18.csv"
    ended = PolicyRecord.objects.get(agreement=closed, value="none")
    assert ended.history.get().history_change_reason == "import_287g ice_287g_participating_2025-09-01.csv"


def test_a_287g_record_whose_agreement_loses_its_county_is_withdrawn_not_deleted(tmp_path, counties_of):
    counties_of("GA")
    rows = [row for row in rows_of(PARTICIPATING) if row["state_postal"] == "GA"]
    run("import_287g", write_rows(tmp_path / "ice_287g_participating_2025-07-18.csv", rows))
    moved = next(row for row in rows if row["agency_type"] == "Municipality" and row["county_fips"])
    agreement = Agreement287g.objects.get(agency__name=moved["agency"])
    record = PolicyRecord.objects.get(agreement=agreement, dimension=Dimension.G287)
    moved["county"] = moved["county_fips"] = ""

    out, _ = run("import_287g", write_rows(tmp_path / "ice_287g_participating_2025-07-19.csv", rows))

    agreement.refresh_from_db()
    assert agreement.jurisdiction_id is None
    assert "moved or withdrawn" in out
    assert not PolicyRecord.objects.filter(pk=record.pk).exists()
    kept = PolicyRecord.all_objects.get(pk=record.pk)
    assert (kept.withdrawn_on, kept.jurisdiction_id) == (datetime.date(2025, 7, 19), record.jurisdiction_id)
    latest = PolicyRecord.history.filter(id=record.pk).order_by("-history_id").first()
    assert latest.history_change_reason == "import_287g ice_287g_participating_2025-07-19.csv"
    assert (latest.prev_record.withdrawn_on, latest.withdrawn_on) == (None, datetime.date(2025, 7, 19))


def test_a_state_law_that_left_the_file_is_withdrawn_and_comes_back_when_listed_again(tmp_path, states):
    run("import_state_laws", STATE_LAWS)
    rows = rows_of(STATE_LAWS)
    texas = [row for row in rows if row["state"] == "TX"]
    for row in texas:
        row["effect"], row["common_name"] = "none", ""
    run("import_state_laws", write_rows(tmp_path / "laws.csv", rows))
    withdrawn = StateLaw.all_objects.filter(state__postal="TX")
    assert withdrawn.exists() and all(law.withdrawn_on for law in withdrawn)
    assert not StateLaw.objects.filter(state__postal="TX").exists()

    out, _ = run("import_state_laws", STATE_LAWS)
    assert StateLaw.objects.filter(state__postal="TX").count() == withdrawn.count()


def test_a_change_of_roles_is_kept_and_a_sign_in_is_not(client, organizer):
    count = organizer.history.count()
    client.force_login(organizer)
    assert organizer.history.count() == count
    with change_source("test"):
        organizer.groups.add(roles_group(roles.STAFF))
    record = organizer.history.order_by("-history_id").first()
    assert record.history_change_reason == "test"
    assert {row.group.name for row in record.groups.all()} == {roles.ORGANIZER, roles.STAFF}


def roles_group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


# --- the campaign's history page: who may see it, what it shows ---------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("organizer", 200), ("other_organizer", 404), ("staff", 200), ("admin", 200)],
)
def test_history_page_is_for_the_team_staff_and_admins(
    client, campaign, organizer, other_organizer, staff, admin, role, expected
):
    users = {"organizer": organizer, "other_organizer": other_organizer, "staff": staff, "admin": admin}
    if role in users:
        client.force_login(users[role])
    response = client.get(reverse("campaigns:history", args=[campaign.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "End holds in Alpha County" in response.content.decode()


def _meeting_with_a_changed_secret(campaign, author):
    meeting = services.meeting_log(
        campaign=campaign,
        user=author,
        held_at=timezone.now() - datetime.timedelta(days=1),
        summary="Met the sheriff.",
        confidential_notes=SECRET_BEFORE,
    )
    return services.meeting_log(
        campaign=campaign,
        user=author,
        meeting=meeting,
        held_at=meeting.held_at,
        summary="Met the sheriff and the undersheriff.",
        confidential_notes=SECRET_AFTER,
    )


@pytest.mark.parametrize(("reader", "sees"), [("organizer", False), ("author", True), ("staff", True), ("admin", True)])
def test_confidential_notes_in_history_only_for_who_may_read_the_note(
    client, campaign, organizer, staff, admin, reader, sees
):
    author = f.UserFactory(role=roles.ORGANIZER, username="author")
    services.membership_add(campaign=campaign, user=staff, member=author)
    meeting = _meeting_with_a_changed_secret(campaign, author)
    client.force_login({"organizer": organizer, "author": author, "staff": staff, "admin": admin}[reader])
    for path in (
        reverse("campaigns:history", args=[campaign.pk]),
        reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk]),
    ):
        page = client.get(path).content.decode()
        assert "Met the sheriff and the undersheriff." in page
        assert (SECRET_BEFORE in page) is sees
        assert (SECRET_AFTER in page) is sees
        assert ("changed (confidential)" in page) is not sees


def test_api_and_exports_never_carry_a_confidential_value_from_history(client, campaign, staff):
    meeting = _meeting_with_a_changed_secret(campaign, staff)
    api = APIClient()
    api.force_authenticate(staff)
    for path in (f"/api/campaigns/{campaign.pk}/meetings/", f"/api/campaigns/{campaign.pk}/meetings/{meeting.pk}/"):
        response = api.get(path)
        assert response.status_code == 200
        assert SECRET_BEFORE not in response.content.decode()
    client.force_login(staff)
    for name in ("meetings", "campaigns", "deadlines"):
        body = b"".join(client.get(reverse("export", args=[name, "csv"])).streaming_content).decode()
        assert SECRET_BEFORE not in body and SECRET_AFTER not in body


def test_history_page_filters_by_kind_and_person(client, campaign, organizer, staff):
    api = APIClient()
    api.force_authenticate(organizer)
    response = api.post(
        f"/api/campaigns/{campaign.pk}/deadlines/", {"title": "Call the board", "due_date": "2030-01-01"}, format="json"
    )
    assert response.status_code == 201
    services.target_add(campaign=campaign, user=staff, agency=f.AgencyFactory(jurisdiction=campaign.jurisdiction))
    client.force_login(staff)
    url = reverse("campaigns:history", args=[campaign.pk])

    deadlines = client.get(url, {"kind": "deadline"})
    assert [entry.kind for entry in deadlines.context["entries"]] == ["deadline"]
    by_organizer = client.get(url, {"person": organizer.pk})
    assert {entry.user for entry in by_organizer.context["entries"]} == {organizer}
    everything = client.get(url)
    assert {"campaign", "membership", "deadline", "target"} <= {e.kind for e in everything.context["entries"]}
    assert client.get(url, {"kind": "nonsense"}).context["entries"] == []


def test_history_page_reads_the_same_number_of_queries_for_few_and_many_changes(client, campaign, organizer, staff):
    client.force_login(staff)
    url = reverse("campaigns:history", args=[campaign.pk])

    def make(n):
        for i in range(n):
            deadline = services.deadline_create(
                campaign=campaign, user=organizer, title=f"Deadline {i}", due_date=datetime.date(2030, 1, 1)
            )
            services.deadline_update(
                deadline=deadline, user=staff, title=f"Deadline {i} moved", due_date=deadline.due_date
            )
            _meeting_with_a_changed_secret(campaign, organizer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make(1)
    few = count()
    make(10)
    assert count() == few


def test_history_page_is_paginated(client, campaign, organizer, staff):
    from campaigns.selectors_history import HISTORY_PAGE_SIZE

    for i in range(HISTORY_PAGE_SIZE):
        services.deadline_create(campaign=campaign, user=organizer, title=f"D{i}", due_date=datetime.date(2030, 1, 1))
    client.force_login(staff)
    url = reverse("campaigns:history", args=[campaign.pk])
    first = client.get(url)
    assert len(first.context["entries"]) == HISTORY_PAGE_SIZE
    second = client.get(url, {"page": 2})
    assert second.context["entries"] and second.context["entries"][-1].kind == "campaign"


# --- the History panels -----------------------------------------------------------------------------------------


def test_record_pages_have_a_history_panel(client, campaign, organizer, staff):
    deadline = services.deadline_create(
        campaign=campaign, user=organizer, title="Call", due_date=datetime.date(2030, 1, 1)
    )
    services.deadline_update(deadline=deadline, user=staff, title="Call the clerk", due_date=deadline.due_date)
    (request,) = services.records_request_create(
        campaign=campaign,
        user=organizer,
        agencies=[f.AgencyFactory(jurisdiction=campaign.jurisdiction)],
        subject="Detainers",
        records_sought="All I-247A forms.",
        sent_on=timezone.localdate(),
    )
    resource = f.ResourceFactory()
    target = services.target_add(
        campaign=campaign,
        user=staff,
        official=f.OfficialFactory(
            name="Supervisor Lee", agency=f.AgencyFactory(jurisdiction=campaign.jurisdiction, name="Alpha County Board")
        ),
    )
    sample = f.ResourceFactory(kind="sample_letter", template_body="Dear {{ official }},\n\nStop.\n\n{{ sender }}")
    letter = services.letter_create(
        campaign=campaign, user=organizer, template=sample, recipients=[target], sender="Alpha Coalition"
    )
    question_set = f.QuestionSetFactory()
    official = f.OfficialFactory()
    client.force_login(staff)
    pages = [
        reverse("campaigns:detail", args=[campaign.pk]),
        reverse("campaigns:deadline-edit", args=[campaign.pk, deadline.pk]),
        reverse("campaigns:request-detail", args=[campaign.pk, request.pk]),
        reverse("resources:detail", args=[resource.pk]),
        reverse("campaigns:question-set-detail", args=[question_set.pk]),
        reverse("jurisdictions:detail", args=[campaign.jurisdiction.pk]),
        reverse("jurisdictions:official", args=[official.pk]),
        reverse("campaigns:target-stances", args=[campaign.pk, target.pk]),
        reverse("campaigns:letter-detail", args=[campaign.pk, letter.pk]),
        reverse("campaigns:meeting-detail", args=[campaign.pk, _meeting_with_a_changed_secret(campaign, staff).pk]),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'id="history"' in response.content.decode(), path
    deadline_page = client.get(pages[1]).content.decode()
    assert "Call the clerk" in deadline_page and "<del" in deadline_page


def test_a_public_page_names_nobody(client, settings):
    settings.PUBLIC_MAP = True
    official = f.OfficialFactory()
    response = client.get(reverse("jurisdictions:official", args=[official.pk]))
    assert response.status_code == 200
    assert 'id="history"' not in response.content.decode()


def test_meeting_panel_shows_its_answers_changes(client, campaign, organizer, staff):
    question_set = f.QuestionSetFactory()
    question = f.QuestionFactory(question_set=question_set)
    meeting = services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=timezone.now() - datetime.timedelta(days=1),
        question_set=question_set,
        answers=[{"question": question, "text": "Maybe.", "assessment": "evasive"}],
    )
    answer = meeting.answers.get()
    services.meeting_log(
        campaign=campaign,
        user=staff,
        meeting=Meeting.objects.get(pk=meeting.pk),
        held_at=meeting.held_at,
        question_set=question_set,
        answers=[{"answer": answer, "text": "No, never.", "assessment": "unsatisfactory"}],
    )
    client.force_login(organizer)
    page = client.get(reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk])).content.decode()
    assert "Maybe." in page and "No, never." in page


def test_admins_read_each_record_and_user_history_in_the_admin(client, admin, campaign, organizer):
    client.force_login(admin)
    with change_source("test"):
        organizer.groups.add(roles_group(roles.STAFF))
    assert client.get(reverse("admin:campaigns_campaign_history", args=[campaign.pk])).status_code == 200
    page = client.get(reverse("admin:auth_user_history", args=[organizer.pk]))
    assert page.status_code == 200
    assert "test" in page.content.decode()


def test_a_stance_change_a_closed_deadline_and_a_withdrawn_assignment_are_kept(client, campaign, organizer, staff):
    from campaigns.models import Assignment, Target
    from campaigns.services.assignments import assignment_create, assignment_withdraw

    target = services.target_add(
        campaign=campaign, user=staff, agency=f.AgencyFactory(jurisdiction=campaign.jurisdiction)
    )
    deadline = services.deadline_create(
        campaign=campaign, user=organizer, title="Call", due_date=datetime.date(2030, 1, 1)
    )
    client.force_login(organizer)
    client.post(reverse("campaigns:target-stance", args=[campaign.pk, target.pk]), {"stance": "opposed"})
    client.post(reverse("campaigns:deadline-action", args=[campaign.pk, deadline.pk, "done"]))

    stance = _latest(Target, target.pk)
    assert (stance.history_user, stance.history_change_reason) == (organizer, "web")
    assert _change(stance, "stance") == (target.stance, "opposed")
    closed = _latest(Deadline, deadline.pk)
    assert (closed.history_user, _change(closed, "status")) == (organizer, ("open", "done"))

    (assignment,), _ = assignment_create(resource=f.ResourceFactory(), campaigns=[campaign], user=staff, note="Read.")
    assignment_withdraw(assignment=assignment, user=staff, reason="Out of date.")
    withdrawn = _latest(Assignment, assignment.pk)
    assert withdrawn.history_user == staff
    assert _change(withdrawn, "withdrawal_reason") == ("", "Out of date.")


def test_roles_given_from_the_group_side_are_kept_in_each_users_history(organizer, other_organizer):
    staff_group = roles_group(roles.STAFF)
    staff_group.user_set.add(organizer, other_organizer)
    for user in (organizer, other_organizer):
        record = user.history.order_by("-history_id").first()
        assert roles.STAFF in {row.group.name for row in record.groups.all()}
    staff_group.user_set.clear()
    record = organizer.history.order_by("-history_id").first()
    assert roles.STAFF not in {row.group.name for row in record.groups.all()}
