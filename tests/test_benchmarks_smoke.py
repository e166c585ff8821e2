"""The benchmark harness runs end to end on a small file, so it cannot rot unnoticed.

Runs ``benchmarks/run.py --chains 200 --runs 1`` into a temporary folder (about 30 s, most of it
pySHACL, the reference) and checks the JSON it writes: structure, correctness, numeric figures.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from conftest import ROOT

RUN = ROOT / "benchmarks" / "run.py"


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


@pytest.mark.slow
def test_benchmark_harness_smoke(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(RUN), "--chains", "200", "--runs", "1", "--out", str(out),
         "--work-dir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "| solkg build --no-check |" in proc.stdout
    assert "[bench" in proc.stderr  # progress lines go to stderr

    doc = json.loads(out.read_text())
    assert doc["correctness_passed"] is True
    machine = doc["machine"]
    for key in ("nproc", "cpu_model", "ram_gb", "python", "pyoxigraph", "pyshacl", "rdflib"):
        assert key in machine
    assert _number(machine["nproc"])
    assert len(doc["load_at_start"]) == 3 and all(_number(x) for x in doc["load_at_start"])
    assert "run.py" in " ".join(doc["command"])

    (size,) = doc["sizes"]
    assert size["chains"] == 200 and size["runs"] == 1
    assert size["triples"] > 2000 and size["defects"] == 2

    for step in ("startup", "build", "check", "export_turtle", "export_jsonld"):
        s = size["steps"][step]
        assert _number(s["wall_s"]) and s["wall_s"] > 0, step
        assert _number(s["peak_rss_mb"]) and s["peak_rss_mb"] > 5, step
        assert len(s["runs"]) == (3 if step == "startup" else 1), step
    assert size["steps"]["check"]["counts"]["violation"] >= 2

    from solkg.query import list_queries

    assert set(size["queries"]) == {q.name for q in list_queries()}
    for name, q in size["queries"].items():
        assert _number(q["cli"]["wall_s"]), name
        assert _number(q["in_process"]["median_s"]), name
        assert isinstance(q["under_1s"], bool)
    assert size["queries"]["describe-chain"]["params"]["chain"].startswith("https://w3id.org/solkg/id/chain-")

    base = size["baselines"]
    for name in ("oxigraph_memory", "oxigraph_disk", "rdflib_parse", "pyshacl"):
        assert _number(base[name]["wall_s"]), name
        assert _number(base[name]["peak_rss_mb"]), name
    # the store holds a set: the generator's few repeated triples (same consumer drawn twice) count once
    assert 0.95 * size["triples"] <= base["oxigraph_memory"]["triples"] <= size["triples"]
    assert _number(base["pyshacl"]["validate_s"])

    for name in ("build_vs_raw_load_memory", "build_vs_raw_load_disk", "check_vs_raw_load_memory",
                 "check_vs_raw_load_disk", "pyshacl_vs_check_speedup", "pyshacl_validate_only_vs_check_speedup",
                 "rdflib_parse_vs_raw_load_memory"):
        assert _number(size["ratios"][name]) and size["ratios"][name] > 0, name

    c = size["correctness"]
    assert c["passed"] is True
    assert c["vs_injected"]["passed"] and not c["vs_injected"]["missed"] and not c["vs_injected"]["invented"]
    assert c["vs_pyshacl"]["passed"] and not c["vs_pyshacl"]["unexplained_differences"]
    assert c["vs_pyshacl"]["pyshacl"] >= 1
    for diff in c["vs_pyshacl"]["explained_differences"]:
        assert diff["reason"]

    targets = size["targets"]
    assert set(targets["query_under_1s_cli"]) == set(size["queries"])
    assert all(isinstance(v, bool) for v in targets["peak_rss_under_1_5GB"].values())


@pytest.mark.slow
def test_skipped_baselines_say_so(tmp_path):
    """Above --skip-baselines-above the table says why the rdflib/pySHACL columns are empty."""
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(RUN), "--chains", "100", "--runs", "1", "--out", str(out),
         "--work-dir", str(tmp_path / "work"), "--skip-baselines-above", "50"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "skipped (would need 20-35 GB)" in proc.stdout
    doc = json.loads(out.read_text())
    (size,) = doc["sizes"]
    assert size["baselines"]["pyshacl"] == {"skipped": "skipped (would need 20-35 GB)"}
    assert size["correctness"]["vs_injected"]["passed"]
    assert _number(size["ratios"]["build_vs_raw_load_memory"])
    assert "pyshacl_vs_check_speedup" not in size["ratios"]


def test_floors_smoke(built, tmp_path):
    """benchmarks/floors.py times each operation and whole-graph query on a built store."""
    out = tmp_path / "floors.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "floors.py"), "--store", str(built / ".solkg" / "store"),
         "--runs", "1", "-o", str(out)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(out.read_text())
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from floors import OPERATIONS, WHOLE_GRAPH_QUERIES

    assert set(doc["operations"]) == set(OPERATIONS) and set(doc["queries"]) == set(WHOLE_GRAPH_QUERIES)
    ops = doc["operations"]
    for name, op in ops.items():
        assert _number(op["median_s"]) and op["median_s"] > 0, name
        assert isinstance(op["rows"], int), name
        assert f"| {name}: " in proc.stdout, name
    # the seed and example data hold chains and participations, and every chain has a class
    assert ops["scan-chains"]["rows"] > 0 and ops["scan-participations"]["rows"] > 0
    assert ops["hash-join"]["rows"] == ops["scan-participations"]["rows"]
    assert all(_number(q["median_s"]) for q in doc["queries"].values())


def test_floors_refuses_a_missing_store(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "floors.py"), "--store", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "no store here" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("runs", ["0", "-1"])
def test_floors_refuses_fewer_than_one_run(built, runs):
    """A median needs one run: --runs 0 on a real store is a usage error (exit 2), not a traceback."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "floors.py"), "--store",
                           str(built / ".solkg" / "store"), "--runs", runs],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "--runs" in proc.stderr and "at least 1" in proc.stderr and "Traceback" not in proc.stderr
