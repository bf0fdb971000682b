"""The site's Atom feed (feedgen): one entry per edition folder, newest edition first, links absolute under the site's address.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from collections.abc import Sequence

from helpers import fmt
from helpers.publish.site_editions import (
    DATA_ZIP, EDITIONS_PAGE, FEED_NAME, HTML_NAME, PDF_NAME, SETTINGS_NAME, SITE_TITLE, PublishError, SiteEdition, cited,
)
from helpers.publish.site_pages import back_dated_text, edition_label, information_text, no_changes_text, stale_text

# A namespace for the feed's entry ids: stable across runs, hosts and base URLs.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "isf-briefing/editions")



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
    if back_dated_text(edition):
        parts.append(back_dated_text(edition))
    if edition.information_date:
        parts.append(sentence(f"Information current to {information_text(edition)}"))
    if stale_text(edition):
        parts.append(stale_text(edition))
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
        items = [cited(i, esc(base)) for i in edition.headline_items] or [esc(item) for item in edition.headline]
        parts.append("<p>What changed:</p><ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
    parts.append(
        f'<p><a href="{esc(base)}{HTML_NAME}">Briefing (HTML)</a> · <a href="{esc(base)}{PDF_NAME}">Briefing (PDF)</a>'
        f' · <a href="{esc(base)}{DATA_ZIP}">Data (zip)</a></p>'
    )
    return "".join(parts)


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
