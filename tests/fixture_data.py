"""A small data package for tests: the live code lists and schema, with curated rows the test writes.

Tests of code build on these fixtures, never on the live claims, so adding a report to ``data/`` never
breaks them. Each helper fills every column of the live header, blanks by default.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

from helpers import paths

CLAIM_DEFAULTS: dict[str, str] = {"confidence": "unattributed", "amount_precision": "unspecified", "location": "unspecified",
                                  "status": "open", "precision": "exact", "unit": "countries"}
SOURCES = {
    "S1": ("2025-10-18", "day"),
    "S2": ("2025-11-08", "day"),
    "S3": ("2025-12-13", "approximate"),
}
ACTORS = [
    ("IDN", "Indonesia", "state", "IDN"), ("AZE", "Azerbaijan", "state", "AZE"), ("TUR", "Turkey", "state", "TUR"),
    ("USA", "United States", "state", "USA"), ("GBR", "United Kingdom", "state", "GBR"), ("ISR", "Israel", "state", "ISR"),
    ("EGY", "Egypt", "state", "EGY"), ("FRA", "France", "state", "FRA"),
    ("GRP-19", "The 19 willing countries (unnamed)", "unnamed_group", ""),
]


def _header(table: str) -> list[str]:
    with (paths.CURATED_DIR / f"{table}.csv").open(encoding="utf-8") as f:
        return next(csv.reader(f))


def write_table(data_dir: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` under the live header of ``table`` (unknown keys are an error, missing ones blank)."""
    header = _header(table)
    with (data_dir / "curated" / f"{table}.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            full = {k: CLAIM_DEFAULTS.get(k, "") for k in header} | {k: str(v) for k, v in row.items()}
            writer.writerow(full)


def make_data(tmp: Path, **tables: list[dict[str, Any]]) -> Path:
    """A data folder with the live schema and code lists, fixture sources and actors, and the given claim rows.

    Args:
        tmp: a temporary folder.
        tables: claim table name -> rows (dicts of column -> value); tables not given are empty.

    Returns:
        The data folder (holding datapackage.yaml, reference/ and curated/).
    """
    data = tmp / "data"
    (data / "curated").mkdir(parents=True)
    shutil.copy(paths.DATAPACKAGE, data / "datapackage.yaml")
    shutil.copytree(paths.REFERENCE_DIR, data / "reference")
    write_table(data, "sources", [{"source_id": s, "file": f"{s}.txt", "outlet": f"Outlet {s}", "title": f"Report {s}", "published": d,
                                   "date_precision": p, "published_earliest": d, "published_latest": d} for s, (d, p) in SOURCES.items()])
    write_table(data, "actors", [{"actor_id": a, "name": n, "kind": k, "iso3": i, "region": "unspecified", "mentioned_in": "S1"}
                                 for a, n, k, i in ACTORS])
    for table in ("pledges", "conditions", "positions", "events", "figures", "open_questions"):
        write_table(data, table, tables.get(table, []))
    return data


def pledge(pid: str, actor: str, stage: str, source: str, contribution: str = "troops", **extra: Any) -> dict[str, Any]:
    """A pledge row reported by ``source`` on its date."""
    return {"pledge_id": pid, "actor_id": actor, "contribution_type": contribution, "stage": stage, "source_id": source,
            "reported_date": SOURCES[source][0], "quote": f"quote of {pid}"} | extra


def condition(cid: str, actor: str, ctype: str, source: str, pledge_id: str = "", applies_to: str = "deploying_troops", **extra: Any) -> dict[str, Any]:
    return {"condition_id": cid, "actor_id": actor, "condition_type": ctype, "pledge_id": pledge_id, "applies_to": applies_to,
            "source_id": source, "reported_date": SOURCES[source][0], "quote": f"quote of {cid}"} | extra


def position(pid: str, actor: str, topic: str, direction: str, source: str, summary: str = "A stance", **extra: Any) -> dict[str, Any]:
    return {"position_id": pid, "actor_id": actor, "topic": topic, "direction": direction, "summary": summary, "source_id": source,
            "reported_date": SOURCES[source][0], "quote": f"quote of {pid}"} | extra


def figure(fid: str, metric: str, low: float, high: float | str, precision: str, text: str, source: str, **extra: Any) -> dict[str, Any]:
    return {"figure_id": fid, "metric": metric, "value_low": low, "value_high": high, "precision": precision, "value_text": text,
            "source_id": source, "reported_date": SOURCES[source][0], "quote": f"quote of {fid}"} | extra


def event(eid: str, date: str, etype: str, title: str, actor: str, source: str, precision: str = "day", **extra: Any) -> dict[str, Any]:
    return {"event_id": eid, "event_date": date, "event_date_precision": precision, "event_type": etype, "title": title, "actor_id": actor,
            "source_id": source, "reported_date": SOURCES[source][0], "quote": f"quote of {eid}"} | extra
