"""Keep docs/CODEBOOK.md in step with the schema and reference tables.

The codebook's prose is written by hand; the tables of fields, codes and actor appearances are
generated between ``<!-- BEGIN name -->`` / ``<!-- END name -->`` markers, so they cannot drift from
datapackage.yaml and the reference CSVs. ``isf codebook`` rewrites them, and so does every command that
changes the data (``add-report``, ``fill-mentions``); ``isf validate`` and a test say when they are stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from helpers import paths
from helpers.data.datapackage import load_descriptor, read_csv, read_rows

CODEBOOK: Path = paths.CODEBOOK
# Reference tables shown in the codebook, with the heading used there.
REFERENCE_SECTIONS: dict[str, str] = {
    "stages": "Stage ladder",
    "contribution_types": "Contribution types",
    "condition_types": "Condition types",
    "condition_scopes": "What a condition governs",
    "condition_statuses": "Condition status (open, met, lapsed)",
    "confidence_levels": "Confidence (how a claim is sourced)",
    "precisions": "Precision of amounts and figures (how vagueness is recorded)",
    "locations": "Locations",
    "directions": "Directions of positions",
    "topics": "Topics of positions",
    "event_types": "Event types",
    "metrics": "Metrics of figures",
    "actor_kinds": "Kinds of actor",
    "regions": "Regions",
    "units": "Units",
    "date_precisions": "Date precisions",
    "voices": "Whose word a claim is",
    "populations": "Populations of unnamed groups",
}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def md_rows(header: list[str], rows: list[list[str]]) -> str:
    """A markdown pipe table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fields_block(data_dir: Path) -> str:
    """One table per curated resource: field, type, required, description, allowed codes."""
    descriptor = load_descriptor(data_dir)
    parts = []
    for resource in descriptor["resources"]:
        if not resource["path"].startswith("curated/"):
            continue
        refs = {fk["fields"][0]: fk["reference"]["resource"] or resource["name"] for fk in resource["schema"].get("foreignKeys", [])}
        rows = []
        for field in resource["schema"]["fields"]:
            cons = field.get("constraints", {})
            rule = []
            if cons.get("unique"):
                rule.append("unique")
            if "pattern" in cons:
                rule.append(f"pattern `{cons['pattern']}`")
            if "minimum" in cons:
                rule.append(f">= {cons['minimum']}")
            if "maxLength" in cons:
                rule.append(f"<= {cons['maxLength']} chars")
            if field["name"] in refs:
                rule.append(f"code from `{refs[field['name']]}`")
            rows.append([f"`{field['name']}`", field["type"], "yes" if cons.get("required") else "", field.get("description", ""), ", ".join(rule)])
        parts.append(f"### `{resource['path']}`\n\n" + md_rows(["field", "type", "required", "meaning", "rules"], rows))
    return "\n\n".join(parts)


def reference_block(data_dir: Path) -> str:
    """Every reference table, code by code."""
    parts = []
    for name, heading in REFERENCE_SECTIONS.items():
        header, rows = read_csv(data_dir / "reference" / f"{name}.csv")
        parts.append(f"### {heading} (`reference/{name}.csv`)\n\n" + md_rows(header, [[r[c] for c in header] for r in rows]))
    return "\n\n".join(parts)


def actors_block(data_dir: Path) -> str:
    """Which report each actor appears in."""
    source_ids = [r["source_id"] for r in read_rows(data_dir / "curated" / "sources.csv")]
    actors = read_rows(data_dir / "curated" / "actors.csv")
    rows = []
    for a in actors:
        seen = {s.strip() for s in a["mentioned_in"].split(";")}
        rows.append([f"`{a['actor_id']}`", a["name"], a["kind"], *("x" if s in seen else "" for s in source_ids)])
    return md_rows(["actor_id", "name", "kind", *source_ids], rows)


def sources_block(data_dir: Path) -> str:
    """The five reports: file, outlet, relayed outlets, date and its precision."""
    rows = [[f"`{r['source_id']}`", f"`{r['file']}`", r["outlet"], r["relays"], r["published"], r["date_precision"], r["date_note"]]
            for r in read_rows(data_dir / "curated" / "sources.csv")]
    return md_rows(["source_id", "file", "outlet", "relays", "published", "precision", "how dated"], rows)


BLOCKS = {"fields": fields_block, "reference": reference_block, "actors": actors_block, "sources": sources_block}


def render_codebook(text: str, data_dir: Path) -> str:
    """Replace every generated block in the codebook text with a fresh one.

    Args:
        text: current CODEBOOK.md.
        data_dir: folder holding datapackage.yaml.

    Returns:
        The updated text.
    """
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"{CODEBOOK.name} lacks the markers <!-- BEGIN {name} --> / <!-- END {name} -->")
        block = make(data_dir)
        text = pattern.sub(lambda m: m.group(1) + block + "\n" + m.group(2), text)
    return text


def is_stale(data_dir: Path, codebook: Path | None = None) -> bool:
    """Whether the codebook's generated tables differ from what ``data_dir`` gives.

    Args:
        data_dir: folder holding datapackage.yaml.
        codebook: the codebook file (default: docs/CODEBOOK.md).

    Returns:
        True when ``isf codebook`` would change the file.
    """
    current = (codebook or CODEBOOK).read_text(encoding="utf-8")
    return render_codebook(current, data_dir) != current


def refresh(data_dir: Path, codebook: Path | None = None) -> bool:
    """Rewrite the generated tables when they are stale.

    Args:
        data_dir: folder holding datapackage.yaml.
        codebook: the codebook file (default: docs/CODEBOOK.md).

    Returns:
        True when the file was rewritten.
    """
    path = codebook or CODEBOOK
    current = path.read_text(encoding="utf-8")
    fresh = render_codebook(current, data_dir)
    if fresh != current:
        path.write_text(fresh, encoding="utf-8")
    return fresh != current


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated blocks of docs/CODEBOOK.md (``--check`` only reports staleness)."""
    parser = argparse.ArgumentParser(prog="isf codebook", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the codebook is stale, change nothing")
    args = parser.parse_args(argv)
    current = CODEBOOK.read_text(encoding="utf-8")
    fresh = render_codebook(current, paths.DATA_DIR)
    if args.check:
        stale = fresh != current
        print(f"codebook: {'stale - run isf codebook' if stale else 'up to date'}")
        return int(stale)
    CODEBOOK.write_text(fresh, encoding="utf-8")
    print(f"codebook: wrote {CODEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
