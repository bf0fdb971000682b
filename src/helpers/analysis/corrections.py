"""Corrections: claims (and sources) edited or removed since the previous edition, field by field.

A claim id present in both editions whose curated fields differ is edited (derived label columns and the
explanatory ``notes`` are not compared; the notes are shown beside the change); a claim id present before
and gone now is removed. A change of a condition's or question's ``status`` to met, lapsed or answered is
news (``news_rules.status_news``), not a correction: it records a development, not a fix.
"""

from __future__ import annotations

from typing import Any, TypedDict

import numpy as np
import pandas as pd

from helpers import fmt
from helpers.analysis.cells import LABEL_COLUMNS, Tables, as_text, cell_text, precisions, table
from helpers.analysis.news_rules import STATUS_NEWS
from helpers.data.datapackage import claim_id_columns

# Columns that build_processed derives from codes and reference tables: not compared for corrections.
DERIVED_SUFFIXES: tuple[str, ...] = ("_label", "_short", "_name", "_kind", "_region", "_rank")
DERIVED_COLUMNS: frozenset[str] = frozenset({"outlet", "on_ladder", "withdraws", "part_of_force", "inside_gaza", "milestone", "notes"})
MAX_VALUE_CHARS = 120


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


def curated_columns(df: pd.DataFrame) -> list[str]:
    """The columns of a processed table that a curator writes (derived labels and notes left out).

    Args:
        df: a processed claim or sources table.

    Returns:
        Column names in table order.
    """
    return [c for c in df.columns if c not in DERIVED_COLUMNS and not c.endswith(DERIVED_SUFFIXES) and c != "source_label"]


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
    now = current.drop_duplicates(id_col).set_index(id_col).loc[shared, columns].apply(as_text)
    before = previous.drop_duplicates(id_col).set_index(id_col).loc[shared, columns].apply(as_text)
    differs = (now != before).to_numpy()
    if "status" in columns and table in STATUS_NEWS:  # news, reported by status_news, with the event that reports it
        moved = now["status"].isin(list(STATUS_NEWS[table])).to_numpy()
        for column in ("status", "status_event_id", "answered_by"):
            if column in columns:
                differs[:, columns.index(column)] &= ~moved
    notes = current.drop_duplicates(id_col).set_index(id_col)["notes"].map(cell_text) if "notes" in current else pd.Series(dtype=str)
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
    return {"date": date or None, "date_label": fmt.date_label(date) if date else ""}


def _labels(df: pd.DataFrame, id_col: str, columns: list[str]) -> dict[tuple[str, str], str]:
    """(claim id, code column) -> the row's reader label for that code, for the columns that have one."""
    out: dict[tuple[str, str], str] = {}
    for col in columns:
        label = LABEL_COLUMNS.get(col, f"{col}_label")
        if label in df and label != col:
            out |= {(i, col): cell_text(v) for i, v in zip(df[id_col], df[label])}
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
    dates = previous.drop_duplicates(id_col).set_index(id_col).reindex(gone[id_col]).apply(as_text) if len(gone) else pd.DataFrame()
    return [{"kind": "removed", "table": table, "claim_id": r[id_col], "source_id": cell_text(r.get("source_id")) or r[id_col],
             **_dated(dates, r[id_col]), "changes": [], "summary": summaries.get(r[id_col], cell_text(r.get("title")) or cell_text(r.get("summary"))),
             "notes": cell_text(r.get("notes"))} for r in gone.to_dict("records")]


def corrections(current: Tables, previous: Tables) -> list[Correction]:
    """Claims and sources edited or removed since the previous edition.

    Args:
        current: this edition's processed tables.
        previous: the previous edition's processed tables.

    Returns:
        Corrections, table by table (sources first), edited then removed, each in id order.
    """
    claims = table(previous, "claims")
    summaries = dict(zip(claims["claim_id"], claims["summary"].map(cell_text))) if {"claim_id", "summary"} <= set(claims.columns) else {}
    out: list[Correction] = []
    for name, id_col in {"sources": "source_id", **claim_id_columns()}.items():
        now, before = table(current, name), table(previous, name)
        out += edited_rows(name, now, before, id_col)
        out += removed_rows(name, now, before, id_col, summaries)
    # "c. 15 Nov 2025" when the report's own date is an estimate, as in the news items.
    precision = precisions(table(previous, "sources")) | precisions(table(current, "sources"))
    for c in out:
        c["date_label"] = fmt.date_label(c["date"], precision.get(c["source_id"], "day")) if c["date"] else ""
    return out


def _short(value: str) -> str:
    """A long field value cut to MAX_VALUE_CHARS, marked with an ellipsis."""
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 1] + "…"


def correction_text(c: Correction) -> str:
    """A correction as one plain line (feeds, the editions page): "PL-035 (pledges): stage offered → declined"."""
    head = f"{c['claim_id']} ({c['table'].replace('_', ' ')})"
    if c["kind"] == "removed":
        return f"{head} removed" + (f": {c['summary']}" if c["summary"] else "")
    return f"{head}: " + "; ".join(f"{f['field'].replace('_', ' ')} {_short(f['old_label']) or '(blank)'} → {_short(f['new_label']) or '(blank)'}"
                                  for f in c["changes"])
