"""Bounded load test of `solkg serve` on loopback (run on demand, not by pytest).

Two scenarios, one after the other on the same server:

- **mixed**: 50 concurrent clients (threads with keep-alive connections) run named queries
  (through /query/<name> and /sparql) and load pages for 30 s; requests/s and p50/p90/p99
  latencies, overall and per kind.
- **noisy neighbour**: a few clients send cheap SPARQL queries (an ASK or a one-subject SELECT,
  each text new, so the answer cache cannot serve it) first alone (the baseline, same run), then
  while two slow queries (cartesian products that run until the server's --timeout) hold the
  query workers; cheap-query p50/p99/max in both phases and their ratio.

Exits 1 on any error (a non-2xx answer to a mixed or cheap request, or a failed request; the slow
queries are expected to end in 503).

    python benchmarks/load.py                      # builds a store in a temporary folder, starts a server
    python benchmarks/load.py --store .solkg/store --clients 50 --duration 30
    python benchmarks/load.py --scenario noisy     # only the noisy-neighbour scenario
    python benchmarks/load.py --url http://127.0.0.1:8000   # an already running server (loopback only)
    python benchmarks/load.py --chains 100000 --clients 20  # the project plus 100,000 generated chains
                                                            # (benchmarks/generate.py): whole-graph named
                                                            # queries over a large graph in the mix

Writes the figures to benchmarks/out/serve-load.json too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
START_TIMEOUT = 600.0
"""Seconds the started server has to answer: at 100,000 chains it reads every label for its search
index first (more than a minute on a loaded 2-core machine)."""

PAGES = [
    "/",
    "/id/example-amap-val-de-drome",
    "/id/example-farm-la-riviere",
    "/vocab/sector",
    "/vocab/sector/food",
    "/classes",
    "/schemes",
    "/map",
    "/search?q=AMAP",
    "/ontology",
    "/query",
    "/resource?iri=https%3A%2F%2Fw3id.org%2Fsolkg%2Fontology%23ShortSupplyChain",
]
DATA = [
    ("/id/example-amap-val-de-drome", "text/turtle"),
    ("/vocab/sector", "application/ld+json"),
    ("/ontology", "application/n-triples"),
]

_LAUNCH = (
    "import sys\nfrom solkg.cli import cli\nif 'serve' not in cli.commands:\n"
    "    from solkg.cli.serve import serve\n    cli.add_command(serve)\n"
    "cli.main(args=sys.argv[1:], prog_name='solkg')\n"
)


def requests_mix() -> list[tuple[str, str, dict]]:
    """(kind, path, headers) to draw from: named queries both ways, pages, RDF documents."""
    sys.path.insert(0, str(ROOT))
    from solkg.query import list_queries

    mix = []
    for q in list_queries():
        mix.append(("named", f"/query/{q.name}", {"Accept": "text/html"}))
        mix.append(
            (
                "sparql",
                "/sparql?" + urlencode({"query": q.text}),
                {"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
            )
        )
    mix += [("page", p, {"Accept": "text/html", "Accept-Language": random.choice(["en", "fr"])}) for p in PAGES]
    mix += [("data", p, {"Accept": a}) for p, a in DATA]
    return mix


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(store: Path, workers: int) -> tuple[str, subprocess.Popen]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCH, "serve", "--store", str(store), "--port", str(port), "--workers", str(workers)],
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # "/" takes 2.5 s at 100k chains
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return base, proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("solkg serve did not start")


def client(host: str, port: int, mix, stop: float, out: list, errors: list, seed: int) -> None:
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=60)
    while time.monotonic() < stop:
        kind, path, headers = rnd.choice(mix)
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            ok = 200 <= resp.status < 300
        except (OSError, http.client.HTTPException) as exc:
            ok = False
            resp = None
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
            errors.append(f"{path[:60]}: {exc}")
        elapsed = time.perf_counter() - t0
        out.append((kind, elapsed))
        if not ok and resp is not None:
            errors.append(f"{path[:60]}: HTTP {resp.status}")
    conn.close()


SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} # slow {}"
CHEAP_QUERIES = (
    "ASK {{ <urn:solkg-load:{}> ?p ?o }}",
    "SELECT ?l WHERE {{ <https://w3id.org/solkg/id/example-amap-val-de-drome> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }} # {}",
)


def _get(host: str, port: int, path: str, timeout: float = 120) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def cheap_client(host: str, port: int, stop: float, out: list, errors: list, seed: int) -> None:
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=120)
    n = 0
    while time.monotonic() < stop:
        n += 1
        text = rnd.choice(CHEAP_QUERIES).format(f"{seed}-{n}-{rnd.random()}")
        t0 = time.perf_counter()
        try:
            conn.request("GET", "/sparql?" + urlencode({"query": text}),
                         headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(f"cheap query: HTTP {resp.status}")
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=120)
            errors.append(f"cheap query: {exc}")
        out.append(time.perf_counter() - t0)
    conn.close()


def noisy_neighbour(host: str, port: int, *, clients: int, duration: float, slow: int = 2) -> dict:
    """Cheap-query latencies alone (baseline), then while ``slow`` slow queries run."""

    def phase(seconds: float, seed: int) -> tuple[list, list]:
        out: list = []
        errors: list = []
        stop = time.monotonic() + seconds
        threads = [threading.Thread(target=cheap_client, args=(host, port, stop, out, errors, seed + i))
                   for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return out, errors

    quiet, quiet_errors = phase(min(duration, 10.0), 1000)
    slow_status: list = []
    tag = f"{time.time_ns()}"
    slow_threads = [
        threading.Thread(target=lambda i=i: slow_status.append(
            _get(host, port, "/sparql?" + urlencode({"query": SLOW_QUERY.format(f"{tag}-{i}")}))))
        for i in range(slow)
    ]
    for t in slow_threads:
        t.start()
    time.sleep(1.0)  # the slow queries now hold the general workers
    started = time.monotonic()
    noisy, noisy_errors = phase(duration, 2000)
    noisy_wall = time.monotonic() - started
    still_running = sum(t.is_alive() for t in slow_threads)
    for t in slow_threads:
        t.join()

    def figures(values):
        return {"requests": len(values), "p50_ms": round(pct(values, 50), 1), "p99_ms": round(pct(values, 99), 1),
                "max_ms": round(max(values) * 1000, 1) if values else 0.0}

    return {
        "cheap_clients": clients,
        "slow_queries": slow,
        "quiet": figures(quiet),
        "noisy": figures(noisy),
        "noisy_duration_s": round(noisy_wall, 1),
        "slow_still_running_at_end": still_running,
        "slow_status": sorted(slow_status),
        "p99_ratio_noisy_vs_quiet": round(pct(noisy, 99) / pct(quiet, 99), 2) if quiet and noisy else None,
        "errors": quiet_errors + noisy_errors,
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000 if values else 0.0


def mixed(parsed, clients: int, duration: float) -> tuple[dict, list]:
    """The mixed scenario (see the module docstring): its report and its errors."""
    mix = requests_mix()
    results: list = []
    errors: list = []
    stop = time.monotonic() + duration
    threads = [
        threading.Thread(target=client, args=(parsed.hostname, parsed.port, mix, stop, results, errors, i))
        for i in range(clients)
    ]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    lat = [e for _, e in results]
    report = {
        "clients": clients,
        "duration_s": round(wall, 1),
        "requests": len(results),
        "errors": len(errors),
        "requests_per_s": round(len(results) / wall, 1),
        "p50_ms": round(pct(lat, 50), 1),
        "p90_ms": round(pct(lat, 90), 1),
        "p99_ms": round(pct(lat, 99), 1),
        "by_kind": {},
    }
    for kind in sorted({k for k, _ in results}):
        ks = [e for k, e in results if k == kind]
        report["by_kind"][kind] = {
            "requests": len(ks),
            "p50_ms": round(pct(ks, 50), 1),
            "p99_ms": round(pct(ks, 99), 1),
        }
    print(
        f"{report['clients']} clients, {report['duration_s']} s: {report['requests']} requests, "
        f"{report['requests_per_s']} requests/s, p50 {report['p50_ms']} ms, p90 {report['p90_ms']} ms, "
        f"p99 {report['p99_ms']} ms, {report['errors']} errors"
    )
    for kind, r in report["by_kind"].items():
        print(f"  {kind:<7} {r['requests']:>6} requests  p50 {r['p50_ms']:>7} ms  p99 {r['p99_ms']:>7} ms")
    for e in errors[:10]:
        print("  error:", e)
    return report, errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds (at most 600)")
    ap.add_argument("--store", type=Path, help="a built store (default: build one in a temporary folder)")
    ap.add_argument("--url", help="an already running server on loopback")
    ap.add_argument("--workers", type=int, default=2, help="query workers of the started server")
    ap.add_argument("--scenario", choices=("both", "mixed", "noisy"), default="both")
    ap.add_argument("--noisy-clients", type=int, default=4, help="cheap-query clients of the noisy-neighbour scenario")
    ap.add_argument("--noisy-duration", type=float, default=20.0,
                    help="seconds of cheap queries while the slow ones run (keep it under the server's --timeout)")
    ap.add_argument("--chains", type=int, default=0,
                    help="build the store with this many generated chains besides the project's data (default 0)")
    args = ap.parse_args(argv)
    duration = min(args.duration, 600.0)
    proc = None
    tmp = None
    if args.url:
        parsed = urlparse(args.url)
        if parsed.hostname not in LOOPBACK:
            raise SystemExit("--url must be a loopback address (127.0.0.1, localhost, ::1)")
        base = args.url.rstrip("/")
    else:
        store = args.store
        if store is None:
            tmp = tempfile.TemporaryDirectory()
            os.chdir(tmp.name)
            from solkg.build import build

            data = []
            if args.chains:
                data = [Path(tmp.name) / f"chains-{args.chains}.ttl"]
                subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--chains",
                                str(args.chains), "--seed", "1", "-o", str(data[0])], check=True, capture_output=True)
            build(store_path=Path(tmp.name) / "store", out=Path(tmp.name) / "dist", check=False, data=data)
            store = Path(tmp.name) / "store"
        base, proc = start(store.resolve(), args.workers)
    parsed = urlparse(base)
    report: dict = {"chains": args.chains}
    errors: list = []
    try:
        if args.scenario in ("both", "mixed"):
            mixed_report, errors = mixed(parsed, args.clients, duration)
            report.update(mixed_report)
        if args.scenario in ("both", "noisy"):
            noisy = noisy_neighbour(parsed.hostname, parsed.port, clients=args.noisy_clients,
                                    duration=min(args.noisy_duration, 600.0))
            report["noisy_neighbour"] = {k: v for k, v in noisy.items() if k != "errors"}
            report["noisy_neighbour"]["errors"] = len(noisy["errors"])
            errors += noisy["errors"]
            q, n = noisy["quiet"], noisy["noisy"]
            print(
                f"noisy neighbour: {noisy['cheap_clients']} cheap-query clients; alone {q['requests']} queries, "
                f"p50 {q['p50_ms']} ms, p99 {q['p99_ms']} ms; while {noisy['slow_queries']} slow queries run "
                f"({noisy['noisy_duration_s']} s) {n['requests']} queries, p50 {n['p50_ms']} ms, p99 {n['p99_ms']} ms, "
                f"max {n['max_ms']} ms (p99 x{noisy['p99_ratio_noisy_vs_quiet']}); slow queries ended "
                f"{noisy['slow_status']}, {noisy['slow_still_running_at_end']} still running at the end"
            )
            for e in noisy["errors"][:10]:
                print("  error:", e)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        if tmp is not None:
            os.chdir(ROOT)
            tmp.cleanup()
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "serve-load.json").write_text(json.dumps(report, indent=2) + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
