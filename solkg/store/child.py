"""Run a solkg function in a second Python process, with errors as one line.

Oxigraph holds the GIL while it loads or serialises, so work that should overlap with it needs
another process, not a thread. A :class:`Child` runs ``module.function(payload)`` in a new
interpreter (the same executable, importing this same solkg), the payload sent as JSON on stdin.
The child never prints a traceback: it exits 0, or 2 after an :class:`InputError`, or 1 after
anything else, with one line on stderr that :meth:`Child.wait` raises as an :class:`InputError`.

Subprocesses rather than :mod:`multiprocessing`: a spawned child re-imports the caller's main
module, which a script using solkg as a library need not guard.

A child ends with its parent, also when the parent is killed (``kill -9``): on Linux the kernel
kills it (``PR_SET_PDEATHSIG``, set by the child for the thread that started it, which is the one
that waits for it); elsewhere, and as a second guard, a thread of the child exits it when its
standard input, which the parent holds open until the child has ended, reaches end of file.

>>> child = Child("solkg.namespaces", "compact", "https://w3id.org/solkg/id/x")
>>> child.wait("compacting")
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["Child", "available"]

_CODE = "import sys; sys.path.insert(0, sys.argv[1]); from solkg.store.child import _main; _main()"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def available() -> bool:
    """Whether a child interpreter can be started (``sys.executable`` is known)."""
    return bool(sys.executable)


class Child:
    """``module.function(payload)`` running in a second Python process."""

    def __init__(self, module: str, function: str, payload: Any) -> None:
        self._errors = tempfile.TemporaryFile()
        package_parent = str(Path(__file__).resolve().parent.parent)
        self._process = subprocess.Popen([sys.executable, "-c", _CODE, package_parent, str(os.getpid())],
                                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._errors)
        try:  # one line; then stdin stays open: its end of file tells the child that this process is gone
            assert self._process.stdin is not None  # stdin=PIPE
            self._process.stdin.write(json.dumps([module, function, payload]).encode() + b"\n")
            self._process.stdin.flush()
        except OSError:  # the child died at once: wait() says why
            pass

    @property
    def pid(self) -> int:
        return self._process.pid

    def wait(self, what: str) -> None:
        """Wait for the child; raise :class:`InputError` ``"{what} failed: {its line}"`` if it failed."""
        code = self._process.wait()
        self._close_stdin()
        self._errors.seek(0)
        lines = [line.strip() for line in self._errors.read().decode(errors="replace").splitlines()]
        self._errors.close()
        if code != 0:
            last = next((line for line in reversed(lines) if line), f"exit status {code}")
            raise InputError(f"{what} failed: {last}")

    def kill(self) -> None:
        """Stop the child if it still runs, and wait for it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._close_stdin()
        self._errors.close()

    def _close_stdin(self) -> None:
        try:
            if self._process.stdin is not None:
                self._process.stdin.close()
        except OSError:
            pass


def _die_with_parent(parent: int) -> None:
    """End this process when the parent ``parent`` ends (see the module's docstring)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError, ValueError):  # no libc prctl here: the watchdog alone
            pass
    if os.getppid() != parent:  # the parent died before the guard was set
        os._exit(1)

    def watch() -> None:
        try:  # the file descriptor, not sys.stdin: a daemon thread must hold no lock at exit
            while os.read(fd, 1 << 16):
                pass
        except OSError:
            pass
        os._exit(1)  # end of file: the parent is gone

    fd = sys.stdin.fileno()

    threading.Thread(target=watch, name="solkg-parent-watch", daemon=True).start()


def _main() -> None:
    """The child's side: read ``[module, function, payload]`` (one line) from stdin and call it."""
    import importlib

    try:
        line = sys.stdin.buffer.readline()
        if len(sys.argv) > 2:
            _die_with_parent(int(sys.argv[2]))
        module, function, payload = json.loads(line)
        getattr(importlib.import_module(module), function)(payload)
    except InputError as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        sys.exit(2)
    except BaseException as exc:  # noqa: BLE001  one line for the parent, never a traceback
        print(" ".join(f"{type(exc).__name__}: {exc}".split()), file=sys.stderr)
        sys.exit(1)
