"""Publish throughput and named-query latency on real SPARQL servers, beside the embedded store.

    python benchmarks/remote.py --chains 100000 --query-timeout 30 -o /tmp/solkg-remote.json

Starts Oxigraph server and Virtuoso (tests/servers.py: throw-away folders, loopback ports), generates
the benchmark graph (benchmarks/generate.py --chains N --seed 1), publishes the project's graphs and
the benchmark graph to each engine with solkg.remote.publish (replace mode: staging graphs + one MOVE
request, verified counts), then times every named query (median of --repeat runs, all rows) on each
engine and on the embedded store (pyoxigraph, on-disk store, in a child process so a slow query can
be stopped at --query-timeout), and says where an engine's rows differ from the embedded store's
(compared as the tests compare them). Prints a Markdown table; -o writes the numbers as JSON.
Run on demand, not in the tests.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

def _digest(result) -> str:
    """The rows as the tests compare them (a multiset, numbers by value, blank nodes alike), hashed."""
    import hashlib

    from test_remote_engines import _multiset

    rows = _multiset(result)
    counter = rows[1] if isinstance(rows, tuple) else rows
    return hashlib.sha256(repr(sorted(counter.items(), key=repr)).encode()).hexdigest()


PARAMS = {"actors-of-chain": {"chain": "sold:chain-0000416"}, "describe-chain": {"chain": "sold:chain-0000416"}}


def _local_worker(store_path: str, name: str, repeat: int, queue) -> None:
    from solkg.query import get_query, run_query
    from solkg.store import open_store

    store = open_store(store_path)
    query = get_query(name)
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = run_query(query, store=store, params=PARAMS.get(name, {}), limit=None)
        times.append(time.perf_counter() - start)
        size = len(result.rows) or len(result.triples)
    queue.put((statistics.median(times), size, _digest(result)))


def time_local(store_path: Path, name: str, repeat: int, timeout: float):
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_local_worker, args=(str(store_path), name, repeat, queue))
    process.start()
    process.join(timeout * repeat)
    if process.is_alive():
        process.terminate()
        process.join()
        return None, None, None
    return queue.get() if not queue.empty() else (None, None, None)


def time_remote(endpoint: str, graphs: list[str], name: str, repeat: int, timeout: float):
    from solkg.errors import SolkgError
    from solkg.query import get_query
    from solkg.remote import run_remote

    query = get_query(name)
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = run_remote(query, endpoint=endpoint, params=PARAMS.get(name, {}), limit=None, graphs=graphs,
                               timeout=timeout)
        except SolkgError as exc:
            return None, "timeout" if "timeout" in exc.message else "error: " + exc.message[:300], None
        times.append(time.perf_counter() - start)
        size = len(result.rows) or len(result.triples)
    return statistics.median(times), size, _digest(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chains", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--query-timeout", type=float, default=30.0)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument("--publish-timeout", type=float, default=3600.0, help="Seconds per publish request.")
    parser.add_argument("--engines", default="oxigraph,virtuoso")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()

    from servers import oxigraph_server, virtuoso_server

    from solkg.remote.http import resolve_endpoints
    from solkg.store.entail import ENTAILED_GRAPH
    from solkg.remote.publish import publish
    from solkg.query import list_queries
    from solkg.sources import data_sources, project_sources
    from solkg.store import write_store

    work = Path(tempfile.mkdtemp(prefix="solkg-remote-bench-"))
    os.chdir(work)
    data = work / f"bench-{args.chains}.ttl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--chains", str(args.chains),
                    "--seed", "1", "-o", str(data)], check=True, capture_output=True)
    sources = project_sources() + data_sources([data.name])
    graphs = [s.graph for s in sources] + [ENTAILED_GRAPH]  # write_store adds the entailed graph
    store_path = work / "store"
    start = time.perf_counter()
    write_store(sources, store_path)
    load_seconds = time.perf_counter() - start
    names = [q.name for q in list_queries()]
    report: dict = {"chains": args.chains, "embedded_load_seconds": load_seconds, "publish": {}, "queries": {}}
    print(f"embedded store: loaded in {load_seconds:.1f} s", file=sys.stderr)
    for name in names:
        report["queries"].setdefault(name, {})["embedded"] = time_local(store_path, name, args.repeat,
                                                                        args.query_timeout)
        print(f"embedded {name}: {report['queries'][name]['embedded']}", file=sys.stderr)
    starters = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
    for engine in args.engines.split(","):
        with starters[engine]() as server:
            os.environ.update(server.env)
            endpoints = resolve_endpoints(server=engine, endpoint=server.base)
            result = publish(endpoints=endpoints, files=[data.name], batch_size=args.batch_size,
                             timeout=args.publish_timeout)
            seed = publish(endpoints=endpoints, store=store_path, graphs=[g for g in graphs if "/bench-" not in g])
            report["publish"][engine] = {"triples": result.triples, "seconds": result.seconds,
                                         "triples_per_second": result.throughput, "requests": result.requests,
                                         "atomicity": result.atomicity, "seed_seconds": seed.seconds}
            print(f"{engine}: published {result.triples} triples in {result.seconds:.1f} s "
                  f"({result.throughput:,.0f} triples/s)", file=sys.stderr)
            for name in names:
                report["queries"][name][engine] = time_remote(endpoints.query, graphs, name, args.repeat,
                                                              args.query_timeout)
                print(f"{engine} {name}: {report['queries'][name][engine]}", file=sys.stderr)
            for key in server.env:
                os.environ.pop(key, None)
    engines = args.engines.split(",")
    triples = max((r["triples"] for r in report["publish"].values()), default=0)
    print(f"\n### Remote engines, {args.chains:,} chains ({triples:,} triples)\n")
    print("| engine | publish (replace, verified) | triples/s |")
    print("|---|---|---|")
    for engine, p in report["publish"].items():
        print(f"| {engine} | {p['seconds']:.1f} s, {p['requests']} requests | {p['triples_per_second']:,.0f} |")
    print(f"\n| named query (rows) | embedded | {' | '.join(engines)} |")
    print("|---|---|" + "---|" * len(engines))

    def cell(value, embedded):
        seconds, size, digest = value
        if seconds is None:
            return f"> {args.query_timeout:g} s" if size in (None, "timeout") else str(size)
        differ = embedded[2] is not None and digest != embedded[2]
        return f"{seconds:.2f} s" + (" **rows differ**" if differ else "")

    for name in names:
        row = report["queries"][name]
        size = row["embedded"][1] if row["embedded"][0] is not None else "?"
        print(f"| {name}{' (' + ', '.join(PARAMS[name]) + ' bound)' if name in PARAMS else ''} ({size}) | "
              + " | ".join(cell(row[k], row["embedded"]) for k in ["embedded", *engines]) + " |")
    if args.output:
        args.output.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
