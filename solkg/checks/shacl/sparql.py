"""SHACL-SPARQL: an ``sh:sparql`` SELECT constraint compiled into a query over the focus nodes.

The constraint's ``$this`` becomes ``?this``, ``$PATH`` the path's SPARQL text, ``$currentShape``
the shape's IRI; the focus nodes are injected as a ``VALUES ?this`` block (or a binding through the
node function for blank nodes) first in the top-level WHERE group, and ``?this`` is projected.

>>> inject_focus("SELECT $this WHERE { $this <urn:p> ?v }", "VALUES ?this { <urn:x> }")
'SELECT $this WHERE { VALUES ?this { <urn:x> }  $this <urn:p> ?v }'
>>> inject_focus("SELECT ?v WHERE { ?this <urn:p> ?v }", "VALUES ?this { <urn:x> }")
'SELECT ?this ?v WHERE { VALUES ?this { <urn:x> }  ?this <urn:p> ?v }'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .results import RawResult
from .shapes import SH, ShapesGraph, Unsupported, is_true

__all__ = ["SparqlConstraint", "compile_constraint", "inject_focus"]

_IRI = re.compile(r"<[^\s<>\"{}|^`\\]*>")


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of one shape, ready to run on focus patterns."""

    shape: Any
    path: str | None
    prefixes: str
    text: str
    messages: tuple[Any, ...]
    names: tuple[str, ...]

    def query(self, focus_pattern: str) -> str:
        """The query text for the focus nodes that ``focus_pattern`` binds to ``?this``."""
        return self.prefixes + "\n" + inject_focus(self.text, focus_pattern)

    def results(self, rows: Any, seen: set, shape_messages: Any) -> list[RawResult]:
        """The results of the query's solutions (a result already in ``seen`` is not repeated)."""
        out = []
        path, shape, names = self.path, self.shape, self.names
        for row in rows:
            binds = {}
            for var in names:
                try:
                    t = row[var]
                except (KeyError, IndexError):
                    t = None
                if t is not None:
                    binds[var] = t
            if is_true(binds.get("failure")):
                raise RuntimeError(f"SPARQL constraint of {shape} reported a failure")
            f = binds.get("this")
            value = binds.get("value", f if path is None else None)
            rpath = path if binds.get("path") is None else str(binds["path"])
            binds["value"] = value
            texts = []
            for m in self.messages:
                s = m.value
                for name, t in binds.items():
                    if t is not None:
                        s = re.sub("{[?$]" + re.escape(name) + "}", t.value.replace("\\", "\\\\"), s)
                texts.append((m.language or "", s))
            key = (f, rpath, value, tuple(texts))
            if key in seen:
                continue
            seen.add(key)
            out.append(RawResult(f, rpath, value, SH + "SPARQLConstraintComponent", shape,
                                 tuple(sorted(set(texts))) or shape_messages))
        return out


def compile_constraint(g: ShapesGraph, shape: Any, sc: Any, path: str | None) -> SparqlConstraint | None:
    """The constraint ``sc`` of ``shape`` (``path``: the shape's path text); None when deactivated
    or without ``sh:select``."""
    if is_true(g.one(sc, SH + "deactivated")):
        return None
    sel = g.one(sc, SH + "select")
    if sel is None:
        return None
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
    return SparqlConstraint(shape, path, "\n".join(prefixes), text, tuple(messages), tuple(_select_vars(text)))


def _select_vars(text: str) -> list[str]:
    return sorted(set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", text)) | {"this", "value", "path", "failure"})


def inject_focus(query: str, focus_pattern: str) -> str:
    """Put ``focus_pattern`` first in the top-level WHERE group of ``query``, and project ?this."""
    i, n = 0, len(query)
    brace = -1
    while i < n:
        ch = query[i]
        if ch in "\"'":
            j = query.find(ch, i + 1)
            while j != -1 and query[j - 1] == "\\":
                j = query.find(ch, j + 1)
            i = (j if j != -1 else n) + 1
            continue
        if ch == "<":
            m = _IRI.match(query, i)
            if m:
                i = m.end()
                continue
        if ch == "#":
            j = query.find("\n", i)
            i = j if j != -1 else n
            continue
        if ch == "{":
            brace = i
            break
        i += 1
    if brace < 0:
        raise Unsupported("no WHERE group in SPARQL constraint")
    head = query[:brace]
    m = re.search(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?", head, re.IGNORECASE)
    if m and not re.match(r"\*", head[m.end():].lstrip()) and not re.search(r"[?$]this\b", head[m.end():]):
        head = head[: m.end()] + "?this " + head[m.end():]
    return head + "{ " + focus_pattern + " " + query[brace + 1:]
