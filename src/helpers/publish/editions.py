"""Drafts and published editions: reports/drafts/ and reports/editions/, read without ever crashing.

A **draft** is what `build` makes: `reports/drafts/<as_of>/`, rebuilt as often as asked. `publish`
**freezes** drafts: it puts them on the site and moves them to `reports/editions/<folder>/`, the local copy
of the published editions, whose bytes never change again (the site, or its archive branch, is the
authoritative copy; `publish --restore` brings it back).

Layout of a date's folders: the first edition is `<as_of>` (revision 0); a correction of a published
edition (`correct --note`) is a draft `<as_of>-r<n>` (revision n) beside it, frozen by the next publish.
A date's *current* folder is its highest revision, draft or published. A new draft's "previous edition"
(what its "what changed" compares with) is the current folder of the latest date before it: the last
published edition, or an earlier draft that will be published with it. A revision compares with the
same previous edition as the edition it revises, and lists its corrections against that edition.

`scan_editions` reads every folder of one place once and keeps the broken ones (manifest missing,
truncated or not an object) apart, so a broken manifest is reported, never silently dropped, and never
lets an older edition be published over it. `Editions` puts the drafts and the published editions together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.publish.errors import BuildError
from helpers.publish.manifest import ManifestError, read_claim_hashes, read_json_object, read_manifest

DRAFTS_FOLDER: str = "drafts"
PUBLISHED_FOLDER: str = "editions"
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
        """The current edition of the greatest date before ``as_of`` (EditionError if it is broken)."""
        return last_before(self.current(), as_of)


def last_before(current: list[Edition | BrokenEdition], as_of: str) -> Edition | None:
    """The last of each date's current folders (oldest first) dated before ``as_of``.

    Raises:
        EditionError: that folder's manifest is broken (it is never skipped silently).
    """
    earlier = [e for e in current if e.as_of < as_of]
    if not earlier:
        return None
    if isinstance(earlier[-1], BrokenEdition):
        broken = earlier[-1]
        raise EditionError(f"the previous edition {broken.name} is broken ({broken.reason}); {repair_broken(broken)}")
    return earlier[-1]


def repair_broken(broken: BrokenEdition) -> str:
    """How to repair a broken folder: a published edition comes back from the archive; a draft is rebuilt."""
    if broken.path.parent.name == DRAFTS_FOLDER:
        return f"rebuild the draft (python3 dev.py build --as-of {broken.as_of}) or remove it (python3 dev.py clean --drafts)"
    return (f"move {broken.path} aside and restore the published copy: python3 dev.py publish --restore --archive "
            "<the site or its archive>; published editions are never rebuilt")


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


def previous_edition(editions_dir: Path, as_of: str) -> Edition | None:
    """The current edition of the greatest date strictly before ``as_of`` (EditionError if it is broken)."""
    return scan_editions(editions_dir).previous(as_of)


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


# --------------------------------------------------------------------------------------------------
# Drafts and published editions together
# --------------------------------------------------------------------------------------------------

Folder = Edition | BrokenEdition


def _order(edition: Folder) -> tuple[str, int]:
    return (edition.as_of, edition.revision)


@dataclass(frozen=True)
class Editions:
    """The published editions (reports/editions) and the drafts (reports/drafts) of one reports folder."""

    published: EditionScan
    drafts: EditionScan

    @classmethod
    def scan(cls, reports_dir: Path) -> "Editions":
        return cls(scan_editions(reports_dir / PUBLISHED_FOLDER), scan_editions(reports_dir / DRAFTS_FOLDER))

    def is_draft(self, edition: Folder) -> bool:
        return any(d.path == edition.path for d in self.drafts.folders())

    def timeline(self) -> list[Folder]:
        """Each date's current folder (its highest revision, draft or published), oldest date first."""
        by_date: dict[str, Folder] = {}
        for edition in sorted([*self.published.folders(), *self.drafts.folders()], key=_order):
            by_date[edition.as_of] = edition
        return list(by_date.values())

    def latest(self) -> Folder | None:
        """The newest folder of all: what reports/briefing.html shows."""
        timeline = self.timeline()
        return timeline[-1] if timeline else None

    def latest_published(self) -> Folder | None:
        """The current published folder of the latest published date."""
        return self.published.latest()

    def published_for(self, as_of: str) -> Folder | None:
        """The current published folder of ``as_of`` (None when that date was never published)."""
        return self.published.current_for(as_of)

    def draft_for(self, as_of: str) -> Folder | None:
        """The draft of ``as_of`` (its highest revision), if any."""
        return self.drafts.current_for(as_of)

    def previous(self, as_of: str) -> Edition | None:
        """What a new draft of ``as_of`` compares with: the current folder, draft or published, of the latest
        date before it (EditionError if it is broken)."""
        return last_before(self.timeline(), as_of)

    def find_published(self, name: str) -> Edition | None:
        """The readable published edition in folder ``name``."""
        return next((e for e in self.published.editions if e.name == name), None)

    def next_revision(self, as_of: str) -> int:
        """The revision number a correction of ``as_of`` gets: one above its highest published revision."""
        return self.published.next_revision(as_of)

    def problems(self) -> list[EditionProblem]:
        """Broken folders, published editions with missing files, and drafts that compare with the wrong edition."""
        found = [EditionProblem(b.name, b.reason, repair_broken(b)) for b in (*self.published.broken, *self.drafts.broken)]
        for edition in self.published.editions:
            missing = missing_files(edition)
            if missing:
                found.append(EditionProblem(
                    edition.name, "files missing or changed: " + ", ".join(missing[:3]),
                    "restore the published copy: python3 dev.py publish --restore --archive <the site or its archive> "
                    f"(after moving {edition.path} aside); published editions are never rebuilt",
                ))
        timeline = self.timeline()
        for draft in self.drafts.editions:
            expected = self.expected_previous(draft, timeline)
            recorded = str(draft.manifest.get("previous_edition") or "")
            key = str(draft.manifest.get("previous_input_key") or "")
            if recorded != (expected.name if expected else "") or (expected is not None and key != expected.input_key):
                found.append(EditionProblem(
                    f"{draft.name} (draft)",
                    f"its \"what changed\" compares with {recorded or 'no edition'} as it was, but the edition before it is now "
                    f"{expected.name if expected else 'none'}",
                    f"python3 dev.py build --as-of {draft.as_of}" if not draft.revision else "python3 dev.py correct --note TEXT",
                ))
        return found

    def expected_previous(self, draft: Edition, timeline: list[Folder] | None = None) -> Edition | None:
        """What ``draft`` should compare with now: for a revision, what the edition it revises compared with;
        otherwise the current folder of the latest date before it."""
        if draft.revision:
            revised = self.find_published(str(draft.manifest.get("revises") or ""))
            name = str(revised.manifest.get("previous_edition") or "") if revised else ""
            return self.find_published(name) if name else None
        earlier = [e for e in (timeline or self.timeline()) if e.as_of < draft.as_of]
        return earlier[-1] if earlier and isinstance(earlier[-1], Edition) else None


def corrected_claims(edition: Edition, current: Mapping[str, str]) -> list[str]:
    """The claims a published edition reported that the data now holds otherwise (edited) or not at all (removed).

    Args:
        edition: a published edition (its claims_index.json holds a hash per claim).
        current: claim_id -> row hash of the data now, cut at the edition's date (manifest.claim_hashes).

    Returns:
        The corrected claim ids, sorted; [] for an edition without a claims index (built before it existed).
    """
    reported = read_claim_hashes(edition.path)
    return sorted(cid for cid, digest in reported.items() if current.get(cid) != digest)
