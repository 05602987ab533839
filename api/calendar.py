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


def feed_deadlines(user):
    """The open deadlines the user's feed shows, with what each event says (one query)."""
    deadlines = _feed_filter(user)
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


def build_calendar(user, request):
    """The user's feed as iCalendar bytes."""
    zone, language = user_preferences(user)
    base = site_base(request)
    deadlines = feed_deadlines(user)
    urls = {d.pk: base + deadline_path(d) for d in deadlines}
    return _render_calendar(zone, language, base, deadlines, urls)


def _render_calendar(zone, language, base, deadlines, urls):
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
            url = urls[deadline.pk]
            event = icalendar.Event()
            event.add("uid", f"deadline-{deadline.pk}@{domain}")
            # No METHOD: DTSTAMP is when the event's information last changed, like LAST-MODIFIED.
            event.add("dtstamp", deadline.updated_at.astimezone(UTC))
            event.add("last-modified", deadline.updated_at.astimezone(UTC))
            event.add("created", deadline.created_at.astimezone(UTC))
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
