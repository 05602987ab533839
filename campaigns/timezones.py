"""Times on campaign pages are read and shown in the user's own time zone (their profile's)."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.profiles import user_time_zone


def in_user_time_zone(view):
    """Run the view with the user's time zone active: a deadline's time or a meeting's hour means their clock."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(ZoneInfo(user_time_zone(request.user))):
            return view(request, *args, **kwargs)

    return wrapper
