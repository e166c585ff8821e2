"""The rdflib-based validators: pySHACL (the reference) and pyshacl-turbo, fed from the store.

Both get an rdflib Graph built from the selected graphs of the store (blank-node ids kept, so
results name the same nodes) and their report is read back into :class:`ShaclResult` objects.

>>> to_rdflib(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from .paths import path_text, result_path
from .results import ShaclResult, default_messages, messages, severity
from .shapes import SH, XSD, ShapesGraph

__all__ = ["from_rdflib", "run_pyshacl", "run_turbo", "to_rdflib"]


def to_rdflib(term: Any):
    """A pyoxigraph term as an rdflib term (lexical forms kept as written)."""
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


def from_rdflib(term: Any):
    """An rdflib term as a pyoxigraph term."""
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
            r = memo[t] = to_rdflib(t)
        return r

    add = g.add
    for q in quads:
        add((conv(q.subject), conv(q.predicate), conv(q.object)))
    return g


def _decode_report(report: Any, shapes: ShapesGraph) -> list[ShaclResult]:
    import rdflib

    rg = ShapesGraph(
        ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o))
        for s, p, o in report
        if not isinstance(s, rdflib.Literal)
    )

    class _Both(ShapesGraph):
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
        path = result_path(path_text(both, pnode)) if pnode is not None else None
        value = rg.one(r, SH + "value")
        comp = rg.one(r, SH + "sourceConstraintComponent")
        shape = rg.one(r, SH + "sourceShape")
        sev = severity(rg.one(r, SH + "resultSeverity"))
        component = comp.value if comp is not None else None
        if component == SH + "SPARQLConstraintComponent":
            msgs = messages(rg.objs(r, SH + "resultMessage"))
        else:
            own = shapes.objs(shape, SH + "message")
            msgs = messages(own) if own else default_messages(shapes, shape, component)
        out.append(
            ShaclResult(focus, path, value, component, sev, shape, msgs)
        )
    return out


def _selected_quads(store: ox.Store, graphs: Sequence[Any]):
    for g in graphs:
        yield from store.quads_for_pattern(None, None, None, g)


def _run(module: Any, store: ox.Store, data_graphs: Sequence[Any], shapes_quads: Iterable[Any],
         shapes: ShapesGraph) -> list[ShaclResult]:
    data = _rdflib_graph(_selected_quads(store, data_graphs))
    sg = _rdflib_graph(shapes_quads)
    _, report, _ = module.validate(
        data, shacl_graph=sg, inference="none", advanced=True, abort_on_first=False,
        allow_warnings=True, allow_infos=True,
    )
    return _decode_report(report, shapes)


def run_pyshacl(store: ox.Store, data_graphs: Sequence[Any], shapes_quads: Iterable[Any],
                shapes: ShapesGraph) -> list[ShaclResult]:
    """``pyshacl.validate`` (inference none, ``advanced=True``) over the union of ``data_graphs``."""
    import pyshacl

    return _run(pyshacl, store, data_graphs, shapes_quads, shapes)


def run_turbo(store: ox.Store, data_graphs: Sequence[Any], shapes_quads: Iterable[Any],
              shapes: ShapesGraph) -> list[ShaclResult]:
    """``pyshacl_turbo.validate`` (pySHACL's API, a Rust engine) over the same input."""
    try:
        import pyshacl_turbo
    except ImportError:  # an optional engine: one line with the install command, not a traceback
        from ...errors import InputError

        raise InputError("the SHACL validator 'turbo' needs pyshacl-turbo: pip install pyshacl-turbo "
                         "(or solkg[turbo])") from None

    return _run(pyshacl_turbo, store, data_graphs, shapes_quads, shapes)
