"""What the guards of solkg.limits cost, against pyoxigraph's own parse of the same bytes.

    python benchmarks/limits.py --chains 20000

Generates data with benchmarks/generate.py (N-Triples and Turtle), derives the other shapes from
it (Turtle with blank nodes and collections, Turtle made of long strings, JSON-LD, RDF/XML), then
for each: the best of ``--runs`` of the guard (fed in 16 MiB chunks, as solkg reads files) and of
``pyoxigraph.parse`` (all quads), and their ratio. Also the cost of one call through
:func:`solkg.limits.call_with_stack`. Ratios are measured in the same run, so that a loaded
machine changes both sides. Prints a table; writes nothing.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from solkg.limits import call_with_stack, scanner  # noqa: E402

CHUNK = 1 << 24


def _best(func, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def _guard(data: bytes, syntax: str) -> None:
    scan = scanner(syntax, where="bench")
    for start in range(0, len(data), CHUNK):
        scan.feed(data[start:start + CHUNK])
    scan.close()


def shapes(folder: Path, chains: int) -> dict[str, tuple[bytes, str, ox.RdfFormat]]:
    for suffix in ("nt", "ttl"):
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--chains", str(chains), "--seed", "1",
                        "-o", str(folder / f"data.{suffix}")], check=True, capture_output=True)
    nt = (folder / "data.nt").read_bytes()
    ttl = (folder / "data.ttl").read_bytes()
    lines = ttl.decode().splitlines(True)
    blank = "".join(line if line.startswith("@") else
                    line.replace(" .\n", " ; <http://e/x> [ <http://e/y> ( 1 2 3 ) ] .\n") for line in lines)
    long = re.sub(r'"([^"\n]*)"', r'"""\1"""', ttl.decode())
    quads = list(ox.parse(nt, ox.RdfFormat.N_TRIPLES))
    return {
        "N-Triples": (nt, "turtle", ox.RdfFormat.N_TRIPLES),
        "Turtle": (ttl, "turtle", ox.RdfFormat.TURTLE),
        "Turtle, blank nodes and lists": (blank.encode(), "turtle", ox.RdfFormat.TURTLE),
        "Turtle, long strings": (long.encode(), "turtle", ox.RdfFormat.TURTLE),
        "JSON-LD": (ox.serialize(quads, format=ox.RdfFormat.JSON_LD), "json", ox.RdfFormat.JSON_LD),
        "RDF/XML": (ox.serialize(quads, format=ox.RdfFormat.RDF_XML), "xml", ox.RdfFormat.RDF_XML),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="solkg-limits-bench-") as tmp:
        data = shapes(Path(tmp), args.chains)
    print(f"| data ({args.chains} chains) | MiB | guard s | pyoxigraph parse s | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, (raw, syntax, fmt) in data.items():
        guard = _best(lambda raw=raw, syntax=syntax: _guard(raw, syntax), args.runs)
        parse = _best(lambda raw=raw, fmt=fmt: sum(1 for _ in ox.parse(raw, fmt)), args.runs)
        print(f"| {name} | {len(raw) / 2**20:.1f} | {guard:.3f} | {parse:.3f} | {guard / parse:.2f} |")
    for _ in range(50):
        call_with_stack(int)
    calls = 2000
    started = time.perf_counter()
    for _ in range(calls):
        call_with_stack(int)
    print(f"\ncall_with_stack: {(time.perf_counter() - started) / calls * 1000:.3f} ms per call")


if __name__ == "__main__":
    main()
