"""Explain why a quote is not in its source: where it first differs, the nearest passage, who has it.

Quotes are compared after collapsing whitespace (line breaks in a report do not matter); every other
character, curly apostrophes included, must be the same. (Where the report texts are absent, quotes are
checked against the record ``helpers.data.quote_record`` keeps.)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass



# Characters of context shown either side of the first difference.
CONTEXT: int = 18


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace, so quotes match across line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def char_name(char: str) -> str:
    """A character as a curator can tell it apart: ``'’' U+2019``; "end of text" for ''."""
    return f"{char!r} U+{ord(char):04X}" if char else "end of text"


@dataclass(frozen=True)
class Mismatch:
    """Where a quote departs from the nearest passage of a text."""

    position: int  # 1-based character of the (whitespace-normalised) quote
    quote_char: str  # '' when the quote ends first
    text_char: str  # '' when the text ends first
    quote_excerpt: str  # the quote around the difference
    text_excerpt: str  # the text around the difference

    def describe(self) -> str:
        """One clause: 'character 95: '’' U+2019 in the quote vs "'" U+0027 in the file'."""
        return (f"character {self.position}: {char_name(self.quote_char)} in the quote vs "
                f"{char_name(self.text_char)} in the file")


def _longest_prefix_found(quote: str, text: str) -> int:
    """Length of the longest start of ``quote`` that occurs in ``text`` (binary search: found is monotone)."""
    lo, hi = 0, len(quote)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if quote[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _excerpt(text: str, at: int) -> str:
    start, end = max(0, at - CONTEXT), min(len(text), at + CONTEXT)
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def first_mismatch(quote: str, text: str) -> Mismatch:
    """Locate the passage of ``text`` nearest to ``quote`` and their first differing character.

    The passage is anchored on the longest start of the quote found in the text; when fewer than ten
    characters of the start match (the quote's beginning is wrong), on the longest block both share.

    Args:
        quote: the quote as written in the data (whitespace is normalised here).
        text: the source text (whitespace is normalised here).

    Returns:
        The first difference and excerpts of both around it.
    """
    q, t = normalise_space(quote), normalise_space(text)
    k = _longest_prefix_found(q, t)
    if k >= min(10, len(q)):
        start = t.find(q[:k])
    else:
        block = difflib.SequenceMatcher(None, t, q, autojunk=False).find_longest_match(0, len(t), 0, len(q))
        start = block.a - block.b
    j = 0
    while j < len(q) and 0 <= start + j < len(t) and q[j] == t[start + j]:
        j += 1
    text_at = start + j
    text_char = t[text_at] if 0 <= text_at < len(t) else ""
    quote_char = q[j] if j < len(q) else ""
    return Mismatch(j + 1, quote_char, text_char, _excerpt(q, j), _excerpt(t, max(0, text_at)))


def holders(quote: str, texts: dict[str, str]) -> list[str]:
    """Ids of the texts that contain ``quote`` exactly (up to whitespace).

    Args:
        quote: a quote.
        texts: source id -> whitespace-normalised text.

    Returns:
        Matching source ids, sorted.
    """
    q = normalise_space(quote)
    return sorted(sid for sid, text in texts.items() if q in text)
