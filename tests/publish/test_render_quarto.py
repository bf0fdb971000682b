"""The Quarto path: project config, staging, the post-render clean-up, and (when installed) a real render."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
import yaml

import briefing_fixture as fx
from browser import load_offline, require_chromium
from needs import need
from helpers import paths
from helpers.views.chart_renderer import CHART_METADATA_KEY
from helpers.publish.briefing_doc import RenderError, read_briefing
from helpers.publish.quarto import STAGED_NOTEBOOK, stage_quarto_project
from helpers.publish.render import render_briefing
from render_checks import (
    RAW_MARKUP,
    external_refs,
    pdf_alt_texts,
    pdf_headings,
    pdf_raster_images,
    pdf_shows_title,
    pdf_text,
    title_block_output,
    without_sample,
)

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
    assert list(config["format"]) == ["html", "typst"]  # each rendered by its own `quarto render --to`
    assert html["embed-resources"] is True and html["toc"] is True
    assert typst["mainfont"] == "DejaVu Sans" and typst["toc"] is True


def test_quarto_config_fixes_what_quarto_1_9_got_wrong() -> None:
    html, typst = (yaml.safe_load(paths.QUARTO_CONFIG.read_text(encoding="utf-8"))["format"][f] for f in ("html", "typst"))
    # No "Other Formats" h2 and "Typst" link: the title-block partial links the PDF as "PDF".
    assert html["format-links"] is False
    assert html["toc-location"] == "body"  # after the h1, and shown on phones
    assert html["template-partials"] == ["src/helpers/assets/title-block.html"]
    assert typst["shift-heading-level-by"] == 0 and typst["pdf-standard"] == "ua-1"
    assert typst["template-partials"] == ["src/helpers/assets/typst-show.typ"]
    title_block = (paths.ROOT / html["template-partials"][0]).read_text(encoding="utf-8")
    assert '<a href="$pdf-file$" type="application/pdf">PDF</a>' in title_block and "$dateline$" in title_block
    for partial in (*html["template-partials"], *typst["template-partials"]):
        assert Path(partial).name in {"title-block.html", "typst-show.typ"}  # Quarto matches partials by name
    show = (paths.ROOT / typst["template-partials"][0]).read_text(encoding="utf-8")
    assert "briefing-article(" in show and "$dateline$" in show and "$kicker$" in show
    assert "#let briefing-article(" in (paths.ROOT / typst["include-in-header"]).read_text(encoding="utf-8")


def _config_paths(node: object) -> list[str]:
    """Every string in the config that names a file of the repo (``src/...`` or ``scripts/...``)."""
    if isinstance(node, dict):
        return [found for value in node.values() for found in _config_paths(value)]
    if isinstance(node, list):
        return [found for value in node for found in _config_paths(value)]
    return [node] if isinstance(node, str) and node.startswith(("src/", "scripts/")) else []


def test_every_file_the_config_names_is_staged() -> None:
    named = _config_paths(yaml.safe_load(paths.QUARTO_CONFIG.read_text(encoding="utf-8")))
    assert len(named) == 5  # post-render, css, html partial, typst header, typst partial
    for relative in paths.QUARTO_PROJECT_FILES:
        assert (paths.ROOT / relative).is_file(), relative
    assert set(named) | {"_quarto.yml"} == set(paths.QUARTO_PROJECT_FILES)


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


def test_post_render_turns_headings_before_the_title_into_labels(post_render: ModuleType) -> None:
    page = ('<nav id="TOC"><h2 id="toc-title">Contents</h2><div class="quarto-alternate-formats"><h2>Other Formats</h2>'
            '</div></nav><main><h1 class="title">T</h1><h2 id="s">Section</h2></main>')
    cleaned = post_render.no_headings_before_title(page)
    assert '<p id="toc-title">Contents</p>' in cleaned and "<p>Other Formats</p>" in cleaned
    assert cleaned.count("<h2") == 1 and '<h2 id="s">Section</h2>' in cleaned
    assert post_render.no_headings_before_title("<h1>T</h1><h2>S</h2>") == "<h1>T</h1><h2>S</h2>"


def test_post_render_makes_tables_accessible_when_helpers_import(
    post_render: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = ModuleType("helpers.views.html_a11y")
    fake.make_tables_accessible = lambda html: html.replace("<table>", '<div role="region" tabindex="0"><table>')
    monkeypatch.setitem(sys.modules, "helpers.views.html_a11y", fake)
    assert post_render.accessible_tables("<table>") == '<div role="region" tabindex="0"><table>'
    monkeypatch.setitem(sys.modules, "helpers.views.html_a11y", None)  # as if not importable
    assert post_render.accessible_tables("<table>") == "<table>"
    assert "helpers.views.html_a11y not importable" in capsys.readouterr().err


def test_staged_notebook_has_front_matter_and_no_hidden_cells(tmp_path: Path) -> None:
    nb = fx.build_notebook()
    staged_path = stage_quarto_project(nb, read_briefing(nb, "b.ipynb"), tmp_path)
    staged = nbformat.read(staged_path, as_version=4)
    assert staged_path.name == STAGED_NOTEBOOK
    front = staged.cells[0]
    assert front.cell_type == "raw"
    assert yaml.safe_load(front.source.strip("-\n")) == {
        "title": fx.TITLE, "kicker": "Analytical briefing", "pdf-file": "briefing.pdf", "date": fx.AS_OF}
    tags = [tag for cell in staged.cells for tag in cell.metadata.get("tags", [])]
    assert not {"parameters", "injected-parameters", "remove-cell"} & set(tags)
    assert not staged.cells[1].source.startswith("# ")  # the title heading moved to the front matter
    assert len(staged.cells) == len(nb.cells) - 1  # -2 hidden cells, +1 front matter
    assert nb.cells[0].source.startswith(f"# {fx.TITLE}")  # the original is untouched
    for relative in paths.QUARTO_PROJECT_FILES:
        assert (tmp_path / relative).is_file()


def test_staged_title_block_becomes_front_matter_and_charts_get_fig_alt(tmp_path: Path) -> None:
    nb = fx.build_notebook()
    cell = nbformat.v4.new_code_cell("show_title_block(...)")
    cell.outputs = [title_block_output("2025-11-13", fx.AS_OF, "2026-12-02", approximate=True)]
    nb.cells.insert(3, cell)
    staged = nbformat.read(stage_quarto_project(nb, read_briefing(nb, "b.ipynb"), tmp_path), as_version=4)
    assert yaml.safe_load(staged.cells[0].source.strip("-\n")) == {
        "title": fx.TITLE,
        "kicker": "Analytical briefing",
        "pdf-file": "briefing.pdf",
        "date": fx.AS_OF,
        "dateline": "Information current to c. 13 Nov 2025 (newest report) · Edition 20 Nov 2025 · Built 2 Dec 2026, back-dated (only reports it could have had on its date)",
    }
    outputs = [output for c in staged.cells for output in c.get("outputs", [])]
    assert not any("isf" in output.get("metadata", {}) for output in outputs)  # the line is in the title block
    charts = [c for c in staged.cells if any(CHART_METADATA_KEY in o.get("metadata", {}) for o in c.get("outputs", []))]
    assert len(charts) == 2
    for chart in charts:
        first = chart.source.splitlines()[0]
        alt = chart.outputs[0].metadata[CHART_METADATA_KEY]["alt"]
        assert first.startswith("#| fig-alt: ") and yaml.safe_load(first[3:]) == {"fig-alt": alt}
    assert fx.HOSTILE in yaml.safe_load(charts[0].source.splitlines()[0][3:])["fig-alt"]


# A stand-in for Quarto 1.9 where the project depends on it: `--version`; `render` in a project folder
# with no input renders every file in `project: render` to every format under `format:` (or only the
# `--to` list) and writes `<name>.html` / `<name>.pdf` beside the input; then runs `post-render` with
# QUARTO_PYTHON and the outputs in QUARTO_PROJECT_OUTPUT_FILES, from the project folder; each call is logged
# to FAKE_QUARTO_LOG (arguments | files in the project). Like Quarto's
# widgets.ts, the page gets CDN script tags when an output carries text/html.
FAKE_QUARTO = """#!{python}
import json, os, pathlib, subprocess, sys
import yaml
args = sys.argv[1:]
if args == ["--version"]:
    print("1.9.38")
    sys.exit(0)
cwd = pathlib.Path.cwd()
with open(os.environ["FAKE_QUARTO_LOG"], "a") as log:
    log.write(" ".join(args) + " | " + ",".join(sorted(str(p.relative_to(cwd)) for p in cwd.rglob("*") if p.is_file())) + "\\n")
if os.environ.get("FAKE_QUARTO_FAIL"):
    print("ERROR: stand-in failure", file=sys.stderr)
    sys.exit(1)
if args[:1] != ["render"] or len(args) > 1 and not args[1].startswith("-"):
    sys.exit("stand-in: only a project render is implemented")
config = yaml.safe_load((cwd / "_quarto.yml").read_text())
formats = list(config["format"])
if "--to" in args:
    formats = args[args.index("--to") + 1].split(",")
written = []
for name in config["project"]["render"]:
    nb = json.loads((cwd / name).read_text())
    front = yaml.safe_load("".join(nb["cells"][0]["source"]).strip("-\\n"))
    html_outputs = any("text/html" in o.get("data", {{}}) for c in nb["cells"] for o in c.get("outputs", []))
    for fmt in formats:
        out = (cwd / name).with_suffix({{"html": ".html", "typst": ".pdf"}}[fmt])
        if fmt == "html":
            head = '<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js"></script>' if html_outputs else ""
            out.write_text(f"<html><head>{{head}}</head><body><h1>{{front['title']}}</h1><p>{{front.get('dateline', '')}}</p></body></html>")
        else:
            out.write_bytes(b"%PDF-1.7 stand-in")
        written.append(out.name)
script = config["project"].get("post-render")
if script:
    env = {{**os.environ, "QUARTO_PROJECT_OUTPUT_FILES": "\\n".join(written)}}
    subprocess.run([os.environ.get("QUARTO_PYTHON", "python3"), script], cwd=cwd, env=env, check=True)
"""


@pytest.fixture()
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the stand-in ``quarto`` first on PATH; temporary folders go under ``tmp_path/work``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "quarto").write_text(FAKE_QUARTO.format(python=sys.executable), encoding="utf-8")
    (bin_dir / "quarto").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.delenv("ISF_RENDERER", raising=False)
    monkeypatch.delenv("QUARTO_PYTHON", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "work"))
    (tmp_path / "work").mkdir()
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(tmp_path / "work" / "quarto-calls.txt"))
    return tmp_path / "work"


def test_quarto_path_renders_both_formats_side_by_side_under_the_stem(
    tmp_path: Path, fake_quarto: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = render_briefing(fx.write_notebook(tmp_path), tmp_path / "out")
    assert result.renderer == "quarto 1.9.38"
    assert capsys.readouterr().out == "render: quarto 1.9.38\n"
    assert (result.html, result.pdf) == (tmp_path / "out" / "briefing.html", tmp_path / "out" / "briefing.pdf")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["briefing.html", "briefing.pdf"]
    assert result.pdf.read_bytes() == b"%PDF-1.7 stand-in"
    page = result.html.read_text(encoding="utf-8")
    assert f"<h1>{fx.TITLE}</h1>" in page
    assert external_refs(page) == []  # the post-render script ran, under this interpreter
    calls = sorted((fake_quarto / "quarto-calls.txt").read_text().splitlines())
    # one run per format, side by side, each in its own staged project; never --execute
    assert [call.split(" | ")[0] for call in calls] == ["render --to html", "render --to typst"]
    for call in calls:
        staged = call.split(" | ")[1].split(",")
        assert {"_quarto.yml", STAGED_NOTEBOOK, *paths.QUARTO_PROJECT_FILES} <= set(staged)


def test_quarto_stages_under_the_stem_so_the_pdf_link_holds(tmp_path: Path, fake_quarto: Path) -> None:
    result = render_briefing(fx.write_notebook(tmp_path), tmp_path / "out", stem="edition-2025-11-20")
    assert (result.html.name, result.pdf.name) == ("edition-2025-11-20.html", "edition-2025-11-20.pdf")
    staged = (fake_quarto / "quarto-calls.txt").read_text().split(" | ")[1]
    assert "edition-2025-11-20.ipynb" in staged.split(",") and STAGED_NOTEBOOK not in staged.split(",")
    project = tmp_path / "p"
    nb = fx.build_notebook()
    stage_quarto_project(nb, read_briefing(nb, "b.ipynb"), project, "edition-2025-11-20")
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["render"] == ["edition-2025-11-20.ipynb"]
    front = yaml.safe_load(nbformat.read(project / "edition-2025-11-20.ipynb", as_version=4).cells[0].source.strip("-\n"))
    assert front["pdf-file"] == "edition-2025-11-20.pdf"
    assert config["format"] == yaml.safe_load(paths.QUARTO_CONFIG.read_text(encoding="utf-8"))["format"]


def test_quarto_failure_is_one_line_and_writes_nothing(
    tmp_path: Path, fake_quarto: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_QUARTO_FAIL", "1")
    with pytest.raises(RenderError, match=r"quarto render --to html failed \(exit 1\): ERROR: stand-in failure"):
        render_briefing(fx.write_notebook(tmp_path), tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.quarto
@pytest.mark.browser
def test_quarto_renders_a_self_contained_page_and_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need("quarto")  # not installable in CI: skips with the reason there too
    monkeypatch.delenv("ISF_RENDERER", raising=False)
    nb = fx.build_notebook()
    cell = nbformat.v4.new_code_cell("show_title_block(...)")
    cell.outputs = [title_block_output("2025-11-13", fx.AS_OF, "2026-12-02")]
    nb.cells.insert(3, cell)
    nbformat.write(nb, tmp_path / "briefing-executed.ipynb")
    result = render_briefing(tmp_path / "briefing-executed.ipynb", tmp_path / "out")
    assert result.renderer.startswith("quarto ")
    page = result.html.read_text(encoding="utf-8")
    assert external_refs(page) == []
    flat = " ".join(page.split())
    assert "Information current to 13 Nov 2025 (newest report)" in flat and "Analytical briefing" in flat
    assert flat.index("<h1") < flat.index("<h2")  # contents and other formats come after the title
    assert '<a href="briefing.pdf" type="application/pdf">PDF</a>' in flat and "Typst" not in flat
    text = " ".join(pdf_text(result.pdf).split())
    for expected in (fx.TITLE, fx.HEADING, "Indonesia", "20000", *fx.CHART_TITLES, fx.HOSTILE, "Information current to"):
        assert expected in text, expected
    cut = without_sample(text, fx.HOSTILE)  # wherever typst broke the line inside it
    assert fx.HOSTILE not in cut
    for marker in (*RAW_MARKUP, *fx.CODE_MARKERS):
        assert marker not in cut, marker
    assert pdf_raster_images(result.pdf) == 0
    assert len(pdf_alt_texts(result.pdf)) == 2 and any(fx.HOSTILE in alt for alt in pdf_alt_texts(result.pdf))
    assert pdf_shows_title(result.pdf) == fx.TITLE
    headings = pdf_headings(result.pdf)
    assert headings[0] == ("/H1", fx.TITLE) and {tag for tag, _ in headings[1:]} == {"/H2"}
    require_chromium()
    report = load_offline(result.html)
    assert (report.external_requests, report.console_errors, report.dialogs) == ([], [], [])
    assert report.charts_drawn == report.charts_found == 2


# Quarto's typst template order (quarto-cli src/resources/formats/typst/pandoc/quarto/template.typ):
# its definitions and article template, then header-includes, then the typst-show partial, then the body.
# A minimal stand-in of that order, to check the project's partial and styles work together under PDF/UA-1.
QUARTO_ORDER_TEMPLATE = """#let article(doc) = { set par(justify: true); doc }

$for(header-includes)$
$header-includes$
$endfor$

$typst-show.typ()$

$body$
"""


def test_typst_show_partial_gives_the_title_block_in_quartos_template_order(tmp_path: Path) -> None:
    import pypandoc
    import typst

    config = yaml.safe_load(paths.QUARTO_CONFIG.read_text(encoding="utf-8"))["format"]["typst"]
    (tmp_path / "template.typ").write_text(QUARTO_ORDER_TEMPLATE, encoding="utf-8")
    shutil.copy(paths.ROOT / config["template-partials"][0], tmp_path / "typst-show.typ")
    (tmp_path / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="900"/>', encoding="utf-8")
    front = {
        "title": fx.TITLE,
        "kicker": "Analytical briefing",
        "date": "20 November 2025",
        "dateline": "Information current to 13 Nov 2025 (newest report) · Edition 20 Nov 2025 · Built 2 Dec 2026, back-dated (only reports it could have had on its date)",
        "toc": True,
        "toc-depth": 2,
    }
    body = f"## {fx.HEADING}\n\nText.\n\n```{{=typst}}\n#box(image(\"chart.svg\", alt: \"A chart.\"))\n```\n\n## Charts\n\nMore.\n"
    source = pypandoc.convert_text(
        f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n\n{body}",
        "typst",
        format="markdown",
        extra_args=["--standalone", f"--template={tmp_path / 'template.typ'}", "-V",
                    "header-includes=" + (paths.ROOT / config["include-in-header"]).read_text(encoding="utf-8")],
    )
    (tmp_path / "doc.typ").write_text(source, encoding="utf-8")
    typst.compile(str(tmp_path / "doc.typ"), output=str(tmp_path / "doc.pdf"), pdf_standards=[config["pdf-standard"]])
    pdf = tmp_path / "doc.pdf"
    assert pdf_shows_title(pdf) == fx.TITLE
    assert pdf_headings(pdf) == [("/H1", fx.TITLE), ("/H2", "CONTENTS"), ("/H2", fx.HEADING), ("/H2", "Charts")]
    text = " ".join(pdf_text(pdf).split())
    assert text.startswith(f"ANALYTICAL BRIEFING {fx.TITLE} {front['dateline']} CONTENTS")
    assert pdf_alt_texts(pdf) == ["A chart."]
