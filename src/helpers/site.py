"""The published site: every edition, an editions page, an Atom feed, and the archive they come back from.

`python3 dev.py publish --site DIR [--archive DIR]` writes this layout (helpers.cli calls `publish_site`):

    index.html             the latest briefing, with a bar linking to the editions page, feed and PDF
    briefing.pdf           the latest briefing's PDF
    editions.html          every edition, newest first: dates, what changed, links to HTML, PDF and data
    feed.xml               Atom feed (feedgen), one entry per edition folder, newest first
    archive.json           the archive's index: every edition folder and the sha256 of each of its files
    editions/<folder>/     each edition's files as built, plus data.zip (its CSVs, JSON and manifest)

The site is its own archive. Each run restores the previous site (a git branch in GitHub Actions, the
site folder itself on a server) and `archive.json` records what it held. If the index is there, every
edition it lists must come back byte for byte, or the publish stops with one line and exit 1 before
anything is written. If the index is missing the publish stops too, unless the caller says
`--first-run`: only a person who knows no edition was ever published starts an empty archive.
The new site is built in a staging folder and swapped in with a rename, so a failed publish leaves
the previous site byte-identical.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import html
import json
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.manifest import file_sha256

ARCHIVE_INDEX: str = "archive.json"
ARCHIVE_FORMAT: int = 1
EDITIONS_PAGE: str = "editions.html"
FEED_NAME: str = "feed.xml"
FRONT_PAGE: str = "index.html"
DATA_ZIP: str = "data.zip"
MANIFEST_NAME: str = "manifest.json"
HTML_NAME: str = "briefing.html"
PDF_NAME: str = "briefing.pdf"
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
    headline_items: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote.

    Attributes:
        site: the site folder.
        editions: the editions on the site, newest first.
        restored: folders that came from the archive (not from reports/editions).
    """

    site: Path
    editions: tuple[SiteEdition, ...]
    restored: tuple[str, ...]


# --------------------------------------------------------------------------------------------------
# Reading editions (tolerant of fields other work adds later)
# --------------------------------------------------------------------------------------------------


def _read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`, or None when the file is absent.

    Args:
        path: a JSON file.

    Returns:
        The object, or None if there is no file.

    Raises:
        PublishError: the file exists but is not a JSON object.
    """
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PublishError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(value, dict):
        raise PublishError(f"{path}: expected a JSON object, got {type(value).__name__}")
    return value


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
        editions: the editions on the site.
        published_at: ISO timestamp of this publish.

    Returns:
        {"format", "published_at", "editions": [{"folder", "as_of", "revision", "files"}]}.
    """
    return {
        "format": ARCHIVE_FORMAT,
        "published_at": published_at,
        "editions": [
            {"folder": e.folder, "as_of": e.as_of, "revision": e.revision,
             "files": folder_files(site / "editions" / e.folder)}
            for e in editions
        ],
    }


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
    return newest_first(read_site_edition(archive / "editions" / e["folder"]) for e in listed)


def restore_editions(archive: Path, editions_dir: Path, first_run: bool) -> list[str]:
    """Copy the archive's editions that reports/editions lacks, so a build sees its previous edition.

    Args:
        archive: the restored previous site.
        editions_dir: reports/editions.
        first_run: the caller declares that no edition was ever published.

    Returns:
        The folders copied, oldest first.

    Raises:
        PublishError: the archive fails `check_archive`.
    """
    archived = check_archive(archive, first_run)
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


# --------------------------------------------------------------------------------------------------
# Pages and feed
# --------------------------------------------------------------------------------------------------


def long_date(value: str) -> str:
    """An ISO date as readers write it.

    Args:
        value: "YYYY-MM-DD" (a time part is ignored) or "".

    Returns:
        e.g. "20 November 2025"; "" for ""; text that is not a date, unchanged.
    """
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def information_text(edition: SiteEdition) -> str:
    """The date an edition's information is current to, as readers see it.

    Args:
        edition: an edition.

    Returns:
        The analysis's own label when recorded (it keeps the date's precision, e.g. "c. 15 Nov 2025"),
        else the long form of the bare date, else "".
    """
    return edition.information_label or long_date(edition.information_date)


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
    label = long_date(edition.as_of)
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
        f'<p class="dates">Edition date: <time datetime="{esc(edition.as_of)}">{esc(long_date(edition.as_of))}</time>'
        f" · Information current to: {esc(info)}"
        + (" · latest edition" if edition.folder == newest_folder else "")
        + "</p>"
    )
    if edition.revision:
        note = f": {esc(edition.revision_note)}" if edition.revision_note else ""
        lines.append(f'<p class="revised">Revision {edition.revision} of the {esc(long_date(edition.as_of))} edition{note}.</p>')
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
{html.escape(long_date(generated_at))}.</p>
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
        f'Edition of {html.escape(long_date(latest.as_of))} · <a href="{EDITIONS_PAGE}">All editions</a>'
        f' · <a href="{base}{PDF_NAME}">PDF</a> · <a href="{FEED_NAME}">Atom feed</a></nav>'
    )
    match = _BODY_OPEN.search(page)
    if match is None:
        return bar + page
    return page[: match.end()] + bar + page[match.end():]


def _timestamp(edition: SiteEdition) -> dt.datetime:
    """When the edition was built (timezone-aware), falling back to its date at 00:00 UTC.

    Args:
        edition: an edition.

    Returns:
        The timestamp.
    """
    try:
        stamp = dt.datetime.fromisoformat(edition.built_at)
    except ValueError:
        stamp = dt.datetime.fromisoformat(edition.as_of)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


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
        parts.append(f"Revision {edition.revision} of the {long_date(edition.as_of)} edition"
                     + (f": {edition.revision_note}." if edition.revision_note else "."))
    if edition.information_date:
        parts.append(f"Information current to {information_text(edition)}.")
    if not with_changes:
        pass
    elif edition.headline:
        parts.append("What changed: " + "; ".join(edition.headline) + ".")
    else:
        parts.append(no_changes_text(edition))
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


def atom_feed(editions: Sequence[SiteEdition], base_url: str = "") -> bytes:
    """The Atom feed, one entry per edition folder, newest first (written with feedgen).

    Args:
        editions: newest first.
        base_url: the site's public address (e.g. from actions/configure-pages); "" writes links
            relative to the feed, which Atom resolves against the feed's own address.

    Returns:
        The feed document (UTF-8 XML).
    """
    from feedgen.feed import FeedGenerator

    root = base_url.rstrip("/") + "/" if base_url else ""
    feed = FeedGenerator()
    feed.id(uuid.uuid5(_ID_NAMESPACE, "feed").urn)
    feed.title(SITE_TITLE)
    feed.author({"name": "ISF briefing"})
    feed.link(href=f"{root}{EDITIONS_PAGE}", rel="alternate", type="text/html")
    feed.link(href=f"{root}{FEED_NAME}", rel="self", type="application/atom+xml")
    feed.language("en-GB")
    feed.updated(max((_timestamp(e) for e in editions), default=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)))
    for edition in editions:
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


def _same_files(a: Path, b: Path) -> bool:
    """Whether two edition folders hold the same files with the same bytes (data.zip aside).

    Args:
        a: one folder.
        b: the other.

    Returns:
        True when identical.
    """
    strip = lambda files: {k: v for k, v in files.items() if k != DATA_ZIP}  # noqa: E731
    return strip(folder_files(a)) == strip(folder_files(b))


def gather_editions(reports_editions: Path, archived: Sequence[SiteEdition]) -> tuple[list[SiteEdition], list[str]]:
    """The editions the site will hold: every archived one plus every local one.

    Args:
        reports_editions: reports/editions.
        archived: the checked archive's editions.

    Returns:
        (editions newest first, notes to print). A folder in both places is taken from reports/ (the
        build there is the current one); a note says so when its files differ from the archived copy.
    """
    local = {e.folder: e for e in local_editions(reports_editions)}
    notes = [
        f"note: editions/{e.folder} differs from the archived copy; publishing the one in {reports_editions}"
        for e in archived
        if e.folder in local and not _same_files(e.path, local[e.folder].path)
    ]
    merged = {e.folder: e for e in archived}
    merged.update(local)
    return newest_first(merged.values()), notes


def build_site(editions: Sequence[SiteEdition], target: Path, base_url: str, published_at: str) -> None:
    """Write the whole site into `target` (an empty or new folder).

    Args:
        editions: newest first; at least one.
        target: the folder to fill.
        base_url: public address for the feed's links ("" for relative links).
        published_at: ISO timestamp of this publish.
    """
    target.mkdir(parents=True, exist_ok=True)
    for edition in editions:
        folder = target / "editions" / edition.folder
        shutil.copytree(edition.path, folder, ignore=shutil.ignore_patterns(DATA_ZIP))
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


def _swap_in(staging: Path, site: Path) -> None:
    """Replace `site` with `staging` by renames (the old site stays whole until the last moment).

    Args:
        staging: the finished new site, a sibling of `site`.
        site: the published site folder (may not exist yet).
    """
    if not site.exists():
        os.replace(staging, site)
        return
    aside = site.with_name(f".{site.name}.old-{os.getpid()}")
    os.replace(site, aside)
    try:
        os.replace(staging, site)
    except BaseException:
        os.replace(aside, site)
        raise
    shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def publish_lock(site: Path) -> Iterator[None]:
    """Hold an fcntl lock beside the site for the whole publish; a second publish is refused.

    Args:
        site: the site folder (the lock file is its hidden sibling).

    Raises:
        PublishError: another publish of the same site is running.
    """
    site.parent.mkdir(parents=True, exist_ok=True)
    with (site.parent / f".{site.name}.publish.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another publish of {site} is running; try again later") from None
        yield


def publish_site(
    reports_dir: Path,
    site: Path,
    archive: Path | None = None,
    first_run: bool = False,
    base_url: str = "",
    now: dt.datetime | None = None,
) -> PublishResult:
    """Check the archive, then build the site from it and reports/editions and swap it in.

    Args:
        reports_dir: the reports folder (its editions/ holds the local builds).
        site: where the site is published; replaced only when everything succeeded.
        archive: the restored previous site; None means `site` itself (a server keeps it on disk).
        first_run: the caller declares that no edition was ever published (no archive index needed).
        base_url: the site's public address for the feed ("" for relative links).
        now: the publish time (tests pass one; default: now, UTC).

    Returns:
        What was published.

    Raises:
        PublishError: a failed archive check, no edition to publish, or an unreadable edition.
    """
    archive = site if archive is None else archive
    with publish_lock(site):
        archived = check_archive(archive, first_run)
        editions, notes = gather_editions(reports_dir / "editions", archived)
        for note in notes:
            print(note, flush=True)
        if not editions:
            raise PublishError(f"no edition to publish in {reports_dir / 'editions'} (run: python3 dev.py build)")
        published_at = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        staging = site.with_name(f".{site.name}.staging-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            build_site(editions, staging, base_url, published_at)
            _swap_in(staging, site)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    local = {e.folder for e in local_editions(reports_dir / "editions")}
    restored = tuple(e.folder for e in editions if e.folder not in local)
    return PublishResult(site=site, editions=tuple(editions), restored=restored)
