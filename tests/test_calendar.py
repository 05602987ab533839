"""Calendar feeds: /calendar/<secret>.ics read back with icalendar and checked against RFC 5545's rules."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Profile
from api import services as api_services
from api.models import ApiToken, CalendarFeed
from campaigns import services
from campaigns.models import Deadline
from core import roles
from tests import factories
from tests.test_api import build_world


@pytest.fixture
def world(db):
    return build_world()


def feed_of(client, user):
    secret = api_services.calendar_feed_regenerate(user=user)
    return f"/calendar/{secret}.ics"


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["SUMMARY"]).split(" — ")[0]: event for event in calendar.walk("VEVENT")}


def test_feed_is_valid_icalendar(client, world):
    calendar = read(client, feed_of(client, world.organizer))
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert calendar.get_missing_tzids() == set()  # every TZID has its VTIMEZONE
    uids = []
    for event in calendar.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL", "LAST-MODIFIED"):
            assert prop in event, prop
        assert event["DTSTAMP"].dt.tzinfo is not None  # DTSTAMP is in UTC
        uids.append(str(event["UID"]))
    assert len(uids) == len(set(uids)) >= 3


def test_organizer_sees_the_open_deadlines_of_their_campaigns(client, world):
    done = services.deadline_create(
        campaign=world.campaign, user=world.staff, title="Already done", due_date=timezone.localdate()
    )
    services.deadline_complete(deadline=done, user=world.staff)
    titles = set(events(read(client, feed_of(client, world.organizer))))
    assert {"Send the letter", "Board vote"} <= titles
    assert "Other deadline" not in titles  # a campaign they are not on
    assert "Already done" not in titles


def test_staff_see_what_they_lead_are_on_or_own(client, world):
    # staff leads the first campaign; another staff member follows nothing until given a deadline.
    assert "Board vote" in events(read(client, feed_of(client, world.staff)))
    outsider = factories.UserFactory(role=roles.STAFF, username="outsider")
    path = feed_of(client, outsider)
    assert events(read(client, path)) == {}
    services.deadline_create(
        campaign=world.other, user=world.staff, title="Owned one", due_date=timezone.localdate(), owner=outsider
    )
    services.membership_add(campaign=world.campaign, user=world.staff, member=outsider)
    titles = set(events(read(client, path)))
    assert "Owned one" in titles and "Board vote" in titles
    assert "Other deadline" not in titles


def test_times_are_in_the_users_zone_and_dates_are_all_day(client, world):
    found = events(read(client, feed_of(client, world.organizer)))
    vote = found["Board vote"]  # 14:30 in Chicago, given by whoever set it
    assert vote["DTSTART"].params["TZID"] == "America/Los_Angeles"  # no settings: the site's zone
    start = vote["DTSTART"].dt
    assert (start.hour, start.minute) == (12, 30)
    assert start == datetime.datetime.combine(start.date(), datetime.time(14, 30), tzinfo=ZoneInfo("America/Chicago"))
    letter = found["Send the letter"]
    assert letter["DTSTART"].params.get("VALUE") == "DATE"
    assert isinstance(letter["DTSTART"].dt, datetime.date)
    assert not isinstance(letter["DTSTART"].dt, datetime.datetime)
    assert letter["DTEND"].dt == letter["DTSTART"].dt + datetime.timedelta(days=1)

    Profile.objects.create(user=world.organizer, time_zone="America/New_York")
    vote = events(read(client, feed_of(client, world.organizer)))["Board vote"]
    assert vote["DTSTART"].params["TZID"] == "America/New_York"
    assert (vote["DTSTART"].dt.hour, vote["DTSTART"].dt.minute) == (15, 30)


def test_each_event_links_to_its_page(client, world, settings):
    settings.SITE_URL = "https://desk.example.org"
    found = events(read(client, feed_of(client, world.organizer)))
    assert str(found["Send the letter"]["URL"]) == f"https://desk.example.org/campaigns/{world.campaign.pk}/#deadlines"
    records = next(e for title, e in found.items() if title.startswith("Records response due"))
    assert str(records["URL"]) == (
        f"https://desk.example.org/campaigns/{world.campaign.pk}/requests/{world.records_request.pk}/"
    )
    assert str(found["Board vote"]["UID"]).endswith("@desk.example.org")


def test_uid_is_stable_and_last_modified_moves_when_a_deadline_changes(client, world):
    path = feed_of(client, world.organizer)
    with time_machine.travel(timezone.now(), tick=False):
        first = events(read(client, path))["Board vote"]
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        again = events(read(client, path))["Board vote"]
    assert str(again["UID"]) == str(first["UID"])
    assert again["DTSTAMP"].dt == first["DTSTAMP"].dt
    assert again["LAST-MODIFIED"].dt == first["LAST-MODIFIED"].dt

    deadline = Deadline.objects.get(title="Board vote")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        services.deadline_update(
            deadline=deadline, user=world.staff, due_date=deadline.due_date + datetime.timedelta(1)
        )
        moved = events(read(client, path))["Board vote"]
    assert str(moved["UID"]) == str(first["UID"])
    assert moved["LAST-MODIFIED"].dt > first["LAST-MODIFIED"].dt
    assert moved["DTSTART"].dt.date() == first["DTSTART"].dt.date() + datetime.timedelta(days=1)


def test_unknown_and_revoked_addresses_get_404(client, world):
    assert client.get("/calendar/not-a-real-secret.ics").status_code == 404
    path = feed_of(client, world.organizer)
    assert client.get(path).status_code == 200
    api_services.calendar_feed_revoke(user=world.organizer)
    assert client.get(path).status_code == 404


def test_a_new_address_replaces_the_old_one(client, world):
    old = feed_of(client, world.organizer)
    new = feed_of(client, world.organizer)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=world.organizer).count() == 1


def test_a_deactivated_users_feed_is_gone(client, world):
    path = feed_of(client, world.organizer)
    world.organizer.is_active = False
    world.organizer.save()
    assert client.get(path).status_code == 404


def test_the_secret_is_not_stored(world):
    secret = api_services.calendar_feed_regenerate(user=world.organizer)
    assert secret not in CalendarFeed.objects.get(user=world.organizer).token_hash
    assert len(secret) >= 40


def test_events_are_written_the_way_icalendar_writes_them(client, world):
    """The feed's events are written line by line; read back and written again by icalendar, they come
    out byte for byte: the same escaping, the same folding (never inside a character or an escape)."""
    Profile.objects.create(user=world.organizer, language="es", time_zone="Europe/Madrid")
    owner = factories.UserFactory(first_name="José", last_name="Núñez")
    for n in range(12):
        # Accents, backslashes and escaped characters at every place a line can fold.
        note = "x" * n + "Línea uno, con coma; y punto y coma\\ barra — " * 3 + "\nÚltima línea\r\nfin é\\"
        factories.DeadlineFactory(
            campaign=world.campaign,
            title="é" * n + "Audiencia; sala 3, piso 2 — revisión del acuerdo de 287(g) con la oficina",
            note=note,
            owner=owner if n % 2 else None,
            due_time=datetime.time(9, 15) if n % 3 else None,
            time_zone="America/Denver" if n % 3 == 1 else "",
        )
    response = client.get(feed_of(client, world.organizer))
    body = response.content
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.to_ical() == body
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    event = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("éAudiencia"))  # n = 1
    description = str(event["DESCRIPTION"])
    assert "xLínea uno, con coma; y punto y coma\\ barra" in description
    assert "\nÚltima línea\nfin é\\\n" in description
    assert "José Núñez" in description
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert event["DTSTART"].dt.hour == 17  # 09:15 in Denver
    assert calendar.get_missing_tzids() == set()


def test_feed_reads_the_same_number_of_queries_at_2_and_20_deadlines(client, world):
    path = feed_of(client, world.organizer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            read(client, path)
        return len(queries)

    for _ in range(2):
        factories.DeadlineFactory(campaign=world.campaign, due_time=datetime.time(9), time_zone="America/Denver")
    count()  # the first read records every event's first version
    small = count()
    for _ in range(18):
        factories.DeadlineFactory(campaign=world.campaign, owner=world.organizer)
    count()
    assert count() == small


# --- the settings page ---------------------------------------------------------------------------


def test_settings_page_makes_and_revokes_tokens(client, world):
    client.force_login(world.organizer)
    assert client.get("/settings/api-tokens/").status_code == 200
    response = client.post("/settings/api-tokens/", {"name": "Spreadsheet"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.organizer, name="Spreadsheet")
    secret = response.context["new_token"]["secret"]
    assert secret.startswith(token.prefix) and secret.encode() in response.content
    assert secret.encode() not in client.get("/settings/api-tokens/").content  # shown once
    response = client.post("/settings/api-tokens/", {"name": "Spreadsheet"})
    assert response.status_code == 400  # the same name twice
    other = factories.UserFactory(role=roles.ORGANIZER, username="someone")
    others_token, _ = api_services.api_token_create(user=other, name="theirs")
    client.post(f"/settings/api-tokens/tokens/{others_token.pk}/revoke/")
    others_token.refresh_from_db()
    assert others_token.revoked_at is None  # not theirs to revoke
    client.post(f"/settings/api-tokens/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_settings_page_makes_a_calendar_address_and_turns_it_off(client, world):
    client.force_login(world.organizer)
    response = client.post("/settings/api-tokens/calendar/", {"action": "regenerate"})
    assert response.status_code == 200
    address = response.context["new_feed_url"]
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")
    assert client.get(address.removeprefix("http://testserver")).status_code == 200
    client.post("/settings/api-tokens/calendar/", {"action": "revoke"})
    assert client.get(address.removeprefix("http://testserver")).status_code == 404


def test_settings_page_needs_sign_in(client, db):
    response = client.get("/settings/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_menu_links_to_the_settings_page(client, world):
    client.force_login(world.organizer)
    assert b'href="/settings/api-tokens/"' in client.get("/settings/api-tokens/").content


# --- asked again: conditional requests and changes shown at once ----------------------------------


def feed_queries(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    return response, [query["sql"] for query in queries.captured_queries]


def summaries(response):
    return set(events(icalendar.Calendar.from_ical(response.content)))


def test_the_feed_has_an_etag_and_answers_304_when_unchanged(client, world):
    path = feed_of(client, world.organizer)
    first = client.get(path)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert "no-cache" in not_modified["Cache-Control"] and "private" in not_modified["Cache-Control"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag.removeprefix("W/")).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='W/"something-else"').status_code == 200


def test_the_feed_is_sent_gzipped_to_apps_that_accept_it(client, world):
    import gzip

    path = feed_of(client, world.organizer)
    plain = client.get(path)
    packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == plain["ETag"]
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]


def test_a_deadline_changed_by_the_service_shows_at_once(client, world):
    path = feed_of(client, world.organizer)
    first = client.get(path)
    deadline = Deadline.objects.get(title="Board vote")
    services.deadline_update(deadline=deadline, user=world.staff, title="Board vote moved")
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Board vote moved" in summaries(changed)
    assert changed["ETag"] != first["ETag"]


def test_a_deadline_changed_by_a_bare_update_shows_at_once(client, world):
    """QuerySet.update() sends no signal: the feed still sees the row's new version, even in one transaction."""
    path = feed_of(client, world.organizer)
    client.get(path)
    Deadline.objects.filter(title="Board vote").update(title="Board vote (renamed by hand)")
    assert "Board vote (renamed by hand)" in summaries(client.get(path))
    Deadline.objects.filter(title="Board vote (renamed by hand)").update(
        status=Deadline.Status.DONE, completed_at=timezone.now()
    )
    assert "Board vote (renamed by hand)" not in summaries(client.get(path))


def test_new_and_deleted_deadlines_show_at_once(client, world):
    path = feed_of(client, world.organizer)
    client.get(path)
    added = services.deadline_create(
        campaign=world.campaign, user=world.staff, title="Public comment", due_date=timezone.localdate()
    )
    assert "Public comment" in summaries(client.get(path))
    Deadline.objects.filter(pk=added.pk).delete()
    assert "Public comment" not in summaries(client.get(path))


def test_follow_ups_of_a_newly_logged_meeting_show_at_once(client, world):
    path = feed_of(client, world.organizer)
    client.get(path)
    services.meeting_log(
        campaign=world.campaign,
        user=world.organizer,
        held_at=timezone.now() - datetime.timedelta(hours=1),
        summary="Second meeting.",
        follow_ups=[{"title": "Call the undersheriff", "due_date": timezone.localdate() + datetime.timedelta(days=2)}],
    )
    assert "Call the undersheriff" in summaries(client.get(path))


def test_names_shown_from_other_rows_show_at_once(client, world):
    path = feed_of(client, world.organizer)
    client.get(path)
    campaign = world.campaign
    type(campaign).objects.filter(pk=campaign.pk).update(name="Stop holds in Alder")
    found = events(icalendar.Calendar.from_ical(client.get(path).content))
    assert str(found["Board vote"]["SUMMARY"]) == "Board vote — Stop holds in Alder"
    type(campaign.jurisdiction).objects.filter(pk=campaign.jurisdiction_id).update(name="Alder Parish")
    found = events(icalendar.Calendar.from_ical(client.get(path).content))
    assert "Alder Parish" in str(found["Board vote"]["DESCRIPTION"])
    type(world.organizer).objects.filter(pk=world.organizer.pk).update(first_name="Rosa", last_name="Quintero")
    found = events(icalendar.Calendar.from_ical(client.get(path).content))
    assert "Owner: Rosa Quintero" in str(found["Board vote"]["DESCRIPTION"])


def test_joining_a_campaign_adds_its_deadlines_at_once(client, world):
    path = feed_of(client, world.organizer)
    assert "Other deadline" not in summaries(client.get(path))
    services.membership_add(campaign=world.other, user=world.staff, member=world.organizer)
    assert "Other deadline" in summaries(client.get(path))
    services.membership_remove(campaign=world.other, user=world.staff, member=world.organizer)
    assert "Other deadline" not in summaries(client.get(path))


def test_a_new_time_zone_shows_at_once(client, world):
    path = feed_of(client, world.organizer)
    client.get(path)
    Profile.objects.update_or_create(user=world.organizer, defaults={"time_zone": "America/New_York"})
    vote = events(icalendar.Calendar.from_ical(client.get(path).content))["Board vote"]
    assert vote["DTSTART"].params["TZID"] == "America/New_York"


def test_a_revoked_address_is_gone_at_once_even_when_its_feed_is_kept(client, world):
    path = feed_of(client, world.organizer)
    etag = client.get(path)["ETag"]
    api_services.calendar_feed_revoke(user=world.organizer)
    assert client.get(path).status_code == 404
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_the_feed_follows_its_users_role(client, world):
    from django.contrib.auth.models import Group

    path = feed_of(client, world.organizer)
    assert "Send the letter" in summaries(client.get(path))
    world.organizer.groups.set([Group.objects.get(name=roles.STAFF)])
    # As staff the feed holds what they lead, are on the team of or own: the campaign they are on still.
    assert "Send the letter" in summaries(client.get(path))
    assert "Other deadline" not in summaries(client.get(path))
    Deadline.objects.filter(title="Other deadline").update(owner=world.organizer)
    assert "Other deadline" in summaries(client.get(path))


def test_last_read_time_is_written_at_most_every_few_minutes(client, world):
    path = feed_of(client, world.organizer)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(path)
    first = CalendarFeed.objects.get(user=world.organizer).last_fetched_at
    assert first == start
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        client.get(path)
    assert CalendarFeed.objects.get(user=world.organizer).last_fetched_at == first
    later = start + datetime.timedelta(minutes=api_services.LAST_FETCHED_RESOLUTION_SECONDS // 60 + 1)
    with time_machine.travel(later, tick=False):
        client.get(path)
    assert CalendarFeed.objects.get(user=world.organizer).last_fetched_at == later
