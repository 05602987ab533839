"""Organizations: the ones a person belongs to, their people, and invitations by email to join one."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import sign_in_required
from core.roles import is_admin

from . import invitations
from .forms import AcceptInvitationForm, InvitationForm
from .models import Invitation, Organization, OrganizationMembership
from .organizations import manages_organization


def _organizations_of(user):
    if is_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user)


@sign_in_required
def organization_list(request):
    organizations = _organizations_of(request.user).order_by("name")
    roles = dict(OrganizationMembership.objects.filter(user=request.user).values_list("organization_id", "role"))
    rows = [(organization, roles.get(organization.pk)) for organization in organizations]
    return render(request, "accounts/organization_list.html", {"rows": rows})


@sign_in_required
def organization_detail(request, slug):
    """Its people, and for its staff (and network admins) the invitations: send, see, withdraw."""
    organization = get_object_or_404(_organizations_of(request.user), slug=slug)
    can_invite = is_admin(request.user) or manages_organization(request.user, organization.pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not can_invite:
            raise PermissionDenied
        if "withdraw" in request.POST:
            invitation = Invitation.objects.filter(
                organization=organization, pk=request.POST.get("withdraw") or 0
            ).first()
            if invitation is None:
                raise Http404("No such invitation.")
            invitations.invitation_withdraw(invitation=invitation)
            messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
            return redirect("organizations:detail", slug=organization.slug)
        if form.is_valid():
            try:
                invitation = invitations.invitation_send(
                    organization=organization, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("organizations:detail", slug=organization.slug)
    people = organization.memberships.select_related("user").order_by("role", "user__last_name", "user__username")
    pending = (
        organization.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at")
        if can_invite
        else Invitation.objects.none()
    )
    return render(
        request,
        "accounts/organization_detail.html",
        {"organization": organization, "people": people, "pending": pending, "form": form, "can_invite": can_invite},
    )


def invitation_accept(request, token):
    """The link in the email: a new account, or (signed in) joining with the account one has."""
    invitation = invitations.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_gone.html", status=404)
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            if signed_in:
                user = invitations.invitation_accept(invitation=invitation, user=request.user)
            else:
                data = form.cleaned_data
                user = invitations.invitation_accept(
                    invitation=invitation,
                    username=data["username"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                login(request, user, backend="accounts.backends.ProfileBackend")
        except ValidationError as error:
            if form is None or not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
            else:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organization.name})
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})
