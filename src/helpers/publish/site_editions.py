"""What the site knows of each edition: its folder, dates, revision, headline and information date.

Read from an edition's files (``manifest.json``, ``analysis/changes.json``, ``analysis/key_figures.json``),
tolerant of fields other work adds later. The pages, the feed and the archive all read these records.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.files import JSONFileError, read_json_object

ARCHIVE_INDEX: str = "archive.json"


ARCHIVE_FORMAT: int = 1


EDITIONS_PAGE: str = "editions.html"


FEED_NAME: str = "feed.xml"


FRONT_PAGE: str = "index.html"


DATA_ZIP: str = "data.zip"


# Hidden files a build or restore leaves in an edition folder are never published.
EDITION_LEFTOVERS: str = ".*"


MANIFEST_NAME: str = "manifest.json"


HTML_NAME: str = "briefing.html"


PDF_NAME: str = "briefing.pdf"


# The project's site settings (base_url), read by every publish: cron, systemd and the workflow alike.
SETTINGS_NAME: str = "site.toml"


SITE_TITLE: str = "The proposed International Stabilization Force (ISF) for Gaza: editions"


# Folders of the data download (and the files beside them that the zip also carries).
DATA_FOLDERS: tuple[str, ...] = ("processed", "analysis")




_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


FOLDER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")








class PublishError(Exception):
    """A publish that must stop; the message is the one line the user sees."""


class PublishBusy(PublishError):
    """Another publish of the same site, or a build, is running: try again later (exit 75)."""


@dataclass(frozen=True)
class SiteEdition:
    """One edition folder as the site shows it.

    Attributes:
        folder: the folder's name under editions/ (the as_of date, or a revision's own name).
        path: where its files are read from.
        as_of: the edition date.
        built_at: when it was built (ISO timestamp, "" when the manifest does not say).
        information_date: the date its information is current to, YYYY-MM-DD ("" when not recorded).
        information_label: that date as the analysis words it, with its precision ("c. 15 Nov 2025");
            "" when only the bare date is recorded.
        headline: the headline changes since the previous edition (empty when not recorded).
        has_previous: what changes.json says: False for an edition with nothing before it to compare
            with, None when the edition has no changes.json.
        revision: 0 for an original edition, n for the n-th revision of its date.
        revision_note: why it was revised, when the manifest says.
        published_at: when it was first published (ISO timestamp; "" for a draft not yet published).
        headline_items: the headline as (text, source id, date label) for citations linked to the
            edition's sources (changes.json "headline_items"); empty for editions that lack them.
    """

    folder: str
    path: Path
    as_of: str
    built_at: str
    information_date: str
    information_label: str
    headline: tuple[str, ...]
    has_previous: bool | None
    revision: int
    revision_note: str
    published_at: str = ""
    headline_items: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote.

    Attributes:
        site: the site folder.
        editions: the editions on the site, newest first.
        restored: folders that came from the archive only (not in reports/editions).
        published: folders published by this run (drafts frozen, or local editions the archive lacked);
            empty when there was nothing new and nothing was written.
    """

    site: Path
    editions: tuple[SiteEdition, ...]
    restored: tuple[str, ...]
    published: tuple[str, ...] = ()


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`, or None when the file is absent (``helpers.files.read_json_object``).

    Raises:
        PublishError: the file exists but is not a JSON object (one line naming it).
    """
    try:
        return read_json_object(path, missing_ok=True)
    except JSONFileError as exc:
        raise PublishError(str(exc)) from None


def _revision_number(manifest: Mapping[str, Any]) -> int:
    """The revision number a manifest records; 0 when it records none.

    Args:
        manifest: an edition's manifest.

    Returns:
        `revision` as an int when it is one (or a numeric string), 1 when only `revises` /
        `revision_of` / `supersedes` names an earlier folder, else 0.
    """
    value = manifest.get("revision")
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if any(manifest.get(key) for key in ("revises", "revision_of", "supersedes")):
        return 1
    return 0


def _headline_items(analysis_dir: Path) -> tuple[tuple[str, str, str], ...]:
    """The headline items of an edition with their citations: (text, source id, date label[; added late]).

    Args:
        analysis_dir: the edition's analysis/ folder.

    Returns:
        One tuple per well-formed item of changes.json "headline_items"; () when there are none.
    """
    items = (read_json(analysis_dir / "changes.json") or {}).get("headline_items")
    if not isinstance(items, list):
        return ()
    return tuple((i["text"].strip(), str(i.get("source_id") or ""), str(i.get("date_label") or "") + ("; added late" if i.get("late") else ""))
                 for i in items if isinstance(i, dict) and isinstance(i.get("text"), str) and i["text"].strip())


def cited(item: tuple[str, str, str], base: str) -> str:
    """A headline item as HTML, its citation linked to the source's entry in the edition's briefing."""
    text, source, when = (html.escape(x) for x in item)
    link = f'<a href="{base}{HTML_NAME}#src-{source}">{source}</a>' if source else ""
    cite = ", ".join(p for p in (link, when) if p)
    return f"{text} ({cite})" if cite else text


def _changes(analysis_dir: Path) -> tuple[tuple[str, ...], bool | None]:
    """The headline changes of an edition (analysis/changes.json), and whether it had a previous one.

    Args:
        analysis_dir: the edition's analysis/ folder.

    Returns:
        (the non-empty strings of "headline", "has_previous" as a bool or None); ((), None) when the
        edition has no changes.json.
    """
    changes = read_json(analysis_dir / "changes.json")
    if changes is None:
        return (), None
    items = changes.get("headline")
    headline = tuple(i.strip() for i in items if isinstance(i, str) and i.strip()) if isinstance(items, list) else ()
    has_previous = changes.get("has_previous")
    return headline, has_previous if isinstance(has_previous, bool) else None


def _information_date(analysis_dir: Path) -> tuple[str, str]:
    """The date the edition's information is current to (key_figures.json "information_date").

    Args:
        analysis_dir: the edition's analysis/ folder.

    Returns:
        (YYYY-MM-DD, label): from {"date", "label"} as helpers.analysis writes it, or from a bare
        "YYYY-MM-DD" string (label ""); ("", "") when not recorded.
    """
    figures = read_json(analysis_dir / "key_figures.json") or {}
    value = figures.get("information_date")
    if isinstance(value, dict):
        date, label = value.get("date"), value.get("label")
        date = date if isinstance(date, str) and _DATE_RE.match(date) else ""
        return date, label if date and isinstance(label, str) else ""
    return (value, "") if isinstance(value, str) and _DATE_RE.match(value) else ("", "")


def read_site_edition(folder: Path) -> SiteEdition:
    """Read one edition folder for the site.

    Args:
        folder: reports/editions/<folder>/ or the archive's editions/<folder>/.

    Returns:
        The edition.

    Raises:
        PublishError: no manifest, a manifest that is not a JSON object, or no briefing.html / .pdf.
    """
    manifest = read_json(folder / MANIFEST_NAME)
    if manifest is None:
        raise PublishError(f"{folder}: no {MANIFEST_NAME}; an edition folder needs one")
    for name in (HTML_NAME, PDF_NAME):
        if not (folder / name).is_file():
            raise PublishError(f"{folder}: {name} is missing")
    as_of = manifest.get("as_of")
    if not isinstance(as_of, str) or not _DATE_RE.match(as_of):
        as_of = folder.name[:10]
        if not _DATE_RE.match(as_of):
            raise PublishError(f"{folder / MANIFEST_NAME}: field as_of is missing or not YYYY-MM-DD")
    note = manifest.get("revision_note") or manifest.get("revised_note") or ""
    information_date, information_label = _information_date(folder / "analysis")
    headline, has_previous = _changes(folder / "analysis")
    return SiteEdition(
        folder=folder.name,
        path=folder,
        as_of=as_of,
        built_at=str(manifest.get("built_at") or ""),
        information_date=information_date,
        information_label=information_label,
        headline=headline,
        has_previous=has_previous,
        revision=_revision_number(manifest),
        revision_note=str(note),
        headline_items=_headline_items(folder / "analysis"),
    )


def newest_first(editions: Iterable[SiteEdition]) -> list[SiteEdition]:
    """Editions newest first: by date, then revision, then build time.

    Args:
        editions: any editions.

    Returns:
        A new list, newest first.
    """
    return sorted(editions, key=lambda e: (e.as_of, e.revision, e.built_at, e.folder), reverse=True)


def local_editions(editions_dir: Path) -> list[SiteEdition]:
    """Every edition folder in reports/editions (hidden staging folders skipped).

    Args:
        editions_dir: reports/editions.

    Returns:
        The editions, newest first.

    Raises:
        PublishError: a folder is not a readable edition (named in the message).
    """
    if not editions_dir.is_dir():
        return []
    folders = [p for p in editions_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return newest_first(read_site_edition(p) for p in folders)
