"""Resources from the library assigned by staff to campaigns: assign, withdraw, and opened by a reader."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import keep_history_of_update
from core.roles import is_staff_member
from resources.models import Resource

from ..models import Assignment, AssignmentOpen, Campaign


def assignment_create(
    *, resource: Resource, campaigns: Sequence[Campaign], user: User, note: str | None
) -> tuple[list[Assignment], list[Campaign]]:
    """Assign a library resource to campaigns with a note. Returns (created, already assigned campaigns).

    A campaign that already has the resource (not withdrawn) is left alone and reported, never doubled.
    """
    if not is_staff_member(user):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why this resource helps: organizers see the note.")})
    if resource.status != Resource.Status.APPROVED:
        raise ValidationError(_("Only resources in the library can be assigned; review the suggestion first."))
    created: list[Assignment] = []
    skipped: list[Campaign] = []
    with transaction.atomic():
        active = set(
            Assignment.objects.filter(resource=resource, campaign__in=campaigns, withdrawn_at__isnull=True).values_list(
                "campaign_id", flat=True
            )
        )
        for campaign in campaigns:
            if campaign.pk in active:
                skipped.append(campaign)
                continue
            try:
                # A savepoint: a concurrent assignment of the same pair fails alone, not the whole batch.
                with transaction.atomic():
                    created.append(
                        Assignment.objects.create(resource=resource, campaign=campaign, note=note, assigned_by=user)
                    )
            except IntegrityError:
                skipped.append(campaign)
    return created, skipped


def assignment_withdraw(*, assignment: Assignment, user: User, reason: str | None) -> Assignment:
    """Withdraw an assignment with a reason; it stays on record. Withdrawing twice is refused."""
    if not is_staff_member(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: organizers see why it was withdrawn.")})
    now = timezone.now()
    with transaction.atomic():
        # Conditional update: of two people withdrawing at once, exactly one succeeds.
        count = Assignment.objects.filter(pk=assignment.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=user, withdrawal_reason=reason
        )
        if count:
            keep_history_of_update(Assignment, pks=[assignment.pk], user=user)
    if not count:
        raise ValidationError(_("This assignment was already withdrawn."))
    assignment.withdrawn_at, assignment.withdrawn_by, assignment.withdrawal_reason = now, user, reason
    return assignment


def assignment_mark_opened(*, assignment: Assignment, user: User) -> None:
    """Record that the user opened the assignment (it is no longer marked new for them)."""
    AssignmentOpen.objects.get_or_create(assignment=assignment, user=user)
