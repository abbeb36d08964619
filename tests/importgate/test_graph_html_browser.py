"""The HTML picture in headless Chromium (Debian's, driven by Selenium + chromedriver).

The page must load without console errors or network, show every module of the
fixture package, highlight a clicked module's neighbours, and pan / zoom, with the SVG
laid out by each layout program (system Graphviz ``dot``, and graphviz-pure).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, run_cli
from tests.importgate.tools import (
    CHROMIUM_FLAGS,
    LAYOUT_PROGRAMS,
    chromium,
    layout_program,
    require,
)

FIXTURE = {
    **LAYERED,
    "shop/low.py": "import shop.high\n",  # upward: breaks the layers contract
    "shop/side.py": "from shop import low\n",
    "shop/lonely.py": "",
}


@pytest.fixture
def browser() -> Iterator[object]:
    binary = chromium()
    driver_path = require(
        shutil.which("chromedriver"), "chromedriver", "apt-get install chromium-driver"
    )
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1200,800")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=driver_path)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(params=LAYOUT_PROGRAMS)
def layout(request: pytest.FixtureRequest) -> str:
    """The path of the layout program the page's SVG is made with."""
    return layout_program(request.param)


def _page(project, tmp_path: Path, layout: str) -> Path:
    root = project(FIXTURE, LAYERS_CONFIG)
    target = tmp_path / "shop.html"
    args = ("graph", "shop", "--format", "html", "--output", str(target))
    run = run_cli(root, *args, env_extra={"IMPORTGATE_DOT": layout})
    assert run.returncode == 0, run.stderr
    return target


def _classes(driver, module: str) -> set[str]:
    element = driver.find_element("css selector", f'g.node[data-module="{module}"]')
    return set((element.get_attribute("class") or "").split())


def test_page_shows_every_module_and_highlights_neighbours(project, tmp_path, layout, browser):
    driver = browser
    page = _page(project, tmp_path, layout)
    html = page.read_text()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html and "<script src" not in html and "<link" not in html

    driver.get(page.as_uri())
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []

    shown = {
        element.get_attribute("data-module"): element.text
        for element in driver.find_elements("css selector", "g.node[data-module]")
    }
    assert shown == {
        "shop.high": "high",
        "shop.mid": "mid",
        "shop.low": "low",
        "shop.side": "side",
        "shop.lonely": "lonely",
    }
    assert all(element.is_displayed() for element in driver.find_elements("css selector", "g.node"))

    driver.find_element("css selector", 'g.node[data-module="shop.low"]').click()
    assert "selected" in _classes(driver, "shop.low")
    assert "imports" in _classes(driver, "shop.high")  # low imports high
    assert "imported-by" in _classes(driver, "shop.mid")  # mid imports low
    assert "imported-by" in _classes(driver, "shop.side")
    assert not _classes(driver, "shop.lonely") & {"selected", "imports", "imported-by"}
    assert "has-selection" in (driver.find_element("tag name", "body").get_attribute("class") or "")
    lonely = driver.find_element("css selector", 'g.node[data-module="shop.lonely"]')
    assert float(lonely.value_of_css_property("opacity")) < 0.5
    out_edges = driver.find_elements("css selector", "g.edge.out")
    assert [
        (e.get_attribute("data-source"), e.get_attribute("data-target")) for e in out_edges
    ] == [("shop.low", "shop.high")]
    assert out_edges[0].get_attribute("data-style") == "broken"
    panel = driver.find_element("id", "selection").text
    assert "shop.low" in panel and "Imports (1)" in panel and "Imported by (2)" in panel
    driver.save_screenshot(str(tmp_path / "selected.png"))
    assert (tmp_path / "selected.png").stat().st_size > 1000

    # clicking a neighbour in the side panel moves the selection there
    driver.find_element("css selector", 'aside button.module[data-module="shop.high"]').click()
    assert "selected" in _classes(driver, "shop.high")
    assert "imported-by" in _classes(driver, "shop.low")

    # Escape clears the selection
    driver.find_element("tag name", "body").send_keys("\ue00c")
    assert "has-selection" not in (
        driver.find_element("tag name", "body").get_attribute("class") or ""
    )
    assert not _classes(driver, "shop.high") & {"selected", "imports", "imported-by"}
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_zoom_and_pan_change_the_view(project, tmp_path, layout, browser):
    driver = browser
    driver.get(_page(project, tmp_path, layout).as_uri())
    svg = driver.find_element("css selector", "#canvas svg")
    before = [float(v) for v in svg.get_dom_attribute("viewBox").split()]

    driver.find_element("id", "zoom-in").click()
    zoomed = [float(v) for v in svg.get_dom_attribute("viewBox").split()]
    assert zoomed[2] < before[2] and zoomed[3] < before[3]

    driver.execute_script(
        "var c = document.getElementById('canvas');"
        "c.dispatchEvent(new WheelEvent('wheel', {deltaY: 300, clientX: 200, clientY: 200,"
        " bubbles: true, cancelable: true}));"
    )
    wheeled = [float(v) for v in svg.get_dom_attribute("viewBox").split()]
    assert wheeled[2] > zoomed[2]

    from selenium.webdriver.common.action_chains import ActionChains

    canvas = driver.find_element("id", "canvas")
    ActionChains(driver).move_to_element_with_offset(
        canvas, -300, -300
    ).click_and_hold().move_by_offset(120, 80).release().perform()
    panned = [float(v) for v in svg.get_dom_attribute("viewBox").split()]
    assert panned[0] < wheeled[0] and panned[1] < wheeled[1]
    assert panned[2:] == wheeled[2:]

    driver.find_element("id", "zoom-fit").click()
    assert [float(v) for v in svg.get_dom_attribute("viewBox").split()] == before
    driver.save_screenshot(str(tmp_path / "zoomed.png"))
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
