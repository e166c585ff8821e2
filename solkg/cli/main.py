"""The ``solkg`` group: it only registers the commands, one module each.

Exit codes: 0 success (no finding at or above ``--fail-on``), 1 findings at or above it,
2 usage or input error.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from .build import build
from .check import check
from .diagnose import diagnose_command
from .export import export
from .importing import import_
from .info import info
from .options import leave_quietly
from .publish import publish
from .query import queries, query
from .serve import serve

__all__ = ["COMMANDS", "cli", "main"]

COMMANDS = (build, check, export, query, queries, info, import_, publish, serve, diagnose_command)
"""Every command, in the order ``solkg --help`` lists them."""


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [c.name for c in COMMANDS if c.name]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="solkg")
def cli():
    """solkg: the knowledge graph of economic and solidarity short supply chains."""


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``solkg`` command."""
    try:
        try:
            cli.main(args=argv, prog_name="solkg", standalone_mode=True)
        finally:
            # A reader that closed early (``solkg info | head -1``): click caught it (help, usage)
            # or the output still buffered meets it now: leave quietly, as Unix tools do.
            # (by the wrapper's name: click 8.5 made the class private)
            if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
                leave_quietly()
            sys.stdout.flush()
    except BrokenPipeError:
        leave_quietly()
    except KeyboardInterrupt:
        click.echo("solkg: interrupted", err=True)
        sys.exit(130)
