"""Staff create a campaign on a phone (375 x 800) in headless Chromium, finding the county, the lead and an
organizer by typing part of their names."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Goal
from core import roles
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 800}


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
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(live_server.url + reverse("login"))
        page.fill("#id_username", staff.username)
        page.fill("#id_password", "pass-1234-word")
        page.click("form button[type=submit]")
        page.wait_for_url(live_server.url + reverse("home"))
        page.goto(live_server.url + reverse("campaigns:new"))

        page.fill("#id_name", "End holds in Travis County")
        page.select_option("#id_state", "QO")
        page.click("#id_jurisdiction + .ts-wrapper .ts-control")
        page.keyboard.type("tr")
        page.wait_for_selector(".ts-dropdown .option:has-text('Trumbull County')")
        page.keyboard.press("Enter")
        assert page.input_value("#id_jurisdiction") != ""
        # Another state: the county chosen in the last one is gone, and only the new state's are found.
        page.select_option("#id_state", "QT")
        assert page.input_value("#id_jurisdiction") == ""
        page.click("#id_jurisdiction + .ts-wrapper .ts-control")
        page.keyboard.type("tr")
        page.wait_for_selector(".ts-dropdown .option:has-text('Travis County')")
        assert page.locator(".ts-dropdown .option:has-text('Trumbull County')").count() == 0
        page.keyboard.press("Enter")
        assert page.input_value("#id_jurisdiction") == str(travis.pk)

        page.select_option("#id_goal", Goal.END_HOLDS)
        page.click("#id_lead + .ts-wrapper .ts-control")
        page.keyboard.type("rive")
        page.locator(".ts-dropdown .option:has-text('Sam Rivera (phone-staff)')").click()
        page.click("#id_organizers + .ts-wrapper .ts-control")
        page.keyboard.type("ana")
        page.locator(".ts-dropdown .option:has-text('Ana Ruiz (phone-organizer)')").click()
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Create campaign").click()
        page.wait_for_url("**/campaigns/*/")

        campaign = Campaign.objects.get()
        assert campaign.jurisdiction == travis
        assert campaign.lead == staff
        assert campaign.memberships.filter(user=organizer).exists()
        assert errors == []
    finally:
        context.close()
