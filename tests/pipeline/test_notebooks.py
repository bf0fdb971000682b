"""The pipeline notebooks, executed by papermill on the curated data and on fixture data."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers import paths
from helpers.publish.notebooks import execute_notebooks
from fixture_data import event, figure, make_data, pledge, position

NOTEBOOKS = [paths.NOTEBOOKS_DIR / name for name in paths.NOTEBOOKS]


def run(tmp: Path, as_of: str, data_dir: Path = paths.DATA_DIR, notebooks: list[Path] = NOTEBOOKS) -> Path:
    out = tmp / f"out-{as_of}"
    params = {"as_of": as_of, "data_dir": str(data_dir), "out_dir": str(out), "previous_edition": ""}
    execute_notebooks(notebooks, params, out / "executed")
    return out


FIXTURE_ROWS = {
    "pledges": [
        pledge("PL-001", "IDN", "offered_public", "S011", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="20,000",
               amount_precision="exact", location="inside_gaza"),
        pledge("PL-002", "TUR", "offered_private", "S011"),
        pledge("PL-003", "TUR", "mentioned", "S012"),
        pledge("PL-004", "GBR", "deployed", "S011", "advisers", location="israel"),
        pledge("PL-005", "FRA", "approached", "S013", requested_by="USA"),
    ],
    "positions": [position("PO-001", "ISR", "turkish_troops", "undecided", "S011", target_actor_id="TUR"),
                  position("PO-002", "ISR", "turkish_troops", "opposes", "S013", target_actor_id="TUR")],
    "figures": [figure("FI-001", "countries_approached", 70, 70, "approximate", "some 70", "S013"),
                figure("FI-002", "countries_willing", 19, 19, "exact", "19", "S013")],
    "events": [event("EV-001", "2025-11-05", "resolution", "US circulates a draft resolution", "USA", "S012"),
               # another actor named: the chronology's "Who" must list names, read back from disk as notebook 02 reads them
               event("EV-002", "2025-10-10", "ceasefire", "Ceasefire takes effect", "ISR", "S011", other_actor_ids="USA; TUR")],
}


@pytest.fixture(scope="module")
def fixture_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data(tmp_path_factory.mktemp("data"), **FIXTURE_ROWS)


@pytest.fixture(autouse=True)
def fixture_sources(fixture_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernels read the sources folder from the environment: the fixture's texts hold its quotes
    monkeypatch.setenv("ISF_SOURCES_DIR", str(fixture_data.parent / "sources"))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory, fixture_data: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ISF_SOURCES_DIR", str(fixture_data.parent / "sources"))
        return run(tmp_path_factory.mktemp("nb"), "2026-01-31", data_dir=fixture_data)


def key_figures(out: Path) -> dict:
    return json.loads((out / "analysis" / "key_figures.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_typed_and_described(notebook: Path) -> None:
    params = papermill.inspect_notebook(str(notebook))
    assert set(params) == {"as_of", "data_dir", "out_dir", "previous_edition"}
    assert all(p["inferred_type_name"] == "str" and p["help"] for p in params.values())


def test_processed_tables_hold_every_row_reported_by_as_of(full: Path) -> None:
    for table, rows in FIXTURE_ROWS.items():
        processed = (full / "processed" / f"{table}.csv").read_text(encoding="utf-8")
        assert len(processed.splitlines()) == len(rows) + 1, table


def test_key_figures_come_from_the_data(full: Path) -> None:
    k = key_figures(full)
    assert [(c["low"], c["source_id"]) for c in k["countries_approached"]] == [(70.0, "S013")]
    assert k["largest_offer"]["actor"] == "Indonesia" and k["largest_offer"]["amount"] == 20000.0
    assert [w["name"] for w in k["troop_offers"]] == ["Indonesia", "Turkey"]
    assert [o["name"] for o in k["outside_support"]] == ["United Kingdom"]
    assert k["information_date"] == {"date": "2025-12-13", "label": "c. 13 Dec 2025", "source_id": "S013"}
    assert k["changes"]["has_previous"] is False


def test_briefing_notebook_shows_the_title_block_figures_and_charts(full: Path) -> None:
    nb = nbformat.read(full / "executed" / "03-write-briefing.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    escaped = "\n".join(o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {}))
    markdown = re.sub(r"\\(.)", r"\1", escaped)  # escape_md backslash-escapes punctuation
    charts = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert "19 countries" in markdown and "about 70" in markdown and "20,000 troops" in markdown
    # the edition is 49 days after its newest report: past the staleness setting, so the title block says so
    assert "Information current to c. 13 Dec 2025 (newest report, 49 days before this edition; later events are not covered)" in markdown
    title = next(o["metadata"]["isf"] for o in outputs if o.get("metadata", {}).get("isf", {}).get("role") == "title-block")
    assert (title["information_date"], title["as_of"]) == ("2025-12-13", "2026-01-31")
    assert len(charts) == 5  # funnel, map, commitments, figures, positions
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_an_earlier_as_of_leaves_out_later_claims(tmp_path: Path, fixture_data: Path) -> None:
    out = run(tmp_path, "2025-11-10", data_dir=fixture_data, notebooks=NOTEBOOKS[:2])
    k = key_figures(out)
    assert k["countries_approached"] == [] and k["countries_willing"] == []
    assert "S013" not in (out / "processed" / "claims.csv").read_text(encoding="utf-8")
    assert k["information_date"]["date"] == "2025-11-08"


def test_an_edition_before_any_report_builds_a_short_briefing(tmp_path: Path, fixture_data: Path) -> None:
    out = run(tmp_path, "2025-10-01", data_dir=fixture_data)
    nb = nbformat.read(out / "executed" / "03-write-briefing.ipynb", as_version=4)
    text = "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    assert "No report is in yet" in re.sub(r"\\(.)", r"\1", text)


def test_bad_data_stops_the_first_notebook(tmp_path: Path, fixture_data: Path) -> None:
    from helpers.publish.notebooks import NotebookError

    data = tmp_path / "data"
    shutil.copytree(fixture_data, data)
    pledges = data / "curated" / "pledges.csv"
    pledges.write_text(pledges.read_text(encoding="utf-8").replace("PL-001,IDN,", "PL-001,XYZ,", 1), encoding="utf-8")
    with pytest.raises(NotebookError) as err:
        run(tmp_path, "2026-01-31", data_dir=data, notebooks=NOTEBOOKS[:1])
    assert "01-clean-and-validate" in str(err.value) and "DataValidationError" in str(err.value)
    assert not (tmp_path / "out-2026-01-31" / "processed").exists()


def test_changes_are_computed_against_the_previous_edition(tmp_path: Path, fixture_data: Path) -> None:
    previous = run(tmp_path / "prev", "2025-10-20", data_dir=fixture_data, notebooks=NOTEBOOKS[:2])
    out = tmp_path / "now"
    params = {"as_of": "2026-01-31", "data_dir": str(fixture_data), "out_dir": str(out), "previous_edition": str(previous)}
    execute_notebooks(NOTEBOOKS[:2], params, out / "executed")
    changes = key_figures(out)["changes"]
    assert changes["has_previous"] is True and changes["previous_as_of"] == "2025-10-20"
    news = {(i["kind"], i["claim_id"]) for i in changes["news"]}
    assert ("milestone", "EV-001") in news and ("stance_change", "PO-002") in news
    assert json.loads((out / "analysis" / "changes.json").read_text(encoding="utf-8"))["headline"] == changes["headline"]


def test_the_chronology_names_who_from_tables_read_back_from_disk(full: Path) -> None:
    """The processed tables go through files between notebooks 01 and 02; a list column must come back a list."""
    chronology = json.loads((full / "analysis" / "chronology.json").read_text(encoding="utf-8"))
    who = dict(zip([row[0] for row in chronology["data"]], [row[chronology["columns"].index("who")] for row in chronology["data"]]))
    assert who == {"EV-001": "United States", "EV-002": "Israel, United States and Turkey"}
    nb = nbformat.read(full / "executed" / "03-write-briefing.ipynb", as_version=4)
    shown = re.sub(r"\\(.)", r"\1", "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                                              for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})))
    assert "| Israel, United States and Turkey |" in shown
    assert "[, '" not in shown and "['" not in shown


# --- The notebooks as an analyst runs them in JupyterLab ----------------------------------------------
# nbclient runs each notebook top to bottom in the kernel it declares, in the notebook's folder, with
# no parameters injected: what Lab's Run All does. Each test works on a copy of the project in a
# temporary folder (ISF_ROOT), with the fixture data, so the repo's build/ and notebooks/ stay untouched.

LAB_AS_OF = "2026-01-31"
# What JupyterLab shows of an output: the first of these MIME types it holds (Lab's rendermime order).
LAB_MIME_ORDER = ("application/javascript", "text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png", "text/plain")
RENDERER_MARKUP = re.compile(r"\{=(?:html|typst|latex)\}|\{#src-|\^\[S\d+\]|data:[\w/+.-]+;base64|[A-Za-z0-9+/]{120,}={0,2}")


class LabCopy:
    """A copy of the project in a temporary folder, worked on the way an analyst works in JupyterLab."""

    def __init__(self, root: Path, data: Path) -> None:
        self.root = root
        (root / "notebooks").mkdir(parents=True)
        for name in paths.NOTEBOOKS:
            shutil.copy(paths.NOTEBOOKS_DIR / name, root / "notebooks" / name)
        shutil.copy(paths.NOTEBOOKS_DIR / "jupytext.toml", root / "notebooks")
        shutil.copytree(data, root / "data")
        (root / "docs").mkdir()
        shutil.copy(paths.CODEBOOK, root / "docs")
        self.set_date(LAB_AS_OF)

    def set_date(self, as_of: str) -> None:
        """Change the working date the one place an analyst changes it."""
        (self.root / "notebooks" / "working.toml").write_text(f'as_of = "{as_of}"\nprevious_edition = "auto"\n', encoding="utf-8")

    def folder(self, as_of: str = LAB_AS_OF) -> Path:
        return self.root / "build" / "lab" / as_of

    def run(self, name: str, parameters: str | None = None) -> nbformat.NotebookNode:
        """Run All, as Lab does: stops at the first error, which stays in that cell's outputs."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        nb = nbformat.read(self.root / "notebooks" / f"{name}.ipynb", as_version=4)
        if parameters is not None:  # the analyst edits the parameters cell by hand
            next(c for c in nb.cells if "parameters" in c.metadata.get("tags", [])).source = parameters
        client = NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(self.root / "notebooks")}})
        with contextlib.suppress(CellExecutionError):
            client.execute()
        nb.metadata["isf-test-kernel"] = client.kernel_name
        return nb


def error_lines(nb: nbformat.NotebookNode) -> list[str] | None:
    """The error a Run All stopped at, as Lab shows it (ANSI colours removed); None when it ran through."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                return [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in output.traceback]
    return None


def lab_shown(nb: nbformat.NotebookNode) -> list[str]:
    """Every output as JupyterLab displays it: the preferred MIME type's text, scripts and styles left out."""
    shown = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                shown.append(output.text)
            data = output.get("data", {})
            mime = next((m for m in LAB_MIME_ORDER if m in data), None)
            if mime:
                text = data[mime] if isinstance(data[mime], str) else json.dumps(data[mime])
                shown.append(re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S) if mime == "text/html" else text)
    return shown


@pytest.fixture
def lab(tmp_path: Path, fixture_data: Path, monkeypatch: pytest.MonkeyPatch) -> LabCopy:
    from helpers.publish.kernelspec import ensure_kernelspec

    ensure_kernelspec()  # the `isf-briefing` kernel the notebooks declare (dev.py registers it at set-up)
    copy = LabCopy(tmp_path / "repo", fixture_data)
    monkeypatch.setenv("ISF_ROOT", str(copy.root))
    for name in ("ISF_BUILD_DIR", "ISF_REPORTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return copy


@pytest.fixture(scope="module")
def lab_run_all(tmp_path_factory: pytest.TempPathFactory, fixture_data: Path) -> dict[str, list[nbformat.NotebookNode]]:
    """An analyst's first session: Run All in 02 and 03 before 01, then each in order. Runs per notebook, in order."""
    from helpers.publish.kernelspec import ensure_kernelspec

    ensure_kernelspec()
    copy = LabCopy(tmp_path_factory.mktemp("lab") / "repo", fixture_data)
    runs: dict[str, list[nbformat.NotebookNode]] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ISF_ROOT", str(copy.root))
        mp.setenv("ISF_SOURCES_DIR", str(fixture_data.parent / "sources"))
        for name in ("ISF_BUILD_DIR", "ISF_REPORTS_DIR"):
            mp.delenv(name, raising=False)
        for name in ("02-analyse", "03-write-briefing", "01-clean-and-validate", "03-write-briefing", "02-analyse", "03-write-briefing"):
            runs.setdefault(name, []).append(copy.run(name))
    runs["copy"] = copy  # type: ignore[assignment]
    return runs


def test_run_out_of_order_says_in_one_line_which_notebook_to_run_first(lab_run_all: dict) -> None:
    folder = f"build/lab/{LAB_AS_OF}"
    assert error_lines(lab_run_all["02-analyse"][0]) == [
        f"InputError: no processed tables for {LAB_AS_OF} in {folder}/processed: run 01-clean-and-validate first"]
    assert error_lines(lab_run_all["03-write-briefing"][0]) == [
        f"InputError: no processed tables for {LAB_AS_OF} in {folder}/processed: run 01-clean-and-validate first"]
    # 01 done, 02 not yet: 03 names 02
    assert error_lines(lab_run_all["03-write-briefing"][1]) == [
        f"InputError: no analysis tables for {LAB_AS_OF} in {folder}/analysis: run 02-analyse first"]
    assert [error_lines(lab_run_all[name][-1]) for name in ("01-clean-and-validate", "02-analyse", "03-write-briefing")] == [None] * 3


def test_lab_runs_read_the_date_from_the_working_settings(lab_run_all: dict) -> None:
    first_line = lab_run_all["01-clean-and-validate"][0].cells[2].outputs[0].text
    assert first_line == (f"Working on the edition of {LAB_AS_OF} (from notebooks/working.toml); folder build/lab/{LAB_AS_OF}; "
                          "previous edition: none\n")
    stamp = json.loads((lab_run_all["copy"].folder() / "processed" / "stamp.json").read_text(encoding="utf-8"))
    assert (stamp["as_of"], stamp["made_by"]) == (LAB_AS_OF, "01-clean-and-validate")


def test_notebooks_declare_and_run_the_project_kernel(lab_run_all: dict) -> None:
    from helpers.publish.kernelspec import NOTEBOOK_KERNELSPEC

    for name in paths.NOTEBOOKS:
        assert json.loads((paths.NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))["metadata"]["kernelspec"] == NOTEBOOK_KERNELSPEC
    assert {runs[-1].metadata["isf-test-kernel"] for key, runs in lab_run_all.items() if key != "copy"} == {"isf-briefing"}


def test_01_and_02_end_with_the_tables_an_analyst_checks(lab_run_all: dict) -> None:
    def last_markdown(nb: nbformat.NotebookNode, back: int = 1) -> str:
        shown = [o["data"]["text/markdown"] for c in nb.cells for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
        return re.sub(r"\\(.)", r"\1", shown[-back])

    validation = last_markdown(lab_run_all["01-clean-and-validate"][-1])
    assert "every quote against the reports in" in validation
    assert "| pledges | 5 | 5 | 0 |" in validation and "| all claims | 11 | 11 | 0 |" in validation
    standings, disagreements, news = (last_markdown(lab_run_all["02-analyse"][-1], n) for n in (3, 2, 1))
    assert standings.startswith("4 standings:") and "| Indonesia | Troops | Offered publicly | 20,000 | PL-001 (S011, 18 Oct 2025) |" in standings
    assert "| United Kingdom | Advisers to the US-run cell | Deployed |  | PL-004 (S011, 18 Oct 2025) | outside the force |" in standings
    assert "| Positions differ | Israel | Turkish troops in Gaza | 2 | S011, S013 |" in disagreements
    assert news == "There is no previous edition to compare with: this is the first edition."


def test_displayed_outputs_hold_no_renderer_markup(lab_run_all: dict) -> None:
    briefing = lab_run_all["03-write-briefing"][-1]
    shown = [text for name in paths.NOTEBOOKS for text in lab_shown(lab_run_all[Path(name).stem][-1])]
    assert [RENDERER_MARKUP.findall(text) for text in shown if RENDERER_MARKUP.search(text)] == []
    joined = "\n".join(lab_shown(briefing))
    assert "S011: Outlet S011" in joined  # the sources list, without its {#src-S011} anchors
    assert "*In the page:* Data\\: the 11 claims of this edition" in joined  # the download links' text, not their base64
    charts = [o["data"]["text/html"] for c in briefing.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert len(charts) == 5 and all(html.startswith("<style>figure.isf-chart") for html in charts)


def test_the_markup_check_finds_what_the_renderers_need(full: Path) -> None:
    # the same notebook run by a build keeps its raw blocks and anchors for pandoc and Quarto
    built = nbformat.read(full / "executed" / "03-write-briefing.ipynb", as_version=4)
    found = {m[:6] for text in lab_shown(built) for m in RENDERER_MARKUP.findall(text)}
    assert {"{=html", "{=typs", "{#src-", "^[S011"} <= found  # raw blocks, anchors, source marks


def test_a_new_working_date_gets_its_own_folder(lab: LabCopy) -> None:
    for name in ("01-clean-and-validate", "02-analyse"):
        assert error_lines(lab.run(name)) is None
    lab.set_date("2025-11-10")
    assert error_lines(lab.run("03-write-briefing")) == [
        "InputError: no processed tables for 2025-11-10 in build/lab/2025-11-10/processed: run 01-clean-and-validate first"]
    assert json.loads((lab.folder() / "processed" / "stamp.json").read_text(encoding="utf-8"))["as_of"] == LAB_AS_OF


def test_tables_made_for_another_date_are_refused_naming_both_dates(lab: LabCopy, tmp_path: Path, fixture_data: Path) -> None:
    from helpers.publish.notebooks import NotebookError

    assert error_lines(lab.run("01-clean-and-validate")) is None
    # by hand: the analyst points 02 at the 31 Jan folder with another date
    cell = f'as_of: str = "2025-11-10"\ndata_dir: str = "../data"\nout_dir: str = "{lab.folder()}"\nprevious_edition: str = ""'
    assert error_lines(lab.run("02-analyse", cell)) == [
        f"InputError: the processed tables in build/lab/{LAB_AS_OF}/processed were made for {LAB_AS_OF}, not 2025-11-10: "
        "run 01-clean-and-validate for 2025-11-10 first"]
    # by papermill, as a build would if two dates shared one out_dir
    out = run(tmp_path, "2026-01-31", data_dir=fixture_data, notebooks=NOTEBOOKS[:1])
    params = {"as_of": "2025-11-10", "data_dir": str(fixture_data), "out_dir": str(out), "previous_edition": ""}
    with pytest.raises(NotebookError) as err:
        execute_notebooks(NOTEBOOKS[1:2], params, out / "executed")
    assert "were made for 2026-01-31, not 2025-11-10: run 01-clean-and-validate for 2025-11-10 first" in str(err.value)


def test_analysis_older_than_the_tables_is_refused(lab: LabCopy) -> None:
    for name in ("01-clean-and-validate", "02-analyse"):
        assert error_lines(lab.run(name)) is None
    pledges = lab.root / "data" / "curated" / "pledges.csv"
    pledges.write_text("".join(pledges.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    assert error_lines(lab.run("01-clean-and-validate")) is None  # a data edit, then 01 again but not 02
    assert error_lines(lab.run("03-write-briefing")) == [
        f"InputError: the analysis in build/lab/{LAB_AS_OF}/analysis was made from older processed tables "
        "(01-clean-and-validate ran again since): run 02-analyse again"]


# --- Saving: what reaches the disk and git after a Run All ------------------------------------------


def executed_briefing(lab_run_all: dict) -> dict:
    """The executed briefing notebook as Lab sends it to the server on save (sources as strings)."""
    nb = json.loads(json.dumps(lab_run_all["03-write-briefing"][-1]))
    del nb["metadata"]["isf-test-kernel"]
    return nb


def test_lab_saves_an_executed_notebook_clean_and_unchanged(lab_run_all: dict, tmp_path: Path) -> None:
    """JupyterLab's contents manager (jupytext's, as Lab runs it) with the project's save hook config."""
    import jupytext
    from traitlets.config import Config

    from helpers.publish.kernelspec import SERVER_CONFIG

    name = paths.BRIEFING_NOTEBOOK
    (tmp_path / "notebooks").mkdir()
    for suffix in (".ipynb", ".py"):
        shutil.copy((paths.NOTEBOOKS_DIR / name).with_suffix(suffix), (tmp_path / "notebooks" / name).with_suffix(suffix))
    shutil.copy(paths.NOTEBOOKS_DIR / "jupytext.toml", tmp_path / "notebooks")
    executed = executed_briefing(lab_run_all)
    assert sum(len(c.get("outputs", [])) for c in executed["cells"]) > 20 and "language_info" in executed["metadata"]
    manager = jupytext.TextFileContentsManager(root_dir=str(tmp_path), config=Config(SERVER_CONFIG))
    manager.save({"type": "notebook", "content": executed}, f"notebooks/{name}")
    saved = tmp_path / "notebooks" / name
    assert saved.read_bytes() == (paths.NOTEBOOKS_DIR / name).read_bytes()  # outputs, counts, language_info gone; nothing rewritten
    assert saved.with_suffix(".py").read_bytes() == (paths.NOTEBOOKS_DIR / name).with_suffix(".py").read_bytes()


def test_strip_command_cleans_what_another_tool_saved(lab_run_all: dict, tmp_path: Path) -> None:
    from helpers.lab import nbclean
    from notebook_checks import committed_notebook_problems

    saved = tmp_path / paths.BRIEFING_NOTEBOOK
    nbformat.write(nbformat.from_dict(executed_briefing(lab_run_all)), saved)
    problems = committed_notebook_problems(saved)
    assert f"cell 3 has outputs committed (run: python3 dev.py strip {saved})" in problems
    assert nbclean.main(["--check", str(saved)]) == 1
    assert nbclean.main([str(saved)]) == 0
    assert committed_notebook_problems(saved) == [] and nbclean.main(["--check", str(saved)]) == 0
    assert saved.read_bytes() == (paths.NOTEBOOKS_DIR / paths.BRIEFING_NOTEBOOK).read_bytes()


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=Analyst", "-c", "user.email=analyst@example.org", *args],
                          cwd=repo, capture_output=True, text=True)


@pytest.mark.needs("git")
def test_pre_commit_hook_commits_an_executed_notebook_clean(lab_run_all: dict, tmp_path: Path) -> None:
    from helpers.lab import nbclean

    repo = tmp_path / "clone"
    (repo / "src" / "helpers" / "lab").mkdir(parents=True)
    (repo / "notebooks").mkdir()
    for module in ("__init__.py", "paths.py", "lab/__init__.py", "lab/nbclean.py"):  # what the hook runs, stdlib only
        shutil.copy(paths.PACKAGE_DIR / module, repo / "src" / "helpers" / module)
    assert _git(repo, "init", "-q").returncode == 0
    assert "installed" in nbclean.install_git_hook(repo)
    assert nbclean.install_git_hook(repo) == ""  # already there: left alone
    target = repo / "notebooks" / paths.BRIEFING_NOTEBOOK
    nbformat.write(nbformat.from_dict(executed_briefing(lab_run_all)), target)
    _git(repo, "add", ".")
    commit = _git(repo, "commit", "-q", "-m", "Run All and save")
    assert commit.returncode == 0, commit.stderr
    assert f"committed notebooks/{paths.BRIEFING_NOTEBOOK} without outputs" in commit.stderr  # git shows hook output there
    committed = _git(repo, "show", f"HEAD:notebooks/{paths.BRIEFING_NOTEBOOK}").stdout
    assert committed == (paths.NOTEBOOKS_DIR / paths.BRIEFING_NOTEBOOK).read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") == committed  # the working copy is clean too

    # an analyst's undated comment as a Markdown cell: refused, with the way to date it
    nb = nbformat.read(target, as_version=4)
    nb.cells.insert(5, nbformat.v4.new_markdown_cell("Turkey's offer looks shakier than the table suggests."))
    nbformat.write(nb, target)
    _git(repo, "add", ".")
    refused = _git(repo, "commit", "-q", "-m", "A comment")
    assert refused.returncode == 1
    assert "cell 6: Markdown prose without a section heading shows in every edition" in refused.stderr
    assert 'show_note("YYYY-MM-DD", as_of, "...")' in refused.stderr


def test_a_note_shows_only_in_the_edition_it_was_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.views import markdown

    shown: list[dict] = []
    monkeypatch.setattr(markdown, "display", lambda data, **_: shown.append(data))
    try:
        markdown.use_lab_display(False)
        markdown.show_note("2025-11-20", "2025-11-20", "Egypt is the one to watch.")
        markdown.show_note("2025-11-20", "2025-11-01", "Egypt is the one to watch.")
        markdown.use_lab_display(True)
        markdown.show_note("2025-11-20", "2025-12-01", "Egypt is the one to watch.")
    finally:
        markdown.use_lab_display(False)
    assert [d["text/markdown"] for d in shown] == [
        "Egypt is the one to watch.", "*A note written for the edition of 20 Nov 2025 is not shown in this one.*"]
    with pytest.raises(ValueError, match="not a date"):
        markdown.show_note("20 Nov", "2025-11-20", "x")
