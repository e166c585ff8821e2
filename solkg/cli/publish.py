"""``solkg publish``, and the ``--server`` option that ``check --endpoint`` shares."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .options import handle_errors

__all__ = ["publish", "server_option"]


def server_option(*aliases: str):
    """``--server KIND`` (old names in ``aliases``): the kind of SPARQL server, from
    :data:`solkg.remote.SERVERS`; the endpoint is then its base URL."""
    from ..remote.http import SERVERS

    old = f" ({', '.join(aliases)} is the old name)" if aliases else ""
    return click.option("--server", *aliases, "server", type=click.Choice(list(SERVERS)), default=None,
                        help="Kind of server: --endpoint is then its base URL and the query, update and Graph Store "
                             f"URLs derive from it{old}.")


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--endpoint", required=True,
              help="The server: its query URL, or its base URL with --server.")
@server_option("--engine")
@click.option("--store-endpoint", default=None, help="SPARQL 1.1 Graph Store HTTP Protocol URL.")
@click.option("--update-endpoint", default=None, help="SPARQL 1.1 Update URL.")
@click.option("--graph", "graphs", multiple=True,
              help="Publish only this graph (IRI, solg:path or source path; repeatable); with one FILE, the graph "
                   "it is published to.")
@click.option("--append", is_flag=True, help="Add the triples to the graphs instead of replacing them.")
@click.option("--batch-size", type=click.IntRange(min=1), default=50000, show_default=True,
              help="Triples per request.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help="Seconds before a request is given up.")
@click.option("--store", "store_path", type=click.Path(path_type=Path), default=None,
              help="The embedded store folder whose graphs are published (default .solkg/store).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@handle_errors
def publish(files, endpoint, server, store_endpoint, update_endpoint, graphs, append, batch_size, timeout,
            store_path, fmt, progress):
    """Publish the built graphs (or FILES) to a SPARQL server, one named graph per source.

    Each graph is replaced (staged, then swapped in with one SPARQL Update request), or added to
    with --append; the triple count of every graph is verified afterwards. Credentials come from
    SOLKG_ENDPOINT_USER / SOLKG_ENDPOINT_PASSWORD, SOLKG_ENDPOINT_TOKEN or a netrc entry.
    """
    from ..remote.publish import publish as run_publish
    from ..store import DEFAULT_STORE

    if progress is None:
        progress = sys.stderr.isatty()
    bar = None
    state = {"shown": 0}

    def step(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="publishing", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - state["shown"])
        state["shown"] = done

    try:
        result = run_publish(endpoint=endpoint, server=server, store_endpoint=store_endpoint,
                             update_endpoint=update_endpoint, store=store_path or DEFAULT_STORE, files=list(files),
                             graphs=list(graphs) or None, append=append, batch_size=batch_size, timeout=timeout,
                             progress=step if progress else None)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    for note in result.notes:
        click.echo(f"solkg: note: {note}", err=True)
    for g in result.graphs:
        extra = f" (was {g.before})" if g.before is not None else ""
        click.echo(f"  {g.remote:>9}  {g.graph}{extra}")
    verb = "appended" if result.mode == "append" else "replaced"
    how = "Graph Store Protocol" if result.method == "graph-store" else "SPARQL Update"
    click.echo(f"{verb} {len(result.graphs)} graph(s), {result.triples} triples, verified, on "
               f"{result.endpoints.query} ({result.endpoints.server}, {how}) in {result.seconds:.2f} s "
               f"({result.throughput:,.0f} triples/s)")
