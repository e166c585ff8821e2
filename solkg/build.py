"""Build: parse every source into the store, check it, and write the release files.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> result = build(memory=True, out=out, check=False)
>>> sorted(p.name for p in result.files)[:3]
['solkg-ontology.rdf', 'solkg.jsonld', 'solkg.nq']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .check import Report, check_store
from .child import available as child_available
from .entail import ENTAILED_GRAPH, add_entailed
from .errors import InputError
from .export import SortedDump, atomic_write
from .namespaces import PREFIXES, SOLG
from .sources import Source, data_sources, display_path, input_size, project_sources
from .store import (DEFAULT_STORE, StoreWriter, graph_triple_counts, load_source, load_sources, scan_ill_typed,
                    write_store)

__all__ = ["BuildResult", "build", "release_files", "describe_dataset", "build_time", "DATASET_IRI", "LICENSE",
           "PARALLEL_RANGE"]

DATASET_IRI = "https://w3id.org/solkg/dataset"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLES = {
    "en": "solkg: a knowledge graph of economic and solidarity short supply chains",
    "fr": "solkg : un graphe de connaissances des circuits courts économiques et solidaires",
}

ENTAILED_DESCRIPTION = {
    "en": "Derived at build time, not a source: the reflexive-transitive closures of rdfs:subClassOf and "
          "rdfs:subPropertyOf and the transitive closure of skos:broader (as skos:broaderTransitive) over the "
          "other graphs, less what they assert; the named queries join it instead of walking property paths.",
    "fr": "Dérivé à la construction, pas une source : les clôtures réflexives et transitives de rdfs:subClassOf "
          "et rdfs:subPropertyOf et la clôture transitive de skos:broader (en skos:broaderTransitive) sur les "
          "autres graphes, moins ce qu'ils affirment ; les requêtes nommées la joignent au lieu de parcourir "
          "des chemins de propriétés.",
}

RELEASE = (
    # file name, format, which graphs ("kg": ontology + data; "all": every graph, the entailed one too;
    # "ontology")
    ("solkg.ttl", "turtle", "kg"),
    ("solkg.nt", "ntriples", "kg"),
    ("solkg.jsonld", "jsonld", "kg"),
    ("solkg.nq", "nquads", "all"),
    ("solkg-ontology.rdf", "rdfxml", "ontology"),
)
"""The release files written to ``dist/`` besides ``void.ttl``."""

PARALLEL_RANGE = (8 * 2**20, 72 * 2**20)
"""Sources of a total size (bytes, uncompressed) in this range are built along two processes: this
one loads them into an in-memory store and writes the release files from it while a second one
writes the on-disk store (:class:`solkg.store.StoreWriter`). Below it the child's start-up is not
worth it. Above it the release files are read from the on-disk store, written first, so that
memory stays bounded: the in-memory store takes about 6.5 times the size of a Turtle file, beside
the child's bulk loader (about 1 GB at its peak); measured at 100k chains (64 MiB of Turtle), the
two processes together peak at 1.35 to 1.40 GB."""

_MEDIA = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
          "nquads": "application/n-quads", "rdfxml": "application/rdf+xml"}


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


def build_time() -> dt.datetime:
    """The build time: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except ValueError:
            raise InputError(f"SOURCE_DATE_EPOCH must be an integer number of seconds, not '{epoch}'") from None
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_dataset(sources: Sequence[Source], graphs: dict[str, int], files: Sequence[Path],
                     *, when: dt.datetime) -> list[ox.Triple]:
    """VoID + DCAT description: triple counts per graph, source files with sha256, distributions."""
    p = PREFIXES
    N, L = ox.NamedNode, ox.Literal
    xsd = lambda t: N(p["xsd"] + t)  # noqa: E731
    ds = N(DATASET_IRI)
    a = N(p["rdf"] + "type")
    out = [
        ox.Triple(ds, a, N(p["void"] + "Dataset")),
        ox.Triple(ds, a, N(p["dcat"] + "Dataset")),
        ox.Triple(ds, N(p["dcterms"] + "title"), L(TITLES["en"], language="en")),
        ox.Triple(ds, N(p["dcterms"] + "title"), L(TITLES["fr"], language="fr")),
        ox.Triple(ds, N(p["dcterms"] + "license"), N(LICENSE)),
        ox.Triple(ds, N(p["owl"] + "versionInfo"), L(__version__)),
        ox.Triple(ds, N(p["dcterms"] + "modified"), L(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=xsd("dateTime"))),
        ox.Triple(ds, N(p["void"] + "triples"), L(str(sum(graphs.values())), datatype=xsd("integer"))),
        ox.Triple(ds, N(p["void"] + "uriSpace"), L("https://w3id.org/solkg/")),
    ]
    by_graph = {s.graph: s for s in sources}
    for graph, count in sorted(graphs.items()):
        g = N(graph)
        out += [
            ox.Triple(ds, N(p["void"] + "subset"), g),
            ox.Triple(g, a, N(p["void"] + "Dataset")),
            ox.Triple(g, N(p["void"] + "triples"), L(str(count), datatype=xsd("integer"))),
        ]
        source = by_graph.get(graph)
        if graph == ENTAILED_GRAPH:
            out += [
                ox.Triple(g, N(p["dcterms"] + "description"), L(ENTAILED_DESCRIPTION["en"], language="en")),
                ox.Triple(g, N(p["dcterms"] + "description"), L(ENTAILED_DESCRIPTION["fr"], language="fr")),
            ]
        if source is not None:
            checksum = ox.BlankNode("sha256-" + hashlib.sha256(graph.encode()).hexdigest()[:12])
            out += [
                ox.Triple(g, N(p["dcterms"] + "source"), L(source.relative)),
                ox.Triple(g, N(p["spdx"] + "checksum"), checksum),
                ox.Triple(checksum, N(p["spdx"] + "algorithm"), N(p["spdx"] + "checksumAlgorithm_sha256")),
                ox.Triple(checksum, N(p["spdx"] + "checksumValue"), L(_sha256(source.path))),
            ]
    for path in files:
        dist = N(f"{DATASET_IRI}/{path.name}")
        fmt = next(f for name, f, _ in RELEASE if name == path.name)
        checksum = ox.BlankNode("sha256-" + hashlib.sha256(path.name.encode()).hexdigest()[:12])
        out += [
            ox.Triple(ds, N(p["dcat"] + "distribution"), dist),
            ox.Triple(dist, a, N(p["dcat"] + "Distribution")),
            ox.Triple(dist, N(p["dcat"] + "mediaType"), L(_MEDIA[fmt])),
            ox.Triple(dist, N(p["dcat"] + "downloadURL"), N(f"{DATASET_IRI}/{path.name}")),
            ox.Triple(dist, N(p["dcat"] + "byteSize"), L(str(path.stat().st_size), datatype=xsd("integer"))),
            ox.Triple(dist, N(p["spdx"] + "checksum"), checksum),
            ox.Triple(checksum, N(p["spdx"] + "algorithm"), N(p["spdx"] + "checksumAlgorithm_sha256")),
            ox.Triple(checksum, N(p["spdx"] + "checksumValue"), L(_sha256(path))),
        ]
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def release_files(store: ox.Store, out: Path, *, graphs: dict[str, int],
                  progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the release files of :data:`RELEASE` to ``out`` (each atomically), from one dump."""
    if progress:
        progress("sorting the graphs")
    with SortedDump(store) as dump:
        return _write_release(dump, out, graphs=graphs, progress=progress)


def _write_release(dump: SortedDump, out: Path, *, graphs: dict[str, int],
                   progress: Callable[[str], None] | None = None) -> list[Path]:
    ontology = [ox.NamedNode(g) for g in graphs if g.startswith(SOLG + "ontology/")]
    shapes = {g for g in graphs if g.startswith(SOLG + "shapes/")}
    kg = [ox.NamedNode(g) for g in graphs if g not in shapes and g != ENTAILED_GRAPH]
    which = {"kg": kg, "all": None, "ontology": ontology}  # "all" holds the entailed graph too
    files = []
    for name, fmt, part in RELEASE:
        if progress:
            progress(f"writing {name}")
        with atomic_write(out / name) as handle:
            dump.write(handle, fmt=fmt, graphs=which[part])
        files.append(out / name)
    return files


def build(
    *,
    data: Sequence[str | Path] = (),
    store_path: Path | str | None = DEFAULT_STORE,
    memory: bool = False,
    out: Path | str = "dist",
    check: bool = True,
    engine: str | None = None,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    parallel: bool | None = None,
) -> BuildResult:
    """Parse the project's sources (plus ``data`` files or folders) into the store, check, release.

    Every source is parsed before anything is written; on a bad file nothing changes on disk.
    ``parallel`` chooses how the on-disk store is built: True, in a second process while this one
    writes the release files from an in-memory copy; False, first and alone, the release files then
    read from it; None (default), True when the sources' size is within :data:`PARALLEL_RANGE`.
    Both give the same store and the same bytes.
    """
    sources = project_sources() + data_sources(list(data))
    graphs_seen: dict[str, Source] = {}
    for source in sources:
        if source.graph in graphs_seen:
            first = display_path(graphs_seen[source.graph].path)
            raise InputError(f"{display_path(source.path)}: same graph name as {first}")
        graphs_seen[source.graph] = source
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
            path = None
        else:
            path = Path(store_path or DEFAULT_STORE)
            store = write_store(sources, path, progress=progress)
        graphs = graph_triple_counts(store)
        report = _check(store, sources, check=check, engine=engine, lang=lang, progress=progress)
        files = _release(store, sources, out, graphs=graphs, progress=progress)
        return BuildResult(store_path=path, graphs=graphs, files=files, report=report)
    path = Path(store_path or DEFAULT_STORE)
    with StoreWriter(sources, path) as writer:
        if progress:
            progress("writing the on-disk store in a second process")
        store = ox.Store()
        for source in sources:
            if progress:
                progress(f"loading {source.relative} (in memory)")
            load_source(store, source, stream=True)
        add_entailed(store)
        graphs = graph_triple_counts(store)
        report = _check(store, sources, check=check, engine=engine, lang=lang, progress=progress)
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".solkg-release-", dir=out))
        try:
            if progress:
                progress("sorting the graphs")
            # the release files are written from the dump alone: the in-memory store is freed before
            # the sort, so that it, the sort and the child's bulk loader are not all held at once
            dump, store = SortedDump(store, drop_store=True), None
            with dump:
                staged = _write_release(dump, stage, graphs=graphs, progress=progress)
            staged.append(_write_void(sources, graphs, staged, stage))
            if progress:
                progress("waiting for the on-disk store")
            writer.commit()
            files = []
            for file in staged:  # the store is in place: now the release files, each atomically
                os.replace(file, out / file.name)
                files.append(out / file.name)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return BuildResult(store_path=path, graphs=graphs, files=files, report=report)


def _check(store: ox.Store, sources: Sequence[Source], *, check: bool, engine: str | None, lang: str,
           progress: Callable[[str], None] | None) -> Report | None:
    if not check:
        return None
    if progress:
        progress("checking")
    ill_typed = scan_ill_typed([s for s in sources if s.kind == "data"])
    return check_store(store, data_graphs=None, graph_paths={s.graph: s.shown for s in sources},
                       lang=lang, engine=engine, ill_typed=ill_typed, progress=progress)


def _release(store: ox.Store, sources: Sequence[Source], out: Path, *, graphs: dict[str, int],
             progress: Callable[[str], None] | None) -> list[Path]:
    """The release files and ``void.ttl`` (last), written to ``out``."""
    files = release_files(store, out, graphs=graphs, progress=progress)
    files.append(_write_void(sources, graphs, files, out))
    return files


def _write_void(sources: Sequence[Source], graphs: dict[str, int], files: Sequence[Path], out: Path) -> Path:
    triples = describe_dataset(sources, graphs, files, when=build_time())
    with atomic_write(out / "void.ttl") as handle:
        ox.serialize(triples, handle, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return out / "void.ttl"
