"""Meetings with their answers, follow-ups and stance updates."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Answer,
    Assessment,
    Campaign,
    Deadline,
    Meeting,
    Question,
    QuestionSet,
    Target,
)
from .campaign import target_set_stance
from .common import _check_owner, _full_clean, campaign_touch
from .deadlines import deadline_create

# --- meetings ------------------------------------------------------------------------------------


def _answers_save(meeting: Meeting, answers: Sequence[Mapping[str, Any]]) -> None:
    """Save the answers of a meeting.

    Items keyed by "question" (new and draft meetings) create or update one Answer per question and
    copy the question's text as it was shown; answers of questions no longer in the list are dropped.
    Items keyed by "answer" (a logged meeting being corrected) change only the answer and assessment:
    the questions a logged meeting was asked never change.
    """
    existing = list(meeting.answers.all())
    by_question = {a.question_id: a for a in existing if a.question_id}
    by_pk = {a.pk: a for a in existing}
    keep: set[int] = set()
    for position, item in enumerate(answers):
        assessment = item.get("assessment") or Assessment.NOT_ASKED
        if assessment not in Assessment.values:
            raise ValidationError(_("Choose an assessment from the list."))
        if "answer" in item:
            answer = by_pk.get(item["answer"].pk)
            if answer is None:
                raise ValidationError(_("An answer belongs to another meeting."))
        else:
            question = item["question"]
            answer = by_question.get(question.pk) or Answer(meeting=meeting, question=question)
            answer.question_text, answer.question_text_es = question.text, question.text_es
            answer.order = position
        answer.text = item.get("text", "")
        answer.assessment = assessment
        answer.save()
        keep.add(answer.pk)
    if all("question" in item for item in answers):
        # A draft whose question set changed drops the answers of the old set.
        meeting.answers.exclude(pk__in=keep).delete()


@transaction.atomic
def meeting_log(
    *,
    campaign: Campaign,
    user: User,
    held_at: datetime,
    kind: str = Meeting.Kind.MEETING,
    meeting: Meeting | None = None,
    location: str = "",
    targets: Iterable[Target] = (),
    attendees: str = "",
    question_set: QuestionSet | None = None,
    answers: Sequence[Mapping[str, Any]] = (),
    summary: str = "",
    commitments: str = "",
    confidential_notes: str | None = None,
    follow_ups: Sequence[Mapping[str, Any]] = (),
    stance_updates: Mapping[Target, str] | None = None,
    draft: bool = False,
) -> Meeting:
    """Save a meeting with its answers; unless it is a draft, follow-ups become deadlines and stances change.

    answers: [{"question": Question, "text": str, "assessment": Assessment}] for the set's questions,
        or [{"answer": Answer, ...}] to correct the answers of a logged meeting.
    follow_ups: [{"title": str, "due_date": date, "owner": User | None, "kind": Deadline.Kind}].
    stance_updates: {Target: Stance}; only real changes are recorded.
    confidential_notes: None leaves them as they are.
    A draft keeps its follow-ups and stance updates aside until it is logged.
    """
    stance_updates = stance_updates or {}
    met = list(targets)
    for target in [*met, *stance_updates]:
        if target.campaign_id != campaign.pk:
            raise ValidationError(_("A target is not part of this campaign."))
    question_items = [item for item in answers if "question" in item]
    if question_set is not None:
        set_ids = set(Question.objects.filter(question_set=question_set).values_list("pk", flat=True))
        if any(item["question"].pk not in set_ids for item in question_items):
            raise ValidationError(_("An answer is for a question outside the chosen set."))
    elif question_items:
        raise ValidationError(_("Answers need a question set."))
    for item in follow_ups:
        _check_owner(campaign, item.get("owner"))

    if meeting is None:
        meeting = Meeting(campaign=campaign, created_by=user)
    elif meeting.campaign_id != campaign.pk:
        raise ValidationError(_("That meeting belongs to another campaign."))
    was_logged = meeting.pk is not None and meeting.status == Meeting.Status.LOGGED
    if was_logged and question_set != meeting.question_set:
        raise ValidationError({"question_set": _("A logged meeting keeps the question set it was asked.")})
    if meeting.pk is None and any("answer" in item for item in answers):
        raise ValidationError(_("An answer belongs to another meeting."))
    meeting.held_at = held_at
    meeting.kind = kind
    meeting.location = location
    meeting.attendees = attendees
    meeting.question_set = question_set
    meeting.summary = summary
    meeting.commitments = commitments
    if confidential_notes is not None:
        meeting.confidential_notes = confidential_notes
    if draft and not was_logged:
        meeting.status = Meeting.Status.DRAFT
        meeting.draft_data = {
            "stances": {str(t.pk): s for t, s in stance_updates.items()},
            "follow_ups": [
                {
                    "title": f["title"],
                    "due_date": f["due_date"].isoformat(),
                    "owner": f["owner"].pk if f.get("owner") else None,
                    "kind": f.get("kind") or Deadline.Kind.FOLLOW_UP,
                }
                for f in follow_ups
            ],
        }
    else:
        meeting.status = Meeting.Status.LOGGED
        meeting.draft_data = {}
        if not was_logged:
            meeting.logged_at = timezone.now()
            meeting.logged_by = user
    _full_clean(meeting, exclude=["targets"])
    meeting.save()
    meeting.targets.set(met)
    _answers_save(meeting, answers)

    if meeting.status == Meeting.Status.LOGGED:
        for item in follow_ups:
            deadline_create(
                campaign=campaign,
                user=user,
                title=item["title"],
                due_date=item["due_date"],
                kind=item.get("kind") or Deadline.Kind.FOLLOW_UP,
                owner=item.get("owner"),
                meeting=meeting,
            )
        for target, stance in stance_updates.items():
            target_set_stance(target=target, user=user, stance=stance, meeting=meeting, when=meeting.logged_at)
    campaign_touch(campaign=campaign)
    return meeting


def meeting_draft_follow_ups(meeting: Meeting, users_by_id: Mapping[int, User]) -> list[dict[str, Any]]:
    """A draft's saved follow-ups as form initial data."""
    rows = []
    for item in meeting.draft_data.get("follow_ups", []):
        rows.append(
            {
                "title": item.get("title", ""),
                "due_date": date.fromisoformat(item["due_date"]) if item.get("due_date") else None,
                "owner": users_by_id.get(item.get("owner")),
                "kind": item.get("kind") or Deadline.Kind.FOLLOW_UP,
            }
        )
    return rows


@transaction.atomic
def meeting_delete_draft(*, meeting: Meeting, user: User) -> None:
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError(_("Only drafts can be discarded."))
    meeting.delete()
