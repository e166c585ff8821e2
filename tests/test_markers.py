"""The infrastructure markers of tests/conftest.py: a missing tool skips with its install command,
and SOLKG_TEST_REQUIRE_ALL=1 (CI) turns that skip into a failure.

Runs pytest itself in a subprocess on real marked tests, with SOLKG_TEST_WITHOUT naming the tool to
take as missing (it is installed on CI, so absence has to be asked for); the skip happens before the
test's fixtures, so no server or browser is started.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow  # four pytest runs in subprocesses, ~3 s each

VIRTUOSO_TEST = "tests/test_remote_engines.py::test_publish_counts[virtuoso]"
BROWSER_TEST = "tests/test_serve_browser.py::test_sparql_editor"


def pytest_run(*args: str, without: str, require_all: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLKG_TEST_")}
    env["SOLKG_TEST_WITHOUT"] = without
    if require_all:
        env["SOLKG_TEST_REQUIRE_ALL"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("test", "without", "command"), [
    (VIRTUOSO_TEST, "virtuoso", "sudo apt-get install virtuoso-opensource (or run .ci/setup-remote.sh)"),
    (BROWSER_TEST, "browser", "sudo apt-get install chromium (or run .ci/setup-serve.sh)"),
], ids=["virtuoso", "browser"])
def test_missing_tool_skips_with_the_install_command(test, without, command):
    result = pytest_run(test, without=without)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout, result.stdout
    assert "SKIPPED [1] tests/conftest.py" in result.stdout and command in result.stdout, result.stdout
    header = next(line for line in result.stdout.splitlines() if line.startswith("solkg infrastructure missing: "))
    assert without in header.removeprefix("solkg infrastructure missing: ").split(", "), header


def test_require_all_turns_the_skip_into_a_failure():
    result = pytest_run(VIRTUOSO_TEST, without="virtuoso", require_all=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and "skipped" not in result.stdout.splitlines()[-1], result.stdout
    assert ("SOLKG_TEST_REQUIRE_ALL=1 allows no skip, and this test was skipped: virtuoso: needs Virtuoso"
            in result.stdout)


def test_unknown_name_in_without_is_a_usage_error():
    result = pytest_run(VIRTUOSO_TEST, without="virtuso")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "SOLKG_TEST_WITHOUT names virtuso: the infrastructure markers are oxigraph, virtuoso, browser, java" in (
        result.stderr)
