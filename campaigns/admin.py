from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models
from .tasks import send_deliveries


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    raw_id_fields = ["user", "added_by"]


class StageChangeInline(admin.TabularInline):
    model = models.StageChange
    extra = 0
    raw_id_fields = ["changed_by"]


class CampaignShareInline(admin.TabularInline):
    model = models.CampaignShare
    extra = 0
    raw_id_fields = ["shared_by"]


@admin.register(models.Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "jurisdiction", "goal", "stage", "lead", "last_activity_at"]
    list_filter = ["organization", "stage", "goal", "jurisdiction__state"]
    search_fields = ["name", "jurisdiction__name"]
    list_select_related = ["organization", "jurisdiction__state", "lead"]
    raw_id_fields = ["jurisdiction", "lead", "created_by"]
    inlines = [MembershipInline, CampaignShareInline, StageChangeInline]


@admin.register(models.Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "user", "role", "added_at"]
    list_filter = ["role"]
    search_fields = ["campaign__name", "user__username"]
    list_select_related = ["campaign", "user"]
    raw_id_fields = ["campaign", "user", "added_by"]


@admin.register(models.StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["campaign", "from_stage", "to_stage", "changed_at", "changed_by"]
    list_filter = ["to_stage"]
    search_fields = ["campaign__name", "note"]
    list_select_related = ["campaign", "changed_by"]
    raw_id_fields = ["campaign", "changed_by"]


class StanceChangeInline(admin.TabularInline):
    model = models.StanceChange
    extra = 0
    raw_id_fields = ["changed_by", "meeting"]


@admin.register(models.Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "title", "campaign", "stance", "votes"]
    list_filter = ["stance", "votes"]
    search_fields = ["name", "title", "campaign__name"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign", "official", "agency"]
    inlines = [StanceChangeInline]


class QuestionInline(admin.StackedInline):
    model = models.Question
    extra = 0


@admin.register(models.QuestionSet)
class QuestionSetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_es"]
    inlines = [QuestionInline]


class AnswerInline(admin.TabularInline):
    model = models.Answer
    extra = 0
    raw_id_fields = ["question"]


@admin.register(models.Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "held_at", "kind", "status", "logged_by"]
    list_filter = ["status", "kind"]
    search_fields = ["campaign__name", "summary"]
    list_select_related = ["campaign", "logged_by"]
    raw_id_fields = ["campaign", "question_set", "created_by", "logged_by"]
    filter_horizontal = ["targets"]
    inlines = [AnswerInline]


@admin.register(models.Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["title", "campaign", "kind", "due_date", "status", "owner"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "campaign__name"]
    list_select_related = ["campaign", "owner"]
    raw_id_fields = ["campaign", "owner", "meeting", "records_request", "completed_by", "created_by"]
    date_hierarchy = "due_date"


@admin.register(models.RecordsRequest)
class RecordsRequestAdmin(SimpleHistoryAdmin):
    list_display = ["subject", "agency", "campaign", "status", "sent_on", "due_date"]
    list_filter = ["status", "due_rule", "method"]
    search_fields = ["subject", "agency__name", "campaign__name"]
    list_select_related = ["agency", "campaign"]
    raw_id_fields = ["campaign", "agency", "law", "created_by"]


# --- notifications -------------------------------------------------------------------------------


@admin.register(models.EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Every planned email; admins filter on Failed to see what could not be sent after every retry."""

    list_display = ["pk", "kind", "user", "deadline", "due_date", "days", "period", "status", "attempts", "finished_at"]
    list_filter = ["status", "kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["user__username", "user__email", "deadline__title", "last_error"]
    list_select_related = ["user", "deadline"]
    raw_id_fields = ["user", "deadline"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in models.EmailDelivery._meta.fields if f.name != "id"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request, queryset):
        from django.db import transaction

        with transaction.atomic():
            ids = list(
                queryset.filter(status=models.EmailDelivery.Status.FAILED).values_list("pk", flat=True).order_by("pk")
            )
            models.EmailDelivery.objects.filter(pk__in=ids).update(
                status=models.EmailDelivery.Status.PENDING,
                attempts=0,
                claimed_at=None,
                claim_token=None,
                next_attempt_at=None,
                finished_at=None,
            )
            transaction.on_commit(lambda: send_deliveries.delay(ids) if ids else None)
        self.message_user(request, f"{len(ids)} emails queued again.")


@admin.register(models.Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["resource", "campaign", "assigned_by", "assigned_at", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["resource__title", "campaign__name", "note"]
    date_hierarchy = "assigned_at"
    list_select_related = ["resource", "campaign", "assigned_by"]
    raw_id_fields = ["resource", "campaign", "assigned_by", "withdrawn_by"]
