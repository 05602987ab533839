"""Officials in campaigns: targets link to officials, and the dashboards and digests show the elections coming
in the counties of a reader's campaigns."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Profile
from campaigns import notifications, services
from core import roles
from jurisdictions.models import Agency, Office
from tests import factories as f

pytestmark = pytest.mark.django_db

# Monday 16 March 2026, 08:05 in Los Angeles: the default weekly digest is due.
MONDAY = datetime(2026, 3, 16, 15, 5, tzinfo=UTC)
TODAY = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def places(db):
    state = f.StateFactory(postal="NC", fips="37", name="North Carolina")
    wake = f.JurisdictionFactory(state=state, fips="37183", name="Wake County")
    raleigh = f.JurisdictionFactory(state=state, kind="city", fips="3755000", name="Raleigh", parent=wake)
    durham = f.JurisdictionFactory(state=state, fips="37063", name="Durham County")
    return {"wake": wake, "raleigh": raleigh, "durham": durham}


def official(county, name, when, **extra):
    agency = f.AgencyFactory(jurisdiction=county, kind=Agency.Kind.BOARD, name=f"{name} board")
    return f.OfficialFactory(
        agency=agency, name=name, title="", office=Office.BOARD_MEMBER, next_election=when, **extra
    )


@pytest.fixture
def elections(places):
    return {
        "wake": official(places["wake"], "Wake Sheriff Race", TODAY + timedelta(days=50), is_demo=True),
        "wake_late": official(places["wake"], "Too Far Ahead", date(2027, 3, 17)),
        "wake_past": official(places["wake"], "Already Held", TODAY - timedelta(days=1)),
        "wake_former": official(places["wake"], "Former Member", TODAY + timedelta(days=20), is_active=False),
        "durham": official(places["durham"], "Durham Board Seat", TODAY + timedelta(days=100)),
    }


@pytest.fixture
def campaigns(places, organizer, other_organizer, staff):
    """The organizer is on a Raleigh campaign (so Wake County's elections are theirs); the other on Durham's."""
    raleigh = f.CampaignFactory(jurisdiction=places["raleigh"], name="Raleigh welcoming city", lead=staff)
    durham = f.CampaignFactory(jurisdiction=places["durham"], name="Durham holds", lead=staff)
    f.MembershipFactory(campaign=raleigh, user=organizer)
    f.MembershipFactory(campaign=durham, user=other_organizer)
    return {"raleigh": raleigh, "durham": durham}


def elections_on(body):
    return {
        name
        for name in ("Wake Sheriff Race", "Too Far Ahead", "Already Held", "Former Member", "Durham Board Seat")
        if name in body
    }


# --- targets link to officials ---------------------------------------------------------------------------


def test_a_target_links_to_its_official_with_the_next_election(client, organizer, campaigns, elections):
    campaign = campaigns["raleigh"]
    target = services.target_add(campaign=campaign, user=organizer, official=elections["wake"])
    body_target = services.target_add(campaign=campaign, user=organizer, agency=elections["wake_late"].agency)
    client.force_login(organizer)
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert f'href="{elections["wake"].get_absolute_url()}" data-official-link="{elections["wake"].pk}"' in body
    assert 'data-next-election="2026-05-05"' in body
    assert f'data-target="{body_target.pk}"' in body
    assert body.count("data-official-link=") == 1  # a body as a whole has no official to link
    assert target.title == "Board member (supervisor or commissioner), Wake Sheriff Race board"


def test_a_target_official_seen_by_other_roles(client, request, organizer, campaigns, elections):
    campaign = campaigns["raleigh"]
    services.target_add(campaign=campaign, user=organizer, official=elections["wake"])
    for role, status in (("other_organizer", 404), ("staff", 200), ("admin", 200)):
        client.force_login(request.getfixturevalue(role))
        response = client.get(campaign.get_absolute_url())
        assert response.status_code == status
        if status == 200:
            assert "data-official-link=" in response.content.decode()


# --- the dashboards --------------------------------------------------------------------------------------


def test_organizer_sees_elections_in_their_campaigns_counties_only(client, organizer, campaigns, elections):
    client.force_login(organizer)
    body = client.get("/").content.decode()
    assert elections_on(body) == {"Wake Sheriff Race"}  # Raleigh is in Wake County; Durham is not theirs
    assert f'data-election="{elections["wake"].pk}"' in body
    assert "in 50 days" in body and "demo data" in body


def test_the_other_organizer_sees_their_own_county(client, other_organizer, campaigns, elections):
    client.force_login(other_organizer)
    assert elections_on(client.get("/").content.decode()) == {"Durham Board Seat"}


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_see_elections_in_every_campaigns_county(client, request, campaigns, elections, role):
    client.force_login(request.getfixturevalue(role))
    body = client.get("/").content.decode()
    assert elections_on(body) == {"Wake Sheriff Race", "Durham Board Seat"}
    assert "in the campaigns&#x27; counties" in body or "in the campaigns' counties" in body


def test_anonymous_sees_no_dashboard(client, campaigns, elections):
    assert client.get("/").status_code == 302


def test_organizer_without_elections_is_told_so(client, organizer, campaigns):
    client.force_login(organizer)
    assert "No election of a sheriff, board member or other official" in client.get("/").content.decode()


def test_the_elections_panel_is_in_spanish(client, organizer, campaigns, elections):
    client.force_login(organizer)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Elecciones en los próximos 12 meses" in body and "dentro de 50 días" in body


@pytest.mark.parametrize("role", ["organizer", "staff"])
def test_the_elections_panel_reads_one_query_for_2_or_20_elections(client, request, places, campaigns, role):
    client.force_login(request.getfixturevalue(role))

    def add(n):
        for i in range(n):
            official(places["wake"], f"Seat {n}-{i}", TODAY + timedelta(days=10 + i))

    add(2)
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    add(20)
    with CaptureQueriesContext(connection) as large:
        body = client.get("/").content.decode()
    assert len(small) == len(large)
    assert body.count("data-election=") == 10  # the panel's rows; the rest behind a link
    assert "?election_within=12" in body
    assert len([q for q in large.captured_queries if "jurisdictions_official" in q["sql"]]) == 1


# --- digests -----------------------------------------------------------------------------------------------


def person(user):
    Profile.objects.get_or_create(user=user, defaults={"time_zone": "America/Los_Angeles"})
    return user


def send_digests():
    ids = notifications.dispatch("digests")
    notifications.deliver(ids)


def digest_of(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message.body, message.alternatives[0][0]


def some_news(campaign):
    f.DeadlineFactory(campaign=campaign, due_date=TODAY + timedelta(days=3), title="Board vote")


def test_digests_show_each_reader_the_elections_of_their_campaigns_counties(
    organizer, other_organizer, staff, campaigns, elections
):
    for user in (organizer, other_organizer, staff):
        person(user)
    some_news(campaigns["raleigh"])
    some_news(campaigns["durham"])
    send_digests()
    text, html = digest_of(organizer)
    assert "Upcoming elections in your campaigns' counties (1)" in text
    assert elections_on(text) == {"Wake Sheriff Race"} and elections_on(html) == {"Wake Sheriff Race"}
    assert "May 5, 2026 (in 50 days)" in text and "(demo data)" in text
    assert elections["wake"].get_absolute_url() in text
    text, _ = digest_of(other_organizer)
    assert elections_on(text) == {"Durham Board Seat"}
    text, _ = digest_of(staff)
    assert elections_on(text) == {"Wake Sheriff Race", "Durham Board Seat"}


def test_an_election_alone_does_not_send_a_digest(organizer, campaigns, elections):
    person(organizer)
    send_digests()
    assert [m for m in mail.outbox if m.to == [organizer.email]] == []


def test_the_digests_elections_are_in_spanish(organizer, campaigns, elections):
    person(organizer)
    Profile.objects.filter(user=organizer).update(language="es")
    some_news(campaigns["raleigh"])
    send_digests()
    text, _ = digest_of(organizer)
    assert "Próximas elecciones en los condados de sus campañas (1)" in text
    assert "dentro de 50 días" in text


def test_staff_role_on_digest(staff, admin, campaigns, elections):
    for user in (staff, admin):
        person(user)
        assert roles.role_of(user) in (roles.STAFF, roles.ADMIN)
    some_news(campaigns["durham"])
    send_digests()
    for user in (staff, admin):
        text, _ = digest_of(user)
        assert elections_on(text) == {"Wake Sheriff Race", "Durham Board Seat"}


def test_officials_directory_link_of_the_digest(organizer, campaigns, places):
    person(organizer)
    for i in range(25):
        official(places["wake"], f"Seat {i}", TODAY + timedelta(days=5 + i))
    some_news(campaigns["raleigh"])
    send_digests()
    text, _ = digest_of(organizer)
    assert "Upcoming elections in your campaigns' counties (25)" in text
    assert reverse("jurisdictions:officials") + "?election_within=12" in text
