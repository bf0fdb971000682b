"""Running the notebooks with papermill: in order, in this process, parameters passed, a failing cell named.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.publish.errors import BuildError


PARAMETER_NAMES: tuple[str, ...] = ("as_of", "data_dir", "out_dir", "previous_edition")


_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookError(BuildError):
    """A notebook cell raised. `cell` counts from 1 in the source notebook."""

    def __init__(
        self,
        notebook: str,
        cell: int,
        first_line: str,
        ename: str,
        evalue: str,
        executed: Path,
        traceback_tail: Sequence[str] = (),
    ) -> None:
        self.notebook = notebook
        self.cell = cell
        self.first_line = first_line
        self.ename = ename
        self.evalue = evalue
        self.executed = executed
        self.traceback_tail = list(traceback_tail)
        super().__init__(
            f"notebook {notebook} failed in cell {cell} (`{first_line}`): {ename}: {evalue}\n"
            f"  the executed notebook, with the full traceback: {executed}"
        )


@dataclass(frozen=True)
class NotebookRun:
    name: str
    executed: Path
    seconds: float


def tag_injected_parameters(executed: Path) -> None:
    """Tag papermill's injected-parameters cell `remove-cell` (its `#|` options are lost: issue 731)."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    changed = False
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
            changed = True
    if changed:
        nbformat.write(nb, executed)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return "(empty cell)"


def _notebook_error(notebook: Path, exc: Any, executed: Path) -> NotebookError:
    """Turn papermill's error into one that names the notebook, the cell (as the author sees it) and the exception."""
    import nbformat

    cell_number = int(exc.cell_index) + 1
    with contextlib.suppress(Exception):
        source_nb = _read_notebook(notebook, nbformat)
        for i, cell in enumerate(source_nb.cells):
            if cell.source == exc.source:
                cell_number = i + 1
                break
    tail = [_ANSI_RE.sub("", line) for line in (exc.traceback or [])]
    tail = "\n".join(tail).splitlines()[-8:]
    return NotebookError(
        notebook=notebook.name,
        cell=cell_number,
        first_line=_first_line(exc.source or ""),
        ename=exc.ename,
        evalue=exc.evalue,
        executed=executed,
        traceback_tail=tail,
    )


def _read_notebook(path: Path, nbformat: Any) -> Any:
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    import jupytext  # a paired .py:percent notebook

    return jupytext.read(path)


def execute_notebooks(
    notebooks: Sequence[Path],
    parameters: Mapping[str, str],
    executed_dir: Path,
    execution_timeout: int | None = 900,
) -> list[NotebookRun]:
    """Run each notebook with papermill, in order, in this process; one progress line per notebook.

    Raises NotebookError naming the notebook and cell when a cell raises, BuildError otherwise.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    executed_dir.mkdir(parents=True, exist_ok=True)
    runs: list[NotebookRun] = []
    for number, notebook in enumerate(notebooks, start=1):
        executed = executed_dir / f"{notebook.stem}.ipynb"
        source: Any = str(notebook) if notebook.suffix == ".ipynb" else _read_notebook(notebook, nbformat)
        start = time.perf_counter()
        try:
            pm.execute_notebook(
                source,
                str(executed),
                parameters=dict(parameters),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                cwd=str(notebook.parent),
                execution_timeout=execution_timeout,
                # ipykernel 7 logs on every start that TCP is unencrypted (loopback only here) and, at
                # times, "KeyboardInterrupt caught in kernel" while shutting down: keep the progress lines
                # readable. Cell errors come back in the notebook; a dead kernel raises here.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except PapermillExecutionError as exc:
            with contextlib.suppress(Exception):
                tag_injected_parameters(executed)
            raise _notebook_error(notebook, exc, executed) from None
        except Exception as exc:  # kernel died, missing kernelspec, unreadable notebook…
            raise BuildError(f"notebook {notebook.name} could not run: {type(exc).__name__}: {exc}") from exc
        tag_injected_parameters(executed)
        seconds = time.perf_counter() - start
        print(f"  [{number}/{len(notebooks)}] {notebook.name:<34} {seconds:6.1f} s", flush=True)
        runs.append(NotebookRun(name=notebook.name, executed=executed, seconds=seconds))
    return runs
