"""SHACL constraint components of the ``sparql`` validator: one small function per component, in a
table keyed by the component's IRI.

Each entry names the parameter that triggers it; for every value of that parameter on a shape, the
function is called with the shape's :class:`Context` (its focus nodes, their value nodes, where
results go) and the parameter's value. The functions work on all the focus nodes of a chunk at
once (set-at-a-time): value-level tests in Python over the values read for the chunk; a shape-based
component evaluates its nested shapes once on the distinct value nodes; sh:closed, non-numeric
bounds and sh:sparql run as SPARQL.

>>> [iri.removeprefix(SH) for iri in list(COMPONENTS)[:3]]
['ClassConstraintComponent', 'DatatypeConstraintComponent', 'NodeKindConstraintComponent']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from ...xsd import CHECKED_DATATYPES, is_ill_typed
from .data import DataAccess, Focus
from .results import RawResult
from .shapes import RDF, SH, ShapesGraph, is_true
from .values import compare, compare_numbers, lang_matches, node_kinds, number, python_regex


class Evaluator(Protocol):
    """What a component reads of the validator that runs it (:class:`.validator.SparqlValidator`):
    the components sit below the validator and know it only through this."""

    g: ShapesGraph
    data: DataAccess

    def focus(self, nodes: list[Any]) -> Focus: ...

    def evaluate(self, shape: Any, focus: Focus, depth: int) -> list[RawResult]: ...

    def failing(self, shape: Any, focus: Focus, depth: int) -> set: ...

    def number(self, term: Any) -> Any: ...

    def select(self, focus: Focus, path: str | None, cond: str) -> list[tuple[Any, Any]]: ...

    def sparql_constraint(self, shape: Any, sc: Any, focus: Focus, path: str | None,
                          shape_msgs: Any) -> list[RawResult]: ...


__all__ = ["COMPONENTS", "Component", "Context", "Evaluator"]

_SAME: Any = object()


class Context:
    """One shape being evaluated on one set of focus nodes: what components read and where they write.

    ``values``: focus node -> its distinct value nodes (every focus node is a key; a node shape's
    value node is the focus node itself). Results go to ``results``; or, when the shape is only
    asked which focus nodes fail (a nested shape: ``failed`` is a set), only the focus node of each
    result is kept, in ``failed``.
    """

    __slots__ = ("validator", "shape", "focus", "depth", "path", "messages", "values", "results",
                 "failed", "_child", "_child_set", "_multiplicity")

    def __init__(self, validator: Evaluator, shape: Any, focus: Focus, depth: int, path: str | None,
                 messages: Any, values: dict[Any, list[Any]], *, failing_only: bool = False):
        self.validator, self.shape, self.focus, self.depth = validator, shape, focus, depth
        self.path, self.messages, self.values = path, messages, values
        self.results: list[RawResult] = []
        self.failed: set | None = set() if failing_only else None
        self._child: Focus | None = None
        self._child_set: set | None = None
        self._multiplicity: dict[Any, int] | None = None

    @property
    def g(self):
        return self.validator.g

    @property
    def data(self):
        return self.validator.data

    def emit(self, local: str, focus: Any, value: Any = None, path: Any = _SAME) -> None:
        """Add a result of component ``sh:{local}ConstraintComponent``."""
        if self.failed is not None:
            self.failed.add(focus)
            return
        self.results.append(RawResult(focus, self.path if path is _SAME else path, value,
                                      SH + local + "ConstraintComponent", self.shape, self.messages))

    def extend(self, results: list[RawResult]) -> None:
        """Add results made elsewhere (a nested property shape's, SPARQL's)."""
        if self.failed is not None:
            self.failed.update(r.focus for r in results)
        else:
            self.results.extend(results)

    def per_value(self, local: str, bad: Callable[[Any], bool]) -> None:
        """A result for every (focus, value) where ``bad(value)`` (a test of the value alone: asked
        once per distinct value; the pairs are walked only when some value fails)."""
        self.in_set(local, {v for v in self.distinct_values() if bad(v)})

    def distinct_values(self) -> set:
        """Every value node of every focus node."""
        return set().union(*self.values.values())

    def in_set(self, local: str, bad: set) -> None:
        """A result for every (focus, value) whose value is in ``bad``."""
        if not bad:
            return
        for f, vs in self.values.items():
            for v in vs:
                if v in bad:
                    self.emit(local, f, v)

    @property
    def child(self) -> Focus:
        """The focus nodes of nested shapes: the distinct value nodes (the focus itself for a node shape)."""
        if self._child is None:
            if self.path is None:
                self._child = self.focus
            else:
                distinct = list(dict.fromkeys(v for vs in self.values.values() for v in vs))
                self._child = self.validator.focus(distinct)
        return self._child

    @property
    def child_set(self) -> set:
        """The child nodes, as a set."""
        if self._child_set is None:
            self._child_set = set(self.child.nodes) if self.path is None else self.distinct_values()
        return self._child_set

    def failing(self, shape: Any) -> set:
        """The child nodes that do not conform to ``shape``."""
        return self.validator.failing(shape, self.child, self.depth + 1)

    def multiplicity(self) -> dict[Any, int]:
        """How many (focus, value) pairs each value node is in."""
        if self._multiplicity is None:
            mult: dict[Any, int] = defaultdict(int)
            for vs in self.values.values():
                for v in vs:
                    mult[v] += 1
            self._multiplicity = mult
        return self._multiplicity


@dataclass(frozen=True)
class Component:
    """A constraint component: the parameter that triggers it and its evaluation."""

    parameter: str
    evaluate: Callable[[Context, Any], None]


# -- value type


def _class(ctx: Context, cls: Any) -> None:
    ok = ctx.data.closure(cls)
    objects = ctx.data.objects
    ctx.per_value("Class", lambda v: ok.isdisjoint(objects(v, RDF + "type")))


def _datatype(ctx: Context, dt: Any) -> None:
    d = dt.value if isinstance(dt, ox.NamedNode) else None
    checked = d in CHECKED_DATATYPES

    def bad(v):
        if not isinstance(v, ox.Literal) or v.datatype.value != d:
            return True
        return checked and is_ill_typed(v.value, d) is not None

    ctx.per_value("Datatype", bad)


def _node_kind(ctx: Context, nk: Any) -> None:
    kinds = node_kinds(nk)
    ctx.per_value("NodeKind", lambda v: not isinstance(v, kinds))


# -- value range


def _range(local: str, ok: Callable[[int], bool], op: str) -> Callable[[Context, Any], None]:
    component = local[0].upper() + local[1:]

    def evaluate(ctx: Context, bound: Any) -> None:
        limit = number(bound)
        if limit is not None:
            as_number = ctx.validator.number

            def bad(v):
                x = as_number(v)
                if x is None:  # not a valid number: incomparable with a numeric bound
                    return True
                c = compare_numbers(x, limit)
                return c is None or not ok(c)

            ctx.per_value(component, bad)
        else:  # non-numeric bound: let Oxigraph compare
            cond = f"!COALESCE(?v {op} {ctx.data.term_text(bound)}, false)"
            for f, v in ctx.validator.select(ctx.focus, ctx.path, cond):
                ctx.emit(component, f, v)

    return evaluate


# -- string-based


def _min_length(ctx: Context, lit: Any) -> None:
    k = int(lit.value)
    ctx.per_value("MinLength", lambda v: isinstance(v, ox.BlankNode) or len(v.value) < k)


def _max_length(ctx: Context, lit: Any) -> None:
    k = int(lit.value)
    ctx.per_value("MaxLength", lambda v: isinstance(v, ox.BlankNode) or len(v.value) > k)


def _pattern(ctx: Context, pat: Any) -> None:
    flags = ctx.g.one(ctx.shape, SH + "flags")
    rx = python_regex(pat.value, flags.value if flags is not None else "")
    ctx.per_value("Pattern", lambda v: isinstance(v, ox.BlankNode) or rx.search(v.value) is None)


def _language_in(ctx: Context, lst: Any) -> None:
    tags = [x.value for x in ctx.g.items(lst) if isinstance(x, ox.Literal)]
    ctx.per_value("LanguageIn", lambda v: not (
        isinstance(v, ox.Literal) and v.language and any(lang_matches(v.language, t) for t in tags)))


def _unique_lang(ctx: Context, u: Any) -> None:
    # only "true": the W3C suite (uniqueLang-002) says "1"^^xsd:boolean leaves it off
    if not (isinstance(u, ox.Literal) and u.value == "true" and ctx.path is not None):
        return
    for f, vs in ctx.values.items():
        seen: dict[str, int] = defaultdict(int)
        for v in vs:
            if isinstance(v, ox.Literal) and v.language:
                seen[v.language.lower()] += 1
        for lang in sorted(seen):
            if seen[lang] > 1:
                ctx.emit("UniqueLang", f)


# -- other values, cardinality


def _in(ctx: Context, lst: Any) -> None:
    members = set(ctx.g.items(lst))
    ctx.per_value("In", lambda v: v not in members)


def _has_value(ctx: Context, hv: Any) -> None:
    for f, vs in ctx.values.items():
        if hv not in vs:
            ctx.emit("HasValue", f)


def _min_count(ctx: Context, n: Any) -> None:
    k = int(n.value)
    for f, vs in ctx.values.items():
        if len(vs) < k:
            ctx.emit("MinCount", f)


def _max_count(ctx: Context, n: Any) -> None:
    k = int(n.value)
    for f, vs in ctx.values.items():
        if len(vs) > k:
            ctx.emit("MaxCount", f)


# -- property pairs


def _equals(ctx: Context, p: Any) -> None:
    for f, vs in ctx.values.items():
        others = ctx.data.objects(f, p.value)
        for v in vs:
            if v not in others:
                ctx.emit("Equals", f, v)
        for o in others:
            if o not in vs:
                ctx.emit("Equals", f, o)


def _disjoint(ctx: Context, p: Any) -> None:
    for f, vs in ctx.values.items():
        others = ctx.data.objects(f, p.value)
        for v in vs:
            if v in others:
                ctx.emit("Disjoint", f, v)


def _less(local: str, ok: Callable[[int], bool]) -> Callable[[Context, Any], None]:
    component = local[0].upper() + local[1:]

    def evaluate(ctx: Context, p: Any) -> None:
        for f, vs in ctx.values.items():
            for v in vs:
                for o in ctx.data.objects(f, p.value):  # one result per (value, other value) pair
                    c = compare(v, o)
                    if c is None or not ok(c):
                        ctx.emit(component, f, v)

    return evaluate


# -- closed


def _closed(ctx: Context, flag: Any) -> None:
    g, path = ctx.g, ctx.path
    if flag != g.one(ctx.shape, SH + "closed") or not is_true(flag):  # the first value of sh:closed decides
        return
    allowed = set()
    for ps in g.objs(ctx.shape, SH + "property"):
        pp = g.one(ps, SH + "path")
        if isinstance(pp, ox.NamedNode):
            allowed.add(str(pp))
    for lst in g.objs(ctx.shape, SH + "ignoredProperties"):
        allowed.update(str(x) for x in g.items(lst) if isinstance(x, ox.NamedNode))
    cond = f"FILTER(?p NOT IN ({', '.join(sorted(allowed))}))" if allowed else ""
    for F in ctx.focus.patterns:
        vn = f"{F} BIND(?this AS ?v)" if path is None else f"{F} ?this {path} ?v ."
        for r in ctx.data.q(f"SELECT DISTINCT ?this ?v ?p ?o WHERE {{ {vn} ?v ?p ?o . {cond} }}"):
            ctx.emit("Closed", r["this"], r["o"], str(r["p"]))


# -- shape-based


def _logical(local: str, many: bool, bad: Callable[[list[set], set], set]) -> Callable[[Context, Any], None]:
    def evaluate(ctx: Context, param: Any) -> None:
        shapes = ctx.g.items(param) if many else [param]
        ctx.in_set(local, bad([ctx.failing(s) for s in shapes], ctx.child_set))

    return evaluate


def _xone(failing: list[set], nodes: set) -> set:
    return {v for v in nodes if len(failing) - sum(v in fl for fl in failing) != 1}


def _qualified(local: str, parameter: str, exceeds: Callable[[int, int], bool]) -> Callable[[Context, Any], None]:
    def evaluate(ctx: Context, qv: Any) -> None:
        g, shape = ctx.g, ctx.shape
        limit = g.one(shape, SH + parameter)
        if limit is None:
            return
        siblings = []
        if is_true(g.one(shape, SH + "qualifiedValueShapesDisjoint")):
            for parent in [s for s, o in g.pos.get(SH + "property", ()) if o == shape]:
                for sib in g.objs(parent, SH + "property"):
                    if sib != shape:
                        siblings.extend(g.objs(sib, SH + "qualifiedValueShape"))
        fail_q = ctx.failing(qv)
        fail_sib = [ctx.failing(s) for s in siblings]
        for f, vs in ctx.values.items():
            n = sum(1 for v in vs if v not in fail_q and all(v in fs for fs in fail_sib))
            if exceeds(n, int(limit.value)):
                ctx.emit(local, f, None)

    return evaluate


def _property(ctx: Context, ps: Any) -> None:
    validator, depth = ctx.validator, ctx.depth + 1
    if ctx.failed is not None:  # only which nodes fail: the focus nodes of the nested results
        ctx.failed.update(validator.failing(ps, ctx.focus if ctx.path is None else ctx.child, depth))
    elif ctx.path is None:
        ctx.results.extend(validator.evaluate(ps, ctx.focus, depth))
    else:  # on a property shape, sh:property applies to the value nodes, once per (focus, value)
        mult = ctx.multiplicity()
        for r in validator.evaluate(ps, ctx.child, depth):
            ctx.results.extend([r] * mult.get(r.focus, 1))


def _sparql(ctx: Context, sc: Any) -> None:
    ctx.extend(ctx.validator.sparql_constraint(ctx.shape, sc, ctx.focus, ctx.path, ctx.messages))


_TABLE = (  # (component, parameter, evaluation) in evaluation order
    ("Class", "class", _class),
    ("Datatype", "datatype", _datatype),
    ("NodeKind", "nodeKind", _node_kind),
    ("MinInclusive", "minInclusive", _range("minInclusive", lambda c: c >= 0, ">=")),
    ("MaxInclusive", "maxInclusive", _range("maxInclusive", lambda c: c <= 0, "<=")),
    ("MinExclusive", "minExclusive", _range("minExclusive", lambda c: c > 0, ">")),
    ("MaxExclusive", "maxExclusive", _range("maxExclusive", lambda c: c < 0, "<")),
    ("MinLength", "minLength", _min_length),
    ("MaxLength", "maxLength", _max_length),
    ("Pattern", "pattern", _pattern),
    ("LanguageIn", "languageIn", _language_in),
    ("UniqueLang", "uniqueLang", _unique_lang),
    ("In", "in", _in),
    ("HasValue", "hasValue", _has_value),
    ("MinCount", "minCount", _min_count),
    ("MaxCount", "maxCount", _max_count),
    ("Equals", "equals", _equals),
    ("Disjoint", "disjoint", _disjoint),
    ("LessThan", "lessThan", _less("lessThan", lambda c: c < 0)),
    ("LessThanOrEquals", "lessThanOrEquals", _less("lessThanOrEquals", lambda c: c <= 0)),
    ("Closed", "closed", _closed),
    # a value fails sh:node/sh:and when it fails one of the shapes, sh:not when it conforms, sh:or
    # when it fails them all, sh:xone when it does not conform to exactly one
    ("Node", "node", _logical("Node", False, lambda failing, nodes: failing[0] & nodes)),
    ("Not", "not", _logical("Not", False, lambda failing, nodes: nodes - failing[0])),
    ("And", "and", _logical("And", True, lambda failing, nodes: set().union(*failing) & nodes)),
    ("Or", "or", _logical("Or", True, lambda failing, nodes: nodes.intersection(*failing))),
    ("Xone", "xone", _logical("Xone", True, _xone)),
    ("QualifiedMinCount", "qualifiedValueShape", _qualified("QualifiedMinCount", "qualifiedMinCount",
                                                            lambda n, k: n < k)),
    ("QualifiedMaxCount", "qualifiedValueShape", _qualified("QualifiedMaxCount", "qualifiedMaxCount",
                                                            lambda n, k: n > k)),
    ("Property", "property", _property),
    ("SPARQL", "sparql", _sparql),
)
COMPONENTS: dict[str, Component] = {
    SH + local + "ConstraintComponent": Component(SH + param, fn) for local, param, fn in _TABLE
}
"""Component IRI -> its trigger parameter and evaluation, in evaluation order."""
