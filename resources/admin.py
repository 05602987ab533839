from django.contrib import admin

from .models import Resource, ResourceAudience, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug"]
    search_fields = ["name", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ResourceAudienceInline(admin.TabularInline):
    model = ResourceAudience
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "language", "published_on", "status", "is_public", "is_demo"]
    list_filter = ["status", "kind", "language", "is_public", "is_demo", "topics"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_on"
    list_select_related = ["created_by"]
    autocomplete_fields = ["supersedes", "translation_of", "states", "topics"]
    readonly_fields = ["file_type", "file_size", "created_by", "created_at", "updated_at", "reviewed_by", "reviewed_at"]
    inlines = [ResourceAudienceInline]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
