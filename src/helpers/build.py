"""The build driver: notebooks -> executed notebooks -> rendered briefing -> a published edition.

`build(config)` runs, in order:

1. Take the build lock (`reports/.build.lock`, fcntl). A second build at the same time is refused with
   `BuildLocked` ("another build is running (pid …, started …)"); the CLI exits with `EXIT_LOCKED`.
2. Find the previous edition: the one with the greatest as_of strictly before this as_of.
3. Compute the input key: sha256 over the data files, the notebooks, the package source and assets,
   _quarto.yml, pyproject.toml (the pins), the parameters and the previous edition's key. If
   `reports/editions/<as_of>/` was built from the same key and its files are all there, stop:
   "unchanged: reusing edition …". This path imports nothing heavy (no pandas, altair, papermill).
4. Check the data (`helpers.validate.validate_data`); problems stop the build before any kernel starts.
5. Execute every notebook with papermill in ONE Python process, into `build/<as_of>/`, with the four
   parameters `as_of`, `data_dir`, `out_dir`, `previous_edition`. `out_dir` is a staging folder under
   reports/; the notebooks write their processed CSVs to `out_dir/processed/`. The injected-parameters
   cell is tagged `remove-cell` so renderers hide it (papermill issue 731).
6. Render the last executed notebook (the briefing) into the staging folder (`helpers.render`).
7. Write `manifest.json` (its `parameters` are exactly what the notebooks received, so `out_dir` names
   the staging folder that became the edition), move the staging folder to `reports/editions/<as_of>/` with os.replace, and,
   when this is the latest edition, replace `reports/briefing.html` and `.pdf` (each with os.replace).

Any failure before step 7 removes the staging folder and leaves every published file byte-identical.
The notebooks list, renderer and validator are fields of `BuildConfig`, so tests drive the same code
with tiny fixture notebooks and a fake renderer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import paths

# Exit codes of `run_build` (and so of `dev.py build`).
EXIT_OK: int = 0
EXIT_FAILED: int = 1
EXIT_USAGE: int = 2
EXIT_LOCKED: int = 75  # EX_TEMPFAIL: try again later

# Bump when the key's recipe changes, so old editions are not reused by mistake.
KEY_VERSION: int = 1
MANIFEST_NAME: str = "manifest.json"
HTML_NAME: str = "briefing.html"
PDF_NAME: str = "briefing.pdf"
PARAMETER_NAMES: tuple[str, ...] = ("as_of", "data_dir", "out_dir", "previous_edition")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Names skipped when hashing folders: caches and editor/OS litter, never inputs.
_SKIP_NAMES = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".DS_Store"}

Renderer = Callable[[Path, Path], Any]
"""render(executed_notebook, out_dir) -> object with `.html`, `.pdf` (paths) and `.renderer` (name)."""
Validator = Callable[[Path], Sequence[Any]]
"""validate(data_dir) -> problems (each printed with str()); empty when the data is fine."""


# --------------------------------------------------------------------------------------------------
# Errors and results
# --------------------------------------------------------------------------------------------------


class BuildError(Exception):
    """A build failed; the message says why. Nothing published was changed."""


class BuildLocked(BuildError):
    """Another build holds the lock."""

    def __init__(self, pid: str, started: str) -> None:
        self.pid = pid
        self.started = started
        super().__init__(f"another build is running (pid {pid}, started {started})")


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
class Edition:
    """One built edition: reports/editions/<as_of>/ and its manifest."""

    as_of: str
    path: Path
    manifest: dict[str, Any]

    @property
    def input_key(self) -> str:
        return str(self.manifest.get("input_key", ""))


@dataclass(frozen=True)
class BuildResult:
    as_of: str
    edition: Path
    reused: bool
    renderer: str
    seconds: float
    is_latest: bool


@dataclass(frozen=True)
class NotebookRun:
    name: str
    executed: Path
    seconds: float


def default_notebooks() -> tuple[Path, ...]:
    return tuple(paths.NOTEBOOKS_DIR / name for name in paths.NOTEBOOKS)


def default_renderer(executed_notebook: Path, out_dir: Path) -> Any:
    """helpers.render.render_briefing, imported only when a build really renders."""
    from helpers.render import render_briefing

    return render_briefing(executed_notebook, out_dir, stem=Path(HTML_NAME).stem)


def default_key_paths() -> tuple[Path, ...]:
    """The package (source and assets), the pins, and the Quarto project's files."""
    found = [paths.PACKAGE_DIR, paths.PYPROJECT, paths.QUARTO_CONFIG, *(paths.ROOT / f for f in paths.QUARTO_PROJECT_FILES)]
    unique: list[Path] = []
    for path in found:
        if path not in unique and not any(path.is_relative_to(p) for p in unique if p.is_dir()):
            unique.append(path)
    return tuple(unique)


@dataclass(frozen=True)
class BuildConfig:
    """Everything one build needs. Defaults come from helpers.paths."""

    as_of: str
    data_dir: Path = paths.DATA_DIR
    notebooks: tuple[Path, ...] = field(default_factory=default_notebooks)
    reports_dir: Path = paths.REPORTS_DIR
    build_dir: Path = paths.BUILD_DIR
    # Files and folders (besides data and notebooks) whose content changes the output.
    key_paths: tuple[Path, ...] = field(default_factory=default_key_paths)
    renderer: Renderer = default_renderer
    # None: notebook 01 validates (the step owns its check; validating twice cost ~1.5 s a build).
    validator: Validator | None = None
    force: bool = False
    execution_timeout: int | None = 900  # seconds per cell

    @property
    def editions_dir(self) -> Path:
        return self.reports_dir / "editions"

    @property
    def lock_path(self) -> Path:
        return self.reports_dir / ".build.lock"

    @property
    def published_html(self) -> Path:
        return self.reports_dir / HTML_NAME

    @property
    def published_pdf(self) -> Path:
        return self.reports_dir / PDF_NAME


# --------------------------------------------------------------------------------------------------
# Content hashing
# --------------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _tree_files(root: Path) -> list[Path]:
    """Files under root (or root itself), sorted, without caches, dot-files or compiled files."""
    if root.is_file():
        return [root]
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if d not in _SKIP_NAMES and not d.startswith(".") and not d.endswith(".egg-info")
        )
        for name in sorted(filenames):
            if name in _SKIP_NAMES or name.startswith(".") or name.endswith((".pyc", ".pyo")):
                continue
            found.append(Path(dirpath) / name)
    return found


def tree_digest(root: Path) -> str:
    """sha256 over (relative path, content sha256) of every file under root; "" when root is absent."""
    if not root.exists():
        return ""
    outer = hashlib.sha256()
    for path in _tree_files(root):
        rel = path.name if path == root else path.relative_to(root).as_posix()
        outer.update(f"{rel}\0{file_sha256(path)}\n".encode())
    return outer.hexdigest()


def data_checksum(data_dir: Path) -> str:
    """The data's fingerprint: any changed byte in any data file changes it."""
    if not data_dir.is_dir():
        raise BuildError(f"data folder not found: {data_dir}")
    return tree_digest(data_dir)


def input_key(config: BuildConfig, previous: Edition | None, data_sum: str | None = None) -> str:
    """The build's content key: equal keys mean the build would produce the same edition."""
    payload = {
        "key_version": KEY_VERSION,
        "parameters": {"as_of": config.as_of},
        "data": data_sum if data_sum is not None else data_checksum(config.data_dir),
        "notebooks": [[nb.name, file_sha256(nb)] for nb in config.notebooks],
        "code": [[p.name, tree_digest(p)] for p in config.key_paths],
        "previous_edition": None if previous is None else [previous.as_of, previous.input_key],
        # Quarto's arrival, or forcing a renderer, changes the output, so it must rebuild.
        "quarto": shutil.which("quarto") is not None,
        "renderer_env": os.environ.get("ISF_RENDERER", ""),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------------------------------
# Editions
# --------------------------------------------------------------------------------------------------


def check_as_of(as_of: str) -> str:
    """as_of must be an ISO date, YYYY-MM-DD; returns it unchanged."""
    try:
        if not _DATE_RE.match(as_of):
            raise ValueError
        dt.date.fromisoformat(as_of)
    except ValueError:
        raise BuildError(f"as_of must be a date written YYYY-MM-DD, got {as_of!r}") from None
    return as_of


def read_edition(path: Path) -> Edition | None:
    """The edition in `path`, or None when it is not a complete edition folder."""
    if not _DATE_RE.match(path.name):
        return None
    try:
        manifest = json.loads((path / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Edition(as_of=path.name, path=path, manifest=manifest)


def list_editions(editions_dir: Path) -> list[Edition]:
    """Every complete edition, oldest first."""
    if not editions_dir.is_dir():
        return []
    editions = (read_edition(p) for p in editions_dir.iterdir() if p.is_dir())
    return sorted((e for e in editions if e is not None), key=lambda e: e.as_of)


def previous_edition(editions_dir: Path, as_of: str) -> Edition | None:
    """The edition with the greatest as_of strictly before `as_of`."""
    earlier = [e for e in list_editions(editions_dir) if e.as_of < as_of]
    return earlier[-1] if earlier else None


def latest_edition(editions_dir: Path) -> Edition | None:
    editions = list_editions(editions_dir)
    return editions[-1] if editions else None


def edition_is_complete(edition: Edition) -> bool:
    """Every file the manifest lists is there, with its recorded size."""
    files = edition.manifest.get("files", {})
    if HTML_NAME not in files or PDF_NAME not in files:
        return False
    for rel, info in files.items():
        try:
            if (edition.path / rel).stat().st_size != info.get("bytes"):
                return False
        except OSError:
            return False
    return True


def _atomic_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.tmp-{os.getpid()}")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def publish_latest(config: BuildConfig) -> Edition | None:
    """Make reports/briefing.html and .pdf copies of the latest edition's; cheap when they already are."""
    latest = latest_edition(config.editions_dir)
    if latest is None:
        return None
    files = latest.manifest.get("files", {})
    for name, target in ((HTML_NAME, config.published_html), (PDF_NAME, config.published_pdf)):
        want = files.get(name, {}).get("sha256")
        if not target.exists() or file_sha256(target) != want:
            _atomic_copy(latest.path / name, target)
    return latest


# --------------------------------------------------------------------------------------------------
# The lock
# --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def build_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive fcntl lock for a build; raise BuildLocked at once if another process has it.

    The lock file records the holder's pid and start time for the refusal message. The kernel drops
    the lock when the holder dies, so a crashed build never blocks the next one.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder: dict[str, Any] = {}
            with contextlib.suppress(ValueError, OSError):
                holder = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
            raise BuildLocked(str(holder.get("pid", "unknown")), str(holder.get("started", "unknown"))) from None
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "started": started}).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------------
# Running notebooks
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------------------


def package_versions() -> dict[str, str | None]:
    """Installed versions of the project and everything it pins (main and extras)."""
    from importlib import metadata

    names = ["isf-briefing"]
    with contextlib.suppress(metadata.PackageNotFoundError):
        for req in metadata.requires("isf-briefing") or []:
            match = re.match(r"[A-Za-z0-9_.\-]+", req)
            if match and match.group(0) not in names:
                names.append(match.group(0))
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def files_listing(folder: Path) -> dict[str, dict[str, Any]]:
    """{relative path: {sha256, bytes}} for every file in an edition folder but the manifest."""
    return {
        path.relative_to(folder).as_posix(): {"sha256": file_sha256(path), "bytes": path.stat().st_size}
        for path in _tree_files(folder)
        if path.name != MANIFEST_NAME
    }


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    target = folder / MANIFEST_NAME
    target.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------------


def clean_leftovers(config: BuildConfig) -> None:
    """Under the lock: drop staging folders of crashed builds; restore an edition a crash left aside."""
    if not config.reports_dir.is_dir():
        return
    for path in config.reports_dir.iterdir():
        if path.name.startswith(".staging-"):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith((f".{HTML_NAME}.tmp-", f".{PDF_NAME}.tmp-")):
            path.unlink(missing_ok=True)
        elif path.name.startswith(".old-"):
            as_of = path.name.split("-", 1)[1][:10]
            final = config.editions_dir / as_of
            if not final.exists() and _DATE_RE.match(as_of):
                os.replace(path, final)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _publish_edition(staging: Path, config: BuildConfig) -> Path:
    """Move the staging folder to editions/<as_of>, replacing an older build of the same date."""
    config.editions_dir.mkdir(parents=True, exist_ok=True)
    final = config.editions_dir / config.as_of
    aside: Path | None = None
    if final.exists():
        aside = config.reports_dir / f".old-{config.as_of}-{os.getpid()}"
        os.replace(final, aside)
    try:
        os.replace(staging, final)
    except BaseException:
        if aside is not None:
            os.replace(aside, final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return final


def _render(config: BuildConfig, executed: Path, staging: Path) -> str:
    # helpers.render prints the one line saying which renderer ran and how to get Quarto.
    try:
        result = config.renderer(executed, staging)
    except Exception as exc:
        raise BuildError(f"rendering {executed.name} failed: {type(exc).__name__}: {exc}") from exc
    renderer = str(getattr(result, "renderer", "unknown"))
    for attr, name in (("html", HTML_NAME), ("pdf", PDF_NAME)):
        produced = Path(getattr(result, attr, None) or staging / name)
        if not produced.is_file() or produced.stat().st_size == 0:
            raise BuildError(f"renderer {renderer!r} did not produce {name} (looked for {produced})")
        if produced.resolve() != (staging / name).resolve():
            if produced.resolve().is_relative_to(staging.resolve()):
                os.replace(produced, staging / name)  # a custom renderer that named its files otherwise
            else:
                shutil.copyfile(produced, staging / name)
    return renderer


def _check_data(config: BuildConfig) -> None:
    """Stop before any kernel starts when the validator finds problems (each printed on its own line)."""
    if config.validator is None:
        return
    try:
        problems = list(config.validator(config.data_dir))
    except Exception as exc:
        raise BuildError(f"checking the data in {config.data_dir} failed: {type(exc).__name__}: {exc}") from exc
    if problems:
        for problem in problems:
            print(str(problem), file=sys.stderr, flush=True)
        raise BuildError(f"the data in {config.data_dir} has {len(problems)} problem(s); see above")


def _manifest(
    config: BuildConfig,
    parameters: Mapping[str, str],
    previous: Edition | None,
    key: str,
    data_sum: str,
    runs: Sequence[NotebookRun],
    renderer: str,
    staging: Path,
    started: float,
) -> dict[str, Any]:
    return {
        "as_of": config.as_of,
        "parameters": dict(parameters),
        "previous_edition": previous.as_of if previous else "",
        "previous_input_key": previous.input_key if previous else "",
        "input_key": key,
        "data_checksum": data_sum,
        "notebooks": [
            {"name": nb.name, "sha256": file_sha256(nb), "seconds": round(run.seconds, 3), "executed": str(run.executed)}
            for nb, run in zip(config.notebooks, runs, strict=True)
        ],
        "renderer": renderer,
        "quarto": shutil.which("quarto"),
        "python": platform.python_version(),
        "package_versions": package_versions(),
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 3),
        "files": files_listing(staging),
    }


def _make_edition(config: BuildConfig, previous: Edition | None, key: str, data_sum: str, started: float) -> tuple[Path, str]:
    """Run, render and record in a staging folder, then move it into editions/. Returns (edition, renderer)."""
    from helpers.kernelspec import ensure_kernelspec

    ensure_kernelspec()  # for notebooks that declare the `isf-briefing` kernel
    staging = config.reports_dir / f".staging-{config.as_of}-{os.getpid()}"
    executed_dir = config.build_dir / config.as_of
    shutil.rmtree(executed_dir, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        parameters = {
            "as_of": config.as_of,
            "data_dir": str(config.data_dir),
            "out_dir": str(staging),
            "previous_edition": "" if previous is None else str(previous.path),
        }
        print(f"building edition {config.as_of} (previous: {previous.as_of if previous else 'none'})", flush=True)
        runs = execute_notebooks(config.notebooks, parameters, executed_dir, config.execution_timeout)
        renderer = _render(config, runs[-1].executed, staging)
        write_manifest(staging, _manifest(config, parameters, previous, key, data_sum, runs, renderer, staging, started))
        return _publish_edition(staging, config), renderer
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def build(config: BuildConfig) -> BuildResult:
    """Build (or reuse) the edition for config.as_of and publish it if it is the latest. See module doc."""
    started = time.perf_counter()
    check_as_of(config.as_of)
    if not config.notebooks:
        raise BuildError("no notebooks to run")
    missing = [nb for nb in config.notebooks if not nb.is_file()]
    if missing:
        raise BuildError("notebook not found: " + ", ".join(str(p) for p in missing))

    with build_lock(config.lock_path):
        clean_leftovers(config)
        previous = previous_edition(config.editions_dir, config.as_of)
        data_sum = data_checksum(config.data_dir)
        key = input_key(config, previous, data_sum)

        existing = read_edition(config.editions_dir / config.as_of)
        if not config.force and existing is not None and existing.input_key == key and edition_is_complete(existing):
            latest = publish_latest(config)
            print(f"unchanged: reusing edition {existing.path} (key {key[:12]})", flush=True)
            return BuildResult(
                as_of=config.as_of,
                edition=existing.path,
                reused=True,
                renderer=str(existing.manifest.get("renderer", "")),
                seconds=time.perf_counter() - started,
                is_latest=latest is not None and latest.as_of == config.as_of,
            )

        _check_data(config)
        edition, renderer = _make_edition(config, previous, key, data_sum, started)
        latest = publish_latest(config)

    is_latest = latest is not None and latest.as_of == config.as_of
    seconds = time.perf_counter() - started
    if is_latest:
        where = f"published {config.published_html} and {config.published_pdf.name}"
    else:
        where = f"not the latest edition ({latest.as_of if latest else '?'}), so the published briefing is unchanged"
    print(f"built edition {edition} in {seconds:.1f} s; {where}", flush=True)
    return BuildResult(
        as_of=config.as_of, edition=edition, reused=False, renderer=renderer, seconds=seconds, is_latest=is_latest
    )


def run_build(config: BuildConfig) -> int:
    """build() for the CLI: prints the reason on failure and returns an exit code."""
    try:
        build(config)
    except BuildLocked as exc:
        print(f"build refused: {exc}", file=sys.stderr, flush=True)
        return EXIT_LOCKED
    except NotebookError as exc:
        print(f"build failed: {exc}", file=sys.stderr, flush=True)
        if exc.traceback_tail:
            print("  " + "\n  ".join(exc.traceback_tail), file=sys.stderr, flush=True)
        print("the published briefing and editions are unchanged", file=sys.stderr, flush=True)
        return EXIT_FAILED
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr, flush=True)
        print("the published briefing and editions are unchanged", file=sys.stderr, flush=True)
        return EXIT_FAILED
    return EXIT_OK
