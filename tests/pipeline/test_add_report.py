"""The README's "Add a report" path, walked end to end on a fixture report in tmp folders.

A copy of the data and of the sources gets a sixth report (a fixture, never ../shared): add-report,
complete the sources row, next-id, add claim rows (a new actor among them), fill-mentions, validate, then
two builds (an edition before the report and one after) with ISF_SOURCES_DIR and tmp reports/build
folders. The new report's claims must be in the briefing and in "What changed".
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from helpers import paths
from helpers.publish.build import build
from helpers.publish.config import BuildConfig
from helpers.cli import main as cli
from helpers.data.curate import read_csv, write_csv
from helpers.data.validate import validate_data
from test_briefing import page_text

# A copy of the live data gets one report more: it must work whatever reports the data already holds.
pytestmark = [pytest.mark.needs("reports"), pytest.mark.live_data]

# A fixture report: made up for this test (it is never stored in ../shared and never in the repo's data).
REPORT = """Fixture Wire, 18 November 2025

Security Council endorses the Gaza stabilization force

The U.N. Security Council on Monday adopted a U.S.-drafted resolution endorsing the International Stabilization Force.
Bangladesh said it was ready to send troops to the force, its foreign ministry said in a statement.
"""


def fake_renderer(executed: Path, out_dir: Path) -> SimpleNamespace:
    """Stands in for rendering in the earlier edition, which only has to exist for 'what changed'."""
    html, pdf = out_dir / f"{executed.stem}.html", out_dir / f"{executed.stem}.pdf"
    html.write_text("<html></html>", encoding="utf-8")
    pdf.write_bytes(b"%PDF-1.4 fake\n")
    return SimpleNamespace(html=html, pdf=pdf, renderer="fake")


def append(path: Path, row: dict[str, str]) -> None:
    header, rows = read_csv(path)
    write_csv(path, header, [*rows, row])


def markdown_outputs(executed: Path) -> list[str]:
    """Every Markdown output of an executed notebook, unescaped (escape_md backslash-escapes punctuation)."""
    nb = nbformat.read(executed, as_version=4)
    return [re.sub(r"\\(.)", r"\1", o["data"]["text/markdown"]) for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]


def test_add_a_report_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data, sources = tmp_path / "data", tmp_path / "sources"
    shutil.copytree(paths.DATA_DIR, data)
    shutil.copytree(paths.SOURCES_DIR, sources)
    report = tmp_path / "inbox" / "unsc-adopts.txt"
    report.parent.mkdir()
    report.write_text(REPORT, encoding="utf-8")
    monkeypatch.setenv("ISF_SOURCES_DIR", str(sources))  # the setting the README documents; the kernels read it
    cur = data / "curated"

    # 1. Register the report; the command picks the next source id and the stored file's name.
    assert cli(["add-report", str(report), "--data-dir", str(data), "--sources-dir", str(sources)]) == 0
    _, rows = read_csv(cur / "sources.csv")
    new = rows[-1]
    sid = new["source_id"]
    assert (sources / new["file"]).read_text(encoding="utf-8") == REPORT
    assert [p.file for p in validate_data(data, sources)] == ["data/curated/sources.csv"] * 6  # the blanks to complete

    # 2. Complete the row, as the README says.
    new.update(outlet="Fixture Wire", title="Security Council endorses the Gaza stabilization force", published="2025-11-18",
               date_precision="day", published_earliest="2025-11-18", published_latest="2025-11-18",
               date_note="Dateline in the file: 18 November 2025.")
    header, _ = read_csv(cur / "sources.csv")
    write_csv(cur / "sources.csv", header, rows)

    # 3. Next ids, then the claim rows; the new actor's mentioned_in is left for fill-mentions.
    capsys.readouterr()
    assert cli(["next-id", "--data-dir", str(data)]) == 0
    ids = dict(line.split() for line in capsys.readouterr().out.splitlines())
    assert ids["sources"] != sid  # the id just taken is no longer offered
    if "BGD" not in {a["actor_id"] for a in read_csv(cur / "actors.csv")[1]}:  # a later report may have added it
        append(cur / "actors.csv", {"actor_id": "BGD", "name": "Bangladesh", "kind": "state", "iso3": "BGD", "region": "south_asia", "mentioned_in": ""})
    common = {"source_id": sid, "reported_date": "2025-11-18"}
    append(cur / "pledges.csv", {"pledge_id": ids["pledges"], "actor_id": "BGD", "contribution_type": "troops", "stage": "offered_public",
                                 "amount_precision": "unspecified", "location": "unspecified", "confidence": "on_record",
                                 "attribution": "its foreign ministry", "voice": "own", **common,
                                 "quote": "Bangladesh said it was ready to send troops to the force"})
    append(cur / "events.csv", {"event_id": ids["events"], "event_date": "2025-11-17", "event_date_precision": "day",
                                "event_type": "resolution", "title": "Security Council adopts the US resolution endorsing the force",
                                "actor_id": "UNSC", "confidence": "unattributed", "voice": "outlet", **common,
                                "quote": "The U.N. Security Council on Monday adopted a U.S.-drafted resolution"})
    found = validate_data(data, sources)  # BGD's and UNSC's mentioned_in lack the new report
    assert {(p.file, p.field, p.expected.split(" (")[0]) for p in found} == {("data/curated/actors.csv", "mentioned_in", f"to include {sid}")}
    assert sorted(p.expected.split("cite ")[1].split(";")[0] for p in found) == ["BGD", "UNSC"]

    # 4. fill-mentions writes what validate asked for; then the data is clean.
    assert cli(["fill-mentions", "--data-dir", str(data)]) == 0
    assert f"BGD: added {sid}" in capsys.readouterr().out
    assert [str(p) for p in validate_data(data, sources)] == []

    # 5. Build the edition before the report (fake render), then the one after it (real render).
    common_config = dict(data_dir=data, reports_dir=tmp_path / "reports", build_dir=tmp_path / "build",
                         validator=lambda d: validate_data(d, sources))
    build(BuildConfig(as_of="2025-11-16", renderer=fake_renderer, **common_config))
    build(BuildConfig(as_of="2025-11-20", **common_config))

    outputs = markdown_outputs(tmp_path / "build" / "2025-11-20" / "03-write-briefing.ipynb")
    changed = next(o for o in outputs if o.startswith("Since the previous edition"))  # the "What changed" section
    assert "new report" in changed.splitlines()[0]
    news = [line for line in changed.splitlines() if sid in line]
    assert any("Bangladesh" in line for line in news), changed
    html = (tmp_path / "reports" / "briefing.html").read_text(encoding="utf-8")
    assert "Bangladesh" in html and sid in html
    assert "Fixture Wire" in html  # listed under Sources

    # 6. The analyst's judgements of the edition before say they are not yet reviewed, naming those the new
    # claims bear on, and `review` lists the new claims with their quotes (issue 18).
    bottom = next(o for o in outputs if o.startswith("**Not yet reviewed:**"))
    notice = re.match(r"\*\*Not yet reviewed:\*\* (Written for the edition of (.+?); (\d+) claims? from \d+ later reports? bears? on "
                      r"judgements? ([\d, and]+) and (?:is|are) not yet reviewed\.)", bottom)
    assert notice, bottom.splitlines()[0]
    assert notice.group(1) in page_text(html)  # the page says it too, at the top of the bottom line
    capsys.readouterr()
    assert cli(["review", "--as-of", "2025-11-20", "--data-dir", str(data)]) == 0
    review = capsys.readouterr().out
    assert re.search(rf"not read: \d+ claims from (\S+ \(.+?\), )*{sid} \(18 Nov 2025\)", review), review  # with any other report not yet read
    for number in re.findall(r"\d+", notice.group(4)):
        block = review.split(f"\njudgement {number} (line ", 1)[1].split("\njudgement ", 1)[0]
        assert "bear" in block and sid in block
    assert f"{ids['pledges']} ({sid} (18 Nov 2025); shares " in review
    assert "\u201cBangladesh said it was ready to send troops to the force\u201d" in review
