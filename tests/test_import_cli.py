"""The solkg import command: options, exit codes, outputs."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import import_group

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "standard-small.csv"


@pytest.fixture(scope="module")
def cli():
    return import_group()


def test_list_mappings(cli):
    out = CliRunner().invoke(cli, ["import", "--list-mappings"])
    assert out.exit_code == 0
    assert "susy" in out.output and "sse-standard" in out.output


def test_import_to_file_and_exit_codes(cli, tmp_path):
    runner = CliRunner()
    target = tmp_path / "out.nq"
    out = runner.invoke(cli, ["import", str(FIXTURE), "--mapping", "sse-standard", "-o", str(target)])
    assert out.exit_code == 0, out.output
    assert "standard-small.csv" in target.read_text()  # graph solg:<file> in N-Quads
    assert "line 6" in out.output and "import-swapped-coordinates" in out.output
    strict = runner.invoke(cli, ["import", str(FIXTURE), "--mapping", "sse-standard", "-o", str(target), "--strict"])
    assert strict.exit_code == 1


def test_json_report(cli, tmp_path):
    out = CliRunner().invoke(cli, ["import", str(FIXTURE), "--mapping", "sse-standard", "-o",
                                   str(tmp_path / "x.ttl"), "--report-format", "json", "--lang", "fr"])
    doc = json.loads(out.output)
    assert doc["counts"]["violation"] == 0
    assert doc["import"]["unknown_codes"]["Country ID"] == {"XX": [9]}
    assert any("inversées" in f["message"] for f in doc["findings"])


def test_errors_are_one_line(cli, tmp_path):
    runner = CliRunner()
    for args in (["import", "missing.csv", "--mapping", "susy"], ["import", str(FIXTURE), "--mapping", "nope"],
                 ["import", str(FIXTURE)], ["import", str(FIXTURE), "--mapping", "susy", "--format", "xyz"]):
        out = runner.invoke(cli, args)
        assert out.exit_code == 2, (args, out.output)
        assert out.output.count("\n") == 1 and out.output.startswith("solkg: error:")


CASES = Path(__file__).parent / "fixtures" / "import" / "cases"


def test_delimiter_and_encoding_detected_or_given(cli, tmp_path):
    runner = CliRunner()
    french = CASES / "french-export.csv"
    args = ["import", str(french), "--mapping", str(CASES / "french.toml"), "-o", str(tmp_path / "f.ttl")]
    detected = runner.invoke(cli, args)
    assert detected.exit_code == 0, detected.output
    assert "';'-delimited (detected from the header)" in detected.output
    assert "imported 13 of 13 records" in detected.output
    forced = runner.invoke(cli, [*args, "--delimiter", ","])  # the wrong one, given: said, not second-guessed
    assert forced.exit_code == 1
    assert "required column \"Identifiant\" is not in the file" in forced.output
    given = runner.invoke(cli, [*args, "--delimiter", "semicolon", "--encoding", "utf-8-sig"])
    assert given.exit_code == 0 and "detected" not in given.output
    cp = runner.invoke(cli, ["import", str(CASES / "cp1252.csv"), "--mapping", str(CASES / "basic.toml"),
                             "--encoding", "latin-1", "-o", str(tmp_path / "c.ttl")])
    assert cp.exit_code == 0 and "read as" not in cp.output
    assert "Café du Marché" in (tmp_path / "c.ttl").read_text(encoding="utf-8")


def test_country_and_territory_of_the_run(cli, tmp_path):
    runner = CliRunner()
    args = ["import", str(CASES / "no-country.csv"), "--mapping", str(CASES / "basic.toml"), "-o",
            str(tmp_path / "o.ttl"), "--strict"]
    assert runner.invoke(cli, args).exit_code == 0  # nothing to check against
    with_country = runner.invoke(cli, [*args, "--country", "FR"])
    assert with_country.exit_code == 1
    assert "latitude and longitude look swapped (4.85, 45.75)" in with_country.output
    assert "the country given for this import" in with_country.output
    with_territory = runner.invoke(cli, [*args, "--territory", "sold:france"])
    assert with_territory.exit_code == 1
    assert "the country of the territory sold:france" in with_territory.output


def test_json_import_findings_say_record_and_line(cli, tmp_path):
    out = CliRunner().invoke(cli, ["import", str(CASES / "non-objects.json"), "--mapping", str(CASES / "basic.toml"),
                                   "-o", str(tmp_path / "n.ttl")])
    assert out.exit_code == 1  # records not imported are violations: never exit 0
    assert "VIOLATION record 2 (line 3)" in out.output
    assert "imported 2 of 5 records" in out.output
    doc = json.loads(CliRunner().invoke(cli, ["import", str(CASES / "non-objects.json"), "--mapping",
                                              str(CASES / "basic.toml"), "-o", str(tmp_path / "n.ttl"),
                                              "--report-format", "json"]).output)
    lost = [f for f in doc["findings"] if f["check"] == "import-not-a-record"]
    assert [(f["record"], f["line"]) for f in lost] == [(2, 3), (3, 4), (4, 5)]
    assert doc["import"]["dialect"] == {"format": "json", "encoding": "utf-8", "delimiter": None}


def test_bad_options_are_one_line(cli, tmp_path):
    runner = CliRunner()
    base = ["import", str(CASES / "no-country.csv"), "--mapping", str(CASES / "basic.toml")]
    for extra, needle in ((["--country", "XYZ"], "country 'XYZ'"), (["--encoding", "klingon"], "unknown encoding"),
                          (["--delimiter", "ab"], "delimiter 'ab'"), (["--territory", "not an iri"], "territory")):
        out = runner.invoke(cli, [*base, *extra])
        assert out.exit_code == 2, (extra, out.output)
        assert out.output.count("\n") == 1 and out.output.startswith("solkg: error:") and needle in out.output
