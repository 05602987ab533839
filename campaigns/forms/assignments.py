"""Assigning a library resource to campaigns, and withdrawing it."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ..models import Assignment, Campaign


class CampaignChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.jurisdiction.name}, {obj.jurisdiction.state.postal}"


class AssignForm(forms.Form):
    campaigns = CampaignChoiceField(
        label=_("Campaigns"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one campaign.")},
    )
    note = forms.CharField(
        label=_("Why it helps"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organizers of each campaign see this note with the resource."),
    )

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["campaigns"].queryset = (
            Campaign.objects.select_related("jurisdiction__state")
            .exclude(
                Exists(Assignment.objects.filter(campaign=OuterRef("pk"), resource=resource, withdrawn_at__isnull=True))
            )
            .only("id", "name", "jurisdiction__name", "jurisdiction__state__postal")
            .order_by("name", "pk")
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The campaign's organizers see why it was withdrawn."),
    )
