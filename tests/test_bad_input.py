"""Input no view can use is a 400, never a 500: NUL characters anywhere (core.middleware), dates out of range, and
API bodies over the size limit."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Campaign, Membership
from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "The request holds a NUL character"


@pytest.fixture
def api_staff(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def _resource_body(**extra):
    body = {"title": "New fact sheet", "kind": "fact_sheet", "published_on": "2025-05-01", "url": "https://e.org/x"}
    return body | extra


@pytest.mark.parametrize("field", ["states", "topics"])
def test_nul_in_a_resource_list_field_posted_to_the_api_is_a_400(api_staff, field):
    response = api_staff.post("/api/resources/", _resource_body(**{field: ["C\x00A"]}), format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert NUL_MESSAGE in response.json()["detail"]


@pytest.mark.parametrize("field", ["states", "topics"])
def test_nul_in_a_resource_list_field_patched_through_the_api_is_a_400(api_staff, field):
    resource = f.ResourceFactory()
    response = api_staff.patch(f"/api/resources/{resource.pk}/", {field: ["\x00"]}, format="json")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_plain_text_not_a_nul(api_staff):
    body = json.dumps(_resource_body(title="Path C:\\u0000 explained"))
    response = api_staff.post("/api/resources/", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["title"] == "Path C:\\u0000 explained"


def test_nul_in_an_api_query_string_is_a_json_400(api_staff):
    response = api_staff.get("/api/resources/?q=%00")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


def test_nul_in_the_state_of_jurisdiction_options_is_a_400(client, staff):
    client.force_login(staff)
    response = client.get(reverse("campaigns:jurisdiction-options") + "?state=%00")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_nul_in_a_web_form_post_is_a_400_and_saves_nothing(client, staff):
    client.force_login(staff)
    response = client.post(reverse("campaigns:new"), {"name": "End holds\x00", "goal": "end_holds"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert not Campaign.objects.exists()


def test_nul_bytes_inside_an_uploaded_file_are_not_refused(client, staff):
    """Files are binary: only the text fields of a multipart form are checked."""
    client.force_login(staff)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    upload = SimpleUploadedFile("chart.png", png, content_type="image/png")
    response = client.post(
        reverse("resources:new"),
        {"title": "A chart", "kind": "infographic", "language": "en", "published_on": "2025-01-01", "upload": upload},
    )
    assert response.status_code in (200, 302)
    assert NUL_MESSAGE not in response.content.decode()


def test_an_api_body_over_the_size_limit_is_a_json_413(api_staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_staff.post("/api/resources/", _resource_body(summary="x" * 2000), format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "The request body is too large."


def test_due_date_preview_of_a_date_past_the_calendar_is_a_400(client):
    organizer = f.UserFactory(role=roles.ORGANIZER)
    campaign = f.CampaignFactory()
    f.MembershipFactory(campaign=campaign, user=organizer, role=Membership.Role.ORGANIZER)
    client.force_login(organizer)
    url = reverse("campaigns:request-due-preview", args=[campaign.pk])
    for far in ("9999-12-31", "1000-01-01"):
        response = client.get(url, {"sent_on": far})
        assert response.status_code == 400
        assert response.content.decode().startswith("Give a date between 2000 and ")
