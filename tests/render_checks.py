"""Checks on rendered briefings (HTML and PDF), shared by the renderer tests and usable on the real one."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

# src=/href= values and CSS url(...) that point off the machine.
EXTERNAL_REF = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)(?:https?:)?//""", re.IGNORECASE)
# Markup that must never reach a reader: leftover Markdown, HTML, typst or code.
RAW_MARKUP = ("**", "<div", "<script", "#set", "#let", "```", "alt.Chart", "display_data")


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
