"""Named queries (queries/*.rq) run with pyoxigraph on the project's ontology and data.

Every source file is its own named graph and the default graph is their union (DESIGN.md).
Parameters are given as RDF terms through a `VALUES ?name { term }` block injected at the top of
the query's WHERE clause, as the core does; an optional parameter that is not given is left unbound.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from solkg.query import get_query, inject_values, load_query, run_query
from solkg.sources import project_sources
from solkg.store.entail import add_entailed
from solkg.store.summary import add_summary
from solkg.store import load_sources

from conftest import ROOT

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
QUERY_IDS = [p.stem for p in QUERIES]
GRAPH_NS = "https://w3id.org/solkg/graph/"
SOL = "https://w3id.org/solkg/ontology#"
SOLV = "https://w3id.org/solkg/vocab/"
SECTOR = SOLV + "sector/"
PRINCIPLE = SOLV + "principle/"
SOLD = "https://w3id.org/solkg/id/"
REQUIRED = ["chains-per-sector-territory", "food-chains-by-intermediaries", "actors-in-several-chains",
            "policies-in-territory", "charter-signatories", "concepts-of-scheme", "chains-by-principle",
            "describe-chain"]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The project's ontology and data, one named graph per file, and the derived graphs (as `solkg build`)."""
    store = load_sources(project_sources(kinds=("ontology", "data")))
    add_entailed(store)
    add_summary(store)
    return store


def run(store: ox.Store, name: str, **given: str):
    """Run the named query through solkg's own query module, parameters typed by its header."""
    result = run_query(get_query(name), store=store, params=given, limit=None)
    if result.form == "SELECT":
        return [dict(zip(result.variables, row, strict=True)) for row in result.rows]
    return result.boolean if result.form == "ASK" else result.triples


def v(term) -> str | None:
    """Lexical value of a term (None when unbound)."""
    return None if term is None else term.value


# --- every query -------------------------------------------------------------------------------

def test_required_queries_exist():
    assert len(QUERIES) >= 10
    assert set(REQUIRED) <= set(QUERY_IDS)


@pytest.mark.parametrize("path", QUERIES, ids=QUERY_IDS)
def test_header_and_order(path: Path, store: ox.Store):
    query = load_query(path)
    assert query.title and query.description
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem)
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", body), f"parameter ?{param.name} is not used in the query"
    if query.form == "SELECT":
        assert re.search(r"ORDER\s+BY[^}]*\Z", body, re.IGNORECASE), "SELECT without a final ORDER BY"
    run(store, path.stem)  # runs with its defaults


@pytest.mark.parametrize("path", [p for p in QUERIES if "SELECT" in p.read_text()], ids=lambda p: p.stem)
def test_results_are_deterministic(path: Path, store: ox.Store):
    first = [{k: str(t) for k, t in row.items()} for row in run(store, path.stem)]
    assert first == [{k: str(t) for k, t in row.items()} for row in run(store, path.stem)]


def test_injection_binds_terms_not_text():
    q = "SELECT ?x WHERE { ?x <http://www.w3.org/2004/02/skos/core#inScheme> ?scheme ; ?p ?o FILTER(LANG(?o) = ?lang) }"
    out = inject_values(q, {"lang": ox.Literal('en" } ?evil {'), "scheme": ox.NamedNode(SOLV + "sector")})
    assert '"en\\" } ?evil {"' in out
    assert f"<{SOLV}sector>" in out
    assert "?lang" not in out and "?scheme" not in out
    ox.Store().query(out)


def test_injection_keeps_variables_sparql_needs():
    """Projected, grouped and BOUND-tested parameters stay variables, bound by VALUES; the body uses the term."""
    q = ("SELECT ?c (COUNT(?a) AS ?n) WHERE { ?c ?p ?a FILTER(!BOUND(?max) || ?a <= ?max) } "
         "GROUP BY ?c ORDER BY ?c")
    out = inject_values(q, {"c": ox.NamedNode("http://e/c"), "max": ox.Literal("3")})
    assert out.startswith("SELECT ?c (COUNT(?a) AS ?n) WHERE { VALUES (?c ?max) { (<http://e/c> \"3\") }")
    assert "<http://e/c> ?p ?a" in out and "BOUND(?max)" in out and out.endswith("GROUP BY ?c ORDER BY ?c")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/c"), ox.NamedNode("http://e/p"), ox.Literal("2"), ox.DefaultGraph()))
    store.add(ox.Quad(ox.NamedNode("http://e/d"), ox.NamedNode("http://e/p"), ox.Literal("1"), ox.DefaultGraph()))
    rows = list(store.query(out))
    assert [(r["c"].value, int(r["n"].value)) for r in rows] == [("http://e/c", 1)]


# --- meaningful rows ---------------------------------------------------------------------------

def food_chains(store: ox.Store) -> dict[str, int | None]:
    rows = store.query(f"""
        PREFIX sol: <{SOL}>
        SELECT DISTINCT ?c ?n WHERE {{
          ?c a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* sol:ShortFoodSupplyChain .
          OPTIONAL {{ ?c sol:intermediaryCount ?n }} }}""", use_default_graph_as_union=True)
    return {r["c"].value: (int(r["n"].value) if r["n"] is not None else None) for r in rows}


def test_food_chains_by_intermediaries(store: ox.Store):
    expected = food_chains(store)
    assert len(expected) >= 3
    rows = run(store, "food-chains-by-intermediaries")
    got = {v(r["chain"]): (int(v(r["intermediaryCount"])) if r["intermediaryCount"] else None) for r in rows}
    assert got == expected
    assert len(rows) == len(expected), "one row per chain"
    counts = [got[v(r["chain"])] for r in rows if r["intermediaryCount"] is not None]
    assert counts == sorted(counts)
    by_chain = {v(r["chain"]): r for r in rows}
    amap = by_chain[SOLD + "example-amap-val-de-drome"]
    assert v(amap["class"]) == SOL + "CommunitySupportedAgriculture"
    assert v(amap["label"]) == "Val de Drôme AMAP (example)"
    grocery = by_chain[SOLD + "example-epicerie-local-vegetables"]
    assert v(grocery["recordedIntermediaries"]) == "1"  # sol:hasDistributor ⊑ sol:hasIntermediary
    only_direct = run(store, "food-chains-by-intermediaries", max="0")
    assert {v(r["chain"]) for r in only_direct} == {c for c, n in expected.items() if n == 0}


def test_chains_per_sector_territory(store: ox.Store):
    rows = run(store, "chains-per-sector-territory")
    cells = {(v(r["sector"]), v(r["territory"])): int(v(r["chains"])) for r in rows}
    assert cells[(SECTOR + "energy", SOLD + "france")] >= 1
    assert cells[(SECTOR + "food", SOLD + "example-territory-drome")] == 2
    assert all(r["sectorLabel"].language == "en" for r in rows if r["sector"] is not None)
    counts = [int(v(r["chains"])) for r in rows]
    assert counts == sorted(counts, reverse=True)
    fr = run(store, "chains-per-sector-territory", lang="fr")
    assert {r["sectorLabel"].value for r in fr if r["sector"] is not None} >= {"énergie"}


def test_chains_per_sector_territory_without_sector_or_territory(store: ox.Store):
    """A chain with no sector and no territory is counted in a row with both empty, not matched
    to some other entity's label (an OPTIONAL on an unbound variable matches everything)."""
    extra = ox.Store()
    extra.extend(store)
    lone = ox.NamedNode(SOLD + "test-lone-chain")
    extra.add(ox.Quad(lone, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(SOL + "CulturalCSA"), ox.NamedNode(GRAPH_NS + "test")))
    add_summary(extra)  # the counts are the summary graph's: made again from the data, as build does
    rows = run(extra, "chains-per-sector-territory")
    empty = [r for r in rows if r["sector"] is None or r["territory"] is None]
    assert len(empty) == 1
    assert empty[0]["sector"] is None and empty[0]["territory"] is None
    assert empty[0]["sectorLabel"] is None and empty[0]["territoryLabel"] is None
    assert v(empty[0]["chains"]) == "1"
    before = run(store, "chains-per-sector-territory")
    assert sum(int(v(r["chains"])) for r in rows) == sum(int(v(r["chains"])) for r in before) + 1


def test_actors_in_several_chains(store: ox.Store):
    rows = run(store, "actors-in-several-chains")
    actors = {v(r["actor"]): (int(v(r["chains"])), int(v(r["sectors"]))) for r in rows}
    # the farm produces for the AMAP, the farm shop and the solar sharing scheme
    assert actors[SOLD + "example-farm-la-riviere"][0] == 3
    # the Biocoop prosumer is in one chain but in two sectors (energy, food)
    assert actors[SOLD + "biocoop-store-2019"] == (1, 2)
    assert all(c >= 2 or s >= 2 for c, s in actors.values())
    assert SOLD + "neighbouring-building-2019" not in actors


def test_actors_in_several_chains_counts_what_the_domain_makes_a_chain(store: ox.Store):
    # sol:hasParticipant's rdfs:domain is sol:ShortSupplyChain: an untyped subject is a chain too
    extra = ox.Store()
    extra.extend(store)
    actor, g = ox.NamedNode(SOLD + "test-actor"), ox.NamedNode(GRAPH_NS + "test")
    for slug, prop in (("test-untyped-a", "hasProducer"), ("test-untyped-b", "hasConsumer")):
        extra.add(ox.Quad(ox.NamedNode(SOLD + slug), ox.NamedNode(SOL + prop), actor, g))
    add_summary(extra)  # the counts are the summary graph's: made again from the data, as build does
    rows = run(extra, "actors-in-several-chains")
    assert [(int(v(r["chains"])), int(v(r["sectors"]))) for r in rows if v(r["actor"]) == actor.value] == [(2, 0)]


def test_policies_in_territory(store: ox.Store):
    rows = run(store, "policies-in-territory", territory=SOLD + "example-territory-drome")
    assert {v(r["policy"]) for r in rows} == {SOLD + "example-policy-drome-financing-line"}
    assert v(rows[0]["class"]) == SOL + "FinancingLine"
    assert v(rows[0]["supportedChains"]) == "2"
    everywhere = run(store, "policies-in-territory")
    assert {v(r["territory"]) for r in everywhere} >= {SOLD + "example-territory-drome",
                                                      SOLD + "example-territory-lyon"}


def test_charter_signatories(store: ox.Store):
    charter = SOLD + "charter-ess-short-supply-chains-2015"
    rows = run(store, "charter-signatories", charter=charter)
    assert (SOLD + "le-labo-de-l-ess", "launcher") in {(v(r["actor"]), v(r["role"])) for r in rows}
    assert {v(r["charter"]) for r in rows} == {charter}
    assert all(r["charterLabel"].language == "en" for r in rows)
    assert run(store, "charter-signatories", charter=SOLD + "no-such-charter") == []
    assert len(run(store, "charter-signatories")) >= len(rows)


def test_concepts_of_scheme_in_french(store: ox.Store):
    rows = run(store, "concepts-of-scheme", lang="fr")
    concepts = {v(r["concept"]): r for r in rows}
    for slug in ("energy", "finance", "housing", "culture", "food"):
        assert SECTOR + slug in concepts
    assert len(rows) >= 5
    assert all(r["label"].language == "fr" and r["definition"].language == "fr" for r in rows)
    assert concepts[SECTOR + "energy"]["label"].value == "énergie"
    assert all(v(r["scheme"]) == SOLV + "sector" for r in rows)
    assert all(v(r["topConcept"]) == "true" for r in rows)
    principles = run(store, "concepts-of-scheme", scheme=SOLV + "principle")
    assert {PRINCIPLE + p for p in ("cooperation", "transparency", "equity", "social-link")} <= \
        {v(r["concept"]) for r in principles}
    assert all(r["label"].language == "en" for r in principles)


def test_chains_by_principle(store: ox.Store):
    rows = run(store, "chains-by-principle", principle=PRINCIPLE + "cooperation")
    assert {v(r["chain"]) for r in rows} == {SOLD + "example-amap-val-de-drome", SOLD + "example-amacca-lyon"}
    assert {v(r["principleLabel"]) for r in rows} == {"cooperation"}


def test_describe_chain(store: ox.Store):
    chain = SOLD + "collective-self-consumption-2019-example"
    triples = run(store, "describe-chain", chain=chain)
    spo = {(t.subject.value, t.predicate.value, t.object.value) for t in triples}
    assert (chain, SOL + "inSector", SECTOR + "energy") in spo
    assert (chain, SOL + "hasProducer", SOLD + "biocoop-store-2019") in spo
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert (SOLD + "biocoop-store-2019", rdf_type, SOL + "Consumer") in spo
    labels = {(s, o) for s, p, o in spo if p == "http://www.w3.org/2004/02/skos/core#prefLabel"}
    assert (SECTOR + "energy", "énergie") in labels
    assert {s for s, _, _ in spo} <= {chain, SOLD + "biocoop-store-2019", SOLD + "renewable-energy-producer-2019",
                                      SOLD + "neighbouring-building-2019", SOLD + "france", SECTOR + "energy",
                                      SOLV + "mechanism/energy-sharing"} | {
        PRINCIPLE + p for p in ("collective-awareness", "information-sharing", "inter-knowledge", "proximity")}


def test_chains_near(store: ox.Store):
    lyon = run(store, "chains-near", minLat="45.5", maxLat="46", minLong="4.5", maxLong="5")
    assert {v(r["chain"]) for r in lyon} == {SOLD + "example-epicerie-local-vegetables", SOLD + "example-amacca-lyon"}
    everything = run(store, "chains-near")
    assert len(everything) > len(lyon)
    lats = [float(v(r["lat"])) for r in everything]
    assert lats == sorted(lats)


def test_sectors_overview(store: ox.Store):
    rows = {v(r["sector"]): r for r in run(store, "sectors-overview", lang="fr")}
    assert len(rows) >= 5
    assert v(rows[SECTOR + "food"]["chains"]) == "3"
    assert int(v(rows[SECTOR + "energy"]["chains"])) >= 2
    assert v(rows[SECTOR + "housing"]["chains"]) == "0"
    assert rows[SECTOR + "energy"]["label"].value == "énergie"


def test_sectors_overview_counts_governance_participants(store: ox.Store):
    """An actor that only takes part in the governance of a chain (sol:takesPartInGovernanceOf, as
    actors-in-several-chains and actors-of-chain read it) counts among its sector's actors."""
    extra = ox.Store()
    extra.extend(store)
    governor, g = ox.NamedNode(SOLD + "test-governor"), ox.NamedNode(GRAPH_NS + "test")
    extra.add(ox.Quad(governor, ox.NamedNode(SOL + "takesPartInGovernanceOf"),
                      ox.NamedNode(SOLD + "example-amap-val-de-drome"), g))
    add_summary(extra)  # the counts are the summary graph's: made again from the data, as build does
    before = {v(r["sector"]): int(v(r["actors"])) for r in run(store, "sectors-overview")}
    after = {v(r["sector"]): int(v(r["actors"])) for r in run(extra, "sectors-overview")}
    assert after[SECTOR + "food"] == before[SECTOR + "food"] + 1
    assert {s: n for s, n in after.items() if s != SECTOR + "food"} == \
        {s: n for s, n in before.items() if s != SECTOR + "food"}


def test_chains_by_class(store: ox.Store):
    rows = {v(r["class"]): r for r in run(store, "chains-by-class")}
    assert v(rows[SOL + "ShortFoodSupplyChain"]["superClass"]) == SOL + "ShortSupplyChain"
    assert v(rows[SOL + "ShortFoodSupplyChain"]["total"]) == "3"
    assert v(rows[SOL + "ShortFoodSupplyChain"]["direct"]) == "1"
    total = int(v(rows[SOL + "ShortSupplyChain"]["total"]))
    assert total == sum(int(v(r["direct"])) for r in rows.values())


def test_actors_of_chain(store: ox.Store):
    rows = run(store, "actors-of-chain", chain=SOLD + "example-epicerie-local-vegetables")
    roles = {(v(r["actor"]), v(r["role"])) for r in rows}
    assert roles == {(SOLD + "example-market-gardener", SOL + "hasProducer"),
                     (SOLD + "example-epicerie-croix-rousse", SOL + "hasDistributor"),
                     (SOLD + "example-lyon-households", SOL + "hasConsumer")}
    amacca = {(v(r["actor"]), v(r["role"])) for r in run(store, "actors-of-chain", chain=SOLD + "amacca")}
    assert (SOLD + "amacca-citizen-spectator-producers", SOL + "takesPartInGovernanceOf") in amacca


def test_concepts_of_scheme_falls_back_to_one_language(store: ox.Store):
    # no German in the vocabulary: label and definition both fall back to English, never one each
    rows = run(store, "concepts-of-scheme", lang="de")
    assert len(rows) >= 5
    for r in rows:
        assert r["label"].language == "en" and r["definition"].language == "en", v(r["concept"])
    french = run(store, "concepts-of-scheme", lang="fr")
    assert all(r["label"].language == "fr" and r["definition"].language == "fr" for r in french)
