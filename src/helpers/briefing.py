"""The briefing's sentences and tables, written from the analysis results.

Every function returns Markdown with every piece of data escaped (``escape_md``), so a quote or a name
holding ``<script>`` or Markdown/typst control characters prints literally. No number is typed here:
each comes from the summary or tables that ``helpers.analysis`` computed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.analysis import fmt_date
from helpers.clean import date_label
from helpers.markdown import escape_md as esc
from helpers.markdown import md_table

# Longest table or list the briefing prints; the rest is in the edition's processed/ and analysis/ files.
MAX_ROWS = 40
MAX_NAMES = 15


def _capped(df: pd.DataFrame, what: str, limit: int = MAX_ROWS) -> tuple[pd.DataFrame, str]:
    """The first ``limit`` rows, and a note saying how many more there are ('' when none)."""
    if len(df) <= limit:
        return df, ""
    return df.head(limit), f"\n\n*Showing the first {limit} of {len(df)} {what}; all are in the edition's data files.*"


def _capped_items(items: list[str], what: str, limit: int = MAX_ROWS) -> list[str]:
    """Bullet items, cut at ``limit`` with a last line saying how many were left out."""
    if len(items) <= limit:
        return items
    return [*items[:limit], f"- *… and {len(items) - limit} more {what}*"]


def _claims_phrase(claims: list[dict[str, Any]]) -> str:
    """ "19 countries (S001, 15 Nov 2025; via The Wall Street Journal)" for each claim, joined."""
    parts = []
    for c in claims:
        via = f"; via {esc(c['via'])}" if c.get("via") else ""
        parts.append(f"{esc(c['value'])} ({esc(c['source_id'])}, {esc(c['reported_date'])}{via})")
    return "; ".join(parts)


def _names(items: list[dict[str, str]] | list[str], limit: int = MAX_NAMES) -> str:
    names = [i["name"] if isinstance(i, dict) else i for i in items]
    if not names:
        return "none"
    if len(names) > limit:
        names = [*names[:limit], f"{len(names) - limit} more"]
    return esc(", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1])


def title_block(as_of: str, summary: dict[str, Any]) -> str:
    """The line under the title block: what this edition is built from."""
    c = summary["counts"]
    return (f"Built from {c['claims']} dated claims in {c['sources']} news reports published on or before "
            f"{esc(fmt_date(pd.Timestamp(as_of)))}.")


def bottom_line(summary: dict[str, Any], implications: pd.DataFrame) -> str:
    """One paragraph: asked, willing, offered, committed, conditions, the US role."""
    s = []
    approached = summary["countries_approached"]
    if approached:
        a = approached[0]
        s.append(f"The United States has asked {esc(a['value'].replace(' countries', ''))} countries to join the force ({esc(a['source_id'])}).")
    willing = summary["countries_willing"]
    if willing:
        w = willing[0]
        s.append(f"The latest count of countries willing to contribute is {esc(w['value'].replace(' countries', ''))} ({esc(w['source_id'])}), "
                 f"but the reports name only {len(summary['states_willing'])} willing states: {_names(summary['states_willing'])}.")
    offer = summary["largest_offer"]
    if offer:
        which = "the only" if summary.get("troop_offers_with_figure", 1) == 1 else "the largest"
        s.append(f"{esc(offer['actor'])} has made {which} troop offer with a figure, {esc(offer['labels'][-1]['label'])} "
                 f"({esc(', '.join(l['source_id'] for l in offer['labels']))}).")
    else:
        s.append("No contributor has named a troop figure yet.")
    committed = summary["countries_committed"]
    if committed and committed[0]["low"] == 0:
        s.append(f"No country had formally committed as of {esc(committed[0]['reported_date'])} ({esc(committed[0]['source_id'])}).")
    attaching = implications[implications["n_attaching"] > 0]
    if len(attaching):
        s.append(f"Willing contributors attach conditions: {esc('; '.join(attaching['condition_label']))}.")
    us = summary["us_role"]
    if us["outside_gaza"]:
        s.append(f"US personnel would stay outside Gaza ({esc(', '.join(us['condition_sources']))}).")
    return " ".join(s)


def key_figures_md(summary: dict[str, Any]) -> str:
    """The key figures as a bullet list, each with its sources."""
    lines = []
    if summary["countries_approached"]:
        lines.append(f"- **Countries approached by the US:** {_claims_phrase(summary['countries_approached'])}")
    if summary["countries_willing"]:
        lines.append(f"- **Countries willing to contribute, as each report counts them:** {_claims_phrase(summary['countries_willing'])}")
    if summary["countries_committed"]:
        lines.append(f"- **Countries formally committed:** {_claims_phrase(summary['countries_committed'])}")
    lines.append(f"- **States named as possible contributors:** {len(summary['states_named'])} ({_names(summary['states_named'])})")
    willing = [f"{w['name']} ({w['contributions']}; now: {w['latest_stage'].lower()})" for w in summary["states_willing"]]
    shown = willing[:MAX_NAMES] + ([f"{len(willing) - MAX_NAMES} more"] if len(willing) > MAX_NAMES else [])
    lines.append(f"- **States named as willing or offering:** {len(willing)}" + (f" ({esc('; '.join(shown))})" if willing else ""))
    offer = summary["largest_offer"]
    if offer:
        wording = "; ".join(f"\u201c{l['text']}\u201d in {l['source_id']} ({l['reported_date']})" for l in offer["labels"])
        lines.append(f"- **Largest offer:** {esc(offer['actor'])}, {esc(offer['labels'][-1]['label'])}, {esc(offer['stage'].lower())} ({esc(wording)})")
    else:
        lines.append("- **Largest offer:** no troop figure offered yet")
    us = summary["us_role"]
    if us["claims"]:
        parts = "; ".join(f"{c['amount']}, {c['stage'].lower()}, {c['location']} ({c['source_id']})" for c in us["claims"])
        where = " None inside Gaza." if us["outside_gaza"] else ""
        lines.append(f"- **US role and where its personnel are:** {esc(parts)}.{where}")
    if summary["territory"]:
        parts = "; ".join(f"{t['actor']} about {t['value']:.0f}%" for t in summary["territory"])
        srcs = ", ".join(sorted({t["source_id"] for t in summary["territory"]}))
        lines.append(f"- **Share of Gaza each side controls:** {esc(parts)} ({esc(srcs)})")
    return "\n".join(lines)


def commitments_md(commitments: pd.DataFrame) -> str:
    """Who offers what, one row per actor and contribution, latest stage first."""
    shown, note = _capped(commitments.assign(figure=commitments["figure"].replace("not stated", "—")), "actor-contribution rows")
    return md_table(
        shown,
        columns=["actor_name", "contribution_label", "stage_label", "figure", "location_label", "sources"],
        headers={"actor_name": "Actor", "contribution_label": "Contribution", "stage_label": "Latest stage",
                 "figure": "Figure as stated", "location_label": "Where", "sources": "Sources"},
    ) + note


def conditions_md(implications: pd.DataFrame) -> str:
    """What the conditions imply for the willing contributors."""
    if implications.empty:
        return "No conditions reported yet."
    first = implications.iloc[0]
    lines = [f"The reports identify {first['n_willing']} willing contributors other than the US: "
             f"{first['n_willing_states']} named states and {first['n_willing_groups']} unnamed groups of countries "
             "(a group's size is mostly not stated, so groups are counted as groups).", ""]
    for r in implications.itertuples():
        who = "; ".join(x for x in (r.named, r.groups) if x)
        if r.n_attaching:
            lines.append(f"- **{esc(r.condition_label)}:** {r.n_attaching} of {r.n_willing} ({esc(who)}; {esc(r.sources)})")
        else:
            lines.append(f"- **{esc(r.condition_label)}:** none of the {r.n_willing} so far")
    return "\n".join(lines)


def conditions_table_md(matrix: pd.DataFrame) -> str:
    """Every condition attached, by whom, first reported when."""
    df = matrix.assign(first=matrix["first_reported"].map(fmt_date), applies=matrix["applies_to"].str.replace("_", " "))
    df, note = _capped(df, "conditions")
    return md_table(df, columns=["actor_name", "condition_label", "applies", "first", "sources"],
                    headers={"actor_name": "Actor", "condition_label": "Condition", "applies": "Governs",
                             "first": "First reported", "sources": "Sources"}) + note


def positions_md(positions: pd.DataFrame, topics: tuple[str, ...]) -> str:
    """Positions on the frictions: vetoes, objections, disarmament, the mandate."""
    df = positions[positions["topic"].isin(topics)].sort_values(["topic_label", "reported_date"])
    df, note = _capped(df.assign(date=df["reported_label"]), "positions")
    return md_table(df, columns=["topic_label", "actor_name", "direction_label", "summary", "date", "source_id"],
                    headers={"topic_label": "Issue", "actor_name": "Who", "direction_label": "Stance", "summary": "What they said",
                             "date": "Reported", "source_id": "Source"}) + note


def disagreements_md(disagreements: pd.DataFrame) -> str:
    """Each disagreement or change with its dated claims beneath it."""
    if disagreements.empty:
        return "No disagreements or changes of stance in the reports so far."
    shown, note = _capped(disagreements, "disagreements", limit=MAX_ROWS // 2)
    blocks = []
    for r in shown.itertuples():
        head = f"**{esc(r.kind + ': ' + ' — '.join(x for x in (r.actor_name, r.subject) if x))}**"
        items = [f"- {esc(c)}: \u201c*{esc(q)}*\u201d" for c, q in zip(r.claims, r.quotes)]
        blocks.append(head + "\n\n" + "\n".join(_capped_items(items, "claims", limit=8)))
    return "\n\n".join(blocks) + note


def changes_md(changes: dict[str, Any], previous_edition: str) -> str:
    """What changed since the previous edition, or that there is none to compare with."""
    if not changes.get("has_previous"):
        return "There is no previous edition to compare with: this is the first edition built."
    lines = [f"Compared with the previous edition ({esc(previous_edition.rstrip('/').rsplit('/', 1)[-1])}): "
             f"{changes['new_claims']} new claims from {len(changes['new_sources'])} new reports"
             + (f" ({esc(', '.join(changes['new_sources']))})." if changes["new_sources"] else ".")]
    for label, key in (("New actors", "new_actors"), ("New pledges and requests", "new_pledges"), ("Changed stances", "changed_stances")):
        items = changes[key]
        lines.append(f"\n**{label}** ({len(items)})" + ("\n" if items else ": none"))
        lines += _capped_items([f"- {esc(i)}" for i in items], label.lower())
    return "\n".join(lines)


def open_questions_md(questions: pd.DataFrame) -> str:
    """The open questions, each with what it rests on."""
    if questions.empty:
        return "None recorded."
    items = [f"- {esc(r.question)} ({esc(r.basis)}; {esc(r.sources)})" for r in questions.itertuples()]
    return "\n".join(_capped_items(items, "questions"))


def sources_md(sources: pd.DataFrame) -> str:
    """Every source: id, outlet, relayed outlets, date and its precision."""
    df = sources.assign(
        date=[date_label(d, p) for d, p in zip(sources["published"], sources["date_precision"])],
        title_or_note=sources["title"].where(sources["title"] != "", "(no headline in the file)"),
    )
    return md_table(df, columns=["source_id", "outlet", "relays", "date", "title_or_note"],
                    headers={"source_id": "Source", "outlet": "Outlet", "relays": "Relays", "date": "Published", "title_or_note": "Headline"})


def source_caveats_md(sources: pd.DataFrame) -> str:
    """How many reports lack an outlet or a dateline, and which outlets they relay."""
    unnamed = int(sources["outlet"].str.startswith("Outlet not named").sum())
    estimated = sources.loc[sources["date_precision"] == "approximate", "source_id"].tolist()
    relayed = sorted({o.strip() for r in sources["relays"] for o in r.split(";") if o.strip()})
    parts = [f"{unnamed} of the {len(sources)} reports do not name their outlet."]
    if estimated:
        parts.append(f"{len(estimated)} carry no dateline, so their dates are estimates ({', '.join(estimated)}; see Methodology).")
    if relayed:
        parts.append(f"Between them they relay {len(relayed)} other outlets ({', '.join(relayed)}), so one underlying claim can appear twice.")
    parts.append("Every claim in this briefing cites one of these source ids.")
    return esc(" ".join(parts))


def ladder_md(stages: pd.DataFrame) -> str:
    """The stage ladder, from the reference table."""
    on = stages[stages["on_ladder"].astype(bool)].sort_values("rank")
    off = stages[~stages["on_ladder"].astype(bool)]
    lines = [f"{int(r.rank)}. **{esc(r.label)}**: {esc(r.description)}" for r in on.itertuples()]
    lines += [f"- Off the ladder, **{esc(r.label)}**: {esc(r.description)}" for r in off.itertuples()]
    return "\n".join(lines)


def reference_list_md(table: pd.DataFrame) -> str:
    """A reference table as a bullet list of label: description, in its order."""
    return "\n".join(f"- **{esc(r['label'])}**: {esc(r['description'])}" for _, r in table.iterrows())
