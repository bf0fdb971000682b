"""Accessibility fixes for the rendered HTML page, shared by the pandoc page and Quarto's post-render step.

- ``make_tables_accessible``: every table scrolls sideways inside its own labelled, keyboard-focusable
  region, so a wide table never makes a phone page scroll sideways (WCAG 1.4.10 reflow) and keyboard
  users can scroll it (axe ``scrollable-region-focusable``).
- ``contrast_ratio`` and ``text_colour_on``: WCAG 2.x contrast, for chart colours and labels.

Standard library only: Quarto runs its post-render script with whatever ``python`` is on PATH.
"""

from __future__ import annotations

import html
import re

# The wrapper's class: a table right after it is already wrapped (keeps the function idempotent).
REGION_CLASS = "isf-table-scroll"
# Minimum contrast (WCAG 2.x) for normal-size text.
TEXT_CONTRAST = 4.5

# One pass over the page: scripts and styles are skipped whole (the Vega bundle holds "<table" in
# strings), headings are remembered for labels, tables are wrapped.
_TOKEN = re.compile(
    r"<(?P<skip>script|style)\b.*?</(?P=skip)\s*>"
    r"|<h(?P<level>[1-6])\b[^>]*>(?P<heading>.*?)</h(?P=level)\s*>"
    r"|(?P<table><table\b[^>]*>.*?</table\s*>)",
    re.IGNORECASE | re.DOTALL,
)
_CAPTION = re.compile(r"<caption\b[^>]*>(?P<text>.*?)</caption>", re.IGNORECASE | re.DOTALL)
_WRAPPED = re.compile(rf"<div\b[^>]*\bclass=\"[^\"]*\b{REGION_CLASS}\b[^\"]*\"[^>]*>\s*", re.IGNORECASE)
_REGION_LABEL = re.compile(r"<div\b[^>]*\brole=\"region\"[^>]*\baria-label=\"(?P<label>[^\"]*)\"", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def make_tables_accessible(page: str) -> str:
    """Wrap every table not yet wrapped in a labelled, focusable scroll region.

    The region is ``<div class="isf-table-scroll" role="region" aria-label="..." tabindex="0">``. Its
    label is the table's caption, else "Table: <nearest heading above>", else "Table"; a label that
    would repeat one on the page gets " (2)", " (3)", ... so every region has a unique name.

    Args:
        page: an HTML page or fragment (tables are not nested in tables).

    Returns:
        The page with every table inside a region; a page whose tables are all wrapped is unchanged.
    """
    used: dict[str, int] = {}
    # Regions already on the page (chart data tables) count, so new labels do not repeat theirs.
    for match in _REGION_LABEL.finditer(page):
        _unique(html.unescape(match["label"]), used)
    pieces: list[str] = []
    heading = ""
    last = 0
    for match in _TOKEN.finditer(page):
        if match["heading"] is not None:
            heading = _plain(match["heading"])
        if match["table"] is None or _wrapped(page, match.start()):
            continue
        label = _unique(_table_label(match["table"], heading), used)
        pieces.append(page[last : match.start()])
        pieces.append(
            f'<div class="{REGION_CLASS}" role="region" aria-label="{html.escape(label)}" tabindex="0">'
            f"{match['table']}</div>"
        )
        last = match.end()
    pieces.append(page[last:])
    return "".join(pieces)


def _wrapped(page: str, start: int) -> bool:
    """Return True when the table at ``start`` opens right after a region div of ``REGION_CLASS``.

    Args:
        page: the HTML page.
        start: where the ``<table`` tag begins.

    Returns:
        Whether the table is already wrapped.
    """
    opening = page.rfind("<div", 0, start)
    return opening >= 0 and _WRAPPED.fullmatch(page, opening, start) is not None


def _table_label(table: str, heading: str) -> str:
    """Return a table's name: its caption, else "Table: " and the nearest heading before it.

    Args:
        table: the ``<table>...</table>`` HTML.
        heading: the text of the last heading before the table ("" if none).

    Returns:
        Plain text, whitespace collapsed.
    """
    caption = _CAPTION.search(table)
    if caption and _plain(caption["text"]):
        return _plain(caption["text"])
    return f"Table: {heading}" if heading else "Table"


def _unique(label: str, used: dict[str, int]) -> str:
    """Return ``label``, numbered when it was used before, and record it.

    Args:
        label: the wanted label.
        used: labels so far and how often each was given (updated).

    Returns:
        ``label`` the first time, then ``label (2)``, ``label (3)``, ...
    """
    used[label] = used.get(label, 0) + 1
    return label if used[label] == 1 else f"{label} ({used[label]})"


def _plain(fragment: str) -> str:
    """Return an HTML fragment's text: tags dropped, entities decoded, whitespace collapsed.

    Args:
        fragment: HTML.

    Returns:
        Plain text.
    """
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _luminance(colour: str) -> float:
    """Return the relative luminance of a ``#RRGGBB`` colour (WCAG 2.x definition).

    Args:
        colour: hex colour such as ``#0072B2`` (``#RGB`` works too).

    Returns:
        A value from 0 (black) to 1 (white).
    """
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(ch * 2 for ch in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours.

    Args:
        first: a ``#RRGGBB`` colour.
        second: another.

    Returns:
        From 1.0 (same luminance) to 21.0 (black on white).
    """
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(fill: str, light: str = "#FFFFFF", dark: str = "#222222") -> str:
    """Return the label colour to write on ``fill``: ``light`` when it reaches 4.5:1, else ``dark``.

    Args:
        fill: the background colour of the label.
        light: the light text colour.
        dark: the dark text colour.

    Returns:
        ``light`` or ``dark``, whichever reads on ``fill`` (``dark`` when neither reaches 4.5:1 and
        it is the stronger).
    """
    if contrast_ratio(light, fill) >= TEXT_CONTRAST:
        return light
    return dark if contrast_ratio(dark, fill) >= contrast_ratio(light, fill) else light
