"""The offline browser check itself: it must catch what it is there to catch."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import audit_page, load_offline, require_axe, require_chromium

BAD_PAGE = """<!DOCTYPE html><html><head>
<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js"></script>
</head><body>
<figure class="isf-chart"><div class="isf-chart-canvas"></div></figure>
<script>alert("hi"); undefinedFunction();</script>
<p>Visible text</p>
</body></html>"""


@pytest.mark.browser
def test_offline_check_reports_requests_errors_dialogs_and_undrawn_charts(tmp_path: Path) -> None:
    require_chromium()
    page = tmp_path / "bad.html"
    page.write_text(BAD_PAGE, encoding="utf-8")
    report = load_offline(page, chart_timeout_ms=1_000)
    assert report.external_requests == ["https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js"]
    assert report.dialogs == ["hi"]
    assert any("undefinedFunction" in error for error in report.console_errors)
    assert (report.charts_found, report.charts_drawn) == (1, 0)
    assert "Visible text" in report.text


# A page with what the accessibility audit exists to catch: an image with no alt text, a wide table
# that pushes the page sideways, and a chart whose 12 px labels shrink to 6 px in a 320 px figure, one
# of them white on vermillion (3.9:1).
UNFIT_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Unfit</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>Unfit</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<table style="width: 900px"><tr><th>Actor</th></tr><tr><td>Egypt</td></tr></table>
<figure class="isf-chart" style="width: 320px; margin: 0"><div class="isf-chart-canvas" role="img" aria-label="A chart">
<svg aria-hidden="true" width="640" height="100" viewBox="0 0 640 100" style="width: 100%; height: auto">
<g class="mark-group"><text x="10" y="50" font-size="12px">Indonesia</text>
<rect x="300" y="20" width="200" height="60" fill="#D55E00"/><text x="320" y="55" fill="white" font-size="12px">declined</text>
</g></svg></div></figure>
</main></body></html>"""


@pytest.mark.browser
def test_audit_reports_violations_sideways_scroll_small_chart_text_and_low_contrast(tmp_path: Path) -> None:
    require_chromium()
    require_axe()
    page = tmp_path / "unfit.html"
    page.write_text(UNFIT_PAGE, encoding="utf-8")
    report = audit_page(page, widths=(390,), chart_timeout_ms=1_000)[390]
    assert "image-alt" in {v["id"] for v in report.violations}
    assert report.scroll_width > 390
    assert (report.charts_found, report.charts_drawn) == (1, 1)
    assert [(text, round(px, 1)) for text, px in report.chart_texts] == [("Indonesia", 6.0), ("declined", 6.0)]  # 12 px x 320/640
    contrast = {text: (round(ratio, 2), ink, under) for text, ratio, ink, under in report.chart_text_contrast}
    assert contrast == {"Indonesia": (21.0, "rgb(0, 0, 0)", "rgb(255, 255, 255)"),
                        "declined": (3.87, "rgb(255, 255, 255)", "rgb(213, 94, 0)")}
