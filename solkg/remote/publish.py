"""Publish solkg's graphs to a SPARQL server, one named graph per source as in the local store.

Graphs travel with the SPARQL 1.1 Graph Store HTTP Protocol, or with SPARQL 1.1 Update
(``INSERT DATA`` in batches) where the server has no Graph Store endpoint. By default each graph is
*replaced* so that readers never see it half-loaded where the server allows it: every graph is
first loaded into a staging graph (``urn:solkg:staging:…``), its triple count verified, then one
SPARQL Update request moves all staging graphs onto their targets (``MOVE <staging> TO <graph>``,
one operation per graph, in one request). With ``append=True`` the triples are added to the graphs
as they are. After loading, the triple count of every graph is read back and compared.

Batches never split the triples that share a blank node, so a blank node stays one node.

With an Oxigraph server on port 7878 (tests/test_remote_engines.py runs this against real servers)::

    from solkg.publish import publish
    result = publish(endpoint="http://127.0.0.1:7878", server="oxigraph")
    result.triples, result.method     # (2981, 'graph-store')
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, SolkgError
from .http import Endpoints, HttpClient, resolve_endpoints
from .sparql import graph_counts, sparql_update

__all__ = [
    "PublishResult",
    "GraphPublished",
    "publish",
    "DEFAULT_BATCH_SIZE",
    "STAGING_PREFIX",
    "batches",
]

DEFAULT_BATCH_SIZE = 50000
"""Triples per request (a batch grows past it only to keep a blank node's triples together)."""
STAGING_PREFIX = "urn:solkg:staging:"
"""Staging graphs are named ``STAGING_PREFIX + run id + ':' + n``; they live only during a publish."""

ATOMICITY = {
    "oxigraph": "atomic: one SPARQL Update request runs in one transaction, so all graphs are swapped at once",
    "virtuoso": "not for readers: the staged graphs are complete and verified before one MOVE request, but a "
                "reader querying during the MOVE saw part-moved counts (measured on 7.2.5)",
    "fuseki": "atomic: a SPARQL Update request is one TDB2 write transaction",
    "graphdb": "atomic: a SPARQL Update request is one repository transaction",
    "qlever": "not guaranteed: updates apply operation by operation",
    "neptune": "atomic: a SPARQL Update request is one transaction",
    "generic": "as the server runs one SPARQL Update request (atomic on most servers)",
}
"""What the final MOVE request guarantees, per server kind (see docs/remote.md)."""


@dataclass(frozen=True)
class GraphPublished:
    """One graph sent to the server."""

    graph: str
    sent: int
    """Distinct triples sent."""
    remote: int
    """Triples the server holds in the graph afterwards."""
    before: int | None = None
    """Triples the graph held before (``append`` only)."""


@dataclass
class PublishResult:
    """What a publish did."""

    endpoints: Endpoints
    graphs: list[GraphPublished] = field(default_factory=list)
    method: str = "graph-store"
    """``graph-store`` (SPARQL 1.1 Graph Store HTTP Protocol) or ``update`` (INSERT DATA batches)."""
    mode: str = "replace"
    """``replace`` (staging graphs, then one MOVE request) or ``append``."""
    requests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """Things the user should know (e.g. a fallback taken)."""

    @property
    def triples(self) -> int:
        return sum(g.sent for g in self.graphs)

    @property
    def throughput(self) -> float:
        """Triples per second, end to end (loading, verifying, swapping)."""
        return self.triples / self.seconds if self.seconds > 0 else 0.0

    @property
    def atomicity(self) -> str:
        if self.mode == "append":
            return "none: appending adds triples batch by batch"
        return ATOMICITY.get(self.endpoints.server, ATOMICITY["generic"])

    def to_dict(self) -> dict:
        """The result as JSON-ready values (``solkg publish --format json``)."""
        return {
            "endpoint": self.endpoints.query, "server": self.endpoints.server, "method": self.method,
            "mode": self.mode, "atomicity": self.atomicity, "seconds": round(self.seconds, 3),
            "triples": self.triples, "requests": self.requests, "notes": self.notes,
            "graphs": [{"graph": g.graph, "sent": g.sent, "remote": g.remote, "before": g.before}
                       for g in self.graphs],
        }


# ---------------------------------------------------------------------------------------------
# What to send


def _graphs_from_store(store: ox.Store) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            out.setdefault(quad.graph_name.value, []).append(quad.triple)
    return dict(sorted(out.items()))


def _load(store, files: Sequence[str | Path]) -> ox.Store:
    from ..sources import data_sources
    from ..store import load_sources, open_store

    if files:
        return load_sources(data_sources(list(files)))
    if isinstance(store, ox.Store):
        return store
    return open_store(store)


def _select(available: dict[str, list], graphs: Sequence[str] | None, files: Sequence) -> dict[str, list]:
    from ..release.export import resolve_graph

    if not graphs:
        return available
    wanted = [resolve_graph(g).value for g in graphs]
    if files and len(available) == 1 and len(wanted) == 1 and wanted[0] not in available:
        return {wanted[0]: next(iter(available.values()))}  # one file, published to the graph named
    missing = [g for g in wanted if g not in available]
    if missing:
        raise InputError(f"no such graph in what is published: <{missing[0]}> "
                         f"(have: {', '.join(sorted(available))[:300]})")
    return {g: available[g] for g in wanted}


def batches(triples: Iterable[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """Triples cut into batches of about ``size``; the triples linked through blank nodes stay together.

    >>> b = ox.BlankNode("x")
    >>> t = [ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), b),
    ...      ox.Triple(b, ox.NamedNode("http://e/p"), ox.Literal("1"))]
    >>> [len(x) for x in batches(t, 1)]
    [2]
    """
    if size < 1:
        raise InputError("batch size: must be at least 1")
    plain: list[ox.Triple] = []
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked: list[tuple[str, ox.Triple]] = []
    for t in triples:
        nodes = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        if not nodes:
            plain.append(t)
            continue
        for n in nodes:
            parent.setdefault(n, n)
        if len(nodes) == 2:
            a, b = find(nodes[0]), find(nodes[1])
            if a != b:
                parent[b] = a
        linked.append((nodes[0], t))
    groups: dict[str, list[ox.Triple]] = {}
    for node, t in linked:
        groups.setdefault(find(node), []).append(t)
    out: list[list[ox.Triple]] = []
    current: list[ox.Triple] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        current.extend(group)
    for t in plain:
        if len(current) >= size:
            out.append(current)
            current = []
        current.append(t)
    if current:
        out.append(current)
    return out


def _ntriples(batch: list[ox.Triple]) -> bytes:
    return ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""


# ---------------------------------------------------------------------------------------------
# Sending


class _Sender:
    def __init__(self, endpoints: Endpoints, client: HttpClient, method: str, progress):
        self.endpoints, self.client, self.method, self.progress = endpoints, client, method, progress
        self.requests = 0
        self.notes: list[str] = []

    def send(self, graph: str, parts: list[list[ox.Triple]], *, replace: bool) -> None:
        """Send the batches to ``graph``: the first one replaces the graph when ``replace``."""
        for index, batch in enumerate(parts):
            first = index == 0
            if self.method == "graph-store":
                try:
                    self.client.request("PUT" if (replace and first) else "POST", self.endpoints.store_url(graph),
                                        body=_ntriples(batch), headers={"Content-Type": "text/turtle; charset=utf-8"})
                except InputError as exc:
                    if self.requests == 0 and (" HTTP 405" in exc.message or " HTTP 501" in exc.message
                                               or " HTTP 415" in exc.message) and self.endpoints.update:
                        self.method = "update"
                        self.notes.append(f"the Graph Store endpoint refused ({exc.message.split(': ', 1)[1][:60]}); "
                                          "used SPARQL Update instead")
                        return self.send(graph, parts, replace=replace)
                    raise
            else:
                body = _ntriples(batch).decode("utf-8")
                text = (f"DROP SILENT GRAPH <{graph}> ;\n" if replace and first else "") + \
                    f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
                sparql_update(self._update_url(), text, client=self.client)
            self.requests += 1
            if self.progress:
                self.progress(len(batch))
        if not parts and replace:
            self.update(f"DROP SILENT GRAPH <{graph}>")

    def _update_url(self) -> str:
        if not self.endpoints.update:
            raise InputError("no SPARQL Update endpoint: give its URL or the server kind")
        return self.endpoints.update

    def update(self, text: str) -> None:
        sparql_update(self._update_url(), text, client=self.client)
        self.requests += 1


def publish(
    *,
    endpoint: str | None = None,
    server: str | None = None,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    endpoints: Endpoints | None = None,
    store: ox.Store | str | Path | None = None,
    files: Sequence[str | Path] = (),
    graphs: Sequence[str] | None = None,
    append: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    timeout: float = 300.0,
    progress: Callable[[int, int], None] | None = None,
) -> PublishResult:
    """Send graphs to a SPARQL server and verify the triple count of each.

    What is sent: ``files`` (each in the named graph the local store would give it), or else the
    graphs of ``store`` (a pyoxigraph Store, or the path of a built store; default ``.solkg/store``);
    ``graphs`` keeps only those (IRI, ``solg:path`` or source path; with one file, the graph it is
    published to). Where: ``endpoints``, or the URLs/preset as :func:`solkg.remote.http.resolve_endpoints`
    takes them. ``progress(done, total)`` is called with triple counts as batches go.

    Raises :class:`InputError` (one line) on any network or server error, saying what state the
    server was left in.
    """
    if endpoints is None:
        if not endpoint:
            raise InputError("give the server's endpoint URL")
        endpoints = resolve_endpoints(endpoint=endpoint, server=server, update_endpoint=update_endpoint,
                                      store_endpoint=store_endpoint)
    if batch_size < 1:
        raise InputError("batch size: must be at least 1")
    source = _load(store, files)
    selected = _select(_graphs_from_store(source), graphs, files)
    if not selected:
        raise InputError("nothing to publish: the store holds no named graph")
    total = sum(len(t) for t in selected.values())
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    client = HttpClient(timeout=timeout)
    method = "graph-store" if endpoints.store else "update"
    sender = _Sender(endpoints, client, method, step)
    result = PublishResult(endpoints=endpoints, method=method, mode="append" if append else "replace")
    start = time.monotonic()
    if append:
        _append(selected, sender, batch_size, result)
    else:
        _replace(selected, sender, batch_size, result)
    result.seconds = time.monotonic() - start
    result.method = sender.method
    result.requests = sender.requests + 2  # + the count queries
    result.notes.extend(sender.notes)
    return result


def _append(selected, sender: _Sender, batch_size: int, result: PublishResult) -> None:
    endpoints, client = sender.endpoints, sender.client
    before = graph_counts(endpoints, list(selected), client=client)
    sent_graphs: list[str] = []
    try:
        for graph, triples in selected.items():
            sender.send(graph, batches(triples, batch_size), replace=False)
            sent_graphs.append(graph)
    except SolkgError as exc:
        done = f"appended to {len(sent_graphs)} of {len(selected)} graphs" if sent_graphs else "appended nothing"
        raise InputError(f"{exc.message} — appending stopped: {done}; <{graph}> may hold part of its "
                         "batches (appending again adds them again; a replacing publish fixes it)") from None
    after = graph_counts(endpoints, list(selected), client=client)
    for graph, triples in selected.items():
        sent = len(triples)
        remote = after.get(graph, 0)
        result.graphs.append(GraphPublished(graph, sent, remote, before.get(graph, 0)))
        if remote < sent - _bnode_triples(triples) or remote > before.get(graph, 0) + sent:
            raise InputError(f"<{graph}>: after appending {sent} triples to {before.get(graph, 0)}, the server "
                             f"counts {remote}: the load is incomplete")


def _bnode_triples(triples: list[ox.Triple]) -> int:
    return sum(1 for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))


def _replace(selected, sender: _Sender, batch_size: int, result: PublishResult) -> None:
    endpoints, client = sender.endpoints, sender.client
    run = f"{int(time.time())}-{os.getpid()}-{os.urandom(3).hex()}"
    staging = {graph: f"{STAGING_PREFIX}{run}:{n}" for n, graph in enumerate(selected)}
    loaded: list[str] = []

    def fail(message: str, *, swapped: bool | None = False):
        left = list(staging.values())
        cleaned = False
        if left:
            try:
                sender.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in left))
                cleaned = True
            except SolkgError:
                cleaned = False
        if swapped is None:
            state = "the swap may or may not have happened: re-run publish"
        else:
            state = "no graph was changed"
        if sender.requests == 0:
            tail = "nothing was sent"
        elif cleaned:
            tail = "staging graphs removed"
        else:
            tail = f"staging graphs {STAGING_PREFIX}{run}:* may remain on the server: drop them (DROP GRAPH)"
        raise InputError(f"{message} — {state}; {tail}") from None

    try:
        for graph, triples in selected.items():
            sender.send(staging[graph], batches(triples, batch_size), replace=True)
            loaded.append(graph)
        counts = graph_counts(endpoints, list(staging.values()), client=client)
    except SolkgError as exc:
        fail(exc.message)
    for graph, triples in selected.items():
        if counts.get(staging[graph], 0) != len(triples):
            fail(f"<{graph}>: sent {len(triples)} triples but the server holds {counts.get(staging[graph], 0)} "
                 "of them (it dropped or merged some)")
    moves = " ;\n".join(f"MOVE <{staging[g]}> TO <{g}>" for g in selected)
    try:
        sender.update(moves)
    except SolkgError as exc:
        message = exc.message
        if "SR325" in message:  # Virtuoso: one transaction's log is capped (50 MB by default)
            message = (f"{message.split(' SPARQL query:')[0]} (the MOVE of {sum(map(len, selected.values()))} "
                       "triples is one transaction: raise TransactionAfterImageLimit in the [Parameters] of "
                       "virtuoso.ini, or append to an emptied graph, which is not atomic)")
        fail(message, swapped=None if "timeout" in exc.message or "connection" in exc.message else False)
    staging.clear()
    try:
        after = graph_counts(endpoints, list(selected), client=client)
    except SolkgError as exc:
        raise InputError(f"{exc.message} — the graphs were replaced but their counts could not be read back"
                         ) from None
    for graph, triples in selected.items():
        result.graphs.append(GraphPublished(graph, len(triples), after.get(graph, 0)))
        if after.get(graph, 0) != len(triples):
            raise InputError(f"<{graph}>: sent {len(triples)} triples but the server now counts "
                             f"{after.get(graph, 0)} (another writer?)")
