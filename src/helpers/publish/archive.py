"""The archive: the published site's index of every edition and the checksum of each of its files.

Each publish writes ``archive.json``; the next checks that every edition it lists came back, byte for
byte, before anything is written (:func:`check_archive`), and ``publish --restore`` copies the archived
editions into ``reports/editions`` (:func:`restore_editions`), never over a local copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from helpers.publish.manifest import file_sha256
from helpers.publish.site_editions import (
    ARCHIVE_FORMAT, ARCHIVE_INDEX, DATA_ZIP, FOLDER_RE, PublishError, SiteEdition, local_editions, newest_first, read_json, read_site_edition,
)


def folder_files(folder: Path) -> dict[str, dict[str, Any]]:
    """{relative posix path: {sha256, bytes}} for every file under `folder`.

    Args:
        folder: an edition folder.

    Returns:
        The listing, sorted by path.
    """
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): {"sha256": file_sha256(p), "bytes": p.stat().st_size} for p in files}


def archive_index(site: Path, editions: Sequence[SiteEdition], published_at: str) -> dict[str, Any]:
    """The index written as archive.json: what the next restore must bring back.

    Args:
        site: the (staged) site folder holding editions/<folder>/.
        editions: the editions on the site (each with its published_at).
        published_at: ISO timestamp of this publish.

    Returns:
        {"format", "published_at", "editions": [{"folder", "as_of", "revision", "published_at", "files"}]}.
    """
    return {
        "format": ARCHIVE_FORMAT,
        "published_at": published_at,
        "editions": [
            {"folder": e.folder, "as_of": e.as_of, "revision": e.revision, "published_at": e.published_at or published_at,
             "files": folder_files(site / "editions" / e.folder)}
            for e in editions
        ],
    }


def edition_folders(site: Path) -> list[str]:
    """The edition folders a site (or archive) holds, with or without its index."""
    folder = site / "editions"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def check_archive(archive: Path, first_run: bool) -> list[SiteEdition]:
    """Check that a restored archive holds every edition its index lists, byte for byte.

    Args:
        archive: the restored previous site (a checkout of the archive branch, or the site folder).
        first_run: the caller declares that no edition was ever published.

    Returns:
        The archived editions (read from archive/editions/<folder>), newest first; [] on a first run.

    Raises:
        PublishError: the index is missing (and this is not a first run), unreadable, or an edition
            or file it lists is missing or differs; or --first-run was given over an existing archive.
    """
    index_path = archive / ARCHIVE_INDEX
    index = read_json(index_path)
    if index is None:
        held = edition_folders(archive)
        if first_run and held:
            # An index lost while editions stayed: starting over would drop the ones only the site holds.
            raise PublishError(
                f"--first-run refused: {archive}/editions still holds {len(held)} edition folder(s) ({held[0]}, …) although "
                f"{ARCHIVE_INDEX} is missing; restore {ARCHIVE_INDEX} from the archive's history or a backup"
            )
        if first_run:
            return []
        raise PublishError(
            f"archive not restored: {index_path} is missing, so earlier editions would vanish from the "
            "site; restore the archive, or pass --first-run if no edition was ever published"
        )
    listed = index.get("editions")
    if not isinstance(listed, list):
        raise PublishError(f"{index_path}: field editions must be a list")
    for row, entry in enumerate(listed, start=1):
        # A folder is one plain name: an edited index must not reach outside the archive.
        folder = entry.get("folder") if isinstance(entry, dict) else None
        if not isinstance(folder, str) or not FOLDER_RE.match(folder):
            raise PublishError(f"{index_path}: editions entry {row}: field folder must be a plain folder name, got {folder!r}")
        if not isinstance(entry.get("files"), dict) or not entry["files"]:
            raise PublishError(f"{index_path}: editions entry {row} ({folder}): field files must be a non-empty object")
    if first_run:
        raise PublishError(
            f"--first-run refused: {archive} already holds an archive of {len(listed)} edition(s)"
        )
    problems: list[str] = []
    for entry in listed:
        folder = archive / "editions" / entry["folder"]
        for rel, info in sorted(entry["files"].items()):
            path = folder / rel
            if not path.is_file():
                problems.append(f"editions/{entry['folder']}/{rel} is missing")
            elif not isinstance(info, dict) or path.stat().st_size != info.get("bytes") or file_sha256(path) != info.get("sha256"):
                problems.append(f"editions/{entry['folder']}/{rel} differs from the index")
    if problems:
        raise PublishError(
            f"archive restore incomplete in {archive}: {len(problems)} file(s) of the {len(listed)} edition(s) "
            f"its index lists are missing or changed (first: {problems[0]}); nothing was published"
        )
    return newest_first(
        replace(read_site_edition(archive / "editions" / e["folder"]), published_at=str(e.get("published_at") or ""))
        for e in listed
    )


def restore_editions(archive: Path, editions_dir: Path, first_run: bool) -> list[str]:
    """Copy the archive's editions that reports/editions lacks, so a build sees the published editions.

    A local copy is never overwritten: one that differs from the archived edition stops the restore
    (before anything is copied) with one line naming it.

    Args:
        archive: the restored previous site.
        editions_dir: reports/editions.
        first_run: the caller declares that no edition was ever published.

    Returns:
        The folders copied, oldest first.

    Raises:
        PublishError: the archive fails `check_archive`, or a local copy differs from its archived edition.
    """
    archived = check_archive(archive, first_run)
    local = {e.folder: e for e in local_editions(editions_dir)}
    check_local_copies(local, archived, archive)
    copied: list[str] = []
    for edition in reversed(archived):
        target = editions_dir / edition.folder
        if target.exists():
            continue
        editions_dir.mkdir(parents=True, exist_ok=True)
        staging = editions_dir / f".restore-{edition.folder}-{os.getpid()}"
        # data.zip is the site's own addition; the edition as built does not have it.
        shutil.copytree(edition.path, staging, ignore=shutil.ignore_patterns(DATA_ZIP))
        os.replace(staging, target)
        copied.append(edition.folder)
    return copied


def differing_file(a: Path, b: Path) -> str:
    """The first file two edition folders do not share byte for byte (data.zip aside); "" when identical."""
    fa = {k: v for k, v in folder_files(a).items() if k != DATA_ZIP}
    fb = {k: v for k, v in folder_files(b).items() if k != DATA_ZIP}
    return next((name for name in sorted(set(fa) | set(fb)) if fa.get(name) != fb.get(name)), "")


def check_local_copies(local: Mapping[str, SiteEdition], archived: Sequence[SiteEdition], archive: Path) -> None:
    """Every local copy of a published edition must be the archived edition, byte for byte (data.zip aside).

    Raises:
        PublishError: one line naming the first edition that differs, the file, and how to go on.
    """
    for edition in archived:
        mine = local.get(edition.folder)
        if mine is None:
            continue
        differs = differing_file(edition.path, mine.path)
        if differs:
            raise PublishError(
                f"{mine.path} differs from the published edition in {archive} ({differs}); published editions are never "
                f"rewritten: move the local copy aside and run `python3 dev.py publish --restore --archive {archive}`, "
                f"or publish a correction with `python3 dev.py correct --note \"why\"`"
            )
