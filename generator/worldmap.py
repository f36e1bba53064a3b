"""A world map of the cases' countries, drawn at build time as SVG (no tiles, no script).

Outlines come from `data/world-110m.topo.json` (TopoJSON, Natural Earth via world-atlas),
projected with the Equal Earth projection.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .model import COUNTRY_DATA

WIDTH = 960
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = 2.7058  # Equal Earth x at longitude 180, latitude 0
Y_MAX = 1.3173  # Equal Earth y at latitude 90


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    scale = WIDTH / (2 * X_MAX)
    return round((x + X_MAX) * scale, 1), round((Y_MAX - y) * scale, 1)


HEIGHT = round(2 * Y_MAX * WIDTH / (2 * X_MAX))


@lru_cache(maxsize=1)
def country_paths() -> dict[str, str]:
    """SVG path data of every country, by ISO 3166-1 numeric code."""
    topo = json.loads((Path(__file__).parent / "data" / "world-110m.topo.json").read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # delta-encoded, quantized positions
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(equal_earth(x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for index in indices:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points += arc[1:] if points else arc
        # A ring that crosses the antimeridian jumps across the map: lift the pen there.
        out = f"M{points[0][0]},{points[0][1]}"
        for (x0, _), (x, y) in zip(points, points[1:], strict=False):
            out += f"{'M' if abs(x - x0) > WIDTH / 2 else 'L'}{x},{y}"
        return out + "Z"

    paths = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry["type"], []
        )
        if "id" in geometry:
            paths[geometry["id"]] = "".join(ring(r) for polygon in polygons for r in polygon)
    return paths


def world_map(counts: dict[str, int], href: dict[str, str]) -> Markup:
    """SVG map: countries with cases shaded by count and linked to their list; the rest in grey."""
    paths = country_paths()
    top = max(counts.values(), default=1)
    shapes = []
    for code, entry in sorted(COUNTRY_DATA.items()):
        d = paths.get(entry["numeric"])
        if not d:
            continue
        n = counts.get(code, 0)
        if n:
            level = 1 + round(3 * (n - 1) / max(top - 1, 1))
            label = f"{entry['name']}: {n} case{'s' if n != 1 else ''}"
            shapes.append(
                Markup(
                    '<a href="{}" aria-label="{}">'
                    '<path class="cb-map-country cb-map-country--{}" d="{}"><title>{}</title></path></a>'
                ).format(href[code], label, level, d, label)
            )
        else:
            shapes.append(Markup('<path class="cb-map-land" d="{}"/>').format(d))
    used = {entry["numeric"] for entry in COUNTRY_DATA.values()}
    shapes += [
        Markup('<path class="cb-map-land" d="{}"/>').format(d) for code, d in sorted(paths.items()) if code not in used
    ]
    return Markup(
        '<svg class="cb-worldmap" viewBox="0 0 {w} {h}" role="group" '
        'aria-label="World map of the countries with cases">{body}</svg>'
    ).format(w=WIDTH, h=HEIGHT, body=Markup("").join(shapes))
