"""The Quarto path: stage the executed notebook in a copy of the Quarto project, render both formats in one run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml

from helpers import paths
from helpers.views.chart_renderer import CHART_METADATA_KEY
from helpers.views.markdown import KICKER, escape_md

from helpers.publish.briefing_doc import Briefing, RenderError, RenderResult, _is_title_block, _take_title, hex_codes
from helpers.publish.printable import printable_svgs, unprintable


# The name _quarto.yml's `project: render:` list expects.
STAGED_NOTEBOOK = "briefing.ipynb"


# What Quarto writes beside the staged notebook in one run (no output-dir: outputs go beside the input).
QUARTO_OUTPUTS = {"html": ".html", "pdf": ".pdf"}


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
        fields["unprintable"] = hex_codes(list(missing))
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
