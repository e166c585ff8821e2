"""Paging inside a named query: the '# page' line (solkg.query.inject_page)."""

from __future__ import annotations

import os
import subprocess
import sys

import pyoxigraph as ox
import pytest

from solkg.store.entail import add_entailed
from solkg.store.summary import add_summary
from solkg.errors import InputError
from solkg.query import inject_page, list_queries, load_query, run_query
from solkg.sources import data_sources, project_sources
from solkg.store import load_sources

from conftest import ROOT

PAGED = [q.name for q in list_queries() if "# page" in q.text]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> ox.Store:
    """The project's graphs with 1,500 generated chains (ties in the counts, defects, every chain class)."""
    folder = tmp_path_factory.mktemp("page")
    path = folder / "chains.ttl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--chains", "1500", "--seed", "3",
                    "-o", str(path)], check=True, capture_output=True)
    old = os.getcwd()
    os.chdir(folder)
    try:
        sources = project_sources() + data_sources([path.name])
    finally:
        os.chdir(old)
    store = load_sources(sources)
    add_entailed(store)
    add_summary(store)
    return store


def test_the_whole_graph_queries_page_inside():
    assert {"actors-in-several-chains", "chains-by-principle", "food-chains-by-intermediaries"} <= set(PAGED)


@pytest.mark.parametrize("name", PAGED)
@pytest.mark.parametrize(("limit", "offset"), [(1, 0), (7, 3), (50, 120), (1000, 0), (10, 10**6)])
def test_a_page_is_the_slice_of_the_whole_answer(store, name, limit, offset):
    query = next(q for q in list_queries() if q.name == name)
    whole = run_query(query, store=store, limit=None)
    assert len(whole.rows) > 60, "too few rows to page"
    page = run_query(query, store=store, limit=limit, offset=offset)
    assert page.rows == whole.rows[offset:offset + limit]
    assert page.truncated is (len(whole.rows) > offset + limit)


@pytest.mark.parametrize("name", PAGED)
def test_parameters_and_paging_together(store, name):
    query = next(q for q in list_queries() if q.name == name)
    params = {"lang": "fr", **({"max": "1"} if name == "food-chains-by-intermediaries" else {})}
    whole = run_query(query, store=store, params=params, limit=None)
    assert len(whole.rows) > 7
    assert run_query(query, store=store, params=params, limit=5, offset=2).rows == whole.rows[2:7]
    if "max" in params:  # bound inside the paged sub-SELECT: it does filter
        assert len(whole.rows) < len(run_query(query, store=store, params={"lang": "fr"}, limit=None).rows)


def test_inject_page_leaves_other_queries_alone():
    text = "SELECT ?x WHERE { ?x ?p ?o } # page is a word here, not the mark\n"
    assert inject_page(text, limit=10) == (text, False)
    marked = "SELECT * WHERE {\n  { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n  # page\n  }\n}\n"
    assert inject_page(marked, limit=None) == (marked, False)  # no limit: the whole answer
    paged, done = inject_page(marked, limit=4)
    assert done and "  LIMIT 5\n" in paged and "OFFSET" not in paged


def test_a_query_pages_in_one_place(tmp_path):
    path = tmp_path / "twice.rq"
    path.write_text("SELECT * WHERE {\n  { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n  # page\n  }\n"
                    "  { SELECT ?y WHERE { ?y ?p ?o } ORDER BY ?y\n  # page\n  }\n}\n")
    with pytest.raises(InputError, match=r"twice.rq:6: a second '# page' line"):
        load_query(path)
