"""The project's named Jupyter kernel, `isf-briefing`, registered inside the environment.

JupyterLab lists it as "Python 3 (ISF briefing)". It runs the environment's own Python, where the
package is installed editable, so `import helpers` works in a notebook with no path hacks. A notebook
that declares the stock `python3` kernel runs the same interpreter (ipykernel registers `python3`
inside the environment too), so both names work for papermill and for Lab.

Stdlib only: writing a kernel.json is all `python -m ipykernel install --sys-prefix` does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KERNEL_NAME: str = "isf-briefing"
DISPLAY_NAME: str = "Python 3 (ISF briefing)"


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


def ensure_kernelspec(prefix: str | Path = sys.prefix, python: str = sys.executable) -> Path:
    """Register (or refresh) the `isf-briefing` kernelspec; returns its folder. Cheap when present."""
    folder = kernelspec_dir(prefix)
    target = folder / "kernel.json"
    text = json.dumps(kernelspec(python), indent=1) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder
