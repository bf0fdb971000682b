"""The isf Altair renderer: three MIME types, one Vega bundle per page, alt text, data tables, theme."""

from __future__ import annotations

import base64
import gzip

import html
import json
import re

import altair as alt
import nbformat
import pandas as pd
import pytest

from helpers.views import chart_cache, chart_renderer
from helpers.views.html_a11y import contrast_ratio

HOSTILE = "</script><script>alert(1)</script> & <b>"


@pytest.fixture()
def chart() -> alt.Chart:
    """A small bar chart whose data and description hold text that must not escape its context."""
    chart_renderer.enable()
    data = pd.DataFrame({"actor": ["Egypt", HOSTILE], "troops": [1200.0, 1.5]})
    return alt.Chart(data).mark_bar().encode(x="troops:Q", y="actor:N").properties(
        title="Troops", description=f"Bar chart of troops. {HOSTILE}"
    )


def test_bundle_has_html_svg_and_text(chart: alt.Chart) -> None:
    bundle, metadata = chart_renderer.render_chart(chart.to_dict())
    assert set(bundle) == {"text/html", "image/svg+xml", "text/plain"}
    assert bundle["image/svg+xml"].startswith("<svg")
    assert metadata == {
        chart_renderer.CHART_METADATA_KEY: {"alt": f"Bar chart of troops. {HOSTILE}", "title": "Troops"}
    }


def test_vega_bundle_only_in_first_chart_after_enable(chart: alt.Chart) -> None:
    first, _ = chart_renderer.render_chart(chart.to_dict())
    second, _ = chart_renderer.render_chart(chart.to_dict())
    assert chart_renderer.BUNDLE_MARKER in first["text/html"]
    assert "if (window.vegaEmbed || window.isfVegaReady) return;" in first["text/html"]
    # gzipped and base64-encoded: the page carries about a third of the bundle's 0.9 MB
    packed = chart_cache.packed_vega_bundle()
    assert packed in first["text/html"] and len(packed) < len(chart_cache.vega_bundle()) / 2
    assert gzip.decompress(base64.b64decode(packed)).decode("utf-8") == chart_cache.vega_bundle()
    assert chart_renderer.BUNDLE_MARKER not in second["text/html"]
    assert len(second["text/html"]) < 20_000
    chart_renderer.enable()
    third, _ = chart_renderer.render_chart(chart.to_dict())
    assert chart_renderer.BUNDLE_MARKER in third["text/html"]


def test_chart_ids_differ(chart: alt.Chart) -> None:
    first, _ = chart_renderer.render_chart(chart.to_dict())
    second, _ = chart_renderer.render_chart(chart.to_dict())
    ids = [part["text/html"].split('id="')[1].split('"')[0] for part in (first, second)]
    assert ids[0] != ids[1]


def test_data_cannot_close_the_script(chart: alt.Chart) -> None:
    bundle, _ = chart_renderer.render_chart(chart.to_dict())
    page = bundle["text/html"]
    # The only raw <script> tags are ours; the data's appear escaped (JSON) or as text (table, label).
    assert "<script>alert(1)" not in page
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page
    assert html.escape(HOSTILE) in page


def test_alt_text_on_div_and_table_of_data(chart: alt.Chart) -> None:
    page, _ = chart_renderer.render_chart(chart.to_dict())
    page = page["text/html"]
    assert f'role="img" aria-label="{html.escape(f"Bar chart of troops. {HOSTILE}")}"' in page
    assert '<summary>Data behind this chart<span class="visually-hidden">: Troops</span></summary>' in page
    right = ' style="text-align: right"'
    assert f'<th scope="col">Actor</th><th scope="col"{right}>Troops</th>' in page  # field names made readable
    assert f"<td>Egypt</td><td{right}>1200</td>" in page  # whole floats lose ".0"
    assert f"<td>{html.escape(HOSTILE)}</td><td{right}>1.5</td>" in page


def test_figure_caption_is_the_title_and_subtitle_and_the_drawing_goes_without() -> None:
    spec = {"title": {"text": ["Egypt is expected", "to lead"], "subtitle": ["Two reports say so.", HOSTILE]},
            "data": {"values": [{"a": 1}]}, "mark": "point"}
    page = chart_renderer.chart_html(spec, "alt", with_bundle=False)
    assert page.startswith('<figure class="isf-chart" data-isf-min-text="9">\n<figcaption class="isf-chart-caption">')
    assert '<span class="isf-chart-title">Egypt is expected to lead</span>' in page
    assert f'<span class="isf-chart-subtitle">Two reports say so. {html.escape(HOSTILE)}</span>' in page
    embedded = page.split("vegaEmbed(el, ")[1]
    assert '"title"' not in embedded.split(', {"actions"')[0]
    assert 'svg.setAttribute("aria-hidden", "true")' in page  # Vega's unnamed mark roles leave the a11y tree


def test_each_chart_data_region_is_named_after_its_chart() -> None:
    tables = [chart_renderer.data_table_html({"title": t, "data": {"values": [{"a": 1}]}}) for t in ("One", "Two")]
    assert 'role="region" tabindex="0" aria-label="Data behind the chart: One"' in tables[0]
    assert 'role="region" tabindex="0" aria-label="Data behind the chart: Two"' in tables[1]
    two = chart_renderer.data_table_html({"title": "T", "layer": [{"data": {"values": [{"a": 1}]}}, {"data": {"values": [{"b": 2}]}}]})
    assert 'aria-label="Data behind the chart: T (table 1 of 2)"' in two and 'aria-label="Data behind the chart: T (table 2 of 2)"' in two


def test_internal_columns_are_hidden_and_encoding_titles_head_the_rest() -> None:
    spec = {"data": {"values": [{"actor": "Egypt", "asked_by": "USA", "_label_x": 3, "_lane": 1}]},
            "encoding": {"y": {"field": "actor", "title": None}, "tooltip": [{"field": "actor", "title": "Actor"}]}}
    table = chart_renderer.data_table_html(spec)
    assert re.findall(r"<th[^>]*>([^<]*)</th>", table) == ["Actor", "Asked by"]
    assert "_label_x" not in table and "<td>3</td>" not in table
    shared = {"data": {"values": [{"start": 1, "end": 2}]},
              "encoding": {"x": {"field": "start", "title": "Troops"}, "x2": {"field": "end", "title": "Troops"}}}
    assert re.findall(r"<th[^>]*>([^<]*)</th>", chart_renderer.data_table_html(shared)) == ["Troops", "End"]


def test_usermeta_table_columns_choose_and_order_the_columns() -> None:
    spec = {"usermeta": {"isf": {"table_columns": {"stage": "Latest stage", "actor": "Actor", "absent": "Never"}}},
            "datasets": {"d1": [{"actor": "Egypt", "stage": "offered", "dx": 4}], "d2": [{"dx": 1}]}}
    table = chart_renderer.data_table_html(spec)
    assert re.findall(r"<th[^>]*>([^<]*)</th>", table) == ["Latest stage", "Actor"]
    assert "<td>offered</td><td>Egypt</td>" in table
    assert table.count("<table") == 1  # a dataset with none of the columns is left out
    assert 'aria-label="Data behind the chart: Chart"' in table


def test_palette_marks_reach_3_to_1_on_white() -> None:
    ratios = {colour: round(contrast_ratio(colour, "#FFFFFF"), 2) for colour in chart_renderer.PALETTE}
    assert all(ratio >= 3.0 for ratio in ratios.values()), ratios
    assert contrast_ratio(chart_renderer.TEXT_COLOR, "#FFFFFF") >= 4.5
    assert contrast_ratio(chart_renderer.MUTED_COLOR, "#FFFFFF") >= 4.5


def test_no_tab_characters_for_pandoc(chart: alt.Chart) -> None:
    # pandoc expands tabs in raw HTML; the bundle's are rewritten as \t escapes.
    chart_renderer.enable()
    bundle, _ = chart_renderer.render_chart(chart.to_dict())
    assert "\t" not in bundle["text/html"]


def test_alt_text_falls_back_to_title() -> None:
    assert chart_renderer.chart_alt_text({"title": {"text": ["Two", "lines"]}}) == "Two lines"
    assert chart_renderer.chart_alt_text({}) == "Chart"
    assert chart_renderer.chart_alt_text({"description": "  spaced\n out "}) == "spaced out"


def test_inline_data_in_layers_is_tabled() -> None:
    spec = {"layer": [{"data": {"values": [{"a": 1}, {"a": None}]}, "mark": "point"}]}
    table = chart_renderer.data_table_html(spec)
    assert '<td style="text-align: right">1</td>' in table and '<td style="text-align: right"></td>' in table
    assert chart_renderer.data_table_html({"data": {"url": "x.csv"}}) == ""


def test_long_data_is_cut_with_a_note() -> None:
    rows = [{"n": n} for n in range(chart_renderer.MAX_TABLE_ROWS + 5)]
    table = chart_renderer.data_table_html({"data": {"values": rows}})
    assert table.count("<tr>") == chart_renderer.MAX_TABLE_ROWS + 1
    assert f"First {chart_renderer.MAX_TABLE_ROWS} of {len(rows)} rows" in table


def test_theme_font_palette_and_sizes(chart: alt.Chart) -> None:
    config = chart.to_dict()["config"]
    assert config["font"].startswith("DejaVu Sans")
    assert config["range"]["category"] == chart_renderer.PALETTE
    assert config["axis"]["labelFontSize"] >= 11
    assert len(set(chart_renderer.PALETTE)) == 8


def test_svg_names_the_installed_font(chart: alt.Chart) -> None:
    bundle, _ = chart_renderer.render_chart(chart.to_dict())
    assert 'font-family="DejaVu Sans' in bundle["image/svg+xml"]


def test_output_is_valid_nbformat(chart: alt.Chart) -> None:
    # Altair 6.3's own mimetype renderer writes a key nbformat rejects; ours must not.
    bundle, metadata = chart_renderer.render_chart(chart.to_dict())
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle, metadata=metadata)]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nbformat.validate(nb)
    assert json.loads(nbformat.writes(nb))["cells"][0]["outputs"][0]["metadata"] == metadata


def test_enable_sets_renderer_and_theme() -> None:
    chart_renderer.enable()
    assert alt.renderers.active == chart_renderer.RENDERER_NAME
    assert alt.theme.active == chart_renderer.THEME_NAME


def test_vega_bundle_is_cached_on_disk(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_cache.paths, "CACHE_DIR", tmp_path)
    chart_cache.vega_bundle.cache_clear()
    try:
        bundle = chart_cache.vega_bundle()
        (cached,) = tmp_path.glob("vega-bundle-*.js")
        assert cached.read_text(encoding="utf-8") == bundle and "window.vegaEmbed" in bundle
        cached.write_text("// from disk", encoding="utf-8")
        chart_cache.vega_bundle.cache_clear()
        assert chart_cache.vega_bundle() == "// from disk"
    finally:
        chart_cache.vega_bundle.cache_clear()


def test_a_charts_svg_is_made_once_per_spec_and_read_back(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_cache.paths, "CACHE_DIR", tmp_path)
    spec = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q").to_dict()
    svg = chart_cache.chart_svg(spec)
    (cached,) = (tmp_path / "charts").glob("*.svg")
    assert svg.startswith("<svg") and cached.read_text(encoding="utf-8") == svg
    cached.write_text("<svg>from the cache</svg>", encoding="utf-8")  # the same spec is read back, not drawn again
    assert chart_cache.chart_svg(spec) == "<svg>from the cache</svg>"
    other = {**spec, "width": 123}
    assert chart_cache.chart_svg(other).startswith("<svg") and len(list((tmp_path / "charts").glob("*.svg"))) == 2
    monkeypatch.setattr(chart_cache, "fonts_fingerprint", lambda: "other fonts")  # other fonts lay text out otherwise
    assert chart_cache.chart_svg(spec) != "<svg>from the cache</svg>"

