"""The findings of one edition: every count, list and date the views print, each with its sources.

:func:`key_figures` gathers them into one JSON-ready dict (``analysis/key_figures.json``), read by the
briefing's text, the captions, the judgements' checks and the editions page alike.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import fmt
from helpers.analysis.standings import (
    OFFERED_RANK, WILLING_RANK, Tables, condition_list, contributors, flagged, latest_positions, origin, origins, outside_support, standings,
    would_be_contributors,
)
from helpers.analysis.tables import plan

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
    happened = events[~flagged(events["plan"])] if "plan" in events else events
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
        "conditions_named": condition_list(conds[conds["actor_id"].isin(willing_states) & conds["applies_to"].ne("taking_part")]) if len(conds) else [],
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


def territory(figures: pd.DataFrame) -> list[dict[str, Any]]:
    """Each side's stated share of Gaza (latest claim per side)."""
    shares = figure_claims(figures, "territory_controlled_share").drop_duplicates("actor_id")
    names = figures.set_index("actor_id")["actor_name"].to_dict()
    return [{"actor": names.get(r.actor_id, r.actor_id), "share": r.value_label, "value": r.value_low,
             "source_id": r.source_id, "reported_date": r.reported_label, "confidence": r.confidence, "via": r.via_outlet}
            for r in shares.itertuples()]
