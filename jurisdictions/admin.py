"""Django admin for jurisdiction data. Policy and law changes go through the services so stored levels stay true."""

from django.contrib import admin
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .forms import PolicyRecordAdminForm
from .models import (
    Agency,
    Agreement287g,
    FederalDesignation,
    Jurisdiction,
    ListFetchRefusal,
    ListSnapshot,
    Official,
    PolicyRecord,
    RecordsLaw,
    State,
    StateLaw,
)

# Links typed without a scheme are taken as https (Django 6's default), in every admin form.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class StateLawInline(admin.StackedInline):
    formfield_overrides = URL_FIELDS
    model = StateLaw
    extra = 0
    fields = [
        ("title", "effect", "source_type"),
        ("citation", "enacted_year", "enacted_date", "effective_date"),
        "summary",
        ("source_url", "verified_date"),
        ("needs_review", "review_note"),
    ]

    def get_queryset(self, request):
        # Each inline's title is the law's str(), which names the state.
        return super().get_queryset(request).select_related("state")


class RecordsLawInline(admin.StackedInline):
    formfield_overrides = URL_FIELDS
    model = RecordsLaw
    extra = 0
    max_num = 1
    fields = [
        ("law_name", "citation"),
        ("response_days", "day_type"),
        "response_description",
        ("extension_allowed", "extension_days"),
        ("final_response_days", "final_response_notes"),
        ("last_amended", "source_url"),
        ("needs_review", "review_reason"),
    ]


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "postal", "fips", "kind", "law_floor"]
    list_filter = ["kind", "law_floor"]
    search_fields = ["name", "postal", "fips"]
    readonly_fields = ["law_floor"]
    inlines = [StateLawInline, RecordsLawInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The floor follows the laws edited inline.
        services.states_refresh_floor(states=[form.instance])


@admin.register(StateLaw)
class StateLawAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "state", "effect", "source_type", "enacted_year", "needs_review", "imported"]
    list_filter = ["effect", "needs_review", "source_type", "imported", "state"]
    list_select_related = ["state"]
    search_fields = ["title", "citation", "summary", "state__name", "state__postal"]
    readonly_fields = ["imported"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        previous_state_id = form.initial.get("state") if change else None
        super().save_model(request, obj, form, change)
        services.states_refresh_floor(states=State.objects.filter(pk__in={obj.state_id, previous_state_id} - {None}))

    @transaction.atomic
    def delete_model(self, request, obj):
        state = obj.state
        super().delete_model(request, obj)
        services.states_refresh_floor(states=[state])

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        state_ids = set(queryset.values_list("state_id", flat=True))
        super().delete_queryset(request, queryset)
        services.states_refresh_floor(states=State.objects.filter(pk__in=state_ids))


@admin.register(RecordsLaw)
class RecordsLawAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["law_name", "state", "response_days", "day_type", "extension_days", "needs_review"]
    list_filter = ["day_type", "needs_review", "extension_allowed"]
    list_select_related = ["state"]
    search_fields = ["law_name", "citation", "state__name", "state__postal"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "state", "kind", "fips", "population", "level", "current_287g", "policy_updated"]
    list_filter = ["kind", "level", "current_287g", "fourth_amendment_risk", "is_legacy", "state__law_floor", "state"]
    list_select_related = ["state"]
    search_fields = ["name", "short_name", "fips", "state__name", "state__postal"]
    autocomplete_fields = ["parent"]
    # Computed from policy records and agreements by jurisdictions.services.jurisdictions_refresh_policy.
    readonly_fields = [
        "level",
        "current_holds",
        "current_notifications",
        "current_jail_access",
        "current_bed_contract",
        "current_287g",
        "current_judicial_warrant",
        "fourth_amendment_risk",
        "policy_updated",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "state", "fips", "name", "short_name", "county_type", "parent", "is_legacy"]}),
        (_("Population"), {"fields": ["population", "population_year"]}),
        (_("Current policy (computed)"), {"fields": readonly_fields}),
    ]


class OfficialInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS
    model = Official
    extra = 0
    fields = ["name", "office", "title", "district", "party", "term_start", "term_end", "next_election", "is_active"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "kind", "state", "jurisdiction", "phone", "ori"]
    list_filter = ["kind", "state"]
    list_select_related = ["state", "jurisdiction__state"]
    search_fields = ["name", "ori", "jurisdiction__name", "state__postal"]
    autocomplete_fields = ["jurisdiction"]
    inlines = [OfficialInline]


@admin.register(Official)
class OfficialAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "office", "title", "district", "agency", "next_election", "is_active", "is_demo"]
    list_filter = ["office", "is_active", "is_demo", "agency__kind", "agency__state"]
    list_select_related = ["agency"]
    search_fields = ["name", "title", "email", "agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(Agreement287g)
class Agreement287gAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["agency", "state", "jurisdiction", "model", "status", "signed_date", "end_date", "last_listed"]
    list_filter = ["status", "model", "state"]
    list_select_related = ["agency", "state", "jurisdiction__state"]
    search_fields = ["agency__name", "jurisdiction__name", "jurisdiction__fips", "state__postal"]
    autocomplete_fields = ["agency", "jurisdiction"]
    date_hierarchy = "signed_date"

    def save_model(self, request, obj, form, change):
        services.agreement_save(agreement=obj)

    def delete_model(self, request, obj):
        services.agreement_delete(agreement=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        jurisdiction_ids = set(queryset.exclude(jurisdiction=None).values_list("jurisdiction_id", flat=True))
        super().delete_queryset(request, queryset)
        services.jurisdictions_refresh_policy(jurisdiction_ids=jurisdiction_ids)


@admin.register(PolicyRecord)
class PolicyRecordAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS
    form = PolicyRecordAdminForm
    list_display = ["jurisdiction", "dimension", "value", "effective_date", "entered_by", "created_at"]
    list_filter = ["dimension", "value", "judicial_warrant", "is_demo", "jurisdiction__state"]
    list_select_related = ["jurisdiction__state", "entered_by"]
    search_fields = ["jurisdiction__name", "jurisdiction__fips", "note", "source_url"]
    autocomplete_fields = ["jurisdiction"]
    raw_id_fields = ["agreement"]
    readonly_fields = ["entered_by", "created_at"]
    date_hierarchy = "effective_date"

    def save_model(self, request, obj, form, change):
        services.policy_record_save(record=obj, user=request.user)

    def delete_model(self, request, obj):
        services.policy_record_delete(record=obj)

    def delete_queryset(self, request, queryset):
        services.policy_records_delete(records=queryset)


@admin.register(ListSnapshot)
class ListSnapshotAdmin(admin.ModelAdmin):
    """ICE's lists as imported: kept as evidence, so they are read here and never edited."""

    list_display = ["list_date", "list_half", "kind", "row_count", "applied", "baseline", "imported_at", "file_name"]
    list_filter = ["kind", "applied"]
    readonly_fields = [field.name for field in ListSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ListFetchRefusal)
class ListFetchRefusalAdmin(admin.ModelAdmin):
    """What the scheduled fetch would not import, and why (staff were emailed the first time)."""

    list_display = ["last_at", "kind", "times", "reason", "url"]
    list_filter = ["kind"]
    readonly_fields = [field.name for field in ListFetchRefusal._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FederalDesignation)
class FederalDesignationAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "state", "list_name", "listed_on"]
    list_filter = ["level", "list_name", "state"]
    list_select_related = ["state"]
    search_fields = ["name", "state__name"]
    autocomplete_fields = ["jurisdiction"]
