"""Signing in: the signed-in user's roles and time zone come with the user, read once per generation.

A request reads the user from this process's copy while the generations it was read under (see
account_kind) are current; a write to the user, their roles or their time zone renews one of them
(core.signals), so a deactivation, a new password or a changed role takes effect on the next
request, in every process. Signing in reads the copy, so the pages after it run no query for it.
"""

import pickle
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Subquery

from . import generations
from .roles import ROLES

# Stands for the user's id while the query is compiled; replaced by the real id in its parameters.
_USER_ID = -727_272_727


def _role_field(role):
    return f"_has_role_{role.lower()}"


def role_annotations(user_ref="pk"):
    """Annotations that read, for the user `user_ref` names, one flag per role and their time zone setting."""
    from campaigns.models import NotificationSettings

    memberships = get_user_model().groups.through.objects.filter(user_id=OuterRef(user_ref))
    annotations = {_role_field(role): Exists(memberships.filter(group__name=role)) for role in ROLES}
    annotations["_time_zone_setting"] = Subquery(
        NotificationSettings.objects.filter(user_id=OuterRef(user_ref)).values("time_zone")[:1]
    )
    return annotations


@cache
def _compiled_query():
    """(SQL, parameters) of one user with `role_annotations()`, compiled once per process.

    The ORM takes about as long to build this query as the database takes to answer it, and every
    signed-in request runs it.
    """
    users = get_user_model()._default_manager.annotate(**role_annotations())
    sql, params = users.filter(pk=_USER_ID).query.sql_with_params()
    return sql, params


def read_roles(user, row=None):
    """Keep on `user` what `role_annotations()` read into `row` (the user itself when not given), where
    core.roles.role_of() and campaigns.timezones.user_time_zone() look."""
    row = user if row is None else row
    user._role_names = {role for role in ROLES if getattr(row, _role_field(role))}
    user._time_zone = row._time_zone_setting or ""
    return user


# This process's signed-in users: user id -> (generation, the pickled user). Pickled so that each
# request gets its own copy; emptied when full (a sign-in then costs one query again).
_signed_in = {}
SIGNED_IN_HELD = 5000


def _read_user(user_id):
    User = get_user_model()
    sql, params = _compiled_query()
    params = tuple(user_id if value == _USER_ID else value for value in params)
    user = next(iter(User._default_manager.raw(sql, params)), None)
    return None if user is None else read_roles(user)


def account_kind(user_id):
    """The generation of what signing in reads of one user (their row, roles and time zone), beside
    generations.ACCOUNTS of everyone's (a role renamed, or emptied from the group's side)."""
    return f"account:{user_id}"


def signed_in_user(user_id):
    """The user with this id and their roles, from this process's copy while it is current."""
    # Read before the row: a write committing meanwhile starts a newer generation than this copy's.
    generation = generations.current(generations.ACCOUNTS, account_kind(user_id))
    held = _signed_in.get(user_id)
    if held is not None and held[0] == generation:
        return pickle.loads(held[1])
    user = _read_user(user_id)
    if user is not None:
        if len(_signed_in) >= SIGNED_IN_HELD:
            _signed_in.clear()
        _signed_in[user_id] = (generation, pickle.dumps(user, pickle.HIGHEST_PROTOCOL))
    return user


def read_at_sign_in(sender, user, **kwargs):
    """user_logged_in: read the copy now, for the pages that follow."""
    signed_in_user(user.pk)


class RoleAwareBackend(ModelBackend):
    """ModelBackend whose `get_user` also reads the user's role groups and time zone.

    Every signed-in page needs both (the menu shows what a role may do; times show in the user's own
    zone), so reading them with the user saves two queries; keeping the user (signed_in_user) saves
    the third.
    """

    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = signed_in_user(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
