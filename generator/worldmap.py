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


#: The main view: Europe, where most cases are, framed by longitude and latitude; the world is an inset.
EUROPE = (-12.0, 34.0, 34.0, 71.5)  # west, south, east, north

#: Colour classes: (lowest count, highest count or None for "and more").
CLASSES = [(1, 1), (2, 2), (3, 4), (5, 9), (10, None)]


def frame(west: float, south: float, east: float, north: float, pad: float = 6) -> tuple[float, float, float, float]:
    """The projected box (x, y, width, height) around a longitude-latitude box, with `pad` map units around it."""
    points = [equal_earth(lon, lat) for lon in range(int(west), int(east) + 1) for lat in (south, north)]
    points += [equal_earth(lon, lat) for lon in (west, east) for lat in range(int(south), int(north) + 1)]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    x0, y0 = min(xs) - pad, min(ys) - pad
    return round(x0, 1), round(y0, 1), round(max(xs) + pad - x0, 1), round(max(ys) + pad - y0, 1)


def colour_class(count: int) -> int:
    """1-based index into CLASSES of a country's case count."""
    return next(i for i, (low, high) in enumerate(CLASSES, 1) if count >= low and (high is None or count <= high))


def legend(counts: dict[str, int]) -> list[tuple[int, str, int]]:
    """(class, label, number of countries) for each colour class up to the highest count."""
    top = max(counts.values(), default=0)
    rows = []
    for i, (low, high) in enumerate(CLASSES, 1):
        if low > top:
            break
        if high is None:
            label = f"{low} or more cases"
        elif low == high:
            label = f"{low} case{'s' if low > 1 else ''}"
        else:
            label = f"{low} to {high} cases"
        rows.append((i, label, sum(colour_class(n) == i for n in counts.values())))
    return rows


def _shapes(counts: dict[str, int], href: dict[str, str] | None) -> Markup:
    """Every country: with cases, shaded by class (and linked when `href` is given); without, in grey."""
    paths = country_paths()
    shapes = []
    for code, entry in sorted(COUNTRY_DATA.items()):
        d = paths.get(entry["numeric"])
        if not d:
            continue
        n = counts.get(code, 0)
        if n and href:
            label = f"{entry['name']}: {n} case{'s' if n != 1 else ''}"
            shapes.append(
                Markup(
                    '<a href="{}" aria-label="{}">'
                    '<path class="cb-map-country cb-map-country--{}" d="{}"><title>{}</title></path></a>'
                ).format(href[code], label, colour_class(n), d, label)
            )
        elif n:
            shapes.append(Markup('<path class="cb-map-country cb-map-country--{}" d="{}"/>').format(colour_class(n), d))
        else:
            shapes.append(Markup('<path class="cb-map-land" d="{}"/>').format(d))
    used = {entry["numeric"] for entry in COUNTRY_DATA.values()}
    shapes += [
        Markup('<path class="cb-map-land" d="{}"/>').format(d) for code, d in sorted(paths.items()) if code not in used
    ]
    return Markup("").join(shapes)


def world_map(counts: dict[str, int], href: dict[str, str]) -> Markup:
    """Europe large, each country with cases linked to its list; the whole world as a small inset, with
    Europe's frame drawn on it, so cases elsewhere stay in view."""
    x, y, w, h = frame(*EUROPE)
    main = Markup(
        '<svg class="cb-worldmap" viewBox="{} {} {} {}" role="group" '
        'aria-label="Map of Europe with the countries that have cases">{}</svg>'
    ).format(x, y, w, h, _shapes(counts, href))
    inset = Markup(
        '<svg class="cb-worldmap-inset" viewBox="0 0 {} {}" aria-hidden="true" focusable="false">{}'
        '<rect class="cb-map-frame" x="{}" y="{}" width="{}" height="{}"/></svg>'
    ).format(WIDTH, HEIGHT, _shapes(counts, None), x, y, w, h)
    return Markup(
        '{}<div class="cb-worldmap-inset__box"><p class="cb-worldmap-inset__title">Whole world</p>{}</div>'
    ).format(main, inset)
