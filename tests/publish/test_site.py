"""The published site (helpers.publish.site, `dev.py publish`) on small fixture editions in temporary folders.

The `reports` fixture holds local copies of published editions (reports/editions) that no site holds
yet, as a server upgraded from before drafts has: the first publish puts them all on the site.
`make_draft` writes drafts as `build` does (a manifest listing every file and what it compares with).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

from helpers import fmt, paths
from helpers.publish import site as site_module
from helpers.publish.site_editions import PublishResult
from helpers.publish.manifest import file_sha256, files_listing, tree_digest
from helpers.publish.archive import check_archive, restore_editions
from helpers.publish.feed import entry_id
from helpers.publish.site_editions import ARCHIVE_INDEX, PublishBusy, PublishError, read_site_edition

NOW = dt.datetime(2025, 11, 21, 7, 0, tzinfo=dt.timezone.utc)
BASE = "https://example.org/isf/"


def publish_site(reports: Path, site: Path, **kwargs: object) -> PublishResult:
    """helpers.publish.site.publish_site with the site's public address set, as site.toml sets it."""
    return site_module.publish_site(reports, site, **{"base_url": BASE, **kwargs})  # type: ignore[arg-type]
WORKFLOW = paths.ROOT / ".github" / "workflows" / "briefing.yml"


def make_edition(
    reports: Path,
    folder: str,
    *,
    headline: list[str] | None = None,
    has_previous: bool = True,
    information_date: str | None = None,
    information_label: str | None = None,
    manifest_extra: dict | None = None,
) -> Path:
    """A minimal edition folder like the build writes: briefing.html/.pdf, manifest, data, analysis.

    information_date is written as helpers.analysis writes it ({"date", "label", "source_id"}) when a
    label is given, else as a bare YYYY-MM-DD string; changes.json only when a headline is given.
    """
    path = reports / "editions" / folder
    (path / "processed").mkdir(parents=True)
    (path / "analysis").mkdir()
    as_of = folder[:10]
    (path / "briefing.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>Briefing {folder}</title></head>'
        f'<body><h1>Briefing {folder}</h1><a href="processed/claims.csv">claims</a> <a href="#top">top</a></body></html>',
        encoding="utf-8",
    )
    (path / "briefing.pdf").write_bytes(b"%PDF-1.4 " + folder.encode())
    (path / "processed" / "claims.csv").write_text(f"claim_id,as_of\nC1,{as_of}\n", encoding="utf-8")
    figures = {"countries_willing": []}
    if information_date:
        figures["information_date"] = (
            {"date": information_date, "label": information_label, "source_id": "S001"} if information_label
            else information_date
        )
    (path / "analysis" / "key_figures.json").write_text(json.dumps(figures), encoding="utf-8")
    if headline is not None:
        changes = {"as_of": as_of, "has_previous": has_previous, "headline": headline, "news": []}
        (path / "analysis" / "changes.json").write_text(json.dumps(changes), encoding="utf-8")
    manifest = {"as_of": as_of, "built_at": f"{as_of}T06:17:00+00:00", "renderer": "fake",
                "input_key": "ab" * 32, **(manifest_extra or {})}
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """Three editions, the last with a revision beside it; only the middle one lacks changes.json and
    records its information date as a bare string."""
    root = tmp_path / "reports"
    make_edition(root, "2025-10-17", headline=[], has_previous=False, information_date="2025-10-17",
                 information_label="17 Oct 2025")
    make_edition(root, "2025-11-10", information_date="2025-11-08")
    make_edition(root, "2025-11-20", headline=["About 70 countries asked", "19 willing"], information_date="2025-11-15",
                 information_label="c. 15 Nov 2025")
    make_edition(root, "2025-11-20-r2", headline=["Corrected: Egypt's stage"], information_date="2025-11-15",
                 information_label="c. 15 Nov 2025", manifest_extra={"as_of": "2025-11-20", "revision": 2, "revises": "2025-11-20",
                                 "revision_note": "a quote was corrected"})
    return root


ORDER = ["2025-11-20-r2", "2025-11-20", "2025-11-10", "2025-10-17"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Links(HTMLParser):
    """Every href of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href:
            self.hrefs.append(href)


def hrefs(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


def make_draft(reports: Path, folder: str, previous: str = "", **kwargs: object) -> Path:
    """A draft as `build` writes it: reports/drafts/<folder>/, its manifest listing every file and what it
    compares with (the previous folder's input key read from reports/editions or reports/drafts)."""
    path = make_edition(reports, folder, **kwargs)  # type: ignore[arg-type]
    target = reports / "drafts" / folder
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    key = ""
    for place in ("editions", "drafts"):
        if previous and (reports / place / previous / "manifest.json").is_file():
            key = json.loads((reports / place / previous / "manifest.json").read_text(encoding="utf-8"))["input_key"]
    # Built from the project's data, as `dev.py publish` (which checks drafts against data/) expects.
    manifest.update({"input_key": folder.encode().hex().ljust(64, "0")[:64], "previous_edition": previous,
                     "previous_input_key": key, "data_checksum": tree_digest(paths.DATA_DIR), "files": files_listing(target)})
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target


def run_publish(*args: str, reports: Path) -> subprocess.CompletedProcess[str]:
    if "--restore" not in args and "--base-url" not in args:
        args = (*args, "--base-url", BASE)
    return subprocess.run(
        [sys.executable, "-m", "helpers.cli", "publish", *args],
        capture_output=True, text=True, timeout=120, cwd=paths.ROOT,
        env={**os.environ, "ISF_REPORTS_DIR": str(reports)},
    )


# --------------------------------------------------------------------------------------------------
# The site holds every edition; pages and links
# --------------------------------------------------------------------------------------------------


def test_site_holds_every_edition_with_its_files_and_a_data_zip(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = publish_site(reports, site, first_run=True, now=NOW)
    assert [e.folder for e in result.editions] == ORDER
    for folder in ORDER:
        built = snapshot(reports / "editions" / folder)
        published = snapshot(site / "editions" / folder)
        assert {k: v for k, v in published.items() if k != "data.zip"} == built
        with zipfile.ZipFile(site / "editions" / folder / "data.zip") as data:
            assert sorted(data.namelist()) == sorted(
                f"{folder}/{name}" for name in ("manifest.json", "processed/claims.csv", "analysis/key_figures.json")
                + (("analysis/changes.json",) if folder != "2025-11-10" else ())
            )
    index = json.loads((site / ARCHIVE_INDEX).read_text(encoding="utf-8"))
    assert [e["folder"] for e in index["editions"]] == ORDER
    assert index["editions"][0]["files"]["briefing.pdf"]["bytes"] == len(b"%PDF-1.4 2025-11-20-r2")
    assert (site / "briefing.pdf").read_bytes() == b"%PDF-1.4 2025-11-20-r2"


def test_data_zip_is_identical_when_published_twice(reports: Path, tmp_path: Path) -> None:
    publish_site(reports, tmp_path / "a", first_run=True, now=NOW)
    publish_site(reports, tmp_path / "new" / "b", first_run=True, now=NOW + dt.timedelta(days=1))  # folders made as needed
    for folder in ORDER:
        zips = [(tmp_path / s / "editions" / folder / "data.zip").read_bytes() for s in ("a", "new/b")]
        assert zips[0] == zips[1]


def test_editions_page_lists_editions_newest_first_with_dates_changes_revisions_and_links(
    reports: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    page = (site / "editions.html").read_text(encoding="utf-8")
    positions = [page.index(f'id="edition-{folder}"') for folder in ORDER]
    assert positions == sorted(positions)
    assert "20 November 2025 (revision 2)" in page
    assert "Revision 2 of the 20 November 2025 edition: a quote was corrected." in page
    assert page.count("Superseded by a later revision") == 1
    assert "Information current to: c. 15 Nov 2025" in page and "Information current to: 8 November 2025" in page
    assert "Information current to: 17 Oct 2025" in page
    assert page.count("No previous edition to compare with.") == 1
    assert page.count("No list of changes was recorded for this edition.") == 1
    assert "<li>About 70 countries asked</li>" in page and "<li>Corrected: Egypt&#x27;s stage</li>" in page
    assert "<script" not in page and "http" not in page.split("<body>")[0].replace('http-equiv', '')
    links = hrefs(site / "editions.html")
    for folder in ORDER:
        for name in ("briefing.html", "briefing.pdf", "data.zip", "manifest.json"):
            assert f"editions/{folder}/{name}" in links
    for href in links:
        assert (site / href).is_file(), f"broken link {href}"


def test_an_edition_built_after_its_date_says_it_is_back_dated_on_the_page_and_in_the_feed(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    make_edition(reports, "2025-10-17", headline=[], has_previous=False)  # built on its date
    make_edition(reports, "2025-11-10", headline=[], manifest_extra={"built_at": "2026-12-05T04:00:00+00:00"})
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    page = (site / "editions.html").read_text(encoding="utf-8")
    note = "after its date: a back-dated edition, holding only the reports it could have had on its date"
    assert page.count(note) == 1
    assert f"Built on 5 December 2026, {note}" in page.split('id="edition-2025-11-10"')[1]
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("a back-dated edition") == 2  # summary and content of the one entry
    assert fmt.dateline("2025-11-08", "8 Nov 2025", "2025-11-10", "2026-12-05T04:00:00+00:00").endswith(
        "· Built 5 Dec 2026, back-dated (only reports it could have had on its date)")
    assert fmt.dateline("2025-11-08", "8 Nov 2025", "2025-11-10", "2025-11-10").endswith("· Built 10 Nov 2025")


def test_an_edition_whose_newest_report_is_old_says_so_on_the_page_and_in_the_feed(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    make_edition(reports, "2025-11-10", headline=[], has_previous=False, information_date="2025-11-08")  # 2 days: fresh
    make_edition(reports, "2026-12-05", headline=[], information_date="2025-12-13", information_label="c. 13 Dec 2025")
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    page = (site / "editions.html").read_text(encoding="utf-8")
    note = "The newest report is 357 days older than this edition: later events are not covered."
    assert page.count(note) == 1 and note in page.split('id="edition-2026-12-05"')[1].split("</li>")[0]
    assert (site / "feed.xml").read_text(encoding="utf-8").count("357 days older than this edition") == 2


def test_front_page_is_the_latest_briefing_with_links_to_the_archive(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    links = hrefs(site / "index.html")
    assert "<h1>Briefing 2025-11-20-r2</h1>" in (site / "index.html").read_text(encoding="utf-8")
    assert {"editions.html", "feed.xml", "editions/2025-11-20-r2/briefing.pdf"} <= set(links)
    # The briefing's own relative link is re-pointed into its edition folder; anchors stay.
    assert "editions/2025-11-20-r2/processed/claims.csv" in links and "#top" in links
    for href in links:
        if not href.startswith("#"):
            assert (site / href).is_file(), f"broken link {href}"


def test_an_edition_without_changes_or_information_date_is_listed_without_them(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    make_edition(reports, "2025-10-17")
    edition = read_site_edition(reports / "editions" / "2025-10-17")
    assert (edition.headline, edition.has_previous, edition.information_date, edition.revision) == ((), None, "", 0)
    publish_site(reports, tmp_path / "site", first_run=True, now=NOW)
    page = (tmp_path / "site" / "editions.html").read_text(encoding="utf-8")
    assert "Information current to: not recorded" in page and "What changed" not in page
    assert "No list of changes was recorded for this edition." in page


def test_a_broken_manifest_stops_the_publish_naming_the_file(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    before = snapshot(site)
    make_edition(reports, "2025-11-27")
    (reports / "editions" / "2025-11-27" / "manifest.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(PublishError, match=r"2025-11-27/manifest\.json: not readable JSON"):
        publish_site(reports, site, now=NOW)
    (reports / "editions" / "2025-11-27" / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    proc = run_publish("--site", str(site), reports=reports)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert "2025-11-27/manifest.json: holds a JSON list, not an object" in proc.stderr
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir() if "staging" in p.name or ".old-" in p.name) == []


def test_a_second_publish_of_the_same_site_at_once_is_refused(reports: Path, tmp_path: Path) -> None:
    import fcntl

    site = tmp_path / "site"
    with (tmp_path / ".site.publish.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(PublishError, match="another publish of .* is running"):
            publish_site(reports, site, first_run=True, now=NOW)
    assert not site.exists()
    publish_site(reports, site, first_run=True, now=NOW)
    assert (site / ARCHIVE_INDEX).is_file()


# --------------------------------------------------------------------------------------------------
# The archive: restore, check, first run
# --------------------------------------------------------------------------------------------------


def test_a_run_with_only_todays_build_publishes_every_archived_edition(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    archive = tmp_path / "archive"
    shutil.copytree(site, archive)  # what the workflow checks out from the archive branch
    fresh = tmp_path / "fresh-reports"  # a new runner: nothing but today's build
    make_edition(fresh, "2025-11-27", headline=["Security Council adopts the resolution"])
    result = publish_site(fresh, tmp_path / "site2", archive=archive, now=NOW)
    assert [e.folder for e in result.editions] == ["2025-11-27", *ORDER]
    assert result.restored == tuple(ORDER)
    assert snapshot(tmp_path / "site2" / "editions" / "2025-10-17") == snapshot(site / "editions" / "2025-10-17")


def test_restore_puts_missing_editions_back_for_the_build(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    fresh = tmp_path / "fresh" / "editions"
    fresh.mkdir(parents=True)
    shutil.copytree(reports / "editions" / "2025-11-20", fresh / "2025-11-20")  # already there, identical: left alone
    copied = restore_editions(site, fresh, first_run=False)
    assert copied == ["2025-10-17", "2025-11-10", "2025-11-20-r2"]
    assert snapshot(fresh / "2025-11-10") == snapshot(reports / "editions" / "2025-11-10")
    assert not (fresh / "2025-11-10" / "data.zip").exists()
    assert [p.name for p in fresh.iterdir() if p.name.startswith(".")] == []


def test_a_local_copy_that_differs_from_the_archive_is_refused_in_one_line(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    before = snapshot(site)
    local = reports / "editions" / "2025-11-10"
    (local / "briefing.pdf").write_bytes(b"%PDF-1.4 rebuilt")  # e.g. rebuilt by hand with other code
    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["New"])
    for args in (("--site", str(site)), ("--restore", "--archive", str(site))):
        proc = run_publish(*args, reports=reports)
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
        assert proc.stderr.startswith(f"publish failed: {local} differs from the published edition in {site} (briefing.pdf); "
                                      "published editions are never rewritten: move the local copy aside and run "
                                      f"`python3 dev.py publish --restore --archive {site}`, or publish a correction with "
                                      '`python3 dev.py correct --note "why"`')
    assert snapshot(site) == before and (reports / "drafts" / "2025-11-27").is_dir()


@pytest.mark.parametrize("damage", ["empty checkout", "editions gone", "one file gone", "one file changed", "no folder"])
def test_a_restore_that_lost_editions_stops_with_one_line_and_leaves_the_site_untouched(
    reports: Path, tmp_path: Path, damage: str
) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    before = snapshot(site)
    archive = tmp_path / "archive"
    shutil.copytree(site, archive)
    if damage == "empty checkout":
        shutil.rmtree(archive)
        archive.mkdir()
    elif damage == "editions gone":
        shutil.rmtree(archive / "editions")
    elif damage == "one file gone":
        (archive / "editions" / "2025-10-17" / "briefing.pdf").unlink()
    elif damage == "one file changed":
        (archive / "editions" / "2025-11-10" / "processed" / "claims.csv").write_text("claim_id\n", encoding="utf-8")
    else:
        shutil.rmtree(archive)
    proc = run_publish("--site", str(site), "--archive", str(archive), reports=tmp_path / "fresh")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("publish failed: "), proc.stderr
    assert "Traceback" not in proc.stderr
    if damage in ("empty checkout", "no folder"):
        assert "archive.json is missing" in lines[0] and "--first-run" in lines[0]
    elif damage == "one file changed":
        assert "editions/2025-11-10/processed/claims.csv differs" in lines[0]
    elif damage == "editions gone":
        assert "of the 4 edition(s) its index lists" in lines[0]
        assert "(first: editions/2025-11-20-r2/analysis/changes.json is missing)" in lines[0]
    else:
        assert "1 file(s) of the 4 edition(s)" in lines[0]
        assert "editions/2025-10-17/briefing.pdf is missing" in lines[0]
    assert snapshot(site) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]
    assert leftovers == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"folder": "../../etc", "files": {"x": {}}}, "editions entry 1: field folder must be a plain folder name, got '../../etc'"),
        ({"folder": "2025-10-17", "files": []}, "editions entry 1 (2025-10-17): field files must be a non-empty object"),
        ("2025-10-17", "editions entry 1: field folder must be a plain folder name, got None"),
    ],
)
def test_a_malformed_archive_index_is_named_in_one_line(tmp_path: Path, entry: object, message: str) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / ARCHIVE_INDEX).write_text(json.dumps({"format": 1, "editions": [entry]}), encoding="utf-8")
    with pytest.raises(PublishError) as caught:
        check_archive(archive, first_run=False)
    assert str(caught.value) == f"{archive / ARCHIVE_INDEX}: {message}"


def test_restore_command_refuses_a_lost_archive_too(reports: Path, tmp_path: Path) -> None:
    empty = tmp_path / "archive"
    empty.mkdir()
    proc = run_publish("--restore", "--archive", str(empty), reports=reports)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "archive.json is missing" in proc.stderr
    assert sorted(p.name for p in (reports / "editions").iterdir()) == sorted(ORDER)


def test_only_a_declared_first_run_starts_an_empty_archive(reports: Path, tmp_path: Path) -> None:
    empty = tmp_path / "archive"
    empty.mkdir()
    assert check_archive(empty, first_run=True) == []
    with pytest.raises(PublishError, match="archive.json is missing"):
        check_archive(empty, first_run=False)
    proc = run_publish("--site", str(tmp_path / "site"), "--archive", str(empty), "--first-run", reports=reports)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"published {', '.join(ORDER)} to ")
    # Once published, --first-run over that archive is refused, and the site stays as it was.
    before = snapshot(tmp_path / "site")
    proc = run_publish("--site", str(tmp_path / "site"), "--first-run", reports=reports)
    assert proc.returncode == 1 and "--first-run refused" in proc.stderr and proc.stderr.count("\n") == 1
    assert snapshot(tmp_path / "site") == before


def test_a_server_keeps_its_archive_in_the_site_folder(reports: Path, tmp_path: Path) -> None:
    """cron/systemd: `publish --site DIR` with no --archive reads the previous site in DIR."""
    site = tmp_path / "site"
    assert run_publish("--site", str(site), "--first-run", reports=reports).returncode == 0
    for folder in ("2025-10-17", "2025-11-10"):
        shutil.rmtree(reports / "editions" / folder)  # pruned locally: the site still has them
    make_edition(reports, "2025-11-27", headline=["New"])
    proc = run_publish("--site", str(site), reports=reports)
    assert proc.returncode == 0, proc.stderr
    index = json.loads((site / ARCHIVE_INDEX).read_text(encoding="utf-8"))
    assert [e["folder"] for e in index["editions"]] == ["2025-11-27", *ORDER]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")] == []


# --------------------------------------------------------------------------------------------------
# Drafts until published: publish freezes drafts, and never rewrites a published byte
# --------------------------------------------------------------------------------------------------


def test_publish_freezes_the_drafts_and_then_has_nothing_new(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["New"])
    draft_files = snapshot(reports / "drafts" / "2025-11-27")
    result = publish_site(reports, site, now=NOW + dt.timedelta(days=7))
    assert result.published == ("2025-11-27",) and result.editions[0].folder == "2025-11-27"
    # Frozen: moved to reports/editions as it was, and on the site byte for byte (plus its data.zip).
    assert not (reports / "drafts" / "2025-11-27").exists()
    assert snapshot(reports / "editions" / "2025-11-27") == draft_files
    assert {k: v for k, v in snapshot(site / "editions" / "2025-11-27").items() if k != "data.zip"} == draft_files
    index = json.loads((site / ARCHIVE_INDEX).read_text(encoding="utf-8"))
    assert {e["folder"]: e["published_at"] for e in index["editions"]}["2025-11-27"] == "2025-11-28T07:00:00+00:00"
    assert {e["folder"]: e["published_at"] for e in index["editions"]}["2025-10-17"] == "2025-11-21T07:00:00+00:00"

    # Nothing new: no draft, every local edition on the site. Nothing is written, the site is as it was.
    before = snapshot(site)
    mtime = (site / ARCHIVE_INDEX).stat().st_mtime_ns
    proc = run_publish("--site", str(site), reports=reports)
    assert proc.returncode == 0 and proc.stdout.startswith("nothing new to publish: no draft"), proc.stderr
    assert snapshot(site) == before and (site / ARCHIVE_INDEX).stat().st_mtime_ns == mtime
    # With a separate archive and a new site folder (the workflow), nothing new creates no site at all.
    assert publish_site(reports, tmp_path / "_site", archive=site).published == ()
    assert not (tmp_path / "_site").exists()


def test_no_publish_or_restore_rewrites_a_published_byte(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    # The archive's own data.zip of an edition is what readers downloaded: it is copied, never re-zipped.
    archived_zip = site / "editions" / "2025-10-17" / "data.zip"
    archived_zip.write_bytes(archived_zip.read_bytes() + b"\0")  # e.g. zipped by another zlib version
    index = json.loads((site / ARCHIVE_INDEX).read_text(encoding="utf-8"))
    entry = next(e for e in index["editions"] if e["folder"] == "2025-10-17")
    entry["files"]["data.zip"] = {"sha256": file_sha256(archived_zip), "bytes": archived_zip.stat().st_size}
    (site / ARCHIVE_INDEX).write_text(json.dumps(index), encoding="utf-8")
    published = {k: v for k, v in snapshot(site).items() if k.startswith("editions/")}
    local = snapshot(reports / "editions")

    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["New"])
    publish_site(reports, site, now=NOW + dt.timedelta(days=7))
    restore_editions(site, reports / "editions", first_run=False)
    after = snapshot(site)
    assert {k: after[k] for k in published} == published
    assert {k: v for k, v in snapshot(reports / "editions").items() if k in local} == local


def test_drafts_that_cannot_be_published_in_order_are_refused_in_one_line(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    before = snapshot(site)
    make_draft(reports, "2025-11-27", previous="2025-11-10", headline=["Stale"])
    with pytest.raises(PublishError, match="draft 2025-11-27 compares with 2025-11-10 as it was, but the edition before it "
                                           r"is now 2025-11-20-r2: rebuild it first: python3 dev.py build --as-of 2025-11-27"):
        publish_site(reports, site)
    shutil.rmtree(reports / "drafts" / "2025-11-27")
    make_draft(reports, "2025-11-15", previous="2025-11-10", headline=["Late"])
    with pytest.raises(PublishError, match=r"draft 2025-11-15 is dated on or before the latest published edition \(2025-11-20\)"):
        publish_site(reports, site)
    assert snapshot(site) == before


def test_a_second_publish_at_once_exits_75_as_a_busy_build_does(reports: Path, tmp_path: Path) -> None:
    import fcntl

    site = tmp_path / "site"
    with (tmp_path / ".site.publish.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = run_publish("--site", str(site), "--first-run", reports=reports)
    assert proc.returncode == 75 and proc.stderr == f"publish refused: another publish of {site} is running; try again later\n"
    assert not site.exists()
    # A build running in the same reports folder (it may be replacing a draft) holds the publish off too.
    with (reports / ".build.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = run_publish("--site", str(site), "--first-run", reports=reports)
    assert proc.returncode == 75 and "another build is running" in proc.stderr and proc.stderr.count("\n") == 1
    assert not site.exists()


KILLED_PUBLISH = """
import sys, time
from pathlib import Path
from helpers.publish import site as s
real = s.build_site
def slow(editions, target, *args, **kwargs):
    real(editions, target, *args, **kwargs)
    print("staged", flush=True)
    time.sleep(120)
s.build_site = slow
s.publish_site(Path(sys.argv[1]), Path(sys.argv[2]), base_url="https://example.org/isf/")
"""


def test_a_killed_publish_leaves_a_whole_site_and_the_next_run_cleans_up(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    before = snapshot(site)
    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["New"])
    child = subprocess.Popen([sys.executable, "-c", KILLED_PUBLISH, str(reports), str(site)], stdout=subprocess.PIPE, text=True,
                             cwd=paths.ROOT)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "staged"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert snapshot(site) == before  # readers still have the whole previous site
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.staging-")]
    assert len(leftovers) == 1 and (reports / "drafts" / "2025-11-27").is_dir()
    # The next run removes what the killed one left, and publishes.
    proc = run_publish("--site", str(site), reports=reports)
    assert proc.returncode == 0, proc.stderr
    assert f"removed {tmp_path / leftovers[0]}, left by an interrupted publish" in proc.stdout
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name] == []
    assert json.loads((site / ARCHIVE_INDEX).read_text())["editions"][0]["folder"] == "2025-11-27"


def test_clean_removes_a_publishs_leftovers_and_puts_back_a_site_left_aside(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    before = snapshot(site)
    # Where the system cannot exchange two folders, the swap is two renames: a crash between them leaves
    # the old site aside. The next publish, or `clean --site`, puts it back.
    os.replace(site, tmp_path / ".site.old-99999")
    (tmp_path / ".site.staging-99998").mkdir()
    proc = subprocess.run([sys.executable, "-m", "helpers.cli", "clean", "--site", str(site)], capture_output=True, text=True,
                          cwd=paths.ROOT, env={**os.environ, "ISF_REPORTS_DIR": str(reports), "ISF_BUILD_DIR": str(tmp_path / "b")})
    assert proc.returncode == 0, proc.stderr
    assert f"put back the site {site}" in proc.stdout and "left by an interrupted publish" in proc.stdout
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.") and not p.name.endswith(".lock")) == []
    assert "kept the published editions" in proc.stdout and (reports / "editions" / "2025-10-17").is_dir()


def test_without_an_atomic_exchange_the_swap_still_never_loses_the_site(
    reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    monkeypatch.setattr(site_module, "exchange", lambda a, b: False)  # e.g. a file system without RENAME_EXCHANGE
    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["New"])
    real_replace = os.replace

    def crash_on_second_rename(src: object, dst: object) -> None:
        if Path(str(src)).name.startswith(".site.staging-"):
            raise OSError(5, "Input/output error", str(dst))
        real_replace(src, dst)

    before = snapshot(site)
    monkeypatch.setattr(site_module.os, "replace", crash_on_second_rename)
    with pytest.raises(OSError):
        publish_site(reports, site)
    assert snapshot(site) == before  # the old site was put back at once
    monkeypatch.setattr(site_module.os, "replace", real_replace)
    assert publish_site(reports, site).published == ("2025-11-27",)
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name] == []


@pytest.mark.parametrize("why", ["mount point", "parent read-only", "bind mount"])
def test_a_site_folder_that_cannot_be_renamed_has_its_contents_replaced(
    reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    site = tmp_path / "parent" / "site"
    site.parent.mkdir()
    publish_site(reports, site, first_run=True, now=NOW)
    inode = site.stat().st_ino
    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["New"])
    if why == "mount point":
        monkeypatch.setattr(site_module.os.path, "ismount", lambda p: Path(p) == site)
    elif why == "parent read-only":
        site.parent.chmod(0o555)
    else:  # ismount() does not see a bind mount from the same file system; the rename says EBUSY
        real_exchange = site_module.exchange

        def busy(a: Path, b: Path) -> bool:
            if Path(b) == site:
                raise OSError(16, "Device or resource busy", str(b))
            return real_exchange(a, b)

        monkeypatch.setattr(site_module, "exchange", busy)
    try:
        result = publish_site(reports, site, now=NOW + dt.timedelta(days=7))
    finally:
        site.parent.chmod(0o755)
    assert result.published == ("2025-11-27",)
    assert site.stat().st_ino == inode  # the same folder, its contents replaced
    assert json.loads((site / ARCHIVE_INDEX).read_text())["editions"][0]["folder"] == "2025-11-27"
    assert sorted(p.name for p in site.iterdir() if not p.name.startswith(".publish")) == sorted(
        ["archive.json", "briefing.pdf", "editions", "editions.html", "feed.xml", "index.html"])
    assert (site / "editions" / "2025-10-17" / "data.zip").is_file()


def test_a_read_only_site_folder_is_refused_in_one_line(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    before = snapshot(site)
    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["New"])
    site.chmod(0o555)
    try:
        proc = run_publish("--site", str(site), reports=reports)
    finally:
        site.chmod(0o755)
    assert proc.returncode == 1 and proc.stderr == (
        f"publish failed: the site folder {site} is read-only: make it writable by this user (chmod u+w {site}) "
        "or publish to another --site\n")
    assert snapshot(site) == before
    # A site folder that cannot be created says what it needs, in one line too.
    (tmp_path / "locked").mkdir(mode=0o555)
    proc = run_publish("--site", str(tmp_path / "locked" / "site"), "--first-run", reports=reports)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"publish failed: cannot create the site folder {tmp_path / 'locked' / 'site'}")


def test_first_run_is_refused_while_the_site_holds_any_edition(reports: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    (site / ARCHIVE_INDEX).unlink()  # the index lost, the editions still there
    before = snapshot(site)
    proc = run_publish("--site", str(site), "--first-run", reports=tmp_path / "fresh")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert "--first-run refused" in proc.stderr and "still holds 4 edition folder(s)" in proc.stderr
    assert snapshot(site) == before


# --------------------------------------------------------------------------------------------------
# The feed
# --------------------------------------------------------------------------------------------------


def test_feed_is_atom_with_one_entry_per_edition_in_order(reports: Path, tmp_path: Path) -> None:
    import feedparser

    site = tmp_path / "site"
    result = publish_site(reports, site, first_run=True, base_url="https://example.org/isf/", now=NOW)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title.endswith("editions")
    assert [e.link for e in feed.entries] == [f"https://example.org/isf/editions/{f}/briefing.html" for f in ORDER]
    assert [e.id for e in feed.entries] == [entry_id(e) for e in result.editions]
    assert len({e.id for e in feed.entries}) == 4
    assert [e.title for e in feed.entries] == [
        "Edition of 20 November 2025 (revision 2)", "Edition of 20 November 2025",
        "Edition of 10 November 2025", "Edition of 17 October 2025",
    ]
    assert feed.entries[1].summary == (
        "Information current to c. 15 Nov 2025. What changed: About 70 countries asked; 19 willing."
    )
    assert feed.entries[2].summary == "Information current to 8 November 2025. No list of changes was recorded for this edition."
    assert feed.entries[3].summary == "Information current to 17 Oct 2025. No previous edition to compare with."
    assert feed.entries[0].summary.startswith("Revision 2 of the 20 November 2025 edition: a quote was corrected.")
    # `updated` is when each edition was published; the first publish put all four on the site.
    assert {e.updated for e in feed.entries} == {"2025-11-21T07:00:00+00:00"} and feed.feed.updated == "2025-11-21T07:00:00+00:00"
    assert "https://example.org/isf/editions/2025-10-17/briefing.pdf" in feed.entries[3].content[0].value
    assert [link.href for link in feed.feed.links] == [f"{BASE}editions.html", f"{BASE}feed.xml"]
    assert [link.rel for link in feed.feed.links] == ["alternate", "self"]


def test_feed_orders_by_edition_date_and_dates_each_entry_by_its_publication(reports: Path, tmp_path: Path) -> None:
    import feedparser

    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    # A week later, a new edition: it leads, dated by its own publication; the others keep theirs.
    make_draft(reports, "2025-11-27", previous="2025-11-20-r2", headline=["Mandate adopted.", "Troops named."],
               manifest_extra={"built_at": "2025-11-27T06:00:00+00:00"})
    publish_site(reports, site, now=NOW + dt.timedelta(days=7))
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries][:2] == ["Edition of 27 November 2025", "Edition of 20 November 2025 (revision 2)"]
    assert feed.entries[0].updated == "2025-11-28T07:00:00+00:00" and feed.entries[1].updated == "2025-11-21T07:00:00+00:00"
    assert feed.feed.updated == "2025-11-28T07:00:00+00:00"
    # No double period where a headline or a note already ends a sentence.
    assert feed.entries[0].summary.endswith("What changed: Mandate adopted; Troops named.")
    assert ".." not in (site / "feed.xml").read_text(encoding="utf-8").replace("...", "")


def test_publishing_without_the_sites_address_is_refused_in_one_line(reports: Path, tmp_path: Path) -> None:
    with pytest.raises(PublishError, match=r"the site's public address is 'not set': set base_url in site.toml"):
        site_module.publish_site(reports, tmp_path / "site", first_run=True, base_url="")
    with pytest.raises(PublishError, match="is 'editions/': set base_url"):
        site_module.publish_site(reports, tmp_path / "site", first_run=True, base_url="editions/")
    assert not (tmp_path / "site").exists()
    if not site_module.site_settings(paths.SITE_SETTINGS).get("base_url"):  # the project's own, until it is set
        proc = subprocess.run([sys.executable, "-m", "helpers.cli", "publish", "--site", str(tmp_path / "site"), "--first-run"],
                              capture_output=True, text=True, cwd=paths.ROOT, env={**os.environ, "ISF_REPORTS_DIR": str(reports)})
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "set base_url in site.toml" in proc.stderr
        assert not (tmp_path / "site").exists()


# --------------------------------------------------------------------------------------------------
# In Chromium, offline
# --------------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_pages_and_links_work_in_chromium_offline(reports: Path, tmp_path: Path) -> None:
    from browser import CHROMIUM, CHROMIUM_ARGS, LOCAL_SCHEMES, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    site = tmp_path / "site"
    publish_site(reports, site, first_run=True, now=NOW)
    blocked: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(5_000)
            page.route("**/*", route)
            page.goto((site / "index.html").as_uri())
            assert page.locator("h1").first.inner_text() == "Briefing 2025-11-20-r2"
            page.get_by_role("link", name="All editions").click()
            page.wait_for_load_state("load")
            assert page.url == (site / "editions.html").as_uri()
            assert page.locator("h1").inner_text().endswith("editions")
            headings = page.locator("ol.editions > li > h2").all_inner_texts()
            assert headings == ["20 November 2025 (revision 2)", "20 November 2025", "10 November 2025", "17 October 2025"]
            # Chromium resolves every link; each must land on a file of the site.
            targets = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
            assert len(targets) == 2 + 4 * 4
            for url in targets:
                assert url.startswith("file://"), url
                assert Path(unquote(urlparse(url).path)).is_file(), url
            page.get_by_role("link", name="Briefing (HTML), 10 November 2025").click()
            page.wait_for_load_state("load")
            assert page.locator("h1").inner_text() == "Briefing 2025-11-10"
        finally:
            browser.close()
    assert blocked == []


# --------------------------------------------------------------------------------------------------
# The workflow
# --------------------------------------------------------------------------------------------------


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def workflow_steps(job: str | None = None) -> list[dict]:
    jobs = workflow()["jobs"]
    return [step for name, spec in jobs.items() if job in (None, name) for step in spec.get("steps", [])]


def _commands(steps: list[dict]) -> list[str]:
    return [line.strip() for step in steps if "run" in step for line in step["run"].splitlines() if line.strip()]


def test_workflow_builds_and_publishes_only_through_project_commands() -> None:
    commands = _commands(workflow_steps())
    project = [c for c in commands if c.startswith("python3 dev.py ")]
    assert [c.split()[2] for c in project] == ["test", "publish", "regenerate", "correct", "publish"]
    assert project[1].startswith("python3 dev.py publish --restore --archive _archive")
    assert project[3] == 'python3 dev.py correct --note "$NOTE"'  # the note comes in through env, never pasted into the script
    assert project[4].startswith("python3 dev.py publish --site _site --archive _archive")
    assert "--base-url" not in project[4]  # the feed's address is the project's setting (site.toml), as for cron
    # Anything else is system set-up, or saying whether a site was written: no hand-written copying,
    # building or publishing in YAML.
    others = [c for c in commands if c not in project]
    assert all(c.startswith(("sudo apt-get", "if [ -f _site/archive.json ]")) for c in others), others
    uses = [step["uses"].split("@")[0] for step in workflow_steps() if "uses" in step]
    assert "actions/cache/restore" not in uses and "actions/cache" not in uses  # the cache expires
    restore = next(s for s in workflow_steps() if s.get("with", {}).get("path") == "_archive")
    assert restore["uses"].startswith("actions/checkout@") and restore["with"]["ref"] == "site-archive"
    # Only a first run asked for by hand may go on without the archive branch.
    assert restore["continue-on-error"] == "${{ inputs.first_run == true }}"
    upload = next(s for s in workflow_steps() if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"


def test_workflow_tests_restores_first_and_publishes_only_on_change() -> None:
    steps = workflow_steps("build")
    names = [(s.get("run") or s.get("uses") or "") for s in steps]
    position = lambda text: next(i for i, n in enumerate(names) if text in n)  # noqa: E731
    # The tests run before anything is restored, built or published; the restore before any build.
    test, restore = position("python3 dev.py test"), position("publish --restore")
    checkout_archive = next(i for i, s in enumerate(steps) if s.get("with", {}).get("ref") == "site-archive")
    assert test < checkout_archive < restore < position("dev.py regenerate") < position("dev.py correct") < position("publish --site")
    # Weekly, and a run draft only when the data changed (regenerate builds with --if-changed); a manual
    # run with a note drafts the correction instead.
    cron = workflow()[True]["schedule"][0]["cron"].split()
    assert cron[2:4] == ["*", "*"] and cron[4] != "*"
    inputs = workflow()[True]["workflow_dispatch"]["inputs"]
    assert inputs["correction_note"]["type"] == "string" and inputs["first_run"]["type"] == "boolean"
    regenerate = next(s for s in steps if s.get("run") == "python3 dev.py regenerate")
    correct = next(s for s in steps if "dev.py correct" in s.get("run", ""))
    assert regenerate["if"] == "${{ !inputs.correction_note }}" and correct["if"] == "${{ inputs.correction_note }}"
    assert correct["env"]["NOTE"] == "${{ inputs.correction_note }}"
    # Nothing new: publish writes no site, the job says so, and nothing is uploaded or deployed.
    publish = next(s for s in steps if s.get("id") == "site")
    assert 'echo "published=true" >> "$GITHUB_OUTPUT"' in publish["run"]
    assert workflow()["jobs"]["build"]["outputs"]["published"] == "${{ steps.site.outputs.published }}"
    assert workflow()["jobs"]["deploy"]["if"] == "needs.build.outputs.published == 'true'"
    assert next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))["if"] == \
        "steps.site.outputs.published == 'true'"
    # Quarto is pinned to one release.
    quarto = next(s for s in steps if s.get("uses", "").startswith("quarto-dev/quarto-actions/setup@"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", quarto["with"]["version"])


def test_workflow_permissions_and_the_archive_branch_moves_only_after_the_deploy() -> None:
    jobs = workflow()["jobs"]
    assert workflow()["permissions"] == {"contents": "read"}
    # configure-pages reads the Pages settings: a private repository's token must be granted pages: read.
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert any(s.get("uses", "").startswith("actions/configure-pages@") for s in jobs["build"]["steps"])
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write", "contents": "write"}
    assert jobs["deploy"]["needs"] == "build"
    uses = [s.get("uses", "").split("@")[0] for s in jobs["deploy"]["steps"]]
    assert uses.index("actions/deploy-pages") < uses.index("peaceiris/actions-gh-pages")
    assert not any("peaceiris" in s.get("uses", "") for s in jobs["build"]["steps"])


def test_no_workflow_step_commits_or_pushes_to_main() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "git commit" not in text and "git push" not in text
    for step in workflow_steps():
        uses = step.get("uses", "")
        settings = step.get("with", {})
        if uses.startswith("peaceiris/actions-gh-pages@"):
            assert settings["publish_branch"] == "site-archive"
            assert settings["publish_dir"] == "_site"
        else:
            assert not any(word in uses for word in ("commit", "push", "gh-pages")), uses
        for key in ("ref", "branch", "publish_branch"):
            assert settings.get(key) not in ("main", "master", "${{ github.ref }}", "${{ github.ref_name }}")


def test_scheduling_examples_restore_first_and_publish_with_commands_the_parser_accepts() -> None:
    import shlex

    from helpers.cli import build_parser

    doc = (paths.ROOT / "docs" / "SCHEDULING.md").read_text(encoding="utf-8")
    blocks = doc.split("```")[1::2]
    cron = next(b for b in blocks if b.startswith("cron"))
    service = next(b for b in blocks if b.startswith("ini") and "ExecStart" in b)
    for recipe in (cron, service):
        steps = [part.split("dev.py ", 1)[1].split(">")[0].strip() for part in re.split(r"&&|\n", recipe) if "dev.py " in part]
        # Restore, then draft, then publish: a pruned reports/ never makes a draft compare with nothing.
        assert [step.split()[0] for step in steps] == ["publish", "regenerate", "publish"], steps
        restore = build_parser().parse_args(["publish", *shlex.split(steps[0].removeprefix("publish "))])
        assert (restore.restore, restore.archive, restore.first_run) == (True, "/var/www/isf-briefing", False)
        publish = build_parser().parse_args(["publish", *shlex.split(steps[2].removeprefix("publish "))])
        assert (publish.site, publish.archive, publish.first_run, publish.base_url) == ("/var/www/isf-briefing", None, False, "")
    assert "SuccessExitStatus=75" in service
    assert "archive.json" in doc and "--first-run" in doc and "site-archive" in doc and "base_url" in doc
