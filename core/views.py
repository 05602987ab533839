"""The health check at /healthz: the database, the broker and the cache, each reported apart."""

import secrets

from celery import current_app
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .roles import is_staff_member

# The cache can fail without the site failing (the map's JSON is then built per request): it makes
# /healthz say "degraded", not 503.
ESSENTIAL = ("database", "broker")


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database does not answer
        return False, f"{type(exc).__name__}: {exc}"
    return True, "ok"


def _broker_status():

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many kinds; all mean the broker does not answer
        return False, f"{type(exc).__name__}: {exc}"
    return True, "ok"


def _cache_status():
    key = f"healthz:{secrets.token_hex(4)}"
    try:
        cache.set(key, "ok", timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # Redis, file system: any failure means the cache does not answer
        return False, f"{type(exc).__name__}: {exc}"
    return (True, "ok") if found == "ok" else (False, "wrote a value and read back nothing")


@never_cache
def healthz(request):
    """The database, the broker and the cache, each ok or not; what failed and why only for staff.

    503 when the database or the broker fails; 200 "degraded" when only the cache does.
    """
    checks = {"database": _database_status(), "broker": _broker_status(), "cache": _cache_status()}
    failed = [name for name, (ok, _detail) in checks.items() if not ok]
    status = "ok"
    if failed:
        status = "error" if set(failed) & set(ESSENTIAL) else "degraded"
    show_detail = request.user.is_authenticated and is_staff_member(request.user)
    body = {"status": status}
    for name, (ok, detail) in checks.items():
        body[name] = {"ok": ok, "detail": detail} if show_detail else {"ok": ok}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if status == "error" else 200)
