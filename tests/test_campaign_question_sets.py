"""Question sets: the seeded sets, staff editing, and meetings that never change when a set does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Answer, Question, QuestionSet
from campaigns.question_seeds import QUESTION_SETS, question_sets_seed
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_seeded_sets_cover_every_kind_in_english_and_spanish():
    seeded = QuestionSet.objects.filter(name__in=[s["name"] for s in QUESTION_SETS])
    assert set(seeded.values_list("kind", flat=True)) == {
        "sheriff",
        "board_member",
        "county_counsel",
        "candidate_forum",
    }
    for question in Question.objects.filter(question_set__in=seeded):
        for field in ("text", "text_es", "good_answer", "good_answer_es", "evasive_answer", "evasive_answer_es"):
            assert getattr(question, field).strip(), (question.text, field)
    sheriff = seeded.get(kind="sheriff")
    topics = " ".join(sheriff.questions.values_list("topic", flat=True)).lower()
    for topic in ("detainers", "notifications", "jail", "287(g)", "data sharing", "transfers"):
        assert topic in topics


def test_seeding_twice_changes_nothing():
    before = Question.objects.count()
    assert question_sets_seed() == 0
    assert Question.objects.count() == before


# --- access --------------------------------------------------------------------------------------


@pytest.fixture
def question_set():
    qs = f.QuestionSetFactory(name="Test set")
    f.QuestionFactory(question_set=qs, order=1, text="First question?")
    f.QuestionFactory(question_set=qs, order=2, text="Second question?")
    return qs


def test_reading_sets_per_role(client, question_set, organizer, staff, admin):
    for url in (reverse("campaigns:question-sets"), reverse("campaigns:question-set-detail", args=[question_set.pk])):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        for user in (organizer, staff, admin):
            client.force_login(user)
            assert client.get(url).status_code == 200
        client.force_login(f.UserFactory(username="no-role"))
        assert client.get(url).status_code == 403


def test_editing_sets_is_for_staff(client, question_set, organizer, staff, admin):
    for url in (reverse("campaigns:question-set-new"), reverse("campaigns:question-set-edit", args=[question_set.pk])):
        client.logout()
        assert client.get(url).status_code == 302
        client.force_login(organizer)
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "Hijacked"}).status_code == 403
        for user in (staff, admin):
            client.force_login(user)
            assert client.get(url).status_code == 200
    assert not QuestionSet.objects.filter(name="Hijacked").exists()


def test_missing_set_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("campaigns:question-set-edit", args=[999999])).status_code == 404


# --- editing -------------------------------------------------------------------------------------


def _management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _question(prefix, index, *, pk="", order="", text="", text_es="", delete=False):
    data = {
        f"{prefix}-{index}-id": pk,
        f"{prefix}-{index}-order": order,
        f"{prefix}-{index}-text": text,
        f"{prefix}-{index}-text_es": text_es,
        f"{prefix}-{index}-good_answer": "",
        f"{prefix}-{index}-evasive_answer": "",
    }
    if delete:
        data[f"{prefix}-{index}-DELETE"] = "on"
    return data


def _set_fields(**overrides):
    return {"name": "Jail visit", "name_es": "Visita a la cárcel", "kind": "sheriff", "is_active": "on", **overrides}


def test_staff_creates_a_set(client, staff):
    client.force_login(staff)
    data = {
        **_set_fields(),
        **_management("questions", 3, 0),
        **_question("questions", 0, order="2", text="Second?", text_es="¿Segunda?"),
        **_question("questions", 1, order="1", text="First?"),
        **_question("questions", 2),
    }
    response = client.post(reverse("campaigns:question-set-new"), data)
    question_set = QuestionSet.objects.get(name="Jail visit")
    assert response.url == reverse("campaigns:question-set-detail", args=[question_set.pk])
    assert list(question_set.questions.values_list("text", "order")) == [("First?", 1), ("Second?", 2)]


def _edit_data(question_set, first=None, second=None):
    one, two = question_set.questions.all()
    return {
        **_set_fields(name=question_set.name),
        **_management("questions", 2, 2),
        **_question("questions", 0, **({"pk": one.pk, "order": "1", "text": one.text} | (first or {}))),
        **_question("questions", 1, **({"pk": two.pk, "order": "2", "text": two.text} | (second or {}))),
    }


def test_editing_a_set_keeps_logged_meetings_as_asked(client, staff, organizer, question_set):
    campaign = f.CampaignFactory()
    f.MembershipFactory(campaign=campaign, user=organizer)
    meeting = services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=timezone.now() - timedelta(days=1),
        question_set=question_set,
        answers=[{"question": q, "text": "An answer", "assessment": "evasive"} for q in question_set.questions.all()],
        summary="s",
    )
    client.force_login(staff)
    url = reverse("campaigns:question-set-edit", args=[question_set.pk])
    data = _edit_data(question_set, first={"text": "First, reworded?"}, second={"delete": True})
    assert client.post(url, data).status_code == 302
    assert list(question_set.questions.values_list("text", flat=True)) == ["First, reworded?"]
    answers = Answer.objects.filter(meeting=meeting).order_by("order")
    assert list(answers.values_list("question_text", flat=True)) == ["First question?", "Second question?"]
    detail = client.get(reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk])).content.decode()
    assert "Second question?" in detail and "First, reworded?" not in detail


@pytest.mark.parametrize(
    "bad",
    [
        {"fields": {"name": ""}},
        {"fields": {"kind": "party"}},
        {"fields": {"name": "Existing set"}},
        {"first": {"text": ""}},
        {"first": {"order": "-1"}},
        {"first": {"pk": "foreign"}},
        {"first": {"delete": True}, "second": {"delete": True}},
    ],
)
def test_bad_set_input_is_a_form_error_and_saves_nothing(client, staff, question_set, bad):
    f.QuestionSetFactory(name="Existing set")
    foreign = f.QuestionFactory(text="Someone else's question")
    per_question = {k: dict(v) for k, v in bad.items() if k in ("first", "second")}
    if per_question.get("first", {}).get("pk") == "foreign":
        per_question["first"]["pk"] = foreign.pk
    data = _edit_data(
        question_set,
        first={"text": "Changed?"} | per_question.get("first", {}),
        **{k: v for k, v in per_question.items() if k == "second"},
    )
    data.update(bad.get("fields", {}))
    client.force_login(staff)
    response = client.post(reverse("campaigns:question-set-edit", args=[question_set.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors or response.context["formset"].total_error_count()
    assert list(question_set.questions.values_list("text", flat=True)) == ["First question?", "Second question?"]
    foreign.refresh_from_db()
    assert foreign.text == "Someone else's question"
    question_set.refresh_from_db()
    assert question_set.name == "Test set"


def test_question_set_list_query_count_is_constant(client, organizer, django_assert_num_queries):
    client.force_login(organizer)
    url = reverse("campaigns:question-sets")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(50):
        f.QuestionFactory(question_set=f.QuestionSetFactory())
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["question_sets"]) >= 50
