"""Benchmark of ``solkg diagnose``: a département's report on a generated national dataset.

    python benchmarks/diagnose.py --chains 100000 --territory 26 --runs 3

Generates ``--chains`` chains in real French communes (benchmarks/generate.py --real-territories),
builds a store with the reference graph of France's divisions (``solkg build --no-check --data
ref:fr-admin --data FILE``), then times, each in its own child process (median of ``--runs``):

* ``solkg diagnose TERRITORY --format json`` (with the data-quality check of the territory's data),
* the same with ``--no-check``, and ``--format html`` and ``--format pdf``,

and, in this process with the store already open, every named query of queries/diagnose/ as the
diagnosis runs it (so the time of each is known). Also times ``solkg build`` of the project's own
data with and without the reference graph. Figures go to stdout and to ``--out`` (JSON).
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chains", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--territory", default="26", help="what to diagnose (default 26: the Drôme)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work-dir", type=Path, default=HERE / "out" / "diagnose")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "diagnose.json")
    ap.add_argument("--skip-project-build", action="store_true")
    ap.add_argument("--reuse-store", action="store_true", help="keep the store of an earlier run (no build)")
    a = ap.parse_args(argv)
    work = a.work_dir / str(a.chains)
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"chains": a.chains, "territory": a.territory, "runs": a.runs, "load_avg_start": os.getloadavg()}
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
    base = SOLKG + ["diagnose", a.territory, "--store", str(store), "--void", str(work / "dist" / "void.ttl")]
    for name, extra in (("diagnose_json", ["--format", "json", "-o", str(work / "report.json")]),
                        ("diagnose_json_no_check", ["--format", "json", "--no-check", "-o", str(work / "r2.json")]),
                        ("diagnose_html", ["--format", "html", "-o", str(work / "report.html")]),
                        ("diagnose_pdf", ["--format", "pdf", "-o", str(work / "report.pdf")])):
        print(f"timing {name}", file=sys.stderr)
        out[name] = median_of(a.runs, base + extra, work)
    out["python_startup_s"] = median_of(a.runs, SOLKG + ["--version"], work)["median_s"]
    # in process: each named query as the diagnosis runs it
    from solkg.diagnose import diagnose, diagnose_queries
    from solkg.query import run_query
    from solkg.store import open_store

    opened = open_store(store)
    start = time.perf_counter()
    report = diagnose(a.territory, store=opened, check=True)
    out["in_process_s"] = round(time.perf_counter() - start, 3)
    out["report"] = {"chains": len(report.chains), "actors": len(report.actors),
                     "sub_territories": len(report.sub_territories), "findings": len(report.gaps.findings),
                     "policies": len(report.policies)}
    known = {q.name: q for q in diagnose_queries()}
    per_query: dict[str, float] = {}
    for run in report.queries:
        start = time.perf_counter()
        run_query(known[run.name], store=opened, params=run.params, limit=None)
        own = run.params.get("territory") in (None, f"<{report.territory.iri}>")
        key = run.name + ("" if own else " (parent)")
        per_query[key] = round(per_query.get(key, 0) + time.perf_counter() - start, 3)
    out["queries_s"] = dict(sorted(per_query.items(), key=lambda kv: -kv[1]))
    del opened
    if not a.skip_project_build:
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
