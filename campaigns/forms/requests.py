"""Public-records request forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jurisdictions.models import Agency

from ..models import (
    RecordsRequest,
)
from .common import DateInput, _check_past_date


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
