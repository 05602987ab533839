"""Who may see and change library resources. Every resource view and file download goes through here.

- Anonymous visitors: approved resources marked public, nothing else.
- Signed-in users: the approved resources of the network's library and of their own organizations, and
  the suggestions they made themselves.
- Staff: the same, with the suggestions waiting for review; they change the network's resources and
  their own organizations'. Network admins: everything.
"""

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from accounts.organizations import may_keep_material_of, member_organization_ids
from core.roles import is_admin, is_staff_member
from core.types import AnyUser, View

from .models import Resource


def _of_their_organizations(user: AnyUser) -> Q:
    """The network's resources and those of the user's organizations."""
    return Q(organization__isnull=True) | Q(organization_id__in=member_organization_ids(user))


def resources_visible_to(user: AnyUser, queryset: QuerySet[Resource] | None = None) -> QuerySet[Resource]:
    qs = queryset if queryset is not None else Resource.objects.all()
    if not user.is_authenticated:
        return qs.filter(status=Resource.Status.APPROVED, is_public=True)
    if is_admin(user):
        return qs
    if is_staff_member(user):
        return qs.filter(_of_their_organizations(user) | Q(created_by=user))
    return qs.filter((Q(status=Resource.Status.APPROVED) & _of_their_organizations(user)) | Q(created_by=user))


def library_visible_to(user: AnyUser, queryset: QuerySet[Resource] | None = None) -> QuerySet[Resource]:
    """What the library list shows: approved resources the user may see (suggestions are listed apart)."""
    qs = queryset if queryset is not None else Resource.objects.all()
    qs = qs.filter(status=Resource.Status.APPROVED)
    if not user.is_authenticated:
        return qs.filter(is_public=True)
    if is_admin(user):
        return qs
    return qs.filter(_of_their_organizations(user))


def can_change_resource(user: AnyUser, resource: Resource) -> bool:
    """Staff change the network's resources and their own organizations'; network admins any."""
    return may_keep_material_of(user, resource.organization_id)


def resource_for_user(
    user: AnyUser, pk: int | str, *, change: bool = False, queryset: QuerySet[Resource] | None = None
) -> Resource:
    """The resource `pk` as `user` may use it, or 404 (not theirs to see) / 403 (may see, may not change).

    Anonymous visitors asking for a resource that is not public (or does not exist) get PermissionDenied,
    which the views turn into a redirect to sign in.
    """
    qs = queryset if queryset is not None else Resource.objects.all()
    try:
        resource = qs.get(pk=pk)
    except (Resource.DoesNotExist, ValueError, TypeError):
        if not user.is_authenticated:
            raise PermissionDenied from None  # the same answer as for a private one: no hint it exists
        raise Http404("No such resource.") from None
    if not user.is_authenticated:
        if not (resource.is_public and resource.status == Resource.Status.APPROVED):
            raise PermissionDenied
    elif not resources_visible_to(user, Resource.objects.filter(pk=resource.pk)).exists():
        raise Http404("No such resource.")
    resource.user_can_change = can_change_resource(user, resource)
    if change and not resource.user_can_change:
        raise PermissionDenied
    return resource


def login_for_anonymous(view: View) -> View:
    """Anonymous visitors refused by the access helper are sent to sign in instead of a 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise

    return wrapper
