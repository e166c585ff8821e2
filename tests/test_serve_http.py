"""`solkg serve` over HTTP: the SPARQL 1.1 Protocol, content negotiation, pages, CORS, limits.

A real server runs on a free loopback port (tests/serve_fixtures.py); requests go through urllib.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest



AMAP = "https://w3id.org/solkg/id/example-amap-val-de-drome"
SOL = "https://w3id.org/solkg/ontology#"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def q(query: str, **extra) -> str:
    return "/sparql?" + urlencode({"query": query, **extra})


def parse(body: bytes, fmt) -> list[ox.Triple]:
    return [ox.Triple(quad.subject, quad.predicate, quad.object) for quad in ox.parse(body, fmt)]


# --- SPARQL protocol -----------------------------------------------------------------------------


def test_select_json_by_default_and_union_default_graph(server, serve_store):
    r = server.get(q(COUNT))
    assert r.status == 200
    assert r.header("content-type").startswith("application/sparql-results+json")
    n = int(json.loads(r.body)["results"]["bindings"][0]["n"]["value"])
    store = ox.Store.read_only(str(serve_store))
    in_graphs = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)
    assert n == in_graphs > 2000  # the default graph is the union of the named graphs


@pytest.mark.parametrize(
    ("accept", "media", "check"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            lambda b: json.loads(b)["head"]["vars"] == ["n"],
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            lambda b: b"<sparql" in b and b'name="n"' in b,
        ),
        ("text/csv", "text/csv", lambda b: b.split(b"\r\n")[0] == b"n"),
        ("text/tab-separated-values", "text/tab-separated-values", lambda b: b.split(b"\n")[0] == b"?n"),
    ],
)
def test_select_formats_by_accept(server, accept, media, check):
    r = server.get(q(COUNT), Accept=accept)
    assert r.status == 200, r.text
    assert r.header("content-type").startswith(media)
    assert check(r.body)
    assert "Accept" in r.header("vary")


def test_select_xml_is_the_w3c_format(server):
    r = server.get(
        q(f"SELECT ?l WHERE {{ <{AMAP}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} ORDER BY ?l"),
        Accept="application/sparql-results+xml",
    )
    import xml.etree.ElementTree as ET

    root = ET.fromstring(r.body)
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    literals = root.findall(".//s:literal", ns)
    assert {(lit.text, lit.get("{http://www.w3.org/XML/1998/namespace}lang")) for lit in literals} == {
        ("AMAP du Val de Drôme (exemple)", "fr"),
        ("Val de Drôme AMAP (example)", "en"),
    }


def test_post_form_and_sparql_query_body(server):
    form = server.post(
        "/sparql", urlencode({"query": COUNT}).encode(), "application/x-www-form-urlencoded", Accept="text/csv"
    )
    direct = server.post("/sparql", COUNT.encode(), "application/sparql-query", Accept="text/csv")
    get = server.get(q(COUNT), Accept="text/csv")
    assert form.status == direct.status == 200
    assert form.body == direct.body == get.body


def test_ask(server):
    r = server.get(q(f"ASK {{ <{AMAP}> a ?t }}"))
    assert r.status == 200 and json.loads(r.body) == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_and_describe_formats(server, accept, media, fmt):
    for query in (f"CONSTRUCT {{ <{AMAP}> ?p ?o }} WHERE {{ <{AMAP}> ?p ?o }}", f"DESCRIBE <{AMAP}>"):
        r = server.get(q(query), Accept=accept)
        assert r.status == 200, r.text
        assert r.header("content-type").startswith(media)
        triples = parse(r.body, fmt)
        assert (
            ox.Triple(
                ox.NamedNode(AMAP),
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal("Val de Drôme AMAP (example)", language="en"),
            )
            in triples
        )


def test_format_parameter_overrides_accept(server):
    r = server.get(q(COUNT, format="csv"), Accept="application/sparql-results+json")
    assert r.status == 200 and r.header("content-type").startswith("text/csv")


def test_service_description_without_query(server):
    r = server.get("/sparql", Accept="text/turtle")
    assert r.status == 200 and r.header("content-type").startswith("text/turtle")
    triples = parse(r.body, ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(server.base + "/sparql")
    assert (
        ox.Triple(
            endpoint, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(sd + "Service")
        )
        in triples
    )
    assert ox.Triple(endpoint, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")) in triples
    html = server.get("/sparql", Accept="text/html")
    assert html.status == 200 and "sd:Service" in html.text


@pytest.mark.parametrize("how", ["form", "body", "get"])
def test_updates_are_refused(server, how):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    if how == "form":
        r = server.post("/sparql", urlencode({"update": update}).encode(), "application/x-www-form-urlencoded")
    elif how == "body":
        r = server.post("/sparql", update.encode(), "application/sparql-update")
    else:
        r = server.get("/sparql?" + urlencode({"update": update}))
    assert r.status == 403 and "read-only" in r.text
    assert int(json.loads(server.get(q("ASK { <urn:a> ?p ?o }")).body)["boolean"]) == 0


def test_update_sent_as_query_is_a_syntax_error(server):
    r = server.get(q("INSERT DATA { <urn:a> <urn:b> <urn:c> }"))
    assert r.status == 400 and "syntax" in r.text.lower()


def test_service_is_refused(server):
    from serve_fixtures import Listener

    ear = Listener()  # a real endpoint address that must hear nothing
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{ear.port}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p ?o SERVICE SILENT <http://127.0.0.1:{ear.port}/sparql> {{ ?s ?p ?o }} }}",
            f"ASK {{ sErViCe <http://127.0.0.1:{ear.port}/sparql> {{ ?s ?p ?o }} }}",
        ):
            r = server.get(q(query))
            assert r.status == 403 and "SERVICE" in r.text
            form = server.post("/sparql", urlencode({"query": query}).encode(), "application/x-www-form-urlencoded")
            assert form.status == 403
        time.sleep(0.5)
        assert ear.hits == []
    finally:
        ear.close()
    ok = server.get(q('SELECT ?service WHERE { BIND("SERVICE" AS ?service) }'))  # the word alone is fine
    assert ok.status == 200


def test_syntax_error_is_400_with_a_message(server):
    r = server.get(q("SELECT ?x WHERE { ?x ?y }"))
    assert r.status == 400
    assert r.text.startswith("400 Bad Request: SPARQL syntax error")


@pytest.mark.slow
def test_timeout_is_503_and_the_server_goes_on(server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    r = server.get(q(slow))
    elapsed = time.monotonic() - start
    assert r.status == 503, r.text
    assert "timeout" in r.text and "--timeout" in r.text
    assert elapsed < 10
    for _ in range(3):  # the stopped worker is replaced; the others answer meanwhile
        assert server.get(q(COUNT)).status == 200


def test_result_limit_is_422(server):
    r = server.get(q("SELECT * WHERE { ?s ?p ?o }"))
    assert r.status == 422
    assert "result limit" in r.text and "500" in r.text
    assert server.get(q("SELECT * WHERE { ?s ?p ?o } LIMIT 500")).status == 200
    assert server.get(q("CONSTRUCT WHERE { ?s ?p ?o }"), Accept="text/turtle").status == 422


def test_not_acceptable_and_unsupported(server):
    assert server.get(q(COUNT), Accept="image/png").status == 406
    assert server.post("/sparql", b"x", "text/plain").status == 415


def test_default_graph_uri_restricts_the_dataset(server):
    graph = "https://w3id.org/solkg/graph/data/seed.ttl"
    r = server.get("/sparql?" + urlencode({"query": COUNT, "default-graph-uri": graph}), Accept="text/csv")
    n = int(r.text.split()[1])
    total = int(server.get(q(COUNT), Accept="text/csv").text.split()[1])
    assert 0 < n < total


def test_cors(server):
    r = server.get(q(COUNT), Origin="https://example.org")
    assert r.header("access-control-allow-origin") == "*"
    pre = server.request(
        "/sparql",
        method="OPTIONS",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status == 200 and "POST" in pre.header("access-control-allow-methods")
    data = server.get("/id/example-amap-val-de-drome", Accept="text/turtle", Origin="https://example.org")
    assert data.header("access-control-allow-origin") == "*"


# --- dereferencing and content negotiation -------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_instance_iri_dereferences(server, accept, media, fmt):
    r = server.get("/id/example-amap-val-de-drome", Accept=accept)
    assert r.status == 200
    assert r.header("content-type").startswith(media)
    assert "Accept" in r.header("vary")
    triples = parse(r.body, fmt)
    assert (
        ox.Triple(
            ox.NamedNode(AMAP),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(SOL + "CommunitySupportedAgriculture"),
        )
        in triples
    )


def test_browsers_get_html(server):
    r = server.get(
        "/id/example-amap-val-de-drome", Accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    )
    assert r.status == 200 and r.header("content-type").startswith("text/html")
    assert "Accept" in r.header("vary")
    assert '<h1 lang="en">Val de Drôme AMAP (example)</h1>' in r.text
    assert 'href="/vocab/sector/food"' in r.text  # linked values
    assert "has producer" in r.text and "La Rivière farm (example)" in r.text


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("html", "text/html"), ("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")],
)
def test_format_override(server, fmt, media):
    r = server.get(f"/id/example-amap-val-de-drome?format={fmt}", Accept="text/html")
    assert r.status == 200 and r.header("content-type").startswith(media)


def test_ontology_and_vocab_dereference(server):
    onto = server.get("/ontology", Accept="text/turtle")
    assert onto.status == 200
    triples = parse(onto.body, ox.RdfFormat.TURTLE)
    assert (
        ox.Triple(
            ox.NamedNode(SOL + "ShortSupplyChain"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#Class"),
        )
        in triples
    )
    html = server.get("/ontology", Accept="text/html")
    assert 'id="ShortSupplyChain"' in html.text  # the hash IRIs land on an anchor
    scheme = server.get("/vocab/sector", Accept="application/n-triples")
    assert scheme.status == 200 and b"<https://w3id.org/solkg/vocab/sector/food>" in scheme.body
    concept = server.get("/vocab/sector/food", Accept="text/turtle")
    assert concept.status == 200 and b'"food"@en' in concept.body


def test_unknown_iri_is_404_and_bad_accept_is_406(server):
    assert server.get("/id/no-such-thing", Accept="text/turtle").status == 404
    assert server.get("/id/no-such-thing", Accept="text/html").status == 404
    assert server.get("/id/example-amap-val-de-drome", Accept="image/png").status == 406


def test_blank_nodes_come_with_their_subject(server):
    r = server.get("/resource?iri=" + quote(SOL + "ShortSupplyChain", safe="") + "&format=nt")
    assert r.status == 200
    triples = parse(r.body, ox.RdfFormat.N_TRIPLES)
    assert any(t.predicate.value == "http://www.w3.org/2002/07/owl#someValuesFrom" for t in triples)


# --- pages -----------------------------------------------------------------------------------------


def test_language_by_accept_language_and_switch(server):
    en = server.get("/", Accept="text/html")
    fr = server.get("/", **{"Accept": "text/html", "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="en">' in en.text and "Search" in en.text
    assert '<html lang="fr">' in fr.text and "Rechercher" in fr.text
    switched = server.get("/?lang=fr", Accept="text/html")
    assert '<html lang="fr">' in switched.text and "solkg_lang=fr" in switched.header("set-cookie")
    remembered = server.get("/", Accept="text/html", Cookie="solkg_lang=fr")
    assert '<html lang="fr">' in remembered.text
    assert "Accept-Language" in en.header("vary")


def test_home_counts_and_search(server):
    home = server.get("/", Accept="text/html").text
    assert "short supply chains" in home and 'action="/search"' in home
    found = server.get("/search?q=AMAP", Accept="text/html").text
    assert 'href="/id/example-amap-val-de-drome"' in found
    found_fr = server.get("/search?q=exemple&lang=fr", Accept="text/html").text
    assert "AMAP du Val de Drôme (exemple)" in found_fr


def test_classes_with_counts_and_concept_trees(server):
    classes = server.get("/classes", Accept="text/html").text
    assert "economic and solidarity short supply chain" in classes and "0 / 7" in classes
    schemes = server.get("/schemes", Accept="text/html").text
    assert "<details" in schemes and "community bakery (test concept)" in schemes
    sector = server.get("/vocab/sector", Accept="text/html").text
    # the narrower concept sits inside food's branch
    food = sector.index('href="/vocab/sector/food"')
    assert sector.rfind("<details", 0, food) > sector.rfind("</details>", 0, food)
    assert sector.index("community bakery (test concept)") > food


def test_map_data(server):
    doc = json.loads(server.get("/map.geojson").body)
    assert len(doc["features"]) >= 5
    assert all(f["geometry"]["type"] == "Point" for f in doc["features"])
    page = server.get("/map", Accept="text/html").text
    assert "/static/leaflet/leaflet.js" in page and "<circle" in page  # Leaflet, and an SVG map without JS
    assert server.get("/static/leaflet/leaflet.js").status == 200


def test_named_queries_page_and_run(server):
    page = server.get("/query", Accept="text/html").text
    assert 'action="/query/chains-by-class"' in page
    r = server.get("/query/chains-by-class?param-lang=fr", Accept="text/html")
    assert r.status == 200 and "circuit court alimentaire" in r.text.lower()
    assert server.get("/query/no-such-query", Accept="text/html").status == 404


def test_html_is_safe(server):
    r = server.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E", Accept="text/html")
    assert "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text
    assert "script-src 'self'" in r.header("content-security-policy")
