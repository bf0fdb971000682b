"""The project's named Jupyter kernel, `isf-briefing`, and its save hook, registered inside the environment.

JupyterLab lists the kernel as "Python 3 (ISF briefing)". It runs the environment's own Python, where
the package is installed editable, so `import helpers` works in a notebook with no path hacks. Every
notebook declares it (`NOTEBOOK_KERNELSPEC`), so Lab opens them with it and a save writes the same
kernelspec back: no metadata churn.

The environment's Jupyter server config (`etc/jupyter/jupyter_server_config.json`; the `.d` folder
beside it holds only extension switches) sets `helpers.lab.nbclean.pre_save_hook`, so JupyterLab writes
notebooks without outputs or volatile metadata.

Stdlib only: writing a kernel.json is all `python -m ipykernel install --sys-prefix` does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KERNEL_NAME: str = "isf-briefing"
DISPLAY_NAME: str = "Python 3 (ISF briefing)"
# What each notebook's metadata declares; JupyterLab writes exactly this back when it saves.
NOTEBOOK_KERNELSPEC: dict[str, str] = {"display_name": DISPLAY_NAME, "language": "python", "name": KERNEL_NAME}
SERVER_CONFIG: dict[str, dict[str, str]] = {"ContentsManager": {"pre_save_hook": "helpers.lab.nbclean.pre_save_hook"}}


def kernelspec_dir(prefix: str | Path = sys.prefix) -> Path:
    """Where the kernelspec lives inside the environment at `prefix`."""
    return Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def kernelspec(python: str = sys.executable) -> dict[str, object]:
    """The kernel.json content for a kernel that runs `python`."""
    return {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": True},
    }


def server_config_path(prefix: str | Path = sys.prefix) -> Path:
    """The environment's Jupyter server config file that sets the save hook."""
    return Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.json"


def server_config_text(path: Path) -> str:
    """The config file's text with the save hook set; whatever else the file holds is kept."""
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    if not isinstance(config, dict):
        config = {}
    for section, values in SERVER_CONFIG.items():
        config[section] = {**(config.get(section) if isinstance(config.get(section), dict) else {}), **values}
    return json.dumps(config, indent=1, sort_keys=True) + "\n"


def ensure_kernelspec(prefix: str | Path = sys.prefix, python: str = sys.executable) -> Path:
    """Register (or refresh) the `isf-briefing` kernelspec and the save hook; returns the kernelspec's folder.

    Cheap when both are present.
    """
    folder = kernelspec_dir(prefix)
    _write_if_changed(folder / "kernel.json", json.dumps(kernelspec(python), indent=1) + "\n")
    _write_if_changed(server_config_path(prefix), server_config_text(server_config_path(prefix)))
    return folder


def _write_if_changed(target: Path, text: str) -> None:
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    print(f"kernel {DISPLAY_NAME}: {ensure_kernelspec()}")
