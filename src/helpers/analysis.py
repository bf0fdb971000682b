"""Analysis tables for the briefing, computed from the processed tables of one edition.

Every number the briefing prints comes from here. Functions are small and pure: processed frames in
(see ``helpers.clean.build_processed``), frames or plain dicts out. ``analyse`` runs them all for
notebook 02; ``write_analysis``/``read_analysis`` carry the results to notebook 03.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import changes, clean, fmt

Tables = dict[str, pd.DataFrame]
# Ladder rank from which an actor counts as willing (2 = signalled willingness, or willing only if).
WILLING_RANK = 2
# Ladder rank from which a contribution counts as offered (3 = offered, not announced).
OFFERED_RANK = 3
# Condition types the briefing spells out, in this order.
HEADLINE_CONDITIONS = ("israeli_controlled_areas_only", "un_mandate", "after_fighting_stops", "non_combat")
CONDITIONAL_STAGE = "conditional"


def figure_claims(figures: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Every claim of one metric, latest first: value label, words, source, date, confidence.

    Args:
        figures: processed figures.
        metric: metric code (e.g. "countries_willing").

    Returns:
        Columns figure_id, actor_id, value_low, value_high, value_label, value_text, precision,
        source_id, reported_date, reported_label, confidence, via_outlet.
    """
    cols = ["figure_id", "actor_id", "value_low", "value_high", "value_label", "value_text", "precision",
            "source_id", "reported_date", "reported_label", "confidence", "via_outlet"]
    rows = figures.loc[figures["metric"] == metric, cols]
    return rows.sort_values(["reported_date", "figure_id"], ascending=[False, True]).reset_index(drop=True)


def _flagged(values: pd.Series) -> pd.Series:
    """Booleans from booleans or "true"/"True" strings (processed CSVs read back as text); missing is False."""
    return values.map(lambda v: str(v).strip().lower() == "true").astype(bool)


def standings(pledges: pd.DataFrame, conditions: pd.DataFrame) -> pd.DataFrame:
    """Where each actor stands on each kind of contribution, by the codebook's rules.

    Rules (docs/CODEBOOK.md, "Standing"):

    - The strongest claim on the ladder stands. A later, weaker claim (named as a likely contributor,
      in talks) does not demote an offer; it is kept as ``since``, what later reports said.
    - Only a later claim at a stage that ``withdraws`` (declined, withdrawn, not expected) takes an offer
      back; a positive claim reported after it stands again.
    - "Will only if ..." (stage ``conditional``) is willingness with conditions, never a refusal; the
      standing is ``conditional`` when any claim or condition for the pair says so.

    Args:
        pledges: processed pledges of one edition (already cut at its date).
        conditions: processed conditions of the same edition.

    Returns:
        One row per actor and contribution: actor_id, actor_name, actor_kind, contribution_type,
        contribution_label, part_of_force, stage, stage_label, rank (NaN off the ladder), basis_id,
        basis_source, basis_date, basis_label (date label), basis_confidence, basis_via, location_label,
        conditional, condition_types, figure (latest stated amount label or ""), figure_text,
        figure_sources, since (later weaker claims as text), sources, requested_by_name.
    """
    columns = ["actor_id", "actor_name", "actor_kind", "contribution_type", "contribution_label", "part_of_force", "stage", "stage_label",
               "rank", "basis_id", "basis_source", "basis_date", "basis_label", "basis_confidence", "basis_via", "location_label", "locations",
               "conditional", "condition_types", "condition_sources", "figure", "figure_text", "figure_sources", "figures_differ", "reports", "since", "sources",
               "requested_by_name"]
    if pledges.empty:
        return pd.DataFrame(columns=columns)
    keys = ["actor_id", "contribution_type"]
    ranks = {"on_record": 4, "named_official": 3, "anonymous_officials": 2, "relayed": 1, "unattributed": 0}
    p = pledges.assign(
        _rank=pd.to_numeric(pledges["stage_rank"], errors="coerce"),
        _withdraws=_flagged(pledges["withdraws"]) if "withdraws" in pledges else False,
        _conf=pledges["confidence"].map(ranks).fillna(-1),
    ).sort_values(["reported_date", "_conf", "pledge_id"])
    last_withdrawal = p[p["_withdraws"]].groupby(keys)["reported_date"].max()
    cut = pd.MultiIndex.from_frame(p[keys]).map(last_withdrawal.to_dict().get)
    cut = pd.to_datetime(pd.Series(cut, index=p.index))
    positive = p[p["_rank"].notna() & (cut.isna() | (p["reported_date"] > cut))]
    # strongest positive claim since the last withdrawal; ties go to the better-sourced, then the later claim
    best = positive.sort_values(["_rank", "_conf", "reported_date", "pledge_id"]).groupby(keys).tail(1)
    withdrawn = p[p["_withdraws"]].groupby(keys).tail(1)
    basis = pd.concat([best, withdrawn[~pd.MultiIndex.from_frame(withdrawn[keys]).isin(pd.MultiIndex.from_frame(best[keys]))]])
    basis = basis.set_index(keys)

    # only conditions on taking part count as "only if"; the organiser's own limits (its staff stay outside Gaza) are not
    conds = conditions[conditions["pledge_id"].fillna("").ne("") & conditions["applies_to"].ne("taking_part")] if len(conditions) else conditions
    cond_key = (conds[["pledge_id", "condition_label", "source_id"]].merge(pledges[["pledge_id", *keys]], on="pledge_id", how="inner")
                if len(conds) else pd.DataFrame(columns=[*keys, "condition_label", "source_id"]))
    cond_labels = cond_key.groupby(keys)["condition_label"].agg(lambda s: "; ".join(sorted(set(s))))
    cond_sources = cond_key.groupby(keys)["source_id"].agg(fmt.cite)
    conditional_claims = p[p["stage"] == CONDITIONAL_STAGE].groupby(keys).size()

    stated = p[p["amount_low"].notna() | p["amount_high"].notna()]
    figure = stated.groupby(keys).tail(1).set_index(keys)
    figure_sources = stated.groupby(keys)["source_id"].agg(fmt.cite)
    # "20,000" and "some 20.000" are one figure in two wordings; "about 200", "up to 200" and "about 24" are not
    bounds = stated["amount_low"].fillna(-1).astype(str) + "|" + stated["amount_high"].fillna(-1).astype(str)
    n_amounts = bounds.groupby([stated[k] for k in keys]).nunique()
    # every stated figure of the pair, oldest first: shown whole where reports are in tension
    reports = stated.groupby(keys).apply(lambda g: "; ".join(
        f"{r.stage_label.lower()}, {r.amount_label} ({r.source_id}, {r.reported_label}; "
        f"{fmt.sourcing(r.confidence, r.via_outlet if isinstance(r.via_outlet, str) else '')})" for r in g.itertuples()), include_groups=False)
    locations = p.groupby(keys)["location_label"].agg(lambda s: fmt.names(sorted({x for x in s.dropna() if x and x != "Not stated"})))
    sources = p.groupby(keys)["source_id"].agg(fmt.cite)

    # Whole-column operations on the basis rows (one per pair), so the cost stays linear at 100x.
    b = basis.reset_index()
    # what later reports said: weaker mentions as what they are, the same stage as "again"
    later = p.merge(b[[*keys, "reported_date", "_rank", "amount_low", "amount_high"]], on=keys, suffixes=("", "_basis"))
    later = later[(later["reported_date"] > later["reported_date_basis"]) & later["_rank_basis"].notna()
                  & (later["_rank"].fillna(-1) <= later["_rank_basis"])]
    stated_amount = later["amount_low"].notna() | later["amount_high"].notna()
    same = later["_rank"].eq(later["_rank_basis"]) & (~stated_amount | (later["amount_low"].fillna(-1).eq(later["amount_low_basis"].fillna(-1))
                                                                      & later["amount_high"].fillna(-1).eq(later["amount_high_basis"].fillna(-1))))
    said = (later["stage_label"].str.lower() + stated_amount.map({True: ", ", False: ""}) + later["amount_label"].where(stated_amount, ""))
    later = later.assign(_text=said.where(~same, "reported again") + " (" + later["source_id"] + ", " + later["reported_label"] + ")")
    since = later.groupby(keys)["_text"].agg("; ".join)
    pair = pd.MultiIndex.from_frame(b[keys])
    # the figure the basis claim states, else the latest stated one
    own = b["amount_low"].notna() | b["amount_high"].notna()
    latest_label = pd.Series(pair.map(figure["amount_label"].to_dict().get), index=b.index)
    latest_text = pd.Series(pair.map(figure["amount_text"].to_dict().get), index=b.index)
    via = b["via_outlet"] if "via_outlet" in b else pd.Series("", index=b.index)
    look = lambda s: pd.Series(pair.map(s.to_dict().get), index=b.index).fillna("")
    out = pd.DataFrame({
        "actor_id": b["actor_id"], "actor_name": b["actor_name"], "actor_kind": b["actor_kind"], "contribution_type": b["contribution_type"],
        "contribution_label": b["contribution_label"],
        "part_of_force": _flagged(b["part_of_force"]) if "part_of_force" in b else True,
        "stage": b["stage"], "stage_label": b["stage_label"], "rank": b["_rank"],
        "basis_id": b["pledge_id"], "basis_source": b["source_id"], "basis_date": b["reported_date"], "basis_label": b["reported_label"],
        "basis_confidence": b["confidence"], "basis_via": via.where(via.map(lambda v: isinstance(v, str)), ""),
        "location_label": b["location_label"] if "location_label" in b else "", "locations": look(locations),
        "conditional": pd.Series(pair.isin(conditional_claims.index) | pair.isin(cond_labels.index), index=b.index),
        "condition_types": look(cond_labels), "condition_sources": look(cond_sources),
        "figure": b["amount_label"].where(own, latest_label).fillna(""), "figure_text": b["amount_text"].where(own, latest_text).fillna(""),
        "figure_sources": look(figure_sources), "figures_differ": pd.Series(pair.map(n_amounts.to_dict().get), index=b.index).fillna(0) > 1,
        "reports": look(reports), "since": look(since), "sources": look(sources),
        "requested_by_name": b["requested_by_name"] if "requested_by_name" in b else "",
    })[columns]
    # contributors to the force first, furthest along first; outside support after them
    out["_order"] = out["rank"].fillna(-1)
    out["_force"] = out["part_of_force"].astype(bool)
    out = out.sort_values(["_force", "_order", "actor_name", "contribution_type"], ascending=[False, False, True, True])
    return out.drop(columns=["_order", "_force"]).reset_index(drop=True)


def contributors(standing: pd.DataFrame, min_rank: int = WILLING_RANK, contribution: str | None = None) -> pd.DataFrame:
    """Actors who stand at ``min_rank`` or beyond on a contribution to the force itself.

    Support from outside the force (coordination staff, advisers to the planning cell: the US and the
    UK's advisers) is never a contribution. One row per actor: its best standing.

    Args:
        standing: :func:`standings`.
        min_rank: lowest ladder rank that counts (2 = willing, 3 = offered).
        contribution: only this contribution type (e.g. "troops"), or any.

    Returns:
        Rows of ``standing`` (one per actor, the highest rank), sorted by rank then name.
    """
    s = standing[standing["part_of_force"].astype(bool) & (standing["rank"].fillna(-1) >= min_rank)]
    if contribution:
        s = s[s["contribution_type"] == contribution]
    s = s.sort_values(["rank", "basis_date"], ascending=[False, False]).drop_duplicates("actor_id")
    return s.sort_values(["rank", "actor_name"], ascending=[False, True]).reset_index(drop=True)


def outside_support(standing: pd.DataFrame) -> pd.DataFrame:
    """Actors who organise or support the force from outside it (not contributors): their standing rows."""
    return standing[~standing["part_of_force"].astype(bool)].sort_values(["actor_name", "basis_date"]).reset_index(drop=True)


def largest_offer(pledges: pd.DataFrame, standing: pd.DataFrame) -> dict[str, Any] | None:
    """The largest troop figure offered by a contributor to the force, with each source's wording.

    Args:
        pledges: processed pledges.
        standing: :func:`standings` (an offer counts only while the actor's troop standing is an offer).

    Returns:
        {"actor", "actor_id", "amount", "stage", "labels": [{"label", "text", "source_id", "reported_date"}]}
        or None when no contributor has offered a troop figure.
    """
    offering = set(contributors(standing, OFFERED_RANK, "troops")["actor_id"])
    troops = pledges[(pledges["amount_unit"] == "troops") & pledges["actor_id"].isin(offering)
                     & (pd.to_numeric(pledges["stage_rank"], errors="coerce").fillna(-1) >= OFFERED_RANK)]
    troops = troops.assign(size=troops[["amount_low", "amount_high"]].max(axis=1)).dropna(subset=["size"])
    if troops.empty:
        return None
    top = troops.loc[troops["size"].idxmax()]
    same = troops[(troops["actor_id"] == top["actor_id"]) & (troops["size"] == top["size"])].sort_values("reported_date")
    return {
        "actor": top["actor_name"],
        "actor_id": top["actor_id"],
        "amount": float(top["size"]),
        "stage": top["stage_label"],
        "n_with_figure": int(troops["actor_id"].nunique()),
        "labels": [{"label": r.amount_label, "text": r.amount_text, "source_id": r.source_id, "reported_date": r.reported_label,
                    "confidence": r.confidence} for r in same.itertuples()],
    }


def _actor_list(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Standing rows as JSON-ready dicts for the findings."""
    return [{"actor_id": r.actor_id, "name": r.actor_name, "kind": r.actor_kind, "contribution": r.contribution_label,
             "stage": r.stage, "stage_label": r.stage_label, "conditional": bool(r.conditional), "conditions": r.condition_types,
             "condition_sources": r.condition_sources,
             "basis": r.basis_id, "source_id": r.basis_source, "reported_date": r.basis_label, "confidence": r.basis_confidence,
             "via": r.basis_via, "since": r.since, "figure": r.figure, "figures_differ": bool(r.figures_differ), "reports": r.reports,
             "sources": r.sources}
            for r in rows.itertuples()]


def information_date(sources: pd.DataFrame) -> dict[str, str]:
    """The date the edition's information is current to: the newest report's date, with its precision.

    Args:
        sources: the edition's processed sources (already cut at its date).

    Returns:
        {"date": "YYYY-MM-DD", "label": "c. 13 Dec 2025", "source_id": "S001"}, or empty strings when no
        report is in yet.
    """
    if sources.empty:
        return {"date": "", "label": "", "source_id": ""}
    newest = sources.sort_values(["published", "source_id"]).iloc[-1]
    return {"date": fmt.iso_day(newest["published"]), "label": fmt.date_label(newest["published"], newest["date_precision"]),
            "source_id": newest["source_id"]}


def latest_positions(positions: pd.DataFrame) -> pd.DataFrame:
    """Each holder's latest stance per topic (ties to the better-sourced claim)."""
    if positions.empty:
        return positions
    return clean.latest_stance(positions, positions["reported_date"].max(), keys=("actor_id", "topic"))


def key_figures(t: Tables, standing: pd.DataFrame | None = None) -> dict[str, Any]:
    """The findings of the edition: every count, list and date the views print, each with its sources.

    Args:
        t: processed tables.
        standing: :func:`standings` of ``t`` (computed when not given).

    Returns:
        A JSON-ready dict. Counts reported by officials (countries_approached, countries_willing,
        countries_committed: lists of dated claims); the reports' named actors by standing
        (contributors_willing, troop_offers, groups_willing, outside_support, states_named); the
        largest offer; conditions attached by contributors; stances (not_ready, opposed, lead);
        the UN track and what the force is meant to do; information_date; counts.
    """
    def claims(metric: str) -> list[dict[str, Any]]:
        return [{"value": r.value_label, "low": r.value_low, "high": r.value_high, "text": r.value_text, "precision": r.precision,
                 "source_id": r.source_id, "reported_date": r.reported_label, "via": r.via_outlet, "confidence": r.confidence}
                for r in figure_claims(t["figures"], metric).itertuples()]

    pledges = t["pledges"]
    standing = standings(pledges, t["conditions"]) if standing is None else standing
    willing = contributors(standing, WILLING_RANK)
    states = willing[willing["actor_kind"] == "state"]
    groups = willing[willing["actor_kind"] != "state"]
    troops = contributors(standing, OFFERED_RANK, "troops")
    named = standing[(standing["actor_kind"] == "state") & standing["part_of_force"].astype(bool)]
    latest = latest_positions(t["positions"])
    positions = lambda mask: [{"actor": r.actor_name, "topic": r.topic_label, "summary": r.summary, "target": r.target_name,
                               "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence}
                              for r in latest[mask].sort_values(["topic", "actor_name"]).itertuples()] if len(latest) else []
    leaders = standing[standing["contribution_type"] == "leadership"]
    events = t["events"].sort_values(["event_date", "event_id"])
    un_steps = events[events["event_type"] == "resolution"]
    tasks = events[events["event_type"] == "force_task"]
    targets = events[events["event_type"] == "target_date"]
    ev = lambda df: [{"date": fmt.date_label(r.event_date, r.event_date_precision), "title": r.title, "source_id": r.source_id,
                      "reported_date": r.reported_label, "confidence": r.confidence, "event_id": r.event_id} for r in df.itertuples()]
    return {
        "information_date": information_date(t["sources"]),
        "countries_approached": claims("countries_approached"),
        "countries_willing": claims("countries_willing"),
        "countries_committed": claims("countries_committed_formally"),
        "states_named": [{"name": n} for n in sorted(named["actor_name"].unique())],
        "contributors_willing": _actor_list(states),
        "groups_willing": _actor_list(groups),
        "troop_offers": _actor_list(troops[troops["actor_kind"] == "state"]),
        "outside_support": _actor_list(outside_support(standing)),
        "leaders": _actor_list(leaders),
        "largest_offer": largest_offer(pledges, standing),
        "not_ready": positions(latest["direction"] == "not_ready") if len(latest) else [],
        "opposed": positions(latest["direction"] == "opposes") if len(latest) else [],
        "un_track": ev(un_steps),
        "force_tasks": ev(tasks),
        "target_dates": ev(targets),
        # what the reports themselves say is unresolved about the force's tasks (disarming Hamas, Hamas-held areas)
        "open_on_tasks": [{"question": q.question, "source_id": q.source_id, "reported_date": q.reported_label}
                          for q in t["open_questions"][t["open_questions"]["topic"].isin(("hamas_disarmament", "isf_participation"))].itertuples()],
        "territory": territory(t["figures"]),
        "counts": {name: int(len(t[name])) for name in ("sources", "pledges", "conditions", "positions", "events", "figures", "open_questions", "claims")},
    }


def commitments(standing: pd.DataFrame) -> pd.DataFrame:
    """Who offers what: the standing of each actor and contribution, furthest along first.

    Args:
        standing: :func:`standings`.

    Returns:
        The standing rows (see :func:`standings`), sorted by rank then actor.
    """
    return standing.reset_index(drop=True)


def conditions_matrix(conditions: pd.DataFrame) -> pd.DataFrame:
    """Actor x condition type: first reported date, sources, and what the condition governs.

    Args:
        conditions: processed conditions.

    Returns:
        One row per actor and condition type: actor_id, actor_name, actor_kind, condition_type,
        condition_label, applies_to, first_reported, sources.
    """
    cols = ["actor_id", "actor_name", "actor_kind", "condition_type", "condition_label", "applies_to", "first_reported", "first_label", "sources"]
    if conditions.empty:
        return pd.DataFrame(columns=cols)
    first = conditions.sort_values(["reported_date", "condition_id"]).drop_duplicates(["actor_id", "condition_type"])
    grouped = conditions.groupby(["actor_id", "actor_name", "actor_kind", "condition_type", "condition_label"], as_index=False).agg(
        applies_to=("applies_to", "first"), first_reported=("reported_date", "min"), sources=("source_id", fmt.cite))
    grouped = grouped.merge(first[["actor_id", "condition_type", "reported_label"]].rename(columns={"reported_label": "first_label"}),
                            on=["actor_id", "condition_type"], how="left")
    return grouped.sort_values(["condition_type", "first_reported", "actor_name"]).reset_index(drop=True)


def territory(figures: pd.DataFrame) -> list[dict[str, Any]]:
    """Each side's stated share of Gaza (latest claim per side)."""
    shares = figure_claims(figures, "territory_controlled_share").drop_duplicates("actor_id")
    names = figures.set_index("actor_id")["actor_name"].to_dict()
    return [{"actor": names.get(r.actor_id, r.actor_id), "share": r.value_label, "value": r.value_low,
             "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence, "via": r.via_outlet}
            for r in shares.itertuples()]


def condition_implications(standing: pd.DataFrame, conditions: pd.DataFrame, condition_types: pd.DataFrame) -> pd.DataFrame:
    """For each headline condition: how many willing contributors attach it, and who.

    "Willing contributors" are the actors who stand at willing or beyond on a contribution to the force
    (:func:`contributors`: the same set the bottom line names); the organiser and outside support are not
    among them, so conditions on supporting the resolution (diplomats) or on the US's own staff do not
    count. Unnamed groups count as one group each, never as a number of countries.

    Args:
        standing: :func:`standings`.
        conditions: processed conditions.
        condition_types: reference table of condition types.

    Returns:
        One row per headline condition type: condition_type, condition_label, n_willing, n_willing_states,
        n_willing_groups, n_attaching, named (states attaching it), groups (unnamed groups attaching it),
        sources, status (labels of the attaching claims' statuses).
    """
    willing = contributors(standing, WILLING_RANK)
    willing_ids = set(willing["actor_id"])
    n_states = int((willing["actor_kind"] == "state").sum())
    labels = condition_types.set_index("condition_type")["label"]
    rows = []
    # the headline conditions always (a "none so far" is news too), then any other a contributor attaches
    attached = conditions[conditions["actor_id"].isin(willing_ids) & conditions["applies_to"].ne("taking_part")]
    others = sorted(set(attached["condition_type"]) - set(HEADLINE_CONDITIONS))
    for ctype in (*HEADLINE_CONDITIONS, *others):
        attach = conditions[(conditions["condition_type"] == ctype) & conditions["actor_id"].isin(willing_ids)]
        rows.append({
            "condition_type": ctype,
            "condition_label": labels.get(ctype, ctype),
            "n_willing": len(willing_ids),
            "n_willing_states": n_states,
            "n_willing_groups": len(willing_ids) - n_states,
            "n_attaching": attach["actor_id"].nunique(),
            "named": fmt.names(sorted(attach.loc[attach["actor_kind"] == "state", "actor_name"].unique())),
            "groups": "; ".join(sorted(attach.loc[attach["actor_kind"] != "state", "actor_name"].unique())),
            "sources": fmt.cite(attach["source_id"]),
            "status": "; ".join(sorted(set(attach["status_label"].dropna()))) if "status_label" in attach else "",
        })
    return pd.DataFrame(rows)


def _claim_line(date_label: str, text: str, source_id: str) -> str:
    return f"{date_label}: {text} ({source_id})"


def ranges_overlap(lows: pd.Series, highs: pd.Series) -> bool:
    """True when one value lies within every stated range (a blank high is open-ended, a blank low is 0).

    "At least 3", "several" (3 or more) and "19" overlap; "about 24" and "about 200" do not.
    """
    return float(lows.fillna(0).max()) <= float(highs.fillna(float("inf")).min())


def _groups(df: pd.DataFrame, keys: list[str], wanted: pd.Index) -> list[tuple[tuple, pd.DataFrame]]:
    """The groups of ``df`` by ``keys`` whose key is in ``wanted``, in key order."""
    if len(wanted) == 0:
        return []
    mask = pd.MultiIndex.from_frame(df[keys]).isin(wanted)
    return list(df[mask].groupby(keys, sort=True))


def disagreements(t: Tables) -> pd.DataFrame:
    """Where sources disagree or a stance changed, each with its dated claims side by side.

    Flags: a contribution that later moved off the ladder (declined, withdrawn, not expected) or whose
    stated amounts differ; a figure whose values differ between sources; an actor's position on a topic
    whose direction differs between claims; target dates that differ.

    Args:
        t: processed tables.

    Returns:
        Columns kind, actor_name, subject, claims (list of "date: claim (source)" strings, oldest
        first), quotes (the report's words for each claim, same order), sources. Empty when nothing disagrees.
    """
    # Flags are computed with whole-column group operations; only flagged groups are looped over, so
    # the cost stays linear in the number of claims (a per-group loop took 10 s on 100x data).
    rows: list[dict[str, Any]] = []
    p = t["pledges"].sort_values(["reported_date", "pledge_id"]).reset_index(drop=True)
    keys = ["actor_name", "contribution_label"]
    amount = p["amount_low"].fillna(-1).astype(str) + "|" + p["amount_high"].fillna(-1).astype(str)
    # a withdrawal (declined, withdrawn, not expected) after an earlier claim, or conditions added to one
    on = ~(_flagged(p["withdraws"]) if "withdraws" in p else ~p["on_ladder"].fillna(True).astype(bool))
    cond = p["stage"] == CONDITIONAL_STAGE
    pos = pd.Series(range(len(p)), index=p.index)
    n_amounts = amount.where(amount != "-1.0|-1.0").groupby([p[k] for k in keys]).nunique()
    last_off = pos[~on].groupby([p.loc[~on, k] for k in keys]).max().reindex(n_amounts.index)
    first_on = pos[on & ~cond].groupby([p.loc[on & ~cond, k] for k in keys]).min().reindex(n_amounts.index)
    last_cond = pos[cond].groupby([p.loc[cond, k] for k in keys]).max().reindex(n_amounts.index)
    moved_off = (last_off > first_on).fillna(False)
    conditioned = (last_cond > first_on).fillna(False) & ~moved_off
    flagged = n_amounts.index[(n_amounts > 1) | moved_off | conditioned]
    for key, g in _groups(p, keys, flagged):
        lines = [_claim_line(r.reported_label, f"{r.stage_label.lower()}, {r.amount_label}" if pd.notna(r.amount_low) or pd.notna(r.amount_high)
                             else r.stage_label.lower(), r.source_id)
                 for r in g.itertuples()]
        kind = "Stance changed" if moved_off[key] else "Conditions added" if conditioned[key] else "Figures differ"
        rows.append({"kind": kind, "actor_name": key[0], "subject": key[1], "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"])})
    f = t["figures"].sort_values(["reported_date", "figure_id"]).assign(holder=lambda d: d["actor_name"].replace("", "-"))
    value = f["value_low"].fillna(-1).astype(str) + "|" + f["value_high"].fillna(-1).astype(str)
    by = [f["metric_label"], f["holder"]]
    flagged = value.groupby(by).nunique().pipe(lambda n: n.index[(n > 1) & (f.groupby(by)["source_id"].nunique() > 1)])
    for (metric, actor), g in _groups(f, ["metric_label", "holder"], flagged):
        # the report's words beside the label, unless the label already is them ("several (number not stated)")
        lines = [_claim_line(r.reported_label, r.value_label if str(r.value_text) in r.value_label else f"{r.value_label} (\"{r.value_text}\")",
                             r.source_id) for r in g.itertuples()]
        kind = "Counts differ but can all be true" if ranges_overlap(g["value_low"], g["value_high"]) else "Figures differ"
        rows.append({"kind": kind, "actor_name": "" if actor == "-" else actor, "subject": metric, "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"])})
    po = t["positions"].sort_values(["reported_date", "position_id"])
    n_directions = po.groupby(["actor_name", "topic_label"])["direction"].nunique()
    for (actor, topic), g in _groups(po, ["actor_name", "topic_label"], n_directions.index[n_directions > 1]):
        lines = [_claim_line(r.reported_label, f"{r.direction_label.lower()}: {r.summary}", r.source_id) for r in g.itertuples()]
        rows.append({"kind": "Positions differ", "actor_name": actor, "subject": topic, "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"])})
    # Ordered by when each expectation was voiced (event_date), not when it was reported.
    targets = t["events"][t["events"]["event_type"] == "target_date"].sort_values(["event_date", "event_id"])
    if len(targets) > 1:
        lines = [_claim_line(f"said {fmt.date_label(r.event_date, r.event_date_precision)}, reported {r.reported_label}", r.title, r.source_id)
                 for r in targets.itertuples()]
        rows.append({"kind": "Target dates differ", "actor_name": ", ".join(sorted(targets["actor_name"].unique())), "subject": "When the force deploys", "claims": lines, "quotes": targets["quote"].tolist(), "sources": fmt.cite(targets["source_id"])})
    return pd.DataFrame(rows, columns=["kind", "actor_name", "subject", "claims", "quotes", "sources"])


def open_questions(t: Tables) -> pd.DataFrame:
    """Questions the reports leave open: stated ones, undecided positions, and unnamed willing groups.

    Args:
        t: processed tables.

    Returns:
        Columns question, basis, sources.
    """
    rows = [{"question": r.question, "basis": "stated in the report", "sources": r.source_id} for r in t["open_questions"].itertuples()]
    latest = clean.latest_stance(t["positions"], t["positions"]["reported_date"].max(), keys=("actor_id", "topic")) if len(t["positions"]) else t["positions"]
    undecided = latest[latest["direction"] == "undecided"]  # a later stance settles it
    rows += [{"question": f"{r.topic_label}: {r.actor_name}'s stance is unsettled ({r.summary[0].lower()}{r.summary[1:]})",
              "basis": "position reported as undecided", "sources": r.source_id} for r in undecided.itertuples()]
    groups = t["pledges"][(t["pledges"]["actor_kind"] == "unnamed_group") & (t["pledges"]["stage_rank"].fillna(-1) >= WILLING_RANK)]
    for name, g in groups.groupby("actor_name", sort=True):
        rows.append({"question": f"Which countries are meant by \u201c{name.replace(' (unnamed)', '')}\u201d?", "basis": "the reports do not name them", "sources": fmt.cite(g["source_id"])})
    return pd.DataFrame(rows, columns=["question", "basis", "sources"])


def analyse(t: Tables, as_of: str, previous: Tables | None, previous_as_of: str | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Every analysis table and the key figures of one edition.

    Args:
        t: processed tables of this edition.
        as_of: edition date.
        previous: processed tables of the previous edition, or None.
        previous_as_of: the previous edition's date (for what changed since it).

    Returns:
        (tables, summary) — tables: commitments, conditions_matrix, condition_implications,
        disagreements, open_questions; summary: key figures plus "changes" and "as_of".
    """
    standing = standings(t["pledges"], t["conditions"])
    tables = {
        "commitments": commitments(standing),
        "conditions_matrix": conditions_matrix(t["conditions"]),
        "condition_implications": condition_implications(standing, t["conditions"], t["condition_types"]),
        "disagreements": disagreements(t),
        "open_questions": open_questions(t),
        "chronology": chronology(t["events"]),
        "position_cells": position_cells(t["positions"]),
        "stated_figures": stated_figures(t["pledges"]),
    }
    summary = key_figures(t, standing) | {"as_of": as_of, "changes": changes.changes_since(t, previous, as_of, previous_as_of)}
    return tables, summary


def chronology(events: pd.DataFrame) -> pd.DataFrame:
    """Every dated event, oldest first: when it happened (as precisely as the report says), what, who, source.

    Args:
        events: processed events.

    Returns:
        Columns event_id, event_date, date (label keeping the precision), event_type, event_type_label,
        milestone, title, who (actor and others named), source_id, reported_label, confidence.
    """
    cols = ["event_id", "event_date", "date", "event_type", "event_type_label", "milestone", "title", "who", "source_id", "reported_label", "confidence"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    e = events.sort_values(["event_date", "event_id"])
    return pd.DataFrame({
        "event_id": e["event_id"],
        "event_date": e["event_date"],
        "date": [fmt.date_label(d, p) for d, p in zip(e["event_date"], e["event_date_precision"])],
        "event_type": e["event_type"],
        "event_type_label": e["event_type_label"],
        "milestone": _flagged(e["milestone"]),
        "title": e["title"],
        "who": [fmt.names([a, *o]) or "—" for a, o in zip(e["actor_name"].fillna(""), e["other_names"])] if "other_names" in e else e["actor_name"],
        "source_id": e["source_id"],
        "reported_label": e["reported_label"],
        "confidence": e["confidence"],
    }).reset_index(drop=True)


def position_cells(positions: pd.DataFrame) -> pd.DataFrame:
    """Holder x topic x direction, marking each holder's latest stance per topic (for the positions matrix).

    Args:
        positions: processed positions.

    Returns:
        One row per holder, topic and direction: actor_id, holder, topic, topic_label, direction,
        direction_label, current (the latest stance on the topic), last (date), about (targets), summary,
        sources.
    """
    cols = ["actor_id", "holder", "topic", "topic_label", "direction", "direction_label", "current", "last", "about", "summary", "sources"]
    if positions.empty:
        return pd.DataFrame(columns=cols)
    p = positions.assign(target=positions["target_name"].fillna(""))
    p["latest"] = p.groupby(["actor_id", "topic"])["reported_date"].transform("max")
    cells = p.groupby(["actor_id", "topic", "direction"], as_index=False).agg(
        holder=("actor_name", "first"), topic_label=("topic_label", "first"), direction_label=("direction_label", "first"),
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
        low, high, precision, unit, label, words, stage, stage_label, where ("Inside Gaza", "Outside
        Gaza", "Where not stated"), location_label, source_id, reported_label, reported_date.
    """
    cols = ["pledge_id", "actor_id", "actor_name", "actor_kind", "part_of_force", "value", "low", "high", "precision", "unit", "label",
            "words", "stage", "stage_label", "where", "location_label", "source_id", "reported_label", "reported_date"]
    lo, hi = pd.to_numeric(pledges["amount_low"], errors="coerce"), pd.to_numeric(pledges["amount_high"], errors="coerce")
    rows = pledges[(lo.notna() | hi.notna()) & pledges["amount_unit"].isin(("troops", "personnel", "advisers"))]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    lo, hi = lo[rows.index], hi[rows.index]
    inside = rows["inside_gaza"].astype("string").str.lower()
    return pd.DataFrame({
        "pledge_id": rows["pledge_id"], "actor_id": rows["actor_id"], "actor_name": rows["actor_name"], "actor_kind": rows["actor_kind"],
        "part_of_force": _flagged(rows["part_of_force"]) if "part_of_force" in rows else True,
        "value": pd.concat([lo, hi], axis=1).max(axis=1), "low": lo, "high": hi, "precision": rows["amount_precision"],
        "unit": rows["amount_unit"], "label": rows["amount_label"], "words": rows["amount_text"], "stage": rows["stage"],
        "stage_label": rows["stage_label"],
        "where": inside.map({"true": "Inside Gaza", "false": "Outside Gaza"}).fillna("Where not stated"),
        "location_label": rows["location_label"].fillna(""), "source_id": rows["source_id"], "reported_label": rows["reported_label"],
        "reported_date": rows["reported_date"],
    }).sort_values(["value", "reported_date", "pledge_id"], ascending=[False, True, True]).reset_index(drop=True)


def read_previous(previous_edition: str) -> Tables | None:
    """The previous edition's processed tables, or None when there is no previous edition."""
    folder = Path(previous_edition) / "processed" if previous_edition else None
    if folder is None or not folder.is_dir():
        return None
    return clean.read_processed(folder)


def previous_as_of(previous_edition: str) -> str | None:
    """The previous edition's date, as its own analysis recorded it (``as_of`` in key_figures.json); None without one."""
    if not previous_edition:
        return None
    for record in (Path(previous_edition) / "analysis" / "key_figures.json", Path(previous_edition) / "manifest.json"):
        try:
            return str(json.loads(record.read_text(encoding="utf-8"))["as_of"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def write_analysis(tables: dict[str, pd.DataFrame], summary: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write analysis tables (JSON, so list cells survive), key_figures.json and changes.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = out_dir / f"{name}.json"
        # "split" keeps the columns of an empty table, so the views work before any report
        df.to_json(path, orient="split", index=False, date_format="iso", indent=1)
        written.append(path)
    path = out_dir / "key_figures.json"
    path.write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    # what changed, on its own for the editions page and the feed
    changed = out_dir / "changes.json"
    changed.write_text(json.dumps(summary.get("changes", {}), indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    return [*written, path, changed]


def read_analysis(out_dir: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Read what :func:`write_analysis` wrote."""
    summary = json.loads((out_dir / "key_figures.json").read_text(encoding="utf-8"))
    tables = {}
    for path in sorted(out_dir.glob("*.json")):
        if path.stem in ("key_figures", "changes", "stamp"):  # stamp.json: helpers.working's record of the run
            continue
        df = pd.read_json(path, orient="split", dtype=False)
        for col in ("first_reported", "reported_date", "basis_date", "event_date", "last"):
            if col in df:
                df[col] = pd.to_datetime(df[col])
        tables[path.stem] = df
    return tables, summary


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
        shape_ids: ISO numeric codes the map's shapes cover (``helpers.geo.shape_ids``).

    Returns:
        One row per state: id (ISO numeric), iso3, name, group (a label of ``MAP_CLASSES``), order (its
        index), detail (each contribution's stage, with "only if" conditions), sources, has_shape.
    """
    from helpers import geo  # the map's codes only; the rest of the analysis does not need pycountry

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
        elif (ranks >= 1).any():
            key = "asked"
        elif (ranks >= 0).any():
            key = "named"
        else:
            key = "out"
        order = [k for k, _ in MAP_CLASSES].index(key)
        code = geo.iso_numeric(iso3.get(actor_id, ""))
        detail = "; ".join(f"{r.contribution_label}: {r.stage_label.lower()}" + (f" (only if: {r.condition_types})" if r.conditional and r.condition_types else "")
                           for r in g.itertuples())
        rows.append({"id": code, "iso3": iso3.get(actor_id, ""), "name": g["actor_name"].iloc[0], "group": MAP_CLASSES[order][1],
                     "order": order, "detail": detail, "sources": fmt.cite(s for x in g["sources"] for s in x.split(", ")),
                     "has_shape": code in shape_ids})
    return pd.DataFrame(rows, columns=cols).sort_values(["order", "name"]).reset_index(drop=True)
