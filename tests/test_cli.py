"""The commands as a user runs them: outputs, formats, exit codes, documentation."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from solkg.cli import cli
from solkg.sources import project_sources

from conftest import ROOT


def test_every_command_is_named_in_the_readme_tour():
    """The README names each command; docs/commands.md documents each (tests/test_docs.py)."""
    readme = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert re.search(rf"^\$ solkg {name}\b", readme, re.M) or f"`solkg {name}" in readme, name


def test_entry_point_runs_without_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "solkg", "check", "missing.ttl"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == "solkg: error: missing.ttl: no such file or folder"


def test_queries_lists_named_queries_with_params(run):
    result = run("queries", "--format", "json")
    assert result.exit_code == 0
    items = {q["name"]: q for q in json.loads(result.stdout)}
    assert len(items) >= 8
    assert all(q["title"] for q in items.values())
    assert not any(name.startswith("checks") for name in items)
    assert {"name": "lang", "kind": "literal", "default": "en"} in items["concepts-of-scheme"]["params"]
    table = run("queries").stdout
    assert "concepts-of-scheme" in table and "--param lang=<literal>" in table


def test_query_results_in_each_format(run, built, monkeypatch):
    monkeypatch.chdir(built)
    args = ["query", "concepts-of-scheme", "--param", "lang=fr"]
    doc = json.loads(run(*args, "--format", "json").stdout)
    assert set(doc) == {"head", "results"} and doc["head"]["vars"]
    rows = doc["results"]["bindings"]
    assert len(rows) >= 5
    labels = [b[v] for b in rows for v in b if b[v].get("xml:lang")]
    assert labels and all(lbl["xml:lang"] == "fr" for lbl in labels)
    text = run(*args, "--format", "csv").stdout
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == doc["head"]["vars"] and len(table) == len(rows) + 1
    tsv = run(*args, "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t") == ["?" + v for v in doc["head"]["vars"]]
    assert '"@fr' in tsv[1]  # TSV cells are N-Triples terms
    pretty = run(*args).stdout
    assert f"({len(rows)} rows)" in pretty


def test_query_limit_and_offset_page_the_rows(run, built, monkeypatch):
    monkeypatch.chdir(built)
    full = json.loads(run("query", "concepts-of-scheme", "--format", "json").stdout)["results"]["bindings"]
    page = run("query", "concepts-of-scheme", "--format", "json", "--limit", "2", "--offset", "1")
    assert json.loads(page.stdout)["results"]["bindings"] == full[1:3]
    assert "more results after 3" in page.stderr


def test_adhoc_ask_and_construct(run, built, monkeypatch):
    monkeypatch.chdir(built)
    ask = run("query", "-e", "ASK { ?c a <https://w3id.org/solkg/ontology#CollectiveSelfConsumption> }", "--format",
              "json")
    assert json.loads(ask.stdout) == {"head": {}, "boolean": True}
    construct = run("query", "-e", "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t . FILTER(?t = "
                    "<http://www.w3.org/2004/02/skos/core#ConceptScheme>) }", "--format", "nt")
    g = rdflib.Graph().parse(data=construct.stdout, format="nt")
    assert (rdflib.URIRef("https://w3id.org/solkg/vocab/sector"), rdflib.RDF.type, rdflib.SKOS.ConceptScheme) in g


@pytest.mark.slow
def test_export_each_format_round_trips(run, built, monkeypatch, tmp_path):
    monkeypatch.chdir(built)
    reference = rdflib.Graph().parse(built / "dist" / "solkg.nt", format="nt")
    for fmt, rdflib_fmt in [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")]:
        out = tmp_path / f"export.{fmt}"
        result = run("export", "--format", fmt, "-o", str(out),
                     *[a for s in project_sources(kinds=("ontology", "data")) for a in ("--graph", s.relative)])
        assert result.exit_code == 0, result.stderr
        assert isomorphic(rdflib.Graph().parse(out, format=rdflib_fmt), reference), fmt
    for fmt in ("nquads", "trig"):
        out = run("export", "--format", fmt).stdout_bytes
        quads = list(ox.parse(out, ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG))
        assert {q.graph_name.value for q in quads} >= {"https://w3id.org/solkg/graph/data/seed.ttl"}


def test_export_unknown_graph_and_format(run, built, monkeypatch):
    monkeypatch.chdir(built)
    assert run("export", "--graph", "data/none.ttl").exit_code == 2
    bad = run("export", "--format", "yaml")
    assert bad.exit_code == 2 and "unknown RDF format 'yaml'" in bad.stderr


def test_info_counts(run, built, monkeypatch):
    monkeypatch.chdir(built)
    doc = json.loads(run("info", "--format", "json").stdout)
    assert doc["triples"] == sum(doc["graphs"].values())
    classes = {c["iri"]: c["instances"] for c in doc["classes"]}
    chains = classes["https://w3id.org/solkg/ontology#ShortSupplyChain"]
    assert chains >= classes["https://w3id.org/solkg/ontology#ShortFoodSupplyChain"] >= 1
    schemes = {s["iri"]: s["concepts"] for s in doc["schemes"]}
    assert schemes["https://w3id.org/solkg/vocab/sector"] >= 5
    text = run("info", "--lang", "fr").stdout
    assert "sol:ShortSupplyChain" in text and "triples" in text


def test_query_form_ignores_hashes_in_iris_and_comments():
    from solkg.query import query_form

    text = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> SELECT * WHERE { ?s ?p ?o }"
    assert query_form(text) == "SELECT"
    assert query_form("# SELECT in a comment\nASK { ?s ?p ?o }") == "ASK"
