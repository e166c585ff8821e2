"""Binding parameters into SPARQL text as RDF terms, and paging at a ``# page`` line.

Parameters are bound as RDF terms written in N-Triples syntax, the same way locally and remotely,
never pasted as raw text.

>>> inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"p": ox.NamedNode("http://e/p")})
'SELECT ?x WHERE { ?x <http://e/p> ?o }'
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import PREFIXES, XSD
from .named import PAGE_LINE, TYPED_KINDS, NamedQuery, Param, query_form

__all__ = ["parse_params", "parse_param_value", "bind_params", "mask", "uses_service", "dataset_options",
           "inject_values", "inject_page"]

# Schemes that make ``x:y`` a full IRI rather than a prefixed name with an unknown prefix.
_SCHEMES = frozenset({"urn", "mailto", "tag", "doi", "info", "data", "file", "http", "https", "geo", "tel"})


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """``key=value`` items as a mapping; a missing ``=`` or a key given twice is an :class:`InputError`.

    >>> parse_params(["lang=fr", "principle=principle:equity"])
    {'lang': 'fr', 'principle': 'principle:equity'}
    """
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"parameter '{item}': want key=value")
        if key in out:
            raise InputError(f"parameter {key}: given twice ('{out[key]}' and '{value}')")
        out[key] = value
    return out


def _real_date(text: str) -> bool:
    """Is a date of the XSD lexical form a day of the calendar (no 30 February)?"""
    year, month, day = (int(part) for part in text.lstrip("-").split("-"))
    days = (31, 29 if calendar.isleap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return 1 <= month <= 12 and 1 <= day <= days[month - 1]


def parse_param_value(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """An RDF term from a parameter value: IRIs as ``<iri>``, full IRI or ``prefix:local``.

    >>> parse_param_value(Param("s", "iri"), "sector:food").value
    'https://w3id.org/solkg/vocab/sector/food'
    >>> parse_param_value(Param("l", "literal"), "fr")
    <Literal value=fr datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    >>> parse_param_value(Param("lat", "decimal"), "45.2")
    <Literal value=45.2 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#decimal>>
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (bytes of a command line that are no UTF-8)
        raise InputError(f"parameter {param.name}: not UTF-8") from None
    if param.kind == "literal":
        return ox.Literal(value)
    if param.kind in TYPED_KINDS:
        datatype, lexical, example = TYPED_KINDS[param.kind]
        text = value.strip()
        if not lexical.fullmatch(text) or (param.kind == "date" and not _real_date(text)):
            raise InputError(f"parameter {param.name}: '{value}' is not {example}")
        return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
    iri = value.strip()
    if iri.startswith("<") and iri.endswith(">"):
        iri = iri[1:-1]
    elif ":" in iri and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", iri):
        prefix, local = iri.split(":", 1)
        if prefix in PREFIXES:
            iri = PREFIXES[prefix] + local
        elif prefix.lower() not in _SCHEMES:
            raise InputError(f"parameter {param.name}: unknown prefix '{prefix}' in '{value}' (known: "
                             f"{', '.join(sorted(PREFIXES))}); write a full IRI as <...>")
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise InputError(f"parameter {param.name}: '{value}' is not an IRI") from None


def bind_params(query: NamedQuery, params: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(declared))
    if unknown and declared:
        raise InputError(f"query {query.name}: unknown parameter {', '.join(unknown)} (has: {', '.join(declared)})")
    out = {}
    for name, param in declared.items():
        value = params.get(name, param.default)
        if value is not None:
            out[name] = parse_param_value(param, value)
    if not declared:  # ad-hoc query: bind what is given, as literals unless it looks like an IRI
        masked = mask(query.text)
        missing = sorted(n for n in params if not re.search(r"[?$]" + re.escape(n) + r"\b", masked))
        if missing:
            raise InputError(f"{query.name}: no variable {', '.join('?' + n for n in missing)} to bind "
                             "(a parameter binds the variable of its name)")
        for name, value in params.items():
            kind = "iri" if value.startswith("<") or re.match(r"^[a-z]+:\S", value) else "literal"
            out[name] = parse_param_value(Param(name, kind), value)
    return out


# An IRI, unless its "<" follows a variable, a number or ")" with no space (an operator then, as
# in ``?l<=?max&&?l>40``).
_IRI = re.compile(r"(?<![\w)])<[^<>\"{}|^`\\\s]*>")


def mask(text: str) -> str:
    """The text with comments, IRIs and string literals blanked out (same offsets)."""
    out = _IRI.sub(lambda m: " " * len(m.group(0)), text)
    # unrolled loops ("[^"\\]*(?:\\.[^"\\]*)*"): a repeated alternation keeps state per character
    # (a 4 MiB string literal took 480 MB)
    out = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\\\n]*(?:\\.[^\'\\\n]*)*\'',
                 lambda m: " " * len(m.group(0)), out)
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), out)


_SERVICE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:-])", re.I)


def uses_service(text: str) -> bool:
    """True when the query has a ``SERVICE`` clause (outside strings, IRIs and comments).

    >>> uses_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?s ?p "SERVICE" } # SERVICE')
    False
    """
    return bool(_SERVICE.search(mask(text)))


_FROM = re.compile(r"(?<![\w?$:])FROM(?![\w:-])", re.I)


def dataset_options(text: str, *, default_graphs=(), named_graphs=()) -> dict:
    """How pyoxigraph's ``Store.query`` gets the RDF dataset of ``text`` (keyword arguments).

    Graphs given by the caller (the Protocol's ``default-graph-uri``/``named-graph-uri``) replace
    the whole dataset: what is not given is empty. Else the query's own ``FROM``/``FROM NAMED``
    define it, as SPARQL 1.1 says. Else the default graph is the union of the named graphs.

    >>> dataset_options("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
    {}
    >>> dataset_options("SELECT ?from WHERE { ?from ?p 'FROM' }")
    {'use_default_graph_as_union': True}
    >>> dataset_options("SELECT * WHERE { ?s ?p ?o }", named_graphs=["urn:g"])["default_graph"]
    []
    """
    if default_graphs or named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in named_graphs],
        }
    if _FROM.search(mask(text)):
        return {}
    return {"use_default_graph_as_union": True}


def _outer_spans(masked: str) -> list[tuple[int, int]]:
    """Spans of the outermost query's projection and solution modifiers (after its last ``}``)."""
    spans = []
    first = re.search(r"\bSELECT\b.*?(?:\bWHERE\b|\{)", masked, re.I | re.S)
    if first and first.start() < masked.find("{"):
        spans.append(first.span())
    end = masked.rfind("}")
    if end >= 0:
        spans.append((end, len(masked)))
    return spans


def _substitutable(masked: str, name: str, outer: list[tuple[int, int]]) -> bool:
    """May ``?name`` be replaced by a constant inside the WHERE group? Not where SPARQL needs a
    variable: ``BOUND``, ``AS``, ``VALUES``, or the projection or modifiers of a sub-query."""
    var = r"[?$]" + re.escape(name) + r"\b"
    for projection in re.finditer(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", masked, re.I | re.S):
        if projection.span() not in outer and re.search(var, projection.group(1)):
            return False
    for modifier in re.finditer(r"\b(?:GROUP|ORDER)\s+BY\b[^{}]*", masked, re.I):
        if not any(start <= modifier.start() < end for start, end in outer) and re.search(var, modifier.group(0)):
            return False
    blocked = (r"\bBOUND\s*\(\s*" + var, r"\bAS\s+" + var, r"\bVALUES\b[^{]*" + var)
    return not any(re.search(pattern, masked, re.I) for pattern in blocked)


_HAVING = re.compile(r"\bHAVING\b.*?(?=\b(?:ORDER|LIMIT|OFFSET|VALUES)\b|\Z)", re.I | re.S)


def _substitute_in_modifiers(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Replace parameters by their terms in the outer query's HAVING, which sees only the group
    keys and aggregates (a VALUES binding in the WHERE group would not reach it).

    >>> _substitute_in_modifiers("SELECT ?a WHERE { ?a ?p ?o } GROUP BY ?a HAVING (COUNT(?o) >= ?min)",
    ...                          {"min": ox.Literal("2")})
    'SELECT ?a WHERE { ?a ?p ?o } GROUP BY ?a HAVING (COUNT(?o) >= "2")'
    """
    masked = mask(text)
    end = masked.rfind("}")
    if end < 0:
        return text
    tail = masked[end:]
    having = [m.span() for m in _HAVING.finditer(tail)]
    pattern = re.compile(r"[?$](" + "|".join(re.escape(n) for n in sorted(bindings)) + r")\b")
    pieces, last = [], 0
    for match in pattern.finditer(tail):
        if not any(start <= match.start() < stop for start, stop in having):
            continue
        pieces += [text[end + last:end + match.start()], str(bindings[match.group(1)])]
        last = match.end()
    return text[:end] + "".join(pieces) + text[end + last:]


def inject_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind parameters as RDF terms written in N-Triples syntax, never as raw text.

    Inside the WHERE group a parameter is replaced by its term (engines plan better around a
    constant, and Virtuoso 7 does not let a ``VALUES`` binding reach a FILTER inside OPTIONAL or
    EXISTS); where the query needs it as a variable (its projection, ``GROUP BY``, ``BOUND`` ...)
    it is also bound by a ``VALUES`` block at the start of the WHERE group. The same text runs on
    the embedded store and remotely.

    >>> inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"p": ox.NamedNode("http://e/p")})
    'SELECT ?x WHERE { ?x <http://e/p> ?o }'
    >>> inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": ox.Literal("a")})
    'SELECT ?x WHERE { VALUES (?x) { ("a") } "a" ?p ?o }'
    >>> inject_values("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o FILTER(!BOUND(?m)) } } }", {"m": ox.Literal("a")})
    'SELECT * WHERE { VALUES (?m) { ("a") } { SELECT ?s WHERE { VALUES (?m) { ("a") } ?s ?p ?o FILTER(!BOUND(?m)) } } }'
    """
    if not bindings:
        return text
    text = _substitute_in_modifiers(text, bindings)
    masked = mask(text)
    outer = _outer_spans(masked)
    substituted = {name for name in bindings if _substitutable(masked, name, outer)}
    keep: set[str] = set(bindings) - substituted
    pieces, last = [], 0
    if substituted:
        pattern = re.compile(r"[?$](" + "|".join(re.escape(n) for n in sorted(substituted)) + r")\b")
        for match in pattern.finditer(masked):
            if any(start <= match.start() < end for start, end in outer):
                keep.add(match.group(1))
                continue
            pieces += [text[last:match.start()], str(bindings[match.group(1)])]
            last = match.end()
    text = "".join(pieces) + text[last:]
    if not keep:
        return text
    masked = mask(text)
    # The outer WHERE group: the first "{" (the WHERE keyword is optional), but for CONSTRUCT,
    # whose template comes first, the one after WHERE.
    where = (re.search(r"\bWHERE\s*\{", masked, re.I) if query_form(text) == "CONSTRUCT"
             else re.search(r"\{", masked))
    if not where:
        raise InputError("cannot bind parameters: the query has no WHERE group")
    match = where
    # The outer WHERE group gets the block; so does each sub-SELECT that uses one of the names,
    # since a sub-SELECT sees only what it projects of the outside (a FILTER(BOUND(?max)) inside
    # one would otherwise see ?max unbound).
    inserts = {match.end(): sorted(keep)}
    for start, end in _sub_select_groups(masked, after=match.end()):
        used = sorted(n for n in keep if re.search(r"[?$]" + re.escape(n) + r"\b", masked[start:end]))
        if used:
            inserts[start] = used
    for at in sorted(inserts, reverse=True):
        names = inserts[at]
        block = ("VALUES (" + " ".join("?" + n for n in names) + ") { ("
                 + " ".join(str(bindings[n]) for n in names) + ") }")
        text = text[:at] + " " + block + text[at:]
    return text


def _sub_select_groups(masked: str, *, after: int) -> list[tuple[int, int]]:
    """(just after the ``{``, at the ``}``) of the WHERE group of each SELECT that starts after ``after``."""
    groups = []
    for select in re.finditer(r"\bSELECT\b", masked[after:], re.I):
        brace = masked.find("{", after + select.end())
        if brace < 0:
            continue
        depth, at = 1, brace + 1
        while depth and at < len(masked):
            depth += {"{": 1, "}": -1}.get(masked[at], 0)
            at += 1
        groups.append((brace + 1, at - 1))
    return groups


def inject_page(text: str, *, limit: int | None, offset: int = 0) -> tuple[str, bool]:
    r"""Put ``LIMIT``/``OFFSET`` at the query's ``# page`` line; True when it has one.

    A named query may mark with a line ``# page`` the end of a sub-SELECT that yields its rows
    already ordered as the whole query orders them (by a total order) and one per result row:
    the embedded store then pages there, and only the page's rows get what the outer query adds
    (labels, typically), instead of every row before the final ORDER BY. Without a limit, or on a
    remote endpoint, the line stays a comment and the query gives the same rows.

    >>> text = "SELECT * WHERE {\n  { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n  # page\n  }\n}"
    >>> print(inject_page(text, limit=10, offset=20)[0].splitlines()[2])
      LIMIT 11 OFFSET 20
    """
    if limit is None:
        return text, False
    window = f"LIMIT {limit + 1}" + (f" OFFSET {offset}" if offset else "")  # one more row: is there a next page?
    paged, count = PAGE_LINE.subn(lambda m: m.group(1) + window, text, count=1)
    return paged, bool(count)
