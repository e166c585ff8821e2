"""Place a point in the French département that contains it, with the basemap's georeferenced
outlines: for chains and actors that have coordinates but no territory.

Exact to the outlines' precision: Natural Earth's coastline lies a median 2.2 km (90th percentile
4.6 km) from the nearest outline vertex, so a point within a few kilometres of a border may be
placed in the neighbouring département; a point in no outline (at sea, abroad, overseas) is not
placed. :func:`link_by_coordinates` writes the links as triples a user reviews and loads with
``solkg build --data``: nothing is inferred silently.

>>> containing_department(44.73, 5.02)
'26'
>>> containing_department(48.85, 2.35)
'75'
>>> containing_department(51.5, -0.12) is None
True
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .basemap import _layers

__all__ = ["containing_department", "link_by_coordinates"]

SOL = PREFIXES["sol"]
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


@lru_cache(maxsize=1)
def _polygons() -> list[tuple[str, tuple[float, float, float, float], list[list[tuple[float, float]]]]]:
    out = []
    for code, _, rings in _layers()["departments"]:
        points = [p for r in rings for p in r]
        box = (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
               max(p[1] for p in points))
        out.append((code, box, rings))
    return out


def _inside(lon: float, lat: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / ((yj - yi) or 1e-12) + xi:
            inside = not inside
        j = i
    return inside


def containing_department(lat: float, long: float) -> str | None:
    """The INSEE code of the metropolitan département whose outline contains the point, or None."""
    for code, (x0, y0, x1, y1), rings in _polygons():
        if x0 <= long <= x1 and y0 <= lat <= y1 and sum(_inside(long, lat, r) for r in rings) % 2 == 1:
            return code
    return None


def link_by_coordinates(store: ox.Store) -> list[ox.Triple]:
    """``sol:operatesIn`` (chains) and ``sol:locatedIn`` (actors) to ``sold:fr-department-<code>``
    for the nodes of ``store`` that carry ``geo:lat``/``geo:long`` but no territory, sorted."""
    text = f"""PREFIX sol: <{SOL}> PREFIX geo: <{GEO}> PREFIX rdf: <{PREFIXES['rdf']}> PREFIX rdfs: <{PREFIXES['rdfs']}>
    SELECT ?node ?kind (SAMPLE(?la) AS ?lat) (SAMPLE(?lo) AS ?long) WHERE {{
      {{ ?node rdf:type ?c . ?c rdfs:subClassOf sol:ShortSupplyChain . BIND("chain" AS ?kind)
         FILTER NOT EXISTS {{ ?node sol:operatesIn ?t }} }}
      UNION
      {{ ?node rdf:type ?c . ?c rdfs:subClassOf sol:Actor . BIND("actor" AS ?kind)
         FILTER NOT EXISTS {{ ?node sol:locatedIn ?t }} }}
      ?node geo:lat ?la . ?node geo:long ?lo .
      FILTER(isIRI(?node))
    }} GROUP BY ?node ?kind"""
    out = set()
    solutions = store.query(text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        try:
            lat, long = float(row["lat"].value), float(row["long"].value)
        except ValueError:
            continue
        code = containing_department(lat, long)
        if code is None:
            continue
        prop = SOL + ("operatesIn" if row["kind"].value == "chain" else "locatedIn")
        out.add((row["node"].value, prop, PREFIXES["sold"] + "fr-department-" + code.lower()))
    return [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in sorted(out)]
