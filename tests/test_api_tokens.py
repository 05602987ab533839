"""API tokens expire, may be read-only, and an address that sends wrong tokens is throttled."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from tests.test_api import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def bearer(secret, address="203.0.113.7"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_new_token_is_read_only_and_expires_in_a_year_by_default(world):
    token, _ = services.api_token_create(user=world.organizer, name="script")
    assert token.scope == ApiToken.Scope.READ
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=365)) < datetime.timedelta(minutes=1)


def test_an_expired_token_is_refused_with_its_reason(world):
    token, secret = services.api_token_create(user=world.organizer, name="script", lifetime_days=30)
    assert bearer(secret).get("/api/campaigns/").status_code == 200
    with time_machine.travel(token.expires_at + datetime.timedelta(seconds=1)):
        response = bearer(secret).get("/api/campaigns/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_read_only_token_reads_but_may_not_write(world):
    _, secret = services.api_token_create(user=world.organizer, name="reader")
    client = bearer(secret)
    assert client.get(f"/api/campaigns/{world.campaign.pk}/deadlines/").status_code == 200
    body = {"title": "Hearing on the jail contract", "due_date": "2030-01-10"}
    response = client.post(f"/api/campaigns/{world.campaign.pk}/deadlines/", body, format="json")
    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]
    assert not world.campaign.deadlines.filter(title="Hearing on the jail contract").exists()


def test_a_write_token_writes(world):
    _, secret = services.api_token_create(user=world.organizer, name="writer", scope=ApiToken.Scope.WRITE)
    response = bearer(secret).post(
        f"/api/campaigns/{world.campaign.pk}/deadlines/",
        {"title": "Hearing on the jail contract", "due_date": "2030-01-10", "kind": "board_vote"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert world.campaign.deadlines.filter(title="Hearing on the jail contract").exists()


def test_a_lifetime_past_the_longest_is_refused(world):
    with pytest.raises(services.ValidationError):
        services.api_token_create(user=world.organizer, name="forever", lifetime_days=366)


def test_an_address_sending_wrong_tokens_is_throttled(world, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    _, good = services.api_token_create(user=world.organizer, name="script")
    for _ in range(3):
        assert bearer("cdk_guess").get("/api/campaigns/").status_code == 401
    response = bearer(good).get("/api/campaigns/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many wrong tokens" in response.json()["detail"]
    # Another address is not held back; the count is of the last API_TOKEN_FAILURE_WINDOW seconds.
    assert bearer(good, address="198.51.100.2").get("/api/campaigns/").status_code == 200


def test_the_settings_page_makes_a_read_only_token_unless_asked(client, world):
    client.force_login(world.organizer)
    client.post("/settings/api-tokens/", {"name": "Sheet", "scope": "read", "lifetime": "30"})
    client.post("/settings/api-tokens/", {"name": "Sync", "scope": "write", "lifetime": "365"})
    client.post("/settings/api-tokens/", {"name": "Plain"})
    tokens = {t.name: t for t in ApiToken.objects.filter(user=world.organizer)}
    assert tokens["Sheet"].scope == "read"
    assert (tokens["Sheet"].expires_at - timezone.now()).days == 29
    assert tokens["Sync"].scope == "write"
    assert tokens["Plain"].scope == "read"
    page = client.get("/settings/api-tokens/").content.decode()
    assert "Read only" in page and "Read and change" in page


def test_the_settings_page_refuses_an_unknown_lifetime(client, world):
    client.force_login(world.organizer)
    response = client.post("/settings/api-tokens/", {"name": "Sheet", "lifetime": "9999"})
    assert response.status_code == 400
    assert response.context["form"].errors["lifetime"]
    assert not ApiToken.objects.filter(user=world.organizer).exists()


def test_the_count_of_wrong_tokens_is_kept_in_the_database_not_the_cache(world, settings):
    from django.core.cache import cache

    settings.API_TOKEN_FAILURE_LIMIT = 2
    _, good = services.api_token_create(user=world.organizer, name="script")
    for _ in range(2):
        assert bearer("cdk_guess").get("/api/campaigns/").status_code == 401
    cache.clear()  # a cache emptied or restarted forgets nothing of the count
    assert bearer(good).get("/api/campaigns/").status_code == 429
