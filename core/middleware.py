"""Middleware every request passes through: input no view can store is refused, and the browser is told what a
page may use."""

import json
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _is_api(request):
    return request.path_info.startswith(API_PREFIX)


def _refusal(request, message, status=400):
    """A 400 in the API's error shape under /api/, plain text elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _json_has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(key) or _json_has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(item) for item in value)
    return False


def _body_has_nul(request):
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        # Files may hold NUL bytes; only the text fields are checked.
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.POST.lists())
    body = request.body
    if not body:
        return False
    if content_type == "application/x-www-form-urlencoded":
        return b"\x00" in body or "\x00" in unquote_plus(body.decode("latin-1"))
    if b"\x00" in body:
        return True
    if content_type.endswith("json") and b"\\u0000" in body.lower():
        # Only a NUL in a decoded string counts: "\\u0000" (an escaped backslash) is plain text.
        try:
            return _json_has_nul(json.loads(body))
        except ValueError:
            return False  # the view's parser reports the broken JSON
    return False


class RejectUnstorableInputMiddleware:
    """A NUL character in the path, the query string or the body is a 400 for every view, before any view runs.

    PostgreSQL cannot store NUL in a text column, and no field has a use for one: refusing it here is one
    place instead of a check in every form, filter and serializer. Under /api/ the answer is the API's
    JSON error shape, and so is a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = _("The request holds a NUL character, which no field accepts. Remove it and try again.")
        if "\x00" in request.path_info or "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            return _refusal(request, message)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            try:
                has_nul = _body_has_nul(request)
            except RequestDataTooBig:
                if not _is_api(request):
                    raise
                return _refusal(request, _("The request body is too large."), status=413)
            if has_nul:
                return _refusal(request, message)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Turns off browser features no page uses (camera, microphone, location...), for the page and any frame."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
