"""Every API list and detail reads the same number of queries at 2 and at 20 rows."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns import services
from campaigns.models import Answer, Assignment, Deadline, Membership, StanceChange
from core import roles
from jurisdictions.models import Dimension, PolicyRecord, PolicyValue
from resources.models import ResourceAudience
from tests import factories
from tests.test_api import build_world


def add_rows(world, n):
    """n more of everything the lists and pages show, on the world's campaign and county."""
    campaign, county = world.campaign, world.county
    topic = factories.TopicFactory()
    for _ in range(n):
        extra = factories.CampaignFactory(jurisdiction=county, lead=world.staff)
        Membership.objects.create(campaign=extra, user=world.organizer)
        organizer = factories.UserFactory(role=roles.ORGANIZER)
        Membership.objects.create(campaign=campaign, user=organizer)
        target = factories.TargetFactory(campaign=campaign)
        StanceChange.objects.create(target=world.target, from_stance="unknown", to_stance="opposed")
        meeting = factories.MeetingFactory(campaign=campaign)
        meeting.targets.add(target)
        Answer.objects.create(meeting=meeting, question_text="Q?", text="A.")
        Answer.objects.create(meeting=world.meeting, question_text="Q?", text="A.")
        factories.DeadlineFactory(campaign=campaign, meeting=meeting, owner=world.organizer)
        factories.DeadlineFactory(campaign=campaign, due_time=datetime.time(9), time_zone="America/Denver")
        factories.RecordsRequestFactory(campaign=campaign, agency=world.sheriff_office)
        agency = factories.AgencyFactory(jurisdiction=county, name=f"Agency {target.pk}")
        factories.OfficialFactory(agency=agency)
        factories.AgreementFactory(agency=agency)
        factories.JurisdictionFactory(state=county.state, name=f"County {target.pk}")
        PolicyRecord.objects.create(
            jurisdiction=county,
            dimension=Dimension.HOLDS,
            value=PolicyValue.HONORS_SOME,
            effective_date=timezone.localdate(),
            entered_by=world.staff,
        )
        resource = factories.ResourceFactory(topics=[topic], states=[county.state])
        ResourceAudience.objects.create(resource=resource, audience="advocates")
        factories.ResourceFactory(supersedes=resource, translation_of=resource, language="es")
        Assignment.objects.create(resource=resource, campaign=campaign, note="Read it.", assigned_by=world.staff)
        letter = services.letter_create(
            campaign=campaign, user=world.staff, template=world.sample_letter, recipients=[target], sender="Us"
        )
        letter.recipients.add(world.target)
        world.letter.recipients.add(target)


PATHS = {
    "campaigns": lambda w: "campaigns/",
    "campaign": lambda w: f"campaigns/{w.campaign.pk}/",
    "team": lambda w: f"campaigns/{w.campaign.pk}/team/",
    "targets": lambda w: f"campaigns/{w.campaign.pk}/targets/",
    "target": lambda w: f"campaigns/{w.campaign.pk}/targets/{w.target.pk}/",
    "meetings": lambda w: f"campaigns/{w.campaign.pk}/meetings/",
    "meeting": lambda w: f"campaigns/{w.campaign.pk}/meetings/{w.meeting.pk}/",
    "records-requests": lambda w: f"campaigns/{w.campaign.pk}/records-requests/",
    "deadlines": lambda w: f"campaigns/{w.campaign.pk}/deadlines/",
    "my-deadlines": lambda w: "deadlines/",
    "assignments": lambda w: f"campaigns/{w.campaign.pk}/assignments/",
    "jurisdictions": lambda w: "jurisdictions/",
    "jurisdiction": lambda w: f"jurisdictions/{w.county.pk}/",
    "policy-records": lambda w: f"jurisdictions/{w.county.pk}/policy-records/",
    "agreements": lambda w: "agreements-287g/",
    "resources": lambda w: "resources/",
    "letters": lambda w: f"campaigns/{w.campaign.pk}/letters/",
    "letter": lambda w: f"campaigns/{w.campaign.pk}/letters/{w.letter.pk}/",
    "records-request": lambda w: f"campaigns/{w.campaign.pk}/records-requests/{w.records_request.pk}/",
    "deadline": lambda w: f"campaigns/{w.campaign.pk}/deadlines/{w.meeting.follow_ups.first().pk}/",
    "assignment": lambda w: f"assignments/{w.assignment.pk}/",
    "resource": lambda w: f"resources/{w.resource.pk}/",
    "agreement": lambda w: f"agreements-287g/{w.sheriff_office.agreements.first().pk}/",
}


def count_queries(user_pk, path):
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user_pk))  # a fresh user: nothing cached between requests
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/{path}")
    assert response.status_code == 200, (path, response.json())
    return len(queries), response.json()


@pytest.mark.parametrize("role", ["organizer", "staff"])
@pytest.mark.parametrize("name", PATHS)
def test_same_number_of_queries_at_2_and_20_rows(db, name, role):
    world = build_world()
    user_pk = getattr(world, role).pk
    path = PATHS[name](world)
    add_rows(world, 2)
    small, small_body = count_queries(user_pk, path)
    add_rows(world, 18)
    large, large_body = count_queries(user_pk, path)
    if "results" in large_body:
        assert len(large_body["results"]) > len(small_body["results"]) or large_body["count"] > small_body["count"]
    assert small == large, f"{path}: {small} queries at 2 rows, {large} at 20"
    assert large <= 14, f"{path}: {large} queries"


def test_deadline_rows_are_the_same_size_as_their_count(db):
    world = build_world()
    add_rows(world, 3)
    _, body = count_queries(world.staff.pk, f"campaigns/{world.campaign.pk}/deadlines/")
    assert body["count"] == Deadline.objects.filter(campaign=world.campaign).count()
