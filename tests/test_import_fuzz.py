"""Property-based fuzzing of the import readers and of ``solkg import`` (Hypothesis).

Whatever the bytes (CSV, TSV, JSON, GeoJSON; any delimiter, encoding, ragged rows, deep JSON),
reading and importing end in a result or in an :class:`InputError` with one line; the command
ends with exit 0, 1 or 2 and, for 2, one line on standard error, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import import_group
from solkg.errors import InputError
from solkg.importer import import_file, load_mapping
from solkg.importer.readers import read_records

CASES = Path(__file__).parent / "fixtures" / "import" / "cases"
BASIC = load_mapping(CASES / "basic.toml")
SUSY = load_mapping("susy")
EXAMPLES = int(os.environ.get("SOLKG_FUZZ_EXAMPLES", "120"))
"""Examples per property (raise it for a longer hunt: SOLKG_FUZZ_EXAMPLES=5000)."""
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

FORMATS = st.sampled_from(["csv", "tsv", "json", "geojson"])
DELIMITERS = st.sampled_from([None, ",", ";", "\t", "|", "tab", "x", "", "ab", '"'])
ENCODINGS = st.sampled_from([None, "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "ascii", "nope"])
SUFFIX = {"csv": ".csv", "tsv": ".tsv", "json": ".json", "geojson": ".geojson"}


_FOLDER = Path(tempfile.mkdtemp(prefix="solkg-fuzz-"))


@pytest.fixture(scope="module", autouse=True)
def _clean_up():
    yield
    shutil.rmtree(_FOLDER, ignore_errors=True)


def _file(data: bytes, suffix: str) -> Path:
    """The example's bytes in a file (one per extension, rewritten by each example)."""
    path = _FOLDER / f"input{suffix}"
    path.write_bytes(data)
    return path


def _one_line(exc: InputError) -> None:
    text = str(exc)
    assert text and "\n" not in text and "\r" not in text, repr(text)


def _read_all(path: Path, **kw) -> int:
    source = read_records(path, **kw)
    return sum(1 for _ in source.records)


# --- strategies for files that look like directories
_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_rows = st.lists(st.lists(_cell, min_size=0, max_size=8), min_size=0, max_size=12)


def _csv_bytes(header: list[str], rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(cell(c) for c in row) for row in [header, *rows]]
    return "\n".join(lines).encode(encoding, errors="replace")


_json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _cell)
_json = st.recursive(_json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(_cell, inner, max_size=4)), max_leaves=25)


@FUZZ
@given(data=st.binary(max_size=400), fmt=FORMATS, delimiter=DELIMITERS, encoding=ENCODINGS)
def test_reader_on_arbitrary_bytes(data, fmt, delimiter, encoding):
    path = _file(data, SUFFIX[fmt])
    try:
        _read_all(path, fmt=fmt, delimiter=delimiter, encoding=encoding, known_fields=BASIC.used_fields())
    except InputError as exc:
        _one_line(exc)


@FUZZ
@given(header=st.lists(_cell, min_size=1, max_size=8), rows=_rows, delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_ragged_csv_every_record_counted(header, rows, delimiter, encoding):
    path = _file(_csv_bytes(header, rows, delimiter, encoding), ".csv")
    try:
        source = read_records(path, fmt="csv", delimiter=delimiter, encoding=encoding)
        records = list(source.records)
    except InputError as exc:
        _one_line(exc)
        return
    width = len(header)
    for rec in records:  # a row with more non-empty cells than the header says so
        assert len(rec.fields) <= width
    numbers = [r.number for r in records]
    assert numbers == list(range(1, len(records) + 1))
    assert all(isinstance(r.line, int) and r.line >= 2 for r in records)


@FUZZ
@given(doc=_json, wrap=st.sampled_from(["list", "object", "features", "bare"]))
def test_json_reader_and_import(doc, wrap):
    if wrap == "list":
        doc = [doc, {"id": "1", "name": "x"}]
    elif wrap == "object":
        doc = {"items": [doc]}
    elif wrap == "features":
        doc = {"type": "FeatureCollection", "features": [doc, {"type": "Feature", "properties": doc,
                                                               "geometry": {"type": "Point", "coordinates": doc}}]}
    text = json.dumps(doc, allow_nan=True, indent=1)
    path = _file(text.encode("utf-8"), ".json")
    try:
        result = import_file(path, mapping=BASIC, describe=False)
    except InputError as exc:
        _one_line(exc)
        return
    c = result.counts
    assert c["imported"] + c["not_imported"] == c["records"]  # every record imported or reported
    assert all("\n" not in f.message and "\r" not in f.message for f in result.findings)
    geo = _file(text.encode("utf-8"), ".geojson")
    try:
        import_file(geo, mapping=SUSY, describe=False)
    except InputError as exc:
        _one_line(exc)


@pytest.mark.parametrize("depth", [10, 100, 1000, 5000, 100000])
@pytest.mark.parametrize("bracket", ["[", "{\"a\":"])
def test_deep_json(depth, bracket):
    close = "]" if bracket == "[" else "}"
    inner = bracket * depth + "1" + close * depth
    for text in (inner, f'[{{"id": "1", "name": "x", "deep": {inner}}}]'):
        path = _file(text.encode(), ".json")
        try:
            import_file(path, mapping=BASIC, describe=False)
        except InputError as exc:
            _one_line(exc)


@FUZZ
@given(header=st.lists(st.sampled_from(["id", "name", "lat", "lon", "country", "x", ""]), min_size=1, max_size=6),
       rows=st.lists(st.lists(st.one_of(_cell, st.sampled_from(["45.7", "4,8", "-200", "n/a", "FR", "R1"])),
                              max_size=8), max_size=10),
       delimiter=st.sampled_from([",", ";"]))
def test_import_on_generated_csv(header, rows, delimiter):
    path = _file(_csv_bytes(header, rows, delimiter, "utf-8"), ".csv")
    try:
        result = import_file(path, mapping=BASIC, describe=False, country="FR")
    except InputError as exc:
        _one_line(exc)
        return
    c = result.counts
    assert c["imported"] + c["not_imported"] == c["records"]
    assert all("\n" not in f.message and "\r" not in f.message for f in result.findings)


@pytest.fixture(scope="module")
def cli():
    return import_group()


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), fmt=FORMATS, extra=st.sampled_from([[], ["--delimiter", ";"], ["--encoding",
                                                                              "cp1252"], ["--country", "FR"]]))
def test_cli_exit_codes(cli, data, fmt, extra):
    path = _file(data, SUFFIX[fmt])
    mapping = "susy" if fmt == "geojson" else str(CASES / "basic.toml")
    out = CliRunner().invoke(cli, ["import", str(path), "--mapping", mapping, "-o", str(path.with_suffix(".ttl")),
                                   "--no-check", *extra])
    assert out.exit_code in (0, 1, 2), (out.exit_code, out.output, out.exception)
    assert "Traceback" not in out.output
    if out.exit_code == 2:
        assert out.output.count("\n") == 1 and out.output.startswith("solkg: error: "), out.output
    elif out.exception is not None:
        assert isinstance(out.exception, SystemExit), repr(out.exception)
