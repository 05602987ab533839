"""The campaign status report: stage changes, wins and meetings in a date range, as a page and a PDF."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from campaigns import services
from campaigns.models import Answer, Stage, StageChange
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL = reverse("report-status")
ALL_PDF = reverse("report-status-pdf")


def one(pk):
    return reverse("report-campaign", args=[pk])


def one_pdf(pk):
    return reverse("report-campaign-pdf", args=[pk])


@pytest.fixture
def campaign(organizer, staff):
    campaign = services.campaign_create(
        user=staff,
        name="End holds in Alameda",
        jurisdiction=f.JurisdictionFactory(name="Alameda County"),
        goal="end_holds",
        lead=staff,
        organizers=[organizer],
    )
    services.campaign_change_stage(campaign=campaign, user=staff, stage=Stage.ENGAGING, note="Met the board.")
    sheriff = f.TargetFactory(campaign=campaign, name="Sheriff Ada Lopez", title="Sheriff")
    meeting = f.MeetingFactory(
        campaign=campaign,
        held_at=timezone.now() - timedelta(days=3),
        logged_by=organizer,
        summary="Talked with Rosa Community-Member about her brother.",
        confidential_notes="A deputy told us off the record.",
    )
    meeting.targets.add(sheriff)
    Answer.objects.create(meeting=meeting, question_text="Holds?", text="We follow the law.", assessment="evasive")
    services.campaign_change_stage(
        campaign=campaign, user=staff, stage=Stage.WON, outcome="The sheriff ended ICE holds."
    )
    return campaign


@pytest.fixture
def other(other_organizer, staff):
    campaign = f.CampaignFactory(name="Stop 287(g) in Cobb")
    f.MembershipFactory(campaign=campaign, user=other_organizer)
    f.MeetingFactory(campaign=campaign, held_at=timezone.now() - timedelta(days=2))
    return campaign


def test_report_shows_stage_changes_wins_and_meetings_in_range(client, staff, campaign, other):
    old = f.MeetingFactory(campaign=campaign, held_at=timezone.now() - timedelta(days=400))
    client.force_login(staff)
    response = client.get(ALL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-total="wins">1<' in content
    assert 'data-total="meetings">2<' in content
    assert 'data-total="changes">2<' in content
    assert "The sheriff ended ICE holds." in content
    assert "Sheriff Ada Lopez" in content
    assert "0 satisfactory, 0 unsatisfactory, 1 evasive" in content
    assert "Stop 287(g) in Cobb" in content
    assert f'data-meeting="{old.pk}"' not in content


def test_report_never_shows_meeting_notes(client, admin, campaign):
    client.force_login(admin)
    for url in (ALL, one(campaign.pk)):
        content = client.get(url).content.decode()
        assert "Rosa Community-Member" not in content
        assert "off the record" not in content
        assert "We follow the law" not in content


def test_the_date_range_narrows_the_report(client, staff, campaign):
    StageChange.objects.filter(campaign=campaign, to_stage=Stage.WON).update(
        changed_at=timezone.now() - timedelta(days=60)
    )
    client.force_login(staff)
    today = timezone.localdate()
    recent = client.get(ALL, {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()})
    assert 'data-total="wins">0<' in recent.content.decode()
    earlier = client.get(ALL, {"start": (today - timedelta(days=90)).isoformat(), "end": today.isoformat()})
    assert 'data-total="wins">1<' in earlier.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-30"},
        {"start": "yesterday"},
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"start": "2020-01-01", "end": "2026-01-01"},
    ],
)
def test_a_bad_range_is_a_400_with_the_form(client, staff, campaign, params):
    client.force_login(staff)
    response = client.get(ALL, params)
    assert response.status_code == 400
    assert "at most a year" in response.content.decode()
    assert client.get(ALL_PDF, params).status_code == 400


def test_organizer_gets_the_report_of_their_campaign_only(client, organizer, campaign, other):
    client.force_login(organizer)
    content = client.get(one(campaign.pk)).content.decode()
    assert "Status report: End holds in Alameda" in content
    assert "Stop 287(g) in Cobb" not in content
    assert client.get(one(other.pk)).status_code == 404
    assert client.get(one_pdf(other.pk)).status_code == 404
    assert client.get(ALL).status_code == 403
    assert client.get(ALL_PDF).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, campaign):
    for url in (ALL, ALL_PDF, one(campaign.pk), one_pdf(campaign.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def _pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_pdf_of_one_campaign(client, organizer, campaign):
    client.force_login(organizer)
    text = _pdf_text(client.get(one_pdf(campaign.pk)))
    assert "End holds in Alameda" in text
    assert "The sheriff ended ICE holds." in text
    assert "Sheriff Ada Lopez" in text
    assert "Rosa" not in text


def test_pdf_of_every_campaign(client, staff, campaign, other):
    client.force_login(staff)
    response = client.get(ALL_PDF)
    text = _pdf_text(response)
    assert "every campaign" in text
    assert "Stop 287(g) in Cobb" in text
    assert 'attachment; filename="status-all-' in response["Content-Disposition"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["staff", "organizer"])
def test_report_queries_do_not_grow(client, request, campaign, staff, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = ALL if who == "staff" else one(campaign.pk)
    small = _queries(client, url)
    for i in range(25):
        other = f.CampaignFactory(name=f"More {i}")
        services.campaign_change_stage(campaign=other, user=staff, stage=Stage.COALITION)
        meeting = f.MeetingFactory(campaign=campaign, held_at=timezone.now() - timedelta(days=1))
        meeting.targets.add(f.TargetFactory(campaign=campaign))
        f.MeetingFactory(campaign=other, held_at=timezone.now() - timedelta(days=1))
    assert _queries(client, url) == small
