"""The solkg import command: options, exit codes, outputs."""

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from solkg.cli.importing import import_

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "standard-small.csv"


@pytest.fixture
def cli():
    @click.group()
    def group():
        pass

    group.add_command(import_)
    return group


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
