"""Campaign forms. Every choice of a related row is limited to what the campaign and the user may use,
so an id from elsewhere (edited by hand in a select or hidden field) is a form error, never a save."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import ADMIN, ORGANIZER, STAFF
from jurisdictions.models import DIMENSION_VALUES, Agency, Dimension, Jurisdiction, Official, PolicyValue, State
from resources.letters import merge_fields_help, validate_template_body
from resources.models import Kind as ResourceKind
from resources.models import Resource

from .models import (
    OUTCOME_STAGES,
    Assessment,
    Campaign,
    Deadline,
    Goal,
    Letter,
    Meeting,
    Membership,
    Question,
    QuestionSet,
    RecordsRequest,
    Stage,
    Stance,
)

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def staff_users():
    return User.objects.filter(is_active=True, groups__name__in=[STAFF, ADMIN]).distinct().order_by("username")


def team_candidates():
    return (
        User.objects.filter(is_active=True, groups__name__in=[ORGANIZER, STAFF, ADMIN]).distinct().order_by("username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class JurisdictionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CampaignForm(forms.ModelForm):
    """Create (with jurisdiction and first team) or edit (details only) a campaign. Staff only."""

    state = forms.ModelChoiceField(
        label=_("State"), queryset=State.objects.order_by("name"), to_field_name="postal", required=True
    )
    jurisdiction = JurisdictionChoiceField(label=_("County or city"), queryset=Jurisdiction.objects.none())
    lead = UserChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)
    organizers = UserMultipleChoiceField(
        label=_("Organizers on the team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "state",
            "jurisdiction",
            "goal",
            "goal_detail",
            "lead",
            "summary",
            "started_on",
            "ended_on",
            "board_seats",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "board_seats": _("For the whip count: how many members vote on the decision (e.g. 5 supervisors)."),
        }

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.fields["lead"].queryset = staff_users()
        if creating:
            self.fields["organizers"].queryset = team_candidates()
            state = self._chosen_state()
            if state is not None:
                self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(state=state).order_by("name")
            del self.fields["ended_on"]
        else:
            for name in ("state", "jurisdiction", "organizers"):
                del self.fields[name]

    def _chosen_state(self):
        postal = self.data.get(self.add_prefix("state")) if self.is_bound else self.initial.get("state")
        if isinstance(postal, State):
            return postal
        if not postal:
            return None
        return State.objects.filter(postal=postal).first()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("goal") == Goal.OTHER and not cleaned.get("goal_detail"):
            self.add_error("goal_detail", _("Say in a few words what the goal is."))
        jurisdiction, state = cleaned.get("jurisdiction"), cleaned.get("state")
        if jurisdiction and state and jurisdiction.state_id != state.pk:
            self.add_error("jurisdiction", _("Choose a county or city in the chosen state."))
        return cleaned


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a win or a loss: what was decided, by whom, when."),
    )
    add_policy_record = forms.BooleanField(
        label=_("Add the resulting policy to the jurisdiction's record"), required=False
    )
    policy_dimension = forms.ChoiceField(
        label=_("Policy"), required=False, choices=[("", "—")] + [(d.value, d.label) for d in Dimension]
    )
    policy_value = forms.ChoiceField(
        label=_("New value"), required=False, choices=[("", "—")] + [(v.value, v.label) for v in PolicyValue]
    )
    policy_effective_date = forms.DateField(label=_("Effective"), required=False, widget=DateInput())
    policy_source_url = forms.URLField(label=_("Source URL"), required=False, assume_scheme="https")

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["stage"].choices = [("", _("Choose a stage"))] + [
            (v, label) for v, label in Stage.choices if v != campaign.stage
        ]

    def clean(self):
        cleaned = super().clean()
        stage = cleaned.get("stage")
        if stage in OUTCOME_STAGES and not cleaned.get("outcome", "").strip():
            self.add_error("outcome", _("Say what the outcome was: a win or a loss needs it."))
        if cleaned.get("add_policy_record"):
            if stage not in OUTCOME_STAGES:
                self.add_error("add_policy_record", _("A policy record can be added with a win or a loss."))
            dimension, value = cleaned.get("policy_dimension"), cleaned.get("policy_value")
            if not dimension:
                self.add_error("policy_dimension", _("Choose the policy that changed."))
            if not value:
                self.add_error("policy_value", _("Choose its new value."))
            elif dimension and value not in DIMENSION_VALUES[Dimension(dimension)]:
                self.add_error("policy_value", _("That value does not apply to this policy."))
            if not cleaned.get("policy_effective_date"):
                self.add_error("policy_effective_date", _("Say when it takes effect."))
        return cleaned

    def policy_record(self):
        data = self.cleaned_data
        if not data.get("add_policy_record"):
            return None
        return {
            "dimension": data["policy_dimension"],
            "value": data["policy_value"],
            "effective_date": data["policy_effective_date"],
            "source_url": data.get("policy_source_url") or "",
        }


class MemberForm(forms.Form):
    user = UserChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.ORGANIZER)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team_candidates().exclude(campaign_memberships__campaign=campaign)


class TargetForm(forms.Form):
    """A target is an official of the jurisdiction's agencies, or one of its agencies as a body."""

    official = forms.ModelChoiceField(label=_("Official"), queryset=Official.objects.none(), required=False)
    agency = forms.ModelChoiceField(label=_("…or a body as a whole"), queryset=Agency.objects.none(), required=False)
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices, initial=Stance.UNKNOWN)
    votes = forms.BooleanField(
        label=_("Votes on the decision"),
        required=False,
        help_text=_("Counted in the whip count. Board and council members vote by default."),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        jurisdiction = campaign.jurisdiction
        agencies = Agency.objects.filter(jurisdiction_id__in=[jurisdiction.pk, jurisdiction.parent_id]).order_by(
            "kind", "name"
        )
        taken_officials = campaign.targets.exclude(official=None).values("official_id")
        taken_agencies = campaign.targets.filter(official=None).exclude(agency=None).values("agency_id")
        self.fields["official"].queryset = (
            Official.objects.filter(agency__in=agencies, is_active=True)
            .exclude(pk__in=taken_officials)
            .select_related("agency")
            .order_by("agency__name", "district", "name")
        )
        self.fields["official"].label_from_instance = lambda o: f"{o.name} — {o.title} ({o.agency.name})"
        self.fields["agency"].queryset = agencies.exclude(pk__in=taken_agencies)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("official")) == bool(cleaned.get("agency")) and not self.errors:
            raise forms.ValidationError(_("Choose either an official or a body."))
        return cleaned


class StanceForm(forms.Form):
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices)
    note = forms.CharField(label=_("Why"), required=False, max_length=500)


class DeadlineForm(forms.ModelForm):
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Deadline
        fields = ["title", "kind", "due_date", "due_time", "owner", "note"]
        widgets = {
            "due_date": DateInput(),
            "due_time": TimeInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(campaign_memberships__campaign=campaign).order_by(
            "username"
        )
        # Records-response deadlines follow their request; they are not made by hand.
        self.fields["kind"].choices = [c for c in Deadline.Kind.choices if c[0] != Deadline.Kind.RECORDS_DUE]

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due.year < 2000:
            raise forms.ValidationError(_("Check the year."))
        return due

    def service_fields(self):
        data = dict(self.cleaned_data)
        data["time_zone"] = timezone.get_current_timezone_name() if data.get("due_time") else ""
        return data


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


# --- records requests ----------------------------------------------------------------------------


def _check_past_date(value):
    if value is None:
        return value
    if value.year < 2000:
        raise forms.ValidationError(_("Check the year."))
    if value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class RecordsRequestForm(forms.Form):
    agencies = AgencyMultipleChoiceField(
        label=_("Send to"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One request is made for each agency you tick, each with its own due date."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    records_sought = forms.CharField(
        label=_("Records asked for"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Be specific: kinds of records, dates, names of forms (e.g. I-247A detainers since January 2025)."),
    )
    method = forms.ChoiceField(label=_("Sent by"), choices=RecordsRequest.Method.choices)
    sent_on = forms.DateField(
        label=_("Sent on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to keep it as a draft; the legal due date is computed from the day it is sent."),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        jurisdiction = campaign.jurisdiction
        self.fields["agencies"].queryset = Agency.objects.filter(
            jurisdiction_id__in=[jurisdiction.pk, jurisdiction.parent_id]
        ).order_by("kind", "name")

    def clean_sent_on(self):
        return _check_past_date(self.cleaned_data.get("sent_on"))


class RecordsRequestStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RecordsRequest.Status.choices)
    sent_on = forms.DateField(label=_("Sent on"), required=False, widget=DateInput())
    extended_to = forms.DateField(
        label=_("Extended to"),
        required=False,
        widget=DateInput(),
        help_text=_("The date the agency gave. Leave empty to use the extension the law allows."),
    )
    response_note = forms.CharField(
        label=_("Notes on the response"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_sent_on(self):
        return _check_past_date(self.cleaned_data.get("sent_on"))

    def clean(self):
        cleaned = super().clean()
        status, extended_to = cleaned.get("status"), cleaned.get("extended_to")
        if extended_to and status != RecordsRequest.Status.EXTENDED:
            self.add_error("extended_to", _("An extended date goes with the status Extended."))
        if extended_to and extended_to.year < 2000:
            self.add_error("extended_to", _("Check the year."))
        return cleaned


# --- question sets -------------------------------------------------------------------------------


class QuestionSetForm(forms.ModelForm):
    class Meta:
        model = QuestionSet
        fields = ["name", "name_es", "kind", "description", "description_es", "is_active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_es": forms.Textarea(attrs={"rows": 2}),
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "order",
            "topic",
            "topic_es",
            "text",
            "text_es",
            "good_answer",
            "good_answer_es",
            "evasive_answer",
            "evasive_answer_es",
        ]
        widgets = {
            "order": forms.NumberInput(attrs={"min": 0, "style": "max-width: 7rem"}),
            "text": forms.Textarea(attrs={"rows": 2}),
            "text_es": forms.Textarea(attrs={"rows": 2}),
            "good_answer": forms.Textarea(attrs={"rows": 2}),
            "good_answer_es": forms.Textarea(attrs={"rows": 2}),
            "evasive_answer": forms.Textarea(attrs={"rows": 2}),
            "evasive_answer_es": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].initial = None
        if self.instance.pk is None:
            # A blank new row must stay "unchanged" so it is skipped, so no default order is shown.
            self.initial.pop("order", None)


class BaseQuestionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for index, form in enumerate(self.forms):
            # Django treats a row whose id is not one of this set's questions as a new question;
            # here it is an error, so an id from another set can neither be edited nor copied.
            if index < self.initial_form_count() and form.instance.pk is None:
                raise forms.ValidationError(
                    _("A question on this page does not belong to this set. Reload the page and try again.")
                )


QuestionFormSet = forms.inlineformset_factory(
    QuestionSet,
    Question,
    form=QuestionForm,
    formset=BaseQuestionFormSet,
    extra=2,
    can_delete=True,
    max_num=100,
    validate_max=True,
)


# --- letters -------------------------------------------------------------------------------------


class TargetChoicesMixin:
    """Recipients from the campaign's targets, read once by the view (no query per checkbox)."""

    def set_recipient_choices(self, targets):
        self.targets = list(targets)
        self.fields["recipients"].choices = [(t.pk, str(t)) for t in self.targets]

    def chosen_recipients(self):
        chosen = set(self.cleaned_data.get("recipients") or [])
        return [t for t in self.targets if t.pk in chosen]


class SampleLetterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_language_display()})"


class LetterNewForm(TargetChoicesMixin, forms.Form):
    template = SampleLetterChoiceField(label=_("Sample letter"), queryset=Resource.objects.none())
    recipients = forms.TypedMultipleChoiceField(
        label=_("To"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one recipient.")},
    )
    sender = forms.CharField(label=_("From"), max_length=200, help_text=_("A person, or the coalition signing it."))
    letter_date = forms.DateField(label=_("Date of the letter"), widget=DateInput())
    subject = forms.CharField(
        label=_("Subject"), max_length=200, required=False, help_text=_("Leave empty to use the sample's title.")
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = (
            Resource.objects.approved()
            .filter(kind=ResourceKind.SAMPLE_LETTER)
            .exclude(template_body="")
            .only("pk", "title", "language")
            .order_by("title")
        )
        self.set_recipient_choices(targets)

    def clean_letter_date(self):
        value = self.cleaned_data["letter_date"]
        if value.year < 2000:
            raise forms.ValidationError(_("Check the year."))
        return value


class LetterEditForm(TargetChoicesMixin, forms.Form):
    recipients = forms.TypedMultipleChoiceField(
        label=_("To"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one recipient.")},
    )
    sender = forms.CharField(label=_("From"), max_length=200)
    letter_date = forms.DateField(label=_("Date of the letter"), widget=DateInput())
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Letter"), widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_recipient_choices(targets)
        self.fields["body"].help_text = merge_fields_help()

    def clean_letter_date(self):
        value = self.cleaned_data["letter_date"]
        if value.year < 2000:
            raise forms.ValidationError(_("Check the year."))
        return value

    def clean_body(self):
        body = self.cleaned_data["body"]
        validate_template_body(body)
        return body


class LetterStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Letter.Status.choices)
    sent_on = forms.DateField(label=_("Sent on"), required=False, widget=DateInput())
    answered_on = forms.DateField(label=_("Answered on"), required=False, widget=DateInput())
    expect_answer_by = forms.DateField(
        label=_("Expect an answer by"),
        required=False,
        widget=DateInput(),
        help_text=_("Adds a follow-up deadline for the answer."),
    )
    response_note = forms.CharField(label=_("The answer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_sent_on(self):
        return _check_past_date(self.cleaned_data.get("sent_on"))

    def clean_answered_on(self):
        return _check_past_date(self.cleaned_data.get("answered_on"))

    def clean_expect_answer_by(self):
        value = self.cleaned_data.get("expect_answer_by")
        if value and value.year < 2000:
            raise forms.ValidationError(_("Check the year."))
        return value
