"""What vl-convert makes, made once: the Vega JavaScript bundle and each chart's SVG, kept in ``paths.CACHE_DIR``.

vl-convert takes 1.2-3 s to build the bundle and 0.2-0.3 s to lay out a chart's SVG (0.4 s more for the
first chart in a process, while its engine starts). The bundle depends only on the vl-convert and
Vega-Lite versions; a chart's SVG on its spec, those versions and the fonts installed (vl-convert lays
text out with the system's fonts). So both are cached by those, like pip's cache: a chart drawn before
with the same data is read back, and a new font or version makes a new key.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

from helpers import paths

# The Vega-Lite version Altair writes (vl-convert must convert with the same).
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Where fontconfig (and so vl-convert's font database) finds fonts on Debian and most Linux systems.
FONT_DIRS: tuple[Path, ...] = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local" / "share" / "fonts",
                               Path.home() / ".fonts")


@functools.cache
def vega_bundle() -> str:
    """Return the Vega + Vega-Lite + vega-embed JavaScript bundle.

    vl-convert takes 1.2-3 s to build it, so it is kept in memory and in ``paths.CACHE_DIR`` (keyed by
    the vl-convert and Vega-Lite versions) for the next kernel.

    Returns:
        JavaScript that sets ``window.vegaEmbed``.
    """
    cached = paths.CACHE_DIR / f"vega-bundle-vlc{vlc.__version__}-vl{VL_VERSION}.js"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    # pandoc (and so Quarto) expands tabs in raw HTML. The bundle's tabs all sit inside string
    # literals, where the two characters \t mean the same thing.
    bundle = vlc.javascript_bundle(vl_version=VL_VERSION).replace("\t", "\\t")
    write_cache(cached, bundle)
    return bundle


def write_cache(path: Path, text: str) -> None:
    """Write a cache file atomically; a cache that cannot be written is only a missed speed-up.

    Args:
        path: the cache file.
        text: its content.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as tmp:
            tmp.write(text)
        os.replace(tmp.name, path)
    except OSError:
        pass


@functools.cache
def packed_vega_bundle() -> str:
    """Return the Vega bundle gzipped and base64-encoded: 0.9 MB of JavaScript in about 0.3 MB of page.

    Returns:
        Base64 text (deterministic: no timestamp in the gzip header).
    """
    return base64.b64encode(gzip.compress(vega_bundle().encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")



@functools.cache
def fonts_fingerprint() -> str:
    """A digest of the installed font files (names, sizes, times): an SVG laid out with other fonts is another SVG."""
    digest = hashlib.sha256()
    for folder in FONT_DIRS:
        for root, _, files in sorted(os.walk(folder)):
            for name in sorted(files):
                try:
                    stat = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def chart_svg(spec: dict[str, Any]) -> str:
    """The chart's SVG as vl-convert lays it out, from the cache when this spec was drawn before.

    Args:
        spec: the chart's Vega-Lite dict.

    Returns:
        SVG text.

    Raises:
        ValueError: vl-convert refused the spec (nothing is cached).
    """
    key = hashlib.sha256(json.dumps([spec, vlc.__version__, VL_VERSION, fonts_fingerprint()], sort_keys=True, default=str).encode()).hexdigest()
    cached = paths.CACHE_DIR / "charts" / f"{key}.svg"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    svg = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    write_cache(cached, svg)
    return svg
