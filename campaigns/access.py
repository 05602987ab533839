"""Who may see and change a campaign. Every campaign view (and later the API) goes through here.

- Staff and admins: see and change every campaign, and manage them (stage, team, edit).
- Organizers: see and change only the campaigns they are on (404 for the others, so a campaign's
  existence is not revealed); they may not manage them (403).
- Confidential meeting notes: the campaign's lead(s) and staff only.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from core.roles import ORGANIZER, is_staff_member, role_of
from core.types import AnyUser

from .models import Campaign, Meeting, Membership


def campaigns_visible_to(user: AnyUser, queryset: QuerySet[Campaign] | None = None) -> QuerySet[Campaign]:
    qs = queryset if queryset is not None else Campaign.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if is_staff_member(user):
        return qs
    # One membership per (campaign, user), so the join never repeats a campaign.
    return qs.filter(memberships__user=user)


def can_manage_campaigns(user: AnyUser) -> bool:
    """Create campaigns, change their stage and team, edit or delete them: staff and admins."""
    return user.is_authenticated and is_staff_member(user)


def campaign_for_user(
    user: AnyUser,
    pk: int | str,
    *,
    change: bool = False,
    manage: bool = False,
    queryset: QuerySet[Campaign] | None = None,
) -> Campaign:
    """The campaign `pk` as `user` may use it, or 404 (not theirs to see) / 403 (may see, may not do this).

    change: log meetings, requests, deadlines, targets (organizers on the campaign, staff, admins).
    manage: stage, team, campaign details (staff and admins).
    The returned campaign carries `user_can_change`, `user_can_manage` and `user_is_lead`.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    qs = queryset if queryset is not None else Campaign.objects.all()
    staff = is_staff_member(user)
    membership_role = None
    try:
        if staff:
            campaign = qs.get(pk=pk)
        else:
            # The user's place on the team comes with the campaign (no query of its own).
            member = qs.annotate(
                membership_role=Subquery(
                    Membership.objects.filter(campaign_id=OuterRef("pk"), user=user).values("role")[:1]
                )
            ).get(pk=pk)
            membership_role = member.membership_role
            campaign = member
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404("No such campaign.") from None
    if not staff and membership_role is None:
        raise Http404("No such campaign.")
    campaign.user_can_manage = staff
    campaign.user_can_change = staff or (membership_role is not None and role_of(user) == ORGANIZER)
    campaign.user_is_lead = membership_role == Membership.Role.LEAD or (
        campaign.lead_id is not None and campaign.lead_id == user.pk
    )
    campaign.user_can_see_confidential = staff or campaign.user_is_lead
    if manage and not campaign.user_can_manage:
        raise PermissionDenied
    if change and not campaign.user_can_change:
        raise PermissionDenied
    return campaign


def can_see_confidential(user: AnyUser, campaign: Campaign) -> bool:
    """Confidential meeting notes: the campaign's lead(s), staff and admins."""
    if getattr(campaign, "user_can_see_confidential", None) is not None:
        return campaign.user_can_see_confidential
    if not user.is_authenticated:
        return False
    if is_staff_member(user) or campaign.lead_id == user.pk:
        return True
    return Membership.objects.filter(campaign=campaign, user=user, role=Membership.Role.LEAD).exists()


def can_see_meeting_confidential(user: AnyUser, campaign: Campaign, meeting: Meeting | None = None) -> bool:
    """A meeting's confidential notes: whoever may read the campaign's (its lead(s), staff, admins), and
    the meeting's author; a meeting not yet saved is the author's own."""
    if can_see_confidential(user, campaign):
        return True
    return user.is_authenticated and (meeting is None or meeting.created_by_id == user.pk)


def confidential_notes_to_save(
    user: AnyUser, campaign: Campaign, meeting: Meeting | None, typed: str | None
) -> str | None:
    """What a save writes to a meeting's confidential notes: the text as typed by someone who may read
    them; from anyone else, what they typed goes below the notes they cannot see. None leaves them as they are."""
    if can_see_meeting_confidential(user, campaign, meeting):
        return typed
    if not typed or not typed.strip():
        return None
    earlier = meeting.confidential_notes if meeting else ""
    return f"{earlier}\n\n{typed.strip()}".strip()
