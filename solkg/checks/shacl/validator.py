"""The ``sparql`` validator: SHACL Core + SHACL-SPARQL over a pyoxigraph Store, in bounded memory.

Targets, complex paths, sh:sparql and sh:closed run as SPARQL in Oxigraph; the value-level
components (:mod:`.components`) are evaluated in Python. Focus nodes stream from one SPARQL query
(every node some shape targets) in chunks of ``focus_chunk``; each chunk is checked against every
shape, with the triples of its nodes read once from the store (:mod:`.data`) and the values of
other nodes (``sh:class`` types, inverse paths) read on demand, then every cache is dropped: memory
follows the chunk, not the data. SHACL results of a focus node do not depend on the other focus
nodes, so the chunking changes no result (the rule taken for recursive shapes, which SHACL leaves
undefined, applies within a chunk). Measured on 1.2M triples in memory: reading the chunk's triples
per node cost about what one index per predicate did (2-3 us per triple), and one SPARQL query per
constraint cost 0.3-0.8 s each.

>>> import pyoxigraph as ox
>>> from .shapes import ShapesGraph
>>> st = ox.Store()
>>> st.load(b'<urn:x> a <urn:C> .', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:d"))
>>> shapes = ShapesGraph(ox.parse(b'@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> sh:targetClass <urn:C> ;'
...                               b' sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .', format=ox.RdfFormat.TURTLE))
>>> [r.component.split("#")[1] for r in SparqlValidator(st, [ox.NamedNode("urn:d")], shapes).run()]
['MinCountConstraintComponent']
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from .components import COMPONENTS, Context
from .data import DataAccess, Focus
from .paths import path_text, predicate_alternatives, python_path
from .results import RawResult, messages
from .shapes import RDF, RDFS, SH, TARGETS, ShapesGraph, is_true
from .sparql import SparqlConstraint, compile_constraint
from .values import number
from .workers import Spawn, run_chunks

__all__ = ["Focus", "SparqlValidator", "Targets"]

_UNKNOWN = object()


@contextlib.contextmanager
def paused_gc():
    """Python's cyclic garbage collector off inside (if it was on), back on after."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Targets:
    """What makes a node a focus node of one shape: its class closure, nodes, predicates."""

    __slots__ = ("classes", "nodes", "node_set", "subjects_of", "objects_of")

    def __init__(self, classes: frozenset, nodes: list, subjects_of: list[str], objects_of: list[str]):
        self.classes, self.nodes, self.node_set = classes, nodes, set(nodes)
        self.subjects_of, self.objects_of = subjects_of, objects_of


def _implicit_class(types: set) -> bool:
    return RDFS + "Class" in types and (SH + "NodeShape" in types or SH + "PropertyShape" in types)


class SparqlValidator:
    """Validates the union of ``data_graphs`` of ``store`` against the ``shapes`` graph."""

    MAX_DEPTH = 64
    FOCUS_CHUNK = 20000
    """Focus nodes checked together: bounds the memory of the caches (and the unit of work of the
    worker processes)."""

    def __init__(self, store: ox.Store, data_graphs: list[Any], shapes: ShapesGraph, *,
                 focus_chunk: int | None = None, progress: Callable[[int], None] | None = None,
                 workers: int = 1, store_folder: str | None = None):
        self.data = DataAccess(store, data_graphs)
        self.g = shapes
        self.focus_chunk = focus_chunk or self.FOCUS_CHUNK
        self.workers = workers
        self.store_folder = store_folder
        self.progress = progress
        self.cache: dict[tuple[Any, Any], list[RawResult]] = {}
        self.failing_cache: dict[tuple[Any, Any], set] = {}
        self.numbers: dict[Any, Any] = {}
        self.active: set[tuple[Any, Any]] = set()
        self._values: dict[tuple, dict[Any, list[Any]]] = {}
        self._constraints: dict[tuple[Any, Any], SparqlConstraint | None] = {}

    def focus(self, nodes: list[Any]) -> Focus:
        """Focus nodes keyed by their node numbers (the same nodes give the same key)."""
        return Focus(self.data, nodes)

    # -- targets
    def shapes_with_targets(self) -> list[Any]:
        g = self.g
        found = set()
        for p in TARGETS:
            for s, _ in g.pos.get(p, ()):
                found.add(s)
        types = defaultdict(set)
        for s, o in g.pos.get(RDF + "type", ()):
            types[s].add(o.value if isinstance(o, ox.NamedNode) else None)
        for s, ts in types.items():
            if _implicit_class(ts):
                found.add(s)
        return sorted(found, key=str)

    def targets(self, shape: Any) -> Targets:
        """What selects the focus nodes of ``shape`` (SHACL targets, implicit class targets)."""
        g = self.g
        classes = list(g.objs(shape, SH + "targetClass"))
        if _implicit_class({o.value for o in g.objs(shape, RDF + "type") if isinstance(o, ox.NamedNode)}):
            classes.append(shape)
        closure: set = set()
        for c in classes:
            if not isinstance(c, ox.Literal):
                closure |= self.data.closure(c)
        preds = [p.value for p in g.objs(shape, SH + "targetSubjectsOf") if isinstance(p, ox.NamedNode)]
        inv = [p.value for p in g.objs(shape, SH + "targetObjectsOf") if isinstance(p, ox.NamedNode)]
        return Targets(frozenset(closure), list(dict.fromkeys(g.objs(shape, SH + "targetNode"))), preds, inv)

    def candidates(self, specs: list[Targets]) -> Iterable[Any]:
        """Every node some shape targets, once: the ``sh:targetNode`` nodes, then one SPARQL query."""
        data = self.data
        fixed = list(dict.fromkeys(n for t in specs for n in t.nodes))
        yield from fixed
        classes = set().union(*(t.classes for t in specs))
        parts = [f"{{ {pattern} ?this <{RDF}type> ?__c }}" for pattern in data.node_patterns(classes, "__c")]
        parts += [f"{{ ?this <{p}> ?__o }}" for p in sorted({p for t in specs for p in t.subjects_of})]
        parts += [f"{{ ?__s <{p}> ?this }}" for p in sorted({p for t in specs for p in t.objects_of})]
        data.keep()
        if not parts:
            return
        fixed_set = set(fixed)
        for row in data.q("SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " }"):
            node = row[0]
            if node not in fixed_set:
                yield node

    def focus_nodes(self, spec: Targets, chunk: list[Any], by_types: dict[tuple, list[Any]]) -> list[Any]:
        """The nodes of ``chunk`` that ``spec`` targets (``by_types``: the chunk's nodes by their
        rdf:type values)."""
        classes = spec.classes
        if not (spec.nodes or spec.subjects_of or spec.objects_of):
            if not classes:
                return []
            return [n for types, nodes in by_types.items() if not classes.isdisjoint(types) for n in nodes]
        data = self.data
        return [
            n for n in chunk
            if n in spec.node_set
            or not classes.isdisjoint(data.objects(n, RDF + "type"))
            or any(data.objects(n, p) for p in spec.subjects_of)
            or any(data.subjects(p, n) for p in spec.objects_of)
        ]

    # -- the run
    def reset(self) -> None:
        """Drop everything read or computed for the chunk just checked."""
        self.cache.clear()
        self.failing_cache.clear()
        self.numbers.clear()
        self._values.clear()
        self.data.reset()

    def run(self) -> list[RawResult]:
        """Every result of every shape with targets, chunk by chunk.

        Python's cyclic garbage collector is paused meanwhile: the chunk's caches are millions of
        small acyclic objects (freed by reference counting) that it would otherwise traverse again
        and again (measured: a third of the time of reading a chunk's triples)."""
        with paused_gc():
            return self._run()

    def _run(self) -> list[RawResult]:
        out: list[RawResult] = []
        shapes = [s for s in self.shapes_with_targets() if not is_true(self.g.one(s, SH + "deactivated"))]
        specs = [self.targets(s) for s in shapes]

        def chunks():
            stream = iter(self.candidates(specs))
            while chunk := list(itertools.islice(stream, self.focus_chunk)):
                yield chunk

        def task(chunk: list[Any]) -> tuple[int, list[RawResult]]:
            return len(chunk), self.check_chunk(shapes, specs, chunk)

        spawn = None
        if self.store_folder is not None and self.workers > 1:
            # an on-disk store is not forked: each worker opens its folder read only, after
            # everything written to it is on disk
            self.data.store.flush()
            spawn = Spawn(_start_worker, (self.store_folder, self.data.graphs, list(self.g.triples()),
                                          self.focus_chunk, shapes, specs), _check_in_worker)
        done = 0
        for size, results in run_chunks(task, chunks(), workers=self.workers, spawn=spawn):
            out.extend(results)
            done += size
            if self.progress:
                self.progress(done)
        return out

    def check_chunk(self, shapes: list[Any], specs: list[Targets], chunk: list[Any]) -> list[RawResult]:
        """The results of every shape on the nodes of ``chunk`` it targets; the caches are dropped after."""
        out: list[RawResult] = []
        self.data.describe(chunk)
        objects = self.data.objects
        by_types: dict[tuple, list[Any]] = {}
        for n in chunk:
            types = tuple(objects(n, RDF + "type"))
            group = by_types.get(types)
            if group is None:
                by_types[types] = [n]
            else:
                group.append(n)
        focus_by_nodes: dict[tuple, Focus] = {}
        for shape, spec in zip(shapes, specs, strict=True):
            nodes = self.focus_nodes(spec, chunk, by_types)
            if not nodes:
                continue
            key = tuple(nodes)
            focus = focus_by_nodes.get(key)
            if focus is None:
                focus = focus_by_nodes[key] = Focus(self.data, nodes, ("T", len(focus_by_nodes)))
            out.extend(self.evaluate(shape, focus, 0))
        del by_types, focus_by_nodes
        self.reset()
        return out

    # -- evaluation of one shape on some focus nodes
    def evaluate(self, shape: Any, focus: Focus, depth: int) -> list[RawResult]:
        """The results of ``shape`` on ``focus`` (cached for the chunk)."""
        key = (shape, focus.key)
        got = self.cache.get(key)
        if got is not None:
            return got
        res = self._guarded(key, shape, focus, depth, False)
        if res is None:
            return []
        self.cache[key] = res
        return res

    def failing(self, shape: Any, focus: Focus, depth: int) -> set:
        """The focus nodes of ``shape``'s results on ``focus`` (what a nested shape is asked:
        evaluated without making the results when they are not cached already)."""
        key = (shape, focus.key)
        got = self.failing_cache.get(key)
        if got is None:
            full = self.cache.get(key)
            if full is not None:
                got = {r.focus for r in full}
            else:
                got = self._guarded(key, shape, focus, depth, True)
                if got is None:
                    return set()
            self.failing_cache[key] = got
        return got

    def _guarded(self, key: tuple, shape: Any, focus: Focus, depth: int, failing_only: bool) -> Any:
        if depth > self.MAX_DEPTH:
            raise RecursionError(f"shape recursion deeper than {self.MAX_DEPTH} at {shape}")
        if key in self.active:  # a recursive shape on the same nodes: assume it conforms
            return None
        self.active.add(key)
        try:
            ctx = self._evaluate(shape, focus, depth, failing_only)
        finally:
            self.active.discard(key)
        if ctx is None:
            return set() if failing_only else []
        return ctx.failed if failing_only else ctx.results

    def _evaluate(self, shape: Any, focus: Focus, depth: int, failing_only: bool) -> Context | None:
        g = self.g
        if is_true(g.one(shape, SH + "deactivated")):
            return None
        path_node = g.one(shape, SH + "path")
        path = path_text(g, path_node) if path_node is not None else None
        msgs = messages(g.objs(shape, SH + "message")) or None
        ctx = Context(self, shape, focus, depth, path, msgs, self.values(focus, path_node, path),
                      failing_only=failing_only)
        for component in COMPONENTS.values():
            for param in g.objs(shape, component.parameter):
                component.evaluate(ctx, param)
        return ctx

    def number(self, term: Any) -> Any:
        """:func:`.values.number` of ``term``, remembered for the chunk."""
        got = self.numbers.get(term, _UNKNOWN)
        if got is _UNKNOWN:
            got = self.numbers[term] = number(term)
        return got

    def values(self, focus: Focus, path_node: Any, path: str | None) -> dict[Any, list[Any]]:
        """focus node -> its distinct value nodes (every focus node is a key); cached."""
        key = (focus.key, path)
        got = self._values.get(key)
        if got is not None:
            return got
        if path is None:
            out = {n: [n] for n in focus.nodes}
        elif isinstance(path_node, ox.NamedNode):
            out = self.data.objects_of_nodes(focus.nodes, path_node.value)
        elif (alternatives := predicate_alternatives(self.g, path_node)) is not None:
            out = self.data.objects_of_alternatives(focus.nodes, alternatives)
        else:
            step = python_path(self.g, path_node, self.data.objects, self.data.subjects)
            if step is not None:
                out = {n: step(n) for n in focus.nodes}
            else:
                out = {n: [] for n in focus.nodes}
                for F in focus.patterns:
                    for r in self.data.q(f"SELECT DISTINCT ?this ?v WHERE {{ {F} ?this {path} ?v . }}"):
                        out.setdefault(r["this"], []).append(r["v"])
        self._values[key] = out
        return out

    def select(self, focus: Focus, path: str | None, cond: str) -> list[tuple[Any, Any]]:
        """(focus, value) pairs where the SPARQL expression ``cond`` (over ``?v``) holds."""
        out: list[tuple[Any, Any]] = []
        for F in focus.patterns:
            vn = f"{F} BIND(?this AS ?v)" if path is None else f"{F} ?this {path} ?v ."
            out.extend((r["this"], r["v"]) for r in self.data.q(
                f"SELECT DISTINCT ?this ?v WHERE {{ {vn} FILTER({cond}) }}"))
        return out

    def sparql_constraint(self, shape: Any, sc: Any, focus: Focus, path: str | None,
                          shape_msgs: Any) -> list[RawResult]:
        """The results of the ``sh:sparql`` constraint ``sc`` of ``shape`` on ``focus``."""
        key = (shape, sc)
        if key not in self._constraints:
            self._constraints[key] = compile_constraint(self.g, shape, sc, path)
        constraint = self._constraints[key]
        if constraint is None:
            return []
        out: list[RawResult] = []
        seen: set = set()
        for F in focus.patterns:
            out.extend(constraint.results(self.data.q(constraint.query(F)), seen, shape_msgs))
        return out


# -- spawned workers (on-disk stores): the validator of this worker process
_WORKER: tuple[SparqlValidator, list[Any], list[Targets]] | BaseException | None = None


def _start_worker(folder: str, data_graphs: list[Any], shape_triples: list[Any], focus_chunk: int,
                  shapes: list[Any], specs: list[Targets]) -> None:
    """Open the store at ``folder`` read only and get a validator ready as the parent's was before
    its first chunk (the nodes its target queries numbered are kept). Never raises: a pool whose
    initializer fails starts the worker again and again while the parent waits, so the error is
    kept and raised by the first chunk instead (and so reaches the parent)."""
    global _WORKER
    gc.disable()  # as the parent during its run: the caches are acyclic (see SparqlValidator.run)
    try:
        validator = SparqlValidator(ox.Store.read_only(folder), data_graphs, ShapesGraph(shape_triples),
                                    focus_chunk=focus_chunk)
        validator.data.node_patterns(set().union(*(t.classes for t in specs)), "__c")
        validator.data.keep()
        _WORKER = (validator, shapes, specs)
    except Exception as exc:  # noqa: BLE001 (any failure is the first chunk's error)
        _WORKER = exc


def _check_in_worker(chunk: list[Any]) -> tuple[int, list[RawResult]]:
    if isinstance(_WORKER, BaseException):
        raise _WORKER
    assert _WORKER is not None, "a spawned worker checks chunks only after _start_worker"
    validator, shapes, specs = _WORKER
    return len(chunk), validator.check_chunk(shapes, specs, chunk)
