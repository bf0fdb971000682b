"""Notebooks stay reviewable: each .ipynb has a py:percent twin with the same cells, no outputs are
committed, every notebook declares the project kernel, exactly one cell tagged `parameters` declares the
four build parameters, and the briefing notebook holds no undated editorial prose.

The checks are plain functions, tried first on fixture notebooks (good and bad) and then on every
notebook in notebooks/.
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.compare import compare_notebooks
from jupytext.config import load_jupytext_config

from helpers import paths
from helpers.lab import nbclean
from helpers.publish.kernelspec import NOTEBOOK_KERNELSPEC
from notebook_checks import committed_notebook_problems
IPYNBS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
SCRIPTS = sorted(p for p in paths.NOTEBOOKS_DIR.glob("*.py"))


def pair_problems(ipynb: Path) -> list[str]:
    """The py:percent twin exists and has the same cells (jupytext reads and compares both)."""
    script = ipynb.with_suffix(".py")
    if not script.is_file():
        return [f"{ipynb.name} has no paired {script.name} (run: jupytext --sync {ipynb})"]
    try:
        compare_notebooks(jupytext.read(script), jupytext.read(ipynb), fmt="py:percent")
    except Exception as exc:  # jupytext raises NotebookDifference with the first difference
        return [f"{ipynb.name} and {script.name} differ (run: jupytext --sync {ipynb}): {exc}"]
    return []


# --- the checks themselves, on fixtures ------------------------------------------------------------

GOOD_PARAMETERS = (
    'as_of: str = "2025-11-20"  # the edition date\ndata_dir: str = "../data"\n'
    'out_dir: str = "../build/scratch"\nprevious_edition: str = ""'
)


def _fixture_notebook(folder: Path, parameters: str = GOOD_PARAMETERS) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(NOTEBOOK_KERNELSPEC)
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Fixture"), cell, nbformat.v4.new_code_cell("print(as_of)")]
    path = folder / "01-fixture.ipynb"
    nbformat.write(nb, path)
    jupytext.write(nb, path.with_suffix(".py"), fmt="py:percent")
    return path


def test_checks_pass_a_good_pair(tmp_path: Path) -> None:
    path = _fixture_notebook(tmp_path)
    assert committed_notebook_problems(path) == []
    assert pair_problems(path) == []


def test_checks_catch_outputs_tags_parameters_and_drift(tmp_path: Path) -> None:
    path = _fixture_notebook(tmp_path, 'as_of = "2025-11-20"\ndata_dir: str = ""\nout_dir: str = ""')
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="2025-11-20\n")]
    nb.cells[2].execution_count = 1
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(nb, path)
    problems = committed_notebook_problems(path)
    fix = f"run: python3 dev.py strip {path}"
    assert f"cell 3 has outputs committed ({fix})" in problems
    assert f"cell 3 has an execution count committed ({fix})" in problems
    assert f"volatile metadata committed: language_info ({fix})" in problems
    assert any("as_of has no type annotation" in p for p in problems)
    assert any("expected ['as_of', 'data_dir', 'out_dir', 'previous_edition']" in p for p in problems)

    nb.cells[2].source = "print(as_of, data_dir)"
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)
    assert "2 cells are tagged `parameters`; expected exactly one" in committed_notebook_problems(path)
    assert "differ" in pair_problems(path)[0]
    path.with_suffix(".py").unlink()
    assert "has no paired 01-fixture.py" in pair_problems(path)[0]


def test_checks_catch_another_kernel(tmp_path: Path) -> None:
    path = _fixture_notebook(tmp_path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)
    assert any("Change Kernel > 'Python 3 (ISF briefing)'" in p for p in committed_notebook_problems(path))


def test_prose_check_tells_standing_text_from_edition_notes() -> None:
    def cells(*sources: str) -> dict:
        return {"cells": [{"cell_type": "markdown", "source": s} for s in sources] + [{"cell_type": "code", "source": "x = 1"}]}

    standing = "## Conditions\n\nWhat willing contributors say they need before they take part."
    assert nbclean.prose_problems(cells(standing, "### Limits\n\nThe reports relay each other.")) == []
    comment = "Turkey's offer looks shakier than the table suggests."
    dated = "## Bottom line\n\nAfter the 8 Nov report (S003) Egypt is the one to watch."
    problems = nbclean.prose_problems(cells(standing, comment, dated), "03.ipynb")
    assert [p.split(":")[0] for p in problems] == ["03.ipynb cell 2", "03.ipynb cell 3"]
    assert "without a section heading" in problems[0] and "'8 Nov'" in problems[1]
    assert all('show_note("YYYY-MM-DD", as_of, "...")' in p and "data/judgements/<date>.md" in p for p in problems)


# --- the real notebooks ----------------------------------------------------------------------------


def test_notebooks_folder_pairs_ipynb_with_py_percent() -> None:
    config = load_jupytext_config(str(paths.NOTEBOOKS_DIR / "any.ipynb"))
    assert config is not None and config.formats in ("ipynb,py:percent", ["ipynb,py:percent"])


def test_pipeline_notebooks_exist() -> None:
    # Every notebook gone is a failure, never a skip: the checks below would otherwise have nothing to check.
    missing = [name for name in paths.NOTEBOOKS if not (paths.NOTEBOOKS_DIR / name).is_file()]
    assert missing == [], f"helpers.paths.NOTEBOOKS lists notebooks that are not in notebooks/: {missing}"


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(ipynb: Path) -> None:
    assert committed_notebook_problems(ipynb) == []


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: p.name)
def test_notebook_has_matching_py_percent_twin(ipynb: Path) -> None:
    assert pair_problems(ipynb) == []


def test_briefing_notebook_holds_no_undated_editorial_prose() -> None:
    briefing = paths.NOTEBOOKS_DIR / paths.BRIEFING_NOTEBOOK
    assert nbclean.prose_problems(json.loads(briefing.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_py_percent_file_has_its_ipynb(script: Path) -> None:
    assert script.with_suffix(".ipynb").is_file(), f"{script.name} has no paired .ipynb (run: jupytext --sync {script})"
