"""Make a synthetic dataset N times the curated one, for benchmarking only (never curated data).

It keeps the real tables' shapes: the same columns, reference tables and sources; every claim row is
copied N times, the first copy keeping its id (so the tables that cite claims, e.g. tensions and
open questions' answers, still find them) and each other copy with a fresh one, given to a synthetic actor
(a real ISO state from pycountry, so validation passes). Quotes stay those of the real rows, so they still appear in
the sources. The result passes `isf validate`.

    python benchmarks/make_synthetic.py OUT_DIR [--factor 100]
"""

from __future__ import annotations

import argparse
import csv
import shutil
from itertools import cycle
from pathlib import Path

import pycountry

from helpers import paths
from helpers.data.datapackage import CLAIM_TABLES

ID_COLUMNS = {"pledges": "pledge_id", "conditions": "condition_id", "positions": "position_id",
              "events": "event_id", "figures": "figure_id", "open_questions": "question_id"}
PREFIXES = {"pledges": "PL", "conditions": "CO", "positions": "PO", "events": "EV", "figures": "FI", "open_questions": "OQ"}


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def synthetic_actors(existing: set[str], sources: str, count: int) -> list[dict[str, str]]:
    """Real ISO states not yet in the curated actors, as extra actors named in every source."""
    states = [c for c in pycountry.countries if c.alpha_3 not in existing][:count]
    return [{"actor_id": c.alpha_3, "name": f"{c.name} (synthetic)", "kind": "state", "iso3": c.alpha_3,
             "parent_actor_id": "", "region": "unspecified", "aliases": "", "mentioned_in": sources,
             "notes": "Synthetic benchmark actor."} for c in states]


def make(out: Path, factor: int, source: Path = paths.DATA_DIR) -> dict[str, int]:
    """Write the synthetic data package to ``out``; return row counts per claim table."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)
    # The copies get fresh ids, so the analysts' key judgements would cite claims it does not hold: a new
    # dataset starts without judgements, and its briefing prints the generated bottom line.
    shutil.rmtree(out / "judgements", ignore_errors=True)
    cur = out / "curated"
    _, sources = read(cur / "sources.csv")
    all_sources = "; ".join(s["source_id"] for s in sources)
    actor_header, actors = read(cur / "actors.csv")
    extra = synthetic_actors({a["actor_id"] for a in actors}, all_sources, count=min(200, 2 * factor))
    write(cur / "actors.csv", actor_header, actors + extra)
    pool = cycle([a["actor_id"] for a in extra])
    counts: dict[str, int] = {}
    # pledge copies keep their actor in step with the conditions that point at them
    pledge_owner: dict[str, str] = {}
    for table in ("pledges", *[t for t in CLAIM_TABLES if t != "pledges"]):
        header, rows = read(cur / f"{table}.csv")
        id_col, prefix = ID_COLUMNS[table], PREFIXES[table]
        out_rows = []
        for copy in range(factor):
            for row in rows:
                new = dict(row)
                if copy:  # five digits: never one of the curated (three-digit) ids
                    new[id_col] = f"{prefix}-{len(out_rows) + 1:05d}"
                if table == "conditions" and row["pledge_id"]:
                    new["pledge_id"] = f"{row['pledge_id']}#{copy}"  # resolved below
                if copy and "actor_id" in new and row.get("actor_id"):
                    new["actor_id"] = next(pool)
                if table == "pledges":
                    pledge_owner[f"{row['pledge_id']}#{copy}"] = new[id_col]
                    pledge_owner[new[id_col]] = new["actor_id"]
                out_rows.append(new)
        if table == "conditions":
            for new in out_rows:
                if new["pledge_id"]:
                    new["pledge_id"] = pledge_owner[new["pledge_id"]]
                    new["actor_id"] = pledge_owner[new["pledge_id"]]
        write(cur / f"{table}.csv", header, out_rows)
        counts[table] = len(out_rows)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--factor", type=int, default=100, help="copies of each claim row (default 100)")
    args = parser.parse_args()
    print(make(args.out, args.factor))


if __name__ == "__main__":
    main()
