from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "language", "reminder_emails", "overdue_emails", "digest_frequency"]
    list_filter = ["reminder_emails", "overdue_emails", "digest_frequency", "language"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
