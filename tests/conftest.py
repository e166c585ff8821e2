"""Shared fixtures: a CLI runner in a temporary folder, and a built store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run ``solkg ARGS`` in a fresh folder; returns click's Result (stdout, stderr, exit_code)."""
    from solkg.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764400000")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A folder where `solkg build` ran once: holds .solkg/store and dist/."""
    import os

    from click.testing import CliRunner

    from solkg.cli import cli

    folder = tmp_path_factory.mktemp("built")
    old = os.getcwd()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764400000")
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, ["build"], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return folder


# The `serve_store` and `server` fixtures (a real `solkg serve` on a free loopback port), shared by
# the HTTP and browser tests of tests/test_serve_*.py.
from serve_fixtures import serve_store, server  # noqa: E402, F401
