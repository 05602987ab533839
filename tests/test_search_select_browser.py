"""Staff create a campaign on a phone (375 x 800) in headless Chromium, finding the county, the lead and an
organizer by typing part of their names."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Goal
from core import roles
from tests import factories as f
from tests.browser import sign_in, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 800}


def open_search(page, name):
    page.click(f"#id_{name} + .ts-wrapper .ts-control")
    # Tom Select takes the focus a moment after the click; a key pressed before that would be lost.
    page.locator(f"#id_{name} + .ts-wrapper.focus").wait_for()


def choose(page, name, typed, label):
    """Type part of a name into a search select, wait for the server's answer, choose `label`, close the list."""
    open_search(page, name)
    with page.expect_response(lambda response: f"q={typed}" in response.url):
        page.keyboard.type(typed)
    page.locator(f"#id_{name} + .ts-wrapper .ts-dropdown .option:has-text('{label}')").click()
    page.keyboard.press("Escape")
    page.locator(f"#id_{name} + .ts-wrapper .ts-dropdown").wait_for(state="hidden")


def test_staff_find_the_county_and_the_people_as_they_type(browser, live_server):
    staff = f.UserFactory(username="phone-staff", role=roles.STAFF, first_name="Sam", last_name="Rivera")
    organizer = f.UserFactory(username="phone-organizer", role=roles.ORGANIZER, first_name="Ana", last_name="Ruiz")
    texas = f.StateFactory(postal="QT", name="Q Texas")
    ohio = f.StateFactory(postal="QO", name="Q Ohio")
    travis = f.JurisdictionFactory(state=texas, name="Travis County")
    f.JurisdictionFactory(state=texas, name="Harris County")
    f.JurisdictionFactory(state=ohio, name="Trumbull County")

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = watch(page, [])
    try:
        sign_in(page, live_server, staff)
        page.goto(live_server.url + reverse("campaigns:new"))

        page.fill("#id_name", "End holds in Travis County")
        page.select_option("#id_state", "QO")
        open_search(page, "jurisdiction")
        page.keyboard.type("tr")
        page.wait_for_selector(".ts-dropdown .option:has-text('Trumbull County')")
        page.keyboard.press("Enter")
        assert page.input_value("#id_jurisdiction") != ""
        # Another state: the county chosen in the last one is gone, and only the new state's are found.
        page.select_option("#id_state", "QT")
        assert page.input_value("#id_jurisdiction") == ""
        open_search(page, "jurisdiction")
        page.keyboard.type("tr")
        page.wait_for_selector(".ts-dropdown .option:has-text('Travis County')")
        assert page.locator(".ts-dropdown .option:has-text('Trumbull County')").count() == 0
        page.keyboard.press("Enter")
        assert page.input_value("#id_jurisdiction") == str(travis.pk)

        page.select_option("#id_goal", Goal.END_HOLDS)
        choose(page, "lead", "rive", "Sam Rivera (phone-staff)")
        choose(page, "organizers", "ana", "Ana Ruiz (phone-organizer)")
        assert page.input_value("#id_lead") == str(staff.pk)
        page.get_by_role("button", name="Create campaign").click()
        page.wait_for_url("**/campaigns/*/")

        campaign = Campaign.objects.get()
        assert campaign.jurisdiction == travis
        assert campaign.lead == staff
        assert campaign.memberships.filter(user=organizer).exists()
        assert errors == []
    finally:
        context.close()
