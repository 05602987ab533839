"""Every kind of page works under the Content-Security-Policy (no inline script or style) in a real browser:
what once ran inline (the language menu, print buttons, the due-date preview, the policy form) runs from
static files, and the admin, the API docs and two-factor setup show no refusal."""

import pytest
from django.urls import reverse

from core import roles
from tests import factories as f
from tests.browser import sign_in, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_of(browser, live_server):
    contexts = []

    def open_(user):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        errors = watch(page, [])
        sign_in(page, live_server, user)
        return page, errors

    yield open_
    for context in contexts:
        context.close()


def test_staff_pages_scripts_run_and_nothing_is_refused(page_of, live_server):
    staff = f.UserFactory(role=roles.STAFF, username="csp-staff")
    campaign = f.CampaignFactory(lead=staff)
    f.StateRecordsLawFactory(state=campaign.jurisdiction.state)
    f.AgencyFactory(jurisdiction=campaign.jurisdiction)
    target = f.TargetFactory(campaign=campaign, name="Sheriff Vega")
    page, errors = page_of(staff)

    # The records request form asks for the due date as the sent date is typed (htmx, from a static file).
    page.goto(live_server.url + reverse("campaigns:request-new", args=[campaign.pk]))
    with page.expect_response(lambda response: "due-preview" in response.url):
        page.fill("#id_sent_on", "2026-11-02")
        page.dispatch_event("#id_sent_on", "change")
    page.wait_for_selector("#due-preview [data-due-date]")

    # The policy record form shows only the chosen dimension's values.
    page.goto(live_server.url + reverse("jurisdictions:policy-new", args=[campaign.jurisdiction.pk]))
    page.select_option("#id_dimension", index=1)
    hidden = page.eval_on_selector_all("#id_value optgroup", "groups => groups.filter(g => g.hidden).length")
    assert hidden >= 1

    # A print button prints (window.print is replaced to see it called).
    page.goto(live_server.url + reverse("campaigns:prep-packet", args=[campaign.pk, target.pk]))
    page.evaluate("() => { window.printed = false; window.print = () => { window.printed = true; }; }")
    page.click("[data-print]")
    assert page.evaluate("() => window.printed") is True
    assert page.eval_on_selector(".packet h2", "el => getComputedStyle(el).fontSize") == "17.6px"  # app.css

    # The language menu switches language when a language is chosen.
    with page.expect_navigation():
        page.select_option("#language-select", "es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert errors == []


def test_admin_api_docs_and_two_factor_pages_show_no_refusal(page_of, live_server):
    admin = f.UserFactory(role=roles.ADMIN, username="csp-admin", is_staff=True, is_superuser=True)
    page, errors = page_of(admin)
    page.goto(live_server.url + reverse("admin:index"))
    page.goto(live_server.url + reverse("admin:auth_user_change", args=[admin.pk]))
    page.wait_for_selector("#user_form")
    page.goto(live_server.url + reverse("api:docs"))
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Campaign desk API" in page.inner_text(".swagger-ui .info .title")
    page.goto(live_server.url + reverse("two-factor:setup"))
    assert page.eval_on_selector("img.two-factor-qr", "img => img.complete && img.naturalWidth > 0")
    assert errors == []
