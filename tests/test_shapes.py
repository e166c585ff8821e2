"""Tests of the SHACL shapes in shapes/solkg-shapes.ttl.

Data-driven: every ``tests/fixtures/invalid/<rule>.ttl`` has a ``<rule>.expected.json`` beside it,
a JSON list of the validation results it must produce, each
``{"focus": ..., "path": ..., "severity": ..., "component": ...}``; every
``tests/fixtures/valid/<case>.ttl`` must produce no result at all. Each fixture is validated with
pySHACL (``inference="none"``, ``advanced=True``) on ONE rdflib graph holding the fixture merged
with ontology/solkg.ttl and ontology/vocab.ttl (the class hierarchy and the concept schemes come
from there, as in ``solkg check``), and the SET of (focus, path, severity, component) must equal the
expected set exactly: nothing missed, nothing invented.

Conventions of the expected files:

- ``focus``: the focus node's IRI; a blank node is written ``"_:"`` (blank node labels do not
  survive parsing, so all blank nodes of a fixture compare equal).
- ``path``: ``null`` when the result has no sh:resultPath (node-level constraints, SPARQL-based
  constraints); the bare IRI for a predicate path; for any other path, its SPARQL 1.1 property path
  text with every IRI written in full between angle brackets and no spaces, an alternative always
  in parentheses, in the order of the sh:alternativePath list. The participants path is
  ``(<https://w3id.org/solkg/ontology#hasParticipant>|<https://w3id.org/solkg/ontology#hasProducer>|``
  ``<...#hasConsumer>|<...#hasIntermediary>|<...#hasDistributor>|<...#hasUser>)`` (one string,
  IRIs in full). See :func:`path_text`; it is the form ``solkg.shacl`` gives the ``path`` field of
  ``solkg check`` reports, so expected files and reports compare as they are.
- ``severity``: ``"violation"``, ``"warning"`` or ``"info"``.
- ``component``: the full IRI of the SHACL constraint component, e.g.
  ``http://www.w3.org/ns/shacl#MinCountConstraintComponent``.
"""

from __future__ import annotations

import json
import math
import random
import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
import rdflib
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from conftest import ROOT

SHAPES = ROOT / "shapes" / "solkg-shapes.ttl"
ONTOLOGY = [ROOT / "ontology" / "solkg.ttl", ROOT / "ontology" / "vocab.ttl"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
DATA = sorted((ROOT / "data").glob("*.ttl"))

SOL = "https://w3id.org/solkg/ontology#"
SOLSH = rdflib.Namespace("https://w3id.org/solkg/shapes#")
GEO = rdflib.Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}

# Error bound of the distance formula stated in the shapes (rdfs:comment of the two collective
# self-consumption shapes): relative error against the haversine distance on the same sphere, at
# French latitudes (41-51.5 N) and distances up to 50 km.
EARTH_RADIUS_KM = 6371.0088
STATED_RELATIVE_ERROR = 1e-5


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    for path in ONTOLOGY:
        g.parse(path, format="turtle")
    return g


def data_graph(*paths: Path) -> Graph:
    g = Graph()
    g += ontology_graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


def validate(graph: Graph) -> Graph:
    _conforms, report, _text = pyshacl.validate(
        data_graph=graph,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return report


def _iri(node) -> str:
    return f"<{node}>"


def path_text(g: Graph, path) -> str | None:
    """The text form of a SHACL result path: bare IRI for a predicate path, else SPARQL path text.

    Same form as ``solkg.checks.shacl.paths.path_text`` / ``result_path`` (what ``solkg check`` reports):
    IRIs in angle brackets; an alternative is always parenthesised, ``(<a>|<b>)``; a sequence of
    two or more is parenthesised, ``(<a>/<b>)``; ``^``, ``*``, ``+``, ``?`` apply to an IRI or to a
    parenthesised path.
    """
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    return _sparql_path(g, path)


def _sparql_path(g: Graph, path, depth: int = 0) -> str:
    if depth > 50:
        raise ValueError("SHACL path too deep")
    if isinstance(path, URIRef):
        return _iri(path)
    if g.value(path, RDF.first) is not None:  # sequence path: an RDF list
        parts = [_sparql_path(g, p, depth + 1) for p in Collection(g, path)]
        return parts[0] if len(parts) == 1 else "(" + "/".join(parts) + ")"
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(_sparql_path(g, p, depth + 1) for p in Collection(g, alt)) + ")"
    for predicate, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = g.value(path, predicate)
        if inner is not None:
            text = _sparql_path(g, inner, depth + 1)
            if not text.startswith(("<", "(")):
                text = f"({text})"
            return fmt.format(text)
    raise ValueError(f"not a SHACL path: {path!r}")


def findings(report: Graph) -> set[tuple]:
    out = set()
    # only the report's own results: pySHACL also types the nested results it attaches with
    # sh:detail (under sh:node, sh:or ...) as sh:ValidationResult
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        out.add(
            (
                "_:" if isinstance(focus, BNode) else str(focus),
                path_text(report, report.value(result, SH.resultPath)),
                SEVERITY[report.value(result, SH.resultSeverity)],
                str(report.value(result, SH.sourceConstraintComponent)),
            )
        )
    return out


def expected_findings(path: Path) -> set[tuple]:
    items = json.loads(path.read_text(encoding="utf-8"))
    return {(i["focus"], i["path"], i["severity"], i["component"]) for i in items}


def _show(items: set[tuple]) -> str:
    return "\n".join(f"  {t}" for t in sorted(items, key=str)) or "  (none)"


# ------------------------------------------------------------------------------------------------
# data-driven fixtures
# ------------------------------------------------------------------------------------------------


def test_fixture_directories_are_populated():
    assert VALID, "no valid fixtures"
    assert INVALID, "no invalid fixtures"
    for ttl in INVALID:
        assert ttl.with_suffix(".expected.json").exists(), f"{ttl.name}: missing .expected.json"
    for js in (FIXTURES / "invalid").glob("*.expected.json"):
        assert js.with_name(js.name.replace(".expected.json", ".ttl")).exists(), js.name


@pytest.mark.parametrize("fixture", VALID + INVALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_starts_with_a_comment_naming_its_rule(fixture: Path):
    first = fixture.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()[0]
    assert first.startswith("# ") and len(first) > 10, f"{fixture.name}: first line must be a comment"


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_has_no_result(fixture: Path):
    got = findings(validate(data_graph(fixture)))
    assert not got, f"{fixture.name} should conform, got:\n{_show(got)}"


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_gives_exactly_the_expected_results(fixture: Path):
    expected = expected_findings(fixture.with_suffix(".expected.json"))
    assert expected, f"{fixture.name}: an invalid fixture must expect at least one result"
    got = findings(validate(data_graph(fixture)))
    missed, invented = expected - got, got - expected
    assert not missed and not invented, f"{fixture.name}\nmissed:\n{_show(missed)}\ninvented:\n{_show(invented)}"


@pytest.mark.slow
@pytest.mark.parametrize("fixture", VALID + INVALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_results_after_a_round_trip_through_the_oxigraph_store(fixture: Path):
    """solkg validates what its Oxigraph store holds, and the store canonicalises literals (every
    datatype derived from xsd:integer becomes xsd:integer, "45.0" becomes "45"): the shapes must
    give the same (focus, path, severity, component) set on the stored data as on the file."""
    store = pyoxigraph.Store()
    store.load(fixture.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    stored = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    g = data_graph()
    g.parse(data=stored.decode("utf-8"), format="nt")
    expected = set()
    if fixture.parent.name == "invalid":
        expected = expected_findings(fixture.with_suffix(".expected.json"))
    got = findings(validate(g))
    assert got == expected, f"missed:\n{_show(expected - got)}\ninvented:\n{_show(got - expected)}"


def test_path_text_convention():
    g = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
        ex:s sh:path [ sh:alternativePath ( ex:a [ sh:inversePath ex:b ] ( ex:c ex:d ) ) ] .
        ex:t sh:path ( [ sh:alternativePath ( ex:a ex:b ) ] [ sh:zeroOrMorePath ex:c ] ) .
        ex:u sh:path [ sh:oneOrMorePath ( ex:a ex:b ) ] .""",
        format="turtle",
    )
    ex = rdflib.Namespace("http://ex/")
    assert path_text(g, ex.a) == "http://ex/a"
    assert path_text(g, g.value(ex.s, SH.path)) == "(<http://ex/a>|^<http://ex/b>|(<http://ex/c>/<http://ex/d>))"
    assert path_text(g, g.value(ex.t, SH.path)) == "((<http://ex/a>|<http://ex/b>)/<http://ex/c>*)"
    assert path_text(g, g.value(ex.u, SH.path)) == "(<http://ex/a>/<http://ex/b>)+"


@pytest.mark.slow
@pytest.mark.skipif(not DATA, reason="no data/*.ttl yet")
def test_project_data_has_no_violation():
    """The project's own data/*.ttl, merged (files refer to each other, e.g. examples.ttl to the
    charter in seed.ttl), has no Violation; warnings are allowed, as in `solkg check`."""
    got = {f for f in findings(validate(data_graph(*DATA))) if f[2] == "violation"}
    assert not got, _show(got)


@pytest.mark.slow
def test_pyshacl_turbo_agrees_with_pyshacl_on_every_fixture():
    """pyshacl-turbo (the Rust engine considered for SHACL at scale) gives the same findings."""
    import pyshacl_turbo as turbo  # in the test extra
    differences = []
    for fixture in VALID + INVALID:
        g = data_graph(fixture)
        _c, report, _t = turbo.validate(
            g, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
        )
        if not isinstance(report, Graph):
            report = Graph().parse(data=report, format="turtle")
        a, b = findings(validate(g)), findings(report)
        if a != b:
            differences.append(f"{fixture.name}: pySHACL only {a - b}, turbo only {b - a}")
    assert not differences, "\n".join(differences)


# ------------------------------------------------------------------------------------------------
# the shapes graph itself
# ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_shapes_graph_passes_shacl_for_shacl():
    """Validate the shapes graph against the SHACL-for-SHACL graph bundled with pySHACL."""
    shsh = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"
    conforms, _report, text = pyshacl.validate(
        data_graph=shapes_graph(),
        shacl_graph=Graph().parse(shsh, format="turtle"),
        inference="none",
    )
    assert conforms, text
    # and pySHACL's own meta-validation switch agrees (it raises on a non-conforming shapes graph)
    conforms, _report, text = pyshacl.validate(
        data_graph=Graph(), shacl_graph=shapes_graph(), meta_shacl=True, inference="none"
    )
    assert conforms, text


# constraint parameters of SHACL Core (one per constraint component) and SHACL-SPARQL
CONSTRAINT_PARAMETERS = {
    SH[p]
    for p in (
        "class datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive "
        "maxInclusive minLength maxLength pattern languageIn uniqueLang equals disjoint lessThan "
        "lessThanOrEquals not and or xone node property qualifiedValueShape closed hasValue in "
        "sparql"
    ).split()
}
OWN_PARAMETERS = CONSTRAINT_PARAMETERS - {SH.property, SH.sparql}


def _languages(g: Graph, s, p) -> set[str]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal) and o.language}


def _shapes(g: Graph) -> set:
    found = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    found |= set(g.objects(None, SH.property)) | set(g.objects(None, SH.node))
    found |= set(g.objects(None, SH["not"]))
    for lst in list(g.objects(None, SH["or"])) + list(g.objects(None, SH["and"])):
        found |= set(Collection(g, lst))
    return found


def test_every_constraint_has_severity_and_messages_in_english_and_french():
    g = shapes_graph()
    shapes = _shapes(g)
    assert len(shapes) > 30
    problems = []
    for shape in shapes:
        name = shape.n3(g.namespace_manager)
        if isinstance(shape, BNode):
            problems.append(f"{name}: anonymous shape (name every shape)")
        own = [p for p in OWN_PARAMETERS if (shape, p, None) in g]
        sparql = list(g.objects(shape, SH.sparql))
        if own or sparql:
            if g.value(shape, SH.severity) is None:
                problems.append(f"{name}: no sh:severity")
        if own and _languages(g, shape, SH.message) != {"en", "fr"}:
            problems.append(f"{name}: sh:message must exist in exactly en and fr")
        for constraint in sparql:
            if _languages(g, constraint, SH.message) != {"en", "fr"}:
                problems.append(f"{name}: SPARQL constraint without en+fr sh:message")
            if _languages(g, constraint, RDFS.label) != {"en", "fr"}:
                problems.append(f"{name}: SPARQL constraint without en+fr rdfs:label")
        for p in (RDFS.label, RDFS.comment):
            if not {"en", "fr"} <= _languages(g, shape, p):
                problems.append(f"{name}: {p.n3(g.namespace_manager)} needs en and fr")
        for msg in g.objects(shape, SH.message):
            assert str(msg).strip(), f"{name}: empty message"
    assert not problems, "\n".join(sorted(problems))


def test_targeted_classes():
    g = shapes_graph()
    targets = {str(o) for o in g.objects(None, SH.targetClass)}
    for local in (
        "ShortSupplyChain ShortFoodSupplyChain CommunitySupportedAgriculture "
        "CollectiveSelfConsumption Actor Territory PublicPolicy Charter"
    ).split():
        assert SOL + local in targets, local
    # every targeted class and every sol: term the shapes use is declared in the ontology
    onto = ontology_graph()
    used = {t for t in g.all_nodes() if isinstance(t, URIRef) and str(t).startswith(SOL)}
    undeclared = {t for t in used if (t, RDF.type, None) not in onto}
    assert not undeclared, sorted(undeclared)


def test_shapes_cite_their_sources():
    g = shapes_graph()
    DCT = rdflib.DCTERMS
    # dcterms:source values are IRIs (queries/checks/source-is-iri.rq); legal texts without a
    # verified IRI are named in dcterms:bibliographicCitation
    for s, o in g.subject_objects(DCT.source):
        assert isinstance(o, URIRef), (s, o)
    food = SOLSH.ShortFoodSupplyChainShape
    assert URIRef("http://data.europa.eu/eli/reg_del/2014/807/oj") in set(g.objects(food, DCT.source))
    citations = " ".join(str(o) for o in g.objects(food, DCT.bibliographicCitation))
    assert "807/2014" in citations and "2009" in citations
    for shape in (
        SOLSH.CollectiveSelfConsumptionProximityShape,
        SOLSH.CollectiveSelfConsumptionPerimeterShape,
    ):
        # no IRI of these arrêtés could be verified offline: they are cited as text only
        assert not set(g.objects(shape, DCT.source))
        text = " ".join(str(o) for o in g.objects(shape, DCT.bibliographicCitation))
        for date in ("21 novembre 2019", "14 octobre 2020", "19 septembre 2023", "L315-2"):
            assert date in text, (shape, date)
        comment = " ".join(str(o) for o in g.objects(shape, RDFS.comment))
        assert "1e-5" in comment  # the stated error bound


# ------------------------------------------------------------------------------------------------
# the distance formula of the collective self-consumption constraints
# ------------------------------------------------------------------------------------------------


def sparql_constraints() -> dict[str, str]:
    """{shape local name: full query text with PREFIX lines} for the SPARQL-based constraints."""
    g = shapes_graph()
    out = {}
    for shape, constraint in g.subject_objects(SH.sparql):
        prefixes = []
        for holder in g.objects(constraint, SH.prefixes):
            for decl in g.objects(holder, SH.declare):
                prefixes.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
        query = "\n".join(sorted(prefixes)) + "\n" + str(g.value(constraint, SH.select))
        out[str(shape).rsplit("#", 1)[1]] = query
    return out


THRESHOLD_FILTER = re.compile(r"^\s*FILTER \(\?squaredDistance [^\n]*\n", re.M)


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def destination(lat, lon, km, bearing_deg):
    """Point at `km` along a great circle from (lat, lon) on the same sphere (for test data)."""
    d = km / EARTH_RADIUS_KM
    b, p1, l1 = math.radians(bearing_deg), math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return round(math.degrees(p2), 7), round(math.degrees(l2), 7)


def pair_turtle(pairs: list[tuple[str, tuple, tuple]]) -> str:
    """One collective self-consumption chain per pair, with two located actors."""
    lines = [
        "@prefix sol: <https://w3id.org/solkg/ontology#> .",
        "@prefix sold: <https://w3id.org/solkg/id/> .",
        "@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .",
        "@prefix sector: <https://w3id.org/solkg/vocab/sector/> .",
    ]
    for name, (la1, lo1), (la2, lo2) in pairs:
        lines.append(
            f'sold:{name} a sol:CollectiveSelfConsumption ; rdfs:label "{name}"@en ; '
            f"sol:inSector sector:energy ; sol:hasProducer sold:{name}-a ; sol:hasConsumer sold:{name}-b ."
        )
        for suffix, la, lo in (("a", la1, lo1), ("b", la2, lo2)):
            lines.append(
                f'sold:{name}-{suffix} a sol:Actor ; rdfs:label "{name} {suffix}"@en ; '
                f'geo:lat "{la:.7f}"^^xsd:decimal ; geo:long "{lo:.7f}"^^xsd:decimal .'
            )
    header = (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    )
    return header + "\n".join(lines) + "\n"


def oxigraph_rows(turtle: str, query: str) -> list[dict]:
    store = pyoxigraph.Store()
    store.load(turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = []
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    for sol in solutions:
        rows.append({n: sol[n] for n in names})
    return rows


# Named places (approximate coordinates of well-known points) and pairs built at set distances.
KNOWN_PAIRS = [
    # name, point A, point B
    ("paris-versailles", (48.8566, 2.3522), (48.8049, 2.1204)),  # about 17.9 km
    ("lyon-bellecour-partdieu", (45.7578, 4.8320), (45.7606, 4.8590)),  # about 2.1 km
    ("lille-lens", (50.6292, 3.0573), (50.4320, 2.8310)),  # about 27 km
    ("marseille-1km", (43.2951, 5.3750), destination(43.2951, 5.3750, 1.0, 60)),
    ("strasbourg-1-95km", (48.5734, 7.7521), destination(48.5734, 7.7521, 1.95, 135)),
    ("strasbourg-2-05km", (48.5734, 7.7521), destination(48.5734, 7.7521, 2.05, 135)),
    ("brest-19-9km", (48.3904, -4.4861), destination(48.3904, -4.4861, 19.9, 80)),
    ("brest-20-1km", (48.3904, -4.4861), destination(48.3904, -4.4861, 20.1, 80)),
    ("perpignan-50km", (42.6887, 2.8948), destination(42.6887, 2.8948, 50.0, 20)),
]


def test_both_distance_queries_share_one_formula():
    queries = sparql_constraints()
    a = THRESHOLD_FILTER.sub("", queries["CollectiveSelfConsumptionProximityShape"])
    b = THRESHOLD_FILTER.sub("", queries["CollectiveSelfConsumptionPerimeterShape"])
    assert a == b
    assert "?squaredDistance > 400.0e0" in queries["CollectiveSelfConsumptionPerimeterShape"]
    assert (
        "?squaredDistance > 4.0e0 && ?squaredDistance <= 400.0e0" in queries["CollectiveSelfConsumptionProximityShape"]
    )


def test_distance_formula_error_within_stated_bound_on_oxigraph():
    """Run the shape's own SPARQL (threshold FILTER removed) in Oxigraph on random pairs at
    French latitudes up to 50 km apart, plus the named pairs, against the haversine distance."""
    rng = random.Random(20191121)
    pairs = list(KNOWN_PAIRS)
    for i in range(400):
        lat, lon = round(rng.uniform(41.0, 51.5), 7), round(rng.uniform(-5.0, 9.5), 7)
        b = destination(lat, lon, rng.uniform(0.1, 50.0), rng.uniform(0, 360))
        if 41.0 <= b[0] <= 51.5:
            pairs.append((f"random-{i}", (lat, lon), b))
    query = THRESHOLD_FILTER.sub("", sparql_constraints()["CollectiveSelfConsumptionPerimeterShape"])
    rows = oxigraph_rows(pair_turtle(pairs), query)
    by_chain = {row["this"].value.rsplit("/", 1)[1]: row for row in rows}
    assert len(by_chain) == len(pairs) == len(rows)
    worst = 0.0
    for name, a, b in pairs:
        row = by_chain[name]
        truth = haversine_km(*a, *b)
        approx = math.sqrt(float(row["squaredDistance"].value))
        worst = max(worst, abs(approx - truth) / truth)
        shown = float(row["distance"].value)  # rounded to 0.01 km in the message
        assert abs(shown - truth) <= 0.005 + 1e-4, (name, shown, truth)
        assert row["distance"].datatype == pyoxigraph.NamedNode(str(XSD.decimal))
    assert worst < STATED_RELATIVE_ERROR, worst
    # Paris-Versailles is about 17.9 km
    assert abs(math.sqrt(float(by_chain["paris-versailles"]["squaredDistance"].value)) - 17.91) < 0.01


@pytest.mark.slow
def test_distance_thresholds_same_rows_in_pyshacl_and_oxigraph():
    """Each pair lands in exactly the expected band, and both engines agree on every row."""
    turtle = pair_turtle(KNOWN_PAIRS)
    expected_band = {}
    for name, a, b in KNOWN_PAIRS:
        d = haversine_km(*a, *b)
        expected_band[name] = None if d <= 2 else "warning" if d <= 20 else "violation"
    assert list(expected_band.values()).count(None) == 2  # the 1 km and 1.95 km pairs

    queries = sparql_constraints()
    ox = set()
    for shape, severity in (
        ("CollectiveSelfConsumptionProximityShape", "warning"),
        ("CollectiveSelfConsumptionPerimeterShape", "violation"),
    ):
        for row in oxigraph_rows(turtle, queries[shape]):
            ox.add((row["this"].value, row["value"].value, severity, row["distance"].value))

    g = data_graph()
    g.parse(data=turtle, format="turtle")
    report = validate(g)
    py = set()
    for r in report.objects(None, SH.result):
        assert report.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
        # pySHACL drops the language tags of sh:message when it substitutes {?var} in the
        # message of a SPARQL-based constraint: tell the two messages apart by their text
        msgs = [str(m) for m in report.objects(r, SH.resultMessage)]
        assert len(msgs) == 2
        en = [m for m in msgs if m.startswith("Participants ")]
        fr = [m for m in msgs if m.startswith("Les participants ")]
        assert len(en) == len(fr) == 1
        distance = re.search(r"about ([0-9.]+) km", en[0]).group(1)
        assert f"environ {distance} km" in fr[0]
        assert str(report.value(r, SH.value)) in en[0]
        py.add(
            (
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.value)),
                SEVERITY[report.value(r, SH.resultSeverity)],
                distance,
            )
        )
    assert py == ox
    got_band = {focus.rsplit("/", 1)[1]: sev for focus, _v, sev, _d in py}
    assert len(got_band) == len(py)  # one result per pair: never both warning and violation
    for name, band in expected_band.items():
        assert got_band.get(name) == band, name
