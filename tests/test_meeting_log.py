"""The meeting log form: answers, follow-ups, stances, drafts, confidential notes, and bad input."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Answer, Assessment, Deadline, Goal, Meeting, Membership, Stance, StanceChange
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(organizer, staff):
    return services.campaign_create(
        user=staff,
        name="End holds in Delta County",
        jurisdiction=f.JurisdictionFactory(),
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
    )


@pytest.fixture
def question_set():
    qs = f.QuestionSetFactory(name="Sheriff questions")
    f.QuestionFactory(question_set=qs, order=1, text="Do you honor ICE holds?", text_es="¿Cumple los holds?")
    f.QuestionFactory(question_set=qs, order=2, text="Does ICE enter the jail?")
    return qs


@pytest.fixture
def sheriff(campaign):
    return f.TargetFactory(campaign=campaign, name="Sheriff Roe", title="Sheriff")


def _held_at(days_ago=1):
    return (timezone.localtime() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M")


def _data(qset, *, action="log", follow_ups=(), **overrides):
    q1, q2 = qset.questions.all()
    data = {
        "held_at": _held_at(),
        "kind": Meeting.Kind.MEETING,
        "location": "Sheriff's office",
        "attendees": "Ana, Luis; the sheriff and the undersheriff",
        "question_set": qset.pk,
        "questions_for": qset.pk,
        f"answer_q{q1.pk}": "Only with a judge's warrant.",
        f"assessment_q{q1.pk}": Assessment.SATISFACTORY,
        f"answer_q{q2.pk}": "We work with all agencies.",
        f"assessment_q{q2.pk}": Assessment.EVASIVE,
        "summary": "Forty minutes with the sheriff.",
        "commitments": "Will send the written policy.",
        "confidential_notes": "",
        "followup-TOTAL_FORMS": str(max(1, len(follow_ups))),
        "followup-INITIAL_FORMS": "0",
        "followup-MIN_NUM_FORMS": "0",
        "followup-MAX_NUM_FORMS": "1000",
        "action": action,
    }
    for index, row in enumerate(follow_ups or [{}]):
        for key in ("title", "due_date", "owner", "kind"):
            data[f"followup-{index}-{key}"] = row.get(key, "follow_up" if key == "kind" else "")
    data.update(overrides)
    return data


def _new_url(campaign):
    return reverse("campaigns:meeting-new", args=[campaign.pk])


# --- access --------------------------------------------------------------------------------------


@pytest.fixture
def meeting(campaign, organizer, question_set):
    return services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=timezone.now() - timedelta(days=2),
        question_set=question_set,
        answers=[{"question": q, "text": "x", "assessment": "evasive"} for q in question_set.questions.all()],
        summary="Met.",
        draft=True,
    )


def _meeting_urls(campaign, meeting):
    return [
        ("get", _new_url(campaign)),
        ("get", reverse("campaigns:meeting-questions", args=[campaign.pk])),
        ("get", reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk])),
        ("get", reverse("campaigns:meeting-edit", args=[campaign.pk, meeting.pk])),
    ]


def test_meeting_views_access_matrix(client, campaign, meeting, organizer, other_organizer, staff, admin):
    for _method, url in _meeting_urls(campaign, meeting):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
        for user, expected in ((organizer, 200), (other_organizer, 404), (staff, 200), (admin, 200)):
            client.force_login(user)
            assert client.get(url).status_code == expected, (url, user.username)


def test_discard_draft_access(client, campaign, meeting, organizer, other_organizer):
    url = reverse("campaigns:meeting-discard", args=[campaign.pk, meeting.pk])
    assert client.post(url).status_code == 302 and Meeting.objects.exists()
    client.force_login(other_organizer)
    assert client.post(url).status_code == 404
    assert Meeting.objects.exists()
    client.force_login(organizer)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not Meeting.objects.exists()


def test_meeting_of_another_campaign_is_404(client, campaign, organizer):
    stranger = f.MeetingFactory()
    client.force_login(organizer)
    assert client.get(reverse("campaigns:meeting-detail", args=[campaign.pk, stranger.pk])).status_code == 404
    assert client.get(reverse("campaigns:meeting-edit", args=[campaign.pk, stranger.pk])).status_code == 404


# --- logging -------------------------------------------------------------------------------------


def test_log_meeting_with_answers_follow_ups_and_stances(client, campaign, organizer, question_set, sheriff):
    client.force_login(organizer)
    data = _data(
        question_set,
        targets=[sheriff.pk],
        follow_ups=[
            {"title": "Get the written policy", "due_date": "2030-01-15", "owner": organizer.pk},
            {"title": "Thank-you note", "due_date": "2030-01-05"},
        ],
        **{f"stance_{sheriff.pk}": Stance.UNDECIDED},
    )
    response = client.post(_new_url(campaign), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert meeting.status == Meeting.Status.LOGGED
    assert list(meeting.targets.all()) == [sheriff]
    assert list(meeting.answers.values_list("question_text", "assessment")) == [
        ("Do you honor ICE holds?", Assessment.SATISFACTORY),
        ("Does ICE enter the jail?", Assessment.EVASIVE),
    ]
    deadlines = Deadline.objects.filter(meeting=meeting).order_by("due_date")
    assert [(d.title, d.owner) for d in deadlines] == [("Thank-you note", None), ("Get the written policy", organizer)]
    assert StanceChange.objects.get(target=sheriff).meeting == meeting
    sheriff.refresh_from_db()
    assert sheriff.stance == Stance.UNDECIDED


def test_log_meeting_without_question_set(client, campaign, organizer):
    client.force_login(organizer)
    data = {
        "held_at": _held_at(),
        "kind": Meeting.Kind.CALL,
        "summary": "Quick call with the clerk.",
        "question_set": "",
        "questions_for": "",
        "followup-TOTAL_FORMS": "0",
        "followup-INITIAL_FORMS": "0",
        "action": "log",
    }
    assert client.post(_new_url(campaign), data).status_code == 302
    assert Meeting.objects.get().kind == Meeting.Kind.CALL


def test_draft_then_log(client, campaign, organizer, question_set, sheriff):
    client.force_login(organizer)
    data = _data(
        question_set,
        action="draft",
        summary="",
        follow_ups=[{"title": "Call back", "due_date": "2030-02-01"}],
        **{f"stance_{sheriff.pk}": Stance.OPPOSED},
    )
    response = client.post(_new_url(campaign), data)
    draft = Meeting.objects.get()
    assert response.url == reverse("campaigns:meeting-edit", args=[campaign.pk, draft.pk])
    assert draft.is_draft and not Deadline.objects.exists() and not StanceChange.objects.exists()

    # Coming back to the draft shows everything that was typed.
    page = client.get(response.url)
    body = page.content.decode()
    assert "Only with a judge&#x27;s warrant." in body
    assert "Call back" in body
    assert page.context["form"][f"stance_{sheriff.pk}"].value() == Stance.OPPOSED

    client.post(response.url, {**data, "action": "log", "summary": "Done now."})
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.LOGGED
    assert Deadline.objects.get().title == "Call back"
    assert StanceChange.objects.get().to_stance == Stance.OPPOSED


def test_logging_needs_a_summary_but_a_draft_does_not(client, campaign, organizer, question_set):
    client.force_login(organizer)
    response = client.post(_new_url(campaign), _data(question_set, summary=""))
    assert response.status_code == 200
    assert response.context["form"].errors["summary"]
    assert not Meeting.objects.exists()
    assert client.post(_new_url(campaign), _data(question_set, summary="", action="draft")).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "where"),
    [
        ({"held_at": "2026-02-30T10:00"}, "held_at"),
        ({"held_at": ""}, "held_at"),
        ({"held_at": "1999-12-31T10:00"}, "held_at"),
        ({"kind": "party"}, "kind"),
        ({"question_set": "999999", "questions_for": "999999"}, "question_set"),
        ({"targets": ["999999"]}, "targets"),
        ({"followup-0-title": "Call", "followup-0-due_date": ""}, "follow-up"),
        ({"followup-0-title": "Call", "followup-0-due_date": "2030-13-01"}, "follow-up"),
        ({"followup-0-title": "", "followup-0-due_date": "2030-01-01"}, "follow-up"),
        ({"followup-0-title": "Call", "followup-0-due_date": "2030-01-01", "followup-0-owner": "999999"}, "follow-up"),
        ({"followup-0-title": "Call", "followup-0-due_date": "2030-01-01", "followup-0-owner": "abc"}, "follow-up"),
    ],
)
def test_bad_input_is_a_form_error_keeps_typing_and_saves_nothing(
    client, campaign, organizer, question_set, overrides, where
):
    client.force_login(organizer)
    response = client.post(_new_url(campaign), _data(question_set, **overrides))
    assert response.status_code == 200
    form, follow_ups = response.context["form"], response.context["follow_ups"]
    assert form.errors or follow_ups.total_error_count()
    body = response.content.decode()
    assert "Forty minutes with the sheriff." in body
    assert "Will send the written policy." in body
    if where != "question_set":
        assert "We work with all agencies." in body
    assert not Meeting.objects.exists()
    assert not Deadline.objects.exists()


def test_target_of_another_campaign_is_refused(client, campaign, organizer, question_set):
    stranger = f.TargetFactory()
    client.force_login(organizer)
    response = client.post(_new_url(campaign), _data(question_set, targets=[stranger.pk]))
    assert response.context["form"].errors["targets"]
    assert not Meeting.objects.exists()


def test_owner_outside_the_team_is_refused(client, campaign, organizer, other_organizer, question_set):
    client.force_login(organizer)
    data = _data(question_set, follow_ups=[{"title": "x", "due_date": "2030-01-01", "owner": other_organizer.pk}])
    response = client.post(_new_url(campaign), data)
    assert response.context["follow_ups"].total_error_count()
    assert not Meeting.objects.exists()


def test_stance_of_another_campaigns_target_is_ignored(client, campaign, organizer, question_set):
    stranger = f.TargetFactory()
    client.force_login(organizer)
    client.post(_new_url(campaign), _data(question_set, **{f"stance_{stranger.pk}": Stance.CHAMPION}))
    stranger.refresh_from_db()
    assert stranger.stance == Stance.UNKNOWN
    assert not StanceChange.objects.exists()


def test_future_meeting_can_be_a_draft_but_not_logged(client, campaign, organizer, question_set):
    client.force_login(organizer)
    future = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(_new_url(campaign), _data(question_set, held_at=future))
    assert response.context["form"].errors["held_at"]
    assert not Meeting.objects.exists()
    assert client.post(_new_url(campaign), _data(question_set, held_at=future, action="draft")).status_code == 302


def test_broken_management_form_is_a_form_error(client, campaign, organizer, question_set):
    client.force_login(organizer)
    data = _data(question_set)
    del data["followup-TOTAL_FORMS"]
    response = client.post(_new_url(campaign), data)
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_changing_set_without_loading_its_questions_saves_nothing(client, campaign, organizer, question_set):
    other = f.QuestionSetFactory(name="Board questions")
    f.QuestionFactory(question_set=other, text="Will you vote yes?")
    client.force_login(organizer)
    response = client.post(_new_url(campaign), _data(question_set, question_set=other.pk))
    assert response.status_code == 200
    assert "Will you vote yes?" in response.content.decode()
    assert "Forty minutes with the sheriff." in response.content.decode()
    assert not Meeting.objects.exists()


def test_questions_fragment_for_another_set(client, campaign, organizer, question_set):
    client.force_login(organizer)
    url = reverse("campaigns:meeting-questions", args=[campaign.pk])
    body = client.get(url, {"question_set": question_set.pk}).content.decode()
    assert "Do you honor ICE holds?" in body
    assert client.get(url, {"question_set": "nope"}).status_code == 200


def test_questions_show_in_spanish(client, campaign, organizer, question_set):
    client.force_login(organizer)
    client.cookies["django_language"] = "es"
    body = client.get(_new_url(campaign), {"set": question_set.pk}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¿Cumple los holds?" in body


# --- logged meetings keep their questions --------------------------------------------------------


def test_editing_a_set_changes_no_logged_meeting(client, campaign, organizer, question_set):
    client.force_login(organizer)
    client.post(_new_url(campaign), _data(question_set))
    meeting = Meeting.objects.get()
    question_set.questions.filter(order=1).update(text="A reworded question?")
    question_set.questions.filter(order=2).delete()
    f.QuestionFactory(question_set=question_set, order=3, text="A new question?")

    page = client.get(reverse("campaigns:meeting-edit", args=[campaign.pk, meeting.pk]))
    body = page.content.decode()
    assert "Do you honor ICE holds?" in body and "Does ICE enter the jail?" in body
    assert "A new question?" not in body

    first, second = meeting.answers.all()
    client.post(
        reverse("campaigns:meeting-edit", args=[campaign.pk, meeting.pk]),
        {
            **_data(question_set),
            f"answer_a{first.pk}": "Corrected answer.",
            f"assessment_a{first.pk}": Assessment.UNSATISFACTORY,
            f"answer_a{second.pk}": second.text,
            f"assessment_a{second.pk}": second.assessment,
        },
    )
    texts = list(Answer.objects.filter(meeting=meeting).values_list("question_text", "text", "assessment"))
    assert texts == [
        ("Do you honor ICE holds?", "Corrected answer.", Assessment.UNSATISFACTORY),
        ("Does ICE enter the jail?", "We work with all agencies.", Assessment.EVASIVE),
    ]


def test_logged_meeting_question_set_cannot_change(client, campaign, organizer, question_set):
    client.force_login(organizer)
    client.post(_new_url(campaign), _data(question_set))
    meeting = Meeting.objects.get()
    other = f.QuestionSetFactory()
    client.post(
        reverse("campaigns:meeting-edit", args=[campaign.pk, meeting.pk]), _data(question_set, question_set=other.pk)
    )
    meeting.refresh_from_db()
    assert meeting.question_set == question_set


# --- confidential notes --------------------------------------------------------------------------


def test_confidential_notes_for_lead_staff_and_the_author_only(client, campaign, organizer, staff, admin, question_set):
    client.force_login(organizer)
    client.post(_new_url(campaign), _data(question_set, confidential_notes="Undersheriff may leak our plan."))
    meeting = Meeting.objects.get()
    assert meeting.confidential_notes == "Undersheriff may leak our plan."
    detail = reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk])
    edit = reverse("campaigns:meeting-edit", args=[campaign.pk, meeting.pk])
    # The author reads their own note, on the meeting and in its form.
    assert "Undersheriff may leak" in client.get(detail).content.decode()
    assert "Undersheriff may leak" in client.get(edit).content.decode()
    teammate = f.UserFactory(role="Organizer", username="teammate")
    Membership.objects.create(campaign=campaign, user=teammate)
    client.force_login(teammate)
    assert "Undersheriff may leak" not in client.get(detail).content.decode()
    assert "Undersheriff may leak" not in client.get(edit).content.decode()
    assert "Undersheriff may leak" not in client.get(campaign.get_absolute_url()).content.decode()
    for user in (staff, admin):
        client.force_login(user)
        assert "Undersheriff may leak" in client.get(detail).content.decode()
    lead = f.UserFactory(role="Organizer", username="lead-organizer")
    Membership.objects.create(campaign=campaign, user=lead, role=Membership.Role.LEAD)
    client.force_login(lead)
    assert "Undersheriff may leak" in client.get(detail).content.decode()


def test_teammate_adds_to_confidential_notes_without_reading_them(client, campaign, organizer, question_set):
    client.force_login(organizer)
    client.post(_new_url(campaign), _data(question_set, confidential_notes="First note."))
    meeting = Meeting.objects.get()
    first = list(meeting.answers.all())
    edit = reverse("campaigns:meeting-edit", args=[campaign.pk, meeting.pk])
    answers = {f"answer_a{a.pk}": a.text for a in first} | {f"assessment_a{a.pk}": a.assessment for a in first}
    teammate = f.UserFactory(role="Organizer", username="teammate")
    Membership.objects.create(campaign=campaign, user=teammate)
    client.force_login(teammate)
    client.post(edit, {**_data(question_set, confidential_notes="Second note."), **answers})
    meeting.refresh_from_db()
    assert meeting.confidential_notes == "First note.\n\nSecond note."
    client.post(edit, {**_data(question_set, confidential_notes=""), **answers})
    meeting.refresh_from_db()
    assert meeting.confidential_notes == "First note.\n\nSecond note."
    # The author sees the whole note in the form, so what they send is the note.
    client.force_login(organizer)
    client.post(edit, {**_data(question_set, confidential_notes="Rewritten by the author."), **answers})
    meeting.refresh_from_db()
    assert meeting.confidential_notes == "Rewritten by the author."


# --- query counts --------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(campaign, question_set, n):
    for i in range(n):
        f.QuestionFactory(question_set=question_set, text=f"Extra question {i}?")
        f.TargetFactory(campaign=campaign)
        f.MembershipFactory(campaign=campaign)


def test_meeting_form_query_count_is_constant(client, campaign, organizer, question_set, django_assert_num_queries):
    client.force_login(organizer)
    url = _new_url(campaign) + f"?set={question_set.pk}"
    f.TargetFactory(campaign=campaign)
    f.TargetFactory(campaign=campaign)
    small = _count(client, url)
    _grow(campaign, question_set, 48)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["form"].rows) == 50
    assert small <= 15


def test_meeting_detail_query_count_is_constant(client, campaign, organizer, question_set, django_assert_num_queries):
    client.force_login(organizer)

    def log():
        targets = [f.TargetFactory(campaign=campaign) for _ in range(2)]
        meeting = services.meeting_log(
            campaign=campaign,
            user=organizer,
            held_at=timezone.now() - timedelta(days=1),
            targets=targets,
            question_set=question_set,
            answers=[{"question": q, "text": "a", "assessment": "evasive"} for q in question_set.questions.all()],
            summary="s",
            follow_ups=[{"title": f"t{i}", "due_date": date(2030, 1, 1), "owner": organizer} for i in range(2)],
            stance_updates=dict.fromkeys(targets, Stance.OPPOSED),
        )
        return reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk])

    small = _count(client, log())
    _grow(campaign, question_set, 48)
    url = log()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["meeting"].answers.count() == 50


def test_meeting_time_is_read_in_the_users_time_zone(client, campaign, organizer, question_set):
    from datetime import UTC, datetime

    from accounts.models import Profile

    Profile.objects.create(user=organizer, time_zone="America/New_York")
    client.force_login(organizer)
    client.post(_new_url(campaign), _data(question_set, held_at="2026-11-16T10:00"))
    assert Meeting.objects.get().held_at == datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
