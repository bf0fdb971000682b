"""The briefing's "Data, citation and licence" section: the edition's claims as a CSV download, the codebook, how to cite.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import fmt
from helpers.views.markdown import escape_md as esc

# Longest table or list the briefing prints; the rest is in the edition's processed/ and analysis/ files.

# Largest CSV the self-contained page embeds (bytes); beyond it the page links the edition's processed/claims.csv.
EMBED_LIMIT = 500_000


DOWNLOAD_COLUMNS: tuple[str, ...] = ("claim_id", "claim_table", "actor_id", "actor_name", "reported_date", "event_date", "summary",
                                     "source_id", "confidence", "quote")


def claims_csv(claims: pd.DataFrame) -> bytes:
    """The edition's claims as the CSV readers download: one row per claim, with its source and quote."""
    return claims.reindex(columns=list(DOWNLOAD_COLUMNS)).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def data_uri(content: bytes, mime: str) -> str:
    """A ``data:`` URI, so the self-contained page carries its own downloads."""
    import base64
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def downloads_md(claims: pd.DataFrame, codebook: str, summary: dict[str, Any], as_of: str) -> str:
    """The data behind the edition, how to cite it, its licence and where to send corrections.

    The page carries its downloads as ``data:`` links in a raw HTML block (the PDF cannot hold so long a
    link: typst refuses it); the PDF gets a raw typst line pointing to the page and the edition's folder.
    Both renderers (pandoc and Quarto) pass each raw block to its own format only.
    """
    import html

    info = summary["information_date"]
    name = f"isf-gaza-claims-{as_of}.csv"
    content = claims_csv(claims)
    # the page carries the CSV itself up to EMBED_LIMIT; a larger one is linked in the edition's folder, so
    # the page does not grow with the data
    target = data_uri(content, "text/csv") if len(content) <= EMBED_LIMIT else "processed/claims.csv"
    csv_link = (f'<a href="{target}" download="{html.escape(name)}">the {len(claims)} claims of this '
                "edition, with their sources and quotes (CSV)</a>")
    book_link = f'<a href="{data_uri(codebook.encode("utf-8"), "text/markdown")}" download="CODEBOOK.md">the codebook</a>'
    page = (f"<p><strong>Data:</strong> {csv_link}; {book_link} (fields, codes and coding rules). The edition\u2019s folder holds the "
            "same tables under <code>processed/</code>.</p>")
    pdf = (f"*Data:* the {len(claims)} claims of this edition, with their sources and quotes, are a CSV download in the HTML "
           "edition and in the edition's data files, with the codebook.")
    lines = [
        f"```{{=html}}\n{page}\n```",
        "",
        f"```{{=typst}}\n{pdf}\n```",
        "",
        f"- **How to cite:** International Stabilization Force for Gaza: who offers what, on which conditions. Analytical briefing, "
        f"edition of {esc(fmt.date_label(as_of))}" + (f", information current to {esc(info['label'])}" if info["label"] else "") + ".",
        "- **Licence:** text and curated data CC BY 4.0; code MIT. Quotes are short excerpts of the cited reports.",
        "- **Corrections:** open an issue in the repository that publishes this briefing, naming the claim (its id is the first "
        "column of the claims CSV) and the report; corrections appear, dated, under \u201cWhat changed\u201d in the next edition.",
    ]
    return "\n".join(lines)
