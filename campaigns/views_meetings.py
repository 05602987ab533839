"""The meeting log: phone first, drafts, and nothing typed is lost when a field is wrong."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import campaign_for_user, can_see_meeting_confidential, confidential_notes_to_save, question_sets_for
from .forms import FollowUpFormSet, MeetingForm, QuestionRow
from .models import Meeting, Question, QuestionSet
from .selectors_history import meeting_history
from .timezones import in_user_time_zone
from .views import add_service_errors


def _question_set_from(value, question_sets):
    """The set chosen in the form, or None (blank, not a number, or not offered)."""
    if not value or not str(value).isdigit():
        return None
    return next((qs for qs in question_sets if qs.pk == int(value)), None)


def _question_rows(question_set):
    if question_set is None:
        return []
    return [QuestionRow.for_question(q) for q in question_set.questions.all()]


def _meeting_form(request, campaign, meeting=None):
    """New meeting and edit meeting share this: save and redirect, or show the form."""
    state = _meeting_form_state(request, campaign, meeting)
    if isinstance(state, HttpResponse):
        return state
    return render(request, "campaigns/meeting_form.html", state)


def _meeting_form_state(request, campaign, meeting=None):
    """Read everything once, build the forms, save (a redirect) or give the form's context to show it."""
    logged = meeting is not None and not meeting.is_draft
    targets = list(campaign.targets.order_by("-votes", "name", "pk"))
    team = list(selectors.team_choices(campaign))
    question_sets = list(
        question_sets_for(request.user, campaign)
        .filter(Q(is_active=True) | Q(pk=meeting.question_set_id if meeting else None))
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "pk")))
        .order_by("kind", "name")
    )
    can_see_confidential = can_see_meeting_confidential(request.user, campaign, meeting)

    # Which questions the form shows: a logged meeting's own answers; otherwise the chosen set's questions.
    if logged:
        chosen_set = meeting.question_set
        rows = [QuestionRow.for_answer(a) for a in meeting.answers.select_related("question").order_by("order", "pk")]
    elif request.method == "POST":
        chosen_set = _question_set_from(request.POST.get("question_set"), question_sets)
        rows = _question_rows(chosen_set)
    else:
        chosen_set = meeting.question_set if meeting else _question_set_from(request.GET.get("set"), question_sets)
        rows = _question_rows(chosen_set)
    rendered_set = request.POST.get("questions_for", "")
    set_changed = request.method == "POST" and not logged and rendered_set != (str(chosen_set.pk) if chosen_set else "")

    initial, stances, follow_up_initial = {}, {}, []
    if meeting is not None:
        initial = {
            "held_at": timezone.localtime(meeting.held_at),
            "kind": meeting.kind,
            "location": meeting.location,
            "targets": [t.pk for t in meeting.targets.all()],
            "attendees": meeting.attendees,
            "question_set": meeting.question_set_id,
            "summary": meeting.summary,
            "commitments": meeting.commitments,
            "confidential_notes": meeting.confidential_notes if can_see_confidential else "",
        }
        answers = {a.question_id: a for a in meeting.answers.all()} if not logged else {}
        for row in rows:
            answer = row.answer or answers.get(row.question.pk if row.question else None)
            if answer is not None:
                initial[f"answer_{row.key}"] = answer.text
                initial[f"assessment_{row.key}"] = answer.assessment
        if meeting.is_draft:
            stances = {int(k): v for k, v in meeting.draft_data.get("stances", {}).items() if str(k).isdigit()}
            users = {u.pk: u for u in team}
            follow_up_initial = [
                {**row, "owner": row["owner"].pk if row["owner"] else None}
                for row in services.meeting_draft_follow_ups(meeting, users)
            ]
    else:
        initial = {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
        if chosen_set:
            initial["question_set"] = chosen_set.pk

    form_kwargs = {
        "targets": targets,
        "rows": rows,
        "question_sets": QuestionSet.objects.filter(pk__in=[qs.pk for qs in question_sets]),
        "stances": stances,
        "can_see_confidential": can_see_confidential,
        "lock_set": logged,
    }
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initial=initial, **form_kwargs)
    # Initial rows only when unbound: a bound extra row equal to its initial would count as unchanged
    # and be dropped.
    follow_ups = FollowUpFormSet(
        data, initial=None if data else (follow_up_initial or None), prefix="followup", form_kwargs={"owners": team}
    )

    if request.method == "POST" and set_changed:
        # The set changed without its questions being loaded (no JavaScript): show them, save nothing.
        messages.info(request, _("The questions of the chosen set are below. Nothing was saved yet."))
    elif request.method == "POST":
        action = request.POST.get("action")
        draft = action == "draft" and not logged
        forms_valid = form.is_valid() & follow_ups.is_valid()
        if forms_valid and (draft or form.check_loggable()):
            try:
                saved = _save(request, campaign, meeting, form, follow_ups, team, draft=draft)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if draft:
                    messages.success(request, _("Draft saved. Log it when it is complete."))
                    return redirect("campaigns:meeting-edit", pk=campaign.pk, meeting_pk=saved.pk)
                messages.success(request, _("Meeting logged."))
                return redirect(saved)
        if form.errors or follow_ups.total_error_count():
            messages.error(request, _("Some fields need another look (marked below). Nothing you typed was lost."))

    return {
        "campaign": campaign,
        "meeting": meeting,
        "form": form,
        "follow_ups": follow_ups,
        "chosen_set": chosen_set,
        "logged": logged,
        "can_see_confidential": can_see_confidential,
        "existing_follow_ups": list(meeting.follow_ups.select_related("owner")) if logged else [],
    }


def _save(request, campaign, meeting, form, follow_ups, team, *, draft):
    data = form.cleaned_data
    confidential = confidential_notes_to_save(request.user, campaign, meeting, data.get("confidential_notes", ""))
    users = {u.pk: u for u in team}
    rows = [
        {
            "title": row["title"].strip(),
            "due_date": row["due_date"],
            "owner": users.get(row.get("owner")),
            "kind": row.get("kind"),
        }
        for row in follow_ups.cleaned_data
        if row and row.get("title", "").strip()
    ]
    with transaction.atomic():
        return services.meeting_log(
            campaign=campaign,
            user=request.user,
            meeting=meeting,
            held_at=data["held_at"],
            kind=data["kind"],
            location=data["location"],
            targets=form.chosen_targets(),
            attendees=data["attendees"],
            question_set=data["question_set"],
            answers=form.answers(),
            summary=data["summary"],
            commitments=data["commitments"],
            confidential_notes=confidential,
            follow_ups=rows,
            stance_updates=form.stance_updates(),
            draft=draft,
        )


@login_required
@in_user_time_zone
def meeting_new(request, pk):
    campaign = campaign_for_user(request.user, pk, change=True)
    return _meeting_form(request, campaign)


@login_required
@in_user_time_zone
def meeting_edit(request, pk, meeting_pk):
    campaign = campaign_for_user(request.user, pk, change=True)
    meeting = get_object_or_404(Meeting.objects.select_related("question_set"), campaign=campaign, pk=meeting_pk)
    return _meeting_form(request, campaign, meeting)


@login_required
def meeting_questions(request, pk):
    """The questions block of the meeting form for another set (htmx swaps it in; nothing else changes)."""
    campaign = campaign_for_user(request.user, pk, change=True)
    offered = list(question_sets_for(request.user, campaign).filter(is_active=True))
    question_set = _question_set_from(request.GET.get("question_set"), offered)
    rows = _question_rows(question_set)
    form = MeetingForm(targets=[], rows=rows, question_sets=QuestionSet.objects.none())
    return render(
        request,
        "campaigns/_meeting_questions.html",
        {"campaign": campaign, "form": form, "chosen_set": question_set},
    )


@login_required
@in_user_time_zone
def meeting_detail(request, pk, meeting_pk):
    campaign = campaign_for_user(request.user, pk)
    try:
        meeting = selectors.meeting_detail(campaign, meeting_pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    return render(
        request,
        "campaigns/meeting_detail.html",
        {
            "campaign": campaign,
            "meeting": meeting,
            "can_see_confidential": can_see_meeting_confidential(request.user, campaign, meeting),
            "history": meeting_history(request.user, campaign, meeting),
        },
    )


@login_required
@require_POST
def meeting_discard(request, pk, meeting_pk):
    campaign = campaign_for_user(request.user, pk, change=True)
    meeting = get_object_or_404(Meeting, campaign=campaign, pk=meeting_pk)
    try:
        services.meeting_delete_draft(meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(meeting)
    messages.success(request, _("Draft discarded."))
    return redirect(campaign)
