"""Serialise the store: sorted, stable output with fixed prefixes, written atomically.

Triples are streamed in SPARQL ``ORDER BY`` order from the store, so the same content gives the
same bytes. JSON-LD is written by a streaming writer of ours, compacted with solkg's context
(embedded in the document: no reader needs a network fetch).

>>> from solkg.store import load_sources
>>> from solkg.sources import project_sources
>>> store = load_sources(project_sources(kinds=("ontology",)))
>>> text = export_bytes(store, fmt="turtle").decode()
>>> text.startswith("@prefix")
True
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import InputError
from .namespaces import PREFIXES, RDF, SOLG, XSD, compact
from .sources import project_root

__all__ = [
    "RDF_FORMATS",
    "FORMAT_ALIASES",
    "EXTENSIONS",
    "normalise_format",
    "sorted_ntriples",
    "sorted_triples",
    "sorted_quads",
    "write_rdf",
    "export_bytes",
    "export_file",
    "atomic_write",
    "jsonld_context",
    "resolve_graph",
]

RDF_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml")
FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json": "jsonld", "xml": "rdfxml"}
EXTENSIONS = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "trig": "trig", "jsonld": "jsonld", "rdfxml": "rdf"}
_OX = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_DATASET_FORMATS = {"nquads", "trig"}
_XSD_STRING = XSD + "string"


def normalise_format(fmt: str) -> str:
    """The canonical name of an RDF output format, aliases accepted.

    >>> normalise_format("ttl")
    'turtle'
    """
    name = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
    if name not in RDF_FORMATS:
        raise InputError(f"unknown RDF format '{fmt}' (choose {'|'.join(RDF_FORMATS)}; aliases ttl|nt|nq)")
    return name


def resolve_graph(graph: str) -> ox.NamedNode:
    """A named graph from an IRI, ``solg:path`` or a source path such as ``data/seed.ttl``."""
    if graph.startswith("<") and graph.endswith(">"):
        graph = graph[1:-1]
    if graph.startswith("solg:"):
        graph = SOLG + graph[5:]
    elif "://" not in graph:
        graph = SOLG + graph.lstrip("./")
    return ox.NamedNode(graph)


_CHUNK_LINES = 2_000_000
"""Lines sorted in memory at once; longer dumps are sorted in runs on disk and merged."""


def _graphs(store: ox.Store, graphs: list[ox.NamedNode] | None) -> list[ox.NamedNode]:
    if graphs is not None:
        return sorted(graphs, key=lambda g: g.value)
    return sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)


def _sorted_unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    previous = None
    for line in lines:
        if line != previous and line.strip():
            yield line
            previous = line


def sorted_ntriples(store: ox.Store, *, graphs: list[ox.NamedNode] | None = None,
                    workdir: Path | None = None) -> Iterator[bytes]:
    """The distinct triples of the graphs (all named graphs by default) as sorted N-Triples lines.

    Oxigraph dumps each graph; lines are sorted as bytes (so by subject, predicate, object) in
    memory up to :data:`_CHUNK_LINES` lines, beyond that in sorted runs on disk merged lazily:
    memory stays bounded whatever the size of the store.
    """
    with tempfile.TemporaryDirectory(prefix="solkg-sort-", dir=workdir) as tmp:
        runs: list[Path] = []
        chunk: list[bytes] = []

        def spill() -> None:
            chunk.sort()
            run = Path(tmp) / f"run{len(runs)}.nt"
            with run.open("wb") as handle:
                handle.writelines(chunk)
            runs.append(run)
            chunk.clear()

        for i, graph in enumerate(_graphs(store, graphs)):
            dump = Path(tmp) / f"graph{i}.nt"
            store.dump(str(dump), ox.RdfFormat.N_TRIPLES, from_graph=graph)
            with dump.open("rb") as handle:
                for line in handle:
                    chunk.append(line)
                    if len(chunk) >= _CHUNK_LINES:
                        spill()
            dump.unlink()
        if not runs:
            chunk.sort()
            yield from _sorted_unique(chunk)
            return
        if chunk:
            spill()
        handles = [run.open("rb") for run in runs]
        try:
            yield from _sorted_unique(heapq.merge(*handles))
        finally:
            for handle in handles:
                handle.close()


def sorted_triples(store: ox.Store, *, graphs: list[ox.NamedNode] | None = None) -> Iterator[ox.Triple]:
    """The distinct triples of the named graphs (all, or those given), sorted as N-Triples lines."""
    with tempfile.TemporaryDirectory(prefix="solkg-sorted-") as tmp:
        path = Path(tmp) / "sorted.nt"
        with path.open("wb") as handle:
            handle.writelines(sorted_ntriples(store, graphs=graphs, workdir=Path(tmp)))
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple


def sorted_quads(store: ox.Store, *, graphs: list[ox.NamedNode] | None = None) -> Iterator[ox.Quad]:
    """The quads of the named graphs (all, or those given): graph by graph, each sorted."""
    for graph in _graphs(store, graphs):
        for triple in sorted_triples(store, graphs=[graph]):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def jsonld_context() -> dict:
    """solkg's JSON-LD context (the ``@context`` value), from the shipped context file."""
    path = project_root() / "context" / "solkg.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def _jsonld_value(term, context_prefixes: dict[str, str]):
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if isinstance(term, ox.Triple):
        raise InputError("RDF-star triples cannot be written as JSON-LD")
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def _write_jsonld(triples: Iterable[ox.Triple], out: IO[bytes]) -> None:
    """Stream one compacted JSON-LD document: a node object per subject, in triple order."""
    context = jsonld_context()
    out.write(b'{\n  "@context": ')
    out.write(json.dumps(context, indent=2, ensure_ascii=False).replace("\n", "\n  ").encode())
    out.write(b',\n  "@graph": [')
    first = True
    current = None
    node: dict = {}

    def flush() -> None:
        nonlocal first
        if current is None:
            return
        out.write(b"\n    " if first else b",\n    ")
        out.write(json.dumps(node, ensure_ascii=False, separators=(", ", ": ")).encode())
        first = False

    for triple in triples:
        subject = triple.subject
        if subject != current:
            flush()
            current = subject
            node = {"@id": f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else compact(subject.value)}
        predicate = triple.predicate.value
        if predicate == RDF + "type" and isinstance(triple.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(triple.object.value))
            continue
        node.setdefault(compact(predicate), []).append(_jsonld_value(triple.object, context))
    flush()
    out.write(b"\n  ]\n}\n")


def write_rdf(store: ox.Store, out: IO[bytes], *, fmt: str, graphs: list[ox.NamedNode] | None = None) -> None:
    """Write the store (or some graphs) to a binary stream in one of :data:`RDF_FORMATS`."""
    fmt = normalise_format(fmt)
    if fmt == "jsonld":
        _write_jsonld(sorted_triples(store, graphs=graphs), out)
        return
    if fmt == "ntriples":
        out.writelines(sorted_ntriples(store, graphs=graphs))
        return
    if fmt == "nquads":
        for graph in _graphs(store, graphs):
            suffix = f" {graph} .\n".encode()
            out.writelines(line[: line.rstrip().rfind(b".")].rstrip() + suffix
                           for line in sorted_ntriples(store, graphs=[graph]))
        return
    if fmt in _DATASET_FORMATS:
        ox.serialize(sorted_quads(store, graphs=graphs), out, _OX[fmt], prefixes=PREFIXES)
        return
    prefixes = None if fmt == "ntriples" else PREFIXES
    ox.serialize(sorted_triples(store, graphs=graphs), out, _OX[fmt], prefixes=prefixes)


def export_bytes(store: ox.Store, *, fmt: str, graphs: list[ox.NamedNode] | None = None) -> bytes:
    """The serialisation as bytes (for small graphs; files use :func:`export_file`)."""
    import io

    buf = io.BytesIO()
    write_rdf(store, buf, fmt=fmt, graphs=graphs)
    return buf.getvalue()


@contextmanager
def atomic_write(path: Path) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` on success only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def export_file(store: ox.Store, path: Path, *, fmt: str, graphs: list[ox.NamedNode] | None = None) -> Path:
    """Write the serialisation to ``path`` atomically; returns the path."""
    with atomic_write(path) as handle:
        write_rdf(store, handle, fmt=fmt, graphs=graphs)
    return Path(path)
