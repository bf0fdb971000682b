"""The analyst's key judgements in words: the bottom line, the notebook's check results, the review command.

The judgements are parsed and checked in ``helpers.analysis.judgements``; here they become Markdown (text
escaped, references replaced by their values, citations as the briefing's source marks) or plain lines.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers import fmt
from helpers.analysis.judgements import (
    CLAIM_ID, FIRST_SENTENCE, SCALE, EditionJudgements, Evidence, Judgement, bearing, resolve, unread_claims, _rendered_plain,
)
from helpers.views.cite import mark
from helpers.views.markdown import escape_md as esc


TOKEN = re.compile(r"\{\{(?P<ref>.*?)\}\}|\[\s*(?P<cite>" + CLAIM_ID + r"(?:\s*[,;]\s*" + CLAIM_ID + r")*)\s*\]")


def _esc_spaced(text: str) -> str:
    """Escaped text that keeps one leading and one trailing space (``escape_md`` trims them)."""
    if not text.strip():
        return " " if text else ""
    return (" " if text[0].isspace() else "") + esc(text) + (" " if text[-1].isspace() else "")


def render_text(j: Judgement, evidence: Evidence) -> str:
    """A judgement as Markdown: its first sentence (the conclusion) in bold, text escaped, references
    replaced by their values, citations as compact source marks linking to the Sources entry
    (``helpers.views.briefing.mark``), set right after the word before."""
    end = FIRST_SENTENCE.search(j.text)
    head, rest = (j.text[:end.end()], j.text[end.end():]) if end else (j.text, "")
    return f"**{_render(head, evidence)}**" + (" " + _render(rest, evidence) if rest.strip() else "")


def _render(text: str, evidence: Evidence) -> str:
    """Markdown of a piece of judgement text (see :func:`render_text`)."""
    source_of = dict(zip(evidence.claims["claim_id"], evidence.claims["source_id"]))
    parts, pos = [], 0
    for m in TOKEN.finditer(text):
        parts.append(_esc_spaced(text[pos:m.start()]))
        if m.group("ref") is not None:
            parts.append(esc(resolve(m.group("ref"), evidence.findings)))
        else:
            parts[-1] = parts[-1].rstrip()
            parts.append(mark(source_of.get(i, "") for i in re.split(r"\s*[,;]\s*", m.group("cite").strip())))
        pos = m.end()
    parts.append(_esc_spaced(text[pos:]))
    return re.sub(r" {2,}", " ", "".join(parts)).strip()


def bottom_line_md(ej: EditionJudgements, stale_after_days: int = 30) -> str:
    """The analyst's bottom line: the not-yet-reviewed line (if any), a line saying the judgements have not been
    reassessed when the edition is more than ``stale_after_days`` after the one they were written for, the
    numbered judgements, and whose they are."""
    assert ej.file is not None
    lines = []
    if ej.stale:
        lines += [f"**Not yet reviewed:** {esc(ej.stale)}", ""]
    if ej.days_old > stale_after_days and not ej.stale:  # "not yet reviewed" already says when they were written
        written = fmt.date_label(ej.file.written_for)
        lines += [f"**Archived judgements of {esc(written)}, not reassessed:** written for the edition of {esc(written)}, "
                  f"{esc(fmt.plural(ej.days_old, 'day'))} before this one. Their likelihoods and time frames (“in the coming "
                  "weeks”) are as of that date: read them as the assessment then, not as a current estimate.", ""]
    lines += [f"{j.number}. {render_text(j, ej.evidence)}" for j in ej.file.judgements]
    lines += ["", f"*Key judgements by the analyst, written for the edition of {esc(fmt.date_label(ej.file.written_for))} and "
                  "checked against the claims they cite when this edition was built. Likelihood words follow the scale under "
                  "Methodology.*"]
    return "\n".join(lines)

def checks_md(ej: EditionJudgements) -> str:
    """What the analyst sees in the notebook: which file, what it was read against, and each problem."""
    if ej.file is None:
        return (f"**Key judgements:** none for the edition of {esc(fmt.date_label(ej.as_of))} (no file dated on or before it in "
                f"{esc(ej.folder_label)}), so the bottom line is generated from the findings."
                + ("\n\n" + "\n".join(f"- {esc(str(p))}" for p in ej.problems) if ej.problems else ""))
    head = (f"**Key judgements:** {esc(ej.file.label)}, {len(ej.file.judgements)} judgement(s), reviewed against "
            f"{esc(', '.join(ej.file.reports_read) or 'no report')}.")
    status = (f"**Checks: {len(ej.problems)} problem(s).**\n\n" + "\n".join(f"- {esc(str(p))}" for p in ej.problems)
              if ej.problems else "**Checks: passed** (citations, numbers, finding references, likelihood words, sentence length).")
    pending = bearing(ej.file, ej.evidence)
    lines = [head, "", status]
    if ej.stale:
        lines += ["", f"**Not yet reviewed:** {esc(ej.stale)}"]
        for number, rows in pending.items():
            lines += ["", f"Judgement {number}:"] + [f"- {esc(r.claim_id)} ({esc(r.source_id)}; shares {esc(r.shared)}): "
                                                     f"\u201c{esc(r.quote)}\u201d" for r in rows.itertuples()]
    return "\n".join(lines)


def scale_md() -> str:
    """The likelihood scale as a bullet list, for the briefing's methodology."""
    return "\n".join(f"- **{esc(term)}**: {esc(chance)}" for term, chance in SCALE)


def review_text(ej: EditionJudgements) -> str:
    """What ``dev.py review`` prints: the file, its check results, then per judgement the unread claims
    bearing on it with their quotes, and how to mark the judgements reviewed."""
    lines: list[str] = []
    if ej.file is None:
        lines.append(f"review: no judgements file dated on or before {ej.as_of} in {ej.folder_label}; the bottom line is generated. "
                     "README.md, 'Key judgements', says how to write one.")
        lines += [str(p) for p in ej.problems]
        return "\n".join(lines)
    jf, ev = ej.file, ej.evidence
    lines.append(f"review: {jf.label}, written for the edition of {fmt.date_label(jf.written_for)}, "
                 f"read against {', '.join(jf.reports_read) or 'no report'}; this edition: {fmt.date_label(ej.as_of)}")
    lines += ([f"checks: {len(ej.problems)} problem(s)"] + [f"  {p}" for p in ej.problems]) if ej.problems else ["checks: passed"]
    new = unread_claims(jf, ev)
    if new.empty:
        lines.append("every report in this edition was read: nothing to review")
        return "\n".join(lines)
    reports = ", ".join(ev.source_label(s) for s in dict.fromkeys(new["source_id"]))
    lines.append(f"not read: {fmt.plural(len(new), 'claim')} from {reports}")
    hits = bearing(jf, ev)
    for j in jf.judgements:
        rows = hits.get(j.number)
        text = _rendered_plain(j.text, ev.findings)
        lines += ["", f"judgement {j.number} (line {j.line}): {text[:110]}{'…' if len(text) > 110 else ''}"]
        if rows is None:
            lines.append("  no new claim bears on it")
            continue
        lines.append(f"  {fmt.plural(len(rows), 'new claim')} bear{'s' if len(rows) == 1 else ''} on it:")
        for r in rows.itertuples():
            lines.append(f"  - {r.claim_id} ({ev.source_label(r.source_id)}; shares {r.shared}): {r.summary}")
            lines.append(f"      \u201c{r.quote}\u201d")
    touched = set(pd.concat(hits.values())["claim_id"]) if hits else set()
    rest = new[~new["claim_id"].isin(touched)]
    if len(rest):
        lines += ["", f"bearing on no judgement: {', '.join(rest['claim_id'])}"]
    lines += ["", f"When the judgements hold for the edition of {fmt.date_label(ej.as_of)}: python3 dev.py review --as-of {ej.as_of} --mark",
              f"(writes {ej.folder_label}{ej.as_of}.md from {jf.path.name} with reports_read updated; revise the judgements there)"]
    return "\n".join(lines)
