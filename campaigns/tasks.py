"""Celery tasks of the campaigns app: deadline reminders and status digests (see campaigns.notifications).

The beat schedule (config/settings/base.py) runs send_reminders and send_digests every hour. Both plan
the emails due now and queue them in batches once the plan is committed; each email is claimed before
it is sent, so a duplicated tick, a re-run or a redelivered message never sends one twice. Messages
are acknowledged late: a batch whose worker died is delivered again, and rows it had claimed are taken
up again by the next run once their claim is stale.
"""

from celery import shared_task
from django.conf import settings

from . import notifications


@shared_task(acks_late=True)
def send_reminders():
    ids = notifications.dispatch("reminders", queue=send_deliveries.delay)
    return len(ids)


@shared_task(acks_late=True)
def send_digests():
    ids = notifications.dispatch("digests", queue=send_deliveries.delay)
    return len(ids)


@shared_task(acks_late=True)
def send_deliveries(ids):
    """Send a batch; an email that fails is retried alone, later, without holding up the batch."""
    report = notifications.deliver(ids)
    for delivery_id, delay in report.retry.items():
        send_delivery.apply_async((delivery_id,), countdown=delay)
    return {"sent": len(report.sent), "skipped": len(report.skipped), "retry": len(report.retry)}


@shared_task(bind=True, acks_late=True, max_retries=settings.NOTIFICATIONS_MAX_ATTEMPTS)
def send_delivery(self, delivery_id):
    """One email again after a failure, with exponential backoff; the row counts the attempts."""
    report = notifications.deliver([delivery_id])
    if delivery_id in report.retry:
        raise self.retry(countdown=report.retry[delivery_id])
    return bool(report.sent)
