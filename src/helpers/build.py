"""The build driver: notebooks -> executed notebooks -> rendered briefing -> a new edition.

`build(config)` runs, in order:

1. Refuse an `as_of` that is not a date or is after today. Take the build lock (`helpers.lock`): a
   second build at the same time is refused with `BuildLocked`; the CLI exits with `EXIT_LOCKED`.
2. Read the archive (`helpers.editions.scan_editions`). The previous edition is the current edition
   (highest revision) of the greatest date before as_of; a broken one there stops the build.
3. Compute the input key: sha256 over the data, the source texts (`sources_dir`), the notebooks, the
   package, _quarto.yml, pyproject.toml, the parameters and the previous edition's key. If that date's
   current edition was built from the same key and is complete: "unchanged: reusing edition …" (this
   path imports nothing heavy). Published editions are immutable: if it was built from another key the
   build is refused unless `revise` is set, which writes revision n, `editions/<as_of>-r<n>/`, beside it.
4. Check the data with `config.validator` (the CLI passes `validate_data`) before any kernel starts.
5. Write `edition.json` (revision, quotes checked…) and `claims_index.json` (a content hash per claim)
   into a staging folder under reports/, then execute every notebook with papermill in ONE Python
   process, into `build/<as_of>/`, with the parameters `as_of`, `data_dir`, `out_dir` (the staging
   folder) and `previous_edition`. The kernel sees `ISF_SOURCES_DIR` = `config.sources_dir`.
6. Render the briefing (the last notebook) into the staging folder.
7. Write `manifest.json`, move the staging folder into editions/ (`helpers.atomic.move_dir`, safe across
   file systems) and, when it is the latest edition, replace reports/briefing.html and .pdf.

Any failure (an error, a full or read-only disk, Ctrl-C) removes the staging folder, leaves every
published file byte-identical and ends with one line (`run_build`). The notebooks list, renderer and
validator are fields of `BuildConfig`, so tests drive the same code with fixture notebooks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
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
from helpers.atomic import copy_file, move_dir
from helpers.editions import (  # noqa: F401  (re-exported: publishing and tests import them from here)
    EDITION_INFO_NAME,
    HTML_NAME,
    PDF_NAME,
    BrokenEdition,
    Edition,
    EditionError,
    EditionScan,
    check_as_of,
    edition_is_complete,
    folder_name,
    latest_edition,
    list_editions,
    parse_folder_name,
    previous_edition,
    read_edition,
    read_edition_info,
    scan_editions,
)
from helpers.errors import BuildError
from helpers.lock import BuildLocked, build_lock  # noqa: F401
from helpers.manifest import (  # noqa: F401
    CLAIMS_INDEX_NAME,
    MANIFEST_NAME,
    ManifestError,
    claim_hashes,
    file_sha256,
    files_listing,
    package_versions,
    read_claim_hashes,
    row_sha256,
    tree_digest,
    write_claims_index,
    write_json,
    write_manifest,
)

# Exit codes of `run_build` (and so of `dev.py build`).
EXIT_OK: int = 0
EXIT_FAILED: int = 1
EXIT_USAGE: int = 2
EXIT_LOCKED: int = 75  # EX_TEMPFAIL: try again later
EXIT_INTERRUPTED: int = 130  # 128 + SIGINT, what shells report for Ctrl-C

# Bump when the key's recipe changes, so old editions are not reused by mistake (2: source texts).
KEY_VERSION: int = 2
PARAMETER_NAMES: tuple[str, ...] = ("as_of", "data_dir", "out_dir", "previous_edition")
UNCHANGED_NOTE: str = "the published briefing and editions are unchanged"

_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

Renderer = Callable[[Path, Path], Any]
"""render(executed_notebook, out_dir) -> object with `.html`, `.pdf` (paths) and `.renderer` (name)."""
Validator = Callable[[Path], Sequence[Any]]
"""validate(data_dir) -> problems (each printed with str()); empty when the data is fine."""


# --------------------------------------------------------------------------------------------------
# Errors and results
# --------------------------------------------------------------------------------------------------


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
class BuildResult:
    as_of: str
    edition: Path
    reused: bool
    renderer: str
    seconds: float
    is_latest: bool
    revision: int = 0


@dataclass(frozen=True)
class NotebookRun:
    name: str
    executed: Path
    seconds: float


def default_notebooks() -> tuple[Path, ...]:
    return tuple(paths.NOTEBOOKS_DIR / name for name in paths.NOTEBOOKS)


def default_renderer(executed_notebook: Path, out_dir: Path) -> Any:
    """helpers.render.render_briefing, imported only when a build really renders; it writes briefing.html/.pdf."""
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


def default_sources_dir() -> Path:
    """ISF_SOURCES_DIR as it is when the config is made (tests and schedulers set it late), else paths.SOURCES_DIR."""
    return Path(os.environ.get("ISF_SOURCES_DIR") or paths.SOURCES_DIR)


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
    # None: notebook 01 validates; the CLI passes validate_data so problems stop the build before any kernel.
    validator: Validator | None = None
    force: bool = False
    # Rebuilding a published date from changed inputs writes a new revision only when asked.
    revise: bool = False
    # Why the revision was made, for the page and the editions list ("S004 re-dated to 19 Nov").
    revision_note: str = ""
    execution_timeout: int | None = 900  # seconds per cell
    # The news reports quotes are checked against; hashed into the key. Absent: quotes go unchecked.
    sources_dir: Path = field(default_factory=default_sources_dir)
    # as_of may not be after this date; None: the local date today.
    today: dt.date | None = None

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

    @property
    def quotes_checked(self) -> bool:
        return self.sources_dir.is_dir()


# --------------------------------------------------------------------------------------------------
# The input key
# --------------------------------------------------------------------------------------------------


def data_checksum(data_dir: Path) -> str:
    """The data's fingerprint: any changed byte in any data file changes it."""
    if not data_dir.is_dir():
        raise BuildError(f"data folder not found: {data_dir}")
    return tree_digest(data_dir)


def sources_checksum(sources_dir: Path) -> str | None:
    """The source texts' fingerprint; None when the folder is absent (quotes cannot be checked)."""
    return tree_digest(sources_dir) if sources_dir.is_dir() else None


def input_key(config: BuildConfig, previous: Edition | None, data_sum: str | None = None) -> str:
    """The build's content key: equal keys mean the build would produce the same edition."""
    payload = {
        "key_version": KEY_VERSION,
        "parameters": {"as_of": config.as_of},
        "data": data_sum if data_sum is not None else data_checksum(config.data_dir),
        # A changed report text can make a quote false: it must rebuild (and re-validate).
        "sources": sources_checksum(config.sources_dir),
        "notebooks": [[nb.name, file_sha256(nb)] for nb in config.notebooks],
        "code": [[p.name, tree_digest(p)] for p in config.key_paths],
        "previous_edition": None if previous is None else [previous.name, previous.input_key],
        # Quarto's arrival, or forcing a renderer, changes the output, so it must rebuild.
        "quarto": shutil.which("quarto") is not None,
        "renderer_env": os.environ.get("ISF_RENDERER", ""),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


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
# The build
# --------------------------------------------------------------------------------------------------


def clean_leftovers(config: BuildConfig) -> None:
    """Under the lock: drop staging and half-copied folders of crashed builds; restore an edition a crash left aside."""
    for folder in (config.reports_dir, config.editions_dir):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.startswith((".staging-", ".incoming-")):
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith((f".{HTML_NAME}.tmp-", f".{PDF_NAME}.tmp-")):
                path.unlink(missing_ok=True)
            elif path.name.startswith(".old-"):
                name = path.name[len(".old-"):].rsplit("-", 1)[0]
                final = config.editions_dir / name
                if parse_folder_name(name) and not final.exists():
                    config.editions_dir.mkdir(parents=True, exist_ok=True)
                    move_dir(path, final)
                else:
                    shutil.rmtree(path, ignore_errors=True)


def _publish_edition(staging: Path, final: Path) -> Path:
    """Move the staging folder to ``final``; an existing folder there (same inputs, --force) is set aside first."""
    final.parent.mkdir(parents=True, exist_ok=True)
    aside: Path | None = None
    if final.exists():
        aside = final.parent / f".old-{final.name}-{os.getpid()}"
        os.replace(final, aside)  # same folder: a plain rename
    try:
        move_dir(staging, final)
    except BaseException:
        if aside is not None:
            os.replace(aside, final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return final


def publish_latest(config: BuildConfig, scan: EditionScan | None = None) -> Edition | None:
    """Make reports/briefing.html and .pdf copies of the latest edition's; cheap when they already are.

    When the latest date's current edition has a broken manifest nothing is published (an older one must
    never replace what readers see); a line says so.
    """
    scan = scan or scan_editions(config.editions_dir)
    latest = scan.latest()
    if latest is None:
        return None
    if isinstance(latest, BrokenEdition):
        print(f"not publishing: the latest edition {latest.name} is broken ({latest.reason}); run `editions`", file=sys.stderr, flush=True)
        return None
    files = latest.manifest.get("files", {})
    for name, target in ((HTML_NAME, config.published_html), (PDF_NAME, config.published_pdf)):
        want = files.get(name, {}).get("sha256")
        if not target.exists() or file_sha256(target) != want:
            copy_file(latest.path / name, target)
    return latest


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
        # A renderer that names its outputs briefing.* (render_briefing(..., stem="briefing")) needs nothing more.
        if produced.resolve() != (staging / name).resolve():
            if produced.resolve().is_relative_to(staging.resolve()):
                os.replace(produced, staging / name)  # a custom renderer that named its files otherwise
            else:
                shutil.copyfile(produced, staging / name)
    return renderer


def _check_data(config: BuildConfig) -> None:
    """Stop before any kernel starts when the validator finds problems (each printed once, on its own line)."""
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


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the kernels this process starts; restore them afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@dataclass(frozen=True)
class _Plan:
    """Where this build goes and what it records about itself."""

    previous: Edition | None
    key: str
    data_sum: str
    sources_sum: str | None
    final: Path
    revision: int
    revises: str


def _manifest(config: BuildConfig, plan: _Plan, parameters: Mapping[str, str], runs: Sequence[NotebookRun],
              renderer: str, staging: Path, started: float) -> dict[str, Any]:
    return {
        "as_of": config.as_of,
        "revision": plan.revision,
        "revised": plan.revision > 0,
        "revises": plan.revises,
        "revision_note": config.revision_note if plan.revision > 0 else "",
        "parameters": dict(parameters),
        "previous_edition": plan.previous.name if plan.previous else "",
        "previous_input_key": plan.previous.input_key if plan.previous else "",
        "input_key": plan.key,
        "data_checksum": plan.data_sum,
        "sources_dir": str(config.sources_dir),
        "sources_checksum": plan.sources_sum or "",
        "quotes_checked": plan.sources_sum is not None,
        "claims_index": CLAIMS_INDEX_NAME,
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


def _edition_info(config: BuildConfig, plan: _Plan) -> dict[str, Any]:
    """edition.json: what the notebooks may tell the reader about this edition (read with read_edition_info)."""
    return {
        "as_of": config.as_of,
        "revision": plan.revision,
        "revises": plan.revises,
        "revision_note": config.revision_note if plan.revision > 0 else "",
        "previous_edition": plan.previous.name if plan.previous else "",
        "quotes_checked": plan.sources_sum is not None,
        "sources_dir": str(config.sources_dir),
        # the data was checked before any kernel started: notebook 01 need not check it again
        "validated": config.validator is not None,
    }


def _make_edition(config: BuildConfig, plan: _Plan, started: float) -> str:
    """Record, run, render and manifest in a staging folder, then move it to plan.final. Returns the renderer."""
    from helpers.kernelspec import ensure_kernelspec
    from helpers.validate import CLAIM_TABLES

    ensure_kernelspec()  # for notebooks that declare the `isf-briefing` kernel
    staging = config.reports_dir / f".staging-{plan.final.name}-{os.getpid()}"
    executed_dir = config.build_dir / config.as_of
    shutil.rmtree(executed_dir, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        write_json(staging / EDITION_INFO_NAME, _edition_info(config, plan))
        write_claims_index(staging, config.as_of, claim_hashes(config.data_dir / "curated", config.as_of, CLAIM_TABLES))
        parameters = {
            "as_of": config.as_of,
            "data_dir": str(config.data_dir),
            "out_dir": str(staging),
            "previous_edition": "" if plan.previous is None else str(plan.previous.path),
        }
        what = f"revision {plan.revision} of edition" if plan.revision > 0 else "edition"
        print(f"building {what} {config.as_of} (previous: {plan.previous.name if plan.previous else 'none'})", flush=True)
        with _environ(ISF_SOURCES_DIR=str(config.sources_dir)):
            runs = execute_notebooks(config.notebooks, parameters, executed_dir, config.execution_timeout)
        renderer = _render(config, runs[-1].executed, staging)
        write_manifest(staging, _manifest(config, plan, parameters, runs, renderer, staging, started))
        _publish_edition(staging, plan.final)
        return renderer
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _plan(config: BuildConfig, scan: EditionScan) -> _Plan | Edition:
    """Decide where this build goes; returns the existing Edition when it can be reused as it is.

    Raises:
        EditionError: the date is published from other inputs (and `revise` is not set), or the previous
            or this date's edition is broken.
    """
    previous = scan.previous(config.as_of)
    data_sum = data_checksum(config.data_dir)
    key = input_key(config, previous, data_sum)
    current = scan.current_for(config.as_of)
    final = config.editions_dir / config.as_of
    revision, revises = 0, ""
    if isinstance(current, Edition) and current.input_key == key:
        if not config.force and edition_is_complete(current):
            return current
        final, revision, revises = current.path, current.revision, str(current.manifest.get("revises", ""))
    elif current is not None:
        why = f"is broken ({current.reason})" if isinstance(current, BrokenEdition) else "was built from other inputs (data, source texts, code or the previous edition changed)"
        if not config.revise:
            raise EditionError(
                f"edition {current.name} {why}; published editions are not rewritten: "
                f"add --revise to keep it and build revision {scan.next_revision(config.as_of)} beside it"
            )
        revision, revises = scan.next_revision(config.as_of), current.name
        final = config.editions_dir / folder_name(config.as_of, revision)
    return _Plan(previous, key, data_sum, sources_checksum(config.sources_dir), final, revision, revises)


def build(config: BuildConfig) -> BuildResult:
    """Build (or reuse) the edition for config.as_of and publish it if it is the latest. See module doc."""
    started = time.perf_counter()
    check_as_of(config.as_of, config.today or dt.date.today())
    if not config.notebooks:
        raise BuildError("no notebooks to run")
    missing = [nb for nb in config.notebooks if not nb.is_file()]
    if missing:
        raise BuildError("notebook not found: " + ", ".join(str(p) for p in missing))

    with build_lock(config.lock_path):
        clean_leftovers(config)
        plan = _plan(config, scan_editions(config.editions_dir))
        if isinstance(plan, Edition):
            latest = publish_latest(config)
            print(f"unchanged: reusing edition {plan.path} (key {plan.input_key[:12]})", flush=True)
            return BuildResult(
                as_of=config.as_of, edition=plan.path, reused=True, renderer=str(plan.manifest.get("renderer", "")),
                seconds=time.perf_counter() - started, is_latest=latest is not None and latest.path == plan.path,
                revision=plan.revision,
            )
        if plan.sources_sum is None:
            print(f"quotes not checked: no source texts in {config.sources_dir} (the manifest records quotes_checked: false)", flush=True)
        _check_data(config)
        renderer = _make_edition(config, plan, started)
        latest = publish_latest(config)

    is_latest = latest is not None and latest.path == plan.final
    seconds = time.perf_counter() - started
    if is_latest:
        where = f"published {config.published_html} and {config.published_pdf.name}"
    else:
        where = f"not the latest edition ({latest.name if latest else '?'}), so the published briefing is unchanged"
    print(f"built edition {plan.final} in {seconds:.1f} s; {where}", flush=True)
    return BuildResult(as_of=config.as_of, edition=plan.final, reused=False, renderer=renderer, seconds=seconds,
                       is_latest=is_latest, revision=plan.revision)


def _fail_note(code: int) -> int:
    print(UNCHANGED_NOTE, file=sys.stderr, flush=True)
    return code


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr, flush=True)
    return code if code == EXIT_LOCKED else _fail_note(code)


def run_build(config: BuildConfig) -> int:
    """build() for the CLI: every failure ends with one line (and the unchanged note) and an exit code."""
    try:
        build(config)
    except BuildLocked as exc:
        return _fail(f"build refused: {exc}", EXIT_LOCKED)
    except NotebookError as exc:
        if exc.ename == "KeyboardInterrupt":  # Ctrl-C reached the kernel first
            return _fail("build interrupted (Ctrl-C); the staging folder was removed", EXIT_INTERRUPTED)
        print(f"build failed: {exc}", file=sys.stderr, flush=True)
        if exc.traceback_tail:
            print("  " + "\n  ".join(exc.traceback_tail), file=sys.stderr, flush=True)
        return _fail_note(EXIT_FAILED)
    except BuildError as exc:
        return _fail(f"build failed: {exc}", EXIT_FAILED)
    except OSError as exc:  # read-only or full disk, a folder that vanished…
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(f"build failed: {exc.strerror or exc}{where}", EXIT_FAILED)
    except KeyboardInterrupt:
        return _fail("build interrupted (Ctrl-C); the staging folder was removed", EXIT_INTERRUPTED)
    return EXIT_OK

