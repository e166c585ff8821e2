"""solkg diagnose: the figures against independent SPARQL counts, every section in English and French,
HTML in real Chromium (charts and map visible), PDF text, a territory with no data, an unknown one.
(The named queries on real Oxigraph and Virtuoso servers: tests/test_diagnose_engines.py.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from serve_fixtures import ARTIFACTS

from solkg.diagnose import diagnose, diagnose_queries, render, sort_rows
from solkg.diagnose.render import SECTIONS
from solkg.store.entail import add_entailed
from solkg.query import run_query, sparql_json_term
from solkg.sources import Source, project_sources
from solkg.store import load_sources

SOLD = "https://w3id.org/solkg/id/"
FIXTURE = """
@prefix sol: <https://w3id.org/solkg/ontology#> .
@prefix sold: <https://w3id.org/solkg/id/> .
@prefix sector: <https://w3id.org/solkg/vocab/sector/> .
@prefix principle: <https://w3id.org/solkg/vocab/principle/> .
@prefix level: <https://w3id.org/solkg/vocab/territory-level/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

sold:t-region a sol:Territory ; rdfs:label "Region T"@en , "Région T"@fr ; sol:officialCode "R9" ;
    sol:territoryLevel level:region ; sol:population 300000 .
sold:t-dep-a a sol:Territory ; rdfs:label "Dep A"@en ; sol:officialCode "D1" ; sol:territoryLevel level:department ;
    sol:population 200000 ; skos:broader sold:t-region .
sold:t-dep-b a sol:Territory ; rdfs:label "Dep B"@en ; sol:officialCode "D2" ; sol:territoryLevel level:department ;
    sol:population 100000 ; skos:broader sold:t-region .
sold:t-town-1 a sol:Territory ; rdfs:label "Town 1"@en ; sol:officialCode "C1" ; sol:territoryLevel level:commune ;
    sol:population 50000 ; skos:broader sold:t-dep-a .
sold:t-town-2 a sol:Territory ; rdfs:label "Town 2"@en ; sol:officialCode "C2" ; sol:territoryLevel level:commune ;
    sol:population 150000 ; skos:broader sold:t-dep-a .
sold:t-empty a sol:Territory ; rdfs:label "Empty land"@en ; sol:officialCode "E0" ; sol:population 1000 .

sold:t-farm a sol:Producer ; rdfs:label "Farm"@en ; sol:inSector sector:energy ;
    sol:signatoryOf sold:charter-ess-short-supply-chains-2015 .
sold:t-shop a sol:Distributor ; rdfs:label "Shop"@en .
sold:t-shop2 a sol:Distributor ; rdfs:label "Shop 2"@en .
sold:t-eaters a sol:Consumer ; rdfs:label "Eaters"@en ; sol:locatedIn sold:t-town-2 .

sold:t-csa a sol:CommunitySupportedAgriculture ; rdfs:label "CSA"@en ; sol:inSector sector:food ;
    sol:operatesIn sold:t-town-1 ; sol:hasProducer sold:t-farm ; sol:hasConsumer sold:t-eaters ;
    sol:upholdsPrinciple principle:cooperation ; sol:intermediaryCount 0 ; geo:lat 45.1 ; geo:long 5.1 ;
    sol:supportedBy sold:t-policy .
sold:t-chain2 a sol:ShortFoodSupplyChain ; rdfs:label "Two shops"@en ; sol:inSector sector:food ;
    sol:operatesIn sold:t-town-2 ; sol:hasProducer sold:t-farm ; sol:hasDistributor sold:t-shop , sold:t-shop2 ;
    sol:intermediaryCount 2 ; geo:lat 45.1 ; geo:long 5.1 .
sold:t-chain3 a sol:CollectiveSelfConsumption ; rdfs:label "Solar"@en ; sol:operatesIn sold:t-dep-b ;
    sol:hasProducer sold:t-farm .
sold:t-policy a sol:FinancingLine ; rdfs:label "Fund"@en ; sol:appliesTo sold:t-region ;
    sol:implementedBy sold:t-authority .
sold:t-authority a sol:LocalAuthority ; rdfs:label "Authority"@en .
"""


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("diagnose") / "territories.ttl"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(fixture_file):
    source = Source(graph="https://w3id.org/solkg/graph/data/territories.ttl", path=fixture_file, kind="data")
    s = load_sources(project_sources() + [source])
    add_entailed(s)
    return s


def count(store, where: str) -> int:
    text = ("PREFIX sol: <https://w3id.org/solkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX solv: <https://w3id.org/solkg/vocab/> "
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")
    return int(next(iter(store.query(text, use_default_graph_as_union=True)))["n"].value)


# chains in a territory, written independently of queries/diagnose/ (a property path, not the entailed graph)
IN = "?x sol:operatesIn ?u . ?u skos:broader* <{t}> ."


@pytest.mark.parametrize("territory", ["t-region", "t-dep-a", "t-dep-b", "t-town-2"])
def test_figures_equal_independent_counts(store, territory):
    iri = SOLD + territory
    d = diagnose(iri, store=store, check=False)
    inside = IN.format(t=iri)
    assert len(d.chains) == count(store, inside)
    for tally in d.sectors:
        assert tally.count == count(store, f"{inside} ?x sol:inSector <{tally.item.iri}> .")
        assert tally.count == len(tally.members)
    actors = count(store, f"{{ {inside.replace('?x', '?c')} ?c ?role ?x . ?role rdfs:subPropertyOf* "
                          "sol:hasParticipant . } UNION { ?x sol:locatedIn ?p . ?p skos:broader* <" + iri + "> }")
    assert len(d.actors) == actors
    for s in d.sub_territories:
        assert s.chains == count(store, IN.format(t=s.unit.iri))
    figures = d.to_dict()["figures"]
    assert figures["chains"] == len(d.chains) and figures["actors"] == actors


def test_region_report_content(store):
    d = diagnose("R9", store=store, check=True)
    assert d.territory.iri == SOLD + "t-region"
    assert [c.item.label for c in d.chains] == ["CSA", "Solar", "Two shops"]
    assert {t.item.iri.rsplit("/", 1)[-1]: t.count for t in d.sectors if t.count} == {"food": 2}
    assert {s.unit.label: s.chains for s in d.sub_territories} == {"Dep A": 2, "Dep B": 1}
    assert [p.item.label for p in d.policies] == ["Fund"] and d.policies[0].carrier.label == "Authority"
    assert d.policies[0].supported_chains == 1
    assert [s.actor.label for s in d.signatories] == ["Farm"]
    assert [e.item.label for e in d.gaps.excess_intermediaries] == ["Two shops"]
    assert d.gaps.excess_intermediaries[0].recorded == 2
    assert {(m.item.label, m.missing) for m in d.gaps.missing} >= {("Solar", "coordinates"), ("Solar", "sector")}
    farm = next(a for a in d.actors if a.item.label == "Farm")
    assert (farm.chains, farm.sectors) == (3, 2) and farm in d.connected_actors
    # solkg check on the territory's data: the food chain with two intermediaries breaks the shape
    assert any(f.focus == SOLD + "t-chain2" and "intermediar" in f.message for f in d.gaps.findings)
    # a département beside its parent and its sibling, per 100,000 inhabitants
    dep = diagnose("D1", store=store, check=False)
    rel = {c.relation: c for c in dep.comparison}
    assert rel["self"].chains_per_inhabitants == 1.0 and rel["parent"].chains_per_inhabitants == 1.0
    assert [c.unit.label for c in dep.comparison if c.relation == "sibling"] == ["Dep B"]


def test_json_holds_what_the_named_queries_return(store):
    d = diagnose("sold:t-dep-a", store=store, check=False)
    doc = json.loads(render(d, "json"))
    assert doc["queries"], "the JSON keeps every query's rows"
    known = {q.name: q for q in diagnose_queries()}
    for run in doc["queries"]:
        result = run_query(known[run["name"]], store=store, params=run["params"], limit=None)
        assert run["variables"] == result.variables
        rows = [{v: sparql_json_term(term) for v, term in zip(result.variables, row, strict=True) if term is not None}
                for row in result.rows]
        # the same rows; the queries leave their order open and solkg sorts them (sort_rows)
        assert sorted(map(json.dumps, run["bindings"])) == sorted(map(json.dumps, rows)), run["name"]
        assert run["bindings"] == [{v: sparql_json_term(term) for v, term in zip(result.variables, row, strict=True)
                                    if term is not None} for row in sort_rows(result.rows)], run["name"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_section_in_both_languages(store, lang):
    from solkg.diagnose.i18n import t

    d = diagnose("R9", store=store, lang=lang, check=False)
    md = render(d, "md")
    page = render(d, "html")
    for section in SECTIONS:
        title = t(lang, section)
        assert f"## {title}" in md
        assert f'id="{section}"' in page and title in page
    assert f'<html lang="{lang}">' in page
    if lang == "fr":
        assert "Région T" in md and "circuits" in md


def test_territory_with_no_data_is_all_gaps(store, run, tmp_path):
    d = diagnose("E0", store=store, check=True)
    assert d.chains == [] and d.policies == []
    assert len(d.gaps.sectors_without_chain) == len(d.sectors) == 16  # every sector of solv:sector
    assert d.key_messages[0].kind == "gap"
    text = render(d, "md")
    assert "No short supply chain of Empty land" in text and "Sectors with no chain (16)" in text


def test_cli_unknown_territory_exits_2_with_suggestions(run, built):
    result = run("diagnose", "Drome (example territory", "--store", str(built / ".solkg" / "store"))
    assert result.exit_code == 2
    assert "unknown territory" in result.stderr and "did you mean" in result.stderr
    assert "sold:example-territory-drome" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_formats(run, built, tmp_path):
    store = str(built / ".solkg" / "store")
    result = run("diagnose", "sold:example-territory-lyon", "--store", store, "--format", "json", "--no-check")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["figures"]["chains"] == 2 and doc["territory"]["label"] == "Lyon metropolitan area (example territory)"
    out = tmp_path / "lyon.md"
    result = run("diagnose", "sold:example-territory-lyon", "--store", store, "-o", str(out), "--lang", "fr")
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# Diagnostic territorial")


def test_pdf_opens_and_holds_the_figures(store, tmp_path):
    from pypdf import PdfReader

    from solkg.diagnose import write_report

    d = diagnose("R9", store=store, check=True)
    path = write_report(d, tmp_path / "region.pdf", "pdf")
    reader = PdfReader(str(path))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert "Region T" in text and "Synthesis: key messages" in text
    assert "chains: 3" in text and f"actors: {len(d.actors)}" in text and len(d.actors) == 4
    for message in d.key_messages:
        assert message.text[:40] in text
    assert "Two shops: 2 / 2" in text  # the food chain with too many intermediaries
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / "diagnose-region.pdf")


@pytest.mark.browser
@pytest.mark.slow
def test_html_renders_in_chromium_with_charts_and_map(store, tmp_path):
    from serve_fixtures import CHROMIUM
    from serve_fixtures import CHROMIUM_ARGS as ARGS

    from solkg.diagnose import write_report

    d = diagnose("R9", store=store, check=True)
    path = write_report(d, tmp_path / "region.html", "html")
    assert "<script" not in path.read_text(encoding="utf-8")  # no script; no request leaves the file (below)
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        assert page.locator("h1").inner_text() == "Region T"
        bars = page.locator("svg.chart rect.bar")
        assert bars.count() >= 12
        box = bars.first.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 5
        basemap = page.locator("svg.basemap")
        assert basemap.is_visible() and basemap.bounding_box()["height"] > 200
        assert page.locator("svg.basemap g.countries path").count() > 0
        assert page.locator("svg.basemap g.cluster").count() == 1  # two chains at one place
        assert "community supported agriculture (1)" in page.locator(".legend").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "diagnose-region.png"), full_page=True)
        browser.close()
    assert all(u.startswith("file:") or u.startswith("data:") for u in requests), requests


def test_serve_diagnosis_page(server):
    page = server.get("/id/example-territory-drome", Accept="text/html").text
    assert 'href="/diagnose?territory=https%3A%2F%2Fw3id.org%2Fsolkg%2Fid%2Fexample-territory-drome"' in page
    r = server.get("/diagnose?territory=https%3A%2F%2Fw3id.org%2Fsolkg%2Fid%2Fexample-territory-drome",
                   Accept="text/html")
    assert r.status == 200 and "<svg" in r.text and 'id="gaps"' in r.text
    assert 'href="/id/example-amap-val-de-drome"' in r.text  # linked to the served pages
    doc = json.loads(server.get("/diagnose?territory=sold:example-territory-drome&format=json").body)
    assert doc["figures"]["chains"] == 3
    missing = server.get("/diagnose?territory=Drome%20(example", Accept="text/html")
    assert missing.status == 404 and "did you mean" in missing.text
    assert server.get("/map/basemap.geojson").status == 200


def test_link_by_coordinates_places_points_in_their_departement(store):
    from solkg.diagnose.locate import containing_department, link_by_coordinates

    assert containing_department(45.76, 4.84) == "69"  # Lyon
    assert containing_department(43.53, 5.45) == "13"  # Aix-en-Provence
    assert containing_department(40.4, -3.7) is None  # Madrid
    links = {(t.subject.value, t.predicate.value, t.object.value) for t in link_by_coordinates(store)}
    # every chain and actor of the fixture that has coordinates has a territory already: no link
    assert not any(s.startswith(SOLD + "t-") for s, _, _ in links)
    bare = ox.Store()
    bare.extend(store.quads_for_pattern(None, None, None))
    bare.remove(next(iter(bare.quads_for_pattern(ox.NamedNode(SOLD + "t-csa"),
                                                  ox.NamedNode("https://w3id.org/solkg/ontology#operatesIn"), None))))
    found = {(t.subject.value, t.object.value) for t in link_by_coordinates(bare)}
    assert (SOLD + "t-csa", SOLD + "fr-department-26") in found  # 45.1 N, 5.1 E: in the Drôme
