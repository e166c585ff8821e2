"""Command-line parts for remote SPARQL servers: ``solkg publish``, and the endpoint options of ``check``.

``publish`` is a click command that :mod:`solkg.cli` registers with ``cli.add_command(publish)``.
This module does not import :mod:`solkg.cli`, so either can be imported first.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_common import handle_errors

__all__ = ["publish", "endpoint_options", "check_remote"]

ENGINE_NAMES = ("oxigraph", "virtuoso", "fuseki", "graphdb", "qlever", "neptune", "generic")


_ENGINE_HELP = ("Engine preset: --endpoint is then the server's base URL and the query, update and Graph Store "
                "URLs derive from it.")


def endpoint_options(func):
    """``--endpoint``, ``--endpoint-engine``, ``--store-endpoint``, ``--graph``, ``--timeout`` for ``solkg check``.

    ``check`` already has ``--engine`` (the SHACL engine), hence ``--endpoint-engine`` there.
    """
    options = [
        click.option("--endpoint", default=None,
                     help="Check the data in this SPARQL server (query URL, or base URL with --endpoint-engine)."),
        click.option("--endpoint-engine", type=click.Choice(ENGINE_NAMES), default=None, help=_ENGINE_HELP),
        click.option("--store-endpoint", default=None,
                     help="Remote: Graph Store Protocol URL to read graphs with (default: from the preset)."),
        click.option("--graph", "remote_graphs", multiple=True,
                     help="Remote: data graph to check (repeatable; default: every solkg data graph on the server)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
                     help="Remote: seconds before a request is given up."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def check_remote(*, endpoint, endpoint_engine, store_endpoint, remote_graphs, lang, engine, owl, timeout,
                 progress: bool | None = None):
    """Run :func:`solkg.remote.check_endpoint` from the CLI options; returns the Report."""
    from .engines import resolve_endpoints
    from .export import resolve_graph
    from .remote import check_endpoint

    endpoints = resolve_endpoints(endpoint=endpoint, engine=endpoint_engine, store_endpoint=store_endpoint)
    graphs = [resolve_graph(g).value for g in remote_graphs] or None
    show = sys.stderr.isatty() if progress is None else progress
    say = (lambda message: click.echo(f"solkg: {message}", err=True)) if show else None
    return check_endpoint(endpoints, graphs=graphs, lang=lang, engine=engine, owl=owl, timeout=timeout,
                          progress=say)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--endpoint", required=True,
              help="The server: its query URL, or its base URL with --engine.")
@click.option("--engine", type=click.Choice(ENGINE_NAMES), default=None, help=_ENGINE_HELP)
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
def publish(files, endpoint, engine, store_endpoint, update_endpoint, graphs, append, batch_size, timeout,
            store_path, fmt, progress):
    """Publish the built graphs (or FILES) to a SPARQL server, one named graph per source.

    Each graph is replaced (staged, then swapped in with one SPARQL Update request), or added to
    with --append; the triple count of every graph is verified afterwards. Credentials come from
    SOLKG_ENDPOINT_USER / SOLKG_ENDPOINT_PASSWORD, SOLKG_ENDPOINT_TOKEN or a netrc entry.
    """
    from .publish import publish as run_publish
    from .store import DEFAULT_STORE

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
        result = run_publish(endpoint=endpoint, engine=engine, store_endpoint=store_endpoint,
                             update_endpoint=update_endpoint, store=store_path or DEFAULT_STORE, files=list(files),
                             graphs=list(graphs) or None, append=append, batch_size=batch_size, timeout=timeout,
                             progress=step if progress else None)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if fmt == "json":
        click.echo(json.dumps({
            "endpoint": result.endpoints.query, "engine": result.endpoints.engine, "method": result.method,
            "mode": result.mode, "atomicity": result.atomicity, "seconds": round(result.seconds, 3),
            "triples": result.triples, "requests": result.requests, "notes": result.notes,
            "graphs": [{"graph": g.graph, "sent": g.sent, "remote": g.remote, "before": g.before}
                       for g in result.graphs]}, indent=2))
        return
    for note in result.notes:
        click.echo(f"solkg: note: {note}", err=True)
    for g in result.graphs:
        extra = f" (was {g.before})" if g.before is not None else ""
        click.echo(f"  {g.remote:>9}  {g.graph}{extra}")
    verb = "appended" if result.mode == "append" else "replaced"
    how = "Graph Store Protocol" if result.method == "graph-store" else "SPARQL Update"
    click.echo(f"{verb} {len(result.graphs)} graph(s), {result.triples} triples, verified, on "
               f"{result.endpoints.query} ({result.endpoints.engine}, {how}) in {result.seconds:.2f} s "
               f"({result.throughput:,.0f} triples/s)")
