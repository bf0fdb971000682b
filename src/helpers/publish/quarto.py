"""The Quarto path: stage the executed notebook in a copy of the Quarto project, render the HTML page and the
typst PDF side by side (one Quarto process per format, on the two cores).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
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


# What Quarto writes beside the staged notebook (no output-dir: outputs go beside the input).
QUARTO_OUTPUTS = {"html": ".html", "pdf": ".pdf"}


def render_with_quarto(quarto: str, nb: nbformat.NotebookNode, briefing: Briefing, stem: Path) -> RenderResult:
    """Render with Quarto: stage the notebook in a copy of the Quarto project, render the two formats side by side.

    The staged copy gets a front-matter cell (title, date, title-block fields), loses its title
    heading, its hidden cells and its title-block output, and is rendered as it is
    (``execute: enabled: false`` in ``_quarto.yml``; no --execute). Quarto renders a project's formats one
    after another in one process (quarto-cli src/command/render/render-files.ts loops over the formats), so
    each format gets its own copy of the staged project and its own ``quarto render --to <format>``
    (quarto.org, CLI reference: "-t, --to  Specify output format(s)"), run at the same time on the two cores;
    each run writes only beside its own input. The page links its PDF through the ``pdf-file`` field of the
    title-block partial, so the HTML run does not need the typst run (``format-links: false``). Only the HTML
    run has a ``post-render`` step: the script only reads HTML pages.

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
    with tempfile.TemporaryDirectory(prefix="isf-quarto-") as work, ThreadPoolExecutor(max_workers=3) as pool:
        version = pool.submit(quarto_version, quarto)  # read ahead by render.prepare() in a build
        # Staged under the stem, so the page's "PDF" link names the file that sits beside it.
        html_staged = stage_quarto_project(nb, briefing, Path(work) / "html", stem.name)
        pdf_staged = Path(work) / "typst" / html_staged.name
        shutil.copytree(html_staged.parent, pdf_staged.parent)
        _drop_post_render(pdf_staged.parent)
        runs = {fmt: pool.submit(subprocess.run, [quarto, "render", "--to", fmt], cwd=staged.parent, env=env,
                                 capture_output=True, text=True)
                for fmt, staged in (("html", html_staged), ("typst", pdf_staged))}
        for fmt, run in runs.items():
            done = run.result()
            if done.returncode != 0:
                tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
                raise RenderError(f"quarto render --to {fmt} failed (exit {done.returncode}): {tail}")
        for produced, target in ((html_staged.with_suffix(QUARTO_OUTPUTS["html"]), html_path),
                                 (pdf_staged.with_suffix(QUARTO_OUTPUTS["pdf"]), pdf_path)):
            if not produced.is_file():
                raise RenderError(f"quarto render wrote no {produced.name} in the staged project")
        shutil.move(html_staged.with_suffix(QUARTO_OUTPUTS["html"]), html_path)
        shutil.move(pdf_staged.with_suffix(QUARTO_OUTPUTS["pdf"]), pdf_path)
        return RenderResult(html=html_path, pdf=pdf_path, renderer=f"quarto {version.result()}")


@functools.lru_cache(maxsize=4)
def quarto_version(quarto: str) -> str:
    """What ``quarto --version`` prints (each Quarto start costs about a second: a build asks while its
    notebooks run, through ``render.prepare``)."""
    return subprocess.run([quarto, "--version"], capture_output=True, text=True, check=True).stdout.strip()


def _drop_post_render(project: Path) -> None:
    """Take the ``post-render`` step out of a staged project's ``_quarto.yml`` (its script reads HTML only)."""
    config_path = project / paths.QUARTO_CONFIG.name
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["project"].pop("post-render", None)
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


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
