"""What every ``solkg`` command shares: error handling, the common options and progress messages.

Command modules import these, never :mod:`solkg.cli.main`, so the main group registers every
command without an import cycle. Library errors speak of values; the options here give them the
flag's name where the user needs it.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import EXIT_INPUT, SolkgError

__all__ = [
    "handle_errors",
    "store_option",
    "lang_option",
    "fail_on_option",
    "validator_option",
    "progress_option",
    "progress_printer",
    "fail",
]


def fail(message: str) -> None:
    """Print ``solkg: error: MESSAGE`` on stderr and exit 2."""
    click.echo(f"solkg: error: {message}", err=True)
    sys.exit(EXIT_INPUT)


def handle_errors(func):
    """Turn solkg's errors (and I/O errors) into a one-line message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SolkgError as exc:
            fail(exc.message)
        except MemoryError:
            fail("out of memory")
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            fail(f"{where}{exc.strerror or ' '.join(str(exc).split())}")
        except (RuntimeError, ValueError) as exc:  # pyoxigraph's evaluation errors, the library's value errors
            fail(" ".join(str(exc).split()) or type(exc).__name__)

    return wrapper


def store_option(func):
    return click.option("--store", "store_path", type=click.Path(path_type=Path), default=None,
                        help="The embedded store folder (default .solkg/store).")(func)


def lang_option(func):
    return click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
                        help="Language of messages and labels.")(func)


def fail_on_option(func):
    return click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
                        show_default=True, help="Exit 1 when a finding is at or above this severity.")(func)


def validator_option(func):
    from ..checks.shacl import VALIDATORS

    return click.option("--validator", "--engine", "validator", type=click.Choice(list(VALIDATORS)), default=None,
                        help="SHACL validator (default: solkg's own, which gives pySHACL's results; "
                             "--engine is the old name).")(func)


def progress_option(func):
    return click.option("--progress/--no-progress", default=None,
                        help="Progress messages on stderr (default: when a terminal).")(func)


def progress_printer(enabled: bool | None) -> Callable[[str], None] | None:
    """A progress callback that prints ``solkg: MESSAGE`` on stderr, or None when disabled
    (``None``: enabled when stderr is a terminal)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    return lambda message: click.echo(f"solkg: {message}", err=True)
