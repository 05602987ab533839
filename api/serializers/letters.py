"""Letters drafted from sample letters: the letter as sent, and what drafting or changing one takes."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.models import (
    Letter,
)
from campaigns.services import letter_render
from resources.letters import validate_template_body
from resources.models import Kind, Resource

from .common import (
    MAX_TEXT,
    IdField,
    ReadModelSerializer,
    WebUrlMixin,
    check_past_date,
    check_year,
    lookup,
    no_duplicates,
)


class LetterSerializer(WebUrlMixin, ReadModelSerializer):
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Targets it is addressed to.")
    text = serializers.SerializerMethodField(help_text="The letter as sent: the body with its merge fields filled.")

    class Meta:
        model = Letter
        fields = [
            "id",
            "campaign",
            "template",
            "recipients",
            "subject",
            "sender",
            "letter_date",
            "body",
            "text",
            "status",
            "sent_on",
            "answered_on",
            "response_note",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_text(self, letter) -> str:

        return letter_render(letter, list(letter.recipients.all()))


def _recipients(campaign, ids):
    targets = {t.pk: t for t in campaign.targets.filter(pk__in=ids)}
    return lookup(ids, targets, _("Target %(id)s is not part of this campaign."))


def _check_letter_body(value):

    try:
        validate_template_body(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from None
    return value


class LetterCreateSerializer(serializers.Serializer):
    template = IdField(help_text="A sample letter of the library (a resource with a letter template).")
    recipients = serializers.ListField(child=IdField(), min_length=1, max_length=100)
    sender = serializers.CharField(max_length=200)
    letter_date = serializers.DateField(required=False, allow_null=True, default=None)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_letter_date(self, value):
        return check_year(value)

    def validate_template(self, value):

        template = (
            Resource.objects.approved().filter(kind=Kind.SAMPLE_LETTER, pk=value).exclude(template_body="").first()
        )
        if template is None:
            raise serializers.ValidationError(_("Choose a sample letter with a template from the library."))
        return template

    def validate_recipients(self, value):
        no_duplicates(value, _("Each recipient once."))
        return _recipients(self.context["campaign"], value)


class LetterUpdateSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=IdField(), min_length=1, max_length=100)
    sender = serializers.CharField(max_length=200)
    letter_date = serializers.DateField()
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000, help_text="Merge fields are written like {{ official }}.")

    def validate_letter_date(self, value):
        return check_year(value)

    def validate_body(self, value):
        return _check_letter_body(value)

    def validate_recipients(self, value):
        no_duplicates(value, _("Each recipient once."))
        return _recipients(self.context["campaign"], value)


class LetterStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Letter.Status.choices)
    sent_on = serializers.DateField(required=False, allow_null=True, default=None)
    answered_on = serializers.DateField(required=False, allow_null=True, default=None)
    expect_answer_by = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Adds a follow-up deadline for the answer."
    )
    response_note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)

    def validate_sent_on(self, value):
        return check_past_date(value)

    def validate_answered_on(self, value):
        return check_past_date(value)

    def validate_expect_answer_by(self, value):
        return check_year(value)
