"""Open a rendered page in Debian's chromium with the network cut off, for tests and manual checks.

``load_offline(path)`` answers: how many charts drew, what the console complained about, which
requests tried to leave the machine, and whether any dialog (``alert(...)``) opened. Every request
that is not a ``file:``, ``data:`` or ``blob:`` URL is aborted and recorded, so a page that needs the
network fails visibly. Needs the ``chromium`` Debian package (never ``playwright install``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
# A chart has drawn when vegaEmbed has put an <svg> with marks inside its div.
CHART_SELECTOR = "figure.isf-chart .isf-chart-canvas"


@dataclass
class PageReport:
    """What happened when the page loaded offline.

    Attributes:
        charts_found: chart divs on the page.
        charts_drawn: chart divs holding a drawn SVG.
        console_errors: console errors and uncaught exceptions.
        external_requests: URLs the page tried to fetch off the machine (all blocked).
        dialogs: messages of alert/confirm/prompt dialogs that opened.
        text: the page's visible text.
    """

    charts_found: int = 0
    charts_drawn: int = 0
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    text: str = ""


def require_chromium() -> None:
    """Skip the calling test when Debian's chromium or Python playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not installed at {CHROMIUM}: apt-get install -y chromium")
    pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")


def load_offline(
    html_path: Path, screenshot: Path | None = None, width: int = 1280, chart_timeout_ms: int = 10_000
) -> PageReport:
    """Load a page from disk with every non-local request blocked, and report what happened.

    Args:
        html_path: the HTML file.
        screenshot: where to save a full-page PNG, if wanted.
        width: viewport width in CSS pixels.
        chart_timeout_ms: how long to wait for every chart to draw.

    Returns:
        The page report (charts found and drawn, console errors, blocked requests, dialogs, text).
    """
    from playwright.sync_api import sync_playwright

    report = PageReport()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda msg: report.console_errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: report.console_errors.append(str(exc)))
            page.on("dialog", lambda dialog: (report.dialogs.append(dialog.message), dialog.dismiss()))
            page.route("**/*", lambda route: _allow_local(route, report))
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            report.charts_found = page.locator(CHART_SELECTOR).count()
            report.charts_drawn = _wait_for_charts(page, report.charts_found, chart_timeout_ms)
            report.text = page.inner_text("body")
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return report


def _allow_local(route, report: PageReport) -> None:
    """Let file/data/blob requests through; abort and record any other.

    Args:
        route: the playwright route of one request.
        report: where blocked URLs are recorded.
    """
    url = route.request.url
    if url.startswith(LOCAL_SCHEMES):
        route.continue_()
    else:
        report.external_requests.append(url)
        route.abort()


def _wait_for_charts(page, expected: int, timeout_ms: int) -> int:
    """Wait until every chart div holds an SVG with marks (vegaEmbed is asynchronous).

    Args:
        page: the playwright page.
        expected: how many chart divs the page has.
        timeout_ms: how long to wait before counting what drew.

    Returns:
        The number of chart divs holding a drawn SVG.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    count_js = f"() => [...document.querySelectorAll('{CHART_SELECTOR}')].filter(d => d.querySelector('svg .mark-group')).length"
    if expected:
        try:
            page.wait_for_function(f"({count_js})() >= {expected}", timeout=timeout_ms)
        except PlaywrightTimeout:
            pass  # report how many drew; the caller's assertion says what is missing
    return page.evaluate(count_js)

