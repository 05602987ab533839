"""People join an organization by an email invitation (there is no public sign-up): staff of the organization
send it, the link works once and expires, and accepting it gives the role it names."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Organization, OrganizationMembership
from accounts.organizations import default_organization
from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return Organization.objects.create(name="Valley Rapid Response", slug="valley-rapid-response", language="es")


def detail(organization):
    return reverse("organizations:detail", args=[organization.slug])


def invite(client, organization, email="new@example.org", role="organizer", django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(detail(organization), {"email": email, "role": role})


def link_in(message):
    return re.search(r"https?://\S+/organizations/invitations/\S+/", message.body).group(0)


def test_staff_invite_and_the_invited_person_joins_as_the_role_named(
    client, partner, django_capture_on_commit_callbacks
):
    staff = f.UserFactory(role=roles.STAFF, role__organization=partner)
    client.force_login(staff)
    response = invite(
        client, partner, role="staff", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert "Valley Rapid Response" in message.subject
    assert "Aceptar la invitación" in message.alternatives[0][0]  # in the organization's language
    link = link_in(message)
    invitation = Invitation.objects.get()
    assert link.rsplit("/", 2)[-2] not in invitation.token_hash  # only a hash is kept
    client.logout()
    path = link.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in link else "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200 and "Valley Rapid Response" in page.content.decode()
    response = client.post(
        path,
        {
            "username": "rosa",
            "first_name": "Rosa",
            "last_name": "D",
            "password1": "a-long-pass-4411",
            "password2": "a-long-pass-4411",
        },
    )
    assert response.status_code == 302
    membership = OrganizationMembership.objects.get(user__username="rosa")
    assert (membership.organization, membership.role) == (partner, "staff")
    assert roles.role_of(membership.user) == roles.STAFF
    assert membership.user.email == "new@example.org"
    # Used once.
    client.logout()
    assert client.get(path).status_code == 404


def test_a_signed_in_person_joins_with_their_account(client, partner, django_capture_on_commit_callbacks):
    staff = f.UserFactory(role=roles.STAFF, role__organization=partner)
    client.force_login(staff)
    invite(
        client, partner, email="org1@example.org", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    path = "/" + link_in(mail.outbox[0]).split("/", 3)[3]
    someone = f.UserFactory(role=roles.ORGANIZER)
    client.force_login(someone)
    assert client.post(path).status_code == 302
    assert set(someone.organization_memberships.values_list("organization__slug", flat=True)) == {
        "default",
        "valley-rapid-response",
    }


def test_an_expired_or_withdrawn_invitation_no_longer_works(client, partner, django_capture_on_commit_callbacks):
    staff = f.UserFactory(role=roles.STAFF, role__organization=partner)
    client.force_login(staff)
    invite(client, partner, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    invite(
        client, partner, email="two@example.org", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    first, second = ("/" + link_in(m).split("/", 3)[3] for m in mail.outbox)
    Invitation.objects.filter(email="new@example.org").update(expires_at=timezone.now() - timedelta(minutes=1))
    withdrawn = Invitation.objects.get(email="two@example.org")
    assert client.post(detail(partner), {"withdraw": withdrawn.pk}).status_code == 302
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 404
    assert client.get("/organizations/invitations/not-a-token/").status_code == 404


def test_someone_already_in_the_organization_is_not_invited_again(client, partner):
    staff = f.UserFactory(role=roles.STAFF, role__organization=partner)
    member = f.UserFactory(role=roles.ORGANIZER, role__organization=partner)
    client.force_login(staff)
    response = client.post(detail(partner), {"email": member.email.upper(), "role": "organizer"})
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("who", "status", "form_shown"),
    [
        ("anonymous", 302, False),
        ("partner_organizer", 200, False),
        ("partner_staff", 200, True),
        ("other_staff", 404, False),
        ("admin", 200, True),
    ],
)
def test_the_organization_page_per_role(client, partner, who, status, form_shown):
    people = {
        "partner_organizer": lambda: f.UserFactory(role=roles.ORGANIZER, role__organization=partner),
        "partner_staff": lambda: f.UserFactory(role=roles.STAFF, role__organization=partner),
        "other_staff": lambda: f.UserFactory(role=roles.STAFF, role__organization=default_organization()),
        "admin": lambda: f.UserFactory(role=roles.ADMIN),
    }
    if who != "anonymous":
        client.force_login(people[who]())
    response = client.get(detail(partner))
    assert response.status_code == status
    if status == 200:
        assert ('name="email"' in response.content.decode()) is form_shown


def test_an_organizer_may_not_invite(client, partner):
    client.force_login(f.UserFactory(role=roles.ORGANIZER, role__organization=partner))
    assert client.post(detail(partner), {"email": "x@example.org", "role": "staff"}).status_code == 403
    assert not Invitation.objects.exists()


def test_the_list_shows_ones_organizations(client, partner):
    user = f.UserFactory(role=roles.ORGANIZER, role__organization=partner)
    client.force_login(user)
    page = client.get(reverse("organizations:list")).content.decode()
    assert "Valley Rapid Response" in page and default_organization().name not in page
