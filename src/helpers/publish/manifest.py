"""What an edition records about itself: checksums, its manifest.json and its claims_index.json.

`manifest.json` says what the edition was built from (parameters, input key, data and source-text
checksums, whether quotes were checked, revision, package versions, the files and their sha256).
`claims_index.json` holds one content hash per claim the edition reports, so the next edition can say
exactly which claims are new, edited or removed (`read_claim_hashes`).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from helpers import files
from helpers.data.datapackage import id_column, read_csv
from helpers.files import write_json
from helpers.publish.errors import BuildError

MANIFEST_NAME: str = "manifest.json"
CLAIMS_INDEX_NAME: str = "claims_index.json"
# Names skipped when hashing folders: caches and editor/OS litter, never inputs.
_SKIP_NAMES = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".DS_Store"}


class ManifestError(BuildError):
    """A manifest or claims index that cannot be read as a JSON object; the message names the file."""


# --------------------------------------------------------------------------------------------------
# Checksums
# --------------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, hex."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def tree_files(root: Path) -> list[Path]:
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
    for path in tree_files(root):
        rel = path.name if path == root else path.relative_to(root).as_posix()
        outer.update(f"{rel}\0{file_sha256(path)}\n".encode())
    return outer.hexdigest()


def files_listing(folder: Path) -> dict[str, dict[str, Any]]:
    """{relative path: {sha256, bytes}} for every file in an edition folder but the manifest."""
    return {
        path.relative_to(folder).as_posix(): {"sha256": file_sha256(path), "bytes": path.stat().st_size}
        for path in tree_files(folder)
        if path.relative_to(folder).as_posix() != MANIFEST_NAME
    }


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


# --------------------------------------------------------------------------------------------------
# manifest.json
# --------------------------------------------------------------------------------------------------


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``folder/manifest.json``. Returns its path."""
    return write_json(folder / MANIFEST_NAME, manifest)


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file that must hold one object (``helpers.files.read_json_object``, its error a ManifestError).

    Raises:
        ManifestError: missing, unreadable, not JSON (e.g. truncated) or not an object; one line naming the file.
    """
    try:
        return files.read_json_object(path)  # type: ignore[return-value]
    except files.JSONFileError as exc:
        raise ManifestError(str(exc)) from None


def read_manifest(folder: Path) -> dict[str, Any]:
    """``folder/manifest.json`` as a dict; raises ManifestError (one line) when it is missing or broken."""
    manifest = read_json_object(folder / MANIFEST_NAME)
    if not isinstance(manifest.get("files", {}), dict) or not isinstance(manifest.get("input_key", ""), str):
        raise ManifestError(f"{folder / MANIFEST_NAME}: 'files' must be an object and 'input_key' a string")
    return manifest


# --------------------------------------------------------------------------------------------------
# claims_index.json: a content hash per claim
# --------------------------------------------------------------------------------------------------


def row_sha256(row: Mapping[str, str]) -> str:
    """The content hash of one curated row: sha256 of its cells as canonical JSON.

    Canonical: keys (the CSV header) sorted, UTF-8, no spaces; so the hash follows the row's content,
    not the column order or the CSV quoting style.
    """
    text = json.dumps(dict(row), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_hashes(curated_dir: Path, as_of: str, tables: Iterable[str]) -> dict[str, dict[str, str]]:
    """The claims reported on or before ``as_of`` by a report the edition may use (:func:`edition_source_ids`),
    each with its table and content hash.

    Args:
        curated_dir: folder of the curated CSVs.
        as_of: edition date, YYYY-MM-DD; rows with a later ``reported_date`` are left out.
        tables: claim table names (``<name>.csv``; the id column is the one datapackage.yaml declares). Absent files are skipped.

    Returns:
        claim_id -> {"table": name, "sha256": row hash}, sorted by claim id.

    Raises:
        ManifestError: a table without ``reported_date`` or an id column, or a claim id seen twice.
    """
    found: dict[str, dict[str, str]] = {}
    sources = edition_source_ids(curated_dir, as_of)
    for name in tables:
        path = curated_dir / f"{name}.csv"
        if not path.is_file():
            continue
        try:
            rows = _read_claims(path, as_of, sources)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ManifestError(f"{path}: not readable as UTF-8 CSV ({exc}); run `python3 dev.py validate`") from None
        for claim_id, line, digest in rows:
            if not claim_id or claim_id in found:
                raise ManifestError(f"{path}, row {line}: claim id {claim_id!r} is blank or not unique")
            found[claim_id] = {"table": name, "sha256": digest}
    return dict(sorted(found.items()))


def edition_source_ids(curated_dir: Path, as_of: str) -> set[str] | None:
    """The reports an edition of ``as_of`` may use: those whose latest possible publication date
    (``published_latest``, else ``published``) is on or before it, so a report dated only roughly is never
    used by an edition it may post-date. None when ``sources.csv`` is absent (every report counts)."""
    path = curated_dir / "sources.csv"
    if not path.is_file():
        return None
    return {row.get("source_id") or "" for row in read_csv(path)[1] if (row.get("published_latest") or row.get("published") or "") <= as_of}


def _read_claims(path: Path, as_of: str, sources: set[str] | None = None) -> list[tuple[str, int, str]]:
    """(claim id, line number, row hash) of each row of one claim table reported on or before as_of, from a
    report the edition may use (``sources``; None: any)."""
    header, rows = read_csv(path)
    if "reported_date" not in header:
        raise ManifestError(f"{path}: no reported_date column, so its claims cannot be cut at as_of")
    id_col = id_column(path.stem)
    # The line number counts from the header (line 1), as validate's problems do.
    return [(row.get(id_col) or "", line, row_sha256(row)) for line, row in enumerate(rows, start=2)
            if (row.get("reported_date") or "") <= as_of and (sources is None or (row.get("source_id") or "") in sources)]


def write_claims_index(folder: Path, as_of: str, claims: Mapping[str, Mapping[str, str]]) -> Path:
    """Write ``folder/claims_index.json``: {"as_of", "hash", "claims": {claim_id: {table, sha256}}}."""
    payload = {
        "as_of": as_of,
        "hash": "sha256 of the curated row as canonical JSON (keys sorted, UTF-8, no spaces)",
        "claims": dict(claims),
    }
    return write_json(folder / CLAIMS_INDEX_NAME, payload)


def read_claim_hashes(edition_dir: Path) -> dict[str, str]:
    """claim_id -> sha256 of its curated row, for every claim an edition reported.

    Two editions' hashes compare exactly: an id in both with another hash was edited; an id only in the
    earlier one was removed (or re-dated past the later one's as_of); an id only in the later one is new.

    Args:
        edition_dir: an edition folder (or a build's out_dir, where the build writes it before the notebooks run).

    Returns:
        The hashes; {} when the folder has no claims_index.json (editions built before it existed).

    Raises:
        ManifestError: the file is there but broken; one line naming it.
    """
    path = Path(edition_dir) / CLAIMS_INDEX_NAME
    if not path.exists():
        return {}
    claims = read_json_object(path).get("claims")
    if not isinstance(claims, dict):
        raise ManifestError(f"{path}: 'claims' must be an object of claim_id -> {{table, sha256}}")
    try:
        return {str(k): str(v["sha256"]) for k, v in claims.items()}
    except (TypeError, KeyError):
        raise ManifestError(f"{path}: every claim needs a 'sha256'") from None
