"""Checking big partner files in bounded memory (issue 4): the temporary on-disk store, streamed
reading of the files, the SHACL engine's focus-node chunks, and the progress display.

Above ``disk_threshold`` bytes ``check`` loads the partner files into a temporary on-disk store; a
threshold of 0 sends these small files down that path, which must give the in-memory report
exactly, the same one-line errors, and leave no folder behind.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT

import solkg.project as project_module
from solkg.checks import CheckOptions, shacl
from solkg.errors import InputError
from solkg.project import Project
from solkg.store import temporary_store

INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))
GRAPH = "https://w3id.org/solkg/graph/"


def check(files, *, progress=None, disk_threshold=None):
    return Project().check_files(files, options=CheckOptions(progress=progress), disk_threshold=disk_threshold)


@pytest.fixture
def tmp_dir(tmp_path, monkeypatch):
    """The folder where temporary stores are made (tempfile's), empty at the start."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def partner_files(tmp_path, monkeypatch):
    """Every invalid fixture, as Turtle, N-Triples, gzipped Turtle and JSON-LD partner files."""
    monkeypatch.chdir(tmp_path)
    files = []
    for i, fixture in enumerate(INVALID):
        target = tmp_path / "partner" / fixture.name
        target.parent.mkdir(exist_ok=True)
        if i % 4 == 1:  # N-Triples (blank nodes keep their labels through the parser)
            quads = ox.parse(path=str(fixture), format=ox.RdfFormat.TURTLE)
            target = target.with_suffix(".nt")
            target.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES))
        elif i % 4 == 2:
            target = target.with_name(target.name + ".gz")
            target.write_bytes(gzip.compress(fixture.read_bytes()))
        elif i % 4 == 3:
            quads = ox.parse(path=str(fixture), format=ox.RdfFormat.TURTLE)
            target = target.with_suffix(".jsonld")
            target.write_bytes(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
        else:
            shutil.copy(fixture, target)
        files.append(target.relative_to(tmp_path))
    return files


@pytest.mark.slow
def test_on_disk_store_gives_the_in_memory_report(partner_files, tmp_dir):
    in_memory = check(partner_files)
    assert len(in_memory.findings) > len(partner_files)  # the fixtures are invalid
    assert any(isinstance(f.focus, ox.BlankNode) for f in in_memory.findings)  # blank nodes went through relabelling
    on_disk = check(partner_files, disk_threshold=0)
    assert on_disk == in_memory
    assert list(tmp_dir.iterdir()) == []


def test_default_threshold_keeps_small_files_in_memory(partner_files, tmp_dir, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("small files must not go to a temporary store")

    monkeypatch.setattr(project_module, "temporary_store", refuse)
    assert check(partner_files[:3]).findings


def test_temporary_folder_is_removed_when_a_file_is_bad(tmp_path, tmp_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(INVALID[0], tmp_path / "good.ttl")
    (tmp_path / "bad.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n")
    with pytest.raises(InputError, match=r"^bad\.ttl:3:"):
        check(["good.ttl", "bad.ttl"], disk_threshold=0)
    assert list(tmp_dir.iterdir()) == []


def test_temporary_folder_is_removed_when_the_check_fails(tmp_path, tmp_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(INVALID[0], tmp_path / "good.ttl")

    def broken(store, graphs, **kwargs):
        assert len(list(tmp_dir.iterdir())) == 1  # the store is there while checking
        raise RuntimeError("broken check")

    monkeypatch.setattr(project_module, "check_store", broken)
    with pytest.raises(RuntimeError, match="broken check"):
        check(["good.ttl"], disk_threshold=0)
    assert list(tmp_dir.iterdir()) == []


def test_temporary_store_holds_each_source_in_its_graph(tmp_dir):
    from solkg.sources import project_sources

    sources = project_sources(kinds=("ontology",))
    with temporary_store(sources) as store:
        graphs = {g.value for g in store.named_graphs()}
        del store
    assert graphs == {s.graph for s in sources}
    assert list(tmp_dir.iterdir()) == []


BAD = {
    # file name: (bytes, expected one-line error)
    "latin1.ttl": ('<http://e.org/a> <http://e.org/b> "x" .\n<http://e.org/a> <http://e.org/b> "café" .\n'
                   .encode("latin-1"), "latin1.ttl:2:39: not UTF-8 (byte 0xe9)"),
    "empty.ttl": (b"  \n\n", "empty.ttl: file is empty"),
    "prefixes.ttl": (b"@prefix ex: <http://example.org/> .\n", "prefixes.ttl: holds no triple"),
    "bad.nt": (b"<http://example.org/a> <http://example.org/b> .\n", "bad.nt:1:"),
}


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("threshold", [None, 0], ids=["memory", "disk"])
def test_bad_files_give_the_same_one_line_error(tmp_path, tmp_dir, monkeypatch, name, threshold):
    monkeypatch.chdir(tmp_path)
    content, expected = BAD[name]
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as info:
        check([name], disk_threshold=threshold)
    assert str(info.value.message).startswith(expected), info.value.message
    assert "\n" not in info.value.message
    assert list(tmp_dir.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("chunk", [1, 2, 3, 5])
def test_files_are_read_in_chunks_without_splitting_characters(tmp_path, tmp_dir, monkeypatch, chunk):
    """Multi-byte characters and the bad byte fall across chunk boundaries; line and column stay right."""
    import solkg.store.load as store_module

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(store_module, "_CHUNK", chunk)
    good = '<http://e.org/a> <http://e.org/b> "Rhône, Cévennes, 東京 🌿"@fr .\n'
    (tmp_path / "good.ttl").write_text(good * 3, encoding="utf-8")
    (tmp_path / "bad.ttl").write_bytes(good.encode() * 2 + b'<http://e.org/a> <http://e.org/b> "caf\xe9" .\n')
    assert check(["good.ttl"], disk_threshold=0) == check(["good.ttl"])
    with pytest.raises(InputError, match=r"^bad\.ttl:3:39: not UTF-8 \(byte 0xe9\)$"):
        check(["bad.ttl"], disk_threshold=0)


def _store_with(files: list[Path]) -> tuple[ox.Store, list, list]:
    st = ox.Store()
    for sub in ("ontology", "shapes"):
        for f in sorted((ROOT / sub).glob("*.ttl")):
            st.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{GRAPH}{sub}/{f.name}"))
    for f in files:
        st.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{GRAPH}tests/{f.name}"))
    shapes = [ox.NamedNode(f"{GRAPH}shapes/{f.name}") for f in sorted((ROOT / "shapes").glob("*.ttl"))]
    data = [g for g in st.named_graphs() if not g.value.startswith(f"{GRAPH}shapes/")]
    return st, shapes, data


def test_focus_chunks_change_no_result():
    st, shapes, data = _store_with(INVALID)
    whole = shacl.validate(st, shapes=shapes, data_graphs=data, focus_chunk=10**6)
    assert len(whole) > len(INVALID)
    done: list[int] = []
    for size in (1, 7):
        done.clear()
        assert shacl.validate(st, shapes=shapes, data_graphs=data, focus_chunk=size, progress=done.append) == whole
        assert done == sorted(done) and done[-1] >= len({r.focus for r in whole})
        assert all(b - a <= size for a, b in zip([0, *done], done, strict=False))


def test_progress_messages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(INVALID[0], tmp_path / "partner.ttl")
    messages: list[str] = []
    check(["partner.ttl"], progress=messages.append)
    assert messages[0] == "loading 1 file(s)"
    assert "checking shapes" in messages
    assert any(m.startswith("checking shapes: ") and m.endswith(" focus nodes done") for m in messages)
    # the sources' literals are read in the background while the SPARQL checks run, then used
    assert messages[-2:] == ["running the SPARQL checks", "looking for ill-typed literals"]


def test_cli_progress_only_when_asked(run, tmp_path):
    shutil.copy(INVALID[0], tmp_path / "partner.ttl")
    shown = run("check", "partner.ttl", "--progress")
    lines = shown.stderr.splitlines()
    assert lines and all(line.startswith("solkg: ") for line in lines)
    assert "solkg: checking shapes" in lines
    quiet = run("check", "partner.ttl", "--no-progress")
    assert quiet.stderr == ""
    assert quiet.stdout == shown.stdout
    assert run("check", "partner.ttl").stderr == ""  # not a terminal: quiet by default
