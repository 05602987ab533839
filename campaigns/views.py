"""Campaign pages. Every view that touches a campaign goes through campaigns.access.campaign_for_user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.roles import is_staff_member
from jurisdictions.models import Jurisdiction

from . import selectors, services
from .access import campaign_for_user, campaigns_visible_to, can_manage_campaigns
from .filters import DEFAULT_SORT, SORTS, CampaignFilter
from .forms import CampaignForm, DeadlineForm, MemberForm, ShareForm, StageForm, StanceForm, TargetForm
from .models import Campaign, CampaignShare, Deadline, Membership, Target
from .selectors_assignments import assignments_for_campaign
from .selectors_history import record_history_for
from .timezones import in_user_time_zone

PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 20


def add_service_errors(form, error):
    """Put a service's ValidationError on the form, on the field it names where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def page_number(request, name="page"):
    try:
        return max(1, int(request.GET.get(name, 1)))
    except (TypeError, ValueError):
        return 1


# --- list and detail -----------------------------------------------------------------------------


@login_required
def campaign_list(request):
    """The campaigns the reader may see, filtered, sorted and paged."""
    visible = campaigns_visible_to(request.user)
    filterset = CampaignFilter(request.GET or None, queryset=visible, request=request)
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    # Filters that are not understood show an empty list with the form's errors, never everything.
    campaigns = visible.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
    campaigns = selectors.campaign_list(base=campaigns).order_by(*SORTS[sort])
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": selectors.campaign_rows(page),
        "sort": sort,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "can_create": can_manage_campaigns(request.user),
    }
    return render(request, "campaigns/campaign_list.html", context)


TIMELINE_KINDS = {"stage", "meetings", "requests", "letters", "deadlines", "resources", "ice287g"}


@login_required
@in_user_time_zone
def campaign_detail(request, pk):
    """The campaign page: header, team, targets and whip count, deadlines, resources and one timeline."""
    campaign = campaign_for_user(request.user, pk, queryset=selectors.campaign_detail_queryset())
    kind = request.GET.get("kind")
    if kind not in TIMELINE_KINDS:
        kind = None
    timeline_page = page_number(request, "tpage")
    assignments = assignments_for_campaign(campaign, request.user)
    stage_changes = list(campaign.stage_changes.all())
    targets = list(campaign.targets.all())
    timeline, timeline_more = selectors.campaign_timeline(
        campaign,
        kind=kind,
        page=timeline_page,
        per_page=TIMELINE_PAGE_SIZE,
        stage_changes=stage_changes,
        targets={target.pk: target for target in targets},
        assignments=assignments,
    )
    deadlines, open_count, overdue_count = selectors.campaign_deadlines_ahead(campaign)
    context = {
        "campaign": campaign,
        "targets": targets,
        "whip": selectors.whip_count(campaign, targets),
        "team": list(campaign.memberships.all()),
        "stage_changes": stage_changes,
        "deadlines": deadlines,
        "overdue_count": overdue_count,
        "open_count": open_count,
        "timeline": timeline,
        "timeline_kind": kind,
        "timeline_page": timeline_page,
        "timeline_more": timeline_more,
        "stance_form": StanceForm(),
        "assignments": assignments,
        "new_count": sum(1 for assignment in assignments if assignment.is_new),
        "can_assign": is_staff_member(request.user),
    }
    return render(request, "campaigns/campaign_detail.html", context)


# --- staff: create, edit, stage, team ------------------------------------------------------------


@login_required
def campaign_new(request):
    if not can_manage_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(
        request.POST or None, user=request.user, creating=True, initial={"state": request.GET.get("state")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                user=request.user,
                name=data["name"],
                jurisdiction=data["jurisdiction"],
                goal=data["goal"],
                goal_detail=data["goal_detail"],
                lead=data["lead"],
                summary=data["summary"],
                started_on=data["started_on"],
                board_seats=data["board_seats"],
                organizers=data["organizers"],
                organization=data.get("organization"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Campaign created."))
            return redirect(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "creating": True})


@login_required
def jurisdiction_campaigns(request, jurisdiction_pk):
    """The campaigns of a jurisdiction that the reader may see: the county page loads them (htmx)."""
    jurisdiction = get_object_or_404(Jurisdiction, pk=jurisdiction_pk)
    campaigns = campaigns_visible_to(request.user).filter(jurisdiction=jurisdiction).order_by("name")[:100]
    return render(request, "campaigns/_jurisdiction_campaigns.html", {"campaigns": campaigns})


@login_required
def campaign_edit(request, pk):
    campaign = campaign_for_user(request.user, pk, manage=True)
    form = CampaignForm(request.POST or None, user=request.user, instance=campaign, creating=False)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.fields}
        try:
            # The form already applied the values to the instance; the service validates and saves.
            services.campaign_update(campaign=campaign, user=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign, "creating": False})


@login_required
def campaign_stage(request, pk):
    campaign = campaign_for_user(request.user, pk, manage=True)
    form = StageForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_change_stage(
                campaign=campaign,
                user=request.user,
                stage=form.cleaned_data["stage"],
                note=form.cleaned_data["note"],
                outcome=form.cleaned_data["outcome"],
                policy_record=form.policy_record(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Stage changed."))
            return redirect(campaign)
    return render(request, "campaigns/campaign_stage.html", {"form": form, "campaign": campaign})


@login_required
def campaign_team(request, pk):
    campaign = campaign_for_user(request.user, pk)
    if not campaign.user_can_add_team:
        raise PermissionDenied
    form = MemberForm(request.POST or None, campaign=campaign, user=request.user)
    if request.method == "POST":
        if "remove" in request.POST:
            if not campaign.user_can_manage:
                raise PermissionDenied  # a partner adds their people; the owning organization takes people off
            remove = request.POST.get("remove", "")
            membership = (
                Membership.objects.filter(campaign=campaign, pk=remove).select_related("user").first()
                if remove.isdigit()
                else None
            )
            if membership is None:
                messages.error(request, _("That person is not on the team."))
            else:
                try:
                    services.membership_remove(campaign=campaign, user=request.user, member=membership.user)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, _("Taken off the team."))
            return redirect("campaigns:team", pk=campaign.pk)
        if form.is_valid():
            services.membership_add(
                campaign=campaign, user=request.user, member=form.cleaned_data["user"], role=form.cleaned_data["role"]
            )
            messages.success(request, _("Added to the team."))
            return redirect("campaigns:team", pk=campaign.pk)
    team = campaign.memberships.select_related("user").order_by("-role", "user__username")
    return render(request, "campaigns/campaign_team.html", {"form": form, "campaign": campaign, "team": team})


@login_required
def campaign_sharing(request, pk):
    """Share the campaign with partner organizations, change how, or stop (the owning organization's staff)."""
    campaign = campaign_for_user(
        request.user, pk, manage=True, queryset=Campaign.objects.select_related("organization")
    )
    form = ShareForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        if "unshare" in request.POST:
            share = CampaignShare.objects.filter(campaign=campaign, pk=request.POST.get("unshare") or 0).first()
            if share is None:
                messages.error(request, _("The campaign is not shared with that organization."))
            else:
                services.campaign_unshare(campaign=campaign, user=request.user, organization=share.organization)
                messages.success(request, _("No longer shared with %(name)s.") % {"name": share.organization.name})
            return redirect("campaigns:sharing", pk=campaign.pk)
        if form.is_valid():
            try:
                share = services.campaign_share(campaign=campaign, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Shared with %(name)s: %(level)s.")
                    % {"name": share.organization.name, "level": share.get_level_display()},
                )
                return redirect("campaigns:sharing", pk=campaign.pk)
    shares = campaign.shares.select_related("organization", "shared_by").order_by("organization__name")
    return render(request, "campaigns/campaign_sharing.html", {"form": form, "campaign": campaign, "shares": shares})


# --- targets -------------------------------------------------------------------------------------


@login_required
def target_new(request, pk):
    campaign = campaign_for_user(
        request.user, pk, change=True, queryset=Campaign.objects.select_related("jurisdiction")
    )
    form = TargetForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.target_add(
                campaign=campaign,
                user=request.user,
                official=data["official"],
                agency=None if data["official"] else data["agency"],
                stance=data["stance"],
                votes=data["votes"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Target added."))
            return redirect(campaign)
    return render(request, "campaigns/target_form.html", {"form": form, "campaign": campaign})


@login_required
def target_stances(request, pk, target_pk):
    """A target's stance history: the part the campaign page loads (htmx), or a page of its own."""
    campaign = campaign_for_user(request.user, pk)
    target = get_object_or_404(Target, campaign=campaign, pk=target_pk)
    context = {
        "campaign": campaign,
        "target": target,
        "changes": target.stance_changes.select_related("changed_by").order_by("-changed_at", "-pk"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "campaigns/_stance_history.html", context)
    context["history"] = record_history_for(request.user, campaign, target)
    return render(request, "campaigns/target_stances.html", context)


@login_required
@require_POST
def target_stance(request, pk, target_pk):
    campaign = campaign_for_user(request.user, pk, change=True)
    target = get_object_or_404(Target, campaign=campaign, pk=target_pk)
    form = StanceForm(request.POST)
    if form.is_valid():
        services.target_set_stance(
            target=target, user=request.user, stance=form.cleaned_data["stance"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("Stance of %(name)s updated.") % {"name": target.name})
    else:
        messages.error(request, _("Choose a stance from the list."))
    return redirect(f"{campaign.get_absolute_url()}#targets")


# --- deadlines -----------------------------------------------------------------------------------


@login_required
@in_user_time_zone
def deadline_new(request, pk):
    campaign = campaign_for_user(request.user, pk, change=True)
    form = DeadlineForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_create(campaign=campaign, user=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Deadline added."))
            return redirect(campaign)
    return render(request, "campaigns/deadline_form.html", {"form": form, "campaign": campaign})


@login_required
@in_user_time_zone
def deadline_edit(request, pk, deadline_pk):
    campaign = campaign_for_user(request.user, pk, change=True)
    deadline = get_object_or_404(Deadline, campaign=campaign, pk=deadline_pk)
    form = DeadlineForm(request.POST or None, instance=deadline, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_update(deadline=deadline, user=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Deadline saved."))
            return redirect(campaign)
    context = {
        "form": form,
        "campaign": campaign,
        "deadline": deadline,
        "history": record_history_for(request.user, campaign, deadline),
    }
    return render(request, "campaigns/deadline_form.html", context)


DEADLINE_ACTIONS = {
    "done": services.deadline_complete,
    "cancel": services.deadline_cancel,
    "reopen": services.deadline_reopen,
}


@login_required
@require_POST
def deadline_action(request, pk, deadline_pk, action):
    campaign = campaign_for_user(request.user, pk, change=True)
    if action not in DEADLINE_ACTIONS:
        raise Http404
    deadline = get_object_or_404(Deadline.objects.select_related("campaign"), campaign=campaign, pk=deadline_pk)
    with transaction.atomic():
        DEADLINE_ACTIONS[action](deadline=deadline, user=request.user)
    return redirect(request.POST.get("next") if _safe_next(request) else campaign.get_absolute_url())


def _safe_next(request):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
