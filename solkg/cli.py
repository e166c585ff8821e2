"""The ``solkg`` command: parses options, calls the library, renders the result.

Exit codes: 0 success (no finding at or above ``--fail-on``), 1 findings at or above it,
2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .cli_common import engine_option, fail_on_option, handle_errors, lang_option, leave_quietly, store_option
from .cli_remote import check_remote, endpoint_options
from .errors import EXIT_FINDINGS, SolkgError

__all__ = ["main", "cli"]


def _progress(enabled: bool):
    if not enabled:
        return None
    return lambda message: click.echo(f"solkg: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="solkg")
def cli():
    """solkg: the knowledge graph of economic and solidarity short supply chains."""


@cli.command()
@click.option("--data", multiple=True, type=click.Path(path_type=Path),
              help="Extra data file or folder to load (repeatable).")
@store_option
@click.option("--memory", is_flag=True, help="Build in memory; write no store to disk.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Folder for the release files.")
@click.option("--no-check", is_flag=True, help="Skip the checks.")
@fail_on_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format of the check report printed after the build.")
@engine_option
@lang_option
@click.option("--progress/--no-progress", default=None, help="Progress messages on stderr (default: when a terminal).")
@handle_errors
def build(data, store_path, memory, out, no_check, fail_on, fmt, engine, lang, progress):
    """Build the store and the release files in dist/, and check them."""
    from .build import build as run_build
    from .check import render_report
    from .sources import display_path
    from .store import DEFAULT_STORE

    if progress is None:
        progress = sys.stderr.isatty()
    result = run_build(data=data, store_path=store_path or DEFAULT_STORE, memory=memory, out=out,
                       check=not no_check, engine=engine, lang=lang, progress=_progress(progress))
    where = "memory" if result.store_path is None else display_path(result.store_path)
    summary = (f"built {where}: {len(result.graphs)} graphs, {result.triples} triples; "
               f"wrote {', '.join(display_path(p) for p in result.files)}")
    if result.report is not None:
        if fmt == "json":
            click.echo(render_report(result.report, "json", lang=lang), nl=False)
            click.echo(summary, err=True)
        else:
            click.echo(summary)
            click.echo(render_report(result.report, "text", lang=lang), nl=False)
        if result.report.fails(fail_on):
            sys.exit(EXIT_FINDINGS)
    else:
        click.echo(summary)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@store_option
@fail_on_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@lang_option
@click.option("--owl", is_flag=True, help="Also check OWL 2 DL consistency with HermiT (needs Java).")
@engine_option
@endpoint_options
@click.option("--progress/--no-progress", default=None, help="Progress messages on stderr (default: when a terminal).")
@handle_errors
def check(paths, store_path, fail_on, fmt, lang, owl, engine, endpoint, endpoint_engine, store_endpoint,
          remote_graphs, timeout, progress):
    """Check the project's data, a built store (--store), partner files (PATHS) or a server (--endpoint)."""
    from .check import check as run_check
    from .check import render_report
    from .store import open_store

    if endpoint:
        if paths or store_path:
            raise SolkgError("--endpoint: checks the server's data; give no PATHS or --store with it")
        report = check_remote(endpoint=endpoint, endpoint_engine=endpoint_engine, store_endpoint=store_endpoint,
                              remote_graphs=remote_graphs, lang=lang, engine=engine, owl=owl, timeout=timeout,
                              progress=progress)
    else:
        if progress is None:
            progress = sys.stderr.isatty()
        store = open_store(store_path) if store_path and not paths else None
        report = run_check(list(paths), store=store, lang=lang, engine=engine, owl=owl, progress=_progress(progress))
    click.echo(render_report(report, fmt, lang=lang), nl=False)
    if report.fails(fail_on):
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.option("--format", "fmt", default="turtle", show_default=True,
              help="turtle|ntriples|nquads|trig|jsonld|rdfxml (aliases ttl|nt|nq).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--graph", "graphs", multiple=True, help="Only this named graph (IRI or source path; repeatable).")
@click.option("--no-contacts", is_flag=True, help="Leave out e-mail, telephone and fax properties (personal data).")
@store_option
@handle_errors
def export(fmt, output, graphs, no_contacts, store_path):
    """Export the store in an RDF format."""
    from .export import export_file, normalise_format, resolve_graph, write_rdf
    from .store import graph_triple_counts, open_store

    fmt = normalise_format(fmt)
    store = open_store(store_path)
    if no_contacts:
        import pyoxigraph as ox

        from .importer import strip_contacts

        kept = ox.Store()
        kept.extend(strip_contacts(store.quads_for_pattern(None, None, None)))
        store = kept
    selected = [resolve_graph(g) for g in graphs] or None
    if selected:
        present = set(graph_triple_counts(store))
        missing = [g.value for g in selected if g.value not in present]
        if missing:
            raise SolkgError(f"--graph: no such graph in the store: {', '.join(missing)}")
    if output is None:
        write_rdf(store, sys.stdout.buffer, fmt=fmt, graphs=selected)
    else:
        export_file(store, output, fmt=fmt, graphs=selected)


@cli.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", help="SPARQL text to run instead of a named query or file.")
@click.option("--param", "params", multiple=True, help="key=value parameter (repeatable).")
@click.option("--format", "fmt", default=None,
              help="SELECT/ASK: table|csv|tsv|json (default table); CONSTRUCT/DESCRIBE: RDF formats (default turtle).")
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
    from .entail import ENTAILED_GRAPH
    from .export import normalise_format
    from .query import RESULT_FORMATS, adhoc_query, get_query, render_results, run_query
    from .sources import project_sources
    from .store import open_store, stored_graphs

    if bool(name) == bool(expression):
        raise SolkgError("give a query NAME or FILE.rq, or -e 'SPARQL' (one of them)")
    q = adhoc_query(expression) if expression else get_query(name)
    bindings = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SolkgError(f"--param '{item}': want key=value")
        if key in bindings:
            raise SolkgError(f"--param {key}: given twice ('{bindings[key]}' and '{value}')")
        bindings[key] = value
    form = q.form  # the format is checked before the query runs
    if form in ("SELECT", "ASK"):
        fmt = fmt or "table"
        if fmt not in RESULT_FORMATS:
            raise SolkgError(f"--format: a {form} query gives {'|'.join(RESULT_FORMATS)}")
    else:
        fmt = normalise_format(fmt or "turtle")
    remote_graphs = None
    if endpoint:
        remote_graphs = list(graphs) or stored_graphs(store_path) or (
            [s.graph for s in project_sources()] + [ENTAILED_GRAPH])
    store = None if endpoint else open_store(store_path)
    result = run_query(q, store=store, endpoint=endpoint, params=bindings, limit=limit, offset=offset,
                       graphs=remote_graphs, timeout=timeout)
    if form in ("SELECT", "ASK"):
        click.echo(render_results(result, fmt), nl=False)
    else:
        from .export import serialize_triples

        sys.stdout.buffer.write(serialize_triples(result.triples, fmt=fmt))
    if result.truncated and limit:
        click.echo(f"solkg: more results after {offset + limit}: use --offset {offset + limit} or a larger --limit",
                   err=True)
    elif result.truncated:
        click.echo("solkg: --limit 0 shows no rows, and there are some: give --limit N", err=True)



@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handle_errors
def queries(fmt):
    """List the named queries with their titles and parameters."""
    from .query import list_queries

    items = list_queries()
    if fmt == "json":
        click.echo(json.dumps([
            {"name": q.name, "title": q.title, "description": q.description, "form": q.form,
             "params": [{"name": p.name, "kind": p.kind, "default": p.default} for p in q.params]}
            for q in items], indent=2, ensure_ascii=False))
        return
    width = max((len(q.name) for q in items), default=4)
    for q in items:
        click.echo(f"{q.name.ljust(width)}  {q.title}")
        for p in q.params:
            default = f" (default {p.default})" if p.default else ""
            click.echo(f"{' ' * width}    --param {p.name}=<{p.kind}>{default}")


@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@handle_errors
def info(store_path, fmt, lang):
    """Show what is in the store: graphs, triples, classes, concept schemes."""
    from dataclasses import asdict

    from .info import info as run_info
    from .namespaces import compact
    from .store import open_store

    summary = run_info(open_store(store_path), lang=lang)
    if fmt == "json":
        click.echo(json.dumps({"triples": summary.triples, "graphs": summary.graphs,
                               "classes": [asdict(c) for c in summary.classes],
                               "schemes": [asdict(s) for s in summary.schemes]}, indent=2, ensure_ascii=False))
        return
    click.echo(f"{summary.triples} triples in {len(summary.graphs)} graphs")
    for graph, count in summary.graphs.items():
        click.echo(f"  {count:>9}  {graph}")
    click.echo("classes (instances, subclasses included)")
    for c in summary.classes:
        click.echo(f"  {c.instances:>9}  {compact(c.iri)}  {c.label}")
    click.echo("concept schemes (concepts)")
    for s in summary.schemes:
        click.echo(f"  {s.concepts:>9}  {compact(s.iri)}  {s.label}")


from .cli_import import import_  # noqa: E402
from .cli_remote import publish  # noqa: E402
from .cli_serve import serve  # noqa: E402

cli.add_command(import_)
cli.add_command(publish)
cli.add_command(serve)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``solkg`` command."""
    try:
        try:
            cli.main(args=argv, prog_name="solkg", standalone_mode=True)
        finally:
            # A reader that closed early (``solkg info | head -1``): click caught it (help, usage)
            # or the output still buffered meets it now: leave quietly, as Unix tools do.
            if isinstance(sys.stdout, click.utils.PacifyFlushWrapper):
                leave_quietly()
            sys.stdout.flush()
    except BrokenPipeError:
        leave_quietly()
    except KeyboardInterrupt:
        click.echo("solkg: interrupted", err=True)
        sys.exit(130)
