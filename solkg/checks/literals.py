"""Ill-typed literals: lexical forms that are not valid for their XSD datatype.

The store keeps values, not spellings (``"-1"^^xsd:nonNegativeInteger`` comes back from it as
``"-1"^^xsd:integer``), so the sources are scanned as parsed, before they are loaded.

>>> import pyoxigraph as ox
>>> ttl = b'<urn:a> <urn:p> "-1"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .'
>>> [x.reason for x in ill_typed_literals(ox.parse(ttl, format=ox.RdfFormat.TURTLE))]
['out of the xsd:nonNegativeInteger range']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import total_ordering
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..sources import Source, open_bytes, rdf_format_for
from ..store.load import TEXT_FORMATS, checked_bytes, syntax_message
from ..store.select import select
from ..xsd import CHECKED_DATATYPES, is_ill_typed

__all__ = ["IllTypedLiteral", "ill_typed_literals", "scan_ill_typed"]


@total_ordering
@dataclass(frozen=True)
class IllTypedLiteral:
    """A literal whose lexical form is not valid for its datatype.

    ``subject``: the node (a pyoxigraph term); ``predicate``: a NamedNode; ``value``: the literal as
    written; ``datatype``: its datatype IRI; ``graph``: the graph IRI (``None`` for the default
    graph or a triple stream); ``reason``: short English text.
    """

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    value: ox.Literal
    datatype: str
    graph: str | None
    reason: str

    def _order(self) -> tuple:
        return (self.graph or "", str(self.subject), self.predicate.value, str(self.value))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, IllTypedLiteral):
            return NotImplemented
        return self._order() < other._order()


def ill_typed_literals(
    source: ox.Store | Iterable[ox.Triple | ox.Quad],
    *,
    graphs: Sequence[ox.NamedNode | ox.DefaultGraph] | None = None,
) -> list[IllTypedLiteral]:
    """Every literal of a checked XSD datatype whose lexical form is invalid, sorted.

    ``source`` is a Store (``graphs``: the graphs to scan, default all) or an iterable of
    triples/quads, e.g. ``pyoxigraph.parse(...)``: give the parse stream when derived integer
    types matter, since the Store rewrites them to xsd:integer (see the module docstring).
    On a Store, Oxigraph filters by datatype and only those literals reach Python.

    """
    out: list[IllTypedLiteral] = []
    if isinstance(source, ox.Store):
        dts = ", ".join(f"<{d}>" for d in sorted(CHECKED_DATATYPES))
        q = (
            "SELECT ?s ?p ?o WHERE { ?s ?p ?o . "
            f"FILTER(isLiteral(?o) && datatype(?o) IN ({dts})) }}"
        )
        targets: list[Any] = (
            list(graphs)
            if graphs is not None
            else [ox.DefaultGraph(), *sorted(source.named_graphs(), key=str)]
        )
        for g in targets:
            for row in select(source, q, default_graph=g):
                o = row["o"]
                why = is_ill_typed(o.value, o.datatype.value)
                if why:
                    out.append(
                        IllTypedLiteral(
                            row["s"], row["p"], o, o.datatype.value,
                            g.value if isinstance(g, ox.NamedNode) else None, why,
                        )
                    )
    else:
        for t in source:
            o = t.object
            if isinstance(o, ox.Literal):
                dt = o.datatype.value
                if dt in CHECKED_DATATYPES:
                    why = is_ill_typed(o.value, dt)
                    if why and not isinstance(t.subject, ox.Triple):  # RDF-star quoted subjects: not checked
                        g = getattr(t, "graph_name", None)
                        out.append(
                            IllTypedLiteral(
                                t.subject, t.predicate, o, dt,
                                g.value if isinstance(g, ox.NamedNode) else None, why,
                            )
                        )
    out.sort()
    return out



def scan_ill_typed(sources: Iterable[Source]) -> list[IllTypedLiteral]:
    """Ill-typed literals of the sources as written (the store keeps values, not spellings:
    ``"-1"^^xsd:nonNegativeInteger`` comes back from it as ``"-1"^^xsd:integer``).

    Text formats are parsed as a stream from the file, never held whole in memory.
    """
    found: list[IllTypedLiteral] = []
    for source in sources:
        graph = ox.NamedNode(source.graph)
        fmt = rdf_format_for(source.path)
        try:
            if fmt in TEXT_FORMATS:
                with open_bytes(source.path) as handle:
                    found.extend(ill_typed_literals(_literal_quads(ox.parse(handle, fmt, base_iri=source.graph),
                                                                   graph)))
            else:
                fmt, raw = checked_bytes(source)
                found.extend(ill_typed_literals(_literal_quads(ox.parse(raw, fmt, base_iri=source.graph), graph)))
        except SyntaxError as exc:
            raise InputError(syntax_message(source.path, exc)) from None
    return found


def _literal_quads(quads: Iterable[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads whose object is an ill-typed literal, in ``graph`` (only those become new objects:
    measured, a third faster than passing every literal on)."""
    literal = ox.Literal
    for quad in quads:
        o = quad.object
        if type(o) is literal:
            datatype = o.datatype.value
            if datatype in CHECKED_DATATYPES and is_ill_typed(o.value, datatype):
                yield ox.Quad(quad.subject, quad.predicate, o, graph)


