"""The SPARQL 1.1 Protocol, read-only: request checks and result negotiation.

:func:`execute` and :func:`execute_named` run inside a query worker (:mod:`solkg.serve.worker`);
the rest is used by the web app to check a request before it is sent to a worker. Answers are
written by the writers ``solkg query`` uses too: :func:`solkg.query.write_select` and
:func:`solkg.query.write_ask` for SELECT and ASK, :func:`solkg.release.serialize_triples` for graphs.

>>> uses_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
True
>>> uses_service('SELECT ?service WHERE { ?s ?p "SERVICE" } # SERVICE')
False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

import pyoxigraph as ox

from ..errors import InputError
from ..query import RESULTS_MEDIA, dataset_options, uses_service, write_ask, write_select
from ..release.export import serialize_triples
from .conneg import best

__all__ = [
    "ProtocolError",
    "RESULT_MEDIA",
    "GRAPH_MEDIA",
    "FORMAT_PARAM",
    "FORMAT_NAMES",
    "FORMAT_PARAMS",
    "format_choice",
    "format_values",
    "uses_service",
    "execute",
    "execute_named",
    "service_description",
]


class ProtocolError(Exception):
    """An error with its HTTP status and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


RESULT_MEDIA = dict(RESULTS_MEDIA)
"""SELECT/ASK results: format key → media type (the first is the default); written by
:func:`solkg.query.write_select` and :func:`solkg.query.write_ask`."""

GRAPH_MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
"""CONSTRUCT/DESCRIBE results and RDF documents: format key → media type (first is the default)."""

_RESULT_ALIASES = {
    "application/json": "json",
    "text/javascript": "json",
    "application/javascript": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
_GRAPH_ALIASES = {
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "application/n3": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}

FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    # a format=/output=/results= value: (key of SELECT/ASK results, key of CONSTRUCT/DESCRIBE results)
    "json": ("json", "jsonld"),
    "srj": ("json", None),
    "xml": ("xml", "rdfxml"),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "ttl": (None, "turtle"),
    "turtle": (None, "turtle"),
    "n3": (None, "turtle"),
    "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "rdf": (None, "rdfxml"),
    "rdfxml": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
}
"""Values of the ``format`` (also ``output``, ``results``) parameter, which overrides ``Accept``:
short names, and the media types of :data:`RESULT_MEDIA` and :data:`GRAPH_MEDIA` with their aliases.
N3 is answered with Turtle (a Turtle document is N3)."""
for _key, _media in RESULT_MEDIA.items():
    FORMAT_NAMES[_media] = (_key, None)
for _key, _media in GRAPH_MEDIA.items():
    FORMAT_NAMES[_media] = (None, _key)
for _media, _key in _RESULT_ALIASES.items():
    FORMAT_NAMES[_media] = (_key, FORMAT_NAMES.get(_media, (None, None))[1])
for _media, _key in _GRAPH_ALIASES.items():
    FORMAT_NAMES[_media] = (FORMAT_NAMES.get(_media, (None, None))[0], _key)
FORMAT_PARAM = FORMAT_NAMES
"""The former name of :data:`FORMAT_NAMES`."""
FORMAT_PARAMS = ("format", "output", "results")
"""The parameters that name a result format (SPARQLWrapper sends all three, Fuseki reads ``output``)."""


def format_choice(value: str) -> tuple[str | None, str | None] | None:
    """What a ``format=`` value asks for: (results key, graph key); ``None`` for an unknown value.

    >>> format_choice("text/tab-separated-values"), format_choice("xml"), format_choice("json-ld")
    (('tsv', None), ('xml', 'rdfxml'), (None, 'jsonld'))
    >>> format_choice("png") is None
    True
    """
    return FORMAT_NAMES.get(value.split(";")[0].strip().lower())


def _negotiate(
    accept: str | None, fmt, media: dict[str, str], aliases: dict[str, str], what: str, *, graph: bool
) -> str:
    """The format key of the answer: the first ``format=`` value that can carry it, else ``Accept``.

    A ``format=`` value the query form cannot take (``format=csv`` for a CONSTRUCT; SPARQLWrapper
    sends its return format whatever the query) is no preference: ``Accept`` decides, as it does
    for a client that sends no ``format=``, and the ``Content-Type`` says what came."""
    for value in format_values(fmt):
        choice = format_choice(value)
        key = choice[1 if graph else 0] if choice else None
        if key in media:
            return key
    by_media = {m: k for k, m in media.items()} | aliases
    chosen = best(accept, list(by_media))
    if chosen is None:
        raise ProtocolError(
            406, f"none of the media types in Accept: {accept} can carry {what}; offered: {', '.join(media.values())}"
        )
    return by_media[chosen]


def format_values(values) -> list[str]:
    """The format names in ``format=`` values (one value may list several, comma-separated, as
    SPARQLWrapper sends ``application/ld+json,application/x-json+ld``).

    >>> format_values(["json-ld", "application/ld+json,application/x-json+ld", ""])
    ['json-ld', 'application/ld+json', 'application/x-json+ld']
    """
    values = [values] if isinstance(values, str) else list(values or ())
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _check_query(query: str) -> None:
    if uses_service(query):
        raise ProtocolError(
            403, "SERVICE is refused: this endpoint answers from its own store and calls no other endpoint"
        )


def _too_many(limit: int) -> ProtocolError:
    return ProtocolError(
        422,
        f"result limit exceeded: this endpoint returns at most {limit} results per query; "
        "add LIMIT and OFFSET to page through them",
    )


Answer = tuple[str, str, bytes]
"""``("ok", media type, body)``: what :func:`execute` and :func:`execute_named` give a worker to send."""


def _unrepresentable(exc: InputError) -> ProtocolError:
    return ProtocolError(406, exc.message)


def execute(
    store: ox.Store,
    query: str,
    *,
    accept: str | None = None,
    fmt: str | Iterable[str] | None = None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    max_results: int = 10000,
) -> Answer:
    """Run a SPARQL query; ``("ok", media type, body)``. Raises :class:`ProtocolError`.

    ``fmt``: the ``format=`` values of the request, in order (the first that can carry the answer
    wins); without one that can, ``accept`` is negotiated (406 when nothing fits, or when the
    answer holds a value the chosen format cannot carry, such as a control character in XML).
    ``default_graphs``/``named_graphs``: the Protocol's dataset, which replaces the query's ``FROM``/``FROM NAMED`` (see
    :func:`solkg.query.dataset_options`).
    """
    _check_query(query)
    dataset = dataset_options(query, default_graphs=default_graphs, named_graphs=named_graphs)
    try:
        answer = store.query(query, **dataset)
    except SyntaxError as exc:
        raise ProtocolError(400, "SPARQL syntax error: " + " ".join(str(exc).split())) from None
    except ValueError as exc:
        raise ProtocolError(400, " ".join(str(exc).split())) from None
    try:
        if isinstance(answer, ox.QueryBoolean):
            key = _negotiate(accept, fmt, RESULT_MEDIA, _RESULT_ALIASES, "ASK results", graph=False)
            return ("ok", RESULT_MEDIA[key], write_ask(bool(answer), fmt=key))
        if isinstance(answer, ox.QuerySolutions):
            key = _negotiate(accept, fmt, RESULT_MEDIA, _RESULT_ALIASES, "SELECT results", graph=False)
            variables = [v.value for v in answer.variables]
            rows = [tuple(sol[v] for v in variables) for sol in islice(answer, max_results + 1)]
            if len(rows) > max_results:
                raise _too_many(max_results)
            return ("ok", RESULT_MEDIA[key], write_select(variables, rows, fmt=key))
        key = _negotiate(accept, fmt, GRAPH_MEDIA, _GRAPH_ALIASES, "CONSTRUCT and DESCRIBE results", graph=True)
        triples = list(islice(answer, max_results + 1))
        if len(triples) > max_results:
            raise _too_many(max_results)
        return ("ok", GRAPH_MEDIA[key], serialize_triples(triples, fmt=key))
    except InputError as exc:
        raise _unrepresentable(exc) from None
    except OSError as exc:
        raise ProtocolError(500, "the store could not be read: " + " ".join(str(exc).split())) from None


def execute_named(store: ox.Store, name: str, params: dict[str, str], *, max_results: int = 10000) -> Answer:
    """Run a named query; its rows as SPARQL Results JSON (CONSTRUCT/DESCRIBE: as ``s p o`` rows)."""
    from ..query import list_queries, run_query

    known = {q.name: q for q in list_queries()}
    if name not in known:
        raise ProtocolError(404, f"no named query '{name}'; known: {', '.join(known)}")
    query = known[name]
    _check_query(query.text)
    result = run_query(query, store=store, params={k: v for k, v in params.items() if v != ""}, limit=max_results)
    if result.truncated:
        raise _too_many(max_results)
    media = RESULT_MEDIA["json"]
    if result.form == "ASK":
        return ("ok", media, write_ask(bool(result.boolean), fmt="json"))
    if result.form == "SELECT":
        return ("ok", media, write_select(result.variables, result.rows, fmt="json"))
    rows = [(t.subject, t.predicate, t.object) for t in result.triples]
    return ("ok", media, write_select(["s", "p", "o"], rows, fmt="json"))


def service_description(endpoint: str, graphs: list[str]) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of this endpoint."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    me = ox.NamedNode(endpoint)
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")

    def n(local):
        return ox.NamedNode(sd + local)

    triples = [
        ox.Triple(me, rdf_type, n("Service")),
        ox.Triple(me, n("endpoint"), me),
        ox.Triple(me, n("supportedLanguage"), n("SPARQL11Query")),
        ox.Triple(me, n("feature"), n("UnionDefaultGraph")),
        ox.Triple(me, n("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n("Dataset")),
        ox.Triple(dataset, n("defaultGraph"), default),
        ox.Triple(default, rdf_type, n("Graph")),
        ox.Triple(
            me,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal(
                "solkg: read-only SPARQL 1.1 endpoint; the default graph is the union of the named "
                "graphs; updates and SERVICE are refused.",
                language="en",
            ),
        ),
    ]
    for media in list(RESULT_MEDIA.values()) + list(GRAPH_MEDIA.values()):
        triples.append(ox.Triple(me, n("resultFormat"), ox.NamedNode(_FORMAT_IRIS.get(media, "urn:media:" + media))))
    for i, g in enumerate(graphs):
        node = ox.BlankNode(f"g{i}")
        triples += [ox.Triple(dataset, n("namedGraph"), node), ox.Triple(node, n("name"), ox.NamedNode(g))]
    return triples


SD_PREFIXES = {"sd": "http://www.w3.org/ns/sparql-service-description#", "formats": "http://www.w3.org/ns/formats/"}

_FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}
