"""The data graph as the ``sparql`` validator reads it: SPARQL over the union of the data graphs, the
triples of a chunk of focus nodes read once, values of other nodes read on demand, all of it
dropped after the chunk so that memory follows the chunk size, not the data.

>>> st = ox.Store()
>>> st.load(b'<urn:x> <urn:p> 1, 2 .', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
>>> data = DataAccess(st, [ox.NamedNode("urn:g")])
>>> data.describe([ox.NamedNode("urn:x")])
>>> sorted(v.value for v in data.objects(ox.NamedNode("urn:x"), "urn:p"))
['1', '2']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from .shapes import RDFS, Unsupported

__all__ = ["NODE_FN", "DataAccess", "Focus"]

NODE_FN = "urn:solkg:shacl:node"
"""A custom SPARQL function: node number -> the node (how a query names a blank node of the store)."""
_NONE: list[Any] = []  # never appended to


class DataAccess:
    """Read access to the union of ``graphs`` of ``store`` for one validation.

    Nodes that a query must name (blank nodes) get numbers (:meth:`index_of`); the first
    :attr:`kept` of them outlive a chunk (queries built before the chunks refer to them).
    """

    CHUNK = 20000
    """Focus nodes per VALUES block of a SPARQL query."""

    def __init__(self, store: ox.Store, graphs: list[Any]):
        self.store = store
        self.graphs = graphs
        self.graph_set = set(graphs)
        self.multi = len(graphs) > 1
        self.nodes: list[Any] = []
        self.node_index: dict[Any, int] = {}
        self.kept = 0
        self.functions = {ox.NamedNode(NODE_FN): lambda i: self.nodes[int(i.value)]}
        self.closures: dict[Any, frozenset] = {}
        self.predicates: dict[str, ox.NamedNode] = {}
        # per chunk: triples of its focus nodes, and values read for other nodes
        self.described: dict[Any, dict[str, list[Any]]] = {}
        self.out_values: dict[str, dict[Any, list[Any]]] = defaultdict(dict)
        self.in_values: dict[str, dict[Any, list[Any]]] = defaultdict(dict)

    def q(self, text: str):
        """Run a SPARQL query over the data graphs (with the node function)."""
        return self.store.query(text, default_graph=self.graphs, custom_functions=self.functions)

    def index_of(self, term: Any) -> int:
        """The number of ``term`` (given on first use)."""
        i = self.node_index.get(term)
        if i is None:
            i = self.node_index[term] = len(self.nodes)
            self.nodes.append(term)
        return i

    def node_ref(self, term: Any) -> str:
        """An expression that evaluates to ``term`` (works for blank nodes of the store too)."""
        return f"<{NODE_FN}>({self.index_of(term)})"

    def term_text(self, term: Any) -> str:
        """``term`` as SPARQL text (a blank node through :meth:`node_ref`)."""
        if isinstance(term, ox.BlankNode):
            return self.node_ref(term)
        return str(term)

    def node_patterns(self, terms: Iterable[Any], var: str = "this") -> list[str]:
        """Patterns binding ``?var`` to each of ``terms`` (in chunks).

        IRIs and literals go inline in VALUES (measured: 0.8 s for a SHACL-SPARQL constraint on
        8,424 focus nodes, against 9.6 s with the target pattern as a sub-select); blank nodes,
        which a query cannot name, go through a custom function (slow in joins: kept for them).
        """
        named: list[Any] = []
        blank: list[Any] = []
        for t in dict.fromkeys(terms):
            (blank if isinstance(t, ox.BlankNode) else named).append(t)
        named.sort(key=str)
        out = []
        for k in range(0, len(named), self.CHUNK):
            out.append(f"VALUES ?{var} {{ " + " ".join(map(str, named[k:k + self.CHUNK])) + " }")
        idx = sorted(self.index_of(t) for t in blank)
        for k in range(0, len(idx), self.CHUNK):
            vals = " ".join(map(str, idx[k:k + self.CHUNK]))
            out.append(f"{{ VALUES ?__i {{ {vals} }} BIND(<{NODE_FN}>(?__i) AS ?{var}) }}")
        return out

    def predicate(self, p: str) -> ox.NamedNode:
        node = self.predicates.get(p)
        if node is None:
            node = self.predicates[p] = ox.NamedNode(p)
        return node

    def describe(self, nodes: Iterable[Any]) -> None:
        """Read the triples of ``nodes`` (as subjects) in the data graphs, once."""
        described, graphs, multi = self.described, self.graph_set, self.multi
        quads = self.store.quads_for_pattern
        literal = ox.Literal
        for n in nodes:
            if n in described:
                continue
            d: dict[str, list[Any]] = {}
            if type(n) is not literal:
                for _, p, o, g in quads(n, None, None, None):
                    if g in graphs:
                        key = p.value
                        lst = d.get(key)
                        if lst is None:
                            d[key] = [o]
                        elif not multi or o not in lst:
                            lst.append(o)
            described[n] = d

    def objects(self, node: Any, p: str) -> list[Any]:
        """The distinct values of predicate ``p`` of ``node`` in the data graphs."""
        d = self.described.get(node)
        if d is not None:
            return d.get(p, _NONE)
        cache = self.out_values[p]
        got = cache.get(node)
        if got is None:
            got = []
            if not isinstance(node, ox.Literal):
                for quad in self.store.quads_for_pattern(node, self.predicate(p), None, None):
                    if quad.graph_name in self.graph_set and (not self.multi or quad.object not in got):
                        got.append(quad.object)
            cache[node] = got
        return got

    def objects_of_nodes(self, nodes: Iterable[Any], p: str) -> dict[Any, list[Any]]:
        """node -> :meth:`objects` of ``p``, for each of ``nodes`` (the lists are not to be changed)."""
        get, objects = self.described.get, self.objects
        out = {}
        for n in nodes:
            d = get(n)
            out[n] = d.get(p, _NONE) if d is not None else objects(n, p)
        return out

    def objects_of_alternatives(self, nodes: Iterable[Any], predicates: list[str]) -> dict[Any, list[Any]]:
        """node -> the distinct values of any of ``predicates``, for each of ``nodes``."""
        get, objects = self.described.get, self.objects
        out = {}
        for n in nodes:
            d = get(n)
            found = None
            several = False
            for p in predicates:
                vs = d.get(p) if d is not None else objects(n, p)
                if vs:
                    if found is None:
                        found = vs
                    else:
                        found = found + vs
                        several = True
            out[n] = _NONE if found is None else list(dict.fromkeys(found)) if several else found
        return out

    def subjects(self, p: str, node: Any) -> list[Any]:
        """The distinct subjects having ``node`` as a value of predicate ``p`` in the data graphs."""
        cache = self.in_values[p]
        got = cache.get(node)
        if got is None:
            got = []
            for quad in self.store.quads_for_pattern(None, self.predicate(p), node, None):
                if quad.graph_name in self.graph_set and (not self.multi or quad.subject not in got):
                    got.append(quad.subject)
            cache[node] = got
        return got

    def closure(self, cls: Any) -> frozenset:
        """``cls`` and its subclasses (``rdfs:subClassOf*`` in the data graphs)."""
        c = self.closures.get(cls)
        if c is None:
            if isinstance(cls, ox.BlankNode):
                raise Unsupported("a blank node in a shape parameter cannot be written in a query")
            rows = self.q(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {cls} }}")
            c = self.closures[cls] = frozenset([cls, *(r["c"] for r in rows)])
        return c

    def keep(self) -> None:
        """The nodes numbered so far outlive every chunk."""
        self.kept = len(self.nodes)

    def reset(self) -> None:
        """Drop everything read for the chunk just checked."""
        self.described.clear()
        self.out_values.clear()
        self.in_values.clear()
        del self.nodes[self.kept:]
        self.node_index = {n: i for i, n in enumerate(self.nodes)}


class Focus:
    """Focus nodes of one evaluation: the nodes, and SPARQL patterns that bind ?this to them.

    ``key`` identifies the evaluation in the caches: the same nodes give the same key (a nested
    shape met twice on the same value nodes is evaluated once)."""

    __slots__ = ("nodes", "_patterns", "key", "_data")

    def __init__(self, data: DataAccess, nodes: list[Any], key: Any = None):
        self._data = data
        self.nodes = nodes
        self._patterns: list[str] | None = None
        self.key = key if key is not None else ("N", frozenset(nodes))

    @property
    def patterns(self) -> list[str]:
        if self._patterns is None:
            self._patterns = self._data.node_patterns(self.nodes)
        return self._patterns
