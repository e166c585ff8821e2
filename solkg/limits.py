"""Limits on what solkg reads from outside, checked before a parser sees the bytes.

The parsers solkg feeds (pyoxigraph's Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML and
SPARQL parsers, and Python's ``json``) have no bound of their own on some hostile inputs: nested
XML entities expand without limit ("billion laughs": an 832-byte file reached 12.8 GB), SPARQL
and RDF-star nesting overflow the stack (a segmentation fault), JSON-LD nesting costs memory
quadratic in its depth. Each guard here is a linear scan of the text, read in chunks so that big
and gzipped files are never held whole, that raises :class:`LimitError` (an :class:`InputError`,
exit code 2) with one line naming the file, line and column.

Limits (module constants, documented in docs/security.md):

- :data:`MAX_NESTING`: brackets ``( [ { << >>`` of Turtle, TriG, N-Triples and N-Quads outside
  strings, IRIs and comments; arrays and objects of JSON-LD; elements of RDF/XML.
- :data:`MAX_QUERY_NESTING`: brackets ``{ ( [ <<`` of a SPARQL query outside strings, IRIs and
  comments.
- XML entities (RDF/XML): declared in the document's own DTD (at most :data:`MAX_DTD_BYTES`),
  with values that refer to no other entity (character references and the five predefined
  entities are allowed), no parameter entity, no external entity; all references together may
  expand to at most :data:`ENTITY_EXPANSION_FLOOR` bytes or :data:`ENTITY_EXPANSION_RATIO` times
  the bytes read, whichever is more. One DOCTYPE, before the first element.
- gzip: a ``.gz`` file may decompress to :data:`GZIP_MAX_RATIO` times its size, or
  :data:`GZIP_RATIO_FLOOR` bytes when that is more.

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
>>> check_query("SELECT * WHERE " + "{ " * 200 + "}" * 200, where="q.rq")
Traceback (most recent call last):
...
solkg.limits.LimitError: q.rq:1:272: nested deeper than 128 levels (solkg.limits.MAX_QUERY_NESTING)
>>> check_rdf(b'<http://e/s> <http://e/p> ( ( ( "x" ) ) ) .', "turtle", where="a.ttl")
"""

from __future__ import annotations

import io
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .errors import InputError

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_NESTING",
    "MAX_DTD_BYTES",
    "MAX_ENTITY_NAME",
    "MAX_TERM_BYTES",
    "ENTITY_EXPANSION_FLOOR",
    "ENTITY_EXPANSION_RATIO",
    "GZIP_MAX_RATIO",
    "GZIP_RATIO_FLOOR",
    "QUERY_STACK_BYTES",
    "SYNTAXES",
    "LimitError",
    "Scanner",
    "scanner",
    "check_rdf",
    "check_query",
    "query_problem",
    "BoundedReader",
    "gzip_limit",
    "call_with_stack",
]

MAX_NESTING = 256
"""Deepest nesting of RDF data: brackets of Turtle/TriG/N-Triples/N-Quads (a ``<<`` counts two),
arrays and objects of JSON-LD, elements of RDF/XML. Measured: pyoxigraph 0.5.13 overflows its
stack on about 20,000 nested triple terms, and its JSON-LD parser takes 217 MB at depth 1,000
(quadratic); at 256, 15 MB."""

MAX_QUERY_NESTING = 128
"""Deepest nesting of a SPARQL query: ``{ ( [ <<`` outside strings, IRIs and comments. Measured:
pyoxigraph 0.5.13 overflows an 8 MiB stack at about 2,500 nested groups and 1,000 nested
``FILTER EXISTS``; 128 levels need less than 1 MiB."""

MAX_DTD_BYTES = 1 << 20
"""Largest DOCTYPE (internal DTD subset included) of an RDF/XML file, in bytes."""

MAX_ENTITY_NAME = 256
"""Longest name of an XML entity, in bytes."""

ENTITY_EXPANSION_FLOOR = 4 << 20
"""Bytes that references to XML entities may add in any case (see :data:`ENTITY_EXPANSION_RATIO`)."""

ENTITY_EXPANSION_RATIO = 2
"""References to XML entities may add at most this many times the bytes read (or
:data:`ENTITY_EXPANSION_FLOOR`, when more)."""

MAX_TERM_BYTES = 16 << 20
"""Longest run of RDF/XML without markup (a literal, or an element's attributes), in bytes: the
limit pyoxigraph's parsers of the other formats apply to a term themselves (their buffer)."""

GZIP_MAX_RATIO = 100
"""A ``.gz`` file may decompress to at most this many times its size (or :data:`GZIP_RATIO_FLOOR`
bytes, when more). Data compresses 5 to 25 times; a gzip bomb about 1,000 times."""

GZIP_RATIO_FLOOR = 16 << 20
"""Bytes any ``.gz`` file may decompress to, whatever its ratio."""

QUERY_STACK_BYTES = 64 << 20
"""Stack of the thread that parses and evaluates a query on the embedded store (see
:func:`call_with_stack`): a defence in depth should a query get past :data:`MAX_QUERY_NESTING`."""

SYNTAXES = ("turtle", "json", "xml", "sparql")
"""What :func:`scanner` reads: ``turtle`` (Turtle, TriG, N-Triples, N-Quads), ``json`` (JSON-LD),
``xml`` (RDF/XML), ``sparql``."""

_CHUNK_HINT = 1 << 24


class LimitError(InputError):
    """Input refused because it goes past one of the limits of this module."""


# ---------------------------------------------------------------------------------------------
# Brackets of Turtle, TriG, N-Triples, N-Quads, JSON and SPARQL

_ESCAPE = re.compile(rb"\\.")
"""An escape (in a string, an IRI's \\u, a local name's \\( ...): replaced by ``__``, same length.
No DOTALL: a backslash before a line break escapes nothing."""

_OPEN = frozenset(b"([{<")
_CLOSE = frozenset(b")]}>")
_QUOTES = frozenset(b"\"'")
_IRI_BODY = re.compile(rb'[^<>"{}|^`\x00-\x20]*')
_EOL = re.compile(rb"[\n\r]")
_SHORT_END = {b'"': re.compile(rb'["\n\r]'), b"'": re.compile(rb"['\n\r]"), b"json": re.compile(rb'"')}
"""Where a string ends: its quote, or (Turtle, SPARQL: a syntax error) the end of the line."""
_SPECIAL = {
    "turtle": re.compile(rb"[\"'<>#()\[\]{}]"),
    "sparql": re.compile(rb"[\"'<>#()\[\]{}]"),
    "json": re.compile(rb'["\[\]{}]'),
}

# The fast path keeps only what delimits tokens, then removes whole tokens with one regex in C.
_TURTLE_KEEP = b"<>\"'{}|^`()[]#" + bytes(range(0x21))
_TURTLE_DELETE = bytes(c for c in range(256) if c not in _TURTLE_KEEP)
_TURTLE_TOKENS = re.compile(rb'"[^"\n\r]*"|\'[^\'\n\r]*\'|<[^<>"{}|^`\x00-\x20]*>|#[^\n\r]*')
_JSON_DELETE = bytes(c for c in range(256) if c not in b'"[]{}')
_JSON_TOKENS = re.compile(rb'"[^"]*"')
_IRI_LEFT = re.compile(rb"<[^<>\"{}|^`\x00-\x20]+>")
_NON_BRACKET = bytes(c for c in range(256) if c not in b"()[]{}<>")

_CODE, _LONG, _SHORT, _IRI, _COMMENT = "code", "long", "short", "iri", "comment"
_CARRY = 1 << 16
"""Longest IRI start kept for the next chunk, to see whether it is one (longer: taken as one)."""


def _walk(brackets: bytes, depth: int, limit: int) -> tuple[int, int]:
    """(bound of the deepest level, level at the end) of a string of bracket characters from level
    ``depth``; the bound is exact when it is past ``limit``.

    Blocks of at most ``limit // 2`` characters are counted in C when they cannot go past the
    limit; the others one character at a time.
    """
    deepest = depth
    step = max(1, limit // 2)
    for start in range(0, len(brackets), step):
        block = brackets[start:start + step]
        opens = block.count(b"(") + block.count(b"[") + block.count(b"{") + block.count(b"<")
        if depth + opens <= limit:  # cannot go past the limit in this block
            deepest = max(deepest, depth + opens)
            depth += 2 * opens - len(block)
            continue
        for byte in block:
            depth += 1 if byte in _OPEN else -1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest, depth
    return deepest, depth


class Scanner:
    """Feed a text in chunks; :class:`LimitError` when it goes past a limit.

    Use :func:`scanner` to make one. ``feed(chunk)`` as the chunks come, ``close()`` at the end.
    """

    def __init__(self, syntax: str, *, where: str, limit: int) -> None:
        if syntax not in ("turtle", "json", "sparql"):
            raise ValueError(f"unknown syntax {syntax!r}")
        self.syntax, self.where, self.limit = syntax, where, limit
        self.depth = 0
        self._state = _CODE
        self._quote = b""
        self._pending = b""
        self._offset = 0  # absolute offset of the next byte to scan
        self._lines = 0  # line breaks before it
        self._line_start = 0  # absolute offset of its line's start
        self._special = _SPECIAL[syntax]

    # -- public
    def feed(self, chunk: bytes, *, last: bool = False) -> None:
        """Scan the next chunk (cut anywhere: a token may go on in the next one); ``last``: it is
        the end of the text."""
        data = self._pending + chunk if self._pending else chunk
        self._pending = b""
        if data or last:
            self._scan(data, final=last)

    def close(self) -> None:
        """Scan what is left: the text is complete."""
        self.feed(b"", last=True)

    # -- internals
    def _advance(self, data: bytes, used: int) -> None:
        """Account for ``data[:used]`` as scanned; keep the rest for the next chunk."""
        self._lines += data.count(b"\n", 0, used)
        newline = data.rfind(b"\n", 0, used)
        if newline >= 0:
            self._line_start = self._offset + newline + 1
        self._offset += used
        self._pending = data[used:]

    def _fail(self, data: bytes, at: int) -> None:
        line = self._lines + data.count(b"\n", 0, at) + 1
        newline = data.rfind(b"\n", 0, at)
        column = at - newline if newline >= 0 else self._offset + at - self._line_start + 1
        name = "MAX_QUERY_NESTING" if self.syntax == "sparql" else "MAX_NESTING"
        raise LimitError(f"{self.where}:{line}:{column}: nested deeper than {self.limit} levels "
                         f"(solkg.limits.{name})")

    def _scan(self, data: bytes, *, final: bool) -> None:
        escaped = _ESCAPE.sub(b"__", data) if b"\\" in data else data
        end = len(data)
        if not final and escaped.endswith(b"\\"):  # an escape cut in two: finish it with the next chunk
            end -= 1
        if self._state == _CODE and self.syntax != "sparql":
            cut = self._cut(escaped, end, final)
            if cut > 0 and self._fast(escaped[:cut]):
                self._advance(escaped, cut)  # the rest (a token cut in two) waits for the next chunk
                return
        used = self._slow(escaped, end, final)
        # what waits for the next chunk is kept with its escapes already blanked: a tail that
        # starts inside an escape ('\"' cut after the backslash) must not read as a quote then
        self._advance(escaped, used)

    def _cut(self, text: bytes, end: int, final: bool) -> int:
        """Where no token is cut in two: the end, the last line break (Turtle: only long strings
        span lines, and they make the fast path give up), or outside the last JSON string."""
        if final:
            return end
        if self.syntax == "json":
            quote = text.rfind(b'"', 0, end)
            if quote < 0 or text.count(b'"', 0, quote + 1) % 2 == 0:
                return end
            return quote  # the last quote opens a string that goes on
        return text.rfind(b"\n", 0, end) + 1

    def _fast(self, text: bytes) -> bool:
        """Scan ``text`` (no token starts before it and ends after) in C: strip what is not a
        delimiter, remove whole tokens, count what is left. False when it needs the exact scan."""
        if self.syntax == "json":
            skeleton = text.translate(None, _JSON_DELETE).replace(b'""', b"")
            if b'"' in skeleton:
                skeleton = _JSON_TOKENS.sub(b"", skeleton)
                if b'"' in skeleton:
                    return False
        else:
            if b'"""' in text or b"'''" in text:
                return False
            if self.depth == 0 and not (b"(" in text or b"[" in text or b"{" in text or b"<" in text):
                return True  # nothing can open: the level stays 0 (a "<" that starts no IRI opens one)
            # The commonest tokens first, by plain replacement: IRIs and strings that hold no
            # delimiter (a quote pair, IRI brackets are always adjacent in the skeleton only then).
            # (each replaced by a space, never by nothing: "<(<>>" must not become the IRI "<(>")
            skeleton = (text.translate(None, _TURTLE_DELETE).replace(b"<>", b" ").replace(b"<#>", b" ")
                        .replace(b'""', b" ").replace(b"''", b" "))
            if b'"' in skeleton or b"'" in skeleton or b"#" in skeleton or _IRI_LEFT.search(skeleton):
                skeleton = _TURTLE_TOKENS.sub(b"", skeleton)
                if b'"' in skeleton or b"'" in skeleton:
                    return False
        deepest, depth = _walk(skeleton.translate(None, _NON_BRACKET), self.depth, self.limit)
        if deepest > self.limit:
            return False  # the exact scan says where
        self.depth = depth
        return True

    def _open(self, data: bytes, at: int, levels: int = 1) -> None:
        self.depth += levels
        if self.depth > self.limit:
            self._fail(data, at)

    def _slow(self, data: bytes, end: int, final: bool) -> int:
        """Scan ``data[:end]`` token by token; returns how many bytes were used (the rest is an
        unfinished token start, kept for the next chunk)."""
        i = 0
        sparql = self.syntax == "sparql"
        while i < end:
            state = self._state
            if state == _CODE:
                match = self._special.search(data, i, end)
                if match is None:
                    return end
                i = match.start()
                c = data[i]
                if c in _QUOTES:
                    if self.syntax != "json" and end - i < 3 and not final and data[i:end] == bytes([c]) * (end - i):
                        return i  # one or two quotes at the end: maybe a long string
                    if self.syntax != "json" and data.startswith(bytes([c]) * 3, i):
                        self._state, self._quote = _LONG, bytes([c]) * 3
                        i += 3
                    else:
                        self._state, self._quote = _SHORT, bytes([c])
                        i += 1
                elif c == 0x23:  # '#'
                    self._state = _COMMENT
                    i += 1
                elif c == 0x3C and self.syntax != "json":  # '<'
                    if i + 1 >= end and not final:
                        return i
                    if data[i + 1:i + 2] == b"<":  # "<<": Turtle counts each "<", SPARQL the pair
                        self._open(data, i)
                        i += 2 if sparql else 1
                        continue
                    body = _IRI_BODY.match(data, i + 1, end).end()  # type: ignore[union-attr]  # matches ''
                    if body >= end and not final:
                        if end - i <= _CARRY:
                            return i  # an IRI, or "<" then code: the next chunk says
                        self._state = _IRI  # a long IRI (code cannot go on so far without a space)
                        i = end
                    elif body < end and data[body] == 0x3E:  # '>': an IRI
                        if sparql:
                            self._ambiguous(data, i, data[i + 1:body])
                        i = body + 1
                    else:  # not an IRI: Turtle's syntax error, or SPARQL's "less than"
                        if not sparql:
                            self._open(data, i)
                        i += 1
                elif c == 0x3E and self.syntax != "json":  # '>': Turtle counts each, SPARQL ">>" (else "greater than")
                    if not sparql:
                        self.depth -= 1
                    elif data[i + 1:i + 2] == b">":
                        self.depth -= 1
                        i += 1
                    i += 1
                elif c in _OPEN:
                    self._open(data, i)
                    i += 1
                else:
                    self.depth -= 1
                    i += 1
            elif state == _LONG:
                found = data.find(self._quote, i, end)
                if found < 0:
                    return max(i, end - 2) if not final else end
                self._state = _CODE
                i = found + 3
            elif state == _SHORT:
                match = _SHORT_END[b"json" if self.syntax == "json" else self._quote].search(data, i, end)
                if match is None:
                    return end
                self._state = _CODE  # closed, or a line break (a syntax error: the parser stops there)
                i = match.end()
            elif state == _COMMENT:
                match = _EOL.search(data, i, end)
                if match is None:
                    return end
                self._state = _CODE
                i = match.end()
            else:  # _IRI, continued from the previous chunk
                body = _IRI_BODY.match(data, i, end).end()  # type: ignore[union-attr]  # matches ''
                if body >= end and not final:
                    return end
                self._state = _CODE
                if body < end and data[body] == 0x3E:
                    i = body + 1
                else:  # it was no IRI: its "<" counts
                    if not sparql:
                        self._open(data, body)
                    i = body
        return end

    def _ambiguous(self, data: bytes, at: int, body: bytes) -> None:
        """SPARQL: ``<...>`` is an IRI, or "less than" ... "greater than" around code. Counted so
        that either reading is covered: brackets opened inside count, closers only against them."""
        if not any(b in body for b in (b"(", b"[", b"{")):
            return
        local = top = 0
        for byte in body:
            if byte in b"([{":
                local += 1
                top = max(top, local)
            elif byte in b")]}" and local:
                local -= 1
        self._open(data, at, top)
        self.depth -= top - local


# ---------------------------------------------------------------------------------------------
# RDF/XML: element depth, DOCTYPE and entities

_TEXT, _TAG, _END_TAG, _XCOMMENT, _CDATA, _PI, _DOCTYPE, _BANG = (
    "text", "tag", "end-tag", "comment", "cdata", "pi", "doctype", "bang")
_TAG_SPECIAL = re.compile(rb"[>\"']")
_ANGLE = re.compile(rb"[<>]")
_TAG_BODY = rb"[^<>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^<>\"']*)*"
_XML_END = re.compile(rb"</[^<>]*>")
_XML_EMPTY = re.compile(rb"<" + _TAG_BODY + rb"/>")
_XML_START = re.compile(rb"<" + _TAG_BODY + rb">")
_XML_DELETE = bytes(c for c in range(256) if c not in b"<>/\"'")
_NON_PAREN = bytes(c for c in range(256) if c not in b"()")
_NAME = rb"[A-Za-z_:\x80-\xff][-A-Za-z0-9._:\x80-\xff]*"
_REFERENCE = re.compile(rb"&(" + _NAME + rb");")
_DTD_AMP = re.compile(rb"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|(?:lt|gt|amp|quot|apos);)")
_PE = re.compile(rb"<!ENTITY\s*%|%[A-Za-z_:][^\s;%]*;", re.I)
_EXTERNAL = re.compile(rb"<!ENTITY\s+%?\s*\S+\s+(?:SYSTEM|PUBLIC)\b", re.I)
_SPLIT_WS = re.compile(rb"[ \t\n\r\f]")


class XmlScanner(Scanner):
    """:class:`Scanner` for RDF/XML: element depth, the DOCTYPE and entity expansion."""

    def __init__(self, *, where: str, limit: int) -> None:
        self.syntax, self.where, self.limit = "xml", where, limit
        self.depth = 0
        self._state = _TEXT
        self._quote = b""
        self._pending = b""
        self._offset = self._lines = self._line_start = 0
        self._slash = False  # the tag's last byte so far is "/"
        self._doctype: bytearray | None = None
        self._balance = 0
        self._seen_element = self._seen_doctype = False
        self.entities: dict[bytes, int] = {}
        """Declared entity → bytes one reference adds (as pyoxigraph's RDF/XML parser reads the DTD)."""
        self.expanded = 0
        self._ref_tail = b""
        self._run = 0  # bytes since the last "<"

    def _scan(self, data: bytes, *, final: bool) -> None:
        self._tag_at = -1  # where the tag being read starts in ``data`` (unknown when in an earlier chunk)
        used = self._slow_xml(data, final)
        if self.entities:
            self._count_references(data[:used], final)
        self._check_runs(data, used)
        self._advance(data, used)

    def _check_runs(self, data: bytes, used: int) -> None:
        """No run of more than :data:`MAX_TERM_BYTES` bytes without a "<" (a literal or a tag)."""
        pieces = data[:used].split(b"<")
        runs = [self._run + len(pieces[0]), *map(len, pieces[1:])]
        self._run = runs[-1]
        if max(runs) <= MAX_TERM_BYTES:
            return
        at = 0  # where the long run starts (in an earlier chunk: here, at 0)
        for index, run in enumerate(runs):
            if run > MAX_TERM_BYTES:
                break
            at += (len(pieces[index]) if index else len(pieces[0])) + 1
        self._fail_at(data, at, f"a literal or tag of more than {MAX_TERM_BYTES} bytes is refused "
                                "(solkg.limits.MAX_TERM_BYTES)")

    def _fail_at(self, data: bytes, at: int, message: str) -> None:
        line = self._lines + data.count(b"\n", 0, at) + 1
        newline = data.rfind(b"\n", 0, at)
        column = at - newline if newline >= 0 else self._offset + at - self._line_start + 1
        raise LimitError(f"{self.where}:{line}:{column}: {message}")

    def _fast_xml(self, data: bytes, start: int, final: bool) -> int | None:
        """Scan ``data[start:]`` (text, no ``<!`` or ``<?`` in it) with regexes in C up to its last
        ``<``; returns where it stopped, or None when the exact scan is needed."""
        cut = len(data) if final else data.rfind(b"<", start)
        if cut - start < 4096 and not final:
            return None
        # Only what delimits tags counts: "<", ">", "/", quotes (a ">" may be in an attribute value).
        text = data[start:cut].translate(None, _XML_DELETE).replace(b'""', b"").replace(b"''", b"")
        text = _XML_START.sub(b"(", _XML_EMPTY.sub(b"()", _XML_END.sub(b")", text)))
        if b"<" in text:
            return None
        deepest, depth = _walk(text.translate(None, _NON_PAREN), self.depth, self.limit)
        if deepest > self.limit:
            return None
        if b"(" in text:
            self._seen_element = True
        self.depth = depth
        return cut

    def _slow_xml(self, data: bytes, final: bool) -> int:
        end = len(data)
        hard = max(data.rfind(b"<!"), data.rfind(b"<?"))
        i = 0
        while i < end:
            state = self._state
            if state == _TEXT:
                if i > hard:
                    stop = self._fast_xml(data, i, final)
                    if stop is not None:
                        return stop
                    hard = end  # exact from here on
                j = data.find(b"<", i)
                if j < 0:
                    return end
                if end - j < 9 and not final:
                    return j
                head = data[j + 1:j + 9]
                if head.startswith(b"!--"):
                    self._state, i = _XCOMMENT, j + 4
                elif head.startswith(b"![CDATA["):
                    self._state, i = _CDATA, j + 9
                elif head.startswith(b"?"):
                    self._state, i = _PI, j + 2
                elif head.upper() == b"!DOCTYPE":
                    if self._seen_element or self._seen_doctype:
                        self._fail_at(data, j, "RDF/XML: a DOCTYPE after the first element, or a second one, "
                                               "is refused")
                    self._seen_doctype = True
                    self._state, self._balance, self._doctype = _DOCTYPE, 0, bytearray(b"<!DOCTYPE")
                    self._doctype_at = (self._lines + data.count(b"\n", 0, j) + 1)
                    i = j + 9
                elif head.startswith(b"!"):
                    self._state, i = _BANG, j + 2
                elif head.startswith(b"/"):
                    self._state, i = _END_TAG, j + 2
                else:
                    self._state, self._slash, i = _TAG, False, j + 1
                    self._tag_at = j
            elif state == _TAG:
                if self._quote:
                    found = data.find(self._quote, i)
                    if found < 0:
                        return end
                    self._quote, self._slash, i = b"", False, found + 1
                    continue
                match = _TAG_SPECIAL.search(data, i)
                if match is None:
                    if end > i:
                        self._slash = data[end - 1:end] == b"/"
                    return end
                k = match.start()
                if data[k] == 0x3E:  # '>'
                    empty = data[k - 1:k] == b"/" if k > i else self._slash
                    self._seen_element = True
                    if not empty:
                        self.depth += 1
                        if self.depth > self.limit:
                            self._fail_at(data, self._tag_at if self._tag_at >= 0 else k,
                                          f"nested deeper than {self.limit} levels (solkg.limits.MAX_NESTING)")
                    self._state, i = _TEXT, k + 1
                else:
                    self._quote, i = data[k:k + 1], k + 1
            elif state == _END_TAG or state == _BANG:
                found = data.find(b">", i)
                if found < 0:
                    return end
                if state == _END_TAG:
                    self.depth -= 1
                self._state, i = _TEXT, found + 1
            elif state in (_XCOMMENT, _CDATA, _PI):
                terminator = {_XCOMMENT: b"-->", _CDATA: b"]]>", _PI: b"?>"}[state]
                found = data.find(terminator, i)
                if found < 0:
                    return end if final else max(i, end - len(terminator) + 1)
                self._state, i = _TEXT, found + len(terminator)
            else:  # _DOCTYPE: pyoxigraph's XML reader ends it at the ">" that balances the "<"s
                k = i
                stop = None
                for match in _ANGLE.finditer(data, i):
                    k = match.start()
                    if data[k] == 0x3C:
                        self._balance += 1
                    elif self._balance == 0:
                        stop = k
                        break
                    else:
                        self._balance -= 1
                piece = data[i:end if stop is None else stop + 1]
                assert self._doctype is not None  # inside a DOCTYPE
                self._doctype += piece
                if len(self._doctype) > MAX_DTD_BYTES:
                    self._fail_at(data, i, f"RDF/XML: a DOCTYPE of more than {MAX_DTD_BYTES} bytes is refused "
                                           "(solkg.limits.MAX_DTD_BYTES)")
                if stop is None:
                    return end
                self._check_dtd(bytes(self._doctype))
                self._doctype = None
                self._state, i = _TEXT, stop + 1
        return end

    def _check_dtd(self, dtd: bytes) -> None:
        """The entity rules, on the DOCTYPE as pyoxigraph's RDF/XML parser reads it."""
        where = f"{self.where}:{self._doctype_at}"
        if _EXTERNAL.search(dtd):
            raise LimitError(f"{where}: RDF/XML declares an external entity; solkg never resolves them")
        if _PE.search(dtd):
            raise LimitError(f"{where}: RDF/XML declares or uses a parameter entity; solkg refuses them")
        amp = _DTD_AMP.search(dtd)
        if amp:
            ref = dtd[amp.start():amp.start() + 40].split(b";")[0].decode("utf-8", "replace")
            raise LimitError(f"{where}: RDF/XML entity refers to another entity ({ref};): nested entities are "
                             "refused (they expand exponentially, 'billion laughs')")
        # pyoxigraph 0.5's reading of a DTD: split on "<"; "!ENTITY", an optional "%", a name up to
        # white space, a value in double quotes.
        for piece in dtd.split(b"<")[1:]:
            if not piece.startswith(b"!ENTITY"):
                continue
            rest = piece[len(b"!ENTITY"):].lstrip()
            rest = rest[1:] if rest.startswith(b"%") else piece[len(b"!ENTITY"):]
            parts = _SPLIT_WS.split(rest.lstrip(), maxsplit=1)
            if len(parts) < 2:
                continue
            name, value = parts[0], parts[1].lstrip()
            if len(name) > MAX_ENTITY_NAME or not re.fullmatch(_NAME, name):
                shown = name[:40].decode("utf-8", "replace")
                raise LimitError(f"{where}: RDF/XML entity name '{shown}' refused: not an XML name of at most "
                                 f"{MAX_ENTITY_NAME} bytes")
            if value.startswith(b'"'):
                close = value.find(b'"', 1)
                length = close - 1 if close > 0 else len(value)
            else:
                length = len(value)
            self.entities[name] = max(self.entities.get(name, 0), length)

    def _count_references(self, data: bytes, final: bool) -> None:
        text = self._ref_tail + data
        amp = text.rfind(b"&")
        if not final and amp >= 0 and b";" not in text[amp:] and len(text) - amp <= MAX_ENTITY_NAME + 1:
            text, self._ref_tail = text[:amp], text[amp:]
        else:
            self._ref_tail = b""
        counts = Counter(_REFERENCE.findall(text))
        self.expanded += sum(n * self.entities.get(name, 0) for name, n in counts.items())
        allowed = max(ENTITY_EXPANSION_FLOOR, ENTITY_EXPANSION_RATIO * (self._offset + len(data)))
        if self.expanded > allowed:
            raise LimitError(f"{self.where}: RDF/XML entity references expand to more than {allowed} bytes "
                             f"(solkg.limits.ENTITY_EXPANSION_RATIO {ENTITY_EXPANSION_RATIO} times the file, at "
                             f"least {ENTITY_EXPANSION_FLOOR} bytes): refused")

    def close(self) -> None:
        super().close()
        if self._state == _DOCTYPE and self._doctype is not None:
            self._check_dtd(bytes(self._doctype))


# ---------------------------------------------------------------------------------------------
# Entry points


def scanner(syntax: str, *, where: str) -> Scanner:
    """A :class:`Scanner` for ``syntax`` (one of :data:`SYNTAXES`) with its default limit.

    >>> s = scanner("json", where="a.jsonld")
    >>> s.feed(b'{"a": [[1, "]]]"], ')
    >>> s.feed(b'{"b": {}}]}')
    >>> s.close()
    """
    if syntax == "xml":
        return XmlScanner(where=where, limit=MAX_NESTING)
    if syntax == "sparql":
        return Scanner("sparql", where=where, limit=MAX_QUERY_NESTING)
    return Scanner(syntax, where=where, limit=MAX_NESTING)


_FORMAT_SYNTAX = {"ttl": "turtle", "trig": "turtle", "nt": "turtle", "nq": "turtle", "n3": "turtle", "jsonld": "json",
                  "rdf": "xml"}


def _syntax_of(fmt: Any) -> str:
    """``turtle``, ``json`` or ``xml`` from a syntax name or a pyoxigraph ``RdfFormat``."""
    if isinstance(fmt, str) and fmt in SYNTAXES:
        return fmt
    extension = getattr(fmt, "file_extension", None)
    if extension in _FORMAT_SYNTAX:
        return _FORMAT_SYNTAX[extension]
    raise ValueError(f"no guard for the format {fmt!r}")


def check_rdf(data: bytes | Iterable[bytes], fmt: Any, *, where: str) -> None:
    """Raise :class:`LimitError` when RDF data in ``fmt`` (a pyoxigraph ``RdfFormat``, or
    ``turtle``, ``json``, ``xml``) goes past a limit; ``data`` is bytes or an iterable of chunks.

    >>> check_rdf([b'{"@id": "http://e/s", "http://e/p": ', b'[' * 300 + b']' * 300 + b'}'], "json", where="x")
    Traceback (most recent call last):
    ...
    solkg.limits.LimitError: x:1:292: nested deeper than 256 levels (solkg.limits.MAX_NESTING)
    """
    scan = scanner(_syntax_of(fmt), where=where)
    if isinstance(data, bytes | bytearray | memoryview):
        scan.feed(bytes(data), last=True)
        return
    for chunk in data:
        scan.feed(bytes(chunk))
    scan.close()


def check_query(text: str, *, where: str = "query") -> None:
    """Raise :class:`LimitError` when SPARQL ``text`` is nested deeper than :data:`MAX_QUERY_NESTING`
    (brackets outside strings, IRIs and comments)."""
    scanner("sparql", where=where).feed(text.encode("utf-8", "surrogatepass"), last=True)


def query_problem(text: str) -> str | None:
    """The message of :func:`check_query` for ``text``, or None when it is within the limits
    (for callers that answer with a status rather than an exception, such as an HTTP 400).

    >>> query_problem("ASK {}") is None
    True
    """
    try:
        check_query(text)
    except LimitError as exc:
        return exc.message
    return None


# ---------------------------------------------------------------------------------------------
# gzip


def gzip_limit(compressed_size: int) -> int:
    """The most bytes a ``.gz`` file of ``compressed_size`` bytes may decompress to.

    >>> gzip_limit(1 << 20) == 100 << 20
    True
    """
    return max(GZIP_RATIO_FLOOR, GZIP_MAX_RATIO * compressed_size)


class BoundedReader(io.RawIOBase):
    """A binary reader over ``raw`` that raises :class:`LimitError` past ``limit`` bytes.

    >>> import gzip
    >>> bomb = gzip.compress(b"\\0" * (20 << 20))
    >>> reader = BoundedReader(gzip.GzipFile(fileobj=io.BytesIO(bomb)), gzip_limit(len(bomb)), where="b.gz")
    >>> len(reader.read(1000))
    1000
    >>> reader.read()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    solkg.limits.LimitError: b.gz: decompresses to more than 16777216 bytes (...): refused as a likely gzip bomb
    """

    def __init__(self, raw: Any, limit: int, *, where: str, closing: Any = None) -> None:
        super().__init__()
        self._raw, self._limit, self._where, self._count = raw, limit, where, 0
        self._closing = closing  # closed with it (the file under a GzipFile)

    def readable(self) -> bool:
        return True

    def readall(self) -> bytes:
        pieces = []
        while piece := self.read(1 << 20):
            pieces.append(piece)
        return b"".join(pieces)

    def readinto(self, buffer) -> int:
        room = self._limit + 1 - self._count
        view = memoryview(buffer)
        got = self._raw.readinto(view[:max(1, min(len(view), room))])
        self._count += got
        if self._count > self._limit:
            raise LimitError(f"{self._where}: decompresses to more than {self._limit} bytes ({GZIP_MAX_RATIO} "
                             "times its size, solkg.limits.GZIP_MAX_RATIO): refused as a likely gzip bomb")
        return got

    def close(self) -> None:
        try:
            self._raw.close()
            if self._closing is not None:
                self._closing.close()
        finally:
            super().close()


# ---------------------------------------------------------------------------------------------
# A large stack

T = TypeVar("T")
_STACK_LOCK = threading.Lock()
_IDLE: list[_StackThread] = []
_IDLE_MAX = 4


class _StackThread:
    """A daemon thread with a large stack that runs one call at a time (kept for reuse: starting
    a thread costs about 0.3 ms, a call to a waiting one about 0.1 ms; benchmarks/limits.py)."""

    def __init__(self, stack_size: int) -> None:
        import os
        import queue

        self.pid = os.getpid()
        self.stack_size = stack_size
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        with _STACK_LOCK:
            previous = threading.stack_size(stack_size)
            try:
                self._thread = threading.Thread(target=self._loop, name="solkg-large-stack", daemon=True)
                self._thread.start()
            finally:
                threading.stack_size(previous)

    def _loop(self) -> None:
        while True:
            call = self._calls.get()
            if call is None:
                return
            func, args, kwargs, outcome, done = call
            try:
                outcome["value"] = func(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001  raised again in the caller's thread
                outcome["error"] = exc
            done.set()

    def call(self, func: Callable[..., T], args: tuple, kwargs: dict) -> dict[str, Any]:
        """``{"value": result}`` or ``{"error": exception}``."""
        outcome: dict[str, Any] = {}
        done = threading.Event()
        self._calls.put((func, args, kwargs, outcome, done))
        done.wait()
        return outcome

    def stop(self) -> None:
        self._calls.put(None)


def call_with_stack(func: Callable[..., T], /, *args: Any, stack_size: int = QUERY_STACK_BYTES, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a thread with a stack of ``stack_size`` bytes; its result, or
    its exception raised here. Threads are reused; on a platform that cannot size a thread's stack,
    the call runs in the caller's thread.

    >>> call_with_stack(sum, [1, 2, 3])
    6
    """
    import os

    worker = None
    with _STACK_LOCK:
        while _IDLE and worker is None:
            candidate = _IDLE.pop()
            if candidate.pid == os.getpid() and candidate.stack_size == stack_size:
                worker = candidate
    if worker is None:
        try:
            worker = _StackThread(stack_size)
        except (ValueError, RuntimeError):  # the stack size cannot be set here
            return func(*args, **kwargs)
    outcome = worker.call(func, args, kwargs)  # interrupted (Ctrl-C): the thread is not reused
    with _STACK_LOCK:
        if len(_IDLE) < _IDLE_MAX:
            _IDLE.append(worker)
            worker = None
    if worker is not None:
        worker.stop()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
