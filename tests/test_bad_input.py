"""Bad input: exit 2, a one-line message naming the file (line and column where known), no traceback."""

from __future__ import annotations

import gzip
import json
import socket
import threading

import pytest

SYNTAX_ERRORS = {
    # file name: (content, expected "file:line:col" prefix or just "file")
    "bad.ttl": ("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n", "bad.ttl:3:"),
    "bad.nt": ("<http://example.org/a> <http://example.org/b> .\n", "bad.nt:1:"),
    "bad.nq": ('<http://e.org/a> <http://e.org/b> "x" <http://e.org/g> <http://e.org/h> .\n', "bad.nq:1:"),
    "bad.trig": ("@prefix ex: <http://example.org/> .\nex:g {\n ex:a ex:b ex:c .\n", "bad.trig:"),
    "bad.jsonld": ('{"@id": "http://example.org/a",\n "http://example.org/b": [}\n', "bad.jsonld:2:"),
    "bad.rdf": ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                '<rdf:Description rdf:about="http://e.org/a"></rdf:RDF>\n', "bad.rdf"),
}


def _one_line_error(result, needle: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    err = result.stderr.strip()
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert len(err.splitlines()) == 1, err
    assert needle in err, err


@pytest.mark.parametrize("name", sorted(SYNTAX_ERRORS))
def test_syntax_error_in_each_format(run, tmp_path, name):
    content, needle = SYNTAX_ERRORS[name]
    (tmp_path / name).write_text(content)
    _one_line_error(run("check", name), needle)


def test_gzipped_syntax_error_names_the_file(run, tmp_path):
    (tmp_path / "bad.ttl.gz").write_bytes(gzip.compress(b"<http://e.org/a> <http://e.org/b> .\n"))
    _one_line_error(run("check", "bad.ttl.gz"), "bad.ttl.gz:1:")


def test_non_utf8_file(run, tmp_path):
    (tmp_path / "latin1.ttl").write_bytes('<http://e.org/a> <http://e.org/b> "café" .\n'.encode("latin-1"))
    _one_line_error(run("check", "latin1.ttl"), "latin1.ttl:1:")
    assert "UTF-8" in run("check", "latin1.ttl").stderr


def test_empty_file(run, tmp_path):
    (tmp_path / "empty.ttl").write_text("")
    _one_line_error(run("check", "empty.ttl"), "empty.ttl: file is empty")


def test_missing_file_and_folder(run):
    _one_line_error(run("check", "nowhere.ttl"), "nowhere.ttl: no such file or folder")
    _one_line_error(run("build", "--data", "no-folder/"), "no-folder: no such file or folder")


def test_unknown_extension(run, tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n")
    _one_line_error(run("check", "data.csv"), "data.csv: unknown RDF file extension")


def test_jsonld_remote_context_is_refused_without_fetching(run, tmp_path):
    (tmp_path / "remote.jsonld").write_text(json.dumps(
        {"@context": "http://127.0.0.1:9/never-fetched.jsonld", "@id": "http://e.org/a", "name": "x"}))
    _one_line_error(run("check", "remote.jsonld"), "remote.jsonld: JSON-LD remote @context")


def test_jsonld_with_solkg_context_resolves_locally(run, tmp_path):
    doc = {"@context": "https://w3id.org/solkg/context.jsonld", "@id": "sold:partner-shop",
           "@type": "sol:Actor", "rdfs:label": {"@value": "Partner shop", "@language": "en"}}
    (tmp_path / "partner.jsonld").write_text(json.dumps(doc))
    result = run("check", "partner.jsonld", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(result.stdout)["counts"] is not None


def test_rdfxml_external_entity_is_never_resolved(run, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    (tmp_path / "xxe.rdf").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e.org/">\n'
        '<rdf:Description rdf:about="http://e.org/a"><ex:p>&xxe;</ex:p></rdf:Description></rdf:RDF>\n')
    result = run("check", "xxe.rdf")
    _one_line_error(result, "xxe.rdf")
    assert "TOP-SECRET" not in result.output + result.stderr


def test_unknown_query_name_lists_close_ones(run, built, monkeypatch):
    monkeypatch.chdir(built)
    result = run("query", "food-chain-by-intermediaries")
    _one_line_error(result, "unknown query 'food-chain-by-intermediaries'")
    assert "food-chains-by-intermediaries" in result.stderr


def test_sparql_syntax_error_gives_the_position(run, built, monkeypatch):
    monkeypatch.chdir(built)
    result = run("query", "-e", "SELECT * WHERE { ?s ?p }")
    _one_line_error(result, "query:1:")
    assert "SPARQL syntax error" in result.stderr


def test_query_without_store_says_to_build(run):
    _one_line_error(run("query", "concepts-of-scheme"), "no store here; build one first (solkg build)")


def test_unreachable_endpoint(run):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("query", "concepts-of-scheme", "--endpoint", f"http://127.0.0.1:{port}/sparql", "--timeout", "2")
    _one_line_error(result, "unreachable")


@pytest.mark.slow
def test_silent_endpoint_times_out(run):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])  # accept, never answer
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        port = server.getsockname()[1]
        result = run("query", "concepts-of-scheme", "--endpoint", f"http://127.0.0.1:{port}/sparql", "--timeout", "1")
        _one_line_error(result, f"127.0.0.1:{port}")
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def test_bad_param_syntax(run, built, monkeypatch):
    monkeypatch.chdir(built)
    _one_line_error(run("query", "concepts-of-scheme", "--param", "lang"), "parameter 'lang': want key=value")
