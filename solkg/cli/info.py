"""``solkg info``."""

from __future__ import annotations

import json

import click

from .options import handle_errors, lang_option, store_option

__all__ = ["info"]


@click.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@handle_errors
def info(store_path, fmt, lang):
    """Show what is in the store: graphs, triples, classes, concept schemes."""
    from ..namespaces import compact
    from ..query.info import info as run_info
    from ..store import open_store

    summary = run_info(open_store(store_path), lang=lang)
    if fmt == "json":
        click.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
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
