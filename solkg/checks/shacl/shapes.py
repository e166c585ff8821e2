"""Reading the shapes graph: a small index over its triples (pyoxigraph terms), RDF lists, flags.

The shapes graph is small (the project's has about 2,000 triples), so it is held whole, indexed by
subject and by predicate; the data graph is never read through this.

>>> import pyoxigraph as ox
>>> g = ShapesGraph(ox.parse(b'<urn:S> <http://www.w3.org/ns/shacl#in> (1 2) .', format=ox.RdfFormat.TURTLE))
>>> [x.value for x in g.items(g.one(ox.NamedNode("urn:S"), SH + "in"))]
['1', '2']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

__all__ = ["RDF", "RDFS", "SH", "TARGETS", "XSD", "ShapesGraph", "Unsupported", "is_true"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

TARGETS = (SH + "targetClass", SH + "targetNode", SH + "targetSubjectsOf", SH + "targetObjectsOf")
"""The SHACL target predicates."""


class Unsupported(Exception):
    """A shape the ``sparql`` validator cannot evaluate (e.g. a blank node where a query needs a term)."""


class ShapesGraph:
    """A small subject→predicate→objects index of a (shapes or report) graph."""

    def __init__(self, triples: Iterable[Any]):
        self.spo: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.pos: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        for t in triples:
            s, p, o = t.subject, t.predicate.value, t.object
            if o not in self.spo[s][p]:
                self.spo[s][p].append(o)
                self.pos[p].append((s, o))

    def triples(self) -> list[ox.Triple]:
        """Its triples, subject by subject (a ShapesGraph of them has the same objects for each
        subject and predicate, in the same order; its ``pos`` lists may be ordered otherwise)."""
        return [ox.Triple(s, ox.NamedNode(p), o) for s, by_p in self.spo.items() for p, objs in by_p.items()
                for o in objs]

    def objs(self, s: Any, p: str) -> list[Any]:
        """The objects of ``s`` for predicate IRI ``p`` (a new list)."""
        d = self.spo.get(s)
        return list(d.get(p, ())) if d else []

    def one(self, s: Any, p: str) -> Any:
        """One object of ``s`` for ``p``, or None."""
        v = self.objs(s, p)
        return v[0] if v else None

    def items(self, head: Any) -> list[Any]:
        """The members of the RDF list starting at ``head`` (a cycle or a broken list ends it)."""
        out, seen = [], set()
        while head is not None and not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
            if head in seen:
                break
            seen.add(head)
            first = self.one(head, RDF + "first")
            if first is None:
                break
            out.append(first)
            head = self.one(head, RDF + "rest")
        return out


def is_true(term: Any) -> bool:
    """A boolean parameter set to true (``true`` or ``1``)."""
    return isinstance(term, ox.Literal) and term.value in ("true", "1")
