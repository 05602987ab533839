"""Staff assign library resources to campaigns and withdraw them; a reader opens what was assigned."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.access import sign_in_required, staff_required
from resources.access import resource_for_user
from resources.models import Resource

from . import selectors_assignments as selectors
from .access import campaign_for_user
from .forms.assignments import AssignForm, WithdrawForm
from .models import Assignment
from .services import assignments as services


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@staff_required
def resource_assign(request, pk):
    resource = resource_for_user(request.user, pk, change=True)
    if resource.status != Resource.Status.APPROVED:
        messages.error(request, _("Only resources in the library can be assigned; review the suggestion first."))
        return redirect(resource)
    if request.method == "POST":
        form = AssignForm(request.POST, resource=resource)
        if form.is_valid():
            try:
                created, skipped = services.assignment_create(
                    resource=resource,
                    campaigns=list(form.cleaned_data["campaigns"]),
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if created:
                    messages.success(
                        request,
                        ngettext("Assigned to %(count)d campaign.", "Assigned to %(count)d campaigns.", len(created))
                        % {"count": len(created)},
                    )
                if skipped:
                    messages.info(
                        request,
                        _("Already assigned, left as it was: %(names)s.")
                        % {"names": ", ".join(campaign.name for campaign in skipped)},
                    )
                return redirect(_safe_next(request, resource.get_absolute_url()))
    else:
        form = AssignForm(resource=resource, initial={"campaigns": request.GET.getlist("campaign")})
    context = {
        "resource": resource,
        "form": form,
        "assigned": [a for a in selectors.assignments_of_resource(resource, request.user) if a.is_active],
        "next": _safe_next(request, ""),
    }
    return render(request, "campaigns/assign.html", context, status=400 if form.errors else 200)


@sign_in_required
def resource_assignments(request, pk):
    """The campaigns a resource is assigned to, as the reader may see them: its page loads them (htmx)."""
    resource = resource_for_user(request.user, pk)
    context = {
        "resource": resource,
        "assignments": selectors.assignments_of_resource(resource, request.user),
        "from_campaign": request.GET.get("from_campaign", ""),
        "next": _safe_next(request, resource.get_absolute_url()),
    }
    return render(request, "campaigns/_resource_assignments.html", context)


def _assignment_for_user(user, pk, *, manage=False):
    """The assignment if `user` may see its campaign (404 otherwise); staff only when managing (403)."""
    assignment = get_object_or_404(Assignment.objects.select_related("resource", "campaign"), pk=pk)
    campaign_for_user(user, assignment.campaign_id, manage=manage)
    return assignment


@sign_in_required
def assignment_open(request, pk):
    """An organizer opens an assignment from their campaign page: it is no longer new for them."""
    assignment = _assignment_for_user(request.user, pk)
    services.assignment_mark_opened(assignment=assignment, user=request.user)
    return redirect(f"{assignment.resource.get_absolute_url()}?from_campaign={assignment.campaign_id}")


@sign_in_required
def assignment_withdraw(request, pk):
    # Organizers not on the campaign get 404, those on it 403: the campaign access helper decides.
    assignment = _assignment_for_user(request.user, pk, manage=True)
    default_next = assignment.campaign.get_absolute_url()
    if not assignment.is_active:
        messages.info(request, _("This assignment was already withdrawn."))
        return redirect(_safe_next(request, default_next))
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_withdraw(
                    assignment=assignment, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                messages.info(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("“%(title)s” withdrawn from %(campaign)s.")
                    % {"title": assignment.resource.title, "campaign": assignment.campaign.name},
                )
            return redirect(_safe_next(request, default_next))
    else:
        form = WithdrawForm()
    context = {"assignment": assignment, "form": form, "next": _safe_next(request, "")}
    return render(request, "campaigns/withdraw.html", context, status=400 if form.errors else 200)
