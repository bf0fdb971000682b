"""The executed briefing as readers get it: its title, edition date, title block and visible blocks.

Both renderers read the notebook through :func:`read_briefing` and return a :class:`RenderResult`. What a
notebook may show (see ``helpers.views.markdown`` and ``helpers.views.chart_renderer``): Markdown cells,
``text/markdown`` outputs, and charts from the ``isf`` renderer. Code, printed text and plain-text results
are left out. Any other rich output (a DataFrame's HTML, an image) is an error, as is an error output:
the briefing must not go out with a hole in it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers import fmt
from helpers.views.chart_renderer import BUNDLE_MARKER, CHART_METADATA_KEY
from helpers.views.markdown import TITLE_BLOCK_KEY, TITLE_BLOCK_ROLE


# Cells never shown: papermill's parameters and anything tagged out (the build tags injected cells).
HIDDEN_TAGS = frozenset({"remove-cell", "injected-parameters", "parameters"})


# The papermill parameter holding the edition date, when the notebook metadata has no "date".
DATE_PARAMETER = "as_of"


# Output types that carry nothing for the reader (printed text, warnings, plain results).
SKIPPED_MIME = frozenset({"text/plain"})


_H1 = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)


class RenderError(RuntimeError):
    """The notebook cannot be rendered as it is (an error output, an unsupported output, ...)."""


@dataclass(frozen=True)
class RenderResult:
    """What ``render_briefing`` wrote.

    Attributes:
        html: the self-contained HTML page.
        pdf: the PDF.
        renderer: which engines ran, e.g. ``quarto 1.8.25`` or ``pandoc 3.9 + typst 0.15.2``.
    """

    html: Path
    pdf: Path
    renderer: str


@dataclass(frozen=True)
class Chart:
    """One chart output: its HTML (drawn by vegaEmbed), its SVG (for the PDF) and its alt text."""

    html: str
    svg: str
    alt: str


@dataclass(frozen=True)
class TitleBlock:
    """The dates ``helpers.views.markdown.show_title_block`` recorded (ISO dates, plus a label for readers).

    Attributes:
        kicker: the line above the title.
        information_date: the newest report's date: what the information is current to.
        information_label: that date as readers see it, e.g. "13 Dec 2025" or "c. 13 Dec 2025".
        as_of: the edition date.
        built_on: the day the build ran.
    """

    kicker: str
    information_date: str
    information_label: str
    as_of: str
    built_on: str
    stale_note: str = ""

    @property
    def dateline(self) -> str:
        """The line under the title: "Information current to 13 Dec 2025 (newest report) · Edition ... · Built ..."."""
        return fmt.dateline(self.information_date, self.information_label, self.as_of, self.built_on, self.stale_note)


@dataclass(frozen=True)
class Briefing:
    """The notebook reduced to what readers see: title block fields and body blocks in order.

    ``blocks`` holds Markdown strings and ``Chart`` objects. ``title_block`` is None when the notebook
    did not call ``show_title_block`` (the title block then shows the edition date alone).
    """

    title: str
    date: str | None
    blocks: list[str | Chart]
    title_block: TitleBlock | None = None


def read_briefing(nb: nbformat.NotebookNode, name: str) -> Briefing:
    """Reduce a notebook to its title, edition date and visible blocks.

    The title is the notebook metadata's ``title``, else the first level-1 heading (which then leaves
    the body, as the title block shows it). The date is the metadata's ``date``, else the
    ``DATE_PARAMETER`` that papermill recorded. A ``show_title_block`` output becomes the title block's
    dates and leaves the body.

    Args:
        nb: an executed notebook.
        name: the notebook's file name, for error messages.

    Returns:
        The briefing.

    Raises:
        RenderError: an error output or an unsupported output (naming the cell), or charts without
            the Vega bundle (cells re-run out of order).
    """
    title, cells = _take_title(nb)
    blocks: list[str | Chart] = []
    title_block = None
    for number, cell in cells:
        if cell.cell_type == "markdown":
            blocks.append(cell.source.strip())
        elif cell.cell_type == "code":
            where = f"{name}, cell {number}"
            title_block = title_block or _title_block(cell, where)
            blocks.extend(_output_blocks(cell, where))
    charts = [block for block in blocks if isinstance(block, Chart)]
    if charts and BUNDLE_MARKER not in charts[0].html:
        raise RenderError(f"{name}: the first chart carries no Vega bundle; re-run the notebook from the top")
    return Briefing(
        title=title or Path(name).stem,
        date=_edition_date(nb.metadata),
        blocks=[block for block in blocks if block],
        title_block=title_block,
    )


def _take_title(nb: nbformat.NotebookNode) -> tuple[str | None, list[tuple[int, nbformat.NotebookNode]]]:
    """Return the briefing title and the visible cells, the title heading taken out of them.

    Args:
        nb: a notebook (its cells are not modified).

    Returns:
        The metadata's ``title``, else the level-1 heading of the first visible Markdown cell (None if
        neither), and ``(cell number, cell)`` pairs for the cells not tagged with ``HIDDEN_TAGS``.
    """
    title = nb.metadata.get("title")
    looking = title is None
    cells = []
    for number, cell in enumerate(nb.cells, start=1):
        if HIDDEN_TAGS.intersection(cell.metadata.get("tags", [])):
            continue
        if looking and cell.cell_type == "markdown":
            looking = False
            if heading := _H1.search(cell.source):
                title = heading["title"]
                cell = nbformat.from_dict({**cell, "source": cell.source[: heading.start()] + cell.source[heading.end() :]})
        cells.append((number, cell))
    return title, cells


def _output_blocks(cell: nbformat.NotebookNode, where: str) -> list[str | Chart]:
    """Return the visible blocks of one code cell's outputs.

    Args:
        cell: a code cell.
        where: "notebook, cell N", for error messages.

    Returns:
        Markdown strings and charts; streams and plain-text results are dropped.

    Raises:
        RenderError: an error output, or a rich output that is neither Markdown nor an ``isf`` chart.
    """
    blocks: list[str | Chart] = []
    for output in cell.outputs:
        if output.output_type == "error":
            raise RenderError(f"{where}: the notebook holds an error ({output.ename}: {output.evalue}); fix it and rebuild")
        if output.output_type == "stream" or _is_title_block(output):
            continue
        data = output.get("data", {})
        if CHART_METADATA_KEY in output.get("metadata", {}):
            meta = output.metadata[CHART_METADATA_KEY]
            blocks.append(Chart(html=data["text/html"], svg=data["image/svg+xml"], alt=meta["alt"]))
        elif "text/markdown" in data:
            blocks.append(data["text/markdown"])
        elif set(data) - SKIPPED_MIME:
            raise RenderError(
                f"{where}: output types {sorted(data)} cannot go in both the page and the PDF; show text "
                "with helpers.views.markdown.show_md (tables: md_table) and charts with chart_renderer.enable()"
            )
    return blocks


def _is_title_block(output: nbformat.NotebookNode) -> bool:
    """Return whether an output is the one ``helpers.views.markdown.show_title_block`` displays.

    Args:
        output: a code cell's output.

    Returns:
        True when its metadata carries the title-block role.
    """
    meta = output.get("metadata", {}).get(TITLE_BLOCK_KEY)
    return isinstance(meta, dict) and meta.get("role") == TITLE_BLOCK_ROLE


def _title_block(cell: nbformat.NotebookNode, where: str) -> TitleBlock | None:
    """Return the title block a cell's ``show_title_block`` output recorded, if any.

    Args:
        cell: a code cell.
        where: "notebook, cell N", for error messages.

    Returns:
        The title block, or None when the cell has no such output.

    Raises:
        RenderError: the output lacks a field or a date is not YYYY-MM-DD (naming the field).
    """
    for output in cell.get("outputs", []):
        if not _is_title_block(output):
            continue
        meta = output.metadata[TITLE_BLOCK_KEY]
        fields = {}
        for name in ("kicker", "information_date", "information_label", "as_of", "built_on"):
            value = meta.get(name)
            if name.startswith("information") and value == "":
                fields[name] = ""  # an edition before any report: no information date to show
                continue
            if not isinstance(value, str) or not value.strip():
                raise RenderError(f"{where}: the title block has no {name}; call helpers.views.markdown.show_title_block")
            if name in ("information_date", "as_of", "built_on") and not _is_iso_date(value):
                raise RenderError(f"{where}: the title block's {name} {value!r} is not a date (YYYY-MM-DD)")
            fields[name] = value.strip()
        # optional: how old the newest report is, when past the staleness setting
        fields["stale_note"] = str(meta.get("stale_note") or "").strip()
        return TitleBlock(**fields)
    return None


def _is_iso_date(value: str) -> bool:
    """Return whether text is a YYYY-MM-DD date.

    Args:
        value: text.

    Returns:
        True for a valid ISO date.
    """
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _edition_date(metadata: nbformat.NotebookNode) -> str | None:
    """Return the edition date as the notebook records it.

    Args:
        metadata: notebook metadata (``date``, or papermill's ``parameters``).

    Returns:
        The metadata's ``date``, else the ``DATE_PARAMETER`` papermill recorded, else None.
    """
    parameter = metadata.get("papermill", {}).get("parameters", {}).get(DATE_PARAMETER)
    value = metadata.get("date") or parameter
    return str(value) if value else None


def hex_codes(chars: list[str]) -> list[str]:
    """Return characters as hex code points for the typst templates' ``\\u{...}`` escapes.

    Args:
        chars: characters.

    Returns:
        e.g. ``["31350"]``.
    """
    return [f"{ord(char):X}" for char in chars]
