"""The ``solkg`` command: each command parses its options, calls the library and renders the result.

:mod:`solkg.cli.main` registers the commands (one module each); :mod:`solkg.cli.options` holds what
they share (error handling, common options).
"""

from .main import COMMANDS, cli, main

__all__ = ["COMMANDS", "cli", "main"]
