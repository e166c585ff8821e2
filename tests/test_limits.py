"""solkg.limits: the guards every parser entry point calls (issue 13, rows 1 and 2).

The nesting scanner reads chunks cut anywhere and takes a fast path in C where it can: it is
compared here, over random texts and random cuts (Hypothesis), with a plain character-by-character
reference written from the rules in docs/security.md. The XML guard is checked on what matters:
billion laughs and its variants refused, what ontology editors write accepted and expanded.
"""

from __future__ import annotations

import gzip
import io
import re
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solkg import limits
from solkg.errors import InputError
from solkg.limits import LimitError, Scanner, check_query, check_rdf, scanner
from solkg.sources import Source, read_bytes
from solkg.store import parse_source

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------
# A reference: one character at a time, the whole text at once

_IRI_CHAR = re.compile(rb'[^<>"{}|^`\x00-\x20]')


def _escape_at(text: bytes, i: int) -> bool:
    return text[i:i + 1] == b"\\" and i + 1 < len(text) and text[i + 1:i + 2] != b"\n"


def reference(text: bytes, syntax: str, limit: int) -> int | None:
    """Offset of the opener that goes past ``limit``, or None."""
    depth, i, n = 0, 0, len(text)
    sparql, json_ = syntax == "sparql", syntax == "json"

    def opened(at: int, levels: int = 1) -> int | None:
        nonlocal depth
        depth += levels
        return at if depth > limit else None

    while i < n:
        if _escape_at(text, i):
            i += 2
            continue
        c = text[i:i + 1]
        if c in (b'"', b"'") and not (json_ and c == b"'"):
            if not json_ and text.startswith(c * 3, i):
                j = i + 3
                while j < n and not text.startswith(c * 3, j):
                    j += 2 if _escape_at(text, j) else 1
                i = j + 3
                continue
            j = i + 1
            while j < n and text[j:j + 1] != c and (json_ or text[j:j + 1] not in (b"\n", b"\r")):
                j += 2 if _escape_at(text, j) else 1
            i = j + 1
        elif c == b"#" and not json_:
            while i < n and text[i:i + 1] not in (b"\n", b"\r"):
                i += 2 if _escape_at(text, i) else 1
        elif c == b"<" and not json_:
            if text[i + 1:i + 2] == b"<":
                if (at := opened(i)) is not None:
                    return at
                i += 2 if sparql else 1
                continue
            j = i + 1
            while j < n and (_IRI_CHAR.match(text, j) or _escape_at(text, j)):
                j += 2 if _escape_at(text, j) else 1
            if j < n and text[j:j + 1] == b">":
                if sparql:  # "<...>" holding brackets: IRI or code, either reading covered
                    local = top = 0
                    for byte in text[i + 1:j].replace(b"\\", b"_"):
                        if byte in b"([{":
                            local += 1
                            top = max(top, local)
                        elif byte in b")]}" and local:
                            local -= 1
                    if (at := opened(i, top)) is not None:
                        return at
                    depth -= top - local
                i = j + 1
            else:
                if not sparql and (at := opened(i)) is not None:
                    return at
                i += 1
        elif c == b">" and not json_:
            if not sparql:
                depth -= 1
            elif text[i + 1:i + 2] == b">":
                depth -= 1
                i += 1
            i += 1
        elif c in (b"(", b"[", b"{") and not (json_ and c == b"("):
            if (at := opened(i)) is not None:
                return at
            i += 1
        elif c in (b")", b"]", b"}") and not (json_ and c == b")"):
            depth -= 1
            i += 1
        else:
            i += 1
    return None


def _scan(text: bytes, syntax: str, limit: int, cuts: list[int]) -> str | None:
    scan = Scanner(syntax, where="x", limit=limit)
    last = 0
    try:
        for cut in sorted(set(cuts)):
            scan.feed(text[last:cut])
            last = cut
        scan.feed(text[last:], last=True)
    except LimitError as exc:
        return exc.message.split(": ", 1)[0]
    return None


def _where(text: bytes, at: int | None) -> str | None:
    if at is None:
        return None
    line, column = text.count(b"\n", 0, at) + 1, at - text.rfind(b"\n", 0, at)
    return f"x:{line}:{column}"


PIECES = {
    "turtle": [b"(", b")", b"[", b"]", b"{", b"}", b"<<", b">>", b"<<(", b")>>", b"<", b">", b"<x:a>", b"<a b>",
               b'"', b"'", b'"""', b"'''", b"#", b"\n", b"\r", b" ", b"\\", b'\\"', b"\\(", b"x", b"<http://e/(>",
               b'"(["', b"'((('", b"# (((\n", b"<a''b>", b"<'#'>", b"<#>", b"<>", b'"\'\'"'],
    "json": [b"[", b"]", b"{", b"}", b'"', b'\\"', b"\\\\", b"\\", b"(", b"\n", b" ", b"a", b'"[{"', b":", b","],
    "sparql": [b"{", b"}", b"(", b")", b"[", b"]", b"<<", b">>", b"<", b">", b"<x:a>", b"<((((>", b"<a)>", b"?o<(",
               b'"', b"'", b'"""', b"#", b"\n", b" ", b"\\", b"x", b'"{"'],
}


def _texts(syntax: str):
    return st.lists(st.sampled_from(PIECES[syntax]), max_size=60).map(b"".join)


@pytest.mark.parametrize("syntax", ["turtle", "json", "sparql"])
@FAST
@given(data=st.data())
def test_scanner_agrees_with_the_reference_whatever_the_cuts(syntax, data):
    text = data.draw(_texts(syntax))
    limit = data.draw(st.integers(min_value=1, max_value=6))
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(text)), max_size=6))
    if syntax == "sparql":
        cuts = []  # a query is scanned whole
    expected = _where(text, reference(text, syntax, limit))
    assert _scan(text, syntax, limit, cuts) == expected
    assert _scan(text, syntax, limit, []) == expected


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_long_texts_and_all_paths(chunk):
    body = (b'<http://e/s> <http://e/p> ( "a(" <http://e/(> [ <http://e/q> 1 ] ) . # ((((\n' * 300
            + b"<http://e/s> <http://e/p> '''\n((( [[[ ''' .\n")
    deep = b"<http://e/s> <http://e/p> " + b"( " * 300 + b"1" + b" )" * 300 + b" .\n"
    for text, refused in ((body, False), (body + deep, True), (deep + body, True)):
        scan = scanner("turtle", where="t.ttl")
        outcome = None
        try:
            for start in range(0, len(text), chunk):
                scan.feed(text[start:start + chunk])
            scan.close()
        except LimitError as exc:
            outcome = exc.message
        expected = _where(text, reference(text, "turtle", limits.MAX_NESTING))
        assert (outcome is not None) is refused
        if refused:
            assert outcome.startswith(expected.replace("x:", "t.ttl:") + ": nested deeper than 256 levels")


def test_the_limits_are_exact():
    check_rdf(b"<x:s> <x:p> " + b"( " * 256 + b"1" + b" )" * 256 + b" .", "turtle", where="a")
    with pytest.raises(LimitError, match=r"^a:1:525: nested deeper than 256"):
        check_rdf(b"<x:s> <x:p> " + b"( " * 257 + b"1" + b" )" * 257 + b" .", "turtle", where="a")
    check_query("SELECT * WHERE " + "{ " * 128 + "}" * 128)
    with pytest.raises(LimitError, match="MAX_QUERY_NESTING"):
        check_query("SELECT * WHERE " + "{ " * 129 + "}" * 129)
    check_rdf(b"[" * 256 + b"]" * 256, "json", where="j")
    with pytest.raises(LimitError):
        check_rdf(b"[" * 257 + b"]" * 257, "json", where="j")
    xml = b"<a>" * 256 + b"</a>" * 256
    check_rdf(xml, "xml", where="x")
    with pytest.raises(LimitError, match=r"x:1:769: nested deeper"):
        check_rdf(b"<a>" + xml + b"</a>", "xml", where="x")


def test_a_query_that_gets_past_the_check_still_runs_on_a_large_stack():
    """Defence in depth: 10,000 nested groups overflow the main thread's 8 MiB stack (a
    segmentation fault); solkg.query evaluates in a thread with a 64 MiB one. In a subprocess, so
    that a regression is a failed test, not a crashed test run."""
    import subprocess
    import sys

    code = ("import pyoxigraph as ox\n"
            "from solkg.query import NamedQuery, run_query\n"
            "import solkg.query.run\n"
            "solkg.query.run.check_query = lambda *a, **k: None  # as if the check had missed it\n"
            "store = ox.Store()\n"
            "store.add(ox.Quad(ox.NamedNode('http://e/s'), ox.NamedNode('http://e/p'), ox.NamedNode('http://e/o')))\n"
            "text = 'SELECT * WHERE ' + '{ ' * 10000 + '?s ?p ?o' + ' }' * 10000\n"
            "print(len(run_query(NamedQuery(name='q', text=text), store=store).rows))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.returncode, result.stderr[-500:])
    assert result.stdout.strip() == "1"


def test_call_with_stack_returns_raises_and_reuses_its_threads():
    before = threading.active_count()
    for _ in range(20):
        assert limits.call_with_stack(lambda x: x + 1, 1) == 2
        with pytest.raises(ZeroDivisionError):
            limits.call_with_stack(lambda: 1 / 0)
    assert threading.active_count() <= before + 1


# ---------------------------------------------------------------------------------------------
# RDF/XML: the DTD and its entities

NS = b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def _xml(doctype: bytes, body: bytes) -> bytes:
    return (b'<?xml version="1.0"?>\n' + doctype + b"<rdf:RDF " + NS + b'><rdf:Description rdf:about="http://e/s">'
            + body + b"</rdf:Description></rdf:RDF>\n")


def _source(tmp_path: Path, name: str, data: bytes) -> Source:
    (tmp_path / name).write_bytes(data)
    return Source(graph=f"https://w3id.org/solkg/graph/{name}", path=tmp_path / name, kind="data")


def test_what_ontology_editors_write_loads_with_its_entities_expanded(tmp_path):
    quads = parse_source(_source(tmp_path, "ok.rdf", (FIXTURES / "entities-ok.rdf").read_bytes()))
    objects = {str(q.object) for q in quads}
    assert '"3"^^<http://www.w3.org/2001/XMLSchema#integer>' in objects
    assert '"a & b é"' in objects
    assert {q.subject.value for q in quads} == {"http://example.org/s"}


@pytest.mark.parametrize("doctype, message", [
    (b'<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]>', "refers to another entity (&a;)"),
    (b'<!doctype r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]>', "refers to another entity"),
    (b'<!DOCTYPE r [<!ENTITY a "x"><!-- <!ENTITY b "&a;"> -->]>', "refers to another entity"),
    (b'<!DOCTYPE r [<!ENTITY a "&#38;a;">]>', None),  # a character reference: text, never expanded again
    (b'<!DOCTYPE r [<!ENTITY a "&lt;&gt;&amp;&quot;&apos;">]>', None),
    (b'<!DOCTYPE r [<!ENTITY a SYSTEM "file:///etc/passwd">]>', "external entity"),
    (b'<!DOCTYPE r [<!ENTITY a PUBLIC "-//x" "http://e/x.dtd">]>', "external entity"),
    (b'<!DOCTYPE r [<!ENTITY % p "x"> %p;]>', "parameter entity"),
    (b'<!DOCTYPE r SYSTEM "http://e/r.dtd">', None),  # never fetched; nothing to expand
    (b'<!DOCTYPE r [<!ENTITY a"b "x">]>', "not an XML name"),
    (b"<!DOCTYPE r [" + b" " * (limits.MAX_DTD_BYTES + 1) + b"]>", "DOCTYPE of more than"),
])
def test_dtd_rules(doctype, message):
    data = _xml(doctype, b"<ex:p>v</ex:p>")
    if message is None:
        check_rdf(data, "xml", where="d.rdf")
    else:
        with pytest.raises(LimitError, match=re.escape(message)):
            check_rdf(data, "xml", where="d.rdf")


def test_a_doctype_after_the_root_or_a_second_one_is_refused():
    second = b'<!DOCTYPE r [<!ENTITY a "x">]>\n<!DOCTYPE s [<!ENTITY b "y">]>\n'
    with pytest.raises(LimitError, match="a second one"):
        check_rdf(_xml(second, b""), "xml", where="d")
    late = b"<rdf:RDF " + NS + b'>\n<!DOCTYPE r [<!ENTITY a "x">]>\n</rdf:RDF>'
    with pytest.raises(LimitError, match=r"d:2:1: RDF/XML: a DOCTYPE after the first element"):
        check_rdf(late, "xml", where="d")
    # in a comment, a CDATA section, a literal: text, not markup
    check_rdf(_xml(b"", b'<!-- <!DOCTYPE x [<!ENTITY a "&b;">]> --><ex:p><![CDATA[<!DOCTYPE x>]]></ex:p>'),
              "xml", where="d")


def test_entity_expansion_is_bounded_by_the_floor_or_twice_the_file():
    value = b"v" * 1024
    doctype = b'<!DOCTYPE r [<!ENTITY q "' + value + b'">]>'
    fits = limits.ENTITY_EXPANSION_FLOOR // 1024 - 8
    check_rdf(_xml(doctype, b"<ex:p>" + b"&q;" * fits + b"</ex:p>"), "xml", where="e")
    with pytest.raises(LimitError, match="entity references expand to more than 4194304 bytes"):
        check_rdf(_xml(doctype, b"<ex:p>" + b"&q;" * (fits + 16) + b"</ex:p>"), "xml", where="e")
    # a big file with many short references (each line of an export: rdf:datatype="&xsd;...")
    lines = b'<ex:n rdf:datatype="&xsd;integer">1</ex:n>\n' * 200_000
    check_rdf(_xml(b'<!DOCTYPE r [<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">]>', lines), "xml", where="e")


@pytest.mark.parametrize("chunk", [1, 5, 4096, 1 << 24])
def test_xml_guard_reads_chunks_cut_anywhere(chunk):
    data = (FIXTURES / "laughs.rdf").read_bytes()
    scan = scanner("xml", where="l.rdf")
    with pytest.raises(LimitError, match="nested entities are refused"):
        for start in range(0, len(data), chunk):
            scan.feed(data[start:start + chunk])
        scan.close()
    ok = (FIXTURES / "entities-ok.rdf").read_bytes() * 1
    scan = scanner("xml", where="ok.rdf")
    for start in range(0, len(ok), chunk):
        scan.feed(ok[start:start + chunk])
    scan.close()
    assert scan.entities == {b"xsd": 33, b"ex": 19, b"amp-ok": 16}


# ---------------------------------------------------------------------------------------------
# gzip


def test_gzip_within_the_ratio_reads_and_a_bomb_stops_early(tmp_path):
    import hashlib

    data = b"".join(b"<http://example.org/%d> <http://example.org/p> \"%s\" .\n"
                    % (i, hashlib.sha256(b"%d" % i).hexdigest().encode()) for i in range(250_000))
    (tmp_path / "ok.nt.gz").write_bytes(gzip.compress(data))
    assert len(data) > limits.GZIP_RATIO_FLOOR  # past the floor: the ratio decides
    assert len(data) < limits.GZIP_MAX_RATIO * (tmp_path / "ok.nt.gz").stat().st_size
    assert read_bytes(tmp_path / "ok.nt.gz") == data
    bomb = tmp_path / "bomb.ttl.gz"
    bomb.write_bytes(gzip.compress(b" " * (200 << 20)))
    with pytest.raises(LimitError, match=r"bomb.ttl.gz: decompresses to more than (\d+) bytes") as raised:
        read_bytes(bomb)
    assert f" {limits.gzip_limit(bomb.stat().st_size)} bytes" in raised.value.message  # read no further
    reader = limits.BoundedReader(io.BytesIO(b"x" * 100), 10, where="r")
    assert reader.read(10) == b"x" * 10
    with pytest.raises(LimitError):
        reader.read(1)
    assert issubclass(LimitError, InputError)
