"""Who may see and change a campaign. Every campaign view, list, export, digest and the API go through here.

- Network admins (the Admin role, superusers): see, change and manage every campaign.
- Staff and admins of an organization: see, change and manage its campaigns.
- A campaign shared with a partner organization: the partner's staff see it; shared to collaborate, they
  also change it (log meetings, deadlines, requests) and add their people to its team. They never
  manage it (stage, details) and never read its confidential notes.
- Organizers: see and change the campaigns they are on.
- Everyone else: 404, so a campaign's existence is not revealed; seeing and not being allowed is 403.
- Confidential meeting notes: the owning organization's staff and the campaign's lead(s), and the note's
  author while they belong to the owning organization.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import MANAGING_ROLES, OrganizationMembership
from accounts.organizations import (
    managed_organization_ids,
    manages_organization,
    may_keep_material_of,
    member_organization_ids,
)
from core.roles import ADMIN, ORGANIZER, STAFF, is_admin, is_staff_member, role_of
from core.types import AnyUser

from .models import Campaign, CampaignShare, Meeting, Membership, QuestionSet


def campaigns_visible_to(user: AnyUser, queryset: QuerySet[Campaign] | None = None) -> QuerySet[Campaign]:
    qs = queryset if queryset is not None else Campaign.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if is_admin(user):
        return qs
    on_team = Exists(Membership.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk))
    if not is_staff_member(user):
        return qs.filter(on_team)
    managed = managed_organization_ids(user)
    shared = Exists(CampaignShare.objects.filter(campaign_id=OuterRef("pk"), organization_id__in=managed))
    return qs.filter(Q(organization_id__in=managed) | shared | on_team)


def can_manage_campaigns(user: AnyUser) -> bool:
    """Create campaigns (in an organization they manage): staff and admins."""
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
    network_admin = is_admin(user)
    if not network_admin:
        # The user's place on the team, in the owning organization and through a share come with the
        # campaign (no queries of their own).
        managed = managed_organization_ids(user)
        qs = qs.annotate(
            membership_role=Subquery(
                Membership.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk).values("role")[:1]
            ),
            owner_role=Subquery(
                OrganizationMembership.objects.filter(
                    organization_id=OuterRef("organization_id"), user_id=user.pk
                ).values("role")[:1]
            ),
            share_level=Subquery(
                CampaignShare.objects.filter(campaign_id=OuterRef("pk"), organization_id__in=managed)
                .order_by("level")  # "collaborate" before "read"
                .values("level")[:1]
            ),
        )
    try:
        campaign = qs.get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404("No such campaign.") from None
    membership_role = getattr(campaign, "membership_role", None)
    owner_role = getattr(campaign, "owner_role", None)
    share_level = getattr(campaign, "share_level", None)
    owning_staff = network_admin or owner_role in MANAGING_ROLES
    if not (owning_staff or share_level or membership_role):
        raise Http404("No such campaign.")
    collaborating = share_level == CampaignShare.Level.COLLABORATE
    campaign.user_can_manage = owning_staff
    campaign.user_can_add_team = owning_staff or collaborating
    on_team = membership_role is not None and role_of(user) is not None
    campaign.user_can_change = owning_staff or collaborating or on_team
    campaign.user_is_lead = membership_role == Membership.Role.LEAD or (
        campaign.lead_id is not None and campaign.lead_id == user.pk
    )
    campaign.user_in_owning_organization = network_admin or owner_role is not None
    campaign.user_can_see_confidential = owning_staff or campaign.user_is_lead
    if manage and not campaign.user_can_manage:
        raise PermissionDenied
    if change and not campaign.user_can_change:
        raise PermissionDenied
    return campaign


def can_add_to_team(user: AnyUser, campaign: Campaign) -> bool:
    """Put people on the team: the owning organization's staff, and a collaborating partner's staff."""
    if getattr(campaign, "user_can_add_team", None) is not None:
        return campaign.user_can_add_team
    return campaign_for_user(user, campaign.pk).user_can_add_team


def team_candidates_for(user: AnyUser, campaign: Campaign | None = None) -> QuerySet[User]:
    """The people `user` may put on a team: of a new campaign, the people of the organizations the user
    manages; of `campaign`, the people of its organization and its collaborating partners (for the owning
    organization's staff) or of the partner's own organizations (for a partner's staff). Network admins:
    anyone with a role."""
    people = User.objects.filter(is_active=True, groups__name__in=[ORGANIZER, STAFF, ADMIN]).distinct()
    if not user.is_authenticated:
        return people.none()
    if is_admin(user):
        return people
    if campaign is not None and getattr(campaign, "user_can_manage", None) is None:
        campaign = campaign_for_user(user, campaign.pk)  # what the user may do with it
    if campaign is not None and campaign.user_can_manage:
        partners = CampaignShare.objects.filter(campaign=campaign, level=CampaignShare.Level.COLLABORATE)
        organizations = Q(organization_memberships__organization_id=campaign.organization_id) | Q(
            organization_memberships__organization_id__in=partners.values("organization_id")
        )
        return people.filter(organizations)
    if campaign is not None and not campaign.user_can_add_team:
        return people.none()
    return people.filter(organization_memberships__organization_id__in=managed_organization_ids(user))


def can_see_confidential(user: AnyUser, campaign: Campaign) -> bool:
    """A campaign's confidential meeting notes: the owning organization's staff, its lead(s), network admins."""
    if getattr(campaign, "user_can_see_confidential", None) is not None:
        return campaign.user_can_see_confidential
    if not user.is_authenticated:
        return False
    if is_admin(user) or campaign.lead_id == user.pk:
        return True
    return (
        manages_organization(user, campaign.organization_id)
        or Membership.objects.filter(campaign=campaign, user_id=user.pk, role=Membership.Role.LEAD).exists()
    )


def in_owning_organization(user: AnyUser, campaign: Campaign) -> bool:
    if getattr(campaign, "user_in_owning_organization", None) is not None:
        return campaign.user_in_owning_organization
    if not user.is_authenticated:
        return False
    return (
        is_admin(user)
        or OrganizationMembership.objects.filter(organization_id=campaign.organization_id, user_id=user.pk).exists()
    )


def can_see_meeting_confidential(user: AnyUser, campaign: Campaign, meeting: Meeting | None = None) -> bool:
    """A meeting's confidential notes: whoever may read the campaign's, and the meeting's author while they
    belong to the owning organization; a meeting not yet saved is the author's own."""
    if can_see_confidential(user, campaign):
        return True
    if not user.is_authenticated or not in_owning_organization(user, campaign):
        return False
    return meeting is None or meeting.created_by_id == user.pk


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


def question_sets_for(user: AnyUser, campaign: Campaign | None = None) -> QuerySet[QuestionSet]:
    """The question sets offered: the network's, and the campaign's organization's (for a meeting or a prep
    packet) or those of the user's organizations (the list); a network admin's list has them all."""
    sets = QuestionSet.objects.all()
    network = Q(organization__isnull=True)
    if campaign is not None:
        return sets.filter(network | Q(organization_id=campaign.organization_id))
    if is_admin(user):
        return sets
    return sets.filter(network | Q(organization_id__in=member_organization_ids(user)))


def can_change_question_set(user: AnyUser, question_set: QuestionSet | None) -> bool:
    """Staff keep the network's question sets and their own organizations'; network admins any."""
    return may_keep_material_of(user, question_set.organization_id if question_set is not None else None)
