"""Benchmark the build: the floor, a cold build, an unchanged rebuild, 100x data, peak memory.

    python3 dev.py bench [--runs 3] [--factor 100] [--quarto-only] [--record]

With Quarto installed it also times the project's build against the pipeline a user would otherwise
write (papermill CLI per notebook, then `quarto render` of the executed briefing `--to html` and
`--to typst`), interleaved in one invocation, as a ratio; without Quarto that line says why it is skipped.

Every figure is the median of ``--runs`` runs on this machine in this invocation, each in a fresh
process (so interpreter start and imports count, as they do for the scheduler). Results go to
build/benchmarks/latest.md and latest.json, which git ignores, so a run never dirties the tree; with
``--record`` they go to docs/benchmarks/ too, the committed figure a reviewer reads (record on purpose, on an
idle machine). Not part of the test suite: timings are not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers import paths

OUT_DIR = paths.BUILD_DIR / "benchmarks"  # untracked: every run
RECORD_DIR = paths.ROOT / "docs" / "benchmarks"  # tracked: `--record` only
AS_OF = "2025-11-20"
# What the issue asks of the build (ratios are to the figures named).
TARGETS = {"cold_over_floor": 2.0, "unchanged_seconds": 1.0, "synthetic_over_cold": 1.3, "synthetic_html_over_real": 1.5,
           "quarto_build_over_naive": 0.7}
QUARTO_MISSING = "quarto not installed (conda install -c conda-forge quarto, or pip install quarto-cli)"
STEP_LINE = re.compile(r"\[\d+/\d+\]\s+(\S+)\s+([\d.]+) s")


@dataclass
class Run:
    """One timed process: wall seconds, peak memory of its process tree, the steps it printed."""

    seconds: float
    peak_tree_mib: float
    steps: dict[str, float] = field(default_factory=dict)
    stdout: str = ""


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (kernels are grandchildren)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        ppid = int(re.search(r"PPid:\s+(\d+)", status).group(1))
        found = re.search(r"VmRSS:\s+(\d+)", status)
        rss[pid] = int(found.group(1)) if found else 0
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def timed(command: list[str], env: dict[str, str]) -> Run:
    """Run a command, sampling its process tree's memory every 50 ms; fail loudly if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.2)  # sparse sampling: reading /proc steals CPU from a 2-core build
    seconds = time.perf_counter() - start
    reader.join()
    text = "".join(output)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed ({proc.returncode}):\n{text}")
    steps = {name: float(sec) for name, sec in STEP_LINE.findall(text)}
    return Run(seconds, peak / 1024, steps, text)


def empty_notebooks(folder: Path, count: int) -> list[Path]:
    """``count`` notebooks holding only the pipeline's parameters cell."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(1, count + 1):
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
        cell = nbformat.v4.new_code_cell('as_of: str = ""\ndata_dir: str = ""\nout_dir: str = ""\nprevious_edition: str = ""')
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell]
        path = folder / f"{number:02d}-empty.ipynb"
        nbformat.write(nb, path)
        made.append(path)
    return made


FLOOR_SCRIPT = """
import sys, nbformat
from pathlib import Path
from helpers.publish.notebooks import execute_notebooks
from helpers.publish.render import render_briefing
folder = Path(sys.argv[1])
runs = execute_notebooks(sorted(folder.glob('*-empty.ipynb')), {'as_of': '', 'data_dir': '', 'out_dir': '', 'previous_edition': ''}, folder / 'executed')
doc = nbformat.v4.new_notebook(metadata={'title': 'Empty'})
doc.cells = [nbformat.v4.new_markdown_cell('# Empty\\n\\nNothing here.')]
nbformat.write(doc, folder / 'empty.ipynb')
render_briefing(folder / 'empty.ipynb', folder / 'rendered')
"""


def env_for(work: Path) -> dict[str, str]:
    """Environment pointing the build at a private reports/build folder (a clean build folder)."""
    env = dict(os.environ)
    env["ISF_REPORTS_DIR"] = str(work / "reports")
    env["ISF_BUILD_DIR"] = str(work / "build")
    env.pop("ISF_CACHE_DIR", None)
    return env


def build_command(data_dir: Path | None = None, force: bool = False) -> list[str]:
    command = [sys.executable, "-m", "helpers.cli", "build", "--as-of", AS_OF]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return command + (["--force"] if force else [])


def median(runs: list[Run]) -> Run:
    """The run with the median wall time (its steps and memory travel with it)."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[len(ordered) // 2]


def cell_profile(executed_dir: Path) -> dict[str, float]:
    """Where the notebooks' time goes, from papermill's per-cell durations in the executed notebooks.

    Categories: kernel start and shutdown (notebook time not spent in cells), imports (a cell that
    imports), data validation, chart building and conversion (cells calling ``charts.``), other cells.
    """
    totals = {"kernel start/shutdown": 0.0, "imports": 0.0, "validation": 0.0, "charts": 0.0, "other cells": 0.0}
    for path in sorted(executed_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = 0.0
        for cell in nb.cells:
            seconds = float(cell.metadata.get("papermill", {}).get("duration") or 0)
            cells += seconds
            source = cell.source
            key = ("validation" if "check_data" in source else "charts" if "charts." in source and "import" not in source
                   else "imports" if re.search(r"^(from|import) ", source, re.M) else "other cells")
            totals[key] += seconds
        totals["kernel start/shutdown"] += float(nb.metadata.get("papermill", {}).get("duration") or 0) - cells
    return {k: round(v, 2) for k, v in totals.items()}


def cold_builds(runs: int, root: Path, data_dir: Path | None = None) -> tuple[list[Run], Path]:
    """``runs`` cold builds, each in a fresh reports and build folder; returns runs and the last folder."""
    out = []
    work = root
    for number in range(runs):
        work = root / f"run{number}"
        out.append(timed(build_command(data_dir, force=True), env_for(work)))
    return out, work


def naive_quarto_commands(work: Path, quarto: str) -> list[list[str]]:
    """The pipeline a user would write without the project's driver, as commands run one after another.

    papermill's CLI per notebook (a kernel and a Python start each), then two separate Quarto runs on
    the executed briefing, each starting Quarto and reading its context again (issue 13, point 5).

    Args:
        work: an empty folder for this run's outputs.
        quarto: the quarto executable.

    Returns:
        Commands to run in order, from ``work``.
    """
    processed = work / "processed"
    commands = [["mkdir", "-p", str(processed)]]
    parameters = ["-p", "as_of", AS_OF, "-p", "data_dir", str(paths.DATA_DIR), "-p", "out_dir", str(processed),
                  "-p", "previous_edition", ""]
    for name in paths.NOTEBOOKS:
        commands.append([sys.executable, "-m", "papermill", str(paths.NOTEBOOKS_DIR / name), str(work / name), *parameters])
    briefing = str(work / paths.BRIEFING_NOTEBOOK)
    commands += [[quarto, "render", briefing, "--to", "html"], [quarto, "render", briefing, "--to", "typst"]]
    return commands


def quarto_comparison(runs: int, root: Path) -> dict:
    """The project's build (Quarto renderer) against the naive papermill-CLI + two-``quarto render`` pipeline.

    The two are interleaved run by run so that a busy machine slows both alike; the ratio is of medians.

    Args:
        runs: runs of each.
        root: a scratch folder.

    Returns:
        ``{"skipped": reason}`` without Quarto, else both medians, all times and the ratio.
    """
    quarto = shutil.which("quarto")
    if quarto is None:
        return {"skipped": QUARTO_MISSING}
    env = {k: v for k, v in os.environ.items() if k != "ISF_RENDERER"}
    project, naive = [], []
    for number in range(runs):
        build_env = env_for(root / f"project{number}")
        build_env.pop("ISF_RENDERER", None)  # the project's build must render with Quarto too
        run = timed(build_command(force=True), build_env)
        assert "render: quarto" in run.stdout, "the project build did not render with Quarto"
        project.append(run)
        work = root / f"naive{number}"
        work.mkdir(parents=True)
        script = " && ".join(" ".join(shlex.quote(part) for part in command) for command in naive_quarto_commands(work, quarto))
        naive.append(timed(["sh", "-c", script], env))
    m_project, m_naive = median(project), median(naive)
    return {
        "project_seconds": m_project.seconds,
        "naive_seconds": m_naive.seconds,
        "quarto_build_over_naive": m_project.seconds / m_naive.seconds,
        "project_all": [round(r.seconds, 2) for r in project],
        "naive_all": [round(r.seconds, 2) for r in naive],
    }


def quarto_row(q: dict) -> tuple[str, str, str, str]:
    """The results table's Quarto line.

    Args:
        q: ``quarto_comparison``'s result.

    Returns:
        measure, value, ratio and target cells.
    """
    name = "Quarto: project build vs papermill CLI + 2 x `quarto render`"
    if "skipped" in q:
        return name, "skipped", "", q["skipped"]
    target = TARGETS["quarto_build_over_naive"]
    return (name, f"{q['project_seconds']:.2f} s vs {q['naive_seconds']:.2f} s", f"{q['quarto_build_over_naive']:.2f}x naive",
            f"<= {target}x: {verdict(q['quarto_build_over_naive'], target)}")


def measure(runs: int, factor: int) -> dict:
    """Every figure of the benchmark."""
    tmp = Path(tempfile.mkdtemp(prefix="isf-bench-"))
    try:
        notebooks = len(paths.NOTEBOOKS)
        floor_dir = tmp / "floor"
        empty_notebooks(floor_dir, notebooks)
        floor = [timed([sys.executable, "-c", FLOOR_SCRIPT, str(floor_dir)], dict(os.environ)) for _ in range(runs)]

        cold, last = cold_builds(runs, tmp / "real")
        real_html = (last / "reports" / "briefing.html").stat().st_size
        real_pdf = (last / "reports" / "briefing.pdf").stat().st_size
        real_profile = cell_profile(last / "build" / AS_OF)
        unchanged = [timed(build_command(), env_for(last)) for _ in range(runs)]
        assert all("unchanged" in r.stdout for r in unchanged), "the rebuild did not reuse the edition"

        sys.path.insert(0, str(Path(__file__).parent))
        from make_synthetic import make  # noqa: E402  (benchmarks/ is not a package)

        synthetic_data = tmp / "synthetic-data"
        rows = make(synthetic_data, factor)
        synthetic, last_syn = cold_builds(runs, tmp / "synthetic", synthetic_data)
        syn_html = (last_syn / "reports" / "briefing.html").stat().st_size
        syn_pdf = (last_syn / "reports" / "briefing.pdf").stat().st_size
        syn_profile = cell_profile(last_syn / "build" / AS_OF)
        quarto = quarto_comparison(runs, tmp / "quarto")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    m_floor, m_cold, m_unchanged, m_syn = (median(x) for x in (floor, cold, unchanged, synthetic))
    return {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "runs": runs,
        "factor": factor,
        "synthetic_rows": rows,
        "floor_seconds": m_floor.seconds,
        "cold_seconds": m_cold.seconds,
        "cold_steps": m_cold.steps,
        "cold_profile": real_profile,
        "unchanged_seconds": m_unchanged.seconds,
        "synthetic_seconds": m_syn.seconds,
        "synthetic_steps": m_syn.steps,
        "synthetic_profile": syn_profile,
        "cold_over_floor": m_cold.seconds / m_floor.seconds,
        "synthetic_over_cold": m_syn.seconds / m_cold.seconds,
        "real_html_bytes": real_html,
        "real_pdf_bytes": real_pdf,
        "synthetic_html_bytes": syn_html,
        "synthetic_pdf_bytes": syn_pdf,
        "synthetic_html_over_real": syn_html / real_html,
        "synthetic_pdf_over_real": syn_pdf / real_pdf,
        "quarto": quarto,
        "peak_memory_mib": max(r.peak_tree_mib for r in cold),
        "synthetic_peak_memory_mib": max(r.peak_tree_mib for r in synthetic),
        "all_seconds": {name: [round(r.seconds, 2) for r in group] for name, group in
                        (("floor", floor), ("cold", cold), ("unchanged", unchanged), ("synthetic", synthetic))},
    }


def verdict(value: float, target: float) -> str:
    return "meets" if value <= target else "MISSES"


def markdown(r: dict) -> str:
    """The results table a reviewer reads."""
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["cold_steps"].items())
    syn_steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["synthetic_steps"].items())
    rows = [
        ("Floor: empty notebooks + empty HTML/PDF render", f"{r['floor_seconds']:.2f} s", "", ""),
        ("Cold build (all notebooks, HTML, PDF)", f"{r['cold_seconds']:.2f} s", f"{r['cold_over_floor']:.2f}x floor",
         f"<= {TARGETS['cold_over_floor']}x: {verdict(r['cold_over_floor'], TARGETS['cold_over_floor'])}"),
        ("Rebuild, nothing changed", f"{r['unchanged_seconds']:.2f} s", "",
         f"< {TARGETS['unchanged_seconds']:.0f} s: {verdict(r['unchanged_seconds'], TARGETS['unchanged_seconds'])}"),
        (f"Cold build, synthetic {r['factor']}x data", f"{r['synthetic_seconds']:.2f} s", f"{r['synthetic_over_cold']:.2f}x cold",
         f"<= {TARGETS['synthetic_over_cold']}x: {verdict(r['synthetic_over_cold'], TARGETS['synthetic_over_cold'])}"),
        (f"HTML size, {r['factor']}x vs real", f"{r['synthetic_html_bytes'] / 1e6:.2f} MB vs {r['real_html_bytes'] / 1e6:.2f} MB",
         f"{r['synthetic_html_over_real']:.2f}x", f"<= {TARGETS['synthetic_html_over_real']}x: {verdict(r['synthetic_html_over_real'], TARGETS['synthetic_html_over_real'])}"),
        (f"PDF size, {r['factor']}x vs real", f"{r['synthetic_pdf_bytes'] / 1e6:.2f} MB vs {r['real_pdf_bytes'] / 1e6:.2f} MB",
         f"{r['synthetic_pdf_over_real']:.2f}x", ""),
        ("Peak memory of the build (process tree)", f"{r['peak_memory_mib']:.0f} MiB", f"{r['synthetic_peak_memory_mib']:.0f} MiB at {r['factor']}x", ""),
        quarto_row(r.get("quarto", {"skipped": "not measured in this run"})),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    profile = "\n".join(f"| {k} | {v:.2f} s | {r['synthetic_profile'][k]:.2f} s |" for k, v in r["cold_profile"].items())
    return f"""# Build benchmark

Medians of {r['runs']} runs, each a fresh process (history and what was done about misses: NOTES.md), on {r['machine']['cpus']} CPUs, Python {r['machine']['python']}
({r['machine']['platform']}). Made by `python3 dev.py bench`; the raw numbers are in `latest.json`.

| measure | value | ratio | target |
|---|---|---|---|
{table}

## Where the time goes

Notebook steps as the driver printed them: {steps}.
At {r['factor']}x ({sum(r['synthetic_rows'].values()):,} claim rows): {syn_steps}.
The rest of a build (cold minus the notebooks) is the driver's start and imports, rendering and publishing.

Inside the notebooks (papermill's per-cell durations, last cold run):

| part | real data | {r['factor']}x data |
|---|---|---|
{profile}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median reported)")
    parser.add_argument("--factor", type=int, default=100, help="size of the synthetic dataset")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where latest.md and latest.json go (default: build/benchmarks, untracked)")
    parser.add_argument("--record", action="store_true", help=f"also write them to {RECORD_DIR.relative_to(paths.ROOT)}/, the committed figure")
    parser.add_argument("--quarto-only", action="store_true", help="only the Quarto comparison; print it, write nothing")
    args = parser.parse_args()
    if args.quarto_only:
        with tempfile.TemporaryDirectory(prefix="isf-bench-quarto-") as scratch:
            result = quarto_comparison(args.runs, Path(scratch))
        print("| " + " | ".join(quarto_row(result)) + " |")
        print(json.dumps(result))
        return 0
    results = measure(args.runs, args.factor)
    text = markdown(results)
    for folder in (args.out, *([RECORD_DIR] if args.record else [])):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        (folder / "latest.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}" + (f" and {RECORD_DIR}" if args.record else " (untracked; --record writes the committed copy)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
