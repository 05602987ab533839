"""What the API shows of the shared jurisdiction data: states and their laws, jurisdictions with their current
policy, agencies and officials, 287(g) agreements and policy records."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.organizations import organization_ids_of
from jurisdictions.models import (
    Agency,
    Agreement287g,
    Jurisdiction,
    Official,
    PolicyLevel,
    PolicyRecord,
    RecordsLaw,
    State,
    StateFloor,
    StateLaw,
)
from jurisdictions.selectors import internal_note_readable

from .common import AgencyRefSerializer, ReadModelSerializer, UserRefSerializer, WebUrlMixin, request_user


class StateSerializer(ReadModelSerializer):
    class Meta:
        model = State
        fields = ["postal", "name", "fips", "law_floor"]
        read_only_fields = fields


class CurrentPolicySerializer(serializers.Serializer):
    """The current value of each dimension (its latest record) and the overall level the public maps use."""

    level = serializers.ChoiceField(choices=PolicyLevel.choices, read_only=True)
    holds = serializers.CharField(source="current_holds", read_only=True)
    notifications = serializers.CharField(source="current_notifications", read_only=True)
    jail_access = serializers.CharField(source="current_jail_access", read_only=True)
    bed_contract = serializers.CharField(source="current_bed_contract", read_only=True)
    model_287g = serializers.CharField(
        source="current_287g", read_only=True, help_text="The most entangling active 287(g) model, or empty."
    )
    state_law_floor = serializers.ChoiceField(
        source="state.law_floor",
        choices=StateFloor.choices,
        read_only=True,
        help_text="What the state's laws add on top of the local level.",
    )
    judicial_warrant = serializers.BooleanField(
        source="current_judicial_warrant",
        read_only=True,
        allow_null=True,
        help_text="Whether the jail holds people for ICE only on a judicial warrant (null: not known).",
    )
    fourth_amendment_risk = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="True when the jail honors all or some ICE holds without a judicial warrant (null: not known).",
    )
    updated = serializers.DateField(source="policy_updated", read_only=True, allow_null=True)


class JurisdictionSerializer(WebUrlMixin, ReadModelSerializer):
    state = StateSerializer(read_only=True)
    policy = CurrentPolicySerializer(source="*", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "fips",
            "county_type",
            "state",
            "parent",
            "population",
            "population_year",
            "is_legacy",
            "policy",
            "web_url",
        ]
        read_only_fields = fields


class StateLawSerializer(ReadModelSerializer):
    class Meta:
        model = StateLaw
        fields = ["id", "title", "citation", "effect", "source_type", "enacted_year", "effective_date", "source_url"]
        read_only_fields = fields


class RecordsLawSerializer(ReadModelSerializer):
    class Meta:
        model = RecordsLaw
        fields = [
            "law_name",
            "citation",
            "response_days",
            "day_type",
            "extension_allowed",
            "extension_days",
            "needs_review",
            "source_url",
        ]
        read_only_fields = fields


class OfficialSerializer(ReadModelSerializer):
    class Meta:
        model = Official
        fields = [
            "id",
            "name",
            "office",
            "title",
            "district",
            "party",
            "email",
            "phone",
            "website",
            "term_start",
            "term_end",
            "next_election",
            "is_active",
            "source",
            "source_url",
            "verified_on",
            "is_demo",
        ]
        read_only_fields = fields


class AgencySerializer(ReadModelSerializer):
    officials = OfficialSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "kind",
            "phone",
            "email",
            "website",
            "records_email",
            "records_portal",
            "officials",
        ]
        read_only_fields = fields


class AgreementSerializer(ReadModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    state = serializers.CharField(source="state.postal", read_only=True)

    class Meta:
        model = Agreement287g
        fields = [
            "id",
            "agency",
            "state",
            "jurisdiction",
            "model",
            "status",
            "signed_date",
            "end_date",
            "moa_url",
            "addendum_url",
            "last_listed",
        ]
        read_only_fields = fields


class JurisdictionAgreementSerializer(AgreementSerializer):
    """An agreement on its county's page: its state is the county's."""

    class Meta(AgreementSerializer.Meta):
        fields = [name for name in AgreementSerializer.Meta.fields if name != "state"]
        read_only_fields = fields


class JurisdictionDetailSerializer(JurisdictionSerializer):
    state_laws = StateLawSerializer(source="state.laws", many=True, read_only=True)
    records_law = serializers.SerializerMethodField()
    agencies = AgencySerializer(many=True, read_only=True)
    agreements = JurisdictionAgreementSerializer(many=True, read_only=True)

    class Meta(JurisdictionSerializer.Meta):
        fields = [*JurisdictionSerializer.Meta.fields, "state_laws", "records_law", "agencies", "agreements"]
        read_only_fields = fields

    @extend_schema_field(RecordsLawSerializer(allow_null=True))
    def get_records_law(self, jurisdiction):
        law = getattr(jurisdiction.state, "records_law", None)
        return RecordsLawSerializer(law).data if law else None


class PolicyRecordSerializer(ReadModelSerializer):
    entered_by = serializers.SerializerMethodField()
    has_document = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = PolicyRecord
        fields = [
            "id",
            "jurisdiction",
            "dimension",
            "value",
            "judicial_warrant",
            "effective_date",
            "source_url",
            "has_document",
            "note",
            "note_internal",
            "is_demo",
            "agreement",
            "entered_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_entered_by(self, record):
        # Who entered a record is shown to signed-in users only, as on the jurisdiction page.
        request = self.context.get("request")
        if record.entered_by is None or request is None or not request.user.is_authenticated:
            return None
        return UserRefSerializer(record.entered_by).data

    def get_note(self, record) -> str:
        # An internal note is read within the organization that entered it, as on the jurisdiction page.
        if not record.note_internal:
            return record.note
        user = request_user(self)
        if "organization_ids" not in self.context:
            self.context["organization_ids"] = organization_ids_of(user)
        return record.note if internal_note_readable(record, user, self.context["organization_ids"]) else ""

    def get_has_document(self, record) -> bool:
        return bool(record.source_document)
