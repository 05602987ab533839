"""What the API shows of the resource library and of the resources assigned to campaigns, and what staff
send to change them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.models import Assignment, Campaign
from jurisdictions.models import (
    State,
)
from resources.letters import validate_template_body
from resources.models import Audience, Kind, Language, Resource, Topic

from .common import MAX_TEXT, ReadModelSerializer, UserRefSerializer, WebUrlMixin


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
