"""The news model: what an item of "what changed" is, how kinds of news rank, and the comparison's context.

The rules that sort each new claim into a kind are in :mod:`helpers.analysis.news_rules`; the whole
comparison in :mod:`helpers.analysis.changes`. The model and its reasons are in the codebook ("What
changed: news, ranked").
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

import pandas as pd

from helpers import fmt
from helpers.analysis.findings import information_date
from helpers.analysis.cells import Tables, cell_text, iso_or_none, precisions, py_value, table

STATE_KINDS: frozenset[str] = frozenset({"state", "state_body"})


class Kind(NamedTuple):
    """How a kind of news ranks (lower weight = told first) and under which heading the rest is grouped."""

    weight: int
    group: str


# The news model (codebook, "What changed: news, ranked"). Lower weight = told first.
KINDS: dict[str, Kind] = {
    "milestone": Kind(1, "events"),            # a step of the process: resolution, ceasefire, coordination centre
    "offer": Kind(2, "offers"),                # a new offer (offered or beyond), above where the actor stood
    "refusal": Kind(2, "offers"),              # the actor says it will not contribute
    "withdrawal": Kind(2, "offers"),           # an offer taken back
    "condition": Kind(2, "conditions"),        # a new condition, or "will only if"
    "holding_back": Kind(2, "positions"),      # a state's own word that holds its part back ("not yet ready")
    "condition_met": Kind(3, "conditions"),
    "condition_lapsed": Kind(3, "conditions"),
    "question_answered": Kind(5, "questions"),  # an open question a later claim answers: like a stance settled
    "count": Kind(4, "figures"),               # a new or revised count of contributors or of countries asked
    "stance_change": Kind(5, "positions"),     # a named actor's stance on a topic differs from its last one
    "ladder": Kind(6, "offers"),               # other moves: named, asked, willing, not expected
    "position": Kind(7, "positions"),          # a first stance on a topic, or an unnamed group's change
    "figure": Kind(8, "figures"),              # any other figure
    "event": Kind(9, "events"),
    "plan": Kind(9, "plan"),                    # a description of the plan (event_types.plan): the force's form and tasks
    "question": Kind(10, "questions"),
    "source": Kind(11, "sources"),
    "actor": Kind(11, "sources"),
}


# Not news: shown apart, counted, never ranked.
NOT_NEWS: dict[str, str] = {
    "repeat": "reported again",
    "weaker": "weaker than where the actor already stands",
    "background": "background newly reported",
    # a claim from a report new to this edition but older than the previous edition's newest report (a report
    # curated late, or one whose uncertain date kept it out of the previous edition): shown, never headline news
    "older_report": "from a report older than the previous edition's newest",
}


# Reader headings of the groups, in the order the section lists them.
GROUPS: dict[str, str] = {
    "offers": "Offers and requests",
    "conditions": "Conditions",
    "positions": "Positions",
    "figures": "Figures",
    "events": "Events",
    "plan": "The plan as reported",
    "questions": "Open questions",
    "sources": "Reports and actors named for the first time",
}


class Basis(TypedDict):
    """What a claim that is not new was compared with: the earlier claim (or report) and how it reads."""

    source_id: str
    date_label: str
    label: str


class NewsItem(TypedDict):
    """One item of "what changed": news (``news`` true, ranked by ``weight``) or not new (``weight`` None).

    ``claim_ids`` lists every new claim the item stands for (one report's claims that say one thing are
    one item); ``claim_id`` is the first. ``old``/``new`` hold codes or value labels of the kind
    (stage, direction, figure, status), None when not used; ``basis`` is set for items that are not new.
    """

    kind: str
    weight: int | None
    group: str
    news: bool
    table: str
    claim_id: str
    claim_ids: list[str]
    source_id: str
    date: str | None
    date_label: str
    sort_date: str
    late: bool
    actor_id: str
    named: int
    subject: str
    old: str | None
    new: str | None
    value_low: float | None
    value_high: float | None
    text: str
    basis: Basis | None


def named_order(kind: str) -> int:
    """Tie order of who an item is about: 0 a named state (or its body), 1 another named actor, 2 an unnamed group, 3 none."""
    return 0 if kind in STATE_KINDS else 2 if kind == "unnamed_group" else 3 if not kind else 1


def event_end(date: Any, precision: str) -> pd.Timestamp | None:
    """The last day an event dated this way can have happened: a month's last day, a week's seventh."""
    if py_value(date) is None or date == "":
        return None
    day = pd.Timestamp(date)
    if precision == "month":
        return day + pd.offsets.MonthEnd(0)
    return day + pd.Timedelta(days=6) if precision == "week" else day


@dataclass
class Context:
    """What every classifier needs about the two editions.

    Attributes:
        precision: source_id -> the report's date precision.
        kinds: actor_id -> kind of actor (state, state_body, unnamed_group, ...).
        names: actor_id -> name.
        previous_info: the previous edition's information date (its newest report) and that report, or None.
        old_sources: source ids of the previous edition.
        previous_as_of: the previous edition's date, YYYY-MM-DD ("" when not known).
    """

    precision: dict[str, str]
    kinds: dict[str, str]
    names: dict[str, str]
    previous_info: dict[str, str] | None
    old_sources: set[str] = field(default_factory=set)
    previous_as_of: str = ""

    def name(self, actor_id: str) -> str:
        return self.names.get(actor_id, actor_id)

    def plural(self, actor_ids: list[str]) -> bool:
        """Several actors, or one unnamed group: the sentence's verb agrees with "they"."""
        return len(actor_ids) > 1 or any(self.kinds.get(a) == "unnamed_group" for a in actor_ids)


def new_item(kind: str, table: str, row: dict[str, Any], id_col: str, ctx: Context, text: str, **extra: Any) -> NewsItem:
    """An item for one claim row, dated by its report and cited by its source; ``extra`` sets any other field."""
    news = kind in KINDS
    source = cell_text(row.get("source_id"))
    actor = cell_text(row.get("actor_id"))
    item: NewsItem = {
        "kind": kind, "weight": KINDS[kind].weight if news else None, "group": KINDS[kind].group if news else table,
        "news": news, "table": table, "claim_id": cell_text(row.get(id_col)), "claim_ids": [cell_text(row.get(id_col))],
        "source_id": source, "date": iso_or_none(row.get("reported_date")),
        "date_label": fmt.date_label(row.get("reported_date"), ctx.precision.get(source, "day")),
        "sort_date": iso_or_none(row.get("reported_date")) or "", "late": bool(row.get("_late", False)), "actor_id": actor,
        "named": named_order(ctx.kinds.get(actor, cell_text(row.get("actor_kind")))), "subject": "",
        "old": None, "new": None, "value_low": None, "value_high": None, "text": text, "basis": None,
    }
    item.update({k: py_value(v) if not isinstance(v, (list, dict)) else v for k, v in extra.items()})  # type: ignore[typeddict-item]
    return item


def basis_of(source_id: Any, date: Any, ctx: Context, label: str = "") -> Basis:
    """The earlier claim an item that is not new was compared with."""
    source = cell_text(source_id)
    return {"source_id": source, "date_label": fmt.date_label(date, ctx.precision.get(source, "day")), "label": label}


def merge(items: list[NewsItem], key: Callable[[NewsItem], Hashable | None], compose: Callable[[list[NewsItem]], str]) -> list[NewsItem]:
    """Items with the same key made one (the first kept, the others' claim ids added); key None = never merged.

    Args:
        items: items in order.
        key: what makes items say one thing (same report, actor, kind, ...), or None to leave an item alone.
        compose: the merged item's text from the group's items.

    Returns:
        The items, merged groups at the place of their first item.
    """
    groups: dict[Hashable, list[NewsItem]] = {}
    order: list[Hashable] = []
    for i, item in enumerate(items):
        k = key(item)
        k = ("__alone__", i) if k is None else k
        if k not in groups:
            groups[k] = []
            order.append(k)
        groups[k].append(item)
    out = []
    for k in order:
        group = groups[k]
        first = dict(group[0])
        if len(group) > 1:
            first["claim_ids"] = [c for g in group for c in g["claim_ids"]]
            first["sort_date"] = max(g["sort_date"] for g in group)
            first["text"] = compose(group)
        out.append(first)  # type: ignore[arg-type]
    return out


def new_claims(current: pd.DataFrame, previous: pd.DataFrame, id_col: str, old_sources: set[str]) -> pd.DataFrame:
    """Rows of ``current`` whose id the previous edition did not have, flagged ``_late`` when their report was already in it.

    A report new to this edition is never "added late", whatever its date: the reader has not seen it.

    Args:
        current: this edition's claim table.
        previous: the previous edition's claim table (may be empty).
        id_col: the id column.
        old_sources: source ids of the previous edition.

    Returns:
        The new rows with a boolean ``_late`` column.
    """
    if current.empty:
        return current.assign(_late=pd.Series(dtype=bool))
    old_ids = set(previous[id_col]) if id_col in previous else set()
    new = current[~current[id_col].isin(old_ids)]
    return new.assign(_late=new["source_id"].isin(old_sources).to_numpy(dtype=bool))


def ranked(items: list[NewsItem]) -> list[NewsItem]:
    """News by weight; ties to named states, other named actors, unnamed groups, then to what is newer, then by id."""
    by_id = sorted(items, key=lambda i: i["claim_id"])
    by_date = sorted(by_id, key=lambda i: i["sort_date"], reverse=True)
    return sorted(by_date, key=lambda i: (i["weight"] if i["weight"] is not None else 99, i["named"]))


def context(current: Tables, previous: Tables, previous_as_of: str | None = None) -> Context:
    """The comparison's context: report date precisions, actors' kinds and names, the previous information date
    and the previous edition's date."""
    actors = pd.concat([table(previous, "actors"), table(current, "actors")])
    has = {"actor_id", "kind", "name"} <= set(actors.columns)
    old_sources = table(previous, "sources")
    info = information_date(old_sources) if len(old_sources) else None
    return Context(precision=precisions(old_sources) | precisions(table(current, "sources")),
                   kinds=dict(zip(actors["actor_id"], actors["kind"].map(cell_text))) if has else {},
                   names=dict(zip(actors["actor_id"], actors["name"].map(cell_text))) if has else {},
                   previous_info=info if info and info.get("date") else None,
                   old_sources=set(old_sources.get("source_id", [])), previous_as_of=previous_as_of or "")
