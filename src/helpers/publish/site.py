"""The published site: every edition, an editions page, an Atom feed, and the archive they come back from.

`python3 dev.py publish --site DIR [--archive DIR]` writes this layout (helpers.cli calls `publish_site`):

    index.html             the latest briefing, with a bar linking to the editions page, feed and PDF
    briefing.pdf           the latest briefing's PDF
    editions.html          every edition, newest first: dates, what changed, links to HTML, PDF and data
    feed.xml               Atom feed (feedgen), one entry per edition folder, newest edition first
    archive.json           the archive's index: every edition folder, when it was published, and the
                           sha256 of each of its files
    editions/<folder>/     each edition's files as built, plus data.zip (its CSVs, JSON and manifest)

Publishing freezes drafts. The drafts in reports/drafts/ go on the site beside every edition published
before, then move to reports/editions/ (the local copy of the published editions); no byte of a
published edition is ever written again, here or on the site (an archived edition is copied as it is,
data.zip included). A local copy that differs from the archived one stops the publish in one line.

The site is its own archive. Each run restores the previous site (a git branch in GitHub Actions, the
site folder itself on a server) and `archive.json` records what it held. If the index is there, every
edition it lists must come back byte for byte, or the publish stops with one line and exit 1 before
anything is written. If the index is missing the publish stops too, unless the caller says
`--first-run` and the site holds no edition at all. The new site is built in a staging folder and
swapped in with one atomic exchange (renameat2), so readers see the old site or the new one, never
none; a site folder that is a mount point, or whose parent is read-only, has its contents exchanged
one by one instead. With no draft and nothing the archive lacks, nothing is written: "nothing new".

This module builds the site and swaps it in; what it reads of each edition is ``site_editions``, the
archive's index and restore ``archive``, the pages ``site_pages``, the feed ``feed``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import stat
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from helpers.publish.archive import archive_index, check_archive, check_local_copies, differing_file, edition_folders
from helpers.publish.atomic import exchange, move_dir, remove_tree
from helpers.publish.editions import Edition, Editions, EditionScan, load_edition, missing_files, repair_broken, scan_editions
from helpers.publish.feed import atom_feed, check_base_url
from helpers.publish.manifest import tree_digest
from helpers.publish.site_editions import (
    ARCHIVE_INDEX, DATA_FOLDERS, DATA_ZIP, EDITION_LEFTOVERS, EDITIONS_PAGE, FEED_NAME, FRONT_PAGE, HTML_NAME, MANIFEST_NAME, PDF_NAME,
    PublishBusy, PublishError, PublishResult, SiteEdition, local_editions, newest_first, read_site_edition,
)
from helpers.publish.site_pages import editions_page, front_page




def site_settings(path: Path) -> dict[str, Any]:
    """The [site] table of the project's site settings file (site.toml); {} when the file is absent.

    Raises:
        PublishError: the file is not valid TOML (one line naming it).
    """
    import tomllib

    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("site", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PublishError(f"{path}: not valid TOML ({exc})") from None
    return table if isinstance(table, dict) else {}


def write_data_zip(edition_dir: Path, target: Path, as_of: str) -> None:
    """Zip an edition's data (processed/, analysis/, manifest.json), identical for identical inputs.

    Args:
        edition_dir: the edition folder.
        target: the zip to write.
        as_of: the edition date, used as every member's timestamp so rebuilds do not churn the archive.
    """
    day = dt.date.fromisoformat(as_of)
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    members = [edition_dir / MANIFEST_NAME] + [
        p for folder in DATA_FOLDERS for p in sorted((edition_dir / folder).rglob("*")) if p.is_file()
    ]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in members:
            if path.is_file():
                info = zipfile.ZipInfo(f"{edition_dir.name}/{path.relative_to(edition_dir).as_posix()}", stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())


def build_site(editions: Sequence[SiteEdition], target: Path, base_url: str, published_at: str,
               archived: Iterable[str] = ()) -> None:
    """Write the whole site into `target` (an empty or new folder).

    Args:
        editions: newest first; at least one.
        target: the folder to fill.
        base_url: public address for the feed's links.
        published_at: ISO timestamp of this publish.
        archived: folders that come from the archive: copied as they are, data.zip included, so not one
            published byte changes; the others get a new data.zip.
    """
    keep = set(archived)
    target.mkdir(parents=True, exist_ok=True)
    for edition in editions:
        folder = target / "editions" / edition.folder
        if edition.folder in keep:
            shutil.copytree(edition.path, folder)
        else:
            shutil.copytree(edition.path, folder, ignore=shutil.ignore_patterns(DATA_ZIP, EDITION_LEFTOVERS))
            write_data_zip(folder, folder / DATA_ZIP, edition.as_of)
    latest = editions[0]
    front = front_page((latest.path / HTML_NAME).read_text(encoding="utf-8"), latest)
    (target / FRONT_PAGE).write_text(front, encoding="utf-8")
    shutil.copyfile(latest.path / PDF_NAME, target / PDF_NAME)
    (target / EDITIONS_PAGE).write_text(editions_page(editions, published_at), encoding="utf-8")
    (target / FEED_NAME).write_bytes(atom_feed(editions, base_url))
    # The index goes last: a site folder without it was never completed.
    index = archive_index(target, editions, published_at)
    (target / ARCHIVE_INDEX).write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")


# Top-level entries of a site, in the order they are exchanged when the site folder's contents are
# replaced one by one: the editions first, the index last.
_SITE_ORDER: tuple[str, ...] = ("editions", PDF_NAME, FRONT_PAGE, EDITIONS_PAGE, FEED_NAME, ARCHIVE_INDEX)


def _writable(folder: Path) -> bool:
    """Whether this user may create and rename entries in ``folder`` (mode bits too: root ignores them)."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK) and bool(mode & stat.S_IWUSR)


def site_mode(site: Path) -> str:
    """How the new site goes in: "beside" (staged next to it, one atomic exchange) or "inside" (staged in
    it, its entries exchanged one by one: a mount point, or a folder whose parent is read-only).

    Raises:
        PublishError: the site is a file, a read-only folder, or cannot be created (one line saying what it needs).
    """
    if site.exists() and not site.is_dir():
        raise PublishError(f"the site {site} is a file, not a folder; choose a folder for --site")
    if site.is_dir() and not _writable(site):
        raise PublishError(f"the site folder {site} is read-only: make it writable by this user (chmod u+w {site}) "
                           "or publish to another --site")
    if not site.exists() and not site.parent.exists():
        # A new site in a new folder: the nearest folder that exists decides, and the rest is created.
        ancestor = next(p for p in site.parents if p.exists())
        if _writable(ancestor):
            site.parent.mkdir(parents=True, exist_ok=True)
    parent_ok = site.parent.is_dir() and _writable(site.parent)
    if site.is_dir() and (os.path.ismount(site) or not parent_ok):
        return "inside"
    if not parent_ok:
        raise PublishError(f"cannot create the site folder {site}: {site.parent} is missing or not writable by this user; "
                           "create the site folder (writable by this user) or choose another --site")
    return "beside"


def _lock_file(site: Path, mode: str) -> Path:
    return site / ".publish.lock" if mode == "inside" else site.parent / f".{site.name}.publish.lock"


@contextlib.contextmanager
def publish_lock(site: Path, mode: str = "beside") -> Iterator[None]:
    """Hold an fcntl lock for the whole publish; a second publish of the same site is refused.

    Args:
        site: the site folder (the lock file is its hidden sibling, or inside it in "inside" mode).
        mode: `site_mode(site)`.

    Raises:
        PublishBusy: another publish of the same site is running.
    """
    path = _lock_file(site, mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishBusy(f"another publish of {site} is running; try again later") from None
        yield


@contextlib.contextmanager
def reports_lock(reports_dir: Path) -> Iterator[None]:
    """The build lock of reports/: no build may replace a draft while it is being published or restored.

    Raises:
        PublishBusy: a build (or another publish from the same reports folder) is running.
    """
    from helpers.publish.lock import BuildLocked, build_lock

    try:
        with build_lock(reports_dir / ".build.lock"):
            yield
    except BuildLocked as exc:
        raise PublishBusy(f"{exc} in {reports_dir}; try again later") from None


def clean_site_leftovers(site: Path) -> list[str]:
    """Remove what killed publishes left beside or inside the site; put back a site a crash left aside.

    Call it holding the publish lock (no other publish is running, so every leftover is dead).

    Args:
        site: the site folder.

    Returns:
        One line for each thing done.
    """
    done: list[str] = []
    parent = site.parent
    beside = sorted(p for p in parent.iterdir() if p.name.startswith((f".{site.name}.staging-", f".{site.name}.old-"))) \
        if parent.is_dir() else []
    aside = [p for p in beside if p.name.startswith(f".{site.name}.old-") and (p / ARCHIVE_INDEX).is_file()]
    if not site.exists() and aside:
        newest = max(aside, key=lambda p: p.stat().st_mtime)
        os.replace(newest, site)
        beside.remove(newest)
        done.append(f"put back the site {site} that an interrupted publish had left aside ({newest.name})")
    inside = [p for p in site.iterdir() if p.name.startswith((".staging-", ".old-"))] if site.is_dir() else []
    for path in [*beside, *inside]:
        remove_tree(path)
        done.append(f"removed {path}, left by an interrupted publish")
    return done


def _exchange_contents(staging: Path, site: Path) -> None:
    """Put staging's entries in place of the site's, one atomic exchange (or rename) each; drop the rest."""
    present = {p.name for p in staging.iterdir() if not p.name.startswith(".")}
    # editions/ first, archive.json last (a site without it was never completed), anything else between
    names = sorted(present, key=lambda n: (_SITE_ORDER.index(n) if n in _SITE_ORDER else 0.5, n))
    for name in names:
        new, old = staging / name, site / name
        if old.exists() or old.is_symlink():
            if not exchange(new, old):
                os.replace(old, staging / f".old-{name}")
                os.replace(new, old)
        else:
            os.replace(new, old)
    for path in site.iterdir():
        if path.name not in names and not path.name.startswith("."):
            remove_tree(path)
    remove_tree(staging)


def _swap_in(staging: Path, site: Path) -> None:
    """Replace `site` with `staging` (its sibling): one atomic exchange, so readers never see no site.

    Where the system cannot exchange, two renames; a crash between them leaves the old site aside,
    and the next publish puts it back (`clean_site_leftovers`).
    """
    if not site.exists():
        os.replace(staging, site)
        return
    if exchange(staging, site):
        remove_tree(staging)  # it holds the old site now
        return
    aside = site.with_name(f".{site.name}.old-{os.getpid()}")
    os.replace(site, aside)
    try:
        os.replace(staging, site)
    except BaseException:
        os.replace(aside, site)
        raise
    remove_tree(aside)


def _install(editions: Sequence[SiteEdition], site: Path, mode: str, base_url: str, published_at: str,
             archived: Iterable[str]) -> None:
    """Build the new site in a staging folder (beside or inside the site) and swap it in."""
    if mode == "inside":
        staging = site / f".staging-{os.getpid()}"
    else:
        staging = site.with_name(f".{site.name}.staging-{os.getpid()}")
    remove_tree(staging)
    try:
        build_site(editions, staging, base_url, published_at, archived)
        if mode == "inside":
            _exchange_contents(staging, site)
            return
        try:
            _swap_in(staging, site)
        except OSError as exc:
            if exc.errno not in (errno.EBUSY, errno.EXDEV) or not site.is_dir():
                raise
            # A mount point ismount() did not see (a bind mount): replace its contents instead.
            inner = site / f".staging-{os.getpid()}"
            shutil.copytree(staging, inner)
            _exchange_contents(inner, site)
    finally:
        remove_tree(staging)


@dataclass(frozen=True)
class _Drafts:
    """The drafts a publish freezes, in order, and those already on the site (an interrupted publish)."""

    ready: tuple[Edition, ...]
    already: tuple[Edition, ...]


def ready_drafts(drafts_dir: Path, published: Sequence[SiteEdition], data_dir: Path | None) -> _Drafts:
    """Check every draft before anything is published, in (date, revision) order.

    A draft must be complete and built from the data as it is now (when `data_dir` is given); a new
    date must come after every published one and compare with the edition that will be just before
    it; a revision must revise the date's current published edition and compare with what that one
    compared with.

    Raises:
        PublishError: the first draft that fails, with what to run (one line).
    """
    scan = scan_editions(drafts_dir)
    if scan.broken:
        b = scan.broken[0]
        raise PublishError(f"draft {b.name} is broken ({b.reason}); {repair_broken(b)}")
    loaded: dict[str, Edition] = {}
    for edition in published:
        found = load_edition(edition.path)
        if isinstance(found, Edition):
            loaded.setdefault(edition.folder, found)
    editions = Editions(EditionScan(tuple(sorted(loaded.values(), key=lambda e: (e.as_of, e.revision))), ()), scan)
    last_date = max((e.as_of for e in loaded.values()), default="")
    data_sum = tree_digest(data_dir) if data_dir is not None and data_dir.is_dir() else None
    ready: list[Edition] = []
    already: list[Edition] = []
    for draft in scan.editions:
        rebuild = (f"python3 dev.py correct --note \"why\"" if draft.revision else f"python3 dev.py build --as-of {draft.as_of}")
        if draft.name in loaded:
            if differing_file(draft.path, loaded[draft.name].path):
                raise PublishError(f"draft {draft.name} has the name of a published edition but other contents; published "
                                   "editions are never rewritten: remove the draft (python3 dev.py clean --drafts)")
            already.append(draft)
            continue
        missing = missing_files(draft)
        if missing:
            raise PublishError(f"draft {draft.name} is incomplete ({', '.join(missing[:3])} missing or changed): rebuild it: {rebuild}")
        if data_sum is not None and draft.manifest.get("data_checksum") != data_sum:
            raise PublishError(f"draft {draft.name} was built from data that has changed since: rebuild it first: {rebuild}")
        if draft.revision:
            current = editions.published_for(draft.as_of)
            if current is None or current.name != draft.manifest.get("revises"):
                raise PublishError(f"draft {draft.name} revises {draft.manifest.get('revises') or 'nothing'}, but the date's published "
                                   f"edition is {current.name if current else 'none'}: rebuild it: {rebuild}")
        elif draft.as_of <= last_date:
            raise PublishError(f"draft {draft.name} is dated on or before the latest published edition ({last_date}), so it cannot "
                               "be published in date order: remove it (python3 dev.py clean --drafts)")
        expected = editions.expected_previous(draft)
        recorded, key = str(draft.manifest.get("previous_edition") or ""), str(draft.manifest.get("previous_input_key") or "")
        if recorded != (expected.name if expected else "") or (expected is not None and key != expected.input_key):
            raise PublishError(f"draft {draft.name} compares with {recorded or 'no edition'} as it was, but the edition before it "
                               f"is now {expected.name if expected else 'none'}: rebuild it first: {rebuild}")
        ready.append(draft)
    return _Drafts(tuple(ready), tuple(already))


def _freeze(draft: Edition, editions_dir: Path) -> None:
    """Move a published draft to reports/editions (or drop it when the local copy is already there)."""
    target = editions_dir / draft.name
    if target.exists():
        remove_tree(draft.path)
        return
    editions_dir.mkdir(parents=True, exist_ok=True)
    move_dir(draft.path, target)


def publish_site(
    reports_dir: Path,
    site: Path,
    archive: Path | None = None,
    first_run: bool = False,
    base_url: str = "",
    now: dt.datetime | None = None,
    data_dir: Path | None = None,
) -> PublishResult:
    """Check the archive and the drafts, build the site from them, swap it in, then freeze the drafts.

    Args:
        reports_dir: the reports folder (drafts/ and editions/).
        site: where the site is published; replaced only when everything succeeded.
        archive: the restored previous site; None means `site` itself (a server keeps it on disk).
        first_run: the caller declares that no edition was ever published (refused if the site holds one).
        base_url: the site's public address for the feed (absolute).
        now: the publish time (tests pass one; default: now, UTC).
        data_dir: when given, a draft built from other data is refused (rebuild it first).

    Returns:
        What was published; `published` is empty when there was nothing new (then nothing was written).

    Raises:
        PublishBusy: another publish of the site, or a build, is running.
        PublishError: a failed check (archive, local copies, drafts, site folder), no edition at all.
    """
    root = check_base_url(base_url)
    archive = site if archive is None else archive
    mode = site_mode(site)
    with publish_lock(site, mode), reports_lock(reports_dir):
        for line in clean_site_leftovers(site):
            print(line, flush=True)
        archived = check_archive(archive, first_run)
        if first_run and site != archive and edition_folders(site):
            raise PublishError(f"--first-run refused: the site {site} already holds editions")
        local = {e.folder: e for e in local_editions(reports_dir / "editions")}
        check_local_copies(local, archived, archive)
        names = {e.folder for e in archived}
        unpublished = [e for e in local.values() if e.folder not in names]
        drafts = ready_drafts(reports_dir / "drafts", [*archived, *local.values()], data_dir)
        for draft in drafts.already:
            _freeze(draft, reports_dir / "editions")
        restored = tuple(e.folder for e in archived if e.folder not in local)
        if not drafts.ready and not unpublished:
            if not archived and not local:
                raise PublishError(f"no edition to publish in {reports_dir} (run: python3 dev.py build)")
            return PublishResult(site=site, editions=tuple(archived), restored=restored)
        stamp = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        new = [replace(e, published_at=stamp) for e in unpublished]
        new += [replace(read_site_edition(d.path), published_at=stamp) for d in drafts.ready]
        editions = newest_first([*archived, *new])
        _install(editions, site, mode, root, stamp, names)
        for draft in drafts.ready:
            _freeze(draft, reports_dir / "editions")
    return PublishResult(site=site, editions=tuple(editions), restored=restored, published=tuple(e.folder for e in new))
