from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from simple_history.admin import SimpleHistoryAdmin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "language", "reminder_emails", "overdue_emails", "digest_frequency"]
    list_filter = ["reminder_emails", "overdue_emails", "digest_frequency", "language"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """Django's user admin, with each user's history: every change to them and to their roles."""


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
