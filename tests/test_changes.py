"""What changed between editions: every kind of news, corrections apart, on tiny data folders built
with clean.build_processed, and the weekly sequence of editions on the curated data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import changes, clean, paths

FIRST, SECOND, LATER = "2025-01-10", "2025-01-20", "2025-01-27"
ACTORS = [
    {"actor_id": a, "name": n, "kind": "state", "region": "europe"}
    for a, n in (("TUR", "Turkey"), ("ISR", "Israel"), ("USA", "United States"), ("IDN", "Indonesia"),
                 ("RUS", "Russia"), ("CHN", "China"), ("UNSC", "UN Security Council"),
                 ("EGY", "Egypt"), ("GBR", "United Kingdom"))
]
BASE = {"confidence": "unattributed"}


def claim(table: str, claim_id: str, source_id: str, reported: str, **fields: str) -> tuple[str, dict[str, str]]:
    """One curated row for ``table``."""
    return table, {clean_id(table): claim_id, "source_id": source_id, "reported_date": reported, **BASE, **fields}


def clean_id(table: str) -> str:
    return changes.CLAIM_IDS[table]


S1 = ("sources", {"source_id": "S1", "outlet": "Outlet one", "title": "First", "published": "2025-01-05", "date_precision": "day"})
S2 = ("sources", {"source_id": "S2", "outlet": "Outlet two", "title": "Second", "published": "2025-01-15", "date_precision": "approximate"})
WEEK_ONE = [
    S1,
    claim("pledges", "PL-1", "S1", "2025-01-05", actor_id="TUR", contribution_type="troops", stage="mentioned", amount_precision="unspecified", location="unspecified"),
    claim("positions", "PO-1", "S1", "2025-01-05", actor_id="ISR", topic="turkish_troops", target_actor_id="TUR", direction="undecided", summary="Unclear"),
    claim("figures", "FI-1", "S1", "2025-01-05", metric="countries_willing", value_low="3", unit="countries", precision="at_least"),
    claim("conditions", "CO-1", "S1", "2025-01-05", actor_id="IDN", condition_type="un_mandate", applies_to="deploying_troops"),
    claim("open_questions", "OQ-1", "S1", "2025-01-05", topic="command_structure", question="Who commands?"),
]
WEEK_TWO = [
    S2,
    claim("pledges", "PL-2", "S2", "2025-01-15", actor_id="TUR", contribution_type="troops", stage="offered_private", amount_precision="unspecified", location="unspecified"),
    claim("pledges", "PL-3", "S2", "2025-01-15", actor_id="IDN", contribution_type="troops", stage="declined", amount_precision="unspecified", location="unspecified"),
    claim("positions", "PO-2", "S2", "2025-01-15", actor_id="ISR", topic="turkish_troops", target_actor_id="TUR", direction="opposes", summary="Against"),
    claim("pledges", "PL-4", "S2", "2025-01-15", actor_id="IDN", contribution_type="funding", stage="approached", requested_by="GBR",
          amount_precision="unspecified", location="unspecified"),
    claim("positions", "PO-3", "S2", "2025-01-15", actor_id="ISR", topic="hamas_disarmament", target_actor_id="EGY", direction="supports", summary="Backs"),
    claim("figures", "FI-2", "S2", "2025-01-15", metric="countries_willing", value_low="19", value_high="19", unit="countries", precision="exact"),
    claim("figures", "FI-3", "S2", "2025-01-15", metric="countries_approached", value_low="70", value_high="70", unit="countries", precision="approximate"),
    claim("events", "EV-1", "S2", "2025-01-15", event_date="2025-01-14", event_date_precision="day", event_type="resolution",
          title="Draft resolution circulated <b>*now*</b>", actor_id="USA", other_actor_ids="RUS; CHN"),
    claim("events", "EV-2", "S2", "2025-01-15", event_date="2025-01-01", event_date_precision="month", event_type="ceasefire", title="Old ceasefire", actor_id="ISR"),
    claim("conditions", "CO-2", "S2", "2025-01-15", actor_id="TUR", condition_type="non_combat", applies_to="deploying_troops"),
    claim("open_questions", "OQ-2", "S2", "2025-01-15", topic="rules_of_engagement", question="Which rules?"),
]


def make_data(folder: Path, rows: list[tuple[str, dict[str, str]]], extra_columns: dict[str, list[str]] | None = None) -> Path:
    """A data folder: the repo's reference tables, and curated tables holding only ``rows``.

    Args:
        folder: where to create data/.
        rows: (table, row) pairs; missing fields are blank.
        extra_columns: table -> columns to add beyond the repo's header (e.g. a ``status``).

    Returns:
        The data folder.
    """
    data = folder / "data"
    shutil.copytree(paths.REFERENCE_DIR, data / "reference")
    (data / "curated").mkdir(parents=True)
    for name in clean.CURATED_TABLES:
        header = list(pd.read_csv(paths.CURATED_DIR / f"{name}.csv", nrows=0).columns)
        header += [c for c in (extra_columns or {}).get(name, []) if c not in header]
        table = [r for t, r in ([("actors", a) for a in ACTORS] + rows) if t == name]
        pd.DataFrame(table, columns=header, dtype=object).fillna("").to_csv(data / "curated" / f"{name}.csv", index=False)
    return data


def build(folder: Path, rows: list, as_of: str, **kw) -> dict[str, pd.DataFrame]:
    return clean.build_processed(make_data(folder, rows, **kw), as_of)


@pytest.fixture
def two_weeks(tmp_path) -> tuple[dict, dict]:
    data = make_data(tmp_path, WEEK_ONE + WEEK_TWO)
    return clean.build_processed(data, FIRST), clean.build_processed(data, SECOND)


def by_claim(result: dict) -> dict[str, dict]:
    return {i["claim_id"]: i for i in result["news"] if i["kind"] not in ("actor", "source")}


def test_first_edition_says_there_is_nothing_to_compare_with(two_weeks) -> None:
    first, _ = two_weeks
    result = changes.changes_since(first, None, FIRST, None)
    assert (result["has_previous"], result["news"], result["corrections"], result["headline"]) == (False, [], [], [])
    text = changes.changes_md(result)
    assert "no previous edition" in text and "\n" not in text


def test_every_new_claim_is_reported_once(two_weeks) -> None:
    first, second = two_weeks
    result = changes.changes_since(second, first, SECOND, FIRST)
    claim_items = [i["claim_id"] for i in result["news"] if i["kind"] not in ("actor", "source")]
    new_ids = {r[1][clean_id(r[0])] for r in WEEK_TWO if r[0] != "sources"}
    assert sorted(claim_items) == sorted(new_ids)
    assert result["counts"]["new_claims"] == len(new_ids) and result["counts"]["late_claims"] == 0
    assert result["corrections"] == [] and result["quiet"] is False


def test_each_kind_of_news_with_its_old_and_new_values(two_weeks) -> None:
    first, second = two_weeks
    items = by_claim(changes.changes_since(second, first, SECOND, FIRST))
    assert (items["EV-1"]["kind"], items["EV-1"]["subject"]) == ("milestone", "2025-01-14")
    assert items["EV-2"]["kind"] == "event"  # a milestone type, but dated before the previous edition
    assert (items["PL-2"]["kind"], items["PL-2"]["old"], items["PL-2"]["new"]) == ("offer", "mentioned", "offered_private")
    assert (items["PL-3"]["kind"], items["PL-3"]["old"], items["PL-3"]["new"]) == ("refusal", None, "declined")
    assert (items["PO-2"]["kind"], items["PO-2"]["actor_id"], items["PO-2"]["old"], items["PO-2"]["new"]) == ("stance_change", "ISR", "undecided", "opposes")
    assert (items["FI-2"]["kind"], items["FI-2"]["value_low"], items["FI-2"]["subject"]) == ("figure_revised", 19.0, "countries_willing")
    assert (items["FI-3"]["kind"], items["FI-3"]["value_low"], items["FI-3"]["old"]) == ("figure", 70.0, None)
    assert "about 70" in items["FI-3"]["text"] and "19" in items["FI-2"]["text"]
    assert (items["PL-4"]["kind"], items["PO-3"]["kind"]) == ("pledge", "position")
    assert (items["CO-2"]["kind"], items["CO-2"]["new"]) == ("condition", "non_combat")
    assert (items["OQ-2"]["kind"], items["OQ-2"]["text"]) == ("question_opened", "Open question: Which rules?")
    assert all(i["source_id"] == "S2" and i["date"] == "2025-01-15" and i["date_label"] == "c. 15 Jan 2025" for i in items.values())


def test_new_sources_and_actors_named_in_any_column(two_weeks) -> None:
    first, second = two_weeks
    result = changes.changes_since(second, first, SECOND, FIRST)
    actors = {i["actor_id"]: i["claim_id"] for i in result["news"] if i["kind"] == "actor"}
    # TUR, ISR, IDN were named in week one; the others only in other_actor_ids, target_actor_id, requested_by
    assert actors == {"RUS": "EV-1", "CHN": "EV-1", "USA": "EV-1", "EGY": "PO-3", "GBR": "PL-4"}
    assert [i["claim_id"] for i in result["news"] if i["kind"] == "source"] == ["S2"]
    assert result["counts"]["new_sources"] == 1


def test_news_leads_with_what_matters_most(two_weeks) -> None:
    first, second = two_weeks
    result = changes.changes_since(second, first, SECOND, FIRST)
    ranks = [i["rank"] for i in result["news"]]
    assert ranks == sorted(ranks)
    assert [i["kind"] for i in result["news"][:3]] == ["milestone", "offer", "refusal"]
    assert result["headline"] == [i["text"] for i in result["news"][:5]]


def test_a_quiet_week_says_so_in_one_line(tmp_path) -> None:
    data = make_data(tmp_path, WEEK_ONE + WEEK_TWO)
    result = changes.changes_since(clean.build_processed(data, LATER), clean.build_processed(data, SECOND), LATER, SECOND)
    assert result["quiet"] is True and result["news"] == [] and result["corrections"] == []
    assert result["headline"] == ["Nothing new since the previous edition of 20 Jan 2025."]
    text = changes.changes_md(result)
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
    text = changes.changes_md(result)
    news, _, fixed = text.partition("### Corrections since the previous edition")
    assert "PL\\-1" in fixed and "OQ\\-1" in fixed and "PL\\-1" not in news
    assert "Recoded" in fixed and "**" not in text


def test_a_relabelled_code_is_not_a_correction(tmp_path) -> None:
    before = build(tmp_path / "a", WEEK_ONE, FIRST)
    data = make_data(tmp_path / "b", WEEK_ONE)
    stages = clean.read_table(data / "reference" / "stages.csv")
    stages.loc[stages["stage"] == "mentioned", "label"] = "Named as a possible contributor"
    stages.to_csv(data / "reference" / "stages.csv", index=False)
    assert changes.changes_since(clean.build_processed(data, FIRST), before, FIRST, FIRST)["corrections"] == []


def test_a_claim_added_to_a_report_already_covered_is_news_marked_late(tmp_path) -> None:
    before = build(tmp_path / "a", WEEK_ONE, FIRST)
    late = claim("events", "EV-9", "S1", "2025-01-05", event_date="2025-01-04", event_type="diplomatic_contact", title="A call", actor_id="USA")
    result = changes.changes_since(build(tmp_path / "b", [*WEEK_ONE, late], SECOND), before, SECOND, FIRST)
    assert [(i["kind"], i["claim_id"], i["late"]) for i in result["news"]] == [("event", "EV-9", True), ("actor", "EV-9", True)]
    assert result["corrections"] == [] and result["counts"]["late_claims"] == 1
    assert "added late" in changes.changes_md(result)


def test_a_condition_met_is_news_and_a_status_edit_back_is_a_correction(tmp_path) -> None:
    status = {"conditions": ["status"]}
    open_ = [(t, r | {"status": "open"}) if t == "conditions" else (t, r) for t, r in WEEK_ONE]
    # met only with the dated event that reports it (clean.build_processed keeps it open otherwise)
    adopted = claim("events", "EV-9", "S1", "2025-01-05", event_date="2025-01-04", event_date_precision="day", event_type="resolution",
                    title="Mandate adopted", actor_id="USA")
    met = [(t, r | {"status": "met", "status_event_id": "EV-9"}) if t == "conditions" else (t, r) for t, r in WEEK_ONE] + [adopted]
    open_ = [*open_, adopted]
    was_open = build(tmp_path / "a", open_, FIRST, extra_columns=status)
    now_met = build(tmp_path / "b", met, SECOND, extra_columns=status)
    result = changes.changes_since(now_met, was_open, SECOND, FIRST)
    assert [(i["kind"], i["claim_id"], i["old"], i["new"]) for i in result["news"]] == [("condition_met", "CO-1", "open", "met")]
    assert result["corrections"] == []
    back = changes.changes_since(was_open, now_met, SECOND, FIRST)
    assert back["news"] == [] and [c["changes"][0]["field"] for c in back["corrections"]] == ["status"]


def test_editions_read_back_from_files_compare_equal(two_weeks, tmp_path) -> None:
    _, second = two_weeks
    clean.write_processed(second, tmp_path / "processed")
    result = changes.changes_since(second, clean.read_processed(tmp_path / "processed"), SECOND, SECOND)
    assert result["quiet"] is True


def test_result_is_json_and_markdown_escapes_and_cites(two_weeks) -> None:
    first, second = two_weeks
    result = changes.changes_since(second, first, SECOND, FIRST)
    assert json.loads(json.dumps(result)) == result
    text = changes.changes_md(result)
    assert "<b>" not in text and "\\<b\\>" in text
    assert text.splitlines()[2].startswith("- Draft resolution circulated") and text.splitlines()[2].endswith("(S2\\, c\\. 15 Jan 2025)")
    assert "Newly named\\: " in text and "Corrections" not in text


# --- the weekly editions of the curated data ----------------------------------------------------


def weekly_dates(sources: pd.DataFrame) -> list[str]:
    """The issue's weekly editions plus one the day after the last report, in date order."""
    after_all = (pd.to_datetime(sources["published"]).max() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return sorted({"2025-10-17", "2025-10-20", "2025-11-10", "2025-11-20", after_all})


def redate(data: Path, source_id: str, published: str) -> None:
    """Move one report, and every claim it carries, to a new publication date (as the lead does for S001)."""
    sources = clean.read_table(data / "curated" / "sources.csv")
    at = sources["source_id"] == source_id
    sources.loc[at, ["published", "published_earliest", "published_latest"]] = published
    sources.to_csv(data / "curated" / "sources.csv", index=False)
    for name in changes.CLAIM_IDS:
        table = clean.read_table(data / "curated" / f"{name}.csv")
        table.loc[table["source_id"] == source_id, "reported_date"] = published
        table.to_csv(data / "curated" / f"{name}.csv", index=False)


@pytest.fixture(scope="module", params=["as curated", "S001 re-dated to 13 Dec 2025"])
def weekly(request, tmp_path_factory) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The sources table, and as_of -> changes since the edition before it, on the curated data (and on a copy
    with S001 re-dated)."""
    data = paths.DATA_DIR
    if request.param != "as curated":
        data = tmp_path_factory.mktemp("redated") / "data"
        shutil.copytree(paths.DATA_DIR, data)
        redate(data, "S001", "2025-12-13")
    dates = weekly_dates(clean.read_table(data / "curated" / "sources.csv"))
    editions = {d: clean.build_processed(data, d) for d in dates}
    results = {d: changes.changes_since(editions[d], editions[p] if p else None, d, p) for p, d in zip([None, *dates], dates)}
    return clean.read_table(data / "curated" / "sources.csv"), results


def items_of(result: dict, kind: str | None = None) -> list[dict]:
    return [i for i in result["news"] if kind is None or i["kind"] == kind]


def test_weekly_editions_report_the_news_the_issue_names(weekly) -> None:
    sources, weekly = weekly
    s001 = pd.Timestamp(sources.set_index("source_id").at["S001", "published"])
    with_s001 = min(d for d in weekly if pd.Timestamp(d) >= s001)
    assert weekly[min(weekly)]["has_previous"] is False
    draft = [i for i in items_of(weekly["2025-11-10"], "milestone") if i["claim_id"] == "EV-014"]
    assert draft and draft[0]["rank"] == 1 and draft[0]["source_id"] == "S003"
    figures = {i["subject"]: i for i in items_of(weekly[with_s001]) if i["kind"] in ("figure", "figure_revised")}
    assert figures["countries_approached"]["value_low"] == 70 and figures["countries_willing"]["value_low"] == 19
    israel = [i for i in items_of(weekly[with_s001], "stance_change") if (i["actor_id"], i["subject"]) == ("ISR", "turkish_troops")]
    assert [(i["old"], i["new"]) for i in israel] == [("undecided", "opposes")]
    assert all(r["corrections"] == [] for r in weekly.values())
    assert not [i for d, r in weekly.items() if d < with_s001 for i in r["news"] if i["source_id"] == "S001"]
    assert all(items_of(r, "source") for d, r in weekly.items() if r["has_previous"] and not r["quiet"])


def test_weekly_editions_report_every_new_claim(weekly) -> None:
    for as_of, result in weekly[1].items():
        if result["has_previous"]:
            reported = {i["claim_id"] for i in result["news"] if i["kind"] not in ("actor", "source")}
            assert len(reported) == result["counts"]["new_claims"], as_of


def test_a_curated_row_edited_later_is_a_correction(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    sources = clean.read_table(data / "curated" / "sources.csv")
    pledges = clean.read_table(data / "curated" / "pledges.csv")
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
    _, _, fixed = changes.changes_md(result).partition("### Corrections since the previous edition")
    assert old["pledge_id"].replace("-", "\\-") in fixed


def test_an_edition_before_any_report_compares_without_error(tmp_path) -> None:
    data = make_data(tmp_path, WEEK_ONE)
    empty, first = clean.build_processed(data, "2025-01-01"), clean.build_processed(data, FIRST)
    result = changes.changes_since(first, empty, FIRST, "2025-01-01")
    assert result["counts"]["new_claims"] == len(WEEK_ONE) - 1 and result["corrections"] == []
    assert {i["claim_id"] for i in result["news"] if i["kind"] == "source"} == {"S1"}
    assert changes.changes_since(empty, empty, "2025-01-02", "2025-01-01")["quiet"] is True


def test_a_question_answered_is_news(tmp_path) -> None:
    status = {"open_questions": ["status"]}
    asked = [(t, r | {"status": "open"}) if t == "open_questions" else (t, r) for t, r in WEEK_ONE]
    answered = [(t, r | {"status": "answered"}) if t == "open_questions" else (t, r) for t, r in WEEK_ONE]
    result = changes.changes_since(build(tmp_path / "b", answered, SECOND, extra_columns=status),
                                   build(tmp_path / "a", asked, FIRST, extra_columns=status), SECOND, FIRST)
    assert [(i["kind"], i["claim_id"], i["new"]) for i in result["news"]] == [("question_answered", "OQ-1", "answered")]
    assert result["corrections"] == []
