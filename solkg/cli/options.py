"""What every ``solkg`` command shares: error handling and the common options.

A command module (``cli``, ``cli_import``, ``cli_serve``, ``cli_remote``) imports these, never
``solkg.cli`` itself, so the main group can register every command without an import cycle.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .errors import EXIT_INPUT, SolkgError

__all__ = ["handle_errors", "store_option", "lang_option", "fail_on_option", "engine_option"]


def _fail(message: str) -> None:
    click.echo(f"solkg: error: {message}", err=True)
    sys.exit(EXIT_INPUT)


def handle_errors(func):
    """Turn solkg's errors (and I/O errors) into a one-line message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SolkgError as exc:
            _fail(exc.message)
        except MemoryError:
            _fail("out of memory")
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            _fail(f"{where}{exc.strerror or ' '.join(str(exc).split())}")
        except (RuntimeError, ValueError) as exc:  # pyoxigraph's evaluation errors
            _fail(" ".join(str(exc).split()) or type(exc).__name__)

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


def engine_option(func):
    from .shacl import ENGINES

    return click.option("--engine", type=click.Choice(list(ENGINES)), default=None,
                        help="SHACL engine (default: the fastest one that gives pySHACL's results).")(func)
