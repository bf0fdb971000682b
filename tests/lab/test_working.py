"""The analyst's working settings and the notebooks' input checks (helpers.lab.working), on temporary folders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers.data import stamps
from helpers.lab import working
from helpers.views import markdown
from helpers.data.stamps import InputError

TODAY = dt.date(2026, 1, 31)


@pytest.fixture(autouse=True)
def lab_display_off() -> None:
    yield
    markdown.use_lab_display(False)


def test_settings_file_is_written_with_defaults_and_read(tmp_path: Path) -> None:
    path = tmp_path / "working.toml"
    assert working.read_settings(path) == {"as_of": "today", "previous_edition": "auto"}
    assert path.read_text(encoding="utf-8") == working.DEFAULT_SETTINGS
    path.write_text('as_of = 20251120\n', encoding="utf-8")
    with pytest.raises(InputError, match='as_of must be text in quotes'):
        working.read_settings(path)
    path.write_text('as_of = "2025-11-20\n', encoding="utf-8")
    with pytest.raises(InputError, match="is not valid TOML"):
        working.read_settings(path)


def test_lab_parameters_come_from_the_settings_and_a_folder_per_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(working.paths, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(working.paths, "EDITIONS_DIR", tmp_path / "reports" / "editions")
    settings = tmp_path / "working.toml"
    settings.write_text('as_of = "2025-11-20"\nprevious_edition = "auto"\n', encoding="utf-8")
    params = working.parameters("", "../data", "", "", settings_file=settings, today=TODAY)
    assert params == ("2025-11-20", "../data", str(tmp_path / "build" / "lab" / "2025-11-20"), "")
    assert working.in_lab() and markdown.lab_display()
    assert "Working on the edition of 2025-11-20 (from" in capsys.readouterr().out
    settings.write_text('as_of = "today"\nprevious_edition = ""\n', encoding="utf-8")
    assert working.parameters("", "../data", "", "", settings_file=settings, today=TODAY).as_of == "2026-01-31"
    settings.write_text('as_of = "2026-02-01"\n', encoding="utf-8")
    with pytest.raises(InputError, match="as_of 2026-02-01 is after today"):
        working.parameters("", "../data", "", "", settings_file=settings, today=TODAY)


def test_a_build_passes_its_parameters_untouched() -> None:
    params = working.parameters("2025-11-20", "/d", "/out", "/prev", today=TODAY)
    assert params == ("2025-11-20", "/d", "/out", "/prev") and not working.in_lab() and not markdown.lab_display()
    with pytest.raises(InputError, match="as_of is blank"):
        working.parameters("", "/d", "/out", "", today=TODAY)
    with pytest.raises(InputError, match="as_of must be a date written YYYY-MM-DD, got '20 Nov'"):
        working.parameters("20 Nov", "/d", "/out", "", today=TODAY)


def test_stamps_name_the_notebook_to_run(tmp_path: Path) -> None:
    processed, analysis = tmp_path / "processed", tmp_path / "analysis"
    with pytest.raises(InputError, match=r"^no processed tables for 2025-11-20 in .*processed: run 01-clean-and-validate first$"):
        stamps.check(processed, "2025-11-20")
    processed.mkdir()
    (processed / "pledges.csv").write_text("pledge_id\nPL-001\n", encoding="utf-8")
    stamps.stamp(processed, "2025-11-20")
    stamps.check(processed, "2025-11-20")
    assert json.loads((processed / "stamp.json").read_text())["made_by"] == "01-clean-and-validate"
    with pytest.raises(InputError, match="were made for 2025-11-20, not 2025-11-01: run 01-clean-and-validate for 2025-11-01 first"):
        stamps.check(processed, "2025-11-01")
    analysis.mkdir()
    (analysis / "key_figures.json").write_text("{}", encoding="utf-8")
    stamps.stamp(analysis, "2025-11-20", made_from=processed)
    stamps.check(analysis, "2025-11-20", made_from=processed)
    (processed / "pledges.csv").write_text("pledge_id\nPL-002\n", encoding="utf-8")
    with pytest.raises(InputError, match="changed after 01-clean-and-validate wrote them: run 01-clean-and-validate again"):
        stamps.check(processed, "2025-11-20")
    stamps.stamp(processed, "2025-11-20")
    with pytest.raises(InputError, match="made from older processed tables .*: run 02-analyse again"):
        stamps.check(analysis, "2025-11-20", made_from=processed)


def test_input_error_shows_as_one_line_in_a_notebook() -> None:
    assert InputError("run 01-clean-and-validate first")._render_traceback_() == [
        "\x1b[0;31mInputError\x1b[0m: run 01-clean-and-validate first"]


def test_read_processed_checks_its_folder(tmp_path: Path) -> None:
    import pandas as pd

    from helpers.data import processed

    folder = tmp_path / "processed"
    with pytest.raises(InputError, match="no processed tables in .*: run 01-clean-and-validate first"):
        processed.read_processed(folder)
    processed.write_processed({"pledges": pd.DataFrame({"pledge_id": ["PL-001"]})}, folder)
    assert list(processed.read_processed(folder)) == ["pledges"]  # a previous edition's tables: no date asked
    with pytest.raises(InputError, match="no processed tables for 2025-11-20 .*: run 01-clean-and-validate first"):
        processed.read_processed(folder, as_of="2025-11-20")  # tables without a stamp
    stamps.stamp(folder, "2025-11-20")
    assert list(processed.read_processed(folder, as_of="2025-11-20")) == ["pledges"]
