"""``shoplab dashboard`` in a real browser: it serves on loopback, renders Mesa's
SolaraViz page, and a slider change (applied by Reset) changes a plot."""

from __future__ import annotations

import subprocess
import sys
import time
from importlib.resources import files

import pytest

from tests.browser.conftest import keep_screenshot

SHOPPERS = 2000
LAUNCH = "import sys; from experiments.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="module")
def address():
    config = files("experiments") / "configs" / "quickstart.yaml"
    command = [sys.executable, "-c", LAUNCH, "dashboard", str(config), "--port", "0"]
    command += ["--set", f"model.population.size={SHOPPERS}"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in server.stdout:  # the address line comes before the server starts
            lines.append(line)
            if "http://" in line:
                break
        url = next((w for w in lines[-1].split() if w.startswith("http://")), None)
        assert url is not None, f"no address printed: {lines}"
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_for_day(page, day: int) -> None:
    page.get_by_text(f"{day} of 365", exact=True).wait_for(timeout=30_000)
    page.wait_for_function(
        "Array.from(document.images).length >= 6 && "
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)",
        timeout=30_000,
    )
    time.sleep(0.5)  # the plots of this render have replaced the previous ones


def _customers_plot(page) -> bytes:
    return page.locator(".vue-grid-item img").first.screenshot()


def _press(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def test_the_dashboard_serves_on_loopback_renders_and_a_slider_changes_a_plot(
    page, address, tmp_path
):
    assert address.startswith("http://127.0.0.1:")
    page.goto(address)
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
    _wait_for_day(page, 0)
    # five metric plots and the network sample, all loaded (a timeout fails the test);
    # waited for, since a render swaps each image for its successor and a count taken
    # mid-swap is one short
    page.wait_for_function(
        "Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length >= 6",
        timeout=30_000,
    )
    assert page.get_by_text(f"{SHOPPERS:,}", exact=True).count() == 1

    _press(page, "Step")  # one week (the render interval)
    _wait_for_day(page, 7)
    before = _customers_plot(page)
    keep_screenshot(page, "dashboard_week_1", tmp_path)

    _press(page, "Reset")  # the control: the same settings give the same plot
    _wait_for_day(page, 0)
    _press(page, "Step")
    _wait_for_day(page, 7)
    assert _customers_plot(page) == before

    shoppers = page.locator(".v-input", has_text="Shoppers (population size)")
    shoppers.locator("[role=slider]").focus()
    page.keyboard.press("Home")  # the slider's lowest value: 1,000 shoppers
    _press(page, "Reset")
    _wait_for_day(page, 0)
    _press(page, "Step")
    _wait_for_day(page, 7)
    assert page.get_by_text("1,000", exact=True).count() == 1
    assert _customers_plot(page) != before
    # every script and style came from the server itself (no CDN is reachable here)
    assert list(page.problems) == []
