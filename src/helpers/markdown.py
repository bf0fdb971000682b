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
import math
import string
from collections.abc import Mapping, Sequence

import pandas as pd
from IPython.display import display

from helpers import fmt

MISSING = "—"
# Output metadata key and role that helpers.render reads for the title block of both renderers.
TITLE_BLOCK_KEY = "isf"
TITLE_BLOCK_ROLE = "title-block"
KICKER = "Analytical briefing"
_PUNCTUATION = frozenset(string.punctuation)
# Relative column widths only matter when a table row is wider than pandoc's 72 columns; cap them so
# one long quote cannot squeeze the other columns to nothing.
# Pipe-table dashes set relative column widths in pandoc; below 10 a short code column ("S000")
# gets too narrow for its header in the PDF.
_MIN_WIDTH, _MAX_WIDTH = 10, 40


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
    body = [[escape_md(_cell_text(value)) for value in row] for row in df[columns].itertuples(index=False)]
    rule = [_rule(df[col], len(head[i]), [row[i] for row in body]) for i, col in enumerate(columns)]
    return "\n".join(_row(cells) for cells in [head, rule, *body])


def show_md(text: str) -> None:
    """Display Markdown as a ``text/markdown`` output, the one text output both renderers read.

    Args:
        text: Markdown; escape data inside it with ``escape_md`` or build tables with ``md_table``.
    """
    display({"text/markdown": text}, raw=True)


def show_title_block(fields: Mapping[str, str]) -> None:
    """Display the title block's dates: a one-line Markdown summary, the fields in output metadata.

    Readers must see the date the information is current to (the newest report's) apart from the
    edition and build dates. helpers.render reads the metadata under ``TITLE_BLOCK_KEY`` for both
    renderers' title blocks and leaves this output out of the body, so the line is not shown twice.
    Call it once, in the briefing's first cell.

    Args:
        fields: ``helpers.briefing.title_block_fields``: kicker, information_date (YYYY-MM-DD, or "" before
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


def _rule(series: pd.Series, header_width: int, cells: list[str]) -> str:
    """Return a column's separator cell: alignment colons and dashes in proportion to its width.

    Args:
        series: the column, to tell numbers (right-aligned) from text.
        header_width: the escaped header's length.
        cells: the column's escaped cells.

    Returns:
        e.g. ``:-----`` or ``-----:``.
    """
    width = min(_MAX_WIDTH, max([_MIN_WIDTH, header_width, *(len(cell) for cell in cells)]))
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return "-" * width + ":" if numeric else ":" + "-" * width


def _row(cells: list[str]) -> str:
    """Return one pipe-table line.

    Args:
        cells: the line's cells, already escaped.

    Returns:
        ``| a | b |``.
    """
    return "| " + " | ".join(cells) + " |"
