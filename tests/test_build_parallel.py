"""`solkg build` along two processes (issue 4): the on-disk store written by a child process while
the release files are written from an in-memory copy.

Whatever the path (``parallel=True``, ``parallel=False``, or chosen by :data:`PARALLEL_RANGE`), the
store and the release files must be the same; a failure of the child must be one line, leave the
old store and the old release files as they were, and no temporary folder behind.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT

from solkg.store import child as child_module
from solkg.store import disk as store_module
from solkg.errors import InputError
from solkg.sources import Source, project_sources
from solkg.store import StoreWriter

build_module = importlib.import_module("solkg.build")
VALID = sorted((ROOT / "tests" / "fixtures" / "valid").glob("*.ttl"))

BLANK_NODES = b"""@prefix ex: <http://example.org/> .
ex:a ex:p [ ex:q "nested" ; ex:r [ ex:s 1.0 ] ] .
_:x ex:p _:y . _:y ex:p "6.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .
"""


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A folder of data files in every shape the loaders tell apart: Turtle, gzipped Turtle,
    N-Triples, JSON-LD, N-Quads, and Turtle with blank nodes."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764400000")
    folder = tmp_path / "partner"
    folder.mkdir()
    for i, fixture in enumerate(VALID[:5]):
        quads = list(ox.parse(path=str(fixture), format=ox.RdfFormat.TURTLE))
        if i == 0:
            shutil.copy(fixture, folder / fixture.name)
        elif i == 1:
            (folder / (fixture.name + ".gz")).write_bytes(gzip.compress(fixture.read_bytes()))
        elif i == 2:
            (folder / fixture.with_suffix(".nt").name).write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES))
        elif i == 3:
            (folder / fixture.with_suffix(".jsonld").name).write_bytes(
                ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
        else:
            (folder / fixture.with_suffix(".nq").name).write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    (folder / "blank-nodes.ttl").write_bytes(BLANK_NODES)
    return folder


def _dist(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _store(path: Path) -> dict[str, list[str]]:
    """Graph → its sorted N-Quads lines (blank node labels are deterministic, so comparable)."""
    store = ox.Store.read_only(str(path))
    out = {}
    for graph in store.named_graphs():
        quads = store.quads_for_pattern(None, None, None, graph)
        out[graph.value] = sorted(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode().splitlines())
    return out


def _build(data: Path, where: str, **options):
    return build_module.build(data=[data], store_path=Path(where) / "store", out=Path(where) / "dist",
                              check=False, **options)


@pytest.mark.slow
def test_parallel_build_gives_the_same_store_and_bytes(data):
    serial = _build(data, "serial", parallel=False)
    parallel = _build(data, "parallel", parallel=True)
    assert parallel.graphs == serial.graphs
    assert [p.name for p in parallel.files] == [p.name for p in serial.files]
    assert _dist(Path("parallel/dist")) == _dist(Path("serial/dist"))
    stored = _store(Path("parallel/store"))
    assert stored == _store(Path("serial/store"))
    assert "https://w3id.org/solkg/graph/entailed" in stored
    assert any("blank-nodes.ttl" in g for g in stored)
    assert sorted(os.listdir("parallel")) == ["dist", "store"]  # no store.tmp, no staging folder


@pytest.mark.slow
def test_parallel_build_with_check_gives_the_same_report(data):
    serial = build_module.build(data=[data], store_path=Path("a/store"), out=Path("a/dist"), parallel=False)
    parallel = build_module.build(data=[data], store_path=Path("b/store"), out=Path("b/dist"), parallel=True)
    assert parallel.report == serial.report
    assert _dist(Path("b/dist")) == _dist(Path("a/dist"))


@pytest.mark.parametrize(("range_", "expected"), [((0, 2**60), True), ((2**59, 2**60), False)])
def test_the_size_range_chooses_the_path(data, monkeypatch, range_, expected):
    started = []

    class Spy(StoreWriter):
        def __init__(self, *args, **kwargs):
            started.append(True)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(build_module, "StoreWriter", Spy)
    monkeypatch.setattr(build_module, "PARALLEL_RANGE", range_)
    _build(data, "out")
    assert bool(started) is expected
    assert Path("out/store").is_dir() and (Path("out/dist") / "void.ttl").is_file()


def test_memory_build_never_starts_a_child(data, monkeypatch):
    monkeypatch.setattr(build_module, "StoreWriter", None)  # would fail if used
    result = build_module.build(data=[data], memory=True, out=Path("dist"), check=False, parallel=True)
    assert result.store_path is None


def test_bad_file_stops_the_child_and_changes_nothing(data, monkeypatch):
    _build(data, "out", parallel=True)
    before_dist, before_store = _dist(Path("out/dist")), _store(Path("out/store"))
    (data / "zz-bad.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    with pytest.raises(InputError, match=r"zz-bad.ttl:2:"):
        _build(data, "out", parallel=True)
    assert _dist(Path("out/dist")) == before_dist
    assert _store(Path("out/store")) == before_store
    assert sorted(os.listdir("out")) == ["dist", "store"]
    assert not [p for p in Path("out/dist").iterdir() if p.name.startswith(".")]


def _unchanged_after(data: Path, error: str) -> None:
    """A parallel build that fails with ``error`` leaves the previous build's store, release files
    and folders as they were."""
    before_dist, before_store = _dist(Path("out/dist")), _store(Path("out/store"))
    with pytest.raises(InputError) as info:
        _build(data, "out", parallel=True)
    assert str(info.value) == error
    assert _dist(Path("out/dist")) == before_dist
    assert _store(Path("out/store")) == before_store
    assert sorted(os.listdir("out")) == ["dist", "store"]
    assert not [p for p in Path("out/dist").iterdir() if p.name.startswith(".")]


def test_store_child_failure_is_one_line_and_changes_nothing(data, monkeypatch):
    _build(data, "out", parallel=True)

    class Failing(StoreWriter):
        def __init__(self, sources, path, **options):
            super().__init__(sources, path, **options)
            self._child.kill()
            self._child = child_module.Child("builtins", "exit", "disk full, say")  # SystemExit in the child

    monkeypatch.setattr(build_module, "StoreWriter", Failing)
    _unchanged_after(data, "out/store: writing the store failed: SystemExit: disk full, say")


def test_cli_reports_child_failure_with_exit_2(run, monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_RANGE", (0, 2**60))
    monkeypatch.setattr(child_module, "_CODE", "raise SystemExit('no space left on device')")
    result = run("build", "--no-check")
    assert result.exit_code == 2
    assert result.stderr == "solkg: error: .solkg/store: writing the store failed: no space left on device\n"
    assert not Path(".solkg/store").exists() and not Path(".solkg/store.tmp").exists()
    assert list(Path("dist").iterdir()) == []  # made for the staging folder, left empty


def test_store_writer_reports_a_syntax_error_in_the_child(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/b> .\n")
    target = tmp_path / "store"
    with StoreWriter([Source(graph="https://w3id.org/solkg/graph/bad.ttl", path=bad, kind="data")], target) as w, \
            pytest.raises(InputError, match=r"writing the store failed: .*bad\.ttl:1:"):
        w.commit()
    assert sorted(os.listdir(tmp_path)) == ["bad.ttl"]


def test_store_writer_killed_child_is_an_error_not_a_hang(tmp_path):
    target = tmp_path / "store"
    ox.Store(str(target)).flush()
    old = _store(target)
    with StoreWriter(project_sources(), target) as writer:
        os.kill(writer._child.pid, 9)
        with pytest.raises(InputError, match=r"writing the store failed: exit status -9"):
            writer.commit()
    assert _store(target) == old
    assert sorted(os.listdir(tmp_path)) == ["store"]


def test_store_writer_left_without_commit_removes_its_folder(tmp_path):
    target = tmp_path / "store"
    with StoreWriter(project_sources(kinds=("ontology",)), target):
        pass
    assert os.listdir(tmp_path) == []


def test_store_writer_equals_write_store(tmp_path):
    sources = project_sources()
    with StoreWriter(sources, tmp_path / "child") as writer:
        writer.commit()
    store_module.write_store(sources, tmp_path / "parent")
    assert _store(tmp_path / "child") == _store(tmp_path / "parent")
