"""Cleaning helpers on tiny fixture frames, error cases included."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from helpers import paths
from helpers.analysis import standings
from helpers.data import clean, processed
from helpers.data.datapackage import CLAIM_TABLES, split_list

from conftest import AS_OF

ACTORS = pd.DataFrame({
    "actor_id": ["TUR", "GBR", "USA"],
    "name": ["Turkey", "United Kingdom", "United States"],
    "kind": ["state", "state", "state"],
    "region": ["middle_east", "europe", "north_america"],
    "aliases": ["Turkiye; Ankara", "Britain; U.K.", "Washington; U.S."],
})


def claims(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["pledge_id", "actor_id", "contribution_type", "reported_date", "confidence"])
    return df.assign(reported_date=pd.to_datetime(df["reported_date"]))


def test_type_columns_parses_dates_numbers_and_booleans() -> None:
    raw = pd.DataFrame({"reported_date": ["2025-10-18", ""], "amount_low": ["20000", ""], "on_ladder": ["true", "false"], "quote": ["a", "b"]})
    typed = processed.type_columns(raw)
    assert typed["reported_date"].iloc[0] == pd.Timestamp("2025-10-18") and pd.isna(typed["reported_date"].iloc[1])
    assert typed["amount_low"].iloc[0] == 20000.0 and math.isnan(typed["amount_low"].iloc[1])
    assert typed["on_ladder"].tolist() == [True, False]
    assert typed["quote"].tolist() == ["a", "b"]


def test_type_columns_rejects_a_bad_date() -> None:
    with pytest.raises(ValueError):
        processed.type_columns(pd.DataFrame({"reported_date": ["18/10/2025"]}))


@pytest.mark.parametrize("name, expected", [("Turkiye", "TUR"), ("ankara", "TUR"), ("U.K.", "GBR"), ("United States", "USA"), ("USA", "USA")])
def test_harmonise_name_maps_aliases(name: str, expected: str) -> None:
    assert clean.harmonise_name(name, ACTORS) == expected


def test_harmonise_name_refuses_an_unknown_name() -> None:
    with pytest.raises(clean.UnknownActorError, match="'Atlantis' is not a name"):
        clean.harmonise_name("Atlantis", ACTORS)


def test_add_actor_names_joins_and_rejects_unknown_ids() -> None:
    df = pd.DataFrame({"actor_id": ["TUR", ""]})
    out = clean.add_actor_names(df, ACTORS)
    assert out["actor_name"].tolist() == ["Turkey", ""] and out["actor_region"].tolist() == ["middle_east", ""]
    with pytest.raises(clean.UnknownActorError, match="XYZ"):
        clean.add_actor_names(pd.DataFrame({"actor_id": ["XYZ"]}), ACTORS)


@pytest.mark.parametrize("low, high, precision, unit, expected", [
    (20000, 20000, "approximate", "troops", "about 20,000 troops"),
    (20000, 20000, "exact", "troops", "20,000 troops"),
    (None, 200, "up_to", "troops", "up to 200 troops"),
    (50, None, "at_least", "percent", "at least 50 percent"),
    (3, None, "vague", "countries", "3 or more (vague) countries"),
    (None, None, "unspecified", "", "not stated"),
    (float("nan"), float("nan"), "unspecified", "", "not stated"),
])
def test_amount_label_keeps_vagueness(low, high, precision, unit, expected) -> None:
    assert clean.amount_label(low, high, precision, unit) == expected


def test_filter_as_of_keeps_claims_reported_on_or_before() -> None:
    df = claims(("PL-1", "TUR", "troops", "2025-10-18", "relayed"), ("PL-2", "TUR", "troops", "2025-11-15", "relayed"))
    assert clean.filter_as_of(df, "2025-10-18")["pledge_id"].tolist() == ["PL-1"]
    assert clean.filter_as_of(df, "2025-11-15")["pledge_id"].tolist() == ["PL-1", "PL-2"]


def test_latest_stance_takes_the_latest_then_best_sourced_claim() -> None:
    df = claims(
        ("PL-1", "TUR", "troops", "2025-10-18", "on_record"),
        ("PL-2", "TUR", "troops", "2025-11-15", "relayed"),
        ("PL-3", "TUR", "troops", "2025-11-15", "anonymous_officials"),
        ("PL-4", "GBR", "advisers", "2025-10-18", "relayed"),
    )
    latest = standings.latest_stance(df, "2025-12-01")
    assert latest[["actor_id", "pledge_id"]].values.tolist() == [["GBR", "PL-4"], ["TUR", "PL-3"]]
    assert standings.latest_stance(df, "2025-10-31")["pledge_id"].tolist() == ["PL-4", "PL-1"]


def test_split_list() -> None:
    assert split_list("S000; S001;;  S004 ") == ["S000", "S001", "S004"]
    assert split_list("") == []


def _csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.live_data
def test_build_processed_on_curated_data_counts_and_cuts_at_as_of(tmp_path) -> None:
    # Invariants of the live data, each checked against the raw CSVs read with the csv module.
    # A report counts once the last day it could have appeared has passed (published_latest).
    dates = {r["source_id"]: r["published_latest"] or r["published"] for r in _csv(paths.CURATED_DIR / "sources.csv")}
    first = min(dates.values())
    raw = {name: _csv(paths.CURATED_DIR / f"{name}.csv") for name in CLAIM_TABLES}
    full = clean.build_processed(paths.DATA_DIR, AS_OF)
    early = clean.build_processed(paths.DATA_DIR, first)
    assert {name: len(full[name]) for name in CLAIM_TABLES} == {name: len(rows) for name, rows in raw.items()}
    assert len(full["claims"]) == sum(len(rows) for rows in raw.values())
    # The edition of the first report's date holds the reports published by then, and only their claims.
    assert set(early["sources"]["source_id"]) == {s for s, d in dates.items() if d <= first}
    usable = {s for s, d in dates.items() if d <= first}
    assert {name: len(early[name]) for name in CLAIM_TABLES} == {name: sum(r["source_id"] in usable for r in rows) for name, rows in raw.items()}
    # Labels joined from the reference tables, row by row.
    stages = {r["stage"]: r for r in _csv(paths.REFERENCE_DIR / "stages.csv")}
    inside = {r["location"]: {"true": True, "false": False, "": None}[r["inside_gaza"]] for r in _csv(paths.REFERENCE_DIR / "locations.csv")}
    pledges = full["pledges"]
    assert [None if pd.isna(v) else int(v) for v in pledges["stage_rank"]] == [int(stages[s]["rank"]) if stages[s]["rank"] else None for s in pledges["stage"]]
    assert pledges["stage_label"].tolist() == [stages[s]["label"] for s in pledges["stage"]]
    assert [None if pd.isna(v) else bool(v) for v in pledges["inside_gaza"]] == [inside[loc] for loc in pledges["location"]]  # blank: not stated
    # What the notebooks read back is what was written: dates as dates, numbers as numbers.
    processed.write_processed(full, tmp_path)
    back = processed.read_processed(tmp_path)
    assert back["pledges"]["reported_date"].dtype.kind == "M"
    pd.testing.assert_series_equal(back["pledges"]["amount_low"].reset_index(drop=True), pledges["amount_low"].reset_index(drop=True))


def test_a_report_dated_only_roughly_waits_for_the_first_edition_it_cannot_post_date(tmp_path) -> None:
    from fixture_data import make_data, pledge

    from helpers.publish.manifest import claim_hashes

    data = make_data(tmp_path, pledges=[pledge("PL-001", "IDN", "offered_public", "S012"), pledge("PL-002", "TUR", "offered_private", "S013")])
    path = data / "curated" / "sources.csv"
    rows = _csv(path)
    for r in rows:
        if r["source_id"] == "S013":  # c. 13 Dec 2025, within 13-19 Dec
            r["published_latest"] = "2025-12-19"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    inside = clean.build_processed(data, "2025-12-15")  # after its recorded date, inside its range
    assert inside["sources"]["source_id"].tolist() == ["S011", "S012"]
    assert inside["pledges"]["pledge_id"].tolist() == ["PL-001"]
    assert set(claim_hashes(data / "curated", "2025-12-15", CLAIM_TABLES)) == {"PL-001"}
    after = clean.build_processed(data, "2025-12-19")  # the range's last day: used, under its recorded date
    assert after["sources"]["source_id"].tolist() == ["S011", "S012", "S013"]
    assert after["pledges"].set_index("pledge_id").at["PL-002", "reported_label"] == "c. 13 Dec 2025"
    assert set(claim_hashes(data / "curated", "2025-12-19", CLAIM_TABLES)) == {"PL-001", "PL-002"}
