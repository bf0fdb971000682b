"""The offline browser check itself: it must catch what it is there to catch."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import load_offline, require_chromium

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
