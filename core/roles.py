"""Roles are Django groups. Which permissions each role holds is declared here, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for the checker: this module is imported before the apps are ready (core.apps).
    from django.apps.registry import Apps

    from .types import AnyUser

ORGANIZER = "Organizer"
STAFF = "Staff"
ADMIN = "Admin"
ROLES = [ORGANIZER, STAFF, ADMIN]

# app label -> {role: actions}. Models added to an app later get the same actions on the next migrate.
ROLE_PERMISSIONS = {
    "jurisdictions": {
        ORGANIZER: {"view"},
        STAFF: {"view", "add", "change"},
        ADMIN: {"view", "add", "change", "delete"},
    },
    "campaigns": {
        ORGANIZER: {"view", "add", "change"},
        STAFF: {"view", "add", "change", "delete"},
        ADMIN: {"view", "add", "change", "delete"},
    },
    "resources": {
        ORGANIZER: {"view"},
        STAFF: {"view", "add", "change", "delete"},
        ADMIN: {"view", "add", "change", "delete"},
    },
    "auth": {ADMIN: {"view", "add", "change"}},
}


# Where a user's role names are kept once read: accounts.backends sets it with the signed-in user.
ROLE_NAMES_ATTR = "_role_names"


def role_of(user: AnyUser) -> str | None:
    """The user's highest role name, or None."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    names = getattr(user, ROLE_NAMES_ATTR, None)
    if names is None:
        # The signed-in user's roles come with the user (accounts.backends); anyone else's cost a query.
        names = set(user.groups.values_list("name", flat=True))
        setattr(user, ROLE_NAMES_ATTR, names)
    for role in (ADMIN, STAFF, ORGANIZER):
        if role in names:
            return role
    return None


def is_admin(user: AnyUser) -> bool:
    return role_of(user) == ADMIN


def is_staff_member(user: AnyUser) -> bool:
    """Staff and admins: the people who maintain shared data."""
    return role_of(user) in (STAFF, ADMIN)


def sync_role_permissions(apps: Apps | None = None, **kwargs: Any) -> None:
    """Create the role groups and give them exactly the permissions declared above (idempotent)."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted: dict[str, set[int]] = {role: set() for role in ROLES}
    for app_label, roles in ROLE_PERMISSIONS.items():
        perms = Permission.objects.filter(content_type__app_label=app_label).values_list("pk", "codename")
        for role, actions in roles.items():
            wanted[role] |= {pk for pk, codename in perms if codename.split("_", 1)[0] in actions}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(wanted[role])
