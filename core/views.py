from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from jurisdictions.models import Jurisdiction, PolicyLevel


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database does not answer
        return False, f"{type(exc).__name__}: {exc}"
    return True, "ok"


def _broker_status():
    from config.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many kinds; all mean the broker does not answer
        return False, f"{type(exc).__name__}: {exc}"
    return True, "ok"


@never_cache
def healthz(request):
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(ok for ok, _ in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        **{name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    if not healthy:
        body["failed"] = [name for name, (ok, _) in checks.items() if not ok]
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def home(request):
    counts = dict(Jurisdiction.objects.values_list("level").annotate(n=Count("pk")).order_by())
    levels = [(value, label, counts.get(value, 0)) for value, label in PolicyLevel.choices]
    with_287g = Jurisdiction.objects.exclude(current_287g="").count()
    return render(request, "core/home.html", {"levels": levels, "with_287g": with_287g})
