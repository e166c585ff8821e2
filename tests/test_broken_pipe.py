"""Issue 13, row 13: a reader that closes early (``solkg info | head -1``) ends solkg quietly.

Each command that writes to standard output runs with a pipe whose reading end is already
closed, so that its first write fails: it must exit with status 141 (what a shell reports for a
Unix tool ended by SIGPIPE), print nothing (no "Broken pipe" error, no "Exception ignored"), and
not be killed by a signal. Before, solkg printed ``solkg: error: Broken pipe`` and exited 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import oxigraph_server

ROOT = Path(__file__).resolve().parents[1]
SOLKG = [sys.executable, "-c", "from solkg.cli import main; main()"]
EXIT_BROKEN_PIPE = 141


def _closed_reader(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([*SOLKG, *args], cwd=cwd, stdout=write_end, stderr=subprocess.PIPE, timeout=300,
                              env={**os.environ, "SOURCE_DATE_EPOCH": "1764400000"})
    finally:
        os.close(write_end)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A built store, and a file to import."""
    where = tmp_path_factory.mktemp("pipe")
    subprocess.run([*SOLKG, "build", "--no-check"], cwd=where, check=True, capture_output=True)
    return where


COMMANDS = {
    "info": ["info"],
    "info-json": ["info", "--format", "json"],
    "queries": ["queries"],
    "query": ["query", "concepts-of-scheme"],
    "query-construct": ["query", "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--limit", "5"],
    "export": ["export"],
    "check": ["check"],
    "check-json": ["check", "--format", "json"],
    "build": ["build", "--no-check", "--store", "other-store", "--out", "other-dist"],
    "help": ["--help"],
    "command-help": ["export", "--help"],
    "version": ["--version"],
    "list-mappings": ["import", "--list-mappings"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_closed_reader_exits_quietly(folder, name):
    result = _closed_reader(COMMANDS[name], folder)
    assert result.stderr.decode() == "", result.stderr.decode()[-500:]
    assert result.returncode == EXIT_BROKEN_PIPE


def test_import_to_a_closed_reader(folder):
    sample = ROOT / "tests" / "fixtures" / "import" / "standard-small.csv"
    result = _closed_reader(["import", str(sample), "--mapping", "sse-standard", "--no-check"], folder)
    # the RDF goes to stdout first; the report to stderr is then not written (nothing could be read)
    assert result.returncode == EXIT_BROKEN_PIPE, result.stderr.decode()[-500:]
    assert "Broken pipe" not in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_publish_to_a_closed_reader(folder, tmp_path):
    with oxigraph_server(tmp_path) as server:
        result = _closed_reader(["publish", "--endpoint", server.base, "--engine", "oxigraph"], folder)
    assert result.stderr.decode() == "", result.stderr.decode()[-500:]
    assert result.returncode == EXIT_BROKEN_PIPE


def test_head_in_a_shell_pipeline(folder):
    """The issue's reproduction, with a real ``head``."""
    script = f"{' '.join(SOLKG[:2])} 'from solkg.cli import main; main()' export | head -1; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, timeout=300)
    assert result.stdout.decode().startswith("@prefix")
    assert result.stderr.decode() == ""
    assert result.returncode in (0, EXIT_BROKEN_PIPE)  # 0 when everything was written before head left


def test_other_os_errors_still_say_what_happened(folder):
    result = subprocess.run([*SOLKG, "export", "-o", "/proc/version/x.ttl"], cwd=folder, capture_output=True)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("solkg: error: ")
