"""The embeddable map in a real browser, framed by pages of two other local origins: the allowed one shows the
map (at 375 px too), the other is refused by the browser because of frame-ancestors."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from jurisdictions import services
from jurisdictions.models import PolicyLevel
from tests import factories

pytestmark = pytest.mark.browser


class HostSite:
    """Another site on a local port of its own, whose one page frames `embed_url`."""

    def __init__(self, embed_url):
        page = (
            "<!doctype html><html><head><meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>Our coalition</title></head><body style='margin:0'><h1>Our coalition</h1>"
            f"<iframe id='ice-map' src='{embed_url}' title='ICE map' width='100%' height='900' style='border:0'>"
            "</iframe></body></html>"
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def embed_sites(transactional_db, settings, live_server):
    settings.PUBLIC_MAP = True
    cache.delete(services.MAP_CACHE_KEY)
    state = factories.StateFactory(postal="CA", fips="06", name="California")
    factories.JurisdictionFactory(
        state=state, fips="06037", name="Los Angeles County", level=PolicyLevel.COMPLIES, fourth_amendment_risk=True
    )
    embed_url = f"{live_server.url}/embed/map/"
    allowed, other = HostSite(embed_url), HostSite(embed_url)
    settings.EMBED_ALLOWED_ORIGINS = [allowed.origin]
    yield allowed, other
    allowed.close()
    other.close()
    cache.delete(services.MAP_CACHE_KEY)


def open_host(browser, url, **viewport):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 1000})
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(url)
    return context, page, console


def test_an_allowed_site_shows_the_map_in_its_frame(browser, embed_sites):
    allowed, _other = embed_sites
    context, page, console = open_host(browser, allowed.origin)
    try:
        frame = page.frame_locator("#ice-map")
        frame.locator("#map[data-state=ready]").wait_for(timeout=20_000)
        assert frame.locator("path.map-county").count() > 3000
        assert frame.locator('[data-fourth-count="true"]').inner_text() == "(1)"
        frame.locator("label[for=map-toggle-fourth]").click()
        frame.locator("#map[data-fourth-layer=on]").wait_for()
        frame.locator('path.map-county[data-fips="06037"]').dispatch_event("click")
        details = frame.locator("#map-details")
        details.get_by_text("Los Angeles County, California").wait_for()
        link = details.locator("a")
        assert link.get_attribute("target") == "_blank"
        assert not [text for text in console if "frame-ancestors" in text]
    finally:
        context.close()


def test_another_site_is_refused_by_the_browser(browser, embed_sites):
    _allowed, other = embed_sites
    context, page, console = open_host(browser, other.origin)
    try:
        page.wait_for_timeout(1500)
        embedded = page.frame(url=lambda url: "/embed/map/" in url)
        assert embedded is None or embedded.query_selector("#map") is None
        assert any(
            "violates the following Content Security Policy directive" in text and "frame-ancestors" in text
            for text in console
        ), console
    finally:
        context.close()


def test_the_framed_map_works_at_375_px(browser, embed_sites):
    allowed, _other = embed_sites
    context, page, _console = open_host(browser, allowed.origin, width=375, height=812)
    try:
        frame = page.frame_locator("#ice-map")
        frame.locator("#map[data-state=ready]").wait_for(timeout=20_000)
        inner = page.frame(url=lambda url: "/embed/map/" in url)
        assert inner.evaluate("document.documentElement.scrollWidth") <= 375
        width = inner.eval_on_selector("#map-svg", "el => el.getBoundingClientRect().width")
        assert 300 <= width <= 375
        frame.locator("#map-toggle-fourth").check()
        frame.locator("#map[data-fourth-layer=on]").wait_for()
        assert frame.locator(".map-legend").is_visible()
    finally:
        context.close()
