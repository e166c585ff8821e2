"""What is in the store: graphs, triples, classes with instance counts, concept schemes.

>>> from solkg.sources import project_sources
>>> from solkg.store import load_sources
>>> summary = info(load_sources(project_sources()))
>>> summary.triples > 0 and any(s.iri.endswith("/sector") for s in summary.schemes)
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from ..store.disk import graph_triple_counts
from ..store.select import select
from .params import inject_values

__all__ = ["StoreInfo", "ClassCount", "SchemeInfo", "info"]


@dataclass(frozen=True)
class ClassCount:
    iri: str
    label: str
    instances: int
    """Direct and indirect instances (through rdfs:subClassOf*)."""


@dataclass(frozen=True)
class SchemeInfo:
    iri: str
    label: str
    concepts: int


@dataclass
class StoreInfo:
    graphs: dict[str, int]
    classes: list[ClassCount] = field(default_factory=list)
    schemes: list[SchemeInfo] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    def to_dict(self) -> dict:
        """JSON-ready values (``solkg info --format json``)."""
        return {"triples": self.triples, "graphs": self.graphs, "classes": [asdict(c) for c in self.classes],
                "schemes": [asdict(s) for s in self.schemes]}


_CLASSES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?class a owl:Class .
  FILTER(STRSTARTS(STR(?class), "https://w3id.org/solkg/"))
  OPTIONAL { ?x a/rdfs:subClassOf* ?class }
  OPTIONAL { ?class rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), ?lang)) }
} GROUP BY ?class ORDER BY ?class
"""

_SCHEMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?c skos:inScheme ?scheme }
  OPTIONAL { ?scheme skos:prefLabel|<http://www.w3.org/2000/01/rdf-schema#label> ?l
             FILTER(LANGMATCHES(LANG(?l), ?lang)) }
} GROUP BY ?scheme ORDER BY ?scheme
"""


def info(store: ox.Store, *, lang: str = "en") -> StoreInfo:
    """Summarise a store; labels in ``lang``."""
    bind = {"lang": ox.Literal(lang)}
    classes = [
        ClassCount(r["class"].value, r["label"].value if r["label"] else "", int(r["n"].value))
        for r in select(store, inject_values(_CLASSES, bind), use_default_graph_as_union=True)
    ]
    schemes = [
        SchemeInfo(r["scheme"].value, r["label"].value if r["label"] else "", int(r["n"].value))
        for r in select(store, inject_values(_SCHEMES, bind), use_default_graph_as_union=True)
    ]
    return StoreInfo(graphs=graph_triple_counts(store), classes=classes, schemes=schemes)
