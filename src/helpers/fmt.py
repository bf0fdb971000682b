"""Formatting for every view: dates, names, citations and sourcing, written one way.

Text, tables, chart titles and alt text all call these, so "c. 13 Dec 2025" or "A, B and C" reads the
same everywhere. Nothing here decides what to say: the findings come from ``helpers.analysis``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd


def date_label(value: Any, precision: str = "day") -> str:
    """A date as readers write it, marked when it is an estimate or a month.

    Args:
        value: a date (Timestamp, ISO string or datetime).
        precision: the date's precision code: "approximate" gives "c. 13 Dec 2025", "month" gives
            "Nov 2025", "week" gives "week of 20 Oct 2025"; anything else the day.

    Returns:
        The label, or "" for a missing date.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return ""
    day = pd.Timestamp(value)
    if precision == "day_long":  # title blocks: "20 November 2025"
        return f"{day:%-d %B %Y}"
    if precision == "month":
        return f"{day:%b %Y}"
    if precision == "week":
        return f"week of {day:%-d %b %Y}"
    return ("c. " if precision == "approximate" else "") + f"{day:%-d %b %Y}"


def dateline(information_date: str, information_label: str, as_of: str, built_on: str) -> str:
    """The title block's dates: what the information is current to, apart from the edition and build dates.

    Returns:
        "Information current to c. 13 Dec 2025 (newest report) · Edition 20 Dec 2025 · Built 2 Dec 2026", or
        "No report is in yet · Edition … · Built …" when the edition predates every report.
    """
    info = f"Information current to {information_label} (newest report)" if information_date else "No report is in yet"
    return f"{info} · Edition {date_label(as_of)} · Built {date_label(built_on)}"


def iso_day(value: Any) -> str:
    """YYYY-MM-DD, or "" for a missing date."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return ""
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def names(items: Iterable[str], limit: int = 15) -> str:
    """ "A", "A and B", "A, B and C"; past ``limit``, "A, B, … and 3 more"; "" for none.

    Duplicates and blanks are dropped, first occurrence kept.
    """
    shown = list(dict.fromkeys(i for i in items if i))
    if len(shown) > limit:
        shown = [*shown[:limit], f"{len(shown) - limit} more"]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 country", "2 countries"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def cite(source_ids: Iterable[str]) -> str:
    """Sorted unique source ids: "S001, S003"."""
    return ", ".join(sorted({s for s in source_ids if s}))


def capitalise(text: str) -> str:
    """The first letter upper-cased, the rest untouched."""
    return text[:1].upper() + text[1:]


# How readers are told where a claim comes from (confidence code -> words after the citation).
SOURCING_WORDS: dict[str, str] = {
    "on_record": "on the record",
    "named_official": "a named official",
    "anonymous_officials": "anonymous officials",
    "relayed": "relayed from another outlet",
    "unattributed": "the outlet's own statement",
}


def sourcing(confidence: str, via: str = "") -> str:
    """ "anonymous officials, via The Wall Street Journal": how one claim is sourced, in readers' words."""
    words = SOURCING_WORDS.get(confidence, confidence.replace("_", " "))
    return f"{words}, via {via}" if via else words
