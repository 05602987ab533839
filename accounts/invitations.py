"""Inviting people by email to an organization: there is no public sign-up.

The link carries a random secret; only its SHA-256 is stored. An invitation is used once, can be withdrawn,
and expires after INVITATION_DAYS days. Accepting it creates the account (or, signed in, adds the account
that accepts it) with the role it names, and the matching role group (accounts.organizations).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Invitation, Organization, OrganizationMembership
from .organizations import membership_set


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("organizations:invitation", args=[token])


@transaction.atomic
def invitation_send(*, organization: Organization, email: str, role: str, invited_by: User) -> Invitation:
    """Invite `email` to the organization in `role`, and send the email (in the organization's language)."""
    email = email.strip()
    if role not in OrganizationMembership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if OrganizationMembership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this email is already in the organization.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    context = {
        "invitation": invitation,
        "link": invitation_link(token),
        "inviter": invited_by.get_full_name() or invited_by.username,
        "days": settings.INVITATION_DAYS,
    }
    with translation.override(organization.language):
        subject = _("You are invited to %(organization)s on the campaign desk") % {"organization": organization.name}
        text = render_to_string("emails/invitation.txt", context)
        html = render_to_string("emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[email])
    message.attach_alternative(html, "text/html")
    transaction.on_commit(message.send)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation the link's secret opens, if it is still good (not used, withdrawn or expired)."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(token_hash=_hash(token or "")).first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, username: str = "", password: str = "", **names: str
) -> User:
    """Accept the invitation: with the signed-in `user`, or as a new account of `username` and `password`."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has been used, withdrawn or has expired. Ask for a new one."))
    if user is None:
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is taken. Choose another.")})
        user = User(username=username, email=invitation.email, **names)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
    membership_set(organization=invitation.organization, user=user, role=invitation.role)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def invitation_withdraw(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())
