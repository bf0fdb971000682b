"""The fallback renderer (pandoc + typst) on a small executed notebook: what readers get, and its errors."""

from __future__ import annotations

import contextlib
import html
import io
import re
import time
from pathlib import Path

import nbformat
import pytest

import briefing_fixture as fx
from browser import load_offline, require_chromium
from helpers import render
from helpers.render import RenderError, RenderResult, read_briefing, render_briefing
from render_checks import (
    RAW_MARKUP,
    external_refs,
    pdf_alt_texts,
    pdf_fonts,
    pdf_page_count,
    pdf_raster_images,
    pdf_text,
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderResult, str, float]:
    """Render the fixture notebook once with the fallback; return the result, stdout and seconds."""
    folder = tmp_path_factory.mktemp("briefing")
    notebook = fx.write_notebook(folder)
    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(stdout):
        mp.setenv("ISF_RENDERER", "pandoc")
        start = time.perf_counter()
        result = render_briefing(notebook, folder / "out")
        seconds = time.perf_counter() - start
    return result, stdout.getvalue(), seconds


def test_prints_one_line_naming_the_renderer(rendered: tuple[RenderResult, str, float]) -> None:
    result, stdout, _ = rendered
    assert stdout.count("\n") == 1
    assert stdout.startswith("render: ")
    assert f"rendered with {result.renderer}" in stdout
    assert result.renderer.startswith("pandoc 3.") and " + typst 0." in result.renderer
    assert "conda install -c conda-forge quarto" in stdout


def test_writes_html_and_pdf_named_after_the_notebook(rendered: tuple[RenderResult, str, float]) -> None:
    result, _, seconds = rendered
    assert result.html.name == "briefing-executed.html" and result.html.stat().st_size > 0
    assert result.pdf.name == "briefing-executed.pdf" and result.pdf.read_bytes().startswith(b"%PDF")
    assert seconds < 5, f"fallback render took {seconds:.1f} s"


def test_html_is_self_contained(rendered: tuple[RenderResult, str, float]) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert external_refs(page) == []
    assert page.count("data-isf-vega-bundle") == 1


def test_html_has_title_block_toc_tables_and_no_code(rendered: tuple[RenderResult, str, float]) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert f'<h1 class="title">{fx.TITLE}</h1>' in page
    assert 'Edition of <time datetime="2025-11-20">20 November 2025</time>' in " ".join(page.split())
    assert 'id="TOC"' in page and fx.HEADING in page
    assert "<td style=\"text-align: right;\">20000</td>" in page
    for marker in (*fx.CODE_MARKERS, "debug line"):
        assert marker not in page.split("</script>")[-1], marker


def test_hostile_text_is_escaped_in_html(rendered: tuple[RenderResult, str, float]) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert html.escape(fx.HOSTILE, quote=False) in page
    assert "<script>alert(1)" not in page


@pytest.mark.browser
def test_page_draws_both_charts_offline(rendered: tuple[RenderResult, str, float], tmp_path: Path) -> None:
    require_chromium()
    report = load_offline(rendered[0].html, screenshot=tmp_path / "page.png")
    assert report.external_requests == []
    assert report.console_errors == []
    assert report.dialogs == [], "the hostile <script> in the data ran"
    assert report.charts_found == 2
    assert report.charts_drawn == 2
    assert fx.HOSTILE in report.text  # shown literally, table and quote
    assert (tmp_path / "page.png").stat().st_size > 10_000


def test_pdf_has_heading_table_and_literal_text(rendered: tuple[RenderResult, str, float]) -> None:
    text = pdf_text(rendered[0].pdf)
    assert pdf_page_count(rendered[0].pdf) > 0
    for expected in (fx.TITLE, "20 November 2025", fx.HEADING, "Indonesia", "20000", "Considering", "—"):
        assert expected in text, expected
    assert fx.HOSTILE in " ".join(text.split())  # the table cell may wrap; the quote does not


def test_pdf_has_no_code_or_markup(rendered: tuple[RenderResult, str, float]) -> None:
    # The hostile sample prints literally (tested elsewhere); cut it out wherever a line break fell in it.
    hostile = r"\s*".join(re.escape(ch) for ch in fx.HOSTILE.replace(" ", ""))
    text = re.sub(hostile, "", " ".join(pdf_text(rendered[0].pdf).split()))
    for marker in (*RAW_MARKUP, *fx.CODE_MARKERS, "debug line"):
        assert marker not in text, marker


def test_pdf_charts_are_vectors_with_alt_text(rendered: tuple[RenderResult, str, float]) -> None:
    pdf = rendered[0].pdf
    text = pdf_text(pdf)
    for label in (*fx.CHART_TITLES, *fx.CHART_LABELS, "Troops pledged"):
        assert label in text, label
    assert pdf_raster_images(pdf) == 0
    alts = pdf_alt_texts(pdf)
    assert f"Bar chart: Indonesia pledged the most troops. {fx.HOSTILE}" in alts
    assert "Line chart: pledging countries rose from one to four." in alts


def test_pdf_is_set_in_dejavu_sans(rendered: tuple[RenderResult, str, float]) -> None:
    # Charts name DejaVu Sans too; without the font typst falls back to a serif face.
    fonts = pdf_fonts(rendered[0].pdf)
    assert fonts and all(name.startswith("DejaVuSans") for name in fonts), f"{fonts}: apt-get install fonts-dejavu-core"


def test_hidden_cells_and_plain_outputs_are_left_out() -> None:
    briefing = read_briefing(fx.build_notebook(), "b.ipynb")
    assert briefing.title == fx.TITLE and briefing.date == fx.AS_OF
    markdown = [block for block in briefing.blocks if isinstance(block, str)]
    assert not any(fx.TITLE in block for block in markdown)  # it moved to the title block
    assert not any("as_of" in block or "debug" in block for block in markdown)
    assert sum(isinstance(block, render.Chart) for block in briefing.blocks) == 2


def test_metadata_title_and_date_win() -> None:
    nb = fx.build_notebook()
    nb.metadata.update(title="Other title", date="2026-01-02")
    briefing = read_briefing(nb, "b.ipynb")
    assert (briefing.title, briefing.date) == ("Other title", "2026-01-02")
    assert any(fx.TITLE in block for block in briefing.blocks if isinstance(block, str))


def test_error_output_is_a_hard_error(tmp_path: Path) -> None:
    nb = fx.build_notebook()
    nb.cells[3].outputs = [nbformat.v4.new_output("error", ename="KeyError", evalue="'actor'", traceback=[])]
    with pytest.raises(RenderError, match=r"cell 4: .*KeyError: 'actor'"):
        render_briefing(_write(nb, tmp_path), tmp_path)


def test_html_only_output_is_refused(tmp_path: Path) -> None:
    nb = fx.build_notebook()
    nb.cells[3].outputs = [
        nbformat.v4.new_output("execute_result", data={"text/html": "<table/>", "text/plain": "df"}, execution_count=1)
    ]
    with pytest.raises(RenderError, match=r"cell 4: output types \['text/html', 'text/plain'\].*show_md"):
        render_briefing(_write(nb, tmp_path), tmp_path)


def test_charts_without_the_vega_bundle_are_refused(tmp_path: Path) -> None:
    nb = fx.build_notebook()
    chart_cells = [cell for cell in nb.cells if cell.get("outputs") and "image/svg+xml" in cell.outputs[0].get("data", {})]
    chart_cells[0].outputs = []  # as if the first chart's cell was re-run away
    with pytest.raises(RenderError, match="no Vega bundle"):
        render_briefing(_write(nb, tmp_path), tmp_path)


def _write(nb: nbformat.NotebookNode, folder: Path) -> Path:
    """Write a notebook to ``folder`` and return its path."""
    path = folder / "broken.ipynb"
    nbformat.write(nb, path)
    return path
