"""solkg import with the sse-standard mapping: the small fixture, end to end."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from solkg.errors import InputError
from solkg.importer import check_import, import_file, list_mappings, load_mapping
from solkg.importer.convert import id_slug
from solkg.release.export import strip_contacts

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "standard-small.csv"
SOLD = "https://w3id.org/solkg/id/"
SOL = "https://w3id.org/solkg/ontology#"


@pytest.fixture(scope="module")
def result():
    return import_file(FIXTURE, mapping="sse-standard")


def sse(identifier):
    """The local name of the actor of a source identifier (lower-case slug, hash when case is lost)."""
    return "sse-" + id_slug(identifier)


def objects(result, subject, predicate):
    return sorted(q.object.value for q in result.quads
                  if q.subject.value == SOLD + subject and q.predicate.value == predicate)


def by_check(findings):
    out = {}
    for f in findings:
        out.setdefault(f.check, []).append(f.where.rsplit("/", 1)[-1])  # path relative to the current folder, line
    return out


def test_counts(result):
    assert result.counts["records"] == 9
    assert result.counts["imported"] == 9  # the duplicate identifier too, under its own IRI, reported
    assert result.counts["not_imported"] == 0


def test_findings_name_file_and_line(result):
    found = by_check(result.findings)
    assert found["import-duplicate-id"] == ["standard-small.csv:11"]
    assert found["import-duplicate"] == ["standard-small.csv:8"]  # same name, 26 m from line 2
    assert found["import-swapped-coordinates"] == ["standard-small.csv:6"]
    assert found["import-country-bounds"] == ["standard-small.csv:7"]
    assert found["import-unknown-country"] == ["standard-small.csv:9"]
    assert sorted(found["import-placeholder"]) == ["standard-small.csv:5", "standard-small.csv:9"]
    assert len(found["import-unknown-code"]) == 3
    assert result.unknown_codes["Activities"] == {"Knitting": [9]}


def test_line_numbers_count_multiline_cells(result):
    # record 1 spans lines 2-3 (a quoted newline), so R000002 starts on line 4
    assert objects(result, sse("R000002"), SOL + "sourceLine") == ["4"]
    assert objects(result, sse("R000001"), SOL + "sourceLine") == ["2"]


def test_essglobal_iris_normalised_and_labels_matched(result):
    ess = "http://purl.org/essglobal/standard/"
    assert objects(result, sse("R000001"), "http://purl.org/essglobal/vocab/economicSector") == [
        ess + "activities-ica/ICA260", ess + "activities-modified/AM60", ess + "activities/a07"]
    assert objects(result, sse("R000001"), "http://purl.org/essglobal/vocab/qualifier") == [ess + "qualifiers/Organic"]
    # labels ("Co-operative", "Multi-stakeholders", "Energy") and aliases ("worker")
    assert objects(result, sse("R000002"), "http://purl.org/essglobal/vocab/organisationalStructure") == [
        ess + "organisational-structure/OS115"]
    assert objects(result, sse("R000002"), "http://purl.org/essglobal/vocab/baseMembershipType") == [
        ess + "base-membership-type/BMT40"]
    assert objects(result, sse("R000003"), "http://purl.org/essglobal/vocab/baseMembershipType") == [
        ess + "base-membership-type/BMT30"]
    assert objects(result, sse("R000002"), SOL + "inSector") == ["https://w3id.org/solkg/vocab/sector/energy"]


def test_coordinates_canonical_and_fallback(result):
    geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    assert objects(result, sse("R000001"), geo + "lat") == ["51.752"]
    assert objects(result, sse("R000003"), geo + "lat") == ["51.4545"]  # from Geo Container Latitude
    assert objects(result, sse("R000004"), geo + "lat") == []  # swapped: reported, not imported


def test_contacts_left_out_unless_opted_in(result):
    assert objects(result, sse("R000001"), "https://schema.org/email") == []
    assert result.counts["contacts_skipped"] == 2
    opted = import_file(FIXTURE, mapping="sse-standard", contacts=True)
    assert objects(opted, sse("R000001"), "https://schema.org/email") == ["info@hilltop.example"]
    assert all(q.predicate.value != "https://schema.org/email" for q in strip_contacts(opted.quads))
    store = strip_contacts(opted.store())
    assert not list(store.quads_for_pattern(None, ox.NamedNode("https://schema.org/telephone"), None))


def test_iris_stable_and_hash_when_no_identifier(result):
    again = import_file(FIXTURE, mapping="sse-standard")
    actors = {q.subject.value for q in result.quads if q.object.value == SOL + "Actor"}
    assert {q.subject.value for q in again.quads if q.object.value == SOL + "Actor"} == actors
    assert any(a.startswith(SOLD + "sse-h") for a in actors)
    assert all(re.fullmatch(re.escape(SOLD) + "[a-z0-9][a-z0-9-]*", a) for a in actors)  # the shapes' slug rule


def test_no_violation_in_check(result):
    report = check_import(result)
    assert report.counts["violation"] == 0, [f for f in report.findings if f.severity == "violation"]


def test_deterministic_with_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a = import_file(FIXTURE, mapping="sse-standard")
    b = import_file(FIXTURE, mapping="sse-standard")
    assert [str(q) for q in a.quads] == [str(q) for q in b.quads]
    assert any("2023-11-14T22:13:20Z" in str(q) for q in a.quads)


def test_mappings_listed_and_loaded():
    names = [n for n, _, _ in list_mappings()]
    assert names == ["sse-standard", "susy"]
    for name in names:
        m = load_mapping(name)
        assert all(t.version for t in m.tables)


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="no shipped mapping"):
        load_mapping("nope")
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        import_file(empty, mapping="sse-standard")
    bad = tmp_path / "b.csv"
    bad.write_bytes("Identifier,Name\n1,Café\n2,".encode() + b"\xff\n")
    with pytest.raises(InputError, match=r"b.csv:3: not UTF-8 \(byte 0xff\) though the rest of the file is"):
        import_file(bad, mapping="sse-standard")
    table = tmp_path / "m.toml"
    table.write_text('[mapping]\nname = "x"\nversion = "1"\n[[lookup]]\nname = "a"\nfield = "f"\ntable = "t.csv"\n')
    (tmp_path / "t.csv").write_text("code,label\n")
    with pytest.raises(InputError, match="version"):
        load_mapping(table)


def test_any_file_of_the_format(tmp_path):
    """Only some columns, another order, TSV: the mapping still works."""
    tsv = tmp_path / "coops.tsv"
    tsv.write_text("Name\tLatitude\tLongitude\tIdentifier\tCountry ID\tPrimary Activity\n"
                   "Bike Co-op\t48.85\t2.35\tB1\tFR\tTransport\n", encoding="utf-8")
    r = import_file(tsv, mapping="sse-standard")
    assert r.counts["imported"] == 1
    assert objects(r, sse("B1"), SOL + "inSector") == ["https://w3id.org/solkg/vocab/sector/mobility"]
    assert check_import(r).counts["violation"] == 0
