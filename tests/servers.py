"""Real SPARQL servers for the remote tests and benchmarks: Oxigraph server and Virtuoso.

Each server runs from a throw-away folder, bound to 127.0.0.1 on a free port, and is always
terminated. A missing binary raises :class:`MissingTool` naming the install command; the tests that
start a server carry the ``oxigraph`` or ``virtuoso`` marker, so that tests/conftest.py skips them
first with that command (and fails them under SOLKG_TEST_REQUIRE_ALL=1, as .ci/run sets).

Example::

    with oxigraph_server() as server:
        print(server.engine, server.base)     # oxigraph http://127.0.0.1:40123
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Server", "MissingTool", "oxigraph_server", "virtuoso_server", "oxigraph_missing", "virtuoso_missing",
           "free_port", "VIRTUOSO_USER", "VIRTUOSO_PASSWORD"]

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"
OXIGRAPH_HINT = "needs the Oxigraph server (the `oxigraph` binary): pip install oxigraph (it is in the test extra)"
VIRTUOSO_HINT = ("needs Virtuoso (virtuoso-t and its virtuoso.ini): sudo apt-get install virtuoso-opensource "
                 "(or run .ci/setup-remote.sh)")


class MissingTool(RuntimeError):
    """A server binary is not installed; the message names the install command."""


@dataclass
class Server:
    """A running server: its engine preset name and base URL (``solkg publish --engine E --endpoint BASE``)."""

    engine: str
    base: str
    folder: Path
    process: subprocess.Popen
    log: Path
    env: dict = field(default_factory=dict)
    """Environment variables a client needs (credentials)."""

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _which(name: str) -> str | None:
    """``name`` on PATH, or beside this Python (a venv's bin/ is not on PATH unless activated)."""
    found = shutil.which(name)
    if found is None:
        beside = Path(sys.executable).parent / name
        found = str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None
    return found


def oxigraph_missing() -> str | None:
    """Why an Oxigraph server cannot be started here (with the install command), or None."""
    return None if _which("oxigraph") else OXIGRAPH_HINT


def virtuoso_missing() -> str | None:
    """Why a Virtuoso server cannot be started here (with the install command), or None."""
    return None if _which("virtuoso-t") and VIRTUOSO_INI.is_file() else VIRTUOSO_HINT


def _binary(name: str, hint: str) -> str:
    path = _which(name)
    if path is None:
        raise MissingTool(hint)
    return path


def _wait(url: str, process: subprocess.Popen, log: Path, *, seconds: float, accept=(200,)) -> None:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in accept:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in accept:
                return
            last = str(exc)
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.25)
    raise RuntimeError(f"server did not answer {url} within {seconds:.0f} s ({last}); log: "
                       f"{log.read_text(errors='replace')[-2000:]}")


def _spawn(args: list[str], folder: Path, log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    try:
        return subprocess.Popen(args, cwd=folder, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    finally:
        handle.close()


@contextlib.contextmanager
def oxigraph_server(folder: Path | None = None) -> Iterator[Server]:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` in a throw-away folder."""
    binary = _binary("oxigraph", OXIGRAPH_HINT)
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="solkg-oxigraph-")) if own else Path(folder)
    port = free_port()
    log = folder / "oxigraph.log"
    process = _spawn([binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
                     folder, log)
    server = Server("oxigraph", f"http://127.0.0.1:{port}", folder, process, log)
    try:
        _wait(f"{server.base}/query?query=ASK%7B%7D", process, log, seconds=30)
        yield server
    finally:
        server.stop()
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def virtuoso_ini(text: str, folder: Path, *, sql_port: int, http_port: int, max_rows: int = 10000000) -> str:
    """Debian's virtuoso.ini with its files in ``folder``, loopback ports and a raised result cap."""
    changes = {
        "Database": {"DatabaseFile": folder / "virtuoso.db", "ErrorLogFile": folder / "virtuoso.log",
                     "LockFile": folder / "virtuoso.lck", "TransactionFile": folder / "virtuoso.trx",
                     "xa_persistent_file": folder / "virtuoso.pxa"},
        "TempDatabase": {"DatabaseFile": folder / "virtuoso-temp.db", "TransactionFile": folder / "virtuoso-temp.trx"},
        "Parameters": {"ServerPort": f"127.0.0.1:{sql_port}", "DirsAllowed": f"., {folder}",
                       "NumberOfBuffers": 170000, "MaxDirtyBuffers": 130000, "MaxQueryMem": "1G",
                       "MaxSortedTopRows": 10000000,
                       # one transaction's log may hold more than the 50 MB default: the MOVE that swaps
                       # a 1.2M-triple graph in is one transaction (SR325 otherwise)
                       "TransactionAfterImageLimit": 1500000000},
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}", "MaxClientConnections": 20, "ServerThreads": 20},
        "SPARQL": {"ResultSetMaxRows": max_rows, "MaxQueryExecutionTime": 600, "MaxQueryCostEstimationTime": 36000},
        "URIQA": {"DefaultHost": f"127.0.0.1:{http_port}"},
        "Plugins": {},
    }
    out: list[str] = []
    section = None
    pending: dict = {}

    def flush():
        for key, value in pending.items():
            out.append(f"{key} = {value}")
        pending.clear()

    for line in text.splitlines():
        head = re.match(r"^\[(\w[\w ]*)\]\s*$", line)
        if head:
            flush()
            section = head.group(1)
            pending.update(changes.get(section, {}))
            out.append(line)
            if section == "Plugins":  # hosting plugins are not needed and may be absent
                section = "skip-plugins"
            continue
        if section == "skip-plugins":
            continue
        match = re.match(r"^(\w+)\s*=", line)
        if match and match.group(1) in pending:
            key = match.group(1)
            out.append(f"{key} = {pending.pop(key)}")
            continue
        out.append(line)
    flush()
    return "\n".join(out) + "\n"


@contextlib.contextmanager
def virtuoso_server(folder: Path | None = None, *, max_rows: int = 10000000) -> Iterator[Server]:
    """``virtuoso-t -f -c INI`` from a copy of Debian's virtuoso.ini, files in a throw-away folder.

    ``max_rows`` is ``ResultSetMaxRows``, the cap Virtuoso puts on result sets (Debian: 10000).
    """
    binary = _binary("virtuoso-t", VIRTUOSO_HINT)
    if not VIRTUOSO_INI.is_file():
        raise MissingTool(f"{VIRTUOSO_INI} is missing: {VIRTUOSO_HINT}")
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="solkg-virtuoso-")) if own else Path(folder)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_INI.read_text(), folder, sql_port=sql_port, http_port=http_port,
                               max_rows=max_rows))
    log = folder / "virtuoso-stdout.log"
    process = _spawn([binary, "-f", "-c", str(ini)], folder, log)
    server = Server("virtuoso", f"http://127.0.0.1:{http_port}", folder, process, log,
                    env={"SOLKG_ENDPOINT_USER": VIRTUOSO_USER, "SOLKG_ENDPOINT_PASSWORD": VIRTUOSO_PASSWORD})
    try:
        _wait(f"{server.base}/sparql?query=ASK%7B%7D", process, log, seconds=90)
        yield server
    finally:
        server.stop()
        if own:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":  # manual use: python tests/servers.py oxigraph|virtuoso (Ctrl-C stops it)
    def _interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    starter = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}[sys.argv[1]]
    with starter() as running:
        print(running.engine, running.base, running.folder, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
