"""Find solkg's project files (ontology/, shapes/, data/, queries/) and any extra data files.

In a checkout (editable install) the files are the checkout's; in an installed wheel they are
package data under ``solkg/_project/``.

>>> root = project_root()
>>> (root / "ontology").is_dir()
True
>>> [s.graph for s in project_sources() if s.kind == "shapes"][:1]
['https://w3id.org/solkg/graph/shapes/solkg-shapes.ttl']
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox

from .errors import InputError
from .limits import BoundedReader, gzip_limit
from .namespaces import graph_iri

__all__ = [
    "Source",
    "project_root",
    "project_sources",
    "data_sources",
    "rdf_format_for",
    "read_bytes",
    "read_chunks",
    "open_bytes",
    "input_size",
    "display_path",
    "RDF_SUFFIXES",
    "KINDS",
    "jsonld_context",
    "REFERENCE_PREFIX",
    "reference_graphs",
    "reference_source",
]

KINDS = ("ontology", "shapes", "data")
"""The source folders, in load order."""

RDF_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
"""File extension → RDF format (a trailing ``.gz`` is allowed on each)."""


@dataclass(frozen=True, order=True)
class Source:
    """One RDF source file and the named graph it is loaded into."""

    graph: str
    """Named graph IRI: ``solg:`` + the path relative to its root."""
    path: Path
    """Absolute path of the file."""
    kind: str
    """``ontology``, ``shapes`` or ``data``."""

    @property
    def shown(self) -> str:
        """How findings name the file: relative to the current folder when under it, else its graph path."""
        shown = display_path(self.path)
        return shown if not Path(shown).is_absolute() else self.relative

    @property
    def relative(self) -> str:
        """The path part of the graph IRI, e.g. ``data/seed.ttl``."""
        return self.graph.removeprefix("https://w3id.org/solkg/graph/")


def project_root() -> Path:
    """The folder that holds ontology/, shapes/, data/, queries/ and context/.

    An installed wheel carries them in ``solkg/_project``; an editable install uses the checkout.
    """
    packaged = Path(__file__).resolve().parent / "_project"
    if (packaged / "ontology").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def _rdf_files(folder: Path) -> list[Path]:
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and _suffix(path) in RDF_SUFFIXES and not path.name.startswith("."):
            files.append(path)
    return files


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def project_sources(*, kinds: tuple[str, ...] = KINDS, root: Path | None = None) -> list[Source]:
    """The project's own sources, ontology first, then shapes, then data; sorted within each."""
    root = root or project_root()
    out: list[Source] = []
    for kind in kinds:
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in _rdf_files(folder):
            rel = path.relative_to(root).as_posix()
            out.append(Source(graph=graph_iri(rel), path=path, kind=kind))
    return out


def display_path(path: Path) -> str:
    """A path relative to the current folder when it is under it, else as given."""
    try:
        relative = os.path.relpath(path)
        return Path(relative).as_posix() if not relative.startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def data_sources(paths: list[str | Path] | tuple[str | Path, ...]) -> list[Source]:
    """Sources for extra files or folders given by the user (``--data``, ``solkg check FILE``).

    A file's graph is named from its path relative to the current folder when it lies under it,
    else relative to the folder that holds it. Raises :class:`InputError` for a missing path or
    an unknown extension.
    """
    out: list[Source] = []
    cwd = Path.cwd().resolve()
    for given in paths:
        if str(given).startswith(REFERENCE_PREFIX):  # a reference graph shipped with solkg
            out.append(reference_source(str(given)[len(REFERENCE_PREFIX):]))
            continue
        path = Path(given)
        if not path.exists():
            raise InputError(f"{given}: no such file or folder")
        path = path.resolve()
        if path.is_dir():
            files = _rdf_files(path)
            if not files:
                raise InputError(f"{given}: folder holds no RDF file ({', '.join(sorted(RDF_SUFFIXES))})")
            base = path.parent
        else:
            if _suffix(path) not in RDF_SUFFIXES:
                raise InputError(
                    f"{given}: unknown RDF file extension (known: {', '.join(sorted(RDF_SUFFIXES))}, "
                    "each optionally .gz)"
                )
            files = [path]
            base = path.parent
        for file in files:
            try:
                rel = file.relative_to(cwd).as_posix()
            except ValueError:
                rel = file.relative_to(base).as_posix()
            out.append(Source(graph=graph_iri(rel), path=file, kind="data"))
    seen: dict[str, Source] = {}
    for source in out:
        seen.setdefault(source.graph, source)
    return sorted(seen.values(), key=lambda s: s.graph)


REFERENCE_PREFIX = "ref:"
"""``--data ref:NAME`` names a reference graph shipped with solkg (``solkg/reference/NAME.ttl.gz``)."""


def reference_graphs() -> list[str]:
    """The names of the reference graphs shipped with solkg, sorted.

    >>> "fr-admin" in reference_graphs()
    True
    """
    folder = Path(__file__).resolve().parent / "reference"
    return sorted(p.name.removesuffix(".ttl.gz") for p in folder.glob("*.ttl.gz"))


def reference_source(name: str) -> Source:
    """The source of the shipped reference graph ``name``, in the graph ``solg:reference/NAME.ttl``.

    Raises :class:`InputError` for an unknown name, listing the known ones.
    """
    known = reference_graphs()
    if name not in known:
        raise InputError(f"ref:{name}: no such reference graph (shipped: {', '.join('ref:' + k for k in known)})")
    path = Path(__file__).resolve().parent / "reference" / f"{name}.ttl.gz"
    return Source(graph=graph_iri(f"reference/{name}.ttl"), path=path, kind="data")


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """The RDF format of a file from its extension (``.gz`` stripped)."""
    try:
        return RDF_SUFFIXES[_suffix(path)]
    except KeyError:
        raise InputError(f"{display_path(path)}: unknown RDF file extension") from None


@contextmanager
def _read_errors(path: Path) -> Iterator[None]:
    """Turn the errors of reading ``path`` into one-line :class:`InputError` messages."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{display_path(path)}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{display_path(path)}: is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"{display_path(path)}: permission denied") from None
    except (OSError, EOFError) as exc:  # gzip errors are OSError / EOFError
        raise InputError(f"{display_path(path)}: cannot read: {exc}") from None


def _gzipped(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it ends in ``.gz`` (within :func:`solkg.limits.gzip_limit`);
    :class:`InputError` when unreadable."""
    if not _gzipped(path):
        with _read_errors(path):
            return path.read_bytes()
    with _read_errors(path), open_bytes(path) as handle:
        return handle.read()


def read_chunks(path: Path, size: int = 1 << 24) -> Iterator[bytes]:
    """The file's bytes (gunzipped when it ends in ``.gz``) in chunks of at most ``size`` bytes,
    so that a big file is never held whole; :class:`InputError` when unreadable."""
    with _read_errors(path), open_bytes(path) as handle:
        while chunk := handle.read(size):
            yield chunk


@contextmanager
def open_bytes(path: Path) -> Iterator[BinaryIO]:
    """The file opened for reading bytes, gunzipped when it ends in ``.gz``: then reading past
    :func:`solkg.limits.gzip_limit` of its size raises :class:`solkg.limits.LimitError`."""
    with _read_errors(path):
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115
        if _gzipped(path):
            handle = cast(BinaryIO, BoundedReader(gzip.GzipFile(fileobj=handle), gzip_limit(path.stat().st_size),
                                                  where=display_path(path), closing=handle))
    with handle:
        yield handle


def input_size(path: Path) -> int:
    """The number of bytes a parser reads from the file: its size, or for ``.gz`` the size gzip
    records (modulo 4 GiB, so never less than the compressed size)."""
    with _read_errors(path):
        size = path.stat().st_size
        if _gzipped(path) and size >= 4:
            with open(path, "rb") as handle:
                handle.seek(-4, os.SEEK_END)
                size = max(size, int.from_bytes(handle.read(4), "little"))
    return size


def jsonld_context() -> dict:
    """solkg's JSON-LD context (the ``@context`` value), from the shipped context file."""
    path = project_root() / "context" / "solkg.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]
