"""The mapping language: every bad mapping refused with one line, where and a suggestion; shipped
and legacy mappings load; every key is documented (docs/mapping.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import import_group
from solkg.errors import InputError
from solkg.importer import import_file, list_mappings, load_mapping
from solkg.importer.mapping import KEYS, KINDS, MAPPINGS_DIR, load_mapping_text

ROOT = Path(__file__).resolve().parents[1]
BAD = sorted((ROOT / "tests" / "fixtures" / "import" / "bad-mappings").glob("*.toml"))
CASES = ROOT / "tests" / "fixtures" / "import" / "cases"
SMALL = ROOT / "tests" / "fixtures" / "import" / "standard-small.csv"
DOC = ROOT / "docs" / "mapping.md"


@pytest.fixture(scope="module")
def cli():
    return import_group()


def expected_error(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# error: "), path.name
    return first.removeprefix("# error: ")


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_mapping_refused_with_one_line(path: Path, monkeypatch):
    monkeypatch.chdir(ROOT)
    relative = path.relative_to(ROOT).as_posix()
    with pytest.raises(InputError) as caught:
        load_mapping(relative)
    assert str(caught.value) == relative + expected_error(path)


def test_bad_mappings_cover_the_issue():
    """The issue's cases: a typo (feild), an unknown field, a node that does not exist, a wrong kind."""
    messages = " ".join(expected_error(p) for p in BAD)
    for needle in ("did you mean 'field'?", "no node 'adress'", "is not one of text|", "unknown table 'nodes'",
                   "no lookup 'activty'", "unknown prefix 'shema'"):
        assert needle in messages, needle


def test_cli_exit_2_one_line_for_a_bad_mapping(cli):
    path = next(p for p in BAD if p.stem == "typo-key")
    out = CliRunner().invoke(cli, ["import", str(SMALL), "--mapping", str(path)])
    assert out.exit_code == 2
    assert out.output.count("\n") == 1 and out.output.startswith("solkg: error: ")
    assert out.output.rstrip().endswith("unknown key 'feild': did you mean 'field'?")


def test_a_field_misspelt_against_the_file_is_refused(tmp_path, monkeypatch):
    """The mapping reads 'Name' and 'ID'; the file has 'name' and 'id': a near miss of a column the
    mapping does not read is a mistake, refused with the column it probably meant."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.toml").write_text('[mapping]\nname = "m"\nversion = "1"\nid_field = "ID"\n[[node]]\nname = "org"\n'
                                     'properties = [{ predicate = "rdfs:label", field = "Name", kind = "text" }]\n',
                                     encoding="utf-8")
    (tmp_path / "d.csv").write_text("id,name\n1,Alpha\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^m.toml:7: field 'Name' is not in d.csv: did you mean 'name'\?"):
        import_file("d.csv", mapping=tmp_path / "m.toml")


def test_a_field_missing_from_the_file_is_not_an_error_but_said(tmp_path):
    """Columns the mapping reads and the file lacks (without a near miss) are one info finding."""
    (tmp_path / "d.csv").write_text("Identifier,Name\nA1,Alpha\n", encoding="utf-8")
    r = import_file(tmp_path / "d.csv", mapping="sse-standard")
    absent = [f for f in r.findings if f.check == "import-absent-columns"]
    assert len(absent) == 1 and "Latitude" in absent[0].message and "SIC code or SIC Code" in absent[0].message


def test_shipped_mappings_load_and_cite_their_tables():
    names = [n for n, _, _ in list_mappings()]
    assert names == ["sse-standard", "susy"]
    for name in names:
        m = load_mapping(name)
        assert m.version.startswith("2.")
        for table in m.tables:
            assert table.version and table.meta.get("source") and table.meta.get("what"), table.name
    for path in MAPPINGS_DIR.glob("*.csv"):
        head = path.read_text(encoding="utf-8").splitlines()[:4]
        assert any(line.startswith("# source: ") for line in head), path.name


def test_the_1_0_format_still_loads_and_imports_the_same_values():
    """Decision: the language grew without renaming a key, so mappings of solkg 0.1 load unchanged
    (only the keys they misspelt, which 0.1 ignored, are refused); IRIs follow the 2.0 rule."""
    legacy = import_file(SMALL, mapping=ROOT / "tests" / "fixtures" / "import" / "legacy-sse-standard-1.0.0.toml")
    current = import_file(SMALL, mapping="sse-standard")
    assert legacy.counts["records"] == current.counts["records"] == 9
    assert legacy.counts["nodes_actor"] == current.counts["nodes_actor"]

    def values(result, predicate):
        return sorted(q.object.value for q in result.quads if q.predicate.value == predicate)

    for predicate in ("http://www.w3.org/2003/01/geo/wgs84_pos#lat", "https://w3id.org/solkg/ontology#inSector",
                      "http://purl.org/essglobal/vocab/economicSector", "http://www.w3.org/2000/01/rdf-schema#label"):
        assert values(legacy, predicate) == values(current, predicate), predicate


def test_every_key_and_kind_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for table, keys in KEYS.items():
        for key in keys:
            assert re.search(rf"`{re.escape(key)}`", text), f"docs/mapping.md does not document {table or 'top'}.{key}"
    for kind in KINDS:
        assert f"`{kind}`" in text, kind
    for check in __import__("solkg.importer.quality", fromlist=["CHECKS"]).CHECKS:
        assert f"`{check}`" in text, check


def test_docs_examples_are_valid_mappings():
    """Every complete mapping in docs/mapping.md (a ```toml block with a [mapping] table) loads."""
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    complete = [b for b in blocks if b.lstrip().startswith(("[mapping]", "#")) and "[mapping]" in b]
    assert len(complete) >= 2
    for block in complete:
        load_mapping_text(block)


def test_case_mappings_are_valid():
    for path in CASES.glob("*.toml"):
        load_mapping(path)


def test_every_import_check_speaks_english_and_french_with_the_same_fields():
    import string

    from solkg.importer import quality

    for check, messages in quality.MESSAGES.items():
        assert set(messages) == {"en", "fr"}, check
        fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in messages.values()]
        assert fields[0] == fields[1], check
        assert quality.SEVERITY[check] in ("violation", "warning", "info")
