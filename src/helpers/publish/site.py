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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import html
import json
import os
import re
import shutil
import stat
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from helpers import fmt
from helpers.files import JSONFileError, read_json_object
from helpers.publish.atomic import exchange, move_dir, remove_tree
from helpers.publish.editions import EditionScan, Edition, Editions, load_edition, missing_files, repair_broken, scan_editions
from helpers.publish.manifest import file_sha256, tree_digest

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
# A namespace for the feed's entry ids: stable across runs, hosts and base URLs.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "isf-briefing/editions")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FOLDER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
# Relative links inside a briefing (a data download, an image file) must still work from the front
# page; only plain paths are rewritten (not anchors, schemes, or script text such as `${...}`).
_RELATIVE_ATTR = re.compile(r'(\s(?:href|src)=")([A-Za-z0-9_][A-Za-z0-9_./\-]*)(")')
_BODY_OPEN = re.compile(r"<body[^>]*>", re.IGNORECASE)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)


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


# --------------------------------------------------------------------------------------------------
# Reading editions (tolerant of fields other work adds later)
# --------------------------------------------------------------------------------------------------


def _read_json_object(path: Path) -> dict[str, Any] | None:
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
    items = (_read_json_object(analysis_dir / "changes.json") or {}).get("headline_items")
    if not isinstance(items, list):
        return ()
    return tuple((i["text"].strip(), str(i.get("source_id") or ""), str(i.get("date_label") or "") + ("; added late" if i.get("late") else ""))
                 for i in items if isinstance(i, dict) and isinstance(i.get("text"), str) and i["text"].strip())


def _cited(item: tuple[str, str, str], base: str) -> str:
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
    changes = _read_json_object(analysis_dir / "changes.json")
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
    figures = _read_json_object(analysis_dir / "key_figures.json") or {}
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
    manifest = _read_json_object(folder / MANIFEST_NAME)
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


# --------------------------------------------------------------------------------------------------
# The archive index and its check
# --------------------------------------------------------------------------------------------------


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


def _edition_folders(site: Path) -> list[str]:
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
    index = _read_json_object(index_path)
    if index is None:
        held = _edition_folders(archive)
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
        if not isinstance(folder, str) or not _FOLDER_RE.match(folder):
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


def _differing_file(a: Path, b: Path) -> str:
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
        differs = _differing_file(edition.path, mine.path)
        if differs:
            raise PublishError(
                f"{mine.path} differs from the published edition in {archive} ({differs}); published editions are never "
                f"rewritten: move the local copy aside and run `python3 dev.py publish --restore --archive {archive}`, "
                f"or publish a correction with `python3 dev.py correct --note \"why\"`"
            )


# --------------------------------------------------------------------------------------------------
# Pages and feed
# --------------------------------------------------------------------------------------------------


def information_text(edition: SiteEdition) -> str:
    """The date an edition's information is current to, as readers see it.

    Args:
        edition: an edition.

    Returns:
        The analysis's own label when recorded (it keeps the date's precision, e.g. "c. 15 Nov 2025"),
        else the long form of the bare date, else "".
    """
    return edition.information_label or fmt.dated_text(edition.information_date)


def no_changes_text(edition: SiteEdition) -> str:
    """What the page and feed say for an edition with no headline changes.

    Args:
        edition: an edition whose headline is empty.

    Returns:
        One sentence.
    """
    if edition.has_previous is False:
        return "No previous edition to compare with."
    return "No list of changes was recorded for this edition."


def edition_label(edition: SiteEdition) -> str:
    """The edition's name for readers: "20 November 2025", or "... (revision 2)".

    Args:
        edition: an edition.

    Returns:
        The label.
    """
    label = fmt.dated_text(edition.as_of)
    return f"{label} (revision {edition.revision})" if edition.revision else label


def _superseded(editions: Sequence[SiteEdition]) -> set[str]:
    """Folders replaced by a later revision of the same date.

    Args:
        editions: newest first.

    Returns:
        Every folder that is not the newest of its as_of.
    """
    seen: set[str] = set()
    old: set[str] = set()
    for edition in editions:
        if edition.as_of in seen:
            old.add(edition.folder)
        seen.add(edition.as_of)
    return old


_PAGE_CSS = """
:root { --ink: #1d232b; --muted: #4f5965; --accent: #12355b; --rule: #d8dde3; }
html { font-size: 17px; }
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem; color: var(--ink); background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, "DejaVu Sans", sans-serif; line-height: 1.55; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 0 0 .3rem; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.lede { color: var(--muted); }
ol.editions { list-style: none; padding: 0; margin: 0; }
ol.editions > li { border-top: 1px solid var(--rule); padding: 1rem 0; }
.dates { margin: 0 0 .4rem; color: var(--muted); font-size: .92rem; }
.links { margin: .4rem 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.revised { margin: .3rem 0; font-size: .92rem; }
.superseded h2 { color: var(--muted); }
"""


def _edition_item(edition: SiteEdition, superseded: bool, newest_folder: str) -> str:
    """One <li> of the editions page.

    Args:
        edition: the edition.
        superseded: a later revision of the same date exists.
        newest_folder: the folder of the newest edition on the site.

    Returns:
        The HTML of the list item.
    """
    esc = html.escape
    base = f"editions/{esc(edition.folder)}"
    info = information_text(edition) or "not recorded"
    lines = [f'<li class="{"superseded" if superseded else "current"}" id="edition-{esc(edition.folder)}">']
    lines.append(f"<h2>{esc(edition_label(edition))}</h2>")
    lines.append(
        f'<p class="dates">Edition date: <time datetime="{esc(edition.as_of)}">{esc(fmt.dated_text(edition.as_of))}</time>'
        f" · Information current to: {esc(info)}"
        + (" · latest edition" if edition.folder == newest_folder else "")
        + "</p>"
    )
    if edition.revision:
        note = f": {esc(edition.revision_note)}" if edition.revision_note else ""
        lines.append(f'<p class="revised">Revision {edition.revision} of the {esc(fmt.dated_text(edition.as_of))} edition{note}.</p>')
    if superseded:
        lines.append('<p class="revised">Superseded by a later revision of this date (kept as published).</p>')
    if edition.headline_items:
        lines.append("<p>What changed since the previous edition:</p><ul>")
        lines += [f"<li>{_cited(item, base + '/')}</li>" for item in edition.headline_items]
        lines.append("</ul>")
    elif edition.headline:
        lines.append("<p>What changed since the previous edition:</p><ul>")
        lines += [f"<li>{esc(item)}</li>" for item in edition.headline]
        lines.append("</ul>")
    else:
        lines.append(f'<p class="dates">{esc(no_changes_text(edition))}</p>')
    label = esc(edition_label(edition))
    # Screen readers list links out of context: each link's name starts with its visible text and
    # names its edition.
    links = (
        (HTML_NAME, "Briefing (HTML)"), (PDF_NAME, "Briefing (PDF)"),
        (DATA_ZIP, "Data (CSV and JSON, zip)"), (MANIFEST_NAME, "Build record (JSON)"),
    )
    lines.append(f'<ul class="links" aria-label="Files of the {label} edition">')
    lines += [f'<li><a href="{base}/{name}" aria-label="{text}, {label}">{text}</a></li>' for name, text in links]
    lines.append("</ul>")
    lines.append("</li>")
    return "\n".join(lines)


def editions_page(editions: Sequence[SiteEdition], generated_at: str) -> str:
    """The editions page: one self-contained HTML page (inline CSS, no scripts, no external files).

    Args:
        editions: newest first.
        generated_at: ISO timestamp of this publish.

    Returns:
        The page's HTML.
    """
    old = _superseded(editions)
    newest = editions[0].folder if editions else ""
    items = "\n".join(_edition_item(e, e.folder in old, newest) for e in editions)
    count = len(editions)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(SITE_TITLE)}</title>
<link rel="alternate" type="application/atom+xml" title="Editions feed (Atom)" href="{FEED_NAME}">
<style>{_PAGE_CSS}</style>
</head>
<body>
<header>
<p><a href="{FRONT_PAGE}">Latest briefing</a> · <a href="{FEED_NAME}">Subscribe (Atom feed)</a></p>
<h1>{html.escape(SITE_TITLE)}</h1>
<p class="lede">{count} edition{"" if count == 1 else "s"}, newest first. Each edition is kept as it was
published; a rebuilt date appears as a revision beside the original. Page generated
{html.escape(fmt.dated_text(generated_at))}.</p>
</header>
<main>
<ol class="editions" reversed>
{items}
</ol>
</main>
</body>
</html>
"""


def front_page(briefing_html: str, latest: SiteEdition) -> str:
    """The latest briefing as the site's front page, with a bar linking to the archive.

    Args:
        briefing_html: the latest edition's briefing.html.
        latest: that edition.

    Returns:
        The page: relative links re-pointed into editions/<folder>/, a feed link in the head and a
        navigation bar at the top of the body.
    """
    base = f"editions/{latest.folder}/"
    page = _RELATIVE_ATTR.sub(lambda m: m.group(1) + base + m.group(2) + m.group(3), briefing_html)
    feed_link = f'<link rel="alternate" type="application/atom+xml" title="Editions feed (Atom)" href="{FEED_NAME}">'
    page = _HEAD_CLOSE.sub(lambda m: feed_link + "\n" + m.group(0), page, count=1)
    bar = (
        '<nav class="isf-site-bar" aria-label="Archive" style="font:15px/1.4 system-ui,sans-serif;'
        'padding:.5rem 1rem;border-bottom:1px solid #d8dde3;background:#f4f6f8">'
        f'Edition of {html.escape(fmt.dated_text(latest.as_of))} · <a href="{EDITIONS_PAGE}">All editions</a>'
        f' · <a href="{base}{PDF_NAME}">PDF</a> · <a href="{FEED_NAME}">Atom feed</a></nav>'
    )
    match = _BODY_OPEN.search(page)
    if match is None:
        return bar + page
    return page[: match.end()] + bar + page[match.end():]


def _timestamp(edition: SiteEdition) -> dt.datetime:
    """When the edition was published (timezone-aware): its publication time, else its build time, else
    its date at 00:00 UTC.

    Args:
        edition: an edition.

    Returns:
        The timestamp.
    """
    for value in (edition.published_at, edition.built_at, edition.as_of):
        try:
            stamp = dt.datetime.fromisoformat(value)
        except ValueError:
            continue
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
    return dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def sentence(text: str) -> str:
    """``text`` ending with one full stop: none is added after a closing ., ! or ? (no double periods).

    Args:
        text: a clause or a sentence.

    Returns:
        The sentence ("" for blank text).
    """
    text = text.strip()
    if not text:
        return ""
    return text if text.rstrip("\"'”’)]").endswith((".", "!", "?", "…")) else text + "."


def entry_id(edition: SiteEdition) -> str:
    """The feed entry's permanent id: a name-based UUID of the edition folder.

    Args:
        edition: an edition.

    Returns:
        "urn:uuid:..." (the same for the same folder on every run and host).
    """
    return uuid.uuid5(_ID_NAMESPACE, edition.folder).urn


def edition_summary(edition: SiteEdition, with_changes: bool = True) -> str:
    """The feed entry's summary: revision, information date, and the headline changes.

    Args:
        edition: an edition.
        with_changes: include the headline changes (or the line saying none were recorded).

    Returns:
        Plain text.
    """
    parts = []
    if edition.revision:
        parts.append(sentence(f"Revision {edition.revision} of the {fmt.dated_text(edition.as_of)} edition"
                              + (f": {edition.revision_note}" if edition.revision_note.strip() else "")))
    if edition.information_date:
        parts.append(sentence(f"Information current to {information_text(edition)}"))
    if not with_changes:
        pass
    elif edition.headline:
        items = [item.strip().rstrip(".;").strip() for item in edition.headline]
        parts.append(sentence("What changed: " + "; ".join(i for i in items if i)))
    else:
        parts.append(sentence(no_changes_text(edition)))
    return " ".join(parts)


def _entry_content(edition: SiteEdition, base: str) -> str:
    """The feed entry's HTML content: the summary, the headline changes as a list, and the links.

    Args:
        edition: an edition.
        base: the edition folder's address, ending in "/".

    Returns:
        An HTML fragment (feedgen escapes it into the feed).
    """
    esc = html.escape
    if not edition.headline:
        parts = [f"<p>{esc(edition_summary(edition))}</p>"]
    else:
        lead = edition_summary(edition, with_changes=False)
        parts = [f"<p>{esc(lead)}</p>"] if lead else []
        items = [_cited(i, esc(base)) for i in edition.headline_items] or [esc(item) for item in edition.headline]
        parts.append("<p>What changed:</p><ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
    parts.append(
        f'<p><a href="{esc(base)}{HTML_NAME}">Briefing (HTML)</a> · <a href="{esc(base)}{PDF_NAME}">Briefing (PDF)</a>'
        f' · <a href="{esc(base)}{DATA_ZIP}">Data (zip)</a></p>'
    )
    return "".join(parts)


def atom_feed(editions: Sequence[SiteEdition], base_url: str) -> bytes:
    """The Atom feed, one entry per edition folder, newest edition first (written with feedgen).

    Every link, rel="self" included, is absolute under ``base_url``; each entry's `updated` (and
    `published`) is when that edition was published, and the feed's `updated` the latest of those.

    Args:
        editions: the editions (any order; the feed orders them by edition date, then revision).
        base_url: the site's public address (site.toml's base_url), http(s) or file URL.

    Returns:
        The feed document (UTF-8 XML).

    Raises:
        PublishError: no absolute base URL.
    """
    from feedgen.feed import FeedGenerator

    root = check_base_url(base_url)
    ordered = sorted(editions, key=lambda e: (e.as_of, e.revision, e.folder), reverse=True)
    feed = FeedGenerator()
    feed.id(uuid.uuid5(_ID_NAMESPACE, "feed").urn)
    feed.title(SITE_TITLE)
    feed.author({"name": "ISF briefing"})
    feed.link(href=f"{root}{EDITIONS_PAGE}", rel="alternate", type="text/html")
    feed.link(href=f"{root}{FEED_NAME}", rel="self", type="application/atom+xml")
    feed.language("en-GB")
    feed.updated(max((_timestamp(e) for e in ordered), default=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)))
    for edition in ordered:
        entry = feed.add_entry(order="append")
        entry.id(entry_id(edition))
        entry.title(f"Edition of {edition_label(edition)}")
        base = f"{root}editions/{edition.folder}/"
        # One link only: feedgen 1.0.0 drops rel/type of entry links (python-feedgen issue 135), so a
        # second (PDF) link would be a second "alternate". The PDF and data links go in the content.
        entry.link(href=f"{base}{HTML_NAME}")
        entry.published(_timestamp(edition))
        entry.updated(_timestamp(edition))
        entry.summary(edition_summary(edition))
        entry.content(_entry_content(edition, base), type="html")
    return feed.atom_str(pretty=True)


def check_base_url(base_url: str) -> str:
    """The site's public address, ending in "/".

    Raises:
        PublishError: blank or not an absolute http(s) or file URL (one line saying where to set it).
    """
    url = (base_url or "").strip()
    if not re.match(r"^(https?://[^/\s]+|file://)/?\S*$", url):
        raise PublishError(
            f"the site's public address is {url or 'not set'!r}: set base_url in {SETTINGS_NAME} to an absolute URL "
            "such as https://owner.github.io/repository/ (or pass --base-url URL), so the feed's links work in any reader"
        )
    return url.rstrip("/") + "/"


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


# --------------------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# The site folder: locks, leftovers, and swapping the new site in
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# Publishing: freeze the drafts, build the site, swap it in
# --------------------------------------------------------------------------------------------------


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
            if _differing_file(draft.path, loaded[draft.name].path):
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
        if first_run and site != archive and _edition_folders(site):
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
