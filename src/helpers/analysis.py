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
CONDITIONAL_STAGE = "conditional"
# Age of the newest report, in days, past which the briefing says that later events are not covered.
STALE_AFTER_DAYS = 30
# Event types that make up the security picture on the ground.
SECURITY_EVENTS = ("security_incident", "ceasefire")


def figure_claims(figures: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Every claim of one metric, latest first: value label, words, source, date, confidence.

    Args:
        figures: processed figures.
        metric: metric code (e.g. "countries_willing").

    Returns:
        Columns figure_id, actor_id, value_low, value_high, value_label, value_text, precision,
        source_id, reported_date, reported_label, confidence, via_outlet, voice, outlet, quote.
    """
    cols = ["figure_id", "actor_id", "value_low", "value_high", "value_label", "value_text", "precision",
            "source_id", "reported_date", "reported_label", "confidence", "via_outlet", "voice", "outlet", "quote"]
    rows = figures.loc[figures["metric"] == metric].reindex(columns=cols)
    return rows.sort_values(["reported_date", "figure_id"], ascending=[False, True]).reset_index(drop=True)


def _flagged(values: pd.Series) -> pd.Series:
    """Booleans from booleans or "true"/"True" strings (processed CSVs read back as text); missing is False."""
    return values.map(lambda v: str(v).strip().lower() == "true").astype(bool)


def origin(via_outlet: Any, outlet: Any) -> str:
    """Where a claim comes from: the outlet it relays, else the report's own outlet ("" when neither is known)."""
    via = via_outlet if isinstance(via_outlet, str) else ""
    own = outlet if isinstance(outlet, str) else ""
    return via.strip() or own.strip()


def origins(claims: pd.DataFrame) -> list[str]:
    """The independent origins behind some claims: a report that relays the WSJ and the WSJ itself are one.

    Args:
        claims: processed claim rows with ``via_outlet`` and ``outlet`` (the report's outlet).

    Returns:
        The distinct origins, sorted.
    """
    if claims.empty:
        return []
    via = claims["via_outlet"] if "via_outlet" in claims else pd.Series("", index=claims.index)
    outlet = claims["outlet"] if "outlet" in claims else pd.Series("", index=claims.index)
    return sorted({o for o in (origin(v, w) for v, w in zip(via, outlet)) if o})


def own_word_cut(claims: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Which claims the actor's own later word supersedes (True = history, no longer the standing).

    The actor's latest own statement on a key (voice ``own``) supersedes every earlier report about it by
    others, and others' reports of the same day: a third party's word never outranks the actor's own.
    Claims reported after the actor's own word still count (a later report can tell of a new step).

    Args:
        claims: processed claims with ``voice``, ``reported_date`` and the key columns.
        keys: the columns of one stance (actor and contribution, or actor and topic).

    Returns:
        A boolean Series aligned with ``claims``.
    """
    own = claims["voice"].eq("own") if "voice" in claims else pd.Series(False, index=claims.index)
    if not own.any():
        return pd.Series(False, index=claims.index)
    last_own = claims[own].groupby(keys)["reported_date"].max()
    when = pd.to_datetime(pd.Series(pd.MultiIndex.from_frame(claims[keys]).map(last_own.to_dict().get), index=claims.index))
    return when.notna() & ((claims["reported_date"] < when) | ((claims["reported_date"] == when) & ~own))


def _claim_words(rows: pd.DataFrame) -> pd.Series:
    """ "offered privately (not announced) (S002, 18 Oct 2025; anonymous officials, via Times of Israel)" per claim."""
    stated = rows["amount_low"].notna() | rows["amount_high"].notna()
    via = rows["via_outlet"].where(rows["via_outlet"].map(lambda v: isinstance(v, str)), "") if "via_outlet" in rows else ""
    how = [fmt.sourcing(c, v) for c, v in zip(rows["confidence"], via)]
    return (rows["stage_label"].map(fmt.lower_first) + stated.map({True: ", ", False: ""}) + rows["amount_label"].where(stated, "")
            + " (" + rows["source_id"] + ", " + rows["reported_label"] + "; " + pd.Series(how, index=rows.index) + ")")


def standings(pledges: pd.DataFrame, conditions: pd.DataFrame) -> pd.DataFrame:
    """Where each actor stands on each kind of contribution, by the codebook's rules.

    Rules (docs/CODEBOOK.md, "Standing"):

    - The actor's own word comes first: its latest own statement (voice ``own``) supersedes earlier
      reports about it by others, even when it is weaker (Azerbaijan's own "only if the fighting stops"
      over an anonymous report that it had agreed). Those reports stay as the standing's ``history``.
    - Among the claims that remain, the strongest on the ladder stands. A later, weaker claim by others
      (named as a likely contributor, in talks) does not demote it; it is kept as ``since``.
    - Only a later claim at a stage that ``withdraws`` (declined, withdrawn, not expected) takes an offer
      back; a positive claim reported after it stands again.
    - "Will only if ..." (stage ``conditional``) is willingness with conditions, never a refusal.
      Conditions that can be met (a mandate, an approval) are ``conditions``; limits on the mission
      (where, what role) are ``limits``, never "met".

    Args:
        pledges: processed pledges of one edition (already cut at its date).
        conditions: processed conditions of the same edition.

    Returns:
        One row per actor and contribution: actor_id, actor_name, actor_kind, population,
        population_label, contribution_type, contribution_label, part_of_force, stage, stage_label, rank
        (NaN off the ladder), basis_id, basis_source, basis_date, basis_label (date label),
        basis_confidence, basis_via, basis_voice, own_word (the standing is the actor's own word),
        location_label, locations, conditional, conditions (labels with their status), limits,
        condition_sources, figure, figure_text, figure_sources, figures_differ, reports, since (later
        claims as text), history (claims the actor's own word superseded), sources, origins (list),
        requested_by_name, alternatives (the kinds one "or" sentence names, :func:`alternatives`; "" otherwise).
    """
    columns = ["actor_id", "actor_name", "actor_kind", "population", "population_label", "contribution_type", "contribution_label",
               "part_of_force", "stage", "stage_label", "rank", "basis_id", "basis_source", "basis_date", "basis_label", "basis_confidence",
               "basis_via", "basis_voice", "own_word", "location_label", "locations", "conditional", "conditions", "limits",
               "condition_sources", "figure", "figure_text", "figure_sources", "figures_differ", "reports", "since", "history", "history_rank", "sources",
               "origins", "requested_by_name", "alternatives"]
    if pledges.empty:
        return pd.DataFrame(columns=columns)
    keys = ["actor_id", "contribution_type"]
    everything = pledges.assign(
        _rank=pd.to_numeric(pledges["stage_rank"], errors="coerce"),
        _withdraws=_flagged(pledges["withdraws"]) if "withdraws" in pledges else False,
        _conf=pd.to_numeric(pledges["confidence_rank"], errors="coerce").fillna(-1) if "confidence_rank" in pledges else 0,
    ).sort_values(["reported_date", "_conf", "pledge_id"])
    superseded = own_word_cut(everything, keys)
    old = everything[superseded]
    p = everything[~superseded]
    last_withdrawal = p[p["_withdraws"]].groupby(keys)["reported_date"].max()
    cut = pd.MultiIndex.from_frame(p[keys]).map(last_withdrawal.to_dict().get)
    cut = pd.to_datetime(pd.Series(cut, index=p.index))
    positive = p[p["_rank"].notna() & (cut.isna() | (p["reported_date"] > cut))]
    # strongest positive claim since the last withdrawal; ties go to the better-sourced, then the later claim
    best = positive.sort_values(["_rank", "_conf", "reported_date", "pledge_id"]).groupby(keys).tail(1)
    withdrawn = p[p["_withdraws"]].groupby(keys).tail(1)
    basis = pd.concat([best, withdrawn[~pd.MultiIndex.from_frame(withdrawn[keys]).isin(pd.MultiIndex.from_frame(best[keys]))]])
    basis = basis.set_index(keys)

    # conditions on taking part in the force (not the organiser's own limits on its staff, not support for a resolution)
    conds = conditions[conditions["pledge_id"].fillna("").ne("") & conditions["applies_to"].ne("taking_part")] if len(conditions) else conditions
    cond_cols = ["pledge_id", "condition_label", "condition_kind", "status_label", "source_id"]
    cond_key = conds.reindex(columns=cond_cols).merge(p[["pledge_id", *keys]], on="pledge_id", how="inner")
    is_limit = cond_key["condition_kind"].eq("limit")
    by_pair = lambda values: values.groupby([cond_key.loc[values.index, k] for k in keys]).agg(lambda x: "; ".join(sorted(set(x))))  # noqa: E731
    # a condition with its status ("only once fighting completely stops (not reported met)"); a limit is never met, so it has none
    cond_labels = by_pair(cond_key.loc[~is_limit, "condition_label"].map(fmt.lower_first) + " ("
                          + cond_key.loc[~is_limit, "status_label"].fillna("").str.lower() + ")")
    limit_labels = by_pair(cond_key.loc[is_limit, "condition_label"].map(fmt.lower_first))
    cond_sources = cond_key.groupby(keys)["source_id"].agg(fmt.cite)
    conditional_claims = p[p["stage"] == CONDITIONAL_STAGE].groupby(keys).size()

    stated = everything[everything["amount_low"].notna() | everything["amount_high"].notna()]
    figure = stated.groupby(keys).tail(1).set_index(keys)
    figure_sources = stated.groupby(keys)["source_id"].agg(fmt.cite)
    # "20,000" and "some 20.000" are one figure in two wordings; "about 200", "up to 200" and "about 24" are not
    bounds = stated["amount_low"].fillna(-1).astype(str) + "|" + stated["amount_high"].fillna(-1).astype(str)
    n_amounts = bounds.groupby([stated[k] for k in keys]).nunique()
    # every stated figure of the pair, oldest first: shown whole where reports are in tension
    reports = _claim_words(stated).groupby([stated[k] for k in keys]).agg("; ".join) if len(stated) else pd.Series(dtype=str)
    history = _claim_words(old).groupby([old[k] for k in keys]).agg("; ".join) if len(old) else pd.Series(dtype=str)
    # the furthest stage the superseded reports gave (an offer the actor's own word has since put on conditions)
    history_rank = old.groupby(keys)["_rank"].max() if len(old) else pd.Series(dtype=float)
    locations = everything.groupby(keys)["location_label"].agg(lambda s: fmt.names(sorted({fmt.lower_first(x) for x in s.dropna() if x and x != "Not stated"})))
    sources = everything.groupby(keys)["source_id"].agg(fmt.cite)

    # Whole-column operations on the basis rows (one per pair), so the cost stays linear at 100x.
    b = basis.reset_index()
    # the claims at the standing's own stage (those it rests on) and their independent origins
    at_stage = p.merge(b[[*keys, "_rank"]], on=keys, suffixes=("", "_basis"))
    at_stage = at_stage[at_stage["_rank"].eq(at_stage["_rank_basis"]) | (at_stage["_rank"].isna() & at_stage["_rank_basis"].isna())]
    pair_origins = at_stage.groupby(keys).apply(origins, include_groups=False) if len(at_stage) else pd.Series(dtype=object)
    # what later reports said: weaker mentions as what they are, the same stage as "again"
    later = p.merge(b[[*keys, "reported_date", "_rank", "amount_low", "amount_high"]], on=keys, suffixes=("", "_basis"))
    later = later[(later["reported_date"] > later["reported_date_basis"]) & later["_rank_basis"].notna()
                  & (later["_rank"].fillna(-1) <= later["_rank_basis"])]
    stated_amount = later["amount_low"].notna() | later["amount_high"].notna()
    same = later["_rank"].eq(later["_rank_basis"]) & (~stated_amount | (later["amount_low"].fillna(-1).eq(later["amount_low_basis"].fillna(-1))
                                                                      & later["amount_high"].fillna(-1).eq(later["amount_high_basis"].fillna(-1))))
    said = (later["stage_label"].map(fmt.lower_first) + stated_amount.map({True: ", ", False: ""}) + later["amount_label"].where(stated_amount, ""))
    later = later.assign(_text=said.where(~same, "reported again") + " (" + later["source_id"] + ", " + later["reported_label"] + ")")
    since = later.groupby(keys)["_text"].agg("; ".join)
    pair = pd.MultiIndex.from_frame(b[keys])
    # the figure the basis claim states, else the latest stated one
    own = b["amount_low"].notna() | b["amount_high"].notna()
    latest_label = pd.Series(pair.map(figure["amount_label"].to_dict().get), index=b.index)
    latest_text = pd.Series(pair.map(figure["amount_text"].to_dict().get), index=b.index)
    via = b["via_outlet"] if "via_outlet" in b else pd.Series("", index=b.index)
    look = lambda s: pd.Series(pair.map(s.to_dict().get), index=b.index).fillna("")
    blank = pd.Series("", index=b.index)
    out = pd.DataFrame({
        "actor_id": b["actor_id"], "actor_name": b["actor_name"], "actor_kind": b["actor_kind"],
        "population": b["actor_population"].fillna("") if "actor_population" in b else blank,
        "population_label": b["actor_population_label"].fillna("") if "actor_population_label" in b else blank,
        "contribution_type": b["contribution_type"], "contribution_label": b["contribution_label"],
        "part_of_force": _flagged(b["part_of_force"]) if "part_of_force" in b else True,
        "stage": b["stage"], "stage_label": b["stage_label"], "rank": b["_rank"],
        "basis_id": b["pledge_id"], "basis_source": b["source_id"], "basis_date": b["reported_date"], "basis_label": b["reported_label"],
        "basis_confidence": b["confidence"], "basis_via": via.where(via.map(lambda v: isinstance(v, str)), ""),
        "basis_voice": b["voice"] if "voice" in b else blank, "own_word": b["voice"].eq("own") if "voice" in b else False,
        "location_label": b["location_label"] if "location_label" in b else "", "locations": look(locations),
        "conditional": pd.Series(pair.isin(conditional_claims.index) | pair.isin(cond_labels.index) | pair.isin(limit_labels.index), index=b.index),
        "conditions": look(cond_labels), "limits": look(limit_labels), "condition_sources": look(cond_sources),
        "figure": b["amount_label"].where(own, latest_label).fillna(""), "figure_text": b["amount_text"].where(own, latest_text).fillna(""),
        "figure_sources": look(figure_sources), "figures_differ": pd.Series(pair.map(n_amounts.to_dict().get), index=b.index).fillna(0) > 1,
        "reports": look(reports), "since": look(since), "history": look(history),
        "history_rank": pd.Series(pair.map(history_rank.to_dict().get), index=b.index, dtype=float), "sources": look(sources),
        "origins": pd.Series(pair.map(pair_origins.to_dict().get), index=b.index).map(lambda o: o if isinstance(o, list) else []),
        "requested_by_name": b["requested_by_name"] if "requested_by_name" in b else "",
        "alternatives": alternatives(b),
    })[columns]
    # contributors to the force first, furthest along first; outside support after them
    out["_order"] = out["rank"].fillna(-1)
    out["_force"] = out["part_of_force"].astype(bool)
    out = out.sort_values(["_force", "_order", "actor_name", "contribution_type"], ascending=[False, False, True, True])
    return out.drop(columns=["_order", "_force"]).reset_index(drop=True)


def alternatives(basis: pd.DataFrame) -> pd.Series:
    """For standings that rest on one sentence naming several kinds with "or" (S001's 19 countries: "troops,
    equipment or logistical support"), those kinds as the sentence gives them ("troops, equipment or
    logistics"); "" for a standing of its own. The sentence says the actor would give one or more of them,
    not each, so views show the kinds together, never as separate offers.

    Args:
        basis: the standings' basis claims (actor_id, source_id, quote, contribution_label), one per standing.
    """
    if basis.empty or "quote" not in basis:
        return pd.Series("", index=basis.index, dtype=object)
    key = basis["actor_id"].astype(str) + "\x1f" + basis["source_id"].astype(str) + "\x1f" + basis["quote"].fillna("").astype(str)
    labels = basis["contribution_label"].map(fmt.lower_first)
    joined = labels.groupby(key).agg(lambda s: fmt.names(list(dict.fromkeys(s)), conjunction="or") if s.nunique() > 1 else "")
    return key.map(joined).fillna("")


def contributors(standing: pd.DataFrame, min_rank: int = WILLING_RANK, contribution: str | None = None,
                 states_only: bool = False) -> pd.DataFrame:
    """Actors who stand at ``min_rank`` or beyond on a contribution to the force itself.

    Support from outside the force (coordination staff, advisers to the planning cell: the US and the
    UK's advisers) is never a contribution. One row per actor: its best standing.

    Args:
        standing: :func:`standings`.
        min_rank: lowest ladder rank that counts (2 = willing, 3 = offered).
        contribution: only this contribution type (e.g. "troops"), or any.
        states_only: only named states (counts of contributors are counts of named states).

    Returns:
        Rows of ``standing`` (one per actor, the highest rank), sorted by rank then name.
    """
    s = standing[standing["part_of_force"].astype(bool) & (standing["rank"].fillna(-1) >= min_rank)]
    if contribution:
        s = s[s["contribution_type"] == contribution]
    if states_only:
        s = s[s["actor_kind"] == "state"]
    s = s.sort_values(["rank", "basis_date"], ascending=[False, False]).drop_duplicates("actor_id")
    return s.sort_values(["rank", "actor_name"], ascending=[False, True]).reset_index(drop=True)


def outside_support(standing: pd.DataFrame) -> pd.DataFrame:
    """Actors who organise or support the force from outside it (not contributors): their standing rows."""
    return standing[~standing["part_of_force"].astype(bool)].sort_values(["actor_name", "basis_date"]).reset_index(drop=True)


def largest_offer(pledges: pd.DataFrame, standing: pd.DataFrame) -> dict[str, Any] | None:
    """The largest troop figure offered by a named state, with each source's wording.

    Args:
        pledges: processed pledges.
        standing: :func:`standings` (an offer counts only while the actor's troop standing is an offer).

    Returns:
        {"actor", "actor_id", "amount", "stage", "n_with_figure" (how many states offer a troop figure),
        "labels": [{"label", "text", "source_id", "reported_date", "confidence"}], "origins"} or None
        when no state has offered a troop figure.
    """
    offering = set(contributors(standing, OFFERED_RANK, "troops", states_only=True)["actor_id"])
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
        "origins": origins(same),
    }


def _actor_list(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Standing rows as JSON-ready dicts for the findings."""
    return [{"actor_id": r.actor_id, "name": r.actor_name, "kind": r.actor_kind, "contribution": r.contribution_label,
             "contribution_type": r.contribution_type, "stage": r.stage, "stage_label": r.stage_label, "conditional": bool(r.conditional),
             "conditions": r.conditions, "limits": r.limits, "condition_sources": r.condition_sources,
             "basis": r.basis_id, "source_id": r.basis_source, "reported_date": r.basis_label, "confidence": r.basis_confidence,
             "via": r.basis_via, "voice": r.basis_voice, "own_word": bool(r.own_word), "since": r.since, "history": r.history,
             # an earlier report of an offer that the actor's own word has since put on conditions
             "offered_before": bool(pd.notna(r.history_rank) and r.history_rank >= OFFERED_RANK),
             "figure": r.figure, "figures_differ": bool(r.figures_differ), "reports": r.reports, "sources": r.sources,
             "origins": list(r.origins)}
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


def staleness(information: dict[str, str], as_of: str, threshold_days: int = STALE_AFTER_DAYS) -> dict[str, Any]:
    """How old the newest report is on the edition's date, and whether that is past the threshold.

    Args:
        information: :func:`information_date`.
        as_of: the edition's date.
        threshold_days: age in days past which the briefing says later events are not covered.

    Returns:
        {"age_days": int or None (no report), "threshold_days", "stale": bool, "newest": the newest
        report's date label}.
    """
    if not information.get("date"):
        return {"age_days": None, "threshold_days": threshold_days, "stale": False, "newest": ""}
    age = int((pd.Timestamp(as_of) - pd.Timestamp(information["date"])).days)
    return {"age_days": age, "threshold_days": threshold_days, "stale": age > threshold_days, "newest": information["label"]}


def latest_positions(positions: pd.DataFrame) -> pd.DataFrame:
    """Each holder's latest stance per topic (ties to the better-sourced claim)."""
    if positions.empty:
        return positions
    return clean.latest_stance(positions, positions["reported_date"].max(), keys=("actor_id", "topic"))


def would_be_contributors(standing: pd.DataFrame, conditions: pd.DataFrame) -> list[dict[str, Any]]:
    """The unnamed would-be contributors, one entry per population, each counted once.

    The reports describe overlapping groups of unnamed countries ("the 19", "those that agreed to deploy
    troops", "several that want a UN mandate"); ``actors.population`` links each description to the
    population it describes. What is said of any description is said of the would-be contributors in
    general. An unnamed willing group with no population is its own entry.

    Args:
        standing: :func:`standings`.
        conditions: processed conditions (for the limits and conditions set by the descriptions).

    Returns:
        [{"population", "label", "descriptions": [{"name", "contributions", "stage_label", "source_id",
        "reported_date", "confidence", "via", "voice"}], "conditions": [...], "limits": [...],
        "sources", "origins"}], largest first.
    """
    groups = standing[standing["part_of_force"].astype(bool) & standing["actor_kind"].eq("unnamed_group")
                      & (standing["rank"].fillna(-1) >= WILLING_RANK)]
    if groups.empty:
        return []
    key = groups["population"].where(groups["population"].ne(""), groups["actor_id"])
    out = []
    for pop, g in groups.groupby(key, sort=False):
        members = set(g["actor_id"])
        said = conditions[conditions["actor_id"].isin(members)] if len(conditions) else conditions
        descriptions = []
        for actor_id, d in g.groupby("actor_id", sort=False):
            top = d.sort_values("rank", ascending=False).iloc[0]
            descriptions.append({"actor_id": actor_id, "name": top["actor_name"],
                                 "contributions": fmt.names([fmt.lower_first(c) for c in d["contribution_label"]]),
                                 "stage_label": top["stage_label"], "source_id": top["basis_source"], "reported_date": top["basis_label"],
                                 "confidence": top["basis_confidence"], "via": top["basis_via"], "voice": top["basis_voice"]})
        out.append({
            "population": pop,
            "label": g["population_label"].iloc[0] or g["actor_name"].iloc[0],
            "descriptions": descriptions,
            "conditions": _condition_list(said[said["condition_kind"].eq("condition")]) if len(said) else [],
            "limits": _condition_list(said[said["condition_kind"].eq("limit")]) if len(said) else [],
            "sources": fmt.cite(g["basis_source"]),
            "origins": sorted({o for x in g["origins"] for o in x}),
        })
    return sorted(out, key=lambda p: -len(p["descriptions"]))


def _condition_list(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Conditions or limits as JSON-ready dicts: label, kind, status, who set it, source, sourcing."""
    return [{"condition_id": r.condition_id, "type": r.condition_type, "label": r.condition_label, "kind": r.condition_kind,
             "status": r.status, "status_label": r.status_label if r.condition_kind == "condition" else "", "actor": r.actor_name,
             "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence,
             "via": r.via_outlet if isinstance(r.via_outlet, str) else "", "voice": r.voice, "quote": r.quote}
            for r in rows.sort_values(["reported_date", "condition_id"]).itertuples()]


def targets(events: pd.DataFrame, as_of: str) -> list[dict[str, Any]]:
    """The targets voiced for deploying the force, each marked passed, ahead or undated on the edition's date.

    Args:
        events: processed events (target_date rows carry ``target_by``, the last day the words can mean).
        as_of: the edition's date.

    Returns:
        [{"title", "said" (date label), "target_by" (YYYY-MM-DD or ""), "status" ("passed", "ahead" or
        "undated"), "days_since_said", "source_id", "reported_date", "confidence", "event_id"}], in the
        order they were said.
    """
    rows = events[events["event_type"] == "target_date"].sort_values(["event_date", "event_id"])
    day = pd.Timestamp(as_of)
    out = []
    for r in rows.itertuples():
        by = getattr(r, "target_by", pd.NaT)
        status = "undated" if pd.isna(by) else ("passed" if pd.Timestamp(by) < day else "ahead")
        out.append({"title": r.title, "said": fmt.date_label(r.event_date, r.event_date_precision), "target_by": fmt.iso_day(by),
                    "target_by_label": fmt.date_label(by), "status": status,
                    "days_since_said": int((day - pd.Timestamp(r.event_date)).days) if pd.notna(r.event_date) else None,
                    "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence, "event_id": r.event_id})
    return out


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
    rows = events[_flagged(events["plan"])] if "plan" in events and len(events) else events.iloc[0:0]
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


def _events_list(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"date": fmt.date_label(r.event_date, r.event_date_precision), "title": r.title, "source_id": r.source_id,
             "reported_date": r.reported_label, "confidence": r.confidence, "event_id": r.event_id,
             "via": r.via_outlet if isinstance(r.via_outlet, str) else ""} for r in df.itertuples()]


# Metrics the key figures show in their own lines; every other metric a report gives is listed under "other figures".
SHOWN_METRICS: tuple[str, ...] = ("countries_approached", "countries_willing", "countries_committed_formally", "territory_controlled_share")


def key_figures(t: Tables, standing: pd.DataFrame | None = None, as_of: str | None = None,
                stale_after_days: int = STALE_AFTER_DAYS) -> dict[str, Any]:
    """The findings of the edition: every count, list and date the views print, each with its sources.

    Args:
        t: processed tables.
        standing: :func:`standings` of ``t`` (computed when not given).
        as_of: the edition's date (default: the newest report's date).
        stale_after_days: age of the newest report past which the briefing says later events are not covered.

    Returns:
        A JSON-ready dict. Counts reported by officials (countries_approached, countries_willing,
        countries_committed: lists of dated claims with their origins); named states by standing
        (contributors_willing, troop_offers, states_named); the unnamed would-be contributors, one entry
        per population (would_be); outside_support; the largest troop offer; conditions and limits
        (conditions_named, conditions_general); stances (not_ready, opposed, leaders); the UN track,
        the plan as reported, targets (passed, ahead, undated), the security picture; open questions
        on the tasks; territory; other_figures; information_date and staleness; counts.
    """
    names = t["actors"].set_index("actor_id")["name"].to_dict() if len(t["actors"]) else {}

    def claims(metric: str) -> list[dict[str, Any]]:
        rows = figure_claims(t["figures"], metric)
        quotes = t["pledges"].groupby(["source_id", "quote"])["contribution_label"].agg(lambda s: fmt.names([fmt.lower_first(x) for x in s], 4)) if len(t["pledges"]) else {}
        return [{"value": r.value_label, "low": r.value_low, "high": r.value_high, "text": r.value_text, "precision": r.precision,
                 "source_id": r.source_id, "reported_date": r.reported_label, "via": r.via_outlet if isinstance(r.via_outlet, str) else "",
                 "confidence": r.confidence, "voice": r.voice, "figure_id": r.figure_id, "actor": names.get(r.actor_id, ""),
                 # what the counted countries are said to be willing to give, from the pledges read off the same words
                 "contributions": quotes.get((r.source_id, r.quote), "") if len(t["pledges"]) else "",
                 "origins": [origin(r.via_outlet, r.outlet)]}
                for r in rows.itertuples()]

    pledges = t["pledges"]
    standing = standings(pledges, t["conditions"]) if standing is None else standing
    info = information_date(t["sources"])
    states = contributors(standing, WILLING_RANK, states_only=True)
    troops = contributors(standing, OFFERED_RANK, "troops", states_only=True)
    named = standing[(standing["actor_kind"] == "state") & standing["part_of_force"].astype(bool)]
    latest = latest_positions(t["positions"])
    positions = lambda mask: [{"actor": r.actor_name, "topic": r.topic_label, "summary": r.summary, "target": r.target_name,
                               "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence,
                               "voice": r.voice, "position_id": r.position_id}
                              for r in latest[mask].sort_values(["topic", "actor_name"]).itertuples()] if len(latest) else []
    leaders = standing[standing["contribution_type"] == "leadership"]
    events = t["events"]
    happened = events[~_flagged(events["plan"])] if "plan" in events else events
    happened = happened.sort_values(["event_date", "event_id"])
    the_plan = plan(events)
    conds = t["conditions"]
    willing_states = set(states["actor_id"])
    populations = would_be_contributors(standing, conds)
    shown = t["figures"][~t["figures"]["metric"].isin(SHOWN_METRICS)].sort_values(["metric", "reported_date", "figure_id"])
    return {
        "information_date": info,
        "staleness": staleness(info, as_of or info["date"] or "1970-01-01", stale_after_days),
        "countries_approached": claims("countries_approached"),
        "countries_willing": claims("countries_willing"),
        "countries_committed": claims("countries_committed_formally"),
        "states_named": [{"name": n} for n in sorted(named["actor_name"].unique())],
        "contributors_willing": _actor_list(states),
        "troop_offers": _actor_list(troops),
        "would_be": populations,
        "outside_support": _actor_list(outside_support(standing)),
        "leaders": _actor_list(leaders),
        "largest_offer": largest_offer(pledges, standing),
        # conditions and limits the named willing states set on taking part; what is said of the would-be contributors in general
        "conditions_named": _condition_list(conds[conds["actor_id"].isin(willing_states) & conds["applies_to"].ne("taking_part")]) if len(conds) else [],
        "conditions_general": [c for p in populations for c in (*p["conditions"], *p["limits"])],
        "not_ready": positions(latest["direction"] == "not_ready") if len(latest) else [],
        "opposed": positions(latest["direction"] == "opposes") if len(latest) else [],
        "un_track": _events_list(happened[happened["event_type"] == "resolution"]),
        "plan": [{"title": r.title, "aspect": r.aspect, "credited": r.credited, "source_id": r.source_id, "reported_date": r.reported_label,
                  "confidence": r.confidence, "via": r.via, "event_id": r.event_id, "event_type": r.event_type} for r in the_plan.itertuples()],
        "force_tasks": [{"title": r.title, "credited": r.credited, "source_id": r.source_id, "reported_date": r.reported_label,
                         "event_id": r.event_id} for r in the_plan[the_plan["event_type"] == "force_task"].itertuples()],
        "targets": targets(events, as_of or info["date"] or "1970-01-01"),
        "security": _events_list(happened[happened["event_type"].isin(SECURITY_EVENTS)]),
        # what the reports themselves say is unresolved about the force's tasks (disarming Hamas, Hamas-held areas)
        "open_on_tasks": [{"question": q.question, "source_id": q.source_id, "reported_date": q.reported_label, "status": q.status,
                           "question_id": q.question_id}
                          for q in t["open_questions"][t["open_questions"]["topic"].isin(("hamas_disarmament", "isf_participation"))].itertuples()],
        "territory": territory(t["figures"]),
        "other_figures": [{"metric": r.metric_label, "actor": r.actor_name if isinstance(r.actor_name, str) else "", "value": r.value_label, "source_id": r.source_id, "reported_date": r.reported_label,
                           "confidence": r.confidence, "via": r.via_outlet if isinstance(r.via_outlet, str) else "", "figure_id": r.figure_id,
                           "origins": [origin(r.via_outlet, r.outlet)]} for r in shown.itertuples()],
        "counts": {name: int(len(t[name])) for name in ("sources", "pledges", "conditions", "positions", "events", "figures", "open_questions", "claims")},
    }


def commitments(standing: pd.DataFrame) -> pd.DataFrame:
    """Who offers what: the standing rows (see :func:`standings`), already ordered furthest along first."""
    return standing.reset_index(drop=True)


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


def territory(figures: pd.DataFrame) -> list[dict[str, Any]]:
    """Each side's stated share of Gaza (latest claim per side)."""
    shares = figure_claims(figures, "territory_controlled_share").drop_duplicates("actor_id")
    names = figures.set_index("actor_id")["actor_name"].to_dict()
    return [{"actor": names.get(r.actor_id, r.actor_id), "share": r.value_label, "value": r.value_low,
             "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence, "via": r.via_outlet}
            for r in shares.itertuples()]


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
        lines = [_claim_line(r.reported_label, f"{fmt.lower_first(r.stage_label)}, {r.amount_label}" if pd.notna(r.amount_low) or pd.notna(r.amount_high)
                             else fmt.lower_first(r.stage_label), r.source_id)
                 for r in g.itertuples()]
        own_since = "voice" in g and g["voice"].iloc[-1] == "own" and (g["voice"].iloc[:-1] != "own").any()
        kind = ("Stance changed" if moved_off[key] else
                ("Its own word since" if own_since else "Conditions added") if conditioned[key] else "Figures differ")
        rows.append({"kind": kind, "actor_name": key[0], "subject": key[1], "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"]),
                     "reading": ""})
    f = t["figures"].sort_values(["reported_date", "figure_id"]).assign(holder=lambda d: d["actor_name"].replace("", "-"))
    value = f["value_low"].fillna(-1).astype(str) + "|" + f["value_high"].fillna(-1).astype(str)
    by = [f["metric_label"], f["holder"]]
    flagged = value.groupby(by).nunique().pipe(lambda n: n.index[(n > 1) & (f.groupby(by)["source_id"].nunique() > 1)])
    for (metric, actor), g in _groups(f, ["metric_label", "holder"], flagged):
        # the report's words beside the label, unless the label already is them ("several (number not stated)")
        lines = [_claim_line(r.reported_label, r.value_label if str(r.value_text) in r.value_label else f"{r.value_label} (\"{r.value_text}\")",
                             r.source_id) for r in g.itertuples()]
        kind = "Counts differ but can all be true" if ranges_overlap(g["value_low"], g["value_high"]) else "Figures differ"
        rows.append({"kind": kind, "actor_name": "" if actor == "-" else actor, "subject": metric, "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"]),
                     "reading": ""})
    po = t["positions"].sort_values(["reported_date", "position_id"])
    n_directions = po.groupby(["actor_name", "topic_label"])["direction"].nunique()
    for (actor, topic), g in _groups(po, ["actor_name", "topic_label"], n_directions.index[n_directions > 1]):
        lines = [_claim_line(r.reported_label, f"{fmt.lower_first(r.direction_label)}: {r.summary}", r.source_id) for r in g.itertuples()]
        rows.append({"kind": "Positions differ", "actor_name": actor, "subject": topic, "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"]),
                     "reading": ""})
    # Ordered by when each expectation was voiced (event_date), not when it was reported.
    targets = t["events"][t["events"]["event_type"] == "target_date"].sort_values(["event_date", "event_id"])
    if len(targets) > 1:
        lines = [_claim_line(f"said {fmt.date_label(r.event_date, r.event_date_precision)}, reported {r.reported_label}", r.title, r.source_id)
                 for r in targets.itertuples()]
        rows.append({"kind": "Target dates differ", "actor_name": ", ".join(sorted(targets["actor_name"].unique())), "subject": "When the force deploys", "claims": lines, "quotes": targets["quote"].tolist(), "sources": fmt.cite(targets["source_id"]),
                     "reading": ""})
    rows += tension_rows(t)
    return pd.DataFrame(rows, columns=["kind", "actor_name", "subject", "claims", "quotes", "sources", "reading"])


def tension_rows(t: Tables) -> list[dict[str, Any]]:
    """The tensions an analyst recorded (curated/tensions.csv), each with its claims' dates, words and quotes.

    Args:
        t: processed tables (``tensions`` holds only those whose claims are all in the edition).

    Returns:
        Rows for :func:`disagreements`: kind "Tension", the subject, each claim as "date: summary (source)"
        with its quote, and the analyst's reading.
    """
    tensions = t.get("tensions")
    if tensions is None or tensions.empty:
        return []
    claims = t["claims"].set_index("claim_id")
    rows = []
    for r in tensions.itertuples():
        these = claims.loc[list(r.claim_ids)].reset_index().sort_values(["reported_date", "claim_id"])
        # one line per passage of a report: "France, Italy and Malta: approached / in talks"
        passages = these.groupby(["source_id", "quote"], sort=False)
        lines, quotes = [], []
        for (source_id, quote), g in passages:
            who = fmt.names([fmt.group_name(n) if k == "unnamed_group" else n for n, k in zip(g["actor_name"], g["actor_kind"])])
            lines.append(_claim_line(g["reported_label"].iloc[0], f"{who}: {g['summary'].iloc[0]}" if who else g["summary"].iloc[0], source_id))
            quotes.append(quote)
        rows.append({"kind": "Tension", "actor_name": "", "subject": r.subject, "claims": lines, "quotes": quotes,
                     "sources": fmt.cite(these["source_id"]), "reading": r.reading})
    return rows


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
    latest = clean.latest_stance(t["positions"], t["positions"]["reported_date"].max(), keys=("actor_id", "topic")) if len(t["positions"]) else t["positions"]
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


def analyse(t: Tables, as_of: str, previous: Tables | None, previous_as_of: str | None = None,
            stale_after_days: int = STALE_AFTER_DAYS) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Every analysis table and the key figures of one edition.

    Args:
        t: processed tables of this edition.
        as_of: edition date.
        previous: processed tables of the previous edition, or None.
        previous_as_of: the previous edition's date (for what changed since it).
        stale_after_days: age of the newest report past which the briefing says later events are not covered.

    Returns:
        (tables, summary) — tables: commitments, conditions_matrix, conditions_summary, disagreements,
        open_questions, chronology, plan, position_cells, stated_figures; summary: key figures plus
        "changes" and "as_of".
    """
    standing = standings(t["pledges"], t["conditions"])
    tables = {
        "commitments": commitments(standing),
        "conditions_matrix": conditions_matrix(t["conditions"]),
        "conditions_summary": conditions_summary(standing, t["conditions"]),
        "disagreements": disagreements(t),
        "open_questions": open_questions(t, standing),
        "chronology": chronology(t["events"]),
        "plan": plan(t["events"]),
        "position_cells": position_cells(t["positions"]),
        "stated_figures": stated_figures(t["pledges"]),
    }
    summary = key_figures(t, standing, as_of, stale_after_days) | {"as_of": as_of, "changes": changes.changes_since(t, previous, as_of, previous_as_of)}
    return tables, summary


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
    e = events[~_flagged(events["plan"])] if "plan" in events and len(events) else events
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
        "milestone": _flagged(e["milestone"]),
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
        detail = "; ".join(f"{r.contribution_label}: {fmt.lower_first(r.stage_label)}" + (f" (only if {r.conditions})" if r.conditions else "")
                           for r in g.itertuples())
        rows.append({"id": code, "iso3": iso3.get(actor_id, ""), "name": g["actor_name"].iloc[0], "group": MAP_CLASSES[order][1],
                     "order": order, "detail": detail, "sources": fmt.cite(s for x in g["sources"] for s in x.split(", ")),
                     "has_shape": code in shape_ids})
    return pd.DataFrame(rows, columns=cols).sort_values(["order", "name"]).reset_index(drop=True)
