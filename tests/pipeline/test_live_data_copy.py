"""The live-data tests pass on any correct data: run them again on a copy with a sixth report added.

The sixth report is a fixture (tests/fixtures/sixth-report-unsc-2803.txt: the Security Council adopts
Resolution 2803 on 17 Nov 2025, reported 18 Nov 2025), added to a copy of the repo and of the reports
folder in tmp, coded by the codebook's rules as a curator would: add-report, the rest of its sources row,
an event and a position, the UN-mandate conditions it meets, fill-mentions, the codebook's tables, and
validate (which records the checked quotes). Then every test marked ``live_data`` runs in a child pytest
with ISF_ROOT and ISF_SOURCES_DIR pointing at the copy. The real data and reports are never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import paths
from helpers.data import codebook, curate
from helpers.data.validate import main as validate_main
from helpers.data.validate import validate_data

REPORT = Path(__file__).parents[1] / "fixtures" / "sixth-report-unsc-2803.txt"
SENTENCE = ("The UN Security Council on 17 November 2025 adopted Resolution 2803, endorsing President Trump's 20-point plan "
            "for Gaza and authorising the International Stabilization Force.")
EVENT_DATE, REPORTED = "2025-11-17", "2025-11-18"
# Not copied: the environment, outputs, caches and the installed axe-core (the child reads the real tests folder).
IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "reports", "logs", "node_modules", "__pycache__", "*.egg-info",
                                ".ipynb_checkpoints", ".pytest_cache")


def append(path: Path, row: dict[str, str]) -> None:
    header, rows = curate.read_csv(path)
    curate.write_csv(path, header, [*rows, row])


def add_sixth_report(data: Path, sources: Path) -> str:
    """Add the fixture report to ``data`` and ``sources`` by the README's procedure; return its source id."""
    cur = data / "curated"
    sid = curate.add_report(REPORT, data, sources).source_id
    header, rows = curate.read_csv(cur / "sources.csv")
    rows[-1].update(outlet="Fixture Wire", title="Security Council adopts Resolution 2803", published=REPORTED, date_precision="day",
                    published_earliest=REPORTED, published_latest=REPORTED, date_note="Dateline in the file: 18 November 2025.",
                    notes="A test fixture (tests/fixtures/sixth-report-unsc-2803.txt), not a real report.")
    curate.write_csv(cur / "sources.csv", header, rows)

    ids = curate.next_ids(data)
    common = {"source_id": sid, "reported_date": REPORTED, "confidence": "unattributed", "voice": "outlet", "quote": SENTENCE}
    append(cur / "events.csv", {"event_id": ids["events"], "event_date": EVENT_DATE, "event_date_precision": "day", "event_type": "resolution",
                                "title": "Security Council adopts Resolution 2803, authorising the force", "actor_id": "UNSC", **common})
    append(cur / "positions.csv", {"position_id": ids["positions"], "actor_id": "UNSC", "topic": "peace_plan", "direction": "supports",
                                   "summary": "Endorses the 20-point plan (Resolution 2803)", "event_date": EVENT_DATE,
                                   "event_date_precision": "day", **common})
    # The codebook: a report of the Council adopting a mandate meets the UN-mandate conditions on deploying
    # troops reported before it; the rows are edited with a note, never silently.
    header, rows = curate.read_csv(cur / "conditions.csv")
    for row in rows:
        if (row["condition_type"], row["applies_to"], row["status"]) == ("un_mandate", "deploying_troops", "open") and row["reported_date"] <= EVENT_DATE:
            row.update(status="met", status_event_id=ids["events"],
                       notes=" ".join(filter(None, [row["notes"], f"Met: {sid} reports the Council's mandate (Resolution 2803)."])))
    curate.write_csv(cur / "conditions.csv", header, rows)
    curate.fill_mentions(data)
    return sid


@pytest.mark.slow
@pytest.mark.needs("reports")
def test_live_data_tests_pass_with_a_sixth_report_added(tmp_path: Path) -> None:
    root, sources = tmp_path / "repo", tmp_path / "sources"
    shutil.copytree(paths.ROOT, root, ignore=IGNORE)
    shutil.copytree(paths.SOURCES_DIR, sources)
    reports_before = len(curate.read_csv(paths.CURATED_DIR / "sources.csv")[1])
    sid = add_sixth_report(root / "data", sources)
    book = root / "docs" / "CODEBOOK.md"
    book.write_text(codebook.render_codebook(book.read_text(encoding="utf-8"), root / "data"), encoding="utf-8")
    assert [str(p) for p in validate_data(root / "data", sources)] == []
    # validate where the texts are: it records the new report's quotes as checked (data/quote_verification.json)
    assert validate_main(["--data-dir", str(root / "data"), "--sources-dir", str(sources)]) == 0
    assert not (paths.SOURCES_DIR / curate.read_csv(root / "data" / "curated" / "sources.csv")[1][-1]["file"]).exists()

    env = {**os.environ, "ISF_ROOT": str(root), "ISF_SOURCES_DIR": str(sources)}
    for name in ("ISF_BUILD_DIR", "ISF_REPORTS_DIR", "ISF_LOGS_DIR"):
        env.pop(name, None)  # under the copy's root
    proc = subprocess.run([sys.executable, "-m", "pytest", "-m", "live_data", "-p", "no:cacheprovider", str(Path(__file__).parents[1])],
                          cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=1800)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    # the child read the copy: one report more than the real data, the new one among them
    assert f"live data: {root / 'data'} ({reports_before + 1} reports, newest" in out, out[:2000]
    assert f"reports: {sources};" in out
    summary = out.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed", summary) and not re.search(r"failed|error", summary), summary
    assert sid not in {r["source_id"] for r in curate.read_csv(paths.CURATED_DIR / "sources.csv")[1]}
