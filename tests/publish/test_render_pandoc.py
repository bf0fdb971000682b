"""The fallback renderer (pandoc + typst) on a small executed notebook: what readers get, and its errors."""

from __future__ import annotations

import contextlib
import html
import io
from pathlib import Path

import nbformat
import pytest

import briefing_fixture as fx
from browser import load_offline, require_chromium
from helpers.publish import render
from helpers.views import markdown
from helpers.publish.briefing_doc import Chart, RenderError, RenderResult, TitleBlock, read_briefing
from helpers.publish.render import render_briefing
from render_checks import (
    RAW_MARKUP,
    external_refs,
    pdf_alt_texts,
    pdf_fonts,
    pdf_headings,
    pdf_page_count,
    pdf_raster_images,
    pdf_shows_title,
    pdf_text,
    title_block_output,
    without_sample,
)

DATELINE = "Information current to c. 13 Nov 2025 (newest report) · Edition 20 Nov 2025 · Built 2 Dec 2026, back-dated (only reports it could have had on its date)"


def with_title_block(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the fixture notebook with a first code cell that called ``show_title_block``."""
    cell = nbformat.v4.new_code_cell('show_title_block("2025-11-13", as_of, "2026-12-02", approximate=True)')
    cell.outputs = [title_block_output("2025-11-13", fx.AS_OF, "2026-12-02", approximate=True)]
    nb.cells.insert(3, cell)
    return nb


def _render_pandoc(notebook: Path, out: Path) -> tuple[RenderResult, str]:
    """Render with the fallback; return the result and what it printed (timings: benchmarks/, not tests)."""
    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(stdout):
        mp.setenv("ISF_RENDERER", "pandoc")
        result = render_briefing(notebook, out)
    return result, stdout.getvalue()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderResult, str]:
    """Render the fixture notebook once with the fallback; return the result and what it printed."""
    folder = tmp_path_factory.mktemp("briefing")
    return _render_pandoc(fx.write_notebook(folder), folder / "out")


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    """Render the fixture notebook with a title block (information, edition and build dates)."""
    folder = tmp_path_factory.mktemp("dated")
    return _render_pandoc(_write(with_title_block(fx.build_notebook()), folder), folder / "out")[0]


def test_prints_one_line_naming_the_renderer(rendered: tuple[RenderResult, str]) -> None:
    result, stdout = rendered
    assert stdout.count("\n") == 1
    assert stdout.startswith("render: ")
    assert f"rendered with {result.renderer}" in stdout
    assert result.renderer.startswith("pandoc 3.") and " + typst 0." in result.renderer
    assert "conda install -c conda-forge quarto" in stdout


def test_writes_html_and_pdf_under_the_stem(rendered: tuple[RenderResult, str], tmp_path: Path) -> None:
    result = rendered[0]
    assert result.html == result.html.parent / "briefing.html" and result.html.stat().st_size > 0
    assert result.pdf == result.html.parent / "briefing.pdf" and result.pdf.read_bytes().startswith(b"%PDF")
    named = _render_pandoc(fx.write_notebook(tmp_path), tmp_path / "out")[0]  # default stem
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["briefing.html", "briefing.pdf"]
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()):
        mp.setenv("ISF_RENDERER", "pandoc")
        other = render_briefing(fx.write_notebook(tmp_path), tmp_path / "other", stem="edition-2025-11-20")
    assert (other.html.name, other.pdf.name) == ("edition-2025-11-20.html", "edition-2025-11-20.pdf")
    assert named.html.is_file() and other.pdf.is_file()


def test_html_is_self_contained(rendered: tuple[RenderResult, str]) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert external_refs(page) == []
    assert page.count("data-isf-vega-bundle") == 1


def test_html_has_title_block_toc_tables_and_no_code(rendered: tuple[RenderResult, str]) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert f'<h1 class="title">{fx.TITLE}</h1>' in page
    assert 'Edition of <time datetime="2025-11-20">20 November 2025</time>' in " ".join(page.split())
    assert '<a href="briefing.pdf" type="application/pdf">PDF</a>' in page  # the PDF written beside it
    assert 'id="TOC"' in page and fx.HEADING in page
    assert "<td style=\"text-align: right;\">20000</td>" in page
    for marker in (*fx.CODE_MARKERS, "debug line"):
        assert marker not in page.split("</script>")[-1], marker


def test_hostile_text_is_escaped_in_html(rendered: tuple[RenderResult, str]) -> None:
    page = rendered[0].html.read_text(encoding="utf-8")
    assert html.escape(fx.HOSTILE, quote=False) in page
    assert "<script>alert(1)" not in page


@pytest.mark.browser
def test_page_draws_both_charts_offline(rendered: tuple[RenderResult, str], tmp_path: Path) -> None:
    require_chromium()
    report = load_offline(rendered[0].html, screenshot=tmp_path / "page.png")
    assert report.external_requests == []
    assert report.console_errors == []
    assert report.dialogs == [], "the hostile <script> in the data ran"
    assert report.charts_found == 2
    assert report.charts_drawn == 2
    assert fx.HOSTILE in report.text  # shown literally, table and quote
    assert (tmp_path / "page.png").stat().st_size > 10_000


def test_pdf_has_heading_table_and_literal_text(rendered: tuple[RenderResult, str]) -> None:
    text = pdf_text(rendered[0].pdf)
    assert pdf_page_count(rendered[0].pdf) > 0
    for expected in (fx.TITLE, "20 November 2025", fx.HEADING, "Indonesia", "20000", "Considering", "—"):
        assert expected in text, expected
    assert fx.HOSTILE in " ".join(text.split())  # the table cell may wrap; the quote does not


def test_pdf_has_no_code_or_markup(rendered: tuple[RenderResult, str]) -> None:
    # The hostile sample prints literally (tested elsewhere); cut it out wherever a line break fell in it.
    text = without_sample(pdf_text(rendered[0].pdf), fx.HOSTILE)
    assert fx.HOSTILE not in text
    for marker in (*RAW_MARKUP, *fx.CODE_MARKERS, "debug line"):
        assert marker not in text, marker


def test_pdf_charts_are_vectors_with_alt_text(rendered: tuple[RenderResult, str]) -> None:
    pdf = rendered[0].pdf
    text = pdf_text(pdf)
    for label in (*fx.CHART_TITLES, *fx.CHART_LABELS, "Troops pledged"):
        assert label in text, label
    assert pdf_raster_images(pdf) == 0
    alts = pdf_alt_texts(pdf)
    assert f"Bar chart: Indonesia pledged the most troops. {fx.HOSTILE}" in alts
    assert "Line chart: pledging countries rose from one to four." in alts


def test_pdf_is_set_in_dejavu_sans(rendered: tuple[RenderResult, str]) -> None:
    # Charts name DejaVu Sans too; without the font typst falls back to a serif face.
    fonts = pdf_fonts(rendered[0].pdf)
    assert fonts and all(name.startswith("DejaVuSans") for name in fonts), f"{fonts}: apt-get install fonts-dejavu-core"


def test_hidden_cells_and_plain_outputs_are_left_out() -> None:
    briefing = read_briefing(fx.build_notebook(), "b.ipynb")
    assert briefing.title == fx.TITLE and briefing.date == fx.AS_OF
    markdown = [block for block in briefing.blocks if isinstance(block, str)]
    assert not any(fx.TITLE in block for block in markdown)  # it moved to the title block
    assert not any("as_of" in block or "debug" in block for block in markdown)
    assert sum(isinstance(block, Chart) for block in briefing.blocks) == 2


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


def test_pdf_title_is_shown_and_the_only_level_one_heading(rendered: tuple[RenderResult, str]) -> None:
    pdf = rendered[0].pdf
    assert pdf_shows_title(pdf) == fx.TITLE  # DisplayDocTitle: viewers show it, not the file name
    headings = pdf_headings(pdf)
    assert headings[0] == ("/H1", fx.TITLE)
    assert [tag for tag, _ in headings[1:]] == ["/H2"] * 3  # contents, and the two sections
    assert [text for _, text in headings[2:]] == [fx.HEADING, "Charts"]


def test_pdf_does_not_hyphenate(tmp_path: Path) -> None:
    nb = fx.build_notebook()
    long_words = " ".join(["Indonesia Azerbaijan stabilization conditionality internationalisation"] * 30)
    nb.cells.insert(4, nbformat.v4.new_markdown_cell(long_words))
    text = pdf_text(_render_pandoc(_write(nb, tmp_path), tmp_path / "out")[0].pdf)
    assert "-\n" not in text and "- \n" not in text
    assert text.count("conditionality") >= 30


def test_show_title_block_records_the_three_dates() -> None:
    output = title_block_output("2025-11-13", "2025-11-20", "2026-12-02")
    assert output.metadata[markdown.TITLE_BLOCK_KEY] == {
        "role": "title-block",
        "kicker": "Analytical briefing",
        "information_date": "2025-11-13",
        "information_label": "13 Nov 2025",
        "as_of": "2025-11-20",
        "built_on": "2026-12-02",
        "stale_note": "",
    }
    assert output.data["text/markdown"].replace("\\", "") == DATELINE.replace("c. ", "")


def test_show_title_block_names_a_bad_date() -> None:
    with pytest.raises(ValueError, match=r"show_title_block: information_date '13/11/2025' is not a date"):
        title_block_output("13/11/2025", "2025-11-20", "2026-12-02")


def test_title_block_is_read_and_leaves_the_body() -> None:
    briefing = read_briefing(with_title_block(fx.build_notebook()), "b.ipynb")
    assert briefing.title_block == TitleBlock("Analytical briefing", "2025-11-13", "c. 13 Nov 2025", "2025-11-20", "2026-12-02")
    assert briefing.title_block.dateline == DATELINE
    assert not any("Information current" in block for block in briefing.blocks if isinstance(block, str))
    assert read_briefing(fx.build_notebook(), "b.ipynb").title_block is None


def test_html_title_block_shows_information_edition_and_build_dates(dated: RenderResult) -> None:
    page = " ".join(dated.html.read_text(encoding="utf-8").split())
    assert f'<p class="edition">{DATELINE}</p>' in page
    assert page.count("Information current to") == 1
    assert "Edition of" not in page


def test_pdf_title_block_shows_information_edition_and_build_dates(dated: RenderResult) -> None:
    text = " ".join(pdf_text(dated.pdf).split())
    assert DATELINE in text and text.count("Information current to") == 1
    assert text.startswith("ANALYTICAL BRIEFING " + fx.TITLE)


def test_a_broken_title_block_names_the_cell_and_field(tmp_path: Path) -> None:
    nb = with_title_block(fx.build_notebook())
    nb.cells[3].outputs[0].metadata[markdown.TITLE_BLOCK_KEY]["as_of"] = "20 Nov"
    with pytest.raises(RenderError, match=r"cell 4: the title block's as_of '20 Nov' is not a date"):
        render_briefing(_write(nb, tmp_path), tmp_path)
    del nb.cells[3].outputs[0].metadata[markdown.TITLE_BLOCK_KEY]["kicker"]
    with pytest.raises(RenderError, match=r"cell 4: the title block has no kicker"):
        render_briefing(_write(nb, tmp_path), tmp_path)
