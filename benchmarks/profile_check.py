"""Where `solkg check FILE` spends its time: a per-stage profile of the partner-file check.

    python benchmarks/profile_check.py FILE [--json OUT.json]

Runs what ``solkg check FILE`` runs (:meth:`solkg.project.Project.check_files`: load into memory or,
above 128 MiB, a temporary on-disk store; the ill-typed literal scan of the file as parsed; SHACL;
the named SPARQL checks; the JSON report), all in this one process (``solkg check`` runs the scan
and the SHACL chunks in other processes too), with timers around each stage and, inside SHACL,
around the validator's parts: reading the chunk's triples, the target query, choosing each
shape's focus nodes, evaluating paths, each constraint component and each ``sh:sparql``
constraint. Times inside SHACL are exclusive (a nested shape's components are counted to their
own component, not to sh:node or sh:property), so the rows add up to the SHACL stage.

The timers wrap library functions from outside (this script only); the figures are for reading
ratios between stages, and they include the timers' own small cost. Prints a table; --json keeps it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Profile:
    """Exclusive time per label (time in nested timers is not counted twice): CPU time of this
    process by default (steadier than wall time on a shared machine), wall time with ``wall``."""

    def __init__(self, *, wall: bool = False) -> None:
        self.clock = time.perf_counter if wall else time.process_time
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list[float]] = []  # [start, time spent in children]

    @contextlib.contextmanager
    def timer(self, label: str):
        frame = [self.clock(), 0.0]
        self.stack.append(frame)
        try:
            yield
        finally:
            self.stack.pop()
            elapsed = self.clock() - frame[0]
            self.spent[label] += elapsed - frame[1]
            self.calls[label] += 1
            if self.stack:
                self.stack[-1][1] += elapsed

    def wrap(self, label, fn):
        def wrapped(*args, **kwargs):
            with self.timer(label if isinstance(label, str) else label(*args, **kwargs)):
                return fn(*args, **kwargs)

        return wrapped

    def wrap_iter(self, label: str, fn):
        """A generator function timed while it runs (each step), not while its consumer does."""

        def wrapped(*args, **kwargs):
            it = fn(*args, **kwargs)
            while True:
                with self.timer(label):
                    try:
                        item = next(it)
                    except StopIteration:
                        return
                yield item

        return wrapped


def instrument(profile: Profile) -> None:
    from solkg.checks import run as check_run
    from solkg.checks import sparql as named_checks
    from solkg.checks.shacl import components, data, validator
    from solkg.namespaces import compact

    for iri, comp in list(components.COMPONENTS.items()):
        components.COMPONENTS[iri] = components.Component(
            comp.parameter, profile.wrap(f"shacl: {compact(iri).removeprefix('sh:')}", comp.evaluate))
    # one process: the timers see every stage (the worker processes would take chunks away)
    sys.modules["solkg.checks.shacl"].default_workers = lambda: 1
    cls = data.DataAccess
    cls.describe = profile.wrap("shacl: read the chunk's triples (describe)", cls.describe)
    v = validator.SparqlValidator
    v.candidates = profile.wrap_iter("shacl: target query (candidates)", v.candidates)
    v.focus_nodes = profile.wrap("shacl: focus nodes of each shape", v.focus_nodes)
    v.values = profile.wrap("shacl: paths (values)", v.values)
    v.reset = profile.wrap("shacl: reset after a chunk", v.reset)

    def constraint_label(self, shape, sc, focus, path, msgs):
        return f"shacl: sh:sparql of {compact(shape.value) if hasattr(shape, 'value') else shape}"

    v.sparql_constraint = profile.wrap(constraint_label, v.sparql_constraint)
    check_run.shacl.validate = profile.wrap("shacl (other: set-up, results)", check_run.shacl.validate)

    original_checks = check_run.run_sparql_checks

    def run_checks(store, **kwargs):
        out = []
        for chk in named_checks.list_checks():
            with profile.timer(f"sparql check: {chk.name}"):
                out.extend(original_checks(store, checks=[chk], **kwargs))
        return out

    check_run.run_sparql_checks = run_checks
    check_run.ill_typed_literals = profile.wrap("ill-typed literals (store)", check_run.ill_typed_literals)
    from solkg.checks import origin

    origin.Origins.__call__ = profile.wrap("locate findings (source file)", origin.Origins.__call__)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--wall", action="store_true", help="wall time per stage (default: CPU time of this process)")
    args = ap.parse_args(argv)

    from solkg import project as project_module
    from solkg.checks.report import render_report
    from solkg.checks.run import CheckOptions

    profile = Profile(wall=args.wall)
    instrument(profile)
    from solkg.checks.literals import SourceLiterals

    SourceLiterals.read = profile.wrap("literal scan: ill-typed, spellings (file as parsed; in a process of its own "
                                       "when not profiled)", SourceLiterals.read)
    project_module.scanning_literals = lambda sources: contextlib.nullcontext(SourceLiterals(list(sources)))
    project_module.default_workers = lambda: 1  # the SHACL chunks in this process, so that they are timed
    project_module.load_sources = profile.wrap("load (in memory)", project_module.load_sources)
    real_temporary = project_module.temporary_store

    @contextlib.contextmanager
    def temporary(sources, progress=None):
        cm = real_temporary(sources, progress=progress)
        with profile.timer("load (temporary on-disk store, with compaction)"):
            store = cm.__enter__()
        try:
            yield store
        finally:
            with profile.timer("remove the temporary store"):
                cm.__exit__(None, None, None)

    project_module.temporary_store = temporary
    messages = []
    options = CheckOptions(progress=lambda m: messages.append((time.perf_counter(), m)))
    t0, c0 = time.perf_counter(), profile.clock()
    with profile.timer("(rest)"):
        report = project_module.Project().check_files([args.file], options=options)
        with profile.timer("render the JSON report"):
            text = render_report(report, "json", lang="en")
    wall = time.perf_counter() - t0
    total = profile.clock() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sorted(profile.spent.items(), key=lambda kv: -kv[1])
    width = max(len(k) for k, _ in rows)
    print(f"{args.file}: {wall:.1f} s wall, {total:.1f} s {'wall' if args.wall else 'CPU'} in the stages below, "
          f"peak RSS {rss:.0f} MB, {len(report.findings)} findings, load average {os.getloadavg()[0]:.1f}")
    for label, spent in rows:
        print(f"  {label:<{width}}  {spent:8.2f} s  {100 * spent / total:5.1f} %  ({profile.calls[label]} calls)")
    if args.json:
        args.json.write_text(json.dumps({
            "file": str(args.file), "wall_s": round(wall, 3), "clock": "wall" if args.wall else "cpu",
            "total_s": round(total, 3), "peak_rss_mb": round(rss), "findings": len(report.findings),
            "load_average": os.getloadavg(), "report_bytes": len(text),
            "stages": {k: {"s": round(v, 3), "calls": profile.calls[k]} for k, v in rows}}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
