"""The export writers: every format equals the store's graph, whatever the literals hold."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from solkg.release.export import RDF_FORMATS, SortedDump, write_rdf

TRICKY = """@prefix ex: <http://e.org/> .
@prefix sol: <https://w3id.org/solkg/ontology#> .
@prefix sold: <https://w3id.org/solkg/id/> .
ex:a a ex:C, sol:ShortSupplyChain ;
  ex:p "tab\\there \\"quoted\\" back\\\\slash\\nnew line" , "é😀 ünïcode"@fr ,
       "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> ,
       ex:b , [ ex:q "nested" ] , "plain" , "tagged"@en-gb ;
  ex:r "2019-02-28"^^<http://www.w3.org/2001/XMLSchema#date> .
sold:x sol:label "in our namespace" ; ex:s sold:y .
"""
RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@pytest.fixture
def store():
    s = ox.Store()
    s.load(TRICKY.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://e.org/g1"))
    s.load(b"<http://e.org/a> <http://e.org/p> \"plain\" .", ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://e.org/g2"))
    return s


@pytest.mark.parametrize("fmt", sorted(RDFLIB))
def test_triple_formats_round_trip(store, fmt):
    buf = io.BytesIO()
    write_rdf(store, buf, fmt=fmt)
    got = rdflib.Graph().parse(data=buf.getvalue(), format=RDFLIB[fmt])
    expected = rdflib.Graph().parse(data=TRICKY, format="turtle")
    assert isomorphic(got, expected)  # the duplicate triple of g2 appears once


def test_control_characters_survive_or_are_refused(tmp_path):
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("http://e.org/a"), ox.NamedNode("http://e.org/p"), ox.Literal("ctl\x01char"),
                  ox.NamedNode("http://e.org/g")))
    for fmt in ("turtle", "ntriples", "jsonld"):
        buf = io.BytesIO()
        write_rdf(s, buf, fmt=fmt)
        got = rdflib.Graph().parse(data=buf.getvalue(), format=RDFLIB[fmt])
        assert str(next(iter(got.objects()))) == "ctl\x01char", fmt
    from solkg.errors import InputError

    with pytest.raises(InputError, match="RDF/XML cannot hold"):  # XML 1.0 has no U+0001
        write_rdf(s, io.BytesIO(), fmt="rdfxml")


def test_jsonld_is_valid_json_with_compact_iris(store):
    buf = io.BytesIO()
    write_rdf(store, buf, fmt="jsonld")
    doc = json.loads(buf.getvalue())
    ids = {node["@id"] for node in doc["@graph"]}
    assert "sold:x" in ids and "http://e.org/a" in ids
    a = next(n for n in doc["@graph"] if n["@id"] == "http://e.org/a")
    assert "sol:ShortSupplyChain" in a["@type"]
    assert {"@value": "é😀 ünïcode", "@language": "fr"} in a["http://e.org/p"]


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_dataset_formats_keep_graphs(store, fmt):
    buf = io.BytesIO()
    write_rdf(store, buf, fmt=fmt)
    quads = list(ox.parse(buf.getvalue(), ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG))
    assert len(quads) == len(store)
    assert {q.graph_name.value for q in quads} == {"http://e.org/g1", "http://e.org/g2"}


def test_output_is_sorted_and_stable(store):
    outputs = set()
    for _ in range(2):
        buf = io.BytesIO()
        write_rdf(store, buf, fmt="ntriples")
        outputs.add(buf.getvalue())
    (text,) = outputs
    lines = text.splitlines()
    assert lines == sorted(lines)


def test_sorting_in_runs_gives_the_same_lines(store, monkeypatch):
    import solkg.release.export as export

    with SortedDump(store) as dump:
        whole = list(dump.lines())
    monkeypatch.setattr(export, "_CHUNK_LINES", 3)  # force the on-disk merge of sorted runs
    with SortedDump(store) as dump:
        assert list(dump.lines()) == whole


def test_every_format_is_listed():
    assert set(RDF_FORMATS) == set(RDFLIB) | {"nquads", "trig"}
