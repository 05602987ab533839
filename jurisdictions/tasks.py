"""Celery tasks of the jurisdictions app: the scheduled fetch of ICE's 287(g) lists (off unless configured)."""

from celery import shared_task

from . import ice_fetch


@shared_task(acks_late=True)
def fetch_ice_287g_lists():
    """Download ICE_287G_PARTICIPATING_URL / ICE_287G_PENDING_URL and import them; refusals are emailed to staff."""
    return ice_fetch.fetch_all()
