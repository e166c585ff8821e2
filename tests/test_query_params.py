"""Parameters reach the query wherever it uses them, or are refused in one line: never a silent
empty answer. Also: SERVICE never leaves the machine from the embedded store, and `solkg query`
checks its options before it runs anything."""

from __future__ import annotations

import csv
import io
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from solkg.cli import cli
from solkg.errors import InputError
from solkg.query import Param, adhoc_query, inject_values, load_query, parse_param_value, run_query
from solkg.store import open_store

H = ("PREFIX sol: <https://w3id.org/solkg/ontology#>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
     "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n")


@pytest.fixture
def store(built):
    return open_store(built / ".solkg" / "store")


def _query(tmp_path: Path, header: str, body: str):
    path = tmp_path / "q.rq"
    path.write_text(header + H + body, encoding="utf-8")
    return load_query(path)


def _invoke(built, *args):
    return CliRunner().invoke(cli, [*args, "--store", str(built / ".solkg" / "store")], catch_exceptions=False)


def test_parameter_in_having_is_bound(store, tmp_path):
    body = "SELECT ?a (COUNT(?c) AS ?n) WHERE { ?c sol:hasProducer ?a } GROUP BY ?a HAVING (COUNT(?c) >= {})"
    written = run_query(adhoc_query(H + body.replace("{}", "1")), store=store, limit=None).rows
    q = _query(tmp_path, "# param: min integer 1\n", body.replace("{}", "xsd:integer(?min)"))
    assert written and run_query(q, store=store, limit=None).rows == written
    two = run_query(q, store=store, params={"min": "2"}, limit=None).rows
    assert 0 < len(two) < len(written)


def test_parameter_in_compact_comparison_is_bound(store, tmp_path):
    spaced = _query(tmp_path, "# param: max decimal\n",
                    "SELECT ?s WHERE { ?s geo:lat ?l FILTER(?l <= xsd:decimal(?max) && ?l > 40) }")
    rows = run_query(spaced, store=store, params={"max": "45"}, limit=None).rows
    compact = _query(tmp_path, "# param: max decimal\n",
                     "SELECT ?s WHERE { ?s geo:lat ?l FILTER(?l<=xsd:decimal(?max)&&?l>40) }")
    assert rows and run_query(compact, store=store, params={"max": "45"}, limit=None).rows == rows


def test_values_go_to_the_outer_group_without_where(store):
    text = "SELECT ?s ?v { { SELECT ?s WHERE { ?s a <https://w3id.org/solkg/ontology#Charter> } } }"
    assert inject_values(text, {"v": parse_param_value(Param("v", "literal"), "x")}).startswith(
        'SELECT ?s ?v { VALUES (?v) { ("x") }')
    rows = run_query(adhoc_query(text), store=store, params={"v": "hello"}, limit=None).rows
    assert rows and all(row[1].value == "hello" for row in rows)


def test_adhoc_parameter_must_name_a_variable(store):
    with pytest.raises(InputError, match=r"no variable \?typo"):
        run_query(adhoc_query("SELECT * WHERE { ?s a sol:Charter }"), store=store, params={"typo": "x"})


@pytest.mark.parametrize("value, message", [
    ("principles:cooperation", "unknown prefix 'principles'"),
    ("not an iri", "is not an IRI"),
])
def test_bad_iri_parameters(value, message):
    with pytest.raises(InputError, match=message):
        parse_param_value(Param("principle", "iri"), value)


def test_full_iris_with_other_schemes_pass():
    assert parse_param_value(Param("x", "iri"), "urn:isbn:978").value == "urn:isbn:978"
    assert parse_param_value(Param("x", "iri"), "<principles:cooperation>").value == "principles:cooperation"


@pytest.mark.parametrize("kind, good, bad", [
    ("decimal", ["45.2", "-4", ".5", "+3."], ["45,2", "abc", "1e3", ""]),
    ("integer", ["1", "-0", "+12"], ["1.0", "x", "1 2"]),
    ("date", ["2019-11-21", "2020-02-29"], ["21/11/2019", "2019-11", "2019-02-30", "2019-13-01"]),
])
def test_typed_parameters(kind, good, bad):
    for value in good:
        term = parse_param_value(Param("p", kind), value)
        assert term.datatype.value.endswith("#" + kind) and term.value == value.strip()
    for value in bad:
        with pytest.raises(InputError, match=f"parameter p: '{value}' is not"):
            parse_param_value(Param("p", kind), value)


def test_cli_refuses_bad_parameters(built):
    for args, message in [
        (["chains-near", "--param", "minLat=45,2"], "minLat: '45,2' is not a decimal"),
        (["food-chains-by-intermediaries", "--param", "max=x"], "max: 'x' is not an integer"),
        (["chains-by-principle", "--param", "principle=principles:cooperation"], "unknown prefix"),
        (["chains-by-class", "--param", "lang=fr", "--param", "lang=en"], "parameter lang: given twice"),
    ]:
        result = _invoke(built, "query", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_typed_parameter_runs(built):
    result = _invoke(built, "query", "chains-near", "--param", "minLat=44", "--param", "maxLat=46.5",
                     "--format", "csv")
    assert result.exit_code == 0, result.output
    lats = [float(row["lat"]) for row in csv.DictReader(io.StringIO(result.stdout))]
    assert lats and all(44 <= lat <= 46.5 for lat in lats)


def test_service_never_leaves_the_machine(store, built):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    try:
        with pytest.raises(InputError, match="SERVICE is refused"):
            run_query(adhoc_query(text), store=store)
        result = _invoke(built, "query", "-e", text)
        assert result.exit_code == 2 and "SERVICE is refused" in result.stderr
        with pytest.raises(socket.timeout):
            listener.accept()  # nobody called
    finally:
        listener.close()


def test_options_checked_before_running(built, tmp_path):
    result = _invoke(built, "query", "food-chains-by-intermediaries", "--format", "turtle")
    assert result.exit_code == 2 and "--format: a SELECT query gives" in result.stderr
    result = _invoke(built, "query", "chains-by-class", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "0")
    assert result.exit_code == 2 and "--timeout" in result.stderr
    empty = tmp_path / "empty.rq"
    empty.write_text("# title: nothing\nPREFIX x: <http://x/>\n")
    result = _invoke(built, "query", str(empty))
    assert result.exit_code == 2 and "empty.rq: not a SELECT" in result.stderr


def test_limit_zero_says_how_to_see_rows(built):
    result = _invoke(built, "query", "chains-by-class", "--limit", "0")
    assert result.exit_code == 0
    assert "--limit 0 shows no rows" in result.stderr and "--offset 0" not in result.stderr


def test_remote_default_graphs_are_the_local_store_graphs(built, tmp_path):
    from solkg.store import stored_graphs

    graphs = stored_graphs(built / ".solkg" / "store")
    assert "https://w3id.org/solkg/graph/entailed" in graphs
    assert "https://w3id.org/solkg/graph/data/seed.ttl" in graphs and graphs == sorted(graphs)
    assert stored_graphs(tmp_path / "none") == []
