"""The named graphs of the store as pages: one per source file (and the entailed graph).

``solkg build`` loads each source file into its own named graph, ``https://w3id.org/solkg/graph/``
+ the file's path (``data/seed.ttl``), and derives the entailed graph. Those IRIs are ours, so they
dereference at ``/graph/<path>``: a page with the graph's VoID figures, its source file and its
licence, or the same as VoID triples for machines.

>>> store = ox.Store()
>>> g = ox.NamedNode(SOLG + "data/x.ttl")
>>> store.add(ox.Quad(ox.NamedNode("https://e.org/a"), ox.NamedNode(RDF + "type"), ox.NamedNode("https://e.org/C"), g))
>>> info = graph_info(store, g.value)
>>> info.source, info.triples, info.classes, info.entities
('data/x.ttl', 1, 1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..release.dataset import LICENSE
from ..namespaces import RDF, SOLG
from ..store.select import select

__all__ = ["GraphInfo", "graph_info", "void_triples", "DATASET_LICENSE"]

DCT = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
DATASET_LICENSE = LICENSE
"""The licence ``solkg build`` declares for the dataset as a whole (``dist/void.ttl``), of which each
graph is a ``void:subset``."""


@dataclass
class GraphInfo:
    """What a named graph's page shows."""

    iri: str
    source: str | None
    """The source file's path (``data/seed.ttl``); ``None`` for a graph no file was loaded into."""
    derived: bool
    """The entailed graph: derived at build time, not a source."""
    triples: int = 0
    subjects: int = 0
    properties: int = 0
    objects: int = 0
    classes: int = 0
    entities: int = 0
    """Distinct IRI subjects."""
    licences: list[tuple[str, str]] = field(default_factory=list)
    """(subject, licence IRI or text) of each ``dcterms:license`` the graph states."""


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(select(store, query)))["n"].value)


def graph_info(store: ox.Store, iri: str) -> GraphInfo:
    """The figures of the named graph ``iri`` (one pass over it per figure)."""
    from ..store.entail import ENTAILED_GRAPH

    g = ox.NamedNode(iri)
    derived = iri == ENTAILED_GRAPH
    source = iri[len(SOLG):] if iri.startswith(SOLG) and not derived else None
    row = next(iter(select(
        store,
        f"SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s1) (COUNT(DISTINCT ?p) AS ?p1) (COUNT(DISTINCT ?o) AS ?o1) "
        f"WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"
    )))
    info = GraphInfo(
        iri=iri,
        source=source,
        derived=derived,
        triples=int(row["t"].value),
        subjects=int(row["s1"].value),
        properties=int(row["p1"].value),
        objects=int(row["o1"].value),
        classes=_count(store, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH {g} {{ ?x <{RDF}type> ?c }} }}"),
        entities=_count(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o FILTER(isIRI(?s)) }} }}"
        ),
    )
    info.licences = sorted(
        (r["x"].value if not isinstance(r["x"], ox.BlankNode) else "_:" + r["x"].value, r["l"].value)
        for r in select(store, f"SELECT DISTINCT ?x ?l WHERE {{ GRAPH {g} {{ ?x <{DCT}license> ?l }} }} LIMIT 50")
    )
    return info


def void_triples(info: GraphInfo, *, dataset: str = "https://w3id.org/solkg/dataset") -> list[ox.Triple]:
    """The graph described in VoID (as ``dist/void.ttl`` describes it, with the figures above)."""
    g = ox.NamedNode(info.iri)
    n = ox.NamedNode
    xsd_integer = n("http://www.w3.org/2001/XMLSchema#integer")

    def figure(name: str, value: int) -> ox.Triple:
        return ox.Triple(g, n(VOID + name), ox.Literal(str(value), datatype=xsd_integer))

    out = [
        ox.Triple(n(dataset), n(VOID + "subset"), g),
        ox.Triple(g, n(RDF + "type"), n(VOID + "Dataset")),
        figure("triples", info.triples),
        figure("distinctSubjects", info.subjects),
        figure("properties", info.properties),
        figure("distinctObjects", info.objects),
        figure("classes", info.classes),
        figure("entities", info.entities),
    ]
    if info.source:
        out.append(ox.Triple(g, n(DCT + "source"), ox.Literal(info.source)))
    for _subject, licence in info.licences:
        try:
            out.append(ox.Triple(g, n(DCT + "license"), n(licence)))
        except ValueError:
            out.append(ox.Triple(g, n(DCT + "license"), ox.Literal(licence)))
    return out
