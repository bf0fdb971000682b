"""Chart titles, subtitles and alt text, written from the findings the analysis computed.

Each function reads the summary (``helpers.analysis.findings.key_figures``) and the analysis tables the chart draws, and
words them; nothing here counts claims or decides who is willing. The same lists feed the bottom line,
so a title and the sentence beside it name the same actors.
"""

from __future__ import annotations

from typing import Any, TypedDict

import pandas as pd

from helpers import fmt
from helpers.analysis import tables as analysis_tables


class Caption(TypedDict):
    """What a chart says: its finding (title), how to read it (subtitle lines) and its alt text."""

    title: str
    subtitle: list[str]
    description: str


def _as_of(summary: dict[str, Any]) -> str:
    """ "as of c. 13 Dec 2025 (newest report)" from the information date, or "" before any report."""
    label = summary.get("information_date", {}).get("label", "")
    return f"as of {label}" if label else "before any report"


def _offer_names(offers: list[dict[str, Any]]) -> list[str]:
    """ "Indonesia (publicly)", "Azerbaijan (only if …)" for the troop offers of the findings."""
    out = []
    for o in offers:
        notes = [w for w, on in (("publicly", o["stage"] == "offered_public"), ("privately", o["stage"] == "offered_private"),
                                 ("on conditions", o["conditional"])) if on]
        out.append(o["name"] + (f" ({', '.join(notes)})" if notes else ""))
    return out


def commitments(summary: dict[str, Any], standing: pd.DataFrame) -> Caption:
    """The commitments grid: which named states offer troops, and how to read the cells."""
    offers = summary["troop_offers"]
    names = _offer_names(offers)
    when = _as_of(summary)
    if not offers:
        title = f"No named state offers troops {when}"
    elif len(offers) == 1:
        title = f"Only 1 named state offers troops {when}: {names[0]}"
    else:
        title = f"{len(offers)} named states offer troops {when}: {fmt.names(names, 3)}"
    since_own = [w["name"] for w in summary["contributors_willing"] if w.get("offered_before") and w["name"] not in {o["name"] for o in offers}]
    outside = fmt.names(sorted({o["name"] for o in summary["outside_support"]}))
    outside_kinds = fmt.names(sorted({fmt.lower_first(o["contribution"]) for o in summary["outside_support"]}))
    subtitle = [
        "Each cell: where the actor stands on that kind of contribution. An actor's own later word comes first; otherwise the "
        "strongest stage a report gives stands, and a later, weaker mention by others does not undo an offer. "
        "\"Only if\": it will contribute only on stated conditions.",
        (f"{outside}: support from outside the force ({outside_kinds}), not contributions to it. " if outside else "")
        + "Unnamed groups are descriptions of countries the reports do not name, not counts of countries.",
    ] + ([f"{fmt.names(since_own)}: reported earlier as offering troops; {'its' if len(since_own) == 1 else 'their'} own word now sets conditions."]
         if since_own else [])
    either = standing.loc[standing["alternatives"].fillna("").ne(""), ["actor_name", "alternatives"]].drop_duplicates() if "alternatives" in standing else []
    subtitle += [f"\"Any of\": {fmt.group_name(r.actor_name)} would give {r.alternatives}, one report says; the mix is not stated." for r in getattr(either, "itertuples", lambda: [])()]
    by_stage = []
    for label, g in standing.groupby("stage_label", sort=False):
        items = [f"{r.actor_name} ({fmt.lower_first(r.contribution_label)}{', only if ' + r.conditions if r.conditions else ''})"
                 for r in g.itertuples()]
        by_stage.append(f"{label}: {fmt.names(items, 6)}.")
    description = (f"Grid of {fmt.plural(standing['actor_name'].nunique(), 'actor')} by kind of contribution, showing where each stands "
                   f"{when}. " + " ".join(by_stage))
    return {"title": title, "subtitle": subtitle, "description": description}


def figures(summary: dict[str, Any], stated: pd.DataFrame) -> Caption:
    """The figures chart: who has put a number on troops for the force, and the organiser's staff apart."""
    offer = summary["largest_offer"]
    if offer is None:
        title = "No contributor has put a number on troops for the force"
    elif offer["n_with_figure"] == 1:
        title = f"Only {offer['actor']} has put a number on its troops: {offer['labels'][-1]['label']}"
    else:
        title = f"{offer['n_with_figure']} contributors have put a number on troops; the largest is {offer['actor']}'s {offer['labels'][-1]['label']}"
    outside = stated[~stated["part_of_force"].astype(bool)]
    subtitle = [
        (f"{fmt.names(outside['actor_name'].unique())}: staff outside Gaza that organise and support the force, as each report states "
         "them, not troops for it. " if len(outside) else "")
        + "Filled dot: exact figure; hollow: approximate (\"about\", \"some\"); dashed line: only a bound (\"up to\", \"at least\").",
        "Each panel has its own scale, starting at zero.",
    ]
    description = (f"{fmt.plural(len(stated), 'stated troop or personnel figure')} from the reports, one row per claim. "
                   + " ".join(f"{where}: " + "; ".join(f"{r.actor_name} {r.label}, {fmt.lower_first(r.stage_label)} ({r.source_id}, {r.reported_label})"
                                                       for r in g.itertuples()) + "."
                              for where, g in stated.groupby("where", sort=False)))
    return {"title": title, "subtitle": subtitle, "description": description}


def positions(cells: pd.DataFrame) -> Caption:
    """The positions matrix: where current stances split, or which are opposition."""
    now = cells[cells["current"].astype(bool)] if len(cells) else cells
    splits = []
    for topic, g in now.groupby("topic_label", sort=False):
        # a holder with more than one latest stance on a topic sends mixed signals: neither side's
        mixed = set(g.groupby("holder")["direction"].nunique().loc[lambda n: n > 1].index)
        backers = sorted(set(g.loc[g["direction"] == "supports", "holder"]) - mixed)
        against = sorted(set(g.loc[g["direction"] == "opposes", "holder"]) - mixed)
        if backers and against:
            splits.append((topic, backers, against, sorted(mixed)))
    opposed = now[now["direction"] == "opposes"] if len(now) else now
    mixed_any = [f"{h} on {tl}" for (h, tl), n in now.groupby(["holder", "topic_label"])["direction"].nunique().items() if n > 1] if len(now) else []
    details = [f"{t}: {fmt.names(b, 2)} {'supports' if len(b) == 1 else 'support'}, {fmt.names(a, 2)} {'opposes' if len(a) == 1 else 'oppose'}"
               + (f"; {fmt.names(m, 2)} mixed" if m else "") + "." for t, b, a, m in splits[:3]]
    if splits:
        title = f"Stakeholders split on {fmt.names([s[0] for s in splits], 3)}"
    elif len(opposed):
        title = "Opposition reported: " + fmt.names([f"{r.holder} on {r.topic_label}" for r in opposed.itertuples()], 3)
    else:
        title = f"No stakeholder is reported opposing anything: {fmt.plural(len(now), 'current stance')}"
    counts = now.groupby("direction_label").size() if len(now) else pd.Series(dtype=int)
    description = (f"Matrix of {fmt.plural(cells['holder'].nunique(), 'stakeholder')} by {fmt.plural(cells['topic'].nunique(), 'topic')}. "
                   + "Latest stances: " + ", ".join(f"{n} {d.lower()}" for d, n in counts.items()) + ". " + " ".join(details))
    mixed_note = f"Mixed signals (more than one latest stance): {fmt.names(mixed_any, 3)}." if mixed_any else ""
    subtitle = [" ".join(details), mixed_note, "Filled: the holder's latest stance on the topic; hollow: an earlier stance since superseded."]
    subtitle = [s for s in subtitle if s]
    return {"title": title, "subtitle": subtitle, "description": description}


def funnel(summary: dict[str, Any], steps: pd.DataFrame) -> Caption:
    """The funnel: counts officials gave against the states the reports name."""
    def latest(metric: str) -> str | None:
        claims = summary.get(metric) or []
        return claims[0]["value"].removesuffix(" countries") if claims else None

    parts = []
    if (asked := latest("countries_approached")) is not None:
        parts.append(f"{asked} countries asked")
    if (willing := latest("countries_willing")) is not None:
        # what the count covers ("troops, equipment or logistics"): a count of troops it is not
        what = (summary["countries_willing"][0].get("contributions") or "").replace(" and ", ", ")
        gives = fmt.names([w.strip() for w in what.split(",") if w.strip()], conjunction="or")
        parts.append(f"{willing} said to be willing" + (f" to give {gives}" if gives else ""))
    n_willing, n_troops = len(summary["contributors_willing"]), len(summary["troop_offers"])
    tail = f"the reports name {n_willing or 'none'} as willing and {n_troops or 'none'} as offering troops"
    title = fmt.capitalise(f"{' and '.join(parts)}, but {tail}" if parts else tail)
    vague = [f"{c['value']} ({c['source_id']})" for m in ("countries_approached", "countries_in_talks", "countries_willing")
             for c in summary.get(m) or [] if c.get("precision") == "vague"]
    subtitle = [
        # The legend's own words (helpers.analysis.tables.FUNNEL_*), so the two never drift apart.
        f"Blue bars: {analysis_tables.FUNNEL_REPORTED.lower()}, one bar per dated claim. Green: {analysis_tables.FUNNEL_NAMED.lower()} "
        "as contributors (support from outside the force excluded). The unnamed counts may or may not include the named states.",
        "Dashed end: an open-ended count (\"at least\")." + (f" Not drawn, as the report gives no number: {fmt.names(vague)}." if vague else ""),
    ]
    description = "Bars from countries approached to states named as offering troops. " + " ".join(f"{r.row}: {r.label}." for r in steps.itertuples())
    return {"title": title, "subtitle": subtitle, "description": description}


def map_(summary: dict[str, Any], states: pd.DataFrame) -> Caption:
    """The map: how many named states in each class, and which have no shape at this scale."""
    offers = [o["name"] for o in summary["troop_offers"]]
    title = (f"{fmt.plural(len(offers), 'named state')} offer{'s' if len(offers) == 1 else ''} troops ({fmt.names(offers, 4)}); "
             f"{fmt.plural(len(states), 'state')} named as contributors, candidates, asked or supporters" if offers
             else f"No named state offers troops; {fmt.plural(len(states), 'state')} named as contributors, candidates, asked or supporters")
    missing = states.loc[~states["has_shape"].astype(bool), "name"].tolist() if len(states) else []
    subtitle = ["Each state in the colour of the furthest it has gone, as reported, on any contribution to the force; "
                "the organiser and outside supporters apart.",
                (f"Too small to show at this scale: {fmt.names(missing)}." if missing else "")]
    groups = [f"{group}: {fmt.names(g['name'].tolist(), 8)}." for group, g in states.groupby("group", sort=False)] if len(states) else []
    description = (f"World map of the {fmt.plural(len(states), 'state')} the reports name as contributors, candidates, asked or "
                   "supporters. " + " ".join(groups))
    return {"title": title, "subtitle": [s for s in subtitle if s], "description": description}
