"""Campaigns: what the API shows of one (with its team, stage history and whip count) and what it takes
to create or change one, move its stage or add to its team."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization
from accounts.organizations import organizations_managed_by
from campaigns.forms import staff_users, team_candidates
from campaigns.models import (
    OUTCOME_STAGES,
    Campaign,
    Goal,
    Membership,
    Stage,
    StageChange,
)
from campaigns.selectors import whip_count
from jurisdictions.forms import dimension_value_error, effective_date_error, judicial_warrant_error
from jurisdictions.models import Dimension, Jurisdiction, PolicyValue

from .common import (
    MAX_TEXT,
    JurisdictionRefSerializer,
    ReadModelSerializer,
    UserRefSerializer,
    WebUrlMixin,
    check_year,
    request_user,
)

User = get_user_model()


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug"]
        read_only_fields = fields


class CampaignSerializer(WebUrlMixin, ReadModelSerializer):
    organization = OrganizationRefSerializer(read_only=True, help_text="The organization that runs the campaign.")
    jurisdiction = JurisdictionRefSerializer(read_only=True)
    lead = UserRefSerializer(read_only=True, allow_null=True)
    overdue_count = serializers.IntegerField(read_only=True, help_text="Open deadlines past their due date.")
    next_due = serializers.DateField(read_only=True, allow_null=True, help_text="The next open deadline's date.")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "organization",
            "jurisdiction",
            "goal",
            "goal_detail",
            "stage",
            "lead",
            "summary",
            "started_on",
            "ended_on",
            "outcome",
            "board_seats",
            "last_activity_at",
            "created_at",
            "overdue_count",
            "next_due",
            "web_url",
        ]
        read_only_fields = fields


class MembershipSerializer(ReadModelSerializer):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "added_at"]
        read_only_fields = fields


class StageChangeSerializer(ReadModelSerializer):
    changed_by = UserRefSerializer(read_only=True, allow_null=True)
    from_stage = serializers.ChoiceField(choices=Stage.choices, allow_blank=True, read_only=True)

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "changed_at", "changed_by", "note", "outcome"]
        read_only_fields = fields


class WhipCountSerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    needed = serializers.IntegerField(help_text="Votes needed for a majority.")
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    undecided = serializers.IntegerField()


class CampaignDetailSerializer(CampaignSerializer):
    team = MembershipSerializer(source="memberships", many=True, read_only=True)
    stage_changes = StageChangeSerializer(many=True, read_only=True)
    whip_count = serializers.SerializerMethodField()
    can_change = serializers.BooleanField(source="user_can_change", read_only=True)
    can_manage = serializers.BooleanField(source="user_can_manage", read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "team", "stage_changes", "whip_count", "can_change", "can_manage"]
        read_only_fields = fields

    @extend_schema_field(WhipCountSerializer(allow_null=True))
    def get_whip_count(self, campaign):

        whip = whip_count(campaign, list(campaign.targets.all()))
        return WhipCountSerializer(whip).data if whip else None


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    goal = serializers.ChoiceField(choices=Goal.choices)
    goal_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lead = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True)
    summary = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    board_seats = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    organizers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), many=True, required=False, help_text="Users to put on the team."
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the organizations you manage; leave out for your own.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_managed_by(request_user(self))
        self.fields["lead"].queryset = staff_users()
        self.fields["organizers"].child_relation.queryset = team_candidates(request_user(self))

    def validate_started_on(self, value):
        return check_year(value)

    def validate(self, data):
        if data.get("goal") == Goal.OTHER and not (data.get("goal_detail") or "").strip():
            raise serializers.ValidationError({"goal_detail": _("Say in a few words what the goal is.")})
        return data


class CampaignUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    goal = serializers.ChoiceField(choices=Goal.choices, required=False)
    goal_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lead = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True)
    summary = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False)
    ended_on = serializers.DateField(required=False, allow_null=True)
    board_seats = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = staff_users()

    def validate_started_on(self, value):
        return check_year(value)

    def validate_ended_on(self, value):
        return check_year(value)

    def validate(self, data):
        campaign = self.context["campaign"]
        goal = data.get("goal", campaign.goal)
        detail = data.get("goal_detail", campaign.goal_detail)
        if goal == Goal.OTHER and not (detail or "").strip():
            raise serializers.ValidationError({"goal_detail": _("Say in a few words what the goal is.")})
        started = data.get("started_on", campaign.started_on)
        ended = data.get("ended_on", campaign.ended_on)
        if started and ended and ended < started:
            raise serializers.ValidationError({"ended_on": _("The end cannot be before the start.")})
        return data


class PolicyRecordInputSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    value = serializers.ChoiceField(choices=PolicyValue.choices)
    judicial_warrant = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Holds records only: whether the jail holds people for ICE only on a judicial warrant.",
    )
    effective_date = serializers.DateField()
    source_url = serializers.URLField(max_length=500)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    note_internal = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Keep the note from the public county page and from anonymous API clients.",
    )

    def validate_effective_date(self, value):
        error = effective_date_error(value)
        if error:
            raise serializers.ValidationError(error)
        return value

    def validate(self, data):
        error = dimension_value_error(data["dimension"], data["value"])
        if error:
            raise serializers.ValidationError({"value": error})
        warrant_error = judicial_warrant_error(data["dimension"], data.get("judicial_warrant"))
        if warrant_error:
            raise serializers.ValidationError({"judicial_warrant": warrant_error})
        return data


class StagePolicyRecordInputSerializer(PolicyRecordInputSerializer):
    """The policy a win or a loss leaves. Its note is written from the campaign's name and outcome, so
    a note given here is not used, and the note stays internal unless `note_public` is true."""

    note = None
    note_internal = None
    note_public = serializers.BooleanField(
        required=False, default=False, help_text="Show the note, which quotes the outcome, on public pages."
    )


class StageChangeInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(
        max_length=MAX_TEXT, required=False, allow_blank=True, default="", help_text="Required for won and lost."
    )
    policy_record = StagePolicyRecordInputSerializer(
        required=False, allow_null=True, default=None, help_text="With a win or a loss: the resulting policy."
    )

    def validate(self, data):

        if data["stage"] == self.context["campaign"].stage:
            raise serializers.ValidationError({"stage": _("The campaign is already at this stage.")})
        if data["stage"] in OUTCOME_STAGES and not data.get("outcome", "").strip():
            raise serializers.ValidationError({"outcome": _("Say what the outcome was: a win or a loss needs it.")})
        if data.get("policy_record") and data["stage"] not in OUTCOME_STAGES:
            raise serializers.ValidationError(
                {"policy_record": _("A policy record can be added with a win or a loss.")}
            )
        return data


class MembershipInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.ORGANIZER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team_candidates(request_user(self), self.context.get("campaign"))
