"""The located-outside-country check (queries/checks/) on partner RDF, and its boxes: those of the
importer's table, kept equal."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from solkg.checks.run import CheckOptions
from solkg.importer.mapping import MAPPINGS_DIR
from solkg.project import Project

ROOT = Path(__file__).resolve().parents[1]
QUERY = ROOT / "queries" / "checks" / "located-outside-country.rq"
PARTNER = ROOT / "tests" / "fixtures" / "import" / "partner-outside-country.ttl"


def test_partner_rdf_linked_to_a_project_territory_is_checked(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = Project().check_files([PARTNER])
    found = [f for f in report.findings if f.check == "located-outside-country"]
    assert [f.focus.value for f in found] == ["https://w3id.org/solkg/id/partner-csa-swapped"]
    assert found[0].value.value == "https://w3id.org/solkg/id/france"
    assert found[0].source == "tests/fixtures/import/partner-outside-country.ttl"
    assert "latitude and longitude swapped" in found[0].message
    # the project's territory is known to the shapes too: no "must point to a sol:Territory"
    assert not [f for f in report.findings if "Territory" in f.check]
    french = Project().check_files([PARTNER], options=CheckOptions(lang="fr"))
    assert any("latitude et longitude inversées" in f.message for f in french.findings)


def test_the_boxes_of_the_check_are_the_importer_table():
    text = QUERY.read_text(encoding="utf-8")
    rows = re.findall(r'^\s+\("([A-Z]{2})" (\S+) (\S+) (\S+) (\S+)\)$', text, re.M)
    lines = [line for line in (MAPPINGS_DIR / "country-bounding-boxes.csv").read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    table = [(r["code"], r["min_long"], r["min_lat"], r["max_long"], r["max_lat"])
             for r in csv.DictReader(io.StringIO("\n".join(lines)))]
    assert rows == table and len(rows) > 200
    assert "github.com/dkoprowski/country-bounding-boxes" in text  # cited in the header
    assert text.count("0.1") >= 4  # the importer's margin
