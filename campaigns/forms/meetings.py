"""The meeting log form: one answer and assessment per question, stances, follow-ups."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    Assessment,
    Deadline,
    Meeting,
    QuestionSet,
    Stance,
)
from .common import DateInput, DateTimeInput

# --- meetings ------------------------------------------------------------------------------------

# A logged meeting may be up to this far in the future (clocks, time zones); later ones are drafts.
MEETING_FUTURE_GRACE = timedelta(hours=12)
MEETING_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Follow-up"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in Deadline.Kind.choices if c[0] != Deadline.Kind.RECORDS_DUE],
        initial=Deadline.Kind.FOLLOW_UP,
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from the team list the view already read: no query per row.
        self.fields["owner"].choices = [("", "—")] + [(u.pk, u.get_full_name() or u.username) for u in owners]

    def clean(self):
        cleaned = super().clean()
        title, due = cleaned.get("title", "").strip(), cleaned.get("due_date")
        if title and not due and "due_date" not in self.errors:
            self.add_error("due_date", _("When is it due?"))
        if due and not title:
            self.add_error("title", _("Say what needs doing."))
        if due and due.year < 2000:
            self.add_error("due_date", _("Check the year."))
        return cleaned


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=1, max_num=30, validate_max=True)


@dataclass
class QuestionRow:
    """One question of the meeting form: a question of the set, or an answer already logged."""

    key: str
    text: str
    question: object = None
    answer: object = None

    @classmethod
    def for_question(cls, question):
        return cls(key=f"q{question.pk}", text=question.localized("text"), question=question)

    @classmethod
    def for_answer(cls, answer):
        return cls(key=f"a{answer.pk}", text=answer.localized("question_text"), question=answer.question, answer=answer)


class MeetingForm(forms.Form):
    """The meeting log: details, one answer and assessment per question of the chosen set, stance updates.

    Built from lists the view has already read (targets, questions), so rendering and validating it
    cost no query per question or target.
    """

    held_at = forms.DateTimeField(
        label=_("When"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices, initial=Meeting.Kind.MEETING)
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    targets = forms.TypedMultipleChoiceField(
        label=_("Who you met"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.CharField(
        label=_("Who attended"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Your side and theirs. Community members' names are never exported."),
    )
    question_set = forms.ModelChoiceField(label=_("Question set"), queryset=QuestionSet.objects.none(), required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    commitments = forms.CharField(
        label=_("Commitments made"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What they (or we) promised to do, and by when."),
    )
    confidential_notes = forms.CharField(
        label=_("Confidential notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args, targets, rows, question_sets, stances=None, can_see_confidential=True, lock_set=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        self.rows = list(rows)
        self.fields["targets"].choices = [(t.pk, str(t)) for t in self.targets]
        self.fields["question_set"].queryset = question_sets
        self.fields["question_set"].label_from_instance = lambda qs: qs.localized("name")
        self.fields["question_set"].empty_label = _("No question set")
        if lock_set:
            # A logged meeting keeps the questions it was asked.
            self.fields["question_set"].disabled = True
        if not can_see_confidential:
            self.fields["confidential_notes"].help_text = _(
                "Only the campaign's lead and staff can read these, so notes saved earlier are not shown here. "
                "What you type is added to them."
            )
        else:
            self.fields["confidential_notes"].help_text = _("Only the campaign's lead and staff can read these.")
        for row in self.rows:
            self.fields[f"answer_{row.key}"] = forms.CharField(
                label=row.text, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[f"assessment_{row.key}"] = forms.ChoiceField(
                label=_("Assessment"),
                choices=Assessment.choices,
                initial=Assessment.NOT_ASKED,
                widget=forms.RadioSelect,
            )
        stances = stances or {}
        for target in self.targets:
            self.fields[f"stance_{target.pk}"] = forms.ChoiceField(
                label=str(target), choices=Stance.choices, initial=stances.get(target.pk, target.stance)
            )

    def question_rows(self):
        """(row, answer field, assessment field) for the template."""
        return [(row, self[f"answer_{row.key}"], self[f"assessment_{row.key}"]) for row in self.rows]

    def stance_rows(self):
        return [(t, self[f"stance_{t.pk}"]) for t in self.targets]

    def clean_held_at(self):
        held_at = self.cleaned_data["held_at"]
        if held_at < MEETING_EARLIEST:
            raise forms.ValidationError(_("Check the year."))
        return held_at

    def check_loggable(self):
        """The extra rules for logging (not for a draft): a summary, and a meeting that has happened."""
        held_at = self.cleaned_data.get("held_at")
        if held_at and held_at > timezone.now() + MEETING_FUTURE_GRACE:
            self.add_error("held_at", _("This is in the future: save it as a draft and log it after the meeting."))
        if not self.cleaned_data.get("summary", "").strip():
            self.add_error("summary", _("Write a short summary before logging the meeting (or save a draft)."))
        return not self.errors

    def answers(self):
        """Answers for meeting_log: keyed by question (new and draft meetings) or by answer (logged ones)."""
        items = []
        for row in self.rows:
            item = {
                "text": self.cleaned_data.get(f"answer_{row.key}", ""),
                "assessment": self.cleaned_data.get(f"assessment_{row.key}") or Assessment.NOT_ASKED,
            }
            item["answer" if row.answer is not None else "question"] = row.answer or row.question
            items.append(item)
        return items

    def chosen_targets(self):
        chosen = set(self.cleaned_data.get("targets") or [])
        return [t for t in self.targets if t.pk in chosen]

    def stance_updates(self):
        updates = {}
        for target in self.targets:
            stance = self.cleaned_data.get(f"stance_{target.pk}")
            if stance and stance != target.stance:
                updates[target] = stance
        return updates
