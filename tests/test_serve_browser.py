"""`solkg serve` in a real browser: headless Debian Chromium driven by Playwright.

Screenshots go to tests/artifacts/ (git-ignored). These tests carry the ``browser`` marker: without
Chromium (apt-get install chromium, as .ci/setup-serve.sh does) or Playwright (in the test extra)
they are skipped with that command, and fail under SOLKG_TEST_REQUIRE_ALL=1 (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from serve_fixtures import ARTIFACTS, browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser, server):  # noqa: F811 (the fixture imported above)
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": 1200, "height": 900},
        locale="en-GB",
        extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    context.set_default_timeout(45000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.base = server.base
    yield pg
    context.close()
    assert not errors, f"errors in the page: {errors}"


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"serve-{name}.png"), full_page=True)


def test_search_amap_and_follow_a_result(page):
    page.goto(page.base + "/")
    assert page.locator("h1").inner_text() == "solkg"
    assert "short supply chains" in page.locator("main").inner_text()
    page.locator("#home-search").fill("AMAP")
    page.locator("#home-search").press("Enter")
    page.wait_for_url(lambda url: url.endswith("/search?q=AMAP"))
    results = page.locator("ol.results a.result")
    assert results.count() >= 2
    shot(page, "search")
    page.get_by_role("link", name="Val de Drôme AMAP (example)", exact=True).click()
    page.wait_for_url("**/id/example-amap-val-de-drome")
    assert page.locator("h1").inner_text() == "Val de Drôme AMAP (example)"
    assert page.get_by_role("link", name="community supported agriculture").count() >= 1
    assert page.locator("#in-h").is_visible()  # incoming links section
    shot(page, "resource")


def test_switch_to_french(page):
    page.goto(page.base + "/id/example-amap-val-de-drome")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#lang-fr").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "AMAP du Val de Drôme (exemple)"
    assert page.get_by_role("link", name="alimentation").count() >= 1  # the sector's French label
    shot(page, "resource-fr")
    page.get_by_role("link", name="Accueil").click()  # the choice is remembered (cookie)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "circuits courts" in page.locator("main").inner_text()


def test_open_a_concept_tree(page):
    page.goto(page.base + "/schemes")
    scheme = page.locator("details#scheme-sector")
    food = scheme.get_by_role("link", name="food", exact=True)
    assert not food.is_visible()
    scheme.locator("summary").first.click()
    assert food.is_visible()
    bakery = scheme.get_by_role("link", name="community bakery (test concept)")
    assert not bakery.is_visible()  # a narrower concept, inside food's closed branch
    scheme.locator("details summary", has_text="food").click()
    assert bakery.is_visible()
    shot(page, "concept-tree")
    bakery.click()
    page.wait_for_url("**/vocab/sector/test-community-bakery")
    assert page.locator("h1").inner_text() == "community bakery (test concept)"


def test_keyboard_reaches_the_tree(page):
    page.goto(page.base + "/schemes")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.locator("details#scheme-sector summary").first.focus()
    page.keyboard.press("Enter")
    assert page.locator("details#scheme-sector").get_attribute("open") is not None


def test_markers_on_the_map(page, server):
    import json

    features = json.loads(server.get("/map.geojson").body)["features"]
    places = {(round(f["geometry"]["coordinates"][1], 3), round(f["geometry"]["coordinates"][0], 3)) for f in features}
    page.goto(page.base + "/map")
    page.wait_for_selector(".leaflet-marker-icon")
    # chains at the same place are one numbered marker
    page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length === {len(places)}")
    assert len(places) < len(features)  # the project's data has two chains at one farm
    assert page.locator("#map").get_attribute("data-markers") == str(len(features))
    page.wait_for_selector("#map[data-basemap]")
    assert int(page.locator("#map").get_attribute("data-basemap")) > 0
    assert page.locator("#map path.leaflet-interactive, #map svg path").count() > 50  # country and département outlines
    numbered = page.locator(".leaflet-marker-icon", has_text="2")
    assert numbered.count() == 1
    legend = page.locator(".legend").inner_text()
    assert "farm shop (1)" in legend and "community supported agriculture (1)" in legend
    numbered.focus()  # markers are reachable from the keyboard
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content a")
    assert page.locator(".leaflet-popup-content a").count() == 2
    shot(page, "map")


def test_run_a_named_query_from_the_query_page(page):
    page.goto(page.base + "/query")
    page.locator("#q-chains-by-class button[type=submit]").click()
    page.wait_for_url("**/query/chains-by-class**")
    rows = page.locator("table.results-table tbody tr")
    assert rows.count() >= 5
    assert "community supported agriculture" in page.locator("table.results-table").inner_text()
    shot(page, "named-query")


def test_sparql_editor(page):
    page.goto(page.base + "/query")
    page.locator("#load-named").select_option("sectors-overview")
    assert "SELECT" in page.locator("#sparql-text").input_value()
    page.locator("#run-sparql").click()
    page.wait_for_selector("#sparql-results table.results-table tbody tr")
    assert page.locator("#sparql-results tbody tr").count() >= 1
    shot(page, "sparql-editor")
