"""The analyst's key judgements, checked against an edition's evidence, on fixture data.

Each test writes a small data package (tests/fixture_data.py: reports S011 of 18 Oct, S012 of 8 Nov and
S013 of c. 13 Dec 2025) and a judgements file, then reads them as notebook 03 and `dev.py review` do.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fixture_data import condition, figure, make_data, pledge, position

from helpers.analysis import judgements, run
from helpers.views import judgements_md
from helpers.views.markdown import escape_md as esc
from helpers.data import clean
from helpers.cli import main as cli

EARLY, LATE = "2025-11-10", "2025-12-20"  # before and after S013


def data_package(tmp: Path) -> Path:
    """Claims from all three fixture reports; S013's Turkish offer and territory figure come after EARLY."""
    return make_data(
        tmp,
        pledges=[pledge("PL-001", "IDN", "offered_public", "S011", amount_low=20000, amount_high=20000, amount_unit="troops",
                        amount_text="20,000", amount_precision="exact"),
                 pledge("PL-002", "TUR", "offered_private", "S013")],
        positions=[position("PO-001", "ISR", "turkish_troops", "opposes", "S011", target_actor_id="TUR",
                            summary="Opposes Turkish troops"),
                   position("PO-002", "USA", "us_troops_in_gaza", "opposes", "S013", summary="No US troops in Gaza")],
        conditions=[condition("CO-001", "AZE", "after_fighting_stops", "S012",
                              quote="Azerbaijan will send troops only if the fighting stops, after 2 readings in parliament.")],
        figures=[figure("FI-001", "territory_controlled_share", 53, 53, "approximate", "about 53%", "S013", actor_id="ISR",
                        unit="percent")],
    )


GOOD = [
    "1. Indonesia is likely to send troops first: it offers {{ largest_offer.labels[0].label }}.[PL-001]",
    "2. Israel will very likely keep opposing Turkish troops.[PO-001]",
    "3. Azerbaijan is unlikely to deploy before the fighting stops and 2 readings pass.[CO-001]",
]


def write(data: Path, date: str, items: list[str], reports: str = "S011, S012") -> Path:
    folder = data / "judgements"
    folder.mkdir(exist_ok=True)
    path = folder / f"{date}.md"
    path.write_text(f"---\nreports_read: {reports}\n---\n\n# Key judgements\n\n" + "\n\n".join(items) + "\n", encoding="utf-8")
    return path


def edition(data: Path, as_of: str) -> judgements.EditionJudgements:
    """The judgements an edition uses, read as notebook 03 reads them (tables and findings of that date)."""
    tables = clean.build_processed(data, as_of)
    _, findings = run.analyse(tables, as_of, None)
    return judgements.for_edition(data, as_of, tables, findings)


def problems(data: Path, as_of: str = EARLY) -> list[str]:
    return [str(p) for p in edition(data, as_of).problems]


def test_a_sound_file_passes_and_renders_marks_not_claim_ids(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, GOOD)
    ej = edition(data, EARLY)
    assert ej.problems == []
    md = judgements_md.bottom_line_md(ej)
    assert md.startswith("1. **Indonesia is likely to send troops first\\: it offers 20\\,000 troops\\.^[S011](#src-S011)^**")
    assert "PL-001" not in md and "{{" not in md  # readers get source marks and values, never ids or references
    assert "written for the edition of 10 Nov 2025" in md
    assert "Not yet reviewed" not in md


@pytest.mark.parametrize("cite, message", [
    ("[PL-999]", "judgement 2 cites PL-999: no claim in the data has this id"),
    ("[PL-002]", "judgement 2 cites PL-002, reported in S013 (c. 13 Dec 2025), after the edition of 10 Nov 2025"),
])
def test_a_citation_to_a_missing_or_later_claim_fails_with_file_and_line(tmp_path: Path, cite: str, message: str) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, [GOOD[0], f"2. Israel will very likely keep opposing Turkish troops.{cite}", GOOD[2]])
    assert problems(data) == [f"data/judgements/{EARLY}.md:9: {message}"]


def test_a_citation_to_a_report_not_read_fails(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, GOOD, reports="S011")
    assert problems(data) == [f"data/judgements/{EARLY}.md:11: judgement 3 cites CO-001 from S012, which reports_read does not list"]
    write(data, EARLY, GOOD, reports="S011, S012, S013")
    assert problems(data) == [f"data/judgements/{EARLY}.md:2: reports_read lists S013 (c. 13 Dec 2025), dated after this file's "
                              "edition (10 Nov 2025): write a file for a later edition"]


def test_a_typed_number_must_be_a_finding_or_in_a_cited_quote(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    typed = "1. Indonesia is likely to send troops first: it offers 20,000 troops.[PO-001]"  # 20,000 is not in PO-001's quote
    write(data, EARLY, [typed, *GOOD[1:]])
    assert problems(data) == [f"data/judgements/{EARLY}.md:7: judgement 1 types the number 20000, which no claim it cites quotes: "
                              "write it as a finding reference, {{ ... }}, or cite the claim that gives it"]
    # the same number is fine when the cited claim quotes it ("20,000" in PL-001), or typed as a finding reference
    write(data, EARLY, [typed.replace("[PO-001]", "[PL-001]"), *GOOD[1:]])
    assert problems(data) == []


def test_a_judgement_without_a_citation_fails(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, [GOOD[0], "2. Israel will very likely keep opposing Turkish troops.", GOOD[2]])
    assert problems(data) == [f"data/judgements/{EARLY}.md:9: judgement 2 cites no claim: add the claims it rests on, e.g. [CO-001, FI-008]"]


def test_an_unknown_finding_fails_and_names_what_the_findings_hold(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, [GOOD[0].replace("largest_offer.labels", "largest_offer.wording"), *GOOD[1:]])
    [line] = problems(data)
    assert line.startswith(f"data/judgements/{EARLY}.md:7: judgement 1: unknown finding 'largest_offer.wording'; largest_offer hold: ")
    assert "labels" in line


def test_likelihood_words_and_sentence_length_are_checked(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    long = " ".join(["Then", *["word"] * 40])
    write(data, EARLY, [GOOD[0], "2. Israel will probably keep opposing Turkish troops.[PO-001]", f"3. It is unlikely. {long}.[CO-001]"])
    found = problems(data)
    assert found[0] == (f"data/judgements/{EARLY}.md:9: judgement 2 has no likelihood word: use one of the scale's "
                        "(almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain)")
    assert found[1] == f"data/judgements/{EARLY}.md:9: judgement 2 says 'probably', which is not on the likelihood scale: use its words"
    assert found[2].startswith(f"data/judgements/{EARLY}.md:11: judgement 3: a sentence of 41 words (at most 40, citations not counted)")
    assert len(found) == 3


def test_the_file_form_is_checked(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    path = write(data, EARLY, GOOD[:2])
    path.write_text(path.read_text(encoding="utf-8").replace("2. Israel", "Stray text\n\n3. Israel"), encoding="utf-8")
    (data / "judgements" / "latest.md").write_text("1. x\n", encoding="utf-8")
    assert problems(data) == [
        "data/judgements/2025-11-10.md:9: text outside a judgement: start each judgement with its number, e.g. '1. '",
        "data/judgements/2025-11-10.md:11: judgement numbered 3; expected 2 (number them 1, 2, 3 in order)",
        "data/judgements/2025-11-10.md:11: 2 judgement(s); write 3 to 6",
        "data/judgements/latest.md:1: not used by any edition: name the file after its edition date, YYYY-MM-DD.md (e.g. 2025-12-20.md)",
    ]


def test_an_edition_uses_the_latest_file_on_or_before_it_never_a_later_one(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, GOOD)
    write(data, LATE, [g.replace("likely", "very likely", 1) if i == 0 else g for i, g in enumerate(GOOD)], reports="S011, S012, S013")
    assert judgements.file_for(data, "2025-11-09") is None
    assert judgements.file_for(data, EARLY).name == f"{EARLY}.md"
    assert judgements.file_for(data, "2025-12-19").name == f"{EARLY}.md"
    assert judgements.file_for(data, "2026-01-31").name == f"{LATE}.md"
    early = edition(data, "2025-12-01")
    assert early.file is not None and early.file.written_for == EARLY
    assert "very likely" not in judgements_md.bottom_line_md(early).split("\n")[0]
    none = edition(data, "2025-11-01")
    assert none.file is None and "generated from the findings" in judgements_md.checks_md(none)


def test_new_claims_bearing_on_a_judgement_are_not_yet_reviewed_until_marked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, GOOD)
    ej = edition(data, LATE)
    # S013's Turkish offer shares "troops" with judgement 1 and Turkey with judgement 2, its figure of the
    # share Israel holds shares Israel with judgement 2; its US stance touches no judgement's actor, topic or condition
    assert {n: list(rows["claim_id"]) for n, rows in judgements.bearing(ej.file, ej.evidence).items()} == {1: ["PL-002"], 2: ["FI-001", "PL-002"]}
    assert ej.stale == ("Written for the edition of 10 Nov 2025; 2 claims from 1 later report bear on judgements 1 and 2 "
                        "and are not yet reviewed.")
    assert ej.problems == []  # stale is said, not a failure
    assert judgements_md.bottom_line_md(ej).startswith(f"**Not yet reviewed:** {esc(ej.stale)}\n\n1. ")

    assert cli(["review", "--as-of", LATE, "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "not read: 3 claims from S013 (c. 13 Dec 2025)" in out
    block = out.split("judgement 2 (line 9)", 1)[1].split("judgement 3", 1)[0]
    assert "2 new claims bear on it:" in block and "PL-002 (S013 (c. 13 Dec 2025); shares Turkey)" in block
    assert "FI-001 (S013 (c. 13 Dec 2025); shares Israel)" in block
    assert "\u201cThe report's words on PL-002:.\u201d" in block  # the quote, for the analyst to read
    assert "judgement 3 (line 11): Azerbaijan is unlikely" in out and "no new claim bears on it" in out
    assert "bearing on no judgement: PO-002" in out

    # marking reviewed writes the later edition's file; the earlier file stays for the earlier editions
    assert cli(["review", "--as-of", LATE, "--data-dir", str(data), "--mark"]) == 0
    assert f"{LATE}.md written from {EARLY}.md" in capsys.readouterr().out
    assert re.search(r"(?m)^reports_read: S011, S012, S013$", (data / "judgements" / f"{LATE}.md").read_text(encoding="utf-8"))
    after = edition(data, LATE)
    assert after.stale == "" and after.problems == [] and "Not yet reviewed" not in judgements_md.bottom_line_md(after)
    assert edition(data, EARLY).file.written_for == EARLY
    assert cli(["review", "--as-of", LATE, "--data-dir", str(data)]) == 0
    assert "every report in this edition was read: nothing to review" in capsys.readouterr().out


def test_later_claims_that_touch_no_judgement_are_said_too(tmp_path: Path) -> None:
    data = data_package(tmp_path)
    write(data, EARLY, [GOOD[2].replace("3.", "1."), "2. Azerbaijan will very likely wait.[CO-001]", "3. It is likely to wait.[CO-001]"])
    ej = edition(data, LATE)
    assert ej.stale == "Written for the edition of 10 Nov 2025; the 3 claims from 1 later report bear on none of these judgements."


@pytest.fixture(scope="module")
def late_findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture package's findings for the edition after every report, as notebook 02 computes them."""
    tables = clean.build_processed(data_package(tmp_path_factory.mktemp("findings")), LATE)
    return run.analyse(tables, LATE, None)[1]


@pytest.mark.parametrize("reference, value", [
    ("territory[actor=Israel].share", "about 53 percent"),
    ("largest_offer.amount", "20,000"),
    ("troop_offers|count", "2"),
    ("troop_offers[0].name", "Indonesia"),
])
def test_finding_references_resolve_by_path(late_findings: dict[str, Any], reference: str, value: str) -> None:
    assert judgements.resolve(reference, late_findings) == value


@pytest.mark.parametrize("reference, message", [
    ("nothing_here", "unknown finding 'nothing_here'; the findings hold: "),
    ("territory", "finding 'territory' is a list, not one value"),
    ("territory[actor=Hamas].share", "finding 'territory' holds no item with actor = 'Hamas' in this edition"),
    ("territory[9].share", "finding 'territory' has 1 item(s) in this edition; there is no [9]"),
    ("largest_offer.amount|count", "finding 'largest_offer.amount' is a single value"),
])
def test_finding_references_that_do_not_resolve_fail_loudly(late_findings: dict[str, Any], reference: str, message: str) -> None:
    with pytest.raises(judgements.FindingError) as caught:
        judgements.resolve(reference, late_findings)
    assert str(caught.value).startswith(message)


def test_the_scale_is_ICD_203s_seven_words() -> None:
    assert [t for t, _ in judgements.SCALE] == ["almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely",
                                                "very likely", "almost certain"]
    assert judgements.Judgement(1, [(1, "It will almost certainly fail.[PL-001]")]).likelihood == ["almost certain"]
    assert judgements.Judgement(1, [(1, "It is very unlikely.[PL-001]")]).likelihood == ["very unlikely"]


@pytest.mark.live_data
@pytest.mark.parametrize("as_of", ["2025-10-20", "2025-11-10", "2025-12-20"])
def test_the_live_judgements_pass_their_checks(as_of: str) -> None:
    """Invariants, not contents: each written edition has its own file, it passes, and every judgement
    carries a likelihood word and a citation (the checks), with no sentence over the limit."""
    from helpers import paths

    ej = edition(paths.DATA_DIR, as_of)
    assert ej.file is not None and ej.file.written_for == as_of
    assert [str(p) for p in ej.problems] == []


def test_a_failing_check_stops_the_build_and_the_notebook_shows_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What an analyst sees in JupyterLab is what stops the build: notebook 03 shows the check results, then fails."""
    import nbformat

    from helpers.publish.build import build
    from helpers.publish.config import BuildConfig
    from helpers.publish.notebooks import NotebookError
    from helpers.data.validate import validate_data

    data = data_package(tmp_path)
    write(data, EARLY, [GOOD[0], "2. Israel will very likely keep opposing Turkish troops.[PL-999]", GOOD[2]])
    monkeypatch.setenv("ISF_SOURCES_DIR", str(tmp_path / "sources"))
    with pytest.raises(NotebookError) as caught:
        build(BuildConfig(as_of=EARLY, data_dir=data, reports_dir=tmp_path / "reports", build_dir=tmp_path / "build",
                          validator=lambda d: validate_data(d, tmp_path / "sources")))
    line = f"data/judgements/{EARLY}.md:9: judgement 2 cites PL-999: no claim in the data has this id"
    assert caught.value.notebook == "03-write-briefing.ipynb" and line in str(caught.value)
    assert not (tmp_path / "reports" / "briefing.html").exists()  # nothing published
    shown = [o["data"]["text/markdown"] for c in nbformat.read(caught.value.executed, as_version=4).cells if c.cell_type == "code"
             for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
    checks = next(s for s in shown if s.startswith("**Key judgements:**"))
    assert "**Checks: 1 problem(s).**" in checks and esc(line) in checks


def test_without_judgements_the_generated_bottom_line_is_plain_sentences_with_source_marks(tmp_path: Path) -> None:
    """Issue 18: where no analyst wrote judgements, the generated summary stays, in plain sentences whose
    sources are compact marks linking to the Sources entries, not a parenthetical after every clause."""
    from helpers.views import briefing, cite

    data = data_package(tmp_path)
    tables = clean.build_processed(data, LATE)
    results, summary = run.analyse(tables, LATE, None)
    text = briefing.bottom_line(summary, results["conditions_summary"])
    first = text.splitlines()[0]
    assert first == ("1. The reports name 2 states as offering troops: Indonesia in public and Turkey privately."
                     "^[S011](#src-S011),\\ [S013](#src-S013)^")
    assert "(" not in re.sub(r"\^.*?\^", "", text.split("\n\n")[0])  # no parenthetical citations beside the marks
    assert text.endswith("*Generated from the findings: no analyst has written key judgements for this edition.*")
    assert cite.mark(["S013", "", "S011", "S013"]) == "^[S011](#src-S011),\\ [S013](#src-S013)^"
    assert cite.mark([]) == ""


def test_a_citation_wrapped_onto_the_next_line_is_one_citation(tmp_path: Path) -> None:
    """Editors wrap long lines: "[PO-001,\n   PL-001]" is the same citation as on one line, never typed numbers."""
    data = data_package(tmp_path)
    wrapped = "1. Indonesia is likely to send troops first: it offers 20,000 troops.[PO-001,\n   PL-001]"
    write(data, EARLY, [wrapped, *GOOD[1:]])
    assert problems(data) == []
