"""Sign-in hardening: the password-reset throttle, the lockout after wrong passwords, session timeouts."""

import pytest
from django.core import mail
from django.urls import reverse

from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"


# --- password reset ------------------------------------------------------------------------------


def test_password_reset_sends_at_most_the_limit_to_one_address(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    f.UserFactory(role=roles.ORGANIZER, email="ana@example.org")
    url = reverse("password_reset")
    for _ in range(3):
        assert client.post(url, {"email": "ana@example.org"}).status_code == 302
    response = client.post(url, {"email": "ANA@example.org"})
    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_limits_one_client_asking_for_many_addresses(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    url = reverse("password_reset")
    assert client.post(url, {"email": "a@example.org"}).status_code == 302
    assert client.post(url, {"email": "b@example.org"}).status_code == 302
    assert client.post(url, {"email": "c@example.org"}).status_code == 429
    # Unknown addresses count the same as known ones: the answer tells nothing about who has an account.
    other = client.__class__(REMOTE_ADDR="198.51.100.9")
    assert other.post(url, {"email": "c@example.org"}).status_code == 302


# --- lockout after wrong passwords ---------------------------------------------------------------


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client):
    user = f.UserFactory(role=roles.ORGANIZER, username="ana")
    for _ in range(4):
        assert _sign_in(client, "ana", "wrong").status_code == 200  # the form again, with its error
    response = _sign_in(client, "ana", "wrong")
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    response = _sign_in(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_the_lockout_is_per_account_from_anywhere(client):
    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for number in range(5):
        _sign_in(client.__class__(REMOTE_ADDR=f"198.51.100.{number}"), "ana", "wrong")
    assert _sign_in(client.__class__(REMOTE_ADDR="203.0.113.50"), "ana", PASSWORD).status_code == 429


def test_the_lockout_is_per_address_across_accounts(client):
    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for number in range(5):
        _sign_in(client, f"guess-{number}", "wrong")
    assert _sign_in(client, "ana", PASSWORD).status_code == 429
    assert _sign_in(client.__class__(REMOTE_ADDR="203.0.113.50"), "ana", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    import datetime

    import time_machine
    from django.utils import timezone

    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for _ in range(5):
        _sign_in(client, "ana", "wrong")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert _sign_in(client, "ana", PASSWORD).status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(client):
    f.UserFactory(role=roles.ORGANIZER, username="ana")
    for _ in range(4):
        _sign_in(client, "ana", "wrong")
    assert _sign_in(client, "ana", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _sign_in(client, "ana", "wrong").status_code == 200
    assert _sign_in(client, "ana", PASSWORD).status_code == 302


def test_an_admin_unlocks_a_locked_account_in_the_admin(client):
    from axes.models import AccessAttempt

    f.UserFactory(role=roles.ORGANIZER, username="ana")
    admin = f.UserFactory(role=roles.ADMIN, username="boss", is_staff=True, is_superuser=True)
    for _ in range(5):
        _sign_in(client.__class__(REMOTE_ADDR="198.51.100.1"), "ana", "wrong")
    attempt = AccessAttempt.objects.get(username="ana")
    admin_client = client.__class__()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "ana" in listing.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert _sign_in(client.__class__(REMOTE_ADDR="203.0.113.50"), "ana", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client):
    f.UserFactory(role=roles.ADMIN, username="boss", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "boss", "password": "wrong"})
    assert client.post(url, {"username": "boss", "password": PASSWORD}).status_code == 429
