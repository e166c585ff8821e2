"""Checks that use more than one process (issue 17): the SHACL validator's worker processes and the
ill-typed literal scan that runs while the files load. Same results as in one process, the same
errors, and no process left behind.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from test_check_memory import _store_with

from solkg.checks import shacl
from solkg.checks.literals import SourceLiterals, scan_ill_typed, scanning_literals
from solkg.checks.shacl.shapes import Unsupported
from solkg.checks.shacl.workers import can_fork, default_workers
from solkg.errors import InputError
from solkg.sources import data_sources

ROOT = Path(__file__).resolve().parents[1]
INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))
GRAPH = "https://w3id.org/solkg/graph/"

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes are forked (Linux only)")


def test_default_workers_is_bounded():
    assert 1 <= default_workers() <= 4


def test_workers_give_the_results_of_one_process():
    st, shapes, data = _store_with(INVALID)
    alone = shacl.validate(st, shapes=shapes, data_graphs=data, focus_chunk=5, workers=1)
    assert len(alone) > len(INVALID)  # every fixture is invalid
    assert len({r.focus for r in alone}) > 5  # so the results come from several chunks
    for workers in (2, 3):
        done: list[int] = []
        got = shacl.validate(st, shapes=shapes, data_graphs=data, focus_chunk=5, workers=workers,
                             progress=done.append)
        assert got == alone
        assert done == sorted(done) and all(b - a <= 5 for a, b in zip([0, *done], done, strict=False))
    assert multiprocessing.active_children() == []


def test_an_error_in_a_worker_is_raised_here():
    st = ox.Store()
    data, sg = ox.NamedNode("urn:g:data"), ox.NamedNode("urn:g:shapes")
    st.load(b"<urn:a> a <urn:C> . <urn:b> a <urn:C> . <urn:c> a <urn:C> .", format=ox.RdfFormat.TURTLE, to_graph=data)
    st.load(b"@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> sh:targetClass <urn:C> ; sh:nodeKind sh:Nothing .",
            format=ox.RdfFormat.TURTLE, to_graph=sg)
    for workers in (1, 2):
        with pytest.raises(Unsupported, match="unknown sh:nodeKind"):
            shacl.validate(st, shapes=[sg], data_graphs=[data], focus_chunk=1, workers=workers)
    assert multiprocessing.active_children() == []


def _on_disk(tmp_path: Path, files: list[Path]) -> tuple[ox.Store, str, list, list]:
    """The store of :func:`_store_with`, copied into an on-disk store at ``tmp_path/store``."""
    mem, shapes, data = _store_with(files)
    folder = str(tmp_path / "store")
    st = ox.Store(folder)
    st.bulk_extend(mem)
    st.optimize()
    return st, folder, shapes, data


def test_on_disk_store_workers_are_spawned_and_give_the_results_of_one_process(tmp_path, monkeypatch):
    """An on-disk store is never forked: with its folder, the workers are new processes that open
    it read only, and they find what one process finds, chunk for chunk."""
    st, folder, shapes, data = _on_disk(tmp_path, INVALID)
    alone = shacl.validate(st, shapes=shapes, data_graphs=data, focus_chunk=5, workers=1)
    assert len({r.focus for r in alone}) > 5 and any(isinstance(r.focus, ox.BlankNode) for r in alone)
    contexts: list[str] = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: contexts.append(method) or real(method))
    done: list[int] = []
    got = shacl.validate(st, shapes=shapes, data_graphs=data, focus_chunk=5, workers=2, store_folder=folder,
                         progress=done.append)
    assert contexts == ["spawn"]
    assert got == alone
    assert done[-1] == len(list(_focus_nodes(st, shapes, data)))
    assert multiprocessing.active_children() == []


def test_on_disk_store_workers_raise_a_worker_error_here(tmp_path):
    folder = str(tmp_path / "store")
    st = ox.Store(folder)
    data, sg = ox.NamedNode("urn:g:data"), ox.NamedNode("urn:g:shapes")
    st.load(b"<urn:a> a <urn:C> . <urn:b> a <urn:C> . <urn:c> a <urn:C> .", format=ox.RdfFormat.TURTLE, to_graph=data)
    st.load(b"@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> sh:targetClass <urn:C> ; sh:nodeKind sh:Nothing .",
            format=ox.RdfFormat.TURTLE, to_graph=sg)  # written, not bulk loaded: the flush puts it on disk
    with pytest.raises(Unsupported, match="unknown sh:nodeKind"):
        shacl.validate(st, shapes=[sg], data_graphs=[data], focus_chunk=1, workers=2, store_folder=folder)
    assert multiprocessing.active_children() == []


def test_a_worker_that_cannot_open_the_store_fails_the_check_instead_of_hanging(tmp_path):
    """multiprocessing starts a worker whose initializer raised again and again while the parent
    waits: the worker's set-up error must come back as the check's error. Run in a child process
    with a time limit, so that a regression is a failed test and not a stuck run."""
    script = tmp_path / "missing_store.py"
    script.write_text(
        "import pyoxigraph as ox\n"
        "from solkg.checks import shacl\n"
        "st = ox.Store()\n"
        "d, s = ox.NamedNode('urn:g:data'), ox.NamedNode('urn:g:shapes')\n"
        "st.load(b'<urn:a> a <urn:C> . <urn:b> a <urn:C> .', format=ox.RdfFormat.TURTLE, to_graph=d)\n"
        "st.load(b'@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> sh:targetClass <urn:C> ;"
        " sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .', format=ox.RdfFormat.TURTLE, to_graph=s)\n"
        "shacl.validate(st, shapes=[s], data_graphs=[d], focus_chunk=1, workers=2,"
        f" store_folder={str(tmp_path / 'none')!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's solkg
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("FileNotFoundError"), result.stderr[-500:]
    assert result.stderr.count("SpawnPoolWorker") <= 2  # each worker started once, not again and again


def _focus_nodes(st: ox.Store, shapes: list, data: list) -> set:
    from solkg.checks.shacl.shapes import ShapesGraph
    from solkg.checks.shacl.validator import SparqlValidator

    sg = ShapesGraph([q.triple for g in shapes for q in st.quads_for_pattern(None, None, None, g)])
    v = SparqlValidator(st, data, sg)
    shapes_ = v.shapes_with_targets()
    return set(v.candidates([v.targets(s) for s in shapes_]))


def test_scan_while_loading_finds_what_the_scan_finds(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('<http://e.org/a> <http://e.org/lat> "45,76"^^<http://www.w3.org/2001/XMLSchema#decimal> ;\n'
                   '  <http://e.org/n> "-1"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\n')
    sources = data_sources([bad])
    expected = scan_ill_typed(sources)
    assert [x.reason for x in expected] == ["not an xsd:decimal lexical form",
                                            "out of the xsd:nonNegativeInteger range"]
    with scanning_literals(sources) as literals:
        assert literals.scan() == (expected, {})
    assert multiprocessing.active_children() == []


def test_spellings_read_in_the_background_are_those_read_here(tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<http://e.org/a> <http://e.org/n> "3"^^xsd:nonNegativeInteger, "-1"^^xsd:nonNegativeInteger ;\n'
                    '  <http://e.org/d> "95.0"^^xsd:decimal ; <http://e.org/s> "x" .\n'
                    '<http://e.org/b> <http://e.org/d> "1.50"^^xsd:decimal .\n')
    sources = data_sources([data])
    e = "http://e.org/"
    wanted = {(ox.NamedNode(e + "a"), ox.NamedNode(e + "n")), (ox.NamedNode(e + "a"), ox.NamedNode(e + "d")),
              (ox.NamedNode(e + "b"), ox.NamedNode(e + "d")), (ox.NamedNode(e + "c"), ox.NamedNode(e + "d"))}
    here = SourceLiterals(sources).scan(wanted)
    assert len(here[0]) == 1 and len(here[1]) == 3  # "-1" is ill-typed, not a spelling; nothing for <c>
    with scanning_literals(sources) as literals:
        literals.prepare(wanted)
        assert literals.scan(wanted) == here
        assert literals.scan() == (here[0], {})
    assert multiprocessing.active_children() == []


def test_scan_while_loading_raises_the_scan_error(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e.org/a> <http://e.org/b> .\n")
    sources = data_sources([broken])
    with pytest.raises(InputError) as alone:
        scan_ill_typed(sources)
    with pytest.raises(InputError) as background, scanning_literals(sources) as literals:
        literals.scan()
    assert str(background.value) == str(alone.value)
    assert multiprocessing.active_children() == []


def test_scan_is_stopped_when_loading_fails(tmp_path):
    big = tmp_path / "big.ttl"
    big.write_text("".join(f"<http://e.org/{i}> <http://e.org/p> {i} .\n" for i in range(20000)))
    with pytest.raises(RuntimeError, match="load failed"), scanning_literals(data_sources([big])):
        raise RuntimeError("load failed")
    assert multiprocessing.active_children() == []
