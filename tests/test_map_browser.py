"""The policy map drawn by a real browser: every county shape, fills, hover, click-through, taps and zoom."""

import re

import pytest
from django.core.cache import cache

from jurisdictions import services
from jurisdictions.models import LawEffect, PolicyLevel, StateLaw
from tests import factories
from tests.browser import watch

pytestmark = pytest.mark.browser

# Counties whose FIPS are shapes in us-atlas 3.0.1, plus the rows that vintage has no shape for.
COUNTIES = [
    # fips, name, level, 287(g), legacy
    ("06037", "Los Angeles County", PolicyLevel.COMPLIES, "task_force", False),
    ("06075", "San Francisco County", PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS, "", False),
    ("48201", "Harris County", PolicyLevel.LIMITS_HOLDS, "jail_enforcement", False),
    ("09001", "Fairfield County", PolicyLevel.UNKNOWN, "", True),
    ("09110", "Capitol Planning Region", PolicyLevel.UNKNOWN, "", False),
    ("02063", "Chugach Census Area", PolicyLevel.NO_HOLDS_NO_ACCESS, "", False),
    ("02066", "Copper River Census Area", PolicyLevel.COMPLIES, "", False),
]
# Shapes drawn with data: 06037, 06075, 48201, 09001, and 02261 (Valdez-Cordova) for 02063 + 02066.
SHAPES_WITH_DATA = 5


@pytest.fixture
def map_data(transactional_db, settings):
    settings.PUBLIC_MAP = True
    cache.delete(services.MAP_CACHE_KEY)
    states = {
        "06": factories.StateFactory(postal="CA", fips="06", name="California"),
        "48": factories.StateFactory(postal="TX", fips="48", name="Texas"),
        "09": factories.StateFactory(postal="CT", fips="09", name="Connecticut"),
        "02": factories.StateFactory(postal="AK", fips="02", name="Alaska"),
    }
    StateLaw.objects.create(state=states["06"], title="SB 54 California Values Act", effect=LawEffect.LIMITS)
    StateLaw.objects.create(state=states["48"], title="SB 4", effect=LawEffect.MANDATES)
    services.states_refresh_floor()
    counties = {
        fips: factories.JurisdictionFactory(
            state=states[fips[:2]], fips=fips, name=name, level=level, current_287g=model, is_legacy=legacy
        )
        for fips, name, level, model, legacy in COUNTIES
    }
    yield counties
    cache.delete(services.MAP_CACHE_KEY)


@pytest.fixture
def open_map(browser, live_server, map_data):
    """Open the map at a viewport size; returns (page, errors seen by the page)."""
    contexts = []

    def open_(width=1280, height=900, touch=False, query=""):
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch)
        contexts.append(context)
        page = context.new_page()
        errors = watch(page, [])
        page.goto(f"{live_server.url}/jurisdictions/map/{query}")
        page.wait_for_selector("#map[data-state=ready]", timeout=20_000)
        return page, errors

    yield open_
    for context in contexts:
        context.close()


# A point inside a county's fill that is that county on screen (its bounding box centre may be sea).
POINT_INSIDE = """fips => {
  const path = document.querySelector(`path.map-county[data-fips="${fips}"]`);
  const box = path.getBBox();
  const matrix = path.getScreenCTM();
  const svg = path.ownerSVGElement;
  for (let i = 1; i < 20; i++) {
    for (let j = 1; j < 20; j++) {
      const p = svg.createSVGPoint();
      p.x = box.x + box.width * i / 20;
      p.y = box.y + box.height * j / 20;
      if (!path.isPointInFill(p)) continue;
      const s = p.matrixTransform(matrix);
      if (document.elementFromPoint(s.x, s.y) === path) return {x: s.x, y: s.y};
    }
  }
  return null;
}"""


def test_every_county_shape_is_drawn_and_filled_by_level(open_map):
    page, errors = open_map()

    assert page.locator("path.map-county").count() > 3000
    drawn = page.eval_on_selector("#map", "el => ({...el.dataset})")
    total = int(drawn["shapes"])
    assert page.locator("path.map-county:not(.map-no-data)").count() == SHAPES_WITH_DATA
    assert int(drawn["shapesWithoutData"]) == total - SHAPES_WITH_DATA
    assert drawn["rowsNotDrawn"] == "1"  # the planning region: no shape in this vintage
    assert "Connecticut: Capitol Planning Region" in page.text_content("#map-unmapped")

    fill = page.get_attribute('path[data-fips="06037"]', "fill")
    complies = page.eval_on_selector(".map-legend .level-complies", "el => getComputedStyle(el).backgroundColor")
    assert fill == complies == "rgb(192, 57, 43)"  # app.css .level-complies
    assert page.get_attribute('path[data-fips="09001"]', "data-level") == PolicyLevel.UNKNOWN
    # Valdez-Cordova shows the less protective of Chugach and Copper River.
    assert page.get_attribute('path[data-fips="02261"]', "data-level") == PolicyLevel.COMPLIES

    assert page.locator(".map-287g path.map-287g-mark").count() == 2
    assert page.locator('.map-floors g[data-state="06"] .map-floor-line.floor-limits').count() == 1
    assert page.locator('.map-floors g[data-state="48"] .map-floor-line.floor-mandates').count() == 1
    assert page.inner_text('[data-level-count="complies"]') == "(2)"
    assert errors == []


def test_hover_shows_the_county_and_click_opens_its_page(open_map, map_data):
    page, errors = open_map()
    point = page.evaluate(POINT_INSIDE, "06037")
    assert point, "no visible point of Los Angeles County"

    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("#map-tooltip")
    tooltip.wait_for(state="visible")
    assert "Los Angeles County, California" in tooltip.inner_text()
    assert "Task force model" in tooltip.inner_text()
    assert "SB 54 California Values Act" in tooltip.inner_text()

    with page.expect_navigation():
        page.dispatch_event('path[data-fips="06037"]', "click")
    assert page.url.endswith(f"/jurisdictions/{map_data['06037'].pk}/")
    assert errors == []


def test_click_on_a_shape_of_two_counties_offers_both(open_map, map_data):
    page, errors = open_map()
    page.dispatch_event('path[data-fips="02261"]', "click")
    links = page.locator("#map-details a")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href") == f"/jurisdictions/{map_data['02063'].pk}/"
    assert links.nth(1).get_attribute("href") == f"/jurisdictions/{map_data['02066'].pk}/"
    assert page.url.endswith("/jurisdictions/map/")
    assert errors == []


def test_phone_tap_shows_details_with_a_link_instead_of_leaving(open_map, map_data):
    page, errors = open_map(width=375, height=812, touch=True, query="?state=CA")
    width = page.eval_on_selector("#map-svg", "el => el.getBoundingClientRect().width")
    assert 330 <= width <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # A county big enough for a finger at this width (the browser retargets taps on tiny shapes).
    point = page.evaluate(POINT_INSIDE, "06037")
    assert point, "no visible point of Los Angeles County"
    page.touchscreen.tap(point["x"], point["y"])

    details = page.locator("#map-details")
    details.get_by_text("Los Angeles County, California").wait_for()
    link = details.locator("a")
    assert link.get_attribute("href") == f"/jurisdictions/{map_data['06037'].pk}/"
    assert re.search(r"/jurisdictions/map/\?state=CA$", page.url)
    assert errors == []


def test_state_select_zooms_by_keyboard_and_reset_zooms_out(open_map):
    page, errors = open_map()
    page.focus("#map-state")
    page.keyboard.type("Tex")
    page.wait_for_function("document.getElementById('map').dataset.zoomedState === 'TX'")
    assert page.url.endswith("/jurisdictions/map/?state=TX")
    assert page.get_attribute("#map-list-link", "href") == "/jurisdictions/?state=TX"
    assert page.inner_text('[data-level-count="limits_holds"]') == "(1)"
    assert page.locator('path.map-county.map-outside[data-fips="06037"]').count() == 1

    page.click("#map-reset")
    page.wait_for_function("document.getElementById('map').dataset.zoomedState === ''")
    assert page.get_attribute("#map-list-link", "href") == "/jurisdictions/"
    assert page.locator("path.map-county.map-outside").count() == 0
    assert errors == []


def test_toggles_hide_the_287g_and_state_law_layers(open_map):
    page, errors = open_map()
    page.click("label[for=map-toggle-287g]")
    page.click("label[for=map-toggle-floors]")
    assert page.get_attribute("g.map-287g", "display") == "none"
    assert page.get_attribute("g.map-floors", "display") == "none"
    assert errors == []
