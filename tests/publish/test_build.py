"""The build driver on tiny fixture notebooks, fixture data and a fake renderer, all in tmp_path.

The notebooks really run (papermill, the python3 kernel); only rendering is faked. Each test works on
its own copy of a project that was built once per module (a draft of AS_OF), so the suite stays around
half a minute. `publish` freezes drafts the way `dev.py publish` does, into a site in the project.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from needs import need

from helpers.publish import build as b
from helpers.publish.config import BuildConfig, default_renderer
from helpers.publish.editions import EditionError, Editions, missing_files, read_edition, read_edition_info, scan_editions
from helpers.publish.errors import BuildError
from helpers.publish.inputs import input_key
from helpers.publish.lock import BuildLocked
from helpers.publish.manifest import claim_hashes, file_sha256, ManifestError, read_claim_hashes, row_sha256, tree_digest, write_claims_index
from helpers.publish.notebooks import NotebookError, PARAMETER_NAMES
from helpers import paths
from helpers.data.datapackage import reference_tables
from helpers.publish.site import publish_site
from helpers.publish.site_editions import PublishError

AS_OF = "2025-11-20"
PLEDGES = (
    "pledge_id,country,troops,reported_date\n"
    "PL-1,Indonesia,20000,2025-10-17\nPL-2,Azerbaijan,1500,2025-11-08\nPL-3,Pakistan,3000,2025-11-15\n"
)
SOURCE_TEXT = "Indonesia offers up to 20,000 troops.\n"

PARAMETERS_CELL = '''as_of: str = "2025-01-01"  # the edition's date, YYYY-MM-DD
data_dir: str = "../data"  # folder with curated/ and reference/
out_dir: str = "../build/scratch"  # the edition's staging folder; processed CSVs go to out_dir/processed/
previous_edition: str = ""  # folder of the previous edition, "" when none'''

CLEAN_CELLS = [
    "import csv, json, pathlib\nrows = list(csv.DictReader(open(pathlib.Path(data_dir) / 'curated' / 'pledges.csv')))",
    "# Check: troops are whole numbers\nbad = [r for r in rows if not r['troops'].isdigit()]\n"
    "if bad:\n    raise ValueError(f\"troops must be a whole number, got {bad[0]['troops']!r} for {bad[0]['country']}\")",
    "processed = pathlib.Path(out_dir) / 'processed'\nprocessed.mkdir(parents=True, exist_ok=True)\n"
    "with open(processed / 'pledges.csv', 'w', newline='') as fh:\n"
    "    w = csv.DictWriter(fh, list(rows[0]))\n    w.writeheader()\n    w.writerows(rows)\n"
    "(processed / 'parameters.json').write_text(json.dumps(dict(as_of=as_of, data_dir=data_dir, "
    "out_dir=out_dir, previous_edition=previous_edition)))",
]
BRIEFING_CELLS = [
    "import csv, pathlib\nrows = list(csv.DictReader(open(pathlib.Path(out_dir) / 'processed' / 'pledges.csv')))",
    "total = sum(int(r['troops']) for r in rows)\nprint(f'TOTAL TROOPS {total} AS OF {as_of}')",
]


def write_notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell(PARAMETERS_CELL)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(src) for src in cells)]
    nbformat.write(nb, path)
    return path


class FakeRenderer:
    """Writes a small html and pdf holding the executed notebook's printed output."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[Path, Path]] = []
        self.fail = fail

    def __call__(self, executed: Path, out_dir: Path) -> SimpleNamespace:
        self.calls.append((executed, out_dir))
        if self.fail:
            raise RuntimeError("typst: unknown font family")
        nb = nbformat.read(executed, as_version=4)
        text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream")
        hidden = [c.metadata.get("tags", []) for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        # Named after the notebook, as helpers.publish.render does; the driver renames them briefing.*.
        html = out_dir / f"{executed.stem}.html"
        html.write_text(f"<html><body><pre>{text}</pre><!-- {hidden} --></body></html>", encoding="utf-8")
        pdf = out_dir / f"{executed.stem}.pdf"
        pdf.write_bytes(b"%PDF-1.4 fake\n" + text.encode())
        return SimpleNamespace(html=html, pdf=pdf, renderer="fake")


def make_project(root: Path) -> BuildConfig:
    (root / "data" / "curated").mkdir(parents=True)
    (root / "data" / "curated" / "pledges.csv").write_text(PLEDGES, encoding="utf-8")
    (root / "notebooks").mkdir()
    (root / "_quarto.yml").write_text("project:\n  type: default\n", encoding="utf-8")
    (root / "sources").mkdir()
    (root / "sources" / "000_report.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    write_notebook(root / "notebooks" / "01-clean.ipynb", CLEAN_CELLS)
    write_notebook(root / "notebooks" / "02-briefing.ipynb", BRIEFING_CELLS)
    return config_for(root)


def config_for(root: Path, as_of: str = AS_OF, **changes: object) -> BuildConfig:
    config = BuildConfig(
        as_of=as_of,
        data_dir=root / "data",
        notebooks=(root / "notebooks" / "01-clean.ipynb", root / "notebooks" / "02-briefing.ipynb"),
        reports_dir=root / "reports",
        build_dir=root / "build",
        key_paths=(root / "_quarto.yml",),
        renderer=FakeRenderer(),
        validator=None,
        sources_dir=root / "sources",
    )
    return replace(config, **changes)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def publish(root: Path) -> tuple[str, ...]:
    """Freeze the project's drafts into its site, as `dev.py publish --site site` does; the folders published."""
    site = root / "site"
    result = publish_site(root / "reports", site, first_run=not site.exists(), base_url="https://example.org/isf/",
                          data_dir=root / "data")
    return result.published


def draft(root: Path, name: str = AS_OF) -> Path:
    return root / "reports" / "drafts" / name


def published(root: Path, name: str = AS_OF) -> Path:
    return root / "reports" / "editions" / name


def edit_pledges(root: Path, text: str) -> None:
    (root / "data" / "curated" / "pledges.csv").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture project built once at AS_OF; tests copy it."""
    root = tmp_path_factory.mktemp("template")
    config = make_project(root)
    result = b.build(config)
    assert not result.reused
    return root


@pytest.fixture()
def project(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(template, root)
    return root


# --------------------------------------------------------------------------------------------------


def test_build_makes_a_draft_with_a_manifest_matching_what_was_built(project: Path) -> None:
    edition = draft(project)
    assert not (project / "reports" / "editions").exists()  # only publish writes published editions
    manifest = json.loads((edition / "manifest.json").read_text())

    # The notebooks ran, in order, on the fixture data, and the briefing shows the computed number.
    assert (edition / "processed" / "pledges.csv").read_text() == PLEDGES
    assert "TOTAL TROOPS 24500 AS OF 2025-11-20" in (edition / "briefing.html").read_text()
    # reports/briefing.* are the draft's files, byte for byte.
    assert (project / "reports" / "briefing.html").read_bytes() == (edition / "briefing.html").read_bytes()
    assert (project / "reports" / "briefing.pdf").read_bytes() == (edition / "briefing.pdf").read_bytes()

    assert manifest["as_of"] == AS_OF
    assert manifest["renderer"] == "fake"
    # The data's fingerprint, written out from the fixture: sha256 over "<path>\0<sha256 of the file>\n" of its one file.
    pledges_sha = hashlib.sha256(PLEDGES.encode()).hexdigest()
    assert manifest["data_checksum"] == hashlib.sha256(f"curated/pledges.csv\0{pledges_sha}\n".encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["input_key"]) and manifest["input_key"] != manifest["data_checksum"]
    assert manifest["previous_edition"] == "" and manifest["parameters"]["previous_edition"] == ""
    assert set(manifest["parameters"]) == set(PARAMETER_NAMES)
    # What the notebook received is what the manifest says it received.
    received = json.loads((edition / "processed" / "parameters.json").read_text())
    assert received == manifest["parameters"]
    assert [n["name"] for n in manifest["notebooks"]] == ["01-clean.ipynb", "02-briefing.ipynb"]
    assert manifest["python"] == ".".join(map(str, sys.version_info[:3]))
    assert manifest["package_versions"]["papermill"] == "2.7.0"
    assert manifest["built_at"].endswith("+00:00")
    # Every file is listed with its real checksum and size; nothing else is in the edition.
    assert set(manifest["files"]) == {
        "briefing.html", "briefing.pdf", "processed/pledges.csv", "processed/parameters.json", "edition.json", "claims_index.json",
    }
    # A first edition, built with the source texts at hand: quotes were checked, no revision.
    assert manifest["revision"] == 0 and manifest["revised"] is False and manifest["revises"] == ""
    assert manifest["quotes_checked"] is True and manifest["sources_checksum"] == tree_digest(project / "sources")
    info = json.loads((edition / "edition.json").read_text())
    assert info.pop("sources_dir").endswith("/sources")  # the template's folder: tests copy it
    assert info == {"as_of": AS_OF, "revision": 0, "revises": "", "revises_path": "", "revision_note": "",
                    "corrected_claims": [], "previous_edition": "", "quotes_checked": True,
                    "quotes": {"how": "reports", "verified_on": ""},
                    "validated": False}  # no validator configured: notebook 01 checks the data
    for rel, info in manifest["files"].items():
        assert info["sha256"] == file_sha256(edition / rel)
        assert info["bytes"] == (edition / rel).stat().st_size
    # No staging or aside folders are left behind.
    assert [p.name for p in (project / "reports").iterdir() if p.name.startswith((".staging", ".old"))] == []


def test_injected_parameters_cell_is_tagged_remove_cell(project: Path) -> None:
    executed = nbformat.read(project / "build" / AS_OF / "02-briefing.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "remove-cell" in injected[0].metadata["tags"]
    assert f'as_of = "{AS_OF}"' in injected[0].source
    # The author's own parameters cell is untouched.
    own = [c for c in executed.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(own) == 1 and "remove-cell" not in own[0].metadata["tags"]


def test_rebuild_without_change_skips_all_work(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "reports")
    mtime = (draft(project) / "briefing.pdf").stat().st_mtime_ns
    renderer = FakeRenderer()
    key = json.loads((draft(project) / "manifest.json").read_text())["input_key"]
    result = b.build(config_for(project, renderer=renderer))

    # No notebook ran and nothing rendered (how fast that is: benchmarks/bench_build.py, "unchanged").
    assert result.reused and result.renderer == "fake"
    assert renderer.calls == []
    assert f"unchanged: reusing draft {draft(project)} (key {key[:12]})" in capsys.readouterr().out
    assert snapshot(project / "reports") == before
    assert (draft(project) / "briefing.pdf").stat().st_mtime_ns == mtime


def test_no_change_path_imports_nothing_heavy(project: Path) -> None:
    code = f"""
import json, sys
from pathlib import Path
from helpers.publish.build import build
from helpers.publish.config import BuildConfig
root = Path({str(project)!r})
config = BuildConfig(as_of={AS_OF!r}, data_dir=root / "data",
    notebooks=(root / "notebooks" / "01-clean.ipynb", root / "notebooks" / "02-briefing.ipynb"),
    reports_dir=root / "reports", build_dir=root / "build", key_paths=(root / "_quarto.yml",), validator=None,
    sources_dir=root / "sources")
result = build(config)
heavy = sorted(m for m in ("pandas", "altair", "papermill", "nbformat", "nbclient", "jupyter_client", "vl_convert")
               if m in sys.modules)
print(json.dumps({{"reused": result.reused, "heavy": heavy}}))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["reused"] is True
    assert report["heavy"] == []


def test_a_draft_is_rebuilt_freely_and_compares_with_the_last_published_edition(project: Path) -> None:
    assert publish(project) == (AS_OF,)
    frozen = snapshot(published(project))
    assert not draft(project).exists()
    b.build(config_for(project, as_of="2025-11-25"))
    first = json.loads((draft(project, "2025-11-25") / "manifest.json").read_text())
    assert first["previous_edition"] == AS_OF

    # A data edit, then build again: the same draft is replaced (no revision), still compared with 20 Nov.
    edit_pledges(project, PLEDGES.replace("Azerbaijan,1500", "Azerbaijan,2500") + "PL-4,Egypt,500,2025-11-24\n")
    result = b.build(config_for(project, as_of="2025-11-25"))
    assert not result.reused and result.revision == 0 and result.edition == draft(project, "2025-11-25")
    again = json.loads((draft(project, "2025-11-25") / "manifest.json").read_text())
    assert again["previous_edition"] == AS_OF and again["previous_input_key"] == first["previous_input_key"]
    assert again["input_key"] != first["input_key"]
    assert "TOTAL TROOPS 26000 AS OF 2025-11-25" in (project / "reports" / "briefing.html").read_text()
    assert [p.name for p in (project / "reports" / "drafts").iterdir()] == ["2025-11-25"]
    assert snapshot(published(project)) == frozen  # the published edition: not one byte changed
    # The notebooks were handed the published edition to compare with.
    received = json.loads((draft(project, "2025-11-25") / "processed" / "parameters.json").read_text())
    assert received["previous_edition"] == str(published(project))


def test_no_build_rewrites_a_published_edition(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    publish(project)
    before = snapshot(project / "reports")
    renderer = FakeRenderer()
    # --force on the published date builds nothing.
    result = b.build(config_for(project, force=True, renderer=renderer))
    assert not result.built and result.edition == published(project) and renderer.calls == []
    assert "is published and its claims are unchanged: nothing to build" in capsys.readouterr().out
    # A claim it reports corrected: the build stops in one line naming `correct`.
    edit_pledges(project, PLEDGES.replace("Azerbaijan,1500", "Azerbaijan,2500"))
    assert b.run_build(config_for(project, renderer=renderer)) == b.EXIT_FAILED
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"build failed: edition {AS_OF} is published and never rewritten; 1 of its claims were corrected since "
                      '(PL-2): publish a correction with `python3 dev.py correct --note "why"`')
    # A draft dated before the latest published edition could never be published: refused too.
    with pytest.raises(EditionError, match="already published, so a draft dated 2025-11-10 could never be published"):
        b.build(config_for(project, as_of="2025-11-10"))
    assert renderer.calls == [] and snapshot(project / "reports") == before


def test_a_correction_makes_one_revision_per_corrected_edition(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Three published editions: 10 Nov (PL-1, PL-2), 20 Nov and 25 Nov (PL-1 to PL-3).
    b.build(config_for(project, as_of="2025-11-10"))
    b.build(config_for(project))  # its previous is now 10 Nov: rebuilt
    b.build(config_for(project, as_of="2025-11-25"))
    assert publish(project) == ("2025-11-10", AS_OF, "2025-11-25")
    frozen = snapshot(project / "reports" / "editions")
    capsys.readouterr()

    # PL-3 (reported 15 Nov) is corrected: only the two editions that report it are revised.
    edit_pledges(project, PLEDGES.replace("Pakistan,3000", "Pakistan,2000"))
    results = b.correct(config_for(project, revision_note="Pakistan's offer is 2,000, as the report says."))
    assert [(r.as_of, r.revision) for r in results] == [(AS_OF, 1), ("2025-11-25", 1)]
    out = capsys.readouterr().out
    assert f"correcting edition {AS_OF}: 1 claim(s) corrected since it was published (PL-3)" in out
    assert "correcting edition 2025-11-10" not in out
    for name, previous in ((AS_OF, "2025-11-10"), ("2025-11-25", AS_OF)):
        revision = draft(project, f"{name}-r1")
        info = read_edition_info(revision)
        # It compares with the same previous edition as the one it revises, and names that one.
        assert info["previous_edition"] == previous and info["revises"] == name
        assert info["revises_path"] == str(published(project, name)) and info["corrected_claims"] == ["PL-3"]
        assert info["revision_note"] == "Pakistan's offer is 2,000, as the report says."
        manifest = json.loads((revision / "manifest.json").read_text())
        assert manifest["revision"] == 1 and manifest["revises"] == name and manifest["corrected_claims"] == ["PL-3"]
    assert "TOTAL TROOPS 23500 AS OF 2025-11-25" in (draft(project, "2025-11-25-r1") / "briefing.html").read_text()
    # Rebuilding the correction replaces its drafts; it never adds a second revision.
    assert [r.reused for r in b.correct(config_for(project, revision_note="Pakistan's offer is 2,000, as the report says."))] == [True, True]

    assert publish(project) == (f"{AS_OF}-r1", "2025-11-25-r1")
    assert {k: v for k, v in snapshot(project / "reports" / "editions").items() if k in frozen} == frozen
    assert b.correct(config_for(project, revision_note="again")) == []  # nothing left to correct
    assert "nothing to correct" in capsys.readouterr().out
    # The next edition compares with the latest revision.
    b.build(config_for(project, as_of="2025-11-30"))
    assert json.loads((draft(project, "2025-11-30") / "manifest.json").read_text())["previous_edition"] == "2025-11-25-r1"
    with pytest.raises(BuildError, match="a correction needs a note"):
        b.correct(config_for(project, revision_note=" "))


def test_the_recorded_input_key_decides_reuse(project: Path) -> None:
    # Same inputs, but the draft's manifest records another key: the build must not reuse it.
    path = draft(project) / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "input_key": "0" * 64}))
    renderer = FakeRenderer()
    result = b.build(config_for(project, renderer=renderer))
    assert not result.reused and len(renderer.calls) == 1


def test_a_draft_file_of_another_size_is_reported_and_rebuilt(project: Path) -> None:
    processed = draft(project) / "processed" / "pledges.csv"
    processed.write_text(PLEDGES + "PL-4,Atlantis,1,2025-11-16\n", encoding="utf-8")  # not what the manifest lists
    assert missing_files(read_edition(draft(project))) == ["processed/pledges.csv"]
    renderer = FakeRenderer()
    result = b.build(config_for(project, renderer=renderer))  # same inputs: rebuilt in place, not reused
    assert not result.reused and len(renderer.calls) == 1
    assert processed.read_text(encoding="utf-8") == PLEDGES and missing_files(read_edition(draft(project))) == []


def test_force_with_unchanged_inputs_rebuilds_the_draft_in_place(project: Path) -> None:
    renderer = FakeRenderer()
    result = b.build(config_for(project, renderer=renderer, force=True))
    assert not result.reused and len(renderer.calls) == 1 and result.revision == 0
    assert [p.name for p in (project / "reports" / "drafts").iterdir()] == [AS_OF]


def test_a_scheduled_build_says_nothing_new_when_the_data_is_the_published_ones(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Same data, but a claim (PL-3, 15 Nov) reported after the published edition of 10 Nov: a new edition.
    shutil.rmtree(draft(project))
    b.build(config_for(project, as_of="2025-11-10"))
    publish(project)
    assert b.build(config_for(project, if_changed=True)).built
    publish(project)
    before = snapshot(project / "reports")
    renderer = FakeRenderer()
    result = b.build(config_for(project, as_of="2025-11-27", if_changed=True, renderer=renderer))
    assert not result.built and renderer.calls == [] and snapshot(project / "reports") == before
    assert f"nothing new: the data is the one the published edition {AS_OF} was built from; no draft built" in capsys.readouterr().out
    # Changed data on the day of a published edition waits for the next one (a second run the same day).
    edit_pledges(project, PLEDGES + "PL-4,Egypt,500,2025-11-20\n")
    assert not b.build(config_for(project, if_changed=True, renderer=renderer)).built
    assert "nothing new today: edition 2025-11-20 is already published" in capsys.readouterr().out
    # A later day builds the draft.
    assert b.build(config_for(project, as_of="2025-11-27", if_changed=True, renderer=renderer)).built
    assert len(renderer.calls) == 1


def test_touching_data_without_changing_it_does_not_rebuild(project: Path) -> None:
    csv_path = project / "data" / "curated" / "pledges.csv"
    os.utime(csv_path, (time.time() + 3600, time.time() + 3600))
    assert b.build(config_for(project)).reused


def test_notebook_error_names_notebook_and_cell_and_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project / "reports")
    (project / "data" / "curated" / "pledges.csv").write_text(PLEDGES + "PL-4,Egypt,lots,2025-11-15\n", encoding="utf-8")
    config = config_for(project)

    with pytest.raises(NotebookError) as info:
        b.build(config)
    err = info.value
    assert err.notebook == "01-clean.ipynb"
    assert err.cell == 3  # 1: parameters, 2: load, 3: the check
    assert err.first_line == "# Check: troops are whole numbers"
    assert err.ename == "ValueError" and "'lots' for Egypt" in err.evalue
    assert "01-clean.ipynb" in str(err) and "cell 3" in str(err)

    # The CLI's wrapper prints the same reason and exits non-zero.
    code = b.run_build(config)
    stderr = capsys.readouterr().err
    assert code == b.EXIT_FAILED
    assert "notebook 01-clean.ipynb failed in cell 3 (`# Check: troops are whole numbers`)" in stderr
    assert "ValueError: troops must be a whole number, got 'lots' for Egypt" in stderr
    assert snapshot(project / "reports") == before


def test_render_error_changes_nothing(project: Path) -> None:
    before = snapshot(project / "reports")
    (project / "data" / "curated" / "pledges.csv").write_text(PLEDGES + "PL-4,Egypt,500,2025-11-15\n", encoding="utf-8")
    with pytest.raises(BuildError, match="rendering 02-briefing.ipynb failed: RuntimeError: typst: unknown font"):
        b.build(config_for(project, renderer=FakeRenderer(fail=True)))
    assert snapshot(project / "reports") == before


def test_bad_data_stops_before_any_kernel_and_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project / "reports")
    (project / "data" / "curated" / "pledges.csv").write_text(PLEDGES + "PL-4,Egypt,,2025-11-15\n", encoding="utf-8")
    renderer = FakeRenderer()
    config = config_for(
        project, renderer=renderer, validator=lambda d: ["data/curated/pledges.csv row 5 field troops: required"]
    )
    assert b.run_build(config) == b.EXIT_FAILED
    err = capsys.readouterr().err
    assert "row 5 field troops: required" in err and "1 problem(s)" in err
    assert renderer.calls == []
    assert snapshot(project / "reports") == before


def test_a_bad_cell_is_named_before_anything_else_is_said(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    publish(project)
    edit_pledges(project, PLEDGES.replace("Azerbaijan,1500", "Azerbaijan,x"))
    bad = lambda d: ["data/curated/pledges.csv, row 3, field troops: got 'x'; expected a whole number"]  # noqa: E731
    # On the published date: the cell first, not "published" nor "correct".
    assert b.run_build(config_for(project, validator=bad)) == b.EXIT_FAILED
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.splitlines()[0].startswith("data/curated/pledges.csv, row 3, field troops")
    assert "correct" not in captured.err
    # A correction too checks the data first.
    assert b.run_build(config_for(project, validator=bad, revision_note="fix"), b.correct) == b.EXIT_FAILED
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.splitlines()[0].startswith("data/curated/pledges.csv, row 3")


def test_second_build_is_refused_while_one_runs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = project / "reports" / ".build.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom pathlib import Path\nfrom helpers.publish.lock import build_lock\n"
         f"with build_lock(Path({str(lock)!r})):\n    print('locked', flush=True)\n    time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = snapshot(project / "reports")
        (project / "data" / "curated" / "pledges.csv").write_text(PLEDGES + "PL-4,Egypt,500,2025-11-15\n", encoding="utf-8")
        config = config_for(project)
        with pytest.raises(BuildLocked) as info:
            b.build(config)
        assert info.value.pid == str(holder.pid)
        assert str(info.value).startswith(f"another build is running (pid {holder.pid}, started 20")
        assert b.run_build(config) == b.EXIT_LOCKED
        assert f"another build is running (pid {holder.pid}" in capsys.readouterr().err
        assert snapshot(project / "reports") == before
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    # A holder that died (even by SIGKILL) releases the lock: the next build goes ahead.
    (project / "data" / "curated" / "pledges.csv").write_text(PLEDGES, encoding="utf-8")
    assert b.build(config_for(project)).reused


def test_leftovers_of_a_crashed_build_are_cleaned(project: Path) -> None:
    reports = project / "reports"
    (reports / f".staging-{AS_OF}-99999" / "processed").mkdir(parents=True)
    (reports / f".staging-{AS_OF}-99999" / "processed" / "half.csv").write_text("x\n")
    # A crash between the two renames that replace a draft left it aside: it comes back.
    edition = draft(project)
    before = snapshot(edition)
    os.replace(edition, reports / "drafts" / f".old-{AS_OF}-99999")
    assert b.build(config_for(project)).reused
    assert not (reports / f".staging-{AS_OF}-99999").exists()
    assert not (reports / "drafts" / f".old-{AS_OF}-99999").exists()
    assert snapshot(edition) == before


def test_previous_edition_is_the_latest_strictly_before(project: Path) -> None:
    def received(as_of: str) -> dict[str, str]:
        return json.loads((draft(project, as_of) / "processed" / "parameters.json").read_text())

    drafts = project / "reports" / "drafts"
    b.build(config_for(project, as_of="2025-11-10"))  # earlier than every draft: none before it
    assert received("2025-11-10")["previous_edition"] == ""
    b.build(config_for(project, as_of="2025-11-25"))
    assert received("2025-11-25")["previous_edition"] == str(drafts / AS_OF)
    # 20 Nov was drafted before 10 Nov existed: publishing it as it is would skip 10 Nov.
    with pytest.raises(PublishError, match=f"draft {AS_OF} compares with no edition as it was, but the edition before it is now 2025-11-10"):
        publish(project)
    problems = Editions.scan(project / "reports").problems()
    assert [(p.folder, p.repair) for p in problems] == [(f"{AS_OF} (draft)", f"python3 dev.py build --as-of {AS_OF}")]
    b.build(config_for(project))  # rebuilt: its previous edition's key is part of its key
    assert received(AS_OF)["previous_edition"] == str(drafts / "2025-11-10")
    # Now 25 Nov compares with 20 Nov as it was before that rebuild.
    assert [p.folder for p in Editions.scan(project / "reports").problems()] == ["2025-11-25 (draft)"]
    b.build(config_for(project, as_of="2025-11-25"))
    manifest = json.loads((draft(project, "2025-11-25") / "manifest.json").read_text())
    assert manifest["previous_edition"] == AS_OF
    assert manifest["previous_input_key"] == read_edition(draft(project)).input_key
    assert Editions.scan(project / "reports").problems() == []
    # reports/briefing.html is the greatest as_of, whatever order the builds ran in.
    assert "AS OF 2025-11-25" in (project / "reports" / "briefing.html").read_text()
    # The drafts are published together, in date order, each comparing with the one before it.
    assert publish(project) == ("2025-11-10", AS_OF, "2025-11-25")


def test_input_key_follows_content_not_paths(project: Path, tmp_path: Path) -> None:
    config = config_for(project)
    key = input_key(config, None)
    moved = tmp_path / "moved"
    shutil.copytree(project, moved)
    assert input_key(config_for(moved), None) == key  # same content elsewhere: same key
    assert input_key(config_for(project, as_of="2025-11-21"), None) != key
    nb = project / "notebooks" / "02-briefing.ipynb"
    nb.write_text(nb.read_text().replace("TOTAL TROOPS", "Total troops"))
    assert input_key(config, None) != key
    changed_quarto = config_for(moved)
    (moved / "_quarto.yml").write_text("project:\n  type: website\n")
    assert input_key(changed_quarto, None) != key


def test_bad_as_of_and_missing_notebook_fail_cleanly(project: Path) -> None:
    with pytest.raises(BuildError, match="YYYY-MM-DD"):
        b.build(config_for(project, as_of="20251120"))
    with pytest.raises(BuildError, match="notebook not found: .*03-missing.ipynb"):
        b.build(config_for(project, notebooks=(project / "notebooks" / "03-missing.ipynb",)))


def test_real_renderer_end_to_end(tmp_path: Path) -> None:
    """The same driver with helpers.publish.render (pandoc + typst, or Quarto when installed)."""
    root = tmp_path / "real"
    root.mkdir()
    make_project(root)
    write_notebook(root / "notebooks" / "02-briefing.ipynb", [
        "import csv, pathlib\nfrom IPython.display import Markdown, display\n"
        "rows = list(csv.DictReader(open(pathlib.Path(out_dir) / 'processed' / 'pledges.csv')))",
        "total = sum(int(r['troops']) for r in rows)\n"
        "display(Markdown(f'# Fixture briefing\\n\\nPledged troops as of {as_of}: **{total:,}**'))",
    ])
    result = b.build(config_for(root, renderer=default_renderer))
    edition = draft(root)
    html = (edition / "briefing.html").read_text(encoding="utf-8")
    assert "Pledged troops as of 2025-11-20: <strong>24,500</strong>" in html
    assert 'as_of = "2025-11-20"' not in html  # the injected parameters cell is not shown
    assert (edition / "briefing.pdf").read_bytes().startswith(b"%PDF")
    assert result.renderer and result.renderer != "fake"
    assert sorted(p.name for p in edition.iterdir()) == [
        "briefing.html", "briefing.pdf", "claims_index.json", "edition.json", "manifest.json", "processed",
    ]


# --------------------------------------------------------------------------------------------------
# Edges, the archive and faults
# --------------------------------------------------------------------------------------------------


def test_future_as_of_is_refused_and_changes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "reports")
    config = config_for(project, as_of="2025-11-21", today=dt.date(2025, 11, 20))
    assert b.run_build(config) == b.EXIT_FAILED
    assert "build failed: as_of 2025-11-21 is after today (2025-11-20)" in capsys.readouterr().err
    assert snapshot(project / "reports") == before
    assert b.build(config_for(project, today=dt.date(2025, 11, 20))).reused  # today itself is fine


def test_changed_source_text_invalidates_the_cache(project: Path) -> None:
    source = project / "sources" / "000_report.txt"
    source.write_text(SOURCE_TEXT.replace("20,000", "2,000"), encoding="utf-8")
    result = b.build(config_for(project))
    manifest = json.loads((result.edition / "manifest.json").read_text())
    assert manifest["sources_checksum"] == tree_digest(project / "sources")
    assert not result.reused and result.revision == 0 and result.edition == draft(project)


def test_build_without_sources_or_record_says_quotes_were_not_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    root.mkdir()
    make_project(root)
    b.build(config_for(root, sources_dir=root / "no-sources"))
    out = capsys.readouterr().out
    assert f"quotes not checked: no source texts in {root / 'no-sources'} and no quote_verification.json" in out
    edition = draft(root)
    assert json.loads((edition / "manifest.json").read_text())["quotes_checked"] is False
    assert json.loads((edition / "edition.json").read_text())["quotes"] == {"how": "none", "verified_on": ""}
    assert read_edition_info(edition)["quotes_checked"] is False
    # The source texts arriving change what the build can promise: the key changes.
    assert input_key(config_for(root), None) != input_key(config_for(root, sources_dir=root / "no-sources"), None)


QUOTED_SOURCES = "source_id,file,sha256\nS000,000_report.txt,{sha}\n"
QUOTED_PLEDGES = (
    "pledge_id,country,troops,reported_date,source_id,quote\n"
    "PL-1,Indonesia,20000,2025-10-17,S000,Indonesia offers\nPL-2,Azerbaijan,1500,2025-11-08,S000,\"up to 20,000 troops\"\n"
)


def test_a_build_without_the_texts_checks_quotes_against_the_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from helpers.data.quote_record import write_record

    root = tmp_path / "p"
    root.mkdir()
    make_project(root)
    curated = root / "data" / "curated"
    sha = hashlib.sha256(SOURCE_TEXT.encode()).hexdigest()
    (curated / "sources.csv").write_text(QUOTED_SOURCES.format(sha=sha), encoding="utf-8")
    edit_pledges(root, QUOTED_PLEDGES)
    # `validate`, where the texts are, writes the record (here on 1 Dec 2025) and leaves it alone when nothing changed.
    update = write_record(root / "data", root / "sources", ("pledges",), today=dt.date(2025, 12, 1))
    assert update.changed and update.quotes == 2
    record = json.loads((root / "data" / "quote_verification.json").read_text())
    assert record["verified_on"] == "2025-12-01"
    assert record["claims"]["PL-2"] == {"source_id": "S000", "quote_sha256": hashlib.sha256(b"up to 20,000 troops").hexdigest(),
                                        "report_sha256": sha, "line": 1, "offset": 17}
    assert not write_record(root / "data", root / "sources", ("pledges",)).changed

    # Without the texts: the unchanged quotes pass, and the edition says what they were verified against.
    no_texts = config_for(root, sources_dir=root / "absent")
    b.build(no_texts)
    assert ("quotes verified against the reports on 2025-12-01 (quote_verification.json: 2 quotes unchanged since"
            in capsys.readouterr().out)
    assert read_edition_info(draft(root))["quotes"] == {"how": "record", "verified_on": "2025-12-01"}
    assert json.loads((draft(root) / "manifest.json").read_text())["quotes"]["how"] == "record"

    # An edited quote fails the build in one line that names it and says what to run.
    before = snapshot(root / "reports")
    edit_pledges(root, QUOTED_PLEDGES.replace("up to 20,000 troops", "up to 25,000 troops"))
    assert b.run_build(no_texts) == b.EXIT_FAILED
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "build failed: quote of PL-2 (data/curated/pledges.csv, row 3) was added or edited after the quotes were verified "
        "against the reports on 2025-12-01: run `python3 dev.py validate` where the report texts are, then commit "
        "data/quote_verification.json", b.UNCHANGED_NOTE]
    # So does an added one, or a report whose registered checksum changed.
    edit_pledges(root, QUOTED_PLEDGES + "PL-3,Pakistan,3000,2025-11-15,S000,Indonesia offers up to\n")
    assert b.run_build(no_texts) == b.EXIT_FAILED
    assert "quote of PL-3 (data/curated/pledges.csv, row 4) was added or edited" in capsys.readouterr().err
    edit_pledges(root, QUOTED_PLEDGES)
    (curated / "sources.csv").write_text(QUOTED_SOURCES.format(sha="0" * 64), encoding="utf-8")
    assert b.run_build(no_texts) == b.EXIT_FAILED
    assert "quote of PL-1 (data/curated/pledges.csv, row 2) was added or edited after" in capsys.readouterr().err
    assert snapshot(root / "reports") == before
    # Where the texts are, a stale record is only a note: those builds check the texts themselves.
    (curated / "sources.csv").write_text(QUOTED_SOURCES.format(sha=sha), encoding="utf-8")
    edit_pledges(root, QUOTED_PLEDGES.replace("up to 20,000 troops", "offers up to 20,000 troops"))
    b.build(config_for(root))
    assert "quote_verification.json is out of date (1 quote(s) added or edited since 2025-12-01)" in capsys.readouterr().out


def test_claim_hashes_follow_each_rows_content_and_as_of(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    curated.mkdir()
    (curated / "pledges.csv").write_text(PLEDGES, encoding="utf-8")
    (curated / "events.csv").write_text("event_id,title,reported_date\nEV-1,\"Vote, at last\",2025-11-08\n", encoding="utf-8")
    hashes = claim_hashes(curated, "2025-11-10", ("pledges", "events", "figures"))
    assert list(hashes) == ["EV-1", "PL-1", "PL-2"]  # PL-3 is reported on 15 Nov; figures.csv is absent
    assert hashes["EV-1"] == {"table": "events", "sha256": row_sha256(
        {"event_id": "EV-1", "title": "Vote, at last", "reported_date": "2025-11-08"})}
    # Reordering columns does not change a hash; editing a cell does.
    (curated / "pledges.csv").write_text(
        "pledge_id,reported_date,troops,country\nPL-1,2025-10-17,20000,Indonesia\nPL-2,2025-11-08,1600,Azerbaijan\n",
        encoding="utf-8")
    again = claim_hashes(curated, "2025-11-10", ("pledges", "events"))
    assert again["PL-1"] == hashes["PL-1"] and again["PL-2"] != hashes["PL-2"]

    edition = tmp_path / "edition"
    edition.mkdir()
    assert read_claim_hashes(edition) == {}  # an edition from before claim hashes
    write_claims_index(edition, "2025-11-10", hashes)
    assert read_claim_hashes(edition) == {k: v["sha256"] for k, v in hashes.items()}
    (edition / "claims_index.json").write_text('{"claims": [1]}')
    with pytest.raises(ManifestError, match="claims_index.json: 'claims' must be an object"):
        read_claim_hashes(edition)
    (curated / "pledges.csv").write_text("pledge_id,troops\nPL-1,5\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="pledges.csv: no reported_date column"):
        claim_hashes(curated, "2025-11-10", ("pledges",))
    (curated / "pledges.csv").write_text("pledge_id,reported_date\nPL-1,2025-10-17\nPL-1,2025-10-18\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"pledges.csv, row 3: claim id 'PL-1' is blank or not unique"):
        claim_hashes(curated, "2025-11-10", ("pledges",))
    (curated / "pledges.csv").write_bytes(b"pledge_id,reported_date\nPL-\xe9,2025-10-17\n")
    with pytest.raises(ManifestError, match="pledges.csv: not readable as UTF-8 CSV"):
        claim_hashes(curated, "2025-11-10", ("pledges",))


@pytest.mark.parametrize("broken", ['{"as_of": "2025-11-', "[]"], ids=["truncated", "not-an-object"])
def test_broken_manifest_is_never_skipped_nor_published_over(
    project: Path, broken: str, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(project)
    editions = project / "reports" / "editions"
    (editions / AS_OF / "manifest.json").write_text(broken)
    shown = (project / "reports" / "briefing.html").read_bytes()
    scan = scan_editions(editions)
    assert scan.editions == () and [e.name for e in scan.broken] == [AS_OF]
    problems = Editions.scan(project / "reports").problems()
    assert [p.folder for p in problems] == [AS_OF] and "publish --restore" in problems[0].repair

    # A later date would compare with the broken one: it stops in one line instead of skipping it.
    assert b.run_build(config_for(project, as_of="2025-11-25")) == b.EXIT_FAILED
    err = capsys.readouterr().err
    assert "build failed: the latest published edition 2025-11-20 is broken" in err and "Traceback" not in err
    assert "publish --restore" in err
    # The date itself is never rebuilt over it.
    with pytest.raises(EditionError, match="is published but broken"):
        b.build(config_for(project, force=True))
    assert (editions / AS_OF / "manifest.json").read_text() == broken
    assert (project / "reports" / "briefing.html").read_bytes() == shown


def test_a_broken_draft_is_never_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (draft(project) / "manifest.json").write_text("[]")
    assert b.run_build(config_for(project, as_of="2025-11-25")) == b.EXIT_FAILED
    assert "build failed: the previous edition 2025-11-20 is broken" in capsys.readouterr().err
    with pytest.raises(PublishError, match="draft 2025-11-20 is broken .*rebuild the draft"):
        publish(project)
    assert b.build(config_for(project)).built  # rebuilding the draft mends it


def test_read_only_reports_ends_with_one_line(project: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "reports")
    (project / "data" / "curated" / "pledges.csv").write_text(PLEDGES + "PL-4,Egypt,500,2025-11-15\n", encoding="utf-8")
    real_mkdir = Path.mkdir

    def read_only_mkdir(self: Path, *args: object, **kwargs: object) -> None:
        # What a read-only reports/ does to the first new folder (the tests run as root, so chmod would not do).
        if self.name.startswith(".staging-"):
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only_mkdir)
    assert b.run_build(config_for(project)) == b.EXIT_FAILED
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("build failed: Permission denied: ") and ".staging-2025-11-20-" in err[0]
    assert err[1:] == [b.UNCHANGED_NOTE]
    assert snapshot(project / "reports") == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_really_read_only_reports(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "reports")
    (project / "data" / "curated" / "pledges.csv").write_text(PLEDGES + "PL-4,Egypt,500,2025-11-15\n", encoding="utf-8")
    for folder in (project / "reports", project / "reports" / "drafts"):
        folder.chmod(0o555)
    try:
        assert b.run_build(config_for(project)) == b.EXIT_FAILED
    finally:
        for folder in (project / "reports", project / "reports" / "drafts"):
            folder.chmod(0o755)
    assert "Traceback" not in capsys.readouterr().err
    assert snapshot(project / "reports") == before


def _cross_device(real_replace):  # type: ignore[no-untyped-def]
    """os.replace that fails like a rename from reports/ into a drafts/ on another file system."""
    def replace(src: object, dst: object) -> None:
        if Path(str(src)).name.startswith(".staging-"):
            raise OSError(18, "Invalid cross-device link", str(src))
        real_replace(src, dst)
    return replace


def test_drafts_on_another_file_system(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.publish import atomic

    monkeypatch.setattr(atomic.os, "replace", _cross_device(os.replace))
    result = b.build(config_for(project, as_of="2025-11-25"))
    edition = draft(project, "2025-11-25")
    assert result.edition == edition and result.is_latest
    manifest = json.loads((edition / "manifest.json").read_text())
    assert manifest["files"]["briefing.html"]["sha256"] == file_sha256(edition / "briefing.html")
    assert "AS OF 2025-11-25" in (project / "reports" / "briefing.html").read_text()
    leftovers = [p.name for p in (project / "reports").rglob(".*") if p.name != ".build.lock"]
    assert leftovers == []


def test_a_failed_copy_across_file_systems_changes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from helpers.publish import atomic

    before = snapshot(project / "reports")
    monkeypatch.setattr(atomic.os, "replace", _cross_device(os.replace))

    def full_disk(src: object, dst: object, **kwargs: object) -> None:
        Path(str(dst)).mkdir()
        (Path(str(dst)) / "half.html").write_text("<p>half")
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(atomic.shutil, "copytree", full_disk)
    assert b.run_build(config_for(project, as_of="2025-11-25")) == b.EXIT_FAILED
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("build failed: No space left on device: ") and err[1:] == [b.UNCHANGED_NOTE]
    assert snapshot(project / "reports") == before


def test_ctrl_c_cleans_staging_and_exits_130(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "reports")

    class Interrupted(FakeRenderer):
        def __call__(self, executed: Path, out_dir: Path) -> SimpleNamespace:
            assert out_dir.name.startswith(".staging-") and (out_dir / "processed").is_dir()
            raise KeyboardInterrupt

    assert b.run_build(config_for(project, as_of="2025-11-25", renderer=Interrupted())) == b.EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err.strip().splitlines() == [
        "build interrupted (Ctrl-C); the staging folder was removed", b.UNCHANGED_NOTE]
    assert snapshot(project / "reports") == before
    assert not draft(project, "2025-11-25").exists()


# --------------------------------------------------------------------------------------------------
# The real notebooks on the curated data: no leakage, and the edges
# --------------------------------------------------------------------------------------------------

CLAIM_FILES = ("pledges", "conditions", "positions", "events", "figures", "open_questions")


def real_config(tmp_path: Path, as_of: str, **changes: object) -> BuildConfig:
    """The project's own notebooks and renderer, writing into tmp_path."""
    config = BuildConfig(as_of=as_of, reports_dir=tmp_path / "reports", build_dir=tmp_path / "build")
    return replace(config, **changes)


def later_material(curated: Path, as_of: str) -> tuple[re.Pattern[str], list[str]]:
    """What an edition of `as_of` must not hold: later sources' ids, and texts only later sources gave.

    Ids: the later sources' and those of actors only later sources mention. Texts: the later sources'
    file names, titles, date notes and notes, the quotes of claims citing them, and the names and aliases
    of actors first reported later ("United Kingdom", "Turkey": fixed prose naming them leaks too). The
    reference tables, the codebook's vocabulary and the same in every edition, are not scanned for names
    (see ``leaks``).
    """
    def rows(name: str) -> list[dict[str, str]]:
        with (curated / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    # a report the edition may not use yet: its latest possible date is after as_of
    later = {s["source_id"]: s for s in rows("sources") if (s["published_latest"] or s["published"]) > as_of}
    texts = [s[k] for s in later.values() for k in ("file", "title", "date_note", "notes")]
    texts += [r["quote"] for name in CLAIM_FILES for r in rows(name) if r["source_id"] in later]
    later_actors = [a for a in rows("actors") if {m.strip() for m in a["mentioned_in"].split(";")} <= set(later)]
    actors = [a["actor_id"] for a in later_actors]
    # names a report in the edition also uses ("several countries") are not later material
    earlier = " ".join(r["quote"] for name in CLAIM_FILES for r in rows(name) if r["source_id"] not in later)
    texts += [name.strip() for a in later_actors for name in (a["name"], *a["aliases"].split(";"))
              if len(name.strip()) >= 4 and name.strip() not in earlier]
    ids = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(later) + actors)) + r")(?![\w-])")
    return ids, sorted({" ".join(t.split()) for t in texts if len(t.strip()) >= 8})


def leaks(folder: Path, ids: re.Pattern[str], texts: list[str]) -> list[str]:
    """Every later id or text found in any file under folder (PDFs through pdftotext, images skipped)."""
    found = []
    reference = set(reference_tables())  # the codebook's vocabulary: the same in every edition
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not (p.parent.name == "processed" and p.stem in reference)):
        if path.suffix == ".pdf":
            need("pdftotext")  # a PDF left unscanned would hide a leak
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "", text)
        text = " ".join(re.sub(r'"properties":\{"name":"[^"]*"\}', "", text).split())  # the world map's country names
        rel = path.relative_to(folder).as_posix()
        found += [f"{rel}: id {m.group(0)}" for m in ids.finditer(text)]
        found += [f"{rel}: text {t[:50]!r}" for t in texts if t in text]
    return found


def report_dates(curated: Path = paths.CURATED_DIR) -> dict[str, str]:
    """The first edition date that may use each report: the latest day sources.csv says it could have
    appeared (whatever reports the data holds)."""
    with (curated / "sources.csv").open(encoding="utf-8", newline="") as fh:
        return {r["source_id"]: r["published_latest"] or r["published"] for r in csv.DictReader(fh)}


def test_leak_scanner_finds_later_material_in_the_curated_tables(tmp_path: Path) -> None:
    # The scanner is only as good as what it finds: the uncut curated tables are full of later material.
    dates = report_dates()
    first = min(dates.values())
    later = sorted(s for s, d in dates.items() if d > first)
    assert later, "the data should hold reports after its first"
    ids, texts = later_material(paths.CURATED_DIR, first)
    for name in ("actors", "sources"):
        shutil.copy(paths.CURATED_DIR / f"{name}.csv", tmp_path / f"{name}.csv")
    found = leaks(tmp_path, ids, texts)
    assert {f"sources.csv: id {s}" for s in later} <= set(found)
    assert [f for f in found if f.startswith("sources.csv: text ")], "no later report's title or note was found"


@pytest.mark.slow
@pytest.mark.live_data
def test_an_early_edition_holds_nothing_reported_later(tmp_path: Path) -> None:
    """The edition of the first report's date: every file is scanned for later material."""
    dates = report_dates()
    first = min(dates.values())
    in_edition = {s for s, d in dates.items() if d <= first}
    result = b.build(real_config(tmp_path, first))
    edition = result.edition
    ids, texts = later_material(paths.CURATED_DIR, first)
    assert leaks(edition, ids, texts) == []

    processed = edition / "processed"
    with (processed / "sources.csv").open(encoding="utf-8") as fh:
        assert {r["source_id"] for r in csv.DictReader(fh)} == in_edition
    with (processed / "claims.csv").open(encoding="utf-8") as fh:
        claims = list(csv.DictReader(fh))
    with (processed / "actors.csv").open(encoding="utf-8") as fh:
        actors = list(csv.DictReader(fh))
    assert claims and {c["source_id"] for c in claims} <= in_edition
    # Only actors this edition's claims name, each mentioned only in this edition's reports.
    assert {c["actor_id"] for c in claims} - {""} <= {a["actor_id"] for a in actors}
    assert all(0 < len(mentions) and mentions <= in_edition
               for mentions in ({m.strip() for m in a["mentioned_in"].split(";") if m.strip()} for a in actors))
    assert set(read_claim_hashes(edition)) == {c["claim_id"] for c in claims}


def _notebook_01_only(tmp_path: Path, as_of: str, **changes: object) -> BuildConfig:
    """The build side of an edition: the real cleaning notebook, a fake renderer."""
    notebook = paths.NOTEBOOKS_DIR / paths.NOTEBOOKS[0]
    return real_config(tmp_path, as_of, notebooks=(notebook,), renderer=FakeRenderer(), **changes)


def _empty_claims_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    for name in (*CLAIM_FILES, "tensions"):  # tensions link claims: none without them
        path = data / "curated" / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    shutil.rmtree(data / "judgements", ignore_errors=True)  # they cite claims this data no longer holds
    return data


@pytest.mark.live_data
def test_build_side_of_an_edition_before_any_report(tmp_path: Path) -> None:
    day_before = dt.date.fromisoformat(min(report_dates().values())) - dt.timedelta(days=1)
    result = b.build(_notebook_01_only(tmp_path, day_before.isoformat()))
    processed = result.edition / "processed"
    for name in (*CLAIM_FILES, "claims", "sources", "actors"):
        assert len((processed / f"{name}.csv").read_text(encoding="utf-8").splitlines()) == 1, name  # header only
    assert read_claim_hashes(result.edition) == {}


def test_build_side_with_every_claim_table_empty(tmp_path: Path) -> None:
    data = _empty_claims_data(tmp_path)
    result = b.build(_notebook_01_only(tmp_path, AS_OF, data_dir=data))
    assert len((result.edition / "processed" / "claims.csv").read_text(encoding="utf-8").splitlines()) == 1
    assert read_claim_hashes(result.edition) == {}


@pytest.mark.slow
@pytest.mark.live_data
def test_full_briefing_before_any_report(tmp_path: Path) -> None:
    day_before = dt.date.fromisoformat(min(report_dates().values())) - dt.timedelta(days=1)
    result = b.build(real_config(tmp_path, day_before.isoformat()))
    label = f"{day_before.day} {day_before:%b %Y}"  # e.g. "16 Oct 2025"
    assert f"No report is in yet for the edition of {label}" in (result.edition / "briefing.html").read_text(encoding="utf-8")
    assert (result.edition / "briefing.pdf").read_bytes().startswith(b"%PDF")
    assert read_claim_hashes(result.edition) == {}


@pytest.mark.slow
def test_full_briefing_with_every_claim_table_empty(tmp_path: Path) -> None:
    result = b.build(real_config(tmp_path, AS_OF, data_dir=_empty_claims_data(tmp_path)))
    assert "Built from 0 dated claims" in (result.edition / "briefing.html").read_text(encoding="utf-8")
    assert (result.edition / "briefing.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_a_revision_lists_its_corrections_against_the_edition_it_revises(tmp_path: Path) -> None:
    """The real notebooks: publish 20 Oct, correct one of its claims, and read what the revision tells readers."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    config = real_config(tmp_path, "2025-10-20", data_dir=data)
    b.build(config)
    publish_site(tmp_path / "reports", tmp_path / "site", first_run=True, base_url="https://example.org/isf/", data_dir=data)
    pledges = data / "curated" / "pledges.csv"
    with pledges.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    assert rows[0]["pledge_id"] == "PL-001" and rows[0]["reported_date"] <= "2025-10-20"
    rows[0]["attribution"] = "U.S. defence sources"
    with pledges.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header or [])
        writer.writeheader()
        writer.writerows(rows)

    [result] = b.correct(replace(config, revision_note="attribution shortened to match the report"))
    assert result.edition == tmp_path / "reports" / "drafts" / "2025-10-20-r1"
    changes = json.loads((result.edition / "analysis" / "changes.json").read_text(encoding="utf-8"))
    assert changes["revises"] == "2025-10-20" and changes["counts"]["corrections"] == 1
    [fix] = changes["corrections"]
    assert (fix["claim_id"], fix["kind"], [c["field"] for c in fix["changes"]]) == ("PL-001", "edited", ["attribution"])
    assert changes["headline"][0].startswith("Corrected: PL-001 (pledges): attribution ")
    html = " ".join((result.edition / "briefing.html").read_text(encoding="utf-8").split())
    assert "Corrections to the edition of 20 Oct 2025 that this revision replaces" in html
    assert "attribution shortened to match the report" in html and "Revised edition" in html


def test_real_ctrl_c_during_a_notebook(project: Path) -> None:
    """SIGINT to a build whose notebook is running: exit 130, one line, staging removed, nothing published changed."""
    marker = project / "running"
    write_notebook(project / "notebooks" / "02-briefing.ipynb", [
        f"import pathlib, time\npathlib.Path({str(marker)!r}).write_text('x')\ntime.sleep(120)",
    ])
    before = snapshot(project / "reports")
    code = (
        "import sys\nsys.path[:0] = [{here!r}, {tests!r}]\nfrom pathlib import Path\nimport test_build as t\n"
        "from helpers.publish import build as b\nsys.exit(b.run_build(t.config_for(Path({root!r}), force=True)))\n"
    ).format(here=str(Path(__file__).parent), tests=str(Path(__file__).parents[1]), root=str(project))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), child.stderr.read() if child.stderr else ""
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == b.EXIT_INTERRUPTED
    assert err.strip().splitlines() == ["build interrupted (Ctrl-C); the staging folder was removed", b.UNCHANGED_NOTE]
    assert snapshot(project / "reports") == before


# --------------------------------------------------------------------------------------------------
# Cutting the tables at as_of (helpers.data.clean), on tiny frames
# --------------------------------------------------------------------------------------------------


def test_notes_citing_a_later_source_are_withheld() -> None:
    import pandas as pd

    from helpers.data.clean import withhold_later_notes

    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "notes": ["date per S003", "see S000", "", "no id here"]})
    out = withhold_later_notes(df, ("notes", "absent"), {"S000", "S004"})
    assert out["notes"].tolist() == ["", "see S000", "", "no id here"]
    assert df["notes"].iloc[0] == "date per S003"  # the input is not changed


def test_edition_actors_keeps_only_what_this_editions_reports_say() -> None:
    import pandas as pd

    from helpers.data.clean import edition_actors

    actors = pd.DataFrame({
        "actor_id": ["A", "B", "C", "D", "E"],
        "parent_actor_id": ["", "", "", "", "D"],
        "aliases": ["Ay", "Bee; 19 countries", "Sea", "", ""],
        "mentioned_in": ["S000", "S000; S001", "S001", "S001", "S000"],
        "notes": ["about A", "B's note", "", "", "per S003"],
    })
    pledges = pd.DataFrame({"actor_id": ["A"], "requested_by": ["B"]})
    events = pd.DataFrame({"actor_id": [""], "other_actor_ids": ["E"]})
    out = edition_actors(actors, [pledges, events], {"S000"})
    assert out["actor_id"].tolist() == ["A", "B", "D", "E"]  # C is named by no claim; D is E's parent
    rows = out.set_index("actor_id")
    assert rows.loc["A", "aliases"] == "Ay" and rows.loc["A", "notes"] == "about A"  # all its reports are in
    assert rows.loc["B", "aliases"] == "" and rows.loc["B", "notes"] == ""  # S001 mentions it too: withheld
    assert rows.loc["B", "mentioned_in"] == "S000" and rows.loc["D", "mentioned_in"] == ""
    assert rows.loc["E", "notes"] == ""  # cites a later source
