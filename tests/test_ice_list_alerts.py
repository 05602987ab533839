"""Alerts when ICE's 287(g) list changes: the campaign timeline, one email per person in their language sent once,
the digest, and following counties and states."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Profile
from campaigns import notifications, services
from campaigns.models import EmailDelivery, Goal
from core import roles
from jurisdictions.models import Follow, Jurisdiction, ListChange, ListSnapshot, State
from tests import factories as f
from tests.importer_fixtures import PARTICIPATING_XLSX, run, sheet_rows, write_sheet

pytestmark = pytest.mark.django_db

SETTINGS = reverse("campaigns:notification-settings")
FOLLOW = reverse("jurisdictions:follow")


def person(role, language="en", **prefs):
    user = f.UserFactory(role=role)
    Profile.objects.create(user=user, language=language, **prefs)
    return user


@pytest.fixture
def sent_by_worker(monkeypatch):
    """What a worker does with each queued batch: deliver it (tests.test_worker_notifications runs real ones)."""
    monkeypatch.setattr("campaigns.signals._queue", lambda batch: notifications.deliver(batch))


@pytest.fixture
def alabama(tmp_path, counties_of):
    """ICE's list of 2025-07-18 cut to Alabama and Florida, imported; returns (header, rows)."""
    counties_of("AL", "FL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    rows = [row for row in rows if row[0][0] in {"ALABAMA", "FLORIDA"}]
    run("import_287g", write_sheet(tmp_path / "participatingAgencies07182025pm.xlsx", header, rows))
    return header, rows


def county_named(name, postal):
    return Jurisdiction.objects.get(name=name, state__postal=postal)


def campaign_in(county, lead, organizers):
    return services.campaign_create(
        user=lead,
        name=f"End 287(g) in {county.name}",
        jurisdiction=county,
        goal=Goal.END_287G,
        lead=lead,
        organizers=organizers,
    )


def later_list(tmp_path, header, rows, *, drop, name="participatingAgencies07252025pm.xlsx"):
    """A later list without the rows whose agency is in `drop`."""
    kept = [row for row in rows if row[1][0] not in drop]
    return write_sheet(tmp_path / name, header, kept)


@pytest.fixture
def cherokee(alabama, tmp_path, django_capture_on_commit_callbacks, sent_by_worker):
    """A campaign in Cherokee County, AL, whose sheriff's agreement the next list ends; its people."""
    lead = person(roles.STAFF, time_zone="UTC", digest_frequency="daily", digest_hour=8)
    organizer = person(roles.ORGANIZER, language="es")
    bystander = person(roles.ORGANIZER)
    county = county_named("Cherokee County", "AL")
    campaign = campaign_in(county, lead, [organizer])
    campaign_in(county_named("Madison County", "AL"), lead, [bystander])
    header, rows = alabama
    path = later_list(tmp_path, header, rows, drop={"Cherokee County Sheriff's Office"})
    with django_capture_on_commit_callbacks(execute=True):
        run("import_287g", path, "--force")
    return {"campaign": campaign, "lead": lead, "organizer": organizer, "bystander": bystander, "county": county}


def mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_the_campaigns_timeline_shows_the_change(client, cherokee):
    client.force_login(cherokee["lead"])
    html = client.get(cherokee["campaign"].get_absolute_url()).content.decode()
    assert "ICE's 287(g) list of 25 Jul 2025" in html
    assert "Agreement ended" in html and "Cherokee County Sheriff&#x27;s Office" in html
    html = client.get(cherokee["campaign"].get_absolute_url() + "?kind=ice287g").content.decode()
    assert "Agreement ended" in html


def test_the_team_gets_one_email_each_in_their_language(cherokee):
    (english,) = mails_to(cherokee["lead"])
    assert "ICE's 287(g) list of July 25, 2025" in english.subject
    assert "Agreement ended: Cherokee County Sheriff's Office" in english.body
    html = english.alternatives[0][0]
    assert "Cherokee County Sheriff&#x27;s Office" in html and "Agreement ended" in html
    (spanish,) = mails_to(cherokee["organizer"])
    assert spanish.subject == "Lista 287(g) de ICE del 25 de julio de 2025: 1 cambio donde trabaja o sigue"
    assert "Acuerdo terminado: Cherokee County Sheriff's Office" in spanish.body
    assert "Acuerdo terminado" in spanish.alternatives[0][0]
    assert english.extra_headers["List-Unsubscribe"]


def test_people_of_other_counties_get_nothing(cherokee):
    assert not mails_to(cherokee["bystander"])


def test_each_email_goes_out_once_however_often_it_is_planned(cherokee):
    snapshot = ListChange.objects.get(kind="ended", agreement__agency__name="Cherokee County Sheriff's Office").snapshot
    before = len(mail.outbox)
    ids = notifications.dispatch_list_alerts(snapshot.pk)
    assert notifications.deliver(ids).sent == []
    notifications.dispatch("reminders")
    assert len(mail.outbox) == before
    assert EmailDelivery.objects.filter(kind="ice287g", status="sent").count() == 2


def test_followers_of_the_county_and_of_the_state_get_it(
    alabama, tmp_path, django_capture_on_commit_callbacks, sent_by_worker
):
    county_fan, state_fan, elsewhere = person(roles.ORGANIZER), person(roles.STAFF), person(roles.ORGANIZER)
    Follow.objects.create(user=county_fan, jurisdiction=county_named("Cherokee County", "AL"))
    Follow.objects.create(user=state_fan, state=State.objects.get(postal="AL"))
    Follow.objects.create(user=elsewhere, state=State.objects.get(postal="FL"))
    header, rows = alabama
    with django_capture_on_commit_callbacks(execute=True):
        run("import_287g", later_list(tmp_path, header, rows, drop={"Cherokee County Sheriff's Office"}), "--force")
    assert len(mails_to(county_fan)) == 1 and len(mails_to(state_fan)) == 1
    assert not mails_to(elsewhere)


def test_a_statewide_agreement_reaches_every_campaign_in_the_state(
    alabama, tmp_path, client, django_capture_on_commit_callbacks, sent_by_worker
):
    lead = person(roles.STAFF)
    campaign = campaign_in(county_named("Alachua County", "FL"), lead, [])
    header, rows = alabama
    statewide = [row[1][0] for row in rows if row[0][0] == "FLORIDA" and row[2][0] == "State Agency"][:2]
    assert statewide
    with django_capture_on_commit_callbacks(execute=True):
        run("import_287g", later_list(tmp_path, header, rows, drop=set(statewide)), "--force")
    (message,) = mails_to(lead)
    assert statewide[0] in message.body and "statewide, Florida" in message.body
    client.force_login(lead)
    assert escape(statewide[0]) in client.get(campaign.get_absolute_url() + "?kind=ice287g").content.decode()


def test_someone_who_turned_alerts_off_gets_none(alabama, tmp_path, django_capture_on_commit_callbacks, sent_by_worker):
    quiet = person(roles.ORGANIZER, list_alert_emails=False)
    Follow.objects.create(user=quiet, state=State.objects.get(postal="AL"))
    header, rows = alabama
    with django_capture_on_commit_callbacks(execute=True):
        run("import_287g", later_list(tmp_path, header, rows, drop={"Cherokee County Sheriff's Office"}), "--force")
    assert not mails_to(quiet)
    assert EmailDelivery.objects.get(user=quiet).status == "skipped"


def test_the_digest_carries_the_change(cherokee):
    ListSnapshot.objects.update(imported_at=datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC))
    with time_machine.travel(datetime.datetime(2026, 3, 16, 8, 5, tzinfo=datetime.UTC), tick=False):
        notifications.deliver(notifications.dispatch("digests"))
    (digest,) = [m for m in mails_to(cherokee["lead"]) if "287(g) list of" not in m.subject]
    assert "Changes to ICE's 287(g) list (1)" in digest.body
    assert "Agreement ended: Cherokee County Sheriff's Office" in digest.body
    assert "Cherokee County Sheriff&#x27;s Office" in digest.alternatives[0][0]


# -- following ------------------------------------------------------------------------------------


@pytest.fixture
def baldwin(counties_of):
    counties_of("AL")
    return county_named("Baldwin County", "AL")


def test_anonymous_cannot_follow(client, baldwin):
    response = client.post(FOLLOW, {"county": baldwin.pk})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Follow.objects.exists()


@pytest.mark.parametrize("role", ["organizer", "other_organizer", "staff", "admin"])
def test_anyone_signed_in_follows_and_unfollows_a_county(client, request, role, baldwin):
    user = request.getfixturevalue(role)
    if role == "organizer":
        f.MembershipFactory(campaign=f.CampaignFactory(jurisdiction=baldwin), user=user)
    client.force_login(user)
    response = client.post(FOLLOW, {"county": baldwin.pk, "next": baldwin.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == baldwin.get_absolute_url()
    assert Follow.objects.filter(user=user, jurisdiction=baldwin).exists()
    assert "Stop following Baldwin County" in client.get(baldwin.get_absolute_url()).content.decode()
    client.post(FOLLOW, {"county": baldwin.pk, "on": "0"})
    assert not Follow.objects.filter(user=user).exists()


def test_following_twice_is_one_follow_and_a_foreign_next_is_ignored(client, organizer, baldwin):
    client.force_login(organizer)
    client.post(FOLLOW, {"state": "al"})
    response = client.post(FOLLOW, {"state": "AL", "next": "https://evil.example.org/"})
    assert not response["Location"].startswith("https://evil")
    assert Follow.objects.filter(user=organizer, state__postal="AL").count() == 1


def test_following_nothing_is_a_400(client, organizer, baldwin):
    client.force_login(organizer)
    assert client.post(FOLLOW, {"county": "999999"}).status_code == 400
    assert client.post(FOLLOW, {"state": "ZZ"}).status_code == 400
    assert client.get(FOLLOW).status_code == 405


def test_the_county_page_offers_no_follow_to_anonymous_readers(client, settings, baldwin):
    settings.PUBLIC_MAP = True
    assert "follow-county" not in client.get(baldwin.get_absolute_url()).content.decode()


def test_notification_settings_follow_a_state_and_list_the_follows(client, organizer, baldwin):
    client.force_login(organizer)
    response = client.post(SETTINGS, {"follow_state": "1", "follow-state": "AL"})
    assert response.status_code == 302
    Follow.objects.create(user=organizer, jurisdiction=baldwin)
    html = client.get(SETTINGS).content.decode()
    assert "Alabama" in html and "Baldwin County, AL" in html and "Stop following" in html
    assert client.post(SETTINGS, {"follow_state": "1", "follow-state": "ZZ"}).status_code == 400


def test_alerts_are_turned_off_in_notification_settings(client, organizer):
    client.force_login(organizer)
    form = client.get(SETTINGS).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "list_alert_emails"}
    data["reminder_lead_days"] = "7, 1"
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    client.post(SETTINGS, data)
    assert Profile.objects.get(user=organizer).list_alert_emails is False


def test_notification_settings_queries_do_not_grow_with_follows(client, organizer, counties_of):
    counties_of("AL")
    client.force_login(organizer)
    counties = list(Jurisdiction.objects.filter(state__postal="AL")[:20])
    for county in counties[:2]:
        Follow.objects.create(user=organizer, jurisdiction=county)
    from tests.jurisdiction_fixtures import count_queries

    small = count_queries(client, SETTINGS)
    for county in counties[2:]:
        Follow.objects.create(user=organizer, jurisdiction=county)
    assert count_queries(client, SETTINGS) == small
