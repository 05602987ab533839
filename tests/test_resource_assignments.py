"""Resources assigned to campaigns by staff: no duplicates, withdrawal with a reason, organizers see their own."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors_assignments as selectors
from campaigns.models import Assignment, AssignmentOpen
from campaigns.services import assignments as services
from resources.models import Resource
from tests.factories import CampaignFactory, MembershipFactory, ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(organizer):
    campaign = CampaignFactory(name="End holds in Alameda")
    MembershipFactory(campaign=campaign, user=organizer)
    return campaign


@pytest.fixture
def other_campaign(other_organizer):
    campaign = CampaignFactory(name="Stop 287(g) in Cobb")
    MembershipFactory(campaign=campaign, user=other_organizer)
    return campaign


@pytest.fixture
def resource():
    return ResourceFactory(title="Talking points on holds")


def assign(resource, campaigns, user, note="Use it before the board hearing."):
    return services.assignment_create(resource=resource, campaigns=campaigns, user=user, note=note)


# --- assigning -------------------------------------------------------------------------------------


def test_assign_page_per_role(client, resource, campaign, organizer, staff, admin):
    url = reverse("assignments:assign", args=[resource.pk])
    assert client.get(url).status_code == 302
    client.force_login(organizer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"campaigns": [campaign.pk], "note": "x"}).status_code == 403
    assert not Assignment.objects.exists()
    for user in (staff, admin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "End holds in Alameda" in response.content.decode()


def test_staff_assign_one_resource_to_several_campaigns(client, resource, campaign, other_campaign, staff):
    client.force_login(staff)
    url = reverse("assignments:assign", args=[resource.pk])
    response = client.post(url, {"campaigns": [campaign.pk, other_campaign.pk], "note": "Read before the hearing"})
    assert response.status_code == 302 and response["Location"] == resource.get_absolute_url()
    assignments = Assignment.objects.order_by("campaign__name")
    assert [a.campaign for a in assignments] == [campaign, other_campaign]
    for assignment in assignments:
        assert assignment.note == "Read before the hearing"
        assert assignment.assigned_by == staff
        assert timezone.now() - assignment.assigned_at < datetime.timedelta(minutes=1)


def test_note_and_campaigns_are_required(client, resource, campaign, staff):
    client.force_login(staff)
    url = reverse("assignments:assign", args=[resource.pk])
    response = client.post(url, {"campaigns": [campaign.pk], "note": ""})
    assert response.status_code == 400 and "note" in response.context["form"].errors
    response = client.post(url, {"note": "Why"})
    assert response.status_code == 400 and "campaigns" in response.context["form"].errors
    response = client.post(url, {"campaigns": ["abc", 999999], "note": "Why"})
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_the_same_resource_is_not_assigned_twice_to_a_campaign(client, resource, campaign, other_campaign, staff):
    assign(resource, [campaign], staff)
    created, skipped = assign(resource, [campaign, other_campaign], staff)
    assert [a.campaign for a in created] == [other_campaign] and skipped == [campaign]
    assert Assignment.objects.filter(campaign=campaign).count() == 1
    client.force_login(staff)
    # The form does not offer a campaign that already has it; posting it anyway is a form error.
    response = client.get(reverse("assignments:assign", args=[resource.pk]))
    assert campaign not in response.context["form"].fields["campaigns"].queryset
    response = client.post(reverse("assignments:assign", args=[resource.pk]), {"campaigns": [campaign.pk], "note": "x"})
    assert response.status_code == 400
    assert Assignment.objects.filter(campaign=campaign).count() == 1


def test_the_database_refuses_a_second_active_assignment(resource, campaign, staff):
    assign(resource, [campaign], staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(resource=resource, campaign=campaign, note="again")


def test_a_withdrawn_resource_may_be_assigned_again(resource, campaign, staff):
    (first,), _ = assign(resource, [campaign], staff)
    services.assignment_withdraw(assignment=first, user=staff, reason="Outdated")
    created, skipped = assign(resource, [campaign], staff)
    assert len(created) == 1 and not skipped
    assert Assignment.objects.filter(campaign=campaign).count() == 2


def test_suggestions_cannot_be_assigned(client, campaign, staff):
    suggestion = ResourceFactory(status=Resource.Status.SUGGESTED)
    client.force_login(staff)
    response = client.post(
        reverse("assignments:assign", args=[suggestion.pk]), {"campaigns": [campaign.pk], "note": "x"}
    )
    assert response.status_code == 302
    assert not Assignment.objects.exists()


def test_only_staff_may_assign_through_the_service(resource, campaign, organizer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        assign(resource, [campaign], organizer)


# --- withdrawing -----------------------------------------------------------------------------------


def test_withdraw_per_role(client, resource, campaign, organizer, other_organizer, staff, admin):
    (assignment,), _ = assign(resource, [campaign], staff)
    url = reverse("assignments:withdraw", args=[assignment.pk])
    assert client.get(url).status_code == 302
    client.force_login(other_organizer)
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "no"}).status_code == 403
    for user in (staff, admin):
        client.force_login(user)
        assert client.get(url).status_code == 200
    assignment.refresh_from_db()
    assert assignment.is_active


def test_staff_withdraw_with_a_reason(client, resource, campaign, staff):
    (assignment,), _ = assign(resource, [campaign], staff)
    client.force_login(staff)
    url = reverse("assignments:withdraw", args=[assignment.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"reason": "A newer edition replaces it"})
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assignment.refresh_from_db()
    assert not assignment.is_active
    assert assignment.withdrawn_by == staff and assignment.withdrawal_reason == "A newer edition replaces it"


def test_withdrawing_twice_changes_nothing(client, resource, campaign, staff, admin):
    (assignment,), _ = assign(resource, [campaign], staff)
    services.assignment_withdraw(assignment=assignment, user=staff, reason="First")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.assignment_withdraw(assignment=assignment, user=admin, reason="Second")
    client.force_login(admin)
    client.post(reverse("assignments:withdraw", args=[assignment.pk]), {"reason": "Third"})
    assignment.refresh_from_db()
    assert assignment.withdrawal_reason == "First" and assignment.withdrawn_by == staff


def test_withdraw_never_redirects_off_site(client, resource, campaign, staff):
    (assignment,), _ = assign(resource, [campaign], staff)
    client.force_login(staff)
    url = reverse("assignments:withdraw", args=[assignment.pk])
    response = client.post(url, {"reason": "Done", "next": "https://evil.example/"})
    assert response["Location"] == campaign.get_absolute_url()


def test_withdrawal_needs_a_reason_in_the_database(resource, campaign, staff):
    (assignment,), _ = assign(resource, [campaign], staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(withdrawn_at=timezone.now())


# --- what organizers see ---------------------------------------------------------------------------


def test_organizer_sees_only_their_campaigns_assignments(resource, campaign, other_campaign, organizer, staff):
    assign(resource, [campaign, other_campaign], staff)
    mine = selectors.assignments_for_campaign(campaign, organizer)
    assert [a.campaign for a in mine] == [campaign]
    assert selectors.assignments_for_campaign(other_campaign, organizer) == []
    assert len(selectors.assignments_for_campaign(other_campaign, staff)) == 1
    assert [a.campaign for a in selectors.assignments_of_resource(resource, organizer)] == [campaign]
    assert len(selectors.assignments_of_resource(resource, staff)) == 2


def test_resource_page_shows_the_organizers_assignments_only(
    client, resource, campaign, other_campaign, organizer, staff
):
    assign(resource, [campaign], staff, note="For the sheriff meeting")
    assign(resource, [other_campaign], staff, note="Secret strategy elsewhere")
    client.force_login(organizer)
    assert (
        reverse("assignments:assign", args=[resource.pk])
        not in client.get(resource.get_absolute_url()).content.decode()
    )
    body = client.get(reverse("assignments:of-resource", args=[resource.pk])).content.decode()
    assert "For the sheriff meeting" in body and "Secret strategy elsewhere" not in body


def test_new_assignments_are_marked_until_opened(client, resource, campaign, organizer, other_organizer, staff):
    (assignment,), _ = assign(resource, [campaign], staff)
    assert selectors.assignments_for_campaign(campaign, organizer)[0].is_new
    assert not selectors.assignments_for_campaign(campaign, staff)[0].is_new  # the one who assigned it
    client.force_login(other_organizer)
    assert client.get(assignment.get_absolute_url()).status_code == 404
    client.force_login(organizer)
    response = client.get(assignment.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(resource.get_absolute_url())
    assert not selectors.assignments_for_campaign(campaign, organizer)[0].is_new
    client.get(assignment.get_absolute_url())
    assert AssignmentOpen.objects.count() == 1


def test_open_assignment_needs_sign_in(client, resource, campaign, staff):
    (assignment,), _ = assign(resource, [campaign], staff)
    response = client.get(assignment.get_absolute_url())
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_withdrawn_assignments_show_their_reason_and_are_not_new(resource, campaign, organizer, staff):
    (assignment,), _ = assign(resource, [campaign], staff)
    services.assignment_withdraw(assignment=assignment, user=staff, reason="Superseded")
    (listed,) = selectors.assignments_for_campaign(campaign, organizer)
    assert not listed.is_active and not listed.is_new and listed.withdrawal_reason == "Superseded"


def test_assignments_new_since_is_for_digests(resource, campaign, other_campaign, organizer, staff):
    assign(resource, [campaign, other_campaign], staff)
    since = timezone.now() - datetime.timedelta(days=7)
    assert [a.campaign for a in selectors.assignments_new_since(organizer, since)] == [campaign]
    assert len(list(selectors.assignments_new_since(staff, since))) == 2
    assert list(selectors.assignments_new_since(organizer, timezone.now() + datetime.timedelta(days=1))) == []


# --- the campaign page's resources -----------------------------------------------------------------


def campaign_page(campaign, user):
    client = Client()
    client.force_login(user)
    return client.get(campaign.get_absolute_url())


def resources_panel(campaign, user):
    html = campaign_page(campaign, user).content.decode()
    start = html.index('id="resources"')
    return html[start : html.index("</section>", start)]


def test_panel_marks_new_ones_and_offers_withdraw_to_staff_only(resource, campaign, organizer, staff):
    (assignment,), _ = assign(resource, [campaign], staff, note="Bring it to the meeting")
    html = resources_panel(campaign, organizer)
    assert "Talking points on holds" in html and "Bring it to the meeting" in html
    assert "data-new" in html and "1 new" in html
    assert reverse("assignments:withdraw", args=[assignment.pk]) not in html
    assert staff.get_full_name() in html
    staff_html = resources_panel(campaign, staff)
    assert reverse("assignments:withdraw", args=[assignment.pk]) in staff_html


def test_campaign_page_is_404_for_someone_not_on_the_campaign(resource, campaign, other_organizer, staff):
    assign(resource, [campaign], staff)
    response = campaign_page(campaign, other_organizer)
    assert response.status_code == 404
    assert b"Talking points on holds" not in response.content


def test_campaign_page_query_count_does_not_grow_with_assignments(campaign, organizer, staff):
    def count():
        with CaptureQueriesContext(connection) as queries:
            html = resources_panel(campaign, organizer)
        return len(queries), html.count("data-assignment=")

    for _ in range(2):
        assign(ResourceFactory(), [campaign], staff)
    small, small_rows = count()
    for _ in range(20):
        assign(ResourceFactory(), [campaign], staff)
    first = Assignment.objects.filter(campaign=campaign).first()
    services.assignment_withdraw(assignment=first, user=staff, reason="Old")
    large, large_rows = count()
    assert (small_rows, large_rows) == (2, 22)
    assert small == large, f"{small} queries at {small_rows} rows, {large} at {large_rows}"


def test_resource_page_query_count_does_not_grow_with_assignments(client, resource, staff):
    client.force_login(staff)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(resource.get_absolute_url()).status_code == 200
        return len(queries)

    assign(resource, [CampaignFactory() for _ in range(2)], staff)
    small = count()
    assign(resource, [CampaignFactory() for _ in range(20)], staff)
    assert count() == small


# --- the resource page's campaigns -----------------------------------------------------------------


def test_resource_page_loads_the_campaigns_it_is_assigned_to_per_role(
    client, resource, campaign, other_campaign, organizer, other_organizer, staff, admin
):
    (first, second), _ = assign(resource, [campaign, other_campaign], staff)
    url = reverse("assignments:of-resource", args=[resource.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(organizer)
    assert f'hx-get="{url}' in client.get(resource.get_absolute_url()).content.decode()
    for user, shown, hidden in (
        (organizer, [campaign], [other_campaign]),
        (other_organizer, [other_campaign], [campaign]),
        (staff, [campaign, other_campaign], []),
        (admin, [campaign, other_campaign], []),
    ):
        client.force_login(user)
        html = client.get(url, {"next": resource.get_absolute_url()}).content.decode()
        assert all(c.name in html for c in shown) and not any(c.name in html for c in hidden), user
        withdraw = reverse("assignments:withdraw", args=[first.pk])
        assert (withdraw in html) is (user in (staff, admin)), user


def test_resource_page_campaigns_query_count_does_not_grow(client, resource, staff):
    url = reverse("assignments:of-resource", args=[resource.pk])
    client.force_login(staff)

    def count():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return len(queries), html.count("data-assignment=")

    assign(resource, [CampaignFactory() for _ in range(2)], staff)
    small, small_rows = count()
    assign(resource, [CampaignFactory() for _ in range(20)], staff)
    large, large_rows = count()
    assert (small_rows, large_rows) == (2, 22)
    assert small == large
