"""The package's types hold: mypy (configured in pyproject.toml) finds no error in solkg/.

The package ships ``py.typed``, so users' type checkers read these annotations too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_package_is_marked_typed():
    assert (ROOT / "solkg" / "py.typed").is_file()


def test_mypy_finds_no_error():
    pytest.importorskip("mypy", reason="needs mypy: pip install -e '.[test]'")
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "Success: no issues found" in proc.stdout
