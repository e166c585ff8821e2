"""What every ``solkg`` command shares: error handling and the common options.

A command module (``cli``, ``cli_import``, ``cli_serve``, ``cli_remote``) imports these, never
``solkg.cli`` itself, so the main group can register every command without an import cycle.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

import click

from .errors import EXIT_INPUT, SolkgError

__all__ = ["handle_errors", "store_option", "lang_option", "fail_on_option", "engine_option", "EXIT_BROKEN_PIPE",
           "leave_quietly", "pipe_closed", "one_line"]

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


def _fail(message: str) -> None:
    click.echo(f"solkg: error: {one_line(message)}", err=True)
    sys.exit(EXIT_INPUT)


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
        except BrokenPipeError as exc:
            if pipe_closed(sys.stdout) or pipe_closed(sys.stderr):
                leave_quietly()
            _fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc.strerror or exc))
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
