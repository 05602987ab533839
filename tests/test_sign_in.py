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
