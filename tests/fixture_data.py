"""The one builder of small data packages for tests: the live schema and code lists, curated rows the test gives.

Tests of code build on these packages, never on the live claims, so adding a report to ``data/`` never
breaks them. :func:`make_data` writes every table under the live header (blank where a row says nothing),
one report text per source holding every quote that cites it (so the package validates with
``ISF_SOURCES_DIR`` pointing at ``<tmp>/sources``), each source's checksum and each actor's
``mentioned_in``. Presets:

- the default sources (S011 of 18 Oct, S012 of 8 Nov, S013 of c. 13 Dec 2025) and actors, with the row
  helpers :func:`pledge`, :func:`condition`, :func:`position`, :func:`figure` and :func:`event`;
- :func:`make_package`: a tiny valid package of two reports whose texts are written out in full (the
  validator's and the curator's tests edit its files as text);
- :func:`source` and :func:`claim` for rows written out field by field (the news model's tests).
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths
from helpers.data.datapackage import CLAIM_TABLES, field_names, id_column, load_descriptor, resource

# Blank fields a claim row gets unless it says otherwise (make_data's ``fill``).
CLAIM_DEFAULTS: dict[str, str] = {"confidence": "unattributed", "voice": "outlet", "amount_precision": "unspecified", "location": "unspecified",
                                  "status": "open", "precision": "exact", "unit": "countries"}
SOURCES: dict[str, tuple[str, str]] = {
    "S011": ("2025-10-18", "day"),
    "S012": ("2025-11-08", "day"),
    "S013": ("2025-12-13", "approximate"),
}
ACTORS: list[tuple[str, str, str, str]] = [
    ("IDN", "Indonesia", "state", "IDN"), ("AZE", "Azerbaijan", "state", "AZE"), ("TUR", "Turkey", "state", "TUR"),
    ("USA", "United States", "state", "USA"), ("GBR", "United Kingdom", "state", "GBR"), ("ISR", "Israel", "state", "ISR"),
    ("EGY", "Egypt", "state", "EGY"), ("FRA", "France", "state", "FRA"),
    ("GRP-19", "The 19 willing countries (unnamed)", "unnamed_group", ""),
]
ACTOR_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id", "other_actor_ids")


def source_file(source_id: str) -> str:
    """The file name the schema expects ("NNN_<16 hex>.txt") for a fixture source."""
    return f"{int(source_id.lstrip('S')):03d}_{'0' * 16}.txt"


def _default_sources() -> dict[str, dict[str, str]]:
    return {s: {"published": d, "date_precision": p, "outlet": f"Outlet {s}", "title": f"Report {s}", "date_note": "Fixture date."}
            for s, (d, p) in SOURCES.items()}


def _default_actors() -> list[dict[str, str]]:
    return [{"actor_id": a, "name": n, "kind": k, "iso3": i, "region": "unspecified"} for a, n, k, i in ACTORS]


def write_rows(path: Path, header: list[str], rows: Iterable[Mapping[str, Any]], fill: Mapping[str, str] = {}) -> None:
    """Write ``rows`` under ``header`` as the curated files are written (csv module, \\n endings).

    Args:
        path: the CSV file.
        header: its columns, in order.
        rows: column -> value; a key not in ``header`` is an error, a missing one is ``fill``'s value or blank.
        fill: values for the fields a row leaves out.
    """
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: fill.get(k, "") for k in header} | {k: "" if v is None else str(v) for k, v in row.items()})


def read_csv_text(path: Path) -> pd.DataFrame:
    """A fixture file's table as written, every cell a string (for a test that edits it and writes it back)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def make_data(tmp: Path, extra_actors: Iterable[Mapping[str, Any]] = (), *, sources: Mapping[str, Mapping[str, str]] | None = None,
              actors: Iterable[Mapping[str, Any]] | None = None, texts: Mapping[str, str] | None = None,
              fill: Mapping[str, str] = CLAIM_DEFAULTS, **tables: list[dict[str, Any]]) -> Path:
    """A data folder with the live schema and code lists, the given sources and actors, and the given claim rows.

    Args:
        tmp: a temporary folder; the package goes to ``tmp/data``, the report texts to ``tmp/sources``.
        extra_actors: actors beyond ``actors`` (e.g. unnamed groups with a population).
        sources: source id -> its fields (``published`` and ``date_precision`` at least; ``file`` and
            ``sha256`` are filled in when absent); default :data:`SOURCES`.
        actors: the actors (column -> value); default :data:`ACTORS`. ``mentioned_in`` is filled in from
            the rows that name each actor when an actor does not give it.
        texts: source id -> the report's full text; a source not given gets a line naming it and every
            quote that cites it.
        fill: values for the fields a claim row leaves out (``{}``: blank, as written).
        tables: claim table name (and ``tensions``) -> rows; tables not given are empty.

    Returns:
        The data folder (holding datapackage.yaml, reference/ and curated/).
    """
    data, reports = tmp / "data", tmp / "sources"
    (data / "curated").mkdir(parents=True)
    reports.mkdir(exist_ok=True)
    shutil.copy(paths.DATAPACKAGE, data / "datapackage.yaml")
    shutil.copytree(paths.REFERENCE_DIR, data / "reference")
    descriptor = load_descriptor(data)
    header = lambda table: field_names(resource(descriptor, table))  # noqa: E731
    sources = {s: dict(fields) for s, fields in (sources or _default_sources()).items()}
    rows = [r for name, table in tables.items() if name != "tensions" for r in table]
    for s, fields in sources.items():
        fields.setdefault("file", source_file(s))
        text = (texts or {}).get(s)
        if text is None:
            text = "\n".join([f"Report {s}.", *(r["quote"] for r in rows if r.get("source_id") == s and r.get("quote"))]) + "\n"
        (reports / fields["file"]).write_text(text, encoding="utf-8")
        fields.setdefault("sha256", hashlib.sha256((reports / fields["file"]).read_bytes()).hexdigest())
        fields.setdefault("published_earliest", fields["published"])
        fields.setdefault("published_latest", fields["published"])
    write_rows(data / "curated" / "sources.csv", header("sources"), [{"source_id": s, **f} for s, f in sources.items()])
    mentions: dict[str, set[str]] = {}
    for r in rows:
        for column in ACTOR_COLUMNS:
            for actor in str(r.get(column, "")).split(";"):
                if actor.strip():
                    mentions.setdefault(actor.strip(), set()).add(r["source_id"])
    first = next(iter(sources), "")
    write_rows(data / "curated" / "actors.csv", header("actors"),
               [{"region": "unspecified", "mentioned_in": "; ".join(sorted(mentions.get(a["actor_id"], ()))) or first, **a}
                for a in [*(_default_actors() if actors is None else actors), *extra_actors]])
    for table in (*CLAIM_TABLES, "tensions"):
        write_rows(data / "curated" / f"{table}.csv", header(table), tables.get(table, []), fill if table != "tensions" else {})
    return data


# --- rows reported by the default sources, on their dates ---------------------------------------------


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


# --- rows written out field by field ----------------------------------------------------------------------


def source(source_id: str, published: str, precision: str = "day") -> tuple[str, dict[str, str]]:
    """A source for :func:`split_rows`: ("sources", its fields), outlet "Outlet <id>", title "Title <id>"."""
    return "sources", {"source_id": source_id, "outlet": f"Outlet {source_id}", "title": f"Title {source_id}", "published": published,
                       "date_precision": precision}


def claim(table: str, claim_id: str, source_id: str, reported: str, **fields: str) -> tuple[str, dict[str, str]]:
    """One claim row of ``table`` for :func:`split_rows`: its id, source and report date, then ``fields``."""
    return table, {id_column(table): claim_id, "source_id": source_id, "reported_date": reported, "confidence": "unattributed", **fields}


def split_rows(rows: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """(table, row) pairs as :func:`make_data`'s keyword arguments: ``sources`` and one list per table."""
    out: dict[str, Any] = {"sources": {}}
    for table, row in rows:
        if table == "sources":
            out["sources"][row["source_id"]] = {k: v for k, v in row.items() if k != "source_id"}
        else:
            out.setdefault(table, []).append(row)
    return out


# --- a tiny valid package whose report texts are written out in full ---------------------------------------

REPORTS = {
    "S000": (
        "Fixture Daily, 10 October 2025\n\nA diplomat called the council's draft “a work in progress” –\nnot yet final.\n"
        "Indonesia has offered up to 20,000 troops for the force, officials said.\n"
        "The United States said no American troops will enter Gaza.\n"
        "It remains unclear who will command the force.\n"
    ),
    "S001": (
        "Fixture Gazette, 12 October 2025\n\nJordan’s foreign minister said his country’s support depends on a UN mandate.\n"
        "Some 19 countries have signalled willingness to take part.\n"
    ),
}

PACKAGE: dict[str, Any] = {
    "sources": {
        "S000": {"file": "000_aaaaaaaaaaaaaaaa.txt", "outlet": "Fixture Daily", "published": "2025-10-10", "date_precision": "day",
                 "published_earliest": "2025-10-10", "published_latest": "2025-10-10", "date_note": "Dateline."},
        "S001": {"file": "001_bbbbbbbbbbbbbbbb.txt", "outlet": "Fixture Gazette", "published": "2025-10-12", "date_precision": "day",
                 "published_earliest": "2025-10-12", "published_latest": "2025-10-12", "date_note": "Dateline."},
    },
    "actors": [
        {"actor_id": "IDN", "name": "Indonesia", "kind": "state", "iso3": "IDN", "region": "southeast_asia", "mentioned_in": "S000"},
        {"actor_id": "USA", "name": "United States", "kind": "state", "iso3": "USA", "region": "north_america", "mentioned_in": "S000"},
        {"actor_id": "JOR", "name": "Jordan", "kind": "state", "iso3": "JOR", "region": "middle_east", "mentioned_in": "S001"},
    ],
    "pledges": [
        {"pledge_id": "PL-001", "actor_id": "IDN", "contribution_type": "troops", "stage": "offered_private", "amount_high": "20000",
         "amount_unit": "troops", "amount_text": "up to 20,000", "amount_precision": "up_to", "location": "unspecified",
         "source_id": "S000", "reported_date": "2025-10-10", "confidence": "anonymous_officials", "attribution": "officials",
         "voice": "third_party", "quote": "Indonesia has offered up to 20,000 troops for the force"},
    ],
    "conditions": [
        {"condition_id": "CO-001", "actor_id": "JOR", "condition_type": "un_mandate", "applies_to": "supporting_resolution",
         "status": "open", "source_id": "S001", "reported_date": "2025-10-12", "confidence": "named_official",
         "voice": "own", "quote": "Jordan’s foreign minister said his country’s support depends on a UN mandate."},
    ],
    "positions": [
        {"position_id": "PO-001", "actor_id": "USA", "topic": "us_troops_in_gaza", "direction": "opposes",
         "summary": "No American troops in Gaza", "source_id": "S000", "reported_date": "2025-10-10", "confidence": "on_record",
         "voice": "own", "quote": "The United States said no American troops will enter Gaza."},
    ],
    "figures": [
        {"figure_id": "FI-001", "metric": "countries_willing", "value_low": "19", "value_high": "19", "unit": "countries",
         "value_text": "Some 19", "precision": "approximate", "source_id": "S001", "reported_date": "2025-10-12",
         "confidence": "unattributed", "voice": "outlet", "quote": "Some 19 countries have signalled willingness to take part."},
    ],
    "open_questions": [
        {"question_id": "OQ-001", "topic": "command_structure", "question": "Who will command the force?", "status": "open", "source_id": "S000",
         "reported_date": "2025-10-10", "confidence": "unattributed", "voice": "outlet", "quote": "It remains unclear who will command the force."},
    ],
}


def make_package(root: Path) -> tuple[Path, Path]:
    """The tiny valid package of two reports (:data:`PACKAGE`, :data:`REPORTS`), every row as written.

    Args:
        root: an empty tmp folder.

    Returns:
        (data_dir, sources_dir): ``root/data`` (datapackage.yaml, curated/, reference/) and ``root/sources``.
    """
    data = make_data(root, texts=REPORTS, fill={}, **PACKAGE)
    return data, root / "sources"
