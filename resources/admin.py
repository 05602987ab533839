from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .documents import TEXT_TYPES, check_upload
from .models import Resource, ResourceAudience, Topic
from .services import read_text_later


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug"]
    search_fields = ["name", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ResourceAudienceInline(admin.TabularInline):
    model = ResourceAudience
    extra = 0


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ResourceAdminForm(forms.ModelForm):
    class Meta:
        model = Resource
        formfield_callback = _formfield
        fields = [
            "title",
            "kind",
            "summary",
            "published_on",
            "language",
            "topics",
            "states",
            "file",
            "url",
            "supersedes",
            "translation_of",
            "template_body",
            "is_public",
            "is_demo",
            "status",
            "review_note",
        ]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Only a new upload is checked; a stored file was checked when it came in.
        if isinstance(upload, UploadedFile):
            upload.checked_type = check_upload(upload)
        return upload


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    form = ResourceAdminForm
    list_display = ["title", "kind", "language", "published_on", "status", "is_public", "is_demo"]
    list_filter = ["status", "kind", "language", "is_public", "is_demo", "topics"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_on"
    list_select_related = ["created_by"]
    autocomplete_fields = ["supersedes", "translation_of", "states", "topics"]
    readonly_fields = ["file_type", "file_size", "created_by", "created_at", "updated_at", "reviewed_by", "reviewed_at"]
    inlines = [ResourceAudienceInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        upload = form.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            obj.file_type = upload.checked_type
            obj.file_size = upload.size
            obj.extracted_text, obj.text_pending = "", upload.checked_type in TEXT_TYPES
        elif not obj.file:
            obj.file_type, obj.file_size, obj.extracted_text, obj.text_pending = "", None, "", False
        super().save_model(request, obj, form, change)
        if isinstance(upload, UploadedFile):
            read_text_later(obj)
