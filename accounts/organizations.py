"""Organizations: the default one, who manages which, and setting a person's role in one.

A person's role in each organization is kept on OrganizationMembership; their Staff or Organizer group
(core.roles, which carries Django's permissions) follows those roles. The Admin group is the network
admin's, who runs the instance and sees every organization: organization roles never give or take it.
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import QuerySet

from core.roles import ORGANIZER, ROLE_NAMES_ATTR, STAFF, is_admin, is_staff_member
from core.types import AnyUser

from .models import MANAGING_ROLES, Organization, OrganizationMembership

DEFAULT_SLUG = "default"


def default_organization() -> Organization:
    """The organization that holds what has no other home (made on first use)."""
    organization = Organization.objects.filter(is_default=True).first()
    if organization is None:
        organization, _ = Organization.objects.get_or_create(
            is_default=True, defaults={"name": settings.DEFAULT_ORGANIZATION_NAME, "slug": DEFAULT_SLUG}
        )
    return organization


def managed_organization_ids(user: AnyUser) -> QuerySet:
    """The organizations whose campaigns the user manages (staff or admin there), as a subquery (none for
    an anonymous visitor)."""
    return OrganizationMembership.objects.filter(user_id=user.pk or 0, role__in=MANAGING_ROLES).values(
        "organization_id"
    )


def member_organization_ids(user: AnyUser) -> QuerySet:
    """Every organization the user belongs to, in any role, as a subquery."""
    return OrganizationMembership.objects.filter(user_id=user.pk or 0).values("organization_id")  # none: anonymous


def organizations_managed_by(user: AnyUser) -> QuerySet[Organization]:
    """The organizations the user may create campaigns in and share them from: all for a network admin."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if is_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=managed_organization_ids(user))


def home_organization(user: AnyUser) -> Organization:
    """Where a campaign the user creates belongs unless they choose: their first managed organization."""
    return organizations_managed_by(user).order_by("-is_default", "name").first() or default_organization()


def manages_organization(user: AnyUser, organization_id: int) -> bool:
    """Is the user staff or admin of the organization (one query)?"""
    return OrganizationMembership.objects.filter(
        user_id=user.pk or 0, organization_id=organization_id, role__in=MANAGING_ROLES
    ).exists()


def may_keep_material_of(user: AnyUser, organization_id: int | None) -> bool:
    """Who changes library resources and question sets: staff, the network's (`organization_id` None) and
    their own organizations'; network admins any."""
    if not user.is_authenticated or not is_staff_member(user):
        return False
    return is_admin(user) or organization_id is None or manages_organization(user, organization_id)


def first_organization_of(user: AnyUser) -> Organization | None:
    """The organization a person acts for: the first they manage, else the first they belong to, else None."""
    if not user.is_authenticated:
        return None
    memberships = OrganizationMembership.objects.filter(user_id=user.pk).select_related("organization")
    ranked = sorted(
        memberships, key=lambda m: (m.role not in MANAGING_ROLES, not m.organization.is_default, m.organization.name)
    )
    return ranked[0].organization if ranked else None


def organization_ids_of(user: AnyUser) -> set[int]:
    """Every organization the person belongs to (one query; none for an anonymous visitor)."""
    if not user.is_authenticated:
        return set()
    return set(member_organization_ids(user).values_list("organization_id", flat=True))


@transaction.atomic
def membership_set(*, organization: Organization, user: User, role: str) -> OrganizationMembership:
    """Give the user this role in the organization (adding them to it), and their group to match."""
    membership, _ = OrganizationMembership.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    sync_role_groups(user)
    return membership


@transaction.atomic
def membership_remove(*, organization: Organization, user: User) -> None:
    OrganizationMembership.objects.filter(organization=organization, user=user).delete()
    sync_role_groups(user)


def sync_role_groups(user: User) -> None:
    """Staff where the user manages an organization, Organizer where they organize in one; the Admin group
    (the network admin's) is left as it is."""
    roles = set(OrganizationMembership.objects.filter(user=user).values_list("role", flat=True))
    wanted = {STAFF: bool(roles & set(MANAGING_ROLES)), ORGANIZER: OrganizationMembership.Role.ORGANIZER in roles}
    for name, keep in wanted.items():
        group = Group.objects.get(name=name)
        if keep:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user.__dict__.pop(ROLE_NAMES_ATTR, None)
