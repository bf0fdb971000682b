"""The analysis tables the briefing shows: conditions, chronology, the plan, positions, figures, funnel, map.

Each is one DataFrame computed from the processed tables and the standings, written to
``analysis/<name>.json`` by ``helpers.analysis.results``; the views draw and print them as they are.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import fmt
from helpers.analysis.cells import unnamed_relay
from helpers.analysis.standings import (
    ASKED_RANK, NAMED_RANK, OFFERED_RANK, WILLING_RANK, Tables, contributors, flagged, latest_stance, standings, would_be_contributors,
)


def conditions_matrix(conditions: pd.DataFrame) -> pd.DataFrame:
    """Actor x condition type: kind (condition or limit), status, first reported date, sources, what it governs.

    Args:
        conditions: processed conditions.

    Returns:
        One row per actor and condition type: actor_id, actor_name, actor_kind, condition_type,
        condition_label, kind, status_label ("" for a limit, which is never met), applies_to,
        first_reported, first_label, sources.
    """
    cols = ["actor_id", "actor_name", "actor_kind", "condition_type", "condition_label", "kind", "status_label", "applies_to",
            "first_reported", "first_label", "sources"]
    if conditions.empty:
        return pd.DataFrame(columns=cols)
    first = conditions.sort_values(["reported_date", "condition_id"]).drop_duplicates(["actor_id", "condition_type"])
    latest = conditions.sort_values(["reported_date", "condition_id"]).drop_duplicates(["actor_id", "condition_type"], keep="last")
    grouped = conditions.groupby(["actor_id", "actor_name", "actor_kind", "condition_type", "condition_label"], as_index=False).agg(
        kind=("condition_kind", "first"), applies_to=("applies_to", "first"), first_reported=("reported_date", "min"), sources=("source_id", fmt.cite))
    grouped = grouped.merge(first[["actor_id", "condition_type", "reported_label"]].rename(columns={"reported_label": "first_label"}),
                            on=["actor_id", "condition_type"], how="left")
    grouped = grouped.merge(latest[["actor_id", "condition_type", "status_label"]], on=["actor_id", "condition_type"], how="left")
    grouped["status_label"] = grouped["status_label"].where(grouped["kind"].eq("condition"), "")
    return grouped.sort_values(["kind", "condition_type", "first_reported", "actor_name"]).reset_index(drop=True)[cols]


def conditions_summary(standing: pd.DataFrame, conditions: pd.DataFrame) -> pd.DataFrame:
    """For each condition or limit set on taking part in the force: which named states set it, and whether
    it is said of the would-be contributors in general.

    Counts are of named states (the willing contributors the bottom line names); what the reports say of
    the unnamed would-be contributors is not a count but a statement about them in general. Conditions on
    supporting the resolution (diplomats) or on the organiser's own staff are not here (they are in
    :func:`conditions_matrix`).

    Args:
        standing: :func:`standings`.
        conditions: processed conditions.

    Returns:
        One row per condition type: condition_type, condition_label, kind, n_named (willing named states),
        n_setting (of them, those setting it), named (their names), general (said of the would-be
        contributors in general), descriptions (list: which descriptions of them), status (a condition's
        status labels, "" for a limit), sources.
    """
    cols = ["condition_type", "condition_label", "kind", "n_named", "n_setting", "named", "general", "descriptions", "status", "sources"]
    states = contributors(standing, WILLING_RANK, states_only=True)
    groups = standing[standing["part_of_force"].astype(bool) & standing["actor_kind"].eq("unnamed_group") & (standing["rank"].fillna(-1) >= WILLING_RANK)]
    ids = set(states["actor_id"]) | set(groups["actor_id"])
    if conditions.empty:
        return pd.DataFrame(columns=cols)
    c = conditions[conditions["actor_id"].isin(ids) & conditions["applies_to"].ne("taking_part")]
    rows = []
    for ctype, g in c.groupby("condition_type", sort=False):
        by_state = g[g["actor_kind"] == "state"]
        by_group = g[g["actor_kind"] != "state"]
        kind = g["condition_kind"].iloc[0]
        rows.append({
            "condition_type": ctype, "condition_label": g["condition_label"].iloc[0], "kind": kind,
            "n_named": len(states), "n_setting": by_state["actor_id"].nunique(),
            "named": fmt.names(sorted(by_state["actor_name"].unique())),
            "general": bool(len(by_group)),
            "descriptions": sorted(by_group["actor_name"].unique()),
            "status": "; ".join(sorted(set(g["status_label"].dropna()))) if kind == "condition" else "",
            "sources": fmt.cite(g["source_id"]),
        })
    out = pd.DataFrame(rows, columns=cols)
    # conditions that can be met first, then limits; the most widely set first
    return out.sort_values(["kind", "n_setting", "general", "condition_label"], ascending=[True, False, False, True]).reset_index(drop=True)


def open_questions(t: Tables, standing: pd.DataFrame | None = None) -> pd.DataFrame:
    """Questions the reports leave open: stated ones (with whether a later claim answered them), undecided
    positions, and the would-be contributors the reports do not name.

    Args:
        t: processed tables.
        standing: :func:`standings` of ``t`` (computed when not given).

    Returns:
        Columns question, basis, status ("open", or "answered"), answered_by (the answering claim's
        summary and source, or ""), sources.
    """
    claims = t["claims"].set_index("claim_id") if len(t["claims"]) else t["claims"]
    rows = []
    for r in t["open_questions"].itertuples():
        answered = getattr(r, "status", "open") == "answered" and r.answered_by in claims.index
        rows.append({"question": r.question, "basis": "stated in the report", "status": "answered" if answered else "open",
                     "answered_by": f"{claims.loc[r.answered_by, 'summary']} ({claims.loc[r.answered_by, 'source_id']})" if answered else "",
                     "sources": r.source_id})
    latest = latest_stance(t["positions"], t["positions"]["reported_date"].max(), keys=("actor_id", "topic")) if len(t["positions"]) else t["positions"]
    undecided = latest[latest["direction"] == "undecided"]  # a later stance settles it
    holder = lambda r: fmt.group_name(r.actor_name) if r.actor_kind == "unnamed_group" else r.actor_name  # noqa: E731
    rows += [{"question": f"Where will {holder(r)} stand on the {fmt.lower_first(r.topic_label)}?",
              "basis": f"reported as undecided: {fmt.lower_first(r.summary)}", "status": "open", "answered_by": "", "sources": r.source_id} for r in undecided.itertuples()]
    standing = standings(t["pledges"], t["conditions"]) if standing is None else standing
    for population in would_be_contributors(standing, t["conditions"]):
        n = len(population["descriptions"])
        rows.append({"question": f"Which countries are the {fmt.lower_first(population['label'].replace(' (unnamed)', ''))}?",
                     "basis": "the reports never name them" + (f" and describe them {n} ways" if n > 1 else ""),
                     "status": "open", "answered_by": "", "sources": population["sources"]})
    return pd.DataFrame(rows, columns=["question", "basis", "status", "answered_by", "sources"])


def chronology(events: pd.DataFrame) -> pd.DataFrame:
    """Every event that happened, oldest first: when (as precisely as the report says), what, who, source.

    Rows that describe the plan (its tasks and design) are not events: they are in :func:`plan`.

    Args:
        events: processed events.

    Returns:
        Columns event_id, event_date, date (label keeping the precision), event_type, event_type_label,
        milestone, title, who (actor and others named), source_id, reported_label, confidence.
    """
    cols = ["event_id", "event_date", "date", "event_type", "event_type_label", "milestone", "title", "who", "source_id", "reported_label", "confidence"]
    e = events[~flagged(events["plan"])] if "plan" in events and len(events) else events
    if e.empty:
        return pd.DataFrame(columns=cols)
    e = e.sort_values(["event_date", "event_id"])
    others = e["other_names"] if "other_names" in e else pd.Series([[] for _ in range(len(e))], index=e.index)
    return pd.DataFrame({
        "event_id": e["event_id"],
        "event_date": e["event_date"],
        "date": [fmt.date_label(d, p) for d, p in zip(e["event_date"], e["event_date_precision"])],
        "event_type": e["event_type"],
        "event_type_label": e["event_type_label"],
        "milestone": flagged(e["milestone"]),
        "title": e["title"],
        "who": [fmt.names([a, *o]) or "—" for a, o in zip(e["actor_name"].fillna(""), others)],
        "source_id": e["source_id"],
        "reported_label": e["reported_label"],
        "confidence": e["confidence"],
    }).reset_index(drop=True)


def position_cells(positions: pd.DataFrame) -> pd.DataFrame:
    """Holder x topic x direction, marking each holder's latest stance per topic (for the positions matrix).

    Args:
        positions: processed positions.

    Returns:
        One row per holder, topic and direction: actor_id, holder, topic, topic_label, topic_short, direction,
        direction_label, current (the latest stance on the topic), last (date), about (targets), summary,
        sources.
    """
    cols = ["actor_id", "holder", "topic", "topic_label", "topic_short", "direction", "direction_label", "current", "last", "about", "summary",
            "sources"]
    if positions.empty:
        return pd.DataFrame(columns=cols)
    p = positions.assign(target=positions["target_name"].fillna(""))
    if "topic_short" not in p:  # tables of an edition built before the short labels: the label serves
        p["topic_short"] = p["topic_label"]
    p["latest"] = p.groupby(["actor_id", "topic"])["reported_date"].transform("max")
    cells = p.groupby(["actor_id", "topic", "direction"], as_index=False).agg(
        holder=("actor_name", "first"), topic_label=("topic_label", "first"), topic_short=("topic_short", "first"),
        direction_label=("direction_label", "first"),
        last=("reported_date", "max"), latest=("latest", "first"),
        about=("target", lambda s: fmt.names(sorted(set(s)))),
        summary=("summary", lambda s: "; ".join(dict.fromkeys(s))),
        sources=("source_id", fmt.cite))
    cells["current"] = cells["last"] == cells["latest"]
    return cells[cols]


def stated_figures(pledges: pd.DataFrame) -> pd.DataFrame:
    """Every troop or personnel figure the reports state, one row per claim, vagueness kept.

    Args:
        pledges: processed pledges.

    Returns:
        Columns pledge_id, actor_id, actor_name, actor_kind, part_of_force, value (the larger bound),
        low, high, precision, unit, label, words, stage, stage_label, stage_short, where ("Inside Gaza", "Outside
        Gaza", "Where not stated"), location_label, source_id, reported_label, reported_date.
    """
    cols = ["pledge_id", "actor_id", "actor_name", "actor_kind", "part_of_force", "value", "low", "high", "precision", "unit", "label",
            "words", "stage", "stage_label", "stage_short", "where", "location_label", "source_id", "reported_label", "reported_date"]
    lo, hi = pd.to_numeric(pledges["amount_low"], errors="coerce"), pd.to_numeric(pledges["amount_high"], errors="coerce")
    rows = pledges[(lo.notna() | hi.notna()) & pledges["amount_unit"].isin(("troops", "personnel", "advisers"))]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    lo, hi = lo[rows.index], hi[rows.index]
    inside = rows["inside_gaza"].astype("string").str.lower()
    hedged = rows["stage"].eq("offered_public") & pd.Series(
        [unnamed_relay(c, v) for c, v in zip(rows["confidence"], rows["via_outlet"])], index=rows.index, dtype=bool)
    return pd.DataFrame({
        "pledge_id": rows["pledge_id"], "actor_id": rows["actor_id"], "actor_name": rows["actor_name"], "actor_kind": rows["actor_kind"],
        "part_of_force": flagged(rows["part_of_force"]) if "part_of_force" in rows else True,
        "value": pd.concat([lo, hi], axis=1).max(axis=1), "low": lo, "high": hi, "precision": rows["amount_precision"],
        "unit": rows["amount_unit"], "label": rows["amount_label"], "words": rows["amount_text"], "stage": rows["stage"],
        # a public offer a later report repeats as "reportedly", naming no source, is drawn and labelled as the report says it
        "stage_label": rows["stage_label"].where(~hedged, "Reportedly offered"),
        "stage_short": (rows["stage_short"] if "stage_short" in rows else rows["stage_label"].map(fmt.lower_first)).where(
            ~hedged, "reportedly offered"),
        "where": inside.map({"true": "Inside Gaza", "false": "Outside Gaza"}).fillna("Where not stated"),
        "location_label": rows["location_label"].fillna(""), "source_id": rows["source_id"], "reported_label": rows["reported_label"],
        "reported_date": rows["reported_date"],
    }).sort_values(["value", "reported_date", "pledge_id"], ascending=[False, True, True]).reset_index(drop=True)


def plan(events: pd.DataFrame) -> pd.DataFrame:
    """The plan as the reports describe it: the force's tasks and design, credited to whom each report credits.

    Args:
        events: processed events (rows whose event type describes the plan, ``plan``).

    Returns:
        Columns event_id, event_type, aspect (the type's label), title, credited (the actor the report
        credits, or ""), others (other actors named, a list), source_id, reported_date, reported_label,
        confidence, via, quote; in the order reported.
    """
    cols = ["event_id", "event_type", "aspect", "title", "credited", "others", "source_id", "reported_date", "reported_label", "confidence", "via", "quote"]
    rows = events[flagged(events["plan"])] if "plan" in events and len(events) else events.iloc[0:0]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.sort_values(["reported_date", "event_id"])
    return pd.DataFrame({
        "event_id": rows["event_id"], "event_type": rows["event_type"], "aspect": rows["event_type_label"], "title": rows["title"],
        "credited": rows["actor_name"].fillna(""), "others": rows["other_names"] if "other_names" in rows else [[] for _ in range(len(rows))],
        "source_id": rows["source_id"], "reported_date": rows["reported_date"], "reported_label": rows["reported_label"],
        "confidence": rows["confidence"], "via": rows["via_outlet"].where(rows["via_outlet"].map(lambda v: isinstance(v, str)), ""),
        "quote": rows["quote"],
    }).reset_index(drop=True)


FUNNEL_METRICS = (
    ("countries_approached", "Asked to contribute"),
    ("countries_in_talks", "In talks"),
    ("countries_willing", "Said to be willing"),
)
FUNNEL_REPORTED, FUNNEL_NAMED = "Counts as the reports give them", "States the reports name"


def funnel_steps(figures: pd.DataFrame, summary: dict[str, Any]) -> pd.DataFrame:
    """The funnel from countries approached to states named as offering troops, one row per bar.

    The first steps are the counts officials gave the reports (every dated claim, at most the latest
    four per step, in the report's words); the last two are the named states of the findings: willing
    contributors and states offering troops (``summary`` from :func:`key_figures`).

    Args:
        figures: processed figures.
        summary: :func:`key_figures` of the same edition.

    Returns:
        Columns step, kind, value, open, label, row, reported, sources.
    """
    rows = []
    for order, (metric, step) in enumerate(FUNNEL_METRICS):
        claims = figures[figures["metric"] == metric].copy()
        claims["lo"] = pd.to_numeric(claims["value_low"], errors="coerce")
        claims["hi"] = pd.to_numeric(claims["value_high"], errors="coerce")
        claims = claims.drop_duplicates(["source_id", "lo", "hi", "precision"]).sort_values("reported_date").tail(4)
        for r in claims.itertuples():
            value = r.hi if r.precision == "up_to" else r.lo
            if pd.isna(value) or r.precision == "vague":  # "several" has no length to draw; the caption names it
                continue
            words = str(r.value_label).removesuffix(f" {r.unit}").replace(" (vague)", "")
            text = str(r.value_text or "")
            # the report's own words when they add something and fit a bar label
            if text and text.lower() not in words.lower() and len(text) <= 40:
                words += f' ("{text}")'
            # what the counted countries would give: counts from two reports may not count alike
            gives = next((c.get("contributions", "") for c in summary.get(metric, []) if c.get("figure_id") == r.figure_id), "")
            if gives:
                words += ", to give " + fmt.names([g.strip() for g in gives.replace(" and ", ", ").split(",") if g.strip()], conjunction="or")
            rows.append({"step": order, "kind": FUNNEL_REPORTED, "value": float(value), "open": r.precision in ("at_least", "vague"),
                         "label": words, "row": f"{step} · {r.source_id}, {r.reported_label}",
                         "reported": r.reported_label, "sources": r.source_id})
    for order, (step, key) in enumerate((("Named as willing or offering", "contributors_willing"), ("Named as offering troops", "troop_offers")),
                                        start=len(FUNNEL_METRICS)):
        named = summary[key]
        names = [n["name"] for n in named]
        rows.append({"step": order, "kind": FUNNEL_NAMED, "value": float(len(names)), "open": False,
                     "label": f"{len(names)}" + (f": {fmt.names(names, 4)}" if names else ""), "row": step,
                     "reported": "", "sources": fmt.cite(n["source_id"] for n in named)})
    return pd.DataFrame(rows, columns=["step", "kind", "value", "open", "label", "row", "reported", "sources"])


# Map classes, strongest first: a state's colour on the map is the first class its standing reaches.
MAP_CLASSES: tuple[tuple[str, str], ...] = (
    ("offers", "Offers troops"),
    ("willing", "Willing to contribute"),
    ("outside", "Organises or supports from outside"),
    ("asked", "Asked or in talks"),
    ("named", "Named as a likely contributor"),
    ("out", "Not expected, declined or withdrawn"),
)


def map_states(standing: pd.DataFrame, actors: pd.DataFrame, shape_ids: set[str]) -> pd.DataFrame:
    """Each named state with its strongest standing, as the map colours it, and whether it has a shape.

    Args:
        standing: :func:`standings`.
        actors: the edition's actors (iso3 codes).
        shape_ids: ISO numeric codes the map's shapes cover (``helpers.data.geo.shape_ids``).

    Returns:
        One row per state: id (ISO numeric), iso3, name, group (a label of ``MAP_CLASSES``), order (its
        index), detail (each contribution's stage, with "only if" conditions), sources, has_shape.
    """
    from helpers.data import geo  # the map's codes only; the rest of the analysis does not need pycountry

    cols = ["id", "iso3", "name", "group", "order", "detail", "sources", "has_shape"]
    states = standing[standing["actor_kind"] == "state"]
    if states.empty:
        return pd.DataFrame(columns=cols)
    iso3 = actors.set_index("actor_id")["iso3"]
    offers = set(contributors(standing, OFFERED_RANK, "troops")["actor_id"])
    willing = set(contributors(standing, WILLING_RANK)["actor_id"])
    rows = []
    for actor_id, g in states.groupby("actor_id", sort=False):
        ranks = g["rank"]
        force = g["part_of_force"].astype(bool)
        if actor_id in offers:
            key = "offers"
        elif actor_id in willing:
            key = "willing"
        elif (~force).any():
            key = "outside"
        elif (ranks >= ASKED_RANK).any():
            key = "asked"
        elif (ranks >= NAMED_RANK).any():
            key = "named"
        else:
            key = "out"
        order = [k for k, _ in MAP_CLASSES].index(key)
        code = geo.iso_numeric(iso3.get(actor_id, ""))
        detail = "; ".join(f"{r.contribution_label}: {fmt.lower_first(r.stage_label)}" + (f" (only if {r.conditions})" if r.conditions else "")
                           for r in g.itertuples())
        rows.append({"id": code, "iso3": iso3.get(actor_id, ""), "name": g["actor_name"].iloc[0], "group": MAP_CLASSES[order][1],
                     "order": order, "detail": detail, "sources": fmt.cite(s for x in g["sources"] for s in x.split(", ")),
                     "has_shape": code in shape_ids})
    return pd.DataFrame(rows, columns=cols).sort_values(["order", "name"]).reset_index(drop=True)
