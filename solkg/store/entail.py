"""The entailed graph: closures of the vocabulary's hierarchies, so queries need no property paths.

``solkg build`` adds one derived named graph, :data:`ENTAILED_GRAPH`, beside the graphs of the
source files. It holds what RDFS and SKOS entail about the hierarchies the named queries walk,
restricted to IRIs and to triples that no source asserts (so that the union of the graphs, which
does not remove duplicates, never holds one twice):

- ``rdfs:subClassOf``, reflexive and transitive (RDF 1.1 Semantics, RDFS rules rdfs10, rdfs11),
  over every IRI declared ``owl:Class`` or ``rdfs:Class`` or named in an ``rdfs:subClassOf`` triple;
- ``rdfs:subPropertyOf``, reflexive and transitive (rules rdfs5, rdfs6), over every IRI declared a
  property (``rdf:Property``, ``owl:ObjectProperty``, ``owl:DatatypeProperty``,
  ``owl:AnnotationProperty``) or named in an ``rdfs:subPropertyOf`` triple;
- ``skos:broaderTransitive``, the transitive closure of ``skos:broader`` (SKOS Reference, section 8:
  ``skos:broader`` is a sub-property of the transitive ``skos:broaderTransitive``).

Only the vocabulary is closed (a few hundred triples, computed in milliseconds), never the
instance data. Queries then write ``?x rdf:type ?c . ?c rdfs:subClassOf sol:Actor`` and
``?role rdfs:subPropertyOf sol:hasParticipant . ?chain ?role ?actor`` (plain joins) instead of
``rdfs:subClassOf*`` paths, and get the same rows on every engine the graph is published to,
with or without inference (Virtuoso 7.2.5 loses rows when it joins through a transitive path).

>>> from solkg.namespaces import RDFS, SOL
>>> from solkg.sources import project_sources
>>> from solkg.store import load_sources
>>> store = load_sources(project_sources(kinds=("ontology",)))
>>> added = add_entailed(store)
>>> ask = "ASK {{ <{}> <{}> <{}> }}"
>>> food, chain = SOL + "CommunitySupportedAgriculture", SOL + "ShortSupplyChain"
>>> bool(store.query(ask.format(food, RDFS + "subClassOf", chain), use_default_graph_as_union=True))
True
>>> add_entailed(store) == added  # recomputed from the sources, never from itself
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from ..namespaces import PREFIXES, RDF, RDFS, SOLG

__all__ = ["ENTAILED_GRAPH", "entailed_triples", "add_entailed"]

ENTAILED_GRAPH = SOLG + "entailed"
"""The derived graph's IRI. No source file can be named so: source graphs end with a file suffix."""

OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
_CLASS_TYPES = (RDFS + "Class", OWL + "Class")
_PROPERTY_TYPES = (RDF + "Property", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty")
# relation closed, relation it is entailed from, types whose instances get the reflexive triple
_CLOSURES = (
    (RDFS + "subClassOf", RDFS + "subClassOf", _CLASS_TYPES),
    (RDFS + "subPropertyOf", RDFS + "subPropertyOf", _PROPERTY_TYPES),
    (SKOS + "broaderTransitive", SKOS + "broader", ()),
)


def _edges(store: ox.Store, predicate: str, skip: ox.NamedNode) -> Iterator[tuple[str, str]]:
    for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
        if quad.graph_name != skip and isinstance(quad.subject, ox.NamedNode) \
                and isinstance(quad.object, ox.NamedNode):
            yield quad.subject.value, quad.object.value


def _typed(store: ox.Store, types: Iterable[str], skip: ox.NamedNode) -> set[str]:
    out = set()
    for type_ in types:
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(type_), None):
            if quad.graph_name != skip and isinstance(quad.subject, ox.NamedNode):
                out.add(quad.subject.value)
    return out


def _closure(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every node reachable from ``start`` by one or more edges (``start`` itself only on a cycle)."""
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def entailed_triples(store: ox.Store) -> list[ox.Triple]:
    """The entailed graph's triples for what ``store`` holds outside it, sorted.

    Triples some graph of ``store`` (other than the entailed graph) already holds are left out.
    """
    skip = ox.NamedNode(ENTAILED_GRAPH)
    out: set[tuple[str, str, str]] = set()
    for closed, base, types in _CLOSURES:
        edges: dict[str, set[str]] = {}
        for subject, obj in _edges(store, base, skip):
            edges.setdefault(subject, set()).add(obj)
        asserted = set(_edges(store, closed, skip))
        reflexive = set()
        if types:
            reflexive = set(edges).union(*edges.values(), _typed(store, types, skip))
        for node in sorted(set(edges) | reflexive):
            reached = _closure(edges, node) | ({node} if node in reflexive else set())
            out.update((node, closed, target) for target in reached if (node, target) not in asserted)
    return [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in sorted(out)]


def add_entailed(store: ox.Store) -> int:
    """Replace the entailed graph of ``store`` by :func:`entailed_triples`; returns its size."""
    graph = ox.NamedNode(ENTAILED_GRAPH)
    triples = entailed_triples(store)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return len(triples)
