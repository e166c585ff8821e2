"""Failing servers: down, slow, 401/403/404/500, invalid results, a failed swap. Exit 2, one line, no traceback.

The failing server is a small HTTP server of the tests' own (success paths run against real engines
in test_remote_engines.py). Also: credentials from the environment and netrc, never echoed.
"""

from __future__ import annotations

import base64
import http.server
import json
import socket
import threading
import time
import urllib.parse

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from solkg.cli import cli
from solkg.cli.publish import publish as publish_command
from solkg.remote.http import HttpClient, resolve_endpoints
from solkg.errors import InputError
from solkg.query import adhoc_query
from solkg.remote import run_remote

SECRET = "s3cr3t-pa55"
TOKEN = "tok-123456789"


class Fake(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up (timeout tests) is expected
        pass

    def __init__(self, behaviour):
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour = behaviour
        self.seen: list[tuple[str, str, dict, bytes]] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        status, headers, payload = self.server.behaviour(self.command, self.path, self.headers, body)
        if status is None:  # drop the connection
            self.close_connection = True
            return
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@pytest.fixture
def fake():
    servers = []

    def start(behaviour):
        server = Fake(behaviour)
        # a short poll interval: shutdown() waits for it (the default 0.5 s cost every test half a second)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _form(body: bytes) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}


def status(code, text=b"<html><body><h1>Oops</h1><p>details here</p></body></html>"):
    return lambda *a: (code, {"Content-Type": "text/html"}, text)


def results(rows=()):
    doc = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": r}} for r in rows]}}
    return json.dumps(doc).encode()


def sparql_ok(method, path, headers, body):
    """A minimal well-behaved server: answers every SELECT with one row, accepts every write."""
    if method == "POST" and body.startswith(b"query="):
        form = _form(body)
        if "COUNT(*)" in form["query"]:
            return 200, {"Content-Type": "application/sparql-results+json"}, json.dumps(
                {"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}).encode()
        return 200, {"Content-Type": "application/sparql-results+json"}, results(["a"])
    return 204, {}, b""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def run_publish(*args, env=None):
    return CliRunner().invoke(publish_command, list(args), env=env, catch_exceptions=False)


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.output)
    err = result.stderr.strip()
    assert err.startswith("solkg: error: "), err
    assert "\n" not in err, err
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in err, err
    assert SECRET not in result.output and TOKEN not in result.output


# ---------------------------------------------------------------------------------------------


def test_query_endpoint_down():
    result = run_cli("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", f"http://127.0.0.1:{closed_port()}/q")
    assert_one_line_error(result, "unreachable")


@pytest.mark.parametrize("code, fragment", [(401, "authentication required"), (403, "access refused"),
                                            (404, "no such endpoint"), (500, "HTTP 500")])
def test_query_http_errors(fake, code, fragment):
    server = fake(status(code))
    result = run_cli("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", server.base + "/sparql")
    assert_one_line_error(result, fragment, f"HTTP {code}")


def test_query_slow_server_times_out(fake):
    def slow(*args):
        time.sleep(3)
        return 200, {"Content-Type": "application/sparql-results+json"}, results()

    server = fake(slow)
    start = time.monotonic()
    result = run_cli("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", server.base + "/sparql",
                     "--timeout", "0.5")
    assert time.monotonic() - start < 2.5
    assert_one_line_error(result, "timeout")


@pytest.mark.parametrize("payload, media", [(b"<html>not json</html>", "text/html"),
                                            (b'{"head": {}, "results": 3}', "application/sparql-results+json"),
                                            (b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": '
                                             b'"wat", "value": 1}}]}}', "application/sparql-results+json")])
def test_query_invalid_results(fake, payload, media):
    server = fake(lambda *a: (200, {"Content-Type": media}, payload))
    result = run_cli("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", server.base + "/sparql")
    assert_one_line_error(result, "invalid SPARQL JSON results")


def test_construct_invalid_rdf(fake):
    server = fake(lambda *a: (200, {"Content-Type": "text/turtle"}, b"<a> <b> ."))
    result = run_cli("query", "-e", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--endpoint", server.base + "/s")
    assert_one_line_error(result, "invalid RDF")


def test_dropped_connection(fake):
    server = fake(lambda *a: (None, {}, b""))
    result = run_cli("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", server.base + "/sparql")
    assert_one_line_error(result, server.base)


def test_query_sends_default_graphs_and_bound_parameters(fake):
    server = fake(sparql_ok)
    result = run_cli("query", "concepts-of-scheme", "--endpoint", server.base + "/sparql", "--format", "csv")
    assert result.exit_code == 0, result.output
    form = urllib.parse.parse_qs(server.seen[0][3].decode())
    assert "https://w3id.org/solkg/graph/data/seed.ttl" in form["default-graph-uri"]
    assert "https://w3id.org/solkg/graph/entailed" in form["default-graph-uri"]  # the closures the query joins
    query = form["query"][0]
    assert "VALUES (?scheme) { (<https://w3id.org/solkg/vocab/sector>) }" in query  # projected: stays a variable
    assert 'LANGMATCHES(LANG(?labelLang), "en")' in query and "?lang)" not in query  # substituted in place
    assert server.seen[0][2]["Accept"] == "application/sparql-results+json"


def test_booleans_come_back_in_canonical_form(fake):
    """Virtuoso writes xsd:boolean true as "1": solkg gives the canonical form, as the embedded store does."""
    boolean = "http://www.w3.org/2001/XMLSchema#boolean"
    cells = [{"type": "typed-literal", "datatype": boolean, "value": v} for v in ("1", "0", "true", "false")]
    doc = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": c} for c in cells]}}
    server = fake(lambda *a: (200, {"Content-Type": "application/sparql-results+json"}, json.dumps(doc).encode()))
    result = run_remote(adhoc_query("SELECT ?x WHERE { ?x ?p ?o }"), endpoint=server.base + "/sparql", limit=None)
    assert [row[0] for row in result.rows] == [ox.Literal(v, datatype=ox.NamedNode(boolean))
                                               for v in ("true", "false", "true", "false")]


def test_virtuoso_style_cap_is_paged(fake):
    """A server that cuts result sets at 3 rows and says so (X-SPARQL-MaxRows) is paged past its cap."""
    offsets = []

    def capped(method, path, headers, body):
        query = _form(body)["query"]
        offset = int((query.split("OFFSET")[1].split()[0]) if "OFFSET" in query else 0)
        offsets.append(offset)
        rows = [str(i) for i in range(offset, min(offset + 3, 8))]
        return 200, {"Content-Type": "application/sparql-results+json", "X-SPARQL-MaxRows": "3"}, results(rows)

    server = fake(capped)
    result = run_cli("query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", server.base + "/sparql",
                     "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["x", *[str(i) for i in range(8)]]
    assert offsets == [0, 3, 6]


# ---------------------------------------------------------------------------------------------
# publish


@pytest.fixture
def seed_file(tmp_path):
    path = tmp_path / "small.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p ex:b ; ex:q [ ex:r \"é\"@fr ] .\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("behaviour, fragment", [
    (status(401), "HTTP 401"), (status(403), "HTTP 403"), (status(404), "HTTP 404"), (status(500), "HTTP 500")])
def test_publish_http_errors_leave_nothing(fake, seed_file, behaviour, fragment):
    server = fake(behaviour)
    result = run_publish(str(seed_file), "--endpoint", server.base + "/sparql", "--store-endpoint",
                         server.base + "/store")
    assert_one_line_error(result, fragment, "nothing was sent")


def test_publish_server_down(seed_file):
    result = run_publish(str(seed_file), "--engine", "oxigraph", "--endpoint", f"http://127.0.0.1:{closed_port()}")
    assert_one_line_error(result, "unreachable", "nothing was sent")


SR325 = (b"Virtuoso 40005 Error SR325: Transaction aborted because it's log after image size went above the "
         b"limit\n\nSPARQL query:\ndefine sql:big-data-const 0 MOVE <urn:solkg:staging:1> TO <http://example.org/g>")


def counting_server(method, path, headers, body):
    """Accepts every write and counts 3 triples in every graph asked for (a publish of seed_file succeeds)."""
    if method == "POST" and body.startswith(b"query="):
        query = _form(body)["query"]
        graphs = [g.strip("<>") for g in query.split("VALUES ?g {")[1].split("}")[0].split()]
        rows = [{"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": "3"}} for g in graphs]
        return 200, {"Content-Type": "application/sparql-results+json"}, json.dumps(
            {"head": {"vars": ["g", "n"]}, "results": {"bindings": rows}}).encode()
    return 204, {}, b""


@pytest.mark.parametrize(("answer", "fragments"), [
    (b"Virtuoso 42000 Error: boom", ("HTTP 500",)),
    # Virtuoso's cap on one transaction: the message says which setting to raise, without the query echo
    (SR325, ("SR325", "the MOVE of 3 triples is one transaction", "TransactionAfterImageLimit", "append")),
])
def test_publish_failed_swap_cleans_staging(fake, seed_file, answer, fragments):
    """Staging loads fine, the MOVE fails: nothing replaced, staging graphs dropped, and it says so."""
    def behaviour(method, path, headers, body):
        if method == "POST" and body.startswith(b"update="):
            update = _form(body)["update"]
            if update.startswith("MOVE"):
                return 500, {"Content-Type": "text/plain"}, answer
            return 200, {}, b""
        if method == "POST" and body.startswith(b"query="):
            return counting_server(method, path, headers, body)
        return 201, {}, b""

    server = fake(behaviour)
    result = run_publish(str(seed_file), "--endpoint", server.base + "/sparql", "--store-endpoint",
                         server.base + "/store")
    assert_one_line_error(result, *fragments, "no graph was changed", "staging graphs removed")
    assert "big-data-const" not in result.output
    updates = [_form(b)["update"] for m, p, h, b in server.seen if b.startswith(b"update=")]
    assert updates[0].startswith("MOVE <urn:solkg:staging:")
    assert updates[-1].startswith("DROP SILENT GRAPH <urn:solkg:staging:")
    puts = [p for m, p, h, b in server.seen if m == "PUT"]
    assert len(puts) == 1 and "urn%3Asolkg%3Astaging%3A" in puts[0]


def test_publish_lists_graphs_by_full_iri(fake, seed_file):
    """The text listing prints every graph's full IRI (as solkg info does), never a compacted solg:name."""
    server = fake(counting_server)
    result = run_publish(str(seed_file), "--endpoint", server.base + "/sparql", "--store-endpoint",
                         server.base + "/store", "--graph", "https://w3id.org/solkg/graph/entailed")
    assert result.exit_code == 0, result.output
    listing = result.stdout.splitlines()
    assert listing[0].split() == ["3", "https://w3id.org/solkg/graph/entailed"]
    assert listing[1].startswith("replaced 1 graph(s), 3 triples, verified")
    assert "solg:" not in result.stdout


def test_publish_count_mismatch_is_an_error(fake, seed_file):
    def behaviour(method, path, headers, body):
        if body.startswith(b"query="):  # the server "lost" triples: counts 0
            return 200, {"Content-Type": "application/sparql-results+json"}, json.dumps(
                {"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}).encode()
        return 204, {}, b""

    server = fake(behaviour)
    result = run_publish(str(seed_file), "--endpoint", server.base + "/sparql", "--store-endpoint",
                         server.base + "/store")
    assert_one_line_error(result, "sent 3 triples but the server holds 0", "no graph was changed")


def test_publish_falls_back_to_update_without_graph_store(fake, seed_file):
    server = fake(sparql_ok)
    result = run_publish(str(seed_file), "--endpoint", server.base + "/sparql", "--graph", "http://example.org/g")
    # the fake counts nothing, so the verification fails: what matters is what was sent
    assert result.exit_code == 2
    updates = [_form(b)["update"] for m, p, h, b in server.seen if b.startswith(b"update=")]
    assert updates[0].startswith("DROP SILENT GRAPH <urn:solkg:staging:")
    assert "INSERT DATA { GRAPH <urn:solkg:staging:" in updates[0] and '"é"@fr' in updates[0]


def test_credentials_in_url_refused():
    result = run_publish("--endpoint", f"http://dba:{SECRET}@127.0.0.1:1/sparql")
    assert_one_line_error(result, "credentials in the URL are refused")


# ---------------------------------------------------------------------------------------------
# credentials


def basic_server(method, path, headers, body):
    expected = "Basic " + base64.b64encode(f"ann:{SECRET}".encode()).decode()
    if headers.get("Authorization") != expected:
        return 401, {"WWW-Authenticate": 'Basic realm="test"'}, b"no"
    return 200, {"Content-Type": "application/sparql-results+json"}, results(["ok"])


def test_basic_auth_from_environment(fake):
    server = fake(basic_server)
    env = {"SOLKG_ENDPOINT_USER": "ann", "SOLKG_ENDPOINT_PASSWORD": SECRET}
    result = run_cli("query", "-e", "SELECT ?x {}", "--endpoint", server.base + "/sparql", "--format", "csv", env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["x", "ok"]
    assert SECRET not in result.output


def test_wrong_password_is_refused_without_echo(fake):
    server = fake(basic_server)
    env = {"SOLKG_ENDPOINT_USER": "ann", "SOLKG_ENDPOINT_PASSWORD": SECRET + "x"}
    result = run_cli("query", "-e", "SELECT ?x {}", "--endpoint", server.base + "/sparql", env=env)
    assert_one_line_error(result, "HTTP 401", "refused the credentials")
    assert SECRET + "x" not in result.output


def test_bearer_token(fake):
    def behaviour(method, path, headers, body):
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return 403, {}, b"forbidden"
        return 200, {"Content-Type": "application/sparql-results+json"}, results(["ok"])

    server = fake(behaviour)
    result = run_cli("query", "-e", "SELECT ?x {}", "--endpoint", server.base + "/sparql", "--format", "csv",
                     env={"SOLKG_ENDPOINT_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    result = run_cli("query", "-e", "SELECT ?x {}", "--endpoint", server.base + "/sparql",
                     env={"SOLKG_ENDPOINT_TOKEN": TOKEN + "x"})
    assert_one_line_error(result, "HTTP 403")


def test_netrc(fake, tmp_path, monkeypatch):
    server = fake(basic_server)
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login ann password {SECRET}\n")
    netrc.chmod(0o600)
    for key in ("SOLKG_ENDPOINT_USER", "SOLKG_ENDPOINT_PASSWORD", "SOLKG_ENDPOINT_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NETRC", str(netrc))
    result = run_cli("query", "-e", "SELECT ?x {}", "--endpoint", server.base + "/sparql", "--format", "csv")
    assert result.exit_code == 0, result.output


def test_endpoint_presets():
    e = resolve_endpoints(server="fuseki", endpoint="http://h:3030/ds/")
    assert (e.query, e.update, e.store) == ("http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data")
    e = resolve_endpoints(server="graphdb", endpoint="http://h:7200/repositories/kg")
    assert (e.query, e.update, e.store) == ("http://h:7200/repositories/kg", "http://h:7200/repositories/kg/statements",
                                            "http://h:7200/repositories/kg/rdf-graphs/service")
    e = resolve_endpoints(server="qlever", endpoint="http://h:7001")
    assert (e.query, e.update, e.store) == ("http://h:7001", "http://h:7001", None)
    e = resolve_endpoints(endpoint="http://h/sparql", store_endpoint="http://h/gsp")
    assert (e.query, e.update, e.store) == ("http://h/sparql", "http://h/sparql", "http://h/gsp")
    with pytest.raises(InputError):
        resolve_endpoints(endpoint="ftp://h/x")


def test_client_timeout_message(fake):
    server = fake(lambda *a: (time.sleep(2), (200, {}, b""))[1])
    with pytest.raises(InputError, match="no answer within 0.3 s"):
        HttpClient(timeout=0.3).request("GET", server.base + "/x")


def test_check_endpoint_errors(fake):
    server = fake(status(500))
    result = run_cli("check", "--endpoint", server.base + "/sparql")
    assert_one_line_error(result, "HTTP 500")
    result = run_cli("check", "--endpoint", f"http://127.0.0.1:{closed_port()}/sparql")
    assert_one_line_error(result, "unreachable")
