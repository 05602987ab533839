"""Helpers the campaign services share."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_staff_member

from ..models import (
    Campaign,
    Membership,
)


def campaign_touch(*, campaign, when=None):
    """Record activity on a campaign (one UPDATE; no read-modify-write race)."""
    when = when or timezone.now()
    Campaign.objects.filter(pk=campaign.pk, last_activity_at__lt=when).update(last_activity_at=when)
    campaign.last_activity_at = max(campaign.last_activity_at or when, when)


def _full_clean(instance, exclude=None):
    instance.full_clean(exclude=exclude, validate_unique=False)


def _agency_belongs(campaign, agency):
    if agency.jurisdiction_id is None:
        return agency.state_id == campaign.jurisdiction.state_id
    return agency.jurisdiction_id in {campaign.jurisdiction_id, campaign.jurisdiction.parent_id}


def _check_owner(campaign, owner):
    if owner is None:
        return

    if not is_staff_member(owner) and not Membership.objects.filter(campaign=campaign, user=owner).exists():
        raise ValidationError({"owner": _("The owner must be on the campaign's team or on staff.")})
