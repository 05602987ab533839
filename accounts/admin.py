from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from simple_history.admin import SimpleHistoryAdmin

from .models import Organization, OrganizationMembership, Profile
from .organizations import sync_role_groups


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "language", "reminder_emails", "overdue_emails", "digest_frequency"]
    list_filter = ["reminder_emails", "overdue_emails", "digest_frequency", "language"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class OrganizationMembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language", "time_zone", "is_default"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganizationMembershipInline]

    def save_formset(self, request, form, formset, change):
        # A person's Staff or Organizer group follows their organization roles (accounts.organizations).
        super().save_formset(request, form, formset, change)
        # Those there before (changed or deleted) and those added.
        users = {membership.user for membership in formset.queryset} | {obj.user for obj in formset.new_objects}
        for user in users:
            sync_role_groups(user)


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "added_at"]
    list_filter = ["organization", "role"]
    search_fields = ["user__username", "user__email", "organization__name"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_role_groups(obj.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sync_role_groups(obj.user)


class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """Django's user admin, with each user's history: every change to them and to their roles."""


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
