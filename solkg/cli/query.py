"""``solkg query`` and ``solkg queries``."""

from __future__ import annotations

import json
import sys

import click

from ..errors import SolkgError
from .options import handle_errors, store_option

__all__ = ["query", "queries"]


@click.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", help="SPARQL text to run instead of a named query or file.")
@click.option("--param", "params", multiple=True, help="key=value parameter (repeatable).")
@click.option("--format", "fmt", default=None,
              help="SELECT/ASK: table|csv|tsv|json|xml (default table; the others are the W3C SPARQL results "
                   "formats); CONSTRUCT/DESCRIBE: RDF formats (default turtle).")
@click.option("--limit", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--endpoint", help="Query this remote SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--graph", "graphs", multiple=True,
              help="Remote: named graph read as default graph (repeatable; default: the graphs of the local "
                   "store, as `solkg publish` sends them, else the project's graphs and the entailed one).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Remote: seconds before giving up.")
@store_option
@handle_errors
def query(name, expression, params, fmt, limit, offset, endpoint, graphs, timeout, store_path):
    """Run a named query, a .rq file or SPARQL text (-e)."""
    from ..query import RESULT_FORMATS, adhoc_query, get_query, parse_params, render_results, run_query
    from ..release.export import normalise_format, serialize_triples

    if bool(name) == bool(expression):
        raise SolkgError("give a query NAME or FILE.rq, or -e 'SPARQL' (one of them)")
    q = adhoc_query(expression) if expression else get_query(name)
    bindings = parse_params(params)
    form = q.form  # the format is checked before the query runs
    if form in ("SELECT", "ASK"):
        fmt = fmt or "table"
        if fmt not in RESULT_FORMATS:
            raise SolkgError(f"--format: a {form} query gives {'|'.join(RESULT_FORMATS)}")
    else:
        fmt = normalise_format(fmt or "turtle")
    if endpoint:
        from ..remote import run_remote
        from ..store import ENTAILED_GRAPH, stored_graphs
        from ..store.summary import SUMMARY_GRAPH

        remote_graphs = list(graphs) or stored_graphs(store_path) or (
            [s.graph for s in _project().sources()] + [ENTAILED_GRAPH, SUMMARY_GRAPH])
        result = run_remote(q, endpoint=endpoint, params=bindings, limit=limit, offset=offset, graphs=remote_graphs,
                            timeout=timeout)
    else:
        if graphs:
            raise SolkgError("--graph goes with --endpoint")
        result = run_query(q, store=_project().open(store_path), params=bindings, limit=limit, offset=offset)
    if form in ("SELECT", "ASK"):
        click.echo(render_results(result, fmt), nl=False)
    else:
        sys.stdout.buffer.write(serialize_triples(result.triples, fmt=fmt))
    if result.truncated and limit:
        click.echo(f"solkg: more results after {offset + limit}: use --offset {offset + limit} or a larger --limit",
                   err=True)
    elif result.truncated:
        click.echo("solkg: --limit 0 shows no rows, and there are some: give --limit N", err=True)


def _project():
    from ..project import Project

    return Project()


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handle_errors
def queries(fmt):
    """List the named queries with their titles and parameters."""
    from ..query import list_queries

    items = list_queries()
    if fmt == "json":
        click.echo(json.dumps([q.to_dict() for q in items], indent=2, ensure_ascii=False))
        return
    width = max((len(q.name) for q in items), default=4)
    for q in items:
        click.echo(f"{q.name.ljust(width)}  {q.title}")
        for p in q.params:
            default = f" (default {p.default})" if p.default else ""
            click.echo(f"{' ' * width}    --param {p.name}=<{p.kind}>{default}")
