"""The entry point: dev.py (stdlib only) and the CLI it hands over to."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from helpers import paths
from helpers.cli import build_parser

COMMANDS = ["build", "correct", "regenerate", "validate", "test", "codebook", "add-report", "next-id", "fill-mentions", "review", "lab", "strip", "editions",
            "publish", "bench", "clean"]


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", paths.ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helpers.cli", *args],
        capture_output=True, text=True, timeout=120, cwd=paths.ROOT, env={**os.environ, **(env or {})},
    )


def test_dev_help_lists_every_command_one_line_each_without_any_install() -> None:
    # -S: no site-packages at all, so this is what a bare python3 with no .venv sees.
    proc = subprocess.run(
        [sys.executable, "-S", str(paths.ROOT / "dev.py"), "--help"], capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python3 dev.py")
    lines = proc.stdout.splitlines()
    for command in COMMANDS:
        line = next((l for l in lines if l.strip().startswith(command + " ") or l.strip() == command), None)
        assert line is not None, f"{command} missing from --help"
    assert "dev.py: creating .venv" not in proc.stdout


def test_parser_has_one_help_line_per_command() -> None:
    parser = build_parser("isf")
    sub = next(a for a in parser._actions if a.dest == "command")
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    assert list(helps) == COMMANDS
    assert all(h and "\n" not in h and len(h) < 90 for h in helps.values())


def test_stamp_decides_when_to_install(tmp_path: Path) -> None:
    dev = load_dev()
    venv, pyproject = tmp_path / ".venv", tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["pandas==3.1.1"]\n')
    assert dev.needs_install(venv, pyproject)  # no venv
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    assert dev.needs_install(venv, pyproject)  # venv without a stamp
    (venv / ".isf-installed").write_text(dev.wanted_stamp(pyproject))
    assert not dev.needs_install(venv, pyproject)
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["pandas==3.1.2"]\n')
    assert dev.needs_install(venv, pyproject)  # a changed pin reinstalls


def test_unknown_option_is_refused_but_passthrough_commands_take_them() -> None:
    proc = run_cli("editions", "--bogus")
    assert proc.returncode == 2 and "unrecognized arguments: --bogus" in proc.stderr
    proc = run_cli("build", "--as-of", "2025-02-30")
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr


def _edition(reports: Path, name: str, previous: str, html: str, place: str = "editions",
             previous_key: str = "") -> dict[str, object]:
    """A minimal edition folder as the build writes it: briefing files and a manifest listing them."""
    folder = reports / place / name
    folder.mkdir(parents=True)
    files: dict[str, object] = {}
    for file, body in (("briefing.html", html.encode()), ("briefing.pdf", b"%PDF " + html.encode())):
        (folder / file).write_bytes(body)
        files[file] = {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
    manifest = {"input_key": hashlib.sha256(name.encode()).hexdigest(), "renderer": "pandoc+typst", "built_at": "x",
                "previous_edition": previous, "previous_input_key": previous_key, "files": files}
    if name.endswith("-r1"):
        manifest |= {"revision": 1, "revises": name[:10]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def test_editions_lists_drafts_and_published_and_marks_the_one_shown(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    env = {"ISF_REPORTS_DIR": str(reports)}
    assert "no editions yet" in run_cli("editions", env=env).stdout
    _edition(reports, "2025-11-10", "", "<p>10 Nov</p>")
    _edition(reports, "2025-11-20", "2025-11-10", "<p>20 Nov</p>")
    _edition(reports, "2025-11-20-r1", "2025-11-10", "<p>20 Nov, revised</p>")
    key = hashlib.sha256(b"2025-11-20-r1").hexdigest()
    _edition(reports, "2025-11-27", "2025-11-20-r1", "<p>27 Nov</p>", place="drafts", previous_key=key)
    (reports / "briefing.html").write_text("<p>27 Nov</p>")
    proc = run_cli("editions", env=env)
    out = proc.stdout.splitlines()
    assert proc.returncode == 0, proc.stdout
    assert out[1].startswith("2025-11-10 ") and " published " in out[1] and "<-" not in out[1]
    assert out[2].startswith("2025-11-20 ") and out[2].endswith("(superseded)")
    assert out[3].startswith("2025-11-20-r1") and " 1 published " in out[3] and out[3].endswith("2025-11-10")
    assert out[4].startswith("2025-11-27 ") and " draft " in out[4] and out[4].endswith("2025-11-20-r1  <- reports/briefing.html")


def test_editions_reports_broken_folders_and_stale_drafts_with_repairs(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    env = {"ISF_REPORTS_DIR": str(reports)}
    _edition(reports, "2025-10-20", "", "<p>20 Oct</p>")
    _edition(reports, "2025-11-20", "2025-10-20", "<p>20 Nov</p>")
    _edition(reports, "2025-11-25", "2025-11-20", "<p>25 Nov</p>", place="drafts")  # built on another 20 Nov: stale
    _edition(reports, "2025-11-30", "2025-11-25", "<p>30 Nov</p>", place="drafts")
    (reports / "briefing.html").write_text("<p>30 Nov</p>")
    manifest = reports / "drafts" / "2025-11-30" / "manifest.json"
    manifest.write_text(manifest.read_text()[:40])  # truncated
    (reports / "editions" / "2025-10-20" / "manifest.json").write_text("[1, 2]")  # not an object

    proc = run_cli("editions", env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    # Nothing silently dropped: every folder has its line, broken ones say why.
    assert [l.split()[0] for l in lines[1:5]] == ["2025-10-20", "2025-11-20", "2025-11-25", "2025-11-30"]
    assert "BROKEN: manifest.json: holds a JSON list, not an object" in lines[1]
    assert "draft      BROKEN: manifest.json: not readable JSON" in lines[4]
    problems = [l for l in lines if l.startswith("problem: ")]
    assert len(problems) == 3
    assert any(l.startswith("problem: 2025-10-20:") and "publish --restore" in l and "never rebuilt" in l for l in problems)
    assert any(l.startswith("problem: 2025-11-30:") and "rebuild the draft (python3 dev.py build --as-of 2025-11-30)" in l
               for l in problems)
    assert any(l.startswith("problem: 2025-11-25 (draft):") and "compares with 2025-11-20 as it was" in l
               and l.endswith("Repair: python3 dev.py build --as-of 2025-11-25") for l in problems)


def test_build_refuses_a_future_date_in_one_line(tmp_path: Path) -> None:
    env = {"ISF_REPORTS_DIR": str(tmp_path / "reports"), "ISF_BUILD_DIR": str(tmp_path / "build")}
    proc = run_cli("build", "--as-of", "2099-12-31", env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"as_of 2099-12-31 is after today ({dt.date.today().isoformat()}): an edition reports only what is already reported"
    ]
    assert not (tmp_path / "reports").exists()


def test_build_checks_the_data_before_any_kernel_and_prints_each_problem_once(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    pledges = data / "curated" / "pledges.csv"
    lines = pledges.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",troops,", ",soldiers,", 1)  # not a contribution type
    pledges.write_text("".join(lines), encoding="utf-8")
    env = {"ISF_REPORTS_DIR": str(tmp_path / "reports"), "ISF_BUILD_DIR": str(tmp_path / "build")}
    proc = run_cli("build", "--as-of", "2025-11-20", "--data-dir", str(data), env=env)
    assert proc.returncode == 1
    problems = [l for l in proc.stderr.splitlines() if "pledges.csv, row 2" in l]
    assert len(problems) == 1 and "soldiers" in problems[0]
    assert "has 1 problem(s); see above" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "build").exists()  # no notebook ran


def test_regenerate_logs_to_a_dated_file_and_returns_the_build_exit_code(tmp_path: Path) -> None:
    env = {
        "ISF_LOGS_DIR": str(tmp_path / "logs"),
        "ISF_REPORTS_DIR": str(tmp_path / "reports"),
        "ISF_BUILD_DIR": str(tmp_path / "build"),
    }
    proc = run_cli("regenerate", "--data-dir", str(tmp_path / "no-such-data"), env=env)
    assert proc.returncode == 1
    log = tmp_path / "logs" / f"{dt.date.today().isoformat()}.log"
    text = log.read_text()
    assert "=== regenerate" in text and "build failed:" in text and "=== exit 1" in text
    assert "build failed:" in proc.stdout  # and the person (or cron's mail) sees it too


def test_clean_removes_build_folder_and_drafts_but_never_a_published_edition(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    (build_dir / "2025-11-20").mkdir(parents=True)
    reports = tmp_path / "reports"
    env = {"ISF_BUILD_DIR": str(build_dir), "ISF_REPORTS_DIR": str(reports)}
    proc = run_cli("clean", env=env)
    assert proc.returncode == 0 and not build_dir.exists()
    _edition(reports, "2025-11-20", "", "<p>20 Nov</p>")
    _edition(reports, "2025-11-27", "2025-11-20", "<p>27 Nov</p>", place="drafts")
    (reports / "briefing.html").write_text("<p>27 Nov</p>")
    published = {p: p.read_bytes() for p in (reports / "editions").rglob("*") if p.is_file()}
    proc = run_cli("clean", "--drafts", env=env)
    assert proc.returncode == 0, proc.stderr
    assert not (reports / "drafts").exists()
    assert {p: p.read_bytes() for p in (reports / "editions").rglob("*") if p.is_file()} == published
    assert (reports / "briefing.html").read_text() == "<p>20 Nov</p>"  # the latest published edition again
    assert "kept the published editions" in proc.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="kernelspec paths are checked on Linux")
def test_kernelspec_runs_this_python(tmp_path: Path) -> None:
    from helpers.publish.kernelspec import KERNEL_NAME, ensure_kernelspec

    folder = ensure_kernelspec(prefix=tmp_path, python="/opt/py/bin/python")
    spec = json.loads((folder / "kernel.json").read_text())
    assert folder == tmp_path / "share" / "jupyter" / "kernels" / KERNEL_NAME
    assert spec["argv"][:3] == ["/opt/py/bin/python", "-m", "ipykernel_launcher"]
    assert spec["language"] == "python"


def test_kernelspec_setup_adds_the_save_hook_and_keeps_other_server_config(tmp_path: Path) -> None:
    from helpers.publish.kernelspec import ensure_kernelspec, server_config_path

    config = server_config_path(tmp_path)
    config.parent.mkdir(parents=True)
    config.write_text('{"ServerApp": {"port": 9999}, "ContentsManager": {"allow_hidden": true}}', encoding="utf-8")
    ensure_kernelspec(prefix=tmp_path, python="/opt/py/bin/python")
    assert json.loads(config.read_text()) == {
        "ServerApp": {"port": 9999},
        "ContentsManager": {"allow_hidden": True, "pre_save_hook": "helpers.lab.nbclean.pre_save_hook"},
    }


def _shell_lines(text: str) -> list[str]:
    return [l.split("#")[0].strip() for l in text.splitlines() if l.split("#")[0].strip()]


def test_readme_starts_with_build_and_test_and_ci_runs_the_readme_test_command() -> None:
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert _shell_lines(first_block)[1:] == ["python3 dev.py build", "python3 dev.py test"]
    ci = _shell_lines((paths.ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert ci[0] == "set -euo pipefail"
    assert ci[-1] == "python3 dev.py test"
    assert os.access(paths.ROOT / ".ci" / "run", os.X_OK)


def test_workflow_is_scheduled_serialised_and_never_commits() -> None:
    import yaml

    text = (paths.ROOT / ".github" / "workflows" / "briefing.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"][0]["cron"] and "workflow_dispatch" in triggers
    assert workflow["concurrency"]["group"]
    steps = workflow["jobs"]["build"]["steps"]
    assert any(s.get("uses", "").startswith("quarto-dev/quarto-actions/setup") for s in steps)
    assert any(s.get("with", {}).get("python-version") == "3.11" for s in steps)
    assert any(s.get("run") == "python3 dev.py regenerate" for s in steps)
    assert "git commit" not in text and "git push" not in text
    assert workflow["permissions"]["contents"] == "read"
