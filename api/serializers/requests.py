"""Public-records requests with their legal due dates, and what sending or changing one takes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.models import (
    RecordsRequest,
)

from .common import (
    MAX_TEXT,
    AgencyRefSerializer,
    IdField,
    ReadModelSerializer,
    WebUrlMixin,
    check_past_date,
    check_year,
    lookup,
    no_duplicates,
)
from .targets import campaign_agencies


class RecordsRequestSerializer(WebUrlMixin, ReadModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    law = serializers.CharField(source="law.law_name", read_only=True, allow_null=True, default=None)
    due_explanation = serializers.CharField(read_only=True, help_text="How the due date was found.")
    due_needs_review = serializers.BooleanField(read_only=True)

    class Meta:
        model = RecordsRequest
        fields = [
            "id",
            "campaign",
            "agency",
            "subject",
            "records_sought",
            "method",
            "sent_on",
            "status",
            "law",
            "due_rule",
            "original_due_date",
            "due_date",
            "due_explanation",
            "due_needs_review",
            "batch",
            "response_note",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields


class RecordsRequestBatchSerializer(serializers.Serializer):
    records_requests = RecordsRequestSerializer(many=True, help_text="One request per agency, in the order given.")


class RecordsRequestInputSerializer(serializers.Serializer):
    agencies = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=50,
        help_text="One request is made for each agency (of the campaign's jurisdiction).",
    )
    subject = serializers.CharField(max_length=200)
    records_sought = serializers.CharField(max_length=MAX_TEXT)
    method = serializers.ChoiceField(choices=RecordsRequest.Method.choices, default=RecordsRequest.Method.EMAIL)
    sent_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Leave out to keep it a draft."
    )

    def validate_sent_on(self, value):
        return check_past_date(value)

    def validate_agencies(self, value):
        no_duplicates(value, _("Each agency once."))
        agencies = {a.pk: a for a in campaign_agencies(self.context["campaign"]).filter(pk__in=value)}
        return lookup(value, agencies, _("Agency %(id)s is not in this campaign's jurisdiction."))


class RecordsRequestStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RecordsRequest.Status.choices)
    sent_on = serializers.DateField(required=False, allow_null=True, default=None)
    extended_to = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The date the agency gave when it extended."
    )
    response_note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)

    def validate_sent_on(self, value):
        return check_past_date(value)

    def validate_extended_to(self, value):
        return check_year(value)

    def validate(self, data):
        if data.get("extended_to") and data["status"] != RecordsRequest.Status.EXTENDED:
            raise serializers.ValidationError({"extended_to": _("An extended date goes with the status Extended.")})
        return data
