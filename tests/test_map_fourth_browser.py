"""The Fourth Amendment layer of the policy map in a real browser: its switch, hatching, legend counts and details,
on a desktop and at 375 px."""

import pytest
from django.core.cache import cache

from jurisdictions import services
from jurisdictions.models import PolicyLevel
from tests import factories

pytestmark = pytest.mark.browser

COUNTIES = [
    # fips, name, level, Fourth Amendment risk
    ("06037", "Los Angeles County", PolicyLevel.COMPLIES, True),
    ("06075", "San Francisco County", PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS, False),
    ("06001", "Alameda County", PolicyLevel.LIMITS_HOLDS, None),
    ("48201", "Harris County", PolicyLevel.LIMITS_HOLDS, True),
]


@pytest.fixture
def map_counties(transactional_db, settings):
    settings.PUBLIC_MAP = True
    cache.delete(services.MAP_CACHE_KEY)
    states = {
        "06": factories.StateFactory(postal="CA", fips="06", name="California"),
        "48": factories.StateFactory(postal="TX", fips="48", name="Texas"),
    }
    counties = {
        fips: factories.JurisdictionFactory(
            state=states[fips[:2]], fips=fips, name=name, level=level, fourth_amendment_risk=risk
        )
        for fips, name, level, risk in COUNTIES
    }
    yield counties
    cache.delete(services.MAP_CACHE_KEY)


def open_page(browser, url, *, width=1280, height=900, touch=False):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(f"{r.status} {r.url}"),
    )
    page.goto(url)
    page.wait_for_selector("#map[data-state=ready]", timeout=20_000)
    return context, page, errors


def test_the_switch_shows_and_hides_the_hatched_counties(browser, live_server, map_counties):
    context, page, errors = open_page(browser, f"{live_server.url}/jurisdictions/map/")
    try:
        layer = page.locator("g.map-fourth")
        assert layer.get_attribute("display") == "none"  # off until asked for
        assert page.locator("g.map-fourth path.map-fourth-area").count() == 2
        assert {page.locator("g.map-fourth path").nth(i).get_attribute("data-fips") for i in range(2)} == {
            "06037",
            "48201",
        }
        assert page.inner_text('[data-fourth-count="true"]') == "(2)"
        assert page.inner_text('[data-fourth-count="false"]') == "(1)"
        assert page.inner_text('[data-fourth-count="null"]') == "(1)"

        page.click("label[for=map-toggle-fourth]")
        page.wait_for_function("document.getElementById('map').dataset.fourthLayer === 'on'")
        assert layer.get_attribute("display") is None
        assert page.locator("g.map-fourth path").first.get_attribute("fill") == "url(#map-fourth-hatch)"

        page.click("label[for=map-toggle-fourth]")
        page.wait_for_function("document.getElementById('map').dataset.fourthLayer === 'off'")
        assert layer.get_attribute("display") == "none"

        # Zoomed to Texas, the legend counts Texas alone.
        page.select_option("#map-state", "TX")
        page.wait_for_function("document.getElementById('map').dataset.zoomedState === 'TX'")
        assert page.inner_text('[data-fourth-count="true"]') == "(1)"
        assert page.inner_text('[data-fourth-count="false"]') == "(0)"
        assert errors == []
    finally:
        context.close()


def test_at_375_px_the_switch_works_and_a_tap_tells_the_risk(browser, live_server, map_counties):
    context, page, errors = open_page(
        browser, f"{live_server.url}/jurisdictions/map/?state=CA", width=375, height=812, touch=True
    )
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        toggle = page.locator("#map-toggle-fourth")
        toggle.tap()
        page.wait_for_function("document.getElementById('map').dataset.fourthLayer === 'on'")
        page.dispatch_event('path.map-county[data-fips="06037"]', "click")
        details = page.locator("#map-details")
        details.get_by_text("At risk: honors ICE holds without a judicial warrant").wait_for()
        page.dispatch_event('path.map-county[data-fips="06075"]', "click")
        details.get_by_text("Not at risk").wait_for()
        assert errors == []
    finally:
        context.close()
