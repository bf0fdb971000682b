"""Formatting for every view: dates, names, citations and sourcing, written one way.

Text, tables, chart titles and alt text all call these, so "c. 13 Dec 2025" or "A, B and C" reads the
same everywhere. Nothing here decides what to say: the findings come from ``helpers.analysis``.
"""

from __future__ import annotations

import datetime as dt
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


def dated_text(value: str, precision: str = "day_long") -> str:
    """An ISO date (a time part is ignored) as :func:`date_label` writes it; text that is not a date, unchanged.

    For dates that come as text (manifests, front matter): "2025-11-20T09:00" gives "20 November 2025".
    """
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return date_label(value[:10], precision)


def dateline(information_date: str, information_label: str, as_of: str, built_on: str, stale_note: str = "") -> str:
    """The title block's dates: what the information is current to, apart from the edition and build dates.

    Args:
        stale_note: said after the information date when the newest report is old ("357 days before this
            edition; later events are not covered"), else "".

    Returns:
        "Information current to 13 Dec 2025 (newest report) · Edition 20 Dec 2025 · Built 20 Dec 2025", or
        "No report is in yet · Edition … · Built …" when the edition predates every report. An edition built
        after its date says so: "· Built 2 Dec 2026, back-dated (only reports it could have had on its date)".
    """
    info = (f"Information current to {information_label} (newest report" + (f", {stale_note})" if stale_note else ")")
            if information_date else "No report is in yet")
    return f"{info} · Edition {date_label(as_of)} · Built {date_label(built_on)}{back_dated_note(as_of, built_on)}"


def back_dated_note(as_of: str, built_on: str) -> str:
    """", back-dated (only reports it could have had on its date)" for an edition built after its date, else "".

    Scheduled editions are built on their date; one built later (a rehearsal, an archive rebuilt from the
    data) must not read as written on its date."""
    if not as_of or not built_on or iso_day(built_on) <= iso_day(as_of):
        return ""
    return ", back-dated (only reports it could have had on its date)"


def iso_day(value: Any) -> str:
    """YYYY-MM-DD, or "" for a missing date."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return ""
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def names(items: Iterable[str], limit: int = 15, conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C"; past ``limit``, "A, B, … and 3 more"; "" for none.

    Duplicates and blanks are dropped, first occurrence kept. ``conjunction`` "or" gives "A, B or C".
    """
    shown = list(dict.fromkeys(i for i in items if i))
    if len(shown) > limit:
        shown = [*shown[:limit], f"{len(shown) - limit} more"]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} {conjunction} {shown[-1]}"


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


def sourcing(confidence: str, via: str = "", voice: str = "") -> str:
    """How one claim is sourced, in readers' words: "anonymous officials, via The Wall Street Journal".

    With ``voice`` "own" the words say it is the actor's own: "its own word, on the record", "its own
    officials, unnamed, via Reuters".
    """
    if voice == "own":
        words = OWN_WORDS.get(confidence, "its own word")
    else:
        words = SOURCING_WORDS.get(confidence, confidence.replace("_", " "))
    return f"{words}, via {via}" if via else words


# The actor's own word, by how the report sources it.
OWN_WORDS: dict[str, str] = {
    "on_record": "its own word, on the record",
    "named_official": "its own named official",
    "anonymous_officials": "its own officials, unnamed",
    "relayed": "its own word, as relayed",
    "unattributed": "its own word, as the outlet reports it",
}


def origins_note(origins: Iterable[str]) -> str:
    """ "1 origin: The Wall Street Journal", "2 origins: Dawn and Reuters" ("" for none)."""
    found = sorted({o for o in origins if o})
    if not found:
        return ""
    return f"{plural(len(found), 'origin')}: {names(found)}"


# First words of unnamed groups' names that are common words, lower-cased inside a sentence ("European
# states" keeps its capital: a proper adjective).
COMMON_LEADS: frozenset[str] = frozenset({"the", "countries", "country", "several", "other", "senior", "diplomats", "some"})


def group_name(name: str) -> str:
    """An unnamed group's name as it reads in a sentence: "The 19 willing countries (unnamed)" -> "the 19 willing countries"."""
    bare = name.removesuffix(" (unnamed)")
    first = bare.split(" ", 1)[0].lower()
    return lower_first(bare) if first in COMMON_LEADS else bare


def lower_first(text: str) -> str:
    """A label as it reads inside a sentence: "Only once fighting stops" -> "only once fighting stops".

    Acronyms and names keep their capitals: "US-run cell" and "UN Security Council mandate" stay as they
    are, "Inside Gaza" becomes "inside Gaza" (only the first letter changes, and only when the second is
    lower case). Never use it on a name ("Indonesia").
    """
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
