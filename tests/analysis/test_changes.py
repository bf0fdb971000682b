"""What changed between editions, ranked as news: each kind and weight, restatements and background apart,
corrections apart, on tiny data folders built with clean.build_processed (expected values written out by
hand from the rows below); and invariants plus the issue's cases on the curated data."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import fixture_data
from fixture_data import claim, read_csv_text, source, split_rows
from helpers import paths
from helpers.data.datapackage import claim_id_columns
from helpers.analysis import changes, news
from helpers.data import clean, processed
from helpers.publish import site_editions, site_pages
from helpers.publish.feed import atom_feed
from helpers.views import changes_md

FIRST, SECOND, LATER = "2025-01-10", "2025-01-20", "2025-01-27"
ACTORS = [
    {"actor_id": a, "name": n, "kind": k, "region": "europe"}
    for a, n, k in (("TUR", "Turkey", "state"), ("ISR", "Israel", "state"), ("USA", "United States", "state"),
                    ("IDN", "Indonesia", "state"), ("RUS", "Russia", "state"), ("CHN", "China", "state"),
                    ("UNSC", "UN Security Council", "international_organisation"), ("EGY", "Egypt", "state"),
                    ("GBR", "United Kingdom", "state"), ("GRP-X", "Some countries (unnamed)", "unnamed_group"))
]
NO_AMOUNT = {"amount_precision": "unspecified", "location": "unspecified"}


S1 = source("S1", "2025-01-05")
S2 = source("S2", "2025-01-15", "approximate")
WEEK_ONE = [
    S1,
    claim("pledges", "PL-1", "S1", "2025-01-05", actor_id="TUR", contribution_type="troops", stage="mentioned", **NO_AMOUNT),
    claim("positions", "PO-1", "S1", "2025-01-05", actor_id="ISR", topic="turkish_troops", target_actor_id="TUR", direction="undecided", summary="Unclear"),
    claim("figures", "FI-1", "S1", "2025-01-05", metric="countries_willing", value_low="3", unit="countries", precision="at_least"),
    claim("conditions", "CO-1", "S1", "2025-01-05", actor_id="IDN", condition_type="un_mandate", applies_to="deploying_troops"),
    claim("open_questions", "OQ-1", "S1", "2025-01-05", topic="command_structure", question="Who commands?"),
]
WEEK_TWO = [
    S2,
    claim("pledges", "PL-2", "S2", "2025-01-15", actor_id="TUR", contribution_type="troops", stage="offered_private", **NO_AMOUNT),
    claim("pledges", "PL-3", "S2", "2025-01-15", actor_id="IDN", contribution_type="troops", stage="declined", **NO_AMOUNT),
    claim("positions", "PO-2", "S2", "2025-01-15", actor_id="ISR", topic="turkish_troops", target_actor_id="TUR", direction="opposes", summary="Against"),
    claim("pledges", "PL-4", "S2", "2025-01-15", actor_id="IDN", contribution_type="funding", stage="approached", requested_by="GBR", **NO_AMOUNT),
    claim("positions", "PO-3", "S2", "2025-01-15", actor_id="ISR", topic="hamas_disarmament", target_actor_id="EGY", direction="supports", summary="Backs"),
    claim("figures", "FI-2", "S2", "2025-01-15", metric="countries_willing", value_low="19", value_high="19", unit="countries", precision="exact"),
    claim("figures", "FI-3", "S2", "2025-01-15", metric="countries_approached", value_low="70", value_high="70", unit="countries", precision="approximate"),
    claim("events", "EV-1", "S2", "2025-01-15", event_date="2025-01-14", event_date_precision="day", event_type="resolution",
          title="Draft resolution circulated <b>*now*</b>", actor_id="USA", other_actor_ids="RUS; CHN"),
    # a ceasefire of December 2024: over before the previous edition's newest report (S1, 5 Jan 2025)
    claim("events", "EV-2", "S2", "2025-01-15", event_date="2024-12-01", event_date_precision="month", event_type="ceasefire", title="Old ceasefire", actor_id="ISR"),
    claim("conditions", "CO-2", "S2", "2025-01-15", actor_id="TUR", condition_type="non_combat", applies_to="deploying_troops"),
    claim("open_questions", "OQ-2", "S2", "2025-01-15", topic="rules_of_engagement", question="Which rules?"),
]


def make_data(folder: Path, rows: list[tuple[str, dict[str, str]]]) -> Path:
    """A data folder (tests/fixture_data.py) holding only ``rows``, with this module's actors, each field as written."""
    return fixture_data.make_data(folder, actors=ACTORS, fill={}, **split_rows(rows))


def build(folder: Path, rows: list, as_of: str) -> dict[str, pd.DataFrame]:
    return clean.build_processed(make_data(folder, rows), as_of)


def compare(tmp_path: Path, before: list, after: list, as_of: str = SECOND, previous_as_of: str = FIRST) -> dict:
    """changes_since between an edition of ``before`` rows at ``previous_as_of`` and one of ``after`` rows at ``as_of``."""
    return changes.changes_since(build(tmp_path / "after", after, as_of), build(tmp_path / "before", before, previous_as_of), as_of, previous_as_of)


@pytest.fixture
def two_weeks(tmp_path) -> tuple[dict, dict]:
    data = make_data(tmp_path, WEEK_ONE + WEEK_TWO)
    return clean.build_processed(data, FIRST), clean.build_processed(data, SECOND)


def by_claim(result: dict) -> dict[str, dict]:
    """claim id -> the item that holds it (news or not)."""
    return {c: i for i in result["news"] + result["not_news"] for c in i["claim_ids"]}


def kinds(items: list[dict]) -> list[tuple[str, list[str]]]:
    return [(i["kind"], i["claim_ids"]) for i in items]


# --- the news model on fixtures -----------------------------------------------------------------


def test_first_edition_says_there_is_nothing_to_compare_with(two_weeks) -> None:
    first, _ = two_weeks
    result = changes.changes_since(first, None, FIRST, None)
    assert (result["has_previous"], result["news"], result["not_news"], result["corrections"], result["headline"]) == (False, [], [], [], [])
    text = changes_md.changes_md(result)
    assert "no previous edition" in text and "\n" not in text


def test_news_is_ranked_by_kind_then_named_states_then_newer(two_weeks) -> None:
    first, second = two_weeks
    result = changes.changes_since(second, first, SECOND, FIRST)
    # written out from WEEK_TWO: weight 1 milestone; 2 Turkey's condition, Turkey's offer, Indonesia's refusal (same
    # date, by id); 4 the two counts; 5 Israel's change on Turkish troops; 6 the UK's request; 7 Israel's first stance
    # on disarmament; 10 the question; 11 the new actors and the report
    assert [(i["kind"], i["weight"], i["claim_id"]) for i in result["news"]] == [
        ("milestone", 1, "EV-1"), ("condition", 2, "CO-2"), ("offer", 2, "PL-2"), ("refusal", 2, "PL-3"),
        ("count", 4, "FI-2"), ("count", 4, "FI-3"), ("stance_change", 5, "PO-2"), ("ladder", 6, "PL-4"),
        ("position", 7, "PO-3"), ("question", 10, "OQ-2"), ("actor", 11, "EV-1"), ("source", 11, "S2")]
    assert kinds(result["not_news"]) == [("background", ["EV-2"])]
    assert result["counts"] == {"new_claims": 11, "late_claims": 0, "restated_claims": 0, "background_claims": 1, "older_claims": 0, "news": 12,
                                     "not_news": 1, "corrections": 0, "new_sources": 1}
    # at most five of weight 1-5 lead
    assert [i["source_id"] for i in result["headline_items"]] == ["S2"] * 5
    assert [i["kind"] for i in result["headline_items"]] == ["milestone", "condition", "offer", "refusal", "count"]
    assert result["headline"][1] == "Turkey will deploy troops only in a non-combative role (S2, c. 15 Jan 2025)"


def test_each_kind_says_what_changed_in_a_plain_sentence(two_weeks) -> None:
    first, second = two_weeks
    items = by_claim(changes.changes_since(second, first, SECOND, FIRST))
    assert (items["EV-1"]["subject"], items["EV-1"]["text"]) == ("2025-01-14", "Draft resolution circulated <b>*now*</b> (14 Jan 2025)")
    assert (items["PL-2"]["old"], items["PL-2"]["new"], items["PL-2"]["text"]) == (
        "mentioned", "offered_private", "Turkey reportedly offered troops (not announced) (before: named as a likely contributor)")
    assert (items["PL-3"]["old"], items["PL-3"]["text"]) == (None, "Indonesia declined to provide troops")
    assert items["PL-4"]["text"] == "United Kingdom asked Indonesia for funding"
    assert (items["PO-2"]["old"], items["PO-2"]["new"], items["PO-2"]["text"]) == ("undecided", "opposes", "Israel: against (before: undecided / unclear)")
    # a count is told on its own: counts from two reports may not count the same countries (no "before" note)
    assert (items["FI-2"]["value_low"], items["FI-2"]["text"], items["FI-2"]["old"]) == (19.0, "Countries willing to contribute: 19 countries", "at least 3 countries")
    assert (items["FI-3"]["value_low"], items["FI-3"]["old"], items["FI-3"]["text"]) == (70.0, None, "Countries approached: about 70 countries")
    assert items["OQ-2"]["text"] == "Open question: Which rules?"
    assert all(items[c]["source_id"] == "S2" and items[c]["date"] == "2025-01-15" and items[c]["date_label"] == "c. 15 Jan 2025"
               for c in ("PL-2", "PO-2", "FI-2", "CO-2", "OQ-2"))


def test_new_sources_and_actors_named_in_any_column(two_weeks) -> None:
    first, second = two_weeks
    result = changes.changes_since(second, first, SECOND, FIRST)
    named = [i for i in result["news"] if i["kind"] == "actor"]
    # TUR, ISR, IDN were named in week one; the others only in other_actor_ids, target_actor_id, requested_by
    assert [i["text"] for i in named] == ["Named for the first time: China, Russia, United States, United Kingdom and Egypt"]  # by claim id, then actor id
    assert [(i["claim_id"], i["text"]) for i in result["news"] if i["kind"] == "source"] == [("S2", "New report: Outlet S2, “Title S2”")]


def test_a_stage_an_earlier_report_gave_is_reported_again_not_news(tmp_path) -> None:
    before = [S1, claim("pledges", "PL-1", "S1", "2025-01-05", actor_id="TUR", contribution_type="troops", stage="offered_private", **NO_AMOUNT),
              claim("pledges", "PL-2", "S1", "2025-01-05", actor_id="IDN", contribution_type="troops", stage="offered_public",
                    amount_low="20000", amount_high="20000", amount_unit="troops", amount_text="20,000", amount_precision="exact", location="unspecified")]
    after = [*before, S2,
             claim("pledges", "PL-3", "S2", "2025-01-15", actor_id="TUR", contribution_type="troops", stage="offered_private", **NO_AMOUNT),
             claim("pledges", "PL-4", "S2", "2025-01-15", actor_id="IDN", contribution_type="troops", stage="offered_public",
                   amount_low="20000", amount_high="20000", amount_unit="troops", amount_text="some 20,000", amount_precision="approximate", location="unspecified"),
             claim("pledges", "PL-5", "S2", "2025-01-15", actor_id="TUR", contribution_type="troops", stage="mentioned", **NO_AMOUNT),
             claim("pledges", "PL-6", "S2", "2025-01-15", actor_id="IDN", contribution_type="unspecified", stage="signalled_willingness", **NO_AMOUNT)]
    result = compare(tmp_path, before, after)
    assert [i["kind"] for i in result["news"]] == ["source"]  # nothing a reader of the previous edition did not know
    assert [(i["kind"], i["claim_id"], i["basis"]) for i in result["not_news"]] == [
        ("repeat", "PL-3", {"source_id": "S1", "date_label": "5 Jan 2025", "label": "offered privately (not announced)"}),
        ("repeat", "PL-4", {"source_id": "S1", "date_label": "5 Jan 2025", "label": "offered publicly"}),
        ("weaker", "PL-5", {"source_id": "S1", "date_label": "5 Jan 2025", "label": "offered privately (not announced), troops"}),
        ("weaker", "PL-6", {"source_id": "S1", "date_label": "5 Jan 2025", "label": "offered publicly, troops (20,000 troops)"})]
    assert result["counts"]["restated_claims"] == 4 and result["counts"]["news"] == 1
    text = changes_md.changes_md(result)
    assert "4 claims that add nothing to earlier reports are listed apart" in text.splitlines()[0]
    assert ("- Turkey reportedly offered troops \\(not announced\\) ([S2](#src-S2), c\\. 15 Jan 2025): reported again, as in "
            "[S1](#src-S1), 5 Jan 2025") in text
    assert "Turkey was named as a candidate for troops ([S2](#src-S2), c\\. 15 Jan 2025): a weaker mention" in text
    assert result["headline"] == ["New report: Outlet S2, “Title S2” (S2, c. 15 Jan 2025)"]


def test_a_new_figure_or_an_offer_after_a_withdrawal_is_news(tmp_path) -> None:
    before = [S1, claim("pledges", "PL-1", "S1", "2025-01-05", actor_id="IDN", contribution_type="troops", stage="offered_public",
                        amount_low="20000", amount_high="20000", amount_unit="troops", amount_text="20,000", amount_precision="exact", location="unspecified"),
              claim("pledges", "PL-2", "S1", "2025-01-05", actor_id="TUR", contribution_type="troops", stage="offered_private", **NO_AMOUNT),
              claim("pledges", "PL-3", "S1", "2025-01-05", actor_id="TUR", contribution_type="troops", stage="withdrawn", **NO_AMOUNT)]
    after = [*before, S2,
             claim("pledges", "PL-4", "S2", "2025-01-15", actor_id="IDN", contribution_type="troops", stage="offered_public",
                   amount_low="30000", amount_high="30000", amount_unit="troops", amount_text="30,000", amount_precision="exact", location="unspecified"),
             claim("pledges", "PL-5", "S2", "2025-01-15", actor_id="TUR", contribution_type="troops", stage="offered_private", **NO_AMOUNT)]
    result = compare(tmp_path, before, after)
    assert [(i["kind"], i["claim_id"], i["old"]) for i in result["news"][:2]] == [("offer", "PL-4", "offered_public"), ("offer", "PL-5", "withdrawn")]
    assert result["news"][0]["text"] == "Indonesia publicly offered 30,000 troops (before: offered publicly)"
    assert result["news"][1]["text"] == "Turkey reportedly offered troops (not announced) (before: withdrawn)"
    assert result["not_news"] == []


def test_ties_go_to_named_states_then_to_what_is_newer(tmp_path) -> None:
    s3 = source("S3", "2025-01-16")
    offer = dict(contribution_type="troops", stage="offered_private", **NO_AMOUNT)
    after = [S1, S2, s3,
             claim("pledges", "PL-6", "S2", "2025-01-15", actor_id="GRP-X", **offer),  # an unnamed group: after the states
             claim("pledges", "PL-7", "S2", "2025-01-15", actor_id="EGY", **offer),
             claim("pledges", "PL-8", "S3", "2025-01-16", actor_id="TUR", **offer),  # newer
             claim("events", "EV-1", "S2", "2025-01-15", event_date="2025-01-12", event_type="resolution", title="Vote", actor_id="UNSC"),
             claim("events", "EV-2", "S2", "2025-01-15", event_date="2025-01-11", event_type="resolution", title="Draft", actor_id="USA")]
    result = compare(tmp_path, [S1], after, as_of=SECOND)
    assert [i["claim_id"] for i in result["news"][:5]] == ["EV-2", "EV-1", "PL-8", "PL-7", "PL-6"]
    assert result["news"][4]["text"] == "Some countries (unnamed) reportedly offered troops (not announced)"


def test_one_reports_conditions_and_the_pledge_they_qualify_are_one_item(tmp_path) -> None:
    after = [S1, S2,
             claim("pledges", "PL-1", "S2", "2025-01-15", actor_id="TUR", contribution_type="troops", stage="conditional", **NO_AMOUNT),
             claim("conditions", "CO-1", "S2", "2025-01-15", actor_id="TUR", condition_type="after_fighting_stops", pledge_id="PL-1", applies_to="deploying_troops"),
             claim("conditions", "CO-2", "S2", "2025-01-15", actor_id="TUR", condition_type="parliamentary_approval", pledge_id="PL-1", applies_to="deploying_troops"),
             claim("pledges", "PL-2", "S2", "2025-01-15", actor_id="GRP-X", contribution_type="troops", stage="signalled_willingness", **NO_AMOUNT),
             claim("conditions", "CO-3", "S2", "2025-01-15", actor_id="GRP-X", condition_type="will_not_fight_hamas", pledge_id="PL-2",
                   applies_to="deploying_troops"),
             claim("conditions", "CO-4", "S2", "2025-01-15", actor_id="EGY", condition_type="un_mandate", applies_to="supporting_resolution"),
             claim("conditions", "CO-5", "S2", "2025-01-15", actor_id="EGY", condition_type="non_combat", applies_to="supporting_resolution")]
    news = compare(tmp_path, [S1], after)["news"]
    assert [(i["kind"], i["claim_ids"], i["text"]) for i in news[:3]] == [
        ("condition", ["CO-4", "CO-5"], "Egypt will support the draft resolution only with a UN Security Council mandate and in a non-combative role"),
        ("condition", ["PL-1", "CO-1", "CO-2"], "Turkey will deploy troops only once fighting completely stops and with parliamentary approval"),
        # a limit the report gives as the group's own statement is said as such, never as "only if"
        ("condition", ["PL-2", "CO-3"], "Some countries (unnamed) signalled willingness to provide troops; they stressed that their soldiers will "
                                        "not fight Hamas")]


def test_background_is_what_happened_before_the_previous_editions_newest_report(tmp_path) -> None:
    # the previous edition (10 Jan) had S1 of 5 Jan: its information date
    after = [*WEEK_ONE, S2,
             claim("events", "EV-1", "S2", "2025-01-15", event_date="2025-01-04", event_type="ceasefire", title="Ceasefire, 4 Jan", actor_id="ISR"),
             claim("events", "EV-2", "S2", "2025-01-15", event_date="2025-01-05", event_type="resolution", title="Vote, 5 Jan", actor_id="UNSC"),
             claim("events", "EV-3", "S2", "2025-01-15", event_date="2025-01-01", event_date_precision="month", event_type="ceasefire",
                   title="Ceasefire, January", actor_id="ISR"),
             claim("events", "EV-4", "S2", "2025-01-15", event_date="2025-01-08", event_type="diplomatic_contact", title="A call", actor_id="USA")]
    result = compare(tmp_path, WEEK_ONE, after)
    # 5 Jan is the information date itself, and "January" may be after it: news. 4 Jan is background.
    assert [(i["kind"], i["claim_id"]) for i in result["news"] if i["group"] == "events"] == [
        ("milestone", "EV-3"), ("milestone", "EV-2"), ("event", "EV-4")]  # a state's before the Council's
    assert [(i["kind"], i["claim_id"], i["basis"]) for i in result["not_news"]] == [
        ("background", "EV-1", {"source_id": "S1", "date_label": "5 Jan 2025", "label": "5 Jan 2025"})]
    assert result["previous_information"] == {"date": "2025-01-05", "label": "5 Jan 2025", "source_id": "S1"}
    assert "1 event from before the previous edition is listed apart" in changes_md.changes_md(result).splitlines()[0]


def test_a_new_report_dated_before_the_previous_edition_is_never_added_late(tmp_path) -> None:
    old_report = source("S0", "2025-01-03")  # published before the previous edition (10 Jan) and its newest report (5 Jan)
    after = [*WEEK_ONE, old_report,
             claim("pledges", "PL-9", "S0", "2025-01-03", actor_id="EGY", contribution_type="troops", stage="offered_public", **NO_AMOUNT),
             claim("events", "EV-9", "S0", "2025-01-03", event_date="2025-01-02", event_type="diplomatic_contact", title="A call", actor_id="EGY")]
    result = compare(tmp_path, WEEK_ONE, after)
    # the report is news; its claims, older than the previous edition's newest report, are listed apart
    assert [(i["kind"], i["claim_id"], i["late"]) for i in result["news"]] == [("source", "S0", False)]
    assert [(i["kind"], i["claim_id"], i["late"]) for i in result["not_news"]] == [
        ("background", "EV-9", False), ("older_report", "PL-9", False), ("older_report", "EV-9", False)]
    assert (result["counts"]["late_claims"], result["counts"]["background_claims"], result["counts"]["older_claims"]) == (0, 1, 1)
    assert result["news"][0]["text"] == ("New report: Outlet S0, “Title S0” (published before the previous edition's newest report of "
                                         "5 Jan 2025; newly added; its claims are listed apart)")
    text = changes_md.changes_md(result)
    assert "1 event from before the previous edition and 1 claim from an older report added now are listed apart" in text.splitlines()[0]
    assert ("- Egypt publicly offered troops ([S0](#src-S0), 3 Jan 2025): from a report older than the previous edition's newest "
            "([S1](#src-S1), 5 Jan 2025), added now") in text
    assert "added late" not in text and not any("added late" in line for line in result["headline"])


def test_a_report_whose_date_may_postdate_the_previous_edition_says_why_it_is_new_now(tmp_path) -> None:
    # c. 4 Jan, within 3-11 Jan: the edition of 10 Jan could not use it
    uncertain = ("sources", {"source_id": "S0", "outlet": "Outlet S0", "title": "Title S0", "published": "2025-01-04",
                             "date_precision": "approximate", "published_earliest": "2025-01-03", "published_latest": "2025-01-11"})
    after = [*WEEK_ONE, uncertain, claim("pledges", "PL-9", "S0", "2025-01-04", actor_id="EGY", contribution_type="troops",
                                         stage="offered_public", **NO_AMOUNT)]
    before = build(tmp_path / "before", after, FIRST)
    assert "S0" not in set(before["sources"]["source_id"])
    result = changes.changes_since(build(tmp_path / "after", after, SECOND), before, SECOND, FIRST)
    assert [(i["kind"], i["claim_id"]) for i in result["news"]] == [("source", "S0")]
    assert result["news"][0]["text"] == ("New report: Outlet S0, “Title S0” (dated c. 4 Jan 2025 but possibly as late as 11 Jan 2025, "
                                         "so the previous edition could not use it; its claims are listed apart)")
    assert [(i["kind"], i["claim_id"]) for i in result["not_news"]][0] == ("older_report", "PL-9")
    assert ("- Egypt publicly offered troops ([S0](#src-S0), c\\. 4 Jan 2025): from a report dated before the previous edition but "
            "possibly published after it, which that edition could not use; added now") in changes_md.changes_md(result)


def test_a_claim_added_to_a_report_already_covered_is_news_marked_late(tmp_path) -> None:
    late = claim("events", "EV-9", "S1", "2025-01-05", event_date="2025-01-06", event_type="diplomatic_contact", title="A call", actor_id="USA")
    result = compare(tmp_path, WEEK_ONE, [*WEEK_ONE, late])
    assert [(i["kind"], i["claim_id"], i["late"]) for i in result["news"]] == [("event", "EV-9", True), ("actor", "EV-9", True)]
    assert result["corrections"] == [] and result["counts"]["late_claims"] == 1 and result["counts"]["new_sources"] == 0
    text = changes_md.changes_md(result)
    assert text.splitlines()[0].startswith("Since the previous edition of 10 Jan 2025: no new report and 1 new claim (1 added late")
    assert "- A call \\(6 Jan 2025\\) ([S1](#src-S1), 5 Jan 2025; added late)" in text
    assert result["headline"][0] == "A call (6 Jan 2025) (S1, 5 Jan 2025; added late)"


def test_a_quiet_week_says_so_in_one_line(tmp_path) -> None:
    data = make_data(tmp_path, WEEK_ONE + WEEK_TWO)
    result = changes.changes_since(clean.build_processed(data, LATER), clean.build_processed(data, SECOND), LATER, SECOND)
    assert result["quiet"] is True and result["news"] == [] and result["not_news"] == [] and result["corrections"] == []
    assert result["headline"] == ["Nothing new since the previous edition of 20 Jan 2025."]
    text = changes_md.changes_md(result)
    assert "\n" not in text and "20 Jan 2025" in text


def test_an_edited_old_claim_and_a_removed_one_are_corrections_not_news(tmp_path) -> None:
    before = build(tmp_path / "a", WEEK_ONE, FIRST)
    recoded = [(t, r | {"stage": "approached", "notes": "Recoded: the report says approached."}) if r.get("pledge_id") == "PL-1" else (t, r)
               for t, r in WEEK_ONE if r.get("question_id") != "OQ-1"]
    result = changes.changes_since(build(tmp_path / "b", recoded, SECOND), before, SECOND, FIRST)
    assert result["news"] == [] and result["quiet"] is False
    fixes = {c["claim_id"]: c for c in result["corrections"]}
    assert set(fixes) == {"PL-1", "OQ-1"} and len(result["headline"]) == 1 and "2 corrections" in result["headline"][0]
    assert (fixes["PL-1"]["kind"], fixes["PL-1"]["notes"]) == ("edited", "Recoded: the report says approached.")
    assert [(f["field"], f["old"], f["new"]) for f in fixes["PL-1"]["changes"]] == [("stage", "mentioned", "approached")]
    assert (fixes["OQ-1"]["kind"], fixes["OQ-1"]["summary"]) == ("removed", "Open question: Who commands?")
    text = changes_md.changes_md(result)
    news, _, fixed = text.partition("### Corrections since the previous edition")
    assert "PL\\-1" in fixed and "OQ\\-1" in fixed and "PL\\-1" not in news
    assert "Recoded" in fixed and "**" not in text and "[S1](#src-S1)" in fixed


def test_a_relabelled_code_is_not_a_correction(tmp_path) -> None:
    before = build(tmp_path / "a", WEEK_ONE, FIRST)
    data = make_data(tmp_path / "b", WEEK_ONE)
    stages = read_csv_text(data / "reference" / "stages.csv")
    stages.loc[stages["stage"] == "mentioned", "label"] = "Named as a possible contributor"
    stages.to_csv(data / "reference" / "stages.csv", index=False)
    assert changes.changes_since(clean.build_processed(data, FIRST), before, FIRST, FIRST)["corrections"] == []


def test_conditions_one_event_meets_are_one_item_and_a_status_edit_back_is_a_correction(tmp_path) -> None:
    second_condition = claim("conditions", "CO-8", "S1", "2025-01-05", actor_id="GRP-X", condition_type="un_mandate", applies_to="deploying_troops")
    rows = [*WEEK_ONE, second_condition]
    # met only with the dated event that reports it (clean.build_processed keeps it open otherwise)
    adopted = claim("events", "EV-9", "S2", "2025-01-15", event_date="2025-01-14", event_date_precision="day", event_type="resolution",
                    title="Mandate adopted", actor_id="UNSC")
    open_ = [(t, r | {"status": "open"}) if t == "conditions" else (t, r) for t, r in rows]
    met = [(t, r | {"status": "met", "status_event_id": "EV-9"}) if t == "conditions" else (t, r) for t, r in rows] + [S2, adopted]
    was_open = build(tmp_path / "a", open_, FIRST)
    now_met = build(tmp_path / "b", met, SECOND)
    result = changes.changes_since(now_met, was_open, SECOND, FIRST)
    assert [(i["kind"], i["claim_ids"], i["source_id"], i["old"], i["new"]) for i in result["news"][:2]] == [
        ("milestone", ["EV-9"], "S2", None, "resolution"), ("condition_met", ["CO-1", "CO-8"], "S2", "open", "met")]
    assert result["news"][1]["text"] == "The condition “UN Security Council mandate” set by Indonesia and Some countries (unnamed) is now met"
    assert result["corrections"] == []
    back = changes.changes_since(was_open, now_met, SECOND, FIRST)
    assert back["news"] == [] and sorted(c["claim_id"] for c in back["corrections"] if c["changes"] and c["changes"][0]["field"] == "status") == ["CO-1", "CO-8"]


def test_a_question_answered_is_news(tmp_path) -> None:
    # answered by a claim the edition holds (an edition shows a question answered only once the answer is in it)
    asked = [(t, r | {"status": "open"}) if t == "open_questions" else (t, r) for t, r in WEEK_ONE]
    answered = [(t, r | {"status": "answered", "answered_by": "FI-1"}) if t == "open_questions" else (t, r) for t, r in WEEK_ONE]
    result = changes.changes_since(build(tmp_path / "b", answered, SECOND),
                                   build(tmp_path / "a", asked, FIRST), SECOND, FIRST)
    assert [(i["kind"], i["weight"], i["claim_id"], i["new"]) for i in result["news"]] == [("question_answered", 5, "OQ-1", "answered")]
    assert result["corrections"] == []


def test_editions_read_back_from_files_compare_as_in_memory(two_weeks, tmp_path) -> None:
    first, second = two_weeks
    processed.write_processed(second, tmp_path / "second")
    processed.write_processed(first, tmp_path / "first")
    assert changes.changes_since(second, processed.read_processed(tmp_path / "second"), SECOND, SECOND)["quiet"] is True
    from_files = changes.changes_since(second, processed.read_processed(tmp_path / "first"), SECOND, FIRST)
    in_memory = changes.changes_since(second, first, SECOND, FIRST)
    assert kinds(from_files["news"]) == kinds(in_memory["news"]) and from_files["headline"] == in_memory["headline"]


def test_the_section_links_citations_and_folds_the_rest_away(two_weeks) -> None:
    first, second = two_weeks
    result = changes.changes_since(second, first, SECOND, FIRST)
    assert json.loads(json.dumps(result)) == result
    text = changes_md.changes_md(result)
    lines = text.splitlines()
    assert lines[0] == ("Since the previous edition of 10 Jan 2025: 1 new report and 11 new claims. The news first, the most important at "
                        "the top; 1 event from before the previous edition is listed apart.")
    assert lines[2] == "- Draft resolution circulated \\<b\\>\\*now\\*\\<\\/b\\> \\(14 Jan 2025\\) ([S2](#src-S2), c\\. 15 Jan 2025)"
    assert "<b>" not in text.replace("<details", "").replace("<summary>", "")
    headline, _, rest = text.partition("### More news, by kind")
    assert len([line for line in headline.splitlines() if line.startswith("- ")]) == 5
    more, _, old = rest.partition("### Not new: reported again, or background")
    assert '```{=html}\n<details class="isf-changes"><summary>Show the other 7 news items</summary>\n```' in more
    # the groups are headings, so the PDF never leaves one at a page's foot (typst keeps a heading with what follows)
    assert [line for line in more.splitlines() if line.startswith("#### ")] == [
        "#### Offers and requests", "#### Positions", "#### Figures", "#### Open questions", "#### Reports and actors named for the first time"]
    assert "- Old ceasefire \\(Dec 2024\\) ([S2](#src-S2), c\\. 15 Jan 2025): it happened before the previous edition's newest report " \
           "([S1](#src-S1), 5 Jan 2025)" in old
    assert text.count("<details") == text.count("</details>") == 2
    # every bullet ends with a linked citation
    assert all(re.search(r"\(\[S\d\]\(#src-S\d\)", line) for line in lines if line.startswith("- "))


def test_the_codebook_gives_every_kind_its_weight_and_reason() -> None:
    text = paths.CODEBOOK.read_text(encoding="utf-8")
    section = text.split("## What changed: news, ranked", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| weight")]
    listed = {k.strip("` "): int(r.split("|")[1]) for r in rows for k in r.split("|")[2].split(",")}
    assert listed == {k: v.weight for k, v in news.KINDS.items()}
    assert all(f"`{k}`" in section for k in news.NOT_NEWS)


def test_the_editions_page_and_feed_cite_the_headline_items(tmp_path) -> None:
    folder = tmp_path / "editions" / "2025-01-20"
    (folder / "analysis").mkdir(parents=True)
    (folder / site_editions.MANIFEST_NAME).write_text(json.dumps({"as_of": "2025-01-20", "built_at": "2025-01-20T07:00:00+00:00"}), encoding="utf-8")
    (folder / site_editions.HTML_NAME).write_text("<html></html>", encoding="utf-8")
    (folder / site_editions.PDF_NAME).write_bytes(b"%PDF-1.4")
    lead = [{"text": "Turkey <offered> troops", "source_id": "S2", "date_label": "c. 15 Jan 2025", "late": False, "kind": "offer"}]
    (folder / "analysis" / "changes.json").write_text(json.dumps({"has_previous": True, "headline_items": lead,
                                                                  "headline": ["Turkey <offered> troops (S2, c. 15 Jan 2025)"]}), encoding="utf-8")
    edition = site_editions.read_site_edition(folder)
    cited = 'Turkey &lt;offered&gt; troops (<a href="editions/2025-01-20/briefing.html#src-S2">S2</a>, c. 15 Jan 2025)'
    assert f"<li>{cited}</li>" in site_pages.editions_page([edition], "2025-01-21T00:00:00+00:00")
    feed = atom_feed([edition], "https://example.org/isf").decode("utf-8")
    assert "https://example.org/isf/editions/2025-01-20/briefing.html#src-S2" in feed
    assert "What changed: Turkey &lt;offered&gt; troops (S2, c. 15 Jan 2025)." in feed  # the plain summary keeps its citation


# --- the curated data ---------------------------------------------------------------------------


def weekly_dates(sources: pd.DataFrame) -> list[str]:
    """The issue's weekly editions plus one the day after the last report, in date order."""
    after_all = (pd.to_datetime(sources["published_latest"]).max() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return sorted({"2025-10-17", "2025-10-20", "2025-11-10", "2025-11-20", after_all})


@pytest.fixture(scope="module")
def weekly() -> tuple[pd.DataFrame, dict[str, dict], dict[str, dict]]:
    """The sources table, as_of -> changes since the edition before it, and as_of -> that edition's tables."""
    sources = read_csv_text(paths.CURATED_DIR / "sources.csv")
    dates = weekly_dates(sources)
    editions = {d: clean.build_processed(paths.DATA_DIR, d) for d in dates}
    results = {d: changes.changes_since(editions[d], editions[p] if p else None, d, p) for p, d in zip([None, *dates], dates)}
    return sources, results, editions


def with_report(sources: pd.DataFrame, source_id: str) -> str:
    """The first weekly edition that has the report (once the last day it could have appeared has passed)."""
    published = pd.Timestamp(sources.set_index("source_id").at[source_id, "published_latest"])
    return min(d for d in weekly_dates(sources) if pd.Timestamp(d) >= published)


def test_the_10_november_edition_leads_with_the_draft_resolution(weekly) -> None:
    _, results, _ = weekly
    lead = results["2025-11-10"]["news"][0]
    assert (lead["kind"], lead["new"]) == ("milestone", "resolution") and "draft" in lead["text"].lower()
    assert results["2025-11-10"]["headline_items"][0]["text"] == lead["text"]


def test_the_edition_after_s001_leads_with_the_counts_and_indonesia_not_ready(weekly) -> None:
    sources, results, _ = weekly
    result = results[with_report(sources, "S001")]
    first_five = result["news"][:5]
    counts = {(i["subject"], i["value_low"]) for i in first_five if i["kind"] == "count"}
    assert {("countries_approached", 70), ("countries_willing", 19)} <= counts
    assert any(i["kind"] == "holding_back" and i["actor_id"] == "IDN" and "not yet ready" in i["text"] for i in first_five)
    # restatements and October background are apart, never among the news
    assert not [i for i in result["news"] if i["kind"] in news.NOT_NEWS]
    assert not [i for i in result["news"] if i["group"] == "events" and i["subject"] and i["subject"] < "2025-11-01"]
    old = {(i["kind"], i["actor_id"], i["subject"]) for i in result["not_news"]}
    assert {("repeat", "TUR", "troops"), ("repeat", "IDN", "troops")} <= old
    assert any(i["kind"] == "background" and i["subject"].startswith("2025-10") for i in result["not_news"])


def test_weekly_editions_hold_the_news_models_invariants(weekly) -> None:
    sources, results, editions = weekly
    dates = sorted(results)
    assert results[dates[0]]["has_previous"] is False
    for previous, as_of in zip(dates, dates[1:]):
        result = results[as_of]
        # every new claim in exactly one item, news or not
        new_ids = sorted(i for name, col in claim_id_columns().items()
                         for i in set(editions[as_of][name][col]) - set(editions[previous][name][col]))
        # (a claim the previous edition held whose status moved, met or answered, is news too, but not a new claim)
        moved = {"condition_met", "condition_lapsed", "question_answered"}
        told = [c for i in result["news"] + result["not_news"] for c in i["claim_ids"] if i["kind"] not in moved or c in new_ids]
        assert sorted(told) == new_ids, as_of
        weights = [i["weight"] for i in result["news"]]
        assert weights == sorted(weights), as_of
        lead = result["headline_items"]
        assert [i["text"] for i in lead] == [i["text"] for i in result["news"][: len(lead)]]
        assert len(lead) <= 5 and (len(lead) >= 3 or len(lead) == len(result["news"]))
        assert result["counts"]["late_claims"] == 0 and result["corrections"] == []  # each report came with its claims
        assert all(i["source_id"] in set(editions[as_of]["sources"]["source_id"]) for i in result["news"])


def add_council_vote(data: Path) -> tuple[str, str]:
    """A fixture report added to a copy of the curated data: the Council adopts the resolution on the newest
    report's day; the previous edition is the first day that may use every report, and the fixture reports
    the vote the day after it; the vote meets every UN-mandate condition reported before it (as the codebook
    says).

    Returns:
        (the vote's day: the newest report's, the previous edition's date, the edition's date: the fixture
        report's day).
    """
    sources = read_csv_text(data / "curated" / "sources.csv")
    newest = pd.to_datetime(sources["published"]).max()  # the previous edition's information date
    holds_all = pd.to_datetime(sources["published_latest"]).max()  # the first day an edition may use every report
    vote, previous, reported = f"{newest:%Y-%m-%d}", f"{holds_all:%Y-%m-%d}", f"{holds_all + pd.Timedelta(days=1):%Y-%m-%d}"

    def append(table: str, row: dict[str, str]) -> None:
        path = data / "curated" / f"{table}.csv"
        with path.open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        with path.open("a", encoding="utf-8", newline="") as f:
            csv.DictWriter(f, fieldnames=header, lineterminator="\n").writerow({k: row.get(k, "") for k in header})

    append("sources", {"source_id": "S905", "file": "905_0000000000000000.txt", "outlet": "Fixture Wire", "title": "Council adopts",
                       "published": reported, "date_precision": "day", "published_earliest": reported, "published_latest": reported,
                       "date_note": "Fixture."})
    append("events", {"event_id": "EV-905", "event_date": vote, "event_date_precision": "day", "event_type": "resolution",
                      "title": "Security Council adopts the resolution endorsing the force", "actor_id": "UNSC", "source_id": "S905",
                      "reported_date": reported, "confidence": "unattributed", "quote": "The Council adopted the resolution."})
    conditions = read_csv_text(data / "curated" / "conditions.csv")
    mandate = (conditions["condition_type"] == "un_mandate") & (pd.to_datetime(conditions["reported_date"]) <= pd.Timestamp(vote))
    assert mandate.any(), "the curated data has a UN-mandate condition"
    conditions.loc[mandate, ["status", "status_event_id"]] = ["met", "EV-905"]
    conditions.to_csv(data / "curated" / "conditions.csv", index=False)
    return vote, previous, reported


def test_a_council_vote_on_the_previous_editions_day_leads_its_edition(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    vote, previous_as_of, as_of = add_council_vote(data)
    result = changes.changes_since(clean.build_processed(data, as_of), clean.build_processed(data, previous_as_of), as_of, previous_as_of)
    # the vote is dated on the previous edition's information date (its newest report's day), on or before its
    # own date: still news, the previous edition could not have known it
    assert result["previous_information"]["date"] == vote <= previous_as_of
    lead = result["news"][0]
    assert (lead["kind"], lead["source_id"], lead["subject"]) == ("milestone", "S905", vote)
    assert lead["text"].startswith("Security Council adopts the resolution endorsing the force (")
    assert result["news"][1]["kind"] == "condition_met" and result["news"][1]["source_id"] == "S905"
    assert result["counts"]["late_claims"] == 0 and not any(i["late"] for i in result["news"] + result["not_news"])
    text = changes_md.changes_md(result)
    assert "added late" not in text and "1 new report" in text.splitlines()[0]
    assert text.splitlines()[2].startswith("- Security Council adopts the resolution endorsing the force")
    assert result["headline"][0].startswith("Security Council adopts the resolution endorsing the force")


def test_a_curated_row_edited_later_is_a_correction(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    sources = read_csv_text(data / "curated" / "sources.csv")
    pledges = read_csv_text(data / "curated" / "pledges.csv")
    earliest = sources.sort_values("published")["source_id"].iloc[0]
    old = pledges[pledges["source_id"] == earliest].iloc[0]  # a claim of the earliest report, recoded afterwards
    pledges.loc[pledges["pledge_id"] == old["pledge_id"], ["stage", "notes"]] = ["withdrawn", "Recoded after review."]
    pledges.to_csv(data / "curated" / "pledges.csv", index=False)
    last = weekly_dates(sources)[-1]
    week_after = (pd.Timestamp(last) + pd.Timedelta(days=7)).strftime("%Y-%m-%d")
    result = changes.changes_since(clean.build_processed(data, week_after), clean.build_processed(paths.DATA_DIR, last), week_after, last)
    assert [(c["claim_id"], c["kind"], c["notes"]) for c in result["corrections"]] == [(old["pledge_id"], "edited", "Recoded after review.")]
    assert [(f["field"], f["old"], f["new"]) for f in result["corrections"][0]["changes"]] == [("stage", old["stage"], "withdrawn")]
    assert result["news"] == []
    _, _, fixed = changes_md.changes_md(result).partition("### Corrections since the previous edition")
    assert old["pledge_id"].replace("-", "\\-") in fixed


def test_an_edition_before_any_report_compares_without_error(tmp_path) -> None:
    data = make_data(tmp_path, WEEK_ONE)
    empty, first = clean.build_processed(data, "2025-01-01"), clean.build_processed(data, FIRST)
    result = changes.changes_since(first, empty, FIRST, "2025-01-01")
    assert result["counts"]["new_claims"] == len(WEEK_ONE) - 1 and result["corrections"] == [] and result["not_news"] == []
    assert {i["claim_id"] for i in result["news"] if i["kind"] == "source"} == {"S1"}
    assert changes.changes_since(empty, empty, "2025-01-02", "2025-01-01")["quiet"] is True


def test_a_stance_others_report_is_said_as_reported(tmp_path) -> None:
    after = [S1, S2,
             claim("positions", "PO-8", "S2", "2025-01-15", actor_id="USA", topic="turkish_troops", direction="supports",
                   summary="Backs Turkey's offer of troops", voice="outlet", confidence="relayed"),
             claim("positions", "PO-9", "S2", "2025-01-15", actor_id="ISR", topic="hamas_disarmament", direction="supports",
                   summary="Backs efforts to disarm Hamas", voice="own", confidence="on_record"),
             claim("positions", "PO-7", "S2", "2025-01-15", actor_id="EGY", topic="turkish_troops", direction="opposes",
                   summary="Opposes Turkish troops", voice="outlet", confidence="unattributed")]  # the outlet says it flatly
    texts = {i["claim_id"]: i["text"] for i in compare(tmp_path, [S1], after)["news"] if i["kind"] in ("position", "stance_change")}
    assert texts == {"PO-8": "United States: reportedly backs Turkey's offer of troops", "PO-9": "Israel: backs efforts to disarm Hamas",
                     "PO-7": "Egypt: opposes Turkish troops"}


def test_a_description_of_the_plan_is_listed_with_the_plan_not_among_events(tmp_path) -> None:
    after = [S1, S2, claim("events", "EV-8", "S2", "2025-01-15", event_type="force_task", title="Secure border areas"),
             claim("events", "EV-9", "S2", "2025-01-15", event_date="2025-01-14", event_type="diplomatic_contact", title="A call", actor_id="USA")]
    result = compare(tmp_path, [S1], after)
    kinds = {i["claim_id"]: (i["kind"], i["group"]) for i in result["news"] if i["table"] == "events" and i["kind"] != "actor"}
    assert kinds == {"EV-8": ("plan", "plan"), "EV-9": ("event", "events")}
    assert news.GROUPS["plan"] == "The plan as reported" and list(news.GROUPS).index("events") < list(news.GROUPS).index("plan")


def test_a_public_offer_repeated_as_reportedly_is_said_as_reported(tmp_path) -> None:
    offer = claim("pledges", "PL-1", "S1", "2025-01-05", actor_id="IDN", contribution_type="troops", stage="offered_public",
                  confidence="on_record", **NO_AMOUNT)
    again = claim("pledges", "PL-9", "S2", "2025-01-15", actor_id="IDN", contribution_type="troops", stage="offered_public",
                  confidence="relayed", **NO_AMOUNT)
    result = compare(tmp_path, [S1, offer], [S1, S2, offer, again])
    assert [(i["kind"], i["text"]) for i in result["not_news"]] == [("repeat", "Indonesia reportedly offered troops")]
