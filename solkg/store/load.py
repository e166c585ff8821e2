"""Parsing sources and loading them into a store, one named graph per source file.

Every source file becomes its own named graph; local queries read the union of the named graphs
as their default graph. Blank nodes get labels derived from their graph and their order of
appearance, so the same input always gives the same store and the same output bytes.

>>> from solkg.sources import project_sources
>>> store = load_sources(project_sources(kinds=("ontology",)))
>>> len(store) > 100
True
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..limits import check_rdf, scanner
from ..sources import Source, display_path, jsonld_context, open_bytes, rdf_format_for, read_bytes, read_chunks

__all__ = ["TEXT_FORMATS", "CONTEXT_URLS", "parse_source", "load_source", "load_sources", "checked_bytes",
           "syntax_message"]

_POSITION = re.compile(r"^Parser error at line (\d+) (?:between columns (\d+) and \d+|column (\d+)): (.*)$", re.S)
TEXT_FORMATS = {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}


def syntax_message(path: Path, exc: SyntaxError | MemoryError) -> str:
    text = str(getattr(exc, "msg", None) or exc).strip()
    where = display_path(path)
    if isinstance(exc, MemoryError):
        size = re.search(r"buffer maximal size of (\d+)", text)
        return (f"{where}: a term (IRI or literal) longer than {size.group(1)} bytes, the parser's limit" if size
                else f"{where}: out of memory while parsing")
    match = _POSITION.match(text)
    if match:
        line, col_a, col_b, rest = match.groups()
        return f"{where}:{line}:{col_a or col_b}: {one_line(rest)}"
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        return f"{where}: JSON-LD remote @context refused (solkg never fetches from the network): {one_line(text)}"
    if getattr(exc, "lineno", None):
        return f"{where}:{exc.lineno}:{exc.offset or 1}: {one_line(text)}"
    return f"{where}: {one_line(text)}"


def one_line(text: str) -> str:
    return " ".join(text.split())


_CHUNK = 1 << 24


def _check_text(chunks: Iterable[bytes], where: str) -> None:
    """Raise :class:`InputError` at the first byte that is not UTF-8 (line and column, counted in
    bytes), reading ``chunks`` one by one: a big file is never decoded whole."""
    leftover, base, lines, line_start = b"", 0, 0, 0
    chunks = iter(chunks)
    while True:
        chunk = next(chunks, None)
        final = chunk is None
        data = leftover + chunk if leftover and chunk else (chunk or leftover)
        try:
            _, used = codecs.utf_8_decode(data, "strict", final)
        except UnicodeDecodeError as exc:
            pos = exc.start
            newline = data.rfind(b"\n", 0, pos)
            col = pos - newline if newline >= 0 else base + pos - line_start + 1
            line = lines + data.count(b"\n", 0, pos) + 1
            raise InputError(f"{where}:{line}:{col}: not UTF-8 (byte 0x{data[pos]:02x})") from None
        if final:
            return
        lines += data.count(b"\n", 0, used)
        newline = data.rfind(b"\n", 0, used)
        if newline >= 0:
            line_start = base + newline + 1
        base += used
        leftover = data[used:]


def _slices(raw: bytes) -> Iterator[bytes]:
    for start in range(0, len(raw), _CHUNK):
        yield raw[start:start + _CHUNK]


def checked_bytes(source: Source, data: bytes | None = None) -> tuple[ox.RdfFormat, bytes]:
    """The file's bytes after the checks every format gets: not empty, UTF-8, no external entity;
    JSON-LD with solkg's published context mapped to the shipped copy."""
    fmt = rdf_format_for(source.path)
    raw = read_bytes(source.path) if data is None else data
    where = display_path(source.path)
    if not raw or raw.isspace():
        raise InputError(f"{where}: file is empty")
    if fmt in TEXT_FORMATS or fmt == ox.RdfFormat.JSON_LD:
        _check_text(_slices(raw), where)
    check_rdf(_slices(raw), fmt, where=where)  # nesting, XML entities (solkg.limits)
    if fmt == ox.RdfFormat.JSON_LD:
        raw = _localise_context(raw, where)
    return fmt, raw


def _checked_text_file(source: Source) -> tuple[ox.RdfFormat, bool]:
    """The checks of :func:`_checked_bytes` on a text format file read in chunks, never whole:
    its format, and whether it may hold blank nodes."""
    fmt = rdf_format_for(source.path)
    where = display_path(source.path)
    markers = (b"_:", b"[") if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else (b"_:",)
    state: dict[str, Any] = {"text": False, "blank": False, "last": b""}
    limits = scanner("turtle", where=where)  # nesting (solkg.limits), in the same pass

    def watched() -> Iterator[bytes]:
        for chunk in read_chunks(source.path, _CHUNK):
            if not state["text"] and not chunk.isspace():
                state["text"] = True
            if not state["blank"]:
                state["blank"] = any(m in chunk for m in markers) or state["last"] + chunk[:1] == b"_:"
            state["last"] = chunk[-1:]
            limits.feed(chunk)
            yield chunk

    _check_text(watched(), where)
    limits.close()
    if not state["text"]:
        raise InputError(f"{where}: file is empty")
    return fmt, bool(state["blank"])


def _may_hold_blank_nodes(fmt: ox.RdfFormat, raw: bytes) -> bool:
    """Conservative: False only when the text cannot hold a blank node (no ``_:``, no ``[``)."""
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return b"_:" in raw or b"[" in raw
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return b"_:" in raw
    return True  # JSON-LD, RDF/XML: anonymous nodes have no marker


def parse_source(source: Source, *, data: bytes | None = None) -> list[ox.Quad]:
    """Parse one source into quads of its named graph, with deterministic blank node labels.

    Raises :class:`InputError` naming the file (and line and column where the parser gives them)
    for an empty, non-UTF-8 or malformed file. Quads of a dataset format (TriG, N-Quads) that name
    their own graph keep it.
    """
    fmt, raw = checked_bytes(source, data)
    try:
        quads = list(_relabelled(ox.parse(raw, fmt, base_iri=source.graph), source))
    except (SyntaxError, MemoryError) as exc:  # MemoryError: a term past the parser's buffer
        raise InputError(syntax_message(source.path, exc)) from None
    if not quads:
        raise InputError(f"{display_path(source.path)}: holds no triple")
    return quads


def _relabelled(quads: Iterable[ox.Quad], source: Source, counter: list[int] | None = None) -> Iterator[ox.Quad]:
    """``quads`` in the source's named graph (unless they name one), blank nodes labelled from the
    graph and their order of appearance; ``counter[0]`` counts them."""
    graph = ox.NamedNode(source.graph)
    salt = hashlib.sha256(source.graph.encode()).hexdigest()[:8]
    labels: dict[str, ox.BlankNode] = {}

    def relabel(term):
        if isinstance(term, ox.BlankNode):
            node = labels.get(term.value)
            if node is None:
                node = labels[term.value] = ox.BlankNode(f"b{salt}n{len(labels)}")
            return node
        return term

    for quad in quads:
        s, o = quad.subject, quad.object
        g = quad.graph_name
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            s, o = relabel(s), relabel(o)
        if isinstance(g, ox.DefaultGraph):
            g = graph
        if counter is not None:
            counter[0] += 1
        yield ox.Quad(s, quad.predicate, o, g)


def load_source(store: ox.Store, source: Source, *, bulk: bool = False, stream: bool = False) -> None:
    """Load one source into its named graph of ``store``.

    Files that cannot hold blank nodes go straight to Oxigraph's parser (``bulk_load`` when
    ``bulk``); others pass through :func:`parse_source` for deterministic blank node labels. With
    ``bulk`` or ``stream``, text formats (Turtle, N-Triples, N-Quads, TriG) are read from the file
    as a stream, never held whole in memory (``stream`` without ``bulk``: measured on an in-memory
    store, faster than ``bulk_load`` and with a lower peak of memory).
    """
    if (bulk or stream) and rdf_format_for(source.path) in TEXT_FORMATS:
        _load_text(store, source, bulk=bulk)
        return
    fmt, raw = checked_bytes(source)
    if _may_hold_blank_nodes(fmt, raw):
        quads = parse_source(source, data=raw)
        (store.bulk_extend if bulk else store.extend)(quads)
        return
    graph = ox.NamedNode(source.graph)
    before = len(store) if not bulk else None
    try:
        if bulk:
            store.bulk_load(raw, fmt, base_iri=source.graph, to_graph=graph)
        else:
            store.load(raw, fmt, base_iri=source.graph, to_graph=graph)
    except (SyntaxError, MemoryError) as exc:  # MemoryError: a term past the parser's buffer
        raise InputError(syntax_message(source.path, exc)) from None
    if before is not None and len(store) == before:
        raise InputError(f"{display_path(source.path)}: holds no triple")


def _load_text(store: ox.Store, source: Source, *, bulk: bool) -> None:
    """Load a text format file, streamed from disk (see :func:`load_source`)."""
    fmt, blank = _checked_text_file(source)
    graph = ox.NamedNode(source.graph)
    counter = [0]
    try:
        with open_bytes(source.path) as handle:
            if blank:
                quads = _relabelled(ox.parse(handle, fmt, base_iri=source.graph), source, counter)
                (store.bulk_extend if bulk else store.extend)(quads)
            else:
                (store.bulk_load if bulk else store.load)(handle, fmt, base_iri=source.graph, to_graph=graph)
                if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
                    counter[0] = next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None
                else:  # a dataset format may name its own graphs: not counted
                    counter[0] = 1
    except (SyntaxError, MemoryError) as exc:  # MemoryError: a term past the parser's buffer
        raise InputError(syntax_message(source.path, exc)) from None
    if not counter[0]:
        raise InputError(f"{display_path(source.path)}: holds no triple")


CONTEXT_URLS = ("https://w3id.org/solkg/context.jsonld", "http://w3id.org/solkg/context.jsonld")
"""Where solkg's JSON-LD context is published; documents naming it get the shipped copy."""


def _localise_context(raw: bytes, where: str) -> bytes:
    """Replace solkg's published @context by the shipped copy; refuse any other remote context."""
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        pos = f":{line}:{col}" if line else ""
        raise InputError(f"{where}{pos}: invalid JSON: {getattr(exc, 'msg', exc)}") from None

    remote: list[str] = []

    def fix(ctx):
        if isinstance(ctx, str):
            if ctx in CONTEXT_URLS:
                return jsonld_context()
            remote.append(ctx)
            return ctx
        if isinstance(ctx, list):
            return [fix(c) for c in ctx]
        return ctx

    def walk(node):
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key == "@context":
                    node[key] = fix(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    if remote:
        raise InputError(f"{where}: JSON-LD remote @context {remote[0]} refused: solkg never fetches from the "
                         f"network; inline the context or use {CONTEXT_URLS[0]}")
    return json.dumps(doc).encode()


def load_sources(sources: Iterable[Source]) -> ox.Store:
    """An in-memory store holding each source in its named graph; nothing is written to disk."""
    store = ox.Store()
    for source in sources:
        load_source(store, source)
    return store


