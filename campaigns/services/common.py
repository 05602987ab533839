"""Helpers the campaign services share."""

from collections.abc import Collection
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_staff_member
from jurisdictions.models import Agency

from ..models import (
    Campaign,
    Membership,
)


def campaign_touch(*, campaign: Campaign, when: datetime | None = None) -> None:
    """Record activity on a campaign (one UPDATE; no read-modify-write race)."""
    when = when or timezone.now()
    Campaign.objects.filter(pk=campaign.pk, last_activity_at__lt=when).update(last_activity_at=when)
    campaign.last_activity_at = max(campaign.last_activity_at or when, when)


def _full_clean(instance: Model, exclude: Collection[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False)


def _agency_belongs(campaign: Campaign, agency: Agency) -> bool:
    if agency.jurisdiction_id is None:
        return agency.state_id == campaign.jurisdiction.state_id
    return agency.jurisdiction_id in {campaign.jurisdiction_id, campaign.jurisdiction.parent_id}


def _check_owner(campaign: Campaign, owner: User | None) -> None:
    if owner is None:
        return

    if not is_staff_member(owner) and not Membership.objects.filter(campaign=campaign, user=owner).exists():
        raise ValidationError({"owner": _("The owner must be on the campaign's team or on staff.")})
