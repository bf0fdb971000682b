"""The build's content key: a sha256 over everything that changes the edition, so equal keys mean the same edition.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from helpers.publish.editions import Edition
from helpers.publish.errors import BuildError
from helpers.publish.manifest import file_sha256, tree_digest

from helpers.publish.config import BuildConfig

# Bump when the key's recipe changes, so old editions are not reused by mistake (2: source texts; 3: the
# quote-verification record and what a revision revises).
# Bump when the key's recipe changes, so old editions are not reused by mistake (2: source texts; 3: the
# quote-verification record and what a revision revises).
KEY_VERSION: int = 3


def data_checksum(data_dir: Path) -> str:
    """The data's fingerprint: any changed byte in any data file changes it."""
    if not data_dir.is_dir():
        raise BuildError(f"data folder not found: {data_dir}")
    return tree_digest(data_dir)


def sources_checksum(sources_dir: Path) -> str | None:
    """The source texts' fingerprint; None when the folder is absent (quotes cannot be checked)."""
    return tree_digest(sources_dir) if sources_dir.is_dir() else None


def input_key(config: BuildConfig, previous: Edition | None, data_sum: str | None = None, revises: str = "") -> str:
    """The build's content key: equal keys mean the build would produce the same edition."""
    payload = {
        "key_version": KEY_VERSION,
        "parameters": {"as_of": config.as_of},
        "revises": [revises, config.revision_note] if revises else None,
        "data": data_sum if data_sum is not None else data_checksum(config.data_dir),
        # A changed report text can make a quote false: it must rebuild (and re-validate).
        "sources": sources_checksum(config.sources_dir),
        "notebooks": [[nb.name, file_sha256(nb)] for nb in config.notebooks],
        "code": [[p.name, tree_digest(p)] for p in config.key_paths],
        "previous_edition": None if previous is None else [previous.name, previous.input_key],
        # Quarto's arrival, or forcing a renderer, changes the output, so it must rebuild.
        "quarto": shutil.which("quarto") is not None,
        "renderer_env": os.environ.get("ISF_RENDERER", ""),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
