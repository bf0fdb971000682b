"""Turn the executed briefing notebook into what readers open: one self-contained HTML page and a PDF.

With Quarto on PATH (and ``ISF_RENDERER`` not ``pandoc``) Quarto renders the notebook with the
project's ``_quarto.yml``; it never re-executes it. Without Quarto the same two engines Quarto drives
do the work: the notebook becomes Markdown here, pandoc writes the HTML page and typst source, and
typst writes the PDF. Either way the function prints one line saying which renderer ran.

What a notebook may show (see ``helpers.views.markdown`` and ``helpers.views.chart_renderer``): Markdown cells,
``text/markdown`` outputs, and charts from the ``isf`` renderer. Code, printed text and plain-text
results are left out. Any other rich output (a DataFrame's HTML, an image) is an error, as is an
error output: the briefing must not go out with a hole in it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path

import nbformat
import pypandoc
import typst
import yaml

from helpers import fmt, paths
from helpers.views import fonts
from helpers.views.chart_renderer import BUNDLE_MARKER, CHART_METADATA_KEY
from helpers.views.html_a11y import make_tables_accessible
from helpers.views.markdown import KICKER, TITLE_BLOCK_KEY, TITLE_BLOCK_ROLE, escape_md

# Cells never shown: papermill's parameters and anything tagged out (the build tags injected cells).
HIDDEN_TAGS = frozenset({"remove-cell", "injected-parameters", "parameters"})
# The papermill parameter holding the edition date, when the notebook metadata has no "date".
DATE_PARAMETER = "as_of"
# The name _quarto.yml's `project: render:` list expects.
STAGED_NOTEBOOK = "briefing.ipynb"
# What Quarto writes beside the staged notebook in one run (no output-dir: outputs go beside the input).
QUARTO_OUTPUTS = {"html": ".html", "pdf": ".pdf"}
QUARTO_HINT = "install Quarto: conda install -c conda-forge quarto, or pip install quarto-cli"
# The PDF standard both renderers ask typst for (_quarto.yml: pdf-standard).
PDF_STANDARD = "ua-1"
# Output types that carry nothing for the reader (printed text, warnings, plain results).
SKIPPED_MIME = frozenset({"text/plain"})
_ASSETS = paths.ASSETS_DIR
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


def render_briefing(executed_notebook: Path, out_dir: Path, stem: str = "briefing") -> RenderResult:
    """Render an executed notebook to ``<stem>.html`` and ``<stem>.pdf`` in ``out_dir``.

    Args:
        executed_notebook: the notebook papermill wrote (outputs included).
        out_dir: where the HTML page and the PDF go (created if missing).
        stem: the output files' name without suffix.

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
        result = render_with_quarto(quarto, nb, briefing, out_dir / stem)
        print(f"render: {result.renderer}")
    else:
        result = render_with_pandoc(briefing, out_dir / stem)
        reason = "quarto not found" if quarto is None else "ISF_RENDERER=pandoc"
        print(f"render: {reason}; rendered with {result.renderer} ({QUARTO_HINT})")
    return result


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


def render_with_pandoc(briefing: Briefing, stem: Path) -> RenderResult:
    """Write ``stem``.html with pandoc and ``stem``.pdf with pandoc + typst.

    Args:
        briefing: the notebook's visible content.
        stem: output path without suffix.

    Returns:
        The paths written and ``pandoc X + typst Y``.
    """
    front = _front_matter(briefing, stem.with_suffix(".pdf").name, unprintable(briefing))
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    html_path.write_text(_html_page(front, briefing.blocks), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="isf-render-") as work:
        svgs = iter(printable_svgs([block.svg for block in briefing.blocks if isinstance(block, Chart)]))
        blocks = [replace(block, svg=next(svgs)) if isinstance(block, Chart) else block for block in briefing.blocks]
        typ_path = _write_typst(front, blocks, Path(work))
        # PDF/UA-1: typst then checks every image has alt text and the title is set, tags the title
        # heading H1 and sets DisplayDocTitle, so viewers show the title rather than the file name.
        typst.compile(str(typ_path), output=str(pdf_path), pdf_standards=[PDF_STANDARD])
    engines = f"pandoc {pypandoc.get_pandoc_version()} + typst {version('typst')}"
    return RenderResult(html=html_path, pdf=pdf_path, renderer=engines)


def render_with_quarto(quarto: str, nb: nbformat.NotebookNode, briefing: Briefing, stem: Path) -> RenderResult:
    """Render with Quarto: stage the notebook in a copy of the Quarto project, render both formats.

    The staged copy gets a front-matter cell (title, date, title-block fields), loses its title
    heading, its hidden cells and its title-block output, and is rendered as it is
    (``execute: enabled: false`` in ``_quarto.yml``; no --execute). One ``quarto render`` with no
    ``--to`` renders every format the project lists (quarto.org, "Including Other Formats": "To render
    all formats use quarto render"), so Quarto starts and reads the project once, and the HTML page
    links the PDF it rendered in the same run.

    Args:
        quarto: the quarto executable.
        nb: the executed notebook.
        briefing: its title, date and title block, as the fallback reads them.
        stem: output path without suffix.

    Returns:
        The paths written and ``quarto <version>``.

    Raises:
        RenderError: Quarto failed or did not write both files.
    """
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    # The post-render script runs under QUARTO_PYTHON: this interpreter, so it can import helpers.
    env = {**os.environ, "QUARTO_PYTHON": sys.executable}
    with tempfile.TemporaryDirectory(prefix="isf-quarto-") as work:
        project = Path(work)
        # Staged under the stem, so the page's "PDF" link names the file that sits beside it.
        staged = stage_quarto_project(nb, briefing, project, stem.name)
        # A project render (no file argument) so the post-render script surely runs.
        done = subprocess.run([quarto, "render"], cwd=project, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
            raise RenderError(f"quarto render failed (exit {done.returncode}): {tail}")
        for suffix, target in ((QUARTO_OUTPUTS["html"], html_path), (QUARTO_OUTPUTS["pdf"], pdf_path)):
            produced = staged.with_suffix(suffix)
            if not produced.is_file():
                raise RenderError(f"quarto render wrote no {produced.name} in the staged project")
            shutil.move(produced, target)
    version = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return RenderResult(html=html_path, pdf=pdf_path, renderer=f"quarto {version}")


def stage_quarto_project(
    nb: nbformat.NotebookNode, briefing: Briefing, project: Path, stem: str = Path(STAGED_NOTEBOOK).stem
) -> Path:
    """Copy the Quarto project files into ``project`` and write the notebook to render there.

    Args:
        nb: the executed notebook (left unchanged).
        briefing: title, date and title block for the front matter.
        project: an empty folder.
        stem: the staged notebook's name without suffix (Quarto names its outputs after it); the
            staged ``_quarto.yml`` renders that file.

    Returns:
        The staged notebook's path.
    """
    for relative in paths.QUARTO_PROJECT_FILES:
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.ROOT / relative, target)
    name = f"{stem}.ipynb"
    if name != STAGED_NOTEBOOK:
        config_path = project / paths.QUARTO_CONFIG.name
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        config["project"]["render"] = [name]
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    staged = nbformat.from_dict(nb)
    staged.cells = [_quarto_cell(cell) for _, cell in _take_title(staged)[1]]
    # Quarto's typst writer takes each chart's image/svg+xml: the same print-safe text as the fallback's.
    charts = [output.data for cell in staged.cells for output in cell.get("outputs", [])
              if CHART_METADATA_KEY in output.get("metadata", {})]
    for data, svg in zip(charts, printable_svgs([data["image/svg+xml"] for data in charts])):
        data["image/svg+xml"] = svg
    fields = quarto_front_matter(briefing, f"{stem}.pdf", unprintable(briefing))
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    staged.cells.insert(0, nbformat.v4.new_raw_cell(f"---\n{front}---"))
    path = project / name
    nbformat.write(staged, path)
    return path


def unprintable(briefing: Briefing) -> list[str]:
    """Return the characters of the briefing no font in the PDF's list has, warning about them.

    The PDF prints each as U+FFFD (show rules in the typst templates, fed by the front matter's
    ``unprintable`` field); the HTML page keeps them, as browsers find fonts of their own. Without
    this, typst's PDF/UA-1 check would stop the build on the first such character.

    Args:
        briefing: the notebook's visible content.

    Returns:
        The characters, each once (none in the usual case); a warning line on stderr names them.
    """
    block = briefing.title_block
    texts = [briefing.title, briefing.date or "", *(b for b in briefing.blocks if isinstance(b, str))]
    if block:
        texts += [block.kicker, block.dateline]
    chars = fonts.unprintable("\n".join(texts))
    if chars:
        print(f"render: warning: no font in the PDF's list has {fonts.describe(chars)}; the PDF shows "
              f"{fonts.REPLACEMENT} in its place (install the fonts README lists)", file=sys.stderr)
    return chars


def printable_svgs(svgs: list[str]) -> list[str]:
    """Return the charts' SVGs with the characters their text cannot print replaced, warning about them.

    Args:
        svgs: the charts' SVG documents, for the PDF.

    Returns:
        The SVGs (``fonts.printable_svg``): colour emoji and characters no outline font has print as
        U+FFFD in the PDF's charts; a warning line on stderr names them. The page's charts keep them.
    """
    fixed, replaced = [], {}
    for svg in svgs:
        svg, chars = fonts.printable_svg(svg)
        fixed.append(svg)
        replaced.update(dict.fromkeys(chars))
    if replaced:
        print(f"render: warning: the PDF's charts show {fonts.REPLACEMENT} for {fonts.describe(replaced)} (no outline "
              "font has them; a chart image cannot hold colour emoji); the text and tables print them", file=sys.stderr)
    return fixed


def _hex_codes(chars: list[str]) -> list[str]:
    """Return characters as hex code points for the typst templates' ``\\u{...}`` escapes.

    Args:
        chars: characters.

    Returns:
        e.g. ``["31350"]``.
    """
    return [f"{ord(char):X}" for char in chars]


def quarto_front_matter(briefing: Briefing, pdf_name: str, missing: list[str] = ()) -> dict[str, str]:
    """Return the staged notebook's front matter.

    ``kicker``, ``dateline`` and ``pdf-file`` are custom fields; the project's own title-block partials
    (``template-partials`` in _quarto.yml, for html and typst) show them, so Quarto's "Published
    <date>" line never stands alone and the page links its PDF as "PDF" under the title.
    ``date`` stays for the page's metadata and the fallback line.

    Args:
        briefing: title, date and title block.
        pdf_name: the PDF's file name, written beside the page.
        missing: characters no font has (``unprintable``), printed as U+FFFD in the PDF.

    Returns:
        ``title``, ``kicker``, ``pdf-file``, and ``date``, ``dateline`` and ``unprintable`` when known.
    """
    fields = {"title": briefing.title, "kicker": KICKER, "pdf-file": pdf_name}
    block = briefing.title_block
    if block:
        fields.update(kicker=escape_md(block.kicker), date=block.as_of, dateline=block.dateline)
    elif briefing.date:
        fields["date"] = briefing.date
    if missing:
        fields["unprintable"] = _hex_codes(list(missing))
    return fields


def _quarto_cell(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a code cell as Quarto should see it: no title-block output, charts with ``fig-alt``.

    Quarto reads cell options from ``#|`` lines at the top of the source (also in .ipynb) and gives
    the typst writer the image's alt from ``fig-alt``; the source itself is never shown (``echo: false``).

    Args:
        cell: a visible cell of the staged copy.

    Returns:
        The same cell, or a changed copy.
    """
    if cell.cell_type != "code":
        return cell
    outputs = [output for output in cell.get("outputs", []) if not _is_title_block(output)]
    alts = [output.metadata[CHART_METADATA_KEY]["alt"] for output in outputs if CHART_METADATA_KEY in output.get("metadata", {})]
    source = cell.source
    if alts:
        # JSON strings are YAML double-quoted scalars: quotes, colons and '#' stay text.
        source = f"#| fig-alt: {json.dumps(' '.join(alts.pop(0).split()), ensure_ascii=False)}\n{source}"
    return nbformat.from_dict({**cell, "source": source, "outputs": outputs})


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


def _front_matter(briefing: Briefing, pdf_name: str, missing: list[str] = ()) -> str:
    """Return YAML metadata (title, kicker, date, dateline, PDF link) whose strings pandoc reads as Markdown.

    Args:
        briefing: title, date and title block.
        pdf_name: the PDF's file name, written beside the page (the page links it).
        missing: characters no font has (``unprintable``), printed as U+FFFD in the PDF.

    Returns:
        YAML text without the ``---`` fences, the date as the title block shows it. ``dateline``
        (information date, edition, build) only when the notebook recorded a title block.
    """
    fields = {"title": briefing.title, "kicker": KICKER, "lang": "en-GB", "pdf-file": pdf_name}
    block = briefing.title_block
    date = block.as_of if block else briefing.date
    if date:
        fields["date"] = fmt.dated_text(date)
    if block:
        fields.update(kicker=escape_md(block.kicker), dateline=block.dateline)
    if missing:
        fields["unprintable"] = _hex_codes(list(missing))
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
        _keep_intro_with_chart(body)
        svg = work / f"chart-{len(body)}.svg"
        svg.write_text(block.svg, encoding="utf-8")
        # A raw typst block, because pandoc's typst writer drops an image's alt text (styles.typ).
        body.append(f'```{{=typst}}\n#briefing-chart("{svg.name}", alt: {_typst_string(block.alt)})\n```')
    typ_path = work / "briefing.typ"
    source = pypandoc.convert_text(
        _markdown(front, body),
        "typst",
        format="markdown-implicit_figures",
        extra_args=["--standalone", "--toc", "--toc-depth=2", f"--template={_ASSETS / 'briefing.typ'}"],
    )
    typ_path.write_text(source, encoding="utf-8")
    return typ_path


# A chart's introduction (its heading and the sentences under it) moves to the chart's page when both
# do not fit, up to this many characters of Markdown; longer text may end a page on its own.
INTRO_CHARS = 1200
_HEADING_START = re.compile(r"^#{2,6}\s", re.MULTILINE)


def _keep_intro_with_chart(body: list[str]) -> None:
    """Make the text just before a chart stick to it (typst ``block(sticky: true)``), in place.

    The text from the last heading before the chart (no further back than the previous chart) goes in
    a sticky block, so a heading and its one-sentence introduction never stay at a page foot while the
    chart starts the next page. Tables and long text are left to break as they fall.

    Args:
        body: the Markdown blocks so far; the chart comes next.
    """
    start = len(body)
    while start > 0 and not body[start - 1].startswith("```{=typst}"):
        start -= 1
        heading = list(_HEADING_START.finditer(body[start]))
        if heading:
            head, tail = body[start][: heading[-1].start()], body[start][heading[-1].start():]
            intro = [tail, *body[start + 1:]]
            text = "\n\n".join(intro)
            if len(text) > INTRO_CHARS or re.search(r"^\s*\|", text, re.MULTILINE):
                return
            body[start:] = [part for part in (head.rstrip(),) if part] + [
                "```{=typst}\n#block(sticky: true)[\n```", text, "```{=typst}\n]\n```"]
            return


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

