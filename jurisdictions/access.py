"""Who may see and change jurisdiction data. Every jurisdiction view goes through these helpers."""

from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase

from core.types import View


def map_is_public() -> bool:
    return settings.PUBLIC_MAP


def public_or_login(view: View) -> View:
    """The map and jurisdiction pages: public when PUBLIC_MAP is on, sign-in only otherwise."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The setting first: a public map need not read the user at all.
        if not map_is_public() and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
