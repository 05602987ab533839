"""core.backends: a request's user comes with their roles and time zone, in one query."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import NotificationSettings
from campaigns.timezones import user_time_zone
from core import roles
from core.backends import RoleAwareBackend

pytestmark = pytest.mark.django_db


def test_user_roles_and_time_zone_in_one_query(staff):
    NotificationSettings.objects.update_or_create(user=staff, defaults={"time_zone": "America/Chicago"})
    with CaptureQueriesContext(connection) as queries:
        user = RoleAwareBackend().get_user(staff.pk)
        assert roles.role_of(user) == roles.STAFF
        assert roles.is_staff_member(user)
        assert user_time_zone(user) == "America/Chicago"
    assert len(queries) == 1
    assert user == staff


def test_a_user_without_settings_gets_the_site_zone(organizer, settings):
    user = RoleAwareBackend().get_user(organizer.pk)
    assert roles.role_of(user) == roles.ORGANIZER
    assert user_time_zone(user) == settings.TIME_ZONE


def test_a_role_change_counts_from_the_next_request(client, organizer):
    client.force_login(organizer)
    assert client.get("/").context["user_role"] == roles.ORGANIZER
    organizer.groups.add(Group.objects.get(name=roles.ADMIN))
    assert client.get("/").context["user_role"] == roles.ADMIN
    organizer.groups.clear()
    assert client.get("/").context["user_role"] is None


def test_unknown_inactive_and_malformed_ids_are_nobody(organizer):
    backend = RoleAwareBackend()
    assert backend.get_user(organizer.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
    organizer.is_active = False
    organizer.save()
    assert backend.get_user(organizer.pk) is None


def test_each_user_gets_their_own_row(organizer, staff, admin):
    backend = RoleAwareBackend()
    assert [roles.role_of(backend.get_user(user.pk)) for user in (organizer, admin, staff)] == [
        roles.ORGANIZER,
        roles.ADMIN,
        roles.STAFF,
    ]
