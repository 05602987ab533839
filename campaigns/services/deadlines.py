"""Deadlines: created by hand or from meetings, requests and letters; closed exactly once."""

from datetime import date, time
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.history import keep_history_of_update

from ..models import (
    Campaign,
    Deadline,
    Letter,
    Meeting,
    RecordsRequest,
)
from .common import _check_owner, _full_clean, campaign_touch

# --- deadlines -----------------------------------------------------------------------------------


@transaction.atomic
def deadline_create(
    *,
    campaign: Campaign,
    user: User | None,
    title: str,
    due_date: date,
    kind: str = Deadline.Kind.FOLLOW_UP,
    due_time: time | None = None,
    time_zone: str = "",
    owner: User | None = None,
    note: str = "",
    meeting: Meeting | None = None,
    records_request: RecordsRequest | None = None,
    letter: Letter | None = None,
) -> Deadline:
    _check_owner(campaign, owner)
    deadline = Deadline(
        campaign=campaign,
        title=title,
        kind=kind,
        due_date=due_date,
        due_time=due_time,
        time_zone=time_zone if due_time else "",
        owner=owner,
        note=note,
        meeting=meeting,
        records_request=records_request,
        letter=letter,
        created_by=user,
    )
    _full_clean(deadline)
    deadline.save()
    campaign_touch(campaign=campaign)
    return deadline


@transaction.atomic
def deadline_update(*, deadline: Deadline, user: User, **fields: Any) -> Deadline:
    allowed = {"title", "kind", "due_date", "due_time", "time_zone", "owner", "note"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"deadline_update() cannot change {', '.join(sorted(unknown))}")
    if "owner" in fields:
        _check_owner(deadline.campaign, fields["owner"])
    for name, value in fields.items():
        setattr(deadline, name, value)
    if not deadline.due_time:
        deadline.time_zone = ""
    _full_clean(deadline)
    deadline.save()
    campaign_touch(campaign=deadline.campaign)
    return deadline


def _deadline_close(deadline: Deadline, user: User, status: str) -> bool:
    # Conditional UPDATE: two people closing the same deadline at once close it once.
    now = timezone.now()
    updated = Deadline.objects.filter(pk=deadline.pk, status=Deadline.Status.OPEN).update(
        status=status, completed_at=now, completed_by=user
    )
    if updated:
        keep_history_of_update(Deadline, pks=[deadline.pk], user=user)
        deadline.status, deadline.completed_at, deadline.completed_by = status, now, user
        campaign_touch(campaign=deadline.campaign, when=now)
    return bool(updated)


@transaction.atomic
def deadline_complete(*, deadline: Deadline, user: User) -> bool:
    return _deadline_close(deadline, user, Deadline.Status.DONE)


@transaction.atomic
def deadline_cancel(*, deadline: Deadline, user: User) -> bool:
    return _deadline_close(deadline, user, Deadline.Status.CANCELLED)


@transaction.atomic
def deadline_reopen(*, deadline: Deadline, user: User) -> bool:
    updated = (
        Deadline.objects.filter(pk=deadline.pk)
        .exclude(status=Deadline.Status.OPEN)
        .update(status=Deadline.Status.OPEN, completed_at=None, completed_by=None)
    )
    if updated:
        keep_history_of_update(Deadline, pks=[deadline.pk], user=user)
        deadline.status, deadline.completed_at, deadline.completed_by = Deadline.Status.OPEN, None, None
        campaign_touch(campaign=deadline.campaign)
    return bool(updated)
