"""The meeting-prep packet: questions, earlier answers, open commitments, stances, policy; page and PDF."""

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from campaigns import services
from campaigns.models import Goal, QuestionSet, Stance
from jurisdictions.models import Agency, LawEffect, StateLaw
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(organizer, staff):
    return services.campaign_create(
        user=staff,
        name="End holds in Golf County",
        jurisdiction=f.JurisdictionFactory(name="Golf County", current_holds="honors_all"),
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
    )


@pytest.fixture
def sheriff(campaign, organizer):
    office = f.AgencyFactory(jurisdiction=campaign.jurisdiction, name="Golf County Sheriff's Office")
    official = f.OfficialFactory(agency=office, name="Pat Quill", title="Sheriff")
    return services.target_add(campaign=campaign, user=organizer, official=official)


def _log(campaign, user, target, *, answer="Only with a judge's warrant.", days_ago=10, **kwargs):
    question_set = QuestionSet.objects.get(kind="sheriff")
    questions = list(question_set.questions.all())
    return services.meeting_log(
        campaign=campaign,
        user=user,
        held_at=timezone.now() - timedelta(days=days_ago),
        targets=[target],
        attendees="Maria Lopez, a resident who was held",
        question_set=question_set,
        answers=[{"question": questions[0], "text": answer, "assessment": "satisfactory"}]
        + [{"question": q, "text": "", "assessment": "not_asked"} for q in questions[1:]],
        summary="Met the sheriff.",
        commitments="Will send the written detainer policy.",
        confidential_notes="Deputy chief is our ally.",
        follow_ups=[{"title": "Get the detainer policy", "due_date": date(2030, 1, 1), "owner": user}],
        stance_updates={target: Stance.UNDECIDED},
        **kwargs,
    )


def _urls(campaign, target):
    return [
        reverse("campaigns:prep-packet", args=[campaign.pk, target.pk]),
        reverse("campaigns:prep-packet-pdf", args=[campaign.pk, target.pk]),
    ]


def test_prep_packet_access_matrix(client, campaign, sheriff, organizer, other_organizer, staff, admin):
    for url in _urls(campaign, sheriff):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        for user, expected in ((organizer, 200), (other_organizer, 404), (staff, 200), (admin, 200)):
            client.force_login(user)
            assert client.get(url).status_code == expected, (url, user.username)


def test_target_of_another_campaign_is_404(client, campaign, organizer):
    stranger = f.TargetFactory()
    client.force_login(organizer)
    for url in _urls(campaign, stranger):
        assert client.get(url).status_code == 404


def test_packet_gathers_what_to_bring(client, campaign, sheriff, organizer):
    StateLaw.objects.create(state=campaign.jurisdiction.state, title="Trust Act (test)", effect=LawEffect.LIMITS)
    _log(campaign, organizer, sheriff)
    client.force_login(organizer)
    response = client.get(reverse("campaigns:prep-packet", args=[campaign.pk, sheriff.pk]))
    body = response.content.decode()
    packet = response.context["packet"]
    assert packet.question_set.kind == "sheriff"
    assert "When ICE sends a detainer" in body
    assert "Only with a judge&#x27;s warrant." in body
    assert "Get the detainer policy" in body
    assert "Will send the written detainer policy." in body
    assert "Unknown → <strong>Undecided</strong>" in body
    assert "Honors all" in body
    assert "Trust Act (test)" in body
    # Printed packets carry neither confidential notes nor community members' names.
    assert "Deputy chief is our ally." not in body
    assert "Maria Lopez" not in body


def test_packet_question_set_follows_the_target_and_can_be_chosen(client, campaign, organizer):
    board = f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name="Golf Board")
    member = services.target_add(campaign=campaign, user=organizer, official=f.OfficialFactory(agency=board))
    client.force_login(organizer)
    url = reverse("campaigns:prep-packet", args=[campaign.pk, member.pk])
    assert client.get(url).context["packet"].question_set.kind == "board_member"
    forum = QuestionSet.objects.get(kind="candidate_forum")
    assert client.get(url, {"set": forum.pk}).context["packet"].question_set == forum
    for bad in ("999999", "x", ""):
        assert client.get(url, {"set": bad}).context["packet"].question_set.kind == "board_member"


def test_packet_pdf_contains_the_merged_text(client, campaign, sheriff, organizer):
    _log(campaign, organizer, sheriff)
    client.force_login(organizer)
    response = client.get(reverse("campaigns:prep-packet-pdf", args=[campaign.pk, sheriff.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Meeting prep: Pat Quill" in text
    assert "When ICE sends a detainer" in text
    assert "Only with a judge's warrant." in text
    assert "Deputy chief" not in text


def test_packet_in_spanish(client, campaign, sheriff, organizer):
    client.force_login(organizer)
    response = client.get(reverse("campaigns:prep-packet", args=[campaign.pk, sheriff.pk]), HTTP_ACCEPT_LANGUAGE="es")
    assert "¿qué hace su oficina?" in response.content.decode()


def test_packet_query_count_is_constant(client, campaign, sheriff, organizer, django_assert_num_queries):
    client.force_login(organizer)
    url = reverse("campaigns:prep-packet", args=[campaign.pk, sheriff.pk])
    for days in (10, 9):
        _log(campaign, organizer, sheriff, days_ago=days)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for days in range(48):
        _log(campaign, organizer, sheriff, days_ago=100 + days, answer=f"Answer {days}")
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["packet"].meetings) == 50
