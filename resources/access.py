"""Who may see and change library resources. Every resource view and file download goes through here.

- Anonymous visitors: approved resources marked public, nothing else.
- Signed-in users: every approved resource, and the suggestions they made themselves.
- Staff and admins: everything, including suggestions waiting for review; only they change resources.
"""

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from core.roles import is_staff_member
from core.types import AnyUser, View

from .models import Resource


def resources_visible_to(user: AnyUser, queryset: QuerySet[Resource] | None = None) -> QuerySet[Resource]:
    qs = queryset if queryset is not None else Resource.objects.all()
    if not user.is_authenticated:
        return qs.filter(status=Resource.Status.APPROVED, is_public=True)
    if is_staff_member(user):
        return qs
    return qs.filter(Q(status=Resource.Status.APPROVED) | Q(created_by=user))


def library_visible_to(user: AnyUser, queryset: QuerySet[Resource] | None = None) -> QuerySet[Resource]:
    """What the library list shows: approved resources the user may see (suggestions are listed apart)."""
    qs = queryset if queryset is not None else Resource.objects.all()
    qs = qs.filter(status=Resource.Status.APPROVED)
    if not user.is_authenticated:
        qs = qs.filter(is_public=True)
    return qs


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
    staff = user.is_authenticated and is_staff_member(user)
    if not user.is_authenticated:
        if not (resource.is_public and resource.status == Resource.Status.APPROVED):
            raise PermissionDenied
    elif not staff and resource.status != Resource.Status.APPROVED and resource.created_by_id != user.pk:
        raise Http404("No such resource.")
    if change and not staff:
        raise PermissionDenied
    resource.user_can_change = staff
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
