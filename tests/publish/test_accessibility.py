"""Accessibility of the HTML briefing: axe-core at desktop and phone widths, reflow, chart text size.

The briefing is built once per session (``published`` in conftest.py) from the curated data and
audited in Debian's chromium at 1280 and 390 px (``browser.audit_page``). Also: unit tests of
``helpers.views.html_a11y`` (table regions, contrast), which need no browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import audit_page, overlapping_texts, require_axe, require_chromium

from helpers.views import chart_renderer
from helpers.views.html_a11y import REGION_CLASS, contrast_ratio, make_tables_accessible, text_colour_on

from conftest import AS_OF

# The audited briefing is built from the curated data: rerun on a copy with a sixth report (test_live_data_copy.py).
pytestmark = pytest.mark.live_data
DESKTOP, PHONE = 1280, 390


@pytest.fixture(scope="module")
def audits(published: Path, tmp_path_factory: pytest.TempPathFactory):
    require_chromium()
    require_axe()
    shots = tmp_path_factory.mktemp("screenshots")
    return audit_page(published / "briefing.html", (DESKTOP, PHONE), screenshot_dir=shots)


# --- The built briefing in the browser -------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_axe_finds_no_violations(audits, width: int) -> None:
    report = audits[width]
    assert report.charts_drawn == report.charts_found > 0
    assert report.violations == [], [(v["id"], v["help"], v["targets"][:3]) for v in report.violations]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_page_never_scrolls_sideways(audits, width: int) -> None:
    assert audits[width].scroll_width <= width


@pytest.mark.browser
@pytest.mark.slow
def test_desktop_draws_every_chart_with_text_of_9px_or_more(audits) -> None:
    report = audits[DESKTOP]
    assert report.charts_as_tables == 0 and report.chart_tables_visible == 0  # tables folded away
    assert len(report.chart_texts) > 50  # axis labels, titles, legends of every chart
    small = [(text, round(px, 1)) for text, px in report.chart_texts if px < chart_renderer.MIN_TEXT_PX]
    assert small == []


@pytest.mark.browser
@pytest.mark.slow
def test_phone_shows_no_chart_text_under_9px(audits) -> None:
    report = audits[PHONE]
    small = [(text, round(px, 1)) for text, px in report.chart_texts if px < chart_renderer.MIN_TEXT_PX]
    assert small == []
    # A 640 px chart cannot keep 10 px labels legible in a 340 px column: each shows its data instead.
    assert report.charts_as_tables == report.charts_found
    assert report.chart_tables_visible == report.charts_found


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_no_two_chart_texts_touch_and_none_is_cut(audits, width: int) -> None:
    boxes = audits[width].chart_text_boxes
    if width == DESKTOP:
        assert len(boxes) == len(audits[width].chart_texts) > 50
    assert overlapping_texts(boxes) == []
    assert [text for _, text, _ in boxes if text.endswith("…")] == []


@pytest.mark.browser
@pytest.mark.slow
def test_chart_text_reaches_4_5_to_1_on_what_is_drawn_under_it(audits) -> None:
    contrast = audits[DESKTOP].chart_text_contrast
    assert len(contrast) == len(audits[DESKTOP].chart_texts) > 50
    low = sorted({(text, round(ratio, 2), ink, under) for text, ratio, ink, under in contrast if ratio < 4.5})
    assert low == []


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_first_tab_shows_the_skip_link_with_a_strong_focus_ring(audits, width: int) -> None:
    focus = audits[width].focus
    assert focus["text"] == "Skip to the briefing" and focus["visible"]
    assert focus["outline_style"] == "solid" and focus["outline_width"] >= 2
    red, green, blue = (int(n) for n in re.findall(r"\d+", focus["outline_color"])[:3])
    assert contrast_ratio(f"#{red:02X}{green:02X}{blue:02X}", "#FFFFFF") >= 3.0


# A paragraph that is nothing but bold text (and perhaps a count): a sub-head a screen reader cannot
# jump to. It should be a heading (### in the Markdown).
BOLD_PARAGRAPH = re.compile(r"<p>\s*<strong>(?P<text>[^<]*)</strong>\s*(?:\(\d+\))?\s*</p>")


@pytest.mark.slow
def test_sub_heads_are_headings_not_bold_paragraphs(published: Path) -> None:
    page = (published / "briefing.html").read_text(encoding="utf-8")
    # each disagreement the findings list is an h3 a screen reader can jump to
    section = page.split('id="where-sources-disagree-or-a-stance-changed"', 1)[1].split("<h2", 1)[0]
    found = json.loads((published / "editions" / AS_OF / "analysis" / "disagreements.json").read_text(encoding="utf-8"))
    assert section.count("<h3") == len(found["data"])
    assert [" ".join(m["text"].split()) for m in BOLD_PARAGRAPH.finditer(page)] == []


def test_bold_paragraph_pattern_finds_sub_heads_only() -> None:
    found = BOLD_PARAGRAPH.findall("<p><strong>Stance changed:\nAzerbaijan</strong></p><p><strong>New actors</strong> (3)</p>"
                                   "<p><strong>Limits.</strong> The reports relay each other.</p>")
    assert found == ["Stance changed:\nAzerbaijan", "New actors"]


# --- Table regions (no browser) --------------------------------------------------------------------

PAGE = """<h2 id="a">Who <em>offers</em> what</h2>
<table><tr><th>Actor</th></tr><tr><td>Egypt</td></tr></table>
<script>var s = "<table><tr><td>not a table</td></tr></table>";</script>
<table><caption>Troop figures &amp; ranges</caption><tr><td>1</td></tr></table>
<table><tr><td>2</td></tr></table>
<h3>Notes</h3>
<table><tr><td>3</td></tr></table>"""


def regions(page: str) -> list[str]:
    return re.findall(r'<div class="isf-table-scroll" role="region" aria-label="([^"]*)" tabindex="0"><table', page)


def test_every_table_gets_a_named_focusable_region() -> None:
    page = make_tables_accessible(PAGE)
    assert regions(page) == ["Table: Who offers what", "Troop figures &amp; ranges", "Table: Who offers what (2)", "Table: Notes"]
    assert page.count("</table></div>") == 4
    assert '"<table><tr><td>not a table</td></tr></table>"' in page  # script text untouched


def test_wrapping_twice_changes_nothing() -> None:
    once = make_tables_accessible(PAGE)
    assert make_tables_accessible(once) == once


def test_labels_do_not_repeat_existing_regions() -> None:
    page = '<div role="region" aria-label="Table: Notes" tabindex="0"></div><h3>Notes</h3><table></table>'
    assert regions(make_tables_accessible(page)) == ["Table: Notes (2)"]


def test_table_without_heading_or_caption_is_called_table() -> None:
    assert regions(make_tables_accessible("<p>x</p><table></table>")) == ["Table"]


@pytest.mark.parametrize("title", ["Pledges", "A long finding, " * 60])
def test_chart_data_tables_are_left_as_the_renderer_wrapped_them(title: str) -> None:
    table = chart_renderer.data_table_html({"title": title, "data": {"values": [{"a": 1}]}})
    assert make_tables_accessible(table) == table
    assert f'class="{REGION_CLASS}" role="region" tabindex="0" aria-label="Data behind the chart: {title}"' in table


# --- Contrast (WCAG 2.x) ---------------------------------------------------------------------------

def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFF", "#FFFFFF") == pytest.approx(1.0)
    # The failures the audit of issue 12 measured: Okabe-Ito orange and sky blue on white, white on vermillion.
    assert contrast_ratio("#E69F00", "#FFFFFF") == pytest.approx(2.25, abs=0.01)
    assert contrast_ratio("#56B4E9", "#FFFFFF") == pytest.approx(2.31, abs=0.01)
    assert contrast_ratio("#FFFFFF", "#D55E00") == pytest.approx(3.87, abs=0.01)


def test_label_colour_is_white_only_where_white_reads() -> None:
    assert text_colour_on("#0072B2") == "#FFFFFF"  # 5.2:1
    assert text_colour_on("#3891C3") == "#222222"  # white would be 3.5:1
    assert text_colour_on("#D55E00") == "#222222"  # white would be 3.9:1
    assert text_colour_on("#F4F6F8") == "#222222"
