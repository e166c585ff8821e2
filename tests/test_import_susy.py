"""solkg import with the susy mapping: the whole SUSY / SSEDAS file, end to end, and a small GeoJSON."""

import json

import pytest

from conftest import REFERENCE

from solkg.importer import quality
from solkg.importer import check_import, import_file

SUSY = REFERENCE / "susy" / "data.json"
"""The whole SUSY file less its e-mail and phone values (tests/fixtures/reference/README.md)."""
SOL = "https://w3id.org/solkg/ontology#"
SOLD = "https://w3id.org/solkg/id/"


@pytest.fixture(scope="module")
def susy():
    return import_file(SUSY, mapping="susy")


def test_every_feature_imported(susy):
    assert susy.counts["records"] == 1794
    assert susy.counts["imported"] == 1794
    assert susy.counts["nodes_actor"] == 1794
    assert susy.counts["nodes_chain"] > 300


def test_chains_of_the_right_class_with_participants(susy):
    chains = {}
    for q in susy.quads:
        if q.predicate.value.endswith("#type") and q.subject.value.endswith("-farm-shop"):
            chains.setdefault(q.subject.value, set()).add(q.object.value)
    assert chains and all(SOL + "FarmShop" in types for types in chains.values())
    producers = {q.subject.value for q in susy.quads if q.predicate.value == SOL + "hasProducer"}
    assert set(chains) <= producers


def test_quality_finding_counts(susy):
    counts = quality.summarise(susy.findings)
    assert counts["import-duplicate"] >= 10
    assert counts["import-swapped-coordinates"] >= 3
    assert counts["import-country-bounds"] >= 10
    assert counts["import-placeholder"] >= 1
    assert counts["import-unknown-code"] >= 3
    assert counts["import-unused-field"] == 1  # listed once for the file
    per_record = [f for f in susy.findings if not f.focus.value.startswith("https://w3id.org/solkg/graph/")]
    assert per_record and all(f.source and isinstance(f.record, int) for f in per_record)
    assert {f.line for f in per_record} == {None}  # a one-line file: the record number says where


def test_check_has_no_violation(susy):
    report = check_import(susy)
    assert report.counts["violation"] == 0, [f for f in report.findings if f.severity == "violation"][:5]


def test_small_geojson(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"_id": "a1", "name": "AMAP des Lilas", "addr:country": "FR",
                                           "type_of_initiative": "communitysupported_agriculture;food_cooperative",
                                           "contact:email": "x@y.fr"},
         "geometry": {"type": "Point", "coordinates": [2.4167, 48.8800]}},
        {"type": "Feature", "properties": {"_id": "a2", "name": "n/a", "type_of_initiative": "nonsense"},
         "geometry": {"type": "Point", "coordinates": [2.41, 48.88]}},
    ]}
    path = tmp_path / "mini.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = import_file(path, mapping="susy")
    subjects = {q.subject.value for q in r.quads}
    assert SOLD + "susy-a1-communitysupported-agriculture" in subjects
    assert SOLD + "susy-a1-food-cooperative" in subjects  # one chain per type: a CSA has no distributor
    checks = {(f.check, f.source.rsplit("/", 1)[-1], f.record) for f in r.findings}
    assert ("import-unknown-code", "mini.geojson", 2) in checks  # record 2 (the file is one line)
    assert any(c == "import-placeholder" and record == 2 for c, _, record in checks)
    lats = [q.object.value for q in r.quads if q.predicate.value.endswith("#lat")]
    assert "48.88" in lats  # canonical xsd:decimal
    report = check_import(r)
    assert report.counts["violation"] > 0  # feature 2 has no label: reported by the shapes, with its line
    assert all(f.record == 2 and f.line is None for f in report.findings if f.severity == "violation")
