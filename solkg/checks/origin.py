"""Where a focus node comes from: the file of the graph that describes it, and for imported
records the tabular file, line and record number they were derived from.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> g = ox.NamedNode("https://w3id.org/solkg/graph/data/a.ttl")
>>> store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("1"), g))
>>> Origins(store, {g.value: "data/a.ttl"}).of(ox.NamedNode("urn:x"))
Origin(source='data/a.ttl', line=None, record=None)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import NamedTuple

import pyoxigraph as ox

from ..findings import Finding, Term
from ..namespaces import PREFIXES, SOL, SOLG

__all__ = ["Origin", "Origins"]

_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
_SOURCE_LINE = ox.NamedNode(SOL + "sourceLine")
_SOURCE_RECORD = ox.NamedNode(SOL + "sourceRecord")


class Origin(NamedTuple):
    """A file (relative to the current folder), and the line and record number in it when known."""

    source: str
    line: int | None = None
    record: int | None = None


def _number(term) -> int | None:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return None


class Origins:
    """Maps focus nodes to their :class:`Origin`, with a cache.

    ``paths`` maps graph IRIs to the file paths findings show; ``prefer`` lists the graphs to
    look in first (the data graphs being checked).
    """

    def __init__(self, store: ox.Store, paths: dict[str, str], prefer: Sequence[str] = ()) -> None:
        self.store = store
        self.paths = paths
        self.order = list(prefer) + sorted(set(paths) - set(prefer))
        self._cache: dict[Term, Origin] = {}

    def graph_of(self, focus: Term) -> str | None:
        """The graph a node is described in: the first preferred graph holding it as subject, else any."""
        if isinstance(focus, ox.Literal):
            return None
        graphs = {q.graph_name.value for q in self.store.quads_for_pattern(focus, None, None)
                  if isinstance(q.graph_name, ox.NamedNode)}
        return next((g for g in self.order if g in graphs), None) or (min(graphs) if graphs else None)

    def of(self, focus: Term) -> Origin:
        found = self._cache.get(focus)
        if found is None:
            found = self._cache[focus] = self._find(focus)
        return found

    def __call__(self, finding: Finding) -> Finding:
        """``finding`` with its source, line and record filled in."""
        origin = self.of(finding.focus)
        return dataclasses.replace(finding, source=origin.source, line=origin.line, record=origin.record)

    def _find(self, focus: Term) -> Origin:
        graph = self.graph_of(focus)
        if graph is None:
            return Origin("")
        where = self.paths.get(graph, graph.removeprefix(SOLG))
        name = ox.NamedNode(graph)
        line = record = None
        assert not isinstance(focus, ox.Literal)  # graph_of found none for a literal
        for quad in self.store.quads_for_pattern(focus, _SOURCE_LINE, None, name):
            line = _number(quad.object)
        for quad in self.store.quads_for_pattern(focus, _SOURCE_RECORD, None, name):
            record = _number(quad.object)
        if line is not None or record is not None:  # an imported record: name the file it came from
            for quad in self.store.quads_for_pattern(focus, _DERIVED_FROM, None, name):
                if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(SOLG):
                    where = quad.object.value.removeprefix(SOLG)
                    break
        return Origin(where, line, record)
