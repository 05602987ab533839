"""An organizer logs a meeting on a phone (375 x 800) in headless Chromium."""

import pytest
from django.contrib.auth.models import User

from campaigns import services
from campaigns.models import Assessment, Deadline, Goal, Meeting, Stance
from core import roles
from tests import factories as f
from tests.browser import sign_in, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def setup(db):
    organizer = f.UserFactory(username="phone-organizer", role=roles.ORGANIZER, first_name="Ana", last_name="Ruiz")
    staff = f.UserFactory(username="phone-staff", role=roles.STAFF)
    campaign = services.campaign_create(
        user=staff,
        name="End holds in Echo County",
        jurisdiction=f.JurisdictionFactory(name="Echo County"),
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
    )
    sheriff = f.TargetFactory(campaign=campaign, name="Sheriff Vega", title="Sheriff")
    question_set = f.QuestionSetFactory(name="Sheriff meeting (test)")
    f.QuestionFactory(question_set=question_set, order=1, text="Do you honor ICE holds?", good_answer="No holds.")
    f.QuestionFactory(question_set=question_set, order=2, text="Does ICE enter the jail?")
    return campaign, organizer, sheriff, question_set


def _sign_in(page, live_server, username):
    sign_in(page, live_server, User.objects.get(username=username))


def test_organizer_logs_a_meeting_on_a_phone(browser, live_server, setup):
    campaign, organizer, sheriff, question_set = setup
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = watch(page, [])
    try:
        _sign_in(page, live_server, organizer.username)
        page.goto(live_server.url + campaign.get_absolute_url())
        page.get_by_role("link", name="Log a meeting").click()
        page.wait_for_url("**/meetings/new/")

        # Choosing the set loads its questions in place (htmx), keeping what is already typed.
        page.fill("#id_location", "Sheriff's office, 2nd floor")
        page.select_option("#id_question_set", str(question_set.pk))
        page.wait_for_selector("text=Do you honor ICE holds?")
        assert page.input_value("#id_location") == "Sheriff's office, 2nd floor"

        page.check(f"input[name=targets][value='{sheriff.pk}']")
        questions = page.locator("[data-question]")
        questions.nth(0).locator("textarea").fill("Only with a judicial warrant.")
        questions.nth(0).get_by_text("Satisfactory", exact=True).click()
        questions.nth(1).locator("textarea").fill("He changed the subject.")
        questions.nth(1).get_by_text("Evasive", exact=True).click()
        page.fill("#id_summary", "Met the sheriff for 30 minutes.")
        page.fill("#id_commitments", "Will share the jail's ICE policy.")
        page.select_option(f"#id_stance_{sheriff.pk}", Stance.UNDECIDED)

        # A follow-up typed without its date comes back with an error and nothing typed is lost.
        page.fill("#id_followup-0-title", "Ask for the written policy")
        page.get_by_role("button", name="Log meeting").click()
        page.wait_for_selector("text=When is it due?")
        assert page.input_value("#id_summary") == "Met the sheriff for 30 minutes."
        assert page.locator("[data-question]").nth(1).locator("textarea").input_value() == "He changed the subject."
        assert not Meeting.objects.exists()

        page.fill("#id_followup-0-due_date", "2030-01-15")
        page.get_by_role("button", name="Another follow-up").click()
        page.fill("#id_followup-1-title", "Send a thank-you note")
        page.fill("#id_followup-1-due_date", "2030-01-08")
        # Everything fits the phone's width: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_role("button", name="Log meeting").click()
        page.wait_for_url("**/meetings/*/")
        assert page.get_by_text("Meeting logged.").is_visible()
    finally:
        context.close()

    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.LOGGED
    assert meeting.location == "Sheriff's office, 2nd floor"
    assert list(meeting.targets.all()) == [sheriff]
    assert list(meeting.answers.values_list("assessment", flat=True)) == [Assessment.SATISFACTORY, Assessment.EVASIVE]
    assert sorted(Deadline.objects.filter(meeting=meeting).values_list("title", flat=True)) == [
        "Ask for the written policy",
        "Send a thank-you note",
    ]
    sheriff.refresh_from_db()
    assert sheriff.stance == Stance.UNDECIDED
    assert errors == []
