"""The archive of editions: reports/editions/<as_of>/ and its revisions, read without ever crashing.

Layout: the first build of a date is `editions/<as_of>/` (revision 0); a deliberate rebuild of that date
from changed inputs (`build --revise`) is revision 1, `editions/<as_of>-r1/`, then `-r2/`, … kept beside it
(the numbering helpers.site shows: "Revision 1 of the 20 November 2025 edition"). A date's *current*
edition is its highest revision; the next date's "previous edition" is that current one. Published
editions are never rewritten.

`scan_editions` reads every folder once and keeps the broken ones (manifest missing, truncated or not
an object) apart, so a broken manifest is reported, never silently dropped, and never lets an older
edition be published over it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.errors import BuildError
from helpers.manifest import ManifestError, read_json_object, read_manifest

HTML_NAME: str = "briefing.html"
PDF_NAME: str = "briefing.pdf"
EDITION_INFO_NAME: str = "edition.json"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FOLDER_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-r(\d+))?$")


class EditionError(BuildError):
    """The archive stops this build (a broken or existing edition); the message says how to go on."""


@dataclass(frozen=True)
class Edition:
    """One built edition: its folder and its manifest."""

    as_of: str
    path: Path
    manifest: dict[str, Any]
    revision: int = 0

    @property
    def input_key(self) -> str:
        return str(self.manifest.get("input_key", ""))

    @property
    def name(self) -> str:
        """The folder name, as manifests cite it ("2025-11-20", "2025-11-20-r2")."""
        return self.path.name


@dataclass(frozen=True)
class BrokenEdition:
    """An edition folder whose manifest cannot be read; `reason` is one line."""

    as_of: str
    path: Path
    reason: str
    revision: int = 0

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class EditionProblem:
    """Something wrong in the archive and the command or step that repairs it."""

    folder: str
    problem: str
    repair: str

    def __str__(self) -> str:
        return f"{self.folder}: {self.problem}. Repair: {self.repair}"


def check_as_of(as_of: str, today: dt.date | None = None) -> str:
    """as_of must be an ISO date, YYYY-MM-DD, and not after today.

    Args:
        as_of: the edition's date.
        today: the date to compare with (default: the local date); None skips the future check.

    Returns:
        as_of, unchanged.

    Raises:
        BuildError: not a date, or a date after today (an edition cannot report what is not reported yet).
    """
    try:
        if not _DATE_RE.match(as_of):
            raise ValueError
        date = dt.date.fromisoformat(as_of)
    except ValueError:
        raise BuildError(f"as_of must be a date written YYYY-MM-DD, got {as_of!r}") from None
    if today is not None and date > today:
        raise BuildError(f"as_of {as_of} is after today ({today.isoformat()}): an edition reports only what is already reported")
    return as_of


def parse_folder_name(name: str) -> tuple[str, int] | None:
    """("2025-11-20", 0) for "2025-11-20", ("2025-11-20", 2) for "2025-11-20-r2"; None for anything else."""
    match = _FOLDER_RE.match(name)
    if not match:
        return None
    revision = int(match.group(2) or 0)
    if match.group(2) is not None and (revision < 1 or match.group(2).startswith("0")):
        return None
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return match.group(1), revision


def folder_name(as_of: str, revision: int) -> str:
    """The folder of a revision: "<as_of>" for the first build (0), "<as_of>-r<n>" for revision n."""
    return as_of if revision <= 0 else f"{as_of}-r{revision}"


def load_edition(path: Path) -> Edition | BrokenEdition | None:
    """The edition in ``path``: an Edition, a BrokenEdition (manifest unreadable), or None when the name is not an edition's."""
    parsed = parse_folder_name(path.name)
    if parsed is None or not path.is_dir():
        return None
    as_of, revision = parsed
    try:
        manifest = read_manifest(path)
    except ManifestError as exc:
        return BrokenEdition(as_of=as_of, path=path, reason=str(exc).replace(f"{path}/", ""), revision=revision)
    return Edition(as_of=as_of, path=path, manifest=manifest, revision=revision)


def read_edition(path: Path) -> Edition | None:
    """The edition in ``path``, or None when the folder is not a readable edition."""
    found = load_edition(path)
    return found if isinstance(found, Edition) else None


@dataclass(frozen=True)
class EditionScan:
    """Every edition folder, readable and broken, in (as_of, revision) order."""

    editions: tuple[Edition, ...]
    broken: tuple[BrokenEdition, ...]

    def folders(self) -> list[Edition | BrokenEdition]:
        return sorted([*self.editions, *self.broken], key=lambda e: (e.as_of, e.revision))

    def current(self) -> list[Edition | BrokenEdition]:
        """Each date's current folder (its highest revision, readable or not), oldest date first."""
        by_date: dict[str, Edition | BrokenEdition] = {}
        for edition in self.folders():
            by_date[edition.as_of] = edition
        return list(by_date.values())

    def current_for(self, as_of: str) -> Edition | BrokenEdition | None:
        return next((e for e in self.current() if e.as_of == as_of), None)

    def next_revision(self, as_of: str) -> int:
        return 1 + max((e.revision for e in self.folders() if e.as_of == as_of), default=-1)

    def latest(self) -> Edition | BrokenEdition | None:
        current = self.current()
        return current[-1] if current else None

    def previous(self, as_of: str) -> Edition | None:
        """The current edition of the greatest date before ``as_of``.

        Raises:
            EditionError: that edition's manifest is broken (it is never skipped silently).
        """
        earlier = [e for e in self.current() if e.as_of < as_of]
        if not earlier:
            return None
        if isinstance(earlier[-1], BrokenEdition):
            broken = earlier[-1]
            raise EditionError(f"the previous edition {broken.name} is broken ({broken.reason}); {repair_broken(broken)}")
        return earlier[-1]

    def problems(self) -> list[EditionProblem]:
        """Broken manifests, incomplete editions and stale "previous" links, each with its repair."""
        found: list[EditionProblem] = []
        for broken in self.broken:
            found.append(EditionProblem(broken.name, broken.reason, repair_broken(broken)))
        before: Edition | BrokenEdition | None = None
        for edition in self.current():
            if isinstance(edition, Edition):
                missing = missing_files(edition)
                if missing:
                    found.append(EditionProblem(
                        edition.name, "files missing or changed: " + ", ".join(missing[:3]),
                        f"python3 dev.py build --as-of {edition.as_of} --force (same inputs) or --revise (changed inputs)",
                    ))
                recorded = str(edition.manifest.get("previous_edition") or "")
                expected = before.name if before is not None else ""
                if recorded != expected:
                    found.append(EditionProblem(
                        edition.name,
                        f"its \"what changed\" compares with {recorded or 'no edition'}, but the edition before it is now {expected or 'none'}",
                        f"python3 dev.py build --as-of {edition.as_of} --revise (the old one is kept)",
                    ))
            before = edition
        return found


def repair_broken(broken: BrokenEdition) -> str:
    """How to repair an edition whose manifest is broken."""
    return (f"restore {broken.name}/manifest.json from a copy (e.g. the Pages artifact), or rebuild the date with "
            f"`python3 dev.py build --as-of {broken.as_of} --revise` (the broken folder is kept beside it)")


def scan_editions(editions_dir: Path) -> EditionScan:
    """Read every edition folder in ``editions_dir`` once; never raises for a broken one."""
    editions: list[Edition] = []
    broken: list[BrokenEdition] = []
    if editions_dir.is_dir():
        for path in editions_dir.iterdir():
            found = load_edition(path)
            if isinstance(found, Edition):
                editions.append(found)
            elif isinstance(found, BrokenEdition):
                broken.append(found)
    order = lambda e: (e.as_of, e.revision)  # noqa: E731
    return EditionScan(tuple(sorted(editions, key=order)), tuple(sorted(broken, key=order)))


def list_editions(editions_dir: Path) -> list[Edition]:
    """Every readable edition, every revision, oldest first (broken ones: `scan_editions(...).broken`)."""
    return list(scan_editions(editions_dir).editions)


def previous_edition(editions_dir: Path, as_of: str) -> Edition | None:
    """The current edition of the greatest date strictly before ``as_of`` (EditionError if it is broken)."""
    return scan_editions(editions_dir).previous(as_of)


def latest_edition(editions_dir: Path) -> Edition | None:
    """The current edition of the greatest date; None when there is none or it is broken."""
    latest = scan_editions(editions_dir).latest()
    return latest if isinstance(latest, Edition) else None


def missing_files(edition: Edition) -> list[str]:
    """The files the manifest lists that are absent or of another size (the briefing's two are required)."""
    files = edition.manifest.get("files", {})
    missing = [name for name in (HTML_NAME, PDF_NAME) if name not in files]
    for rel, info in files.items():
        try:
            if not isinstance(info, dict) or (edition.path / rel).stat().st_size != info.get("bytes"):
                missing.append(rel)
        except OSError:
            missing.append(rel)
    return missing


def edition_is_complete(edition: Edition) -> bool:
    """Every file the manifest lists is there, with its recorded size."""
    return not missing_files(edition)


def published_edition(scan: EditionScan, published_html_sha256: str | None) -> Edition | None:
    """The edition whose briefing.html is the published one (by sha256), if any: what readers really see."""
    if not published_html_sha256:
        return None
    matches = [e for e in scan.editions if e.manifest.get("files", {}).get(HTML_NAME, {}).get("sha256") == published_html_sha256]
    return matches[-1] if matches else None


def read_edition_info(out_dir: Path) -> dict[str, Any]:
    """What the build tells the notebooks about the edition they make (``out_dir/edition.json``).

    Keys: as_of, revision (0 for a first edition, n for revision n), revises (folder of the edition it
    replaces, "" if none), revision_note (why, "" if none), previous_edition (folder name, "" if none),
    quotes_checked (bool), sources_dir.

    Args:
        out_dir: the notebooks' ``out_dir`` parameter (or an edition folder).

    Returns:
        The info; {} when the file is absent (a notebook run by hand).
    """
    path = Path(out_dir) / EDITION_INFO_NAME
    return read_json_object(path) if path.exists() else {}
