"""Named and ad-hoc SPARQL queries, on the embedded store or a remote SPARQL 1.1 endpoint.

A named query is ``queries/<name>.rq`` with a header of ``# title:``, ``# description:`` and
``# param: NAME iri|literal [default]`` lines. Parameters are bound as RDF terms written in
N-Triples syntax, the same way locally and remotely (:func:`inject_values`), never pasted as raw text.

>>> from solkg.entail import add_entailed
>>> from solkg.store import load_sources
>>> from solkg.sources import project_sources
>>> store = load_sources(project_sources())
>>> _ = add_entailed(store)  # as solkg build does: the named queries join the vocabulary's closures
>>> result = run_query(get_query("concepts-of-scheme"), store=store, params={"lang": "fr"})
>>> result.form, len(result.rows) >= 5
('SELECT', True)
"""

from __future__ import annotations

import calendar
import csv
import difflib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .limits import call_with_stack, check_query
from .namespaces import PREFIXES, XSD, compact
from .sources import display_path, project_root

__all__ = [
    "Param",
    "NamedQuery",
    "QueryResult",
    "DEFAULT_LIMIT",
    "RESULT_FORMATS",
    "list_queries",
    "get_query",
    "load_query",
    "adhoc_query",
    "parse_param_value",
    "run_query",
    "render_results",
    "query_form",
    "uses_service",
    "inject_values",
    "inject_page",
    "show_term",
    "sparql_json_term",
]

DEFAULT_LIMIT = 1000
RESULT_FORMATS = ("table", "csv", "tsv", "json")
"""Formats of SELECT and ASK results; CONSTRUCT and DESCRIBE results take RDF formats."""

_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*?)\s*$")
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.I)
_SPARQL_POS = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
_PAGE = re.compile(r"^([ \t]*)#[ \t]*page[ \t]*$", re.M)

_TYPED = {  # kind: (XSD datatype, lexical form, what to write)
    "decimal": ("decimal", re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"), "a decimal number such as 45.2"),
    "integer": ("integer", re.compile(r"[+-]?\d+"), "an integer such as 1"),
    "date": ("date", re.compile(r"-?\d{4,}-\d\d-\d\d"), "a date such as 2019-11-21"),
}
PARAM_KINDS = ("iri", "literal", *_TYPED)
"""Kinds of ``# param:`` lines."""
# Schemes that make ``x:y`` a full IRI rather than a prefixed name with an unknown prefix.
_SCHEMES = frozenset({"urn", "mailto", "tag", "doi", "info", "data", "file", "http", "https", "geo", "tel"})


@dataclass(frozen=True)
class Param:
    """A parameter of a named query."""

    name: str
    kind: str
    """``iri``, ``literal`` (a plain string), or a literal checked and typed as ``decimal``,
    ``integer`` or ``date`` (XSD lexical forms)."""
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its header."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    path: Path | None = None

    @property
    def form(self) -> str:
        """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``."""
        try:
            return query_form(self.text)
        except InputError:
            where = display_path(self.path) if self.path else self.name
            raise InputError(f"{where}: not a SELECT, CONSTRUCT, ASK or DESCRIBE query") from None


@dataclass
class QueryResult:
    """Rows of a SELECT, the answer of an ASK, or the triples of a CONSTRUCT/DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    """One tuple of pyoxigraph terms (or ``None`` when unbound) per solution."""
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    """True when more rows exist after ``offset + limit``."""


def query_form(text: str) -> str:
    """The query form of SPARQL text, from its first keyword outside comments and IRIs."""
    body = re.sub(r"<[^>\s]*>", "<>", text)  # IRIs first: they may hold a '#'
    body = re.sub(r"#[^\n]*", "", body)
    match = _FORM.search(body)
    if not match:
        raise InputError("query: not a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    return match.group(1).upper()


def load_query(path: Path, *, name: str | None = None) -> NamedQuery:
    """Read a ``.rq`` file and its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{display_path(path)}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{display_path(path)}: not UTF-8") from None
    except OSError as exc:
        raise InputError(f"{display_path(path)}: cannot read: {exc.strerror}") from None
    title = description = ""
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        else:
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_KINDS:
                raise InputError(f"{display_path(path)}:{number}: bad '# param:' line, "
                                 f"want 'NAME {'|'.join(PARAM_KINDS)} [default]'")
            params.append(Param(parts[0], parts[1], parts[2] if len(parts) > 2 else None))
    check_query(text, where=display_path(path))  # nesting (solkg.limits)
    pages = [text.count("\n", 0, m.start()) + 1 for m in _PAGE.finditer(text)]
    if len(pages) > 1:
        raise InputError(f"{display_path(path)}:{pages[1]}: a second '# page' line; a query pages in one place")
    return NamedQuery(name=name or path.stem, text=text, title=title, description=description,
                      params=tuple(params), path=path)


def list_queries(*, root: Path | None = None) -> list[NamedQuery]:
    """The named queries of ``queries/`` (not ``queries/checks/``), sorted by name."""
    folder = (root or project_root()) / "queries"
    return [load_query(p) for p in sorted(folder.glob("*.rq"))]


def get_query(name_or_path: str) -> NamedQuery:
    """A named query by name, or a ``.rq`` file by path; unknown names list the close ones."""
    if name_or_path.endswith(".rq") or "/" in name_or_path:
        return load_query(Path(name_or_path))
    known = {q.name: q for q in list_queries()}
    if name_or_path in known:
        return known[name_or_path]
    close = difflib.get_close_matches(name_or_path, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
    raise InputError(f"unknown query '{name_or_path}'{hint}")


def adhoc_query(text: str) -> NamedQuery:
    """Wrap SPARQL text given on the command line."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes of the command line that no UTF-8 character makes
        raise InputError("query: not UTF-8") from None
    check_query(text)  # nesting (solkg.limits)
    return NamedQuery(name="query", text=text)


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
    if param.kind in _TYPED:
        datatype, lexical, example = _TYPED[param.kind]
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


def _bindings(query: NamedQuery, params: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
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
        masked = _mask(query.text)
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


def _mask(text: str) -> str:
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
    return bool(_SERVICE.search(_mask(text)))


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
    masked = _mask(text)
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
    masked = _mask(text)
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
    masked = _mask(text)
    # The outer WHERE group: the first "{" (the WHERE keyword is optional), but for CONSTRUCT,
    # whose template comes first, the one after WHERE.
    match = (re.search(r"\bWHERE\s*\{", masked, re.I) if query_form(text) == "CONSTRUCT"
             else re.search(r"\{", masked))
    if not match:
        raise InputError("cannot bind parameters: the query has no WHERE group")
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
    paged, count = _PAGE.subn(lambda m: m.group(1) + window, text, count=1)
    return paged, bool(count)


def _syntax(query: NamedQuery, exc: SyntaxError) -> InputError:
    where = display_path(query.path) if query.path else query.name
    text = " ".join(str(exc).split())
    match = _SPARQL_POS.search(text)
    if match:
        line, col, rest = match.groups()
        return InputError(f"{where}:{line}:{col}: SPARQL syntax error: {rest}")
    return InputError(f"{where}: SPARQL syntax error: {text}")


def run_query(
    query: NamedQuery,
    *,
    store: ox.Store | None = None,
    endpoint: str | None = None,
    params: Mapping[str, str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
    graphs: list[str] | None = None,
    timeout: float = 30.0,
) -> QueryResult:
    """Run a query on the embedded ``store`` or, when ``endpoint`` is given, on a remote endpoint.

    ``limit``/``offset`` page the rows (``limit=None`` for all); ``graphs`` are the named graphs a
    remote query reads as its default graph (``default-graph-uri``).
    """
    check_query(query.text, where=display_path(query.path) if query.path else query.name)  # solkg.limits
    bindings = _bindings(query, params or {})
    form = query.form
    if endpoint is not None:
        from .remote import remote_query

        return remote_query(query, endpoint=endpoint, bindings=bindings, limit=limit, offset=offset,
                            graphs=graphs, timeout=timeout)
    if store is None:
        raise InputError("run_query needs a store or an endpoint")
    if uses_service(query.text):
        raise InputError(f"{query.name}: SERVICE is refused on the embedded store: solkg fetches nothing from "
                         "the network unless asked (run it on a server with --endpoint)")
    text, paged = inject_page(inject_values(query.text, bindings), limit=limit, offset=offset)
    if paged:
        offset = 0  # the sub-SELECT skipped them
    # pyoxigraph parses and evaluates recursively: a large stack, should nesting get past the check
    return call_with_stack(_evaluate, query, store, text, form=form, limit=limit, offset=offset)


def _evaluate(query: NamedQuery, store: ox.Store, text: str, *, form: str, limit: int | None,
              offset: int) -> QueryResult:
    try:
        answer = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise _syntax(query, exc) from None
    except (RuntimeError, OSError) as exc:
        raise InputError(f"{query.name}: query failed: {' '.join(str(exc).split())}") from None
    stop = None if limit is None else offset + limit + 1
    if form == "ASK":
        return QueryResult(form=form, boolean=bool(answer))
    if form == "SELECT":
        variables = [v.value for v in answer.variables]
        rows = [tuple(sol[v] for v in variables) for sol in islice(answer, offset, stop)]
        truncated = limit is not None and len(rows) > limit
        return QueryResult(form=form, variables=variables, rows=rows[:limit] if limit is not None else rows,
                           truncated=truncated)
    triples = list(islice(answer, offset, stop))
    truncated = limit is not None and len(triples) > limit
    return QueryResult(form=form, triples=triples[:limit] if limit is not None else triples, truncated=truncated)


# ---------------------------------------------------------------------------------------------
# Rendering of SELECT / ASK results


def sparql_json_term(term) -> dict:
    """A term as the W3C SPARQL 1.1 Query Results JSON format writes it (RDF-star triples too)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": sparql_json_term(term.subject),
                                            "predicate": sparql_json_term(term.predicate),
                                            "object": sparql_json_term(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _csv_cell(term) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def show_term(term) -> str:
    """A term for people: ``prefix:local`` IRIs, ``_:id`` blank nodes, a literal's text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _table_cell(term) -> str:
    text = show_term(term)
    return f"{text}@{term.language}" if isinstance(term, ox.Literal) and term.language else text


def render_results(result: QueryResult, fmt: str = "table") -> str:
    """SELECT/ASK results as ``table``, ``csv``, ``tsv`` or ``json`` (W3C SPARQL 1.1 Results JSON).

    >>> r = QueryResult(form="SELECT", variables=["x"], rows=[(ox.Literal("a"),)])
    >>> render_results(r, "csv")
    'x\\r\\na\\r\\n'
    """
    if fmt not in RESULT_FORMATS:
        raise InputError(f"unknown results format '{fmt}' (choose {'|'.join(RESULT_FORMATS)})")
    if result.form == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
        if fmt in ("csv", "tsv"):
            head = "_askResult" if fmt == "csv" else "?_askResult"
            return f"{head}\n{'true' if result.boolean else 'false'}\n"
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "json":
        doc = {
            "head": {"vars": result.variables},
            "results": {
                "bindings": [
                    {v: sparql_json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                    for row in result.rows
                ]
            },
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_csv_cell(t) for t in row])
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in result.variables)]
        for row in result.rows:
            lines.append("\t".join("" if t is None else str(t) for t in row))
        return "\n".join(lines) + "\n"
    cells = [[_table_cell(t) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    widths = [min(w, 60) for w in widths]

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(fit(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
                 + (", more available: raise --limit or use --offset)" if result.truncated else ")"))
    return "\n".join(lines) + "\n"
