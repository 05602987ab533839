"""A user's open deadlines as an iCalendar feed, read by calendar apps at /calendar/<secret>.ics.

Which deadlines: an organizer's are those of the campaigns they are on (the campaigns they may see);
a staff member's or admin's are those of the campaigns they follow — lead, or are on the team of — and
those they own. Only open deadlines, from a year back on.

Times: a deadline with a time is an event at that time, written in the user's time zone (their
notification settings', else the site's), converted from the zone the time was given in; one without
a time is an all-day event. Each event has a stable UID, links to its page, and its SEQUENCE and
LAST-MODIFIED change when the deadline does (see CalendarEventVersion).

Calendar apps poll the feed, so a poll that finds nothing changed costs a few milliseconds: the
address with its user, roles and settings is one query, and one more (feed_state) reads a digest of
the row versions of everything the feed would show — its deadlines, and the campaign, county, state
and owner rows they name. The built feed is kept in the cache (gzipped, its ETag apart) under that
digest with the user's zone, language and site address, and a request with a matching If-None-Match
gets 304. Any write to a row the feed shows changes the digest, so nothing has to be told to forget a
feed; only a digest not seen before has the deadlines read, their versions counted and the feed
written again. The address itself is looked up on every request: a revoked one stops at once.
"""

import gzip
import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.access import campaigns_visible_to
from campaigns.models import Deadline, Membership, NotificationSettings
from core.roles import is_staff_member

from .models import CalendarEventVersion

# Deadlines further back than this are left out, open or not: a feed is for what is coming.
LOOK_BACK = timedelta(days=365)
MAX_EVENTS = 2000
# Built feeds are kept under a key made of everything they show (see feed_state and _feed_cache_key).
FEED_CACHE_SECONDS = 24 * 60 * 60
FEED_CACHE_VERSION = 2
FEED_ORDER = ("due_date", "due_time", "pk")


def _zone(name):
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def user_preferences(user):
    """(time zone, language) of the user's notification settings, or the site's defaults."""
    row = getattr(user, "_notification_preferences", None)
    if row is None:
        row = NotificationSettings.objects.filter(user=user).values_list("time_zone", "language").first()
    zone_name, language = row if row else (None, None)
    zone = _zone(zone_name) or ZoneInfo(settings.TIME_ZONE)
    return zone, language or settings.LANGUAGE_CODE


def feed_since():
    return timezone.localdate() - LOOK_BACK


def _feed_filter(user, since):
    deadlines = Deadline.objects.filter(status=Deadline.Status.OPEN, due_date__gte=since)
    if is_staff_member(user):
        on_team = Exists(Membership.objects.filter(campaign=OuterRef("campaign_id"), user=user))
        return deadlines.filter(Q(owner=user) | Q(campaign__lead=user) | on_team)
    return deadlines.filter(campaign__in=campaigns_visible_to(user).values("pk"))


def feed_deadlines(user, since=None):
    """The open deadlines the user's feed shows, with what each event says (one query)."""
    deadlines = _feed_filter(user, since or feed_since())
    return list(
        deadlines.select_related("campaign__jurisdiction__state", "owner")
        .only(
            *[f.name for f in Deadline._meta.concrete_fields if f.name not in {"campaign", "owner"}],
            "campaign__id",
            "campaign__name",
            "campaign__jurisdiction__name",
            "campaign__jurisdiction__state__postal",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
        )
        .order_by(*FEED_ORDER)[:MAX_EVENTS]
    )


def feed_state(user, since):
    """A digest of everything the user's feed would show, read in one query; None where it cannot be read.

    The feed shows the deadlines the query for it finds, and of each its own row, its campaign's,
    county's and state's rows and its owner's row. Each row counts by its version: PostgreSQL's xmin
    (the transaction that wrote it) and ctid (where that version lies), which together change on every
    write of the row — through a service, `QuerySet.update()` or by hand, even twice in one transaction
    — and never come back. So a digest seen before means nothing shown has changed, and the events'
    versions (SEQUENCE), which change only when a shown row does, need no reading. A row rewritten
    with the same values (a campaign's last activity) only costs building the feed again.
    None on databases without row versions (SQLite in development).
    """
    if connection.vendor != "postgresql":
        return None
    from campaigns.models import Campaign
    from jurisdictions.models import Jurisdiction, State

    name = connection.ops.quote_name
    deadlines = name(Deadline._meta.db_table)
    rows = (
        _feed_filter(user, since)
        .order_by(*FEED_ORDER)
        .annotate(row_version=RawSQL(f"concat_ws(':', {deadlines}.xmin, {deadlines}.ctid)", ()))
        .values_list("pk", "campaign_id", "owner_id", "row_version")[:MAX_EVENTS]
    )
    rows_sql, params = rows.query.sql_with_params()
    user_table = Deadline._meta.get_field("owner").related_model._meta.db_table
    sql = f"""
        WITH f (id, campaign_id, owner_id, row_version) AS ({rows_sql})
        SELECT md5(concat_ws(
            '|',
            (SELECT string_agg(concat_ws(':', f.id, f.row_version), ',' ORDER BY f.id) FROM f),
            (SELECT string_agg(concat_ws(':', c.id, c.xmin, c.ctid, j.xmin, j.ctid, s.xmin, s.ctid), ',' ORDER BY c.id)
             FROM {name(Campaign._meta.db_table)} c
             JOIN {name(Jurisdiction._meta.db_table)} j ON j.id = c.jurisdiction_id
             JOIN {name(State._meta.db_table)} s ON s.id = j.state_id
             WHERE c.id = ANY (ARRAY(SELECT DISTINCT campaign_id FROM f))),
            (SELECT string_agg(concat_ws(':', u.id, u.xmin, u.ctid), ',' ORDER BY u.id)
             FROM {name(user_table)} u WHERE u.id = ANY (ARRAY(SELECT DISTINCT owner_id FROM f)))
        ))
    """  # table names come from the models; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def deadline_path(deadline):
    """The page that shows the deadline: its records request's page, or its campaign's deadlines."""
    if deadline.records_request_id:
        return reverse("campaigns:request-detail", args=[deadline.campaign_id, deadline.records_request_id])
    return reverse("campaigns:detail", args=[deadline.campaign_id]) + "#deadlines"


def site_base(request):
    base = getattr(settings, "SITE_URL", "") or request.build_absolute_uri("/")
    return base.rstrip("/")


def _uid_domain(base):
    return urlsplit(base).hostname or "campaign-desk"


def _fingerprint(deadline, url):
    owner = (deadline.owner.get_full_name() or deadline.owner.username) if deadline.owner else ""
    parts = [
        deadline.title,
        deadline.kind,
        deadline.status,
        deadline.due_date.isoformat(),
        deadline.due_time.isoformat() if deadline.due_time else "",
        deadline.time_zone,
        deadline.note,
        deadline.campaign.name,
        owner,
        url,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def event_versions(deadlines, urls, *, now=None):
    """{deadline id: CalendarEventVersion}, counting a new version for each deadline that changed.

    At most three queries whatever the number of deadlines. Two feeds read at once may both count
    the same change; they write the same numbers, so the sequence still goes up by one.
    """
    now = now or timezone.now()
    versions = {v.deadline_id: v for v in CalendarEventVersion.objects.filter(deadline__in=[d.pk for d in deadlines])}
    new, changed = [], []
    for deadline in deadlines:
        fingerprint = _fingerprint(deadline, urls[deadline.pk])
        version = versions.get(deadline.pk)
        if version is None:
            version = CalendarEventVersion(
                deadline_id=deadline.pk, fingerprint=fingerprint, sequence=0, changed_at=deadline.created_at or now
            )
            versions[deadline.pk] = version
            new.append(version)
        elif version.fingerprint != fingerprint:
            version.fingerprint, version.sequence, version.changed_at = fingerprint, version.sequence + 1, now
            changed.append(version)
    if new:
        CalendarEventVersion.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        CalendarEventVersion.objects.bulk_update(changed, ["fingerprint", "sequence", "changed_at"])
    return versions


def _start(deadline, zone):
    """The event's start: a date (all day), or the due time in the user's zone."""
    if deadline.due_time is None:
        return deadline.due_date
    given_in = _zone(deadline.time_zone) or zone
    moment = datetime.combine(deadline.due_date, deadline.due_time, tzinfo=given_in)
    return moment.astimezone(zone)


def _description(deadline, url):
    lines = [
        f"{_('Campaign')}: {deadline.campaign.name}",
        f"{_('Jurisdiction')}: {deadline.campaign.jurisdiction.name}, {deadline.campaign.jurisdiction.state.postal}",
        f"{_('Kind')}: {deadline.get_kind_display()}",
    ]
    if deadline.owner:
        lines.append(f"{_('Owner')}: {deadline.owner.get_full_name() or deadline.owner.username}")
    if deadline.note:
        lines += ["", deadline.note]
    lines += ["", url]
    return "\n".join(lines)


def _feed_cache_key(zone, language, base, deadlines, versions):
    """A key that changes whenever anything the feed would show changes.

    The feed is a function of the site's name, the user's zone and language, the address of the site,
    and of each deadline's fingerprint (title, kind, status, dates, zone, note, campaign, owner, link),
    version (sequence and when it changed), creation time and county. Nothing else goes into it.
    """
    digest = hashlib.sha256()
    for part in (FEED_CACHE_VERSION, settings.SITE_NAME, zone.key, language, base):
        digest.update(f"{part}\x1e".encode())
    for deadline in deadlines:
        version = versions[deadline.pk]
        jurisdiction = deadline.campaign.jurisdiction
        parts = [
            deadline.pk,
            version.fingerprint,
            version.sequence,
            version.changed_at.isoformat(),
            deadline.created_at.isoformat() if deadline.created_at else "",
            jurisdiction.name,
            jurisdiction.state.postal,
        ]
        digest.update("\x1f".join(map(str, parts)).encode() + b"\x1e")
    return f"api:calendar-feed:{digest.hexdigest()}"


def _state_cache_key(zone, language, base, since, state):
    digest = hashlib.sha256()
    for part in (FEED_CACHE_VERSION, settings.SITE_NAME, zone.key, language, base, since.isoformat(), state):
        digest.update(f"{part}\x1e".encode())
    return f"api:calendar-feed:state:{digest.hexdigest()}"


def _etag(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _cached(key, known_etags):
    """(ETag, gzipped body) kept under `key`, the body None when the caller has it; None when not kept."""
    etag = cache.get(key)
    if etag is None:
        return None
    if etag in known_etags:
        return etag, None
    packed = cache.get(key + ":gzip")
    return None if packed is None else (etag, packed)


def _keep(key, etag, packed):
    # The ETag is kept apart from the body: a calendar app asking "changed?" gets its 304 without the body.
    cache.set_many({key: etag, key + ":gzip": packed}, FEED_CACHE_SECONDS)


def calendar_feed_body(user, request, *, known_etags=(), now=None):
    """(ETag, the user's feed as gzipped iCalendar bytes), from the cache when nothing in it changed.

    Kept and returned gzipped: a feed of hundreds of events is half a megabyte of text and a tenth of
    that compressed, and calendar apps accept gzip. The body is None when its ETag is one of
    `known_etags` (those of an If-None-Match): the caller answers 304 without it.
    """
    zone, language = user_preferences(user)
    base = site_base(request)
    since = feed_since()
    state = feed_state(user, since)
    if state is not None:
        found = _cached(_state_cache_key(zone, language, base, since, state), known_etags)
        if found is not None:
            return found
    deadlines = feed_deadlines(user, since)
    urls = {d.pk: base + deadline_path(d) for d in deadlines}
    versions = event_versions(deadlines, urls, now=now or timezone.now())
    if state is None:
        # No row versions to compare (SQLite): the key is made from the rows themselves, already read.
        key = _feed_cache_key(zone, language, base, deadlines, versions)
        found = _cached(key, known_etags)
        if found is not None:
            return found
    else:
        # Kept under the state read before the rows: should a row change in between, the feed shows the
        # newer row, and that state, gone for good, is never read again.
        key = _state_cache_key(zone, language, base, since, state)
    # Writing hundreds of events with icalendar takes a good part of a second; reading the rows does not.
    body = _render_calendar(zone, language, base, deadlines, urls, versions)
    etag, packed = _etag(body), gzip.compress(body, compresslevel=6, mtime=0)
    _keep(key, etag, packed)
    return etag, packed


def build_calendar(user, request, *, now=None):
    """The user's feed as iCalendar bytes (from the cache when nothing in it changed)."""
    return gzip.decompress(calendar_feed_body(user, request, now=now)[1])


def _render_calendar(zone, language, base, deadlines, urls, versions):
    domain = _uid_domain(base)
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", f"-//{settings.SITE_NAME}//Deadlines//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = _("Deadlines — %(site)s") % {"site": settings.SITE_NAME}
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", zone.key)
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for deadline in deadlines:
            version = versions[deadline.pk]
            url = urls[deadline.pk]
            event = icalendar.Event()
            event.add("uid", f"deadline-{deadline.pk}@{domain}")
            # No METHOD: DTSTAMP is when the event's information last changed, like LAST-MODIFIED.
            event.add("dtstamp", version.changed_at.astimezone(UTC))
            event.add("last-modified", version.changed_at.astimezone(UTC))
            event.add("created", deadline.created_at.astimezone(UTC))
            event.add("sequence", version.sequence)
            start = _start(deadline, zone)
            event.add("dtstart", start)
            if deadline.due_time is None:
                event.add("dtend", deadline.due_date + timedelta(days=1))
            event.add("summary", f"{deadline.title} — {deadline.campaign.name}")
            event.add("description", _description(deadline, url))
            event.add("url", url, parameters={"VALUE": "URI"})
            event.add("categories", [deadline.get_kind_display()])
            event.add("status", "CONFIRMED")
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        years = [d.due_date.year for d in deadlines if d.due_time is not None]
        if years:
            calendar.add_missing_timezones(
                first_date=datetime(min(years) - 1, 1, 1).date(), last_date=datetime(max(years) + 2, 1, 1).date()
            )
    return calendar.to_ical()
