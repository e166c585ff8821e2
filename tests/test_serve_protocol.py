"""`solkg serve` and `solkg query` as SPARQL 1.1 says (issue 13, rows 5 and 7): the dataset of a query
(FROM / FROM NAMED, and the Protocol's default-graph-uri / named-graph-uri), and result formats as
clients no one here wrote ask for them: real SPARQLWrapper (default mode and only-conneg), rdflib's
SPARQLStore, and raw HTTP as curl sends it.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import warnings
import xml.dom.minidom
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

SEED = "https://w3id.org/solkg/graph/data/seed.ttl"
EXAMPLES = "https://w3id.org/solkg/graph/data/examples.ttl"
SOL = "https://w3id.org/solkg/ontology#"
AMAP = "https://w3id.org/solkg/id/example-amap-val-de-drome"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def store_count(store_path, where: str) -> int:
    store = ox.Store.read_only(str(store_path))
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)


def http_count(server, query: str, **protocol) -> int:
    r = server.get("/sparql?" + urlencode({"query": query, **protocol}, doseq=True), Accept="text/csv")
    assert r.status == 200, r.text
    return int(r.text.split()[1])


def http_graphs(server, query: str, **protocol) -> list[str]:
    r = server.get("/sparql?" + urlencode({"query": query, **protocol}, doseq=True), Accept="text/csv")
    assert r.status == 200, r.text
    return sorted(r.text.split()[1:])


# --- row 5: the dataset ------------------------------------------------------------------------


def test_from_makes_the_default_graph(server, serve_store):
    seed = store_count(serve_store, f"GRAPH <{SEED}> {{ ?s ?p ?o }}")
    union = http_count(server, COUNT)
    assert 0 < seed < union
    assert http_count(server, f"SELECT (COUNT(*) AS ?n) FROM <{SEED}> WHERE {{ ?s ?p ?o }}") == seed
    assert http_count(server, "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> WHERE { ?s ?p ?o }") == 0
    # FROM without FROM NAMED: no named graph
    assert http_count(server, f"SELECT (COUNT(*) AS ?n) FROM <{SEED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == 0
    ask = server.get("/sparql?" + urlencode({"query": f"ASK FROM <urn:nothing> {{ <{AMAP}> ?p ?o }}"}))
    assert json.loads(ask.body)["boolean"] is False


def test_from_named_makes_the_named_graphs(server):
    query = f"SELECT DISTINCT ?g FROM NAMED <{SEED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert http_graphs(server, query) == [SEED]
    # FROM NAMED without FROM: the default graph is empty
    assert http_count(server, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{SEED}> WHERE {{ ?s ?p ?o }}") == 0


def test_protocol_dataset_overrides_the_query(server, serve_store):
    seed = store_count(serve_store, f"GRAPH <{SEED}> {{ ?s ?p ?o }}")
    query = "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> WHERE { ?s ?p ?o }"
    assert http_count(server, query, **{"default-graph-uri": SEED}) == seed
    # named-graph-uri alone replaces the whole dataset: the default graph is then empty
    assert http_count(server, f"SELECT (COUNT(*) AS ?n) FROM <{EXAMPLES}> WHERE {{ ?s ?p ?o }}",
                      **{"named-graph-uri": SEED}) == 0
    graphs = f"SELECT DISTINCT ?g FROM NAMED <{EXAMPLES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert http_graphs(server, graphs, **{"named-graph-uri": SEED}) == [SEED]
    assert http_graphs(server, graphs, **{"default-graph-uri": SEED}) == []
    # in a POST form too
    form = urlencode({"query": query, "default-graph-uri": SEED}).encode()
    r = server.post("/sparql", form, "application/x-www-form-urlencoded", Accept="text/csv")
    assert int(r.text.split()[1]) == seed


def test_union_stays_the_default(server, serve_store):
    assert http_count(server, COUNT) == store_count(serve_store, "GRAPH ?g { ?s ?p ?o }")


def _cli_query(store, text: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "solkg", "query", "-e", text, "--store", str(store), "--format", "csv"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_solkg_query_reads_from_too(serve_store):
    seed = store_count(serve_store, f"GRAPH <{SEED}> {{ ?s ?p ?o }}")
    union = store_count(serve_store, "GRAPH ?g { ?s ?p ?o }")
    assert _cli_query(serve_store, f"SELECT (COUNT(*) AS ?n) FROM <{SEED}> WHERE {{ ?s ?p ?o }}").split() == [
        "n", str(seed)]
    assert _cli_query(serve_store, "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> WHERE { ?s ?p ?o }").split() == [
        "n", "0"]
    named = _cli_query(serve_store, f"SELECT DISTINCT ?g FROM NAMED <{SEED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert named.split() == ["g", SEED]
    assert _cli_query(serve_store, COUNT).split() == ["n", str(union)]


# --- row 7: result formats as real clients ask for them -------------------------------------------

SELECT = f"SELECT ?c WHERE {{ ?c a <{SOL}CommunitySupportedAgriculture> }} ORDER BY ?c"
ASK = f"ASK {{ <{AMAP}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ <{AMAP}> ?p ?o }} WHERE {{ <{AMAP}> ?p ?o FILTER(!isBlank(?o)) }}"
DESCRIBE = f"DESCRIBE <{AMAP}>"


def expected_graph(store_path, query: str) -> Graph:
    store = ox.Store.read_only(str(store_path))
    triples = list(store.query(query, use_default_graph_as_union=True))
    buf = io.BytesIO()
    ox.serialize(triples, buf, ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=buf.getvalue().decode(), format="nt")


def expected_rows(store_path) -> list[str]:
    store = ox.Store.read_only(str(store_path))
    return [r["c"].value for r in store.query(SELECT, use_default_graph_as_union=True)]


def _wrapper(server, query, fmt, only_conneg, method):
    from SPARQLWrapper import SPARQLWrapper

    w = SPARQLWrapper(server.base + "/sparql")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setOnlyConneg(only_conneg)
    w.setMethod(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns of formats it did not ask for
        result = w.query()
        return result.info()["content-type"], result.convert()


def _select_rows(ctype: str, converted) -> list[str]:
    if "sparql-results+json" in ctype:
        return [b["c"]["value"] for b in converted["results"]["bindings"]]
    if "sparql-results+xml" in ctype:
        assert isinstance(converted, xml.dom.minidom.Document)
        return [node.firstChild.data for node in converted.getElementsByTagName("uri")]
    text = converted.decode()
    if ctype.startswith("text/csv"):
        return [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert ctype.startswith("text/tab-separated-values"), ctype
    return [line.strip("<>") for line in text.splitlines()[1:]]


def _graph(ctype: str, converted) -> Graph:
    if isinstance(converted, Graph):
        return converted
    media = ctype.split(";")[0]
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
           "application/rdf+xml": "xml"}[media]
    return Graph().parse(data=converted, format=fmt)


WRAPPER_FORMATS = ["json", "xml", "csv", "tsv", "turtle", "n3", "rdf", "rdf+xml", "json-ld"]


@pytest.mark.parametrize("only_conneg", [False, True], ids=["default-mode", "only-conneg"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", WRAPPER_FORMATS)
def test_sparqlwrapper_select_and_ask(server, serve_store, fmt, only_conneg, method):
    ctype, converted = _wrapper(server, SELECT, fmt, only_conneg, method)
    assert _select_rows(ctype, converted) == expected_rows(serve_store)
    expected_media = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                      "csv": "text/csv", "tsv": "text/tab-separated-values"}
    if fmt in expected_media:  # what it asked for; other formats cannot carry rows: the default comes
        assert ctype.startswith(expected_media[fmt])
    ctype, converted = _wrapper(server, ASK, fmt, only_conneg, method)
    if "json" in ctype:
        assert converted["boolean"] is True
    elif "xml" in ctype:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert converted.decode().split()[1] == "true"


@pytest.mark.parametrize("only_conneg", [False, True], ids=["default-mode", "only-conneg"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", WRAPPER_FORMATS)
def test_sparqlwrapper_construct_and_describe(server, serve_store, fmt, only_conneg, method):
    for query in (CONSTRUCT, DESCRIBE):
        ctype, converted = _wrapper(server, query, fmt, only_conneg, method)
        assert isomorphic(_graph(ctype, converted), expected_graph(serve_store, query)), (query, ctype)
        wanted = {"xml": "application/rdf+xml", "rdf+xml": "application/rdf+xml", "turtle": "text/turtle",
                  "n3": "text/turtle", "json-ld": "application/ld+json"}
        if fmt in wanted:
            assert ctype.startswith(wanted[fmt]), (fmt, ctype)
        if fmt in ("rdf", "json") and not only_conneg:
            assert ctype.startswith({"rdf": "application/rdf+xml", "json": "application/ld+json"}[fmt])


@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore_select_and_ask(server, serve_store, return_format):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server.base + "/sparql", returnFormat=return_format))
    assert [str(row[0]) for row in graph.query(SELECT)] == expected_rows(serve_store)
    assert bool(graph.query(ASK)) is True


def test_rdflib_sparqlstore_graphs(server, serve_store):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.base + "/sparql")
    graph = Graph(store=store)
    result = graph.query(CONSTRUCT)
    assert isomorphic(result.graph, expected_graph(serve_store, CONSTRUCT))
    union = ox.Store.read_only(str(serve_store))
    expected = {(r["p"].value, r["o"].value)
                for r in union.query(f"SELECT ?p ?o WHERE {{ <{AMAP}> ?p ?o }}", use_default_graph_as_union=True)}
    assert {(str(p), str(o)) for _, p, o in graph.triples((URIRef(AMAP), None, None))} == expected
    seed = Graph(store=store, identifier=URIRef(SEED))  # SPARQLStore names it in default-graph-uri
    assert len(seed) == store_count(serve_store, f"GRAPH <{SEED}> {{ ?s ?p ?o }}")
    assert set(map(str, store.contexts())) >= {SEED, EXAMPLES}


@pytest.mark.parametrize(
    ("query", "params", "media"),
    [
        (SELECT, {"format": "text/tab-separated-values"}, "text/tab-separated-values"),
        (SELECT, {"format": ["tsv", "text/tab-separated-values"], "output": "tsv", "results": "tsv"},
         "text/tab-separated-values"),
        (SELECT, {"output": "csv"}, "text/csv"),
        (SELECT, {"format": "application/sparql-results+xml"}, "application/sparql-results+xml"),
        (SELECT, {"format": "application/sparql-results+json; charset=utf-8"}, "application/sparql-results+json"),
        (SELECT, {"format": "srx"}, "application/sparql-results+xml"),
        (ASK, {"results": "xml"}, "application/sparql-results+xml"),
        (CONSTRUCT, {"format": "xml"}, "application/rdf+xml"),
        (CONSTRUCT, {"format": "rdf+xml"}, "application/rdf+xml"),
        (CONSTRUCT, {"format": ["json-ld", "application/ld+json,application/x-json+ld"]}, "application/ld+json"),
        (CONSTRUCT, {"output": "application/n-triples"}, "application/n-triples"),
        (CONSTRUCT, {"format": "n3"}, "text/turtle"),
        (DESCRIBE, {"format": "json"}, "application/ld+json"),
    ],
)
def test_raw_http_format_parameters(server, serve_store, query, params, media):
    r = server.get("/sparql?" + urlencode({"query": query, **params}, doseq=True), Accept="*/*")
    assert r.status == 200, r.text
    assert r.header("content-type").startswith(media)
    if query in (CONSTRUCT, DESCRIBE):
        fmt = {"application/rdf+xml": "xml", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "text/turtle": "turtle"}[media]
        assert isomorphic(Graph().parse(data=r.body, format=fmt), expected_graph(serve_store, query))


def test_raw_http_unknown_format_is_400(server):
    r = server.get("/sparql?" + urlencode({"query": SELECT, "format": "png"}))
    assert r.status == 400 and "format=png" in r.text
