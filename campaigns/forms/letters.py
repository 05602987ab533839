"""Letter forms: drafting from a sample letter, editing with merge fields, status."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resources.letters import merge_fields_help, validate_template_body
from resources.models import Kind as ResourceKind
from resources.models import Resource

from ..models import (
    Letter,
)
from .common import DateInput, _check_past_date

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
        label=pgettext_lazy("letter recipients", "To"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one recipient.")},
    )
    sender = forms.CharField(
        label=pgettext_lazy("letter sender", "From"),
        max_length=200,
        help_text=_("A person, or the coalition signing it."),
    )
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
        label=pgettext_lazy("letter recipients", "To"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one recipient.")},
    )
    sender = forms.CharField(label=pgettext_lazy("letter sender", "From"), max_length=200)
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
