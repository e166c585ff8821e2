"""Queries on a remote SPARQL 1.1 endpoint, and reading whole graphs back from it.

solkg sends its named graphs as ``default-graph-uri`` parameters so that a remote query reads the
same default graph as a local one, binds parameters as the embedded store does, and gives up after a
bounded timeout with a one-line message. Servers that cap result sets (Virtuoso's
``ResultSetMaxRows``) are paged past the cap, or the truncation is said, never silently kept.

>>> inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"p": ox.NamedNode("http://e/p")})
'SELECT ?x WHERE { ?x <http://e/p> ?o }'
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from collections.abc import Callable, Sequence

import pyoxigraph as ox

from ..errors import InputError
from ..query.named import NamedQuery
from ..query.params import bind_params, inject_values
from ..query.params import mask as _blank_comments_and_iris
from ..query.run import DEFAULT_LIMIT, QueryResult
from ..limits import check_rdf
from .http import USER_AGENT, Endpoints, HttpClient, resolve_endpoints

__all__ = [
    "run_remote",
    "remote_query",
    "inject_values",
    "sparql_select",
    "sparql_update",
    "graph_counts",
    "fetch_graph",
    "USER_AGENT",
    "PAGE_SIZE",
]

PAGE_SIZE = 10000
"""Rows per page when solkg reads whole graphs (at most Debian's Virtuoso ``ResultSetMaxRows``)."""

_RESULTS_JSON = "application/sparql-results+json"
_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_MAXROWS_HEADERS = ("x-sparql-maxrows",)
"""Headers by which a server says it cut a result set at its cap (Virtuoso)."""


_TAIL = re.compile(r"(?:\s*(?:LIMIT\s+(\d+)|OFFSET\s+(\d+)))+\s*$", re.I)


def _with_window(text: str, offset: int, limit: int | None) -> str:
    """The query with its own trailing LIMIT/OFFSET combined with the window ``offset``, ``limit``."""
    stripped = _blank_comments_and_iris(text)
    own_limit, own_offset = None, 0
    match = _TAIL.search(stripped)
    if match:
        tail = stripped[match.start():]
        limits = re.findall(r"LIMIT\s+(\d+)", tail, re.I)
        offsets = re.findall(r"OFFSET\s+(\d+)", tail, re.I)
        own_limit = int(limits[-1]) if limits else None
        own_offset = int(offsets[-1]) if offsets else 0
        text = text[: match.start()]
    start = own_offset + offset
    if own_limit is not None:
        room = max(own_limit - offset, 0)
        limit = room if limit is None else min(limit, room)
    out = text.rstrip()
    if limit is not None:
        out += f"\nLIMIT {limit}"
    if start:
        out += f"\nOFFSET {start}"
    return out + "\n"


def _term(binding: dict):
    kind = binding.get("type")
    value = binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return _bnode(value)
    if kind not in ("literal", "typed-literal"):
        raise ValueError(f"unknown term type {kind!r}")
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype == _BOOLEAN:
        # The canonical form, as the embedded store gives it: Virtuoso writes true as "1".
        value = _CANONICAL_BOOLEAN.get(value.strip(), value)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}


def _bnode(value: str) -> ox.BlankNode:
    """A blank node from a server's label; labels that are not valid (Virtuoso's ``nodeID://b1``) are hashed."""
    if re.fullmatch(r"[A-Za-z0-9_]+", value):
        return ox.BlankNode(value)
    return ox.BlankNode("r" + hashlib.sha256(value.encode()).hexdigest()[:24])


def _client(client: HttpClient | None, timeout: float) -> HttpClient:
    return client if client is not None else HttpClient(timeout=timeout)


def _post_query(url: str, text: str, graphs: Sequence[str] | None, accept: str, client: HttpClient):
    form = [("query", text)] + [("default-graph-uri", g) for g in graphs or []]
    return client.request("POST", url, body=urllib.parse.urlencode(form).encode("utf-8"),
                          headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                                   "Accept": accept})


def _capped(headers: dict, count: int) -> int | None:
    """The server's row cap when it says it cut this result set there."""
    for name in _MAXROWS_HEADERS:
        if name in headers:
            try:
                cap = int(headers[name])
            except ValueError:
                continue
            if count >= cap:
                return cap
    return None


def _select_page(url, text, graphs, client):
    response = _post_query(url, text, graphs, _RESULTS_JSON, client)
    check_rdf(response.body, "json", where=_shown(url))  # nesting (solkg.limits), before json.loads recurses
    try:
        doc = json.loads(response.body)
        if "boolean" in doc and "results" not in doc:
            return None, [], bool(doc["boolean"]), response.headers
        variables = list(doc["head"]["vars"])
        rows = [tuple(_term(b[v]) if v in b else None for v in variables) for b in doc["results"]["bindings"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        kind = response.media_type or "no content type"
        raise InputError(f"{_shown(url)}: the endpoint returned invalid SPARQL JSON results ({kind})") from None
    return variables, rows, None, response.headers


def _shown(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def sparql_select(
    url: str,
    text: str,
    *,
    graphs: Sequence[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    client: HttpClient | None = None,
    timeout: float = 30.0,
) -> tuple[list[str], list[tuple]]:
    """Variables and rows of a SELECT on ``url``, paged past a server's row cap.

    ``offset``/``limit`` are applied on top of the query's own LIMIT/OFFSET. When the server cuts
    the answer at its cap (Virtuoso says so in a header) the next rows are fetched with OFFSET.
    """
    client = _client(client, timeout)
    rows: list[tuple] = []
    variables: list[str] = []
    cap = None
    while True:
        want = None if limit is None else limit - len(rows)
        if cap is not None and (want is None or want > cap):
            want = cap  # Virtuoso refuses an OFFSET without a LIMIT past its cap (SR350)
        variables, page, boolean, headers = _select_page(url, _with_window(text, offset + len(rows), want), graphs,
                                                         client)
        if variables is None:
            raise InputError(f"{_shown(url)}: an ASK answer came back for a SELECT query")
        rows.extend(page)
        said = _capped(headers, len(page))
        if said is not None:
            cap = said
        if not page or (limit is not None and len(rows) >= limit):
            return variables, rows
        if said is None and not (cap is not None and len(page) == want):
            return variables, rows


def sparql_update(url: str, text: str, *, client: HttpClient | None = None, timeout: float = 60.0) -> None:
    """Send one SPARQL 1.1 Update request (POST, form-encoded)."""
    client = _client(client, timeout)
    client.request("POST", url, body=urllib.parse.urlencode({"update": text}).encode("utf-8"),
                   headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                            "Accept": "*/*"})


def remote_query(query, *, endpoint, bindings, limit, offset, graphs, timeout: float, client: HttpClient | None = None):
    """Run a named or ad-hoc query on ``endpoint`` (its query URL, or :class:`Endpoints`), its
    parameters already bound (``bindings``: name → term).

    SELECT rows are paged past a server's cap; CONSTRUCT/DESCRIBE ask for N-Triples or Turtle.
    """
    url = endpoint.query if isinstance(endpoint, Endpoints) else resolve_endpoints(endpoint=endpoint).query
    client = _client(client, timeout)
    text = inject_values(query.text, bindings)
    form = query.form
    if form == "ASK":
        _, _, boolean, _ = _select_page(url, text, graphs, client)
        if boolean is None:
            raise InputError(f"{_shown(url)}: the endpoint returned no boolean for an ASK query")
        return QueryResult(form=form, boolean=boolean)
    want = None if limit is None else limit + 1
    if form == "SELECT":
        variables, rows = sparql_select(url, text, graphs=graphs, offset=offset, limit=want, client=client)
        truncated = limit is not None and len(rows) > limit
        return QueryResult(form=form, variables=variables, rows=rows[:limit] if limit is not None else rows,
                           truncated=truncated)
    windowed = _with_window(text, offset, want) if (limit is not None or offset) else text
    response = _post_query(url, windowed, graphs, _RDF_ACCEPT, client)
    triples = _parse_rdf(url, response)
    if _capped(response.headers, len(triples)) is not None:
        raise InputError(f"{_shown(url)}: the server cut the {form} answer at its row cap "
                         f"({response.headers.get('x-sparql-maxrows')} rows); ask for a smaller page")
    truncated = limit is not None and len(triples) > limit
    return QueryResult(form=form, triples=triples[:limit] if limit is not None else triples, truncated=truncated)


def run_remote(
    query: NamedQuery,
    *,
    endpoint: str | Endpoints,
    params: dict[str, str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
    graphs: Sequence[str] | None = None,
    timeout: float = 30.0,
    client: HttpClient | None = None,
) -> QueryResult:
    """:func:`solkg.query.run_query` on a remote SPARQL 1.1 endpoint: ``params`` bound the same way;
    ``graphs`` are the named graphs the query reads as its default graph (``default-graph-uri``),
    as the embedded store reads the union of its named graphs."""
    bindings = bind_params(query, params or {})
    return remote_query(query, endpoint=endpoint, bindings=bindings, limit=limit, offset=offset,
                        graphs=list(graphs) if graphs is not None else None, timeout=timeout, client=client)


def _parse_rdf(url: str, response) -> list[ox.Triple]:
    media = response.media_type
    fmt = {"text/plain": ox.RdfFormat.N_TRIPLES}.get(media) or (ox.RdfFormat.from_media_type(media) if media else None)
    if fmt is None:
        fmt = ox.RdfFormat.TURTLE
    check_rdf(response.body, fmt, where=_shown(url))  # nesting, XML entities (solkg.limits)
    try:
        return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(response.body, fmt)]
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"{_shown(url)}: the endpoint returned invalid RDF ({' '.join(str(exc).split())[:160]})"
                         ) from None


# ---------------------------------------------------------------------------------------------
# Reading whole graphs back


def graph_counts(endpoints: Endpoints, graphs: Sequence[str] | None = None, *, prefix: str | None = None,
                 client: HttpClient | None = None, timeout: float = 60.0) -> dict[str, int]:
    """Named graph → triple count on the server: the ``graphs`` given, or every graph under ``prefix``."""
    client = _client(client, timeout)
    if graphs is not None:
        if not graphs:
            return {}
        values = " ".join(f"<{g}>" for g in graphs)
        text = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    else:
        flt = f'FILTER(STRSTARTS(STR(?g), "{prefix}"))' if prefix else ""
        text = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {flt} }} GROUP BY ?g"
    _, rows = sparql_select(endpoints.query, text, client=client)
    out = {g: 0 for g in graphs or []}
    for g, n in rows:
        try:
            out[g.value] = int(n.value)
        except (AttributeError, ValueError):
            raise InputError(f"{_shown(endpoints.query)}: the endpoint returned a non-numeric count") from None
    return dict(sorted(out.items()))


def fetch_graph(endpoints: Endpoints, graph: str, *, expected: int | None = None, page_size: int = PAGE_SIZE,
                client: HttpClient | None = None, timeout: float = 120.0,
                progress: Callable[[int], None] | None = None) -> list[ox.Triple]:
    """Every triple of a named graph on the server.

    With a Graph Store Protocol endpoint, one GET; otherwise (or when the GET gave fewer triples
    than ``expected``, e.g. a server cap) pages of ``SELECT ... ORDER BY ?s ?p ?o LIMIT/OFFSET``.
    Raises :class:`InputError` when the triples read do not add up to ``expected``.
    """
    client = _client(client, timeout)
    response = None
    if endpoints.store is not None:
        try:
            response = client.request("GET", endpoints.store_url(graph), headers={"Accept": _RDF_ACCEPT},
                                      ok_status=(404,))
        except InputError as exc:  # e.g. Virtuoso's authenticated Graph Store endpoint, read anonymously
            if not re.search(r": HTTP 40[13] ", exc.message):
                raise
    if response is not None:
        triples: list[ox.Triple] = [] if response.status == 404 else _parse_rdf(endpoints.store or "", response)
        if expected is None or len(set(triples)) == expected:
            if progress:
                progress(len(triples))
            return triples
    text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o"
    triples = []
    while True:
        _, rows = sparql_select(endpoints.query, text, offset=len(triples), limit=page_size, client=client)
        for s, p, o in rows:
            triples.append(ox.Triple(s, p, o))
        if progress:
            progress(len(rows))
        if len(rows) < page_size:
            break
    if expected is not None and len(set(triples)) != expected:
        raise InputError(f"{_shown(endpoints.query)}: read {len(set(triples))} triples of <{graph}> but the server "
                         f"counts {expected}: it truncates results (Virtuoso: raise ResultSetMaxRows)")
    return triples
