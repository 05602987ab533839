"""Who may call which endpoint, before the object-level check of the app's own access helper."""

from rest_framework import permissions

from core.roles import is_staff_member
from jurisdictions.access import map_is_public


class IsStaffMember(permissions.BasePermission):
    """Staff and admins: the people who maintain shared data."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_staff_member(request.user))


class StaffMayWrite(permissions.BasePermission):
    """Every signed-in user reads; staff and admins write."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_staff_member(request.user)


class JurisdictionData(permissions.BasePermission):
    """Like the jurisdiction pages: public to read when PUBLIC_MAP is on, signed-in users otherwise; staff write."""

    def has_permission(self, request, view):
        signed_in = bool(request.user and request.user.is_authenticated)
        if request.method in permissions.SAFE_METHODS:
            return signed_in or map_is_public()
        return signed_in and is_staff_member(request.user)


class LibraryData(permissions.BasePermission):
    """Like the library pages: anyone reads (anonymous visitors see public resources only); staff write."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and is_staff_member(request.user))
