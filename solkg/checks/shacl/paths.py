"""SHACL property paths: as SPARQL property-path text, as the text results carry, and as Python steps.

>>> import pyoxigraph as ox
>>> g = ShapesGraph(ox.parse(b'@prefix sh: <http://www.w3.org/ns/shacl#> . '
...                          b'<urn:S> sh:path [ sh:inversePath <urn:p> ] .', format=ox.RdfFormat.TURTLE))
>>> path_text(g, g.one(ox.NamedNode("urn:S"), SH + "path"))
'^<urn:p>'
>>> result_path("<urn:p>"), result_path("^<urn:p>")
('urn:p', '^<urn:p>')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from .shapes import RDF, SH, ShapesGraph

__all__ = ["Step", "path_text", "predicate_alternatives", "python_path", "result_path"]

Step = Callable[[Any], list[Any]]
"""A path evaluated in Python: node -> its distinct value nodes."""


def path_text(g: ShapesGraph, node: Any, depth: int = 0) -> str:
    """SPARQL property-path text of a SHACL path node (IRIs in brackets)."""
    if depth > 50:
        raise ValueError("SHACL path too deep")
    if isinstance(node, ox.NamedNode):
        return str(node)
    if g.one(node, RDF + "first") is not None:
        parts = [path_text(g, x, depth + 1) for x in g.items(node)]
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
            parts = [path_text(g, x, depth + 1) for x in g.items(inner)]
            return "(" + "|".join(parts) + ")"
        t = path_text(g, inner, depth + 1)
        if not (t.startswith("<") or t.startswith("(")):
            t = "(" + t + ")"
        return fmt.format(t)
    raise ValueError(f"not a SHACL path: {node}")


def result_path(text: str | None) -> str | None:
    """ShaclResult.path form: a predicate path loses its brackets."""
    if text is None:
        return None
    if text.startswith("<") and text.endswith(">") and ">" not in text[1:-1]:
        return text[1:-1]
    return text


def predicate_alternatives(g: ShapesGraph, node: Any) -> list[str] | None:
    """The predicate IRIs of an ``sh:alternativePath`` of predicates, else None."""
    if isinstance(node, ox.NamedNode):
        return None
    alt = g.one(node, SH + "alternativePath")
    if alt is None:
        return None
    items = g.items(alt)
    if not items or not all(isinstance(x, ox.NamedNode) for x in items):
        return None
    return [x.value for x in items]


def python_path(g: ShapesGraph, node: Any, objects: Callable[[Any, str], list[Any]],
                subjects: Callable[[str, Any], list[Any]], depth: int = 0) -> Step | None:
    """A function node -> distinct values for predicate, inverse, sequence and alternative paths of
    predicates, reading the data through ``objects(node, p)`` and ``subjects(p, node)``; None for the
    other paths (``*``, ``+``, ``?``: run in SPARQL)."""
    if depth > 20:
        return None
    if isinstance(node, ox.NamedNode):
        predicate = node.value

        def forward(n: Any) -> list[Any]:
            return objects(n, predicate)

        return forward
    if g.one(node, RDF + "first") is not None:
        steps = [python_path(g, x, objects, subjects, depth + 1) for x in g.items(node)]
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
        inverse = inv.value

        def backward(n: Any) -> list[Any]:
            return subjects(inverse, n)

        return backward
    alt = g.one(node, SH + "alternativePath")
    if alt is not None:
        steps = [python_path(g, x, objects, subjects, depth + 1) for x in g.items(alt)]
        if not steps or None in steps:
            return None
        def either(n: Any, steps: list[Any] = steps) -> list[Any]:
            return list(dict.fromkeys(v for st in steps for v in st(n)))

        return either
    return None
