"""Times on campaign pages are read and shown in the user's own time zone (from their notification settings)."""

from functools import wraps
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone


def user_time_zone(user):
    """The user's time zone name, or the site's when they have not set one.

    No query for the signed-in user of a request (core.backends reads it with the user), one otherwise.
    """
    if user.is_authenticated:
        from .models import NotificationSettings

        name = getattr(user, "_time_zone", None)
        if name is None:
            name = NotificationSettings.objects.filter(user=user).values_list("time_zone", flat=True).first()
        if name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                return settings.TIME_ZONE
            return name
    return settings.TIME_ZONE


def in_user_time_zone(view):
    """Run the view with the user's time zone active: a deadline's time or a meeting's hour means their clock."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(ZoneInfo(user_time_zone(request.user))):
            return view(request, *args, **kwargs)

    return wrapper
