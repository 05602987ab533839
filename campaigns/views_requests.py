"""Public-records requests: one request per agency, each with its legal due date turned into a deadline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jurisdictions.models import RecordsLaw

from . import services
from .access import campaign_for_user
from .due_dates import compute_due_date
from .forms import RecordsRequestForm, RecordsRequestStatusForm
from .models import Campaign, RecordsRequest
from .selectors_history import record_history_for
from .views import add_service_errors


def _state_law(campaign):
    return RecordsLaw.objects.filter(state_id=campaign.jurisdiction.state_id).first()


@login_required
def request_new(request, pk):
    campaign = campaign_for_user(
        request.user, pk, change=True, queryset=Campaign.objects.select_related("jurisdiction__state")
    )
    form = RecordsRequestForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.records_request_create(
                campaign=campaign,
                user=request.user,
                agencies=data["agencies"],
                subject=data["subject"],
                records_sought=data["records_sought"],
                method=data["method"],
                sent_on=data["sent_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)d records request saved.", "%(count)d records requests saved.", len(created))
                % {"count": len(created)},
            )
            if len(created) == 1:
                return redirect(created[0])
            return redirect(f"{campaign.get_absolute_url()}?kind=requests#timeline")
    return render(
        request,
        "campaigns/request_form.html",
        {"campaign": campaign, "form": form, "law": _state_law(campaign)},
    )


PREVIEW_YEARS_AHEAD = 10


@login_required
def request_due_preview(request, pk):
    """The due date a request sent on ?sent_on= would get (htmx, while the form is being filled)."""
    campaign = campaign_for_user(
        request.user, pk, change=True, queryset=Campaign.objects.select_related("jurisdiction__state")
    )
    law = _state_law(campaign)
    sent_on = _parse_date(request.GET.get("sent_on"))
    latest = timezone.localdate().year + PREVIEW_YEARS_AHEAD
    if sent_on is not None and not 2000 <= sent_on.year <= latest:
        # A date near 9999-12-31 has no due date to count to (the calendar ends first).
        message = _("Give a date between 2000 and %(year)d.") % {"year": latest}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    due = compute_due_date(law, sent_on)
    preview = RecordsRequest(law=law, sent_on=sent_on, due_rule=due.rule, due_date=due.date)
    return render(request, "campaigns/_due_date.html", {"records_request": preview, "preview": True})


def _parse_date(value):
    """A date from ?sent_on=, or None when it is missing or not a real date."""
    try:
        return parse_date(value or "")
    except ValueError:
        return None


@login_required
def request_detail(request, pk, request_pk):
    campaign = campaign_for_user(request.user, pk, change=request.method == "POST")
    try:
        records_request = (
            RecordsRequest.objects.select_related("agency", "law", "created_by")
            .prefetch_related("deadlines")
            .get(campaign=campaign, pk=request_pk)
        )
    except RecordsRequest.DoesNotExist:
        raise Http404("No such request.") from None
    form = RecordsRequestStatusForm(
        request.POST or None,
        initial={
            "status": records_request.status,
            "sent_on": records_request.sent_on,
            "response_note": records_request.response_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.records_request_update(
                request=records_request,
                user=request.user,
                status=data["status"],
                sent_on=data["sent_on"],
                extended_to=data["extended_to"],
                response_note=data["response_note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request updated."))
            return redirect(records_request)
    siblings = []
    if records_request.batch:
        siblings = list(
            RecordsRequest.objects.filter(campaign=campaign, batch=records_request.batch)
            .exclude(pk=records_request.pk)
            .select_related("agency")
        )
    return render(
        request,
        "campaigns/request_detail.html",
        {
            "campaign": campaign,
            "records_request": records_request,
            "form": form,
            "siblings": siblings,
            "history": record_history_for(request.user, campaign, records_request),
        },
    )
