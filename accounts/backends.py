"""Signing in: Django's ModelBackend, reading the user with their profile and roles on every request.

Nothing about the user is kept between requests: a deactivation, a new password (through the session
auth hash) or a changed role counts from the next request, whatever wrote it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from core.roles import ROLE_NAMES_ATTR, ROLES


def _role_flag(role):
    return f"_is_{role.lower()}"


class ProfileBackend(ModelBackend):
    """ModelBackend whose get_user reads the profile (time zone) and the roles with the user, in one query:
    every signed-in page needs both (times show in the user's zone; the menu shows what a role may do)."""

    def get_user(self, user_id):
        User = get_user_model()
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
        users = User._default_manager.select_related("profile").annotate(
            **{_role_flag(role): Exists(memberships.filter(group__name=role)) for role in ROLES}
        )
        try:
            user = users.get(pk=user_id)
        except (User.DoesNotExist, ValueError, TypeError):
            return None
        if not self.user_can_authenticate(user):
            return None
        # Where core.roles.role_of looks before asking the database.
        setattr(user, ROLE_NAMES_ATTR, {role for role in ROLES if getattr(user, _role_flag(role))})
        return user
