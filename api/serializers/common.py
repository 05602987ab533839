"""What the API's serializers share: limits, id fields, the read-serializer base, references to rows
shown inside others, and the checks of dates and ids sent."""

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jurisdictions.models import Agency, Jurisdiction

MAX_TEXT = 20_000
# Ids beyond a 64-bit integer cannot be rows; refusing them here keeps them out of the SQL.
MAX_ID = 2**63 - 1


def IdField(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ReadModelSerializer(serializers.ModelSerializer):
    """Read serializers: optional links and emails are empty strings when missing, so they are not typed
    as URIs or emails in the schema (an empty string is neither)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: serializers.CharField,
        models.EmailField: serializers.CharField,
    }


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$", "example": "14:30", "nullable": True}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time (HH:MM or HH:MM:SS) in the zone given beside it, without an offset."""


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class WebUrlMixin(serializers.Serializer):
    """`web_url`: the absolute address of the object's page in the web app."""

    web_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, obj):
        path = obj.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def check_year(value):
    if value is not None and value.year < 2000:
        raise serializers.ValidationError(_("Check the year."))
    return value


def check_past_date(value):
    check_year(value)
    if value is not None and value > timezone.localdate():
        raise serializers.ValidationError(_("This date is in the future."))
    return value


def lookup(ids, objects, message):
    """[objects[id] for id in ids], or a ValidationError naming the first id that is not among them."""
    found = []
    for pk in ids:
        obj = objects.get(pk)
        if obj is None:
            raise serializers.ValidationError(message % {"id": pk})
        found.append(obj)
    return found


def no_duplicates(ids, message):
    if len(set(ids)) != len(ids):
        raise serializers.ValidationError(message)
    return ids


class StateRefSerializer(serializers.Serializer):
    postal = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class JurisdictionRefSerializer(ReadModelSerializer):
    state = serializers.CharField(source="state.postal", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "kind", "fips", "state"]
        read_only_fields = fields


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class AgencyRefSerializer(ReadModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind"]
        read_only_fields = fields


def request_user(serializer):
    """Who is asking; nobody while the schema is drawn."""
    return getattr(serializer.context.get("request"), "user", None) or AnonymousUser()
