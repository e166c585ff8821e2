"""Queries on a remote SPARQL 1.1 endpoint through SPARQLWrapper.

solkg sends its named graphs as ``default-graph-uri`` parameters so that a remote query reads the
same default graph as a local one, binds parameters with a ``VALUES`` block, and gives up after a
bounded timeout with a one-line message.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
from collections.abc import Mapping

import pyoxigraph as ox

from . import __version__
from .errors import InputError

__all__ = ["remote_query", "inject_values"]

USER_AGENT = f"solkg/{__version__} (+https://w3id.org/solkg)"


def inject_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables with a ``VALUES`` block at the start of the query's WHERE group.

    >>> inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"p": ox.NamedNode("http://e/p")})
    'SELECT ?x WHERE { VALUES (?p) { (<http://e/p>) } ?x ?p ?o }'
    """
    if not bindings:
        return text
    names = sorted(bindings)
    block = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(str(bindings[n]) for n in names) + ") }"
    stripped = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text)  # keep offsets, drop comments
    stripped = re.sub(r"<[^>\s]*>", lambda m: " " * len(m.group(0)), stripped)
    match = re.search(r"\bWHERE\s*\{", stripped, re.I) or re.search(r"\{", stripped)
    if not match:
        raise InputError("cannot bind parameters: the query has no WHERE group")
    at = match.end()
    return text[:at] + " " + block + text[at:]


def _term(binding: dict):
    kind = binding["type"]
    if kind == "uri":
        return ox.NamedNode(binding["value"])
    if kind == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def remote_query(query, *, endpoint: str, bindings, limit, offset, graphs, timeout: float):
    """Run a query on ``endpoint`` (POST, conneg on results, bounded timeout)."""
    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from .query import QueryResult

    text = inject_values(query.text, bindings)
    form = query.form
    if limit is not None and form in ("SELECT", "CONSTRUCT", "DESCRIBE"):
        text = f"{text}\nLIMIT {limit + 1}" if not re.search(r"\bLIMIT\s+\d+\s*$", text, re.I) else text
        if offset:
            text += f"\nOFFSET {offset}"
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod(POST)
    client.setOnlyConneg(True)
    client.setTimeout(int(timeout))
    client.setQuery(text)
    for graph in graphs or []:
        client.addDefaultGraph(graph)
    user, password, token = (os.environ.get(k) for k in ("SOLKG_ENDPOINT_USER", "SOLKG_ENDPOINT_PASSWORD", "SOLKG_ENDPOINT_TOKEN"))
    if token:
        client.addCustomHttpHeader("Authorization", f"Bearer {token}")
    elif user:
        client.setCredentials(user, password or "")
    client.setReturnFormat(JSON if form in ("SELECT", "ASK") else N3)
    try:
        response = client.query()
        raw = response.response.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"{endpoint}: endpoint unreachable ({' '.join(str(reason).split())})") from None
    except SPARQLWrapperException as exc:
        raise InputError(f"{endpoint}: {' '.join(str(exc).split())[:300]}") from None
    if form in ("SELECT", "ASK"):
        try:
            doc = json.loads(raw)
        except ValueError:
            raise InputError(f"{endpoint}: the endpoint returned invalid SPARQL JSON results") from None
        if form == "ASK":
            return QueryResult(form=form, boolean=bool(doc.get("boolean")))
        variables = doc["head"]["vars"]
        rows = [tuple(_term(b[v]) if v in b else None for v in variables) for b in doc["results"]["bindings"]]
        truncated = limit is not None and len(rows) > limit
        return QueryResult(form=form, variables=variables, rows=rows[:limit] if limit is not None else rows,
                           truncated=truncated)
    content_type = response.response.headers.get("Content-Type", "text/turtle").split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(content_type) or ox.RdfFormat.TURTLE
    try:
        triples = [q.triple for q in ox.parse(raw, fmt)]
    except SyntaxError as exc:
        raise InputError(f"{endpoint}: the endpoint returned invalid RDF: {exc}") from None
    truncated = limit is not None and len(triples) > limit
    return QueryResult(form=form, triples=triples[:limit] if limit is not None else triples, truncated=truncated)
