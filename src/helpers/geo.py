"""Country shapes for the map, read from the vendored Natural Earth TopoJSON (assets/geo/README.md).

Nothing is fetched: the file ships with the package and is embedded in the briefing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

WORLD_FILE: Path = Path(__file__).parent / "assets" / "geo" / "countries-110m.json"
WORLD_SHA256: str = "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"
FEATURE: str = "countries"


@cache
def world_countries() -> dict[str, Any]:
    """The world's countries as TopoJSON (object ``countries``, geometries keyed by ISO numeric ``id``)."""
    return json.loads(WORLD_FILE.read_text(encoding="utf-8"))


def shape_ids() -> set[str]:
    """The ISO 3166-1 numeric codes that have a shape at this scale."""
    return {str(g.get("id")) for g in world_countries()["objects"][FEATURE]["geometries"] if g.get("id")}


def iso_numeric(iso3: str) -> str:
    """ISO 3166-1 numeric code ("360") for an alpha-3 code ("IDN"); "" when pycountry does not know it."""
    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return country.numeric if country else ""
