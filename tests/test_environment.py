"""environment.yml (conda-forge) and pyproject.toml pin the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from helpers import paths

ENVIRONMENT = paths.ROOT / "environment.yml"
SPEC = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(==|=|>=|<=|~=|>|<)?\s*([^\s;#]*)")
# In environment.yml only: the interpreter, the installer and Quarto (which PyPI cannot give us offline).
CONDA_ONLY = {"python", "pip", "quarto"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(spec: str) -> tuple[str, str, str]:
    match = SPEC.match(spec)
    assert match, f"cannot read the requirement {spec!r}"
    name, op, version = match.groups()
    return canonical(name), op or "", version


def pyproject_pins(pyproject: Path) -> dict[str, tuple[str, str]]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs += extra
    pins: dict[str, tuple[str, str]] = {}
    for spec in specs:
        name, op, version = parse(spec)
        assert name not in pins, f"{name} listed twice in pyproject.toml"
        pins[name] = (op, version)
    return pins


def environment_pins(environment: Path) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(pins of packages, specs of the conda-only entries) from an environment.yml."""
    env = yaml.safe_load(environment.read_text(encoding="utf-8"))
    pins: dict[str, tuple[str, str]] = {}
    conda_only: dict[str, str] = {}
    for entry in env["dependencies"]:
        specs = entry["pip"] if isinstance(entry, dict) else [entry]
        for spec in specs:
            if spec.startswith("-e ") or spec.startswith("-"):
                continue  # the project itself, editable
            name, op, version = parse(spec)
            if name in CONDA_ONLY and not isinstance(entry, dict):
                conda_only[name] = f"{op}{version}"
                continue
            assert name not in pins, f"{name} listed twice in environment.yml"
            pins[name] = (op, version)
    return pins, conda_only


def pin_differences(expected: dict[str, tuple[str, str]], got: dict[str, tuple[str, str]]) -> list[str]:
    """One line per disagreement between pyproject.toml (expected) and environment.yml (got)."""
    lines = [f"{name}: only in pyproject.toml" for name in sorted(set(expected) - set(got))]
    lines += [f"{name}: only in environment.yml" for name in sorted(set(got) - set(expected))]
    lines += [
        f"{name}: pyproject.toml {''.join(expected[name])}, environment.yml {''.join(got[name])}"
        for name in sorted(set(expected) & set(got))
        if expected[name][1] != got[name][1]
    ]
    return lines


def test_environment_yml_pins_what_pyproject_pins() -> None:
    assert pin_differences(pyproject_pins(paths.PYPROJECT), environment_pins(ENVIRONMENT)[0]) == []


def test_every_package_is_pinned_exactly() -> None:
    for source, pins in (("pyproject.toml", pyproject_pins(paths.PYPROJECT)), ("environment.yml", environment_pins(ENVIRONMENT)[0])):
        loose = {name: op + version for name, (op, version) in pins.items() if op != "==" or not version}
        assert loose == {}, f"{source} has packages not pinned with ==: {loose}"


def test_environment_has_python_311_quarto_and_the_project() -> None:
    env = yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    _, conda_only = environment_pins(ENVIRONMENT)
    assert conda_only["python"] == "=3.11"
    assert "quarto" in conda_only
    pip_section = next(entry["pip"] for entry in env["dependencies"] if isinstance(entry, dict))
    assert "-e ." in pip_section
    requires = tomllib.loads(paths.PYPROJECT.read_text(encoding="utf-8"))["project"]["requires-python"]
    assert requires == ">=3.11"


def test_the_comparison_notices_a_drift(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["pandas==3.1.1", "PyYAML==6.0.3"]\n'
        '[project.optional-dependencies]\ntest = ["pytest==9.0.3"]\n'
    )
    environment = tmp_path / "environment.yml"
    environment.write_text(
        "channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - quarto\n  - pandas==3.1.0\n"
        "  - pyyaml==6.0.3\n  - pip\n  - pip:\n      - -e .\n"
    )
    expected, (got, _) = pyproject_pins(pyproject), environment_pins(environment)
    assert expected == {"pandas": ("==", "3.1.1"), "pyyaml": ("==", "6.0.3"), "pytest": ("==", "9.0.3")}
    assert got == {"pandas": ("==", "3.1.0"), "pyyaml": ("==", "6.0.3")}
    assert pin_differences(expected, got) == [
        "pytest: only in pyproject.toml",
        "pandas: pyproject.toml ==3.1.1, environment.yml ==3.1.0",
    ]
