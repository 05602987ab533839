"""Suggestions of resources by organizers and their review by staff."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources.models import Audience, Resource, ResourceAudience
from tests.factories import ResourceFactory, UserFactory
from tests.library_fixtures import LIST, form_data, listed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


# --- suggestions and review ------------------------------------------------------------------------


SUGGEST = reverse("resources:suggest")
SUGGESTIONS = reverse("resources:suggestions")


def test_suggest_per_role(client, organizer, staff, admin):
    assert client.get(SUGGEST).status_code == 302
    for user in (organizer, staff, admin):
        client.force_login(user)
        assert client.get(SUGGEST).status_code == 200


def test_organizer_suggestion_waits_for_review(client, organizer, other_organizer):
    client.force_login(organizer)
    data = form_data(title="Great toolkit", url="https://example.org/toolkit", is_public="on")
    response = client.post(SUGGEST, data)
    assert response.status_code == 302 and response["Location"] == SUGGESTIONS
    resource = Resource.objects.get()
    assert resource.status == Resource.Status.SUGGESTED and resource.created_by == organizer
    assert not resource.is_public  # only staff publish
    assert listed(client.get(LIST)) == []
    assert "Great toolkit" in client.get(SUGGESTIONS).content.decode()
    client.force_login(other_organizer)
    assert "Great toolkit" not in client.get(SUGGESTIONS).content.decode()


def test_suggestion_with_a_bad_file_keeps_the_form(client, organizer):
    client.force_login(organizer)
    data = form_data(title="My find", upload=SimpleUploadedFile("x.pdf", b"not a pdf"))
    response = client.post(SUGGEST, data)
    assert response.status_code == 400
    assert 'value="My find"' in response.content.decode()


def test_staff_see_suggestions_waiting(client, staff, organizer):
    ResourceFactory(title="Waiting one", status=Resource.Status.SUGGESTED, created_by=organizer)
    ResourceFactory(title="Already in", created_by=organizer)
    client.force_login(staff)
    response = client.get(SUGGESTIONS)
    assert [r.title for r in response.context["page"].object_list] == ["Waiting one"]


def test_staff_approve_a_suggestion(client, staff, organizer):
    resource = ResourceFactory(title="Waiting", status=Resource.Status.SUGGESTED, created_by=organizer)
    client.force_login(staff)
    url = reverse("resources:review", args=[resource.pk])
    response = client.post(url, {"decision": "approve", "note": "Thanks", "next": "suggestions"})
    assert response.status_code == 302 and response["Location"] == SUGGESTIONS
    resource.refresh_from_db()
    assert resource.status == Resource.Status.APPROVED and resource.reviewed_by == staff and resource.reviewed_at
    client.force_login(organizer)
    assert listed(client.get(LIST)) == ["Waiting"]


def test_staff_reject_a_suggestion_with_a_note_the_suggester_sees(client, staff, organizer):
    resource = ResourceFactory(title="Dup", status=Resource.Status.SUGGESTED, created_by=organizer)
    client.force_login(staff)
    client.post(reverse("resources:review", args=[resource.pk]), {"decision": "reject", "note": "Already listed"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.REJECTED
    client.force_login(organizer)
    assert "Already listed" in client.get(SUGGESTIONS).content.decode()
    assert client.get(resource.get_absolute_url()).status_code == 200


def test_review_per_role(client, organizer, staff, admin):
    resource = ResourceFactory(status=Resource.Status.SUGGESTED, created_by=organizer)
    url = reverse("resources:review", args=[resource.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    client.force_login(organizer)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert client.get(url).status_code == 405
    resource.refresh_from_db()
    assert resource.status == Resource.Status.SUGGESTED
    client.force_login(admin)
    client.post(url, {"decision": "approve"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.APPROVED


def test_reviewing_twice_or_with_a_bad_decision_changes_nothing(client, staff):
    resource = ResourceFactory(status=Resource.Status.SUGGESTED)
    url = reverse("resources:review", args=[resource.pk])
    client.force_login(staff)
    client.post(url, {"decision": "maybe"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.SUGGESTED
    client.post(url, {"decision": "reject"})
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "already reviewed" in response.content.decode()
    resource.refresh_from_db()
    assert resource.status == Resource.Status.REJECTED


def test_suggestions_page_per_role(client, organizer, staff, admin):
    assert client.get(SUGGESTIONS).status_code == 302
    for user in (organizer, staff, admin):
        client.force_login(user)
        assert client.get(SUGGESTIONS).status_code == 200


def test_nav_links_to_the_library_for_signed_in_users(client, organizer):
    assert f'href="{LIST}"' not in client.get(reverse("login")).content.decode()
    client.force_login(organizer)
    assert f'href="{LIST}"' in client.get(reverse("home")).content.decode()


def test_audience_rows_are_unique(organizer):
    resource = ResourceFactory(audiences=[Audience.ADVOCATES])
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceAudience.objects.create(resource=resource, audience=Audience.ADVOCATES)


def test_user_factory_roles_are_available():
    assert UserFactory(role="Organizer").groups.filter(name="Organizer").exists()
