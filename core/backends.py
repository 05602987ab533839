"""Signing in: the signed-in user's roles and time zone come with the user, in one query per request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Subquery

from .roles import ROLES


def _role_field(role):
    return f"_has_role_{role.lower()}"


class RoleAwareBackend(ModelBackend):
    """ModelBackend whose `get_user` also reads the user's role groups and time zone.

    Every signed-in page needs both (the menu shows what a role may do; times show in the user's own
    zone), so reading them with the user saves two queries a request.
    """

    def get_user(self, user_id):
        from campaigns.models import NotificationSettings

        User = get_user_model()
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
        annotations = {_role_field(role): Exists(memberships.filter(group__name=role)) for role in ROLES}
        annotations["_time_zone_setting"] = Subquery(
            NotificationSettings.objects.filter(user_id=OuterRef("pk")).values("time_zone")[:1]
        )
        user = User._default_manager.annotate(**annotations).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        user._role_names = {role for role in ROLES if getattr(user, _role_field(role))}
        user._time_zone = user._time_zone_setting or ""
        return user
