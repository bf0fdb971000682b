"""Drive the real JupyterLab in Debian's chromium as an analyst would: open each notebook, Run All, save.

Not a test (pytest does not collect it): a walkthrough to look at. It starts `jupyter lab` from this
environment (a temporary config, settings and runtime folder; the project's kernel and save hook as
`dev.py` sets them up) rooted at the repo, then for each pipeline notebook: opens it, runs all cells,
takes screenshots down the notebook, saves with Ctrl+S, and reports any error output and whether the
saved .ipynb and its .py differ from what git has.

    .venv/bin/python tests/lab_walkthrough.py OUT_DIR     # screenshots: OUT_DIR/<notebook>-<n>.png

Needs Debian's chromium and Python playwright (never `playwright install`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent / "lab")]
from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from test_jupyter_server import free_port  # noqa: E402

from helpers import paths  # noqa: E402
from helpers.publish.kernelspec import ensure_kernelspec  # noqa: E402

VIEWPORT = {"width": 1500, "height": 1000}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the current tab
VISIBLE_CELLS_JS = """el => { const box = el.getBoundingClientRect();
  return [...el.querySelectorAll('.jp-Cell')].some(c => { const r = c.getBoundingClientRect();
                                                           return r.bottom > box.top + 40 && r.top < box.bottom; }); }"""
# No news pop-up, no "record timing": what a fresh analyst install shows, minus the one-off notification.
SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"}}


@contextlib.contextmanager
def lab_server(tmp: Path):
    port, token = free_port(), secrets.token_hex(16)
    settings = tmp / "settings"
    for name, value in SETTINGS.items():
        path = settings / name.rsplit("/", 1)[0] / name.rsplit("/", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces")}
    log = (tmp / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={paths.ROOT}", "--ServerApp.port_retries=0",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"jupyter lab did not start; see {tmp / 'lab.log'}")
                time.sleep(0.5)
        yield url, token
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
        if proc.poll() is None:
            proc.kill()


def run_notebook(page, url: str, token: str, name: str, out: Path) -> dict:
    page.goto(f"{url}/lab/tree/notebooks/{name}?token={token}")
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
    kernel = page.locator(f"{PANEL} .jp-Toolbar-kernelName")
    page.wait_for_function(f"() => document.querySelector('{PANEL} .jp-Toolbar-kernelName')?.textContent.includes('ISF briefing')",
                           timeout=60_000)
    kernel_name = kernel.first.inner_text()
    page.wait_for_timeout(1500)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # Running: some prompt shows [*]; done when the kernel is idle and no prompt is pending.
    page.wait_for_timeout(2000)
    page.wait_for_function(
        f"() => ![...document.querySelectorAll('{PANEL} .jp-InputPrompt')].some(p => p.textContent.includes('*'))"
        f" && document.querySelector('{PANEL} .jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle'",
        timeout=300_000,
    )
    page.wait_for_timeout(3000)  # charts draw after their cell finishes
    errors = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    scroller = page.locator(f"{PANEL} .jp-WindowedPanel-outer").first
    height = scroller.evaluate("el => el.scrollHeight")
    view = scroller.evaluate("el => el.clientHeight")
    shots = []
    for number, top in enumerate(range(0, max(height, 1), max(view - 80, 200)), start=1):
        scroller.evaluate(f"el => el.scrollTo(0, {top})")
        page.wait_for_timeout(700)
        if not scroller.evaluate(VISIBLE_CELLS_JS):  # past the last cell
            break
        shot = out / f"{Path(name).stem}-{number:02d}.png"
        page.screenshot(path=str(shot))
        shots.append(shot.name)
        if number >= 40:
            break
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Save Notebook")).first.click()
    page.wait_for_timeout(3000)
    dirty = page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count() > 0
    page.screenshot(path=str(out / f"{Path(name).stem}-saved.png"))
    diff = subprocess.run(["git", "diff", "--stat", "--", f"notebooks/{Path(name).stem}.ipynb", f"notebooks/{Path(name).stem}.py"],
                          cwd=paths.ROOT, capture_output=True, text=True).stdout.strip()
    return {"notebook": name, "kernel": kernel_name, "stderr_outputs": errors, "screenshots": len(shots), "unsaved_after_save": dirty,
            "saved_differs_from_git": diff or "no"}


def main(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    ensure_kernelspec()
    with tempfile.TemporaryDirectory() as tmp, lab_server(Path(tmp)) as (url, token), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        results = [run_notebook(page, url, token, name, out) for name in paths.NOTEBOOKS]
        browser.close()
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "lab-walkthrough")))
