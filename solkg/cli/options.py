"""What every ``solkg`` command shares: error handling, the common options and progress messages.

Command modules import these, never :mod:`solkg.cli.main`, so the main group registers every
command without an import cycle. Library errors speak of values; the options here give them the
flag's name where the user needs it.
"""

from __future__ import annotations

import functools
import os
import re
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
    "EXIT_BROKEN_PIPE",
    "leave_quietly",
    "pipe_closed",
    "one_line",
]

EXIT_BROKEN_PIPE = 128 + 13
"""Exit status when the reader of standard output went away (``solkg info | head -1``): what a
shell reports for a Unix tool ended by SIGPIPE, without the signal and without a message."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_line(message: str) -> str:
    """``message`` on one line, control characters (from hostile data: a NUL, a terminal escape)
    written as ``\\xNN``.

    >>> one_line("a\\nb \\x1b[2J c\\x00")
    'a b \\\\x1b[2J c\\\\x00'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", " ".join(message.split()))


def pipe_closed(stream) -> bool:
    """Whether ``stream`` is a pipe (or socket) whose reader has gone away."""
    try:
        import select

        fd = stream.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, ValueError, OSError):  # not a file (a test's buffer), or no poll()
        return False


def leave_quietly() -> None:
    """Standard output's reader closed early: exit :data:`EXIT_BROKEN_PIPE` with no message, as Unix
    tools do. What is still buffered goes to the null device, so that nothing fails at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            if stream is sys.stdout or pipe_closed(stream):
                try:
                    os.dup2(null, stream.fileno())
                except (AttributeError, ValueError, OSError):
                    pass
        os.close(null)
    except OSError:
        pass
    sys.exit(EXIT_BROKEN_PIPE)


def fail(message: str) -> None:
    """Print ``solkg: error: MESSAGE`` on stderr and exit 2."""
    click.echo(f"solkg: error: {one_line(message)}", err=True)
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
        except BrokenPipeError as exc:
            if pipe_closed(sys.stdout) or pipe_closed(sys.stderr):
                leave_quietly()
            fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc.strerror or exc))
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
