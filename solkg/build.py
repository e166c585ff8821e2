"""Build, the whole pipeline: sources → store (with its entailed graph) → checks → release files.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> result = build(memory=True, out=out, check=False)
>>> sorted(p.name for p in result.files)[:3]
['solkg-ontology.rdf', 'solkg.jsonld', 'solkg.nq']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .checks.run import CheckOptions
from .findings import Report
from .project import Project
from .release.dataset import write_files, write_release, write_void
from .release.export import SortedDump
from .sources import Source, input_size
from .store.child import available as child_available
from .store.disk import DEFAULT_STORE, StoreWriter, graph_triple_counts, write_store
from .store.entail import add_entailed
from .store.summary import SUMMARY_GRAPH, add_summary, write_summary
from .store.load import load_source, load_sources

__all__ = ["BuildResult", "build", "PARALLEL_RANGE"]

PARALLEL_RANGE = (8 * 2**20, 72 * 2**20)
"""Sources of a total size (bytes, uncompressed) in this range are built along two processes: this
one loads them into an in-memory store and writes the release files from it while a second one
writes the on-disk store (:class:`solkg.store.StoreWriter`). Below it the child's start-up is not
worth it. Above it the release files are read from the on-disk store, written first, so that
memory stays bounded: the in-memory store takes about 6.5 times the size of a Turtle file, beside
the child's bulk loader (about 1 GB at its peak); measured at 100k chains (64 MiB of Turtle), the
two processes together peak at 1.35 to 1.40 GB."""

@dataclass
class BuildResult:
    """What a build made."""

    store_path: Path | None
    """The on-disk store, or None for ``--memory``."""
    graphs: dict[str, int]
    """Named graph → triple count."""
    files: list[Path] = field(default_factory=list)
    """Release files written (``void.ttl`` last)."""
    report: Report | None = None
    """The check report, or None with ``check=False``."""

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def build(
    *,
    data: Sequence[str | Path] = (),
    store_path: Path | str | None = DEFAULT_STORE,
    memory: bool = False,
    out: Path | str = "dist",
    check: bool = True,
    validator: str | None = None,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    parallel: bool | None = None,
) -> BuildResult:
    """Parse the project's sources (plus ``data`` files or folders) into the store, check, release.

    Every source is parsed before anything is written; on a bad file nothing changes on disk.
    ``parallel`` chooses how the on-disk store is built: True, in a second process while this one
    writes the release files from an in-memory copy; False, first and alone, the release files then
    read from it; None (default), True when the sources' size is within :data:`PARALLEL_RANGE`.
    Both give the same store and the same bytes. ``validator`` and ``lang``: see
    :class:`~solkg.checks.CheckOptions`.
    """
    project = Project(data=data)
    options = CheckOptions(lang=lang, validator=validator, progress=progress)
    sources = project.sources()
    if progress:
        progress(f"loading {len(sources)} source files")
    if parallel is None:
        size = sum(input_size(s.path) for s in sources)
        parallel = PARALLEL_RANGE[0] <= size <= PARALLEL_RANGE[1] and child_available()
    out = Path(out)
    if memory or not parallel:
        if memory:
            store = load_sources(sources)
            add_entailed(store)
            add_summary(store)
            path = None
        else:
            path = Path(store_path or DEFAULT_STORE)
            store = write_store(sources, path, progress=progress)
        graphs = _released(graph_triple_counts(store))
        report = _check(project, store, sources, check=check, options=options, in_memory=memory)
        files = write_files(store, sources, out, graphs=graphs, progress=progress)
        return BuildResult(store_path=path, graphs=graphs, files=files, report=report)
    path = Path(store_path or DEFAULT_STORE)
    with StoreWriter(sources, path, summary=False) as writer:
        if progress:
            progress("writing the on-disk store in a second process")
        store = ox.Store()
        for source in sources:
            if progress:
                progress(f"loading {source.relative} (in memory)")
            load_source(store, source, stream=True)
        add_entailed(store)
        graphs = _released(graph_triple_counts(store))
        report = _check(project, store, sources, check=check, options=options, in_memory=True)
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".solkg-release-", dir=out))
        try:
            # the summary is computed here, from the in-memory store (about twice as fast as on disk,
            # while the child loads), and goes into the on-disk store before it is swapped in
            if progress:
                progress("summarising")
            summary = stage / "summary.nq"
            write_summary(store, summary)
            if progress:
                progress("sorting the graphs")
            # the release files are written from the dump alone: the in-memory store is freed before
            # the sort, so that it, the sort and the child's bulk loader are not all held at once
            dump = SortedDump(store, drop_store=True)
            del store
            with dump:
                staged = write_release(dump, stage, graphs=graphs, progress=progress)
            staged.append(write_void(sources, graphs, staged, stage))
            if progress:
                progress("waiting for the on-disk store")
            writer.commit(summary=summary)
            summary.unlink()
            files = []
            for file in staged:  # the store is in place: now the release files, each atomically
                os.replace(file, out / file.name)
                files.append(out / file.name)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return BuildResult(store_path=path, graphs=graphs, files=files, report=report)


def _released(graphs: dict[str, int]) -> dict[str, int]:
    """The graphs of the release files and VoID: all but the summary (derived for the named queries'
    speed, like an index; it stays in the store, and publish sends it)."""
    return {g: n for g, n in graphs.items() if g != SUMMARY_GRAPH}


def _check(project: Project, store: ox.Store, sources: Sequence[Source], *, check: bool,
           options: CheckOptions, in_memory: bool = False) -> Report | None:
    if not check:
        return None
    options.say("checking")
    return project.check(store=store, sources=sources, options=options, in_memory=in_memory)
