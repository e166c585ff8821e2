"""Fixtures for the `solkg serve` tests: a built store and a real server on a free loopback port.

Import the fixtures in a test module with ``from serve_fixtures import *`` (pytest puts tests/ on
sys.path). The server is a separate process (``solkg serve``), started once per test session and
stopped at the end; ``Server.get``/``post`` speak plain HTTP with urllib.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = [
    "Server",
    "Reply",
    "Listener",
    "serve_store",
    "server",
    "browser",
    "start_server",
    "stop_server",
    "build_with_cli",
    "EXTRA_TTL",
    "CHROMIUM_ARGS",
]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# A narrower concept, so that concept trees have a branch to open (the shipped vocabularies are flat).
EXTRA_TTL = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sector: <https://w3id.org/solkg/vocab/sector/> .
@prefix solv: <https://w3id.org/solkg/vocab/> .
sector:test-community-bakery a skos:Concept ;
    skos:prefLabel "community bakery (test concept)"@en , "boulangerie solidaire (concept de test)"@fr ;
    skos:definition "A concept added by the serve tests, narrower than food."@en ,
        "Un concept ajouté par les tests de serve, plus spécifique qu'alimentation."@fr ;
    skos:inScheme solv:sector ;
    skos:broader sector:food .
"""

_LAUNCH = (
    "import sys\n"
    "from solkg.cli import cli\n"
    "if 'serve' not in cli.commands:\n"
    "    from solkg.cli.serve import serve\n"
    "    cli.add_command(serve)\n"
    "cli.main(args=sys.argv[1:], prog_name='solkg')\n"
)


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    store: Path

    def request(
        self,
        path: str,
        *,
        method: str = "GET",
        headers: dict | None = None,
        data: bytes | None = None,
        timeout: float = 30,
    ) -> Reply:
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())

    def get(self, path: str, **headers) -> Reply:
        return self.request(path, headers={k.replace("_", "-"): v for k, v in headers.items()})

    def post(self, path: str, data: bytes, content_type: str, **headers) -> Reply:
        hdrs = {"Content-Type": content_type} | {k.replace("_", "-"): v for k, v in headers.items()}
        return self.request(path, method="POST", headers=hdrs, data=data)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, *args: str, cwd: Path | None = None, wait: float = 60.0) -> Server:
    """Start ``solkg serve --store STORE ARGS`` on a free loopback port; returns once it answers."""
    last = None
    for _attempt in range(3):
        port = free_port()
        log = open((cwd or store.parent) / f"serve-{port}.log", "w+b")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _LAUNCH,
                "serve",
                "--store",
                str(store),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *args,
            ],
            cwd=cwd or store.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        server = Server(f"http://127.0.0.1:{port}", proc, store)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                if server.get("/", Accept="text/html").status == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.2)
        stop_server(server)
        log.seek(0)
        last = log.read().decode("utf-8", "replace")
    raise RuntimeError(f"solkg serve did not start:\n{last}")


def build_with_cli(folder: Path, *data: Path) -> Path:
    """``solkg build --data FILE ... --no-check`` run in ``folder`` as a user runs it; the store's path."""
    store = folder / ".solkg" / "store"
    args = [a for d in data for a in ("--data", str(d))]
    done = subprocess.run(
        [sys.executable, "-m", "solkg", "build", *args, "--store", str(store), "--out", str(folder / "dist"),
         "--no-check", "--no-progress"],
        cwd=folder, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return store


class Listener:
    """A real TCP listener on a free loopback port that records every connection made to it (and
    the first bytes sent): where a hostile page would send the browser, or a SERVICE clause a query."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    data = conn.recv(2048)
                except OSError:
                    data = b""
                self.hits.append(data or b"(connected, sent nothing)")
                try:
                    conn.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self._stop = True
        self.thread.join(timeout=5)
        self.sock.close()


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=5)


@pytest.fixture(scope="session")
def serve_store(tmp_path_factory) -> Path:
    """A store built from the project's sources plus :data:`EXTRA_TTL`."""
    from solkg.build import build

    folder = tmp_path_factory.mktemp("serve")
    extra = folder / "extra.ttl"
    extra.write_text(EXTRA_TTL, encoding="utf-8")
    old = os.getcwd()
    os.chdir(folder)
    try:
        build(data=[extra], store_path=folder / ".solkg" / "store", out=folder / "dist", check=False)
    finally:
        os.chdir(old)
    return folder / ".solkg" / "store"


@pytest.fixture(scope="session")
def server(serve_store):
    """A running `solkg serve` (CORS on, 2 s query timeout, 500 results at most)."""
    srv = start_server(serve_store, "--cors", "--timeout", "2", "--max-results", "500", "--workers", "2")
    yield srv
    stop_server(srv)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


_CHROMIUM: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (a fresh, empty profile).

    Test modules import this fixture; pytest then holds one per module, so they share one
    Playwright and one Chromium here (Playwright's sync API runs one at a time)."""
    executable = CHROMIUM if CHROMIUM.exists() else (Path(p) if (p := shutil.which("chromium")) else None)
    if executable is None:
        pytest.fail(
            "Chromium is missing: the browser tests need Debian's chromium and chromium-driver "
            "(run .ci/setup-serve.sh, or apt-get install -y chromium chromium-driver)",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Playwright is missing: pip install playwright (run .ci/setup-serve.sh); it drives the "
            "system Chromium, no browser download needed",
            pytrace=False,
        )
    if _CHROMIUM["users"] == 0:
        _CHROMIUM["playwright"] = sync_playwright().start()
        # launch() gives Chromium a fresh, empty profile folder of its own
        _CHROMIUM["browser"] = _CHROMIUM["playwright"].chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS
        )
    _CHROMIUM["users"] += 1
    try:
        yield _CHROMIUM["browser"]
    finally:
        _CHROMIUM["users"] -= 1
        if _CHROMIUM["users"] == 0:
            _CHROMIUM.pop("browser").close()
            _CHROMIUM.pop("playwright").stop()
