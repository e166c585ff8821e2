"""``solkg export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import SolkgError
from .options import handle_errors, store_option

__all__ = ["export"]


@click.command()
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
    import pyoxigraph as ox

    from ..release.export import export_file, normalise_format, resolve_graph, strip_contacts, write_rdf
    from ..store import graph_triple_counts, open_store

    fmt = normalise_format(fmt)
    store = open_store(store_path)
    if no_contacts:
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
