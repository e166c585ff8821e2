"""Sector coverage of a co-operative register in the SSE standard CSV with the register's own
columns (Sector, SIC code, Legal Form, Ownership): the modelled register of
tests/fixtures/import/make_coop_register.py (the real 7,272-row register is not in the repository).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from solkg.importer import import_file, load_mapping
from solkg.importer.convert import id_slug

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SOL = "https://w3id.org/solkg/ontology#"
ESS = "http://purl.org/essglobal/vocab/"


def _generator():
    spec = importlib.util.spec_from_file_location("make_coop_register", FIXTURES / "make_coop_register.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    path = tmp_path_factory.mktemp("register") / "coop-register.csv"
    _generator().main(2000, str(path))
    return import_file(path, mapping="sse-standard")


def by_subject(result, predicate):
    out: dict[str, set[str]] = {}
    for q in result.quads:
        if q.predicate.value == predicate:
            out.setdefault(q.subject.value, set()).add(q.object.value)
    return out


def test_nothing_lost(register):
    assert register.counts["records"] == register.counts["imported"] == 2000
    assert not register.unused_fields
    assert not register.unknown_codes  # every Sector word, SIC code, legal form and ownership is known


# the twelve sectors of the vocabulary when the issue measured the register (37.5 % of rows placed
# by their ESSGlobal activity alone): the model's calibration is checked against them
ISSUE_SECTORS = {"sector:" + name for name in (
    "care-health", "crafts-textiles", "culture", "digital", "education", "energy", "finance", "food",
    "housing", "mobility", "tourism", "waste-reuse")}


def test_sector_coverage_and_what_is_left(register):
    activity = by_subject(register, ESS + "primarySector")
    sectors = by_subject(register, SOL + "inSector")
    share = sum(1 for s in activity if s in sectors) / len(activity)
    # the model reproduces the issue's 37.5 % (ESSGlobal activity alone, the twelve sectors of the
    # time); the register's Sector and SIC columns and the sectors added for what they hold (trade,
    # industry, business services, community) take it past the issue's 90 % (98.1 % on 7,272 rows
    # in docs/mapping.md)
    assert 0.34 <= _essglobal_share(activity, ISSUE_SECTORS) <= 0.41
    assert share >= 0.90, share
    # every row left without a sector is one whose classifications all say "no sector of ours"
    # (no SIC code and a sector word of "Other" or none), never an unknown code
    m = load_mapping("sse-standard")
    lookups = {lk.name: lk for lk in m.lookups}
    header = _generator().HEADER
    rows = {"https://w3id.org/solkg/id/sse-" + id_slug(r[0]): dict(zip(header, r, strict=True))
            for r in _generator().rows(2000)}
    left = [s for s in activity if s not in sectors]
    assert left
    for subject in left:
        row = rows[subject]
        assert not row["SIC code"], (subject, row["SIC code"])
        for name, field in (("activity", "Primary Activity"), ("sector", "Sector"), ("sic", "SIC code")):
            if row[field]:
                found = lookups[name].find(row[field])
                assert found is not None and not found["sector"], (subject, field, row[field])


def test_new_sectors_come_from_each_column(register):
    """Each of the four sectors added for registers is reached from the register's SIC code and
    from its Sector word, and the ESSGlobal activity is kept as data beside it."""
    sectors = by_subject(register, SOL + "inSector")
    activity = by_subject(register, ESS + "primarySector")
    header = _generator().HEADER
    rows = {"https://w3id.org/solkg/id/sse-" + id_slug(r[0]): dict(zip(header, r, strict=True))
            for r in _generator().rows(2000)}
    base = "https://w3id.org/solkg/vocab/sector/"
    expect = {"47190": "trade", "46900": "trade", "25990": "industry", "70229": "business-services",
              "82990": "business-services", "94990": "community", "94910": "community"}
    words = {"Retail": "trade", "Wholesale": "trade", "Manufacturing": "industry",
             "Professional and legal services": "business-services",
             "Membership associations and social clubs": "community"}
    seen: set[str] = set()
    for subject, row in rows.items():
        for value, table in ((row["SIC code"], expect), (row["Sector"], words)):
            if value in table:
                assert base + table[value] in sectors.get(subject, set()), (subject, value)
                assert subject in activity or not row["Primary Activity"]
                seen.add(value)
    assert seen == set(expect) | set(words)


def _essglobal_share(activity: dict[str, set[str]], among: set[str]) -> float:
    m = load_mapping("sse-standard")
    lookup = next(lk for lk in m.lookups if lk.name == "activity")
    mapped = 0
    for codes in activity.values():
        rows = [lookup.find(code) for code in codes]
        mapped += any(row and set((row.get("sector") or "").split()) & among for row in rows)
    return mapped / len(activity)
