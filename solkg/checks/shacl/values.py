"""Term-level tests the value components use: numbers, comparisons, language ranges, patterns, node kinds.

>>> two, one_and_a_half = ox.Literal("2", datatype=ox.NamedNode(XSD + "integer")), ox.Literal(1.5)
>>> compare(two, one_and_a_half)
1
>>> lang_matches("fr-BE", "fr"), lang_matches("en", "fr")
(True, False)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from ...xsd import INTEGER_RANGES, is_ill_typed
from .shapes import SH, XSD, Unsupported

__all__ = ["compare", "compare_numbers", "lang_matches", "node_kinds", "number", "python_regex"]

_NUMERIC = {XSD + n for n in INTEGER_RANGES} | {XSD + "decimal", XSD + "double", XSD + "float"}
_FLOATS = {XSD + "double", XSD + "float"}
_TIMEY = {XSD + "date", XSD + "dateTime", XSD + "gYear"}
_TZ = re.compile(r"(Z|[+-]\d\d:\d\d)$")


def number(term: Any):
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


def compare_numbers(x: Any, y: Any) -> int | None:
    """Comparison of two values of :func:`number`: -1, 0, 1, or None (a NaN)."""
    if isinstance(x, float) or isinstance(y, float):
        x, y = float(x), float(y)
        if x != x or y != y:
            return None
    return (x > y) - (x < y)


def compare(a: Any, b: Any) -> int | None:
    """SPARQL-style comparison of two terms: -1, 0, 1, or None (type error / unsupported)."""
    x, y = number(a), number(b)
    if x is not None and y is not None:
        return compare_numbers(x, y)
    if not (isinstance(a, ox.Literal) and isinstance(b, ox.Literal)):
        return None
    da, db = a.datatype.value, b.datatype.value
    if da == db == XSD + "string":
        return (a.value > b.value) - (a.value < b.value)
    if da == db and da in _TIMEY and not is_ill_typed(a.value, da) and not is_ill_typed(b.value, db):
        if _TZ.search(a.value) or _TZ.search(b.value) or a.value.startswith("-") or b.value.startswith("-"):
            return None  # left to the caller's SPARQL fallback
        ka, kb = a.value.rjust(30, "0"), b.value.rjust(30, "0")
        return (ka > kb) - (ka < kb)
    if da == db == XSD + "boolean":
        va, vb = a.value in ("true", "1"), b.value in ("true", "1")
        return (va > vb) - (va < vb)
    return None


def lang_matches(tag: str, rng: str) -> bool:
    """SPARQL ``langMatches`` (basic filtering)."""
    tag, rng = tag.lower(), rng.lower()
    if rng == "*":
        return bool(tag)
    return tag == rng or tag.startswith(rng + "-")


def python_regex(pattern: str, flags: str) -> re.Pattern:
    """A compiled ``sh:pattern`` with its ``sh:flags``."""
    f = 0
    for ch in flags:
        f |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(ch, 0)
    if "q" in flags:
        pattern = re.escape(pattern)
    return re.compile(pattern, f)


_NODE_KINDS = {
    "IRI": (ox.NamedNode,), "BlankNode": (ox.BlankNode,), "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}


def node_kinds(nk: Any) -> tuple:
    """The pyoxigraph term classes an ``sh:nodeKind`` value allows."""
    local = nk.value[len(SH):] if isinstance(nk, ox.NamedNode) and nk.value.startswith(SH) else None
    if local not in _NODE_KINDS:
        raise Unsupported(f"unknown sh:nodeKind {nk}")
    return _NODE_KINDS[local]
