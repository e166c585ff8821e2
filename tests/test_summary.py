"""The summary graph (solkg/store/summary.py): its figures equal the live aggregates, and the named
queries that read it give the rows of the queries that aggregated live (kept in
tests/fixtures/live_queries/, as they were before the summary), with and without parameters.

The same comparisons on Oxigraph server and Virtuoso are in tests/test_remote_engines.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from solkg.query import get_query, run_query
from solkg.query.named import NamedQuery, read_query_text
from solkg.sources import data_sources, project_sources
from solkg.store import add_entailed, load_sources
from solkg.store.graphs import graph_role
from solkg.store.summary import FIGURES, PREFIXES, SUM, SUMMARY_GRAPH, add_summary, summary_graphs

ROOT = Path(__file__).resolve().parents[1]
LIVE = sorted((ROOT / "tests" / "fixtures" / "live_queries").glob("*.rq"))
WITH_PARAMETERS = {
    "food-chains-by-intermediaries": [{}, {"max": "0", "lang": "fr"}, {"max": "1"}],
    "chains-by-principle": [{}, {"principle": "principle:cooperation"},
                            {"principle": "principle:equity", "lang": "fr"}],
    "actors-in-several-chains": [{}, {"lang": "fr"}],
    "chains-per-sector-territory": [{}, {"lang": "fr"}],
    "sectors-overview": [{}, {"lang": "fr"}],
}


def _store(extra: list[Path] = ()) -> ox.Store:
    store = load_sources(project_sources() + (data_sources([str(p) for p in extra]) if extra else []))
    add_entailed(store)
    add_summary(store)
    return store


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> ox.Store:
    """The project's graphs with 2,000 generated chains (ties, defects, every chain class)."""
    folder = tmp_path_factory.mktemp("summary")
    path = folder / "chains.ttl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--chains", "2000", "--seed", "5",
                    "-o", str(path)], check=True, capture_output=True)
    old = os.getcwd()
    os.chdir(folder)
    try:
        return _store([Path(path.name)])
    finally:
        os.chdir(old)


def _rows(store: ox.Store, text: str, graphs: list) -> Counter:
    return Counter(tuple(str(t) for t in row) for row in store.query(PREFIXES + text, default_graph=graphs))


@pytest.mark.parametrize("name", list(FIGURES))
@pytest.mark.parametrize("which", ["seed", "bench"])
def test_figures_equal_the_live_aggregates(name, which, bench):
    store = _store() if which == "seed" else bench
    live, read = FIGURES[name]
    expected = _rows(store, live, summary_graphs(store))
    assert expected  # something to compare
    assert _rows(store, read, [ox.NamedNode(SUMMARY_GRAPH)]) == expected


def test_ranks_number_the_iris_in_code_point_order(bench):
    rows = [(r[0].value, int(r[1].value)) for r in bench.query(
        f"SELECT ?x ?r WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?x <{SUM}rank> ?r }} }}")]
    assert len(rows) > 2000  # the chains, their actors, the principles
    assert [r for _, r in sorted(rows)] == list(range(len(rows)))


def test_recomputed_from_the_other_graphs_never_from_itself(bench):
    before = len(bench)
    size = add_summary(bench)
    assert len(bench) == before and size > 0
    assert ox.NamedNode(SUMMARY_GRAPH) not in summary_graphs(bench)
    assert graph_role(SUMMARY_GRAPH) == "derived"  # never checked as data


def test_needs_the_entailed_graph():
    store = load_sources(project_sources())
    with pytest.raises(ValueError, match="add_entailed first"):
        add_summary(store)


@pytest.mark.parametrize("path", LIVE, ids=[p.stem for p in LIVE])
def test_queries_give_the_rows_of_the_live_aggregates(path, bench):
    reading = get_query(path.stem)
    assert "# reads: the summary graph" in reading.text  # it says so in its header
    live = NamedQuery(name=path.stem, text=read_query_text(path), params=reading.params)
    for params in WITH_PARAMETERS[path.stem]:
        for store in (bench, _store()):
            expected = run_query(live, store=store, params=params, limit=None)
            got = run_query(reading, store=store, params=params, limit=None)
            assert got.variables == expected.variables
            assert got.rows == expected.rows, params  # the same rows in the same order
            assert got.rows or path.stem == "chains-by-principle"


def test_every_query_reading_the_summary_says_so_in_its_header():
    from solkg.query import list_queries

    def body(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))

    reading = [q for q in list_queries() if any(mark in body(q.text) for mark in (SUM, "solsum:", SUMMARY_GRAPH))]
    assert sorted(q.name for q in reading) == sorted(p.stem for p in LIVE)  # each has its live aggregate kept
    for query in reading:
        header = [line for line in query.text.splitlines() if line.startswith("#")]
        assert any(line.startswith(f"# reads: the summary graph <{SUMMARY_GRAPH}>") for line in header), query.name
        assert "summary graph" in query.description, query.name
