"""One error body for every API error: {"detail": "what went wrong", "errors": {field: [messages]}}.

Services raise Django's ValidationError; here it becomes a 400 with the same shape as a serializer's.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


def _field_errors(data):
    if isinstance(data, dict):
        return {(NON_FIELD if key == NON_FIELD_ERRORS else key): value for key, value in data.items()}
    if isinstance(data, list):
        return {NON_FIELD: data}
    return {NON_FIELD: [data]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(response.data)
        messages = errors.get(NON_FIELD)
        if isinstance(messages, list) and messages and isinstance(messages[0], str) and len(errors) == 1:
            detail = " ".join(str(message) for message in messages)
        else:
            detail = _("Some fields need another look.")
        response.data = {"detail": detail, "errors": errors}
    else:
        data = response.data
        detail = data.get("detail", "") if isinstance(data, dict) else data
        response.data = {"detail": str(detail), "errors": {}}
    return response
