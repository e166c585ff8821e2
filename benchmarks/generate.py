"""Deterministic synthetic solkg data for scale runs, with 1% injected defects.

    python benchmarks/generate.py --chains 100000 --seed 1 -o /tmp/bench-100k.nt

Writes FILE (N-Triples for .nt, Turtle with the fixed prefixes for .ttl), streamed chain by chain,
and FILE.defects.json: the chains that got a defect, with the kind and the result the shapes
should give (severity, component, path). Same arguments, same bytes.

The data uses the vocabulary of /tmp/solkg/TERMS.md: chains of every subclass of
sol:ShortSupplyChain with labels en+fr, a sector (food for food chains, energy for collective
self-consumption, culture for cultural CSA, mixed for plain chains), 1-4 participants
(sol:hasProducer/hasConsumer/hasDistributor) typed sol:Producer/Consumer/Distributor, labelled and
placed in France (geo:lat/geo:long xsd:decimal), shared between chains (about one actor per two
chains), sol:intermediaryCount (0 or 1 for food chains, 0 for CSA), sol:operatesIn one of a few
hundred shared territories, sol:startDate, sol:upholdsPrinciple on 60% of chains. Collective
self-consumption chains have their own two participants, within 1 km of each other. About 12
triples per chain.

With ``--real-territories`` each chain operates in a real French commune of the optional reference
graph (``sol:operatesIn sold:fr-commune-<INSEE code>``, drawn in proportion to population from a
second seeded generator) and carries coordinates within about 30 km of its département's centroid;
everything else is drawn exactly as without it.

Exactly round(chains / 100) chains (chosen with random.Random(seed)) get one defect each, kinds in
turn: food chain with 2 intermediaries, missing label, missing sector, negative count, count
"1.5"^^xsd:decimal, ill-typed literal ("45,76"^^xsd:decimal on geo:lat, or "2019-02-30"^^xsd:date
on sol:startDate, alternately), collective self-consumption participants 30 km apart.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

SOL = "https://w3id.org/solkg/ontology#"
SOLD = "https://w3id.org/solkg/id/"
SECTOR = "https://w3id.org/solkg/vocab/sector/"
PRINCIPLE = "https://w3id.org/solkg/vocab/principle/"
PRINCIPLES = ["cooperation", "transparency", "equity", "social-link"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES = {
    "sol": SOL, "sold": SOLD, "sector": SECTOR, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD, "geo": GEO, "principle": PRINCIPLE,
}

FOOD_CLASSES = [
    "ShortFoodSupplyChain", "CommunitySupportedAgriculture", "FarmShop", "FarmersMarket",
    "VegetableBoxScheme", "FoodPurchasingGroup", "FoodCooperative",
]
# one cycle of chain classes: food chains dominate, every subclass appears
CLASS_CYCLE = FOOD_CLASSES + [
    "ShortFoodSupplyChain", "CommunitySupportedAgriculture", "CollectiveSelfConsumption",
    "CulturalCSA", "ShortSupplyChain",
]
MIXED_SECTORS = ["food", "energy", "finance", "housing", "culture", "mobility", "waste-reuse",
                 "crafts-textiles", "care-health", "education", "digital", "tourism"]
KINDS = [
    "food-two-intermediaries", "missing-label", "missing-sector", "negative-count",
    "non-integer-count", "ill-typed-literal", "self-consumption-30km",
]
PLACES = ["Lilas", "Rhône", "Loire", "Garonne", "Seine", "Vosges", "Jura", "Morvan", "Causses",
          "Bocage", "Vexin", "Beauce", "Perche", "Landes", "Cévennes", "Camargue", "Aubrac"]

# What shapes/solkg-shapes.ttl reports for each kind (checked with benchmarks at 10k chains: every
# defect gives exactly these results, and no other chain gives any): the primary (component, path),
# and for some kind/class pairs the other results the same defect also gives.
EXPECTED = {
    "food-two-intermediaries": ("MaxInclusive", SOL + "intermediaryCount"),
    "missing-label": ("MinCount", LABEL),
    "missing-sector": ("MinCount", SOL + "inSector"),
    "negative-count": ("Or", SOL + "intermediaryCount"),  # sh:or (nonNegativeInteger | integer >= 0)
    "non-integer-count": ("Or", SOL + "intermediaryCount"),
    "ill-typed-literal": ("Datatype", None),  # path: sol:startDate or geo:lat
    "self-consumption-30km": ("SPARQL", None),
}
ALSO = {"non-integer-count": ("MaxInclusive",)}  # 1.5 > 1 (food chains), > 0 (CSA)

# km per degree of latitude; longitude degrees shrink with cos(lat) (≈0.68 at 47°N)
KM_PER_DEG = 111.2


class _Writer:
    def __init__(self, out, turtle: bool):
        self.out, self.turtle, self.count = out, turtle, 0
        self.buf: list[str] = []
        if turtle:
            for p, ns in PREFIXES.items():
                out.write(f"@prefix {p}: <{ns}> .\n")

    def iri(self, iri: str) -> str:
        if self.turtle:
            for p in ("sold", "sol", "sector", "principle", "geo"):
                ns = PREFIXES[p]
                if iri.startswith(ns):
                    return f"{p}:{iri[len(ns):]}"
            if iri == RDF_TYPE:
                return "a"
            if iri == LABEL:
                return "rdfs:label"
        return f"<{iri}>"

    def lit(self, text: str, *, lang: str | None = None, dt: str | None = None) -> str:
        esc = text.replace("\\", "\\\\").replace('"', '\\"')
        if lang:
            return f'"{esc}"@{lang}'
        if dt:
            return f'"{esc}"^^' + (f"xsd:{dt[len(XSD):]}" if self.turtle and dt.startswith(XSD) else f"<{dt}>")
        return f'"{esc}"'

    def t(self, s: str, p: str, o: str) -> None:
        self.buf.append(f"{self.iri(s)} {self.iri(p)} {o} .\n")
        self.count += 1

    def flush(self) -> None:
        self.out.write("".join(self.buf))
        self.buf.clear()


def real_territories() -> tuple[list[str], list[int], dict[str, tuple[float, float]], dict[str, str]]:
    """Communes of the reference graph (``solkg/reference/fr-admin.ttl.gz``): their IRIs, cumulative
    populations (to draw a commune in proportion to its inhabitants), the département centroids and
    each commune's département."""
    import gzip

    import pyoxigraph as ox

    ref = Path(__file__).resolve().parents[1] / "solkg" / "reference" / "fr-admin.ttl.gz"
    level = "https://w3id.org/solkg/vocab/territory-level/"
    levels: dict[str, str] = {}
    population: dict[str, int] = {}
    broader: dict[str, list[str]] = {}
    lat: dict[str, float] = {}
    long: dict[str, float] = {}
    for t in ox.parse(gzip.decompress(ref.read_bytes()), ox.RdfFormat.TURTLE):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == SOL + "territoryLevel":
            levels[s] = o.removeprefix(level)
        elif p == SOL + "population":
            population[s] = int(o)
        elif p == "http://www.w3.org/2004/02/skos/core#broader":
            broader.setdefault(s, []).append(o)
        elif p == GEO + "lat":
            lat[s] = float(o)
        elif p == GEO + "long":
            long[s] = float(o)
    communes = sorted(s for s, lv in levels.items() if lv == "commune" and population.get(s))
    department = {c: next((b for b in broader.get(c, []) if levels.get(b) == "department"), "") for c in communes}
    communes = [c for c in communes if department[c] in lat]
    cumulative, total = [], 0
    for c in communes:
        total += population[c]
        cumulative.append(total)
    centroids = {d: (lat[d], long[d]) for d in set(department.values()) if d in lat}
    return communes, cumulative, centroids, department


def generate(chains: int, seed: int, path: Path, *, real: bool = False) -> dict:
    rng = random.Random(seed)
    if real:  # a second generator: the first one's draws, hence everything else, stay the same
        import bisect

        place_rng = random.Random(seed + 7919)
        communes, cumulative, centroids, department = real_territories()

        def place() -> tuple[str, float, float]:
            commune = communes[bisect.bisect_right(cumulative, place_rng.randrange(cumulative[-1]))]
            clat, clong = centroids[department[commune]]
            return commune, clat + place_rng.uniform(-0.25, 0.25), clong + place_rng.uniform(-0.35, 0.35)
    turtle = path.suffix.lower() in (".ttl", ".turtle")
    n_def = round(chains / 100)
    defect_at = {i: KINDS[k % len(KINDS)] for k, i in enumerate(sorted(rng.sample(range(chains), n_def)))}
    n_terr = min(300, max(5, chains // 100))
    n_csc = sum(1 for i in range(chains) if CLASS_CYCLE[i % len(CLASS_CYCLE)] == "CollectiveSelfConsumption")
    n_csc += sum(1 for i, k in defect_at.items() if k == "self-consumption-30km"
                 and CLASS_CYCLE[i % len(CLASS_CYCLE)] != "CollectiveSelfConsumption")
    pool = max(3, chains // 2 - 2 * n_csc)
    pools = {"Producer": [], "Consumer": [], "Distributor": []}
    defects = []
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        w = _Writer(fh, turtle)
        lit, t = w.lit, w.t
        for k in range(0 if real else n_terr):
            s = f"{SOLD}territory-{k:04d}"
            place = PLACES[k % len(PLACES)]
            t(s, RDF_TYPE, w.iri(SOL + "Territory"))
            t(s, LABEL, lit(f"{place} area {k}", lang="en"))
            t(s, LABEL, lit(f"Pays {place} {k}", lang="fr"))
        kinds_cycle = ["Producer", "Consumer", "Consumer", "Distributor"]

        def actor(s: str, kind: str, lat: float, lon: float, lat_text: str | None = None) -> None:
            t(s, RDF_TYPE, w.iri(SOL + kind))
            t(s, LABEL, lit(f"{kind} {s.rsplit('-', 1)[-1]}", lang="en"))
            t(s, GEO + "lat", lit(lat_text or f"{lat:.5f}", dt=XSD + "decimal"))
            t(s, GEO + "long", lit(f"{lon:.5f}", dt=XSD + "decimal"))

        for k in range(pool):
            kind = kinds_cycle[k % 4]
            s = f"{SOLD}actor-{k:06d}"
            actor(s, kind, rng.uniform(43.3, 50.6), rng.uniform(-1.2, 7.2))
            pools[kind].append(s)
        w.flush()
        for i in range(chains):
            defect = defect_at.get(i)
            cls = CLASS_CYCLE[i % len(CLASS_CYCLE)]
            if defect == "food-two-intermediaries":
                cls = "ShortFoodSupplyChain"
            elif defect == "self-consumption-30km":
                cls = "CollectiveSelfConsumption"
            elif defect in ("negative-count", "non-integer-count") and cls not in FOOD_CLASSES:
                cls = "FarmShop"
            s = f"{SOLD}chain-{i:07d}"
            t(s, RDF_TYPE, w.iri(SOL + cls))
            if defect != "missing-label":
                t(s, LABEL, lit(f"Short supply chain {i}", lang="en"))
                t(s, LABEL, lit(f"Circuit court {i}", lang="fr"))
            food = cls in FOOD_CLASSES
            if cls == "CollectiveSelfConsumption":
                sector = "energy"
            elif cls == "CulturalCSA":
                sector = "culture"
            elif food:
                sector = "food"
            else:
                sector = MIXED_SECTORS[rng.randrange(len(MIXED_SECTORS))]
            if defect != "missing-sector":
                t(s, SOL + "inSector", w.iri(SECTOR + sector))
            if cls == "CollectiveSelfConsumption":
                lat, lon = rng.uniform(43.3, 50.6), rng.uniform(-1.2, 7.2)
                far = defect == "self-consumption-30km"
                dlat = (30.0 if far else rng.uniform(0.05, 0.9)) / KM_PER_DEG
                a, b = f"{SOLD}csc-{i:07d}-producer", f"{SOLD}csc-{i:07d}-consumer"
                actor(a, "Producer", lat, lon)
                actor(b, "Consumer", lat + dlat, lon)
                t(s, SOL + "hasProducer", w.iri(a))
                t(s, SOL + "hasConsumer", w.iri(b))
            else:
                t(s, SOL + "hasProducer", w.iri(pools["Producer"][rng.randrange(len(pools["Producer"]))]))
                for _ in range(rng.randrange(0, 4) if cls != "FarmShop" else 0):
                    t(s, SOL + "hasConsumer", w.iri(pools["Consumer"][rng.randrange(len(pools["Consumer"]))]))
            count = None
            if food:
                csa = cls == "CommunitySupportedAgriculture"
                count = 0 if csa else rng.randrange(2)
                if defect == "food-two-intermediaries":
                    count = 2
                if count and not csa:
                    for _ in range(count):
                        t(s, SOL + "hasDistributor",
                          w.iri(pools["Distributor"][rng.randrange(len(pools["Distributor"]))]))
                if defect == "negative-count":
                    t(s, SOL + "intermediaryCount", lit("-1", dt=XSD + "integer"))
                elif defect == "non-integer-count":
                    t(s, SOL + "intermediaryCount", lit("1.5", dt=XSD + "decimal"))
                else:
                    t(s, SOL + "intermediaryCount", lit(str(count), dt=XSD + "nonNegativeInteger"))
            if rng.random() < 0.6:
                t(s, SOL + "upholdsPrinciple", w.iri(PRINCIPLE + PRINCIPLES[i % len(PRINCIPLES)]))
            territory = f"{SOLD}territory-{rng.randrange(n_terr):04d}"
            if real:
                territory, chain_lat, chain_long = place()
                if defect != "ill-typed-literal":
                    t(s, GEO + "lat", lit(f"{chain_lat:.5f}", dt=XSD + "decimal"))
                    t(s, GEO + "long", lit(f"{chain_long:.5f}", dt=XSD + "decimal"))
            t(s, SOL + "operatesIn", w.iri(territory))
            y, m, d = rng.randrange(2000, 2025), rng.randrange(1, 13), rng.randrange(1, 29)
            ill_date = defect == "ill-typed-literal" and len(defects) % 2 == 1
            t(s, SOL + "startDate", lit("2019-02-30" if ill_date else f"{y:04d}-{m:02d}-{d:02d}",
                                        dt=XSD + "date"))
            if defect == "ill-typed-literal" and not ill_date:
                t(s, GEO + "lat", lit("45,76", dt=XSD + "decimal"))
                t(s, GEO + "long", lit("4.83", dt=XSD + "decimal"))
            if defect:
                comp, path = EXPECTED[defect]
                if defect == "ill-typed-literal":
                    path = SOL + "startDate" if ill_date else GEO + "lat"
                defects.append({
                    "focus": s, "kind": defect, "severity": "violation",
                    "component": SH + comp + "ConstraintComponent", "path": path,
                    "also": [SH + c + "ConstraintComponent" for c in ALSO.get(defect, ())],
                    **({"value": '"2019-02-30"^^<' + XSD + 'date>'} if ill_date else
                       {"value": '"45,76"^^<' + XSD + 'decimal>'} if defect == "ill-typed-literal" else {}),
                })
            if len(w.buf) > 4096:
                w.flush()
        w.flush()
    return {"chains": chains, "seed": seed, "triples": w.count, "format": "turtle" if turtle else "ntriples",
            "territories": "fr-admin communes" if real else "synthetic", "defects": defects}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chains", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", type=Path, required=True, help="FILE.ttl or FILE.nt")
    ap.add_argument("--real-territories", action="store_true",
                    help="chains operate in real French communes of the reference graph (build with --data "
                         "ref:fr-admin), drawn in proportion to their population, with coordinates near their "
                         "département's centroid; no synthetic territories")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    info = generate(a.chains, a.seed, a.output, real=a.real_territories)
    dt = time.perf_counter() - t0
    side = a.output.with_name(a.output.name + ".defects.json")
    side.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{a.output}: {info['triples']} triples, {len(info['defects'])} defects, "
          f"{dt:.2f} s ({info['triples'] / max(dt, 1e-9):,.0f} triples/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
