"""accounts.backends: the signed-in user is read from the database on every request, with their profile and
roles, so any change to them counts from the next request, whatever wrote it (a service, `update()`, SQL)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import ProfileBackend
from accounts.models import Profile
from accounts.profiles import user_time_zone
from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # tests.factories.UserFactory's


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def sent_to_sign_in(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_user_comes_with_profile_and_roles_in_one_query(staff):
    Profile.objects.update_or_create(user=staff, defaults={"time_zone": "America/Chicago"})
    with CaptureQueriesContext(connection) as queries:
        user = ProfileBackend().get_user(staff.pk)
        assert roles.role_of(user) == roles.STAFF
        assert roles.is_staff_member(user)
        assert user_time_zone(user) == "America/Chicago"
    assert len(queries) == 1
    assert user == staff


def test_a_user_without_a_profile_gets_the_site_zone(organizer, settings):
    user = ProfileBackend().get_user(organizer.pk)
    assert roles.role_of(user) == roles.ORGANIZER
    assert user_time_zone(user) == settings.TIME_ZONE


def test_unknown_inactive_and_malformed_ids_are_nobody(organizer):
    backend = ProfileBackend()
    assert backend.get_user(organizer.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
    User.objects.filter(pk=organizer.pk).update(is_active=False)
    assert backend.get_user(organizer.pk) is None


# --- the stale cases: each counts on the next request --------------------------------------------


def test_a_user_deactivated_with_update_is_signed_out_on_the_next_request(organizer):
    client = signed_in(organizer)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=organizer.pk).update(is_active=False)
    assert sent_to_sign_in(client.get(reverse("home")))
    assert client.post(reverse("login"), {"username": organizer.username, "password": PASSWORD}).status_code == 200
    assert sent_to_sign_in(client.get(reverse("home")))


def test_a_user_deactivated_by_sql_is_signed_out_on_the_next_request(organizer):
    client = signed_in(organizer)
    assert client.get(reverse("campaigns:list")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {User._meta.db_table} SET is_active = %s WHERE id = %s", [False, organizer.pk])
    assert sent_to_sign_in(client.get(reverse("campaigns:list")))


def test_staff_demoted_through_the_groups_table_lose_staff_access_on_the_next_request(staff):
    client = signed_in(staff)
    assert client.get(reverse("campaigns:new")).status_code == 200
    User.groups.through.objects.filter(user=staff).delete()
    assert client.get(reverse("campaigns:new")).status_code == 403
    again = Client()
    assert again.post(reverse("login"), {"username": staff.username, "password": PASSWORD}).status_code == 302
    assert again.get(reverse("campaigns:new")).status_code == 403


def test_a_password_set_with_update_signs_out_the_old_session_and_lets_the_new_one_in(organizer):
    old = signed_in(organizer)
    assert old.get(reverse("home")).status_code == 200
    User.objects.filter(pk=organizer.pk).update(password=make_password("a-new-pass-5678"))
    assert sent_to_sign_in(old.get(reverse("home")))
    new = Client()
    assert (
        new.post(reverse("login"), {"username": organizer.username, "password": "a-new-pass-5678"}).status_code == 302
    )
    assert new.get(reverse("home")).status_code == 200
    assert new.get(reverse("campaigns:list")).status_code == 200


def test_a_role_given_and_taken_counts_from_the_next_request(organizer):
    client = signed_in(organizer)
    assert client.get(reverse("home")).context["user_role"] == roles.ORGANIZER
    Group.objects.get(name=roles.ADMIN).user_set.add(organizer)
    assert client.get(reverse("home")).context["user_role"] == roles.ADMIN
    User.groups.through.objects.filter(user=organizer).delete()
    assert client.get(reverse("home")).context["user_role"] is None


def test_a_time_zone_written_with_update_counts_from_the_next_request(organizer):
    Profile.objects.create(user=organizer, time_zone="America/Chicago")
    client = signed_in(organizer)
    assert user_time_zone(client.get(reverse("home")).wsgi_request.user) == "America/Chicago"
    Profile.objects.filter(user=organizer).update(time_zone="America/Denver")
    assert user_time_zone(client.get(reverse("home")).wsgi_request.user) == "America/Denver"


def test_a_new_password_signs_out_every_session_but_the_changers(client, organizer):
    elsewhere = Client()
    for session in (client, elsewhere):
        session.force_login(organizer)
        assert session.get(reverse("home")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-pass-5678", "new_password2": "a-new-pass-5678"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert sent_to_sign_in(elsewhere.get(reverse("home")))


# --- the cache decides nothing --------------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    """A Redis cache at a port where nothing answers (Django builds the cache anew when CACHES changes)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_signing_in_and_signed_in_pages_work_while_the_cache_is_down(cache_down, organizer, staff):
    campaign = f.CampaignFactory()
    f.MembershipFactory(campaign=campaign, user=organizer)
    client = Client()
    assert client.post(reverse("login"), {"username": organizer.username, "password": PASSWORD}).status_code == 302
    for url in (reverse("home"), reverse("campaigns:list"), campaign.get_absolute_url(), reverse("resources:list")):
        assert client.get(url).status_code == 200, url
    staff_client = signed_in(staff)
    assert staff_client.get(reverse("home")).status_code == 200
    assert staff_client.get(reverse("jurisdictions:map-data")).status_code == 200


def test_user_text_that_looks_like_a_placeholder_is_shown_as_written(organizer):
    campaign = f.CampaignFactory(summary="Ask about csrf-token-of-the-request in the jail's records.")
    f.MembershipFactory(campaign=campaign, user=organizer)
    client = signed_in(organizer)
    for _ in range(2):
        assert b"Ask about csrf-token-of-the-request in the jail" in client.get(campaign.get_absolute_url()).content
