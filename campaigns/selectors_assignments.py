"""Reads of the resources assigned to campaigns, as a reader may see them."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from core.types import AnyUser
from resources.models import Resource

from .access import campaigns_visible_to
from .models import Assignment, AssignmentOpen, Campaign


def _assignments_with_state(user: User) -> QuerySet[Assignment]:
    """Assignments with their resource, who assigned/withdrew them, and `is_new` for this user."""
    opened = AssignmentOpen.objects.filter(assignment=OuterRef("pk"), user=user)
    return (
        Assignment.objects.select_related("resource", "assigned_by", "withdrawn_by")
        .defer("resource__extracted_text", "resource__search_vector", "resource__template_body")
        .annotate(
            is_new=ExpressionWrapper(
                Q(withdrawn_at__isnull=True) & ~Exists(opened) & ~Q(assigned_by=user.pk),
                output_field=BooleanField(),
            )
        )
    )


def assignments_for_campaign(campaign: Campaign, user: AnyUser) -> list[Assignment]:
    """The campaign's resource assignments as `user` may see them: active first (newest first), then withdrawn.

    Empty for a user who may not see the campaign. One query whatever the number of assignments.
    """
    if not user.is_authenticated:
        return []
    visible = campaigns_visible_to(user).filter(pk=campaign.pk).values("pk")
    return list(
        _assignments_with_state(user)
        .filter(campaign__in=visible)
        .order_by(F("withdrawn_at").desc(nulls_first=True), "-assigned_at", "-pk")
    )


def assignments_of_resource(resource: Resource, user: AnyUser) -> list[Assignment]:
    """The resource's assignments to the campaigns `user` may see (staff: all), with their campaigns."""
    if not user.is_authenticated:
        return []
    return list(
        _assignments_with_state(user)
        .select_related("campaign__jurisdiction__state")
        .filter(resource=resource, campaign__in=campaigns_visible_to(user).values("pk"))
        .order_by(F("withdrawn_at").desc(nulls_first=True), "-assigned_at", "-pk")
    )


def assignments_new_since(user: User, since: datetime) -> QuerySet[Assignment]:
    """Active assignments made since `since` to the campaigns `user` may see (for digests)."""
    return (
        _assignments_with_state(user)
        .select_related("campaign")
        .filter(withdrawn_at__isnull=True, assigned_at__gte=since, campaign__in=campaigns_visible_to(user).values("pk"))
        .order_by("campaign_id", "-assigned_at")
    )
