"""``solkg diagnose``: the territorial diagnosis of a territory, as HTML, PDF, JSON or Markdown."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import SolkgError
from .options import handle_errors, lang_option, progress_option, progress_printer, store_option

__all__ = ["diagnose_command"]

_SUFFIX = {".html": "html", ".htm": "html", ".pdf": "pdf", ".json": "json", ".md": "md"}


@click.command("diagnose")
@click.argument("territory")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "json", "md"]), default=None,
              help="Report format (default: from -o's extension: .html, .htm, .pdf, .json, .md; md on standard "
                   "output).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the report to this file (atomically) instead of standard output.")
@lang_option
@store_option
@click.option("--endpoint", help="Diagnose from this remote SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--graph", "graphs", multiple=True,
              help="Remote: named graph read as default graph (repeatable; default: the local store's graphs).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Remote: seconds before giving up on a query.")
@click.option("--no-check", is_flag=True, help="Leave out the data-quality check of the territory's data.")
@click.option("--void", "void", type=click.Path(path_type=Path), default=None,
              help="The build's dataset description (default dist/void.ttl when it exists).")
@progress_option
@handle_errors
def diagnose_command(territory: str, fmt: str | None, output: Path | None, lang: str, store_path: Path | None,
                     endpoint: str | None, graphs: tuple[str, ...], timeout: float, no_check: bool, void: Path | None,
                     progress: bool | None) -> None:
    """Territorial diagnosis of TERRITORY (an IRI, a prefixed name, an official code such as an
    INSEE or NUTS code, or a name): what exists, where, support, gaps, comparison, sources."""
    from ..diagnose import diagnose, render, write_report
    from ..sources import project_sources
    from ..store import ENTAILED_GRAPH, open_store, stored_graphs

    if fmt is None and output is not None:
        fmt = _SUFFIX.get(output.suffix.lower())
        if fmt is None:
            raise SolkgError(f"-o {output}: cannot tell the format from '{output.suffix or output.name}'; "
                             "give --format html|pdf|json|md or a file ending .html, .pdf, .json or .md")
    fmt = fmt or "md"
    if fmt == "pdf" and output is None and sys.stdout.isatty():
        raise SolkgError("--format pdf: give -o FILE.pdf (PDF is not written to a terminal)")
    say = progress_printer(progress)
    store = None
    remote_graphs = None
    if endpoint:
        remote_graphs = list(graphs) or stored_graphs(store_path) or (
            [s.graph for s in project_sources()] + [ENTAILED_GRAPH])
    else:
        store = open_store(store_path)
    if void is None and Path("dist/void.ttl").is_file():
        void = Path("dist/void.ttl")
    elif void is not None and not void.is_file():
        raise SolkgError(f"--void {void}: no such file")
    report = diagnose(territory, store=store, endpoint=endpoint, graphs=remote_graphs, lang=lang, timeout=timeout,
                      check=not no_check, void=void, progress=say)
    if output is None:
        body = render(report, fmt)
        if isinstance(body, bytes):
            sys.stdout.buffer.write(body)
        else:
            click.echo(body, nl=False)
        return
    write_report(report, output, fmt)
    click.echo(f"solkg: wrote {output} ({fmt}, {len(report.chains)} chains, {len(report.actors)} actors)", err=True)
