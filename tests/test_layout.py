"""The package's layout: stage folders in the order the data flows, and no stage importing a later one."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import paths

# The stages in the order the data flows; a module may import its own stage and those before it.
STAGES: tuple[str, ...] = ("data", "analysis", "views", "publish")
# Modules every stage may use; they import no stage.
BASE: frozenset[str] = frozenset({"paths", "fmt", "files"})
# On top: they may import any stage, and no stage imports them.
TOP: frozenset[str] = frozenset({"lab", "cli"})


def rank(module: str) -> int | None:
    """0 for the package and the base modules, 1.. for the stages in order, 99 for lab and cli; None outside helpers."""
    parts = module.split(".")
    if parts[0] != "helpers":
        return None
    if len(parts) == 1 or parts[1] in BASE or parts[1] == "__init__":
        return 0
    if parts[1] in STAGES:
        return 1 + STAGES.index(parts[1])
    assert parts[1] in TOP, f"{module}: a module outside the stage folders and the base modules"
    return 99


def imported(path: Path) -> set[str]:
    """Every helpers module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names
                                       if (paths.PACKAGE_DIR.parent / f"{node.module}.{alias.name}".replace(".", "/")).with_suffix(".py").is_file()
                                       or (paths.PACKAGE_DIR.parent / f"{node.module}.{alias.name}".replace(".", "/")).is_dir()}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m.split(".")[0] == "helpers"}


def modules() -> dict[str, Path]:
    return {".".join(p.with_suffix("").relative_to(paths.PACKAGE_DIR.parent).parts).removesuffix(".__init__"): p
            for p in sorted(paths.PACKAGE_DIR.rglob("*.py"))}


def test_no_stage_imports_a_later_one() -> None:
    wrong = [f"{name} imports {other}" for name, path in modules().items() for other in sorted(imported(path))
             if rank(other) > rank(name)]
    assert wrong == []


def test_every_module_is_in_a_stage_folder_or_is_a_base_or_top_module() -> None:
    top_level = {p.stem for p in paths.PACKAGE_DIR.glob("*.py")} - {"__init__"}
    assert top_level == BASE | (TOP - {"lab"})
    folders = {p.name for p in paths.PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders == set(STAGES) | {"lab"}


def test_each_stage_says_what_it_owns_and_what_it_may_import() -> None:
    for folder in (*STAGES, "lab"):
        doc = ast.get_docstring(ast.parse((paths.PACKAGE_DIR / folder / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, folder
        owned = {p.stem for p in (paths.PACKAGE_DIR / folder).glob("*.py")} - {"__init__"}
        assert [m for m in sorted(owned) if f"``{m}``" not in doc] == [], folder  # every module named in its package's doc


def test_the_layout_test_would_catch_a_backward_import(tmp_path: Path) -> None:
    module = tmp_path / "clean.py"
    module.write_text("from helpers.views import charts\n\ndef f():\n    from helpers.publish.build import build\n", encoding="utf-8")
    assert imported(module) == {"helpers.views", "helpers.views.charts", "helpers.publish.build"}
    assert max(rank(m) for m in imported(module)) > rank("helpers.data.clean")
