"""core.backends: a request's user comes with their roles and time zone, in one query, and from this
process's copy until anything of theirs changes."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import NotificationSettings
from campaigns.timezones import user_time_zone
from core import roles
from core.backends import RoleAwareBackend
from tests import factories as f

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


def test_a_signed_in_user_is_read_once_and_each_request_gets_its_own_copy(organizer):
    backend = RoleAwareBackend()
    first = backend.get_user(organizer.pk)
    with CaptureQueriesContext(connection) as queries:
        again = backend.get_user(organizer.pk)
    assert len(queries) == 0
    assert again == first and again is not first
    again.first_name = "Changed in one request"
    again._role_names.add(roles.ADMIN)
    third = backend.get_user(organizer.pk)
    assert third.first_name == organizer.first_name
    assert roles.role_of(third) == roles.ORGANIZER


def test_signing_in_reads_the_copy_for_the_pages_that_follow(client, organizer):
    client.force_login(organizer)  # saves last_login, which renews nothing, and reads the copy
    with CaptureQueriesContext(connection) as queries:
        assert RoleAwareBackend().get_user(organizer.pk) == organizer
    assert len(queries) == 0


def test_a_new_user_or_another_users_change_keeps_the_copy(client, organizer, staff):
    client.force_login(organizer)
    f.UserFactory(role=roles.ORGANIZER, username="newcomer")
    staff.first_name = "Renamed"
    staff.save()
    NotificationSettings.objects.update_or_create(user=staff, defaults={"time_zone": "America/Denver"})
    with CaptureQueriesContext(connection) as queries:
        RoleAwareBackend().get_user(organizer.pk)
    assert len(queries) == 0


def _deactivate(user):
    user.is_active = False
    user.save()


def _rename(user):
    user.first_name = "Renamed"
    user.save()


def _role_from_the_groups_side(user):
    Group.objects.get(name=roles.ADMIN).user_set.add(user)


def _rename_the_role(user):
    group = Group.objects.get(name=roles.ORGANIZER)
    group.name = "Former organizers"
    group.save()


def _new_time_zone(user):
    NotificationSettings.objects.update_or_create(user=user, defaults={"time_zone": "America/Denver"})


# A write to a user, a role or a time zone: what the next request must see.
CHANGES = {
    "deactivated": (_deactivate, lambda user: user is None),
    "deleted": (lambda user: user.delete(), lambda user: user is None),
    "renamed": (_rename, lambda user: user.first_name == "Renamed"),
    "given a role": (
        lambda user: user.groups.add(Group.objects.get(name=roles.ADMIN)),
        lambda user: roles.role_of(user) == roles.ADMIN,
    ),
    "given a role from the group's side": (_role_from_the_groups_side, lambda user: roles.role_of(user) == roles.ADMIN),
    "role taken away": (lambda user: user.groups.clear(), lambda user: roles.role_of(user) is None),
    "role renamed": (_rename_the_role, lambda user: roles.role_of(user) is None),
    "role emptied from the group's side": (
        lambda user: Group.objects.get(name=roles.ORGANIZER).user_set.clear(),
        lambda user: roles.role_of(user) is None,
    ),
    "new time zone": (_new_time_zone, lambda user: user_time_zone(user) == "America/Denver"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_a_signed_in_user_counts_from_the_next_request(organizer, change):
    write, seen = CHANGES[change]
    backend = RoleAwareBackend()
    before = backend.get_user(organizer.pk)
    assert roles.role_of(before) == roles.ORGANIZER
    assert not seen(before)
    write(organizer)
    assert seen(backend.get_user(organizer.pk))


def test_a_new_password_signs_out_every_session_but_the_changers(client, organizer):
    elsewhere = Client()
    for session in (client, elsewhere):
        session.force_login(organizer)
        assert session.get(reverse("home")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass-1234-word", "new_password1": "a-new-pass-5678", "new_password2": "a-new-pass-5678"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    response = elsewhere.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_password_set_by_an_admin_signs_the_user_out(client, organizer):
    client.force_login(organizer)
    assert client.get(reverse("home")).status_code == 200
    organizer.set_password("set-by-an-admin-2026")
    organizer.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
