"""Citations as the briefing prints them: a source id linked to its entry under Sources, and compact marks.
"""

from __future__ import annotations

from typing import Any


from helpers.views.markdown import escape_md as esc

# Longest table or list the briefing prints; the rest is in the edition's processed/ and analysis/ files.

def ref(source_id: str) -> str:
    """An in-text citation that links to the source's entry under Sources: "[S001](#src-S001)".

    pandoc turns it into a link in the HTML page and in the PDF (typst labels); the id is data, so it
    is escaped like any other text.
    """
    return f"[{esc(source_id)}](#src-{source_id})" if source_id else ""


def refs(source_ids: str | list[str]) -> str:
    """Several citations: "S001, S003" as links (a "S001, S003" string or a list)."""
    ids = [s.strip() for s in source_ids.split(",")] if isinstance(source_ids, str) else list(source_ids)
    return ", ".join(ref(s) for s in dict.fromkeys(i for i in ids if i))


def mark(source_ids: Any) -> str:
    """A compact citation set right after the words it supports: superscript links to the Sources entries.

    "^[S001](#src-S001),\\ [S003](#src-S003)^": pandoc's superscript (spaces inside it escaped) renders as
    ``<sup>`` in the page and ``#super`` in the PDF, each id a link as :func:`ref` makes it; "" for none.

    Args:
        source_ids: source ids (blanks and repeats are dropped; the mark lists them in order of id).
    """
    ids = sorted({str(s).strip() for s in source_ids if s and str(s).strip()})
    return "^" + ",\\ ".join(ref(s) for s in ids) + "^" if ids else ""
