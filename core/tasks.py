from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task
def heartbeat():
    """Run by beat every minute; /healthz and the admin can tell the scheduler and a worker are alive."""
    now = timezone.now().isoformat()
    cache.set("core:worker-heartbeat", now, timeout=None)
    return now
