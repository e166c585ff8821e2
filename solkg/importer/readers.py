"""Readers: the records of a CSV, TSV, JSON or GeoJSON file, each with its number, its line where
the reader can tell, and its fields as text (or, for JSON lists, as a tuple of values).

Every byte is hostile until read: the encoding is the one given, else a BOM's, else UTF-8, else
Windows-1252 when the file holds no UTF-8 sequence at all (a usual spreadsheet export); the CSV
delimiter is the one given, else the one of ``, ; TAB |`` that splits the header into the most
columns the mapping knows (then the most columns). What was detected rather than given is said in
:attr:`Source.notes`. Whatever cannot be read raises :class:`InputError` with one line naming the
file and the line; whatever is read but cannot become a record (a JSON item that is not an object)
is still a :class:`Record`, marked ``problem``, so that it is counted and reported.

>>> from pathlib import Path
>>> fixture = Path(__file__).parents[2] / "tests" / "fixtures" / "import" / "standard-small.csv"
>>> source = read_records(fixture, fmt="csv")
>>> source.fields[:2], source.delimiter, next(source.records).line
(['Identifier', 'Name'], ',', 2)
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..limits import scanner
from ..sources import display_path
from .convert import one_line_errors

__all__ = ["FORMATS", "DELIMITERS", "Record", "Source", "detect_format", "decode", "read_records", "field_values"]

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv", ".json": "json", ".geojson": "geojson"}
"""File extension → format."""
DELIMITERS = (",", ";", "\t", "|")
"""The CSV delimiters detection chooses from."""
MAX_DEPTH = 64
"""JSON objects nested deeper than this are kept as JSON text. A document nested deeper than
:data:`solkg.limits.MAX_NESTING` (arrays and objects) is refused with one line naming the file,
line and column, before Python's parser (which recurses) sees it."""

Value = str | tuple
"""A field's value: text, or for a JSON list a tuple of texts and of flattened objects."""


@dataclass
class Record:
    """One source record: its ``number`` (first = 1), its ``line`` where known (CSV: the line where it
    starts, header = 1; JSON: the line of its opening brace), its fields, and what the reader found wrong.

    ``problem`` set means the item cannot be imported (it is not an object): a finding, and counted.
    ``notes`` are findings about a record that is imported anyway (extra cells, a geometry left out):
    ``(check, fields)`` pairs for :func:`solkg.importer.quality.finding`.
    """

    number: int
    line: int | None
    fields: dict[str, Value]
    problem: str | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)


@dataclass
class Source:
    """A file opened for import: its format, field names (the header, or every key of the JSON
    records), its records, and how it was read."""

    fmt: str
    fields: list[str]
    records: Iterator[Record]
    encoding: str
    delimiter: str | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    """Findings about the whole file: ``(check, fields)``."""
    header_line: int | None = None


def detect_format(path: Path, mapping_format: str | None) -> str:
    """The format of a file from its extension (``.gz`` ignored), else the mapping's."""
    name = path.name.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    fmt = FORMATS.get(suffix)
    if fmt == "json" and mapping_format == "geojson":
        return "geojson"
    if fmt == "csv" and mapping_format == "tsv" and suffix == ".txt":
        return "tsv"
    if fmt is None:
        if mapping_format:
            return mapping_format
        raise InputError(f"{display_path(path)}: unknown file extension (known: {', '.join(sorted(FORMATS))})")
    return fmt


# ---------------------------------------------------------------------------------------------
# Bytes to text

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _encoding_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}' (e.g. utf-8, cp1252, latin-1, utf-16)") from None


@one_line_errors
def decode(raw: bytes, *, encoding: str | None = None, where: str = "") -> tuple[str, str, str | None]:
    """``(text, encoding, note)``: the bytes decoded with ``encoding``, or the detected one;
    ``note`` says what was detected (None when given, or plain UTF-8).

    >>> decode("é;b".encode("cp1252"))[1:]
    ('cp1252', 'cp1252 (not UTF-8: no UTF-8 sequence in the file)')
    >>> decode(b"\\xef\\xbb\\xbfa,b")[:2]
    ('a,b', 'utf-8-sig')
    """
    prefix = f"{where}:" if where else ""
    if encoding:
        name = _encoding_name(encoding)
        try:
            return raw.decode(name), name, None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(f"{prefix}{line}: not {name} (byte 0x{raw[exc.start]:02x})") from None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(name)
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise InputError(f"{prefix}{line}: not {name} despite its byte order mark "
                                 f"(byte 0x{raw[exc.start]:02x})") from None
            return text.removeprefix("\ufeff"), name, f"{name} (byte order mark)"
    head = raw[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # UTF-16 without a byte order mark
        order = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return raw.decode(order), order, f"{order} (no byte order mark; every other byte is zero)"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start]
        if _UTF8_MULTIBYTE.search(raw):
            raise InputError(f"{prefix}{line}: not UTF-8 (byte 0x{bad:02x}) though the rest of the file is: "
                             f"fix that byte, or give the file's encoding") from None
    try:
        return raw.decode("cp1252"), "cp1252", "cp1252 (not UTF-8: no UTF-8 sequence in the file)"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{prefix}{line}: neither UTF-8 nor Windows-1252 (byte 0x{raw[exc.start]:02x}): "
                         f"give the file's encoding") from None


def _text(path: Path, encoding: str | None) -> tuple[str, str, str | None]:
    from ..sources import read_bytes

    return decode(read_bytes(path), encoding=encoding, where=display_path(path))


# ---------------------------------------------------------------------------------------------
# CSV and TSV


def _delimiter(value: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    text = named.get(value.lower(), value) if value else value
    if len(text) != 1 or text in "\"\r\n" or text.isalnum():
        raise InputError(f"delimiter {value!r}: give one character other than a letter, digit, quote or "
                         f"newline (or tab, comma, semicolon, pipe)")
    return text


def _first_row(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def sniff_delimiter(text: str, known: Iterable[str] = ()) -> str:
    """The delimiter of ``, ; TAB |`` that splits the header into the most fields the mapping
    knows, then into the most fields; ``,`` when none splits it.

    >>> sniff_delimiter("Nom;Adresse;Ville\\n")
    ';'
    >>> sniff_delimiter("Name,Notes;more\\n", ["Name", "Notes;more"])
    ','
    """
    wanted = set(known)
    best, score = ",", (0, 1)
    for candidate in DELIMITERS:
        header = [h.strip() for h in _first_row(text, candidate)]
        value = (sum(1 for h in header if h in wanted), len(header))
        if value > score:
            best, score = candidate, value
    return best


def _read_csv(text: str, delimiter: str, where: str, notes: list[tuple[str, dict]]
              ) -> tuple[list[str], Iterator[Record]]:
    """The header's fields and the records; file-level notes go to ``notes`` (empty rows once all
    records have been read)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        raw_header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{where}:1: {_csv_error(exc)}") from None
    except StopIteration:
        raise InputError(f"{where}: file is empty") from None
    header_end = reader.line_num
    header = [h.strip() for h in raw_header]
    if not any(header):
        raise InputError(f"{where}:1: empty header row")
    names: list[str | None] = []
    seen: set[str] = set()
    for index, name in enumerate(header, 1):
        if not name:
            names.append(f"(column {index})")
        elif name in seen:
            notes.append(("import-duplicate-column", {"field": _quote(name), "column": index}))
            names.append(None)
        else:
            seen.add(name)
            names.append(name)
    fields = [n for n in names if n is not None]
    width = len(header)
    empty_rows: list[int] = []

    def rows() -> Iterator[Record]:
        previous, number = header_end, 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise InputError(f"{where}:{previous + 1}: {_csv_error(exc)}") from None
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                if row:
                    empty_rows.append(start)
                continue
            number += 1
            values: dict[str, Value] = {name: cell for name, cell in zip(names, row, strict=False) if name is not None}
            rec = Record(number, start, values)
            if len(row) > width:
                extra = [cell for cell in row[width:] if cell.strip()]
                if extra:
                    shown = ", ".join(_quote(c) for c in extra[:5]) + (" ..." if len(extra) > 5 else "")
                    rec.notes.append(("import-extra-cells", {"cells": len(row), "columns": width, "value": shown}))
            elif len(row) < width:
                rec.notes.append(("import-missing-cells", {"cells": len(row), "columns": width}))
            yield rec
        if empty_rows:
            notes.append(("import-empty-rows", {"count": len(empty_rows), "lines": _ranges(empty_rows)}))

    return fields, rows()


def _csv_error(exc: csv.Error) -> str:
    """The csv module's message, with what it means in a directory file."""
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted cell opened in this record never closes (unexpected end of data)"
    if "expected after" in text:
        return f"text after a quoted cell's closing quote ({text})"
    return text


def _ranges(numbers: list[int], limit: int = 8) -> str:
    """``2-5, 9, 12 ...``: runs of consecutive numbers, the first ``limit`` of them."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    shown = ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs[:limit])
    return shown + (" ..." if len(runs) > limit else "")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'  # one line: quality.finding escapes what is left


# ---------------------------------------------------------------------------------------------
# JSON and GeoJSON

_WS = re.compile(r"[ \t\n\r]*")


class _Layout(Exception):
    """The scanner met something it does not expect (json.loads then names the error)."""


def _scan(text: str) -> tuple[object, dict[tuple, list[int]]]:
    """The document, and for each list at the top or directly under a top-level key the offsets
    where its items start (for their line numbers): one pass of the standard parser over each part."""
    decoder = json.JSONDecoder(parse_float=str, parse_int=str)
    starts: dict[tuple, list[int]] = {}

    def ws(pos: int) -> int:
        blank = _WS.match(text, pos)  # always matches (maybe nothing)
        return blank.end() if blank else pos

    def parse_list(pos: int, key: tuple) -> tuple[list, int]:
        items: list = []
        offsets: list[int] = []
        pos = ws(pos + 1)
        if text.startswith("]", pos):
            starts[key] = offsets
            return items, pos + 1
        while True:
            offsets.append(pos)
            item, pos = decoder.raw_decode(text, pos)
            items.append(item)
            pos = ws(pos)
            if text.startswith(",", pos):
                pos = ws(pos + 1)
            elif text.startswith("]", pos):
                starts[key] = offsets
                return items, pos + 1
            else:
                raise _Layout

    doc: object
    pos = ws(0)
    if text.startswith("[", pos):
        doc, pos = parse_list(pos, ())
    elif text.startswith("{", pos):
        obj: dict[str, object] = {}
        doc = obj
        pos = ws(pos + 1)
        if text.startswith("}", pos):
            pos += 1
        else:
            while True:
                if not text.startswith('"', pos):
                    raise _Layout
                key, pos = decoder.raw_decode(text, pos)
                pos = ws(pos)
                if not text.startswith(":", pos):
                    raise _Layout
                pos = ws(pos + 1)
                if text.startswith("[", pos):
                    value, pos = parse_list(pos, (key,))
                else:
                    value, pos = decoder.raw_decode(text, pos)
                obj[key] = value
                pos = ws(pos)
                if text.startswith(",", pos):
                    pos = ws(pos + 1)
                elif text.startswith("}", pos):
                    pos += 1
                    break
                else:
                    raise _Layout
    else:
        doc, pos = decoder.raw_decode(text, pos)
    if ws(pos) != len(text):
        raise _Layout
    return doc, starts


def _check_nesting(text: str, where: str, *, chunk: int = 1 << 20) -> None:
    """:class:`~solkg.limits.LimitError` when the JSON ``text`` nests arrays and objects deeper than
    :data:`solkg.limits.MAX_NESTING` (the bound of every parser solkg feeds).

    >>> _check_nesting('{"a": [[1]]}', "a.json")
    >>> _check_nesting("[" * 300 + "]" * 300, "deep.json")
    Traceback (most recent call last):
    ...
    solkg.limits.LimitError: deep.json:1:257: nested deeper than 256 levels (solkg.limits.MAX_NESTING)
    """
    scan = scanner("json", where=where)
    for start in range(0, len(text), chunk):  # the scanner reads UTF-8; a chunk's end cuts no character
        scan.feed(text[start:start + chunk].encode("utf-8", "surrogatepass"))
    scan.close()


def _load_json(text: str, where: str) -> tuple[object, dict[tuple, list[int]]]:
    _check_nesting(text, where)
    try:
        return _scan(text)
    except (_Layout, ValueError):
        pass
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read") from None
    try:  # the standard parser names the error, with its line and column
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except ValueError as exc:  # not a syntax error: a number too long to convert
        raise InputError(f"{where}: invalid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read") from None
    raise InputError(f"{where}: invalid JSON")  # pragma: no cover - the scanner and json.loads disagree


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string" if not _NUMBER.fullmatch(value) else "a number"
    return "a " + type(value).__name__


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def _scalar(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _clean(rec: Record) -> None:
    """Fields whose name or text holds a lone surrogate (a JSON \\ud800 escape: not Unicode text,
    RDF cannot hold it) are taken out of the record, each with a note."""
    for name in list(rec.fields):
        value = rec.fields[name]
        texts = [name] + ([value] if isinstance(value, str) else [repr(v) for v in value])
        if any(_SURROGATE.search(t) for t in texts):
            del rec.fields[name]
            rec.notes.append(("import-invalid-value", {"field": _SURROGATE.sub("\ufffd", name),
                                                       "value": _SURROGATE.sub("\ufffd", texts[-1])[:80],
                                                       "kind": "Unicode text (a lone surrogate)"}))


def _flatten(obj: dict, prefix: str = "", out: dict | None = None, depth: int = 0) -> dict[str, Value]:
    """An object as ``{"a.b": text, "list": (text, ...), "objects": ({...}, ...)}``."""
    out = {} if out is None else out
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if depth < MAX_DEPTH:
                _flatten(value, name + ".", out, depth + 1)
            else:
                out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, list):
            items: list = []
            for item in value:
                if isinstance(item, dict) and depth < MAX_DEPTH:
                    items.append(_flatten(item, "", None, depth + 1))
                else:
                    text = _scalar(item)
                    if text is not None:
                        items.append(text)
            if items:
                out[name] = tuple(items)
        else:
            text = _scalar(value)
            if text is not None:
                out[name] = text
    return out


def _names(fields: dict[str, Value], prefix: str = "") -> Iterator[str]:
    """The leaf field names of a flattened record (``list.key`` for the keys of listed objects)."""
    for name, value in fields.items():
        if isinstance(value, tuple) and any(isinstance(v, dict) for v in value):
            if any(isinstance(v, str) for v in value):
                yield prefix + name
            for item in value:
                if isinstance(item, dict):
                    yield from _names(item, f"{prefix}{name}.")
        else:
            yield prefix + name


def field_values(fields: dict[str, Value], name: str) -> list[str]:
    """The texts of field ``name``: one, several for a list, those of key ``rest`` of the objects of
    a list for ``list.rest``; empty values left out.

    >>> field_values({"farms": ({"name": "A"}, {"name": "B"}), "tags": ("x", "y"), "n": "1"}, "farms.name")
    ['A', 'B']
    >>> field_values({"tags": ("x", "y")}, "tags"), field_values({"n": " 1 "}, "n")
    (['x', 'y'], ['1'])
    """
    value = fields.get(name)
    if value is not None:
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    out: list[str] = []
    dot = name.find(".")
    while dot > 0:
        head = fields.get(name[:dot])
        if isinstance(head, tuple):
            for item in head:
                if isinstance(item, dict):
                    out += field_values(item, name[dot + 1:])
            return out
        dot = name.find(".", dot + 1)
    return out


def _read_json(doc: object, starts: dict[tuple, list[int]], text: str, fmt: str, where: str,
               records_key: str | None) -> tuple[str, list[str], list[Record]]:
    key: tuple | None
    if records_key is not None:
        items = doc.get(records_key) if isinstance(doc, dict) else None
        if not isinstance(items, list):
            raise InputError(f"{where}: JSON has no list of records under key '{records_key}'")
        key = (records_key,)
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        items, key, fmt = doc.get("features"), ("features",), "geojson"
    elif isinstance(doc, list):
        items, key = doc, ()
    elif isinstance(doc, dict):
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        if len(lists) > 1:
            raise InputError(f"{where}: JSON has several lists ({', '.join(lists)}): say which holds the records")
        items, key = (doc[lists[0]], (lists[0],)) if lists else (None, None)
    else:
        items, key = None, None
    if not isinstance(items, list):
        raise InputError(f"{where}: JSON holds no list of records (want an array, or a GeoJSON FeatureCollection)")
    if not items:
        raise InputError(f"{where}: holds no record")
    offsets = starts.get(key) if key is not None else None
    lines: list[int | None]
    if offsets is not None and len(offsets) == len(items):
        lines, at, last = [], 1, 0
        for offset in offsets:
            at += text.count("\n", last, offset)
            last = offset
            lines.append(at)
    else:
        lines = [None] * len(items)
    if len(set(lines)) == 1 and len(items) > 1:  # all on one line (a minified file): the line tells nothing
        lines = [None] * len(items)
    records: list[Record] = []
    names: dict[str, None] = {}
    surrogates = _SURROGATE_ESCAPE.search(text) is not None  # only a \\uD800-\\uDFFF escape makes one
    for number, (item, line) in enumerate(zip(items, lines, strict=True), 1):
        if not isinstance(item, dict):
            records.append(Record(number, line, {}, problem=_kind(item)))
            continue
        rec = Record(number, line, {})
        if fmt == "geojson":
            props = item.get("properties")
            if props is not None and not isinstance(props, dict):
                records.append(Record(number, line, {}, problem=f"a feature whose properties are {_kind(props)}"))
                continue
            rec.fields = _flatten(props or {})
            geometry = item.get("geometry")
            coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (isinstance(geometry, dict) and geometry.get("type") == "Point" and isinstance(coords, list)
                    and len(coords) >= 2 and all(isinstance(c, str) for c in coords[:2])):
                rec.fields["@long"], rec.fields["@lat"] = coords[0], coords[1]
            elif geometry is not None:
                shown = geometry.get("type") if isinstance(geometry, dict) else None
                rec.notes.append(("import-unsupported-geometry",
                                  {"value": str(shown) if isinstance(shown, str) else _kind(geometry)}))
            if item.get("id") is not None:
                ident = _scalar(item["id"])
                if ident:
                    rec.fields.setdefault("@id", ident)
        else:
            rec.fields = _flatten(item)
        if surrogates:
            _clean(rec)
        for name, value in rec.fields.items():
            if type(value) is tuple and any(type(v) is dict for v in value):
                for leaf in _names({name: value}):
                    names[leaf] = None
            else:
                names[name] = None
        records.append(rec)
    return fmt, list(names), records


# ---------------------------------------------------------------------------------------------
# Entry point


@one_line_errors
def read_records(path: Path, *, fmt: str, delimiter: str | None = None, encoding: str | None = None,
                 known_fields: Iterable[str] = (), records_key: str | None = None) -> Source:
    """Open ``path`` as ``fmt`` (csv|tsv|json|geojson): its fields and records (CSV records are read
    lazily), the encoding and delimiter used, and the file-level notes.

    ``delimiter`` and ``encoding`` default to detection; ``known_fields`` (the fields a mapping
    reads) guide the delimiter's; ``records_key`` names the JSON key holding the records when the
    document has several lists.
    """
    where = display_path(path)
    text, used, note = _text(path, encoding)
    if not text.strip():
        raise InputError(f"{where}: file is empty")
    notes: list[tuple[str, dict]] = []
    how: list[str] = [note] if note else []
    if fmt in ("csv", "tsv"):
        if delimiter:
            sep = _delimiter(delimiter)
        elif fmt == "tsv":
            sep = "\t"
        else:
            sep = sniff_delimiter(text, known_fields)
            if sep != ",":
                how.append({"\t": "tab", ";": "';'", "|": "'|'"}[sep] + "-delimited (detected from the header)")
        if how:
            notes.append(("import-dialect", {"how": ", ".join(how)}))
        fields, records = _read_csv(text, sep, where, notes)
        return Source(fmt, fields, records, used, sep, notes, header_line=1)
    if how:
        notes.append(("import-dialect", {"how": ", ".join(how)}))
    doc, starts = _load_json(text, where)
    try:
        fmt, fields, items = _read_json(doc, starts, text, fmt, where, records_key)
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read") from None
    return Source(fmt, fields, iter(items), used, None, notes)

