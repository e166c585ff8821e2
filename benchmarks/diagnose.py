"""Benchmark of ``solkg diagnose``: a territory's report on a generated national dataset.

    python benchmarks/diagnose.py --chains 100000 --territory 26 --runs 3

Generates ``--chains`` chains in real French communes (benchmarks/generate.py --real-territories),
builds a store with the reference graph of France's divisions (``solkg build --no-check --data
ref:fr-admin --data FILE``), then measures, in the same run:

* the baseline: pyoxigraph ``Store().bulk_load(path=FILE)`` of the generated file in a child
  process (the floor for merely reading the data once), and Python's start-up with solkg imported
  (``solkg --version``);
* ``solkg diagnose TERRITORY`` as the user runs it, each in its own child process (median of
  ``--runs``): ``--format json`` (with the data-quality check of the territory's data), the same
  with ``--no-check``, ``--format html`` and ``--format pdf``; each also as a ratio to the baseline;
* in this process, with the store open: the whole diagnosis (``check`` on and off), then each named
  query of queries/diagnose/ as the diagnosis runs it: wall time and CPU time (the least of
  ``--runs``; on a shared machine CPU time is the steadier figure), and its rows; then the rest
  (assembling the report in Python, the check, rendering JSON).

``--territories`` adds more territories measured in this process only (a région, a commune ...).
Figures go to stdout and to ``--out`` (JSON). ``--project-build`` also times ``solkg build`` of the
project's own data with and without the reference graph.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *([os.environ["PYTHONPATH"]]
                                                                 if os.environ.get("PYTHONPATH") else [])])}
SOLKG = [sys.executable, "-m", "solkg"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["main"]

RAW_LOAD = ("import sys, time, pyoxigraph as ox; t = time.perf_counter(); s = ox.Store(); "
            "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.TURTLE); print(time.perf_counter() - t, len(s))")


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed


def median_of(runs: int, cmd: list[str], cwd: Path) -> dict:
    times = [timed(cmd, cwd) for _ in range(runs)]
    return {"median_s": round(statistics.median(times), 3), "runs_s": [round(x, 3) for x in times]}


def in_process(territory: str, store, runs: int) -> dict:
    """The diagnosis of ``territory`` in this process: whole, then query by query, then the rest."""
    from solkg.diagnose import diagnose, diagnose_queries, render
    from solkg.query import run_query

    out: dict = {}
    for check in (True, False):
        walls, cpus = [], []
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            report = diagnose(territory, store=store, check=check)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        out["diagnosis" + ("" if check else "_no_check")] = {"wall_s": round(min(walls), 3),
                                                               "cpu_s": round(min(cpus), 3)}
    c = time.process_time()
    render(report, "json")
    out["render_json_cpu_s"] = round(time.process_time() - c, 3)
    out["report"] = {"chains": len(report.chains), "actors": len(report.actors),
                     "sub_territories": len(report.sub_territories), "policies": len(report.policies)}
    known = {q.name: q for q in diagnose_queries()}
    queries = []
    for run in report.queries:
        walls, cpus = [], []
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            result = run_query(known[run.name], store=store, params=run.params, limit=None)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        queries.append({"query": run.name, "territory": run.params.get("territory", ""), "rows": len(result.rows),
                        "wall_s": round(min(walls), 3), "cpu_s": round(min(cpus), 3)})
    out["queries"] = sorted(queries, key=lambda q: -q["cpu_s"])
    out["queries_cpu_s"] = round(sum(q["cpu_s"] for q in queries), 3)
    out["rest_no_check_cpu_s"] = round(out["diagnosis_no_check"]["cpu_s"] - out["queries_cpu_s"], 3)
    out["check_cpu_s"] = round(out["diagnosis"]["cpu_s"] - out["diagnosis_no_check"]["cpu_s"], 3)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--chains", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--territory", default="26", help="what to diagnose (default 26: the Drôme)")
    ap.add_argument("--territories", default="", help="comma-separated territories measured in process only")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work-dir", type=Path, default=HERE / "out" / "diagnose")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "diagnose.json")
    ap.add_argument("--project-build", action="store_true", help="also time solkg build of the project's data")
    ap.add_argument("--reuse-store", action="store_true", help="keep the store of an earlier run (no build)")
    a = ap.parse_args(argv)
    work = a.work_dir / str(a.chains)
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"chains": a.chains, "territory": a.territory, "runs": a.runs, "load_avg_start": os.getloadavg(),
                 "cpus": os.cpu_count()}
    data = work / f"national-{a.chains}.ttl"
    if not data.is_file():
        print(f"generating {data}", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--chains", str(a.chains), "--seed", str(a.seed),
                        "--real-territories", "-o", str(data)], check=True, env=ENV)
    store = work / "store"
    if not (a.reuse_store and store.is_dir()):
        print("building the store (reference graph + data, no check)", file=sys.stderr)
        out["build_s"] = round(timed(SOLKG + ["build", "--no-check", "--data", "ref:fr-admin", "--data", data.name,
                                              "--store", str(store), "--out", str(work / "dist")], work), 2)
    # the baseline, in the same run
    print("timing the raw load", file=sys.stderr)
    loads = []
    for _ in range(a.runs):
        done = subprocess.run([sys.executable, "-c", RAW_LOAD, str(data)], capture_output=True, text=True, check=True)
        loads.append(float(done.stdout.split()[0]))
        out["triples"] = int(done.stdout.split()[1])
    raw = round(statistics.median(loads), 3)
    out["raw_load_s"] = {"median_s": raw, "runs_s": [round(x, 3) for x in loads]}
    out["python_startup_s"] = median_of(a.runs, SOLKG + ["--version"], work)["median_s"]
    base = SOLKG + ["diagnose", a.territory, "--store", str(store), "--void", str(work / "dist" / "void.ttl")]
    for name, extra in (("diagnose_json", ["--format", "json", "-o", str(work / "report.json")]),
                        ("diagnose_json_no_check", ["--format", "json", "--no-check", "-o", str(work / "r2.json")]),
                        ("diagnose_html", ["--format", "html", "-o", str(work / "report.html")]),
                        ("diagnose_pdf", ["--format", "pdf", "-o", str(work / "report.pdf")])):
        print(f"timing {name}", file=sys.stderr)
        out[name] = median_of(a.runs, base + extra, work)
        out[name]["ratio_to_raw_load"] = round(out[name]["median_s"] / raw, 3)
    from solkg.store import open_store

    opened = open_store(store)
    out["in_process"] = {}
    for territory in [a.territory] + [t for t in a.territories.split(",") if t]:
        print(f"timing {territory} in process", file=sys.stderr)
        out["in_process"][territory] = in_process(territory, opened, a.runs)
    del opened
    if a.project_build:
        proj = work / "project"
        proj.mkdir(exist_ok=True)
        out["project_build_s"] = median_of(a.runs, SOLKG + ["build", "--store", "s1", "--out", "d1"], proj)
        out["project_build_with_reference_s"] = median_of(
            a.runs, SOLKG + ["build", "--data", "ref:fr-admin", "--store", "s2", "--out", "d2"], proj)
    out["load_avg_end"] = os.getloadavg()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
