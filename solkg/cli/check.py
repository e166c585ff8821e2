"""``solkg check``: the project's data, a built store, partner files or the data in a SPARQL server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, SolkgError
from .options import (fail_on_option, handle_errors, lang_option, progress_option, progress_printer, store_option,
                      validator_option)
from .publish import server_option

__all__ = ["check"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@store_option
@fail_on_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@lang_option
@click.option("--owl", is_flag=True, help="Also check OWL 2 DL consistency with HermiT (needs Java).")
@validator_option
@click.option("--endpoint", default=None,
              help="Check the data in this SPARQL server (query URL, or base URL with --server).")
@server_option("--endpoint-engine")
@click.option("--store-endpoint", default=None,
              help="Remote: Graph Store Protocol URL to read graphs with (default: from --server).")
@click.option("--graph", "remote_graphs", multiple=True,
              help="Remote: data graph to check (repeatable; default: every solkg data graph on the server).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
              help="Remote: seconds before a request is given up.")
@progress_option
@handle_errors
def check(paths, store_path, fail_on, fmt, lang, owl, validator, endpoint, server, store_endpoint, remote_graphs,
          timeout, progress):
    """Check the project's data, a built store (--store), partner files (PATHS) or a server (--endpoint)."""
    from ..checks.report import render_report
    from ..checks.run import CheckOptions
    from ..project import Project

    options = CheckOptions(lang=lang, validator=validator, owl=owl, progress=progress_printer(progress))
    if endpoint:
        if paths or store_path:
            raise SolkgError("--endpoint: checks the server's data; give no PATHS or --store with it")
        from ..release.export import resolve_graph
        from ..remote import check_endpoint, resolve_endpoints

        endpoints = resolve_endpoints(endpoint=endpoint, server=server, store_endpoint=store_endpoint)
        graphs = [resolve_graph(g).value for g in remote_graphs] or None
        report = check_endpoint(endpoints, graphs=graphs, options=options, timeout=timeout)
    else:
        if server or store_endpoint or remote_graphs:
            raise SolkgError("--server, --store-endpoint and --graph go with --endpoint")
        project = Project()
        if paths:
            report = project.check_files(paths, options=options)
        elif store_path:
            report = project.check(store=project.open(store_path), options=options)
        else:
            report = project.check(options=options)
    click.echo(render_report(report, fmt, lang=lang), nl=False)
    if report.fails(fail_on):
        sys.exit(EXIT_FINDINGS)
