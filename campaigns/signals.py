"""What the campaigns app does when another app reports news: a changed ICE 287(g) list is told to everyone
it concerns (campaigns.alerts)."""

import logging

log = logging.getLogger(__name__)


def _queue(batch):
    from .tasks import send_deliveries

    try:
        send_deliveries.delay(batch)
    except Exception:  # the broker is down: the hourly reminder run sends the pending alerts
        log.warning(
            "Could not queue %s 287(g) alert email(s); the next hourly run sends them", len(batch), exc_info=True
        )


def alert_list_changes(sender, snapshot_id, **kwargs):
    """Plan the alert emails of a list just committed, and queue them for the worker."""
    from . import notifications

    notifications.dispatch_list_alerts(snapshot_id, queue=_queue)
