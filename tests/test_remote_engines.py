"""solkg against real SPARQL servers started here: Oxigraph server and Virtuoso.

Publishes the seed graphs (the project's sources as ``solkg build`` makes them) and the
10,000-chain benchmark graph to each engine, then: counts match, publishing twice changes nothing,
named queries give the rows of the embedded store, ``check --endpoint`` gives the local findings.
Each test runs once per server, marked ``oxigraph`` or ``virtuoso``: a missing server binary skips
its tests with the install command (a failure under SOLKG_TEST_REQUIRE_ALL=1, as in CI).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from solkg.project import Project
from solkg.cli import cli
from solkg.cli.publish import publish as publish_command
from solkg.remote.http import resolve_endpoints
from solkg.remote.publish import STAGING_PREFIX, publish
from solkg.query import list_queries, run_query
from solkg.remote import check_endpoint, graph_counts, run_remote, sparql_select
from solkg.sources import data_sources, project_sources
from solkg.store.entail import ENTAILED_GRAPH, add_entailed
from solkg.store.summary import FIGURES, PREFIXES, SUMMARY_GRAPH, add_summary
from solkg.store import graph_triple_counts, load_sources, open_store

from conftest import ROOT, engine_server

pytestmark = pytest.mark.slow

CHAINS = 10000
VIRTUOSO_MAX_ROWS = 50000
"""Raised from Debian's 10000, still below the benchmark graph's 120k triples: paging past the cap is exercised."""

BENCH_SUMMARY = "https://w3id.org/solkg/graph/summary/bench-10k"
"""Where the summary of the project's graphs with the benchmark graph is published (the seed's is at
SUMMARY_GRAPH): a summary holds the figures of one set of graphs, so each set is read with its own."""
SEED_GRAPHS = [s.graph for s in project_sources()] + [ENTAILED_GRAPH, SUMMARY_GRAPH]

BENCH_PARAMS = {"actors-of-chain": {"chain": "sold:chain-0000416"}, "describe-chain": {"chain": "sold:chain-0000416"}}


@contextlib.contextmanager
def environment(values: dict):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session", params=[pytest.param("oxigraph", marks=pytest.mark.oxigraph),
                                         pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def server(request, tmp_path_factory):
    with engine_server(request.param, tmp_path_factory.mktemp(request.param), max_rows=VIRTUOSO_MAX_ROWS) as running:
        yield running


@pytest.fixture(autouse=True)
def _credentials(server, monkeypatch):
    """The server's credentials (Virtuoso: dba/dba digest) in the environment, for this test only."""
    for key in ("SOLKG_ENDPOINT_USER", "SOLKG_ENDPOINT_PASSWORD", "SOLKG_ENDPOINT_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="session")
def bench_file(tmp_path_factory) -> Path:
    """The 10,000-chain benchmark graph (benchmarks/generate.py), in a folder of its own."""
    folder = tmp_path_factory.mktemp("bench")
    path = folder / "bench-10k.ttl"
    generator = ROOT / "benchmarks" / "generate.py"
    assert generator.is_file(), "benchmarks/generate.py is missing"
    subprocess.run([sys.executable, str(generator), "--chains", str(CHAINS), "--seed", "1", "-o", str(path)],
                   check=True, capture_output=True)
    return path


@pytest.fixture(scope="session")
def bench_sources(bench_file):
    old = os.getcwd()
    os.chdir(bench_file.parent)
    try:
        return data_sources([bench_file.name])
    finally:
        os.chdir(old)


@pytest.fixture(scope="session")
def local_bench(bench_sources):
    """The embedded store with the project's sources, the benchmark graph and the derived graphs."""
    store = load_sources(project_sources() + bench_sources)
    add_entailed(store)
    add_summary(store)
    return store


def bench_graphs(bench_sources) -> list[str]:
    return [s.graph for s in project_sources() + bench_sources] + [ENTAILED_GRAPH, BENCH_SUMMARY]


@pytest.fixture(scope="session")
def published(server, built, bench_file, bench_sources, local_bench):
    """The seed graphs (from a built store, its summary graph included) and the benchmark graph,
    published to the server, with the summary of the project's graphs and the benchmark's at
    BENCH_SUMMARY."""
    endpoints = resolve_endpoints(server=server.engine, endpoint=server.base)
    old = os.getcwd()
    summary = ox.Store()
    summary.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(BENCH_SUMMARY))
                   for q in local_bench.quads_for_pattern(None, None, None, ox.NamedNode(SUMMARY_GRAPH)))
    with environment(server.env):
        seed = publish(endpoints=endpoints, store=open_store(built / ".solkg" / "store"))
        publish(endpoints=endpoints, store=summary)
        os.chdir(bench_file.parent)
        try:
            bench = publish(endpoints=endpoints, files=[bench_file.name])
        finally:
            os.chdir(old)
    return endpoints, seed, bench


# ---------------------------------------------------------------------------------------------


def test_publish_counts(published, built, local_bench, bench_sources):
    endpoints, seed, bench = published
    local = graph_triple_counts(open_store(built / ".solkg" / "store"))
    assert {g.graph: g.remote for g in seed.graphs} == local
    assert local[SUMMARY_GRAPH] > 0 and local[ENTAILED_GRAPH] > 0  # the derived graphs travel with the rest
    assert all(g.sent == g.remote for g in seed.graphs + bench.graphs)
    assert graph_counts(endpoints, list(local)) == local
    bench_graph = bench_sources[0].graph
    assert bench.graphs[0].graph == bench_graph
    assert bench.graphs[0].remote == graph_triple_counts(local_bench)[bench_graph] > 100000
    assert seed.method == bench.method == "graph-store" and seed.mode == "replace"


def test_publish_twice_same_counts_no_staging_left(published, built):
    endpoints, seed, _ = published
    again = publish(endpoints=endpoints, store=open_store(built / ".solkg" / "store"), batch_size=97)
    assert [(g.graph, g.remote) for g in again.graphs] == [(g.graph, g.remote) for g in seed.graphs]
    _, rows = sparql_select(endpoints.query, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                            f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
    assert rows == []


def test_publish_blank_nodes_replace_and_append(server, tmp_path):
    """Replacing twice keeps one copy of blank-node triples; appending adds a second one; batches keep them whole."""
    path = tmp_path / "bnodes.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n"
                    + "".join(f'ex:s{i} ex:p [ ex:q [ ex:r "v{i}é"@fr ] ] .\n' for i in range(50)), encoding="utf-8")
    endpoints = resolve_endpoints(server=server.engine, endpoint=server.base)
    graph = "http://example.org/graph/bnodes"
    for _ in range(2):
        result = publish(endpoints=endpoints, files=[path], graphs=[graph], batch_size=7)
        assert [(g.graph, g.sent, g.remote) for g in result.graphs] == [(graph, 150, 150)]
    text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s <http://example.org/p> ?a . "
            "?a <http://example.org/q> ?b . ?b <http://example.org/r> ?v } }")
    assert int(sparql_select(endpoints.query, text)[1][0][0].value) == 50
    result = publish(endpoints=endpoints, files=[path], graphs=[graph], append=True, batch_size=7)
    assert [(g.before, g.remote) for g in result.graphs] == [(150, 300)]


def _norm(term):
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal) and term.datatype.value.startswith("http://www.w3.org/2001/XMLSchema#") \
            and term.datatype.value.rsplit("#", 1)[1] in {"decimal", "integer", "double", "float", "long", "int",
                                                           "nonNegativeInteger"}:
        with contextlib.suppress(InvalidOperation):
            return ("number", Decimal(term.value).normalize())
    return str(term)


def _multiset(result):
    if result.form == "ASK":
        return result.boolean
    if result.form == "SELECT":
        return result.variables, Counter(tuple(_norm(t) for t in row) for row in result.rows)
    return Counter((_norm(t.subject), _norm(t.predicate), _norm(t.object)) for t in result.triples)


def _compare(local, run_remote):
    """The remote engine gives the embedded store's multiset of rows (every engine: the named queries avoid
    the constructs that test_virtuoso_known_deviations pins)."""
    assert _multiset(run_remote()) == _multiset(local)


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_named_queries_same_rows_on_seed(published, built, server, name):
    endpoints = published[0]
    query = next(q for q in list_queries() if q.name == name)
    local = run_query(query, store=open_store(built / ".solkg" / "store"), limit=None)
    assert (len(local.rows) or len(local.triples)) > 0
    _compare(local, lambda: run_remote(query, endpoint=endpoints.query, limit=None, timeout=120,
                                              graphs=SEED_GRAPHS))


_CHAINS = "{ SELECT ?c WHERE { ?t rdfs:subClassOf sol:ShortSupplyChain . ?c rdf:type ?t } }"
_UPHOLDS = "{ SELECT ?c ?u WHERE { ?c sol:upholdsPrinciple ?u } }"
_PRINCIPLES = "{ SELECT DISTINCT ?u ?p WHERE { ?x sol:upholdsPrinciple ?u . BIND(?u AS ?p) } }"
_BROADER = "{ SELECT DISTINCT ?u ?p WHERE { ?x sol:upholdsPrinciple ?u . ?u skos:broaderTransitive ?p } }"

LOSES = "loses rows"  # Virtuoso gives some of the embedded store's rows, never one it does not give

KNOWN = {
    # name: (query, Virtuoso gives the embedded store's rows: True, False or LOSES)
    "path": ("SELECT ?c WHERE { ?c rdf:type/rdfs:subClassOf* sol:Charter }", True),
    "union-bind": ("SELECT ?a ?r WHERE { { ?a sol:signatoryOf ?c . BIND('s' AS ?r) } "
                   "UNION { ?c sol:launchedBy ?a . BIND('l' AS ?r) } }", True),
    "exists-plain": ("SELECT ?a WHERE { { ?a sol:signatoryOf ?c } UNION { ?c sol:launchedBy ?a } "
                     "FILTER EXISTS { ?c rdf:type sol:Charter } }", True),
    "optional-literal": ("SELECT ?c (MIN(?l) AS ?x) WHERE { ?c skos:inScheme solv:sector "
                         "OPTIONAL { ?c skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), 'en')) } } GROUP BY ?c", True),
    "path-join": ("SELECT ?a ?c WHERE { ?a sol:signatoryOf ?c . ?c rdf:type ?t . ?t rdfs:subClassOf* sol:Charter }",
                  False),
    "path-join-no-path": ("SELECT ?a ?c WHERE { ?a sol:signatoryOf ?c . ?c rdf:type sol:Charter }", True),
    "exists-path": ("SELECT ?a WHERE { ?a sol:signatoryOf ?c . "
                    "FILTER EXISTS { ?c rdf:type/rdfs:subClassOf* sol:Charter } }", False),
    "optional-outer-values": ("SELECT ?c (MIN(?l) AS ?x) WHERE { VALUES (?lang) { ('en') } "
                              "?c skos:inScheme solv:sector "
                              "OPTIONAL { ?c skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), ?lang)) } } GROUP BY ?c",
                              False),
    "boolean": ("SELECT (COUNT(*) > 0 AS ?b) WHERE { ?s ?p ?o }", False),
    # cast to xsd:boolean, Virtuoso writes "1", which solkg reads back in canonical form
    "boolean-cast": ("SELECT (xsd:boolean(COUNT(*) > 0) AS ?b) WHERE { ?s ?p ?o }", True),
    # the closures of the entailed graph, joined as plain patterns: what the named queries do
    "entailed-join": ("SELECT ?a ?c WHERE { ?a sol:signatoryOf ?c . ?c rdf:type ?t . ?t rdfs:subClassOf sol:Charter }",
                      True),
    # Sub-SELECT joins are fragile: three side by side lose rows, and so does the same join nested two by
    # two, unless the inner one holds a UNION (chains-by-principle's shape, which gives the right rows).
    # Not every time: one run in several gets them all (the plan varies), so these are pinned as LOSES.
    "three-subselects": (f"SELECT ?p ?c WHERE {{ {_PRINCIPLES} {_UPHOLDS} {_CHAINS} }}", LOSES),
    "nested-subselects": (f"SELECT ?p ?c WHERE {{ {_CHAINS} {{ SELECT ?c ?p WHERE {{ {_UPHOLDS} {_PRINCIPLES} }} }} }}",
                          LOSES),
    "nested-subselects-union": (f"SELECT ?p ?c WHERE {{ {_CHAINS} {{ SELECT ?c ?p WHERE {{ {_UPHOLDS} "
                                f"{{ {_PRINCIPLES} }} UNION {{ {_BROADER} }} }} }} }}", True),
    # sameTerm is false on a term made by COALESCE; = is right
    "sameterm-coalesce": ("SELECT ?x WHERE { OPTIONAL { sol:none sol:inSector ?s } BIND(COALESCE(?s, rdf:nil) AS ?k) "
                          "BIND(IF(sameTerm(?k, rdf:nil), 'yes', 'no') AS ?x) }", False),
    "equal-coalesce": ("SELECT ?x WHERE { OPTIONAL { sol:none sol:inSector ?s } BIND(COALESCE(?s, rdf:nil) AS ?k) "
                       "BIND(IF(?k = rdf:nil, 'yes', 'no') AS ?x) }", True),
}


@pytest.mark.parametrize("name", list(KNOWN))
def test_virtuoso_known_deviations(published, built, server, name):
    """Pins where Virtuoso 7.2.5 and the embedded store agree and where they do not (Oxigraph: everywhere)."""
    from solkg.query import adhoc_query

    text, agrees = KNOWN[name]
    prefixes = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "PREFIX sol: <https://w3id.org/solkg/ontology#>\nPREFIX solv: <https://w3id.org/solkg/vocab/>\n"
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
    query = adhoc_query(prefixes + text)
    local = run_query(query, store=open_store(built / ".solkg" / "store"), limit=None)
    remote = run_remote(query, endpoint=published[0].query, limit=None,
                       graphs=[s.graph for s in project_sources()] + [ENTAILED_GRAPH])
    if agrees is LOSES and server.engine == "virtuoso":
        (variables, got), (expected_variables, expected) = _multiset(remote), _multiset(local)
        assert variables == expected_variables
        assert not got - expected  # a sub-multiset: rows lost (or, some runs, none), none invented
        return
    same = _multiset(remote) == _multiset(local)
    assert same is (agrees is True or server.engine != "virtuoso")


WITH_PARAMETERS = [
    ("food-chains-by-intermediaries", {"max": "0", "lang": "fr"}),  # a parameter tested by BOUND in a sub-SELECT
    ("chains-by-principle", {"principle": "principle:cooperation"}),  # projected: stays a variable
    ("chains-near", {"minLat": "44", "maxLat": "46", "minLong": "4", "maxLong": "6"}),
    ("concepts-of-scheme", {"scheme": "solv:principle", "lang": "fr"}),
    ("actors-in-several-chains", {"lang": "fr"}),
    ("chains-per-sector-territory", {"lang": "fr"}),
]


@pytest.mark.parametrize(("name", "params"), WITH_PARAMETERS, ids=[n for n, _ in WITH_PARAMETERS])
def test_named_queries_with_parameters_same_rows_on_bench(published, local_bench, bench_sources, name, params):
    endpoints = published[0]
    query = next(q for q in list_queries() if q.name == name)
    local = run_query(query, store=local_bench, params=params, limit=None)
    assert len(local.rows) > 0
    _compare(local, lambda: run_remote(query, endpoint=endpoints.query, params=params, limit=None,
                                      graphs=bench_graphs(bench_sources), timeout=120))


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_named_queries_same_rows_on_bench(published, local_bench, bench_sources, server, name):
    endpoints = published[0]
    query = next(q for q in list_queries() if q.name == name)
    params = BENCH_PARAMS.get(name, {})
    local = run_query(query, store=local_bench, params=params, limit=None)
    _compare(local, lambda: run_remote(query, endpoint=endpoints.query, params=params, limit=None,
                                              graphs=bench_graphs(bench_sources), timeout=120))


@pytest.mark.parametrize("name", list(FIGURES))
def test_summary_figures_equal_the_live_aggregates(published, server, bench_sources, name):
    """On the server too, what the published summary graphs hold is what the aggregates over the
    other graphs give (the seed's, and the project's with the benchmark graph)."""
    from solkg.query import adhoc_query

    endpoints = published[0]
    live, read = FIGURES[name]
    for graphs, summary in ((SEED_GRAPHS[:-1], SUMMARY_GRAPH), (bench_graphs(bench_sources)[:-1], BENCH_SUMMARY)):
        expected = run_remote(adhoc_query(PREFIXES + live), endpoint=endpoints.query, graphs=graphs, limit=None,
                              timeout=120)
        got = run_remote(adhoc_query(PREFIXES + read), endpoint=endpoints.query, graphs=[summary], limit=None,
                         timeout=120)
        assert expected.rows
        assert _multiset(got) == _multiset(expected)


LIVE = sorted((ROOT / "tests" / "fixtures" / "live_queries").glob("*.rq"))
"""The five whole-graph named queries as they aggregated live, before the summary graph."""
LIVE_PARAMETERS = {
    "food-chains-by-intermediaries": [{}, {"max": "0", "lang": "fr"}, {"max": "1"}],
    "chains-by-principle": [{}, {"principle": "principle:cooperation"}],
    "actors-in-several-chains": [{}, {"lang": "fr"}],
    "chains-per-sector-territory": [{}, {"lang": "fr"}],
    "sectors-overview": [{}, {"lang": "fr"}],
}


@pytest.mark.parametrize("path", LIVE, ids=[p.stem for p in LIVE])
def test_summary_queries_give_the_rows_of_the_live_aggregates(published, server, bench_sources, path):
    """On the server, each named query that reads the summary graph gives the rows that its live
    aggregate (tests/fixtures/live_queries) gives over the other graphs, on the seed and on the
    benchmark graphs, with parameters. Rows compared as multisets, as every remote comparison here
    (the order is compared on the embedded store: tests/test_summary.py)."""
    from solkg.query.named import NamedQuery, read_query_text

    endpoints = published[0]
    reading = next(q for q in list_queries() if q.name == path.stem)
    assert "# reads: the summary graph" in reading.text
    live = NamedQuery(name=path.stem, text=read_query_text(path), params=reading.params)
    compared = 0
    for graphs in (SEED_GRAPHS, bench_graphs(bench_sources)):
        for params in LIVE_PARAMETERS[path.stem]:
            expected = run_remote(live, endpoint=endpoints.query, params=params, limit=None, graphs=graphs[:-1],
                                  timeout=120)
            got = run_remote(reading, endpoint=endpoints.query, params=params, limit=None, graphs=graphs,
                             timeout=120)
            assert _multiset(got) == _multiset(expected), params
            compared += len(expected.rows)
    assert compared > 0  # something to compare


def test_paging_and_limits(published, bench_sources):
    """All 120k triples of the benchmark graph come back through one SELECT (past Virtuoso's cap); windows page."""
    endpoints, _, bench = published
    graph = bench_sources[0].graph
    text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    # sorting 120k triples took over the default 30 s on a 2-core machine at load average 8: allow more
    wait = 180.0
    _, rows = sparql_select(endpoints.query, text, timeout=wait)
    assert len(rows) == len(set(rows)) == bench.graphs[0].remote
    ordered = text + " ORDER BY ?s ?p ?o"
    _, page = sparql_select(endpoints.query, ordered, offset=60000, limit=5, timeout=wait)
    _, whole = sparql_select(endpoints.query, ordered + " LIMIT 60005", timeout=wait)
    assert page == whole[60000:]


def test_check_endpoint_same_findings(published, local_bench, bench_sources):
    endpoints = published[0]
    graph = bench_sources[0].graph
    graph_paths = {s.graph: s.shown for s in project_sources() + bench_sources}
    local = Project().check_data(local_bench, [graph], paths=graph_paths)
    old = os.getcwd()
    os.chdir(bench_sources[0].path.parent)
    try:
        remote = check_endpoint(endpoints, graphs=[graph])
    finally:
        os.chdir(old)
    assert local.counts["violation"] > 50
    assert remote.findings == local.findings


def test_cli_check_endpoint_matches_local_check(published, built, monkeypatch):
    endpoints = published[0]
    monkeypatch.chdir(built)
    runner = CliRunner()
    local = runner.invoke(cli, ["check", "--store", ".solkg/store", "--format", "json"], catch_exceptions=False)
    args = ["check", "--endpoint", endpoints.query, "--format", "json"]
    for graph in ("data/examples.ttl", "data/seed.ttl"):
        args += ["--graph", graph]
    remote = runner.invoke(cli, args, catch_exceptions=False)
    assert remote.exit_code == local.exit_code, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_cli_publish(server, built, monkeypatch):
    monkeypatch.chdir(built)
    result = CliRunner().invoke(publish_command, ["--engine", server.engine, "--endpoint", server.base,
                                                  "--graph", "data/seed.ttl", "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["graphs"][0]["graph"] == "https://w3id.org/solkg/graph/data/seed.ttl"
    assert doc["graphs"][0]["sent"] == doc["graphs"][0]["remote"] > 0
    for secret in ("dba",):
        assert f":{secret}@" not in result.output


def test_cli_query_endpoint(published, server):
    endpoints = published[0]
    result = CliRunner().invoke(cli, ["query", "concepts-of-scheme", "--endpoint", endpoints.query, "--format", "csv",
                                      "--param", "lang=fr"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "énergie" in result.stdout.lower() or "energie" in result.stdout.lower()


def test_query_endpoint_reads_the_published_partner_graph(published, server, tmp_path):
    """`solkg query --endpoint` sends the local store's graphs: data built in with --data counts remotely too."""
    from solkg.remote import sparql_update

    endpoints = published[0]
    partner = tmp_path / "partner.ttl"
    partner.write_text("@prefix sol: <https://w3id.org/solkg/ontology#> .\n"
                       "<https://w3id.org/solkg/id/test-partner-shop> a sol:FarmShop ;\n"
                       '    <http://www.w3.org/2000/01/rdf-schema#label> "Partner farm shop"@en .\n', encoding="utf-8")
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        done = runner.invoke(cli, ["build", "--no-check", "--data", "partner.ttl", "--store", "store",
                                   "--out", "dist"], catch_exceptions=False)
        assert done.exit_code == 0, done.output
        graph = "https://w3id.org/solkg/graph/partner.ttl"
        assert graph in {g.value for g in open_store(tmp_path / "store").named_graphs()}
        publish(endpoints=endpoints, store=open_store(tmp_path / "store"), graphs=[graph])
        try:
            args = ["query", "chains-by-class", "--store", "store", "--format", "json"]
            local = json.loads(runner.invoke(cli, args, catch_exceptions=False).stdout)
            result = runner.invoke(cli, [*args, "--endpoint", endpoints.query], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            remote = json.loads(result.stdout)
        finally:
            sparql_update(endpoints.update, f"DROP SILENT GRAPH <{graph}>")
    finally:
        os.chdir(old)

    def shops(doc):
        return {int(b["direct"]["value"]) for b in doc["results"]["bindings"]
                if b["class"]["value"].endswith("#FarmShop")}

    assert shops(remote) == shops(local) and shops(local)
    with_seed_only = json.loads(runner.invoke(cli, ["query", "chains-by-class", "--format", "json", "--endpoint",
                                                    endpoints.query, "--graph", "https://w3id.org/solkg/graph/data/seed.ttl",
                                                    "--graph", "https://w3id.org/solkg/graph/data/examples.ttl",
                                                    "--graph", str(ENTAILED_GRAPH)], catch_exceptions=False).stdout)
    assert shops(with_seed_only) == {n - 1 for n in shops(local)}
