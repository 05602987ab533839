from django.contrib import admin

from .roles import is_admin


def _admin_site_permission(request):
    """Django's admin is for the Admin role (and Django staff accounts), not for staff or organizers."""
    user = request.user
    return user.is_active and (user.is_staff or is_admin(user))


admin.site.has_permission = _admin_site_permission
