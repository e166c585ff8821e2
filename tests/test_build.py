"""`solkg build`: store, release files, determinism, atomicity, dataset description."""

from __future__ import annotations

import hashlib
import json
import os
import site
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import ROOT
from solkg.store.entail import ENTAILED_GRAPH, entailed_triples
from solkg.sources import project_sources
from solkg.store import load_sources

RELEASE = ["solkg.ttl", "solkg.nt", "solkg.jsonld", "solkg.nq", "solkg-ontology.rdf", "void.ttl"]


def _graph(path: Path, fmt: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(path, format=fmt)
    return g


def _sources_graph(kinds) -> rdflib.Graph:
    g = rdflib.Graph()
    for source in project_sources(kinds=kinds):
        g.parse(source.path, format="turtle")
    return g


def test_build_writes_store_and_release_files(built):
    assert (built / ".solkg" / "store").is_dir()
    for name in RELEASE:
        assert (built / "dist" / name).stat().st_size > 0, name


def test_turtle_release_is_ontology_plus_data(built):
    expected = _sources_graph(("ontology", "data"))
    assert isomorphic(_graph(built / "dist" / "solkg.ttl", "turtle"), expected)


def test_ntriples_and_jsonld_equal_turtle(built):
    turtle = _graph(built / "dist" / "solkg.ttl", "turtle")
    assert isomorphic(_graph(built / "dist" / "solkg.nt", "nt"), turtle)
    jsonld = _graph(built / "dist" / "solkg.jsonld", "json-ld")
    assert isomorphic(jsonld, turtle)


def test_jsonld_is_compacted_with_the_shipped_context(built):
    doc = json.loads((built / "dist" / "solkg.jsonld").read_text())
    shipped = json.loads((ROOT / "context" / "solkg.jsonld").read_text())
    assert doc["@context"] == shipped["@context"]
    ids = {node["@id"] for node in doc["@graph"]}
    assert "sold:le-labo-de-l-ess" in ids
    assert "sol:ShortSupplyChain" in ids


def test_rdfxml_is_the_ontology(built):
    assert isomorphic(_graph(built / "dist" / "solkg-ontology.rdf", "xml"), _sources_graph(("ontology",)))


def test_nquads_keep_one_graph_per_source(built):
    ds = rdflib.Dataset()
    ds.parse(built / "dist" / "solkg.nq", format="nquads")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {s.graph for s in project_sources()} | {ENTAILED_GRAPH}
    for source in project_sources():
        assert isomorphic(ds.graph(rdflib.URIRef(source.graph)), _graph(source.path, "turtle")), source.relative
    # the derived graph: the closures, computed again from the sources alone
    store = load_sources(project_sources())
    expected = rdflib.Graph()
    for t in entailed_triples(store):
        expected.add((rdflib.URIRef(t.subject.value), rdflib.URIRef(t.predicate.value), rdflib.URIRef(t.object.value)))
    assert len(expected) > 50
    assert isomorphic(ds.graph(rdflib.URIRef(ENTAILED_GRAPH)), expected)



def test_void_counts_and_hashes(built):
    void = ox.Store()
    void.load(path=str(built / "dist" / "void.ttl"), format=ox.RdfFormat.TURTLE)
    counts = {r["g"].value: int(r["n"].value) for r in void.query(
        "SELECT ?g ?n WHERE { <https://w3id.org/solkg/dataset> <http://rdfs.org/ns/void#subset> ?g . "
        "?g <http://rdfs.org/ns/void#triples> ?n }")}
    for source in project_sources():
        assert counts[source.graph] == len(list(ox.parse(path=str(source.path)))), source.relative
    sums = {r["f"].value: r["h"].value for r in void.query(
        "SELECT ?f ?h WHERE { ?g <http://purl.org/dc/terms/source> ?f ; <http://spdx.org/rdf/terms#checksum>/"
        "<http://spdx.org/rdf/terms#checksumValue> ?h }")}
    for source in project_sources():
        assert sums[source.relative] == hashlib.sha256(source.path.read_bytes()).hexdigest()
    modified = next(iter(void.query(
        "SELECT ?d WHERE { <https://w3id.org/solkg/dataset> <http://purl.org/dc/terms/modified> ?d }")))["d"].value
    assert modified == "2025-11-29T07:06:40Z"  # SOURCE_DATE_EPOCH=1764400000 set by the fixture


def test_build_is_deterministic(run, tmp_path):
    assert run("build", "--out", "a", "--store", "s1", "--no-check").exit_code == 0
    assert run("build", "--out", "b", "--store", "s2", "--no-check").exit_code == 0
    for name in RELEASE:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_bad_data_leaves_store_and_dist_unchanged(run, tmp_path):
    assert run("build", "--no-check").exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "dist").iterdir()}
    bad = tmp_path / "partner.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n")
    result = run("build", "--no-check", "--data", str(bad))
    assert result.exit_code == 2
    assert "partner.ttl:3:" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    after = {p.name: p.read_bytes() for p in (tmp_path / "dist").iterdir()}
    assert after == before
    info = run("info", "--format", "json")
    graphs = json.loads(info.stdout)["graphs"]
    assert not any("partner" in g for g in graphs)


def test_extra_data_gets_its_own_graph(run, tmp_path):
    extra = tmp_path / "partner" / "coops.ttl"
    extra.parent.mkdir()
    extra.write_text(
        "@prefix sold: <https://w3id.org/solkg/id/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'sold:partner-coop rdfs:label "Partner coop"@en .\n')
    result = run("build", "--no-check", "--data", "partner")
    assert result.exit_code == 0, result.stderr
    graphs = json.loads(run("info", "--format", "json").stdout)["graphs"]
    assert graphs["https://w3id.org/solkg/graph/partner/coops.ttl"] == 1


def test_memory_build_writes_no_store(run, tmp_path):
    result = run("build", "--memory", "--no-check")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / ".solkg").exists()
    assert (tmp_path / "dist" / "solkg.ttl").exists()


def test_build_reports_checks_and_passes_on_project_data(run):
    result = run("build", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["counts"]["violation"] == 0


@pytest.mark.slow
def test_installed_wheel_builds_from_any_folder(tmp_path):
    """`pip install .` (not editable) carries ontology/, shapes/, data/, queries/ as package data.

    The new venv reads its dependencies (and hatchling, to build the wheel offline) from the
    site-packages of the Python running the tests, through a .pth file: that works from a venv
    and from a system Python alike (``venv --system-site-packages`` would see the base Python only,
    not the venv the tests run in). The .pth files of those folders are not processed, so the
    editable install of the checkout stays out: solkg comes from the wheel.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}  # no way back to ROOT
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    py = venv / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True, env=env).stdout.strip()
    ours = site.getsitepackages() + ([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])
    ours = [p for p in ours if Path(p).is_dir()]
    Path(purelib, "solkg-test-dependencies.pth").write_text("".join(f"{p}\n" for p in ours))
    installed = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(ROOT)],
                               capture_output=True, text=True, env=env)
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run([str(venv / "bin" / "solkg"), "build", "--no-check"], cwd=work, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert (work / "dist" / "solkg.ttl").stat().st_size > 1000
    where = subprocess.run([str(py), "-c", "import solkg.sources as s; print(s.project_root())"], cwd=work,
                           capture_output=True, text=True, check=True, env=env).stdout.strip()
    assert where.endswith("_project") and "site-packages" in where
    assert Path(where).resolve().is_relative_to(venv.resolve()), where  # the wheel's copy, not the checkout's
