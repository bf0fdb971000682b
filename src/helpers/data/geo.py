"""Country shapes for the map, read from the vendored Natural Earth TopoJSON (assets/geo/README.md).

Nothing is fetched: the file ships with the package and is embedded in the briefing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from helpers import paths

WORLD_FILE: Path = paths.ASSETS_DIR / "geo" / "countries-110m.json"
WORLD_SHA256: str = "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"
FEATURE: str = "countries"
# Parts of a country's shape that lie overseas and are not what the reports mean by the country: each
# becomes a shape of its own under its own ISO code, drawn as plain land. {country: [(new id, name,
# (west, south, east, north) box the part lies in)]}. At this scale only France's shape holds one.
OVERSEAS: dict[str, list[tuple[str, str, tuple[float, float, float, float]]]] = {
    "250": [("254", "French Guiana", (-60.0, 0.0, -50.0, 10.0))],
}
# Coarser coordinates than the file's (0.0036 degrees): a 640-pixel world map shows 0.5 degrees a pixel.
SIMPLIFY = 10
# Points closer than this (in the coarser units, about 0.4 degree, under a pixel) to the line between their
# neighbours are dropped (Douglas-Peucker, per arc, so shared borders stay shared).
TOLERANCE = 12
# Degrees of context kept around the named states when the map is cut to their region.
REGION_MARGIN = 12.0


@cache
def world_countries() -> dict[str, Any]:
    """The world's countries as TopoJSON (object ``countries``, geometries keyed by ISO numeric ``id``).

    Read from the vendored file, then: overseas parts split off (``OVERSEAS``), coordinates coarsened
    (``SIMPLIFY``), and the unused ``land`` object and names dropped, so the page embeds less.
    """
    world = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    arcs = _absolute_arcs(world)
    geometries = []
    for geometry in world["objects"][FEATURE]["geometries"]:
        geometries.extend(_split_overseas(geometry, arcs))
    scale = [step * SIMPLIFY for step in world["transform"]["scale"]]
    return {
        "type": "Topology",
        "transform": {"scale": scale, "translate": world["transform"]["translate"]},
        "objects": {FEATURE: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": [_delta(_simplify([(round(x / SIMPLIFY), round(y / SIMPLIFY)) for x, y in arc], TOLERANCE)) for arc in arcs],
    }


def region(world: dict[str, Any], ids: set[str], margin: float = REGION_MARGIN) -> dict[str, Any]:
    """The shapes within ``margin`` degrees of the box around the shapes ``ids`` (the map's region).

    Args:
        world: TopoJSON as ``world_countries`` returns it.
        ids: ISO numeric codes of the states the map names.
        margin: degrees of context around them.

    Returns:
        TopoJSON with the shapes that reach into that box (all of them when ``ids`` has no shape),
        and only the arcs those shapes use.
    """
    arcs = _absolute_arcs(world)
    geometries = world["objects"][FEATURE]["geometries"]
    boxes = {id(g): _box(g, arcs, world["transform"]) for g in geometries}
    named = [boxes[id(g)] for g in geometries if str(g.get("id")) in ids]
    if not named:
        return world
    west, south = min(b[0] for b in named) - margin, min(b[1] for b in named) - margin
    east, north = max(b[2] for b in named) + margin, max(b[3] for b in named) + margin
    kept = [g for g in geometries if boxes[id(g)][0] <= east and boxes[id(g)][2] >= west
            and boxes[id(g)][1] <= north and boxes[id(g)][3] >= south]
    used = sorted({_arc_index(a) for g in kept for a in _arc_refs(g["arcs"])})
    renumber = {old: new for new, old in enumerate(used)}
    return {
        **world,
        "objects": {FEATURE: {"type": "GeometryCollection",
                              "geometries": [{**g, "arcs": _renumber(g["arcs"], renumber)} for g in kept]}},
        "arcs": [world["arcs"][old] for old in used],
    }


def _absolute_arcs(world: dict[str, Any]) -> list[list[tuple[int, int]]]:
    """The arcs' points as absolute quantized positions (TopoJSON stores deltas)."""
    arcs = []
    for arc in world["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def _simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Douglas-Peucker: the points of a line that stray more than ``tolerance`` from it, ends kept."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    pending = [(0, len(points) - 1)]
    while pending:
        first, last = pending.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        far, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            gap = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length if length else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if gap > far:
                far, index = gap, i
        if far > tolerance:
            keep[index] = True
            pending += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep) if kept]


def _delta(points: list[tuple[int, int]]) -> list[list[int]]:
    """Absolute positions back to TopoJSON deltas, without repeated points (an arc keeps its two ends)."""
    kept = [p for i, p in enumerate(points) if i in (0, len(points) - 1) or p != points[i - 1]]
    return [[x - px, y - py] for (x, y), (px, py) in zip(kept, [(0, 0), *kept[:-1]])]


def _arc_index(ref: int) -> int:
    """An arc reference's index (TopoJSON writes a reversed arc i as ~i)."""
    return ref if ref >= 0 else ~ref


def _arc_refs(nested: Any) -> list[int]:
    """Every arc reference in a geometry's nested ``arcs`` lists."""
    return [ref for item in nested for ref in _arc_refs(item)] if isinstance(nested, list) else [nested]


def _renumber(nested: Any, renumber: dict[int, int]) -> Any:
    """A geometry's ``arcs`` with each reference pointing at the arc's new index."""
    if isinstance(nested, list):
        return [_renumber(item, renumber) for item in nested]
    new = renumber[_arc_index(nested)]
    return new if nested >= 0 else ~new


def _box(geometry: dict[str, Any], arcs: list[list[tuple[int, int]]], transform: dict[str, Any]) -> tuple[float, float, float, float]:
    """A geometry's (west, south, east, north) in degrees."""
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    points = [p for ref in _arc_refs(geometry.get("arcs", [])) for p in arcs[_arc_index(ref)]]
    xs, ys = [x * sx + tx for x, _ in points], [y * sy + ty for _, y in points]
    return (min(xs), min(ys), max(xs), max(ys)) if points else (0.0, 0.0, 0.0, 0.0)


def _split_overseas(geometry: dict[str, Any], arcs: list[list[tuple[int, int]]]) -> list[dict[str, Any]]:
    """The geometry without its ``OVERSEAS`` parts, and each part as a geometry of its own (no names)."""
    code = str(geometry.get("id", ""))
    plain = {key: value for key, value in geometry.items() if key != "properties"}
    if code not in OVERSEAS or geometry.get("type") != "MultiPolygon":
        return [plain]
    world = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    transform = world["transform"]
    polygons, parts = list(geometry["arcs"]), []
    for new_id, _name, (west, south, east, north) in OVERSEAS[code]:
        inside = [poly for poly in polygons if _within(_box({"arcs": poly}, arcs, transform), (west, south, east, north))]
        polygons = [poly for poly in polygons if poly not in inside]
        if inside:
            parts.append({"type": "MultiPolygon", "arcs": inside, "id": new_id})
    return [{**plain, "arcs": polygons}, *parts]


def _within(box: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> bool:
    """Whether a (west, south, east, north) box lies inside another."""
    return area[0] <= box[0] and area[1] <= box[1] and box[2] <= area[2] and box[3] <= area[3]


def shape_ids() -> set[str]:
    """The ISO 3166-1 numeric codes that have a shape at this scale (overseas parts split off included)."""
    return {str(g.get("id")) for g in world_countries()["objects"][FEATURE]["geometries"] if g.get("id")}


def iso_numeric(iso3: str) -> str:
    """ISO 3166-1 numeric code ("360") for an alpha-3 code ("IDN"); "" when pycountry does not know it."""
    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return country.numeric if country else ""
