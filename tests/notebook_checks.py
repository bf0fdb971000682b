"""Checks of a notebook as committed (tests/lab/test_notebook_pairs.py and tests/pipeline/test_notebooks.py use them)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from helpers.lab import nbclean
from helpers.publish.kernelspec import NOTEBOOK_KERNELSPEC
from helpers.publish.notebooks import PARAMETER_NAMES


def parameters_cell_problems(source: str) -> list[str]:
    """The parameters cell assigns exactly the four parameters, each annotated `str`."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [f"parameters cell does not parse: {exc}"]
    names: list[str] = []
    problems: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
            if ast.unparse(node.annotation) != "str":
                problems.append(f"parameter {node.target.id} is annotated {ast.unparse(node.annotation)}, not str")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.append(target.id)
                    problems.append(f"parameter {target.id} has no type annotation (write `{target.id}: str = ...`)")
        else:
            problems.append(f"parameters cell line {node.lineno} is not an assignment")
    if sorted(names) != sorted(PARAMETER_NAMES):
        problems.append(f"parameters cell assigns {sorted(names)}, expected {sorted(PARAMETER_NAMES)}")
    return problems


def committed_notebook_problems(path: Path) -> list[str]:
    """What is wrong with an .ipynb as committed: outputs, counts, volatile metadata, parameters cell, kernelspec.

    Each problem a command can fix names it.
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    kernelspec = raw.get("metadata", {}).get("kernelspec", {})
    if kernelspec != NOTEBOOK_KERNELSPEC:
        problems.append(f"kernelspec is {kernelspec!r}, not the project's {NOTEBOOK_KERNELSPEC!r}: in JupyterLab choose "
                        f"Kernel > Change Kernel > {NOTEBOOK_KERNELSPEC['display_name']!r} and save")
    strip = f"run: {nbclean.COMMAND} {path}"
    tagged: list[int] = []
    for index, cell in enumerate(raw.get("cells", [])):
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                problems.append(f"cell {index + 1} has outputs committed ({strip})")
            if cell.get("execution_count") is not None:
                problems.append(f"cell {index + 1} has an execution count committed ({strip})")
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            tagged.append(index)
    volatile = sorted(nbclean.VOLATILE_NOTEBOOK_KEYS & set(raw.get("metadata", {})))
    volatile += sorted({k for c in raw.get("cells", []) for k in nbclean.VOLATILE_CELL_KEYS & set(c.get("metadata", {}))})
    if volatile:
        problems.append(f"volatile metadata committed: {', '.join(volatile)} ({strip})")
    if len(tagged) != 1:
        problems.append(f"{len(tagged)} cells are tagged `parameters`; expected exactly one")
    else:
        source = raw["cells"][tagged[0]]["source"]
        problems += parameters_cell_problems("".join(source) if isinstance(source, list) else source)
    return problems
