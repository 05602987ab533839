"""Session lifetimes: signed out after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT
seconds after signing in, whatever the activity."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"


def session_start(request):
    """Mark the session's sign-in time (user_logged_in)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def on_user_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request)


class SessionTimeoutMiddleware:
    """Signs out a session idle too long or signed in too long ago; the request then goes on signed out.

    The last-seen time is written at most every SESSION_ACTIVITY_RESOLUTION seconds, not on every request,
    so a page view does not become a session write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = int(time.time())
        signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
        if signed_in_at is None or seen_at is None:
            session_start(request)  # a session from before these limits: they count from now
            return
        if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            logout(request)
            messages.info(
                request,
                _("You were signed out: a sign-in lasts at most %(days)d days.")
                % {"days": settings.SESSION_ABSOLUTE_TIMEOUT // 86400},
            )
        elif now - seen_at > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(hours)d hours without activity.")
                % {"hours": settings.SESSION_IDLE_TIMEOUT // 3600},
            )
        elif now - seen_at > settings.SESSION_ACTIVITY_RESOLUTION:
            session[SEEN_AT] = now
