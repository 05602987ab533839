"""Writes of campaign data. Views, commands, the demo and later the API all call these.

Each service is keyword-only and atomic: it either does everything it says or nothing, and it
keeps the campaign's `last_activity_at` current so lists can sort and filter on it.
"""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jurisdictions.models import RecordsLaw

from .due_dates import compute_due_date, compute_extended_due_date
from .models import (
    OPEN_REQUEST_STATUSES,
    OUTCOME_STAGES,
    VOTING_AGENCY_KINDS,
    Answer,
    Assessment,
    Campaign,
    Deadline,
    Meeting,
    Membership,
    Question,
    RecordsRequest,
    Stage,
    StageChange,
    Stance,
    StanceChange,
    Target,
)


def campaign_touch(*, campaign, when=None):
    """Record activity on a campaign (one UPDATE; no read-modify-write race)."""
    when = when or timezone.now()
    Campaign.objects.filter(pk=campaign.pk, last_activity_at__lt=when).update(last_activity_at=when)
    campaign.last_activity_at = max(campaign.last_activity_at or when, when)


def _full_clean(instance, exclude=None):
    instance.full_clean(exclude=exclude, validate_unique=False)


# --- campaigns -----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    user,
    name,
    jurisdiction,
    goal,
    goal_detail="",
    lead=None,
    summary="",
    started_on=None,
    board_seats=None,
    organizers=(),
):
    campaign = Campaign(
        name=name,
        jurisdiction=jurisdiction,
        goal=goal,
        goal_detail=goal_detail,
        lead=lead,
        summary=summary,
        started_on=started_on or timezone.localdate(),
        board_seats=board_seats,
        created_by=user,
    )
    _full_clean(campaign)
    campaign.save()
    StageChange.objects.create(campaign=campaign, from_stage="", to_stage=campaign.stage, changed_by=user)
    if lead is not None:
        Membership.objects.create(campaign=campaign, user=lead, role=Membership.Role.LEAD, added_by=user)
    for organizer in organizers:
        if lead is None or organizer.pk != lead.pk:
            Membership.objects.get_or_create(campaign=campaign, user=organizer, defaults={"added_by": user})
    return campaign


@transaction.atomic
def campaign_update(*, campaign, user, **fields):
    """Change a campaign's details (not its stage: see campaign_change_stage)."""
    allowed = {"name", "goal", "goal_detail", "lead", "summary", "started_on", "ended_on", "board_seats"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"campaign_update() cannot change {', '.join(sorted(unknown))}")
    old_lead_id = campaign.lead_id
    for name, value in fields.items():
        setattr(campaign, name, value)
    _full_clean(campaign)
    campaign.save()
    if "lead" in fields and campaign.lead_id != old_lead_id:
        if old_lead_id is not None:
            Membership.objects.filter(campaign=campaign, user_id=old_lead_id, role=Membership.Role.LEAD).update(
                role=Membership.Role.ORGANIZER
            )
        if campaign.lead_id is not None:
            Membership.objects.update_or_create(
                campaign=campaign, user_id=campaign.lead_id, defaults={"role": Membership.Role.LEAD, "added_by": user}
            )
    campaign_touch(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_change_stage(*, campaign, user, stage, note="", outcome="", policy_record=None):
    """Move a campaign to another stage, recording who, when and why.

    Won and lost need the outcome. `policy_record` (a dict of dimension, value, effective_date and
    optionally source_url) adds the resulting policy to the jurisdiction in the same transaction.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage from the list.")})
    if stage == campaign.stage:
        raise ValidationError({"stage": _("The campaign is already at this stage.")})
    outcome = (outcome or "").strip()
    if stage in OUTCOME_STAGES and not outcome:
        raise ValidationError({"outcome": _("Say what the outcome was: a win or a loss needs it.")})
    change = StageChange.objects.create(
        campaign=campaign,
        from_stage=campaign.stage,
        to_stage=stage,
        changed_by=user,
        note=note,
        outcome=outcome if stage in OUTCOME_STAGES else "",
    )
    campaign.stage = stage
    if stage in OUTCOME_STAGES:
        campaign.outcome = outcome
        campaign.ended_on = campaign.ended_on or max(timezone.localdate(), campaign.started_on)
    elif stage != Stage.MONITORING:
        campaign.ended_on = None
    _full_clean(campaign)
    campaign.save()
    if policy_record:
        from jurisdictions.services import policy_record_create

        policy_record_create(
            jurisdiction=campaign.jurisdiction,
            dimension=policy_record["dimension"],
            value=policy_record["value"],
            effective_date=policy_record["effective_date"],
            source_url=policy_record.get("source_url", ""),
            note=_("Outcome of the campaign “%(name)s”: %(outcome)s") % {"name": campaign.name, "outcome": outcome},
            user=user,
        )
    campaign_touch(campaign=campaign, when=change.changed_at)
    return change


# --- team ----------------------------------------------------------------------------------------


@transaction.atomic
def membership_add(*, campaign, user, member, role=Membership.Role.ORGANIZER):
    membership, created = Membership.objects.get_or_create(
        campaign=campaign, user=member, defaults={"role": role, "added_by": user}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, campaign, user, member):
    if campaign.lead_id == member.pk:
        raise ValidationError(_("Choose another lead before taking the lead off the team."))
    Membership.objects.filter(campaign=campaign, user=member).delete()


def team_user_ids(campaign):
    return set(Membership.objects.filter(campaign=campaign).values_list("user_id", flat=True))


# --- targets -------------------------------------------------------------------------------------


def _agency_belongs(campaign, agency):
    if agency.jurisdiction_id is None:
        return agency.state_id == campaign.jurisdiction.state_id
    return agency.jurisdiction_id in {campaign.jurisdiction_id, campaign.jurisdiction.parent_id}


@transaction.atomic
def target_add(*, campaign, user, official=None, agency=None, name="", title="", votes=None, stance=Stance.UNKNOWN):
    """Add an official, or a body (an agency as a whole), as a target of the campaign."""
    if official is not None:
        agency = official.agency
        name = name or official.name
        title = title or (f"{official.title}, {agency.name}" if agency else official.title)
    elif agency is not None:
        name = name or agency.name
        title = title or agency.get_kind_display()
    else:
        raise ValidationError(_("Choose an official or a body."))
    if not _agency_belongs(campaign, agency):
        raise ValidationError(_("That agency is not part of this campaign's jurisdiction."))
    if votes is None:
        votes = official is not None and agency.kind in VOTING_AGENCY_KINDS
    target = Target(
        campaign=campaign,
        official=official,
        agency=agency,
        name=name,
        title=title,
        votes=votes,
        stance=stance,
        stance_changed_at=timezone.now() if stance != Stance.UNKNOWN else None,
    )
    _full_clean(target)
    duplicate = Target.objects.filter(campaign=campaign)
    duplicate = duplicate.filter(official=official) if official else duplicate.filter(official=None, agency=agency)
    if duplicate.exists():
        raise ValidationError(_("%(name)s is already a target of this campaign.") % {"name": name})
    target.save()
    if stance != Stance.UNKNOWN:
        StanceChange.objects.create(target=target, from_stance=Stance.UNKNOWN, to_stance=stance, changed_by=user)
    campaign_touch(campaign=campaign)
    return target


@transaction.atomic
def target_set_stance(*, target, user, stance, meeting=None, note="", when=None):
    """Change the campaign's read of a target; the history keeps every change. No change, no record."""
    if stance not in Stance.values:
        raise ValidationError({"stance": _("Choose a stance from the list.")})
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.stance == stance:
        return None
    when = when or timezone.now()
    change = StanceChange.objects.create(
        target=target,
        from_stance=target.stance,
        to_stance=stance,
        changed_by=user,
        meeting=meeting,
        note=note,
        changed_at=when,
    )
    Target.objects.filter(pk=target.pk).update(stance=stance, stance_changed_at=when)
    campaign_touch(campaign=target.campaign)
    return change


# --- deadlines -----------------------------------------------------------------------------------


def _check_owner(campaign, owner):
    if owner is None:
        return
    from core.roles import is_staff_member

    if not is_staff_member(owner) and not Membership.objects.filter(campaign=campaign, user=owner).exists():
        raise ValidationError({"owner": _("The owner must be on the campaign's team or on staff.")})


@transaction.atomic
def deadline_create(
    *,
    campaign,
    user,
    title,
    due_date,
    kind=Deadline.Kind.FOLLOW_UP,
    due_time=None,
    time_zone="",
    owner=None,
    note="",
    meeting=None,
    records_request=None,
):
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
        created_by=user,
    )
    _full_clean(deadline)
    deadline.save()
    campaign_touch(campaign=campaign)
    return deadline


@transaction.atomic
def deadline_update(*, deadline, user, **fields):
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


def _deadline_close(deadline, user, status):
    # Conditional UPDATE: two people closing the same deadline at once close it once.
    now = timezone.now()
    updated = Deadline.objects.filter(pk=deadline.pk, status=Deadline.Status.OPEN).update(
        status=status, completed_at=now, completed_by=user
    )
    if updated:
        deadline.status, deadline.completed_at, deadline.completed_by = status, now, user
        campaign_touch(campaign=deadline.campaign, when=now)
    return bool(updated)


@transaction.atomic
def deadline_complete(*, deadline, user):
    return _deadline_close(deadline, user, Deadline.Status.DONE)


@transaction.atomic
def deadline_cancel(*, deadline, user):
    return _deadline_close(deadline, user, Deadline.Status.CANCELLED)


@transaction.atomic
def deadline_reopen(*, deadline, user):
    updated = (
        Deadline.objects.filter(pk=deadline.pk)
        .exclude(status=Deadline.Status.OPEN)
        .update(status=Deadline.Status.OPEN, completed_at=None, completed_by=None)
    )
    if updated:
        deadline.status, deadline.completed_at, deadline.completed_by = Deadline.Status.OPEN, None, None
        campaign_touch(campaign=deadline.campaign)
    return bool(updated)


# --- meetings ------------------------------------------------------------------------------------


def _answers_save(meeting, answers):
    """Save the answers of a meeting.

    Items keyed by "question" (new and draft meetings) create or update one Answer per question and
    copy the question's text as it was shown; answers of questions no longer in the list are dropped.
    Items keyed by "answer" (a logged meeting being corrected) change only the answer and assessment:
    the questions a logged meeting was asked never change.
    """
    existing = list(meeting.answers.all())
    by_question = {a.question_id: a for a in existing if a.question_id}
    by_pk = {a.pk: a for a in existing}
    keep = set()
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
    campaign,
    user,
    held_at,
    kind=Meeting.Kind.MEETING,
    meeting=None,
    location="",
    targets=(),
    attendees="",
    question_set=None,
    answers=(),
    summary="",
    commitments="",
    confidential_notes=None,
    follow_ups=(),
    stance_updates=None,
    draft=False,
):
    """Save a meeting with its answers; unless it is a draft, follow-ups become deadlines and stances change.

    answers: [{"question": Question, "text": str, "assessment": Assessment}] for the set's questions,
        or [{"answer": Answer, ...}] to correct the answers of a logged meeting.
    follow_ups: [{"title": str, "due_date": date, "owner": User | None, "kind": Deadline.Kind}].
    stance_updates: {Target: Stance}; only real changes are recorded.
    confidential_notes: None leaves them as they are.
    A draft keeps its follow-ups and stance updates aside until it is logged.
    """
    stance_updates = stance_updates or {}
    targets = list(targets)
    for target in [*targets, *stance_updates]:
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
    meeting.targets.set(targets)
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


def meeting_draft_follow_ups(meeting, users_by_id):
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
def meeting_delete_draft(*, meeting, user):
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError(_("Only drafts can be discarded."))
    meeting.delete()


# --- records requests ----------------------------------------------------------------------------


def _request_deadline_sync(request, user):
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
    if wanted_open and deadline.status != Deadline.Status.OPEN:
        deadline_reopen(deadline=deadline, user=user)
    elif not wanted_open and deadline.status == Deadline.Status.OPEN:
        _deadline_close(deadline, user, Deadline.Status.DONE)


def _request_law(agency):
    """The records law of the agency's state, read fresh (due dates must follow the law as it is now)."""
    return RecordsLaw.objects.filter(state_id=agency.state_id).first()


@transaction.atomic
def records_request_create(
    *, campaign, user, agencies, subject, records_sought, method=RecordsRequest.Method.EMAIL, sent_on=None
):
    """One request per agency (sent together they share a batch); a sent request gets its legal due date."""
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({"agencies": _("Choose at least one agency.")})
    if sent_on is not None and sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The sent date cannot be in the future.")})
    for agency in agencies:
        if not _agency_belongs(campaign, agency):
            raise ValidationError(
                {"agencies": _("%(agency)s is not in this campaign's jurisdiction.") % {"agency": agency}}
            )
    batch = uuid.uuid4() if len(agencies) > 1 else None
    requests = []
    for agency in agencies:
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
def records_request_update(*, request, user, status, sent_on=None, extended_to=None, response_note=None):
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


# --- question sets -------------------------------------------------------------------------------


@transaction.atomic
def question_set_save(*, question_set, questions, deleted=(), user=None):
    """Save a question set with its questions in the given order; `deleted` questions are removed.

    Meetings already logged keep their answers and the question text they were asked (the answer's
    link to a removed question is simply cleared).
    """
    _full_clean(question_set)
    question_set.save()
    for question in deleted:
        if question.pk and question.question_set_id == question_set.pk:
            question.delete()
    for position, question in enumerate(questions, start=1):
        question.question_set = question_set
        question.order = position
        _full_clean(question)
        question.save()
    return question_set
