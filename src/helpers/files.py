"""The project's small JSON files, read and written one way: one object per file, one line per problem.

Manifests, edition records, stamps, the quote record and the analysis's findings are all JSON objects.
Every stage reads them with :func:`read_json_object` and writes them with :func:`write_json`, so a
truncated or hand-edited file is reported the same way wherever it is read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class JSONFileError(ValueError):
    """A JSON file that is missing, unreadable, not JSON or not one object; the message is one line naming it."""


def read_json_object(path: Path, missing_ok: bool = False) -> dict[str, Any] | None:
    """The JSON object a file holds.

    Args:
        path: the file.
        missing_ok: return None when there is no file (otherwise a missing file is an error).

    Returns:
        The object (None for a missing file when ``missing_ok``).

    Raises:
        JSONFileError: missing, unreadable, not valid JSON (e.g. truncated) or not an object.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return None
        raise JSONFileError(f"{path}: missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise JSONFileError(f"{path}: unreadable ({type(exc).__name__}: {exc})") from None
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise JSONFileError(f"{path}: not readable JSON, truncated or edited by hand? ({exc})") from None
    if not isinstance(payload, dict):
        raise JSONFileError(f"{path}: holds a JSON {type(payload).__name__}, not an object")
    return payload


def write_json(path: Path, payload: Mapping[str, Any], indent: int = 2) -> Path:
    """Write a JSON object (UTF-8) to a hidden file beside ``path``, then rename it into place; returns ``path``."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(payload, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
