"""Issue 13 for ``solkg export``: literals holding what XML (and other syntaxes) normalise or forbid.

The real command exports an on-disk store whose literals hold CR, CRLF, TAB, LF, spaces at the ends,
``]]>``, markup, NEL, U+2028, DEL and astral characters (plain, language-tagged and typed, beside a
blank node) in every format; each file is parsed back with pyoxigraph and with rdflib and compared
with the store by graph isomorphism. The characters XML 1.0 cannot carry at all (C0 controls other
than TAB, LF, CR; U+FFFE, U+FFFF) go through every other format, and RDF/XML refuses them: exit 2,
one line naming the literal, no file written.
"""

from __future__ import annotations

import gc
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from solkg.release.export import EXTENSIONS, RDF_FORMATS, serialize_triples

EX = "http://e.org/"
GRAPHS = (ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g2"))
NORMALISED = {
    "cr": "a\rb", "crlf": "line one\r\nline two", "lone-cr": "\r", "cr-at-ends": "\rx\r", "tab": "a\tb",
    "tabs-and-lines": "\t\n\t", "lf": "a\nb", "spaces": "  padded  ", "cdata-end": "a]]>b", "markup": "<b>&amp;</b>",
    "quotes": "a\"b'c", "nel": "a\x85b", "line-separator": "a\u2028b", "del": "a\x7fb", "astral": "a\U0001F600b",
    "replacement": "a\ufffdb",
}
"""Literals every format, RDF/XML included, must give back unchanged."""
FORBIDDEN_IN_XML = {f"U+{c:04X}": f"x{chr(c)}y" for c in [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE,
                                                               0xFFFF]}
"""Literals XML 1.0 cannot carry (no character reference either): every other format gives them back."""
RDFLIB = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld",
          "rdfxml": "xml"}
OX = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
      "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}


def _quads(values: dict[str, str]) -> list[ox.Quad]:
    """Each value as a plain, a language-tagged and a typed literal, in two graphs, and a blank node."""
    quads = []
    for i, (name, value) in enumerate(sorted(values.items())):
        subject = ox.NamedNode(f"{EX}{name}")
        graph = GRAPHS[i % 2]
        for literal in (ox.Literal(value), ox.Literal(value, language="fr"),
                        ox.Literal(value, datatype=ox.NamedNode(EX + "dt"))):
            quads.append(ox.Quad(subject, ox.NamedNode(EX + "p"), literal, graph))
        node = ox.BlankNode(f"b{i}")
        quads.append(ox.Quad(subject, ox.NamedNode(EX + "q"), node, graph))
        quads.append(ox.Quad(node, ox.NamedNode(EX + "p"), ox.Literal(value), graph))
    return quads


def _store(folder: Path, quads: list[ox.Quad]) -> Path:
    path = folder / "store"
    store = ox.Store(str(path))
    store.extend(quads)
    store.flush()
    del store
    gc.collect()  # the subprocess opens it
    return path


def _export(store: Path, fmt: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solkg", "export", "--store", str(store), "--format", fmt,
                           "-o", str(out)], capture_output=True, text=True, timeout=300, cwd=out.parent)


def _graph(quads, *, graph: ox.NamedNode | None = None) -> rdflib.Graph:
    """An rdflib graph of quads (those of ``graph``, or all as triples), via N-Triples."""
    triples = [q.triple for q in quads if graph is None or q.graph_name == graph]
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")


def _assert_round_trip(data: bytes, fmt: str, quads: list[ox.Quad]) -> None:
    """The file parsed back by pyoxigraph and by rdflib is isomorphic to ``quads`` (graph by graph
    for the dataset formats, their union for triple formats)."""
    parsed = list(ox.parse(data, OX[fmt]))
    if fmt in ("nquads", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB[fmt])
        for graph in GRAPHS:
            expected = _graph(quads, graph=graph)
            assert isomorphic(_graph(parsed, graph=graph), expected), (fmt, graph, "pyoxigraph")
            got = rdflib.Graph()
            for s, p, o, _ in dataset.quads((None, None, None, rdflib.URIRef(graph.value))):
                got.add((s, p, o))
            assert isomorphic(got, expected), (fmt, graph, "rdflib")
        return
    expected = _graph(quads)
    assert isomorphic(_graph(parsed), expected), (fmt, "pyoxigraph")
    assert isomorphic(rdflib.Graph().parse(data=data, format=RDFLIB[fmt]), expected), (fmt, "rdflib")


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export-hostile")
    (folder / "normalised").mkdir()
    (folder / "forbidden").mkdir()
    return {"normalised": _store(folder / "normalised", _quads(NORMALISED)),
            "forbidden": _store(folder / "forbidden", _quads(FORBIDDEN_IN_XML))}


def test_every_format_is_covered():
    assert set(RDFLIB) == set(RDF_FORMATS)


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_normalised_characters_round_trip(stores, tmp_path, fmt):
    out = tmp_path / f"out.{EXTENSIONS[fmt]}"
    proc = _export(stores["normalised"], fmt, out)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _assert_round_trip(out.read_bytes(), fmt, _quads(NORMALISED))


@pytest.mark.parametrize("fmt", [f for f in RDF_FORMATS if f != "rdfxml"])
def test_characters_xml_forbids_round_trip_elsewhere(stores, tmp_path, fmt):
    out = tmp_path / f"out.{EXTENSIONS[fmt]}"
    proc = _export(stores["forbidden"], fmt, out)
    assert proc.returncode == 0, proc.stderr[-2000:]
    _assert_round_trip(out.read_bytes(), fmt, _quads(FORBIDDEN_IN_XML))


def test_rdfxml_refuses_characters_xml_forbids(stores, tmp_path):
    out = tmp_path / "out.rdf"
    proc = _export(stores["forbidden"], "xml", out)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert lines[0].startswith("solkg: error: RDF/XML cannot hold control characters (XML 1.0 has no U+")
    assert "use another format" in lines[0]
    assert list(tmp_path.iterdir()) == []  # no file, no temporary file left


@pytest.mark.parametrize("name", sorted(FORBIDDEN_IN_XML))
def test_each_forbidden_character_is_refused_in_rdfxml(name):
    # the writer of small graphs (query results, pages) refuses the same characters
    from solkg.errors import InputError

    triple = ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal(FORBIDDEN_IN_XML[name]))
    refused = rf"RDF/XML cannot hold (control characters|noncharacters) \(XML 1.0 has no {re.escape(name)}, "
    with pytest.raises(InputError, match=refused):
        serialize_triples([triple], fmt="rdfxml")
    for fmt in ("turtle", "ntriples", "jsonld"):
        data = serialize_triples([triple], fmt=fmt)
        _assert_round_trip(data, fmt, [ox.Quad(triple.subject, triple.predicate, triple.object)])


def test_small_graph_writer_round_trips_normalised_characters():
    quads = [q for q in _quads(NORMALISED) if q.graph_name == GRAPHS[0]]
    data = serialize_triples([q.triple for q in quads], fmt="rdfxml")
    _assert_round_trip(data, "rdfxml", quads)
