"""The endpoints `make bench` loads and the tests hold to a constant number of queries, and how they are counted."""

import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from api.services import calendar_feed_regenerate
from campaigns import notifications
from campaigns.models import Campaign, EmailDelivery, Membership
from core import roles
from jurisdictions.models import Jurisdiction
from jurisdictions.services import MAP_CACHE_KEY

from .dataset import bench_campaigns, bench_users
from .plan import BENCH_PASSWORD as BENCH_PASSWORD  # the sign-ins scripts/bench.py makes
from .plan import USERNAME_PREFIX

HOST = "127.0.0.1"
# Rows a page of the campaign list shows, and of the admin's changelist.
LIST_PAGE_SIZE = 25
ADMIN_PAGE_SIZE = 100


def url_or_none(view_name, *args, **kwargs):
    """The path of a view, or None when the app that serves it is not there (yet)."""
    try:
        return reverse(view_name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def subjects():
    """Who and what the endpoints are about: the busiest bench campaign, its busiest organizer, a big county."""

    busiest = bench_campaigns().annotate(n=Count("meetings")).order_by("-n", "pk").first()
    if busiest is None:
        raise RuntimeError("No bench campaigns: run seed_bench first.")
    on_it = Membership.objects.filter(campaign=busiest, role=Membership.Role.ORGANIZER).values("user_id")
    organizer = (
        bench_users(roles.ORGANIZER)
        .filter(pk__in=on_it)
        .annotate(n=Count("campaign_memberships"))
        .order_by("-n", "pk")
        .first()
    )
    county = (
        Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY)
        .annotate(n=Count("campaigns"))
        .order_by("-n", "-population", "pk")
        .first()
    )
    return {
        "campaign": busiest,
        "meetings": busiest.n,
        "campaigns": Campaign.objects.count(),
        "organizer": organizer,
        "organizer_campaigns": organizer.n,
        "staff": bench_users(roles.STAFF).first(),
        "admin": bench_users(roles.ADMIN).first(),
        "county": county,
    }


def endpoints(s):
    """([(key, label, role, path, admin reference)], {admin reference: path}) for the subjects `s`.

    Each page is compared with the admin page that shows the same rows (or the nearest the admin has).
    The calendar feed's path is "calendar": its secret address is made when it is measured.
    """
    campaign, county, organizer = s["campaign"], s["county"], s["organizer"]
    last_page = max(1, math.ceil(s["campaigns"] / LIST_PAGE_SIZE))

    def admin_page(page):
        first_row = (min(page, last_page) - 1) * LIST_PAGE_SIZE + 1
        return math.ceil(first_row / ADMIN_PAGE_SIZE)

    admin = {
        "admin-campaigns": "/admin/campaigns/campaign/",
        "admin-campaigns-p40": f"/admin/campaigns/campaign/?p={admin_page(40)}",
        "admin-campaign": f"/admin/campaigns/campaign/{campaign.pk}/change/",
        "admin-meetings": f"/admin/campaigns/meeting/?campaign__id__exact={campaign.pk}",
        "admin-jurisdictions": "/admin/jurisdictions/jurisdiction/",
        "admin-county": f"/admin/jurisdictions/jurisdiction/{county.pk}/change/",
        "admin-resources": "/admin/resources/resource/?q=detainer",
        "admin-deadlines": f"/admin/campaigns/deadline/?owner__id__exact={organizer.pk}&status__exact=open",
    }
    busiest = f"campaign page ({s['meetings']} meetings)"
    pages = [
        ("floor", "floor (no database)", None, "/bench/floor/", None),
        ("dashboard-organizer", "dashboard", "organizer", "/", "admin-campaigns"),
        ("dashboard-staff", "dashboard", "staff", "/", "admin-campaigns"),
        ("dashboard-admin", "dashboard", "admin", "/", "admin-campaigns"),
        ("campaigns", "campaign list", "staff", "/campaigns/", "admin-campaigns"),
        ("campaigns-p40", "campaign list, page 40", "staff", "/campaigns/?page=40", "admin-campaigns-p40"),
        ("campaigns-overdue", "campaign list, overdue", "staff", "/campaigns/?overdue=yes", "admin-campaigns"),
        (
            "campaigns-overdue-p40",
            "campaign list, overdue, page 40",
            "staff",
            "/campaigns/?overdue=yes&page=40",
            "admin-campaigns-p40",
        ),
        ("campaign", busiest, "staff", campaign.get_absolute_url(), "admin-campaign"),
        ("meeting-form", "meeting form", "organizer", f"/campaigns/{campaign.pk}/meetings/new/", "admin-meetings"),
        ("jurisdictions", "jurisdiction list", "staff", "/jurisdictions/", "admin-jurisdictions"),
        ("county", f"county page ({county.name})", "staff", county.get_absolute_url(), "admin-county"),
        ("map-cached", "map JSON, cached", "staff", "/jurisdictions/map/data.json", "admin-jurisdictions"),
        ("resources", "resource search", "organizer", "/resources/?q=detainer", "admin-resources"),
    ]
    if url_or_none("api:campaigns"):
        pages.append(("api-campaigns", "API campaign list", "staff", url_or_none("api:campaigns"), "admin-campaigns"))
    if "api" in settings.INSTALLED_APPS and url_or_none("calendar-feed", token="x"):
        pages.append(("calendar", "calendar feed", None, "calendar", "admin-deadlines"))
    return pages, admin


def calendar_path(user):
    """A fresh secret address of the user's calendar feed."""

    return reverse("calendar-feed", kwargs={"token": calendar_feed_regenerate(user=user)})


def export_path():
    return url_or_none("export", name="deadlines", fmt="csv")


def _get(client, path):
    response = client.get(path)
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response


def count_queries(path, user, *, warm=True):
    """(SQL queries, status) of one GET of `path` as `user`, read to its last byte; after a warm-up request."""
    client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_ENCODING="gzip")
    if user is not None:
        client.force_login(user)
    if warm:
        _get(client, path)
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, path)
    return len(queries), response.status_code


def clear_map_cache():
    cache.delete(MAP_CACHE_KEY)


def count_cold_map_queries(user):
    """(SQL queries, status) of the map JSON right after its cache was cleared."""

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    client.get("/bench/floor/")
    clear_map_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/jurisdictions/map/data.json")
    return len(queries), response.status_code


def digest_run():
    """A status digest for every bench user, built and sent to the locmem backend, then rolled back.

    {users, seconds, queries, sent, skipped}.
    """
    from django.core.mail import get_connection

    users = list(get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk"))
    now = timezone.now()
    with transaction.atomic():
        rows = EmailDelivery.objects.bulk_create(
            [
                EmailDelivery(kind=EmailDelivery.Kind.DIGEST, user=user, period=timezone.localdate(now), created_at=now)
                for user in users
            ]
        )
        mail = get_connection("django.core.mail.backends.locmem.EmailBackend")
        reverse("campaigns:list")  # the run is measured, not the first import of the URLconf and its views
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = notifications.deliver([row.pk for row in rows], now=now, connection=mail)
        result = {
            "users": len(users),
            "seconds": round(time.perf_counter() - started, 2),
            "queries": len(queries),
            "sent": len(report.sent),
            "skipped": len(report.skipped),
        }
        transaction.set_rollback(True)
    return result
