"""Open a rendered page in Debian's chromium with the network cut off, for tests and manual checks.

``load_offline(path)`` answers: how many charts drew, what the console complained about, which
requests tried to leave the machine, and whether any dialog (``alert(...)``) opened. Every request
that is not a ``file:``, ``data:`` or ``blob:`` URL is aborted and recorded, so a page that needs the
network fails visibly. Needs the ``chromium`` Debian package (never ``playwright install``).

``audit_page(path, widths)`` runs axe-core (npm package, installed into ``tests/axe/node_modules`` by
``npm ci --prefix tests/axe``; .ci/run does it) at each viewport width and measures sideways page
scroll and the rendered size of every chart text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from needs import AXE_JS, CHROMIUM, need

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
# Rendered size of every visible chart text: its font size times the scale from SVG units to CSS
# pixels (getScreenCTM holds the viewBox scaling of a drawing shrunk to its column).
CHART_TEXT_JS = """() => [...document.querySelectorAll('figure.isf-chart svg text')]
  .filter(t => t.textContent.trim() && t.checkVisibility() && t.getScreenCTM())
  .map(t => { const m = t.getScreenCTM();
              return {text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)}; })"""
# Every visible chart text's box as drawn: the text's own box (getBBox, font ascent to descent, all its
# lines) turned into page coordinates by its transform (so a slanted label is a slanted box), with the
# number of the chart it belongs to.
CHART_TEXT_BOXES_JS = """() => [...document.querySelectorAll('figure.isf-chart')].flatMap((fig, chart) =>
  [...fig.querySelectorAll('svg text')].filter(t => t.textContent.trim() && t.checkVisibility() && t.getScreenCTM())
    .map(t => { const b = t.getBBox(), m = t.getScreenCTM();
      const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
        .map(([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x + scrollX, p.y + scrollY]; });
      return {chart, text: t.textContent.trim(), corners}; }))"""
# The focused element's outline as computed, and whether it is on screen.
FOCUS_JS = """() => { const el = document.activeElement, s = getComputedStyle(el), box = el.getBoundingClientRect();
  return {text: el.textContent.trim(), outline_style: s.outlineStyle, outline_width: parseFloat(s.outlineWidth),
          outline_color: s.outlineColor, visible: box.bottom > 0 && box.top < innerHeight && box.width > 0}; }"""
# Contrast of every visible chart text with what is drawn under its centre: the first filled SVG shape
# beneath it (a matrix cell, a bar), blended with white by its opacity, else the white chart background.
# axe-core's color-contrast rule does not look at SVG text on SVG shapes, so this does.
CHART_CONTRAST_JS = """() => {
  const rgb = c => { const m = /rgba?\\(([^)]+)\\)/.exec(c || ''); if (!m) return null;
                     const p = m[1].split(',').map(parseFloat); return p.length > 3 && p[3] === 0 ? null : p.slice(0, 3); };
  const lum = p => { const [r, g, b] = p.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x); return (h + 0.05) / (l + 0.05); };
  return [...document.querySelectorAll('figure.isf-chart svg text')].filter(t => t.textContent.trim() && t.checkVisibility()).map(t => {
    t.scrollIntoView({block: 'center', inline: 'center'});
    const box = t.getBoundingClientRect(), style = getComputedStyle(t);
    const ink = rgb(style.fill) || [0, 0, 0];
    let under = [255, 255, 255];
    for (const el of document.elementsFromPoint(box.left + box.width / 2, box.top + box.height / 2)) {
      if (el === t || !(el instanceof SVGGeometryElement) || el.closest('text')) continue;
      const shape = getComputedStyle(el), fill = rgb(shape.fill);
      const alpha = parseFloat(shape.fillOpacity) * parseFloat(shape.opacity);
      if (!fill || !(alpha > 0)) continue;
      under = fill.map(c => c * alpha + 255 * (1 - alpha));
      break;
    }
    return {text: t.textContent.trim(), ratio: ratio(ink, under), ink: style.fill, under: 'rgb(' + under.map(Math.round).join(', ') + ')'};
  });
}"""
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


@dataclass
class AuditReport:
    """What axe-core and the layout checks found at one viewport width.

    Attributes:
        width: the viewport width in CSS pixels.
        violations: axe-core violations as ``{"id", "impact", "help", "targets"}`` dicts.
        scroll_width: the page's scrollable width (wider than ``width``: the page scrolls sideways).
        charts_found: chart divs on the page.
        charts_drawn: chart divs holding a drawn, fitted SVG.
        charts_as_tables: charts showing their data table in place of the drawing (narrow column).
        chart_tables_visible: charts whose "data behind this chart" table is on screen (open).
        chart_texts: ``(text, rendered px)`` of every visible chart text.
        chart_text_contrast: ``(text, contrast ratio, text colour, colour under it)`` of every visible
            chart text.
        chart_text_boxes: ``(chart number, text, four corners)`` of every visible chart text, in page
            pixels (``overlapping_texts`` compares them).
        focus: what the first Tab press focuses: ``{"text", "outline_style", "outline_width",
            "outline_color", "visible"}`` (computed style; visible: inside the viewport).
    """

    width: int
    violations: list[dict] = field(default_factory=list)
    scroll_width: int = 0
    charts_found: int = 0
    charts_drawn: int = 0
    charts_as_tables: int = 0
    chart_tables_visible: int = 0
    chart_texts: list[tuple[str, float]] = field(default_factory=list)
    chart_text_contrast: list[tuple[str, float, str, str]] = field(default_factory=list)
    chart_text_boxes: list[tuple[int, str, list[list[float]]]] = field(default_factory=list)
    focus: dict = field(default_factory=dict)


def require_axe() -> Path:
    """Skip the calling test when axe-core is not installed (fail under CI=true); return its script otherwise.

    Returns:
        The path of ``axe.min.js``.
    """
    need("axe-core")
    return AXE_JS


def require_chromium() -> None:
    """Skip the calling test when Debian's chromium or Python playwright is missing (fail under CI=true)."""
    need("chromium", "playwright")


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


def _wait_for_charts(page, expected: int, timeout_ms: int, drawn: str = "svg .mark-group") -> int:
    """Wait until every chart div holds an SVG with marks (vegaEmbed is asynchronous).

    Args:
        page: the playwright page.
        expected: how many chart divs the page has.
        timeout_ms: how long to wait before counting what drew.
        drawn: the selector, inside a chart div, that shows the chart is drawn.

    Returns:
        The number of chart divs holding a drawn SVG.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    count_js = f"() => [...document.querySelectorAll('{CHART_SELECTOR}')].filter(d => d.querySelector('{drawn}')).length"
    if expected:
        try:
            page.wait_for_function(f"({count_js})() >= {expected}", timeout=timeout_ms)
        except PlaywrightTimeout:
            pass  # report how many drew; the caller's assertion says what is missing
    return page.evaluate(count_js)



def audit_page(
    html_path: Path, widths: tuple[int, ...] = (1280, 390), screenshot_dir: Path | None = None, chart_timeout_ms: int = 10_000
) -> dict[int, AuditReport]:
    """Load a page offline at each width, wait for its charts, run axe-core and measure the layout.

    Args:
        html_path: the HTML file.
        widths: viewport widths in CSS pixels.
        screenshot_dir: where to save ``top-<width>.png`` (the first screen of the page), if wanted.
        chart_timeout_ms: how long to wait for every chart to draw and fit its column.

    Returns:
        {width: AuditReport}.
    """
    from playwright.sync_api import sync_playwright

    axe = require_axe()
    reports: dict[int, AuditReport] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width in widths:
                report = AuditReport(width=width)
                page = browser.new_page(viewport={"width": width, "height": 900})
                blocked = PageReport()  # the page's own requests are load_offline's job; here they only stay local
                page.route("**/*", lambda route, blocked=blocked: _allow_local(route, blocked))
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                report.charts_found = page.locator(CHART_SELECTOR).count()
                # A chart has fitted its column once its script marked the SVG aria-hidden.
                report.charts_drawn = _wait_for_charts(page, report.charts_found, chart_timeout_ms, "svg[aria-hidden]")
                page.add_script_tag(path=str(axe))
                results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                report.violations = [
                    {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
                    for v in results["violations"]
                ]
                report.scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
                page.keyboard.press("Tab")
                report.focus = page.evaluate(FOCUS_JS)
                report.charts_as_tables = page.locator("figure.isf-chart.isf-chart-narrow").count()
                report.chart_tables_visible = page.evaluate(
                    "() => [...document.querySelectorAll('figure.isf-chart')]"
                    ".filter(f => [...f.querySelectorAll('table')].some(t => t.checkVisibility())).length")
                report.chart_texts = [(t["text"], t["px"]) for t in page.evaluate(CHART_TEXT_JS)]
                report.chart_text_contrast = [(t["text"], t["ratio"], t["ink"], t["under"]) for t in page.evaluate(CHART_CONTRAST_JS)]
                report.chart_text_boxes = [(t["chart"], t["text"], t["corners"]) for t in page.evaluate(CHART_TEXT_BOXES_JS)]
                if screenshot_dir is not None:
                    page.evaluate("() => window.scrollTo(0, 0)")
                    page.screenshot(path=str(screenshot_dir / f"top-{width}.png"))
                page.close()
                reports[width] = report
        finally:
            browser.close()
    return reports


# Two chart texts closer than this (CSS pixels) count as touching: their boxes already include the
# font's ascent and descent, so a 1 px gap reads as one run of text.
MIN_TEXT_GAP = 1.0


def _boxes_apart(a: list[list[float]], b: list[list[float]], gap: float) -> bool:
    """Return whether two convex quadrilaterals are at least ``gap`` apart along some edge's normal.

    Args:
        a: four corners.
        b: four corners.
        gap: the least distance that counts as apart.

    Returns:
        True when a separating axis leaves them ``gap`` or more apart (separating axis theorem).
    """
    for corners in (a, b):
        for i in range(2):
            (x1, y1), (x2, y2) = corners[i], corners[i + 1]
            nx, ny = y1 - y2, x2 - x1
            norm = (nx * nx + ny * ny) ** 0.5
            if not norm:
                continue
            pa = [(x * nx + y * ny) / norm for x, y in a]
            pb = [(x * nx + y * ny) / norm for x, y in b]
            if max(min(pa) - max(pb), min(pb) - max(pa)) >= gap:
                return True
    return False


def overlapping_texts(boxes: list[tuple[int, str, list[list[float]]]], gap: float = MIN_TEXT_GAP) -> list[tuple[int, str, str]]:
    """Return the pairs of texts of one chart whose boxes overlap or come closer than ``gap``.

    Args:
        boxes: ``AuditReport.chart_text_boxes``.
        gap: the least distance between two texts.

    Returns:
        ``(chart number, text, other text)`` for each such pair.
    """
    return [(chart, text, other) for i, (chart, text, box) in enumerate(boxes)
            for other_chart, other, other_box in boxes[i + 1:]
            if chart == other_chart and not _boxes_apart(box, other_box, gap)]
