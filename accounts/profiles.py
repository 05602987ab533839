"""Reads of a user's profile: the row, or the defaults for someone who never changed them."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from .models import Profile


def profile_of(user):
    """The user's Profile, or the defaults (unsaved) when they have none.

    No query when the user was read with `select_related("profile")`, as the signed-in user is
    (accounts.backends).
    """
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def user_time_zone(user):
    """The user's time zone name, or the site's when they have not set one (or set one that no longer exists)."""
    if user.is_authenticated:
        name = profile_of(user).time_zone
        if name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                return settings.TIME_ZONE
            return name
    return settings.TIME_ZONE
