"""A small data package for tests: the live code lists and schema, with curated rows the test writes.

Tests of code build on these fixtures, never on the live claims, so adding a report to ``data/`` never
breaks them. Each helper fills every column of the live header, blanks by default.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path
from typing import Any

from helpers import paths

CLAIM_DEFAULTS: dict[str, str] = {"confidence": "unattributed", "voice": "outlet", "amount_precision": "unspecified", "location": "unspecified",
                                  "status": "open", "precision": "exact", "unit": "countries"}
SOURCES = {
    "S011": ("2025-10-18", "day"),
    "S012": ("2025-11-08", "day"),
    "S013": ("2025-12-13", "approximate"),
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


ACTOR_COLUMNS = ("actor_id", "requested_by", "target_actor_id", "other_actor_ids")


def source_file(source_id: str) -> str:
    """The file name the schema expects ("NNN_<16 hex>.txt") for a fixture source."""
    return f"{int(source_id[1:]):03d}_{'0' * 16}.txt"


def make_data(tmp: Path, extra_actors: list[dict[str, Any]] = (), **tables: list[dict[str, Any]]) -> Path:
    """A data folder with the live schema and code lists, fixture sources and actors, and the given claim rows.

    The source texts go to ``tmp/sources`` (one file per source holding every quote that cites it), so the
    data validates with ``ISF_SOURCES_DIR`` pointing there; each actor's ``mentioned_in`` lists the sources
    of the rows that name it.

    Args:
        tmp: a temporary folder.
        extra_actors: actors beyond the fixture's own (dicts of column -> value, e.g. unnamed groups with a population).
        tables: claim table name -> rows (dicts of column -> value), and ``tensions``; tables not given are empty.

    Returns:
        The data folder (holding datapackage.yaml, reference/ and curated/).
    """
    data = tmp / "data"
    (data / "curated").mkdir(parents=True)
    shutil.copy(paths.DATAPACKAGE, data / "datapackage.yaml")
    shutil.copytree(paths.REFERENCE_DIR, data / "reference")
    rows = [r for name, table in tables.items() if name != "tensions" for r in table]
    texts = {s: [f"Report {s}."] for s in SOURCES}
    mentions: dict[str, set[str]] = {a: set() for a, *_ in ACTORS} | {a["actor_id"]: set() for a in extra_actors}
    for r in rows:
        texts[r["source_id"]].append(r["quote"])
        for column in ACTOR_COLUMNS:
            for actor in str(r.get(column, "")).split(";"):
                if actor.strip():
                    mentions[actor.strip()].add(r["source_id"])
    (tmp / "sources").mkdir(exist_ok=True)
    for s, lines in texts.items():
        (tmp / "sources" / source_file(s)).write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_table(data, "sources", [{"source_id": s, "file": source_file(s), "outlet": f"Outlet {s}", "title": f"Report {s}", "published": d,
                                   "date_precision": p, "published_earliest": d, "published_latest": d, "date_note": "Fixture date.",
                                   "sha256": hashlib.sha256((tmp / "sources" / source_file(s)).read_bytes()).hexdigest()}
                                  for s, (d, p) in SOURCES.items()])
    write_table(data, "actors", [{"actor_id": a, "name": n, "kind": k, "iso3": i, "region": "unspecified",
                                  "mentioned_in": "; ".join(sorted(mentions.get(a, ()))) or "S011"} for a, n, k, i in ACTORS]
                + [{"region": "unspecified", **a, "mentioned_in": "; ".join(sorted(mentions.get(a["actor_id"], ()))) or "S011"} for a in extra_actors])
    for table in ("pledges", "conditions", "positions", "events", "figures", "open_questions", "tensions"):
        write_table(data, table, tables.get(table, []))
    return data


def pledge(pid: str, actor: str, stage: str, source: str, contribution: str = "troops", **extra: Any) -> dict[str, Any]:
    """A pledge row reported by ``source`` on its date."""
    words = f" {extra['amount_text']}" if extra.get("amount_text") else ""
    return {"pledge_id": pid, "actor_id": actor, "contribution_type": contribution, "stage": stage, "source_id": source,
            "reported_date": SOURCES[source][0], "quote": f"The report's words on {pid}:{words}."} | extra


def condition(cid: str, actor: str, ctype: str, source: str, pledge_id: str = "", applies_to: str = "deploying_troops", **extra: Any) -> dict[str, Any]:
    return {"condition_id": cid, "actor_id": actor, "condition_type": ctype, "pledge_id": pledge_id, "applies_to": applies_to,
            "source_id": source, "reported_date": SOURCES[source][0], "quote": f"The report's words on {cid}."} | extra


def position(pid: str, actor: str, topic: str, direction: str, source: str, summary: str = "A stance", **extra: Any) -> dict[str, Any]:
    return {"position_id": pid, "actor_id": actor, "topic": topic, "direction": direction, "summary": summary, "source_id": source,
            "reported_date": SOURCES[source][0], "quote": f"The report's words on {pid}."} | extra


def figure(fid: str, metric: str, low: float, high: float | str, precision: str, text: str, source: str, **extra: Any) -> dict[str, Any]:
    return {"figure_id": fid, "metric": metric, "value_low": low, "value_high": high, "precision": precision, "value_text": text,
            "source_id": source, "reported_date": SOURCES[source][0], "quote": f"The report's words on {fid}: {text}."} | extra


def event(eid: str, date: str, etype: str, title: str, actor: str, source: str, precision: str = "day", **extra: Any) -> dict[str, Any]:
    return {"event_id": eid, "event_date": date, "event_date_precision": precision, "event_type": etype, "title": title, "actor_id": actor,
            "source_id": source, "reported_date": SOURCES[source][0], "quote": f"The report's words on {eid}."} | extra
