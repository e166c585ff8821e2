"""Vocabulary quality checks (queries/checks/*.rq): headers, fixtures, and the project's own vocabulary.

Each check is one SPARQL SELECT run by pyoxigraph over a store where every source file is its own
named graph and the default graph is their union (DESIGN.md). Each check has a fixture
tests/fixtures/checks/<name>.ttl that breaks exactly that rule, with the expected rows beside it.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT

from solkg.query.named import header_lines

CHECKS_DIR = ROOT / "queries" / "checks"
FIXTURES = ROOT / "tests" / "fixtures" / "checks"
CHECKS = sorted(CHECKS_DIR.glob("*.rq"))
CHECK_IDS = [p.stem for p in CHECKS]
GRAPH_NS = "https://w3id.org/solkg/graph/"
HEADER_KEYS = ("title", "description", "severity", "message", "message@fr")
SEVERITIES = {"violation", "warning", "info"}
PLACEHOLDERS = {"entity", "property", "value"}
def parse_header(text: str) -> dict[str, str]:
    """The `# key: value` header lines of a check, read as solkg reads them."""
    keys = {"title", "description", "severity", "message"}
    return {key: value for _, key, value in header_lines(text, keys)}


def load(paths: list[Path], root: Path) -> ox.Store:
    """One named graph per file, solg:<path relative to root>."""
    store = ox.Store()
    for path in paths:
        graph = ox.NamedNode(GRAPH_NS + path.relative_to(root).as_posix())
        with path.open("rb") as f:
            store.load(f, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri(), to_graph=graph)
    return store


def run_check(store: ox.Store, query: str) -> set[tuple]:
    rows = set()
    for sol in store.query(query, use_default_graph_as_union=True):
        entity, prop, value = sol["entity"], sol["property"], sol["value"]
        assert entity is not None, "every result must bind ?entity"
        rows.add((
            entity.value if isinstance(entity, ox.NamedNode) else str(entity),
            prop.value if prop is not None else None,
            str(value) if value is not None else None,
        ))
    return rows


def expected_rows(name: str) -> set[tuple]:
    data = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return {(r["entity"], r["property"], r["value"]) for r in data}


def test_there_are_checks():
    assert len(CHECKS) >= 15, CHECK_IDS


@pytest.mark.parametrize("path", CHECKS, ids=CHECK_IDS)
def test_header_and_syntax(path: Path):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem), "check names are kebab-case"
    text = path.read_text(encoding="utf-8")
    header = parse_header(text)
    for key in HEADER_KEYS:
        assert header.get(key), f"missing or empty '# {key}:' header line"
    assert header["severity"] in SEVERITIES
    for key in ("message", "message@fr"):
        names = {f for _, f, _, _ in string.Formatter().parse(header[key]) if f is not None}
        assert names <= PLACEHOLDERS, f"{key} uses unknown placeholders {names - PLACEHOLDERS}"
    results = ox.Store().query(text, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions), "a check is a SELECT query"
    variables = {v.value for v in results.variables}
    assert "entity" in variables
    assert variables <= PLACEHOLDERS, f"unexpected result variables {variables - PLACEHOLDERS}"
    assert re.search(r"ORDER\s+BY", text, re.IGNORECASE), "checks give their rows in a fixed order"


@pytest.mark.parametrize("path", CHECKS, ids=CHECK_IDS)
def test_fixture_gives_expected_rows(path: Path):
    fixture = FIXTURES / f"{path.stem}.ttl"
    assert fixture.is_file(), f"no failing fixture {fixture.relative_to(ROOT)}"
    rows = run_check(load([fixture], ROOT), path.read_text(encoding="utf-8"))
    expected = expected_rows(path.stem)
    assert expected, "a fixture must make its check fail"
    assert rows == expected


@pytest.mark.parametrize("path", CHECKS, ids=CHECK_IDS)
def test_fixture_breaks_only_its_own_rule(path: Path):
    store = load([FIXTURES / f"{path.stem}.ttl"], ROOT)
    others = {
        other.stem: rows
        for other in CHECKS
        if other != path and (rows := run_check(store, other.read_text(encoding="utf-8")))
    }
    assert others == {}


def test_every_fixture_has_a_check():
    stems = {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")}
    stems |= {p.stem for p in FIXTURES.glob("*.ttl")}
    assert stems == set(CHECK_IDS)


def project_files() -> list[Path]:
    files = []
    for folder in ("ontology", "shapes", "data"):
        files += sorted((ROOT / folder).glob("*.ttl"))
    return files


@pytest.fixture(scope="module")
def project_store() -> ox.Store:
    files = project_files()
    assert any(p.parent.name == "ontology" for p in files), "no ontology/*.ttl to check"
    return load(files, ROOT)


@pytest.mark.parametrize("path", CHECKS, ids=CHECK_IDS)
def test_project_vocabulary_has_no_violation(path: Path, project_store: ox.Store):
    """The real quality gate: ontology/, shapes/ and data/ break no violation-severity check."""
    text = path.read_text(encoding="utf-8")
    rows = run_check(project_store, text)
    if parse_header(text)["severity"] != "violation":
        return
    assert sorted(rows, key=str) == []


def test_project_has_the_contract_terms(project_store: ox.Store):
    """Guards the gate against passing on an empty vocabulary."""
    ask = """PREFIX sol: <https://w3id.org/solkg/ontology#>
    PREFIX owl: <http://www.w3.org/2002/07/owl#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    ASK { sol:ShortSupplyChain a owl:Class . sol:hasProducer a owl:ObjectProperty .
          <https://w3id.org/solkg/vocab/sector> a skos:ConceptScheme . }"""
    assert bool(project_store.query(ask, use_default_graph_as_union=True))
