"""What changed since the previous edition, ranked as news: the headline first, what is not new apart.

Input is two editions' processed tables (``helpers.data.clean.build_processed`` or
``helpers.data.processed.read_processed``); output is a JSON-ready dict that notebook 02 writes to
``analysis/changes.json`` and that ``helpers.views.changes_md`` turns into the reader-facing section. The
rules and their reasons are in the codebook ("What changed: news, ranked"). In short:

- **Every new claim lands in exactly one item.** A claim id the previous edition did not have is either
  news, or not new: a **restatement** (a stage, stance, figure or condition an earlier report already
  gave: "reported again"; or a pledge weaker than where the actor already stands) or **background** (an
  event that happened before the previous edition's newest report).
- **News is ranked by what it means to a reader** (``news.KINDS``): a milestone of the process; a state's
  new offer, refusal, withdrawal or condition; a condition met or lapsed; a new count of contributors or
  countries asked; a stance change by a named actor; then the rest. Ties go to named states, then other
  named actors, then unnamed groups; then to what is newer. Claims of one report that say one thing
  (one actor's conditions, one request to several states) are one item.
- **Pledges are compared with the actor's standing** in the previous edition (``analysis.standings``:
  the strongest stage it holds), never with its latest claim, so a later, weaker mention is not a step
  back and not news.
- **"Added late"** marks a new claim from a report the previous edition already had; a report new to
  this edition is never late, whatever its date.
- **Corrections** (``helpers.analysis.corrections``) are listed apart.

Modules: ``news`` (the model), ``news_rules`` (a kind for each new claim), ``news_words`` (the sentences),
``corrections``; this module puts them together.
"""

from __future__ import annotations

from typing import Any

from helpers import fmt
from helpers.analysis import news_rules
from helpers.analysis.cells import Tables, table
from helpers.analysis.corrections import corrections, correction_text
from helpers.analysis.news import NOT_NEWS, Context, NewsItem, basis_of, context, new_claims, ranked
from helpers.data.datapackage import claim_id_columns

# Headline: the news items of weight up to HEADLINE_WEIGHT, at most HEADLINE_MAX; at least HEADLINE_MIN
# items when there is that much news (the next ones fill in).
HEADLINE_MAX, HEADLINE_MIN, HEADLINE_WEIGHT = 5, 3, 5


def news_items(current: Tables, previous: Tables, ctx: Context | None = None) -> tuple[list[NewsItem], list[NewsItem], dict[str, int]]:
    """Every item of this edition: the news, sorted; what is not new; and the counts.

    Args:
        current: this edition's processed tables.
        previous: the previous edition's processed tables.
        ctx: the comparison's context (:func:`context`), made here when not given.

    Returns:
        (news, not_news, {"new_claims", "late_claims", "restated_claims", "background_claims"}).
    """
    ctx = ctx or context(current, previous)
    new = {name: new_claims(table(current, name), table(previous, name), id_col, ctx.old_sources) for name, id_col in claim_id_columns().items()}
    pledges, conditions = news_rules.attach_conditions(news_rules.pledge_news(new["pledges"], previous, ctx),
                                            news_rules.condition_news(new["conditions"], table(previous, "conditions"), ctx), ctx)
    conditions = news_rules.merge_conditions(conditions, ctx)
    ids = claim_id_columns()
    late_ids = {i for name, df in new.items() if len(df) for i in df.loc[df["_late"], ids[name]]}
    items = [
        *pledges, *conditions,
        *news_rules.position_news(new["positions"], table(previous, "positions"), ctx),
        *news_rules.figure_news(new["figures"], table(previous, "figures"), ctx),
        *news_rules.event_news(new["events"], ctx),
        *news_rules.question_news(new["open_questions"], ctx),
        *news_rules.status_news("conditions", table(current, "conditions"), table(previous, "conditions"), ctx, table(current, "events")),
        *news_rules.status_news("open_questions", table(current, "open_questions"), table(previous, "open_questions"), ctx, claims=table(current, "claims")),
        *news_rules.source_news(table(current, "sources"), table(previous, "sources"), ctx),
        *news_rules.actor_news(current, previous, ctx, late_ids),
    ]
    for i in items:
        i.pop("_row", None)  # type: ignore[misc]
    items = _older_reports_apart(items, ctx)
    news = ranked([i for i in items if i["news"]])
    rest = sorted((i for i in items if not i["news"]), key=lambda i: (list(NOT_NEWS).index(i["kind"]), list(claim_id_columns()).index(i["table"]), i["claim_id"]))
    counts = {"new_claims": int(sum(len(df) for df in new.values())),
              "late_claims": len(late_ids),
              "restated_claims": sum(len(i["claim_ids"]) for i in rest if i["kind"] in ("repeat", "weaker")),
              "background_claims": sum(len(i["claim_ids"]) for i in rest if i["kind"] == "background"),
              "older_claims": sum(len(i["claim_ids"]) for i in rest if i["kind"] == "older_report")}
    return news, rest, counts


def _older_reports_apart(items: list[NewsItem], ctx: Context) -> list[NewsItem]:
    """Claims of a report new to this edition but older than the previous edition's newest report become
    "older_report": a reader gets them, apart from the news, never as the week's headline (the report's own
    line stays among the news, saying why it is new now)."""
    why = {i["source_id"]: i["subject"] for i in items if i["kind"] == "source" and i["subject"] in ("older", "may_postdate")}
    if not why or not ctx.previous_info:
        return items
    newest = basis_of(ctx.previous_info["source_id"], ctx.previous_info["date"], ctx, ctx.previous_info["label"])
    # a report whose date may fall after the previous edition's is not said to be older than its newest report
    basis = {sid: newest if reason == "older" else newest | {"label": "may_postdate"} for sid, reason in why.items()}
    return [i | {"kind": "older_report", "news": False, "weight": None, "group": i["table"], "basis": basis[i["source_id"]]}  # type: ignore[misc]
            if i["news"] and i["kind"] != "source" and i["source_id"] in why else i for i in items]


def changes_since(current: Tables, previous: Tables | None, as_of: str, previous_as_of: str | None) -> dict[str, Any]:
    """What changed since the previous edition: the news, ranked; what is not new; the corrections.

    Args:
        current: this edition's processed tables (clean.build_processed / processed.read_processed).
        previous: the previous edition's processed tables, or None for the first edition.
        as_of: this edition's date, YYYY-MM-DD.
        previous_as_of: the previous edition's date, or None.

    Returns:
        A JSON-ready dict: as_of, previous_as_of, previous_information (the previous edition's newest
        report: date, label, source_id; None without one), has_previous, quiet (nothing new, nothing
        corrected), counts {new_claims, late_claims, restated_claims, background_claims, news, not_news,
        corrections, new_sources}, headline_items (the 3 to 5 items that lead: text, source_id,
        date_label, late, kind), headline (the same as plain lines with their citation, or one line saying
        why there is none), news (NewsItem dicts, most important first), not_news (restatements and
        background) and corrections (Correction dicts).
    """
    empty = {"new_claims": 0, "late_claims": 0, "restated_claims": 0, "background_claims": 0, "older_claims": 0, "news": 0, "not_news": 0,
             "corrections": 0, "new_sources": 0}
    if previous is None:
        return {"as_of": as_of, "previous_as_of": previous_as_of, "previous_information": None, "has_previous": False,
                "quiet": False, "counts": empty, "headline_items": [], "headline": [], "news": [], "not_news": [], "corrections": []}
    ctx = context(current, previous, previous_as_of)
    news, not_news, counts = news_items(current, previous, ctx)
    fixes = corrections(current, previous)
    counts = empty | counts | {"news": len(news), "not_news": len(not_news), "corrections": len(fixes),
                               "new_sources": sum(i["kind"] == "source" for i in news)}
    lead = [{"text": i["text"], "source_id": i["source_id"], "date_label": i["date_label"], "late": i["late"], "kind": i["kind"]}
            for i in headline_items(news)]
    return {"as_of": as_of, "previous_as_of": previous_as_of, "previous_information": ctx.previous_info, "has_previous": True,
            "quiet": not news and not not_news and not fixes, "counts": counts, "headline_items": lead,
            "headline": headline(lead, counts, previous_as_of), "news": news, "not_news": not_news, "corrections": fixes}


def headline_items(news: list[NewsItem]) -> list[NewsItem]:
    """The items that lead: the news of weight up to HEADLINE_WEIGHT, at most HEADLINE_MAX, at least HEADLINE_MIN when there is that much.

    Args:
        news: news items, most important first.

    Returns:
        The first items of ``news``.
    """
    strong = sum(1 for i in news if (i["weight"] or 99) <= HEADLINE_WEIGHT)
    return news[: min(HEADLINE_MAX, max(strong, HEADLINE_MIN))]


def plain_cite(item: dict[str, Any]) -> str:
    """ "(S003, 8 Nov 2025)", "(S001, 13 Oct 2025; added late)": a citation in plain text (feeds, logs)."""
    parts = ", ".join(p for p in (item["source_id"], item["date_label"]) if p)
    return f"({parts}{'; added late' if item['late'] else ''})" if parts else ""


def headline(lead: list[dict[str, Any]], counts: dict[str, int], previous_as_of: str | None) -> list[str]:
    """The lines an editions list or a feed shows: the leading items with their citations, or one line saying why there are none.

    Args:
        lead: the headline items (text, source_id, date_label, late).
        counts: the comparison's counts.
        previous_as_of: the previous edition's date, or None.

    Returns:
        Plain-text lines (not escaped).
    """
    if lead:
        return [f"{i['text']} {plain_cite(i)}".strip() for i in lead]
    since = f" since the previous edition of {fmt.date_label(previous_as_of)}" if previous_as_of else " since the previous edition"
    old = counts["restated_claims"] + counts["background_claims"] + counts.get("older_claims", 0)
    if old:
        return [f"No news{since}: {fmt.plural(old, 'new claim')} {'adds' if old == 1 else 'add'} nothing to earlier reports"
                + (f"; {fmt.plural(counts['corrections'], 'correction')}." if counts["corrections"] else ".")]
    if counts["corrections"]:
        return [f"No new report or claim{since}; {fmt.plural(counts['corrections'], 'correction')}."]
    return [f"Nothing new{since}."]


def for_revision(changes: dict[str, Any], current: Tables, revised: Tables | None, revises: str, revises_as_of: str) -> dict[str, Any]:
    """A revision's "what changed": the news still against the previous edition, the corrections against the
    edition it revises (and leading the headline).

    Args:
        changes: :func:`changes_since` of this edition against its previous edition.
        current: this edition's processed tables.
        revised: the processed tables of the edition it revises (None: not readable, no corrections listed).
        revises: that edition's folder name.
        revises_as_of: its date.

    Returns:
        ``changes`` with ``revises``/``revises_as_of``, the corrections against the revised edition, their
        count, and headline items (kind "correction") of the corrections first, then the news that led.
    """
    fixes = corrections(current, revised) if revised is not None else []
    counts = {**changes["counts"], "corrections": len(fixes)}
    lead = [{"text": f"Corrected: {correction_text(c)}", "source_id": c["source_id"] if c["source_id"] != c["claim_id"] else "",
             "date_label": c["date_label"], "late": False, "kind": "correction"} for c in fixes]
    lead = (lead + list(changes.get("headline_items") or []))[:HEADLINE_MAX]
    return {**changes, "revises": revises, "revises_as_of": revises_as_of, "corrections": fixes, "counts": counts,
            "quiet": not changes["news"] and not changes.get("not_news") and not fixes,
            "headline_items": lead, "headline": headline(lead, counts, changes.get("previous_as_of"))}
