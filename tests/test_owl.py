"""`solkg check --owl`: OWL 2 DL consistency and unsatisfiable classes with HermiT.

Without Java: tests/test_optional_dependencies.py.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from solkg.checks import CheckOptions, check_store
from solkg.store.graphs import Graphs
from solkg.sources import project_sources
from solkg.store import load_sources

BROKEN = b"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sol: <https://w3id.org/solkg/ontology#> .
<https://w3id.org/solkg/ontology#BrokenChain> a owl:Class ;
    rdfs:subClassOf sol:ShortSupplyChain, sol:Actor .
"""


@pytest.mark.java
@pytest.mark.slow
def test_project_ontology_is_consistent(run):
    result = run("check", "--owl", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert '"owl-consistency"' not in result.stdout


@pytest.mark.java
@pytest.mark.slow
def test_unsatisfiable_class_is_a_finding():
    store = load_sources(project_sources(kinds=("ontology", "shapes")))
    # chains and actors are disjoint in the ontology: a class under both can have no instance
    store.load(BROKEN, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/solkg/graph/ontology/broken.ttl"))
    report = check_store(store, Graphs.of(store), options=CheckOptions(owl=True, sparql_checks=False))
    owl = [f for f in report.findings if f.check == "owl-consistency"]
    assert [f.focus.value for f in owl] == ["https://w3id.org/solkg/ontology#BrokenChain"]
    assert owl[0].severity == "violation" and "unsatisfiable" in owl[0].message
