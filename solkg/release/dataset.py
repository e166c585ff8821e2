"""The release files of ``dist/`` and the dataset description (VoID + DCAT) beside them.

>>> [name for name, _, _ in RELEASE][:2]
['solkg.ttl', 'solkg.nt']
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..files import atomic_write, build_time, sha256_file
from ..namespaces import PREFIXES
from ..sources import Source
from ..store.entail import ENTAILED_GRAPH
from ..store.graphs import Graphs
from .export import SortedDump

__all__ = ["DATASET_IRI", "LICENSE", "RELEASE", "describe_dataset", "release_files", "write_files", "write_release",
           "write_void"]

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

_MEDIA = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
          "nquads": "application/n-quads", "rdfxml": "application/rdf+xml"}


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
                ox.Triple(checksum, N(p["spdx"] + "checksumValue"), L(sha256_file(source.path))),
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
            ox.Triple(checksum, N(p["spdx"] + "checksumValue"), L(sha256_file(path))),
        ]
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def release_files(store: ox.Store, out: Path, *, graphs: dict[str, int],
                  progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the release files of :data:`RELEASE` to ``out`` (each atomically), from one dump."""
    if progress:
        progress("sorting the graphs")
    with SortedDump(store, [ox.NamedNode(g) for g in graphs]) as dump:  # the graphs released (not the summary)
        return write_release(dump, out, graphs=graphs, progress=progress)


def write_release(dump: SortedDump, out: Path, *, graphs: dict[str, int],
                   progress: Callable[[str], None] | None = None) -> list[Path]:
    roles = Graphs.from_iris(graphs)
    ontology = [ox.NamedNode(g) for g in roles.ontology]
    kg = [ox.NamedNode(g) for g in (*roles.ontology, *roles.data)]
    which = {"kg": kg, "all": None, "ontology": ontology}  # "all" holds the entailed graph too
    files = []
    for name, fmt, part in RELEASE:
        if progress:
            progress(f"writing {name}")
        with atomic_write(out / name) as handle:
            dump.write(handle, fmt=fmt, graphs=which[part])
        files.append(out / name)
    return files


def write_void(sources: Sequence[Source], graphs: dict[str, int], files: Sequence[Path], out: Path) -> Path:
    triples = describe_dataset(sources, graphs, files, when=build_time())
    with atomic_write(out / "void.ttl") as handle:
        ox.serialize(triples, handle, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return out / "void.ttl"


def write_files(store: ox.Store, sources: Sequence[Source], out: Path, *, graphs: dict[str, int],
                progress: Callable[[str], None] | None = None) -> list[Path]:
    """The release files and ``void.ttl`` (last), written to ``out``."""
    files = release_files(store, out, graphs=graphs, progress=progress)
    files.append(write_void(sources, graphs, files, out))
    return files
