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
4. Otherwise start the notebooks' kernel (it imports what they import meanwhile, on the other core) and
   check the data with `config.validator`, so a bad cell is named before anything else is said and before
   any notebook runs; then check the quotes: against the report texts when `sources_dir` holds them, else
   against the quote-verification record (`helpers.data.quote_record`), which fails the build for a quote
   added or edited since it was written.
5. A published date is never rebuilt: its claims unchanged, there is nothing to do; a claim corrected,
   the build stops and names `correct`. A date before the latest published one is refused (it could
   never be published in order).
6. Write `edition.json` and `claims_index.json` into a staging folder under reports/, execute every
   notebook with papermill in ONE Python process and one kernel (`helpers.publish.notebooks`: an empty
   namespace for each notebook), into `build/<as_of>/`, with the parameters `as_of`,
   `data_dir`, `out_dir` (the staging folder) and `previous_edition`; render the briefing; write
   `manifest.json`; swap the staging folder in as the draft; refresh reports/briefing.html and .pdf
   (copies of the newest draft or edition).

`correct(config)` makes one revision draft per published edition that reports a corrected claim
(`<as_of>-r<n>`): it compares with the same previous edition as the one it revises, and its
`edition.json` names the revised folder so its corrections are listed against it.

Any failure (an error, a full or read-only disk, Ctrl-C) removes the staging folder, leaves every
published file byte-identical and ends with one line (`run_build`). The notebooks list, renderer and
validator are fields of `BuildConfig`, so tests drive the same code with fixture notebooks.

This module is the driver; the config is `config`, the content key `inputs`, the checks before any
kernel `checks`, running the notebooks `notebooks`, rendering `render`, the records `manifest` and
`editions`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from helpers.publish.atomic import copy_file, move_dir, remove_tree
from helpers.publish.editions import (
    EDITION_INFO_NAME, Editions, corrected_claims, HTML_NAME, PDF_NAME, BrokenEdition, Edition, EditionError, check_as_of, Folder,
    edition_is_complete, folder_name, load_edition, parse_folder_name, repair_broken,
)
from helpers.publish.errors import BuildError
from helpers.publish.lock import BuildLocked, build_lock
from helpers.publish.manifest import (
    CLAIMS_INDEX_NAME, claim_hashes, file_sha256, files_listing, package_versions, read_claim_hashes, write_claims_index, write_json,
    write_manifest,
)


from helpers.publish.config import BuildConfig
from helpers.publish.inputs import data_checksum, input_key, sources_checksum
from helpers.publish.checks import QuoteCheck, check_data, check_quotes
from helpers.publish.notebooks import Kernel, NotebookError, NotebookRun, execute_notebooks, start_kernel

# Exit codes of `run_build` (and so of `dev.py build`).
EXIT_OK: int = 0


EXIT_FAILED: int = 1


EXIT_USAGE: int = 2


EXIT_LOCKED: int = 75  # EX_TEMPFAIL: try again later


EXIT_INTERRUPTED: int = 130  # 128 + SIGINT, what shells report for Ctrl-C

UNCHANGED_NOTE: str = "the published briefing and editions are unchanged"


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


@contextlib.contextmanager
def _notebook_kernel(config: BuildConfig) -> Iterator[Kernel | None]:
    """The kernel this build's notebooks run in, started (and warming up with their imports) before the data is
    checked, so the two overlap on two cores; shut down however the build ends. The source texts' folder
    is in its environment."""
    from helpers.publish.kernelspec import ensure_kernelspec

    ensure_kernelspec()  # for notebooks that declare the `isf-briefing` kernel
    with _environ(ISF_SOURCES_DIR=str(config.sources_dir)):
        kernel = start_kernel(config.notebooks)
    try:
        yield kernel
    finally:
        if kernel is not None:
            kernel.shutdown()


def _prepare_render() -> None:
    """helpers.publish.render imported and its fonts read (a speed-up only: any failure shows when rendering)."""
    with contextlib.suppress(Exception):
        from helpers.publish import render

        render.prepare()


def _make_edition(config: BuildConfig, plan: _Plan, quotes: QuoteCheck, started: float, kernel: Kernel | None = None) -> str:
    """Record, run, render and manifest in a staging folder, then swap it in as the draft. Returns the renderer.

    The notebooks run in ``kernel`` (``_notebook_kernel``), or in one started for them."""
    from helpers.publish.kernelspec import ensure_kernelspec
    from helpers.data.datapackage import CLAIM_TABLES

    if kernel is None:
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
        # While the notebooks run in the kernel, this process reads what rendering will need.
        threading.Thread(target=_prepare_render, daemon=True).start()
        with _environ(ISF_SOURCES_DIR=str(config.sources_dir)):
            runs = execute_notebooks(config.notebooks, parameters, executed_dir, config.execution_timeout, kernel)
        if kernel is not None:
            kernel.shutdown()  # its memory back before rendering starts two more processes
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
            check_data(config)
            _published_date(config, published)
            return _skip(config, started, published if isinstance(published, Edition) else None)
        plan = _plan(config, editions, data_sum)
        reuse = _reusable(editions.draft_for(config.as_of), plan.key, config.force)
        if reuse is not None:
            print(f"unchanged: reusing draft {reuse.path} (key {reuse.input_key[:12]})", flush=True)
            return _skip(config, started, reuse)
        with _notebook_kernel(config) as kernel:
            check_data(config)
            quotes = check_quotes(config)
            renderer = _make_edition(config, plan, quotes, started, kernel)
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
        check_data(config)
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
