"""A tiny, valid data package with two fixture reports, written into a tmp folder.

Tests of the validator and the curator's commands run on this, not on the live data, so a curator's
correction to data/curated never breaks them. The schema and reference code lists are the project's
own (copied from data/), as they are reviewed like code.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

from helpers import paths
from helpers.data.datapackage import field_names, load_descriptor, resource

REPORTS = {
    "000_aaaaaaaaaaaaaaaa.txt": (
        "Fixture Daily, 10 October 2025\n\nA diplomat called the council's draft “a work in progress” –\nnot yet final.\n"
        "Indonesia has offered up to 20,000 troops for the force, officials said.\n"
        "The United States said no American troops will enter Gaza.\n"
        "It remains unclear who will command the force.\n"
    ),
    "001_bbbbbbbbbbbbbbbb.txt": (
        "Fixture Gazette, 12 October 2025\n\nJordan’s foreign minister said his country’s support depends on a UN mandate.\n"
        "Some 19 countries have signalled willingness to take part.\n"
    ),
}

ROWS: dict[str, list[dict[str, str]]] = {
    "sources": [
        {"source_id": "S000", "file": "000_aaaaaaaaaaaaaaaa.txt", "outlet": "Fixture Daily", "published": "2025-10-10",
         "date_precision": "day", "published_earliest": "2025-10-10", "published_latest": "2025-10-10", "date_note": "Dateline."},
        {"source_id": "S001", "file": "001_bbbbbbbbbbbbbbbb.txt", "outlet": "Fixture Gazette", "published": "2025-10-12",
         "date_precision": "day", "published_earliest": "2025-10-12", "published_latest": "2025-10-12", "date_note": "Dateline."},
    ],
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
    "events": [],
    "figures": [
        {"figure_id": "FI-001", "metric": "countries_willing", "value_low": "19", "value_high": "19", "unit": "countries",
         "value_text": "Some 19", "precision": "approximate", "source_id": "S001", "reported_date": "2025-10-12",
         "confidence": "unattributed", "voice": "outlet", "quote": "Some 19 countries have signalled willingness to take part."},
    ],
    "open_questions": [
        {"question_id": "OQ-001", "topic": "command_structure", "question": "Who will command the force?", "status": "open", "source_id": "S000",
         "reported_date": "2025-10-10", "confidence": "unattributed", "voice": "outlet", "quote": "It remains unclear who will command the force."},
    ],
    "tensions": [],
}


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows under ``header`` the way the curated files are written (csv module, \\n endings)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def make_package(root: Path) -> tuple[Path, Path]:
    """Write the fixture package and its reports under ``root``.

    Args:
        root: an empty tmp folder.

    Returns:
        (data_dir, sources_dir): ``root/data`` (datapackage.yaml, curated/, reference/) and ``root/sources``.
    """
    data, sources = root / "data", root / "sources"
    (data / "curated").mkdir(parents=True)
    sources.mkdir()
    shutil.copy(paths.DATAPACKAGE, data / "datapackage.yaml")
    shutil.copytree(paths.REFERENCE_DIR, data / "reference")
    for name, text in REPORTS.items():
        (sources / name).write_text(text, encoding="utf-8")
    descriptor = load_descriptor(data)
    for name, rows in ROWS.items():
        if name == "sources":
            rows = [{**r, "sha256": hashlib.sha256((sources / r["file"]).read_bytes()).hexdigest()} for r in rows]
        write_rows(data / "curated" / f"{name}.csv", field_names(resource(descriptor, name)), rows)
    return data, sources
