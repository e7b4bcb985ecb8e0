"""Headless Chromium (Debian's package) driven by Playwright, and the pages' checks.

No browser download is reachable here, so Playwright drives ``/usr/bin/chromium``
(``.ci/run`` installs it when missing). Outside CI the tests skip, saying why, when
it is absent; in CI (``CI=true``) they fail instead. Every page a test opens is
screenshotted into the test's tmp folder and, when ``SHOPLAB_ARTIFACTS`` names a
folder, copied there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

#: Launch flags for a closed network (no sync, updates or background requests).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: the browser tests must run in CI")
        pytest.skip(f"{reason}; outside CI the browser tests skip")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


class Problems(list):
    """Console errors, uncaught page errors and failed requests of a page."""


@pytest.fixture
def page(browser, request, tmp_path) -> Iterator[object]:
    """A fresh page whose problems are in ``page.problems``; screenshotted at the end."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.problems = Problems()
    tab.on(
        "console",
        lambda message: message.type == "error" and tab.problems.append(f"console: {message.text}"),
    )
    tab.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    tab.on("requestfailed", lambda req: tab.problems.append(f"request failed: {req.url}"))
    yield tab
    keep_screenshot(tab, request.node.name, tmp_path)
    context.close()


def keep_screenshot(tab, name: str, folder: Path) -> Path:
    """Screenshot the page into ``folder`` and, with ``SHOPLAB_ARTIFACTS``, copy it there."""
    path = folder / f"{name}.png"
    tab.screenshot(path=path, full_page=True)
    artifacts = os.environ.get("SHOPLAB_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(artifacts) / path.name)
    return path


def open_report(page, path: Path) -> None:
    """Open a report file and wait until it and its images have loaded."""
    page.goto(path.resolve().as_uri(), wait_until="load")


def image_sizes(page) -> list[tuple[str, int]]:
    """Every image of the page: its alt text and natural width (0: it did not load)."""
    return [
        (alt, width)
        for alt, width in page.evaluate(
            "Array.from(document.images).map(i => [i.alt, i.complete ? i.naturalWidth : 0])"
        )
    ]


def headings(page, level: str = "h2") -> list[str]:
    """The text of the page's headings of one level."""
    return page.locator(level).all_inner_texts()


def assert_opens_cleanly(page, min_images: int) -> None:
    """No console error, page error or failed request, and every image loaded."""
    assert list(page.problems) == []
    images = image_sizes(page)
    assert len(images) >= min_images
    assert [alt for alt, width in images if width == 0] == []
