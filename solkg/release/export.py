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
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from ..errors import InputError
from ..files import atomic_write
from ..namespaces import PREFIXES, RDF, SOLG, XSD, compact
from ..sources import jsonld_context

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = [
    "CONTACT_PROPERTIES",
    "strip_contacts",
    "RDF_FORMATS",
    "FORMAT_ALIASES",
    "EXTENSIONS",
    "normalise_format",
    "SortedDump",
    "serialize_triples",
    "write_rdf",
    "export_bytes",
    "export_file",
    "resolve_graph",
    "trim_memory",
]

CONTACT_PROPERTIES = frozenset({
    "https://schema.org/email", "https://schema.org/telephone", "https://schema.org/faxNumber",
    "http://schema.org/email", "http://schema.org/telephone", "http://schema.org/faxNumber",
    "http://xmlns.com/foaf/0.1/mbox", "http://xmlns.com/foaf/0.1/mbox_sha1sum", "http://xmlns.com/foaf/0.1/phone",
    "http://www.w3.org/2006/vcard/ns#hasEmail", "http://www.w3.org/2006/vcard/ns#email",
    "http://www.w3.org/2006/vcard/ns#hasTelephone", "http://www.w3.org/2006/vcard/ns#tel",
})
"""Properties that hold personal contact data: e-mail, telephone, fax (left out unless asked)."""

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
"""Lines sorted in memory at once; longer graphs are sorted in runs on disk and merged."""


def _graphs(store: ox.Store, graphs: list[ox.NamedNode] | None) -> list[ox.NamedNode]:
    if graphs is not None:
        return sorted(graphs, key=lambda g: g.value)
    return sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    previous = None
    for line in lines:
        if line != previous and line.strip():
            yield line
            previous = line


def _sort_file(path: Path, tmp: Path) -> None:
    """Sort an N-Triples file's lines in place, in bounded memory (sorted runs merged)."""
    runs: list[Path] = []
    chunk: list[bytes] = []

    def spill() -> None:
        chunk.sort()
        run = tmp / f"{path.stem}.run{len(runs)}"
        with run.open("wb") as handle:
            handle.writelines(chunk)
        runs.append(run)
        chunk.clear()

    with path.open("rb") as source:
        for line in source:
            chunk.append(line)
            if len(chunk) >= _CHUNK_LINES:
                spill()
    if not runs:
        chunk.sort()
        with path.open("wb") as handle:
            handle.writelines(_unique(chunk))
        return
    if chunk:
        spill()
    try:
        _merge_sorted(runs, path)
    finally:
        for run in runs:
            run.unlink()


def _merge_sorted(files: list[Path], into: Path) -> None:
    """Write to ``into`` the distinct lines of ``files``, each already sorted, in sorted order."""
    handles = [f.open("rb") for f in files]
    try:
        with into.open("wb") as handle:
            handle.writelines(_unique(heapq.merge(*handles)))
    finally:
        for h in handles:
            h.close()


class SortedDump:
    """The store's graphs dumped once, each graph's N-Triples sorted in a temporary file.

    Every output format is written from these files: Oxigraph decodes each triple once however
    many release files are made, and memory stays bounded whatever the size of the store.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/b"), ox.NamedNode("http://e/p"), ox.Literal("1"), ox.NamedNode("http://e/g")))
    >>> with SortedDump(store) as dump:
    ...     b"".join(dump.lines())
    b'<http://e/b> <http://e/p> "1" .\\n'
    """

    def __init__(self, store: ox.Store, graphs: list[ox.NamedNode] | None = None, *,
                 drop_store: bool = False) -> None:
        self.store: ox.Store | None = store
        self.graphs = _graphs(store, graphs)
        self.drop_store = drop_store
        """Forget the store once its graphs are dumped, before they are sorted: when the caller holds
        no other reference, an in-memory store's memory is freed (and handed back to the system)
        before the sort needs its own."""
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.files: dict[str, Path] = {}
        self._unions: dict[tuple[str, ...], Path] = {}

    def __enter__(self) -> SortedDump:
        self._tmp = tempfile.TemporaryDirectory(prefix="solkg-dump-")
        tmp = Path(self._tmp.name)
        try:
            assert self.store is not None, "a SortedDump is entered once"
            for i, graph in enumerate(self.graphs):
                path = tmp / f"g{i}.nt"
                self.store.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=graph)
                self.files[graph.value] = path
            if self.drop_store:
                self.store = None
                trim_memory()
            for path in self.files.values():
                _sort_file(path, tmp)
        except BaseException:
            self._tmp.cleanup()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    def _select(self, graphs: list[ox.NamedNode] | None) -> list[ox.NamedNode]:
        if graphs is None:
            return self.graphs
        missing = [g.value for g in graphs if g.value not in self.files]
        if missing:
            raise InputError(f"no such graph: {', '.join(missing)}")
        return sorted(graphs, key=lambda g: g.value)

    def _sorted_file(self, graphs: list[ox.NamedNode] | None) -> Path:
        """A file of the sorted, distinct N-Triples lines of the union of the graphs: a graph's own
        file, or their merge, made once per set of graphs and reused by every format."""
        selected = self._select(graphs)
        if len(selected) == 1:
            return self.files[selected[0].value]
        key = tuple(g.value for g in selected)
        merged = self._unions.get(key)
        if merged is None:
            assert self._tmp is not None, "use SortedDump as a context manager"
            merged = Path(self._tmp.name) / f"union{len(self._unions)}.nt"
            _merge_sorted([self.files[g] for g in key], merged)
            self._unions[key] = merged
        return merged

    def lines(self, graphs: list[ox.NamedNode] | None = None) -> Iterator[bytes]:
        """Sorted, distinct N-Triples lines of the union of the graphs."""
        with self._sorted_file(graphs).open("rb") as handle:
            yield from handle

    def triples(self, graphs: list[ox.NamedNode] | None = None) -> Iterator[ox.Triple]:
        """The same triples as :meth:`lines`, parsed back by Oxigraph."""
        for quad in ox.parse(path=str(self._sorted_file(graphs)), format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple

    def write(self, out: IO[bytes], *, fmt: str, graphs: list[ox.NamedNode] | None = None) -> None:
        """Write the graphs (their union for triple formats) in one of :data:`RDF_FORMATS`."""
        fmt = normalise_format(fmt)
        if fmt == "nquads":
            for graph in self._select(graphs):
                suffix = f" {graph} .\n".encode()
                with self.files[graph.value].open("rb") as handle:
                    out.writelines(line[: line.rstrip().rfind(b".")].rstrip() + suffix for line in handle)
        elif fmt == "trig":
            quads = (ox.Quad(t.subject, t.predicate, t.object, graph)
                     for graph in self._select(graphs) for t in self.triples([graph]))
            ox.serialize(quads, out, ox.RdfFormat.TRIG, prefixes=PREFIXES)
        else:
            _write_sorted(self._sorted_file(graphs), out, fmt)


def _write_sorted(path: Path, out: IO[bytes], fmt: str) -> None:
    """Write a file of sorted, distinct N-Triples lines in a triple format."""
    if fmt == "ntriples":
        with path.open("rb") as handle:
            shutil.copyfileobj(handle, out, 1 << 20)
        return
    if fmt == "jsonld":
        with path.open("rb") as handle:
            _write_jsonld(handle, out)
        return
    triples = ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    if fmt == "rdfxml":
        with path.open("rb") as handle:
            _check_xml(handle)
        with _carriage_return_references(out) as xml:
            ox.serialize(triples, xml, _OX[fmt], prefixes=PREFIXES)
        return
    # Oxigraph's parser straight to its serialiser: measured, a fifth faster than through Triples
    ox.serialize(triples, out, _OX[fmt], prefixes=PREFIXES)


def trim_memory() -> None:
    """Hand memory freed by a dropped in-memory store back to the system; glibc keeps it otherwise
    (measured at 100k chains: 435 MB resident before, 35 MB after). Does nothing elsewhere."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


_XML_FORBIDDEN = re.compile(rb"\\u00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f])|\\u[Ff]{3}[EeFf]|\\b|\\f")
"""Escapes of the characters XML 1.0 forbids (the C0 controls but TAB, LF and CR; U+FFFE and
U+FFFF), as canonical N-Triples writes them."""


def _xml_forbidden(line: bytes) -> str | None:
    """The first character of the N-Triples line's literal that XML 1.0 cannot carry, or None."""
    for quad in ox.parse(line, ox.RdfFormat.N_TRIPLES):
        value = quad.object.value if isinstance(quad.object, ox.Literal) else ""
        return next((c for c in value if (ord(c) < 0x20 and c not in "\t\n\r") or c in "\ufffe\uffff"), None)
    return None


def _check_xml(lines: Iterable[bytes]) -> None:
    """:class:`InputError` for the first N-Triples line whose literal XML 1.0 cannot carry: such a
    character has no character reference either, and a written one would not parse back.

    >>> _check_xml([b'<http://e/a> <http://e/p> "tab\\there" .\\n'])
    >>> _check_xml([b'<http://e/a> <http://e/p> "bell\\\\u0007" .\\n'])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    solkg.errors.InputError: RDF/XML cannot hold control characters (XML 1.0 has no U+0007, ...): <http://e/a> ...
    """
    for line in lines:
        if _XML_FORBIDDEN.search(line):
            char = _xml_forbidden(line)
            if char is not None:
                what = "control characters" if ord(char) < 0x20 else "noncharacters"
                raise InputError(f"RDF/XML cannot hold {what} (XML 1.0 has no U+{ord(char):04X}, not even as a "
                                 f"reference): {line[:100].decode(errors='replace').strip()}; "
                                 "use another format (turtle, ntriples, jsonld)")


class _CarriageReturnReferences(io.RawIOBase):
    """A binary writer that passes RDF/XML on to ``out`` with each CR written ``&#13;``.

    Oxigraph 0.5 writes a literal's CR raw, which an XML parser reads back as LF (XML normalises
    line ends; pyoxigraph's own parser does not, rdflib's does); as a character reference it is read
    back as written. A raw CR can only come from a literal: Oxigraph ends its lines with LF, and an
    IRI holds no CR. Closing it leaves ``out`` open.

    >>> buf = io.BytesIO()
    >>> _CarriageReturnReferences(buf).write(b"<p>a\\r\\nb</p>")
    11
    >>> buf.getvalue()
    b'<p>a&#13;\\nb</p>'
    """

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__()
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        chunk = bytes(data)
        self.out.write(chunk.replace(b"\r", b"&#13;"))
        return len(chunk)


def _carriage_return_references(out: IO[bytes]) -> io.BufferedWriter:
    """A buffered binary stream (what the RDF serialisers take) writing to ``out`` through
    :class:`_CarriageReturnReferences`; close it (``with``) to flush it, ``out`` stays open."""
    return io.BufferedWriter(_CarriageReturnReferences(out), 1 << 16)


_NT_LINE = re.compile(rb"^(<[^>]*>|_:\S+) <([^>]*)> (.*) \.\r?\n?$")
_NT_LITERAL = re.compile(rb'^"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', re.DOTALL)


def _write_jsonld(lines: Iterable[bytes], out: IO[bytes]) -> None:
    """Stream one compacted JSON-LD document from sorted N-Triples lines: a node object per subject.

    Literal bodies go from N-Triples to JSON unchanged: canonical N-Triples escapes exactly what a
    JSON string needs (quotes, backslashes, control characters), so no text is decoded.
    """
    context = jsonld_context()
    cache: dict[bytes, bytes] = {}

    def iri(raw: bytes) -> bytes:
        text = cache.get(raw)
        if text is None:
            text = cache[raw] = json.dumps(compact(raw.decode()), ensure_ascii=False).encode()
        return text

    def node_id(raw: bytes) -> bytes:
        return b'"' + raw + b'"' if raw.startswith(b"_:") else iri(raw[1:-1])

    def value(raw: bytes) -> bytes:
        if raw.startswith(b"<"):
            return b'{"@id": ' + iri(raw[1:-1]) + b"}"
        if raw.startswith(b"_:"):
            return b'{"@id": "' + raw + b'"}'
        match = _NT_LITERAL.match(raw)
        if match is None:
            raise InputError(f"cannot write as JSON-LD: {raw[:80].decode(errors='replace')}")
        body, lang, datatype = match.groups()
        if b"\\U" in body:  # an 8-digit escape is N-Triples only, JSON has \\uXXXX
            body = _reescape(body)
        if lang:
            return b'{"@value": "' + body + b'", "@language": "' + lang + b'"}'
        if datatype and datatype != b"http://www.w3.org/2001/XMLSchema#string":
            return b'{"@value": "' + body + b'", "@type": ' + iri(datatype) + b"}"
        return b'"' + body + b'"'

    out.write(b'{\n  "@context": ')
    out.write(json.dumps(context, indent=2, ensure_ascii=False).replace("\n", "\n  ").encode())
    out.write(b',\n  "@graph": [')
    first = True
    subject = None
    props: dict[bytes, list[bytes]] = {}
    types: list[bytes] = []

    def flush() -> None:
        nonlocal first
        if subject is None:
            return
        parts = [b'"@id": ' + node_id(subject)]
        if types:
            parts.append(b'"@type": [' + b", ".join(types) + b"]")
        for key, values in props.items():
            parts.append(iri(key) + b": [" + b", ".join(values) + b"]")
        out.write((b"\n    {" if first else b",\n    {") + b", ".join(parts) + b"}")
        first = False

    rdf_type = (RDF + "type").encode()
    for line in lines:
        match = _NT_LINE.match(line)
        if match is None:
            if line.strip():
                raise InputError(f"cannot write as JSON-LD: {line[:80].decode(errors='replace')}")
            continue
        s, p, o = match.groups()
        if s != subject:
            flush()
            subject, props, types = s, {}, []
        if p == rdf_type and o.startswith(b"<"):
            types.append(iri(o[1:-1]))
        else:
            props.setdefault(p, []).append(value(o))
    flush()
    out.write(b"\n  ]\n}\n")


def _reescape(body: bytes) -> bytes:
    """Turn N-Triples \\UXXXXXXXX escapes into characters (JSON has only \\uXXXX)."""
    return re.sub(rb"\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1), 16)).encode(), body)


def write_rdf(store: ox.Store, out: IO[bytes], *, fmt: str, graphs: list[ox.NamedNode] | None = None) -> None:
    """Write the store (or some graphs) to a binary stream in one of :data:`RDF_FORMATS`.

    Triple formats hold the distinct triples of the union of the graphs; N-Quads and TriG keep
    each graph. Output is sorted (graph, then subject, predicate, object), so stable.
    """
    fmt = normalise_format(fmt)
    with SortedDump(store, graphs) as dump:
        dump.write(out, fmt=fmt)


def serialize_triples(triples: Iterable[ox.Triple], *, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
    """A few triples (a CONSTRUCT result, a page's description) in a triple format: sorted, distinct.

    The one writer of small graphs: ``solkg query`` and ``solkg serve`` both use it. Turtle and
    RDF/XML use solkg's fixed prefixes; ``prefixes`` adds more (a name or namespace the fixed ones
    already use is left out: those stay fixed). JSON-LD embeds solkg's context. In RDF/XML a CR is
    written ``&#13;`` (so that it is read back), and a literal XML 1.0 cannot carry (a control
    character, U+FFFE, U+FFFF) is refused with :class:`~solkg.errors.InputError`, as in files.

    >>> t = ox.Triple(ox.NamedNode("https://w3id.org/solkg/id/x"), ox.NamedNode("http://e/p"), ox.Literal("v"))
    >>> serialize_triples([t], fmt="nt")
    b'<https://w3id.org/solkg/id/x> <http://e/p> "v" .\\n'
    >>> print(serialize_triples([t], fmt="turtle", prefixes={"e": "http://e/"}).decode().splitlines()[-1])
    sold:x e:p "v" .
    """
    fmt = normalise_format(fmt)
    if fmt in _DATASET_FORMATS:
        raise InputError(f"{fmt} is a dataset format; triples need turtle|ntriples|jsonld|rdfxml")
    lines = sorted(set((ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines(keepends=True)))
    if fmt == "ntriples":
        return b"".join(lines)
    buf = io.BytesIO()
    if fmt == "jsonld":
        _write_jsonld(lines, buf)
        return buf.getvalue()
    if fmt == "rdfxml":
        _check_xml(lines)
    parsed = (q.triple for q in ox.parse(b"".join(lines), ox.RdfFormat.N_TRIPLES))
    if fmt == "rdfxml":
        with _carriage_return_references(buf) as xml:
            ox.serialize(parsed, xml, _OX[fmt], prefixes=_with_prefixes(prefixes))
    else:
        ox.serialize(parsed, buf, _OX[fmt], prefixes=_with_prefixes(prefixes))
    return buf.getvalue()


def _with_prefixes(extra: Mapping[str, str] | None) -> dict[str, str]:
    """solkg's fixed prefixes, and those of ``extra`` that neither rename nor rebind one of them."""
    if not extra:
        return PREFIXES
    used = set(PREFIXES.values())
    return {**{name: ns for name, ns in sorted(extra.items()) if name not in PREFIXES and ns not in used},
            **PREFIXES}


def export_bytes(store: ox.Store, *, fmt: str, graphs: list[ox.NamedNode] | None = None) -> bytes:
    """The serialisation as bytes (for small graphs; files use :func:`export_file`)."""
    buf = io.BytesIO()
    write_rdf(store, buf, fmt=fmt, graphs=graphs)
    return buf.getvalue()


def export_file(store: ox.Store, path: Path, *, fmt: str, graphs: list[ox.NamedNode] | None = None) -> Path:
    """Write the serialisation to ``path`` atomically; returns the path."""
    with atomic_write(path) as handle:
        write_rdf(store, handle, fmt=fmt, graphs=graphs)
    return Path(path)


def strip_contacts(data: ox.Store | Iterable[ox.Quad | ox.Triple]):
    """Remove e-mail, telephone and fax properties (:data:`CONTACT_PROPERTIES`).

    A store is changed in place and returned; an iterable of quads or triples gives a new list.

    >>> s = ox.Store(); n = ox.NamedNode("https://w3id.org/solkg/id/x")
    >>> s.add(ox.Quad(n, ox.NamedNode("https://schema.org/email"), ox.Literal("a@b.org")))
    >>> len(strip_contacts(s))
    0
    """
    if isinstance(data, ox.Store):
        for predicate in CONTACT_PROPERTIES:
            for quad in list(data.quads_for_pattern(None, ox.NamedNode(predicate), None)):
                data.remove(quad)
        return data
    return [t for t in data if t.predicate.value not in CONTACT_PROPERTIES]
