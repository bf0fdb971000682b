"""Analysis functions on tiny fixture frames, and on the curated data where the numbers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import analysis, clean, paths


def pledges(*rows: dict) -> pd.DataFrame:
    base = {"pledge_id": "PL-1", "actor_id": "IDN", "actor_name": "Indonesia", "actor_kind": "state", "contribution_type": "troops",
            "contribution_label": "Troops", "stage": "offered_public", "stage_label": "Offered publicly", "stage_rank": 4.0,
            "on_ladder": True, "amount_low": float("nan"), "amount_high": float("nan"), "amount_unit": "", "amount_text": "",
            "amount_label": "not stated", "location_label": "Inside Gaza", "inside_gaza": True, "requested_by_name": "",
            "source_id": "S1", "reported_date": pd.Timestamp("2025-10-18"), "confidence": "unattributed", "quote": "a quote"}
    # reported_label is what clean.build_processed derives from the date (and the source's precision)
    return pd.DataFrame([base | r | {"reported_label": f"{(base | r)['reported_date']:%-d %b %Y}"} for r in rows])


def test_largest_offer_keeps_each_sources_wording_and_skips_the_organiser() -> None:
    df = pledges(
        {"pledge_id": "PL-1", "amount_low": 20000.0, "amount_high": 20000.0, "amount_unit": "troops", "amount_text": "20,000", "amount_label": "20,000 troops"},
        {"pledge_id": "PL-2", "amount_low": 20000.0, "amount_high": 20000.0, "amount_unit": "troops", "amount_text": "some 20.000",
         "amount_label": "about 20,000 troops", "source_id": "S2", "reported_date": pd.Timestamp("2025-11-15")},
        {"pledge_id": "PL-3", "actor_id": "USA", "actor_name": "United States", "amount_high": 90000.0, "amount_unit": "troops", "amount_label": "up to 90,000 troops"},
    )
    offer = analysis.largest_offer(df)
    assert offer["actor"] == "Indonesia" and offer["amount"] == 20000.0
    assert [(l["source_id"], l["text"]) for l in offer["labels"]] == [("S1", "20,000"), ("S2", "some 20.000")]
    assert analysis.largest_offer(df.iloc[2:]) is None


def test_named_states_by_rank_excludes_groups_and_the_organiser() -> None:
    df = pledges(
        {"pledge_id": "PL-1"},
        {"pledge_id": "PL-2", "actor_id": "FRA", "actor_name": "France", "stage": "approached", "stage_label": "Approached", "stage_rank": 1.0},
        {"pledge_id": "PL-3", "actor_id": "GRP-X", "actor_name": "Some group", "actor_kind": "unnamed_group"},
        {"pledge_id": "PL-4", "actor_id": "USA", "actor_name": "United States"},
    )
    assert [s["name"] for s in analysis.named_states(df, 0, exclude=("USA",))] == ["France", "Indonesia"]
    assert [s["name"] for s in analysis.named_states(df, 2, exclude=("USA",))] == ["Indonesia"]


def test_disagreements_flag_a_move_off_the_ladder_and_differing_amounts() -> None:
    t = {
        "pledges": pledges(
            {"pledge_id": "PL-1", "actor_id": "AZE", "actor_name": "Azerbaijan", "stage": "offered_private", "stage_label": "Offered (not announced)"},
            {"pledge_id": "PL-2", "actor_id": "AZE", "actor_name": "Azerbaijan", "stage": "declined", "stage_label": "Declined", "stage_rank": float("nan"),
             "on_ladder": False, "source_id": "S3", "reported_date": pd.Timestamp("2025-11-08")},
            {"pledge_id": "PL-3", "actor_name": "Turkey", "stage": "mentioned", "stage_label": "Named as candidate", "stage_rank": 0.0},
            {"pledge_id": "PL-4", "actor_name": "Turkey", "stage": "offered_private", "stage_label": "Offered", "reported_date": pd.Timestamp("2025-10-01")},
        ),
        "figures": pd.DataFrame(columns=["figure_id", "metric_label", "actor_name", "value_low", "value_high", "reported_date", "source_id", "value_label", "value_text"]),
        "positions": pd.DataFrame(columns=["position_id", "actor_name", "topic_label", "direction", "direction_label", "summary", "reported_date", "source_id"]),
        "events": pd.DataFrame(columns=["event_id", "event_type", "event_date", "actor_name", "title", "reported_date", "source_id"]),
    }
    found = analysis.disagreements(t)
    # Turkey merely "mentioned" after an offer is a weaker claim, not a reversal.
    assert found[["kind", "actor_name"]].values.tolist() == [["Stance changed", "Azerbaijan"]]
    assert found.iloc[0]["claims"] == ["18 Oct 2025: offered (not announced) (S1)", "8 Nov 2025: declined (S3)"]


def test_changes_since_reports_no_previous_edition() -> None:
    assert analysis.changes_since({}, "2025-11-20", None) == {"has_previous": False}
    assert analysis.read_previous("") is None


@pytest.fixture(scope="module")
def curated() -> dict[str, pd.DataFrame]:
    return clean.build_processed(paths.DATA_DIR, "2025-11-20")


def test_changes_between_two_editions_of_the_curated_data(curated) -> None:
    earlier = clean.build_processed(paths.DATA_DIR, "2025-10-20")
    changes = analysis.changes_since(curated, "2025-11-20", earlier)
    assert changes["new_sources"] == ["S001", "S003"]
    assert changes["new_claims"] == len(curated["claims"]) - len(earlier["claims"])
    assert "Azerbaijan, troops: offered (not announced) → declined / will not send for now (S003)" in changes["changed_stances"]
    assert "Saudi Arabia" in changes["new_actors"] and "Indonesia" not in changes["new_actors"]


def test_condition_implications_on_curated_data(curated) -> None:
    imp = analysis.condition_implications(curated["pledges"], curated["conditions"], curated["condition_types"]).set_index("condition_type")
    assert imp.loc["israeli_controlled_areas_only", "groups"] == "Countries that agreed to deploy troops (unnamed)"
    assert imp.loc["after_fighting_stops", "named"] == "Azerbaijan"
    assert imp.loc["un_mandate", "n_attaching"] == 1
    assert (imp["n_willing"] == imp["n_willing_states"] + imp["n_willing_groups"]).all()


def test_commitments_have_one_row_per_actor_and_contribution(curated) -> None:
    table = analysis.commitments(curated["pledges"], "2025-11-20")
    assert not table.duplicated(["actor_id", "contribution_type"]).any()
    idn = table[(table["actor_id"] == "IDN") & (table["contribution_type"] == "troops")].iloc[0]
    assert (idn["stage"], idn["figure"], idn["sources"]) == ("offered_public", "about 20,000 troops", "S000, S001, S002")
    aze = table[(table["actor_id"] == "AZE") & (table["contribution_type"] == "troops")].iloc[0]
    assert aze["stage"] == "declined"


def test_disagreements_on_curated_data(curated) -> None:
    found = analysis.disagreements(curated)
    subjects = set(zip(found["kind"], found["actor_name"], found["subject"]))
    assert ("Stance changed", "Azerbaijan", "Troops") in subjects
    assert ("Figures differ", "United States", "Command and coordination staff") in subjects
    assert ("Positions differ", "Israel", "Turkish troops in Gaza") in subjects
    assert ("Target dates differ", "United States", "When the force deploys") in subjects


def test_analysis_round_trips_through_files(curated, tmp_path) -> None:
    tables, summary = analysis.analyse(curated, "2025-11-20", None)
    analysis.write_analysis(tables, summary, tmp_path)
    back, back_summary = analysis.read_analysis(tmp_path)
    assert back_summary["countries_willing"][0]["value"] == "19 countries"
    assert back["disagreements"]["claims"].iloc[0] == tables["disagreements"]["claims"].iloc[0]
    assert len(back["commitments"]) == len(tables["commitments"])
