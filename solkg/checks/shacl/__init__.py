"""SHACL validation: the one place solkg runs SHACL, behind one function with several validators.

Validators (``VALIDATORS``), chosen with ``validator=``:

``"sparql"`` (``DEFAULT_VALIDATOR``)
    SHACL Core and SHACL-SPARQL (``sh:sparql`` SELECT constraints) straight on the store, the
    data never copied into rdflib: class hierarchies (``rdfs:subClassOf*``), complex paths
    (``*``, ``+``, ``?``), ``sh:sparql`` (focus nodes injected as ``VALUES``) and ``sh:closed``
    run as SPARQL in Oxigraph; focus nodes are checked in chunks, the triples of a chunk's nodes
    read once from the store (the values of predicate, inverse, sequence and alternative paths),
    and the value-level components evaluated in Python over them; everything read for a chunk is
    dropped before the next, so memory follows the chunk size, not the data. Measured (1.2M
    triples): one SPARQL query per constraint cost 0.3-0.8 s each, OPTIONAL-based merging of
    constraints more; reading the triples costs about as much as a handful of those queries for
    all constraints together. Nested shapes (``sh:node``,
    ``sh:not``, ``sh:and``/``sh:or``/``sh:xone``, ``sh:qualifiedValueShape``, ``sh:property`` of
    a property shape) are evaluated once on the distinct value nodes; a recursive shape met again
    on the same nodes is taken to conform.
``"pyshacl"``
    The reference: ``pyshacl.validate`` (inference none, ``advanced=True``) over an rdflib Graph
    built from the selected graphs of the store (blank-node ids kept, so results name the same
    nodes).
``"turbo"``
    ``pyshacl_turbo.validate`` (pySHACL-compatible API, Rust engine) over the same input.

Every validator returns the same ``ShaclResult`` list for the same input (tests/test_shacl_engine.py,
tests/test_w3c_shacl.py), with one documented difference: ``sh:datatype`` follows XSD 1.1 strictly
in the ``"sparql"`` engine (``"-4e-05"^^xsd:decimal`` is ill-typed: xsd:decimal has no exponent),
while pySHACL and pyshacl-turbo accept lexical forms that Python's ``Decimal`` accepts.

pyoxigraph 0.5.13 facts this module relies on (measured):

* the **Store** rewrites every datatype derived from xsd:integer to xsd:integer on insert
  (``"5"^^xsd:nonNegativeInteger`` and ``"-1"^^xsd:nonNegativeInteger`` are both stored as
  ``"..."^^xsd:integer``; ``"007"^^xsd:int`` as ``"7"^^xsd:integer``), so a shape
  ``sh:datatype xsd:nonNegativeInteger`` fails on every stored value and an ill-typed derived
  integer cannot be seen in the store: run :func:`ill_typed_literals` on the parse stream
  (``pyoxigraph.parse(...)`` keeps datatype and lexical form) before loading;
* valid literals of the other XSD types are stored canonicalised (``"1.50"^^xsd:decimal`` comes
  back as ``"1.5"``); ill-typed ones keep their datatype and lexical form unchanged
  (``"45,76"^^xsd:decimal``, ``"-4e-05"^^xsd:decimal``, ``"2019-02-30"^^xsd:date``,
  ``"yes"^^xsd:boolean``).

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> g, s = ox.NamedNode("urn:g:data"), ox.NamedNode("urn:g:shapes")
>>> store.load(b'<urn:x> a <urn:C> .', format=ox.RdfFormat.TURTLE, to_graph=g)
>>> store.load(b'@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> a sh:NodeShape ; '
...            b'sh:targetClass <urn:C> ; sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .',
...            format=ox.RdfFormat.TURTLE, to_graph=s)
>>> [(str(r.focus), r.path, r.component) for r in validate(store, data_graphs=[g], shapes=[s])]
[('<urn:x>', 'urn:p', 'http://www.w3.org/ns/shacl#MinCountConstraintComponent')]
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import total_ordering
from typing import Any

import pyoxigraph as ox

from ...xsd import CHECKED_DATATYPES, INTEGER_RANGES, is_ill_typed

__all__ = [
    "VALIDATORS",
    "DEFAULT_VALIDATOR",
    "ShaclResult",
    "validate",
]

VALIDATORS: tuple[str, ...] = ("sparql", "pyshacl", "turbo")
"""Names accepted by ``validate(validator=...)``: solkg's own (SPARQL + Python over the store),
pySHACL (the reference), pyshacl-turbo (optional, ``pip install pyshacl-turbo``)."""
DEFAULT_VALIDATOR = "sparql"
"""Chosen by measurement (see benchmarks/ and the closing note of issue 4)."""

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

_SEVERITY = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}


# --------------------------------------------------------------------------------------------
# Results


@total_ordering
@dataclass(frozen=True)
class ShaclResult:
    """One SHACL validation result, the same whichever validator made it.

    ``focus``/``value``/``shape``: pyoxigraph terms (the shape: its IRI or blank node);
    ``path``: the IRI of a predicate path, else SPARQL property-path text (``(<a>|<b>)``, ``^<p>``,
    ``(<a>/<b>)``, ``<p>*``), ``None`` when the result has none; ``component``: the constraint
    component IRI; ``severity``: ``violation|warning|info`` (a custom severity keeps its IRI);
    ``messages``: sorted ``(lang, text)`` pairs (lang ``""`` when untagged).

    Results sort by (focus, path, value, component, severity, shape, messages) in N-Triples text,
    ``None`` first.

    >>> r = ShaclResult(ox.NamedNode("urn:x"), "urn:p", None, SH + "MinCountConstraintComponent",
    ...                 "violation", ox.BlankNode("b0"), (("en", "missing"),))
    >>> r.key()[:2]
    ('<urn:x>', 'urn:p')
    """

    focus: Any
    path: str | None
    value: Any
    component: str | None
    severity: str
    shape: Any
    messages: tuple[tuple[str, str], ...] = ()

    def key(self) -> tuple[str, str | None, str | None, str | None, str]:
        """(focus, path, value, component, severity) as text: what validators must agree on."""
        return (str(self.focus), self.path, None if self.value is None else str(self.value), self.component,
                self.severity)

    def _order(self) -> tuple:
        return (
            str(self.focus),
            self.path or "",
            "" if self.value is None else str(self.value),
            self.component or "",
            self.severity,
            str(self.shape),
            self.messages,
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, ShaclResult):
            return NotImplemented
        return self._order() < other._order()


# --------------------------------------------------------------------------------------------
# Shapes graph access (pyoxigraph terms)


class _Graph:
    """A small subject→predicate→objects index of a (shapes or report) graph."""

    def __init__(self, triples: Iterable[Any]):
        self.spo: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.pos: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        for t in triples:
            s, p, o = t.subject, t.predicate.value, t.object
            if o not in self.spo[s][p]:
                self.spo[s][p].append(o)
                self.pos[p].append((s, o))

    def objs(self, s: Any, p: str) -> list[Any]:
        d = self.spo.get(s)
        return list(d.get(p, ())) if d else []

    def one(self, s: Any, p: str) -> Any:
        v = self.objs(s, p)
        return v[0] if v else None

    def items(self, head: Any) -> list[Any]:
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


def _path_text(g: _Graph, node: Any, depth: int = 0) -> str:
    """SPARQL property-path text of a SHACL path node (IRIs in brackets)."""
    if depth > 50:
        raise ValueError("SHACL path too deep")
    if isinstance(node, ox.NamedNode):
        return str(node)
    if g.one(node, RDF + "first") is not None:
        parts = [_path_text(g, x, depth + 1) for x in g.items(node)]
        return parts[0] if len(parts) == 1 else "(" + "/".join(parts) + ")"
    for p, fmt in (
        (SH + "alternativePath", None),
        (SH + "inversePath", "^{}"),
        (SH + "zeroOrMorePath", "{}*"),
        (SH + "oneOrMorePath", "{}+"),
        (SH + "zeroOrOnePath", "{}?"),
    ):
        inner = g.one(node, p)
        if inner is None:
            continue
        if fmt is None:
            parts = [_path_text(g, x, depth + 1) for x in g.items(inner)]
            return "(" + "|".join(parts) + ")"
        t = _path_text(g, inner, depth + 1)
        if not (t.startswith("<") or t.startswith("(")):
            t = "(" + t + ")"
        return fmt.format(t)
    raise ValueError(f"not a SHACL path: {node}")


def _result_path(text: str | None) -> str | None:
    """ShaclResult.path form: a predicate path loses its brackets."""
    if text is None:
        return None
    if text.startswith("<") and text.endswith(">") and ">" not in text[1:-1]:
        return text[1:-1]
    return text


def _severity(term: Any) -> str:
    if term is None:
        return "violation"
    return _SEVERITY.get(term.value, term.value) if isinstance(term, ox.NamedNode) else str(term)


def _messages(lits: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted({(o.language or "", o.value) for o in lits if isinstance(o, ox.Literal)})
    )


def _is_true(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.value in ("true", "1")


def _text(term: Any, engine: Any = None) -> str:
    if isinstance(term, ox.BlankNode) and engine is not None:
        return engine.node_ref(term)
    if isinstance(term, ox.BlankNode):
        raise _Unsupported("a blank node in a shape parameter cannot be written in a query")
    return str(term)


class _Unsupported(Exception):
    pass


_TARGETS = (SH + "targetClass", SH + "targetNode", SH + "targetSubjectsOf", SH + "targetObjectsOf")

# Default messages when a shape has no sh:message: (en, fr), formatted with the parameter text.
_DEFAULT_MESSAGES: dict[str, tuple[str, str]] = {
    "Class": ("Value is not an instance of {}", "La valeur n'est pas une instance de {}"),
    "Datatype": ("Value is not a valid literal of datatype {}",
                 "La valeur n'est pas un littéral valide du type {}"),
    "NodeKind": ("Value is not of node kind {}", "La valeur n'est pas du genre de nœud {}"),
    "MinCount": ("Fewer than {} values", "Moins de {} valeurs"),
    "MaxCount": ("More than {} values", "Plus de {} valeurs"),
    "MinInclusive": ("Value is not >= {}", "La valeur n'est pas >= {}"),
    "MaxInclusive": ("Value is not <= {}", "La valeur n'est pas <= {}"),
    "MinExclusive": ("Value is not > {}", "La valeur n'est pas > {}"),
    "MaxExclusive": ("Value is not < {}", "La valeur n'est pas < {}"),
    "MinLength": ("Value is shorter than {} characters", "La valeur a moins de {} caractères"),
    "MaxLength": ("Value is longer than {} characters", "La valeur a plus de {} caractères"),
    "Pattern": ("Value does not match the pattern {}", "La valeur ne suit pas le motif {}"),
    "LanguageIn": ("Language tag is not one of {}", "La langue n'est pas parmi {}"),
    "UniqueLang": ("More than one value with the same language",
                   "Plusieurs valeurs dans la même langue"),
    "In": ("Value is not one of {}", "La valeur n'est pas parmi {}"),
    "HasValue": ("Missing the value {}", "La valeur {} manque"),
    "Equals": ("Values differ from those of {}", "Les valeurs diffèrent de celles de {}"),
    "Disjoint": ("Value is also a value of {}", "La valeur est aussi une valeur de {}"),
    "LessThan": ("Value is not < the values of {}", "La valeur n'est pas < celles de {}"),
    "LessThanOrEquals": ("Value is not <= the values of {}", "La valeur n'est pas <= celles de {}"),
    "Node": ("Value does not conform to shape {}", "La valeur n'est pas conforme à la forme {}"),
    "Not": ("Value conforms to the excluded shape {}",
            "La valeur est conforme à la forme exclue {}"),
    "And": ("Value does not conform to all the shapes", "La valeur n'est pas conforme à toutes les formes"),
    "Or": ("Value conforms to none of the shapes", "La valeur n'est conforme à aucune des formes"),
    "Xone": ("Value does not conform to exactly one shape",
             "La valeur n'est pas conforme à exactement une forme"),
    "QualifiedMinCount": ("Fewer than {} values conform to the qualified shape",
                          "Moins de {} valeurs conformes à la forme qualifiée"),
    "QualifiedMaxCount": ("More than {} values conform to the qualified shape",
                          "Plus de {} valeurs conformes à la forme qualifiée"),
    "Closed": ("Property not allowed by the closed shape",
               "Propriété non permise par la forme fermée"),
    "SPARQL": ("SPARQL constraint not satisfied", "Contrainte SPARQL non satisfaite"),
}

_COMPONENT_PARAM = {
    "Class": "class", "Datatype": "datatype", "NodeKind": "nodeKind", "MinCount": "minCount",
    "MaxCount": "maxCount", "MinInclusive": "minInclusive", "MaxInclusive": "maxInclusive",
    "MinExclusive": "minExclusive", "MaxExclusive": "maxExclusive", "MinLength": "minLength",
    "MaxLength": "maxLength", "Pattern": "pattern", "LanguageIn": "languageIn", "In": "in",
    "HasValue": "hasValue", "Equals": "equals", "Disjoint": "disjoint", "LessThan": "lessThan",
    "LessThanOrEquals": "lessThanOrEquals", "Node": "node", "Not": "not",
    "QualifiedMinCount": "qualifiedMinCount", "QualifiedMaxCount": "qualifiedMaxCount",
}


def _param_text(g: _Graph, shape: Any, local: str) -> str:
    p = _COMPONENT_PARAM.get(local)
    if p is None:
        return ""
    vals = g.objs(shape, SH + p)
    if p in ("languageIn", "in"):
        vals = [x for v in vals for x in g.items(v)]
    from solkg.namespaces import compact

    def one(v: Any) -> str:
        if isinstance(v, ox.NamedNode):
            return compact(v.value)
        if isinstance(v, ox.Literal):
            return v.value
        return "[]"

    return ", ".join(sorted(one(v) for v in vals))


def _default_messages(g: _Graph, shape: Any, component: str | None) -> tuple[tuple[str, str], ...]:
    if not component or not component.startswith(SH) or not component.endswith("ConstraintComponent"):
        return ()
    local = component[len(SH):-len("ConstraintComponent")]
    tpl = _DEFAULT_MESSAGES.get(local)
    if tpl is None:
        return ()
    arg = _param_text(g, shape, local)
    return tuple(sorted((("en", tpl[0].format(arg)), ("fr", tpl[1].format(arg)))))


# --------------------------------------------------------------------------------------------
# The "sparql" engine


class _R:
    """A raw result with pyoxigraph terms, before encoding."""

    __slots__ = ("focus", "path", "value", "component", "shape", "messages")

    def __init__(self, focus, path, value, component, shape, messages=None):
        self.focus, self.path, self.value = focus, path, value
        self.component, self.shape, self.messages = component, shape, messages


class _Focus:
    """Focus nodes of one evaluation: the nodes, and SPARQL patterns that bind ?this to them."""

    __slots__ = ("nodes", "_patterns", "key", "_engine")

    def __init__(self, engine, nodes, key=None):
        self._engine = engine
        self.nodes = nodes
        self._patterns = None
        self.key = key if key is not None else ("N", tuple(sorted(engine.index_of(n) for n in nodes)))

    @property
    def patterns(self) -> list[str]:
        if self._patterns is None:
            self._patterns = self._engine.node_patterns(self.nodes)
        return self._patterns


_NUMERIC = {XSD + n for n in INTEGER_RANGES} | {XSD + "decimal", XSD + "double", XSD + "float"}
_FLOATS = {XSD + "double", XSD + "float"}
_TIMEY = {XSD + "date", XSD + "dateTime", XSD + "gYear"}


def _num(term: Any):
    """Numeric value of a valid numeric literal (Decimal or float), else None."""
    if not isinstance(term, ox.Literal):
        return None
    d = term.datatype.value
    if d not in _NUMERIC or is_ill_typed(term.value, d):
        return None
    if d in _FLOATS:
        v = term.value
        return float(v.replace("INF", "inf")) if "INF" in v else float(v)
    return Decimal(term.value)


def _compare(a: Any, b: Any) -> int | None:
    """SPARQL-style comparison of two terms: -1, 0, 1, or None (type error / unsupported)."""
    x, y = _num(a), _num(b)
    if x is not None and y is not None:
        if isinstance(x, float) or isinstance(y, float):
            x, y = float(x), float(y)
            if x != x or y != y:
                return None
        return (x > y) - (x < y)
    if not (isinstance(a, ox.Literal) and isinstance(b, ox.Literal)):
        return None
    da, db = a.datatype.value, b.datatype.value
    if da == db == XSD + "string":
        return (a.value > b.value) - (a.value < b.value)
    if da == db and da in _TIMEY and not is_ill_typed(a.value, da) and not is_ill_typed(b.value, db):
        tz = re.compile(r"(Z|[+-]\d\d:\d\d)$")
        if tz.search(a.value) or tz.search(b.value) or a.value.startswith("-") or b.value.startswith("-"):
            return None  # left to the caller's SPARQL fallback
        ka, kb = a.value.rjust(30, "0"), b.value.rjust(30, "0")
        return (ka > kb) - (ka < kb)
    if da == db == XSD + "boolean":
        va, vb = a.value in ("true", "1"), b.value in ("true", "1")
        return (va > vb) - (va < vb)
    return None


def _lang_matches(tag: str, rng: str) -> bool:
    tag, rng = tag.lower(), rng.lower()
    if rng == "*":
        return bool(tag)
    return tag == rng or tag.startswith(rng + "-")


_NODE_FN = "urn:solkg:shacl:node"
_NONE: list[Any] = []  # never appended to


class _Targets:
    """What makes a node a focus node of one shape: its class closure, nodes, predicates."""

    __slots__ = ("classes", "class_names", "nodes", "node_set", "subjects_of", "objects_of")

    def __init__(self, classes: frozenset, nodes: list, subjects_of: list[str], objects_of: list[str]):
        self.classes, self.nodes, self.node_set = classes, nodes, set(nodes)
        self.class_names = frozenset(map(str, classes))
        self.subjects_of, self.objects_of = subjects_of, objects_of


class _SparqlEngine:
    """SHACL Core + SHACL-SPARQL over a pyoxigraph Store, in bounded memory.

    Targets, complex paths, sh:sparql and sh:closed run as SPARQL in Oxigraph; the value-level
    components are evaluated in Python. Focus nodes stream from one SPARQL query (every node some
    shape targets) in chunks of ``focus_chunk``; each chunk is checked against every shape, with
    the triples of its nodes read once from the store (one ``quads_for_pattern`` per node) and
    the values of other nodes (``sh:class`` types, inverse paths) read on demand, then every
    cache is dropped: memory follows the chunk, not the data. SHACL results of a focus node do
    not depend on the other focus nodes, so the chunking changes no result (the rule taken for
    recursive shapes, which SHACL leaves undefined, applies within a chunk). Measured on 1.2M
    triples in memory: reading the chunk's triples per node cost about what one index per
    predicate did (2-3 us per triple), and one SPARQL query per constraint cost 0.3-0.8 s each.
    """

    MAX_DEPTH = 64
    CHUNK = 20000
    """Focus nodes per VALUES block of a SPARQL query."""
    FOCUS_CHUNK = 50000
    """Focus nodes checked together: bounds the memory of the caches."""

    def __init__(self, store: ox.Store, data_graphs: list[Any], shapes: _Graph, *,
                 focus_chunk: int | None = None, progress: Callable[[int], None] | None = None):
        self.store = store
        self.graphs = data_graphs
        self.graph_set = set(data_graphs)
        self.multi = len(data_graphs) > 1
        self.g = shapes
        self.focus_chunk = focus_chunk or self.FOCUS_CHUNK
        self.progress = progress
        self.cache: dict[tuple[Any, Any], list[_R]] = {}
        self.active: set[tuple[Any, Any]] = set()
        self.nodes: list[Any] = []
        self.node_index: dict[Any, int] = {}
        self._kept = 0  # nodes[:_kept] outlive a chunk (the target query refers to them)
        self.functions = {ox.NamedNode(_NODE_FN): lambda i: self.nodes[int(i.value)]}
        self.closures: dict[Any, frozenset] = {}
        self.predicates: dict[str, ox.NamedNode] = {}
        # per chunk: triples of its focus nodes, and values read for other nodes
        self.described: dict[Any, dict[str, list[Any]]] = {}
        self.out_values: dict[str, dict[Any, list[Any]]] = defaultdict(dict)
        self.in_values: dict[str, dict[Any, list[Any]]] = defaultdict(dict)
        self._values: dict[tuple, dict[Any, list[Any]]] = {}

    # -- helpers
    def q(self, text: str):
        return self.store.query(text, default_graph=self.graphs, custom_functions=self.functions)

    def index_of(self, term: Any) -> int:
        i = self.node_index.get(term)
        if i is None:
            i = self.node_index[term] = len(self.nodes)
            self.nodes.append(term)
        return i

    def node_ref(self, term: Any) -> str:
        """An expression that evaluates to ``term`` (works for blank nodes of the store too)."""
        return f"<{_NODE_FN}>({self.index_of(term)})"

    def node_patterns(self, terms: Iterable[Any], var: str = "this") -> list[str]:
        """Patterns binding ``?var`` to each of ``terms`` (in chunks).

        IRIs and literals go inline in VALUES (measured: 0.8 s for a SHACL-SPARQL constraint on
        8,424 focus nodes, against 9.6 s with the target pattern as a sub-select); blank nodes,
        which a query cannot name, go through a custom function (slow in joins: kept for them).
        """
        named, blank = [], []
        for t in dict.fromkeys(terms):
            (blank if isinstance(t, ox.BlankNode) else named).append(t)
        named.sort(key=str)
        out = []
        for k in range(0, len(named), self.CHUNK):
            out.append(f"VALUES ?{var} {{ " + " ".join(map(str, named[k:k + self.CHUNK])) + " }")
        idx = sorted(self.index_of(t) for t in blank)
        for k in range(0, len(idx), self.CHUNK):
            vals = " ".join(map(str, idx[k:k + self.CHUNK]))
            out.append(f"{{ VALUES ?__i {{ {vals} }} BIND(<{_NODE_FN}>(?__i) AS ?{var}) }}")
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
        for n in nodes:
            if n in described:
                continue
            d: dict[str, list[Any]] = {}
            if not isinstance(n, ox.Literal):
                for quad in quads(n, None, None, None):
                    if quad.graph_name in graphs:
                        p = quad.predicate.value
                        lst = d.get(p)
                        if lst is None:
                            d[p] = [quad.object]
                        elif not multi or quad.object not in lst:
                            lst.append(quad.object)
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
        c = self.closures.get(cls)
        if c is None:
            rows = self.q(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {_text(cls)} }}")
            c = self.closures[cls] = frozenset([cls, *(r["c"] for r in rows)])
        return c

    def shapes_with_targets(self) -> list[Any]:
        g = self.g
        found = set()
        for p in _TARGETS:
            for s, _ in g.pos.get(p, ()):
                found.add(s)
        types = defaultdict(set)
        for s, o in g.pos.get(RDF + "type", ()):
            types[s].add(o.value if isinstance(o, ox.NamedNode) else None)
        for s, ts in types.items():
            if RDFS + "Class" in ts and (SH + "NodeShape" in ts or SH + "PropertyShape" in ts):
                found.add(s)
        return sorted(found, key=str)

    def targets(self, shape: Any) -> _Targets:
        """What selects the focus nodes of ``shape`` (SHACL targets, implicit class targets)."""
        g = self.g
        classes = list(g.objs(shape, SH + "targetClass"))
        ts = {o.value for o in g.objs(shape, RDF + "type") if isinstance(o, ox.NamedNode)}
        if RDFS + "Class" in ts and (SH + "NodeShape" in ts or SH + "PropertyShape" in ts):
            classes.append(shape)
        closure: set = set()
        for c in classes:
            if not isinstance(c, ox.Literal):
                closure |= self.closure(c)
        preds = [(p.value, p) for p in g.objs(shape, SH + "targetSubjectsOf") if isinstance(p, ox.NamedNode)]
        inv = [(p.value, p) for p in g.objs(shape, SH + "targetObjectsOf") if isinstance(p, ox.NamedNode)]
        return _Targets(frozenset(closure), list(dict.fromkeys(g.objs(shape, SH + "targetNode"))),
                        [p for p, _ in preds], [p for p, _ in inv])

    def candidates(self, specs: list[_Targets]) -> Iterable[Any]:
        """Every node some shape targets, once: the ``sh:targetNode`` nodes, then one SPARQL query."""
        fixed = list(dict.fromkeys(n for t in specs for n in t.nodes))
        yield from fixed
        classes = set().union(*(t.classes for t in specs))
        parts = [f"{{ {pattern} ?this <{RDF}type> ?__c }}" for pattern in self.node_patterns(classes, "__c")]
        parts += [f"{{ ?this <{p}> ?__o }}" for p in sorted({p for t in specs for p in t.subjects_of})]
        parts += [f"{{ ?__s <{p}> ?this }}" for p in sorted({p for t in specs for p in t.objects_of})]
        self._kept = len(self.nodes)
        if not parts:
            return
        fixed_set = set(fixed)
        for row in self.q("SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " }"):
            node = row[0]
            if node not in fixed_set:
                yield node

    def focus_nodes(self, spec: _Targets, chunk: list[Any], types: list[frozenset]) -> list[Any]:
        """The nodes of ``chunk`` that ``spec`` targets (``types``: their rdf:type, as N-Triples)."""
        classes = spec.class_names
        if not (spec.nodes or spec.subjects_of or spec.objects_of):
            return [n for n, ts in zip(chunk, types, strict=True) if not classes.isdisjoint(ts)] if classes else []
        return [
            n for n, ts in zip(chunk, types, strict=True)
            if n in spec.node_set
            or not classes.isdisjoint(ts)
            or any(self.objects(n, p) for p in spec.subjects_of)
            or any(self.subjects(p, n) for p in spec.objects_of)
        ]

    def reset(self) -> None:
        """Drop everything read or computed for the chunk just checked."""
        self.cache.clear()
        self._values.clear()
        self.described.clear()
        self.out_values.clear()
        self.in_values.clear()
        del self.nodes[self._kept:]
        self.node_index = {n: i for i, n in enumerate(self.nodes)}

    def run(self) -> list[_R]:
        out: list[_R] = []
        shapes = [s for s in self.shapes_with_targets() if not _is_true(self.g.one(s, SH + "deactivated"))]
        specs = [self.targets(s) for s in shapes]
        stream = iter(self.candidates(specs))
        done = 0
        while True:
            chunk = list(itertools.islice(stream, self.focus_chunk))
            if not chunk:
                break
            self.describe(chunk)
            types = [frozenset(map(str, self.objects(n, RDF + "type"))) for n in chunk]
            focus_by_nodes: dict[tuple, _Focus] = {}
            for shape, spec in zip(shapes, specs, strict=True):
                nodes = self.focus_nodes(spec, chunk, types)
                if not nodes:
                    continue
                key = tuple(nodes)
                focus = focus_by_nodes.get(key)
                if focus is None:
                    focus = focus_by_nodes[key] = _Focus(self, nodes, ("T", len(focus_by_nodes)))
                out.extend(self.evaluate(shape, focus, 0))
            done += len(chunk)
            del chunk, types, focus_by_nodes
            self.reset()
            if self.progress:
                self.progress(done)
        return out

    # -- evaluation of one shape on some focus nodes
    def evaluate(self, shape: Any, focus: _Focus, depth: int) -> list[_R]:
        key = (shape, focus.key)
        if key in self.cache:
            return self.cache[key]
        if depth > self.MAX_DEPTH:
            raise RecursionError(f"shape recursion deeper than {self.MAX_DEPTH} at {shape}")
        if key in self.active:  # a recursive shape on the same nodes: assume it conforms
            return []
        self.active.add(key)
        try:
            res = self._evaluate(shape, focus, depth)
        finally:
            self.active.discard(key)
        self.cache[key] = res
        return res

    def values(self, focus: _Focus, path_node: Any, path: str | None) -> dict[Any, list[Any]]:
        """focus node -> its distinct value nodes (every focus node is a key); cached."""
        key = (focus.key, path)
        got = self._values.get(key)
        if got is not None:
            return got
        if path is None:
            out = {n: [n] for n in focus.nodes}
        else:
            step = self.py_path(path_node)
            if step is not None:
                out = {n: step(n) for n in focus.nodes}
            else:
                out = {n: [] for n in focus.nodes}
                for F in focus.patterns:
                    for r in self.q(f"SELECT DISTINCT ?this ?v WHERE {{ {F} ?this {path} ?v . }}"):
                        out.setdefault(r["this"], []).append(r["v"])
        self._values[key] = out
        return out

    def py_path(self, node: Any, depth: int = 0):
        """A function node -> distinct values for predicate, inverse, sequence and alternative
        paths of predicates (from the indexes); None for the rest (run in SPARQL)."""
        g = self.g
        if depth > 20:
            return None
        if isinstance(node, ox.NamedNode):
            return lambda n, p=node.value: self.objects(n, p)
        if g.one(node, RDF + "first") is not None:
            steps = [self.py_path(x, depth + 1) for x in g.items(node)]
            if not steps or None in steps:
                return None

            def seq(n, steps=steps):
                cur = [n]
                for st in steps:
                    cur = list(dict.fromkeys(v for c in cur for v in st(c)))
                return cur

            return seq
        inv = g.one(node, SH + "inversePath")
        if isinstance(inv, ox.NamedNode):
            return lambda n, p=inv.value: self.subjects(p, n)
        alt = g.one(node, SH + "alternativePath")
        if alt is not None:
            steps = [self.py_path(x, depth + 1) for x in g.items(alt)]
            if not steps or None in steps:
                return None
            return lambda n, steps=steps: list(dict.fromkeys(v for st in steps for v in st(n)))
        return None

    def _evaluate(self, shape: Any, focus: _Focus, depth: int) -> list[_R]:
        g = self.g
        res: list[_R] = []
        if _is_true(g.one(shape, SH + "deactivated")):
            return res
        path_node = g.one(shape, SH + "path")
        path = _path_text(g, path_node) if path_node is not None else None
        msgs = _messages(g.objs(shape, SH + "message")) or None
        vals = self.values(focus, path_node, path)

        def emit(local: str, f: Any, v: Any = None, p: str | None = path) -> None:
            res.append(_R(f, p, v, SH + local + "ConstraintComponent", shape, msgs))

        def per_value(local: str, bad) -> None:
            for f, vs in vals.items():
                for v in vs:
                    if bad(v):
                        emit(local, f, v)

        for c in g.objs(shape, SH + "class"):
            ok = self.closure(c)
            per_value("Class", lambda v, ok=ok: ok.isdisjoint(self.objects(v, RDF + "type")))
        for dt in g.objs(shape, SH + "datatype"):
            d = dt.value if isinstance(dt, ox.NamedNode) else None
            checked = d in CHECKED_DATATYPES

            def bad_dt(v, d=d, checked=checked):
                if not isinstance(v, ox.Literal) or v.datatype.value != d:
                    return True
                return checked and is_ill_typed(v.value, d) is not None

            per_value("Datatype", bad_dt)
        for nk in g.objs(shape, SH + "nodeKind"):
            kinds = self.nodekind(nk)
            per_value("NodeKind", lambda v, kinds=kinds: not isinstance(v, kinds))
        for local, ok_cmp in (("minInclusive", lambda c: c >= 0), ("maxInclusive", lambda c: c <= 0),
                              ("minExclusive", lambda c: c > 0), ("maxExclusive", lambda c: c < 0)):
            comp = local[0].upper() + local[1:]
            for lit in g.objs(shape, SH + local):
                if _num(lit) is not None:
                    def bad_cmp(v, lit=lit, ok_cmp=ok_cmp):
                        c = _compare(v, lit)
                        return c is None or not ok_cmp(c)

                    per_value(comp, bad_cmp)
                else:  # non-numeric bound: let Oxigraph compare
                    op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">",
                          "maxExclusive": "<"}[local]
                    for f, v in self.sel(focus, path, f"!COALESCE(?v {op} {_text(lit, self)}, false)"):
                        emit(comp, f, v)
        for lit in g.objs(shape, SH + "minLength"):
            k = int(lit.value)
            per_value("MinLength", lambda v, k=k: isinstance(v, ox.BlankNode) or len(v.value) < k)
        for lit in g.objs(shape, SH + "maxLength"):
            k = int(lit.value)
            per_value("MaxLength", lambda v, k=k: isinstance(v, ox.BlankNode) or len(v.value) > k)
        for pat in g.objs(shape, SH + "pattern"):
            flags = g.one(shape, SH + "flags")
            rx = _python_regex(pat.value, flags.value if flags is not None else "")
            per_value("Pattern", lambda v, rx=rx: isinstance(v, ox.BlankNode) or rx.search(v.value) is None)
        for lst in g.objs(shape, SH + "languageIn"):
            tags = [x.value for x in g.items(lst) if isinstance(x, ox.Literal)]
            per_value("LanguageIn", lambda v, tags=tags: not (
                isinstance(v, ox.Literal) and v.language and any(_lang_matches(v.language, t) for t in tags)))
        for u in g.objs(shape, SH + "uniqueLang"):
            # only "true": the W3C suite (uniqueLang-002) says "1"^^xsd:boolean leaves it off
            if isinstance(u, ox.Literal) and u.value == "true" and path is not None:
                for f, vs in vals.items():
                    seen: dict[str, int] = defaultdict(int)
                    for v in vs:
                        if isinstance(v, ox.Literal) and v.language:
                            seen[v.language.lower()] += 1
                    for lang in sorted(seen):
                        if seen[lang] > 1:
                            emit("UniqueLang", f)
        for lst in g.objs(shape, SH + "in"):
            members = set(g.items(lst))
            per_value("In", lambda v, members=members: v not in members)
        for hv in g.objs(shape, SH + "hasValue"):
            for f, vs in vals.items():
                if hv not in vs:
                    emit("HasValue", f)
        for n in g.objs(shape, SH + "minCount"):
            k = int(n.value)
            for f, vs in vals.items():
                if len(vs) < k:
                    emit("MinCount", f)
        for n in g.objs(shape, SH + "maxCount"):
            k = int(n.value)
            for f, vs in vals.items():
                if len(vs) > k:
                    emit("MaxCount", f)
        for p in g.objs(shape, SH + "equals"):
            other = p.value
            for f, vs in vals.items():
                os_ = self.objects(f, other)
                for v in vs:
                    if v not in os_:
                        emit("Equals", f, v)
                for o in os_:
                    if o not in vs:
                        emit("Equals", f, o)
        for p in g.objs(shape, SH + "disjoint"):
            other = p.value
            for f, vs in vals.items():
                os_ = self.objects(f, other)
                for v in vs:
                    if v in os_:
                        emit("Disjoint", f, v)
        for local, ok_cmp in (("lessThan", lambda c: c < 0), ("lessThanOrEquals", lambda c: c <= 0)):
            for p in g.objs(shape, SH + local):
                other = p.value
                comp = local[0].upper() + local[1:]
                for f, vs in vals.items():
                    for v in vs:
                        for o in self.objects(f, other):  # one result per (value, other value) pair
                            c = _compare(v, o)
                            if c is None or not ok_cmp(c):
                                emit(comp, f, v)
        if _is_true(g.one(shape, SH + "closed")):
            allowed = set()
            for ps in g.objs(shape, SH + "property"):
                pp = g.one(ps, SH + "path")
                if isinstance(pp, ox.NamedNode):
                    allowed.add(str(pp))
            for lst in g.objs(shape, SH + "ignoredProperties"):
                allowed.update(str(x) for x in g.items(lst) if isinstance(x, ox.NamedNode))
            cond = f"FILTER(?p NOT IN ({', '.join(sorted(allowed))}))" if allowed else ""
            for F in focus.patterns:
                vn = f"{F} BIND(?this AS ?v)" if path is None else f"{F} ?this {path} ?v ."
                for r in self.q(f"SELECT DISTINCT ?this ?v ?p ?o WHERE {{ {vn} ?v ?p ?o . {cond} }}"):
                    emit("Closed", r["this"], r["o"], str(r["p"]))
        # shape-based components: evaluate the nested shapes on the distinct value nodes
        nested = []
        for s2 in g.objs(shape, SH + "node"):
            nested.append(("Node", [s2]))
        for s2 in g.objs(shape, SH + "not"):
            nested.append(("Not", [s2]))
        for key2 in ("and", "or", "xone"):
            for lst in g.objs(shape, SH + key2):
                nested.append((key2[0].upper() + key2[1:], g.items(lst)))
        qvs = g.objs(shape, SH + "qualifiedValueShape")
        props = g.objs(shape, SH + "property")
        child = None
        if nested or qvs or (props and path is not None):
            distinct = list(dict.fromkeys(v for vs in vals.values() for v in vs))
            child = focus if path is None else _Focus(self, distinct)
        for local, subshapes in nested:
            failing = [self.failing(s2, child, depth) for s2 in subshapes]
            for f, vs in vals.items():
                for v in vs:
                    bad = [v in fl for fl in failing]
                    ok_n = len(bad) - sum(bad)
                    if (
                        (local in ("Node", "And") and any(bad))
                        or (local == "Not" and not bad[0])
                        or (local == "Or" and ok_n == 0)
                        or (local == "Xone" and ok_n != 1)
                    ):
                        emit(local, f, v)
        for qv in qvs:
            self.qualified(shape, qv, child, vals, path, depth, res, msgs)
        if props and path is None:
            for ps in props:
                res.extend(self.evaluate(ps, focus, depth + 1))
        elif props:
            # on a property shape, sh:property applies to the value nodes, once per (focus, value)
            mult: dict[Any, int] = defaultdict(int)
            for vs in vals.values():
                for v in vs:
                    mult[v] += 1
            for ps in props:
                for r in self.evaluate(ps, child, depth + 1):
                    res.extend([r] * mult.get(r.focus, 1))
        for sc in g.objs(shape, SH + "sparql"):
            res.extend(self.sparql_constraint(shape, sc, focus, path, msgs))
        return res

    def sel(self, focus: _Focus, path: str | None, cond: str):
        out = []
        for F in focus.patterns:
            vn = f"{F} BIND(?this AS ?v)" if path is None else f"{F} ?this {path} ?v ."
            out.extend((r["this"], r["v"]) for r in self.q(
                f"SELECT DISTINCT ?this ?v WHERE {{ {vn} FILTER({cond}) }}"))
        return out

    def failing(self, shape: Any, focus: _Focus, depth: int) -> set:
        return {r.focus for r in self.evaluate(shape, focus, depth + 1)}

    @staticmethod
    def nodekind(nk: Any) -> tuple:
        iri, bn, lit = ox.NamedNode, ox.BlankNode, ox.Literal
        m = {
            "IRI": (iri,), "BlankNode": (bn,), "Literal": (lit,), "BlankNodeOrIRI": (bn, iri),
            "BlankNodeOrLiteral": (bn, lit), "IRIOrLiteral": (iri, lit),
        }
        local = nk.value[len(SH):] if isinstance(nk, ox.NamedNode) and nk.value.startswith(SH) else None
        if local not in m:
            raise _Unsupported(f"unknown sh:nodeKind {nk}")
        return m[local]

    def qualified(self, shape, qv, child, vals, path, depth, res, msgs):
        g = self.g
        qmin = g.one(shape, SH + "qualifiedMinCount")
        qmax = g.one(shape, SH + "qualifiedMaxCount")
        siblings = []
        if _is_true(g.one(shape, SH + "qualifiedValueShapesDisjoint")):
            for parent in [s for s, o in g.pos.get(SH + "property", ()) if o == shape]:
                for sib in g.objs(parent, SH + "property"):
                    if sib != shape:
                        siblings.extend(g.objs(sib, SH + "qualifiedValueShape"))
        fail_q = self.failing(qv, child, depth)
        fail_sib = [self.failing(s, child, depth) for s in siblings]
        for f, vs in vals.items():
            n = sum(1 for v in vs if v not in fail_q and all(v in fs for fs in fail_sib))
            if qmin is not None and n < int(qmin.value):
                res.append(_R(f, path, None, SH + "QualifiedMinCountConstraintComponent", shape, msgs))
            if qmax is not None and n > int(qmax.value):
                res.append(_R(f, path, None, SH + "QualifiedMaxCountConstraintComponent", shape, msgs))

    def sparql_constraint(self, shape, sc, focus, path, shape_msgs):
        g = self.g
        if _is_true(g.one(sc, SH + "deactivated")):
            return []
        sel = g.one(sc, SH + "select")
        if sel is None:
            return []
        prefixes = []
        for pnode in g.objs(sc, SH + "prefixes"):
            for decl in g.objs(pnode, SH + "declare"):
                pre, ns = g.one(decl, SH + "prefix"), g.one(decl, SH + "namespace")
                if pre is not None and ns is not None:
                    prefixes.append(f"PREFIX {pre.value}: <{ns.value}>")
        text = sel.value
        if path is not None:
            text = re.sub(r"\$PATH\b", path, text)
        if isinstance(shape, ox.NamedNode):
            text = re.sub(r"[$?]currentShape\b", str(shape), text)
        text = re.sub(r"\$this\b", "?this", text)
        messages = [m for m in g.objs(sc, SH + "message") if isinstance(m, ox.Literal)]
        if not messages:
            messages = [m for m in g.objs(shape, SH + "message") if isinstance(m, ox.Literal)]
        names = _select_vars(text)
        out, seen = [], set()
        for F in focus.patterns:
            query = "\n".join(prefixes) + "\n" + _inject_focus(text, F)
            for row in self.q(query):
                binds = {}
                for var in names:
                    try:
                        t = row[var]
                    except (KeyError, IndexError):
                        t = None
                    if t is not None:
                        binds[var] = t
                if _is_true(binds.get("failure")):
                    raise RuntimeError(f"SPARQL constraint of {shape} reported a failure")
                f = binds.get("this")
                value = binds.get("value", f if path is None else None)
                rpath = path if binds.get("path") is None else str(binds["path"])
                binds["value"] = value
                texts = []
                for m in messages:
                    s = m.value
                    for name, t in binds.items():
                        if t is not None:
                            s = re.sub("{[?$]" + re.escape(name) + "}", t.value.replace("\\", "\\\\"), s)
                    texts.append((m.language or "", s))
                key = (f, rpath, value, tuple(texts))
                if key in seen:
                    continue
                seen.add(key)
                out.append(_R(f, rpath, value, SH + "SPARQLConstraintComponent", shape,
                              tuple(sorted(set(texts))) or shape_msgs))
        return out


def _python_regex(pattern: str, flags: str) -> re.Pattern:
    f = 0
    for ch in flags:
        f |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(ch, 0)
    if "q" in flags:
        pattern = re.escape(pattern)
    return re.compile(pattern, f)


def _select_vars(text: str) -> list[str]:
    return sorted(set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", text)) | {"this", "value", "path", "failure"})


def _inject_focus(query: str, F: str) -> str:
    """Put the focus pattern first in the top-level WHERE group, and project ?this."""
    i, n, depth = 0, len(query), 0
    brace = -1
    while i < n:
        ch = query[i]
        if ch in "\"'":
            j = query.find(ch, i + 1)
            while j != -1 and query[j - 1] == "\\":
                j = query.find(ch, j + 1)
            i = (j if j != -1 else n) + 1
            continue
        if ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", query[i:]):
            i += re.match(r"<[^\s<>\"{}|^`\\]*>", query[i:]).end()
            continue
        if ch == "#":
            j = query.find("\n", i)
            i = j if j != -1 else n
            continue
        if ch == "{":
            brace = i
            break
        i += 1
    del depth
    if brace < 0:
        raise _Unsupported("no WHERE group in SPARQL constraint")
    head = query[:brace]
    m = re.search(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?", head, re.IGNORECASE)
    if m and not re.match(r"\*", head[m.end():].lstrip()) and not re.search(r"[?$]this\b", head[m.end():]):
        head = head[: m.end()] + "?this " + head[m.end():]
    return head + "{ " + F + " " + query[brace + 1:]


# --------------------------------------------------------------------------------------------
# rdflib-based engines (pySHACL, pyshacl-turbo)


def _to_rdflib(term: Any):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == XSD + "string":
            return rdflib.Literal(term.value, normalize=False)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def _from_rdflib(term: Any):
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is None:
            return ox.Literal(str(term))
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    raise TypeError(f"unsupported term {term!r}")


def _rdflib_graph(quads: Iterable[Any]):
    import rdflib

    g = rdflib.Graph()
    memo: dict[Any, Any] = {}

    def conv(t):
        r = memo.get(t)
        if r is None:
            r = memo[t] = _to_rdflib(t)
        return r

    add = g.add
    for q in quads:
        add((conv(q.subject), conv(q.predicate), conv(q.object)))
    return g


def _decode_report(report: Any, shapes: _Graph) -> list[ShaclResult]:
    import rdflib

    rg = _Graph(
        ox.Triple(_from_rdflib(s), _from_rdflib(p), _from_rdflib(o))
        for s, p, o in report
        if not isinstance(s, rdflib.Literal)
    )

    class _Both(_Graph):
        def __init__(self):
            pass

        def objs(self, s, p):
            return rg.objs(s, p) or shapes.objs(s, p)

        def one(self, s, p):
            v = self.objs(s, p)
            return v[0] if v else None

    both = _Both()
    out = []
    # only the report's sh:result: nested results under sh:detail are not results of the report
    for _, r in rg.pos.get(SH + "result", ()):
        focus = rg.one(r, SH + "focusNode")
        pnode = rg.one(r, SH + "resultPath")
        path = _result_path(_path_text(both, pnode)) if pnode is not None else None
        value = rg.one(r, SH + "value")
        comp = rg.one(r, SH + "sourceConstraintComponent")
        shape = rg.one(r, SH + "sourceShape")
        sev = _severity(rg.one(r, SH + "resultSeverity"))
        component = comp.value if comp is not None else None
        if component == SH + "SPARQLConstraintComponent":
            msgs = _messages(rg.objs(r, SH + "resultMessage"))
        else:
            own = shapes.objs(shape, SH + "message")
            msgs = _messages(own) if own else _default_messages(shapes, shape, component)
        out.append(
            ShaclResult(focus, path, value, component, sev, shape, msgs)
        )
    return out


def _selected_quads(store: ox.Store, graphs: Sequence[Any]):
    for g in graphs:
        yield from store.quads_for_pattern(None, None, None, g)


def _run_pyshacl(store, data_graphs, shapes_quads, shapes):
    import pyshacl

    data = _rdflib_graph(_selected_quads(store, data_graphs))
    sg = _rdflib_graph(shapes_quads)
    _, report, _ = pyshacl.validate(
        data, shacl_graph=sg, inference="none", advanced=True, abort_on_first=False,
        allow_warnings=True, allow_infos=True,
    )
    return _decode_report(report, shapes)


def _run_turbo(store, data_graphs, shapes_quads, shapes):
    try:
        import pyshacl_turbo
    except ImportError:  # an optional engine: one line with the install command, not a traceback
        from solkg.errors import InputError

        raise InputError("the SHACL validator 'turbo' needs pyshacl-turbo: pip install pyshacl-turbo "
                         "(or solkg[turbo])") from None

    data = _rdflib_graph(_selected_quads(store, data_graphs))
    sg = _rdflib_graph(shapes_quads)
    _, report, _ = pyshacl_turbo.validate(
        data, shacl_graph=sg, inference="none", advanced=True, abort_on_first=False,
        allow_warnings=True, allow_infos=True,
    )
    return _decode_report(report, shapes)


# --------------------------------------------------------------------------------------------
# Public entry point


def validate(
    data: ox.Store,
    *,
    shapes: Sequence[ox.NamedNode] | ox.Store | Any,
    data_graphs: Sequence[ox.NamedNode | ox.DefaultGraph] | None = None,
    validator: str = DEFAULT_VALIDATOR,
    progress: Callable[[int], None] | None = None,
    focus_chunk: int | None = None,
) -> list[ShaclResult]:
    """Validate the union of ``data_graphs`` of ``data`` against ``shapes``; results sorted.

    ``data``: the store. ``data_graphs``: the graphs whose union is the SHACL data graph; include
    the ontology graphs there (``rdfs:subClassOf`` for ``sh:targetClass``/``sh:class`` over
    subclasses, SKOS concept typing for ``sh:class skos:Concept``), since SHACL reads the class
    hierarchy from the data graph (no inference is run). ``None``: every named graph of ``data``
    that is not a shapes graph, plus the default graph. ``shapes``: graph names in ``data``
    (their union is the shapes graph), or a separate ``pyoxigraph.Store`` (all its quads) or
    ``rdflib.Graph``. ``validator``: one of ``VALIDATORS``. With the ``"sparql"`` validator,
    ``progress`` is called with the number of focus nodes checked so far after each chunk of
    ``focus_chunk`` nodes (default ``_SparqlEngine.FOCUS_CHUNK``; it bounds the memory used).

    >>> import pyoxigraph as ox
    >>> st = ox.Store()
    >>> st.load(b'<urn:x> <urn:n> "x" .', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:d"))
    >>> st.load(b'@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> sh:targetSubjectsOf <urn:n> ;'
    ...         b' sh:property [ sh:path <urn:n> ; sh:datatype <http://www.w3.org/2001/XMLSchema#integer> ] .',
    ...         format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:s"))
    >>> [str(r.value) for r in validate(st, shapes=[ox.NamedNode("urn:s")])]
    ['"x"']
    """
    if validator not in VALIDATORS:
        raise ValueError(f"unknown SHACL validator {validator!r}; choose one of {', '.join(VALIDATORS)}")
    shapes_graph_names: list[Any] = []
    if isinstance(shapes, ox.Store):
        shapes_quads = list(shapes)
    elif isinstance(shapes, (list, tuple)):
        shapes_graph_names = list(shapes)
        shapes_quads = [q for g in shapes_graph_names for q in data.quads_for_pattern(None, None, None, g)]
    else:  # rdflib.Graph (or Dataset)
        nt = shapes.serialize(format="nt", encoding="utf-8")
        shapes_quads = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    if data_graphs is None:
        skip = set(shapes_graph_names)
        data_graphs = [g for g in sorted(data.named_graphs(), key=str) if g not in skip]
        data_graphs.append(ox.DefaultGraph())
    data_graphs = list(data_graphs)
    sg = _Graph(shapes_quads)
    if validator == "sparql":
        raw = _SparqlEngine(data, data_graphs, sg, focus_chunk=focus_chunk, progress=progress).run()
        results = [
            ShaclResult(
                r.focus,
                _result_path(r.path),
                r.value,
                r.component,
                _severity(sg.one(r.shape, SH + "severity")),
                r.shape,
                r.messages or _default_messages(sg, r.shape, r.component),
            )
            for r in raw
        ]
    elif validator == "pyshacl":
        results = _run_pyshacl(data, data_graphs, shapes_quads, sg)
    else:
        results = _run_turbo(data, data_graphs, shapes_quads, sg)
    results.sort()
    return results
