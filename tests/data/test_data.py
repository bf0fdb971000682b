"""The curated data itself: valid, faithful to its sources, complete where we can check mechanically."""

from __future__ import annotations

import csv
import hashlib

import pytest

from helpers import paths
from helpers.data.datapackage import CLAIM_TABLES, split_list
from helpers.data.quotes import normalise_space
from helpers.data.rules import derived_mentions, stated_numbers
from helpers.data.validate import validate_data

CURATED = paths.CURATED_DIR
# Invariants of the curated data, and the coding of named reports' key claims: they hold whatever reports are added.
pytestmark = pytest.mark.live_data


def rows(name: str) -> list[dict[str, str]]:
    with (CURATED / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_curated_data_passes_every_check() -> None:
    # Without the report texts (the scheduled runner) the quotes are checked against the record (test_quotes.py).
    problems = validate_data(paths.DATA_DIR, paths.SOURCES_DIR if paths.SOURCES_DIR.is_dir() else None)
    assert [str(p) for p in problems] == []


@pytest.mark.needs("reports")
@pytest.mark.parametrize("table", CLAIM_TABLES)
def test_every_quote_appears_verbatim_in_its_source(table: str) -> None:
    files = {s["source_id"]: s["file"] for s in rows("sources")}
    texts = {sid: normalise_space((paths.SOURCES_DIR / f).read_text(encoding="utf-8")) for sid, f in files.items()}
    missing = [r for r in rows(table) if normalise_space(r["quote"]) not in texts[r["source_id"]]]
    assert missing == [], f"{len(missing)} quote(s) not found in their source"


@pytest.mark.needs("reports")
def test_each_source_file_is_recorded_once() -> None:
    on_disk = sorted(p.name for p in paths.SOURCES_DIR.glob("*.txt"))
    assert sorted(s["file"] for s in rows("sources")) == on_disk


def test_numbers_in_rows_match_their_quotes() -> None:
    # Every stated amount (not a blank or a codebook convention) is a number written in the quote.
    checked = 0
    for table, low, high, precision in (("pledges", "amount_low", "amount_high", "amount_precision"), ("figures", "value_low", "value_high", "precision")):
        for r in rows(table):
            if r[precision] in ("exact", "approximate", "up_to"):
                number = float(r[high] if r[precision] == "up_to" else r[low])
                assert number in stated_numbers(r["quote"]), (table, r[table[:-1] + "_id" if table != "figures" else "figure_id"])
                checked += 1
    assert checked >= 10  # the loop must not be vacuous


def test_key_claims_are_recorded_with_their_numbers() -> None:
    # NOTE: these are the facts the briefing leads on; if a curator recodes them, this should trip.
    figures = {(r["metric"], r["source_id"]): r for r in rows("figures")}
    assert figures[("countries_approached", "S001")]["value_low"] == "70"
    assert figures[("countries_approached", "S001")]["precision"] == "approximate"
    assert figures[("countries_willing", "S001")]["value_low"] == "19"
    assert figures[("countries_willing", "S003")]["precision"] == "vague"
    # Each check reads one report's rows, so a later report (another share, another figure) adds to them freely.
    shares = {r["actor_id"]: r["value_low"] for r in rows("figures") if r["metric"] == "territory_controlled_share" and r["source_id"] == "S001"}
    assert shares == {"ISR-IDF": "53", "HAMAS": "47"}
    indonesia = [r for r in rows("pledges") if r["actor_id"] == "IDN" and r["amount_low"] and r["source_id"] in ("S001", "S002")]
    assert {(r["source_id"], r["amount_low"], r["amount_precision"]) for r in indonesia} == {("S001", "20000", "approximate"), ("S002", "20000", "exact")}
    azerbaijan = {(r["source_id"], r["stage"]) for r in rows("pledges") if r["actor_id"] == "AZE" and r["contribution_type"] == "troops"}
    # "does not plan to send ... unless fighting completely stops": conditional, never a refusal
    assert ("S002", "offered_private") in azerbaijan and ("S003", "conditional") in azerbaijan


def test_every_country_named_in_the_reports_is_an_actor() -> None:
    # Country names as the reports spell them; each must map to an actor through name or aliases.
    named = ["Indonesia", "Azerbaijan", "Turkey", "Turkiye", "Egypt", "Qatar", "United Arab Emirates", "Saudi Arabia",
             "Jordan", "France", "Britain", "U.K.", "Italy", "Malta", "El Salvador", "Israel", "Pakistan", "Haiti"]
    known = set()
    for a in rows("actors"):
        known |= {a["name"].lower(), *(x.strip().lower() for x in a["aliases"].split(";") if x.strip())}
    assert [n for n in named if n.lower() not in known] == []


def test_each_actor_lists_every_report_whose_rows_cite_it() -> None:
    # Invariant (holds whatever reports are added): mentioned_in covers the derived mentions, and every
    # actor appears in at least one report.
    tables = {name: rows(name) for name in CLAIM_TABLES}
    derived = derived_mentions(tables)
    listed = {a["actor_id"]: set(split_list(a["mentioned_in"])) for a in rows("actors")}
    assert {a: sorted(derived[a] - listed[a]) for a in derived if derived[a] - listed.get(a, set())} == {}
    assert [a for a, ids in listed.items() if not ids] == []
    # NOTE: Egypt is named in every one of the first five reports (S000-S004); a later report may add to it.
    assert listed["EGY"] >= {"S000", "S001", "S002", "S003", "S004"}


def test_source_ids_and_file_names_follow_the_add_report_rule() -> None:
    # S005 is stored as 005_<16 hex>.txt: the number in the id is the file's prefix, and ids are unique.
    sources = rows("sources")
    assert [s["file"].split("_")[0] for s in sources] == [s["source_id"][1:] for s in sources]
    assert len({s["sha256"] for s in sources}) == len(sources)


@pytest.mark.needs("reports")
def test_each_source_file_matches_its_recorded_checksum() -> None:
    changed = [s["file"] for s in rows("sources") if hashlib.sha256((paths.SOURCES_DIR / s["file"]).read_bytes()).hexdigest() != s["sha256"]]
    assert changed == []
