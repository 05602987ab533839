"""A user's open deadlines as an iCalendar feed, read by calendar apps at /calendar/<secret>.ics.

Which deadlines: an organizer's are those of the campaigns they are on (the campaigns they may see);
a staff member's or admin's are those of the campaigns they follow — lead, or are on the team of — and
those they own. Only open deadlines due from LOOK_BACK ago to LOOK_AHEAD from now, at most MAX_EVENTS.

Times: a deadline with a time is an event at that time, written in the user's time zone (their
settings', else the site's), converted from the zone the time was given in; one without a time is an
all-day event. Each event has a stable UID, links to its page, and its LAST-MODIFIED is when the
deadline was last saved. The feed is built on every request (one query for its deadlines).
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.profiles import profile_of
from campaigns.access import campaigns_visible_to
from campaigns.models import Deadline, Membership
from core.roles import is_staff_member

# A feed is for what is coming: deadlines due further back or ahead than this are left out.
LOOK_BACK = timedelta(days=90)
LOOK_AHEAD = timedelta(days=550)
MAX_EVENTS = 500
FEED_ORDER = ("due_date", "due_time", "pk")


def _zone(name):
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def user_preferences(user):
    """(time zone, language) of the user's notification settings, or the site's defaults."""
    profile = profile_of(user)
    zone = _zone(profile.time_zone) or ZoneInfo(settings.TIME_ZONE)
    return zone, profile.language or settings.LANGUAGE_CODE


def _feed_filter(user):
    today = timezone.localdate()
    deadlines = Deadline.objects.filter(
        status=Deadline.Status.OPEN, due_date__gte=today - LOOK_BACK, due_date__lte=today + LOOK_AHEAD
    )
    if is_staff_member(user):
        on_team = Exists(Membership.objects.filter(campaign=OuterRef("campaign_id"), user=user))
        return deadlines.filter(Q(owner=user) | Q(campaign__lead=user) | on_team)
    return deadlines.filter(campaign__in=campaigns_visible_to(user).values("pk"))


# What each event says, read as plain rows: building 500 deadlines, campaigns and owners as model
# instances costs more than the query itself.
FEED_FIELDS = (
    "pk",
    "campaign_id",
    "records_request_id",
    "title",
    "kind",
    "due_date",
    "due_time",
    "time_zone",
    "note",
    "created_at",
    "updated_at",
    "campaign__name",
    "campaign__jurisdiction__name",
    "campaign__jurisdiction__state__postal",
    "owner_id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def feed_deadlines(user):
    """The open deadlines the user's feed shows, with what each event says (one query), as named rows."""
    return list(_feed_filter(user).order_by(*FEED_ORDER).values_list(*FEED_FIELDS, named=True)[:MAX_EVENTS])


def deadline_path(deadline):
    """The page that shows the deadline: its records request's page, or its campaign's deadlines."""
    if deadline.records_request_id:
        return reverse("campaigns:request-detail", args=[deadline.campaign_id, deadline.records_request_id])
    return reverse("campaigns:detail", args=[deadline.campaign_id]) + "#deadlines"


def deadline_urls(deadlines, base):
    """{deadline pk: absolute URL}, reversing each page once for the feed (deadlines share campaigns)."""
    paths = {}
    urls = {}
    for deadline in deadlines:
        key = (deadline.campaign_id, deadline.records_request_id)
        if key not in paths:
            paths[key] = base + deadline_path(deadline)
        urls[deadline.pk] = paths[key]
    return urls


def site_base(request):
    base = getattr(settings, "SITE_URL", "") or request.build_absolute_uri("/")
    return base.rstrip("/")


def _uid_domain(base):
    return urlsplit(base).hostname or "campaign-desk"


def _start(deadline, zone):
    """The event's start: a date (all day), or the due time in the user's zone."""
    if deadline.due_time is None:
        return deadline.due_date
    given_in = _zone(deadline.time_zone) or zone
    moment = datetime.combine(deadline.due_date, deadline.due_time, tzinfo=given_in)
    return moment.astimezone(zone)


def fold(line):
    """A content line as UTF-8, folded as RFC 5545 (section 3.1) and icalendar do it.

    Parts of at most 74 octets, never splitting a character, nor a backslash from what it escapes.
    """
    data = line.encode()
    if len(data) < 75:
        return data
    parts = []
    start = 0
    while len(data) - start >= 75:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # inside a multi-byte character
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def _text(value):
    """A TEXT value (RFC 5545, section 3.3.11): backslashes, semicolons, commas and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@lru_cache(maxsize=64)
def vtimezone(tzid, first_year, last_year):
    """icalendar's VTIMEZONE of a zone from 1 January of one year to that of another.

    Kept (never changed) for the process: its transitions take icalendar longer to work out than the
    rest of the feed, and are the same for every feed in that zone and those years.
    """
    return icalendar.Timezone.from_tzid(
        tzid, first_date=datetime(first_year, 1, 1).date(), last_date=datetime(last_year, 1, 1).date()
    )


class _Feed:
    """What every event of one feed shares, worked out once: labels in the user's language, the zone."""

    def __init__(self, zone, domain):
        self.zone = zone
        self.tzid = zone.key
        self.domain = _text(domain)
        self.labels = {
            "campaign": _("Campaign"),
            "jurisdiction": _("Jurisdiction"),
            "kind": _("Kind"),
            "owner": _("Owner"),
        }
        self.kinds = {value: str(label) for value, label in Deadline.Kind.choices}

    def description(self, deadline, kind, url):
        labels = self.labels
        lines = [
            f"{labels['campaign']}: {deadline.campaign__name}",
            f"{labels['jurisdiction']}: {deadline.campaign__jurisdiction__name}, "
            f"{deadline.campaign__jurisdiction__state__postal}",
            f"{labels['kind']}: {kind}",
        ]
        if deadline.owner_id:
            # What User.get_full_name() says, else the username.
            name = f"{deadline.owner__first_name} {deadline.owner__last_name}".strip() or deadline.owner__username
            lines.append(f"{labels['owner']}: {name}")
        if deadline.note:
            lines += ["", deadline.note]
        lines += ["", url]
        return "\n".join(lines)

    def event(self, deadline, url):
        """The VEVENT's content lines, in icalendar's order (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, then by name).

        No METHOD: DTSTAMP is when the event's information last changed, like LAST-MODIFIED.
        """
        kind = self.kinds.get(deadline.kind, deadline.kind)
        changed = _utc(deadline.updated_at)
        start = _start(deadline, self.zone)
        if deadline.due_time is None:
            when = [
                f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                f"DTEND;VALUE=DATE:{deadline.due_date + timedelta(days=1):%Y%m%d}",
            ]
        else:
            when = [f"DTSTART;TZID={self.tzid}:{start:%Y%m%dT%H%M%S}"]
        lines = [
            "BEGIN:VEVENT",
            f"SUMMARY:{_text(f'{deadline.title} — {deadline.campaign__name}')}",
            *when,
            f"DTSTAMP:{changed}",
            f"UID:deadline-{deadline.pk}@{self.domain}",
            f"CATEGORIES:{_text(kind)}",
            f"CREATED:{_utc(deadline.created_at)}",
            f"DESCRIPTION:{_text(self.description(deadline, kind, url))}",
            f"LAST-MODIFIED:{changed}",
            "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
            f"URL;VALUE=URI:{url}",
            "END:VEVENT",
        ]
        return b"".join(fold(line) + b"\r\n" for line in lines)


def build_calendar(user, request):
    """The user's feed as iCalendar bytes."""
    zone, language = user_preferences(user)
    base = site_base(request)
    deadlines = feed_deadlines(user)
    return _render_calendar(zone, language, base, deadlines, deadline_urls(deadlines, base))


def _render_calendar(zone, language, base, deadlines, urls):
    """icalendar writes the calendar and its VTIMEZONE; the events are written here, line by line.

    Building an icalendar Event per deadline and serializing it costs far more than the feed's query
    (a type lookup per property, a fold character by character); the events written here follow the
    same rules (icalendar's TEXT escaping, RFC 5545 folding) and read back the same.
    """
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
        years = [d.due_date.year for d in deadlines if d.due_time is not None]
        if years:
            # The only TZID the events use is the user's zone (what add_missing_timezones would find).
            calendar.add_component(vtimezone(zone.key, min(years) - 1, max(years) + 2))
        feed = _Feed(zone, _uid_domain(base))
        events = b"".join(feed.event(deadline, urls[deadline.pk]) for deadline in deadlines)
    ical = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert ical.endswith(end)
    return ical[: -len(end)] + events + end
