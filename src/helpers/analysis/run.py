"""Notebook 02's work in one call, and its files: every analysis table and the findings of one edition.

:func:`analyse` runs the standings, the findings (``key_figures``), the analysis tables, the disagreements
and what changed since the previous edition; :func:`write_analysis` / :func:`read_analysis` carry them to
notebook 03 (``analysis/*.json``, ``key_figures.json`` and ``changes.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.analysis import changes
from helpers.analysis.disagreements import disagreements
from helpers.analysis.findings import STALE_AFTER_DAYS, key_figures
from helpers.analysis.standings import Tables, standings
from helpers.analysis.tables import (
    chronology, conditions_matrix, conditions_summary, open_questions, plan, position_cells, stated_figures,
)
from helpers.data import processed
from helpers.files import JSONFileError, read_json_object


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
        (tables, summary) — tables: commitments (the standings), conditions_matrix, conditions_summary, disagreements,
        open_questions, chronology, plan, position_cells, stated_figures; summary: key figures plus
        "changes" and "as_of".
    """
    standing = standings(t["pledges"], t["conditions"])
    tables = {
        "commitments": standing,  # who offers what: the standings, furthest along first
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


def read_previous(previous_edition: str) -> Tables | None:
    """The previous edition's processed tables, or None when there is no previous edition."""
    folder = Path(previous_edition) / "processed" if previous_edition else None
    if folder is None or not folder.is_dir():
        return None
    return processed.read_processed(folder)


def previous_as_of(previous_edition: str) -> str | None:
    """The previous edition's date, as its own analysis recorded it (``as_of`` in key_figures.json); None without one."""
    if not previous_edition:
        return None
    for record in (Path(previous_edition) / "analysis" / "key_figures.json", Path(previous_edition) / "manifest.json"):
        try:
            return str(read_json_object(record)["as_of"])
        except (JSONFileError, KeyError):
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
    summary = read_json_object(out_dir / "key_figures.json")
    tables = {}
    for path in sorted(out_dir.glob("*.json")):
        if path.stem in ("key_figures", "changes", "stamp"):  # stamp.json: helpers.data.stamps' record of the run
            continue
        df = pd.read_json(path, orient="split", dtype=False)
        for col in ("first_reported", "reported_date", "basis_date", "event_date", "last"):
            if col in df:
                df[col] = pd.to_datetime(df[col])
        tables[path.stem] = df
    return tables, summary
