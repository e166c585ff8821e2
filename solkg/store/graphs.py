"""The role of each named graph of a store: ontology, shapes, data, or derived (the entailed and summary graphs).

A graph's role follows from its IRI: ``solg:ontology/...`` and ``solg:shapes/...`` are the
project's vocabulary and shapes, :data:`~solkg.store.entail.ENTAILED_GRAPH` and
:data:`~solkg.store.summary.SUMMARY_GRAPH` are derived by ``build``, every other graph holds data.

>>> graph_role("https://w3id.org/solkg/graph/shapes/solkg-shapes.ttl")
'shapes'
>>> graph_role("https://w3id.org/solkg/graph/data/seed.ttl")
'data'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import SOLG
from .entail import ENTAILED_GRAPH
from .summary import SUMMARY_GRAPH

__all__ = ["ROLES", "Graphs", "graph_role"]

ROLES = ("ontology", "shapes", "data", "derived")


def graph_role(iri: str) -> str:
    """``ontology``, ``shapes``, ``derived`` or ``data`` for a named graph IRI."""
    if iri.startswith(SOLG + "ontology/"):
        return "ontology"
    if iri.startswith(SOLG + "shapes/"):
        return "shapes"
    if iri in (ENTAILED_GRAPH, SUMMARY_GRAPH):
        return "derived"
    return "data"


@dataclass(frozen=True)
class Graphs:
    """The named graphs of a store by role, each sorted; ``partner`` when the data graphs were chosen
    (partner files, an import, graphs read from an endpoint) rather than every data graph."""

    ontology: tuple[str, ...] = ()
    shapes: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()
    partner: bool = False

    @classmethod
    def from_iris(cls, iris: Iterable[str], *, data: Sequence[str] | None = None) -> Graphs:
        """Sort ``iris`` by role; ``data``, when given, are the only data graphs (partner data).

        >>> g = Graphs.from_iris(["https://w3id.org/solkg/graph/ontology/solkg.ttl", "urn:x"])
        >>> g.data, g.ontology
        (('urn:x',), ('https://w3id.org/solkg/graph/ontology/solkg.ttl',))
        """
        by_role: dict[str, list[str]] = {role: [] for role in ROLES}
        for iri in sorted(set(iris)):
            by_role[graph_role(iri)].append(iri)
        if data is not None:
            by_role["data"] = sorted(set(data))
        return cls(ontology=tuple(by_role["ontology"]), shapes=tuple(by_role["shapes"]), data=tuple(by_role["data"]),
                   derived=tuple(by_role["derived"]), partner=data is not None)

    @classmethod
    def of(cls, store: ox.Store, *, data: Sequence[str] | None = None) -> Graphs:
        """The named graphs of ``store`` by role (see :meth:`from_iris`)."""
        return cls.from_iris((g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)), data=data)
