"""Turn the executed briefing notebook into what readers open: one self-contained HTML page and a PDF.

With Quarto on PATH (and ``ISF_RENDERER`` not ``pandoc``) Quarto renders the notebook with the
project's ``_quarto.yml``; it never re-executes it. Without Quarto the same two engines Quarto drives
do the work: the notebook becomes Markdown here, pandoc writes the HTML page and typst source, and
typst writes the PDF. Either way the function prints one line saying which renderer ran.

What the notebook may show, and how it is read: ``briefing_doc``; the Quarto path: ``quarto``; what the
PDF can print: ``printable``. This module picks the renderer and is the pandoc + typst path.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import nbformat
import pypandoc
import typst
import yaml

from helpers import fmt, paths
from helpers.views import fonts
from helpers.views.html_a11y import make_tables_accessible
from helpers.views.markdown import KICKER, escape_md
from helpers.publish.briefing_doc import Briefing, Chart, RenderResult, hex_codes, read_briefing
from helpers.publish.printable import printable_svgs, unprintable
from helpers.publish.quarto import quarto_version, render_with_quarto

QUARTO_HINT = "install Quarto: conda install -c conda-forge quarto, or pip install quarto-cli"


# The PDF standard both renderers ask typst for (_quarto.yml: pdf-standard).
PDF_STANDARD = "ua-1"


_ASSETS = paths.ASSETS_DIR


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


def render_with_pandoc(briefing: Briefing, stem: Path) -> RenderResult:
    """Write ``stem``.html with pandoc and ``stem``.pdf with pandoc + typst, side by side (two cores, two jobs).

    Args:
        briefing: the notebook's visible content.
        stem: output path without suffix.

    Returns:
        The paths written and ``pandoc X + typst Y``.
    """
    front = _front_matter(briefing, stem.with_suffix(".pdf").name, unprintable(briefing))
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdf = pool.submit(_write_pdf, front, briefing.blocks, pdf_path)
        html_path.write_text(_html_page(front, briefing.blocks), encoding="utf-8")
        pdf.result()
    engines = f"pandoc {pypandoc.get_pandoc_version()} + typst {version('typst')}"
    return RenderResult(html=html_path, pdf=pdf_path, renderer=engines)


def _write_pdf(front: str, blocks: list[str | Chart], pdf_path: Path) -> None:
    """The PDF: print-safe chart SVGs, typst source by pandoc, compiled by typst."""
    with tempfile.TemporaryDirectory(prefix="isf-render-") as work:
        svgs = iter(printable_svgs([block.svg for block in blocks if isinstance(block, Chart)]))
        printable = [replace(block, svg=next(svgs)) if isinstance(block, Chart) else block for block in blocks]
        typ_path = _write_typst(front, printable, Path(work))
        # PDF/UA-1: typst then checks every image has alt text and the title is set, tags the title
        # heading H1 and sets DisplayDocTitle, so viewers show the title rather than the file name.
        typst.compile(str(typ_path), output=str(pdf_path), pdf_standards=[PDF_STANDARD])


def prepare() -> None:
    """Read what rendering needs before there is anything to render (a build calls it while the notebooks
    run): the fonts' character maps, pandoc's version, and Quarto's when it will render (a Quarto start)."""
    fonts.unprintable("")
    pypandoc.get_pandoc_version()
    quarto = shutil.which("quarto")
    if quarto and os.environ.get("ISF_RENDERER") != "pandoc":
        quarto_version(quarto)


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
        fields["unprintable"] = hex_codes(list(missing))
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
