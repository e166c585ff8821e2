"""`solkg serve` and `solkg query` write results through one writer: the same bytes for the same query
on the same store, over data that tries to break each format (quotes, commas, CR LF, tabs, a control
character, a line separator, a base direction, an ill-typed number), and a clear 406 where a
format cannot carry a value, instead of a broken document.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from rdflib import Graph, Literal, URIRef
from serve_fixtures import build_with_cli, start_server, stop_server

HOSTILE = "https://w3id.org/solkg/id/test-hostile-results"
CR = "https://w3id.org/solkg/id/test-hostile-cr"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SAY = 'say "hi", then\r\nleave\ttab'
DATA = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{HOSTILE}> rdfs:label "say \\"hi\\", then\\r\\nleave\\ttab" , "bell\\u0001" , "قطة"@ar--rtl , "chat"@fr ,
        "line\\u2028break" , "" ;
    rdfs:comment 3 , -0.5 , 1.0E3 , "abc"^^xsd:integer , true .
<{CR}> rdfs:label "say \\"hi\\", then\\r\\nleave\\ttab" , "chat"@fr , "a,b" .
"""
ALL = f"SELECT ?p ?o ?none WHERE {{ <{HOSTILE}> ?p ?o }} ORDER BY ?p ?o"
XML_SAFE = f'SELECT ?p ?o WHERE {{ <{HOSTILE}> ?p ?o FILTER(!CONTAINS(STR(?o), "\\u0001")) }} ORDER BY ?p ?o'
ASK = f"ASK {{ <{HOSTILE}> ?p ?o }}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-results")
    data = folder / "hostile.ttl"
    data.write_text(DATA, encoding="utf-8")
    store = build_with_cli(folder, data)
    server = start_server(store, "--workers", "1", "--short-lane", "0")
    yield server
    stop_server(server)


def endpoint(server, query: str, fmt: str):
    return server.get("/sparql?" + urlencode({"query": query, "format": fmt}))


def cli(store, query: str, fmt: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solkg", "query", "-e", query, "--store", str(store), "--format", fmt],
                          capture_output=True, timeout=120)


@pytest.mark.parametrize(("query", "fmt"), [(ALL, "csv"), (ALL, "tsv"), (XML_SAFE, "xml"), (ALL, "json"),
                                            (ASK, "csv"), (ASK, "tsv"), (ASK, "xml"), (ASK, "json")])
@pytest.mark.slow
def test_endpoint_and_cli_write_the_same_results(hostile, query, fmt):
    reply = endpoint(hostile, query, fmt)
    assert reply.status == 200, reply.text
    done = cli(hostile.store, query, fmt)
    assert done.returncode == 0, done.stderr
    if fmt == "json":  # the endpoint's compact, the command's indented for people: the same document
        assert reply.body.startswith(b'{"head": {') and done.stdout.startswith(b'{\n  "head": {')
        assert json.loads(reply.body) == json.loads(done.stdout)
    else:
        assert reply.body == done.stdout
    if query == ALL and fmt == "json":
        values = [b["o"]["value"] for b in json.loads(reply.body)["results"]["bindings"]]
        assert SAY in values and "bell\u0001" in values and "line\u2028break" in values and len(values) == 11


def test_tsv_rows_stay_one_line_each(hostile):
    text = endpoint(hostile, ALL, "tsv").text
    lines = text.split("\n")
    assert text.splitlines() == lines[:-1]
    assert all(line.count("\t") == 2 for line in lines[:-1])
    assert any(line.endswith('\t"say \\"hi\\", then\\r\\nleave\\ttab"\t') for line in lines)
    assert any('"قطة"@ar--rtl' in line for line in lines) and any("\t3\t" in line for line in lines)


def test_xml_refuses_a_control_character_with_406(hostile):
    reply = endpoint(hostile, ALL, "xml")
    assert reply.status == 406, reply.text
    assert "U+0001, a character XML 1.0 cannot carry" in reply.text and "\x01" not in reply.text
    assert endpoint(hostile, ALL, "json").status == 200
    done = cli(hostile.store, ALL, "xml")
    err = done.stderr.decode()
    assert done.returncode == 2 and done.stdout == b"" and err.count("\n") == 1 and "U+0001" in err
    root = ET.fromstring(endpoint(hostile, XML_SAFE, "xml").body)  # the rest is well-formed XML, CR kept
    texts = [e.text for e in root.iter("{http://www.w3.org/2005/sparql-results#}literal")]
    assert SAY in texts


def test_rdfxml_of_a_control_character_is_406_and_a_cr_comes_back(hostile):
    page = hostile.get("/id/test-hostile-results?format=rdfxml")
    assert page.status == 406 and "RDF/XML cannot hold control characters" in page.text
    turtle = hostile.get("/id/test-hostile-results?format=ttl")
    assert turtle.status == 200 and "bell\\u0001" in turtle.text
    construct = f"CONSTRUCT {{ <{HOSTILE}> ?p ?o }} WHERE {{ <{HOSTILE}> ?p ?o FILTER(!LANGMATCHES(LANG(?o), 'ar')) }}"
    assert hostile.get("/sparql?" + urlencode({"query": construct}), Accept="application/rdf+xml").status == 406
    assert hostile.get("/sparql?" + urlencode({"query": construct}), Accept="text/turtle").status == 200
    rdfxml = hostile.get("/id/test-hostile-cr?format=rdfxml")
    assert rdfxml.status == 200, rdfxml.text
    graph = Graph().parse(data=rdfxml.body, format="xml")
    assert (URIRef(CR), URIRef(LABEL), Literal(SAY)) in graph  # the CR, not an LF
