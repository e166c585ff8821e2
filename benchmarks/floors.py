"""What the embedded store's SPARQL evaluator costs per row, beside the named queries built from it.

    python benchmarks/floors.py --store STORE --runs 5 -o floors.json

STORE is a built store: ``solkg build --store STORE``, or the last build that benchmarks/run.py
keeps in its work folder (``chains-N/build-3/store`` at 3 runs).

The whole-graph named queries (actors-in-several-chains, food-chains-by-intermediaries ...) are a
handful of operations over every chain, participation or actor: scans, hash joins, groupings,
decoding IRIs and sorting. This script times each operation alone on a built store (pyoxigraph,
on disk, opened read only, the union default graph as ``solkg query`` reads it): the scans, join,
grouping and decode are counted or aggregated inside the store and hand one row to Python, while
the three sorts return up to 1000 rows each (``LIMIT 1000``), all turned into Python row objects
within the time measured. Then the named queries themselves (``run_query``, default limit 1000),
all in this one process, medians of ``--runs``. The table says how many rows each operation touches
and what that costs per row, so that a named query's time can be read as the sum of its parts, and a
change to one can be judged against what the store allows. Run on demand,
not in the tests (``tests/test_benchmarks_smoke.py`` runs it on the project's own store so it
cannot rot).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solkg.namespaces import PREFIXES  # noqa: E402

__all__ = ["OPERATIONS", "WHOLE_GRAPH_QUERIES", "measure", "main"]

HEAD = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rdf", "rdfs", "sol"))

CHAINS = "?chainClass rdfs:subClassOf sol:ShortSupplyChain . ?chain rdf:type ?chainClass ."
PARTICIPATIONS = "?role rdfs:subPropertyOf sol:hasParticipant . ?chain ?role ?actor ."
CHAIN_KEY = 'BIND(CONCAT("~", STR(?chain)) AS ?key)'

# name -> (what it is, the pattern whose rows are counted, the query timed)
OPERATIONS: dict[str, tuple[str, str, str]] = {
    "scan-chains": (
        "chains: rdf:type joined with the entailed class closure, counted",
        CHAINS,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {CHAINS} }}",
    ),
    "scan-participations": (
        "participations: every sub-property of sol:hasParticipant, counted",
        PARTICIPATIONS,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {PARTICIPATIONS} }}",
    ),
    "hash-join": (
        "chains joined with participations (two sub-SELECTs, joined by hashing), counted",
        f"{{ SELECT ?chain WHERE {{ {CHAINS} }} }} {{ SELECT ?chain ?actor WHERE {{ {PARTICIPATIONS} }} }}",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?chain WHERE {{ {CHAINS} }} }} "
        f"{{ SELECT ?chain ?actor WHERE {{ {PARTICIPATIONS} }} }} }}",
    ),
    "group-count-distinct": (
        "participations grouped by actor, COUNT(DISTINCT ?chain), groups counted",
        PARTICIPATIONS,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT ?actor (COUNT(DISTINCT ?chain) AS ?c) "
        f"WHERE {{ {PARTICIPATIONS} }} GROUP BY ?actor }}",
    ),
    "decode-iri": (
        "each chain's IRI decoded once (MAX(STR(?chain)))",
        CHAINS,
        f"SELECT (MAX(STR(?chain)) AS ?m) WHERE {{ {CHAINS} }}",
    ),
    "sort-by-iri": (
        "chains ordered by their IRI, first 1000 (the store decodes both IRIs at each comparison)",
        CHAINS,
        f"SELECT ?chain WHERE {{ {CHAINS} }} ORDER BY ?chain LIMIT 1000",
    ),
    "sort-by-bound-key": (
        'chains ordered by a key bound once per row (CONCAT("~", STR(?chain))), first 1000',
        CHAINS,
        f"SELECT ?chain WHERE {{ {CHAINS} {CHAIN_KEY} }} ORDER BY ?key LIMIT 1000",
    ),
    "sort-by-expression": (
        "chains ordered by the same key written in ORDER BY instead of bound first, first 1000",
        CHAINS,
        f'SELECT ?chain WHERE {{ {CHAINS} }} ORDER BY CONCAT("~", STR(?chain)) LIMIT 1000',
    ),
}

WHOLE_GRAPH_QUERIES = ["actors-in-several-chains", "chains-by-principle", "chains-per-sector-territory",
                       "food-chains-by-intermediaries", "sectors-overview"]


def _positive(text: str) -> int:
    """An integer of at least 1 (``--runs``): a median needs one run."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _median_time(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(store_path: Path, *, runs: int = 5) -> dict:
    """Time every operation and whole-graph named query on the store at ``store_path``.

    Example: ``measure(Path(".solkg/store"), runs=1)["operations"]["scan-chains"]["rows"]`` is the
    number of chains in the store built by ``solkg build``.
    """
    from solkg.query import get_query, run_query
    from solkg.store import open_store

    store = open_store(store_path)

    def count(pattern: str) -> int:
        (row,) = store.query(HEAD + f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", use_default_graph_as_union=True)
        return int(row[0].value)

    operations = {}
    for name, (what, pattern, text) in OPERATIONS.items():
        rows = count(pattern)
        seconds = _median_time(lambda text=text: list(store.query(HEAD + text, use_default_graph_as_union=True)), runs)
        operations[name] = {"what": what, "rows": rows, "median_s": seconds,
                            "us_per_row": seconds / rows * 1e6 if rows else None}
    queries = {}
    for name in WHOLE_GRAPH_QUERIES:
        query = get_query(name)
        seconds = _median_time(lambda query=query: run_query(query, store=store, params={}), runs)
        queries[name] = {"median_s": seconds}
    return {"store": str(store_path), "runs": runs, "operations": operations, "queries": queries}


def render(result: dict) -> str:
    """The figures as a Markdown table."""
    lines = [f"store: {result['store']}; medians of {result['runs']} runs, in one process",
             "| operation | rows | median | per row |", "|---|---|---|---|"]
    for name, op in result["operations"].items():
        per_row = "-" if op["us_per_row"] is None else f"{op['us_per_row']:.2f} µs"
        lines.append(f"| {name}: {op['what']} | {op['rows']:,} | {op['median_s']:.3f} s | {per_row} |")
    for name, q in result["queries"].items():
        lines.append(f"| named query {name} (limit 1000) | | {q['median_s']:.3f} s | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, required=True, help="a built store (solkg build --store ...)")
    ap.add_argument("--runs", type=_positive, default=5, help="runs per figure (median; at least 1; default 5)")
    ap.add_argument("-o", "--out", type=Path, help="write the figures as JSON here too")
    args = ap.parse_args(argv)
    if not args.store.is_dir():
        print(f"floors.py: {args.store}: no store here (run solkg build first)", file=sys.stderr)
        return 2
    result = measure(args.store, runs=args.runs)
    print(render(result))
    if args.out:
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
        tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
