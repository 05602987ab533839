"""Campaign, stage, team, target, stance and deadline forms (staff and organizers)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.organizations import home_organization, organizations_managed_by
from core.widgets import SearchSelect, SearchSelectMultiple
from jurisdictions.models import DIMENSION_VALUES, Agency, Dimension, Jurisdiction, Official, PolicyValue, State

from ..models import (
    OUTCOME_STAGES,
    Campaign,
    CampaignShare,
    Deadline,
    Goal,
    Membership,
    Stage,
    Stance,
)
from .common import DateInput, TimeInput, UserChoiceField, UserMultipleChoiceField, staff_users, team_candidates

User = get_user_model()


class JurisdictionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CampaignForm(forms.ModelForm):
    """Create (with jurisdiction and first team) or edit (details only) a campaign. Staff only.

    The county and the people are searched as you type (campaigns.views_options): any county or city of the
    chosen state, any staff member as lead and anyone with a role on the team is accepted."""

    state = forms.ModelChoiceField(
        label=_("State"), queryset=State.objects.order_by("name"), to_field_name="postal", required=True
    )
    jurisdiction = JurisdictionChoiceField(
        label=_("County or city"),
        queryset=Jurisdiction.objects.all(),
        widget=SearchSelect("campaigns:jurisdiction-options", narrowed_by="id_state"),
    )
    lead = UserChoiceField(
        label=_("Lead"), queryset=User.objects.none(), required=False, widget=SearchSelect("campaigns:people-options")
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Its staff see and manage the campaign."),
    )
    organizers = UserMultipleChoiceField(
        label=_("Organizers on the team"),
        queryset=User.objects.none(),
        required=False,
        widget=SearchSelectMultiple("campaigns:people-options", params={"among": "team"}),
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

    def __init__(self, *args, user, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.fields["lead"].queryset = staff_users()
        if creating:
            self.fields["organizers"].queryset = team_candidates(user)
            del self.fields["ended_on"]
            organizations = organizations_managed_by(user)
            if organizations.count() > 1:  # one organization: the campaign is its own, nothing to choose
                self.fields["organization"].queryset = organizations
                self.fields["organization"].required = True
                self.fields["organization"].initial = home_organization(user).pk
            else:
                del self.fields["organization"]
        else:
            for name in ("state", "jurisdiction", "organizers", "organization"):
                del self.fields[name]

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
    policy_note_public = forms.BooleanField(
        label=_("Show the outcome on the public county page"),
        required=False,
        help_text=_(
            "The record's note quotes the campaign's name and outcome. Unless this is ticked, only the "
            "campaign's organization reads it."
        ),
    )

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
            "note_public": bool(data.get("policy_note_public")),
        }


class ShareForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Partner organization"), queryset=Organization.objects.none())
    level = forms.ChoiceField(
        label=_("Sharing"),
        choices=CampaignShare.Level.choices,
        initial=CampaignShare.Level.READ,
        help_text=_(
            "Read only: the partner's staff see the campaign. Collaborate: they also log meetings, deadlines and "
            "requests, and add their people to the team. Confidential notes are never shared."
        ),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.exclude(pk=campaign.organization_id).order_by(
            "name"
        )


class MemberForm(forms.Form):
    user = UserChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        widget=SearchSelect("campaigns:people-options", params={"among": "team"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.ORGANIZER)

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team_candidates(user, campaign).exclude(campaign_memberships__campaign=campaign)
        # Those already on the team are not offered.
        self.fields["user"].widget.params["campaign"] = campaign.pk


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
        self.fields["official"].label_from_instance = lambda o: f"{o.name} — {o.display_title} ({o.agency.name})"
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
