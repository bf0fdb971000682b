"""The codebook documents every table and field and is in step with the schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fixture_data import make_package

from helpers import paths
from helpers.data import codebook, validate
from helpers.data.datapackage import load_descriptor
from helpers.cli import main as cli


@pytest.mark.live_data
def test_generated_blocks_are_up_to_date() -> None:
    current = codebook.CODEBOOK.read_text(encoding="utf-8")
    assert codebook.render_codebook(current, paths.DATA_DIR) == current, "run: python3 dev.py codebook"


@pytest.mark.live_data
def test_every_field_and_reference_code_is_described() -> None:
    text = codebook.CODEBOOK.read_text(encoding="utf-8")
    for resource in load_descriptor(paths.DATA_DIR)["resources"]:
        assert f"`{resource['path']}`" in text or f"`reference/{resource['name']}.csv`" in text
        for field in resource["schema"]["fields"]:
            assert field.get("description"), f"{resource['name']}.{field['name']} has no description"
    for heading in ("The stage ladder", "Conditions", "Vague statements", "Confidence", "Which report each actor appears in"):
        assert f"## {heading}" in text


@pytest.fixture()
def repo_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """The fixture package posing as the repo's data, with its own copy of the codebook."""
    data, sources = make_package(tmp_path)
    book = tmp_path / "CODEBOOK.md"
    shutil.copy(codebook.CODEBOOK, book)
    monkeypatch.setattr(codebook, "CODEBOOK", book)
    monkeypatch.setattr(paths, "DATA_DIR", data)
    return data, sources, book


def test_validate_says_when_the_codebook_is_stale(repo_like: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    data, sources, book = repo_like
    assert validate.main(["--data-dir", str(data), "--sources-dir", str(sources)]) == 1  # the copy documents the live data
    assert capsys.readouterr().out == "docs/CODEBOOK.md: its generated tables are stale; run: python3 dev.py codebook\n"
    codebook.refresh(data)
    assert validate.main(["--data-dir", str(data), "--sources-dir", str(sources)]) == 0


def test_commands_that_change_data_refresh_the_codebook(repo_like: tuple[Path, Path, Path], tmp_path: Path) -> None:
    data, sources, book = repo_like
    codebook.refresh(data)
    report = tmp_path / "new.txt"
    report.write_text("A sixth report.\n", encoding="utf-8")
    assert cli(["add-report", str(report), "--data-dir", str(data), "--sources-dir", str(sources)]) == 0
    assert "| `S002` | `002_" in book.read_text(encoding="utf-8")
    assert not codebook.is_stale(data)
