"""Turn the executed briefing notebook into what readers open: one self-contained HTML page and a PDF.

With Quarto on PATH (and ``ISF_RENDERER`` not ``pandoc``) Quarto renders the notebook with the
project's ``_quarto.yml``; it never re-executes it. Without Quarto the same two engines Quarto drives
do the work: the notebook becomes Markdown here, pandoc writes the HTML page and typst source, and
typst writes the PDF. Either way the function prints one line saying which renderer ran.

What a notebook may show (see ``helpers.markdown`` and ``helpers.chart_renderer``): Markdown cells,
``text/markdown`` outputs, and charts from the ``isf`` renderer. Code, printed text and plain-text
results are left out. Any other rich output (a DataFrame's HTML, an image) is an error, as is an
error output: the briefing must not go out with a hole in it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import nbformat
import pypandoc
import typst
import yaml

from helpers import paths
from helpers.chart_renderer import BUNDLE_MARKER, CHART_METADATA_KEY
from helpers.html_a11y import make_tables_accessible

# Cells never shown: papermill's parameters and anything tagged out (the build tags injected cells).
HIDDEN_TAGS = frozenset({"remove-cell", "injected-parameters", "parameters"})
# The papermill parameter holding the edition date, when the notebook metadata has no "date".
DATE_PARAMETER = "as_of"
KICKER = "Analytical briefing"
# The name _quarto.yml's `project: render:` list expects.
STAGED_NOTEBOOK = "briefing.ipynb"
QUARTO_HINT = "install Quarto: conda install -c conda-forge quarto, or pip install quarto-cli"
# Output types that carry nothing for the reader (printed text, warnings, plain results).
SKIPPED_MIME = frozenset({"text/plain"})
_ASSETS = Path(__file__).parent / "assets"
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
class Briefing:
    """The notebook reduced to what readers see: title block fields and body blocks in order.

    ``blocks`` holds Markdown strings and ``Chart`` objects.
    """

    title: str
    date: str | None
    blocks: list[str | Chart]


def render_briefing(executed_notebook: Path, out_dir: Path) -> RenderResult:
    """Render an executed notebook to ``<stem>.html`` and ``<stem>.pdf`` in ``out_dir``.

    Args:
        executed_notebook: the notebook papermill wrote (outputs included).
        out_dir: where the HTML page and the PDF go (created if missing).

    Returns:
        The paths written and the renderer used.

    Raises:
        RenderError: the notebook holds an error output or an output neither format can show.
    """
    nb = nbformat.read(executed_notebook, as_version=4)
    briefing = read_briefing(nb, executed_notebook.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    quarto = shutil.which("quarto")
    if quarto and os.environ.get("ISF_RENDERER") != "pandoc":
        result = render_with_quarto(quarto, nb, briefing, out_dir / executed_notebook.stem)
        print(f"render: {result.renderer}")
    else:
        result = render_with_pandoc(briefing, out_dir / executed_notebook.stem)
        reason = "quarto not found" if quarto is None else "ISF_RENDERER=pandoc"
        print(f"render: {reason}; rendered with {result.renderer} ({QUARTO_HINT})")
    return result


def read_briefing(nb: nbformat.NotebookNode, name: str) -> Briefing:
    """Reduce a notebook to its title, edition date and visible blocks.

    The title is the notebook metadata's ``title``, else the first level-1 heading (which then leaves
    the body, as the title block shows it). The date is the metadata's ``date``, else the
    ``DATE_PARAMETER`` that papermill recorded.

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
    for number, cell in cells:
        if cell.cell_type == "markdown":
            blocks.append(cell.source.strip())
        elif cell.cell_type == "code":
            blocks.extend(_output_blocks(cell, f"{name}, cell {number}"))
    charts = [block for block in blocks if isinstance(block, Chart)]
    if charts and BUNDLE_MARKER not in charts[0].html:
        raise RenderError(f"{name}: the first chart carries no Vega bundle; re-run the notebook from the top")
    return Briefing(
        title=title or Path(name).stem,
        date=_edition_date(nb.metadata),
        blocks=[block for block in blocks if block],
    )


def render_with_pandoc(briefing: Briefing, stem: Path) -> RenderResult:
    """Write ``stem``.html with pandoc and ``stem``.pdf with pandoc + typst.

    Args:
        briefing: the notebook's visible content.
        stem: output path without suffix.

    Returns:
        The paths written and ``pandoc X + typst Y``.
    """
    front = _front_matter(briefing)
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    html_path.write_text(_html_page(front, briefing.blocks), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="isf-render-") as work:
        typ_path = _write_typst(front, briefing.blocks, Path(work))
        typst.compile(str(typ_path), output=str(pdf_path))
    engines = f"pandoc {pypandoc.get_pandoc_version()} + typst {version('typst')}"
    return RenderResult(html=html_path, pdf=pdf_path, renderer=engines)


def render_with_quarto(quarto: str, nb: nbformat.NotebookNode, briefing: Briefing, stem: Path) -> RenderResult:
    """Render with Quarto: stage the notebook in a copy of the Quarto project, render html and typst.

    The staged copy gets a front-matter cell (title, date), loses its title heading and its hidden
    cells, and is rendered as it is (``execute: enabled: false`` in ``_quarto.yml``; no --execute).

    Args:
        quarto: the quarto executable.
        nb: the executed notebook.
        briefing: its title and date, as the fallback reads them.
        stem: output path without suffix.

    Returns:
        The paths written and ``quarto <version>``.
    """
    with tempfile.TemporaryDirectory(prefix="isf-quarto-") as work:
        project = Path(work)
        staged = stage_quarto_project(nb, briefing, project)
        # A project render (no file argument) so the post-render script surely runs.
        for fmt in ("html", "typst"):
            subprocess.run([quarto, "render", "--to", fmt], cwd=project, check=True)
        html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
        shutil.move(staged.with_suffix(".html"), html_path)
        shutil.move(staged.with_suffix(".pdf"), pdf_path)
    version = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return RenderResult(html=html_path, pdf=pdf_path, renderer=f"quarto {version}")


def stage_quarto_project(nb: nbformat.NotebookNode, briefing: Briefing, project: Path) -> Path:
    """Copy the Quarto project files into ``project`` and write the notebook to render there.

    Args:
        nb: the executed notebook (left unchanged).
        briefing: title and date for the front matter.
        project: an empty folder.

    Returns:
        The staged notebook's path.
    """
    for relative in paths.QUARTO_PROJECT_FILES:
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.ROOT / relative, target)
    staged = nbformat.from_dict(nb)
    staged.cells = [cell for _, cell in _take_title(staged)[1]]
    fields = {"title": briefing.title, "date": briefing.date}
    front = yaml.safe_dump({key: value for key, value in fields.items() if value}, allow_unicode=True, sort_keys=False)
    staged.cells.insert(0, nbformat.v4.new_raw_cell(f"---\n{front}---"))
    path = project / STAGED_NOTEBOOK
    nbformat.write(staged, path)
    return path


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
        if output.output_type == "stream":
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
                "with helpers.markdown.show_md (tables: md_table) and charts with chart_renderer.enable()"
            )
    return blocks


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


def _display_date(value: str) -> str:
    """Return a date for the title block (Quarto does the same with ``date-format`` in _quarto.yml).

    Args:
        value: an ISO date (time part ignored) or free text.

    Returns:
        e.g. "20 November 2025"; text that is not an ISO date, unchanged.
    """
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def _front_matter(briefing: Briefing) -> str:
    """Return YAML metadata (title, kicker, date) whose strings pandoc reads as Markdown.

    Args:
        briefing: title and date.

    Returns:
        YAML text without the ``---`` fences, the date as the title block shows it.
    """
    fields = {"title": briefing.title, "kicker": KICKER, "lang": "en-GB"}
    if briefing.date:
        fields["date"] = _display_date(briefing.date)
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)


def _html_page(front: str, blocks: list[str | Chart]) -> str:
    """Return the self-contained HTML page.

    Charts go in after pandoc: pandoc would expand tabs in, and take 10x longer over, the 0.9 MB of
    JavaScript, and it has nothing to do with them. Each chart leaves a placeholder comment. Every
    table scrolls inside a labelled, focusable region (``html_a11y.make_tables_accessible``).

    Args:
        front: YAML metadata.
        blocks: Markdown strings and charts.

    Returns:
        HTML text with no external references.
    """
    charts = [block for block in blocks if isinstance(block, Chart)]
    slots = iter(range(len(charts)))
    body = [block if isinstance(block, str) else f"```{{=html}}\n<!--isf-chart-{next(slots)}-->\n```" for block in blocks]
    page = pypandoc.convert_text(
        _markdown(front, body),
        "html5",
        format="markdown-implicit_figures",
        extra_args=[
            "--standalone",
            "--embed-resources",
            "--toc",
            "--toc-depth=2",
            f"--template={_ASSETS / 'briefing.html'}",
            f"--css={_ASSETS / 'briefing.css'}",
        ],
    )
    # Before the charts go in: their tables are already in regions, and the scan skips 0.9 MB of JS.
    page = make_tables_accessible(page)
    for number, chart in enumerate(charts):
        page = page.replace(f"<!--isf-chart-{number}-->", chart.html, 1)
    return page


def _write_typst(front: str, blocks: list[str | Chart], work: Path) -> Path:
    """Write the typst source and the chart SVGs it shows into ``work``.

    Args:
        front: YAML metadata.
        blocks: Markdown strings and charts.
        work: a scratch folder (the PDF embeds the SVGs, so they need not outlive the compile).

    Returns:
        The ``.typ`` file's path.
    """
    body: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            body.append(block)
            continue
        svg = work / f"chart-{len(body)}.svg"
        svg.write_text(block.svg, encoding="utf-8")
        # A raw typst block, because pandoc's typst writer drops an image's alt text.
        body.append(f'```{{=typst}}\n#figure(image("{svg.name}", width: 100%, alt: {_typst_string(block.alt)}))\n```')
    typ_path = work / "briefing.typ"
    source = pypandoc.convert_text(
        _markdown(front, body),
        "typst",
        format="markdown-implicit_figures",
        extra_args=["--standalone", "--toc", "--toc-depth=2", f"--template={_ASSETS / 'briefing.typ'}"],
    )
    typ_path.write_text(source, encoding="utf-8")
    return typ_path


def _markdown(front: str, body: list[str]) -> str:
    """Return a Markdown document: YAML front matter, then the blocks separated by blank lines.

    Args:
        front: YAML metadata.
        body: Markdown blocks.

    Returns:
        Markdown text.
    """
    return f"---\n{front}---\n\n" + "\n\n".join(body) + "\n"


def _typst_string(text: str) -> str:
    """Return text as a typst string literal.

    Args:
        text: one line of text.

    Returns:
        The text in double quotes with backslashes and quotes escaped.
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

