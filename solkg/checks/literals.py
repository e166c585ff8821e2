"""Ill-typed literals: lexical forms that are not valid for their XSD datatype.

The store keeps values, not spellings (``"-1"^^xsd:nonNegativeInteger`` comes back from it as
``"-1"^^xsd:integer``), so the sources are scanned as parsed, before they are loaded.

>>> import pyoxigraph as ox
>>> ttl = b'<urn:a> <urn:p> "-1"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .'
>>> [x.reason for x in ill_typed_literals(ox.parse(ttl, format=ox.RdfFormat.TURTLE))]
['out of the xsd:nonNegativeInteger range']
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import total_ordering
from typing import Any, TypeAlias

import pyoxigraph as ox

from ..errors import InputError
from ..sources import Source, open_bytes, rdf_format_for
from ..store.load import TEXT_FORMATS, checked_bytes, syntax_message
from ..store.select import select
from ..xsd import CHECKED_DATATYPES, is_ill_typed

__all__ = ["IllTypedLiteral", "SourceLiterals", "Spellings", "as_written", "ill_typed_literals", "scan_ill_typed",
           "scanning_literals"]


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

    Text formats are parsed as a stream from the file, never held whole in memory, without the
    checks of :func:`solkg.store.load.load_source` (UTF-8, :mod:`solkg.limits`): load the sources
    first, as ``solkg build`` and ``solkg check`` do.
    """
    return SourceLiterals(list(sources)).scan()[0]


Spellings: TypeAlias = dict[tuple[ox.NamedNode, ox.NamedNode], list[ox.Literal]]
"""(subject, predicate) → the literals the sources wrote for them, as written."""


@dataclass(frozen=True)
class SourceLiterals:
    """The literals of some sources as written, read in one streaming pass when a check needs them:
    the ill-typed ones, and the spellings of the values the check reports (the store gives back
    ``"95"^^xsd:decimal`` for ``"95.0"^^xsd:decimal`` and ``"3"^^xsd:integer`` for
    ``"3"^^xsd:nonNegativeInteger``; a report names the data's own term, as SHACL validators do).

    >>> import tempfile, pathlib
    >>> from solkg.sources import data_sources
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "d.ttl").write_text('<urn:a> <urn:p> "95.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .')
    >>> key = (ox.NamedNode("urn:a"), ox.NamedNode("urn:p"))
    >>> bad, spellings = SourceLiterals(data_sources([folder / "d.ttl"])).scan({key})
    >>> bad, [str(x) for x in spellings[key]]
    ([], ['"95.0"^^<http://www.w3.org/2001/XMLSchema#decimal>'])

    Made by :func:`scanning_literals`, the reading runs in a process of its own: the ill-typed
    literals while this process loads the store, the spellings (a second pass, when there are
    values to spell) while it runs the SPARQL checks.
    """

    sources: Sequence[Source]
    background: _Background | None = field(default=None, compare=False, repr=False)

    def prepare(self, wanted: Collection[tuple[ox.NamedNode, ox.NamedNode]]) -> None:
        """Start reading the spellings of ``wanted`` in the background, if there is one
        (:meth:`scan` with the same ``wanted`` then waits for them)."""
        if self.background is not None:
            self.background.prepare(set(wanted))

    def scan(self, wanted: Collection[tuple[ox.NamedNode, ox.NamedNode]] = ()
             ) -> tuple[list[IllTypedLiteral], Spellings]:
        """The ill-typed literals, and the literals written for the ``wanted`` (subject, predicate) pairs."""
        if self.background is not None:
            return self.background.ill_typed(), self.background.spellings(set(wanted))
        return self.read(wanted)

    def read(self, wanted: Collection[tuple[ox.NamedNode, ox.NamedNode]] = ()
             ) -> tuple[list[IllTypedLiteral], Spellings]:
        """:meth:`scan` in this process, in one pass."""
        found: list[IllTypedLiteral] = []
        spellings: Spellings = {}
        want = set(wanted)
        for source in self.sources:
            graph = ox.NamedNode(source.graph)
            fmt = rdf_format_for(source.path)
            try:
                if fmt in TEXT_FORMATS:
                    with open_bytes(source.path) as handle:
                        quads = _literal_quads(ox.parse(handle, fmt, base_iri=source.graph), graph, want, spellings)
                        found.extend(ill_typed_literals(quads))
                else:
                    fmt, raw = checked_bytes(source)
                    quads = _literal_quads(ox.parse(raw, fmt, base_iri=source.graph), graph, want, spellings)
                    found.extend(ill_typed_literals(quads))
            except (SyntaxError, MemoryError) as exc:  # MemoryError: a term past the parser's buffer
                raise InputError(syntax_message(source.path, exc)) from None
        found.sort()
        return found, spellings


def _ill_typed_of(sources: Sequence[Source]) -> list[IllTypedLiteral]:
    return SourceLiterals(sources).read()[0]


def _spellings_of(sources: Sequence[Source], wanted: set) -> Spellings:
    return SourceLiterals(sources).read(wanted)[1]


class _Background:
    """The reading of :class:`SourceLiterals` in one process forked from this one (see
    :func:`scanning_literals`); in this process where fork is not available (not Linux)."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = list(sources)
        self.pool: Any = None
        self.bad: Any = None
        self.asked: tuple[frozenset, Any] | None = None
        if sys.platform.startswith("linux") and hasattr(os, "fork"):
            self.pool = multiprocessing.get_context("fork").Pool(1)
            self.bad = self.pool.apply_async(_ill_typed_of, (self.sources,))

    def ill_typed(self) -> list[IllTypedLiteral]:
        """The ill-typed literals (the scan's ``InputError`` raised here), waiting for them if need be."""
        return _ill_typed_of(self.sources) if self.bad is None else self.bad.get()

    def prepare(self, wanted: set) -> None:
        if wanted and self.pool is not None and (self.asked is None or self.asked[0] != wanted):
            self.asked = (frozenset(wanted), self.pool.apply_async(_spellings_of, (self.sources, wanted)))

    def spellings(self, wanted: set) -> Spellings:
        if not wanted:
            return {}
        if self.pool is None:
            return _spellings_of(self.sources, wanted)
        self.prepare(wanted)
        assert self.asked is not None
        return self.asked[1].get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = self.bad = self.asked = None


@contextlib.contextmanager
def scanning_literals(sources: Iterable[Source]) -> Iterator[SourceLiterals]:
    """The :class:`SourceLiterals` of ``sources``, read in a process of its own from now on, while
    this one does something else (loads the store, runs the SPARQL checks); its :meth:`~SourceLiterals.scan`
    gives the same as in this process. The process is stopped on leaving, also on error; where
    fork is not available (not Linux), the scan runs in this process.

    >>> with scanning_literals([]) as literals:
    ...     literals.scan()
    ([], {})
    """
    background = _Background(list(sources))
    try:
        yield SourceLiterals(background.sources, background)
    finally:
        background.close()


def as_written(value: ox.Literal, written: Sequence[ox.Literal]) -> ox.Literal:
    """The literal of ``written`` that the store holds as ``value`` (its canonical form), else ``value``.

    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> as_written(ox.Literal("3", datatype=ox.NamedNode(xsd + "integer")),
    ...            [ox.Literal("3", datatype=ox.NamedNode(xsd + "nonNegativeInteger"))]).datatype.value[len(xsd):]
    'nonNegativeInteger'
    """
    if value in written:
        return value
    store = ox.Store()
    subject, predicate = ox.NamedNode("urn:solkg:s"), ox.NamedNode("urn:solkg:p")
    for literal in written:
        store.add(ox.Quad(subject, predicate, literal))
        stored = next(iter(store)).object
        store.clear()
        if stored == value:
            return literal
    return value


def _literal_quads(quads: Iterable[ox.Quad], graph: ox.NamedNode, want: set,
                   spellings: Spellings) -> Iterator[ox.Quad]:
    """The quads whose object is an ill-typed literal, in ``graph`` (only those become new objects:
    measured, a third faster than passing every literal on); the literals of ``want``'s
    (subject, predicate) pairs go to ``spellings``."""
    literal = ox.Literal
    for quad in quads:
        o = quad.object
        if type(o) is literal:
            datatype = o.datatype.value
            if datatype in CHECKED_DATATYPES and is_ill_typed(o.value, datatype):
                yield ox.Quad(quad.subject, quad.predicate, o, graph)
            elif want and (quad.subject, quad.predicate) in want:
                spellings.setdefault((quad.subject, quad.predicate), []).append(o)  # type: ignore[arg-type]  # in want: a NamedNode
