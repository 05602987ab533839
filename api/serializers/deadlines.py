"""Deadlines of a campaign: what the API shows and what it takes to set or change one."""

from zoneinfo import available_timezones

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.profiles import user_time_zone
from campaigns.models import (
    Deadline,
)

from .common import (
    MAX_TEXT,
    CampaignRefSerializer,
    IdField,
    LocalTimeField,
    ReadModelSerializer,
    UserRefSerializer,
    check_year,
)

User = get_user_model()


HAND_MADE_DEADLINE_KINDS = [c for c in Deadline.Kind.choices if c[0] != Deadline.Kind.RECORDS_DUE]


class DeadlineSerializer(ReadModelSerializer):
    campaign = CampaignRefSerializer(read_only=True)
    due_time = LocalTimeField(read_only=True, allow_null=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "campaign",
            "title",
            "kind",
            "due_date",
            "due_time",
            "time_zone",
            "owner",
            "status",
            "note",
            "meeting",
            "records_request",
            "letter",
            "completed_at",
            "is_overdue",
            "created_at",
        ]
        read_only_fields = fields


def _valid_zone(value):
    if value and value not in _zones():
        raise serializers.ValidationError(_("Give an IANA time zone such as America/Los_Angeles."))
    return value


_ZONES = None


def _zones():
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def team_by_id(campaign):
    return {u.pk: u for u in User.objects.filter(campaign_memberships__campaign=campaign)}


class DeadlineInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=HAND_MADE_DEADLINE_KINDS, default=Deadline.Kind.FOLLOW_UP)
    due_date = serializers.DateField()
    due_time = LocalTimeField(required=False, allow_null=True, default=None)
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The zone of due_time (IANA name); your notification settings' zone when left out.",
    )
    owner = IdField(required=False, allow_null=True, default=None, help_text="A team member.")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")

    def validate_due_date(self, value):
        return check_year(value)

    def validate_time_zone(self, value):
        return _valid_zone(value)

    def validate(self, data):
        campaign = self.context["campaign"]
        deadline = self.context.get("deadline")
        if "owner" in data and data["owner"] is not None:
            owner = team_by_id(campaign).get(data["owner"])
            if owner is None:
                raise serializers.ValidationError({"owner": _("The owner must be on the campaign's team.")})
            data["owner"] = owner
        due_time = data.get("due_time", deadline.due_time if deadline else None)
        if due_time is None:
            if "due_time" in data or "time_zone" in data:
                data["time_zone"] = ""
        elif "due_time" in data or "time_zone" in data:
            data["time_zone"] = data.get("time_zone") or user_time_zone(self.context["request"].user)
        if deadline is not None and deadline.kind == Deadline.Kind.RECORDS_DUE and "kind" not in self.initial_data:
            data.pop("kind", None)
        return data
