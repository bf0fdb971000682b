"""Safe text for notebook outputs: data printed as Markdown reads literally in the HTML page and the PDF.

Notebooks show prose and tables as ``text/markdown`` outputs only. A ``text/html`` output would make
Quarto add CDN script tags to the page (shared/STACK.md), and the typst PDF cannot show it.

Any ASCII punctuation can be backslash-escaped in pandoc's Markdown (and in CommonMark, which
JupyterLab uses), so escaping all of it turns off every Markdown, raw HTML, math (``$``), citation
(``@``), Quarto shortcode and smart-punctuation rule at once. pandoc then escapes what typst needs
(``#``, ``$``, ``@``, ``<``, ``=``) itself, and HTML-escapes ``<``, ``>`` and ``&`` for the page.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import string
from collections.abc import Mapping, Sequence

import pandas as pd
from IPython.display import display

from helpers import fmt
from helpers.views import fonts

MISSING = "—"
# Output metadata key and role that helpers.publish.render reads for the title block of both renderers.
TITLE_BLOCK_KEY = "isf"
TITLE_BLOCK_ROLE = "title-block"
KICKER = "Analytical briefing"
_PUNCTUATION = frozenset(string.punctuation)
# Column widths come from the content as the PDF sets it (typst: DejaVu Sans 8.5 pt, bold header, 5 pt
# padding each side, on an A4 page with 2.2 cm margins; assets/styles.typ). Each column gets at least
# its longest word, so no word runs into the next cell; the rest of the line goes to the columns
# whose text wraps, in proportion to how much they would need. pandoc takes a pipe table's dashes as
# relative widths once the rule line is longer than 72 characters (so: 200 dashes in all, fine enough).
TABLE_FONT_PT = 8.5
TABLE_PADDING_PT = 10.0
TABLE_WIDTH_PT = 595.28 - 2 * 62.36
_RULE_DASHES = 200
# Relative column widths only matter when a table row is wider than pandoc's 72 columns; cap them so
# one long quote cannot squeeze the other columns to nothing.
# Pipe-table dashes set relative column widths in pandoc; below 10 a short code column ("S000")
# gets too narrow for its header in the PDF.
_MIN_WIDTH, _MAX_WIDTH = 10, 40
# pandoc's raw blocks (```{=html} ... ```) and bracketed spans with attributes ([S000]{#src-S000}): JupyterLab
# shows both literally (lab_markdown). A span's text may hold escaped brackets.
_RAW_BLOCK = re.compile(r"^```\{=(?P<format>[A-Za-z0-9_-]+)\}\n(?P<body>.*?)\n```[ \t]*$", re.M | re.S)
_ATTRIBUTE_SPAN = re.compile(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\{[#.][^}]*\}")
# pandoc's superscript (^S001,\ S002^: a space inside is escaped), the briefing's source marks
_SUPERSCRIPT = re.compile(r"(?<!\\)\^((?:[^^\s\\]|\\.)+)\^")
_lab_display = False


def escape_md(text: str) -> str:
    """Return text that prints literally through pandoc (HTML and typst) and in JupyterLab.

    Args:
        text: arbitrary data text (quotes, actor names, ...).

    Returns:
        The text on one line (runs of whitespace, newlines included, become one space), with every
        ASCII punctuation character backslash-escaped.
    """
    one_line = " ".join(str(text).split())
    return "".join(f"\\{char}" if char in _PUNCTUATION else char for char in one_line)


def md_table(
    df: pd.DataFrame,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """Return a DataFrame as a pandoc pipe table with every cell escaped.

    Args:
        df: the rows to show, in order.
        columns: the columns to show, in order (default: all).
        headers: display names for some columns (default: the column names).

    Returns:
        Markdown pipe-table text. Numeric columns are right-aligned; missing values show as ``—``;
        whole floats lose their ``.0``; newlines inside cells become spaces.

    Raises:
        KeyError: a requested column is not in ``df``.
    """
    columns = list(df.columns if columns is None else columns)
    missing = [col for col in columns if col not in df.columns]
    if missing:
        raise KeyError(f"md_table: no column(s) {missing} in the table; it has {list(df.columns)}")
    headers = headers or {}
    head = [escape_md(headers.get(col, str(col))) for col in columns]
    texts = [[_cell_text(value) for value in row] for row in df[columns].itertuples(index=False)]
    body = [[escape_md(text) for text in row] for row in texts]
    widths = column_widths([str(headers.get(col, col)) for col in columns], texts)
    rule = [_rule(df[col], dashes) for col, dashes in zip(columns, widths)]
    return "\n".join(_row(cells) for cells in [head, rule, *body])


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total: int = _RULE_DASHES) -> list[int]:
    """Return each column's share of the table's width, from the text it holds, as it prints.

    Every column gets at least its longest word (the header's in bold) plus padding; when everything
    fits on one line per cell, columns get their full text's width; otherwise the space left after
    the longest words goes to the columns in proportion to the extra width their text asks for.

    Args:
        headers: the header texts (unescaped).
        rows: the cell texts (unescaped), one list per row.
        total: what the shares add up to.

    Returns:
        Integer shares, each at least 1, adding up to about ``total``.
    """
    def width(text: str, bold: bool = False) -> float:
        return fonts.text_width(text, TABLE_FONT_PT, bold)

    columns = list(zip(*rows)) if rows else [()] * len(headers)
    least, most = [], []
    for header, cells in zip(headers, columns):
        words = [(word, False) for cell in cells for word in cell.split()] + [(word, True) for word in header.split()]
        least.append(max((width(word, bold) for word, bold in words), default=0.0) + TABLE_PADDING_PT)
        most.append(max([width(header, True), *(width(cell) for cell in cells)]) + TABLE_PADDING_PT)
    if sum(most) <= TABLE_WIDTH_PT:
        shares = most
    elif sum(least) >= TABLE_WIDTH_PT:
        shares = least
    else:
        spare, wants = TABLE_WIDTH_PT - sum(least), [m - low for m, low in zip(most, least)]
        shares = [low + spare * want / sum(wants) for low, want in zip(least, wants)]
    scale = total / sum(shares) if sum(shares) else 0
    return [max(1, math.ceil(share * scale)) for share in shares]
def use_lab_display(on: bool) -> None:
    """Shape outputs for reading in JupyterLab (``helpers.lab.working.parameters`` turns this on by hand, off in a build).

    Args:
        on: True when a person runs the notebook; False when a build runs it for the renderers.
    """
    global _lab_display
    _lab_display = on


def lab_display() -> bool:
    """True when outputs are shaped for JupyterLab rather than for the renderers."""
    return _lab_display


def lab_markdown(text: str) -> str:
    """Return the renderers' Markdown as JupyterLab's CommonMark shows it well.

    JupyterLab shows pandoc's extensions literally: a raw ```` ```{=html} ```` block becomes a code block
    (with its ``data:`` links, a screen of base64) and ``[S000]{#src-S000}`` prints its braces. So a raw
    HTML block becomes its text, a block for another format (typst) is dropped, a bracketed span
    with attributes becomes its text, and a superscript (``^S001,\\ S002^``, the source marks) becomes
    ``<sup>S001, S002</sup>``.

    Args:
        text: Markdown written for pandoc and Quarto.

    Returns:
        The same content without renderer-only markup.
    """
    def raw_block(match: re.Match[str]) -> str:
        if match.group("format") != "html":
            return ""
        words = html.unescape(re.sub(r"<[^>]+>", "", match.group("body")))
        return f"*In the page:* {escape_md(words)}"

    text = _RAW_BLOCK.sub(raw_block, text)
    text = _ATTRIBUTE_SPAN.sub(lambda m: m.group(1), text)
    text = _SUPERSCRIPT.sub(lambda m: "<sup>" + m.group(1).replace("\\ ", " ") + "</sup>", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def show_md(text: str) -> None:
    """Display Markdown as a ``text/markdown`` output, the one text output both renderers read.

    In JupyterLab (:func:`use_lab_display`) renderer-only markup is left out (:func:`lab_markdown`) and
    an empty text shows nothing.

    Args:
        text: Markdown; escape data inside it with ``escape_md`` or build tables with ``md_table``.
    """
    if _lab_display:
        text = lab_markdown(text)
        if not text.strip():
            return
    display({"text/markdown": text}, raw=True)


def show_note(written_for: str, as_of: str, text: str) -> None:
    """Display an analyst's note in the edition it was written for, and in no other.

    Markdown written straight into a notebook cell shows in every edition, back-dated ones included;
    a note given its edition's date does not leak. Key judgements belong in the judgements file instead.

    Args:
        written_for: the edition date the note was written for, YYYY-MM-DD.
        as_of: the edition being made (the notebook's parameter).
        text: the note, Markdown.

    Raises:
        ValueError: ``written_for`` is not YYYY-MM-DD.
    """
    try:
        dt.date.fromisoformat(written_for)
    except ValueError:
        raise ValueError(f"show_note: written_for {written_for!r} is not a date (YYYY-MM-DD)") from None
    if written_for == as_of:
        show_md(text)
    elif _lab_display:
        show_md(f"*A note written for the edition of {escape_md(fmt.date_label(written_for))} is not shown in this one.*")


def show_title_block(fields: Mapping[str, str]) -> None:
    """Display the title block's dates: a one-line Markdown summary, the fields in output metadata.

    Readers must see the date the information is current to (the newest report's) apart from the
    edition and build dates. helpers.publish.render reads the metadata under ``TITLE_BLOCK_KEY`` for both
    renderers' title blocks and leaves this output out of the body, so the line is not shown twice.
    Call it once, in the briefing's first cell.

    Args:
        fields: ``helpers.views.briefing.title_block_fields``: kicker, information_date (YYYY-MM-DD, or "" before
            any report), information_label ("c. 13 Dec 2025"), as_of and built_on (YYYY-MM-DD).

    Raises:
        ValueError: a field is missing or a date is not YYYY-MM-DD (the message names the field).
    """
    meta: dict[str, str] = {"role": TITLE_BLOCK_ROLE}
    for name in ("kicker", "information_date", "information_label", "as_of", "built_on"):
        value = str(fields.get(name, ""))
        if name in ("as_of", "built_on") or (name == "information_date" and value):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"show_title_block: {name} {value!r} is not a date (YYYY-MM-DD)") from None
        meta[name] = value
    meta["stale_note"] = str(fields.get("stale_note", ""))
    line = fmt.dateline(meta["information_date"], meta["information_label"], meta["as_of"], meta["built_on"], meta["stale_note"])
    display({"text/markdown": escape_md(line)}, raw=True, metadata={TITLE_BLOCK_KEY: meta})


def _cell_text(value: object) -> str:
    """Return a cell value as text.

    Args:
        value: any value from a DataFrame.

    Returns:
        ``MISSING`` for None/NaN/NaT, whole floats without ``.0``, else ``str(value)``.
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return MISSING
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _rule(series: pd.Series, dashes: int) -> str:
    """Return a column's separator cell: an alignment colon and dashes for its share of the width.

    Args:
        series: the column, to tell numbers (right-aligned) from text.
        dashes: the column's share (``column_widths``).

    Returns:
        e.g. ``:-----`` or ``-----:``.
    """
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return "-" * dashes + ":" if numeric else ":" + "-" * dashes


def _row(cells: list[str]) -> str:
    """Return one pipe-table line.

    Args:
        cells: the line's cells, already escaped.

    Returns:
        ``| a | b |``.
    """
    return "| " + " | ".join(cells) + " |"
