"""XSD 1.1 lexical checks of solkg.xsd: one test per datatype, valid and invalid forms.

Also pins what pyoxigraph does with them: the parser keeps every literal as written; the Store
keeps ill-typed ones as written but rewrites datatypes derived from xsd:integer to xsd:integer
(so derived integer types are checked on the parse stream).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from solkg.checks.literals import ill_typed_literals
from solkg.checks.shacl import validate
from solkg.namespaces import XSD
from solkg.xsd import CHECKED_DATATYPES, is_ill_typed

CASES: dict[str, tuple[list[str], list[str]]] = {
    "decimal": (
        ["0", "-1.5", "+.5", "5.", "007.10", "45.76"],
        ["45,76", "-4e-05", "1E3", "", " 1", "1 ", ".", "+", "NaN", "INF", "1.2.3"],
    ),
    "integer": (["0", "-0", "+12", "0012"], ["1.5", "1.", "", " 5", "1e3", "one"]),
    "nonNegativeInteger": (["0", "-0", "+3", "123456789012345678901234567890"], ["-1", "1.0", "x"]),
    "positiveInteger": (["1", "+99"], ["0", "-0", "-5"]),
    "nonPositiveInteger": (["0", "-7"], ["1"]),
    "negativeInteger": (["-1"], ["0", "1"]),
    "long": (["9223372036854775807", "-9223372036854775808"], ["9223372036854775808"]),
    "int": (["2147483647", "-2147483648"], ["2147483648", "-2147483649"]),
    "short": (["32767", "-32768"], ["32768"]),
    "byte": (["127", "-128"], ["128", "300", "c"]),
    "unsignedLong": (["18446744073709551615", "0"], ["18446744073709551616", "-1"]),
    "unsignedInt": (["4294967295"], ["4294967296", "-1"]),
    "unsignedShort": (["65535"], ["65536"]),
    "unsignedByte": (["255", "0"], ["256", "-1"]),
    "double": (
        ["1", "1.5e3", "-1E-4", ".5e1", "INF", "-INF", "+INF", "NaN", "1e400"],
        ["1,5", "inf", "nan", "1e", "e3", "", "1.5f"],
    ),
    "float": (["1.0", "3.4E38", "-INF"], ["1,0", "Infinity"]),
    "boolean": (["true", "false", "1", "0"], ["yes", "TRUE", "True", "2", ""]),
    "date": (
        ["2019-02-28", "2020-02-29", "2000-02-29", "2019-12-31Z", "2019-01-01+14:00", "-0044-03-15",
         "12019-01-01", "0000-01-01"],
        ["2019-02-30", "2019-02-29", "1900-02-29", "2019-04-31", "2019-13-01", "2019-1-01",
         "19-01-01", "2019-01-01+15:00", "2019-01-01T00:00:00", "01/02/2019", ""],
    ),
    "dateTime": (
        ["2019-02-28T12:00:00", "2019-02-28T24:00:00", "2019-02-28T23:59:59.999Z",
         "2019-02-28T00:00:00-05:00"],
        ["2019-02-30T00:00:00", "2019-02-28", "2019-02-28T25:00:00", "2019-02-28T24:00:01",
         "2019-02-28T12:00", "2019-02-28 12:00:00"],
    ),
    "gYear": (["2019", "-0044", "2019Z", "0000", "12345"], ["19", "2019-01", "abc", "02019"]),
    "anyURI": (
        ["https://w3id.org/solkg/id/x", "relative/path", "", "http://x y", "urn:a#b"],
        ["bad\x00char", "tab\x01"],
    ),
}


def test_every_checked_datatype_has_cases():
    assert {XSD + name for name in CASES} == set(CHECKED_DATATYPES)


@pytest.mark.parametrize("local", sorted(CASES))
def test_lexical_forms(local):
    valid, invalid = CASES[local]
    dt = XSD + local
    for lex in valid:
        assert is_ill_typed(lex, dt) is None, (local, lex)
    for lex in invalid:
        assert is_ill_typed(lex, dt) is not None, (local, lex)


def test_other_datatypes_are_not_checked():
    assert is_ill_typed("anything", XSD + "string") is None
    assert is_ill_typed("x", "http://example.org/dt") is None


def _ttl(rows):
    return "\n".join(
        f'<urn:s{i}> <urn:p> "{lex}"^^<{XSD}{local}> .' for i, (local, lex) in enumerate(rows)
    ).encode()


def test_parse_stream_keeps_datatypes_and_lexical_forms():
    rows = [("nonNegativeInteger", "-1"), ("byte", "300"), ("decimal", "45,76"),
            ("decimal", "-4e-05"), ("date", "2019-02-30"), ("boolean", "yes"), ("decimal", "1.50")]
    found = ill_typed_literals(ox.parse(_ttl(rows), format=ox.RdfFormat.TURTLE))
    assert sorted(str(x.value) for x in found) == sorted(
        f'"{lex}"^^<{XSD}{local}>' for local, lex in rows if lex != "1.50"
    )
    assert all(x.graph is None for x in found)


def test_store_rewrites_derived_integers_and_keeps_ill_typed_forms():
    """What pyoxigraph 0.5.13 does (documented in solkg.checks.shacl): pin it, so an upgrade shows."""
    rows = [("nonNegativeInteger", "-1"), ("nonNegativeInteger", "5"), ("decimal", "45,76"),
            ("decimal", "-4e-05"), ("date", "2019-02-30"), ("boolean", "yes"), ("decimal", "1.50")]
    st = ox.Store()
    g = ox.NamedNode("urn:g")
    st.load(_ttl(rows), format=ox.RdfFormat.TURTLE, to_graph=g)
    objs = {str(q.object) for q in st}
    assert f'"-1"^^<{XSD}integer>' in objs  # the ill-typed nonNegativeInteger became valid
    assert f'"5"^^<{XSD}integer>' in objs
    assert f'"1.5"^^<{XSD}decimal>' in objs  # canonicalised
    for lex, local in (("45,76", "decimal"), ("-4e-05", "decimal"), ("2019-02-30", "date"),
                       ("yes", "boolean")):
        assert f'"{lex}"^^<{XSD}{local}>' in objs
    found = ill_typed_literals(st)
    assert [x.graph for x in found] == ["urn:g"] * 4
    assert {x.reason for x in found} >= {"day 30 does not exist in that month"}
    assert ill_typed_literals(st, graphs=[ox.DefaultGraph()]) == []


@pytest.mark.parametrize("local", ["decimal", "date", "dateTime", "boolean", "gYear", "double",
                                   "integer", "anyURI"])
def test_sh_datatype_flags_ill_typed_literals(local):
    """sh:datatype fails on an ill-typed literal (SHACL 4.1.2), for each type that survives the Store."""
    valid, invalid = CASES[local]
    invalid = [x for x in invalid if x and x.strip() == x and "\x00" not in x and "\\" not in x]
    st = ox.Store()
    d, s = ox.NamedNode("urn:d"), ox.NamedNode("urn:s")
    rows = [(local, x) for x in valid[:2] + invalid]
    st.load(_ttl(rows), format=ox.RdfFormat.TURTLE, to_graph=d)
    st.load(
        f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:S> sh:targetSubjectsOf <urn:p> ; sh:property [ sh:path <urn:p> ; sh:datatype <{XSD}{local}> ] .
        """.encode(), format=ox.RdfFormat.TURTLE, to_graph=s)
    flagged = {str(r.value) for r in validate(st, data_graphs=[d], shapes=[s])}
    stored = {str(q.object) for q in st.quads_for_pattern(None, None, None, d)}
    expected = {v for v in stored if is_ill_typed(ox.parse(
        f"<urn:a> <urn:b> {v} .".encode(), format=ox.RdfFormat.N_TRIPLES).__next__().object.value,
        XSD + local) or f"<{XSD}{local}>" not in v}
    assert flagged == expected
    kept = [x for x in invalid if f'"{x}"^^<{XSD}{local}>' in stored]
    assert (kept or local == "anyURI") and all(f'"{x}"^^<{XSD}{local}>' in flagged for x in kept)


def test_store_accepts_rust_float_spellings():
    """pyoxigraph's Store parses "inf"/"nan"^^xsd:double (not XSD forms) and stores "INF"/"NaN"."""
    st = ox.Store()
    st.load(_ttl([("double", "inf"), ("double", "nan")]), format=ox.RdfFormat.TURTLE)
    assert {q.object.value for q in st} == {"INF", "NaN"}
    found = ill_typed_literals(ox.parse(_ttl([("double", "inf")]), format=ox.RdfFormat.TURTLE))
    assert len(found) == 1  # the parse stream still shows the ill-typed form
