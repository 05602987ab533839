"""What the API shows of the shared data: jurisdictions with their current policy, policy records, 287(g)
agreements and the resource library, and what staff may send to change them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Assignment, Campaign
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
from resources.letters import validate_template_body
from resources.models import Audience, Kind, Language, Resource, Topic

from .serializers import MAX_TEXT, AgencyRefSerializer, ReadModelSerializer, UserRefSerializer, WebUrlMixin

# --- jurisdictions -------------------------------------------------------------------------------


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

    def get_has_document(self, record) -> bool:
        return bool(record.source_document)


# --- resources -----------------------------------------------------------------------------------


class ResourceSerializer(WebUrlMixin, ReadModelSerializer):
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    states = serializers.SlugRelatedField(slug_field="postal", many=True, read_only=True)
    audiences = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField(help_text="Newer resources that replace this one.")
    translations = serializers.SerializerMethodField(help_text="The same resource in other languages.")
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "title",
            "kind",
            "summary",
            "published_on",
            "language",
            "topics",
            "states",
            "audiences",
            "url",
            "has_file",
            "file_type",
            "file_size",
            "supersedes",
            "superseded_by",
            "translation_of",
            "translations",
            "is_public",
            "status",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_audiences(self, resource) -> list[str]:
        return sorted(link.audience for link in resource.audience_links.all())

    def get_superseded_by(self, resource) -> list[int]:
        return [r.pk for r in getattr(resource, "newer", [])]

    def get_translations(self, resource) -> list[int]:
        return [r.pk for r in getattr(resource, "other_languages", [])]

    def get_has_file(self, resource) -> bool:
        return bool(resource.file)


class ResourceDetailSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "template_body"]
        read_only_fields = fields


class ResourceInputSerializer(serializers.Serializer):
    """A library resource given by link or letter template (files are uploaded on the web page)."""

    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Kind.choices)
    summary = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    published_on = serializers.DateField()
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    template_body = serializers.CharField(max_length=100_000, required=False, allow_blank=True, default="")
    topics = serializers.SlugRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), many=True, required=False, default=list
    )
    states = serializers.SlugRelatedField(
        slug_field="postal", queryset=State.objects.all(), many=True, required=False, default=list
    )
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False, default=list, max_length=10
    )
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=Resource.objects.filter(status=Resource.Status.APPROVED), required=False, allow_null=True, default=None
    )
    translation_of = serializers.PrimaryKeyRelatedField(
        queryset=Resource.objects.filter(status=Resource.Status.APPROVED), required=False, allow_null=True, default=None
    )
    is_public = serializers.BooleanField(required=False, default=False)

    def validate_published_on(self, value):
        if not 1900 <= value.year <= 2100:
            raise serializers.ValidationError(_("Check the year."))
        return value

    def validate_template_body(self, value):
        if value:
            try:
                validate_template_body(value)
            except Exception as error:  # Django's ValidationError, with the unknown merge field named
                raise serializers.ValidationError(getattr(error, "messages", [str(error)])) from None
        return value

    def validate(self, data):
        resource = self.context.get("resource")

        def value(name):
            return data[name] if name in data else getattr(resource, name, "")

        if value("template_body") and value("kind") != Kind.SAMPLE_LETTER:
            raise serializers.ValidationError({"template_body": _("Only sample letters carry a letter template.")})
        has_file = bool(resource is not None and resource.file)
        if not (has_file or value("url") or value("template_body")):
            raise serializers.ValidationError(_("Give a link or (for a sample letter) write its template."))
        translation = value("translation_of") or None
        if translation is not None and translation.language == value("language"):
            raise serializers.ValidationError(
                {"translation_of": _("A translation is in another language than the resource it translates.")}
            )
        for name in ("supersedes", "translation_of"):
            other = data.get(name)
            if resource is not None and other is not None and other.pk == resource.pk:
                raise serializers.ValidationError({name: _("Choose another resource, not this one.")})
        return data


# --- assignments ---------------------------------------------------------------------------------


class ResourceRefSerializer(ReadModelSerializer):
    class Meta:
        model = Resource
        fields = ["id", "title", "kind", "language"]
        read_only_fields = fields


class AssignmentSerializer(ReadModelSerializer):
    resource = ResourceRefSerializer(read_only=True)
    assigned_by = UserRefSerializer(read_only=True, allow_null=True)
    withdrawn_by = UserRefSerializer(read_only=True, allow_null=True)
    is_active = serializers.BooleanField(read_only=True)
    is_new = serializers.SerializerMethodField(help_text="Not opened yet by you (and not assigned by you).")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "resource",
            "campaign",
            "note",
            "assigned_by",
            "assigned_at",
            "is_active",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "is_new",
        ]
        read_only_fields = fields

    def get_is_new(self, assignment) -> bool:
        return bool(getattr(assignment, "is_new", False))


class AssignmentInputSerializer(serializers.Serializer):
    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.filter(status=Resource.Status.APPROVED))
    campaigns = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), many=True)
    note = serializers.CharField(max_length=MAX_TEXT, help_text="Why it helps: the organizers see it.")

    def validate_campaigns(self, value):
        if not value:
            raise serializers.ValidationError(_("Choose at least one campaign."))
        if len(value) > 500:
            raise serializers.ValidationError(_("At most 500 campaigns at once."))
        return list({c.pk: c for c in value}.values())


class AssignmentResultSerializer(serializers.Serializer):
    created = AssignmentSerializer(many=True)
    already_assigned = serializers.ListField(
        child=serializers.IntegerField(), help_text="Campaigns that already had the resource: left as they were."
    )


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT, help_text="The organizers see why it was withdrawn.")
