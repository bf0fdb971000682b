"""An Altair renderer whose charts draw offline in the HTML page and print as vectors in the PDF.

Each chart output carries three MIME types (see shared/STACK.md, "Altair, offline"):

- ``text/html``: a ``<figure>`` with a div that ``vegaEmbed`` draws into, plus a "Data behind this chart"
  table for readers who cannot see the chart. The Vega JavaScript bundle rides along in the first chart
  output of the kernel process only, so a page holds one copy of it.
- ``image/svg+xml``: the same chart drawn by vl-convert, which Quarto's typst writer and our fallback
  renderer put in the PDF.
- ``text/plain``: the alt text.

The alt text comes from the chart's top-level ``description`` (chart functions set it with
``.properties(description=...)``) and is also kept in the output metadata under ``CHART_METADATA_KEY``
so the renderer can give the PDF image the same alt text.

Usage, once at the top of a notebook::

    from helpers import chart_renderer
    chart_renderer.enable()
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

from helpers import paths

RENDERER_NAME = "isf"
THEME_NAME = "isf"
CHART_METADATA_KEY = "isf-chart"
# Marks the script that carries the Vega bundle, so the renderer can check a page has one.
BUNDLE_MARKER = "data-isf-vega-bundle"

FONT = "DejaVu Sans"
# Named first so vl-convert and typst use DejaVu (installed on Debian via fonts-dejavu-core; plain
# sans-serif becomes a serif face in typst). Verdana has near-identical metrics for readers without it.
FONT_STACK = f"{FONT}, Verdana, Arial, sans-serif"
# Okabe-Ito colour-blind-safe palette, strongest contrasts first; yellow is last as it is faint on white.
PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
]
TEXT_COLOR = "#222222"
MUTED_COLOR = "#555555"
CHART_WIDTH = 640
CHART_HEIGHT = 300
# The data table is a fallback for reading values, not an export: keep pages light.
MAX_TABLE_ROWS = 500

# vl-convert wants "major.minor" of the Vega-Lite version Altair writes ("v6.4.1" -> "6.4").
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])

_bundle_pending = True
_chart_numbers = itertools.count(1)


def enable() -> None:
    """Register and enable the ``isf`` renderer and theme.

    Also marks the Vega bundle as not yet sent, so the next chart displayed carries it: call this once
    at the top of every notebook (each notebook is a fresh page).
    """
    global _bundle_pending
    alt.renderers.register(RENDERER_NAME, render_chart)
    alt.renderers.enable(RENDERER_NAME)
    alt.theme.register(THEME_NAME, enable=True)(theme)
    _bundle_pending = True


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
    svg = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    bundle = {
        "text/html": chart_html(spec, alt_text, with_bundle=_bundle_pending),
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


def chart_html(spec: dict[str, Any], alt_text: str, with_bundle: bool) -> str:
    """Return the chart's HTML: a figure whose div vegaEmbed draws into, and its data table.

    Args:
        spec: a Vega-Lite dict.
        alt_text: the chart's alt text (aria-label of the drawing).
        with_bundle: include the Vega JavaScript bundle (once per page).

    Returns:
        An HTML fragment with no external references.
    """
    div_id = _chart_id(spec)
    bundle = _bundle_script() if with_bundle else ""
    # Scripts run with the actions menu off and the SVG renderer, so the drawing is crisp and selectable.
    embed = (
        "<script>(function () {\n"
        f'  var el = document.getElementById("{div_id}");\n'
        f'  vegaEmbed(el, {_script_json(spec)}, {{"actions": false, "renderer": "svg"}})'
        '.catch(function (err) { el.textContent = "This chart could not be drawn: " + err; console.error(err); });\n'
        "})();</script>"
    )
    return (
        '<figure class="isf-chart">\n'
        f'<div id="{div_id}" class="isf-chart-canvas" role="img" aria-label="{html.escape(alt_text)}"></div>\n'
        f"{bundle}{embed}\n"
        f"{data_table_html(spec)}"
        "</figure>"
    )


def data_table_html(spec: dict[str, Any]) -> str:
    """Return a collapsed "Data behind this chart" table built from the spec's inline data.

    Args:
        spec: a Vega-Lite dict with data in ``datasets`` or ``data.values`` (at any depth).

    Returns:
        A ``<details>`` element with one table per dataset, HTML-escaped; "" when the spec has no
        inline data.
    """
    tables = [_table_html(rows) for rows in inline_datasets(spec) if rows]
    if not tables:
        return ""
    # The comment and the attribute stop Quarto from turning these tables into pandoc tables.
    return (
        '<details class="isf-chart-data">\n<summary>Data behind this chart</summary>\n'
        "<!--| quarto-html-table-processing: none -->\n" + "\n".join(tables) + "\n</details>\n"
    )


@functools.cache
def vega_bundle() -> str:
    """Return the Vega + Vega-Lite + vega-embed JavaScript bundle.

    vl-convert takes 1.2-3 s to build it, so it is kept in memory and in ``paths.CACHE_DIR`` (keyed by
    the vl-convert and Vega-Lite versions) for the next kernel.

    Returns:
        JavaScript that sets ``window.vegaEmbed``.
    """
    cached = paths.CACHE_DIR / f"vega-bundle-vlc{vlc.__version__}-vl{VL_VERSION}.js"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    # pandoc (and so Quarto) expands tabs in raw HTML. The bundle's tabs all sit inside string
    # literals, where the two characters \t mean the same thing.
    bundle = vlc.javascript_bundle(vl_version=VL_VERSION).replace("\t", "\\t")
    _write_cache(cached, bundle)
    return bundle


def _write_cache(path: Path, text: str) -> None:
    """Write a cache file atomically; a cache that cannot be written is only a missed speed-up.

    Args:
        path: the cache file.
        text: its content.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as tmp:
            tmp.write(text)
        os.replace(tmp.name, path)
    except OSError:
        pass


def _bundle_script() -> str:
    """Return the bundle in a script tag, in its own function scope and loaded at most once per page.

    Returns:
        A ``<script>`` element.
    """
    # The function scope keeps the bundle's top-level consts from colliding with another copy.
    return f"<script {BUNDLE_MARKER}>(function () {{ if (window.vegaEmbed) return;\n{vega_bundle()}\n}})();</script>\n"


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


def _table_html(rows: list[Any]) -> str:
    """Return one dataset as an HTML table, every value escaped.

    Args:
        rows: Vega-Lite data values (dicts, or bare values shown in a ``data`` column).

    Returns:
        A ``<table>`` element, cut at ``MAX_TABLE_ROWS`` rows with a note saying so.
    """
    records = [row if isinstance(row, dict) else {"data": row} for row in rows]
    columns = list(dict.fromkeys(key for record in records for key in record))
    # Numbers right-aligned, so digits line up.
    align = {col: ' style="text-align: right"' if _is_numeric(records, col) else "" for col in columns}
    head = "".join(f'<th scope="col"{align[col]}>{html.escape(str(col))}</th>' for col in columns)
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
