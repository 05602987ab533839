"""The staff dashboard drawn by a real browser: four charts and campaign circles over the county map, and the
status table's filters (shared with the campaign list) on a phone."""

import pytest
from django.core.cache import cache

from campaigns.models import Stage
from jurisdictions import services
from jurisdictions.models import Jurisdiction, PolicyLevel
from tests import factories
from tests.browser import sign_in, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def dashboard_data(transactional_db, staff):
    cache.delete(services.MAP_CACHE_KEY)
    california = factories.StateFactory(postal="CA", fips="06", name="California")
    texas = factories.StateFactory(postal="TX", fips="48", name="Texas")
    alameda = factories.JurisdictionFactory(state=california, fips="06001", name="Alameda County")
    harris = factories.JurisdictionFactory(
        state=texas, fips="48201", name="Harris County", level=PolicyLevel.LIMITS_HOLDS
    )
    oakland = Jurisdiction.objects.create(
        kind=Jurisdiction.Kind.CITY, state=california, fips="0653000", name="Oakland", parent=alameda
    )
    factories.CampaignFactory(name="End holds in Alameda", jurisdiction=alameda)
    factories.CampaignFactory(name="Oakland sanctuary", jurisdiction=oakland, stage=Stage.WON, outcome="Won.")
    factories.CampaignFactory(name="Harris notifications", jurisdiction=harris, stage=Stage.PROPOSAL)
    yield
    cache.delete(services.MAP_CACHE_KEY)


def _signed_in_page(context, live_server, user, errors):
    page = context.new_page()
    watch(page, errors)
    return sign_in(page, live_server, user)


@pytest.mark.parametrize("width", [1280, 375])
def test_charts_and_map_are_drawn(browser, live_server, staff, dashboard_data, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        errors = []
        page = _signed_in_page(context, live_server, staff, errors)
        page.wait_for_selector("#dash-map[data-state=ready]", timeout=20_000)
        charts = page.evaluate(
            "() => ['chart-stages', 'chart-months', 'chart-goals', 'chart-states']"
            ".map(id => { const c = window.Chart && Chart.getChart(id); return c ? c.data.datasets[0].data : null; })"
        )
        assert charts[0] == [1, 0, 0, 1, 0, 1, 0, 0, 0]  # research, proposal, won
        assert all(chart is not None for chart in charts)
        assert sum(charts[3]) == 3
        # Two counties with campaigns: Alameda (its own and Oakland's) and Harris.
        assert page.get_attribute("#dash-map", "data-marks") == "2"
        assert page.get_attribute('circle[data-fips="06001"]', "data-campaigns") == "2"
        assert "dash-mark-won" in page.get_attribute('circle[data-fips="06001"]', "class")
        assert "dash-mark-active" in page.get_attribute('circle[data-fips="48201"]', "class")
        fill = page.eval_on_selector("path.dash-county:not(.dash-no-data)", "el => getComputedStyle(el).fill")
        assert fill.startswith("rgb")
        box = page.eval_on_selector('circle[data-fips="48201"]', "el => el.getBoundingClientRect().width")
        assert box >= 9  # a tappable circle even on a phone-wide map
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "the page scrolls sideways"
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize(("path", "form"), [("/", "#dash-filters"), ("/campaigns/", "#campaign-filters")])
def test_filters_open_and_filter_on_a_phone(browser, live_server, staff, dashboard_data, path, form):
    """The status table and the campaign list share one filter form, folded away behind a button on a phone."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        errors = []
        page = _signed_in_page(context, live_server, staff, errors)
        page.goto(f"{live_server.url}{path}")
        assert page.locator("tr[data-campaign]").count() == 3
        assert not page.is_visible(f"{form} select[name=stage]")
        page.click(f'button[aria-controls="{form[1:]}"]')
        page.wait_for_selector(f"{form}.collapse.show", state="visible")  # unfolded, not still moving
        page.select_option(f"{form} select[name=stage]", "won")
        with page.expect_navigation(url="**stage=won**", wait_until="domcontentloaded"):
            page.click(f"{form} button[type=submit]")
        rows = page.locator("tr[data-campaign]")
        assert rows.count() == 1
        assert "Oakland sanctuary" in rows.first.inner_text()
        # On a phone the stage shows under the name, the table never scrolls the page sideways.
        assert rows.first.locator(".d-sm-none .badge").inner_text() == "Won"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "the page scrolls sideways"
        assert errors == []
    finally:
        context.close()
