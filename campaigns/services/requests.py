"""Public-records requests and their legal due dates."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import keep_history_of_update
from jurisdictions.models import Agency, RecordsLaw

from ..due_dates import compute_due_date, compute_extended_due_date
from ..models import (
    OPEN_REQUEST_STATUSES,
    Campaign,
    Deadline,
    RecordsRequest,
)
from .common import _agency_belongs, _full_clean, campaign_touch
from .deadlines import _deadline_close, deadline_create, deadline_reopen

# --- records requests ----------------------------------------------------------------------------


def _request_deadline_sync(request: RecordsRequest, user: User) -> None:
    """Keep the request's 'response due' deadline in step with its due date and status."""
    deadline = Deadline.objects.filter(records_request=request).first()
    wanted_open = request.due_date is not None and request.status in OPEN_REQUEST_STATUSES
    if deadline is None:
        if request.due_date is not None:
            deadline_create(
                campaign=request.campaign,
                user=user,
                title=_("Records response due: %(agency)s") % {"agency": request.agency.name},
                kind=Deadline.Kind.RECORDS_DUE,
                due_date=request.due_date,
                owner=request.created_by if request.created_by_id else None,
                records_request=request,
            )
            if not wanted_open:
                deadline = Deadline.objects.get(records_request=request)
                _deadline_close(deadline, user, Deadline.Status.DONE)
        return
    if request.due_date is None:
        _deadline_close(deadline, user, Deadline.Status.CANCELLED)
        return
    if deadline.due_date != request.due_date:
        Deadline.objects.filter(pk=deadline.pk).update(due_date=request.due_date)
        keep_history_of_update(Deadline, pks=[deadline.pk], user=user)
    if wanted_open and deadline.status != Deadline.Status.OPEN:
        deadline_reopen(deadline=deadline, user=user)
    elif not wanted_open and deadline.status == Deadline.Status.OPEN:
        _deadline_close(deadline, user, Deadline.Status.DONE)


def _request_law(agency: Agency) -> RecordsLaw | None:
    """The records law of the agency's state, read fresh (due dates must follow the law as it is now)."""
    return RecordsLaw.objects.filter(state_id=agency.state_id).first()


@transaction.atomic
def records_request_create(
    *,
    campaign: Campaign,
    user: User,
    agencies: Iterable[Agency],
    subject: str,
    records_sought: str,
    method: str = RecordsRequest.Method.EMAIL,
    sent_on: date | None = None,
) -> list[RecordsRequest]:
    """One request per agency (sent together they share a batch); a sent request gets its legal due date."""
    chosen = list(agencies)
    if not chosen:
        raise ValidationError({"agencies": _("Choose at least one agency.")})
    if sent_on is not None and sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The sent date cannot be in the future.")})
    for agency in chosen:
        if not _agency_belongs(campaign, agency):
            raise ValidationError(
                {"agencies": _("%(agency)s is not in this campaign's jurisdiction.") % {"agency": agency}}
            )
    batch = uuid.uuid4() if len(chosen) > 1 else None
    requests = []
    for agency in chosen:
        law = _request_law(agency)
        due = compute_due_date(law, sent_on)
        request = RecordsRequest(
            campaign=campaign,
            agency=agency,
            subject=subject,
            records_sought=records_sought,
            method=method,
            sent_on=sent_on,
            status=RecordsRequest.Status.SENT if sent_on else RecordsRequest.Status.DRAFT,
            law=law,
            due_rule=due.rule,
            original_due_date=due.date,
            due_date=due.date,
            batch=batch,
            created_by=user,
        )
        _full_clean(request)
        request.save()
        _request_deadline_sync(request, user)
        requests.append(request)
    campaign_touch(campaign=campaign)
    return requests


@transaction.atomic
def records_request_update(
    *,
    request: RecordsRequest,
    user: User,
    status: str,
    sent_on: date | None = None,
    extended_to: date | None = None,
    response_note: str | None = None,
) -> RecordsRequest:
    """Change a request's status. Sending computes the due date; extending moves it (and its deadline).

    extended_to: the date the agency gave when it extended; without it the law's extension period is used.
    """
    request = RecordsRequest.objects.select_for_update(of=("self",)).select_related("agency", "law").get(pk=request.pk)
    if status not in RecordsRequest.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    today = timezone.localdate()
    if sent_on is not None and sent_on > today:
        raise ValidationError({"sent_on": _("The sent date cannot be in the future.")})
    if status != RecordsRequest.Status.DRAFT:
        sent_on = sent_on or request.sent_on
        if sent_on is None:
            raise ValidationError({"sent_on": _("Say when the request was sent.")})
    else:
        sent_on = None
    if response_note is not None:
        request.response_note = response_note

    sent_changed = sent_on != request.sent_on
    request.sent_on = sent_on
    request.status = status
    if request.law is None and request.due_rule in {RecordsRequest.DueRule.NOT_SENT, RecordsRequest.DueRule.NO_LAW}:
        request.law = _request_law(request.agency)
    if sent_changed or request.due_rule == RecordsRequest.DueRule.NOT_SENT:
        due = compute_due_date(request.law, sent_on)
        request.due_rule, request.original_due_date, request.due_date = due.rule, due.date, due.date

    if status == RecordsRequest.Status.EXTENDED:
        if extended_to is not None:
            if sent_on and extended_to < sent_on:
                raise ValidationError({"extended_to": _("The extended date cannot be before the sent date.")})
            request.due_rule, request.due_date = RecordsRequest.DueRule.SET_BY_AGENCY, extended_to
        elif request.due_rule == RecordsRequest.DueRule.COMPUTED:
            extended = compute_extended_due_date(request.law, request.original_due_date)
            if extended is None:
                raise ValidationError(
                    {
                        "extended_to": _(
                            "The law sets no extension period: enter the date the agency gave for its response."
                        )
                    }
                )
            request.due_rule, request.due_date = extended.rule, extended.date
    _full_clean(request)
    request.save()
    _request_deadline_sync(request, user)
    campaign_touch(campaign=request.campaign)
    return request
