"""The Quarto path: project config, staging, the post-render clean-up, and (when installed) a real render."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
import yaml

import briefing_fixture as fx
from browser import load_offline, require_chromium
from helpers import paths
from helpers.render import STAGED_NOTEBOOK, read_briefing, render_briefing, stage_quarto_project
from render_checks import RAW_MARKUP, external_refs, pdf_raster_images, pdf_text

POST_RENDER = paths.ROOT / "scripts" / "quarto_post_render.py"
# What Quarto's widgets.ts puts in the head when any output carries text/html (two CDN versions seen).
QUARTO_HEAD = """<head>
<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js" integrity="sha384-x" crossorigin="anonymous"></script>
<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js" integrity="sha512-y" crossorigin="anonymous" data-relocate-top="true"></script>
<script type="application/javascript" data-relocate-top="true">define('jquery', [],function() {return window.jQuery;})</script>
<script src="data:application/javascript;base64,AAAA"></script>
<script>var keep = 1;</script>
</head>"""


@pytest.fixture(scope="module")
def post_render() -> ModuleType:
    """The post-render script, imported from its file (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("quarto_post_render", POST_RENDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quarto_config_never_executes_and_hides_code() -> None:
    config = yaml.safe_load(paths.QUARTO_CONFIG.read_text(encoding="utf-8"))
    assert config["execute"] == {"enabled": False, "echo": False, "warning": False}
    assert config["project"]["render"] == [STAGED_NOTEBOOK]
    assert config["project"]["post-render"] == "scripts/quarto_post_render.py"
    html, typst = config["format"]["html"], config["format"]["typst"]
    assert html["embed-resources"] is True and html["toc"] is True
    assert typst["mainfont"] == "DejaVu Sans" and typst["toc"] is True


def test_every_file_the_config_names_is_staged() -> None:
    text = paths.QUARTO_CONFIG.read_text(encoding="utf-8")
    for relative in paths.QUARTO_PROJECT_FILES:
        assert (paths.ROOT / relative).is_file(), relative
    for named in ("src/helpers/assets/briefing.css", "src/helpers/assets/styles.typ", "scripts/quarto_post_render.py"):
        assert named in text and named in paths.QUARTO_PROJECT_FILES


def test_post_render_strips_cdn_scripts_only(post_render: ModuleType) -> None:
    cleaned = post_render.strip_cdn_scripts(QUARTO_HEAD)
    assert external_refs(cleaned) == []
    assert "define('jquery'" not in cleaned
    assert "data:application/javascript;base64,AAAA" in cleaned and "var keep = 1;" in cleaned


@pytest.mark.parametrize("via_file", [False, True])
def test_post_render_cleans_the_listed_pages(
    post_render: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, via_file: bool
) -> None:
    (tmp_path / "briefing.html").write_text(QUARTO_HEAD, encoding="utf-8")
    (tmp_path / "briefing.pdf").write_bytes(b"%PDF-1.7")
    monkeypatch.chdir(tmp_path)
    listing = "briefing.html\nbriefing.pdf\n"
    if via_file:
        (tmp_path / "outputs.txt").write_text(listing, encoding="utf-8")
        monkeypatch.setenv("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES", str(tmp_path / "outputs.txt"))
    else:
        monkeypatch.setenv("QUARTO_PROJECT_OUTPUT_FILES", listing)
    assert post_render.main() == 0
    assert external_refs((tmp_path / "briefing.html").read_text(encoding="utf-8")) == []
    assert (tmp_path / "briefing.pdf").read_bytes() == b"%PDF-1.7"


def test_staged_notebook_has_front_matter_and_no_hidden_cells(tmp_path: Path) -> None:
    nb = fx.build_notebook()
    staged_path = stage_quarto_project(nb, read_briefing(nb, "b.ipynb"), tmp_path)
    staged = nbformat.read(staged_path, as_version=4)
    assert staged_path.name == STAGED_NOTEBOOK
    front = staged.cells[0]
    assert front.cell_type == "raw"
    assert yaml.safe_load(front.source.strip("-\n")) == {"title": fx.TITLE, "date": fx.AS_OF}
    tags = [tag for cell in staged.cells for tag in cell.metadata.get("tags", [])]
    assert not {"parameters", "injected-parameters", "remove-cell"} & set(tags)
    assert not staged.cells[1].source.startswith("# ")  # the title heading moved to the front matter
    assert len(staged.cells) == len(nb.cells) - 1  # -2 hidden cells, +1 front matter
    assert nb.cells[0].source.startswith(f"# {fx.TITLE}")  # the original is untouched
    for relative in paths.QUARTO_PROJECT_FILES:
        assert (tmp_path / relative).is_file()


FAKE_QUARTO = """#!/usr/bin/env python3
import pathlib, sys
if sys.argv[1:] == ["--version"]:
    print("1.8.0")
    sys.exit(0)
cwd = pathlib.Path.cwd()
with open(cwd.parent / "quarto-calls.txt", "a") as log:
    log.write(" ".join(sys.argv[1:]) + " | " + ",".join(sorted(p.name for p in cwd.iterdir())) + "\\n")
suffix = {"html": ".html", "typst": ".pdf"}[sys.argv[sys.argv.index("--to") + 1]]
(cwd / "briefing").with_suffix(suffix).write_text("rendered")
"""


def test_quarto_path_stages_renders_both_formats_and_moves_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "quarto").write_text(FAKE_QUARTO, encoding="utf-8")
    (bin_dir / "quarto").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.delenv("ISF_RENDERER", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "work"))
    (tmp_path / "work").mkdir()
    result = render_briefing(fx.write_notebook(tmp_path), tmp_path / "out")
    assert result.renderer == "quarto 1.8.0"
    assert capsys.readouterr().out == "render: quarto 1.8.0\n"
    assert result.html == tmp_path / "out" / "briefing-executed.html" and result.html.read_text() == "rendered"
    assert result.pdf == tmp_path / "out" / "briefing-executed.pdf"
    calls = (tmp_path / "work" / "quarto-calls.txt").read_text().splitlines()
    assert [call.split(" | ")[0] for call in calls] == ["render --to html", "render --to typst"]  # never --execute
    assert all("_quarto.yml" in call and STAGED_NOTEBOOK in call for call in calls)


@pytest.mark.quarto
@pytest.mark.browser
def test_quarto_renders_a_self_contained_page_and_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("quarto") is None:
        pytest.skip("quarto not installed: conda install -c conda-forge quarto, or pip install quarto-cli")
    monkeypatch.delenv("ISF_RENDERER", raising=False)
    result = render_briefing(fx.write_notebook(tmp_path), tmp_path / "out")
    assert result.renderer.startswith("quarto ")
    page = result.html.read_text(encoding="utf-8")
    assert external_refs(page) == []
    text = " ".join(pdf_text(result.pdf).split())
    for expected in (fx.TITLE, fx.HEADING, "Indonesia", "20000", *fx.CHART_TITLES, fx.HOSTILE):
        assert expected in text, expected
    for marker in (*RAW_MARKUP, *fx.CODE_MARKERS):
        assert marker not in text.replace(fx.HOSTILE, ""), marker
    assert pdf_raster_images(result.pdf) == 0
    require_chromium()
    report = load_offline(result.html)
    assert (report.external_requests, report.console_errors, report.dialogs) == ([], [], [])
    assert report.charts_drawn == report.charts_found == 2
