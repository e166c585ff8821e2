"""Issue 13 for ``solkg import``: JSON and GeoJSON nested very deep.

A file of 100,000 nested ``[`` or ``{"a":`` (a few hundred KB) is refused by the real command in a
subprocess with exit 2 and one line naming the file, line and column and the limit it went past
(:data:`solkg.limits.MAX_NESTING`, the bound of every other parser solkg feeds): no RecursionError,
no traceback, no output file. A document nested up to the limit is imported, its deep value kept
(as JSON text) rather than dropped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from solkg.limits import MAX_NESTING

CASES = Path(__file__).parent / "fixtures" / "import" / "cases"
DEPTH = 100_000
BRACKETS = {"array": ("[", "]"), "object": ('{"a":', "}")}


def _nested(kind: str, depth: int) -> str:
    opening, closing = BRACKETS[kind]
    return opening * depth + "1" + closing * depth


def _document(shape: str, inner: str) -> str:
    """A file whose records hold ``inner``: the whole document, a record's field, a feature's property."""
    if shape == "document":
        return inner
    record = '{"id": "1", "name": "Deep farm", "deep": ' + inner + "}"
    if shape == "record":
        return "[" + record + "]"
    return ('{"type": "FeatureCollection", "features": [{"type": "Feature", "id": "1", "properties": '
            + record + ', "geometry": null}]}')


def _import(path: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solkg", "import", str(path), "--mapping", str(CASES / "basic.toml"),
                           "--no-check", "-o", str(out)], capture_output=True, text=True, timeout=300, cwd=path.parent)


@pytest.mark.parametrize("kind", sorted(BRACKETS))
@pytest.mark.parametrize("shape", ["document", "record", "geojson"])
def test_deep_json_is_refused_in_one_line(tmp_path, kind, shape):
    suffix = ".geojson" if shape == "geojson" else ".json"
    path = tmp_path / f"deep-{kind}-{shape}{suffix}"
    path.write_text(_document(shape, _nested(kind, DEPTH)), encoding="utf-8")
    assert path.stat().st_size > 200_000
    out = tmp_path / "out.ttl"
    proc = _import(path, out)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr[-2000:]
    assert lines[0].startswith(f"solkg: error: {path.name}:1:")
    assert f"nested deeper than {MAX_NESTING} levels (solkg.limits.MAX_NESTING)" in lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == [path]  # no output, no temporary file left


@pytest.mark.parametrize("kind", sorted(BRACKETS))
def test_json_nested_to_the_limit_is_imported_with_its_deep_value(tmp_path, kind):
    # The record's list and object take two levels, the value the rest.
    inner = _nested(kind, MAX_NESTING - 2)
    path = tmp_path / f"limit-{kind}.json"
    path.write_text(_document("record", inner), encoding="utf-8")
    out = tmp_path / "out.ttl"
    proc = _import(path, out)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "Deep farm" in out.read_text(encoding="utf-8")
    # the unmapped deep field is reported, not silently dropped
    assert "deep" in proc.stdout + proc.stderr and "import-unused-field" in proc.stdout + proc.stderr
    json.loads(path.read_text(encoding="utf-8"))  # the fixture itself is valid JSON
