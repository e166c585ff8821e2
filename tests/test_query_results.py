"""The one writer of the W3C SPARQL Query Results formats (solkg.query.results), read back by parsers
we did not write: json, xml.etree and csv from the standard library, pyoxigraph's Turtle parser (a
TSV cell is a Turtle term), rdflib's SPARQL results parsers, and Oxigraph's own results writer.

Each format is checked against its specification (SPARQL 1.1 Query Results JSON, XML, CSV and TSV;
the 1.2 drafts for triple terms and base directions): what a reader gets back is what was written.
"""

from __future__ import annotations

import csv
import io
import json
import random
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from solkg.errors import InputError
from solkg.query import QueryResult, render_results, write_ask, write_results, write_select
from solkg.release.export import serialize_triples

XSD = "http://www.w3.org/2001/XMLSchema#"
RES = "{http://www.w3.org/2005/sparql-results#}"
ITS = "{http://www.w3.org/2005/11/its}"


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


ALICE = ox.Triple(ox.NamedNode("http://example/carol"), ox.NamedNode("http://example/says"),
                  ox.Literal('Hello world, my name is "Alice".'))
TERMS = [
    ox.NamedNode("http://example.org/a,b"),  # a comma is allowed in an IRI
    ox.NamedNode("http://example.org/é?q=\"x\"".replace('"', "%22")),
    ox.BlankNode("b0"),
    ox.Literal(""),
    ox.Literal('say "hi", then\r\nleave\ttab'),
    ox.Literal("back\\slash and a lone \r and \n"),
    ox.Literal("line\u2028separator, \u00e9t\u00e9, \u4e2d"),
    ox.Literal("chat", language="fr"),
    ox.Literal("قطة", language="ar", direction=ox.BaseDirection.RTL),
    typed("1", "integer"),
    typed("-0.5", "decimal"),
    typed("0.5", "decimal"),
    typed("1.0E3", "double"),
    typed("2000", "double"),  # no exponent: not Turtle's DOUBLE, written in full
    typed("abc", "integer"),  # ill-typed: written in full
    typed("true", "boolean"),
    typed("1", "boolean"),
    typed("2024-02-29", "date"),
    ALICE,
    ox.Triple(ox.NamedNode("http://example/s"), ox.NamedNode("http://example/p"), ALICE),
]
VARIABLES = ["k", "v", "u"]
ROWS = [(typed(str(i), "integer"), term, None if i % 2 else term) for i, term in enumerate(TERMS)]


# -- JSON ----------------------------------------------------------------------------------------


def term_from_json(b: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    if b["type"] == "triple":
        v = b["value"]
        return ox.Triple(term_from_json(v["subject"]), term_from_json(v["predicate"]), term_from_json(v["object"]))
    assert b["type"] == "literal" and set(b) <= {"type", "value", "xml:lang", "its:dir", "datatype"}
    if "xml:lang" in b:
        direction = ox.BaseDirection(b["its:dir"]) if "its:dir" in b else None
        return ox.Literal(b["value"], language=b["xml:lang"], direction=direction)
    return ox.Literal(b["value"], datatype=ox.NamedNode(b.get("datatype", XSD + "string")))


def test_json_gives_back_every_term():
    doc = json.loads(write_select(VARIABLES, ROWS, fmt="json"))
    assert doc["head"] == {"vars": VARIABLES}
    back = [tuple(term_from_json(b[v]) if v in b else None for v in VARIABLES) for b in doc["results"]["bindings"]]
    assert back == ROWS
    lang_dir = doc["results"]["bindings"][8]["v"]
    assert lang_dir == {"type": "literal", "value": "قطة", "xml:lang": "ar", "its:dir": "rtl"}


def test_json_is_the_document_oxigraph_writes():
    store = ox.Store()
    query = """SELECT ?a ?b ?c WHERE { VALUES (?a ?b ?c) {
        (1 "x,y\\"z" <http://e/x>) (1.5 "a\\tb\\nc\\rd"@en 2.0e3) (UNDEF UNDEF UNDEF)
        ("abc"^^<http://www.w3.org/2001/XMLSchema#integer> "k" "ar"@ar--rtl)
        (<<( <http://e/s> <http://e/p> 1 )>> "" true)
    } }"""
    answer = store.query(query)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    rows = [tuple(s[v] for v in names) for s in answer]
    theirs = store.query(query)
    assert isinstance(theirs, ox.QuerySolutions)
    assert json.loads(write_select(names, rows, fmt="json")) == json.loads(
        theirs.serialize(format=ox.QueryResultsFormat.JSON))


def test_rdflib_reads_the_1_1_terms_in_every_format(monkeypatch):
    import rdflib
    from rdflib import BNode, Literal, URIRef
    from rdflib.query import Result

    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)  # compare lexical forms as written

    # rdflib 7 reads neither triple terms nor base directions, and its TSV reader no \\uXXXX escape
    plain = [(k, v, u) for k, v, u in ROWS if not isinstance(v, ox.Triple) and not getattr(v, "direction", None)
             and "\u2028" not in v.value]

    def rdflib_term(t):
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=None if t.datatype.value == XSD + "string" else URIRef(t.datatype.value))

    for fmt in ("json", "xml", "tsv"):
        parsed = Result.parse(io.BytesIO(write_select(VARIABLES, plain, fmt=fmt)), format=fmt)
        assert [str(v) for v in parsed.vars] == VARIABLES
        got = [tuple(row) for row in parsed]
        want = [tuple(None if t is None else rdflib_term(t) for t in row) for row in plain]
        if fmt == "tsv":  # rdflib gives blank nodes fresh labels
            got = [tuple("bnode" if isinstance(t, BNode) else t for t in row) for row in got]
            want = [tuple("bnode" if isinstance(t, BNode) else t for t in row) for row in want]
        assert [tuple((t, getattr(t, "datatype", None)) for t in r) for r in got] == [
            tuple((t, getattr(t, "datatype", None)) for t in r) for r in want], fmt
    csv_rows = list(Result.parse(io.BytesIO(write_select(VARIABLES, plain, fmt="csv")), format="csv"))
    assert len(csv_rows) == len(plain)


# -- XML -----------------------------------------------------------------------------------------


def term_from_xml(e: ET.Element):
    tag = e.tag.removeprefix(RES)
    if tag == "uri":
        return ox.NamedNode(e.text or "")
    if tag == "bnode":
        return ox.BlankNode(e.text or "")
    if tag == "triple":
        s, p, o = (term_from_xml(e.find(RES + part)[0]) for part in ("subject", "predicate", "object"))
        return ox.Triple(s, p, o)
    assert tag == "literal"
    lang = e.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        direction = e.get(ITS + "dir")
        return ox.Literal(e.text or "", language=lang, direction=ox.BaseDirection(direction) if direction else None)
    return ox.Literal(e.text or "", datatype=ox.NamedNode(e.get("datatype", XSD + "string")))


def test_xml_gives_back_every_term_a_cr_too():
    root = ET.fromstring(write_select(VARIABLES, ROWS, fmt="xml"))
    assert root.tag == RES + "sparql"
    assert [v.get("name") for v in root.find(RES + "head")] == VARIABLES
    back = []
    for result in root.find(RES + "results"):
        bound = {b.get("name"): term_from_xml(b[0]) for b in result}
        back.append(tuple(bound.get(v) for v in VARIABLES))
    assert back == ROWS  # "\r" came back: an XML parser reads a raw CR as LF


@pytest.mark.parametrize(("bad", "code"), [("bell\u0001", "0001"), ("form\x0cfeed", "000C"), ("\ufffe", "FFFE")])
def test_xml_refuses_what_xml_1_0_cannot_carry(bad, code):
    with pytest.raises(InputError, match=f"U\\+{code}, a character XML 1.0 cannot carry.*json, csv or tsv"):
        write_select(["x"], [(ox.Literal(bad),)], fmt="xml")
    assert json.loads(write_select(["x"], [(ox.Literal(bad),)], fmt="json"))["results"]["bindings"][0]["x"][
        "value"] == bad


# -- CSV -----------------------------------------------------------------------------------------


def csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in '",\r\n') else text


def csv_text(t) -> str:
    """What the spec says a CSV field holds, before the field is quoted."""
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.Triple):
        o = t.object
        obj = '"' + o.value.replace('"', '""') + '"' if isinstance(o, ox.Literal) else csv_field(csv_text(o))
        return f"<<( {csv_field(csv_text(t.subject))} {csv_field(csv_text(t.predicate))} {obj} )>>"
    return t.value


def test_csv_gives_back_each_value_and_keeps_every_row():
    data = write_select(VARIABLES, ROWS, fmt="csv")
    assert data.startswith(b"k,v,u\r\n") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert rows[0] == VARIABLES
    assert rows[1:] == [[csv_text(t) for t in row] for row in ROWS]
    # a row whose only field is empty is still a row for readers that skip blank lines
    one = write_select(["x"], [(None,), (ox.Literal("a"),), (ox.Literal(""),)], fmt="csv")
    assert one == b'x\r\n""\r\na\r\n""\r\n'
    assert len(list(csv.DictReader(io.StringIO(one.decode(), newline="")))) == 3


def test_csv_triple_term_as_the_spec_writes_it():
    # SPARQL 1.2 Query Results CSV and TSV Formats, "Example of CSV-Serialized Results with Triple Terms"
    assert write_select(["triple"], [(ALICE,)], fmt="csv") == (
        b'triple\r\n"<<( http://example/carol http://example/says ""Hello world, my name is """"Alice"""".""'
        b' )>>"\r\n')


# -- TSV -----------------------------------------------------------------------------------------


def test_tsv_cells_are_turtle_terms_on_one_line():
    data = write_select(VARIABLES, ROWS, fmt="tsv").decode()
    lines = data.split("\n")
    assert lines[0] == "?k\t?v\t?u" and lines[-1] == "" and len(lines) == len(ROWS) + 2
    assert data.splitlines() == lines[:-1]  # U+2028 and the like escaped: a reader that splits there too
    for line, row in zip(lines[1:-1], ROWS, strict=True):
        cells = line.split("\t")
        assert len(cells) == 3 and "\r" not in line
        for cell, term in zip(cells, row, strict=True):
            if term is None:
                assert cell == ""
                continue
            parsed = list(ox.parse(f"<urn:s> <urn:p> {cell} .".encode(), ox.RdfFormat.TURTLE))
            assert parsed[0].object == term, cell


def test_tsv_writes_numbers_bare_when_turtle_can():
    lines = write_select(VARIABLES, ROWS, fmt="tsv").decode().split("\n")[1:-1]  # not splitlines(): U+2028
    cells = [line.split("\t")[1] for line in lines]
    by_term = dict(zip(map(str, TERMS), cells, strict=True))
    assert by_term[str(typed("1", "integer"))] == "1"
    assert by_term[str(typed("0.5", "decimal"))] == "0.5"
    assert by_term[str(typed("1.0E3", "double"))] == "1.0E3"
    assert by_term[str(typed("true", "boolean"))] == "true"
    # a signed number in full (rdflib's TSV reader fails on -0.5), a lexical form Turtle's numbers
    # do not cover, an ill-typed one, a boolean written 1
    for kept in (typed("-0.5", "decimal"), typed("2000", "double"), typed("abc", "integer"), typed("1", "boolean")):
        assert by_term[str(kept)] == str(kept)
    assert by_term[str(ALICE)] == (
        '<<( <http://example/carol> <http://example/says> "Hello world, my name is \\"Alice\\"." )>>')


# -- ASK and the CLI's rendering -----------------------------------------------------------------


def test_ask_in_every_format():
    assert json.loads(write_ask(True, fmt="json")) == {"head": {}, "boolean": True}
    root = ET.fromstring(write_ask(False, fmt="xml"))
    assert root.find(RES + "boolean").text == "false" and root.find(RES + "head") is not None
    assert write_ask(True, fmt="csv") == b"_askResult\r\ntrue\r\n"
    assert write_ask(False, fmt="tsv") == b"?_askResult\nfalse\n"
    with pytest.raises(InputError, match="unknown results format 'table'"):
        write_ask(True, fmt="table")


def test_the_cli_rendering_is_the_writer():
    result = QueryResult(form="SELECT", variables=VARIABLES, rows=ROWS)
    for fmt in ("csv", "tsv", "xml"):
        assert render_results(result, fmt).encode() == write_select(VARIABLES, ROWS, fmt=fmt)
    pretty = render_results(result, "json")
    assert pretty.startswith('{\n  "head"') and json.loads(pretty) == json.loads(write_results(result, fmt="json"))
    table = render_results(result, "table")
    assert "<<( http://example/carol http://example/says Hello world" in table and table.endswith("(20 rows)\n")
    ask = QueryResult(form="ASK", boolean=True)
    assert render_results(ask, "csv") == "_askResult\r\ntrue\r\n" and render_results(ask) == "true\n"


# -- the triple serialiser ----------------------------------------------------------------------


def test_serialize_triples_is_sorted_with_fixed_prefixes_and_extra_ones():
    from rdflib import Graph
    from rdflib.compare import isomorphic

    sd = "http://www.w3.org/ns/sparql-service-description#"
    triples = [
        ox.Triple(ox.NamedNode("https://w3id.org/solkg/id/x"), ox.NamedNode(sd + "endpoint"), ox.NamedNode(f"urn:e{i}"))
        for i in range(20)
    ] + [ox.Triple(ox.NamedNode("https://w3id.org/solkg/id/x"), ox.NamedNode("http://e/p"), lit)
         for lit in (ox.Literal('say "hi",\r\n'), ox.Literal("chat", language="fr"), typed("1", "integer"))]
    shuffled = triples[:]
    random.Random(7).shuffle(shuffled)
    for fmt, rdflib_fmt in (("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml"), ("jsonld", "json-ld")):
        body = serialize_triples(triples, fmt=fmt, prefixes={"sd": sd})
        assert serialize_triples(shuffled + shuffled, fmt=fmt, prefixes={"sd": sd}) == body, fmt
        expected = Graph()
        for t in triples:
            expected.parse(data=str(t) + " .", format="nt")
        assert isomorphic(Graph().parse(data=body, format=rdflib_fmt), expected), fmt
    turtle = serialize_triples(triples, fmt="turtle", prefixes={"sd": sd, "sol": "http://other/", "me": SOLD})
    assert b"@prefix sd: <" + sd.encode() + b">" in turtle and b"sd:endpoint" in turtle
    assert b"http://other/" not in turtle and b"@prefix me:" not in turtle  # the fixed prefixes stay fixed
    assert b"sold:x" in turtle


SOLD = "https://w3id.org/solkg/id/"


def test_serialize_triples_refuses_rdfxml_it_cannot_write():
    bell = ox.Triple(ox.NamedNode(SOLD + "x"), ox.NamedNode("http://e/p"), ox.Literal("bell\u0001"))
    with pytest.raises(InputError, match="RDF/XML cannot hold control characters"):
        serialize_triples([bell], fmt="rdfxml")
    assert b"bell\\u0001" in serialize_triples([bell], fmt="turtle")
