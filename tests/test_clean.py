"""Cleaning helpers on tiny fixture frames, error cases included."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import clean, paths

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
    typed = clean.type_columns(raw)
    assert typed["reported_date"].iloc[0] == pd.Timestamp("2025-10-18") and pd.isna(typed["reported_date"].iloc[1])
    assert typed["amount_low"].iloc[0] == 20000.0 and math.isnan(typed["amount_low"].iloc[1])
    assert typed["on_ladder"].tolist() == [True, False]
    assert typed["quote"].tolist() == ["a", "b"]


def test_type_columns_rejects_a_bad_date() -> None:
    with pytest.raises(ValueError):
        clean.type_columns(pd.DataFrame({"reported_date": ["18/10/2025"]}))


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
    latest = clean.latest_stance(df, "2025-12-01")
    assert latest[["actor_id", "pledge_id"]].values.tolist() == [["GBR", "PL-4"], ["TUR", "PL-3"]]
    assert clean.latest_stance(df, "2025-10-31")["pledge_id"].tolist() == ["PL-4", "PL-1"]


def test_split_list() -> None:
    assert clean.split_list("S000; S001;;  S004 ") == ["S000", "S001", "S004"]
    assert clean.split_list("") == []


def test_build_processed_on_curated_data_counts_and_cuts_at_as_of(tmp_path) -> None:
    full = clean.build_processed(paths.DATA_DIR, "2026-12-01")
    early = clean.build_processed(paths.DATA_DIR, "2025-10-17")
    raw_pledges = len(clean.read_table(paths.CURATED_DIR / "pledges.csv"))
    assert len(full["pledges"]) == raw_pledges
    # Only S000 (17 Oct) and S004 (c. 15 Oct) had been published by 17 October.
    assert set(early["pledges"]["source_id"]) == {"S000", "S004"}
    assert set(early["sources"]["source_id"]) == {"S000", "S004"}
    assert len(full["claims"]) == sum(len(full[t]) for t in ("pledges", "conditions", "positions", "events", "figures", "open_questions"))
    idn = full["pledges"].query("actor_id == 'IDN' and source_id == 'S002' and amount_low > 0").iloc[0]
    assert idn["amount_label"] == "20,000 troops" and idn["stage_rank"] == 4 and bool(idn["inside_gaza"]) is True
    clean.write_processed(full, tmp_path)
    back = clean.read_processed(tmp_path)
    assert back["pledges"]["reported_date"].dtype.kind == "M"
    assert back["pledges"]["amount_low"].max() == 20000
