"""solkg import on small files, one case per file: tests/fixtures/import/cases/<case>.expected.json.

Each expected file names the input ``file`` and the ``mapping`` (a file beside it, or a shipped
name), the import ``options`` if any, and what must come out: ``counts`` (a subset of the
result's counts), ``findings`` (the exact multiset of (check, line, record) of the import's own
findings, each optionally with the ``severity`` and the start of its ``message``: nothing missed,
nothing invented), ``subjects`` (IRIs that must be made, prefixed names) and ``triples`` (that
must be there: [subject, predicate, object], an object in N-Triples form when it is a literal),
``absent`` (triples that must not), or an ``error`` (the start of the one-line message after the
file name). ``check`` lists findings that ``solkg check`` must add on the imported data.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from solkg.errors import InputError
from solkg.importer import check_import, import_file
from solkg.namespaces import PREFIXES

CASES = Path(__file__).parent / "fixtures" / "import" / "cases"
EXPECTED = sorted(CASES.glob("*.expected.json"))


def expand(term: str) -> str:
    if term.startswith(('"', "<")):
        return term
    prefix, _, local = term.partition(":")
    return "<" + PREFIXES[prefix] + local + ">" if prefix in PREFIXES else term


def run(case: dict):
    mapping = case["mapping"]
    if mapping.endswith(".toml"):
        mapping = CASES / mapping
    return import_file(CASES / case["file"], mapping=mapping, **case.get("options", {}))


def test_every_case_has_its_file():
    assert len(EXPECTED) >= 10
    for path in EXPECTED:
        case = json.loads(path.read_text(encoding="utf-8"))
        assert (CASES / case["file"]).is_file(), path.name
        assert case.get("about"), f"{path.name}: say what the case shows"


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_case(path: Path, monkeypatch):
    monkeypatch.chdir(Path(__file__).parents[1])  # findings name files relative to the checkout
    case = json.loads(path.read_text(encoding="utf-8"))
    if "error" in case:
        with pytest.raises(InputError) as caught:
            run(case)
        message = str(caught.value)
        assert "\n" not in message
        assert case["error"] in message, message
        return
    result = run(case)
    for key, value in case.get("counts", {}).items():
        assert result.counts[key] == value, (key, result.counts)
    got = Counter((f.check, f.line, f.record) for f in result.findings)
    want = Counter((f["check"], f.get("line"), f.get("record")) for f in case.get("findings", []))
    assert got == want, f"missed: {want - got}\ninvented: {got - want}\n" + "\n".join(
        f"{f.check} {f.where} {f.message}" for f in result.findings)
    for expected in case.get("findings", []):
        matching = [f for f in result.findings
                    if (f.check, f.line, f.record) == (expected["check"], expected.get("line"), expected.get("record"))]
        if "message" in expected:
            assert any(f.message.startswith(expected["message"]) for f in matching), (
                expected, [f.message for f in matching])
        if "severity" in expected:
            assert all(f.severity == expected["severity"] for f in matching), expected
    triples = {(f"<{q.subject.value}>", f"<{q.predicate.value}>", str(q.object)) for q in result.quads}
    subjects = {s for s, _, _ in triples}
    for subject in case.get("subjects", []):
        assert expand(subject) in subjects, (subject, sorted(subjects))
    for s, p, o in case.get("triples", []):
        assert (expand(s), expand(p), expand(o)) in triples, (s, p, o)
    for s, p, o in case.get("absent", []):
        assert (expand(s), expand(p), expand(o)) not in triples, (s, p, o)
    if "check" in case:
        report = check_import(result)
        extra = Counter((f.check, f.line, f.record) for f in report.findings) - got
        want = Counter((f["check"], f.get("line"), f.get("record")) for f in case["check"])
        assert extra == want, f"missed: {want - extra}\ninvented: {extra - want}"
