"""Targets of a campaign (officials and bodies) with their stance history, and what adding one or
changing its stance takes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.models import (
    Stance,
    StanceChange,
    Target,
)
from jurisdictions.models import Agency, Official

from .common import IdField, ReadModelSerializer, UserRefSerializer


class TargetSerializer(ReadModelSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            "campaign",
            "official",
            "agency",
            "name",
            "title",
            "votes",
            "stance",
            "stance_changed_at",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class StanceChangeSerializer(ReadModelSerializer):
    changed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = StanceChange
        fields = ["id", "from_stance", "to_stance", "changed_at", "changed_by", "meeting", "note"]
        read_only_fields = fields


class TargetDetailSerializer(TargetSerializer):
    stance_changes = StanceChangeSerializer(many=True, read_only=True)

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "stance_changes"]
        read_only_fields = fields


def campaign_agencies(campaign):
    """The agencies of the campaign's jurisdiction (and its county): what targets and requests may name."""
    jurisdiction = campaign.jurisdiction
    return Agency.objects.filter(jurisdiction_id__in=[jurisdiction.pk, jurisdiction.parent_id])


class TargetInputSerializer(serializers.Serializer):
    official = IdField(required=False, allow_null=True, help_text="An official of the jurisdiction.")
    agency = IdField(required=False, allow_null=True, help_text="…or a body as a whole.")
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.UNKNOWN)
    votes = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Counted in the whip count; default by agency kind."
    )

    def validate(self, data):
        campaign = self.context["campaign"]
        official_id, agency_id = data.get("official"), data.get("agency")
        if (official_id is None) == (agency_id is None):
            raise serializers.ValidationError(_("Choose either an official or a body."))
        agencies = campaign_agencies(campaign)
        if official_id is not None:
            official = (
                Official.objects.filter(pk=official_id, agency__in=agencies, is_active=True)
                .exclude(pk__in=campaign.targets.exclude(official=None).values("official_id"))
                .select_related("agency")
                .first()
            )
            if official is None:
                raise serializers.ValidationError(
                    {"official": _("Not an official of this jurisdiction, or already a target.")}
                )
            data["official"], data["agency"] = official, None
        else:
            agency = (
                agencies.filter(pk=agency_id)
                .exclude(pk__in=campaign.targets.filter(official=None).exclude(agency=None).values("agency_id"))
                .first()
            )
            if agency is None:
                raise serializers.ValidationError(
                    {"agency": _("Not a body of this jurisdiction, or already a target.")}
                )
            data["official"], data["agency"] = None, agency
        return data


class StanceInputSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Stance.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
