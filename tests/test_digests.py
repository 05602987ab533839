"""Status digests: when they go out (weekday, hour, time zone), what each role reads in them, the
empty-digest preference, Spanish, exactly once, and reads that do not grow with users or activity."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile
from campaigns import notifications
from campaigns.models import (
    Assignment,
    Campaign,
    EmailDelivery,
    Letter,
    Meeting,
    RecordsRequest,
    Stage,
    StageChange,
)
from core import roles
from jurisdictions.models import Agency
from tests import factories as f

pytestmark = pytest.mark.django_db

# Monday 16 March 2026, 08:05 in Los Angeles (PDT): the default weekly digest is due.
MONDAY = datetime(2026, 3, 16, 15, 5, tzinfo=UTC)
IN_WINDOW = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)
BEFORE_WINDOW = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # 07:00 PDT on the previous Monday


def at(moment):
    return time_machine.travel(moment, tick=False)


def person(role, zone="America/Los_Angeles", **prefs):
    user = f.UserFactory(role=role)
    Profile.objects.create(user=user, time_zone=zone, **prefs)
    return user


def run(moment=MONDAY):
    with at(moment):
        ids = notifications.dispatch("digests")
        return notifications.deliver(ids)


def digest_of(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message


@pytest.fixture
def world():
    """Two campaigns with a week of activity, a quiet third one, and the people on them."""
    with at(datetime(2026, 1, 5, 18, 0, tzinfo=UTC)):
        staff = person(roles.STAFF)
        admin = person(roles.ADMIN)
        mine_org = person(roles.ORGANIZER)
        other_org = person(roles.ORGANIZER)
        mine = f.CampaignFactory(name="End holds in Alpha County", lead=staff)
        other = f.CampaignFactory(name="Beta County 287(g)", lead=staff)
        quiet = f.CampaignFactory(name="Gamma County jail access", stage=Stage.PAUSED)
        f.MembershipFactory(campaign=mine, user=mine_org)
        f.MembershipFactory(campaign=other, user=other_org)
    with at(IN_WINDOW):
        StageChange.objects.create(campaign=mine, from_stage="research", to_stage="coalition", changed_by=staff)
        f.MeetingFactory(campaign=mine, held_at=IN_WINDOW, logged_at=IN_WINDOW, location="Sheriff's office")
        f.MeetingFactory(campaign=other, held_at=IN_WINDOW, logged_at=IN_WINDOW, location="Board chambers")
        f.MeetingFactory(campaign=mine, held_at=IN_WINDOW, logged_at=None, status=Meeting.Status.DRAFT)
        agency = f.AgencyFactory(jurisdiction=mine.jurisdiction, name="Alpha County Sheriff")
        f.RecordsRequestFactory(
            campaign=mine, agency=agency, subject="Detainer logs", status="sent", sent_on=date(2026, 3, 10)
        )
        answered = f.RecordsRequestFactory(
            campaign=mine, agency=agency, subject="ICE emails", status="fulfilled", sent_on=date(2026, 2, 1)
        )
        letter = {"sender": "Alpha Coalition", "body": "Dear {{ official }},"}
        Letter.objects.create(
            campaign=mine, subject="Letter to the sheriff", status="sent", sent_on=date(2026, 3, 11), **letter
        )
        Letter.objects.create(
            campaign=mine,
            subject="Letter to the board",
            status="answered",
            sent_on=date(2026, 2, 2),
            answered_on=date(2026, 3, 13),
            **letter,
        )
        Letter.objects.create(campaign=mine, subject="Draft letter", **letter)
        Letter.objects.create(campaign=other, subject="Beta letter", status="sent", sent_on=date(2026, 3, 11), **letter)
        advisory = f.ResourceFactory(title="Detainers practice advisory")
        Assignment.objects.create(
            resource=advisory, campaign=mine, note="Read before the sheriff meeting", assigned_by=staff
        )
        Assignment.objects.create(
            resource=f.ResourceFactory(title="Withdrawn toolkit"),
            campaign=mine,
            note="Outdated",
            withdrawn_at=IN_WINDOW,
            withdrawal_reason="Superseded",
        )
        Assignment.objects.create(resource=advisory, campaign=other, note="For Beta")
        f.DeadlineFactory(campaign=mine, title="Board vote", due_date=date(2026, 3, 20), owner=mine_org)
        f.DeadlineFactory(campaign=mine, title="Last day of the window", due_date=date(2026, 3, 30))
        f.DeadlineFactory(campaign=mine, title="Too far ahead", due_date=date(2026, 3, 31))
        f.DeadlineFactory(campaign=mine, title="Send the letter", due_date=date(2026, 3, 10))
        f.DeadlineFactory(
            campaign=mine, title="Closed long ago", due_date=date(2026, 3, 2), status="done", completed_at=IN_WINDOW
        )
        f.DeadlineFactory(campaign=other, title="Public comment closes", due_date=date(2026, 3, 18))
    with at(BEFORE_WINDOW):
        StageChange.objects.create(campaign=mine, from_stage="", to_stage="research")
        f.MeetingFactory(campaign=mine, held_at=BEFORE_WINDOW, logged_at=BEFORE_WINDOW, location="Too early")
    RecordsRequest.objects.filter(pk=answered.pk).update(updated_at=IN_WINDOW)
    Campaign.objects.filter(pk__in=[mine.pk, other.pk]).update(last_activity_at=IN_WINDOW)
    Campaign.objects.filter(pk=quiet.pk).update(last_activity_at=MONDAY - timedelta(days=45, hours=1))
    return {
        "staff": staff,
        "admin": admin,
        "organizer": mine_org,
        "other_organizer": other_org,
        "mine": mine,
        "other": other,
        "quiet": quiet,
    }


# --- when ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefs,moment,due",
    [
        ({}, MONDAY - timedelta(minutes=10), False),  # 07:55 PDT
        ({}, MONDAY, True),
        ({}, MONDAY + timedelta(hours=23), True),  # the worker was down: caught up the same day
        ({}, MONDAY + timedelta(hours=24), False),  # a day late: wait for next week
        ({}, MONDAY + timedelta(days=1), False),
        ({"digest_weekday": 4}, datetime(2026, 3, 20, 15, 5, tzinfo=UTC), True),  # Friday
        ({"digest_weekday": 4}, MONDAY, False),
        ({"digest_hour": 17}, datetime(2026, 3, 17, 0, 5, tzinfo=UTC), True),  # 17:05 PDT Monday
        ({"digest_hour": 17}, datetime(2026, 3, 16, 23, 55, tzinfo=UTC), False),
        ({"digest_frequency": "daily"}, datetime(2026, 3, 18, 15, 5, tzinfo=UTC), True),
        ({"digest_frequency": "off"}, MONDAY, False),
        # Honolulu: Monday 08:00 HST is 18:00 UTC.
        ({"time_zone": "Pacific/Honolulu"}, datetime(2026, 3, 16, 17, 55, tzinfo=UTC), False),
        ({"time_zone": "Pacific/Honolulu"}, datetime(2026, 3, 16, 18, 5, tzinfo=UTC), True),
        # New York, the Monday after daylight saving started (8 March): 08:00 EDT is 12:00 UTC.
        ({"time_zone": "America/New_York"}, datetime(2026, 3, 9, 12, 5, tzinfo=UTC), True),
        ({"time_zone": "America/New_York"}, datetime(2026, 3, 9, 11, 55, tzinfo=UTC), False),
        # Los Angeles, the Monday after daylight saving ended (1 November): 08:00 PST is 16:00 UTC.
        ({}, datetime(2026, 11, 2, 15, 55, tzinfo=UTC), False),
        ({}, datetime(2026, 11, 2, 16, 5, tzinfo=UTC), True),
    ],
)
def test_digest_goes_out_on_the_chosen_day_and_local_hour(prefs, moment, due):
    zone = prefs.pop("time_zone", "America/Los_Angeles")
    user = person(roles.STAFF, zone, digest_when_empty=True, **prefs)
    run(moment)
    assert len(mail.outbox) == (1 if due else 0)
    if due:
        assert EmailDelivery.objects.get().user == user


def test_weekly_digest_period_is_the_local_date_and_daylight_saving_keeps_the_hour():
    person(roles.STAFF, digest_when_empty=True)
    run(datetime(2026, 3, 2, 16, 5, tzinfo=UTC))  # Monday 2 March, 08:05 PST
    run(datetime(2026, 3, 9, 15, 5, tzinfo=UTC))  # Monday 9 March, 08:05 PDT
    assert list(EmailDelivery.objects.order_by("period").values_list("period", flat=True)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
    ]
    # The week across the change is 167 hours long: it starts and ends at 08:00 local.
    assert "from March 2, 2026 to March 9, 2026" in mail.outbox[1].body


# --- what each role reads ------------------------------------------------------------------------


def test_organizer_digest_has_their_campaigns_only(world):
    run()
    message = digest_of(world["organizer"])
    text, html = message.body, message.alternatives[0][0]
    assert message.subject == "Weekly digest, March 16: 1 overdue, 2 due in the next 14 days"
    assert "Your campaigns" in text
    assert "Research → Coalition building" in text
    assert "Sheriff's office" in text
    assert "Board chambers" not in text  # another team's meeting
    assert "Too early" not in text
    assert "Letter to the sheriff: Sent March 11" in text
    assert "Letter to the board: Answered March 13" in text
    assert "Draft letter" not in text and "Beta letter" not in text
    assert "Detainers practice advisory — End holds in Alpha County" in text
    assert "Read before the sheriff meeting" in text
    assert "Withdrawn toolkit" not in text and "For Beta" not in text
    assert "Detainer logs: Sent March 10" in text
    assert "ICE emails: Fulfilled" in text
    assert "Board vote" in text and "Last day of the window" in text
    assert "Too far ahead" not in text
    assert "Send the letter — 6 days overdue" in text
    assert "Closed long ago" not in text
    assert "Public comment closes" not in text
    assert "Gamma County" not in text  # quiet, but not theirs
    assert "Campaigns at a glance" not in text
    mine = world["mine"]
    assert f'href="http://127.0.0.1:8000/campaigns/{mine.pk}/"' in html
    assert f"http://127.0.0.1:8000/campaigns/{mine.pk}/#deadlines" in text


def test_every_section_links_back_to_its_page(world, settings):
    settings.SITE_URL = "https://desk.example.org/"
    run()
    html = digest_of(world["organizer"]).alternatives[0][0]
    mine = world["mine"]
    meeting = Meeting.objects.get(location="Sheriff's office")
    request = RecordsRequest.objects.get(subject="Detainer logs")
    letter = Letter.objects.get(subject="Letter to the sheriff")
    assignment = Assignment.objects.get(note="Read before the sheriff meeting")
    for path in (
        letter.get_absolute_url(),
        assignment.get_absolute_url(),
        mine.get_absolute_url(),
        mine.get_absolute_url() + "#deadlines",
        meeting.get_absolute_url(),
        request.get_absolute_url(),
        "/campaigns/notifications/",
    ):
        assert f'href="https://desk.example.org{path}"' in html, path


def test_staff_digest_covers_every_campaign_of_their_organization(world):
    run()
    text = digest_of(world["staff"]).body
    assert "Your organization's campaigns" in text
    assert "Sheriff's office" in text and "Board chambers" in text
    assert "Beta letter" in text and "For Beta" in text
    assert "Public comment closes" in text
    assert "Gamma County jail access — quiet for 45 days" in text
    assert "Campaigns at a glance" not in text


def test_admin_digest_has_the_summary_table(world):
    run()
    message = digest_of(world["admin"])
    text, html = message.body, message.alternatives[0][0]
    assert "Campaigns at a glance" in text
    assert "Research 2 · Paused 1" in text
    # Most overdue first: Alpha has one overdue deadline, Beta none.
    # Activity: stage changes, meetings, letters and records requests in the week.
    assert text.index("End holds in Alpha County (Research) | 1 | 2 | 6") < text.index(
        "Beta County 287(g) (Research) | 0 | 1 | 2"
    )
    assert "<th" in html and "Due soon" in html


def test_empty_digest_is_skipped_unless_the_user_wants_it():
    quiet = person(roles.ORGANIZER)
    wants_it = person(roles.ORGANIZER, digest_when_empty=True)
    report = run()
    assert [m.to for m in mail.outbox] == [[wants_it.email]]
    assert "Nothing happened in your campaigns in this period" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Weekly digest, March 16: nothing new, nothing due"
    skipped = EmailDelivery.objects.get(user=quiet)
    assert skipped.status == EmailDelivery.Status.SKIPPED
    assert report.skipped == [skipped.pk]
    run(MONDAY + timedelta(hours=1))
    assert len(mail.outbox) == 1  # the skipped one stays skipped


def test_organizer_with_only_upcoming_deadlines_gets_a_digest(world):
    f.DeadlineFactory(campaign=world["other"], title="Hearing", due_date=date(2026, 3, 17))
    run()
    assert "Hearing" in digest_of(world["other_organizer"]).body


def test_spanish_digest(world):
    Profile.objects.filter(user=world["organizer"]).update(language="es")
    run()
    message = digest_of(world["organizer"])
    assert message.subject == "Resumen semanal, 16 de marzo: vencidos: 1 · próximos 14 días: 2"
    assert "Sus campañas" in message.body
    assert "Investigación → Formación de coalición" in message.body
    assert "Enviar la carta — 6 días de retraso" not in message.body  # titles stay as typed
    assert "Send the letter — 6 días de retraso" in message.body
    assert "Plazos vencidos" in message.alternatives[0][0]
    assert "Cartas enviadas o respondidas" in message.alternatives[0][0]
    assert "Dejar de recibir estos resúmenes" in message.alternatives[0][0]
    assert '<html lang="es">' in message.alternatives[0][0]
    other = digest_of(world["staff"])
    assert other.subject.startswith("Weekly digest")  # the others stay in English


def test_a_line_in_many_digests_of_a_batch_is_written_in_each_readers_language_and_time_zone(world):
    # Thursday 12 March, 03:30 UTC: still Wednesday 11 March in Los Angeles.
    late = datetime(2026, 3, 12, 3, 30, tzinfo=UTC)
    f.MeetingFactory(campaign=world["mine"], held_at=late, logged_at=late, location="Late hearing")
    Profile.objects.filter(user=world["organizer"]).update(language="es")
    # 16:00 in Madrid is 08:00 in Los Angeles: the same batch.
    Profile.objects.filter(user=world["admin"]).update(time_zone="Europe/Madrid", digest_hour=16)
    run()
    assert "Send the letter — 6 días de retraso" in digest_of(world["organizer"]).body
    assert "Send the letter — 6 days overdue" in digest_of(world["staff"]).body
    assert "Late hearing (March 11)" in digest_of(world["staff"]).body
    assert "Late hearing (March 12)" in digest_of(world["admin"]).body


def test_digest_html_escapes_what_users_typed(world):
    Campaign.objects.filter(pk=world["mine"].pk).update(name="<script>alert(1)</script> County")
    run()
    html = digest_of(world["organizer"]).alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; County" in html


def test_digest_has_unsubscribe_link_and_headers(world):
    run()
    message = digest_of(world["organizer"])
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/campaigns/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body and url in message.alternatives[0][0]


def test_long_sections_end_with_a_link_to_the_rest(world):
    for n in range(25):
        f.DeadlineFactory(campaign=world["other"], title=f"Overdue {n}", due_date=date(2026, 3, 1))
    run()
    text = digest_of(world["staff"]).body
    assert "Overdue deadlines (26)" in text
    assert "and 6 more: http://127.0.0.1:8000/campaigns/?overdue=yes" in text


# --- exactly once --------------------------------------------------------------------------------


def test_digest_goes_out_once_per_period_however_often_the_schedule_runs(world):
    run()
    run()
    run(MONDAY + timedelta(minutes=30))
    run(MONDAY + timedelta(hours=5))
    assert len(mail.outbox) == 4  # staff, admin and the two organizers
    assert EmailDelivery.objects.filter(kind="digest").count() == 4
    run(MONDAY + timedelta(days=7))
    assert len(mail.outbox) == 8


def test_unsubscribed_after_planning_gets_no_digest(world):
    with at(MONDAY):
        ids = notifications.dispatch("digests")
        notifications.notification_unsubscribe(user=world["organizer"], kind="digest")
        notifications.deliver(ids)
    assert world["organizer"].email not in [m.to[0] for m in mail.outbox]
    assert EmailDelivery.objects.get(user=world["organizer"]).status == "skipped"


# --- queries -------------------------------------------------------------------------------------


# Monday 16 March 2026, 23:30 UTC: from 16:30 in Los Angeles to 19:30 in New York, so a weekly digest
# at any hour from 6 to 16 is due in each of these zones, each zone and hour with a window of its own.
LATE_MONDAY = datetime(2026, 3, 16, 23, 30, tzinfo=UTC)
ZONES = ["America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York"]


def people_with_activity(n, *, first=0):
    """n users (organizers, staff, admins) in ever more zones and hours; each organizer on a campaign of
    their own and another one's, and every campaign busy in the week: what each digest section reports."""
    with at(datetime(2026, 3, 1, 18, 0, tzinfo=UTC)):
        users = []
        for i in range(first, first + n):
            role = [roles.ORGANIZER, roles.ORGANIZER, roles.STAFF, roles.ADMIN][i % 4]
            user = person(role, ZONES[i % len(ZONES)], digest_hour=6 + i % 11)
            if role == roles.ORGANIZER:
                campaign = f.CampaignFactory(name=f"Campaign {i}", lead=user)
                f.MembershipFactory(campaign=campaign, user=user)
                busy_week(campaign)
                if users:
                    f.MembershipFactory(campaign=Campaign.objects.exclude(pk=campaign.pk).first(), user=user)
            users.append(user)
    return users


def busy_week(campaign, n=1):
    with at(IN_WINDOW):
        for k in range(n):
            StageChange.objects.create(campaign=campaign, from_stage="", to_stage="research")
            f.MeetingFactory(campaign=campaign, held_at=IN_WINDOW, logged_at=IN_WINDOW)
            f.DeadlineFactory(campaign=campaign, owner=campaign.lead, due_date=date(2026, 3, 10) - timedelta(days=k))
            f.DeadlineFactory(
                campaign=campaign, owner=campaign.lead, due_date=date(2026, 3, 20) + timedelta(days=k % 9)
            )
            # An election coming in the campaign's county.
            agency = f.AgencyFactory(jurisdiction=campaign.jurisdiction, name=f"Agency {Agency.objects.count()}")
            f.OfficialFactory(agency=agency, next_election=date(2026, 6, 2) + timedelta(days=k))
            f.RecordsRequestFactory(campaign=campaign, status="sent", sent_on=date(2026, 3, 11))
            Letter.objects.create(
                campaign=campaign, subject="Letter", status="sent", sent_on=date(2026, 3, 11), sender="Us", body="Dear"
            )
            Assignment.objects.create(resource=f.ResourceFactory(), campaign=campaign, note="Read this")
    Campaign.objects.filter(pk=campaign.pk).update(last_activity_at=LATE_MONDAY - timedelta(days=31 + n))


def digest_run_queries():
    """(queries other than each email's claim and record, emails sent) of a digest run in one batch."""
    EmailDelivery.objects.all().delete()
    mail.outbox.clear()
    with at(LATE_MONDAY), CaptureQueriesContext(connection) as queries:
        ids = notifications.dispatch("digests")
        for batch in notifications.batches(ids):
            notifications.deliver(batch)
    sent = len(mail.outbox)
    assert sent == len(ids) == EmailDelivery.objects.filter(status="sent").count()
    per_email = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "campaigns_emaildelivery"')]
    assert len(per_email) == 2 * sent  # claimed, then recorded sent: what makes each email go out once
    return len(queries) - len(per_email), sent


def test_digest_run_reads_the_same_queries_for_n_and_3n_users(settings):
    settings.NOTIFICATIONS_BATCH_SIZE = 100
    people_with_activity(8)
    reads, sent = digest_run_queries()
    assert sent == 8
    for campaign in Campaign.objects.all():
        busy_week(campaign, n=25)  # past a section's MAX_ITEMS
    assert digest_run_queries() == (reads, 8)
    people_with_activity(16, first=8)  # three times the users, zones and hours, campaigns and activity
    assert digest_run_queries() == (reads, 24)
    # Planning: six (in a savepoint). Sending: the batch's rows, roles and the teams people are on; three for
    # the campaigns of the organizations staff manage (memberships, campaigns, shares); seven
    # light reads of the batch's activity, seven of the rows shown, three for the admins' table, three for
    # the upcoming elections (the campaigns' counties, the elections, the officials shown), and one for the
    # changes to ICE's 287(g) list imported in the windows (none here: their readers' places are not read).
    assert reads == 6 + 3 + 3 + 7 + 7 + 3 + 3 + 1
