import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from core import roles

pytestmark = pytest.mark.django_db


def test_roles_exist_with_permissions():
    groups = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert set(groups) >= {"Organizer", "Staff", "Admin"}
    assert "view_jurisdiction" in groups["Organizer"]
    assert "add_policyrecord" not in groups["Organizer"]
    assert "add_policyrecord" in groups["Staff"]
    assert "delete_policyrecord" not in groups["Staff"]
    assert "delete_policyrecord" in groups["Admin"]


def test_sync_role_permissions_is_idempotent():
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    roles.sync_role_permissions()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


def test_healthz_reports_database_broker_and_cache(client):
    response = client.get("/healthz")
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["cache"] == {"ok": True}
    assert "ok" in body["broker"]
    assert response.status_code == (200 if body["broker"]["ok"] else 503)


def test_healthz_gives_detail_to_staff_only(client, organizer, staff, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for user in (None, organizer):
        if user:
            client.force_login(user)
        body = client.get("/healthz").json()
        assert body["cache"] == {"ok": False} and "failed" in body and "cache" in body["failed"]
        assert "127.0.0.1" not in str(body) and "Error" not in str(body)
    client.force_login(staff)
    body = client.get("/healthz").json()
    assert body["database"] == {"ok": True, "detail": "ok"}
    assert body["cache"]["ok"] is False and "Error" in body["cache"]["detail"]


def test_healthz_with_only_the_cache_down_is_degraded_not_503(client, settings, redis_url):
    from config.celery_app import app

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    original = app.conf.broker_url
    app.conf.broker_url = redis_url
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["cache"]


def test_healthz_503_names_failed_broker(client, settings):
    from config.celery_app import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["database"] == {"ok": True}


def test_healthz_200_with_real_redis_broker(client, redis_url):
    from config.celery_app import app

    original = app.conf.broker_url
    app.conf.broker_url = redis_url
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("fixture", ["organizer", "staff", "admin"])
def test_each_role_sees_home_with_role_badge(client, request, fixture):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert f'data-role="{roles.role_of(user)}"' in response.content.decode()


def test_login_with_wrong_password_shows_error(client, organizer):
    response = client.post(reverse("login"), {"username": "organizer", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_login_then_logout(client, organizer):
    response = client.post(reverse("login"), {"username": "organizer", "password": "pass-1234-word"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_password_reset_sends_email_with_working_link(client, organizer):
    response = client.post(reverse("password_reset"), {"email": organizer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    response = client.get(link.split("testserver", 1)[1], follow=True)
    assert response.status_code == 200
    assert "new_password1" in response.content.decode()


def test_password_change(client, organizer):
    client.force_login(organizer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass-1234-word", "new_password1": "n3w-Sturdy-pass", "new_password2": "n3w-Sturdy-pass"},
    )
    assert response.status_code == 302
    organizer.refresh_from_db()
    assert organizer.check_password("n3w-Sturdy-pass")


def test_language_switch_to_spanish(client, organizer):
    client.force_login(organizer)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    response = client.get("/")
    assert '<html lang="es">' in response.content.decode()


def test_admin_role_opens_django_admin(client, admin):
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("fixture", ["organizer", "staff"])
def test_other_roles_cannot_open_django_admin(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/admin/").status_code == 302


def test_bench_floor_is_only_in_the_bench_urlconf(client, settings):
    assert client.get("/bench/floor/").status_code == 404
    settings.ROOT_URLCONF = "bench.urls"
    response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
