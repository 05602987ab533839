"""The OpenAPI document: every operation also documents the error body it can answer with."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Field name → list of messages; for a list of items, item index → its fields' messages; "
        "`non_field_errors` for the request as a whole. Empty for errors that concern no field.",
    )

    class Meta:
        ref_name = "Error"


ERROR_CODES = {
    "400": "Bad input: the fields and their messages are in `errors`.",
    "401": "Not signed in: send a session cookie or `Authorization: Bearer <token>`.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not yours to see.",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_CODES.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made on the “API tokens & calendar” page: `Authorization: Bearer cdk_…`.",
        }
