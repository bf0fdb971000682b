"""The build driver: notebooks -> executed notebooks -> rendered briefing -> a draft edition.

Drafts until published. `build(config)` makes or replaces the **draft** of a date,
`reports/drafts/<as_of>/`, as often as asked; `publish` (helpers.publish.site) freezes drafts into
`reports/editions/`, and no command here ever writes there. In order:

1. Refuse an `as_of` that is not a date or is after today. Take the build lock (`helpers.publish.lock`): a
   second build at the same time is refused with `BuildLocked`; the CLI exits with `EXIT_LOCKED`.
2. Read the drafts and published editions (`helpers.publish.editions.Editions`). With `if_changed` (what a
   scheduler runs) stop with "nothing new" when the data is the one the latest published edition was
   built from, or when today's edition is already published.
3. Compute the input key: sha256 over the data, the source texts, the notebooks, the package,
   _quarto.yml, pyproject.toml, the parameters and the previous edition's key. The previous edition is
   the current folder of the latest date before as_of (the last published edition, or an earlier draft
   that will be published with it). A draft (or published edition) of that date with the same key is
   reused: "unchanged: …" (this path imports nothing heavy).
4. Otherwise check the data with `config.validator` first, so a bad cell is named before anything else
   is said; then check the quotes: against the report texts when `sources_dir` holds them, else against
   the quote-verification record (`helpers.data.quotes`), which fails the build for a quote added or edited
   since it was written.
5. A published date is never rebuilt: its claims unchanged, there is nothing to do; a claim corrected,
   the build stops and names `correct`. A date before the latest published one is refused (it could
   never be published in order).
6. Write `edition.json` and `claims_index.json` into a staging folder under reports/, execute every
   notebook with papermill in ONE Python process, into `build/<as_of>/`, with the parameters `as_of`,
   `data_dir`, `out_dir` (the staging folder) and `previous_edition`; render the briefing; write
   `manifest.json`; swap the staging folder in as the draft; refresh reports/briefing.html and .pdf
   (copies of the newest draft or edition).

`correct(config)` makes one revision draft per published edition that reports a corrected claim
(`<as_of>-r<n>`): it compares with the same previous edition as the one it revises, and its
`edition.json` names the revised folder so its corrections are listed against it.

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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.publish.atomic import copy_file, move_dir, remove_tree
from helpers.publish.editions import (  # noqa: F401  (re-exported: publishing and tests import them from here)
    DRAFTS_FOLDER,
    EDITION_INFO_NAME,
    PUBLISHED_FOLDER,
    Editions,
    corrected_claims,
    HTML_NAME,
    PDF_NAME,
    BrokenEdition,
    Edition,
    EditionError,
    EditionScan,
    check_as_of,
    Folder,
    edition_is_complete,
    folder_name,
    load_edition,
    parse_folder_name,
    previous_edition,
    read_edition,
    read_edition_info,
    repair_broken,
    scan_editions,
)
from helpers.publish.errors import BuildError
from helpers.publish.lock import BuildLocked, build_lock  # noqa: F401
from helpers.publish.manifest import (  # noqa: F401
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

# Bump when the key's recipe changes, so old editions are not reused by mistake (2: source texts; 3: the
# quote-verification record and what a revision revises).
KEY_VERSION: int = 3
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
    """What a build did. `edition` is the draft (or the reused draft or published edition); `built` is False
    when nothing was built (reused, nothing new, or a published date whose claims are unchanged)."""

    as_of: str
    edition: Path | None
    reused: bool
    renderer: str
    seconds: float
    is_latest: bool
    revision: int = 0
    built: bool = True
    draft: bool = True


@dataclass(frozen=True)
class NotebookRun:
    name: str
    executed: Path
    seconds: float


def default_notebooks() -> tuple[Path, ...]:
    return tuple(paths.NOTEBOOKS_DIR / name for name in paths.NOTEBOOKS)


def default_renderer(executed_notebook: Path, out_dir: Path) -> Any:
    """helpers.publish.render.render_briefing, imported only when a build really renders; it writes briefing.html/.pdf."""
    from helpers.publish.render import render_briefing

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
    # What a scheduler runs: build only when the data changed since the latest published edition.
    if_changed: bool = False
    # Why a correction is made (`correct`), shown with each revision ("S004 re-dated to 19 Nov").
    revision_note: str = ""
    execution_timeout: int | None = 900  # seconds per cell
    # The news reports quotes are checked against; hashed into the key. Absent: quotes go unchecked.
    sources_dir: Path = field(default_factory=default_sources_dir)
    # as_of may not be after this date; None: the local date today.
    today: dt.date | None = None

    @property
    def editions_dir(self) -> Path:
        """The published editions' local copies (only `publish` writes here)."""
        return self.reports_dir / PUBLISHED_FOLDER

    @property
    def drafts_dir(self) -> Path:
        return self.reports_dir / DRAFTS_FOLDER

    @property
    def lock_path(self) -> Path:
        return self.reports_dir / ".build.lock"

    @property
    def published_html(self) -> Path:
        return self.reports_dir / HTML_NAME

    @property
    def published_pdf(self) -> Path:
        return self.reports_dir / PDF_NAME

    def scan(self) -> Editions:
        return Editions(scan_editions(self.editions_dir), scan_editions(self.drafts_dir))


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


def input_key(config: BuildConfig, previous: Edition | None, data_sum: str | None = None, revises: str = "") -> str:
    """The build's content key: equal keys mean the build would produce the same edition."""
    payload = {
        "key_version": KEY_VERSION,
        "parameters": {"as_of": config.as_of},
        "revises": [revises, config.revision_note] if revises else None,
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
    """Under the lock: drop staging and half-copied folders of crashed builds, publishes and restores;
    put back a draft a crash left aside."""
    for folder in (config.reports_dir, config.drafts_dir, config.editions_dir):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.startswith((".staging-", ".incoming-", ".restore-")):
                remove_tree(path)
            elif path.name.startswith((f".{HTML_NAME}.tmp-", f".{PDF_NAME}.tmp-")):
                path.unlink(missing_ok=True)
            elif path.name.startswith(".old-"):
                name = path.name[len(".old-"):].rsplit("-", 1)[0]
                final = folder / name
                if parse_folder_name(name) and not final.exists():
                    os.replace(path, final)
                else:
                    remove_tree(path)


def _replace_draft(staging: Path, final: Path) -> Path:
    """Move the staging folder to the draft folder ``final``; an older draft there is set aside first."""
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
        remove_tree(aside)
    return final


def publish_latest(config: BuildConfig, editions: Editions | None = None) -> Edition | None:
    """Make reports/briefing.html and .pdf copies of the newest draft or edition's; cheap when they already are.

    When the newest folder's manifest is broken nothing is copied (an older one must never replace what
    the reader of reports/ sees); a line says so.
    """
    editions = editions or config.scan()
    latest = editions.latest()
    if latest is None:
        return None
    if isinstance(latest, BrokenEdition):
        print(f"not copying to {config.published_html.name}: the latest edition {latest.name} is broken ({latest.reason}); run `editions`",
              file=sys.stderr, flush=True)
        return None
    files = latest.manifest.get("files", {})
    for name, target in ((HTML_NAME, config.published_html), (PDF_NAME, config.published_pdf)):
        want = files.get(name, {}).get("sha256")
        if not target.exists() or file_sha256(target) != want:
            copy_file(latest.path / name, target)
    return latest


def _render(config: BuildConfig, executed: Path, staging: Path) -> str:
    # helpers.publish.render prints the one line saying which renderer ran and how to get Quarto.
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
    """Stop before anything else when the validator finds problems (each printed once, on its own line)."""
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


@dataclass(frozen=True)
class QuoteCheck:
    """How this build's quotes were checked: "reports" (against the texts), "record" (against the
    quote-verification record, verified against the reports on `verified_on`) or "none"."""

    how: str
    verified_on: str = ""

    def info(self) -> dict[str, Any]:
        return {"quotes_checked": self.how != "none", "quotes": {"how": self.how, "verified_on": self.verified_on}}


def check_quotes(config: BuildConfig) -> QuoteCheck:
    """Check the quotes the way this machine can, and say so in one line.

    With the report texts, the validator has checked every quote; a stale record gets a note (builds
    without the texts would fail). Without them, every quote must match the quote-verification record.

    Raises:
        BuildError: a quote added or edited since the record was written (one line saying what to run).
    """
    from helpers.data.quotes import check_record, record_path, unverified_line
    from helpers.data.datapackage import CLAIM_TABLES

    try:
        check = check_record(config.data_dir, CLAIM_TABLES)
    except ValueError as exc:
        if config.sources_dir.is_dir():
            print(f"note: {exc}", flush=True)
            return QuoteCheck("reports")
        raise BuildError(str(exc)) from None
    if config.sources_dir.is_dir():
        if check is not None and not check.ok:
            print(f"note: {record_path(config.data_dir)} is out of date ({len(check.unverified)} quote(s) added or edited since "
                  f"{check.verified_on}); run `python3 dev.py validate` and commit it, or builds without the report texts will stop",
                  flush=True)
        return QuoteCheck("reports")
    if check is None:
        print(f"quotes not checked: no source texts in {config.sources_dir} and no {record_path(config.data_dir).name} "
              "(the manifest records quotes_checked: false)", flush=True)
        return QuoteCheck("none")
    if check.unverified:
        raise BuildError(unverified_line(check, config.data_dir))
    print(f"quotes verified against the reports on {check.verified_on} ({record_path(config.data_dir).name}: "
          f"{check.checked} quotes unchanged since; the report texts are not in {config.sources_dir})", flush=True)
    return QuoteCheck("record", check.verified_on)


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
    revision: int = 0
    revises: Edition | None = None
    corrected: tuple[str, ...] = ()


def _manifest(config: BuildConfig, plan: _Plan, quotes: QuoteCheck, parameters: Mapping[str, str],
              runs: Sequence[NotebookRun], renderer: str, staging: Path, started: float) -> dict[str, Any]:
    return {
        "as_of": config.as_of,
        "revision": plan.revision,
        "revised": plan.revision > 0,
        "revises": plan.revises.name if plan.revises else "",
        "revision_note": config.revision_note if plan.revision > 0 else "",
        "corrected_claims": list(plan.corrected),
        "parameters": dict(parameters),
        "previous_edition": plan.previous.name if plan.previous else "",
        "previous_input_key": plan.previous.input_key if plan.previous else "",
        "input_key": plan.key,
        "data_checksum": plan.data_sum,
        "sources_dir": str(config.sources_dir),
        "sources_checksum": plan.sources_sum or "",
        **quotes.info(),
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


def _edition_info(config: BuildConfig, plan: _Plan, quotes: QuoteCheck) -> dict[str, Any]:
    """edition.json: what the notebooks may tell the reader about this edition (read with read_edition_info)."""
    return {
        "as_of": config.as_of,
        "revision": plan.revision,
        "revises": plan.revises.name if plan.revises else "",
        # the edition it corrects, so notebook 02 lists the corrections against it
        "revises_path": str(plan.revises.path) if plan.revises else "",
        "revision_note": config.revision_note if plan.revision > 0 else "",
        "corrected_claims": list(plan.corrected),
        "previous_edition": plan.previous.name if plan.previous else "",
        **quotes.info(),
        "sources_dir": str(config.sources_dir),
        # the data was checked before any kernel started: notebook 01 need not check it again
        "validated": config.validator is not None,
    }


def _make_edition(config: BuildConfig, plan: _Plan, quotes: QuoteCheck, started: float) -> str:
    """Record, run, render and manifest in a staging folder, then swap it in as the draft. Returns the renderer."""
    from helpers.publish.kernelspec import ensure_kernelspec
    from helpers.data.datapackage import CLAIM_TABLES

    ensure_kernelspec()  # for notebooks that declare the `isf-briefing` kernel
    staging = config.reports_dir / f".staging-{plan.final.name}-{os.getpid()}"
    executed_dir = config.build_dir / plan.final.name
    shutil.rmtree(executed_dir, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        write_json(staging / EDITION_INFO_NAME, _edition_info(config, plan, quotes))
        write_claims_index(staging, config.as_of, claim_hashes(config.data_dir / "curated", config.as_of, CLAIM_TABLES))
        parameters = {
            "as_of": config.as_of,
            "data_dir": str(config.data_dir),
            "out_dir": str(staging),
            "previous_edition": "" if plan.previous is None else str(plan.previous.path),
        }
        what = f"draft of revision {plan.revision} of edition" if plan.revision > 0 else "draft of edition"
        print(f"building {what} {config.as_of} (compared with: {plan.previous.name if plan.previous else 'no earlier edition'})",
              flush=True)
        with _environ(ISF_SOURCES_DIR=str(config.sources_dir)):
            runs = execute_notebooks(config.notebooks, parameters, executed_dir, config.execution_timeout)
        renderer = _render(config, runs[-1].executed, staging)
        write_manifest(staging, _manifest(config, plan, quotes, parameters, runs, renderer, staging, started))
        _replace_draft(staging, plan.final)
        return renderer
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _reusable(existing: Folder | None, key: str, force: bool) -> Edition | None:
    """The existing folder when it was built from ``key`` and is complete (and --force was not given)."""
    if isinstance(existing, Edition) and existing.input_key == key and not force and edition_is_complete(existing):
        return existing
    return None


def _current_claims(config: BuildConfig, as_of: str) -> dict[str, str]:
    from helpers.data.datapackage import CLAIM_TABLES

    return {cid: v["sha256"] for cid, v in claim_hashes(config.data_dir / "curated", as_of, CLAIM_TABLES).items()}


def _published_date(config: BuildConfig, published: Folder) -> None:
    """A published date is never rebuilt: say why there is nothing to do, or stop and name `correct`.

    Raises:
        EditionError: the edition is broken, or reports a claim corrected since (one line naming `correct`).
    """
    if isinstance(published, BrokenEdition):
        raise EditionError(f"edition {published.name} is published but broken ({published.reason}); {repair_broken(published)}")
    corrected = corrected_claims(published, _current_claims(config, published.as_of))
    if corrected:
        shown = ", ".join(corrected[:5]) + (", …" if len(corrected) > 5 else "")
        raise EditionError(
            f"edition {published.name} is published and never rewritten; {len(corrected)} of its claims were corrected "
            f"since ({shown}): publish a correction with `python3 dev.py correct --note \"why\"`"
        )
    print(f"edition {published.name} is published and its claims are unchanged: nothing to build "
          "(published editions are never rebuilt; changes of code or late additions go in the next edition)", flush=True)


def _nothing_new(config: BuildConfig, editions: Editions, data_sum: str) -> str:
    """Why a scheduled build has nothing to do ("" when it has): the data is the latest published edition's
    and holds no claim reported after it, or today's edition is already published."""
    latest = editions.latest_published()
    if not isinstance(latest, Edition):
        return ""
    if latest.manifest.get("data_checksum") == data_sum and set(_current_claims(config, config.as_of)) <= set(read_claim_hashes(latest.path)):
        return f"nothing new: the data is the one the published edition {latest.name} was built from; no draft built"
    if latest.as_of >= config.as_of:
        return (f"nothing new today: edition {latest.name} is already published; the data changed since, so those changes "
                "go in the next edition (to correct a published edition: python3 dev.py correct --note \"why\")")
    return ""


def _plan(config: BuildConfig, editions: Editions, data_sum: str) -> _Plan:
    """Where this date's draft goes and what it compares with (raises EditionError for a date that cannot be drafted)."""
    latest = editions.latest_published()
    if isinstance(latest, BrokenEdition):
        raise EditionError(f"the latest published edition {latest.name} is broken ({latest.reason}); {repair_broken(latest)}")
    if latest is not None and config.as_of < latest.as_of:
        raise EditionError(
            f"edition {latest.name} is already published, so a draft dated {config.as_of} could never be published after it "
            "(editions follow each other in date order); build a later date, or correct published editions with "
            "`python3 dev.py correct --note \"why\"`"
        )
    previous = editions.previous(config.as_of)
    return _Plan(previous, input_key(config, previous, data_sum), data_sum, sources_checksum(config.sources_dir),
                 config.drafts_dir / config.as_of)


def _finish(config: BuildConfig, plan: _Plan, renderer: str, started: float) -> BuildResult:
    latest = publish_latest(config)
    is_latest = latest is not None and latest.path == plan.final
    seconds = time.perf_counter() - started
    where = (f"{config.published_html} and {config.published_pdf.name} show it" if is_latest
             else f"not the newest edition ({latest.name if latest else '?'}), so {config.published_html.name} is unchanged")
    print(f"built draft {plan.final} in {seconds:.1f} s; {where}; publish it with: python3 dev.py publish --site DIR", flush=True)
    return BuildResult(as_of=config.as_of, edition=plan.final, reused=False, renderer=renderer, seconds=seconds,
                       is_latest=is_latest, revision=plan.revision)


def _skip(config: BuildConfig, started: float, edition: Edition | None = None, reused: bool = True) -> BuildResult:
    """A BuildResult for a build that built nothing."""
    latest = publish_latest(config)
    return BuildResult(
        as_of=config.as_of, edition=edition.path if edition else None, reused=reused,
        renderer=str(edition.manifest.get("renderer", "")) if edition else "", seconds=time.perf_counter() - started,
        is_latest=edition is not None and latest is not None and latest.path == edition.path,
        revision=edition.revision if edition else 0, built=False,
        draft=edition is not None and edition.path.parent == config.drafts_dir,
    )


def _check_notebooks(config: BuildConfig) -> None:
    if not config.notebooks:
        raise BuildError("no notebooks to run")
    missing = [nb for nb in config.notebooks if not nb.is_file()]
    if missing:
        raise BuildError("notebook not found: " + ", ".join(str(p) for p in missing))


def build(config: BuildConfig) -> BuildResult:
    """Build (or reuse) the draft for config.as_of; refresh reports/briefing.*. See the module doc."""
    started = time.perf_counter()
    check_as_of(config.as_of, config.today or dt.date.today())
    _check_notebooks(config)

    with build_lock(config.lock_path):
        clean_leftovers(config)
        editions = config.scan()
        data_sum = data_checksum(config.data_dir)
        if config.if_changed:
            why = _nothing_new(config, editions, data_sum)
            if why:
                print(why, flush=True)
                return _skip(config, started)
        published = editions.published_for(config.as_of)
        if published is not None:
            if isinstance(published, Edition) and published.manifest.get("data_checksum") == data_sum and not config.force:
                print(f"unchanged: edition {published.name} is published and was built from this data", flush=True)
                return _skip(config, started, published)
            _check_data(config)
            _published_date(config, published)
            return _skip(config, started, published if isinstance(published, Edition) else None)
        plan = _plan(config, editions, data_sum)
        reuse = _reusable(editions.draft_for(config.as_of), plan.key, config.force)
        if reuse is not None:
            print(f"unchanged: reusing draft {reuse.path} (key {reuse.input_key[:12]})", flush=True)
            return _skip(config, started, reuse)
        _check_data(config)
        quotes = check_quotes(config)
        renderer = _make_edition(config, plan, quotes, started)
        return _finish(config, plan, renderer, started)


def correct(config: BuildConfig) -> list[BuildResult]:
    """One revision draft per published edition that reports a corrected claim, each with config.revision_note.

    A revision of date D is `drafts/D-r<n>` (n one above D's highest published revision); it compares
    with the edition D's current published folder compared with, and its edition.json names that folder
    (`revises_path`) so its corrections are listed against it. Editions without a corrected claim are
    left alone. Rebuilding replaces an earlier draft of the same revision.

    Raises:
        BuildError: no note, bad data or quotes (checked first), or a broken published edition.
    """
    started = time.perf_counter()
    if not config.revision_note.strip():
        raise BuildError("a correction needs a note saying what was corrected and why: --note \"...\"")
    _check_notebooks(config)
    results: list[BuildResult] = []
    with build_lock(config.lock_path):
        clean_leftovers(config)
        editions = config.scan()
        broken = [b for b in editions.published.broken if editions.published_for(b.as_of) is b]
        if broken:
            raise EditionError(f"edition {broken[0].name} is published but broken ({broken[0].reason}); {repair_broken(broken[0])}")
        _check_data(config)
        quotes = check_quotes(config)
        data_sum = data_checksum(config.data_dir)
        targets = []
        for current in editions.published.current():
            assert isinstance(current, Edition)
            corrected = corrected_claims(current, _current_claims(config, current.as_of))
            if corrected:
                targets.append((current, corrected))
        if not targets:
            print("nothing to correct: every published edition's claims are as the data holds them now", flush=True)
            return []
        for current, corrected in targets:
            dated = replace(config, as_of=current.as_of)
            previous = editions.find_published(str(current.manifest.get("previous_edition") or ""))
            revision = editions.next_revision(current.as_of)
            final = config.drafts_dir / folder_name(current.as_of, revision)
            plan = _Plan(previous, input_key(dated, previous, data_sum, revises=current.name), data_sum,
                         sources_checksum(config.sources_dir), final, revision, current, tuple(corrected))
            shown = ", ".join(corrected[:5]) + (", …" if len(corrected) > 5 else "")
            print(f"correcting edition {current.name}: {len(corrected)} claim(s) corrected since it was published ({shown})", flush=True)
            for stale in editions.drafts.folders():  # an earlier correction draft of this date gives way
                if stale.as_of == current.as_of and stale.path != final:
                    remove_tree(stale.path)
            reuse = _reusable(load_edition(final), plan.key, config.force)
            if reuse is not None:
                print(f"unchanged: reusing draft {reuse.path}", flush=True)
                results.append(_skip(dated, started, reuse))
                continue
            renderer = _make_edition(dated, plan, quotes, time.perf_counter())
            results.append(_finish(dated, plan, renderer, started))
    print(f"{len(results)} revision draft(s) ready; publish them with: python3 dev.py publish --site DIR", flush=True)
    return results


def _fail_note(code: int) -> int:
    print(UNCHANGED_NOTE, file=sys.stderr, flush=True)
    return code


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr, flush=True)
    return code if code == EXIT_LOCKED else _fail_note(code)


def run_build(config: BuildConfig, action: Callable[[BuildConfig], Any] = build) -> int:
    """build() (or correct()) for the CLI: every failure ends with one line (and the unchanged note) and an exit code."""
    try:
        action(config)
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
