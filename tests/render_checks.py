"""Checks on rendered briefings (HTML and PDF), shared by the renderer tests and usable on the real one."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import nbformat
from pypdf import PdfReader

from helpers import fmt
from helpers.views import markdown

# src=/href= values and CSS url(...) that point off the machine.
EXTERNAL_REF = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)(?:https?:)?//""", re.IGNORECASE)
# Markup that must never reach a reader: leftover Markdown, HTML, typst or code.
RAW_MARKUP = ("**", "<div", "<script", "#set", "#let", "```", "alt.Chart", "display_data")
# PDF structure tags of headings.
HEADING_TAGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


def without_sample(text: str, sample: str) -> str:
    """Return text with every occurrence of ``sample`` cut out, wherever a line break fell inside it.

    A PDF's text layer joins lines with spaces or nothing, so the sample may come back with a space
    added or removed at any point; it is matched ignoring all whitespace.

    Args:
        text: extracted text.
        sample: the text to remove (e.g. a hostile string shown literally).

    Returns:
        The text, whitespace runs collapsed, without the sample.
    """
    pattern = r"\s*".join(re.escape(ch) for ch in "".join(sample.split()))
    return re.sub(pattern, "", " ".join(text.split()))


def title_block_output(information_date: str, as_of: str, built_on: str, approximate: bool = False) -> nbformat.NotebookNode:
    """Return the output ``helpers.views.markdown.show_title_block`` displays, as a kernel would record it.

    Args:
        information_date: the newest report's date.
        as_of: the edition date.
        built_on: the build date.
        approximate: the newest report's date is an estimate.

    Returns:
        A display_data output.
    """
    with mock.patch.object(markdown, "display") as display:
        label = fmt.date_label(information_date, "approximate" if approximate else "day")
        markdown.show_title_block({"kicker": markdown.KICKER, "information_date": information_date, "information_label": label,
                                   "as_of": as_of, "built_on": built_on})
    (data,), kwargs = display.call_args
    assert kwargs["raw"] is True
    return nbformat.v4.new_output("display_data", data=data, metadata=kwargs["metadata"])


def external_refs(html: str) -> list[str]:
    """Return the start of every reference to a resource off the machine.

    Args:
        html: a page's HTML.

    Returns:
        Short excerpts, e.g. ``src="https://cdn...``; empty when the page is self-contained.
    """
    return [html[match.start() : match.start() + 80] for match in EXTERNAL_REF.finditer(html)]


def pdf_text(pdf: Path) -> str:
    """Return the PDF's text, pages joined by newlines.

    Args:
        pdf: a PDF file.

    Returns:
        The text pypdf extracts.
    """
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def pdf_page_count(pdf: Path) -> int:
    """Return the number of pages.

    Args:
        pdf: a PDF file.

    Returns:
        The page count.
    """
    return len(PdfReader(pdf).pages)


def pdf_raster_images(pdf: Path) -> int:
    """Return how many raster images the pages use (charts must be vectors, so 0 here).

    Args:
        pdf: a PDF file.

    Returns:
        The number of ``/Image`` XObjects, nested forms included.
    """
    count = 0
    for page in PdfReader(pdf).pages:
        pending = [page.get("/Resources", {})]
        while pending:
            node = pending.pop()
            resources = node.get_object() if hasattr(node, "get_object") else node
            for xobject in resources.get("/XObject", {}).values():
                xobject = xobject.get_object()
                if xobject.get("/Subtype") == "/Image":
                    count += 1
                elif "/Resources" in xobject:
                    pending.append(xobject["/Resources"])
    return count


def pdf_alt_texts(pdf: Path) -> list[str]:
    """Return the alt texts in the PDF's structure tree (typst tags images with them).

    Args:
        pdf: a PDF file.

    Returns:
        Every ``/Alt`` string, in tree order.
    """
    root = PdfReader(pdf).trailer["/Root"]
    found: list[str] = []
    pending = [root.get("/StructTreeRoot")]
    while pending:
        node = pending.pop(0)
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, dict):
            continue
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K", [])
        pending.extend(kids if isinstance(kids, list) else [kids])
    return found


def pdf_fonts(pdf: Path) -> set[str]:
    """Return the base names of the fonts the pages use (subset prefixes removed).

    Args:
        pdf: a PDF file.

    Returns:
        e.g. ``{"DejaVuSans", "DejaVuSans-Bold"}``.
    """
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def pdf_headings(pdf: Path) -> list[tuple[str, str]]:
    """Return the headings in the PDF's structure tree with their text, in reading order.

    Args:
        pdf: a tagged PDF file.

    Returns:
        ``(tag, text)`` pairs, e.g. ``("/H1", "The title")``; text from the tagged content's ``/ActualText``
        or ``/T`` when present, else "".
    """
    root = PdfReader(pdf).trailer["/Root"]
    found: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, dict):
            return
        tag = str(node.get("/S", ""))
        if tag in HEADING_TAGS:
            found.append((tag, str(node.get("/T", node.get("/ActualText", "")))))
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    walk(root.get("/StructTreeRoot"))
    return found


def pdf_shows_title(pdf: Path) -> str | None:
    """Return the title viewers show: the metadata title when DisplayDocTitle is set, else None.

    Args:
        pdf: a PDF file.

    Returns:
        The document title, or None when viewers would show the file name.
    """
    reader = PdfReader(pdf)
    preferences = reader.trailer["/Root"].get("/ViewerPreferences", {})
    if not preferences.get("/DisplayDocTitle") or reader.metadata is None:
        return None
    return reader.metadata.title
