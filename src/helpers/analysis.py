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

from helpers import clean

Tables = dict[str, pd.DataFrame]
# Claims about contributions that mean the actor is at least willing (ladder rank 2 = signalled).
WILLING_RANK = 2
# Condition types the briefing spells out, in this order.
# The US organises the force; the briefing counts contributors apart from it.
ORGANISER = "USA"
HEADLINE_CONDITIONS = ("israeli_controlled_areas_only", "un_mandate", "after_fighting_stops", "non_combat")


def cite(source_ids: pd.Series | list[str]) -> str:
    """Source ids as a citation: "S001, S003" (sorted, unique)."""
    return ", ".join(sorted(set(source_ids)))


def fmt_date(value: pd.Timestamp) -> str:
    """A date as readers write it: "8 Nov 2025" (an exact date; see clean.date_label)."""
    return clean.date_label(value)


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


def named_states(pledges: pd.DataFrame, min_rank: int = 0, exclude: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """States named in pledges at ``min_rank`` or higher on the ladder, with what they are named for.

    Args:
        pledges: processed pledges.
        min_rank: lowest stage rank that counts (0 = any mention, 2 = signalled willingness). Off-ladder
            rows (declined, not expected) never count; a state that declined after offering still does.
        exclude: actor ids to leave out (e.g. the US, which organises the force).

    Returns:
        One {"name", "contributions", "latest_stage"} per state, sorted by name.
    """
    states = pledges[(pledges["actor_kind"] == "state") & ~pledges["actor_id"].isin(exclude)]
    latest = states.sort_values(["reported_date", "pledge_id"]).groupby("actor_id")["stage_label"].last()
    hits = states[states["stage_rank"].fillna(-1) >= min_rank]
    kinds = hits.groupby("actor_id").agg(name=("actor_name", "first"), contributions=("contribution_label", lambda c: ", ".join(sorted(c.str.lower().unique()))))
    out = [{"name": r["name"], "contributions": r["contributions"], "latest_stage": latest[actor_id]} for actor_id, r in kinds.iterrows()]
    return sorted(out, key=lambda d: d["name"])


def largest_offer(pledges: pd.DataFrame) -> dict[str, Any] | None:
    """The largest troop figure a contributor (not the organising US) has offered, with each source's wording.

    Args:
        pledges: processed pledges.

    Returns:
        {"actor", "amount", "labels": [{"label", "source_id", "reported_date"}]} or None when no troop
        figure has been stated.
    """
    troops = pledges[(pledges["amount_unit"] == "troops") & pledges["stage"].str.startswith("offered") & (pledges["actor_id"] != ORGANISER)]
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
        "labels": [{"label": r.amount_label, "text": r.amount_text, "source_id": r.source_id, "reported_date": r.reported_label}
                   for r in same.itertuples()],
    }


def troop_offers_with_figure(pledges: pd.DataFrame) -> int:
    """How many contributors (not the organising US) have offered troops with a stated number."""
    offers = pledges[(pledges["amount_unit"] == "troops") & pledges["stage"].str.startswith("offered") & (pledges["actor_id"] != ORGANISER)]
    return int(offers.dropna(subset=["amount_low", "amount_high"], how="all")["actor_id"].nunique())


def us_role(pledges: pd.DataFrame, conditions: pd.DataFrame) -> dict[str, Any]:
    """What the reports say the United States itself contributes, and where.

    Args:
        pledges: processed pledges.
        conditions: processed conditions.

    Returns:
        {"claims": [{"stage", "amount", "location", "source_id", "reported_date"}], "outside_gaza": bool,
        "condition_sources": [...]} — outside_gaza is True when no US pledge serves inside Gaza and a
        no_troops_inside_gaza condition is recorded.
    """
    us = pledges[(pledges["actor_id"] == "USA") & pledges["amount_label"].ne("not stated")].sort_values(["reported_date", "pledge_id"])
    stays_out = conditions[(conditions["actor_id"] == "USA") & (conditions["condition_type"] == "no_troops_inside_gaza")]
    inside = us["inside_gaza"].fillna(False).astype(bool).any()
    return {
        "claims": [{"stage": r.stage_label, "amount": r.amount_label, "location": r.location_label,
                    "source_id": r.source_id, "reported_date": r.reported_label} for r in us.itertuples()],
        "outside_gaza": bool(len(stays_out)) and not inside,
        "condition_sources": sorted(stays_out["source_id"].unique()),
    }


def territory(figures: pd.DataFrame) -> list[dict[str, Any]]:
    """Each side's stated share of Gaza (latest claim per side)."""
    shares = figure_claims(figures, "territory_controlled_share").drop_duplicates("actor_id")
    names = figures.set_index("actor_id")["actor_name"].to_dict()
    return [{"actor": names.get(r.actor_id, r.actor_id), "share": r.value_label, "value": r.value_low,
             "source_id": r.source_id, "reported_date": r.reported_label} for r in shares.itertuples()]


def key_figures(t: Tables) -> dict[str, Any]:
    """The key figures of the edition, each with its source ids.

    Args:
        t: processed tables.

    Returns:
        A JSON-ready dict: countries_approached / countries_willing / countries_committed (lists of
        dated claims), states_named, states_willing (names), largest_offer, us_role, territory, counts.
    """
    def claims(metric: str) -> list[dict[str, Any]]:
        return [{"value": r.value_label, "low": r.value_low, "high": r.value_high, "text": r.value_text,
                 "source_id": r.source_id, "reported_date": r.reported_label, "via": r.via_outlet}
                for r in figure_claims(t["figures"], metric).itertuples()]

    pledges = t["pledges"]
    return {
        "countries_approached": claims("countries_approached"),
        "countries_willing": claims("countries_willing"),
        "countries_committed": claims("countries_committed_formally"),
        "states_named": named_states(pledges, 0, exclude=(ORGANISER,)),
        "states_willing": named_states(pledges, WILLING_RANK, exclude=(ORGANISER,)),
        "largest_offer": largest_offer(pledges),
        "troop_offers_with_figure": troop_offers_with_figure(pledges),
        "us_role": us_role(pledges, t["conditions"]),
        "territory": territory(t["figures"]),
        "counts": {name: int(len(t[name])) for name in ("sources", "pledges", "conditions", "positions", "events", "figures", "open_questions", "claims")},
    }


def commitments(pledges: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Who offers what: the latest stage per actor and contribution, with every source that reports it.

    Args:
        pledges: processed pledges.
        as_of: edition date.

    Returns:
        One row per actor and contribution: actor_name, actor_kind, contribution_label, stage_label,
        stage_rank, figure (latest stated amount, or "not stated"), location_label, requested_by_name,
        sources (all source ids for the pair), latest_source, reported_date. Sorted by stage, then actor.
    """
    latest = clean.latest_stance(pledges, as_of)
    stated = pledges[pledges["amount_label"] != "not stated"].sort_values("reported_date")
    figure = stated.groupby(["actor_id", "contribution_type"])["amount_label"].last()
    sources = pledges.groupby(["actor_id", "contribution_type"])["source_id"].agg(cite)
    key = pd.MultiIndex.from_frame(latest[["actor_id", "contribution_type"]])
    out = latest.assign(
        figure=figure.reindex(key).fillna("not stated").to_numpy(),
        sources=sources.reindex(key).to_numpy(),
        latest_source=latest["source_id"],
    )
    out["sort_rank"] = out["stage_rank"].fillna(-1)
    out = out.sort_values(["sort_rank", "actor_name"], ascending=[False, True])
    cols = ["actor_id", "actor_name", "actor_kind", "contribution_type", "contribution_label", "stage", "stage_label", "stage_rank",
            "figure", "location_label", "requested_by_name", "sources", "latest_source", "reported_date"]
    return out[cols].reset_index(drop=True)


def conditions_matrix(conditions: pd.DataFrame) -> pd.DataFrame:
    """Actor x condition type: first reported date, sources, and what the condition governs.

    Args:
        conditions: processed conditions.

    Returns:
        One row per actor and condition type: actor_id, actor_name, actor_kind, condition_type,
        condition_label, applies_to, first_reported, sources.
    """
    grouped = conditions.groupby(["actor_id", "actor_name", "actor_kind", "condition_type", "condition_label"], as_index=False).agg(
        applies_to=("applies_to", "first"), first_reported=("reported_date", "min"), sources=("source_id", cite))
    return grouped.sort_values(["condition_type", "first_reported", "actor_name"]).reset_index(drop=True)


def condition_implications(pledges: pd.DataFrame, conditions: pd.DataFrame, condition_types: pd.DataFrame) -> pd.DataFrame:
    """For each headline condition: how many willing contributors attach it, and who.

    "Willing contributors" are the actors whose pledges reach signalled willingness or more, or who
    declined with conditions; unnamed groups count as one group each, never as a number of countries.

    Args:
        pledges: processed pledges.
        conditions: processed conditions.
        condition_types: reference table of condition types.

    Returns:
        One row per headline condition type: condition_type, condition_label, n_willing (all willing
        contributors), n_willing_states, n_willing_groups, n_attaching, named (states attaching it), groups (unnamed groups attaching it),
        sources.
    """
    willing = pledges[(pledges["stage_rank"].fillna(-1) >= WILLING_RANK) | (pledges["stage"] == "declined")]
    willing = willing[willing["actor_id"] != ORGANISER]
    willing_ids = set(willing["actor_id"])
    n_states = willing.loc[willing["actor_kind"] == "state", "actor_id"].nunique()
    labels = condition_types.set_index("condition_type")["label"]
    rows = []
    for ctype in HEADLINE_CONDITIONS:
        attach = conditions[(conditions["condition_type"] == ctype) & conditions["actor_id"].isin(willing_ids)]
        rows.append({
            "condition_type": ctype,
            "condition_label": labels.get(ctype, ctype),
            "n_willing": len(willing_ids),
            "n_willing_states": n_states,
            "n_willing_groups": len(willing_ids) - n_states,
            "n_attaching": attach["actor_id"].nunique(),
            "named": ", ".join(sorted(attach.loc[attach["actor_kind"] == "state", "actor_name"].unique())),
            "groups": "; ".join(sorted(attach.loc[attach["actor_kind"] != "state", "actor_name"].unique())),
            "sources": cite(attach["source_id"]),
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
    on = p["on_ladder"].fillna(True).astype(bool)
    pos = pd.Series(range(len(p)), index=p.index)
    n_amounts = amount.where(amount != "-1.0|-1.0").groupby([p[k] for k in keys]).nunique()
    last_off = pos[~on].groupby([p.loc[~on, k] for k in keys]).max().reindex(n_amounts.index)
    first_on = pos[on].groupby([p.loc[on, k] for k in keys]).min().reindex(n_amounts.index)
    moved_off = (last_off > first_on).fillna(False)
    flagged = n_amounts.index[(n_amounts > 1) | moved_off]
    for key, g in _groups(p, keys, flagged):
        lines = [_claim_line(r.reported_label, f"{r.stage_label.lower()}, {r.amount_label}" if r.amount_label != "not stated" else r.stage_label.lower(), r.source_id)
                 for r in g.itertuples()]
        kind = "Stance changed" if moved_off[key] else "Figures differ"
        rows.append({"kind": kind, "actor_name": key[0], "subject": key[1], "claims": lines, "quotes": g["quote"].tolist(), "sources": cite(g["source_id"])})
    f = t["figures"].sort_values(["reported_date", "figure_id"]).assign(holder=lambda d: d["actor_name"].replace("", "-"))
    value = f["value_low"].fillna(-1).astype(str) + "|" + f["value_high"].fillna(-1).astype(str)
    by = [f["metric_label"], f["holder"]]
    flagged = value.groupby(by).nunique().pipe(lambda n: n.index[(n > 1) & (f.groupby(by)["source_id"].nunique() > 1)])
    for (metric, actor), g in _groups(f, ["metric_label", "holder"], flagged):
        lines = [_claim_line(r.reported_label, f"{r.value_label} (\"{r.value_text}\")", r.source_id) for r in g.itertuples()]
        kind = "Counts differ but can all be true" if ranges_overlap(g["value_low"], g["value_high"]) else "Figures differ"
        rows.append({"kind": kind, "actor_name": "" if actor == "-" else actor, "subject": metric, "claims": lines, "quotes": g["quote"].tolist(), "sources": cite(g["source_id"])})
    po = t["positions"].sort_values(["reported_date", "position_id"])
    n_directions = po.groupby(["actor_name", "topic_label"])["direction"].nunique()
    for (actor, topic), g in _groups(po, ["actor_name", "topic_label"], n_directions.index[n_directions > 1]):
        lines = [_claim_line(r.reported_label, f"{r.direction_label.lower()}: {r.summary}", r.source_id) for r in g.itertuples()]
        rows.append({"kind": "Positions differ", "actor_name": actor, "subject": topic, "claims": lines, "quotes": g["quote"].tolist(), "sources": cite(g["source_id"])})
    # Ordered by when each expectation was voiced (event_date), not when it was reported.
    targets = t["events"][t["events"]["event_type"] == "target_date"].sort_values(["event_date", "event_id"])
    if len(targets) > 1:
        lines = [_claim_line(f"said {fmt_date(r.event_date) if r.event_date_precision == 'day' else f'{r.event_date:%B %Y}'}, reported {r.reported_label}", r.title, r.source_id)
                 for r in targets.itertuples()]
        rows.append({"kind": "Target dates differ", "actor_name": ", ".join(sorted(targets["actor_name"].unique())), "subject": "When the force deploys", "claims": lines, "quotes": targets["quote"].tolist(), "sources": cite(targets["source_id"])})
    return pd.DataFrame(rows, columns=["kind", "actor_name", "subject", "claims", "quotes", "sources"])


def changes_since(current: Tables, as_of: str, previous: Tables | None) -> dict[str, Any]:
    """What changed since the previous edition: new actors, new pledges, changed latest stances.

    Args:
        current: this edition's processed tables.
        as_of: this edition's date.
        previous: the previous edition's processed tables, or None when there is none.

    Returns:
        {"has_previous": False} when there is no previous edition; otherwise {"has_previous": True,
        "new_claims": n, "new_actors": [names], "new_pledges": [lines], "changed_stances": [lines],
        "new_sources": [ids]}.
    """
    if previous is None:
        return {"has_previous": False}
    old_claims = set(previous["claims"]["claim_id"])
    new = current["claims"][~current["claims"]["claim_id"].isin(old_claims)]
    old_actors = set(previous["claims"]["actor_id"].dropna())
    new_actor_ids = sorted(set(new["actor_id"].dropna()) - old_actors - {""})
    names = current["actors"].set_index("actor_id")["name"]
    pledges = current["pledges"]
    new_pledges = pledges[~pledges["pledge_id"].isin(set(previous["pledges"]["pledge_id"]))]
    now = clean.latest_stance(pledges, as_of).set_index(["actor_id", "contribution_type"])
    before = clean.latest_stance(previous["pledges"], as_of).set_index(["actor_id", "contribution_type"])
    shared = now.index.intersection(before.index)
    changed = [f"{now.loc[k, 'actor_name']}, {now.loc[k, 'contribution_label'].lower()}: {before.loc[k, 'stage_label'].lower()} → {now.loc[k, 'stage_label'].lower()} ({now.loc[k, 'source_id']})"
               for k in shared if now.loc[k, "stage"] != before.loc[k, "stage"]]
    return {
        "has_previous": True,
        "new_claims": int(len(new)),
        "new_sources": sorted(set(current["sources"]["source_id"]) - set(previous["sources"]["source_id"])),
        "new_actors": [names.get(a, a) for a in new_actor_ids],
        "new_pledges": [f"{r.actor_name}: {r.stage_label.lower()}, {r.contribution_label.lower()} ({r.amount_label}; {r.source_id})" for r in new_pledges.itertuples()],
        "changed_stances": changed,
    }


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
        rows.append({"question": f"Which countries are meant by \u201c{name.replace(' (unnamed)', '')}\u201d?", "basis": "the reports do not name them", "sources": cite(g["source_id"])})
    return pd.DataFrame(rows, columns=["question", "basis", "sources"])


def analyse(t: Tables, as_of: str, previous: Tables | None) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Every analysis table and the key figures of one edition.

    Args:
        t: processed tables of this edition.
        as_of: edition date.
        previous: processed tables of the previous edition, or None.

    Returns:
        (tables, summary) — tables: commitments, conditions_matrix, condition_implications,
        disagreements, open_questions; summary: key figures plus "changes" and "as_of".
    """
    tables = {
        "commitments": commitments(t["pledges"], as_of),
        "conditions_matrix": conditions_matrix(t["conditions"]),
        "condition_implications": condition_implications(t["pledges"], t["conditions"], t["condition_types"]),
        "disagreements": disagreements(t),
        "open_questions": open_questions(t),
    }
    summary = key_figures(t) | {"as_of": as_of, "changes": changes_since(t, as_of, previous)}
    return tables, summary


def read_previous(previous_edition: str) -> Tables | None:
    """The previous edition's processed tables, or None when there is no previous edition."""
    folder = Path(previous_edition) / "processed" if previous_edition else None
    if folder is None or not folder.is_dir():
        return None
    return clean.read_processed(folder)


def write_analysis(tables: dict[str, pd.DataFrame], summary: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write analysis tables (JSON records, so list cells survive) and key_figures.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = out_dir / f"{name}.json"
        df.to_json(path, orient="records", date_format="iso", indent=1)
        written.append(path)
    path = out_dir / "key_figures.json"
    path.write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    return [*written, path]


def read_analysis(out_dir: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Read what :func:`write_analysis` wrote."""
    summary = json.loads((out_dir / "key_figures.json").read_text(encoding="utf-8"))
    tables = {}
    for path in sorted(out_dir.glob("*.json")):
        if path.stem == "key_figures":
            continue
        df = pd.read_json(path, orient="records", dtype=False)
        for col in ("first_reported", "reported_date"):
            if col in df:
                df[col] = pd.to_datetime(df[col])
        tables[path.stem] = df
    return tables, summary
