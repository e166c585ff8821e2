"""Checking data that lives in a SPARQL server: its graphs read back and checked as local data.

With a server holding the published seed graph (tests/test_remote_engines.py does this)::

    seed = ["https://w3id.org/solkg/graph/data/seed.ttl"]
    report = check_endpoint("http://127.0.0.1:7878/query", graphs=seed)
    report.counts                     # {'violation': 0, 'warning': 0, 'info': 0}
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..checks.run import CheckOptions
from ..errors import InputError
from ..findings import Report
from ..namespaces import SOLG
from ..project import Project
from ..store.entail import ENTAILED_GRAPH
from ..store.summary import SUMMARY_GRAPH
from .http import Endpoints, HttpClient, resolve_endpoints
from .sparql import PAGE_SIZE, _client, _shown, fetch_graph, graph_counts

__all__ = ["check_endpoint"]


def check_endpoint(
    endpoints: Endpoints | str,
    *,
    graphs: Sequence[str] | None = None,
    options: CheckOptions | None = None,
    page_size: int = PAGE_SIZE,
    timeout: float = 120.0,
    client: HttpClient | None = None,
) -> Report:
    """Check data that lives in a SPARQL server, with the same validator and report as local data.

    The data graphs (``graphs``, default: every solkg graph on the server but the ontology, shapes and
    derived ones: entailed, summary) are read back (Graph Store GET, or ordered pages) into an in-memory store beside
    the project's own ontology and shapes graphs, then checked with
    :meth:`solkg.project.Project.check_data`.    """
    options = options or CheckOptions()
    project = Project()
    if isinstance(endpoints, str):
        endpoints = resolve_endpoints(endpoint=endpoints)
    client = _client(client, timeout)
    local_graphs = {s.graph for s in project.sources(kinds=("ontology", "shapes"))}
    if graphs is None:
        counts = graph_counts(endpoints, prefix=str(SOLG), client=client)
        counts = {g: n for g, n in counts.items()
                  if g not in local_graphs and g not in (ENTAILED_GRAPH, SUMMARY_GRAPH)
                  and not g.startswith((f"{SOLG}ontology/", f"{SOLG}shapes/"))}
        if not counts:
            raise InputError(f"{_shown(endpoints.query)}: no solkg data graph on the server "
                             f"(none under {SOLG}); publish first or name the graphs to check")
    else:
        counts = graph_counts(endpoints, list(graphs), client=client)
        empty = [g for g, n in counts.items() if n == 0]
        if empty:
            raise InputError(f"{_shown(endpoints.query)}: no such graph on the server (or empty): <{empty[0]}>")
    store = project.vocabulary()
    for graph, count in counts.items():
        options.say(f"reading <{graph}> ({count} triples)")
        triples = fetch_graph(endpoints, graph, expected=count, page_size=page_size, client=client)
        name = ox.NamedNode(graph)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    paths = {g: g.removeprefix(SOLG) for g in counts}
    options.say(f"checking {sum(counts.values())} triples in {len(counts)} graph(s)")
    return project.check_data(store, list(counts), options=options, paths=paths)
