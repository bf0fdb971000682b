"""Standings: where each actor stands on each kind of contribution, and who counts as a contributor.

The one place the briefing learns where an actor stands (docs/CODEBOOK.md, "Standing"). The rules are
small functions (:func:`basis_claims`, :func:`own_word_cut`, :func:`pair_conditions`, :func:`later_mentions`);
the words a standing carries for the views (its conditions, its later mentions) are made apart, at the
end of this module. The ladder's thresholds come from reference/stages.csv (``helpers.data.reference``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import fmt
from helpers.analysis.cells import unnamed_relay
from helpers.data import clean, reference
from helpers.data.datapackage import claim_id_columns

Tables = dict[str, pd.DataFrame]
# The ladder's thresholds, each the rank (reference/stages.csv) of the stage where it begins: an actor is
# willing from "signalled willingness" (or "willing only if", of the same rank), a contribution is offered
# from "offered, not announced"; the map tells the asked and the named apart.
WILLING_RANK = reference.stage_rank("signalled_willingness")
OFFERED_RANK = reference.stage_rank("offered_private")
ASKED_RANK = reference.stage_rank("approached")
NAMED_RANK = reference.stage_rank("mentioned")
CONDITIONAL_STAGE = "conditional"


def flagged(values: pd.Series) -> pd.Series:
    """Booleans from booleans or "true"/"True" strings (processed CSVs read back as text); missing is False."""
    return values.map(lambda v: str(v).strip().lower() == "true").astype(bool)


def origin(via_outlet: Any, outlet: Any) -> str:
    """Where a claim comes from: the outlet it relays, else the report's own outlet ("" when neither is known)."""
    via = via_outlet if isinstance(via_outlet, str) else ""
    own = outlet if isinstance(outlet, str) else ""
    return via.strip() or own.strip()


def origins(claims: pd.DataFrame) -> list[str]:
    """The independent origins behind some claims: a report that relays the WSJ and the WSJ itself are one;
    a report's "reportedly", naming no source, is marked as such ("All Israel News (“reportedly”, no source
    named)").

    Args:
        claims: processed claim rows with ``via_outlet`` and ``outlet`` (the report's outlet).

    Returns:
        The distinct origins, sorted.
    """
    if claims.empty:
        return []
    via = claims["via_outlet"] if "via_outlet" in claims else pd.Series("", index=claims.index)
    outlet = claims["outlet"] if "outlet" in claims else pd.Series("", index=claims.index)
    # "has reportedly offered", naming no source: the outlet is where the reader can find it, but not a
    # source of its own, and the origin says so
    confidence = claims["confidence"] if "confidence" in claims else pd.Series("", index=claims.index)
    unnamed = pd.Series([unnamed_relay(c, v) for c, v in zip(confidence, via)], index=claims.index, dtype=bool)
    named = {o for o in (origin(v, w) for v, w in zip(via[~unnamed], outlet[~unnamed])) if o}
    relays = {f"{o} (“reportedly”, no source named)" for o in (origin(v, w) for v, w in zip(via[unnamed], outlet[unnamed])) if o and o not in named}
    return sorted(named | relays)


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


# The standing's columns, in order (docs/CODEBOOK.md, "Standing").
STANDING_COLUMNS: list[str] = [
    "actor_id", "actor_name", "actor_kind", "population", "population_label", "contribution_type", "contribution_label",
    "contribution_short", "part_of_force", "stage", "stage_label", "rank", "basis_id", "basis_source", "basis_date", "basis_label", "basis_confidence",
    "basis_via", "basis_voice", "own_word", "location_label", "locations", "conditional", "conditions", "limits",
    "condition_sources", "figure", "figure_text", "figure_sources", "figures_differ", "reports", "since", "history", "history_rank",
    "sources", "origins", "requested_by_name", "alternatives"]
# One standing per actor and kind of contribution.
PAIR: list[str] = ["actor_id", "contribution_type"]


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
        One row per actor and contribution (:data:`STANDING_COLUMNS`): actor_id, actor_name, actor_kind,
        population, population_label, contribution_type, contribution_label, contribution_short (a chart
        column's words), part_of_force, stage,
        stage_label, rank (NaN off the ladder), basis_id, basis_source, basis_date, basis_label (date
        label), basis_confidence, basis_via, basis_voice, own_word (the standing is the actor's own word),
        location_label, locations, conditional, conditions (labels with their status), limits,
        condition_sources, figure, figure_text, figure_sources, figures_differ, reports, since (later
        claims as text), history (claims the actor's own word superseded), history_rank (the furthest rank
        those superseded claims gave, NaN without any), sources, origins (list),
        requested_by_name, alternatives (the kinds one "or" sentence names, :func:`alternatives`; "" otherwise).
        Contributors to the force first, furthest along first.
    """
    if pledges.empty:
        return pd.DataFrame(columns=STANDING_COLUMNS)
    claims = _ranked(pledges)
    superseded = own_word_cut(claims, PAIR)
    history, p = claims[superseded], claims[~superseded]
    basis = basis_claims(p).reset_index(drop=True)
    pair = pd.MultiIndex.from_frame(basis[PAIR])

    def look(values: pd.Series) -> pd.Series:
        """A per-pair series aligned with the basis rows, "" where a pair has none."""
        return pd.Series(pair.map(values.to_dict().get), index=basis.index).fillna("")

    conds = pair_conditions(conditions, p)
    stated = claims[_has_amount(claims)]
    latest_figure = stated.groupby(PAIR).tail(1).set_index(PAIR)
    own_figure = _has_amount(basis)
    blank = pd.Series("", index=basis.index)
    via = basis["via_outlet"] if "via_outlet" in basis else blank
    out = pd.DataFrame({
        "actor_id": basis["actor_id"], "actor_name": basis["actor_name"], "actor_kind": basis["actor_kind"],
        "population": basis["actor_population"].fillna("") if "actor_population" in basis else blank,
        "population_label": basis["actor_population_label"].fillna("") if "actor_population_label" in basis else blank,
        "contribution_type": basis["contribution_type"], "contribution_label": basis["contribution_label"],
        "contribution_short": basis["contribution_short"] if "contribution_short" in basis else basis["contribution_label"],
        "part_of_force": flagged(basis["part_of_force"]) if "part_of_force" in basis else True,
        "stage": basis["stage"], "stage_label": basis["stage_label"], "rank": basis["_rank"],
        "basis_id": basis["pledge_id"], "basis_source": basis["source_id"], "basis_date": basis["reported_date"],
        "basis_label": basis["reported_label"], "basis_confidence": basis["confidence"],
        "basis_via": via.where(via.map(lambda v: isinstance(v, str)), ""),
        "basis_voice": basis["voice"] if "voice" in basis else blank, "own_word": basis["voice"].eq("own") if "voice" in basis else False,
        "location_label": basis["location_label"] if "location_label" in basis else "", "locations": look(_pair_locations(claims)),
        "conditional": pd.Series(pair.isin(conds["will_only_if"]) | pair.isin(conds["conditions"].index) | pair.isin(conds["limits"].index),
                                 index=basis.index),
        "conditions": look(conds["conditions"]), "limits": look(conds["limits"]), "condition_sources": look(conds["sources"]),
        # the figure the basis claim states, else the latest stated one
        "figure": basis["amount_label"].where(own_figure, look(latest_figure["amount_label"])).fillna(""),
        "figure_text": basis["amount_text"].where(own_figure, look(latest_figure["amount_text"])).fillna(""),
        "figure_sources": look(stated.groupby(PAIR)["source_id"].agg(fmt.cite)),
        "figures_differ": pd.Series(pair.map(_amounts_per_pair(stated).to_dict().get), index=basis.index).fillna(0) > 1,
        # every stated figure of the pair, oldest first: shown whole where reports are in tension
        "reports": look(_joined_words(stated)), "since": look(later_mentions(p, basis)), "history": look(_joined_words(history)),
        # the furthest stage the superseded reports gave (an offer the actor's own word has since put on conditions)
        "history_rank": pd.Series(pair.map(history.groupby(PAIR)["_rank"].max().to_dict().get) if len(history) else float("nan"),
                                  index=basis.index, dtype=float),
        "sources": look(claims.groupby(PAIR)["source_id"].agg(fmt.cite)),
        "origins": pd.Series(pair.map(basis_origins(p, basis).to_dict().get), index=basis.index).map(lambda o: o if isinstance(o, list) else []),
        "requested_by_name": basis["requested_by_name"] if "requested_by_name" in basis else "",
        "alternatives": alternatives(basis),
    })[STANDING_COLUMNS]
    return _furthest_first(out)


# --- the rules --------------------------------------------------------------------------------------


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



def _ranked(pledges: pd.DataFrame) -> pd.DataFrame:
    """Pledges with their ladder rank, withdrawal flag and confidence rank as helper columns, oldest first
    (ties to the better-sourced claim, then the claim id)."""
    return pledges.assign(
        _rank=pd.to_numeric(pledges["stage_rank"], errors="coerce"),
        _withdraws=flagged(pledges["withdraws"]) if "withdraws" in pledges else False,
        _conf=pd.to_numeric(pledges["confidence_rank"], errors="coerce").fillna(-1) if "confidence_rank" in pledges else 0,
    ).sort_values(["reported_date", "_conf", "pledge_id"])


def basis_claims(p: pd.DataFrame) -> pd.DataFrame:
    """The claim each pair's standing rests on: the strongest positive claim since its last withdrawal (ties to
    the better-sourced, then the later claim), else the withdrawal itself.

    Args:
        p: :func:`_ranked` claims the actor's own word has not superseded.

    Returns:
        One row per pair (:data:`PAIR`), with the claim's columns.
    """
    last_withdrawal = p[p["_withdraws"]].groupby(PAIR)["reported_date"].max()
    cut = pd.to_datetime(pd.Series(pd.MultiIndex.from_frame(p[PAIR]).map(last_withdrawal.to_dict().get), index=p.index))
    positive = p[p["_rank"].notna() & (cut.isna() | (p["reported_date"] > cut))]
    best = positive.sort_values(["_rank", "_conf", "reported_date", "pledge_id"]).groupby(PAIR).tail(1)
    withdrawn = p[p["_withdraws"]].groupby(PAIR).tail(1)
    return pd.concat([best, withdrawn[~pd.MultiIndex.from_frame(withdrawn[PAIR]).isin(pd.MultiIndex.from_frame(best[PAIR]))]])


def pair_conditions(conditions: pd.DataFrame, p: pd.DataFrame) -> dict[str, Any]:
    """What each pair's standing is conditional on: conditions on taking part in the force set on its pledges
    (not the organiser's own limits on its staff, not support for a resolution).

    Args:
        conditions: processed conditions.
        p: the pairs' claims (:func:`_ranked`, not superseded).

    Returns:
        {"conditions": pair -> conditions with their status, "limits": pair -> limits, "sources": pair ->
        cited sources, "will_only_if": the pairs with a "will only if" claim}.
    """
    conds = conditions[conditions["pledge_id"].fillna("").ne("") & conditions["applies_to"].ne("taking_part")] if len(conditions) else conditions
    on_pair = conds.reindex(columns=["pledge_id", "condition_label", "condition_kind", "status_label", "source_id"]).merge(
        p[["pledge_id", *PAIR]], on="pledge_id", how="inner")
    is_limit = on_pair["condition_kind"].eq("limit")
    by_pair = lambda values: values.groupby([on_pair.loc[values.index, k] for k in PAIR]).agg(lambda x: "; ".join(sorted(set(x))))  # noqa: E731
    with_status = by_pair(_condition_words(on_pair[~is_limit]))
    limits = by_pair(on_pair.loc[is_limit, "condition_label"].map(fmt.lower_first))
    return {"conditions": with_status, "limits": limits, "sources": on_pair.groupby(PAIR)["source_id"].agg(fmt.cite),
            "will_only_if": p[p["stage"] == CONDITIONAL_STAGE].groupby(PAIR).size().index}


def basis_origins(p: pd.DataFrame, basis: pd.DataFrame) -> pd.Series:
    """pair -> the independent origins of the claims at the standing's own stage (those it rests on)."""
    at_stage = p.merge(basis[[*PAIR, "_rank"]], on=PAIR, suffixes=("", "_basis"))
    at_stage = at_stage[at_stage["_rank"].eq(at_stage["_rank_basis"]) | (at_stage["_rank"].isna() & at_stage["_rank_basis"].isna())]
    return at_stage.groupby(PAIR).apply(origins, include_groups=False) if len(at_stage) else pd.Series(dtype=object)


def later_mentions(p: pd.DataFrame, basis: pd.DataFrame) -> pd.Series:
    """pair -> what later reports said at or below the standing's stage: weaker mentions as what they are, the
    same stage and figure as "reported again" (a positive standing only; :func:`_later_words`)."""
    later = p.merge(basis[[*PAIR, "reported_date", "_rank", "amount_low", "amount_high"]], on=PAIR, suffixes=("", "_basis"))
    later = later[(later["reported_date"] > later["reported_date_basis"]) & later["_rank_basis"].notna()
                  & (later["_rank"].fillna(-1) <= later["_rank_basis"])]
    stated = _has_amount(later)
    again = later["_rank"].eq(later["_rank_basis"]) & (~stated | (later["amount_low"].fillna(-1).eq(later["amount_low_basis"].fillna(-1))
                                                                  & later["amount_high"].fillna(-1).eq(later["amount_high_basis"].fillna(-1))))
    return later.assign(_text=_later_words(later, again)).groupby(PAIR)["_text"].agg("; ".join)


def _has_amount(claims: pd.DataFrame) -> pd.Series:
    return claims["amount_low"].notna() | claims["amount_high"].notna()


def _amounts_per_pair(stated: pd.DataFrame) -> pd.Series:
    """pair -> how many different amounts the reports state ("20,000" and "some 20.000" are one figure in two
    wordings; "about 200", "up to 200" and "about 24" are not)."""
    bounds = stated["amount_low"].fillna(-1).astype(str) + "|" + stated["amount_high"].fillna(-1).astype(str)
    return bounds.groupby([stated[k] for k in PAIR]).nunique()


def _furthest_first(out: pd.DataFrame) -> pd.DataFrame:
    """Contributors to the force first, furthest along first; outside support after them."""
    order = out.assign(_order=out["rank"].fillna(-1), _force=out["part_of_force"].astype(bool))
    order = order.sort_values(["_force", "_order", "actor_name", "contribution_type"], ascending=[False, False, True, True])
    return order.drop(columns=["_order", "_force"]).reset_index(drop=True)


# --- the standing's words (labels and citations the views print) ----------------------------------------


def _claim_words(rows: pd.DataFrame) -> pd.Series:
    """ "offered privately (not announced) (S002, 18 Oct 2025; anonymous officials, via Times of Israel)" per claim."""
    stated = _has_amount(rows)
    via = rows["via_outlet"].where(rows["via_outlet"].map(lambda v: isinstance(v, str)), "") if "via_outlet" in rows else ""
    how = [fmt.sourcing(c, v) for c, v in zip(rows["confidence"], via)]
    return (rows["stage_label"].map(fmt.lower_first) + stated.map({True: ", ", False: ""}) + rows["amount_label"].where(stated, "")
            + " (" + rows["source_id"] + ", " + rows["reported_label"] + "; " + pd.Series(how, index=rows.index) + ")")


def _joined_words(rows: pd.DataFrame) -> pd.Series:
    """pair -> its claims' words (:func:`_claim_words`), oldest first, joined by "; "."""
    return _claim_words(rows).groupby([rows[k] for k in PAIR]).agg("; ".join) if len(rows) else pd.Series(dtype=str)


def _condition_words(conds: pd.DataFrame) -> pd.Series:
    """A condition with its status: "only once fighting completely stops (not reported met)"."""
    return conds["condition_label"].map(fmt.lower_first) + " (" + conds["status_label"].fillna("").str.lower() + ")"


def _later_words(later: pd.DataFrame, again: pd.Series) -> pd.Series:
    """ "named as a likely contributor (S003, 8 Nov 2025)", or "reported again (S003, 8 Nov 2025)"."""
    stated = _has_amount(later)
    said = later["stage_label"].map(fmt.lower_first) + stated.map({True: ", ", False: ""}) + later["amount_label"].where(stated, "")
    return said.where(~again, "reported again") + " (" + later["source_id"] + ", " + later["reported_label"] + ")"


def _pair_locations(claims: pd.DataFrame) -> pd.Series:
    """pair -> where the reports say its contribution would serve ("inside Gaza"), "Not stated" left out."""
    return claims.groupby(PAIR)["location_label"].agg(
        lambda s: fmt.names(sorted({fmt.lower_first(x) for x in s.dropna() if x and x != "Not stated"})))


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


def latest_stance(claims: pd.DataFrame, as_of: str | pd.Timestamp, keys: tuple[str, ...] = ("actor_id", "contribution_type")) -> pd.DataFrame:
    """The most recent claim per key as of a date: the "current" stage of each actor's contribution.

    Ties on the same reported date go to the better-sourced claim (the higher rank of its confidence in
    reference/confidence_levels.csv), then to the later claim id, so the result does not depend on row order.

    Args:
        claims: a typed claim table with ``reported_date``, ``confidence`` and the key columns.
        as_of: only claims reported on or before this date count.
        keys: columns that identify one stance (actor and contribution for pledges; actor and topic for
            positions).

    Returns:
        One row per key, with all claim columns.
    """
    current = clean.filter_as_of(claims, as_of)
    id_column = next(c for c in claim_id_columns().values() if c in current)
    current = current.assign(_rank=current["confidence"].map(reference.confidence_ranks()).fillna(-1))
    current = current.sort_values(["reported_date", "_rank", id_column])
    return current.groupby(list(keys), sort=True).tail(1).drop(columns="_rank").sort_values(list(keys)).reset_index(drop=True)


def latest_positions(positions: pd.DataFrame) -> pd.DataFrame:
    """Each holder's latest stance per topic (ties to the better-sourced claim)."""
    if positions.empty:
        return positions
    return latest_stance(positions, positions["reported_date"].max(), keys=("actor_id", "topic"))


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
            "conditions": condition_list(said[said["condition_kind"].eq("condition")]) if len(said) else [],
            "limits": condition_list(said[said["condition_kind"].eq("limit")]) if len(said) else [],
            "sources": fmt.cite(g["basis_source"]),
            "origins": sorted({o for x in g["origins"] for o in x}),
        })
    return sorted(out, key=lambda p: -len(p["descriptions"]))


def condition_list(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Conditions or limits as JSON-ready dicts: label, kind, status, who set it, source, sourcing."""
    return [{"condition_id": r.condition_id, "type": r.condition_type, "label": r.condition_label, "kind": r.condition_kind,
             "status": r.status, "status_label": r.status_label if r.condition_kind == "condition" else "", "actor": r.actor_name,
             "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence,
             "via": r.via_outlet if isinstance(r.via_outlet, str) else "", "voice": r.voice, "quote": r.quote}
            for r in rows.sort_values(["reported_date", "condition_id"]).itertuples()]
