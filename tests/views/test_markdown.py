"""Escaping: data text prints literally through pandoc to HTML and to typst/PDF; tables and display."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pypandoc
import pytest
import typst
from pypdf import PdfReader

from helpers.views import markdown
from helpers.views.markdown import escape_md, md_table

NASTY = [
    "<script>alert(1)</script>",
    "*bold* and **strong**",
    "_x_ and __y__",
    "#heading",
    "$math$ and $$display$$",
    "@ref and [@cite]",
    "[link](x) and ![img](y.png)",
    "a | b",
    "`code`",
    "back\\slash",
    "= eq",
    "1. one",
    "- dash",
    "&amp; & \"q\" 's -- ...",
    "~sub~ ^sup^",
    "<!-- comment -->",
    "{{< meta title >}}",
    "http://example.org/a_b",
    "Hamas — “quoted” ‘text’",
]


def test_escape_md_collapses_whitespace_and_escapes_punctuation() -> None:
    assert escape_md("a\n\n#  b\t*c*") == "a \\# b \\*c\\*"
    assert escape_md("plain words 123") == "plain words 123"


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_prints_literally_in_html(text: str) -> None:
    html = pypandoc.convert_text(escape_md(text), "html5", format="markdown")
    expected = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert html.strip() == f"<p>{expected}</p>"


def test_escaped_text_prints_literally_in_pdf(tmp_path: Path) -> None:
    source = pypandoc.convert_text("\n\n".join(escape_md(text) for text in NASTY), "typst", format="markdown")
    (tmp_path / "t.typ").write_text(source, encoding="utf-8")
    typst.compile(str(tmp_path / "t.typ"), output=str(tmp_path / "t.pdf"))
    lines = _pdf_lines(tmp_path / "t.pdf")
    for text in NASTY:
        # pandoc's typst writer leaves "..." as typst's ellipsis shorthand: the one (harmless) change.
        assert text.replace("...", "…") in lines


def test_md_table_escapes_aligns_and_fills_missing() -> None:
    df = pd.DataFrame({"actor": ["A|B", "line\nbreak", None], "n": [1.0, None, 2.5], "flag": [True, False, True]})
    table = md_table(df, headers={"n": "Troops #"})
    lines = table.splitlines()
    assert lines[0] == "| actor | Troops \\# | flag |"
    assert lines[1].split(" | ")[1].endswith(":")  # numbers right-aligned
    assert lines[1].startswith("| :")  # text left-aligned
    assert lines[1].rsplit(" | ", 1)[1].startswith(":-") and lines[1].endswith("- |")  # booleans are not numbers
    assert lines[2] == "| A\\|B | 1 | True |"
    assert lines[3] == "| line break | — | False |"
    assert lines[4] == "| — | 2\\.5 | True |"


def test_md_table_renders_as_a_table_in_html_and_typst() -> None:
    df = pd.DataFrame({"actor": ["<b>x</b> | y"], "quote": ["long " * 30]})
    html = pypandoc.convert_text(md_table(df), "html5", format="markdown")
    assert "<td>&lt;b&gt;x&lt;/b&gt; | y</td>" in html.replace('<td style="text-align: left;">', "<td>")
    typ = pypandoc.convert_text(md_table(df), "typst", format="markdown")
    assert "#table(" in typ and "columns: (" in typ  # long rows get relative widths, so they wrap


def test_md_table_picks_columns_and_names_a_missing_one() -> None:
    df = pd.DataFrame({"a": [1], "b": [2]})
    assert md_table(df, columns=["b"]).splitlines()[0] == "| b |"
    with pytest.raises(KeyError, match="'c'"):
        md_table(df, columns=["c"])


def test_show_md_displays_markdown_only(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    monkeypatch.setattr(markdown, "display", lambda obj, raw: shown.append((obj, raw)))
    markdown.show_md("**hi**")
    assert shown == [({"text/markdown": "**hi**"}, True)]


def _pdf_lines(pdf: Path) -> list[str]:
    """Return the PDF's text lines (pypdf keeps the spaces that pdftotext's layout mode drops)."""
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return [line.strip() for line in text.splitlines()]


def test_lab_markdown_shows_raw_blocks_as_text_and_drops_anchors() -> None:
    text = (
        "- [S000]{#src-S000}: Outlet, 17 Oct 2025; \\[not a span\\]{#x}.\n\n"
        '```{=html}\n<p><strong>Data:</strong> <a href="data:text/csv;base64,QUJD">the 3 claims (CSV)</a> &amp; more</p>\n```\n\n'
        "```{=typst}\n*Data:* in the HTML edition.\n```\n\n- **Licence:** CC BY 4.0."
    )
    assert markdown.lab_markdown(text) == (
        "- S000: Outlet, 17 Oct 2025; \\[not a span\\]{#x}.\n\n"
        "*In the page:* Data\\: the 3 claims \\(CSV\\) \\& more\n\n"
        "- **Licence:** CC BY 4.0."
    )


def test_lab_markdown_shows_source_marks_as_superscript() -> None:
    text = "Hamas refuses.^[S001](#src-S001),\\ [S002](#src-S002)^ A caret \\^ stays^[S003](#src-S003)^"
    assert markdown.lab_markdown(text) == (
        "Hamas refuses.<sup>[S001](#src-S001), [S002](#src-S002)</sup> A caret \\^ stays<sup>[S003](#src-S003)</sup>")


def test_show_md_in_lab_leaves_out_renderer_markup_and_empty_text(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[dict] = []
    monkeypatch.setattr(markdown, "display", lambda data, **_: shown.append(data))
    try:
        markdown.use_lab_display(True)
        markdown.show_md("")
        markdown.show_md("[S001]{#src-S001}: a report")
        markdown.use_lab_display(False)
        markdown.show_md("[S001]{#src-S001}: a report")
    finally:
        markdown.use_lab_display(False)
    assert [d["text/markdown"] for d in shown] == ["S001: a report", "[S001]{#src-S001}: a report"]
