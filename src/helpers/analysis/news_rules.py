"""The rules that sort each new claim into a kind of news, or into what is not new, table by table.

Every rule takes the new rows of one table (``news.new_claims``) and what the previous edition held, and
returns items (``news.NewsItem``); :func:`helpers.analysis.changes.news_items` runs them all.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd

from helpers import fmt
from helpers.analysis.standings import OFFERED_RANK, latest_stance, standings
from helpers.analysis.cells import Tables, cell_text, flag, iso_or_none, label_of, number_text, py_value, table, unnamed_relay
from helpers.analysis.news import KINDS, STATE_KINDS, Basis, Context, NewsItem, basis_of, event_end, merge, new_item
from helpers.analysis.news_words import UNSPECIFIED, condition_clause, contribution_words, pledge_sentence, standing_words
from helpers.data.datapackage import claim_id_columns

CONDITIONAL_STAGE = "conditional"
REFUSALS: dict[str, str] = {"declined": "refusal", "withdrawn": "withdrawal"}
# Counts of contributors and of countries asked (metrics.csv): a new or revised one is a "count".
COUNT_METRICS: frozenset[str] = frozenset({"countries_approached", "countries_willing", "countries_in_talks", "countries_committed_formally"})
# A state's stance on its own taking part that holds it back is a move of that state, like a condition.
OWN_PART_TOPIC = "isf_participation"
HOLDING_BACK: frozenset[str] = frozenset({"opposes", "conditional", "not_ready"})
# Status values that make a condition or an open question news when they change to them.
STATUS_NEWS: dict[str, dict[str, str]] = {
    "conditions": {"met": "condition_met", "lapsed": "condition_lapsed"},
    "open_questions": {"answered": "question_answered"},
}
# Columns that may hold actor ids ("; "-separated lists included).
ACTOR_ID_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id", "other_actor_ids")


def _latest(df: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict[str, Any]]:
    """The latest claim per key (as the briefing picks it: analysis.latest_stance), as key -> row."""
    if df.empty or not {*keys, "reported_date", "confidence"} <= set(df.columns):
        return {}
    filled = df.assign(**{k: df[k].fillna("").astype(str) for k in keys})
    latest = latest_stance(filled, filled["reported_date"].max(), tuple(keys))
    return {tuple(r[k] for k in keys): r for r in latest.to_dict("records")}


def previous_standings(previous: Tables) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, dict[str, Any]]]:
    """Where each actor stood in the previous edition (``analysis.standings``): per contribution, and its strongest.

    Args:
        previous: the previous edition's processed tables.

    Returns:
        ((actor_id, contribution_type) -> standing row, actor_id -> its strongest standing on a contribution
        to the force, ties to the first in standings' order).
    """
    pledges = table(previous, "pledges")
    if pledges.empty:
        return {}, {}
    standing = standings(pledges, table(previous, "conditions"))
    pairs = {(r["actor_id"], r["contribution_type"]): r for r in standing.to_dict("records")}
    force = standing[standing["part_of_force"].map(lambda v: flag(v) or v is True) & standing["rank"].notna()]
    best = force.sort_values("rank", ascending=False, kind="stable").drop_duplicates("actor_id")
    return pairs, {r["actor_id"]: r for r in best.to_dict("records")}


def classify_pledge(r: dict[str, Any], pairs: dict[tuple[str, str], dict[str, Any]], best: dict[str, dict[str, Any]],
                    seen: dict[tuple[str, ...], dict[str, Any]], ctx: Context) -> tuple[str, Basis | None, dict[str, Any] | None]:
    """The kind of one new pledge, judged against the actor's standing in the previous edition.

    Args:
        r: the new pledge row.
        pairs: (actor, contribution) -> previous standing (:func:`previous_standings`).
        best: actor -> its strongest previous standing on a contribution to the force.
        seen: (actor, contribution, stage) and (actor, contribution, stage, low, high) -> the first earlier
            claim that gave them.
        ctx: the comparison's context.

    Returns:
        (kind, basis for an item that is not new, the previous standing on the same contribution or None).
    """
    actor, contribution, stage = cell_text(r.get("actor_id")), cell_text(r.get("contribution_type")), cell_text(r.get("stage"))
    rank = py_value(r.get("stage_rank"))
    rank = None if rank is None or rank == "" else float(rank)
    pair = pairs.get((actor, contribution))
    pair_rank = None if pair is None or py_value(pair.get("rank")) is None else float(pair["rank"])
    renewed = pair is not None and pair_rank is None and rank is not None  # back on the ladder after a withdrawal
    stated = (number_text(r.get("amount_low")), number_text(r.get("amount_high")))
    earlier = seen.get((actor, contribution, stage, *stated)) if any(stated) else seen.get((actor, contribution, stage))
    if earlier is not None and not renewed:
        return "repeat", basis_of(earlier["source_id"], earlier["reported_date"], ctx, cell_text(earlier.get("stage_label")).lower()), pair
    if stage == CONDITIONAL_STAGE:
        return "condition", None, pair
    if rank is None:
        return REFUSALS.get(stage, "ladder"), None, pair
    if pair_rank is not None and rank <= pair_rank and (actor, contribution, stage) not in seen:
        return "weaker", basis_of(pair["basis_source"], pair["basis_date"], ctx, standing_words(pair)), pair
    if pair_rank is not None and rank <= pair_rank:  # the same stage with a new figure
        return ("offer" if rank >= OFFERED_RANK else "ladder"), None, pair
    top = best.get(actor)
    if contribution == UNSPECIFIED and top is not None and rank <= float(top["rank"]):
        return "weaker", basis_of(top["basis_source"], top["basis_date"], ctx, standing_words(top)), pair
    return ("offer" if rank >= OFFERED_RANK else "ladder"), None, pair


def pledge_news(new: pd.DataFrame, previous: Tables, ctx: Context) -> list[NewsItem]:
    """One item per new pledge or request; one report's same move by one actor (or one request to several) is one item.

    Args:
        new: new pledge rows (from :func:`new_claims`).
        previous: the previous edition's tables (its standings and pledges).
        ctx: the comparison's context.

    Returns:
        Items of kind offer, refusal, withdrawal, condition (a "will only if"), ladder, repeat or weaker;
        ``old``/``new`` are stage codes (``old`` = the standing compared with).
    """
    if new.empty:
        return []
    pairs, best = previous_standings(previous)
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    old = table(previous, "pledges")
    for r in (old.sort_values(["reported_date", "pledge_id"]).to_dict("records") if len(old) else []):
        key = (cell_text(r.get("actor_id")), cell_text(r.get("contribution_type")), cell_text(r.get("stage")))
        seen.setdefault(key, r)
        seen.setdefault((*key, number_text(r.get("amount_low")), number_text(r.get("amount_high"))), r)
    items = []
    for r in new.to_dict("records"):
        kind, basis, standing = classify_pledge(r, pairs, best, seen, ctx)
        stage = cell_text(r.get("stage"))
        said = "offered_reportedly" if stage == "offered_public" and unnamed_relay(r.get("confidence"), r.get("via_outlet")) else stage
        text = pledge_sentence([cell_text(r.get("actor_id"))], said, [contribution_words(r)], ctx, cell_text(r.get("requested_by")))
        noted = kind in KINDS and standing is not None
        text += f" (before: {cell_text(standing.get('stage_label')).lower()})" if noted else ""
        items.append(new_item(kind, "pledges", r, "pledge_id", ctx, text, subject=cell_text(r.get("contribution_type")),
                           old=cell_text(standing.get("stage")) if standing else None, new=stage, basis=basis,
                           value_low=r.get("amount_low"), value_high=r.get("amount_high"),
                           _row={"actor_id": cell_text(r.get("actor_id")), "stage": stage, "contribution": contribution_words(r),
                                 "requested_by": cell_text(r.get("requested_by")), "noted": noted, "quote": cell_text(r.get("quote"))}))

    def key(i: NewsItem) -> Hashable | None:
        row = i["_row"]  # type: ignore[typeddict-item]
        # items with a note of their own, or a figure, stay alone: a merged sentence would drop them
        if not i["news"] or row["noted"] or i["value_low"] is not None or i["value_high"] is not None:
            return None
        if row["stage"] == "approached" and row["requested_by"]:
            return ("ask", row["requested_by"], row["contribution"], i["source_id"], i["late"], i["kind"])
        return ("move", row["actor_id"], row["stage"], i["source_id"], i["late"], i["kind"])

    def compose(group: list[NewsItem]) -> str:
        rows = [g["_row"] for g in group]  # type: ignore[typeddict-item]
        # one sentence of a report covering several kinds ("troops, equipment or logistical support") is an "or"
        one_passage = len({r["quote"] for r in rows}) == 1
        return pledge_sentence(list(dict.fromkeys(r["actor_id"] for r in rows)), rows[0]["stage"],
                               [r["contribution"] for r in rows], ctx, rows[0]["requested_by"], "or" if one_passage else "and")

    return merge(items, key, compose)


def condition_news(new: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new condition (:func:`merge_conditions` then makes one actor's conditions in one report one item).

    Args:
        new: new condition rows.
        previous: the previous edition's conditions (a condition an earlier report gave is "reported again").
        ctx: the comparison's context.

    Returns:
        Items of kind condition, condition_met, condition_lapsed or repeat; ``new`` is the condition type.
    """
    if new.empty:
        return []
    keys = ["actor_id", "condition_type", "applies_to"]
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    if len(previous) and set(keys) <= set(previous.columns):
        for r in previous.sort_values(["reported_date", "condition_id"]).to_dict("records"):
            seen.setdefault(tuple(cell_text(r.get(k)) for k in keys), r)
    items = []
    for r in new.to_dict("records"):
        earlier = seen.get(tuple(cell_text(r.get(k)) for k in keys))
        kind = "repeat" if earlier else STATUS_NEWS["conditions"].get(cell_text(r.get("status")), "condition")
        who = ctx.name(cell_text(r.get("actor_id")))
        text = condition_clause([r], ctx, who) + (f" (now {cell_text(r.get('status'))})" if kind in ("condition_met", "condition_lapsed") else "")
        basis = basis_of(earlier["source_id"], earlier["reported_date"], ctx, fmt.lower_first(label_of(earlier, "condition_type"))) if earlier else None
        items.append(new_item(kind, "conditions", r, "condition_id", ctx, text, subject=cell_text(r.get("condition_type")),
                           new=cell_text(r.get("condition_type")), basis=basis, _row=r))
    return items


def merge_conditions(items: list[NewsItem], ctx: Context) -> list[NewsItem]:
    """One actor's new conditions from one report as one item: "Azerbaijan will deploy troops only after ... and with ..."."""
    def key(i: NewsItem) -> Hashable | None:
        return (i["actor_id"], i["source_id"], i["late"], i["kind"]) if i["kind"] == "condition" else None

    def compose(group: list[NewsItem]) -> str:
        return condition_clause([g["_row"] for g in group], ctx, ctx.name(group[0]["actor_id"]))  # type: ignore[typeddict-item]

    return merge(items, key, compose)


def attach_conditions(pledges: list[NewsItem], conditions: list[NewsItem], ctx: Context) -> tuple[list[NewsItem], list[NewsItem]]:
    """New conditions tied to a new pledge of the same report (``pledge_id``) told with it, as one item.

    "Will only if" (a conditional pledge) becomes the conditions' sentence; an offer keeps its sentence
    and adds "; they will deploy troops only inside Israeli-controlled areas". The item takes the
    stronger (lower) weight of the two.

    Args:
        pledges: pledge items.
        conditions: condition items.
        ctx: the comparison's context.

    Returns:
        (pledge items, the condition items not attached).
    """
    owner = {c: i for i, p in enumerate(pledges) if p["news"] for c in p["claim_ids"]}
    rest: list[NewsItem] = []
    attached: dict[int, list[NewsItem]] = {}
    for c in conditions:
        rows = [c["_row"]] if c["news"] else []  # type: ignore[typeddict-item]
        target = owner.get(cell_text(rows[0].get("pledge_id"))) if rows else None
        if target is not None and pledges[target]["source_id"] == c["source_id"] and pledges[target]["late"] == c["late"]:
            attached.setdefault(target, []).append(c)
        else:
            rest.append(c)
    out = []
    for i, p in enumerate(pledges):
        if i in attached:
            conds = attached[i]
            p = dict(p)  # type: ignore[assignment]
            rows = [c["_row"] for c in conds]  # type: ignore[typeddict-item]
            actors = [p["actor_id"]]
            subject = ctx.name(p["actor_id"])
            if p["new"] == CONDITIONAL_STAGE:
                before = p["text"][p["text"].find(" (before:"):] if " (before:" in p["text"] else ""
                p["text"] = condition_clause(rows, ctx, subject) + before
            else:
                p["text"] += "; " + condition_clause(rows, ctx, "they" if ctx.plural(actors) else "it")
            p["claim_ids"] = [*p["claim_ids"], *(c for k in conds for c in k["claim_ids"])]
            strongest = min([p, *conds], key=lambda x: x["weight"] or 99)
            p.update(kind=strongest["kind"], weight=strongest["weight"], group=strongest["group"])  # type: ignore[typeddict-item]
        out.append(p)
    return out, rest


def position_news(new: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new position; one actor's stances on one topic in one report are one item.

    Args:
        new: new position rows.
        previous: the previous edition's positions (the actor's latest stance on the topic is compared).
        ctx: the comparison's context.

    Returns:
        Items of kind holding_back, stance_change, position or repeat; ``old``/``new`` are direction codes.
    """
    if new.empty:
        return []
    latest = _latest(previous, ["actor_id", "topic"])
    items = []
    for r in new.to_dict("records"):
        actor, topic, direction = cell_text(r.get("actor_id")), cell_text(r.get("topic")), cell_text(r.get("direction"))
        before = latest.get((actor, topic))
        old = cell_text(before.get("direction")) if before else ""
        kind_of_actor = ctx.kinds.get(actor, cell_text(r.get("actor_kind")))
        if old == direction:
            kind = "repeat"
        elif topic == OWN_PART_TOPIC and direction in HOLDING_BACK and kind_of_actor in STATE_KINDS:
            kind = "holding_back"
        elif old and kind_of_actor != "unnamed_group":
            kind = "stance_change"
        else:
            kind = "position"
        summary = cell_text(r.get("summary"))
        said = fmt.lower_first(summary) if summary else f"{label_of(r, 'direction').lower()} on {label_of(r, 'topic')}"
        # a stance the report attributes to others (a relay, unnamed officials) is said as reported, never as the
        # actor's word; an outlet's flat statement stays flat
        if (cell_text(r.get("voice")) not in ("", "own") and cell_text(r.get("confidence")) in ("relayed", "anonymous_officials")
                and "reportedly" not in said):
            said = f"reportedly {said}"
        text = f"{ctx.name(actor)}: {said}" + (f" (before: {cell_text(before.get('direction_label')).lower()})" if old and old != direction else "")
        basis = basis_of(before["source_id"], before["reported_date"], ctx, fmt.lower_first(cell_text(before.get("summary")))) if kind == "repeat" and before else None
        items.append(new_item(kind, "positions", r, "position_id", ctx, text, subject=topic, old=old or None, new=direction, basis=basis,
                           _row={"said": said}))

    def key(i: NewsItem) -> Hashable | None:
        return (i["actor_id"], i["subject"], i["source_id"], i["late"], i["kind"]) if i["kind"] == "position" else None

    def compose(group: list[NewsItem]) -> str:
        return f"{ctx.name(group[0]['actor_id'])}: " + "; ".join(dict.fromkeys(g["_row"]["said"] for g in group))  # type: ignore[typeddict-item]

    return merge(items, key, compose)


def figure_news(new: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new figure: a count of contributors or countries asked ranks above other figures.

    Args:
        new: new figure rows.
        previous: the previous edition's figures (its latest value of the metric, for the same actor).
        ctx: the comparison's context.

    Returns:
        Items of kind count, figure or repeat (the same value again), with value_low/value_high and
        ``old``/``new`` value labels.
    """
    if new.empty:
        return []
    value = "value_label" if "value_label" in new else "value_text"
    latest = _latest(previous, ["metric", "actor_id"])
    items = []
    for r in new.to_dict("records"):
        before = latest.get((cell_text(r.get("metric")), cell_text(r.get("actor_id"))))
        shown, old = cell_text(r.get(value)), cell_text(before.get(value)) if before else ""
        kind = "repeat" if old and old == shown else "count" if cell_text(r.get("metric")) in COUNT_METRICS else "figure"
        who = cell_text(r.get("actor_name"))
        # a new count is told on its own: counts from different reports often count different things ("19 willing to give
        # troops, equipment or logistics" against "several that insist on a mandate"), so no "before" beside it
        before_note = f" (before: {old})" if old and old != shown and kind != "count" else ""
        text = f"{label_of(r, 'metric')}{f' ({who})' if who else ''}: {shown}" + before_note
        basis = basis_of(before["source_id"], before["reported_date"], ctx, old) if kind == "repeat" and before else None
        items.append(new_item(kind, "figures", r, "figure_id", ctx, text, subject=cell_text(r.get("metric")), old=old or None, new=shown,
                           value_low=r.get("value_low"), value_high=r.get("value_high"), basis=basis))
    return items


def event_news(new: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new event: milestones (event_types.csv) first; what happened before the previous edition's newest report is background.

    An event counts as background only when it had surely happened before that report's date (a month's
    or a week's last day is before it), so a milestone dated on the previous edition's own day, and first
    reported after it, is news.

    Args:
        new: new event rows.
        ctx: the comparison's context (``previous_info``: the previous edition's information date).

    Returns:
        Items of kind milestone, event, plan or background; ``subject`` is the event's own date.
    """
    items = []
    cutoff = pd.Timestamp(ctx.previous_info["date"]) if ctx.previous_info and ctx.previous_info.get("date") else None
    for r in new.to_dict("records"):
        date, precision = py_value(r.get("event_date")), cell_text(r.get("event_date_precision")) or "day"
        end = event_end(date, precision)
        if cutoff is not None and end is not None and end < cutoff:
            kind = "background"
        elif flag(r.get("plan")):
            kind = "plan"  # the plan as a report describes it: undated, apart from what happened
        else:
            kind = "milestone" if flag(r.get("milestone")) else "event"
        # The event's own date, when it says more than the report's date beside it.
        when = fmt.date_label(date, precision) if iso_or_none(date) != iso_or_none(r.get("reported_date")) else ""
        text = cell_text(r.get("title")) + (f" ({when})" if when else "")
        basis = (basis_of(ctx.previous_info["source_id"], ctx.previous_info["date"], ctx, ctx.previous_info["label"])
                 if kind == "background" and ctx.previous_info else None)
        items.append(new_item(kind, "events", r, "event_id", ctx, text, subject=iso_or_none(date) or "", new=cell_text(r.get("event_type")),
                           sort_date=iso_or_none(date) or iso_or_none(r.get("reported_date")) or "", basis=basis))
    return items


def question_news(new: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per open question raised (or recorded as answered, when a ``status`` column says so)."""
    items = []
    for r in new.to_dict("records"):
        kind = "question_answered" if cell_text(r.get("status")) in STATUS_NEWS["open_questions"] else "question"
        text = ("Answered: " if kind == "question_answered" else "Open question: ") + cell_text(r.get("question"))
        items.append(new_item(kind, "open_questions", r, "question_id", ctx, text, subject=cell_text(r.get("topic"))))
    return items


def status_news(table: str, current: pd.DataFrame, previous: pd.DataFrame, ctx: Context, events: pd.DataFrame | None = None,
                claims: pd.DataFrame | None = None) -> list[NewsItem]:
    """Claims kept from the previous edition whose ``status`` moved to met, lapsed or answered.

    The conditions one event meets (a resolution adopted meets every "UN mandate" condition) are one item.

    Args:
        table: "conditions" or "open_questions".
        current: this edition's table.
        previous: the previous edition's table.
        ctx: the comparison's context.
        events: this edition's events: a status backed by ``status_event_id`` is dated and cited by that event.
        claims: this edition's claims: an answered question is told with its answer (``answered_by``), dated and
            cited by the answer's report.

    Returns:
        Items dated and cited by the event that reports the new status when there is one, else by
        ``status_date`` when the data has it, else undated (the report date would overstate).
    """
    id_col = claim_id_columns()[table]
    if "status" not in current or "status" not in previous or current.empty or previous.empty:
        return []
    before = previous.set_index(id_col)["status"].map(cell_text)
    now = current[current[id_col].isin(before.index)]
    moved = now[now["status"].map(cell_text).isin(list(STATUS_NEWS[table])) & (now["status"].map(cell_text) != now[id_col].map(before))]
    items = []
    for r in moved.to_dict("records"):
        kind, status = STATUS_NEWS[table][cell_text(r["status"])], cell_text(r["status"])
        if table == "conditions":
            text = f"The condition “{label_of(r, 'condition_type')}” set by {ctx.name(cell_text(r.get('actor_id')))} is now {status}"
        else:
            text = f"Answered: {cell_text(r.get('question'))}"
        item = new_item(kind, table, r, id_col, ctx, text, old=before[r[id_col]] or None, new=status, subject=cell_text(r.get("condition_type")))
        item["date"], item["date_label"] = iso_or_none(r.get("status_date")), fmt.date_label(r.get("status_date"))
        item["sort_date"] = item["date"] or ""
        item["late"] = False
        answer = cell_text(r.get("answered_by"))
        if claims is not None and answer and answer in set(claims.get("claim_id", [])):
            a = claims[claims["claim_id"] == answer].iloc[0]
            # the answer is the news: its words, its report and its date, not the question's
            who = ctx.name(cell_text(a.get("actor_id"))) if cell_text(a.get("actor_id")) else ""
            item.update(text=f"Answered: {cell_text(r.get('question'))} {who + ': ' if who else ''}{cell_text(a['summary'])}",
                        source_id=cell_text(a["source_id"]), date=iso_or_none(a["reported_date"]), sort_date=iso_or_none(a["reported_date"]) or "",
                        date_label=fmt.date_label(a["reported_date"], ctx.precision.get(cell_text(a["source_id"]), "day")))
        event = cell_text(r.get("status_event_id"))
        if events is not None and event and event in set(events.get("event_id", [])):
            e = events[events["event_id"] == event].iloc[0]
            # the report of the event that met (or lapsed) it is the news' source, not the condition's own report
            item.update(source_id=cell_text(e["source_id"]), date=iso_or_none(e["reported_date"]), sort_date=iso_or_none(e["event_date"]) or "",
                        date_label=fmt.date_label(e["reported_date"], ctx.precision.get(cell_text(e["source_id"]), "day")))
        item["_row"] = {"event": event, "actor": cell_text(r.get("actor_id")), "what": label_of(r, "condition_type")}  # type: ignore[typeddict-unknown-key]
        items.append(item)

    def key(i: NewsItem) -> Hashable | None:
        event = i["_row"]["event"]  # type: ignore[typeddict-item]
        return (event, i["subject"], i["new"], i["source_id"]) if table == "conditions" and event else None

    def compose(group: list[NewsItem]) -> str:
        who = fmt.names([ctx.name(g["_row"]["actor"]) for g in group])  # type: ignore[typeddict-item]
        return f"The condition “{group[0]['_row']['what']}” set by {who} is now {group[0]['new']}"  # type: ignore[typeddict-item]

    return merge(items, key, compose)


def source_news(current: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per report new in this edition, dated by its publication date; never "added late".

    A new report published before the previous edition's newest report says so ("published before the
    previous edition's newest report"): it is new to readers, and its claims are judged like any other.

    Args:
        current: this edition's sources.
        previous: the previous edition's sources.
        ctx: the comparison's context.

    Returns:
        Items of kind source; ``claim_id`` and ``source_id`` are the source id.
    """
    if current.empty:
        return []
    new = current[~current["source_id"].isin(set(previous.get("source_id", [])))]
    cutoff = ctx.previous_info["date"] if ctx.previous_info and ctx.previous_info.get("date") else ""
    items = []
    for r in new.to_dict("records"):
        outlet = cell_text(r.get("outlet"))
        outlet = "outlet not named" if outlet.startswith("Outlet not named") else outlet
        title = cell_text(r.get("title"))
        older = bool(cutoff) and iso_or_none(r.get("published")) is not None and iso_or_none(r.get("published")) < cutoff
        row = {"source_id": r["source_id"], "reported_date": r.get("published"), "_late": False}
        text = f"New report: {outlet}" + (f", “{title}”" if title else "")
        may_postdate = False
        if older:
            latest = iso_or_none(r.get("published_latest"))
            may_postdate = bool(ctx.previous_as_of) and latest is not None and latest > ctx.previous_as_of
            text += (f" (dated {fmt.date_label(r.get('published'), cell_text(r.get('date_precision')) or 'day')} but possibly as late as "
                     f"{fmt.date_label(latest)}, so the previous edition could not use it; its claims are listed apart)" if may_postdate else
                     f" (published before the previous edition's newest report of {ctx.previous_info['label']}; newly added; its claims "
                     "are listed apart)")
        subject = ("may_postdate" if may_postdate else "older") if older else ""
        items.append(new_item("source", "sources", row, "source_id", ctx, text, subject=subject, claim_ids=[]))
    return items


def actor_mentions(tables: Tables) -> pd.DataFrame:
    """Every actor id named by a claim in any actor column, lists ("HAMAS; USA") split.

    Args:
        tables: an edition's processed tables.

    Returns:
        Columns actor_id, table, claim_id, source_id, reported_date; one row per mention.
    """
    frames = []
    for name, id_col in claim_id_columns().items():
        df = table(tables, name)
        cols = [c for c in df.columns if c in ACTOR_ID_COLUMNS or c.endswith(("_actor_id", "_actor_ids"))]
        for col in cols:
            part = df[[id_col, col, "source_id", "reported_date"]].rename(columns={id_col: "claim_id", col: "actor_id"})
            frames.append(part.assign(table=name, actor_id=part["actor_id"].fillna("").astype(str).str.split(";")))
    if not frames:
        return pd.DataFrame(columns=["actor_id", "table", "claim_id", "source_id", "reported_date"])
    long = pd.concat(frames, ignore_index=True).explode("actor_id")
    long["actor_id"] = long["actor_id"].fillna("").str.strip()
    return long[long["actor_id"] != ""][["actor_id", "table", "claim_id", "source_id", "reported_date"]]


def actor_news(current: Tables, previous: Tables, ctx: Context, late_ids: set[str] = frozenset()) -> list[NewsItem]:
    """Actors named for the first time, in any actor column: one item per report, cited by it.

    Args:
        current: this edition's tables.
        previous: the previous edition's tables.
        ctx: the comparison's context.
        late_ids: ids of new claims added late (an actor first named in one is marked late too).

    Returns:
        Items of kind actor; ``actor_id`` is the first new actor, ``claim_id`` the first claim naming it.
    """
    now, before = actor_mentions(current), actor_mentions(previous)
    new = now[~now["actor_id"].isin(set(before["actor_id"]))].sort_values(["reported_date", "claim_id", "actor_id"])
    first = new.drop_duplicates("actor_id")
    # claim_ids stays empty: the claims that name the actors are items of their own
    items = [new_item("actor", r["table"], r | {"_late": r["claim_id"] in late_ids}, "claim_id", ctx, f"Named for the first time: {ctx.name(r['actor_id'])}",
                   _row={"name": ctx.name(r["actor_id"])}, actor_id=r["actor_id"], named=3, claim_ids=[]) for r in first.to_dict("records")]
    return merge(items, lambda i: (i["source_id"], i["late"]),
                  lambda g: "Named for the first time: " + fmt.names([i["_row"]["name"] for i in g], limit=40))  # type: ignore[typeddict-item]
