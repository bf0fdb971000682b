"""Running the notebooks with papermill: in order, in this process, parameters passed, a failing cell named.
"""

from __future__ import annotations

import contextlib
import logging
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


# ipykernel 7 logs on every start that TCP is unencrypted (loopback only here) and, at times,
# "KeyboardInterrupt caught in kernel" while shutting down: keep the progress lines readable. Cell errors
# come back in the notebook; a dead kernel raises.
KERNEL_ARGUMENTS: tuple[str, ...] = ("--IPKernelApp.log_level=CRITICAL",)
# Between two notebooks: the next one starts with an empty namespace and counts its cells from 1, as in a
# kernel of its own (modules stay imported: that is the time saved).
RESET = "%reset -f\nget_ipython().execution_count = 1"
ENGINE_NAME = "isf-shared-kernel"


class Kernel:
    """One kernel for a build's notebooks: started once, warmed up while the driver checks the data, reset
    between notebooks, shut down at the end.

    Each kernel start and shutdown costs about 0.7 s, and each notebook imported pandas and altair again.
    A notebook still gets an empty namespace (``%reset -f``), so one that uses a name it did not define
    fails here as it would in JupyterLab; only modules stay imported.
    """

    def __init__(self, kernel_name: str, cwd: Path, warm_up: str = "") -> None:
        from jupyter_client.manager import KernelManager

        self.kernel_name, self.cwd = kernel_name, Path(cwd)
        self.km = KernelManager(kernel_name=kernel_name)
        self.km.start_kernel(cwd=str(self.cwd), extra_arguments=list(KERNEL_ARGUMENTS))
        self.kc = self.km.client()
        # No heartbeat channel: the client asks the manager whether the kernel process lives. A heartbeat thread
        # left beating a kernel being shut down recreates its socket in a loop ("Too many open files" in a
        # long test run).
        self.kc.start_channels(hb=False)
        self._used = False
        # Sent now, while the kernel starts (ZMQ holds it until the kernel reads its shell socket): the driver
        # checks the data meanwhile.
        self._pending = self.kc.execute(warm_up, silent=True, store_history=False) if warm_up else None

    def serves(self, kernel_name: str, cwd: Path) -> bool:
        return kernel_name == self.kernel_name and Path(cwd) == self.cwd and self.km.is_alive()

    def ready_for_notebook(self, timeout: float = 300) -> None:
        """Wait for the warm-up to finish (its outcome does not matter: a notebook's own import says what
        failed), and give a notebook after the first an empty namespace."""
        import queue

        deadline = time.monotonic() + timeout
        while self._pending is not None:
            try:
                reply = self.kc.get_shell_msg(timeout=1)
            except queue.Empty:
                if not self.km.is_alive():
                    raise RuntimeError("the notebooks' kernel died while importing their modules") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the notebooks' kernel did not finish importing their modules in {timeout:.0f} s") from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == self._pending:
                self._pending = None
        if self._used:
            self.kc.execute_interactive(RESET, silent=True, store_history=False, timeout=60)
        else:
            self.kc.wait_for_ready(timeout=60)  # iopub subscribed too, so no cell's output is missed
        self._used = True

    def shutdown(self) -> None:
        """Stop the kernel (again: a no-op)."""
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self.km.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            self.km.context.destroy(linger=0)  # the manager's own ZMQ context: its sockets and file handles go too


def notebook_kernel(path: Path) -> str:
    """The kernel a notebook declares ("" when it declares none: papermill then says so)."""
    import nbformat

    nb = _read_notebook(path, nbformat)
    return str(nb.metadata.get("kernelspec", {}).get("name") or "")


def warm_up_code(notebooks: Sequence[Path]) -> str:
    """The notebooks' import statements, run in the kernel before the first notebook (imports only: no cell's
    work)."""
    import ast

    import nbformat

    lines: list[str] = []
    for path in notebooks:
        with contextlib.suppress(Exception):
            for cell in _read_notebook(path, nbformat).cells:
                if cell.cell_type != "code":
                    continue
                try:
                    tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))))
                except SyntaxError:
                    continue
                lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    # Imports only: starting vl-convert's engine here (0.4 s) was measured to cost the build that time when the
    # charts are cached (the kernel runs one thing at a time), and to save nothing when they are not.
    statements = list(dict.fromkeys(lines))
    # each on its own: one that fails leaves the others warm (the notebook's own cell then says what failed)
    return "\n".join(f"try:\n    {s}\nexcept Exception:\n    pass" for s in statements)


def start_kernel(notebooks: Sequence[Path]) -> Kernel | None:
    """A kernel for the notebooks (the first one's kernel and folder), warming up with their imports; None
    when the first declares no kernel."""
    if not notebooks:
        return None
    name = notebook_kernel(notebooks[0])
    return Kernel(name, notebooks[0].parent, warm_up_code(notebooks)) if name else None


def _register_engine() -> None:
    """papermill's nbclient engine, running a notebook in a kernel this process already started."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class SharedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False, stdout_file: Any = None,
                                     stderr_file: Any = None, start_timeout: int = 60, execution_timeout: int | None = None,
                                     **kwargs: Any) -> Any:
            kernel: Kernel = kwargs.pop("kernel")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                                 log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final)
            client.kc = kernel.kc  # the kernel's client: no new channels, no wait for readiness
            return client.execute()

    papermill_engines.register(ENGINE_NAME, SharedKernelEngine)


def execute_notebooks(
    notebooks: Sequence[Path],
    parameters: Mapping[str, str],
    executed_dir: Path,
    execution_timeout: int | None = 900,
    kernel: Kernel | None = None,
) -> list[NotebookRun]:
    """Run each notebook with papermill, in order, in this process, in one kernel; one progress line per notebook.

    Args:
        notebooks: the notebooks, in order (``.ipynb`` or paired ``.py``).
        parameters: passed to every notebook.
        executed_dir: where the executed notebooks go.
        execution_timeout: seconds per cell.
        kernel: the kernel to run them in (:func:`start_kernel`; the caller shuts it down), or None for one
            started here and shut down at the end. A notebook that declares another kernel, or sits in another
            folder, runs in a kernel of its own.

    Returns:
        One run per notebook.

    Raises:
        NotebookError: a cell raised (naming the notebook and the cell); BuildError otherwise.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    executed_dir.mkdir(parents=True, exist_ok=True)
    own = kernel is None
    runs: list[NotebookRun] = []
    try:
        kernel = kernel or start_kernel(notebooks)
        for number, notebook in enumerate(notebooks, start=1):
            executed = executed_dir / f"{notebook.stem}.ipynb"
            source: Any = str(notebook) if notebook.suffix == ".ipynb" else _read_notebook(notebook, nbformat)
            shared = kernel is not None and kernel.serves(notebook_kernel(notebook), notebook.parent)
            start = time.perf_counter()
            try:
                if shared:
                    kernel.ready_for_notebook()
                pm.execute_notebook(
                    source,
                    str(executed),
                    parameters=dict(parameters),
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    cwd=str(notebook.parent),
                    execution_timeout=execution_timeout,
                    **({"engine_name": ENGINE_NAME, "kernel": kernel} if shared else {"extra_arguments": list(KERNEL_ARGUMENTS)}),
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
    finally:
        if own and kernel is not None:
            kernel.shutdown()
    return runs
