"""Where sources disagree or a stance changed, each with its dated claims side by side (and the analyst's tensions).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import fmt
from helpers.analysis.standings import CONDITIONAL_STAGE, Tables, flagged


def _claim_line(date_label: str, text: str, source_id: str) -> str:
    return f"{date_label}: {text} ({source_id})"


def ranges_overlap(lows: pd.Series, highs: pd.Series) -> bool:
    """True when one value lies within every stated range (a blank high is open-ended, a blank low is 0).

    "At least 3", "several" (3 or more) and "19" overlap; "about 24" and "about 200" do not.
    """
    return float(lows.fillna(0).max()) <= float(highs.fillna(float("inf")).min())


def _groups(df: pd.DataFrame, keys: list[str], wanted: pd.Index) -> list[tuple[tuple, pd.DataFrame, list[Any]]]:
    """The groups of ``df`` by ``keys`` whose key is in ``wanted``, in key order, each with its rows as tuples.

    The rows are read in one pass over the flagged rows: pandas reads a frame's columns one at a time, so
    ``itertuples`` on each small group cost 18,000 column reads (most of this function's time at 100x data).
    """
    if len(wanted) == 0:
        return []
    flagged_rows = df[pd.MultiIndex.from_frame(df[keys]).isin(wanted)]
    rows = list(flagged_rows.itertuples())
    return [(key, flagged_rows.iloc[positions], [rows[i] for i in positions])
            for key, positions in sorted(flagged_rows.groupby(keys, sort=True).indices.items())]


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
    on = ~(flagged(p["withdraws"]) if "withdraws" in p else ~p["on_ladder"].fillna(True).astype(bool))
    cond = p["stage"] == CONDITIONAL_STAGE
    pos = pd.Series(range(len(p)), index=p.index)
    n_amounts = amount.where(amount != "-1.0|-1.0").groupby([p[k] for k in keys]).nunique()
    last_off = pos[~on].groupby([p.loc[~on, k] for k in keys]).max().reindex(n_amounts.index)
    first_on = pos[on & ~cond].groupby([p.loc[on & ~cond, k] for k in keys]).min().reindex(n_amounts.index)
    last_cond = pos[cond].groupby([p.loc[cond, k] for k in keys]).max().reindex(n_amounts.index)
    moved_off = (last_off > first_on).fillna(False)
    conditioned = (last_cond > first_on).fillna(False) & ~moved_off
    flagged_keys = n_amounts.index[(n_amounts > 1) | moved_off | conditioned]
    for key, g, g_rows in _groups(p, keys, flagged_keys):
        lines = [_claim_line(r.reported_label, f"{fmt.lower_first(r.stage_label)}, {r.amount_label}" if pd.notna(r.amount_low) or pd.notna(r.amount_high)
                             else fmt.lower_first(r.stage_label), r.source_id)
                 for r in g_rows]
        own_since = "voice" in g and g["voice"].iloc[-1] == "own" and (g["voice"].iloc[:-1] != "own").any()
        kind = ("Stance changed" if moved_off[key] else
                ("Its own word since" if own_since else "Conditions added") if conditioned[key] else "Figures differ")
        rows.append({"kind": kind, "actor_name": key[0], "subject": key[1], "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"]),
                     "reading": ""})
    f = t["figures"].sort_values(["reported_date", "figure_id"]).assign(holder=lambda d: d["actor_name"].replace("", "-"))
    value = f["value_low"].fillna(-1).astype(str) + "|" + f["value_high"].fillna(-1).astype(str)
    by = [f["metric_label"], f["holder"]]
    flagged_keys = value.groupby(by).nunique().pipe(lambda n: n.index[(n > 1) & (f.groupby(by)["source_id"].nunique() > 1)])
    for (metric, actor), g, g_rows in _groups(f, ["metric_label", "holder"], flagged_keys):
        # the report's words beside the label, unless the label already is them ("several (number not stated)")
        lines = [_claim_line(r.reported_label, r.value_label if str(r.value_text) in r.value_label else f"{r.value_label} (\"{r.value_text}\")",
                             r.source_id) for r in g_rows]
        kind = "Counts differ but can all be true" if ranges_overlap(g["value_low"], g["value_high"]) else "Figures differ"
        rows.append({"kind": kind, "actor_name": "" if actor == "-" else actor, "subject": metric, "claims": lines, "quotes": g["quote"].tolist(), "sources": fmt.cite(g["source_id"]),
                     "reading": ""})
    po = t["positions"].sort_values(["reported_date", "position_id"])
    n_directions = po.groupby(["actor_name", "topic_label"])["direction"].nunique()
    for (actor, topic), g, g_rows in _groups(po, ["actor_name", "topic_label"], n_directions.index[n_directions > 1]):
        lines = [_claim_line(r.reported_label, f"{fmt.lower_first(r.direction_label)}: {r.summary}", r.source_id) for r in g_rows]
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
