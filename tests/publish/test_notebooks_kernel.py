"""One kernel for a build's notebooks: each notebook still behaves as in a kernel of its own (JupyterLab)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.publish.errors import BuildError
from helpers.publish.notebooks import NotebookError, execute_notebooks, start_kernel, warm_up_code

PARAMETERS = {"as_of": "2025-11-20"}


def notebook(folder: Path, name: str, *sources: str, kernel: str = "python3") -> Path:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": kernel, "display_name": "Python 3", "language": "python"}})
    params = nbformat.v4.new_code_cell('as_of: str = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_each_notebook_starts_with_an_empty_namespace_and_counts_from_one(tmp_path: Path) -> None:
    first = notebook(tmp_path, "01.ipynb", "import json\nleft_over = 1", "print(left_over)")
    second = notebook(tmp_path, "02.ipynb", "import os\nprint('fresh' if 'left_over' not in dir() else 'leaked')", "as_of")
    runs = execute_notebooks([first, second], PARAMETERS, tmp_path / "out")
    executed = nbformat.read(runs[1].executed, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code[2].outputs[0]["text"] == "fresh\n"  # not 'leaked': notebook 01's names are gone
    assert [c.execution_count for c in code] == [1, 2, 3, 4]  # injected parameters, parameters, two cells
    assert code[3].outputs[0]["data"]["text/plain"] == "'2025-11-20'"


def test_a_name_only_an_earlier_notebook_defined_fails_as_in_its_own_kernel(tmp_path: Path) -> None:
    first = notebook(tmp_path, "01.ipynb", "defined_in_01 = 1")
    second = notebook(tmp_path, "02.ipynb", "defined_in_01 + 1")
    with pytest.raises(NotebookError, match="02.ipynb") as err:
        execute_notebooks([first, second], PARAMETERS, tmp_path / "out")
    assert "NameError" in str(err.value)


def test_the_warm_up_runs_only_the_notebooks_imports(tmp_path: Path) -> None:
    path = notebook(tmp_path, "01.ipynb", "import json\nfrom pathlib import Path\nraise SystemExit('work, not an import')", "%time import os")
    code = warm_up_code([path])
    assert "import json" in code and "from pathlib import Path" in code
    assert "SystemExit" not in code and "import os" not in code  # magics are not parsed: their module loads in the cell
    compile(code, "warm-up", "exec")


def test_a_notebook_declaring_another_kernel_runs_in_a_kernel_of_its_own(tmp_path: Path) -> None:
    first = notebook(tmp_path, "01.ipynb", "x = 1")
    other = notebook(tmp_path, "02.ipynb", "x = 2", kernel="no-such-kernel")
    kernel = start_kernel([first])
    try:
        assert kernel is not None and not kernel.serves("no-such-kernel", tmp_path)
        with pytest.raises(BuildError, match="02.ipynb could not run"):
            execute_notebooks([first, other], PARAMETERS, tmp_path / "out", kernel=kernel)
    finally:
        kernel.shutdown()
