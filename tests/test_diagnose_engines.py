"""The diagnosis's named queries (queries/diagnose/) give the embedded store's rows on real SPARQL
servers started here, Oxigraph server and Virtuoso 7.2.5, and a whole diagnosis read from each server
equals the local one.

The data: the région Auvergne-Rhône-Alpes of the reference graph of France's divisions (its
départements, communes and municipal districts, the EPCI of its communes, every région under
France), the chains of a 1,000-chain generated national dataset (benchmarks/generate.py
--real-territories) that operate there with their actors, the synthetic territories of
tests/test_diagnose.py (policies, a charter, governance, actors located somewhere, a food chain with
too many intermediaries) and the project's own sources. Virtuoso 7.2.5's known deviations
(tests/test_remote_engines.py) are what the queries are shaped around: no property paths, no
FILTER(!BOUND(...)) inside an OPTIONAL on an outer variable, no sub-SELECT grouped again outside.
A missing server binary fails these tests (CI installs them with .ci/setup-remote.sh).
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import engine_server
from test_remote_engines import _norm  # numbers by value: Virtuoso writes 2 as "2"^^xsd:int
from test_diagnose import FIXTURE

from solkg.diagnose import diagnose, diagnose_queries, name_pattern, same_name
from solkg.query import run_query
from solkg.remote import publish, resolve_endpoints, run_remote
from solkg.sources import Source, project_sources
from solkg.store import load_sources
from solkg.store.entail import add_entailed

pytestmark = pytest.mark.slow  # two servers started, every query on each: minutes

ROOT = Path(__file__).resolve().parents[1]
SOLD = "https://w3id.org/solkg/id/"
SOL = "https://w3id.org/solkg/ontology#"
BROADER = "http://www.w3.org/2004/02/skos/core#broader"
REGION = SOLD + "fr-region-84"
GRAPH = "https://w3id.org/solkg/graph/data/"

# a région, a département, a commune with chains, an EPCI, the country, a synthetic région, a
# territory with no chain
TERRITORIES = [REGION, SOLD + "fr-department-26", SOLD + "fr-commune-26362", SOLD + "fr-epci-200068229",
               SOLD + "france", SOLD + "t-region", SOLD + "t-empty"]
WHOLE = ["26", "R9"]  # diagnosed end to end from each server


def _subset(tmp: Path) -> list[Source]:
    """The région's territories and the generated chains that operate there, as two data files."""
    chains_file = tmp / "national-1000.ttl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--chains", "1000", "--seed", "1",
                    "--real-territories", "-o", str(chains_file)], check=True, capture_output=True)
    ref = ox.Store()
    ref.bulk_load(gzip.decompress((ROOT / "solkg" / "reference" / "fr-admin.ttl.gz").read_bytes()),
                  ox.RdfFormat.TURTLE)
    broader = ox.NamedNode(BROADER)
    level = ox.NamedNode(SOL + "territoryLevel")
    inside = {REGION}
    todo = [REGION]
    while todo:  # everything under the région, at any depth
        for quad in ref.quads_for_pattern(None, broader, ox.NamedNode(todo.pop())):
            if quad.subject.value not in inside:
                inside.add(quad.subject.value)
                todo.append(quad.subject.value)
    epci = {q.object.value for c in inside for q in ref.quads_for_pattern(ox.NamedNode(c), broader, None)
            if "/fr-epci-" in q.object.value}
    regions = {q.subject.value for q in ref.quads_for_pattern(
        None, level, ox.NamedNode("https://w3id.org/solkg/vocab/territory-level/region"))}
    keep = inside | epci | regions | {SOLD + "france"}
    territories = ox.Store()
    territories.extend(q for s in sorted(keep) for q in ref.quads_for_pattern(ox.NamedNode(s), None, None)
                       if q.predicate != broader or q.object.value in keep)
    generated = ox.Store()
    generated.bulk_load(path=str(chains_file), format=ox.RdfFormat.TURTLE)
    chains = {q.subject for q in generated.quads_for_pattern(None, ox.NamedNode(SOL + "operatesIn"), None)
              if q.object.value in keep}
    nodes = chains | {q.object for c in chains for q in generated.quads_for_pattern(c, None, None)
                      if isinstance(q.object, ox.NamedNode)}
    data = ox.Store()
    data.extend(q for n in sorted(nodes, key=str) for q in generated.quads_for_pattern(n, None, None))
    assert len(chains) > 100 and len(territories) > 20000
    out = []
    for name, store in (("ara-territories", territories), ("ara-chains", data)):
        path = tmp / f"{name}.nt"
        store.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        out.append(Source(graph=GRAPH + f"{name}.nt", path=path, kind="data"))
    fixture = tmp / "territories.ttl"
    fixture.write_text(FIXTURE, encoding="utf-8")
    out.append(Source(graph=GRAPH + "territories.ttl", path=fixture, kind="data"))
    return out


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The embedded store: the project's sources, the data above and the entailed graph."""
    store = load_sources(project_sources() + _subset(tmp_path_factory.mktemp("diagnose-engines")))
    add_entailed(store)
    return store


@pytest.fixture(scope="module", params=[pytest.param("oxigraph", marks=pytest.mark.oxigraph),
                                        pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def engine(request, local, tmp_path_factory, monkeypatch_module):
    """A server of each engine with the local store's graphs published to it: (endpoints, graphs)."""
    with engine_server(request.param, tmp_path_factory.mktemp(request.param), max_rows=1000000) as running:
        for key, value in running.env.items():
            monkeypatch_module.setenv(key, value)
        endpoints = resolve_endpoints(server=running.engine, endpoint=running.base)
        publish(endpoints=endpoints, store=local)
        graphs = sorted(g.value for g in local.named_graphs() if isinstance(g, ox.NamedNode))
        yield running.engine, endpoints.query, graphs


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _rows(result) -> Counter:
    return Counter(tuple(_norm(t) for t in row) for row in result.rows)


def _params(query, territory: str) -> dict[str, str]:
    names = {p.name for p in query.params}
    params = {"territory": f"<{territory}>"} if "territory" in names else {}
    if "text" in names:  # a code
        params["text"] = "26"
    if "pattern" in names:  # a name without its accent
        params["pattern"] = name_pattern("drome")
    return params


def test_the_data_exercises_every_query(local):
    """Each query returns rows on the local store for some territory: none is compared empty only."""
    for query in diagnose_queries():
        counts = [len(run_query(query, store=local, params=_params(query, t), limit=None).rows)
                  for t in TERRITORIES]
        assert max(counts) > 0, query.name


@pytest.mark.parametrize("name", [q.name for q in diagnose_queries()])
def test_query_gives_the_local_rows(engine, local, name):
    _, endpoint, graphs = engine
    query = next(q for q in diagnose_queries() if q.name == name)
    uses_territory = any(p.name == "territory" for p in query.params)
    for territory in TERRITORIES if uses_territory else TERRITORIES[:1]:
        params = _params(query, territory)
        expected = run_query(query, store=local, params=params, limit=None)
        got = run_remote(query, endpoint=endpoint, params=params, limit=None, graphs=graphs, timeout=300)
        assert got.variables == expected.variables, name
        if name == "diagnose/find-territory-name":  # Virtuoso matches the pattern on bytes: solkg filters
            got.rows = [r for r in got.rows if same_name(r[1].value, "drome")]
            assert len(got.rows) == len(expected.rows) > 0
        assert _rows(got) == _rows(expected), (name, territory)


@pytest.mark.parametrize("territory", WHOLE)
def test_whole_diagnosis_equals_the_local_one(engine, local, territory):
    _, endpoint, graphs = engine
    remote = diagnose(territory, endpoint=endpoint, graphs=graphs, check=True, timeout=300).to_dict()
    here = diagnose(territory, store=local, check=True).to_dict()
    assert remote["figures"] == here["figures"] and remote["figures"]["chains"] > 0
    for key in ("territory", "parents", "chains", "sectors", "classes", "actors", "actor_classes", "roles",
                "connected_actors", "principles", "mechanisms", "sub_territories", "comparison", "policies",
                "signatories", "key_messages"):
        assert _numbers(remote[key]) == _numbers(here[key]), key
    gaps_remote, gaps_here = remote["gaps"], here["gaps"]
    for key in ("sectors_without_chain", "sub_territories_without_chain", "sub_territories_far_below",
                "excess_intermediaries", "missing"):
        assert gaps_remote[key] == gaps_here[key], key
    # the check reads the triples back with CONSTRUCT queries: the same findings
    assert sorted((f["focus"], f["check"], f["path"]) for f in gaps_remote["findings"]) == \
        sorted((f["focus"], f["check"], f["path"]) for f in gaps_here["findings"])
    assert [(q["name"], q["params"], q["variables"]) for q in remote["queries"]] == \
        [(q["name"], q["params"], q["variables"]) for q in here["queries"]]


def _numbers(value):
    """Floats read from either engine's lexical forms compared at the report's precision."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    return value
