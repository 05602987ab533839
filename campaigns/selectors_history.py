"""Reads of the history of a campaign and of everything under it (core.history keeps and formats it).

One page of `/campaigns/<id>/history/` is read in a fixed number of queries whatever its rows: the page's
keys from one UNION over the kinds of record, then for each kind on the page its rows, the rows before
them (for the old values) and the names of what they point at.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page
from django.db.models import Q, QuerySet

from core.history import Entry, history_page, recent_history, record_history
from core.roles import ADMIN, STAFF
from core.types import AnyUser

from .access import can_see_confidential
from .models import (
    Answer,
    Assignment,
    Campaign,
    Deadline,
    Letter,
    Meeting,
    Membership,
    Question,
    QuestionSet,
    RecordsRequest,
    Target,
)

HISTORY_PAGE_SIZE = 50

# The kinds of record under a campaign, in the order the filter offers them.
HISTORY_MODELS: list[Any] = [
    Campaign,
    Membership,
    Target,
    Meeting,
    Answer,
    Deadline,
    Letter,
    RecordsRequest,
    Assignment,
]
HISTORY_KINDS = {model._meta.model_name: model for model in HISTORY_MODELS}

# Fields kept in history that only some readers may see: a meeting's confidential notes.
CONFIDENTIAL_FIELDS = {"meeting": {"confidential_notes"}}


def history_kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(model._meta.verbose_name_plural).capitalize()) for kind, model in HISTORY_KINDS.items()]


def _history_of(kind: str, campaign: Campaign) -> QuerySet[Any]:
    history = HISTORY_KINDS[kind].history.model
    if kind == "campaign":
        return history.objects.filter(id=campaign.pk)
    if kind == "answer":
        meeting_ids = Meeting.history.model.objects.filter(campaign_id=campaign.pk).values("id")
        return history.objects.filter(meeting_id__in=meeting_ids)
    return history.objects.filter(campaign_id=campaign.pk)


def hidden_fields_for(user: AnyUser, campaign: Campaign) -> Callable[[Any], set[str]]:
    """Which fields of a historical row `user` may not read: a meeting's confidential notes, except for
    whoever may read the campaign's (its lead(s), staff, admins) and the meeting's author."""
    sees_all = can_see_confidential(user, campaign)

    def hidden(record: Any) -> set[str]:
        fields = CONFIDENTIAL_FIELDS.get(record.instance_type._meta.model_name, set())
        if not fields or sees_all:
            return set()
        if getattr(record, "created_by_id", None) == user.pk:
            return set()
        return set(fields)

    return hidden


def history_people(campaign: Campaign) -> QuerySet[User]:
    """Who may have changed something under the campaign: its team, its lead, staff and admins."""
    return (
        User.objects.filter(
            Q(campaign_memberships__campaign=campaign) | Q(pk=campaign.lead_id) | Q(groups__name__in=[STAFF, ADMIN])
        )
        .distinct()
        .order_by("username")
        .only("pk", "username", "first_name", "last_name")
    )


def campaign_history_page(
    campaign: Campaign,
    *,
    user: AnyUser,
    querysets: dict[str, QuerySet[Any]],
    page_number: Any = 1,
    per_page: int = HISTORY_PAGE_SIZE,
) -> tuple[Page, list[Entry]]:
    """One page of the changes under the campaign, newest first, confidential fields hidden as `user` must see them."""
    return history_page(querysets, page_number=page_number, per_page=per_page, hidden=hidden_fields_for(user, campaign))


def campaign_history_querysets(campaign: Campaign) -> dict[str, QuerySet[Any]]:
    return {kind: _history_of(kind, campaign) for kind in HISTORY_KINDS}


def record_history_for(user: AnyUser, campaign: Campaign, obj: Any) -> list[Entry]:
    """The History panel of one record under a campaign, confidential fields hidden as `user` must see them."""
    return record_history(obj, hidden=hidden_fields_for(user, campaign))


def meeting_history(user: AnyUser, campaign: Campaign, meeting: Meeting) -> list[Entry]:
    """The History panel of a meeting: its own changes and its answers'."""
    histories = [
        Meeting.history.model.objects.filter(id=meeting.pk),
        Answer.history.model.objects.filter(meeting_id=meeting.pk),
    ]
    return recent_history(histories, hidden=hidden_fields_for(user, campaign))


def question_set_history(question_set: QuestionSet) -> list[Entry]:
    """The History panel of a question set: its own changes and its questions'."""
    histories = [
        QuestionSet.history.model.objects.filter(id=question_set.pk),
        Question.history.model.objects.filter(question_set_id=question_set.pk),
    ]
    return recent_history(histories)
