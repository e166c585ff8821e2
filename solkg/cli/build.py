"""``solkg build``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS
from .options import (fail_on_option, handle_errors, lang_option, progress_option, progress_printer, store_option,
                      validator_option)

__all__ = ["build"]


@click.command()
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
@validator_option
@lang_option
@progress_option
@handle_errors
def build(data, store_path, memory, out, no_check, fail_on, fmt, validator, lang, progress):
    """Build the store and the release files in dist/, and check them."""
    from ..build import build as run_build
    from ..checks.report import render_report
    from ..sources import display_path
    from ..store import DEFAULT_STORE

    result = run_build(data=data, store_path=store_path or DEFAULT_STORE, memory=memory, out=out,
                       check=not no_check, validator=validator, lang=lang, progress=progress_printer(progress))
    where = "memory" if result.store_path is None else display_path(result.store_path)
    summary = (f"built {where}: {len(result.graphs)} graphs, {result.triples} triples; "
               f"wrote {', '.join(display_path(p) for p in result.files)}")
    if result.report is None:
        click.echo(summary)
        return
    if fmt == "json":
        click.echo(render_report(result.report, "json", lang=lang), nl=False)
        click.echo(summary, err=True)
    else:
        click.echo(summary)
        click.echo(render_report(result.report, "text", lang=lang), nl=False)
    if result.report.fails(fail_on):
        sys.exit(EXIT_FINDINGS)
