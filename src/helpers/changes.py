"""What changed since the previous edition: the news, ranked, and the corrections, apart.

Input is two editions' processed tables (``helpers.clean.build_processed`` or ``read_processed``);
output is a JSON-ready dict that notebook 02 writes to ``analysis/changes.json`` and that
:func:`changes_md` turns into the reader-facing section.

How a claim is sorted (by its id, per claim table):

- **News**: a claim id that is new in this edition. Every new claim lands in exactly one news item.
  A new claim whose report was already covered by the previous edition (its source was in the
  previous edition, or it is dated on or before the previous edition's date) is still news — the
  reader has not seen it — but is marked ``late`` ("added late") rather than hidden among corrections.
- **Corrections**: a claim id present in both editions whose curated fields differ (derived label
  columns and the explanatory ``notes`` are not compared; the notes are shown beside the change), and a
  claim id present before and gone now. Sources get the same treatment (a re-dated report is a
  correction). A change of a condition's or question's ``status`` to met, lapsed or answered is news,
  not a correction: it records a development, not a fix.

News leads with what matters most (``RANKS``): a milestone event (one dated before the previous edition is
background, ranked as an event), a new offer or refusal (a stage an earlier report already gave is not
new), a condition met, a stance or stage change, a new or revised figure, then the rest.
"""

from __future__ import annotations

from typing import Any, TypedDict

import numpy as np
import pandas as pd

from helpers.clean import date_label, latest_stance
from helpers.markdown import escape_md as esc

Tables = dict[str, pd.DataFrame]

# Claim tables and their id columns, in the order the data package lists them.
CLAIM_IDS: dict[str, str] = {
    "pledges": "pledge_id",
    "conditions": "condition_id",
    "positions": "position_id",
    "events": "event_id",
    "figures": "figure_id",
    "open_questions": "question_id",
}
# Lower rank = told first. Milestones lead, then offers and refusals, conditions met, changes of stance.
RANKS: dict[str, int] = {
    "milestone": 1,
    "offer": 2,
    "refusal": 2,
    "condition_met": 3,
    "condition_lapsed": 3,
    "question_answered": 3,
    "stance_change": 4,
    "stage_change": 4,
    "figure_revised": 5,
    "figure": 5,
    "condition": 6,
    "pledge": 7,
    "position": 7,
    "event": 8,
    "question_opened": 9,
    "source": 10,
    "actor": 10,
}
# Ladder rank from which a pledge is an offer (stages.csv: 3 = offered, not announced).
OFFER_RANK = 3
# Off-ladder stages in which the actor itself says no.
REFUSAL_STAGES: frozenset[str] = frozenset({"declined", "withdrawn"})
# Status values that make a condition or an open question news when they change to them.
STATUS_NEWS: dict[str, dict[str, str]] = {
    "conditions": {"met": "condition_met", "lapsed": "condition_lapsed"},
    "open_questions": {"answered": "question_answered"},
}
# Columns that build_processed derives from codes and reference tables: not compared for corrections.
DERIVED_SUFFIXES: tuple[str, ...] = ("_label", "_name", "_kind", "_region", "_rank")
DERIVED_COLUMNS: frozenset[str] = frozenset({"outlet", "on_ladder", "withdraws", "part_of_force", "inside_gaza", "milestone", "notes"})
# Columns that may hold actor ids ("; "-separated lists included).
ACTOR_ID_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id", "other_actor_ids")
# Label columns build_processed names other than "<code>_label".
LABEL_COLUMNS: dict[str, str] = {"condition_type": "condition_label", "contribution_type": "contribution_label"}
HEADLINE_MAX = 5
MAX_ITEMS = 40
MAX_VALUE_CHARS = 120


class NewsItem(TypedDict):
    """One piece of news; kind-specific values go in ``old``/``new``/``value_*`` (None when not used)."""

    kind: str
    rank: int
    table: str
    claim_id: str
    source_id: str
    date: str | None
    date_label: str
    late: bool
    actor_id: str
    subject: str
    old: str | None
    new: str | None
    value_low: float | None
    value_high: float | None
    text: str


class FieldChange(TypedDict):
    """One curated field edited: codes in old/new, reader labels (the codes when there are none) beside them."""

    field: str
    old: str
    new: str
    old_label: str
    new_label: str


class Correction(TypedDict):
    """A claim (or source) edited or removed since the previous edition."""

    kind: str  # "edited" or "removed"
    table: str
    claim_id: str
    source_id: str
    date: str | None  # the claim's report date (a source's publication date)
    date_label: str
    changes: list[FieldChange]
    summary: str
    notes: str


# --- small helpers ------------------------------------------------------------------------------


def _py(value: Any) -> Any:
    """A JSON-ready scalar: None for missing values, Python numbers for numpy ones."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _text(value: Any) -> str:
    """A cell as plain text, '' when missing."""
    value = _py(value)
    return "" if value is None else str(value)


def _when(value: Any, precision: str = "day") -> str:
    """A date as readers write it, never more exact than known: "8 Nov 2025", "c. 5 Nov 2025", "Oct 2025".

    Args:
        value: a date (Timestamp or YYYY-MM-DD), or missing.
        precision: day, approximate, week or month (reference/date_precisions.csv).

    Returns:
        The label, or '' when the date is missing.
    """
    if _py(value) is None or value == "":
        return ""
    stamp = pd.Timestamp(value)
    if precision == "month":
        return f"{stamp:%b %Y}"
    if precision == "week":
        return f"week of {date_label(stamp)}"
    return date_label(stamp, precision)


def _iso(value: Any) -> str | None:
    """A date as YYYY-MM-DD, None when missing."""
    return None if _py(value) is None or value == "" else f"{pd.Timestamp(value):%Y-%m-%d}"


def _table(tables: Tables | None, name: str) -> pd.DataFrame:
    """A table of an edition, or an empty frame when the edition or the table is missing."""
    if tables is None or name not in tables:
        return pd.DataFrame()
    return tables[name]


def _as_text(series: pd.Series) -> pd.Series:
    """Values as comparable text, the same whether a table was built in memory or read back from CSV.

    Args:
        series: one column.

    Returns:
        Strings: dates as YYYY-MM-DD, whole floats without ".0", booleans as true/false, missing as ''.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    if pd.api.types.is_bool_dtype(series):
        return series.astype(object).map(lambda v: "" if _py(v) is None else str(bool(v)).lower())
    if pd.api.types.is_numeric_dtype(series):
        return series.map(lambda v: "" if _py(v) is None else (f"{v:.0f}" if float(v).is_integer() else repr(float(v)))).astype(object)
    return series.astype(object).map(_text)


def curated_columns(df: pd.DataFrame) -> list[str]:
    """The columns of a processed table that a curator writes (derived labels and notes left out).

    Args:
        df: a processed claim or sources table.

    Returns:
        Column names in table order.
    """
    return [c for c in df.columns if c not in DERIVED_COLUMNS and not c.endswith(DERIVED_SUFFIXES) and c != "source_label"]


def _precision_of(sources: pd.DataFrame) -> dict[str, str]:
    """source_id -> date precision of the report's own date ("approximate" gives "c. ")."""
    if sources.empty or "date_precision" not in sources:
        return {}
    return dict(zip(sources["source_id"], sources["date_precision"].fillna("day")))


def _item(kind: str, table: str, row: dict[str, Any], id_col: str, precision: dict[str, str], text: str, **extra: Any) -> NewsItem:
    """A news item for one claim row, dated by its report and cited by source and claim id."""
    item: NewsItem = {
        "kind": kind, "rank": RANKS[kind], "table": table, "claim_id": _text(row.get(id_col)),
        "source_id": _text(row.get("source_id")), "date": _iso(row.get("reported_date")),
        "date_label": _when(row.get("reported_date"), precision.get(_text(row.get("source_id")), "day")),
        "late": bool(row.get("_late", False)), "actor_id": _text(row.get("actor_id")), "subject": "",
        "old": None, "new": None, "value_low": None, "value_high": None, "text": text,
    }
    item.update({k: _py(v) for k, v in extra.items()})  # type: ignore[typeddict-item]
    return item


# --- news ---------------------------------------------------------------------------------------


def new_claims(current: pd.DataFrame, previous: pd.DataFrame, id_col: str, old_sources: set[str], previous_as_of: str | None) -> pd.DataFrame:
    """Rows of ``current`` whose id the previous edition did not have, flagged ``_late`` when their report was already covered.

    Args:
        current: this edition's claim table.
        previous: the previous edition's claim table (may be empty).
        id_col: the id column.
        old_sources: source ids of the previous edition.
        previous_as_of: the previous edition's date, or None.

    Returns:
        The new rows with a boolean ``_late`` column.
    """
    if current.empty:
        return current.assign(_late=pd.Series(dtype=bool))
    old_ids = set(previous[id_col]) if id_col in previous else set()
    new = current[~current[id_col].isin(old_ids)]
    late = new["source_id"].isin(old_sources)
    if previous_as_of and "reported_date" in new:
        late |= new["reported_date"] <= pd.Timestamp(previous_as_of)
    return new.assign(_late=late.to_numpy(dtype=bool))


def _latest(df: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """The latest ``value`` per key in ``df``, picked as the briefing picks it (clean.latest_stance).

    Args:
        df: a claim table (may be empty or lack the columns).
        keys: the columns that identify one stance.
        value: the column to carry (its ``_label`` and ``_rank`` columns come along when present).

    Returns:
        Columns keys + _old, _old_label, _old_rank (NaN when the table has no rank column).
    """
    out_cols = [*keys, "_old", "_old_label", "_old_rank"]
    if df.empty or not {*keys, value, "reported_date", "confidence"} <= set(df.columns):
        return pd.DataFrame(columns=out_cols)
    latest = latest_stance(df.assign(**{k: df[k].fillna("") for k in keys}), df["reported_date"].max(), tuple(keys))
    label, rank = LABEL_COLUMNS.get(value, f"{value}_label"), f"{value}_rank"
    return pd.DataFrame({
        **{k: latest[k].fillna("") for k in keys},
        "_old": latest[value],
        "_old_label": latest[label] if label in latest else latest[value],
        "_old_rank": latest[rank] if rank in latest else np.nan,
    })[out_cols]


def _with_previous(new: pd.DataFrame, previous: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """``new`` with the previous edition's latest ``value`` for the same key as _old, _old_label, _old_rank."""
    keys = [k for k in keys if k in new]
    return new.assign(**{k: new[k].fillna("") for k in keys}).merge(_latest(previous, keys, value), on=keys, how="left")


def _seen(previous: pd.DataFrame, columns: list[str]) -> set[tuple[str, ...]]:
    """The value combinations (e.g. actor, contribution, stage) some claim of the previous edition gave."""
    if previous.empty or not set(columns) <= set(previous.columns):
        return set()
    return set(previous[columns].fillna("").astype(str).itertuples(index=False, name=None))


def _label(row: dict[str, Any], code: str) -> str:
    """The reader label of a code column, or the code itself when no label column is there."""
    return _text(row.get(LABEL_COLUMNS.get(code, f"{code}_label"))) or _text(row.get(code)).replace("_", " ")


def pledge_news(new: pd.DataFrame, previous: pd.DataFrame, precision: dict[str, str]) -> list[NewsItem]:
    """One item per new pledge or request: offers and refusals first, stage changes per actor and contribution.

    Args:
        new: new pledge rows (from :func:`new_claims`).
        previous: the previous edition's pledges.
        precision: source_id -> date precision.

    Returns:
        Items of kind offer, refusal, stage_change or pledge; ``old``/``new`` are stage codes.
    """
    if new.empty:
        return []
    rows = _with_previous(new, previous, ["actor_id", "contribution_type"], "stage").to_dict("records")
    seen = _seen(previous, ["actor_id", "contribution_type", "stage"])
    items = []
    for r in rows:
        stage, old = _text(r.get("stage")), _text(r.get("_old"))
        rank, old_rank = _py(r.get("stage_rank")), _py(r.get("_old_rank"))
        changed = bool(old) and old != stage
        # A move up the ladder is a change of stage; a later report that only names or approaches the
        # actor again is not a step back, so it stays a plain pledge item (its text shows both).
        up = changed and rank is not None and (old_rank is None or rank > old_rank)
        # An earlier report already gave this stage: not a new offer or refusal.
        repeat = (_text(r.get("actor_id")), _text(r.get("contribution_type")), stage) in seen
        kind = ("pledge" if repeat else "refusal" if stage in REFUSAL_STAGES
                else "offer" if rank is not None and rank >= OFFER_RANK else "stage_change" if up else "pledge")
        text = f"{_text(r.get('actor_name')) or _text(r.get('actor_id'))}: {_label(r, 'stage').lower()}, {_label(r, 'contribution_type').lower()}"
        stated = pd.notna(r.get("amount_low")) or pd.notna(r.get("amount_high"))
        text += f", {_text(r.get('amount_label'))}" if stated else ""
        text += f", asked by {_text(r.get('requested_by_name')) or _text(r.get('requested_by'))}" if _text(r.get("requested_by")) else ""
        text += " (as in earlier reports)" if repeat else f" (previous edition: {_text(r.get('_old_label')).lower()})" if changed else ""
        items.append(_item(kind, "pledges", r, "pledge_id", precision, text, subject=_text(r.get("contribution_type")),
                           old=old or None, new=stage, value_low=r.get("amount_low"), value_high=r.get("amount_high")))
    return items


def position_news(new: pd.DataFrame, previous: pd.DataFrame, precision: dict[str, str]) -> list[NewsItem]:
    """One item per new position; a stance change when the actor's latest stance on the topic differed.

    Args:
        new: new position rows.
        previous: the previous edition's positions.
        precision: source_id -> date precision.

    Returns:
        Items of kind stance_change or position; ``old``/``new`` are direction codes.
    """
    if new.empty:
        return []
    seen = _seen(previous, ["actor_id", "topic", "direction"])
    items = []
    for r in _with_previous(new, previous, ["actor_id", "topic"], "direction").to_dict("records"):
        direction, old = _text(r.get("direction")), _text(r.get("_old"))
        changed = bool(old) and old != direction and (_text(r.get("actor_id")), _text(r.get("topic")), direction) not in seen
        text = f"{_text(r.get('actor_name')) or _text(r.get('actor_id'))} on {_label(r, 'topic')}: {_label(r, 'direction').lower()}"
        text += f" (previous edition: {_text(r.get('_old_label')).lower()})" if changed else " (as in earlier reports)" if old else ""
        text += f". {_text(r.get('summary'))}" if _text(r.get("summary")) else ""
        items.append(_item("stance_change" if changed else "position", "positions", r, "position_id", precision, text,
                           subject=_text(r.get("topic")), old=old or None, new=direction))
    return items


def figure_news(new: pd.DataFrame, previous: pd.DataFrame, precision: dict[str, str]) -> list[NewsItem]:
    """One item per new figure; "revised" when the previous edition's latest value of the metric differed.

    Args:
        new: new figure rows.
        previous: the previous edition's figures.
        precision: source_id -> date precision.

    Returns:
        Items of kind figure_revised or figure, with value_low/value_high and ``old``/``new`` value labels.
    """
    if new.empty:
        return []
    value = "value_label" if "value_label" in new else "value_text"
    items = []
    for r in _with_previous(new, previous, ["metric", "actor_id"], value).to_dict("records"):
        shown, old = _text(r.get(value)), _text(r.get("_old"))
        revised = bool(old) and old != shown
        who = _text(r.get("actor_name"))
        text = f"{_label(r, 'metric')}{f' ({who})' if who else ''}: {shown}" + (f" (previous edition: {old})" if revised else "")
        items.append(_item("figure_revised" if revised else "figure", "figures", r, "figure_id", precision, text,
                           subject=_text(r.get("metric")), old=old or None, new=shown,
                           value_low=r.get("value_low"), value_high=r.get("value_high")))
    return items


def condition_news(new: pd.DataFrame, precision: dict[str, str]) -> list[NewsItem]:
    """One item per new condition; a new row already met or lapsed (a ``status`` column) says so.

    Args:
        new: new condition rows.
        precision: source_id -> date precision.

    Returns:
        Items of kind condition, condition_met or condition_lapsed; ``new`` is the condition type.
    """
    items = []
    for r in new.to_dict("records"):
        kind = STATUS_NEWS["conditions"].get(_text(r.get("status")), "condition")
        who = _text(r.get("actor_name")) or _text(r.get("actor_id"))
        applies = _text(r.get("applies_to")).replace("_", " ")
        text = f"{who}: condition{f' on {applies}' if applies else ''}: {_label(r, 'condition_type')}"
        text += f" (now {_text(r.get('status'))})" if kind != "condition" else ""
        items.append(_item(kind, "conditions", r, "condition_id", precision, text, subject=_text(r.get("condition_type")),
                           new=_text(r.get("condition_type"))))
    return items


def event_news(new: pd.DataFrame, precision: dict[str, str], previous_as_of: str | None) -> list[NewsItem]:
    """One item per new event; milestones (event_types.csv) rank first unless they predate the previous edition.

    Args:
        new: new event rows.
        precision: source_id -> date precision.
        previous_as_of: the previous edition's date: a milestone dated before it is background, not news.

    Returns:
        Items of kind milestone or event; ``new`` is the event type, ``subject`` the event's own date.
    """
    items = []
    for r in new.to_dict("records"):
        date = _py(r.get("event_date"))
        recent = date is None or not previous_as_of or pd.Timestamp(date) > pd.Timestamp(previous_as_of)
        milestone = bool(_py(r.get("milestone")) or False) and recent
        # The event's own date, when it says more than the report's date beside it.
        when = _when(date, _text(r.get("event_date_precision")) or "day") if _iso(date) != _iso(r.get("reported_date")) else ""
        text = _text(r.get("title")) + (f" ({when})" if when else "")
        items.append(_item("milestone" if milestone else "event", "events", r, "event_id", precision, text,
                           subject=_iso(date) or "", new=_text(r.get("event_type"))))
    return items


def question_news(new: pd.DataFrame, precision: dict[str, str]) -> list[NewsItem]:
    """One item per open question raised (or recorded as answered, when a ``status`` column says so)."""
    items = []
    for r in new.to_dict("records"):
        kind = STATUS_NEWS["open_questions"].get(_text(r.get("status")), "question_opened")
        text = ("Answered: " if kind == "question_answered" else "Open question: ") + _text(r.get("question"))
        items.append(_item(kind, "open_questions", r, "question_id", precision, text, subject=_text(r.get("topic"))))
    return items


def status_news(table: str, current: pd.DataFrame, previous: pd.DataFrame, precision: dict[str, str],
                events: pd.DataFrame | None = None) -> list[NewsItem]:
    """Claims kept from the previous edition whose ``status`` moved to met, lapsed or answered.

    Args:
        table: "conditions" or "open_questions".
        current: this edition's table.
        previous: the previous edition's table.
        precision: source_id -> date precision.
        events: this edition's events: a status backed by ``status_event_id`` is dated and cited by that event.

    Returns:
        Items dated and cited by the event that reports the new status when there is one, else by
        ``status_date`` when the data has it, else undated (the report date would overstate).
    """
    id_col = CLAIM_IDS[table]
    if "status" not in current or "status" not in previous or current.empty or previous.empty:
        return []
    before = previous.set_index(id_col)["status"].map(_text)
    now = current[current[id_col].isin(before.index)]
    moved = now[now["status"].map(_text).isin(list(STATUS_NEWS[table])) & (now["status"].map(_text) != now[id_col].map(before))]
    items = []
    for r in moved.to_dict("records"):
        kind = STATUS_NEWS[table][_text(r["status"])]
        what = _label(r, "condition_type") if table == "conditions" else _text(r.get("question"))
        who = _text(r.get("actor_name"))
        text = f"{what}{f' ({who})' if who else ''}: now {_text(r['status'])} (previously {before[r[id_col]] or 'open'})"
        item = _item(kind, table, r, id_col, precision, text, old=before[r[id_col]] or None, new=_text(r["status"]))
        item["date"] = _iso(r.get("status_date"))
        item["date_label"] = _when(r.get("status_date"))
        event = _text(r.get("status_event_id"))
        if events is not None and event and event in set(events.get("event_id", [])):
            e = events[events["event_id"] == event].iloc[0]
            # the report of the event that met (or lapsed) it is the news' source, not the condition's own report
            item.update(source_id=_text(e["source_id"]), date=_iso(e["reported_date"]),
                        date_label=_when(e["reported_date"], precision.get(_text(e["source_id"]), "day")))
        items.append(item)
    return items


def source_news(current: pd.DataFrame, previous: pd.DataFrame, previous_as_of: str | None) -> list[NewsItem]:
    """One item per report new in this edition, dated by its publication date.

    Args:
        current: this edition's sources.
        previous: the previous edition's sources.
        previous_as_of: the previous edition's date (an older report added now is marked late).

    Returns:
        Items of kind source; ``claim_id`` and ``source_id`` are the source id.
    """
    if current.empty:
        return []
    new = current[~current["source_id"].isin(set(previous.get("source_id", [])))]
    items = []
    for r in new.to_dict("records"):
        outlet = _text(r.get("outlet"))
        outlet = "outlet not named" if outlet.startswith("Outlet not named") else outlet
        title = _text(r.get("title"))
        late = bool(previous_as_of) and _py(r.get("published")) is not None and pd.Timestamp(r["published"]) <= pd.Timestamp(previous_as_of)
        row = {"source_id": r["source_id"], "reported_date": r.get("published"), "_late": late}
        items.append(_item("source", "sources", row, "source_id", {r["source_id"]: _text(r.get("date_precision")) or "day"},
                           f"New report ({outlet})" + (f": {title}" if title else "")))
    return items


def actor_mentions(tables: Tables) -> pd.DataFrame:
    """Every actor id named by a claim in any actor column, lists ("HAMAS; USA") split.

    Args:
        tables: an edition's processed tables.

    Returns:
        Columns actor_id, table, claim_id, source_id, reported_date; one row per mention.
    """
    frames = []
    for name, id_col in CLAIM_IDS.items():
        df = _table(tables, name)
        cols = [c for c in df.columns if c in ACTOR_ID_COLUMNS or c.endswith(("_actor_id", "_actor_ids"))]
        for col in cols:
            part = df[[id_col, col, "source_id", "reported_date"]].rename(columns={id_col: "claim_id", col: "actor_id"})
            frames.append(part.assign(table=name, actor_id=part["actor_id"].fillna("").astype(str).str.split(";")))
    if not frames:
        return pd.DataFrame(columns=["actor_id", "table", "claim_id", "source_id", "reported_date"])
    long = pd.concat(frames, ignore_index=True).explode("actor_id")
    long["actor_id"] = long["actor_id"].fillna("").str.strip()
    return long[long["actor_id"] != ""][["actor_id", "table", "claim_id", "source_id", "reported_date"]]


def actor_news(current: Tables, previous: Tables, precision: dict[str, str], late_ids: set[str] = frozenset()) -> list[NewsItem]:
    """One item per actor named for the first time, in any actor column, cited by the first claim naming it.

    Args:
        current: this edition's tables.
        previous: the previous edition's tables.
        precision: source_id -> date precision.
        late_ids: ids of new claims added late (an actor first named in one is marked late too).

    Returns:
        Items of kind actor; ``actor_id`` is the new actor, ``claim_id`` the first claim naming it.
    """
    now, before = actor_mentions(current), actor_mentions(previous)
    new = now[~now["actor_id"].isin(set(before["actor_id"]))].sort_values(["reported_date", "claim_id", "actor_id"])
    first = new.drop_duplicates("actor_id")
    actors = _table(current, "actors")
    names = dict(zip(actors["actor_id"], actors["name"])) if {"actor_id", "name"} <= set(actors.columns) else {}
    return [_item("actor", r["table"], r | {"_late": r["claim_id"] in late_ids}, "claim_id", precision,
                  f"Newly named: {names.get(r['actor_id'], r['actor_id'])}") for r in first.to_dict("records")]


def _sort(items: list[NewsItem]) -> list[NewsItem]:
    """Most important first; within a rank the latest report first, then by claim id."""
    by_id = sorted(items, key=lambda i: i["claim_id"])
    by_date = sorted(by_id, key=lambda i: i["date"] or "", reverse=True)
    return sorted(by_date, key=lambda i: i["rank"])


def news_items(current: Tables, previous: Tables, previous_as_of: str | None) -> tuple[list[NewsItem], dict[str, int]]:
    """Every news item of this edition, sorted, and the count of new and late claims.

    Args:
        current: this edition's processed tables.
        previous: the previous edition's processed tables.
        previous_as_of: the previous edition's date, or None.

    Returns:
        (items, {"new_claims": n, "late_claims": n}).
    """
    precision = _precision_of(_table(current, "sources"))
    old_sources = set(_table(previous, "sources").get("source_id", []))
    new = {name: new_claims(_table(current, name), _table(previous, name), id_col, old_sources, previous_as_of)
           for name, id_col in CLAIM_IDS.items()}
    items = [
        *pledge_news(new["pledges"], _table(previous, "pledges"), precision),
        *position_news(new["positions"], _table(previous, "positions"), precision),
        *figure_news(new["figures"], _table(previous, "figures"), precision),
        *condition_news(new["conditions"], precision),
        *event_news(new["events"], precision, previous_as_of),
        *question_news(new["open_questions"], precision),
        *status_news("conditions", _table(current, "conditions"), _table(previous, "conditions"), precision, _table(current, "events")),
        *status_news("open_questions", _table(current, "open_questions"), _table(previous, "open_questions"), precision),
        *source_news(_table(current, "sources"), _table(previous, "sources"), previous_as_of),
        *actor_news(current, previous, precision, {i for df in new.values() if len(df) for i in df.loc[df["_late"]].iloc[:, 0]}),
    ]
    counts = {"new_claims": int(sum(len(df) for df in new.values())),
              "late_claims": int(sum(int(df["_late"].sum()) for df in new.values() if len(df)))}
    return _sort(items), counts


# --- corrections --------------------------------------------------------------------------------


def edited_rows(table: str, current: pd.DataFrame, previous: pd.DataFrame, id_col: str) -> list[Correction]:
    """Rows in both editions whose curated fields differ, each with field: old -> new and its notes.

    A column only one edition has (a column added to the schema) is not compared; a ``status`` moving to
    a news value (met, lapsed, answered) is news (:func:`status_news`), not a correction.

    Args:
        table: table name.
        current: this edition's table.
        previous: the previous edition's table.
        id_col: the id column.

    Returns:
        One Correction of kind "edited" per changed row, in id order.
    """
    if current.empty or previous.empty:
        return []
    columns = [c for c in curated_columns(current) if c in set(curated_columns(previous)) and c != id_col]
    shared = sorted(set(current[id_col]) & set(previous[id_col]))
    now = current.drop_duplicates(id_col).set_index(id_col).loc[shared, columns].apply(_as_text)
    before = previous.drop_duplicates(id_col).set_index(id_col).loc[shared, columns].apply(_as_text)
    differs = (now != before).to_numpy()
    if "status" in columns and table in STATUS_NEWS:  # news, reported by status_news, with the event that reports it
        moved = now["status"].isin(list(STATUS_NEWS[table])).to_numpy()
        for column in ("status", "status_event_id"):
            if column in columns:
                differs[:, columns.index(column)] &= ~moved
    notes = current.drop_duplicates(id_col).set_index(id_col)["notes"].map(_text) if "notes" in current else pd.Series(dtype=str)
    label_now, label_before = _labels(current, id_col, columns), _labels(previous, id_col, columns)
    out: list[Correction] = []
    for i in np.flatnonzero(differs.any(axis=1)):
        claim_id = shared[i]
        changes: list[FieldChange] = [
            {"field": columns[j], "old": before.iat[i, j], "new": now.iat[i, j],
             "old_label": label_before.get((claim_id, columns[j])) or before.iat[i, j],
             "new_label": label_now.get((claim_id, columns[j])) or now.iat[i, j]}
            for j in np.flatnonzero(differs[i])]
        out.append({"kind": "edited", "table": table, "claim_id": claim_id,
                    "source_id": now.at[claim_id, "source_id"] if "source_id" in now else claim_id,
                    **_dated(now, claim_id), "changes": changes, "summary": "", "notes": notes.get(claim_id, "")})
    return out


def _dated(rows: pd.DataFrame, claim_id: str) -> dict[str, Any]:
    """date and date_label of a row (rows as text, indexed by id): its report date, or a source's publication date."""
    col = next((c for c in ("reported_date", "published") if c in rows), None)
    date = rows.at[claim_id, col] if col else ""
    return {"date": date or None, "date_label": _when(date) if date else ""}


def _labels(df: pd.DataFrame, id_col: str, columns: list[str]) -> dict[tuple[str, str], str]:
    """(claim id, code column) -> the row's reader label for that code, for the columns that have one."""
    out: dict[tuple[str, str], str] = {}
    for col in columns:
        label = LABEL_COLUMNS.get(col, f"{col}_label")
        if label in df and label != col:
            out |= {(i, col): _text(v) for i, v in zip(df[id_col], df[label])}
    return out


def removed_rows(table: str, current: pd.DataFrame, previous: pd.DataFrame, id_col: str, summaries: dict[str, str]) -> list[Correction]:
    """Rows the previous edition had and this one has not, with the old row's summary and notes.

    Args:
        table: table name.
        current: this edition's table.
        previous: the previous edition's table.
        id_col: the id column.
        summaries: claim id -> one-line summary in the previous edition (its ``claims`` table).

    Returns:
        One Correction of kind "removed" per row gone, in id order.
    """
    if previous.empty or id_col not in previous:
        return []
    gone = previous[~previous[id_col].isin(set(current.get(id_col, [])))].sort_values(id_col)
    dates = previous.drop_duplicates(id_col).set_index(id_col).reindex(gone[id_col]).apply(_as_text) if len(gone) else pd.DataFrame()
    return [{"kind": "removed", "table": table, "claim_id": r[id_col], "source_id": _text(r.get("source_id")) or r[id_col],
             **_dated(dates, r[id_col]), "changes": [], "summary": summaries.get(r[id_col], _text(r.get("title")) or _text(r.get("summary"))),
             "notes": _text(r.get("notes"))} for r in gone.to_dict("records")]


def corrections(current: Tables, previous: Tables) -> list[Correction]:
    """Claims and sources edited or removed since the previous edition.

    Args:
        current: this edition's processed tables.
        previous: the previous edition's processed tables.

    Returns:
        Corrections, table by table (sources first), edited then removed, each in id order.
    """
    claims = _table(previous, "claims")
    summaries = dict(zip(claims["claim_id"], claims["summary"].map(_text))) if {"claim_id", "summary"} <= set(claims.columns) else {}
    out: list[Correction] = []
    for name, id_col in {"sources": "source_id", **CLAIM_IDS}.items():
        now, before = _table(current, name), _table(previous, name)
        out += edited_rows(name, now, before, id_col)
        out += removed_rows(name, now, before, id_col, summaries)
    # "c. 15 Nov 2025" when the report's own date is an estimate, as in the news items.
    precision = _precision_of(_table(previous, "sources")) | _precision_of(_table(current, "sources"))
    for c in out:
        c["date_label"] = _when(c["date"], precision.get(c["source_id"], "day")) if c["date"] else ""
    return out


# --- the whole comparison -----------------------------------------------------------------------


def changes_since(current: Tables, previous: Tables | None, as_of: str, previous_as_of: str | None) -> dict[str, Any]:
    """What changed since the previous edition: the news, ranked, and the corrections, apart.

    Args:
        current: this edition's processed tables (clean.build_processed / read_processed).
        previous: the previous edition's processed tables, or None for the first edition.
        as_of: this edition's date, YYYY-MM-DD.
        previous_as_of: the previous edition's date, or None.

    Returns:
        A JSON-ready dict: as_of, previous_as_of, has_previous, quiet (nothing new, nothing corrected),
        counts {new_claims, late_claims, news, corrections, new_sources}, headline (up to 5 plain-text item
        texts, most important first; one line saying so when nothing is new), news (NewsItem dicts, sorted
        by RANKS then latest report) and corrections (Correction dicts).
    """
    empty = {"new_claims": 0, "late_claims": 0, "news": 0, "corrections": 0, "new_sources": 0}
    if previous is None:
        return {"as_of": as_of, "previous_as_of": previous_as_of, "has_previous": False, "quiet": False,
                "counts": empty, "headline": [], "news": [], "corrections": []}
    news, counts = news_items(current, previous, previous_as_of)
    fixes = corrections(current, previous)
    counts = empty | counts | {"news": len(news), "corrections": len(fixes),
                               "new_sources": sum(i["kind"] == "source" for i in news)}
    return {"as_of": as_of, "previous_as_of": previous_as_of, "has_previous": True, "quiet": not news and not fixes,
            "counts": counts, "headline": headline(news, fixes, previous_as_of), "news": news, "corrections": fixes}


def headline(news: list[NewsItem], fixes: list[Correction], previous_as_of: str | None) -> list[str]:
    """The few lines an editions list or a feed shows: the most important news, or one line saying why there is none.

    Args:
        news: sorted news items.
        fixes: corrections.
        previous_as_of: the previous edition's date, or None.

    Returns:
        Up to HEADLINE_MAX plain-text lines (not escaped).
    """
    if news:
        return [i["text"] for i in news[:HEADLINE_MAX]]
    since = f" since the previous edition of {_when(previous_as_of)}" if previous_as_of else " since the previous edition"
    if fixes:
        return [f"No new report or claim{since}; {len(fixes)} correction{'' if len(fixes) == 1 else 's'}."]
    return [f"Nothing new{since}."]


def correction_text(c: Correction) -> str:
    """A correction as one plain line (feeds, the editions page): "PL-035 (pledges): stage offered → declined"."""
    head = f"{c['claim_id']} ({c['table'].replace('_', ' ')})"
    if c["kind"] == "removed":
        return f"{head} removed" + (f": {c['summary']}" if c["summary"] else "")
    return f"{head}: " + "; ".join(f"{f['field'].replace('_', ' ')} {_short(f['old_label']) or '(blank)'} → {_short(f['new_label']) or '(blank)'}"
                                  for f in c["changes"])


def for_revision(changes: dict[str, Any], current: Tables, revised: Tables | None, revises: str, revises_as_of: str) -> dict[str, Any]:
    """A revision's "what changed": the news still against the previous edition, the corrections against the
    edition it revises (and leading the headline).

    Args:
        changes: :func:`changes_since` of this edition against its previous edition.
        current: this edition's processed tables.
        revised: the processed tables of the edition it revises (None: not readable, no corrections listed).
        revises: that edition's folder name.
        revises_as_of: its date.

    Returns:
        ``changes`` with ``revises``/``revises_as_of``, the corrections against the revised edition, their
        count, and a headline of corrections first, then the news.
    """
    fixes = corrections(current, revised) if revised is not None else []
    headline_ = [f"Corrected: {correction_text(c)}" for c in fixes] + [h for h in changes["headline"] if changes["news"]]
    return {**changes, "revises": revises, "revises_as_of": revises_as_of, "corrections": fixes,
            "counts": {**changes["counts"], "corrections": len(fixes)}, "quiet": not changes["news"] and not fixes,
            "headline": headline_[:HEADLINE_MAX] or changes["headline"]}


# --- the reader's section -----------------------------------------------------------------------


def _cite(item: NewsItem) -> str:
    """ "(S003, 8 Nov 2025)", with "added late" when the claim's report was already covered."""
    parts = [p for p in (item["source_id"], item["date_label"]) if p]
    return f"({esc(', '.join(parts))}{'; added late' if item['late'] else ''})"


def _short(value: str) -> str:
    """A long field value cut to MAX_VALUE_CHARS, marked with an ellipsis."""
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 1] + "…"


def _correction_line(c: Correction) -> str:
    """ "- PL-035 (pledges): stage offered_private → declined. Note: ..." or "- PO-019 (positions) removed: ..." """
    head = f"{c['claim_id']} ({c['table'].replace('_', ' ')})"
    if c["kind"] == "removed":
        body = f"{head} removed" + (f": {c['summary']}" if c["summary"] else "")
    else:
        body = f"{head}: " + "; ".join(f"{f['field'].replace('_', ' ')} {_short(f['old_label']) or '(blank)'} → {_short(f['new_label']) or '(blank)'}"
                                       for f in c["changes"])
    cite = ", ".join(p for p in (c["source_id"], c["date_label"]) if p and p != c["claim_id"])
    return f"- {esc(body)}" + (f" ({esc(cite)})" if cite else "") + (f". Note: {esc(c['notes'])}" if c["notes"] else "")


def _capped(lines: list[str], what: str) -> list[str]:
    """The first MAX_ITEMS bullets and one saying how many more the edition's changes.json holds."""
    if len(lines) <= MAX_ITEMS:
        return lines
    return [*lines[:MAX_ITEMS], f"- *… and {len(lines) - MAX_ITEMS} more {what}; all are in the edition's analysis/changes.json*"]


def _plural(n: int, word: str) -> str:
    """ "1 new report", "2 new reports"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _news_lines(news: list[NewsItem]) -> list[str]:
    """One bullet per item; newly named actors cited by the same report and date share one bullet."""
    lines: list[str] = []
    actors: dict[str, list[str]] = {}
    for item in news:
        if item["kind"] == "actor":
            actors.setdefault(_cite(item), []).append(item["text"].removeprefix("Newly named: "))
        else:
            lines.append(f"- {esc(item['text'])} {_cite(item)}")
    lines += [f"- {esc('Newly named: ' + ', '.join(names))} {cite}" for cite, names in actors.items()]
    return lines


def changes_md(changes: dict[str, Any]) -> str:
    """The "what changed" section: news first (most important first, dated and cited), then corrections.

    Args:
        changes: the result of :func:`changes_since` (or the same read back from changes.json).

    Returns:
        Markdown, every piece of data escaped; corrections under a level-3 heading. One line for the
        first edition, and one line for a quiet week.
    """
    fixes_heading = (f"### Corrections to the edition of {esc(_when(changes['revises_as_of']))} that this revision replaces"
                     if changes.get("revises") else "### Corrections since the previous edition")
    if not changes.get("has_previous"):
        first = "There is no previous edition to compare with: this is the first edition."
        if not changes.get("revises") or not changes.get("corrections"):
            return first
        return "\n".join([first, "", fixes_heading, "", *_capped([_correction_line(c) for c in changes["corrections"]], "corrections")])
    since = _when(changes["previous_as_of"]) if changes.get("previous_as_of") else ""
    since_text = f" of {esc(since)}" if since else ""
    if changes["quiet"]:
        return f"Nothing new since the previous edition{since_text}: no new report, claim or correction."
    counts = changes["counts"]
    lines = []
    if changes["news"]:
        late = f" ({counts['late_claims']} added late to reports already covered)" if counts["late_claims"] else ""
        reports = f"from {_plural(counts['new_sources'], 'new report')}" if counts["new_sources"] else "and no new report"
        lines.append(f"Since the previous edition{since_text}: {_plural(counts['new_claims'], 'new claim')}{late} {reports}; "
                     "the most important first.")
        lines.append("")
        lines += _capped(_news_lines(changes["news"]), "items")
    else:
        lines.append(f"No new report or claim since the previous edition{since_text}.")
    if changes["corrections"]:
        lines += ["", fixes_heading, ""]
        lines += _capped([_correction_line(c) for c in changes["corrections"]], "corrections")
    return "\n".join(lines)
