"""The entailed graph: closures of the vocabulary's hierarchies (solkg.store.entail)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from solkg.checks import check_store
from solkg.store.graphs import Graphs
from solkg.store.summary import add_summary
from solkg.store.entail import ENTAILED_GRAPH, add_entailed, entailed_triples
from solkg.namespaces import SOL
from solkg.query import adhoc_query, get_query, run_query
from solkg.sources import project_root, project_sources
from solkg.store import load_sources

EX = "http://example.org/"
PREFIXES = """@prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sol: <https://w3id.org/solkg/ontology#> .
"""
SUB_CLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SUB_PROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
BROADER_T = "http://www.w3.org/2004/02/skos/core#broaderTransitive"


def _store(turtle: str, graph: str = EX + "g") -> ox.Store:
    store = ox.Store()
    store.load((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return store


def _pairs(store: ox.Store, predicate: str) -> set[tuple[str, str]]:
    return {(t.subject.value.removeprefix(EX), t.object.value.removeprefix(EX))
            for t in entailed_triples(store) if t.predicate.value == predicate}


def test_subclass_closure_is_reflexive_transitive_and_leaves_out_what_is_asserted():
    store = _store("ex:C rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:A . ex:D a owl:Class .")
    assert _pairs(store, SUB_CLASS) == {("C", "A"), ("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")}


def test_asserted_in_another_graph_is_left_out_too():
    store = _store("ex:C rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:A .")
    store.add(ox.Quad(ox.NamedNode(EX + "C"), ox.NamedNode(SUB_CLASS), ox.NamedNode(EX + "A"), ox.NamedNode(EX + "h")))
    assert ("C", "A") not in _pairs(store, SUB_CLASS)


def test_cycle_and_blank_nodes():
    store = _store("ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:A . "
                   "ex:A rdfs:subClassOf [ a owl:Restriction ] .")
    assert _pairs(store, SUB_CLASS) == {("A", "A"), ("B", "B")}  # A ⊑ B, B ⊑ A asserted; no blank node
    assert all(isinstance(t.object, ox.NamedNode) for t in entailed_triples(store))


def test_subproperty_closure_and_declared_properties():
    store = _store("ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:subPropertyOf ex:r . ex:s a owl:DatatypeProperty .")
    assert _pairs(store, SUB_PROPERTY) == {("p", "r"), ("p", "p"), ("q", "q"), ("r", "r"), ("s", "s")}


def test_broader_transitive_is_not_reflexive_and_skips_asserted():
    store = _store("ex:a skos:broader ex:b . ex:b skos:broader ex:c . ex:c skos:broader ex:d . "
                   "ex:a skos:broaderTransitive ex:d .")
    assert _pairs(store, BROADER_T) == {("a", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "d")}


def test_add_entailed_replaces_and_ignores_its_own_graph():
    store = _store("ex:C rdfs:subClassOf ex:B .")
    first = add_entailed(store)
    assert first == 2  # C ⊑ C, B ⊑ B
    sub = ox.NamedNode(SUB_CLASS)
    stale = ox.Quad(ox.NamedNode(EX + "X"), sub, ox.NamedNode(EX + "Y"), ox.NamedNode(ENTAILED_GRAPH))
    store.add(stale)
    assert add_entailed(store) == first
    assert stale not in store
    store.remove(ox.Quad(ox.NamedNode(EX + "C"), sub, ox.NamedNode(EX + "B"), ox.NamedNode(EX + "g")))
    assert add_entailed(store) == 0
    assert ox.NamedNode(ENTAILED_GRAPH) not in set(store.named_graphs())


def test_union_holds_no_duplicate():
    """The union of the graphs keeps duplicates: the entailed graph must add none to the project's graphs."""
    store = load_sources(project_sources())
    add_entailed(store)
    rows = list(store.query(f"SELECT ?s ?o WHERE {{ ?s <{SUB_CLASS}> ?o }}", use_default_graph_as_union=True))
    assert len(rows) == len({(r["s"], r["o"]) for r in rows})


@pytest.fixture(scope="module")
def project_store() -> ox.Store:
    store = load_sources(project_sources())
    add_entailed(store)
    return store


def test_queries_find_instances_of_subclasses_declared_in_partner_data():
    """A partner's own subclass of a chain class, two levels down, is found by the named queries."""
    partner = _store("""
        ex:Veg rdfs:subClassOf sol:CommunitySupportedAgriculture ; a owl:Class .
        ex:OrganicVeg rdfs:subClassOf ex:Veg ; a owl:Class .
        ex:box a ex:OrganicVeg ; rdfs:label "box scheme"@en ; sol:intermediaryCount 0 .
    """, graph="https://w3id.org/solkg/graph/data/partner.ttl")
    store = load_sources(project_sources())
    store.extend(partner.quads_for_pattern(None, None, None, None))
    before = run_query(get_query("food-chains-by-intermediaries"), store=store, limit=None)
    add_entailed(store)
    add_summary(store)  # (this query orders the chains by the summary graph, which follows the closures)
    after = run_query(get_query("food-chains-by-intermediaries"), store=store, limit=None)
    found = {row[0].value: row[2].value for row in after.rows}
    assert found[EX + "box"] == EX + "OrganicVeg"  # its most specific class
    assert EX + "box" not in {row[0].value for row in before.rows}  # the queries rely on the entailed graph


def test_check_never_validates_the_entailed_graph():
    """A node that would break the shapes, but only in the entailed graph, gives no finding."""
    store = load_sources(project_sources())
    add_entailed(store)
    bad = ox.NamedNode("https://w3id.org/solkg/id/only-entailed")
    store.add(ox.Quad(bad, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(SOL + "ShortSupplyChain"), ox.NamedNode(ENTAILED_GRAPH)))
    report = check_store(store, Graphs.of(store))
    assert not [f for f in report.findings if f.focus == bad]
    # the same node in a data graph is reported (the check would see it)
    store.add(ox.Quad(bad, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(SOL + "ShortSupplyChain"), ox.NamedNode("https://w3id.org/solkg/graph/data/x.ttl")))
    report = check_store(store, Graphs.of(store))
    assert [f for f in report.findings if f.focus == bad]


def test_no_property_path_left_in_the_named_queries():
    """Named queries join the entailed graph's closures; transitive paths lose rows on Virtuoso 7.2.5."""
    for path in sorted(project_root().joinpath("queries").glob("*.rq")):
        body = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
        for token in ("subClassOf*", "subClassOf+", "subPropertyOf*", "subPropertyOf+", "broader*", "broader+"):
            assert token not in body, (path.name, token)


def test_adhoc_path_query_and_entailed_join_agree(project_store):
    path = adhoc_query(f"SELECT ?c WHERE {{ ?c <{SUB_CLASS}>* <{SOL}ShortSupplyChain> }}")
    join = adhoc_query(f"SELECT ?c WHERE {{ ?c <{SUB_CLASS}> <{SOL}ShortSupplyChain> }}")
    a = {r[0] for r in run_query(path, store=project_store, limit=None).rows}
    b = {r[0] for r in run_query(join, store=project_store, limit=None).rows}
    assert a == b and len(a) >= 5
