"""An Altair renderer whose charts draw offline in the HTML page and print as vectors in the PDF.

Each chart output carries three MIME types (see shared/STACK.md, "Altair, offline"):

- ``text/html``: a ``<figure>`` whose ``<figcaption>`` is the chart's title and subtitle, a div that
  ``vegaEmbed`` draws into (``role="img"``, named by the alt text), and a "Data behind this chart" table
  for readers who cannot see the chart, in a region named after the chart. Where the column is too
  narrow for ``MIN_TEXT_PX`` chart text (a phone), the table takes the drawing's place. The Vega
  JavaScript bundle rides along in the first chart output of the kernel process only, so a page holds
  one copy of it.
- ``image/svg+xml``: the same chart drawn by vl-convert, which Quarto's typst writer and our fallback
  renderer put in the PDF.
- ``text/plain``: the alt text.

The alt text comes from the chart's top-level ``description`` (chart functions set it with
``.properties(description=...)``) and is also kept in the output metadata under ``CHART_METADATA_KEY``
so the renderer can give the PDF image the same alt text.

The data table shows every field not starting with ``_`` (chart-internal), headed by the title the
chart's encodings give it; a spec can name its columns instead with
``usermeta={"isf": {"table_columns": {field: header}}}``.

Usage, once at the top of a notebook::

    from helpers.views import chart_renderer
    chart_renderer.enable()
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
from typing import Any

import altair as alt

from helpers.views.chart_cache import chart_svg, packed_vega_bundle
from helpers.views.html_a11y import REGION_CLASS
from helpers.views.markdown import lab_display

RENDERER_NAME = "isf"
THEME_NAME = "isf"
CHART_METADATA_KEY = "isf-chart"
# Marks the script that carries the Vega bundle, so the renderer can check a page has one.
BUNDLE_MARKER = "data-isf-vega-bundle"

FONT = "DejaVu Sans"
# Named first so vl-convert and typst use DejaVu (installed on Debian via fonts-dejavu-core; plain
# sans-serif becomes a serif face in typst). Verdana has near-identical metrics for readers without it.
FONT_STACK = f"{FONT}, Verdana, Arial, sans-serif"
# Okabe-Ito colour-blind-safe hues, in Okabe-Ito's order (charts.py names them by position). Orange,
# sky blue, reddish purple and yellow are darkened, keeping their hue, until they reach 3.3:1 on white
# (WCAG 1.4.11 asks 3:1 for marks; the originals #E69F00, #56B4E9, #CC79A7, #F0E442 give 2.3, 2.3, 3.1
# and 1.3). Tests check every colour against white.
PALETTE: list[str] = [
    "#0072B2",  # blue (5.2:1)
    "#BB8100",  # orange, darker (Okabe-Ito #E69F00)
    "#009E73",  # bluish green (3.4:1)
    "#D55E00",  # vermillion (3.9:1: white text on it fails, dark text passes)
    "#C870A1",  # reddish purple, darker (Okabe-Ito #CC79A7)
    "#1C95D9",  # sky blue, darker (Okabe-Ito #56B4E9)
    "#000000",  # black
    "#978E0C",  # yellow, darker (Okabe-Ito #F0E442): an olive on white
]
TEXT_COLOR = "#222222"
MUTED_COLOR = "#555555"
CHART_WIDTH = 640
CHART_HEIGHT = 300
# The data table is a fallback for reading values, not an export: keep pages light.
MAX_TABLE_ROWS = 500
# Smallest chart text, in CSS pixels after the drawing is scaled to its column. Where the column is too
# narrow to keep every label at this size, the page shows the chart's data table in its place.
MIN_TEXT_PX = 9
# Where a spec may name its table's columns: usermeta {"isf": {"table_columns": {field: header}}}.
USERMETA_KEY = "isf"
# Fields starting with this are chart-internal (label positions, offsets): never tabled.
INTERNAL_PREFIX = "_"


# JupyterLab has none of the page's CSS (assets/briefing.css): without these rules the title and subtitle
# run together and the narrow-screen note shows under every chart. Added only when a person runs the
# notebook (helpers.views.markdown.lab_display), so the page and the PDF are unchanged.
LAB_STYLE = (
    "<style>figure.isf-chart{margin:1em 0 1.5em}"
    "figure.isf-chart .isf-chart-title{display:block;font-weight:700;font-size:1.05em}"
    "figure.isf-chart .isf-chart-subtitle{display:block;margin-top:.2em;font-size:.9em;color:#555}"
    ".isf-chart-narrow-note{display:none}"
    "figure.isf-chart.isf-chart-narrow .isf-chart-narrow-note{display:block;font-size:.9em;color:#555}"
    "figure.isf-chart.isf-chart-narrow .isf-chart-canvas{display:none}"
    "details.isf-chart-data summary{cursor:pointer;font-weight:600}"
    "figure.isf-chart .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
    "</style>\n"
)

_bundle_pending = True
_chart_numbers = itertools.count(1)


def enable() -> None:
    """Register and enable the ``isf`` renderer and theme.

    Also marks the Vega bundle as not yet sent, so the next chart displayed carries it, and numbers charts
    from 1 again: call this once at the top of every notebook (each notebook is a fresh page, also when a
    build runs its notebooks in one kernel).
    """
    global _bundle_pending, _chart_numbers
    alt.renderers.register(RENDERER_NAME, render_chart)
    alt.renderers.enable(RENDERER_NAME)
    alt.theme.register(THEME_NAME, enable=True)(theme)
    _bundle_pending = True
    _chart_numbers = itertools.count(1)


def theme() -> alt.theme.ThemeConfig:
    """Return the briefing's chart theme: an installed font, readable sizes, Okabe-Ito colours.

    Returns:
        An Altair theme config (a dict with a ``config`` key).
    """
    axis = {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelColor": TEXT_COLOR,
        "titleColor": TEXT_COLOR,
        "domainColor": "#888888",
        "tickColor": "#888888",
        "gridColor": "#E5E5E5",
    }
    return {
        "config": {
            "font": FONT_STACK,
            "background": "white",
            "padding": 8,
            "view": {"continuousWidth": CHART_WIDTH, "continuousHeight": CHART_HEIGHT, "stroke": None},
            "title": {
                "fontSize": 15,
                "fontWeight": "bold",
                "anchor": "start",
                "color": TEXT_COLOR,
                "subtitleFontSize": 12,
                "subtitleColor": MUTED_COLOR,
                "offset": 12,
            },
            "axis": axis,
            # Fewer, wider-spaced numbers: the default (one per 40 px) crowds labels like "18,000".
            "axisQuantitative": {"tickCount": 6},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": TEXT_COLOR},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": TEXT_COLOR, "titleColor": TEXT_COLOR},
            "range": {"category": PALETTE},
            "text": {"fontSize": 12, "color": TEXT_COLOR},
        }
    }


def render_chart(spec: dict[str, Any], **_: Any) -> tuple[dict[str, str], dict[str, Any]]:
    """Altair renderer: turn a Vega-Lite spec into an HTML + SVG + text display bundle.

    Args:
        spec: the chart's Vega-Lite dict, as Altair passes it (theme already merged in).
        **_: embed options Altair may pass; the embed options here are fixed.

    Returns:
        ``(bundle, metadata)``: bundle maps ``text/html``, ``image/svg+xml`` and ``text/plain`` to
        strings; metadata holds ``{CHART_METADATA_KEY: {"alt": ..., "title": ...}}``.
    """
    global _bundle_pending
    alt_text = chart_alt_text(spec)
    # SVG first: if the spec is invalid this raises before the bundle counts as sent.
    svg = chart_svg(spec)
    bundle = {
        "text/html": (LAB_STYLE if lab_display() else "") + chart_html(spec, alt_text, with_bundle=_bundle_pending),
        "image/svg+xml": svg,
        "text/plain": f"Chart: {alt_text}",
    }
    _bundle_pending = False
    return bundle, {CHART_METADATA_KEY: {"alt": alt_text, "title": chart_title(spec)}}


def chart_title(spec: dict[str, Any]) -> str:
    """Return the chart's title as plain text ("" when it has none).

    Args:
        spec: a Vega-Lite dict; its ``title`` may be a string, a list of lines or a title object.

    Returns:
        The title's lines joined by spaces.
    """
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(line) for line in title)
    return str(title)


def chart_alt_text(spec: dict[str, Any]) -> str:
    """Return the alt text: the top-level ``description``, else the title, else a generic label.

    Args:
        spec: a Vega-Lite dict.

    Returns:
        One line of text for screen readers and the PDF image's alt.
    """
    text = spec.get("description") or chart_title(spec) or "Chart"
    return " ".join(str(text).split())


def chart_subtitle(spec: dict[str, Any]) -> str:
    """Return the chart's subtitle as plain text ("" when it has none).

    Args:
        spec: a Vega-Lite dict whose ``title`` may be a title object with a ``subtitle``.

    Returns:
        The subtitle's lines joined by spaces.
    """
    title = spec.get("title")
    subtitle = title.get("subtitle", "") if isinstance(title, dict) else ""
    if isinstance(subtitle, list):
        subtitle = " ".join(str(line) for line in subtitle)
    return " ".join(str(subtitle).split())


def chart_html(spec: dict[str, Any], alt_text: str, with_bundle: bool) -> str:
    """Return the chart's HTML: a figure with a caption, a div vegaEmbed draws into, and its data.

    The title and subtitle become the ``<figcaption>`` (text that reflows on a phone), so the drawing
    goes without them; the PDF's SVG keeps them. Once drawn, the SVG is hidden from assistive
    technology (the div is the image, named by the alt text), and whenever the figure is too narrow
    for ``MIN_TEXT_PX`` text the drawing gives way to its data table.

    Args:
        spec: a Vega-Lite dict.
        alt_text: the chart's alt text (aria-label of the drawing).
        with_bundle: include the Vega JavaScript bundle (once per page).

    Returns:
        An HTML fragment with no external references.
    """
    div_id = _chart_id(spec)
    bundle = _bundle_script() if with_bundle else ""
    drawn = {key: value for key, value in spec.items() if key != "title"}
    # Actions menu off and the SVG renderer, so the drawing is crisp and its text measurable.
    embed = (
        "<script>(function () {\n"
        f'  var el = document.getElementById("{div_id}");\n'
        f"{_FIT_JS}"
        # The bundle unpacks asynchronously (_bundle_script): draw once it has.
        "  Promise.resolve(window.isfVegaReady).then(function () {\n"
        f'  return vegaEmbed(el, {_script_json(drawn)}, {{"actions": false, "renderer": "svg"}}); }})'
        ".then(function () { fit(); if (window.ResizeObserver) new ResizeObserver(fit).observe(fig); })"
        '.catch(function (err) { el.textContent = "This chart could not be drawn: " + err; console.error(err); });\n'
        "})();</script>"
    )
    return (
        f'<figure class="isf-chart" data-isf-min-text="{MIN_TEXT_PX}">\n'
        f"{_caption_html(spec, alt_text)}"
        f'<div id="{div_id}" class="isf-chart-canvas" role="img" aria-label="{html.escape(alt_text)}"></div>\n'
        '<p class="isf-chart-narrow-note">The chart needs a wider screen; its data follows. '
        "Turn the phone or widen the window to see the chart.</p>\n"
        f"{bundle}{embed}\n"
        f"{data_table_html(spec)}"
        "</figure>"
    )


# Runs inside each chart's script (el = the chart div). After drawing: the SVG leaves the accessibility
# tree (Vega marks some groups role="graphics-symbol" with no name: axe svg-img-alt), and fit() swaps
# the drawing for the data table when scaling it to the figure would put its smallest text under the
# minimum. The table opens itself only if fit() opened it, so a reader's own choice stands. (The details
# element comes after this script, so fit() looks it up when it runs, not when the script is parsed.)
_FIT_JS = """  var fig = el.closest("figure");
  function fit() {
    var svg = el.querySelector("svg"), details = fig.querySelector("details.isf-chart-data");
    if (!svg) return;
    svg.setAttribute("aria-hidden", "true");
    var sizes = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
      return parseFloat(getComputedStyle(t).fontSize) || Infinity; });
    var smallest = Math.min.apply(null, sizes.concat([Infinity]));
    var scale = Math.min(1, fig.clientWidth / (parseFloat(svg.getAttribute("width")) || fig.clientWidth));
    var narrow = smallest * scale < parseFloat(fig.dataset.isfMinText);
    fig.classList.toggle("isf-chart-narrow", narrow);
    if (!details) return;
    if (narrow && !details.open) { details.open = true; details.dataset.isfOpened = "fit"; }
    if (!narrow && details.dataset.isfOpened) { details.open = false; delete details.dataset.isfOpened; }
  }
"""


def _caption_html(spec: dict[str, Any], alt_text: str) -> str:
    """Return the figure's ``<figcaption>``: the title (the chart's finding), then the subtitle.

    Args:
        spec: a Vega-Lite dict.
        alt_text: used as the caption when the chart has no title.

    Returns:
        A ``<figcaption>`` element, text escaped.
    """
    title = chart_title(spec) or alt_text
    subtitle = chart_subtitle(spec)
    sub = f' <span class="isf-chart-subtitle">{html.escape(subtitle)}</span>' if subtitle else ""
    return f'<figcaption class="isf-chart-caption"><span class="isf-chart-title">{html.escape(title)}</span>{sub}</figcaption>\n'


def data_table_html(spec: dict[str, Any]) -> str:
    """Return a collapsed "Data behind this chart" table built from the spec's inline data.

    Columns: the spec's ``usermeta.isf.table_columns`` ({field: header}, in that order) when set;
    otherwise every field not starting with ``INTERNAL_PREFIX``, headed by the title the chart's
    encodings give it (else the field name made readable). Each table scrolls in a region named
    "Data behind the chart: <title>", so every chart's data has its own name.

    Args:
        spec: a Vega-Lite dict with data in ``datasets`` or ``data.values`` (at any depth).

    Returns:
        A ``<details>`` element with one table per dataset that has columns to show, HTML-escaped;
        "" when the spec has no inline data.
    """
    title = chart_title(spec) or chart_alt_text(spec)
    columns = _explicit_columns(spec)
    titles = _field_titles(spec)
    datasets = [rows for rows in inline_datasets(spec) if rows]
    tables = [table for rows in datasets if (table := _table_html(rows, columns, titles))]
    if not tables:
        return ""
    name = f"Data behind the chart: {title}"
    regions = [
        f'<div class="{REGION_CLASS}" role="region" tabindex="0" aria-label="'
        f'{html.escape(name if len(tables) == 1 else f"{name} (table {number} of {len(tables)})")}">{table}</div>'
        for number, table in enumerate(tables, start=1)
    ]
    # The comment and the attribute stop Quarto from turning these tables into pandoc tables.
    return (
        '<details class="isf-chart-data">\n<summary>Data behind this chart'
        f'<span class="visually-hidden">: {html.escape(title)}</span></summary>\n'
        "<!--| quarto-html-table-processing: none -->\n" + "\n".join(regions) + "\n</details>\n"
    )


def _explicit_columns(spec: dict[str, Any]) -> dict[str, str] | None:
    """Return the spec's own table columns, ``usermeta.isf.table_columns``, if it sets them.

    Args:
        spec: a Vega-Lite dict.

    Returns:
        {field: header} in display order, or None.
    """
    usermeta = spec.get("usermeta")
    meta = usermeta.get(USERMETA_KEY) if isinstance(usermeta, dict) else None
    columns = meta.get("table_columns") if isinstance(meta, dict) else None
    return {str(field): str(header) for field, header in columns.items()} if isinstance(columns, dict) else None


def _field_titles(spec: dict[str, Any]) -> dict[str, str]:
    """Return the titles the chart's encodings give its fields (tooltips, axes, legends).

    Args:
        spec: a Vega-Lite dict (searched at any depth).

    Returns:
        {field: title}, the first string title met for each field.
    """
    titles: dict[str, str] = {}
    pending: list[Any] = [spec]
    while pending:
        node = pending.pop(0)
        if isinstance(node, dict):
            field, title = node.get("field"), node.get("title")
            if isinstance(field, str) and isinstance(title, str) and title.strip():
                titles.setdefault(field, " ".join(title.split()))
            pending.extend(value for key, value in node.items() if key not in ("data", "datasets"))
        elif isinstance(node, list):
            pending.extend(node)
    return titles


def _readable(field: str) -> str:
    """Return a field name as a column header: "asked_by" -> "Asked by".

    Args:
        field: a data field name.

    Returns:
        Words with the first one capitalised.
    """
    words = " ".join(field.replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else field


def _bundle_script() -> str:
    """Return the bundle in a script tag, unpacked by the browser and run at most once per page.

    The page carries the bundle gzipped (``packed_vega_bundle``); the browser's DecompressionStream
    unpacks it and runs it in its own function scope (so two copies' top-level consts never collide),
    and ``window.isfVegaReady`` resolves when ``vegaEmbed`` is there. Chart scripts wait for it.

    Returns:
        A ``<script>`` element.
    """
    return (
        f"<script {BUNDLE_MARKER}>(function () {{ if (window.vegaEmbed || window.isfVegaReady) return;\n"
        f'  var packed = "{packed_vega_bundle()}";\n'
        "  var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });\n"
        '  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));\n'
        "  window.isfVegaReady = new Response(stream).text().then(function (code) { new Function(code)(); });\n"
        "})();</script>\n"
    )


def _chart_id(spec: dict[str, Any]) -> str:
    """Return a page-unique, reproducible id for the chart's div.

    Args:
        spec: a Vega-Lite dict.

    Returns:
        An id such as ``isf-chart-3-1a2b3c4d``.
    """
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"isf-chart-{next(_chart_numbers)}-{digest}"


def _script_json(value: Any) -> str:
    """Return JSON safe to write inside a ``<script>`` element.

    Args:
        value: a JSON-serialisable value.

    Returns:
        JSON text with ``<``, ``>`` and ``&`` as unicode escapes, so data can never close the script.
    """
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def inline_datasets(spec: dict[str, Any]) -> list[list[Any]]:
    """Return every inline dataset of a spec: top-level ``datasets`` and any ``data.values``.

    Args:
        spec: a Vega-Lite dict (layers, concatenations and facets are searched too).

    Returns:
        A list of row lists, in the order found.
    """
    found = [rows for rows in spec.get("datasets", {}).values() if isinstance(rows, list)]
    pending: list[Any] = [spec]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                found.append(data["values"])
            pending.extend(value for key, value in node.items() if key not in ("data", "datasets"))
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _table_html(rows: list[Any], columns: dict[str, str] | None, titles: dict[str, str]) -> str:
    """Return one dataset as an HTML table, every value escaped.

    Args:
        rows: Vega-Lite data values (dicts, or bare values shown in a ``data`` column).
        columns: {field: header} to show, in order (None: every field not starting with ``_``).
        titles: headers for fields ``columns`` does not cover (fields without one are made readable).

    Returns:
        A ``<table>`` element, cut at ``MAX_TABLE_ROWS`` rows with a note saying so; "" when the
        dataset has none of the columns to show.
    """
    records = [row if isinstance(row, dict) else {"data": row} for row in rows]
    present = list(dict.fromkeys(key for record in records for key in record))
    if columns is None:
        columns = {}
        for f in present:
            if f.startswith(INTERNAL_PREFIX):
                continue
            # Two fields may share an axis title (a range's start and end): the second goes by its name.
            header = titles.get(f, _readable(f))
            columns[f] = header if header not in columns.values() else _readable(f)
    else:
        columns = {f: header for f, header in columns.items() if f in present}
    if not columns:
        return ""
    # Numbers right-aligned, so digits line up.
    align = {col: ' style="text-align: right"' if _is_numeric(records, col) else "" for col in columns}
    head = "".join(f'<th scope="col"{align[col]}>{html.escape(header)}</th>' for col, header in columns.items())
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{align[col]}>{html.escape(_cell_text(record.get(col)))}</td>" for col in columns)
        + "</tr>"
        for record in records[:MAX_TABLE_ROWS]
    )
    caption = ""
    if len(records) > MAX_TABLE_ROWS:
        caption = f"<caption>First {MAX_TABLE_ROWS} of {len(records)} rows</caption>"
    return (
        f'<table class="isf-chart-table" data-quarto-disable-processing="true">{caption}'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"
    )


def _is_numeric(records: list[dict[str, Any]], column: str) -> bool:
    """Return True when every present value of a column is a number (booleans are not).

    Args:
        records: the dataset's rows.
        column: a key of the rows.

    Returns:
        Whether the column holds numbers only (and at least one).
    """
    values = [record.get(column) for record in records if record.get(column) is not None]
    return bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _cell_text(value: Any) -> str:
    """Return a data value as table text.

    Args:
        value: a JSON value from the spec.

    Returns:
        "" for null, whole floats without ".0", rounded other floats, JSON for lists and dicts.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 4))
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)
