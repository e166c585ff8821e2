"""`solkg check`: the report fields, formats, languages and exit codes of DESIGN."""

from __future__ import annotations

import json

import pyoxigraph as ox

PARTNER = """@prefix sol: <https://w3id.org/solkg/ontology#> .
@prefix sold: <https://w3id.org/solkg/id/> .
@prefix sector: <https://w3id.org/solkg/vocab/sector/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .

sold:partner-farm a sol:Producer ; rdfs:label "Partner farm"@en ;
    geo:lat "45.76"^^xsd:decimal ; geo:long "4.84"^^xsd:decimal .
sold:partner-chain a sol:ShortFoodSupplyChain ;
    rdfs:label "Partner chain"@en ;
    sol:inSector sector:food ;
    sol:hasProducer sold:partner-farm ;
    sol:intermediaryCount 3 .
sold:partner-shop a sol:Actor ; rdfs:label "Partner shop"@en ; geo:lat "45,76"^^xsd:decimal .
"""

FIELDS = {"severity", "check", "component", "focus", "path", "value", "message", "source", "line", "record"}


def _partner(tmp_path):
    (tmp_path / "partner.ttl").write_text(PARTNER)
    return "partner.ttl"


def test_json_report_has_design_fields(run, tmp_path):
    result = run("check", _partner(tmp_path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"conforms", "counts", "findings"}
    assert report["conforms"] is False
    assert set(report["counts"]) == {"violation", "warning", "info"}
    assert report["counts"]["violation"] == sum(f["severity"] == "violation" for f in report["findings"])
    for finding in report["findings"]:
        assert set(finding) == FIELDS
        assert finding["severity"] in ("violation", "warning", "info")
        assert finding["source"] == "partner.ttl"
    food = [f for f in report["findings"] if f["focus"] == "https://w3id.org/solkg/id/partner-chain"]
    assert any(f["path"] == "https://w3id.org/solkg/ontology#intermediaryCount"
               and f["component"] == "http://www.w3.org/ns/shacl#MaxInclusiveConstraintComponent"
               and f["value"] == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>' for f in food), food
    shop = [f for f in report["findings"] if f["focus"] == "https://w3id.org/solkg/id/partner-shop"]
    assert any(f["value"] == '"45,76"^^<http://www.w3.org/2001/XMLSchema#decimal>' for f in shop), shop


def test_fail_on_threshold(run, tmp_path):
    partner = _partner(tmp_path)
    assert run("check", partner).exit_code == 1
    project = run("check", "--format", "json")
    counts = json.loads(project.stdout)["counts"]
    assert counts["violation"] == 0
    assert project.exit_code == 0
    strict = run("check", "--fail-on", "warning")
    assert strict.exit_code == (1 if counts["warning"] else 0)
    assert run("check", "--fail-on", "info").exit_code == (1 if counts["warning"] + counts["info"] else 0)


def test_messages_in_french(run, tmp_path):
    partner = _partner(tmp_path)
    en = json.loads(run("check", partner, "--format", "json").stdout)["findings"]
    fr = json.loads(run("check", partner, "--format", "json", "--lang", "fr").stdout)["findings"]
    assert [f["focus"] for f in en] == [f["focus"] for f in fr]
    assert any(a["message"] != b["message"] for a, b in zip(en, fr, strict=True))
    text = run("check", partner, "--lang", "fr").stdout
    assert "conforme : non" in text


def test_text_report_groups_by_file(run, tmp_path):
    text = run("check", _partner(tmp_path)).stdout
    lines = text.splitlines()
    assert lines[0] == "partner.ttl"
    assert any("VIOLATION" in line and "sold:partner-chain" in line for line in lines)
    assert lines[-1].startswith("conforms: no")


def test_turtle_report_is_a_shacl_validation_report(run, tmp_path):
    out = run("check", _partner(tmp_path), "--format", "turtle").stdout
    store = ox.Store()
    store.load(out, ox.RdfFormat.TURTLE)
    sh = "http://www.w3.org/ns/shacl#"
    assert store.query(f"ASK {{ ?r a <{sh}ValidationReport> ; <{sh}conforms> false ; <{sh}result> ?x . "
                       f"?x <{sh}focusNode> <https://w3id.org/solkg/id/partner-chain> ; "
                       f"<{sh}resultSeverity> <{sh}Violation> }}")


def test_check_a_built_store(run, built, monkeypatch):
    monkeypatch.chdir(built)
    result = run("check", "--store", ".solkg/store", "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["counts"]["violation"] == 0


def test_findings_on_imported_data_name_the_tabular_file_and_line(run, tmp_path):
    import shutil
    from pathlib import Path

    csv = Path(__file__).resolve().parent / "fixtures" / "import" / "standard-small.csv"
    shutil.copy(csv, tmp_path / "coops.csv")
    assert run("import", "coops.csv", "--mapping", "sse-standard", "-o", "coops.ttl").exit_code == 0
    ttl = tmp_path / "coops.ttl"
    lines = ttl.read_text().splitlines()
    first_label = next(i for i, line in enumerate(lines) if "rdfs:label" in line and "Co-op" in line)
    ttl.write_text("\n".join(lines[:first_label] + lines[first_label + 1:]) + "\n")  # one record loses its label
    report = json.loads(run("check", "coops.ttl", "--format", "json").stdout)
    sources = {(f["source"], f["line"]) for f in report["findings"] if f["severity"] == "violation"}
    assert len(sources) == 1
    (source,) = sources
    assert source[0] == "coops.csv" and isinstance(source[1], int) and source[1] > 1


SPELLED = """@prefix sol: <https://w3id.org/solkg/ontology#> .
@prefix sold: <https://w3id.org/solkg/id/> .
@prefix sector: <https://w3id.org/solkg/vocab/sector/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .

sold:spelled-chain a sol:ShortFoodSupplyChain ; rdfs:label "Spelled chain"@en ; sol:inSector sector:food ;
    sol:hasProducer sold:spelled-farm ; sol:intermediaryCount "3"^^xsd:nonNegativeInteger .
sold:spelled-farm a sol:Producer ; rdfs:label "Spelled farm"@en ;
    geo:lat "95.0"^^xsd:decimal ; geo:long "4.840"^^xsd:decimal .
"""


def test_values_are_the_data_own_terms_as_pyshacl_reports_them(run, tmp_path):
    """The store canonicalises literals ("95.0" -> "95", nonNegativeInteger -> integer); reports do not."""
    import pyshacl
    import rdflib

    from solkg.sources import project_root

    (tmp_path / "spelled.ttl").write_text(SPELLED)
    report = json.loads(run("check", "spelled.ttl", "--format", "json").stdout)
    ours = {(f["focus"], f["path"], f["value"]) for f in report["findings"]
            if f["value"] and f["value"].startswith('"')}
    assert ('https://w3id.org/solkg/id/spelled-farm', 'http://www.w3.org/2003/01/geo/wgs84_pos#lat',
            '"95.0"^^<http://www.w3.org/2001/XMLSchema#decimal>') in ours
    assert ('https://w3id.org/solkg/id/spelled-chain', 'https://w3id.org/solkg/ontology#intermediaryCount',
            '"3"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>') in ours
    # pySHACL, reading the file itself (no store in between), names the same terms
    data = rdflib.Graph().parse(tmp_path / "spelled.ttl", format="turtle")
    for path in sorted((project_root() / "ontology").glob("*.ttl")):
        data.parse(path, format="turtle")
    shapes = rdflib.Graph()
    for path in sorted((project_root() / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    _, graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    theirs = {(str(graph.value(r, sh.focusNode)), str(graph.value(r, sh.resultPath)), graph.value(r, sh.value).n3())
              for r in graph.objects(None, sh.result) if isinstance(graph.value(r, sh.value), rdflib.Literal)}
    assert ours == theirs


ILL_TYPED_UNSHAPED = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:thing ex:when "2019-02-30"^^xsd:date .
"""


def test_turtle_report_names_no_invented_shape(run, tmp_path):
    """Findings that no shape made are sol:CheckResult, not sh:ValidationResult with a made-up sh:sourceShape."""
    from solkg.sources import project_root

    (tmp_path / "partner.ttl").write_text(PARTNER)
    (tmp_path / "unshaped.ttl").write_text(ILL_TYPED_UNSHAPED)
    sh, sol = "http://www.w3.org/ns/shacl#", "https://w3id.org/solkg/ontology#"
    shapes = ox.Store()
    for path in sorted((project_root() / "shapes").glob("*.ttl")):
        shapes.load(path=str(path), format=ox.RdfFormat.TURTLE)
    for name in ("partner.ttl", "unshaped.ttl"):
        out = run("check", name, "--format", "turtle").stdout
        report = ox.Store()
        report.load(out, ox.RdfFormat.TURTLE)
        for row in report.query(f"SELECT ?shape WHERE {{ ?r a <{sh}ValidationResult> ; <{sh}sourceShape> ?shape }}"):
            shape = row["shape"]
            assert any(shapes.quads_for_pattern(shape, None, None)), f"{shape} is not a shape of shapes/"
        has_results = report.query(f"ASK {{ ?rep <{sh}result> ?r }}")
        assert report.query(f"ASK {{ ?rep <{sh}conforms> {'false' if has_results else 'true'} }}")
    # the ill-typed literal outside any shape: a check result that names its check, no shape
    assert report.query(f"ASK {{ ?rep <{sol}checkResult> ?r . ?r a <{sol}CheckResult> ; "
                        f"<{sol}check> <https://w3id.org/solkg/check/ill-typed-literal> ; "
                        f"<{sh}focusNode> <http://example.org/thing> . "
                        f"FILTER NOT EXISTS {{ ?r <{sh}sourceShape> ?s }} }}")
    assert report.query(f"ASK {{ ?rep <{sh}conforms> true }}")  # SHACL's conforms: no shape result
