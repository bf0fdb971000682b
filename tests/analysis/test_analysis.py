"""The analysis rules on small fixture data packages (tests/fixture_data.py), and invariants of the live data.

One test per rule of docs/CODEBOOK.md "Standing": the actor's own later word supersedes a third party's
earlier report, and a third party's later mention does not demote an offer; "will only if" is
conditional, not a refusal; support from outside the force is not a contribution; overlapping unnamed
groups count once; a limit is never "met"; a passed target shows as passed; the staleness notice; one
origin per relayed story; the information date is the newest report's date, not the build date.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.analysis import changes, disagreements, findings, run, standings
from helpers.analysis import tables as analysis_tables
from helpers.data import clean
from fixture_data import condition, event, figure, make_data, pledge, position

from conftest import AS_OF


def tables(tmp_path: Path, as_of: str = "2026-01-31", **rows: list[dict]) -> dict[str, pd.DataFrame]:
    return clean.build_processed(make_data(tmp_path, **rows), as_of)


def standing_of(t: dict[str, pd.DataFrame], actor: str, contribution: str = "troops") -> pd.Series:
    s = standings.standings(t["pledges"], t["conditions"])
    return s[(s["actor_id"] == actor) & (s["contribution_type"] == contribution)].iloc[0]


def test_a_later_mention_does_not_demote_an_offer(tmp_path) -> None:
    t = tables(tmp_path, pledges=[pledge("PL-001", "TUR", "offered_private", "S011"), pledge("PL-002", "TUR", "mentioned", "S012")])
    turkey = standing_of(t, "TUR")
    assert (turkey["stage"], turkey["basis_id"]) == ("offered_private", "PL-001")
    assert turkey["since"] == "named as a likely contributor (S012, 8 Nov 2025)"
    # the better-sourced offer stands; the later, weaker-sourced one says it again
    again = tables(tmp_path / "again", pledges=[pledge("PL-001", "TUR", "offered_private", "S011", confidence="anonymous_officials"),
                                                pledge("PL-002", "TUR", "offered_private", "S013", confidence="relayed")])
    assert standing_of(again, "TUR")["since"] == "reported again (S013, c. 13 Dec 2025)"
    summary = findings.key_figures(t)
    assert [o["name"] for o in summary["troop_offers"]] == ["Turkey"]


def test_only_a_withdrawal_takes_an_offer_back_and_a_later_offer_stands_again(tmp_path) -> None:
    t = tables(tmp_path, pledges=[pledge("PL-001", "TUR", "offered_private", "S011"), pledge("PL-002", "TUR", "withdrawn", "S012")])
    assert standing_of(t, "TUR")["stage"] == "withdrawn"
    assert findings.key_figures(t)["troop_offers"] == []
    again = tables(tmp_path / "b", pledges=[pledge("PL-001", "TUR", "offered_private", "S011"), pledge("PL-002", "TUR", "withdrawn", "S012"),
                                             pledge("PL-003", "TUR", "signalled_willingness", "S013")])
    assert standing_of(again, "TUR")["stage"] == "signalled_willingness"


def test_a_conditional_stance_is_not_a_refusal(tmp_path) -> None:
    # two reports by others (the outlet's own statements), then a third party's "only if": the offer stands, on conditions
    t = tables(tmp_path,
               pledges=[pledge("PL-001", "AZE", "offered_private", "S011"), pledge("PL-002", "AZE", "conditional", "S012", voice="third_party")],
               conditions=[condition("CO-001", "AZE", "after_fighting_stops", "S012", "PL-002"), condition("CO-002", "AZE", "parliamentary_approval", "S012", "PL-002")])
    aze = standing_of(t, "AZE")
    assert aze["stage"] == "offered_private" and bool(aze["conditional"])
    assert aze["conditions"] == "only once fighting completely stops (not reported met); parliamentary approval (not reported met)"
    summary = findings.key_figures(t)
    assert [(o["name"], o["conditional"]) for o in summary["troop_offers"]] == [("Azerbaijan", True)]
    # alone, "will only if" still makes a willing contributor, never a refusal
    only = tables(tmp_path / "b", pledges=[pledge("PL-002", "AZE", "conditional", "S012")],
                  conditions=[condition("CO-001", "AZE", "after_fighting_stops", "S012", "PL-002")])
    assert [w["name"] for w in findings.key_figures(only)["contributors_willing"]] == ["Azerbaijan"]
    assert findings.key_figures(only)["troop_offers"] == []


def test_a_condition_linked_to_an_offer_makes_it_only_if_but_the_organisers_own_limits_do_not(tmp_path) -> None:
    t = tables(tmp_path, pledges=[
        pledge("PL-001", "IDN", "offered_public", "S011"),
        pledge("PL-002", "USA", "offered_public", "S011", "command_coordination", location="nearby_bases"),
    ], conditions=[
        condition("CO-001", "IDN", "un_mandate", "S012", "PL-001"),
        condition("CO-002", "USA", "no_troops_inside_gaza", "S011", "PL-002", applies_to="taking_part"),
    ])
    idn, usa = standing_of(t, "IDN"), standing_of(t, "USA", "command_coordination")
    assert (idn["stage"], bool(idn["conditional"]), idn["conditions"]) == ("offered_public", True, "UN Security Council mandate (not reported met)")
    assert (bool(usa["conditional"]), usa["conditions"], usa["limits"]) == (False, "", "")
    assert [(o["name"], o["conditional"]) for o in findings.key_figures(t)["troop_offers"]] == [("Indonesia", True)]


def test_the_actors_own_later_word_supersedes_a_third_partys_earlier_report(tmp_path) -> None:
    # S011: officials of others say Azerbaijan agreed, behind closed doors; S012: its own ministry says only if the fighting stops
    t = tables(tmp_path,
               pledges=[pledge("PL-001", "AZE", "offered_private", "S011", voice="third_party", confidence="anonymous_officials", via_outlet="Times of Israel"),
                        pledge("PL-002", "AZE", "conditional", "S012", voice="own", confidence="anonymous_officials", via_outlet="Reuters")],
               conditions=[condition("CO-001", "AZE", "after_fighting_stops", "S012", "PL-002", voice="own")])
    aze = standing_of(t, "AZE")
    assert (aze["stage"], aze["basis_id"], aze["basis_voice"], bool(aze["own_word"])) == ("conditional", "PL-002", "own", True)
    assert aze["history"] == "offered privately (not announced) (S011, 18 Oct 2025; anonymous officials, via Times of Israel)"
    summary = findings.key_figures(t)
    assert summary["troop_offers"] == []  # no longer headlined as offering troops
    assert [w["name"] for w in summary["contributors_willing"]] == ["Azerbaijan"]
    # the same day: a third party's report in the same report does not outrank the actor's own word
    same_day = tables(tmp_path / "b", pledges=[pledge("PL-001", "AZE", "offered_private", "S012", voice="third_party"),
                                                pledge("PL-002", "AZE", "conditional", "S012", voice="own")])
    assert standing_of(same_day, "AZE")["stage"] == "conditional"


def test_a_third_partys_later_mention_does_not_demote_the_actors_own_offer(tmp_path) -> None:
    t = tables(tmp_path, pledges=[pledge("PL-001", "IDN", "offered_public", "S011", voice="own", confidence="on_record"),
                                  pledge("PL-002", "IDN", "mentioned", "S012", voice="third_party", confidence="anonymous_officials"),
                                  pledge("PL-003", "IDN", "approached", "S013", voice="outlet")])
    idn = standing_of(t, "IDN")
    assert (idn["stage"], idn["basis_id"], idn["history"]) == ("offered_public", "PL-001", "")
    assert idn["since"] == "named as a likely contributor (S012, 8 Nov 2025); approached / in talks (S013, c. 13 Dec 2025)"
    # nor does a third party's later, weaker word undo an offer when the actor never spoke
    tur = tables(tmp_path / "b", pledges=[pledge("PL-001", "TUR", "offered_private", "S011", voice="third_party"),
                                          pledge("PL-002", "TUR", "mentioned", "S013", voice="third_party")])
    assert standing_of(tur, "TUR")["stage"] == "offered_private"


def test_support_from_outside_is_not_a_contribution(tmp_path) -> None:
    t = tables(tmp_path, pledges=[
        pledge("PL-001", "GBR", "deployed", "S011", "advisers", location="israel"),
        pledge("PL-002", "USA", "announced", "S011", "command_coordination", amount_high=200, amount_unit="troops", amount_text="up to 200",
               amount_precision="up_to", location="nearby_bases"),
        pledge("PL-003", "IDN", "offered_public", "S011", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="20,000"),
    ])
    summary = findings.key_figures(t)
    assert [w["name"] for w in summary["contributors_willing"]] == ["Indonesia"]
    assert [o["name"] for o in summary["outside_support"]] == ["United Kingdom", "United States"]
    # the organiser's "up to 200" is never the largest troop offer
    assert summary["largest_offer"]["actor"] == "Indonesia"
    assert summary["largest_offer"]["n_with_figure"] == 1


def test_differing_figures_are_kept_apart_not_merged(tmp_path) -> None:
    t = tables(tmp_path, pledges=[
        pledge("PL-001", "USA", "deployed", "S011", "command_coordination", amount_low=200, amount_high=200, amount_unit="personnel",
               amount_text="about 200", amount_precision="approximate"),
        pledge("PL-002", "USA", "deployed", "S012", "command_coordination", amount_low=24, amount_high=24, amount_unit="personnel",
               amount_text="about two dozen", amount_precision="approximate"),
        pledge("PL-003", "IDN", "offered_public", "S011", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="20,000", amount_precision="exact"),
        pledge("PL-004", "IDN", "offered_public", "S013", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="some 20.000",
               amount_precision="approximate"),
    ])
    us = standing_of(t, "USA", "command_coordination")
    assert bool(us["figures_differ"])
    assert us["reports"] == ("deployed, about 200 personnel (S011, 18 Oct 2025; the outlet's own statement); "
                             "deployed, about two dozen personnel (S012, 8 Nov 2025; the outlet's own statement)")
    # "20,000" and "some 20.000" are one figure in two wordings: no tension, the latest wording is shown
    idn = standing_of(t, "IDN")
    assert not idn["figures_differ"] and idn["figure"] == "about 20,000 troops"


def test_information_date_is_the_newest_report_not_the_build_date(tmp_path) -> None:
    t = tables(tmp_path, as_of="2026-06-30", pledges=[pledge("PL-001", "IDN", "mentioned", "S013")])
    info = findings.key_figures(t)["information_date"]
    assert info == {"date": "2025-12-13", "label": "c. 13 Dec 2025", "source_id": "S013"}
    early = tables(tmp_path / "b", as_of="2025-11-01", pledges=[pledge("PL-001", "IDN", "mentioned", "S011")])
    assert findings.key_figures(early)["information_date"]["date"] == "2025-10-18"
    before = tables(tmp_path / "c", as_of="2025-10-01")
    assert findings.key_figures(before)["information_date"] == {"date": "", "label": "", "source_id": ""}


def test_overlapping_unnamed_groups_count_once_and_contributors_are_named_states(tmp_path) -> None:
    groups = [{"actor_id": "GRP-A", "name": "Countries that agreed to deploy troops (unnamed)", "kind": "unnamed_group",
               "population": "would_be_contributors", "population_relation": "part_of"},
              {"actor_id": "GRP-B", "name": "Countries willing to deploy troops (unnamed)", "kind": "unnamed_group",
               "population": "would_be_contributors", "population_relation": "part_of"}]
    t = tables(tmp_path, extra_actors=[*groups],
               pledges=[pledge("PL-001", "GRP-19", "signalled_willingness", "S013"), pledge("PL-002", "GRP-A", "offered_private", "S013"),
                        pledge("PL-003", "GRP-B", "signalled_willingness", "S013"), pledge("PL-004", "IDN", "offered_public", "S011")],
               conditions=[condition("CO-001", "GRP-A", "israeli_controlled_areas_only", "S013", "PL-002"),
                           condition("CO-002", "GRP-B", "non_combat", "S013", "PL-003")])
    summary = findings.key_figures(t)
    # two descriptions of one population are one entry; GRP-19 has no population, so it is its own
    assert [(p["label"], len(p["descriptions"])) for p in summary["would_be"]] == [
        ("Would-be contributors (unnamed)", 2), ("The 19 willing countries (unnamed)", 1)]
    assert [w["name"] for w in summary["contributors_willing"]] == ["Indonesia"]
    table = analysis_tables.conditions_summary(standings.standings(t["pledges"], t["conditions"]), t["conditions"]).set_index("condition_type")
    # said of the would-be contributors in general, not "1 of 3"
    assert table.loc["non_combat", ["kind", "n_named", "n_setting", "general"]].tolist() == ["limit", 1, 0, True]
    assert table.loc["non_combat", "descriptions"] == ["Countries willing to deploy troops (unnamed)"]
    assert sorted(c["type"] for c in summary["conditions_general"]) == ["israeli_controlled_areas_only", "non_combat"]


def test_conditions_summary_counts_only_the_willing_contributors(tmp_path) -> None:
    # Indonesia offers troops on a mandate; Egypt is only named as a candidate; France offers nothing: theirs are not counted
    t = tables(tmp_path, pledges=[pledge("PL-001", "IDN", "offered_public", "S011"), pledge("PL-002", "EGY", "mentioned", "S011")],
               conditions=[condition("CO-001", "IDN", "un_mandate", "S012", "PL-001"),
                           condition("CO-002", "EGY", "un_mandate", "S012", "PL-002"),
                           condition("CO-003", "FRA", "un_mandate", "S012")])
    table = analysis_tables.conditions_summary(standings.standings(t["pledges"], t["conditions"]), t["conditions"]).set_index("condition_type")
    assert table.loc["un_mandate", ["n_named", "n_setting", "named", "general", "sources"]].tolist() == [1, 1, "Indonesia", False, "S012"]


def test_a_limit_is_never_met_and_a_condition_has_its_status(tmp_path) -> None:
    t = tables(tmp_path,
               pledges=[pledge("PL-001", "AZE", "conditional", "S012", voice="own")],
               conditions=[condition("CO-001", "AZE", "after_fighting_stops", "S012", "PL-001"),
                           condition("CO-002", "AZE", "non_combat", "S012", "PL-001")])
    aze = standing_of(t, "AZE")
    assert (aze["conditions"], aze["limits"]) == ("only once fighting completely stops (not reported met)", "non-combative role")
    matrix = analysis_tables.conditions_matrix(t["conditions"]).set_index("condition_type")
    assert matrix.loc["non_combat", ["kind", "status_label"]].tolist() == ["limit", ""]
    assert matrix.loc["after_fighting_stops", ["kind", "status_label"]].tolist() == ["condition", "Not reported met"]
    # and the validator refuses a limit marked met
    from helpers.data import validate
    data = make_data(tmp_path / "bad", pledges=[pledge("PL-001", "AZE", "conditional", "S012")],
                     events=[event("EV-001", "2025-11-08", "ceasefire", "Fighting stops", "ISR", "S012")],
                     conditions=[condition("CO-001", "AZE", "non_combat", "S012", "PL-001", status="met", status_event_id="EV-001")])
    found = [p for p in validate.validate_data(data, tmp_path / "bad" / "sources") if p.field == "status"]
    assert [(p.row, p.value) for p in found] == [(2, "met")]


def test_a_passed_target_shows_as_passed(tmp_path) -> None:
    rows = [event("EV-001", "2025-11-01", "target_date", "Hopes to deploy in early 2026", "USA", "S013", precision="month", target_by="2026-04-30"),
            event("EV-002", "2025-11-06", "target_date", "Expects the force 'very soon'", "USA", "S012")]
    before = {t["event_id"]: t["status"] for t in findings.key_figures(tables(tmp_path, as_of="2026-04-30", events=rows), as_of="2026-04-30")["targets"]}
    assert before == {"EV-001": "ahead", "EV-002": "undated"}
    after = findings.key_figures(tables(tmp_path / "b", as_of="2026-05-01", events=rows), as_of="2026-05-01")["targets"]
    assert [(t["event_id"], t["status"], t["days_since_said"]) for t in after] == [("EV-001", "passed", 181), ("EV-002", "undated", 176)]


def test_the_staleness_notice_appears_past_the_threshold_and_not_before(tmp_path) -> None:
    from helpers.views import briefing
    rows = {"pledges": [pledge("PL-001", "IDN", "mentioned", "S013")]}  # the newest report: c. 13 Dec 2025
    fresh = findings.key_figures(tables(tmp_path, as_of="2026-01-12", **rows), as_of="2026-01-12")  # 30 days: not past it
    assert fresh["staleness"] == {"age_days": 30, "threshold_days": 30, "stale": False, "newest": "c. 13 Dec 2025"}
    assert briefing.staleness_md(fresh) == "" and briefing.stale_note(fresh) == ""
    old = findings.key_figures(tables(tmp_path / "b", as_of="2026-01-13", **rows), as_of="2026-01-13")
    assert old["staleness"]["stale"] and old["staleness"]["age_days"] == 31
    assert briefing.stale_note(old) == "31 days before this edition; later events are not covered"
    assert "31 days before the edition's date" in briefing.staleness_md(old)
    assert briefing.title_block_fields("2026-01-13", "2026-01-14", old)["stale_note"] == briefing.stale_note(old)


def test_relays_of_one_story_count_as_one_origin(tmp_path) -> None:
    # S011 relays the WSJ; S013 is the WSJ's own story, via no one: one origin, The Wall Street Journal (the outlet of S013 is "Outlet S013")
    t = tables(tmp_path, figures=[
        figure("FI-001", "countries_willing", 19, 19, "exact", "19", "S011", via_outlet="The Wall Street Journal"),
        figure("FI-002", "countries_willing", 19, 19, "exact", "19", "S012", via_outlet="The Wall Street Journal"),
        figure("FI-003", "countries_approached", 70, 70, "approximate", "some 70", "S013")])
    summary = findings.key_figures(t)
    willing = t["figures"][t["figures"]["metric"] == "countries_willing"]
    assert standings.origins(willing) == ["The Wall Street Journal"]
    assert [c["origins"] for c in summary["countries_willing"]] == [["The Wall Street Journal"], ["The Wall Street Journal"]]
    assert summary["countries_approached"][0]["origins"] == ["Outlet S013"]
    from helpers import fmt
    assert fmt.origins_note(standings.origins(t["figures"])) == "2 origins: Outlet S013 and The Wall Street Journal"
    # "has reportedly offered", naming no source (S013): its outlet, marked as naming no source
    offers = tables(tmp_path / "b", pledges=[pledge("PL-001", "IDN", "offered_public", "S011", confidence="on_record"),
                                             pledge("PL-002", "IDN", "offered_public", "S013", confidence="relayed")])["pledges"]
    assert standings.origins(offers) == ["Outlet S011", "Outlet S013 (“reportedly”, no source named)"]


def test_chronology_orders_by_when_it_happened_with_its_precision(tmp_path) -> None:
    t = tables(tmp_path, events=[event("EV-001", "2025-11-05", "resolution", "Draft circulated", "USA", "S012"),
                                 event("EV-002", "2025-09-01", "diplomatic_contact", "Erdogan tells Trump", "TUR", "S011", precision="month")])
    chron = analysis_tables.chronology(t["events"])
    assert chron[["event_id", "date", "who", "source_id"]].values.tolist() == [
        ["EV-002", "Sep 2025", "Turkey", "S011"], ["EV-001", "5 Nov 2025", "United States", "S012"]]
    assert chron["milestone"].tolist() == [False, True]


def test_funnel_steps_read_the_findings(tmp_path) -> None:
    t = tables(tmp_path, pledges=[pledge("PL-001", "IDN", "offered_public", "S011"), pledge("PL-002", "EGY", "signalled_willingness", "S011")],
               figures=[figure("FI-001", "countries_approached", 70, 70, "approximate", "some 70", "S013"),
                        figure("FI-002", "countries_willing", 3, "", "vague", "several", "S012")])
    summary = findings.key_figures(t)
    steps = analysis_tables.funnel_steps(t["figures"], summary)
    assert steps[["row", "value", "open"]].values.tolist() == [
        # "several" has no number to draw: it is left out of the bars (the caption names it)
        ["Asked to contribute · S013, c. 13 Dec 2025", 70.0, False],
        ["Named as willing or offering", 2.0, False], ["Named as offering troops", 1.0, False]]
    assert steps["label"].iloc[-2] == "2: Indonesia and Egypt"


def test_positions_latest_stance_per_topic(tmp_path) -> None:
    t = tables(tmp_path, positions=[position("PO-001", "ISR", "turkish_troops", "undecided", "S011", target_actor_id="TUR"),
                                    position("PO-002", "ISR", "turkish_troops", "opposes", "S013", target_actor_id="TUR")])
    cells = analysis_tables.position_cells(t["positions"])
    assert cells.set_index("direction")["current"].to_dict() == {"opposes": True, "undecided": False}
    assert [o["target"] for o in findings.key_figures(t)["opposed"]] == ["Turkey"]


def test_an_edition_before_any_report_has_empty_findings(tmp_path) -> None:
    t = tables(tmp_path, as_of="2025-10-01", pledges=[pledge("PL-001", "IDN", "offered_public", "S011")])
    results, summary = run.analyse(t, "2025-10-01", None)
    assert summary["counts"]["claims"] == 0 and summary["troop_offers"] == [] and summary["largest_offer"] is None
    assert results["commitments"].empty and results["chronology"].empty


def test_analysis_round_trips_through_files(tmp_path) -> None:
    t = tables(tmp_path, pledges=[pledge("PL-001", "IDN", "offered_public", "S011")],
               figures=[figure("FI-001", "countries_willing", 19, 19, "exact", "19", "S013")])
    results, summary = run.analyse(t, "2026-01-31", None)
    run.write_analysis(results, summary, tmp_path / "out")
    back, back_summary = run.read_analysis(tmp_path / "out")
    assert back_summary["countries_willing"][0]["value"] == "19 countries"
    assert back_summary["troop_offers"][0]["name"] == "Indonesia"
    assert len(back["commitments"]) == len(results["commitments"])


# --- Invariants of the live data (they hold whatever reports are added) -------------------------------------

@pytest.fixture(scope="module")
def live() -> tuple[dict[str, pd.DataFrame], dict]:
    t = clean.build_processed(paths.DATA_DIR, AS_OF)
    return t, run.analyse(t, AS_OF, None)


@pytest.mark.live_data
def test_live_findings_are_consistent(live) -> None:
    t, (results, summary) = live
    standing = results["commitments"]
    assert not standing.duplicated(["actor_id", "contribution_type"]).any()
    # every troop offer is a willing contributor; no outside-only supporter is a contributor
    assert {o["actor_id"] for o in summary["troop_offers"]} <= {c["actor_id"] for c in summary["contributors_willing"]}
    force = standing[standing["part_of_force"].astype(bool)]
    assert {c["actor_id"] for c in summary["contributors_willing"]} <= set(force["actor_id"])
    # the information date is a report's own date, and no report in sources.csv is dated after it
    with (paths.CURATED_DIR / "sources.csv").open(encoding="utf-8", newline="") as fh:
        published = {r["source_id"]: r["published"] for r in csv.DictReader(fh)}
    info = summary["information_date"]
    assert info["date"] == published[info["source_id"]] and all(d <= info["date"] for d in published.values())
    # no stage coded declined where a conditions row makes it "only if"
    conditional = t["conditions"]["pledge_id"].dropna()
    assert t["pledges"][t["pledges"]["pledge_id"].isin(conditional) & (t["pledges"]["stage"] == "declined")].empty


@pytest.mark.live_data
def test_live_claims_cite_reports_and_standings_rest_on_their_claims(live) -> None:
    t, (results, summary) = live
    reports = set(t["sources"]["source_id"])
    assert reports and set(t["claims"]["source_id"]) <= reports  # every claim cites a report of the edition
    # each standing rests on a claim about that actor and contribution, and cites every report that has one
    pledges = t["pledges"].set_index("pledge_id")
    pairs = lambda df: set(zip(df["actor_id"], df["contribution_type"]))  # noqa: E731
    assert pairs(results["commitments"]) == pairs(t["pledges"])  # every actor and contribution the claims name has a standing
    for r in results["commitments"].itertuples():
        basis = pledges.loc[r.basis_id]
        assert (basis["actor_id"], basis["contribution_type"], basis["source_id"]) == (r.actor_id, r.contribution_type, r.basis_source)
        own = t["pledges"][(t["pledges"]["actor_id"] == r.actor_id) & (t["pledges"]["contribution_type"] == r.contribution_type)]
        assert all(sid in r.sources for sid in set(own["source_id"])), (r.actor_id, r.contribution_type)
    # the findings count what the tables hold
    counts = summary["counts"]
    assert counts["sources"] == len(reports)
    assert {name: counts[name] for name in ("pledges", "conditions", "positions", "events", "figures", "open_questions")} == {
        name: len(t[name]) for name in ("pledges", "conditions", "positions", "events", "figures", "open_questions")}
    assert counts["claims"] == len(t["claims"])


def test_disagreements_show_conditions_added_and_withdrawals_but_not_weaker_mentions(tmp_path) -> None:
    t = tables(tmp_path, pledges=[
        pledge("PL-001", "AZE", "offered_private", "S011"), pledge("PL-002", "AZE", "conditional", "S012"),
        pledge("PL-003", "TUR", "offered_private", "S011"), pledge("PL-004", "TUR", "mentioned", "S012"),
        pledge("PL-005", "EGY", "signalled_willingness", "S011"), pledge("PL-006", "EGY", "declined", "S013"),
    ])
    found = disagreements.disagreements(t).set_index("actor_name")
    assert found.loc["Azerbaijan", "kind"] == "Conditions added"
    assert found.loc["Azerbaijan", "claims"] == ["18 Oct 2025: offered privately (not announced) (S011)", "8 Nov 2025: willing only if conditions are met (S012)"]
    assert found.loc["Egypt", "kind"] == "Stance changed"
    assert "Turkey" not in found.index


def test_numbers_given_in_words_stay_words() -> None:
    assert clean.amount_label(24, 24, "approximate", "personnel", "about two dozen") == "about two dozen personnel"
    assert clean.amount_label(3, None, "vague", "countries", "several") == "several (number not stated)"
    assert clean.amount_label(20000, 20000, "approximate", "troops", "some 20.000") == "about 20,000 troops"
    assert clean.amount_label(None, 200, "up_to", "troops", "up to 200") == "up to 200 troops"


def test_a_condition_is_met_only_in_editions_that_hold_the_event_reporting_it(tmp_path) -> None:
    rows = {"pledges": [pledge("PL-001", "GRP-19", "signalled_willingness", "S012")],
            "conditions": [condition("CO-001", "GRP-19", "un_mandate", "S012", "PL-001", status="met", status_event_id="EV-001")],
            "events": [event("EV-001", "2025-12-01", "resolution", "Security Council adopts the resolution", "USA", "S013")]}
    data = make_data(tmp_path, **rows)
    before = clean.build_processed(data, "2025-11-30")
    after = clean.build_processed(data, "2025-12-20")
    assert before["conditions"]["status"].tolist() == ["open"] and after["conditions"]["status"].tolist() == ["met"]
    news = changes.changes_since(after, before, "2025-12-20", "2025-11-30")["news"]
    met = [i for i in news if i["kind"] == "condition_met"]
    assert [(i["claim_id"], i["source_id"], i["date"]) for i in met] == [("CO-001", "S013", "2025-12-13")]  # cited by the event's report


def test_an_open_question_is_answered_only_in_editions_that_hold_the_answer(tmp_path) -> None:
    rows = {"open_questions": [{"question_id": "OQ-001", "topic": "un_mandate", "question": "Will the Council vote?", "status": "answered",
                                "answered_by": "EV-001", "source_id": "S011", "reported_date": "2025-10-18", "quote": "The report's words on OQ-001."}],
            "events": [event("EV-001", "2025-12-12", "resolution", "Council adopts the resolution", "USA", "S013")]}
    before = analysis_tables.open_questions(tables(tmp_path, as_of="2025-11-30", **rows))
    assert before[["question", "status", "answered_by"]].values.tolist() == [["Will the Council vote?", "open", ""]]
    after = analysis_tables.open_questions(tables(tmp_path / "b", as_of="2025-12-20", **rows))
    assert after[["status", "answered_by"]].values.tolist() == [["answered", "Council adopts the resolution (S013)"]]


def test_one_sentence_naming_kinds_with_or_is_one_entry_not_an_offer_of_each(tmp_path) -> None:
    said = "willingness to contribute troops, equipment or logistical support"
    t = tables(tmp_path, pledges=[pledge("PL-001", "GRP-19", "signalled_willingness", "S013", "troops", quote=said),
                                  pledge("PL-002", "GRP-19", "signalled_willingness", "S013", "equipment", quote=said),
                                  pledge("PL-003", "GRP-19", "signalled_willingness", "S013", "logistics", quote=said),
                                  pledge("PL-004", "IDN", "offered_public", "S011", "troops"),
                                  pledge("PL-005", "IDN", "signalled_willingness", "S011", "equipment")])
    standing = standings.standings(t["pledges"], t["conditions"]).set_index(["actor_id", "contribution_type"])
    assert standing.loc["GRP-19", "alternatives"].tolist() == ["troops, equipment or logistics"] * 3
    assert standing.loc["IDN", "alternatives"].tolist() == ["", ""]  # two sentences: two standings of their own
    from helpers.views import briefing

    table = briefing.commitments_md(standing.reset_index()).replace("\\", "")  # the Markdown escapes dropped
    assert table.count("Troops, equipment or logistics (the mix not stated): signalled willingness (S013") == 1
    assert "Equipment: signalled" not in table.split("19 willing")[-1]


def test_a_public_offer_a_report_repeats_as_reportedly_is_drawn_as_it_says(tmp_path) -> None:
    t = tables(tmp_path, pledges=[
        pledge("PL-001", "IDN", "offered_public", "S011", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="20,000",
               confidence="on_record", voice="own"),
        pledge("PL-002", "IDN", "offered_public", "S013", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="some 20.000",
               amount_precision="approximate", confidence="relayed", voice="outlet")])
    stated = analysis_tables.stated_figures(t["pledges"]).set_index("pledge_id")
    assert stated.loc["PL-001", "stage_short"] == "offered publicly"
    assert stated.loc["PL-002", ["stage_short", "stage_label"]].tolist() == ["reportedly offered", "Reportedly offered"]
