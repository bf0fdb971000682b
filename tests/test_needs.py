"""A missing tool is a skip with a reason; under CI=true, a tool CI installs that is missing is a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from needs import TOOLS, need

# A test module run by a child pytest: each test makes one tool look missing, then asks for it.
CHILD = '''
from dataclasses import replace
import pytest
import needs

@pytest.mark.parametrize("tool", ["chromium", "axe-core", "pdftotext", "quarto"])
def test_needs(tool, monkeypatch):
    monkeypatch.setitem(needs.TOOLS, tool, replace(needs.TOOLS[tool], present=lambda: False))
    needs.need(tool)
'''


def missing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setitem(TOOLS, name, replace(TOOLS[name], present=lambda: False))


@pytest.mark.parametrize("name", ["chromium", "axe-core"])
def test_a_missing_tool_skips_with_how_to_install_it(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    missing(monkeypatch, name)
    with pytest.raises(pytest.skip.Exception, match=f"not found: {TOOLS[name].install}"):
        need(name)


@pytest.mark.parametrize("name", ["chromium", "axe-core", "pdftotext", "playwright", "reports"])
def test_under_ci_a_missing_tool_ci_installs_fails(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    missing(monkeypatch, name)
    with pytest.raises(pytest.fail.Exception, match="CI=true and .* not found: .*CI installs it, so this test must run"):
        need(name)


def test_under_ci_quarto_still_skips_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    missing(monkeypatch, "quarto")
    with pytest.raises(pytest.skip.Exception, match="quarto not found: .*not installable in CI"):
        need("quarto")


def test_a_present_tool_neither_skips_nor_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setitem(TOOLS, "chromium", replace(TOOLS["chromium"], present=lambda: True))
    need("chromium")


def test_an_unknown_tool_is_an_error_not_a_skip() -> None:
    with pytest.raises(KeyError):
        need("chromim")


@pytest.mark.parametrize("ci, outcome", [("", "4 skipped"), ("true", "3 failed, 1 skipped")])
def test_a_pytest_run_reports_it(ci: str, outcome: str, tmp_path: Path) -> None:
    (tmp_path / "test_child.py").write_text(CHILD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": ci} if ci else {})
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    out = proc.stdout
    assert out.strip().splitlines()[-1].startswith(outcome), out
    assert "quarto not found: conda install -c conda-forge quarto" in out
    if ci:
        assert proc.returncode == 1 and "CI=true and chromium at /usr/bin/chromium not found: apt-get install -y chromium" in out
    else:
        assert proc.returncode == 0 and "chromium at /usr/bin/chromium not found: apt-get install -y chromium" in out
