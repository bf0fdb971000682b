"""The briefing's "What changed since the previous edition" section, from ``helpers.analysis.changes``.

The headline items first, the rest of the news by kind and what is not new in collapsible blocks of the
page (printed whole in the PDF), the corrections under their own heading. Every piece of data is escaped
and every citation linked to its source, like every other section.
"""

from __future__ import annotations

from typing import Any

from helpers import fmt
from helpers.analysis.corrections import Correction, correction_text
from helpers.analysis.news import GROUPS
from helpers.views.cite import ref
from helpers.views.markdown import escape_md as esc

MAX_ITEMS = 40


def _correction_line(c: Correction) -> str:
    """ "- PL-035 (pledges): stage offered_private → declined. Note: ..." or "- PO-019 (positions) removed: ..." """
    source = c["source_id"] if c["source_id"] != c["claim_id"] else ""
    cite = ", ".join(p for p in (ref(source), esc(c["date_label"])) if p)
    return f"- {esc(correction_text(c))}" + (f" ({cite})" if cite else "") + (f". Note: {esc(c['notes'])}" if c["notes"] else "")


def _cite(item: dict[str, Any]) -> str:
    """ "([S003](#src-S003), 8 Nov 2025)": the citation linked like every other section, "added late" when so."""
    linked = ", ".join(p for p in (ref(item["source_id"]), esc(item["date_label"])) if p)
    return f"({linked}{'; added late' if item['late'] else ''})" if linked else ""


def _capped(lines: list[str], what: str) -> list[str]:
    """The first MAX_ITEMS bullets and one saying how many more the edition's changes.json holds."""
    if len(lines) <= MAX_ITEMS:
        return lines
    return [*lines[:MAX_ITEMS], f"- *… and {len(lines) - MAX_ITEMS} more {what}; all are in the edition's analysis/changes.json*"]


def _news_line(item: dict[str, Any]) -> str:
    """ "- Indonesia publicly offered 20,000 troops ([S002](#src-S002), 18 Oct 2025)"."""
    return f"- {esc(item['text'])} {_cite(item)}".rstrip()


def _old_line(item: dict[str, Any]) -> str:
    """A claim that is not new, with what it repeats or why it is background, both cited."""
    basis = item.get("basis") or {}
    earlier = ", ".join(p for p in (ref(basis.get("source_id", "")), esc(basis.get("date_label", ""))) if p)
    if item["kind"] == "repeat":
        why = f"reported again, as in {earlier}" if earlier else "reported again"
    elif item["kind"] == "weaker":
        why = f"a weaker mention; the actor already stood at {esc(basis.get('label', ''))} ({earlier})"
    elif item["kind"] == "older_report" and basis.get("label") == "may_postdate":
        why = ("from a report dated before the previous edition but possibly published after it, which that edition could not use; "
               "added now")
    elif item["kind"] == "older_report":
        why = f"from a report older than the previous edition's newest ({earlier}), added now"
    else:
        why = f"it happened before the previous edition's newest report ({earlier})" if earlier else "it happened before the previous edition"
    return f"{_news_line(item)}: {why}"


def _collapsible(summary: str, lines: list[str]) -> list[str]:
    """Lines inside a <details> block of the HTML page (open in the PDF, which shows every line).

    The tags are raw HTML blocks, which both renderers pass to the page only; the Markdown between them
    is rendered as usual, so the PDF prints the lines as a plain list.
    """
    return ["", f"```{{=html}}\n<details class=\"isf-changes\"><summary>{esc(summary)}</summary>\n```", "", *lines, "",
            "```{=html}\n</details>\n```"]


def changes_md(changes: dict[str, Any]) -> str:
    """The "what changed" section: the headline items, the rest of the news by kind, what is not new, the corrections.

    Args:
        changes: the result of :func:`changes_since` (or the same read back from changes.json).

    Returns:
        Markdown, every piece of data escaped and every citation linked to its source; the rest of the
        news and the claims that are not new in collapsible blocks of the page (printed whole in the
        PDF); corrections under a level-3 heading. One line for the first edition, and one line for a
        quiet week.
    """
    fixes_heading = (f"### Corrections to the edition of {esc(fmt.date_label(changes['revises_as_of']))} that this revision replaces"
                     if changes.get("revises") else "### Corrections since the previous edition")
    if not changes.get("has_previous"):
        first = "There is no previous edition to compare with: this is the first edition."
        if not changes.get("revises") or not changes.get("corrections"):
            return first
        return "\n".join([first, "", fixes_heading, "", *_capped([_correction_line(c) for c in changes["corrections"]], "corrections")])
    since = fmt.date_label(changes["previous_as_of"]) if changes.get("previous_as_of") else ""
    since_text = f" of {esc(since)}" if since else ""
    if changes["quiet"]:
        return f"Nothing new since the previous edition{since_text}: no new report, claim or correction."
    counts = changes["counts"]
    news, not_news = changes["news"], changes.get("not_news", [])
    reports = fmt.plural(counts["new_sources"], "new report") if counts["new_sources"] else "no new report"
    late = f" ({counts['late_claims']} added late to reports the previous edition had)" if counts["late_claims"] else ""
    lines = [f"Since the previous edition{since_text}: {reports} and {fmt.plural(counts['new_claims'], 'new claim')}{late}."]
    restated, background, older = counts["restated_claims"], counts["background_claims"], counts.get("older_claims", 0)
    apart = [p for p in (f"{fmt.plural(restated, 'claim')} that {'adds' if restated == 1 else 'add'} nothing to earlier reports" if restated else "",
                         f"{fmt.plural(background, 'event')} from before the previous edition" if background else "",
                         f"{fmt.plural(older, 'claim')} from an older report added now" if older else "") if p]
    apart = [", ".join(apart[:-1]) + " and " + apart[-1]] if len(apart) > 2 else apart
    verb = "is" if restated + background + older == 1 else "are"
    if news:
        lines[0] += " The news first, the most important at the top" + (f"; {' and '.join(apart)} {verb} listed apart." if apart else ".")
        lead = [i for i in changes.get("headline_items") or [] if i.get("kind") != "correction"]  # a revision's lead its corrections
        lines += ["", *[_news_line(i) for i in news[: len(lead)]]]
        more = news[len(lead):]
        if more:
            grouped: list[str] = []
            for group, title in GROUPS.items():
                members = [_news_line(i) for i in more if i["group"] == group]
                if members:
                    grouped += ["", f"#### {title}", "", *_capped(members, "items")]
            show = "Show the other news item" if len(more) == 1 else f"Show the other {len(more)} news items"
            lines += ["", "### More news, by kind", *_collapsible(show, grouped[1:])]
    else:
        lines[0] += " None of it is news" + (f": {' and '.join(apart)}." if apart else ".")
    if not_news:
        lines += ["", "### Not new: reported again, or background", "",
                  "New rows that tell a reader of the previous edition nothing new: a claim an earlier report already made (or a "
                  "weaker one than where the actor stands), an event from before the previous edition's newest report, or a claim "
                  "from a report older than that one, added now."]
        show = "Show the claim" if len(not_news) == 1 else f"Show the {len(not_news)} claims"
        lines += _collapsible(show, _capped([_old_line(i) for i in not_news], "claims"))
    if changes["corrections"]:
        lines += ["", fixes_heading, ""]
        lines += _capped([_correction_line(c) for c in changes["corrections"]], "corrections")
    return "\n".join(lines)
