"""The mapping model: a mapping file (TOML) read into typed, frozen specs, validated as a whole.

A mapping says which source fields become which nodes and properties (docs/mapping.md is the
reference of every key). Loading refuses, with :class:`InputError` and one line naming the file,
the line where it can tell and a suggestion, anything it would otherwise have to guess at: an
unknown table or key (``feild`` → did you mean ``field``?), a value of the wrong type or kind, a
reference to a node, lookup, lookup column or prefix that does not exist, a property with no value
or two, an IRI template that does not parse. Fields are checked against the file when it is read
(:meth:`Mapping.check_fields`): the mapping does not know the file's columns before.

The concepts follow W3C CSVW and RML where they fit: ``[dialect]`` (CSVW dialect: delimiter,
encoding), IRI templates with ``{field}`` (CSVW ``aboutUrl``, RML ``rr:template``), ``constant``
(RML ``rr:constant``), ``separator`` (CSVW: a cell that holds a list), ``required`` (CSVW).

>>> m = load_mapping("sse-standard")
>>> m.name, [n.name for n in m.nodes]
('sse-standard', ['actor', 'address'])
>>> load_mapping_text('[mapping]\\nname = "x"\\nversion = "1"\\n[[node]]\\nname = "a"\\n'
...                   'properties = [{ predicate = "rdfs:label", feild = "Name" }]\\n')
Traceback (most recent call last):
...
solkg.errors.InputError: <text>:6: [[node]] 'a', property 1: unknown key 'feild': did you mean 'field'?
"""

from __future__ import annotations

import codecs
import difflib
import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NoReturn, overload

from ..errors import InputError
from ..namespaces import PREFIXES, SOLD
from ..sources import display_path
from . import convert
from . import quality as q

__all__ = [
    "MAPPINGS_DIR",
    "KEYS",
    "KINDS",
    "Prop",
    "NodeSpec",
    "LookupSpec",
    "Mapping",
    "list_mappings",
    "load_mapping",
    "load_mapping_text",
    "suggest",
]

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
"""The shipped mappings and lookup tables (package data)."""

KINDS = ("text", "string", "curie", "iri", "essglobal", "integer", "nonNegativeInteger", "decimal", "url", "email",
         "none")
"""What a property's values are: ``text`` a literal in the mapping's language, ``string`` a plain
literal, ``curie``/``iri`` IRIs (prefixed names or full IRIs; several separated by spaces),
``essglobal`` an ESSGlobal code made an IRI, numbers, ``url`` a web address (made an IRI),
``email`` an address (a literal), ``none`` read but not imported."""

KEYS: dict[str, dict[str, str]] = {
    "": {
        "mapping": "table: the mapping's identity and record-level settings (required)",
        "dialect": "table: how to read the file (CSVW dialect)",
        "prefixes": "table: prefix = namespace, added to solkg's fixed prefixes",
        "coordinates": "table: where the coordinates and the country are, and the tables that check them",
        "quality": "table: placeholder values and expected fields",
        "lookup": "array of tables: a code column read through a lookup table",
        "node": "array of tables: a node made from each record (or shared by records)",
    },
    "mapping": {
        "name": "string, required: the mapping's name ([a-z0-9-])",
        "version": "string, required: the mapping's version (recorded in the dataset description)",
        "title": "string: one line for --list-mappings",
        "description": "string: what the mapping makes of a record",
        "format": "csv|tsv|json|geojson: the format when the file's extension does not say",
        "language": "language tag of `text` values (default en)",
        "id_prefix": "string [a-z0-9-]: {id} is <id_prefix>-<identifier> (default: the name)",
        "id_field": "field: the record's identifier",
        "name_field": "field: the record's name (duplicate detection, IRIs of records without identifier)",
        "contacts": "boolean: import e-mail and telephone (personal data; default false)",
        "source_url": "URL: where the data comes from",
        "country": "ISO 3166-1 alpha-2 code: the country of records whose country field is empty",
        "territory": "IRI or prefixed name: the territory of the records (`territory = true` properties)",
        "required": "list of fields: columns the file must have; records must give them",
        "ignore": "list of fields: fields deliberately not imported (no import-unused-field finding)",
    },
    "dialect": {
        "delimiter": "one character (or tab, comma, semicolon, pipe): the CSV delimiter (default: detected)",
        "encoding": "the file's encoding (default: detected: BOM, UTF-8, else Windows-1252)",
        "records": "JSON: the key of the list of records, when the document has several lists",
    },
    "coordinates": {
        "pairs": "list of [latitude field, longitude field]: the first pair a record fills is its point",
        "country_field": "field: the record's country (ISO code or a name of country_names)",
        "country_names": "lookup table: country names to ISO codes (default the shipped country-names.csv)",
        "country_boxes": "lookup table: ISO codes to bounding boxes (default the shipped country-bounding-boxes.csv)",
        "margin_degrees": "number: tolerance around a country's box (default 0.1)",
        "duplicate_distance_m": "number: records with the same name closer than this are duplicates (default 100)",
    },
    "quality": {
        "placeholders": "lookup table: values that mean no value (reported, not imported)",
        "expected": "list of fields: an empty one is reported as info",
    },
    "lookup": {
        "name": "string, required: how nodes and properties refer to the lookup (name.column)",
        "field": "field or list of fields, required: the columns whose values are looked up",
        "table": "lookup table, required: a CSV file with a # version: header",
        "key": "column of the table matched against the values (default code); a cell may hold several keys "
               "separated by |",
        "also_key": "list of columns also matched (labels, aliases)",
        "separators": "list of strings: a cell holds several values separated by these (default [';'])",
        "normalise": "exact|lower|essglobal|digits: how values and keys are compared (default exact)",
        "match": "exact|prefix: prefix takes the longest key that starts the value (codes like SIC)",
        "enumerated": "boolean: a value not in the table is reported (import-unknown-code)",
    },
    "node": {
        "name": "string, required: the node's name ([a-z][a-z0-9_-]*), for `node =` references",
        "iri": "IRI template (default {id}): {id}, {field} or {row.column}; relative to sold: unless prefixed",
        "types": "list of classes (prefixed names or IRIs)",
        "types_lookup": "list of lookup references (name.column): classes from the table",
        "when": "lookup reference: make the node only when the record has a value there",
        "when_any": "list of fields: make the node only when one of them is filled",
        "for_each": "lookup reference: one node per matching lookup row (its columns as {row.column})",
        "each": "field: one node per value of a list field (JSON list, or a cell split by separator)",
        "separator": "string: with each, what separates the values of a cell",
        "coordinates": "[latitude field, longitude field]: the node's own point",
        "properties": "list of inline tables: the node's properties",
    },
    "property": {
        "predicate": "prefixed name or IRI: the property (or predicate_lookup)",
        "predicate_lookup": "lookup reference: the property from the table",
        "field": "field or list of fields: the value (the first filled, or all joined with join)",
        "template": "string template with {field}: the value built from fields",
        "constant": "string: the same value for every record (RML rr:constant)",
        "lookup": "lookup reference: the value from the table",
        "node": "node name: the IRIs of that node made from the same record",
        "coordinate": "lat|long: the record's (or node's) latitude or longitude",
        "country": "true: the record's country (its ISO code)",
        "territory": "true: the territory of the mapping or of the run",
        "kind": "the values' kind (see KINDS; default string)",
        "language": "language tag of a text value (default the mapping's language)",
        "separator": "string: a field's cell holds several values separated by this (CSVW separator)",
        "join": "string: join the values of all the fields with this",
        "lookup_field": "field: only values found in this field (with lookup)",
        "only_with": "lookup reference: only rows with a value in that column (with lookup)",
        "base": "URL: a url value that is a bare handle is made base + handle",
        "contact": "boolean: personal data, imported only with contacts",
    },
}
"""Every table and key of the mapping language, with what it takes and means (docs/mapping.md)."""

VALUE_SOURCES = ("field", "template", "constant", "lookup", "node", "coordinate", "country", "territory")
"""A property takes its values from exactly one of these."""
_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ESS_IRI = re.compile(r"^https?://[^\s]*?/standard/([a-z][a-z-]*)/([A-Za-z0-9_.-]+)/?$")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


def suggest(word: str, known: Iterable[str], *, cutoff: float = 0.6) -> str:
    """``: did you mean 'x'?`` for the closest of ``known``, or ``(known: ...)`` when none is close.

    >>> suggest("feild", ["field", "kind"])
    ": did you mean 'field'?"
    """
    known = sorted(set(known))
    close = difflib.get_close_matches(word, known, n=1, cutoff=cutoff)
    if not close:
        close = [k for k in known if k.casefold() == word.casefold()][:1]
    if close:
        return f": did you mean '{close[0]}'?"
    shown = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
    return f" (known: {shown})" if known else ""


# ---------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class Prop:
    """One property of a node: its predicate, and where its values come from (one of
    :data:`VALUE_SOURCES`)."""

    predicate: str | None
    predicate_lookup: str | None = None
    field: tuple[str, ...] = ()
    join: str | None = None
    lookup: str | None = None
    lookup_field: str | None = None
    only_with: str | None = None
    coordinate: str | None = None
    country: bool = False
    node: str | None = None
    kind: str = "string"
    contact: bool = False
    base: str | None = None
    constant: str | None = None
    template: str | None = None
    territory: bool = False
    separator: str | None = None
    language: str | None = None

    def fields(self) -> list[str]:
        """The source fields this property reads."""
        return [*self.field, *(_placeholders(self.template) if self.template else [])]


@dataclass(frozen=True)
class NodeSpec:
    """A node template: its IRI template, classes, when it is made, and its properties."""

    name: str
    iri: str
    types: tuple[str, ...]
    types_lookup: tuple[str, ...]
    when: str | None
    when_any: tuple[str, ...]
    properties: tuple[Prop, ...]
    for_each: str | None = None
    each: str | None = None
    separator: str | None = None
    coordinates: tuple[str, str] | None = None

    @functools.cached_property
    def shared(self) -> bool:
        """True when the IRI does not come from the record's identity: records may share the node."""
        return "{id}" not in self.iri

    def template_fields(self) -> list[str]:
        """The fields of the IRI template (not ``id`` nor ``row.*``)."""
        return [p for p in _placeholders(self.iri) if p != "id" and not p.startswith("row.")]

    def fields(self) -> list[str]:
        """Every source field the node reads."""
        out = [*self.when_any, *self.template_fields(), *(self.coordinates or ())]
        if self.each:
            out.append(self.each)
        for prop in self.properties:
            out += prop.fields()
        return out


@dataclass(frozen=True)
class LookupSpec:
    """A lookup: the fields whose values are looked up in a table, and how they are matched."""

    name: str
    fields: tuple[str, ...]
    separators: tuple[str, ...]
    table: q.Table
    key: str
    also_keys: tuple[str, ...]
    normalise: str
    enumerated: bool
    index: dict[str, dict[str, str]]
    match: str = "exact"

    def find(self, value: str) -> dict[str, str] | None:
        """The table row of a value, or None."""
        key = _norm_key(value, self.normalise)
        if self.match == "prefix":
            for end in range(len(key), 0, -1):
                row = self.index.get(key[:end])
                if row is not None:
                    return row
            return None
        return self.index.get(key)


@dataclass(frozen=True)
class Mapping:
    """A loaded and validated mapping: its settings, lookups (with their tables) and node templates."""

    name: str
    version: str
    title: str
    description: str
    format: str | None
    language: str
    id_prefix: str
    id_field: str | None
    name_field: str | None
    contacts: bool
    source_url: str | None
    prefixes: dict[str, str]
    coordinate_pairs: tuple[tuple[str, str], ...]
    country_field: str | None
    countries: q.Countries
    duplicate_distance_m: float
    placeholders: q.Placeholders
    expected: tuple[str, ...]
    lookups: tuple[LookupSpec, ...]
    nodes: tuple[NodeSpec, ...]
    path: Path
    tables: tuple[q.Table, ...] = ()
    country: str | None = None
    territory: str | None = None
    required: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    delimiter: str | None = None
    encoding: str | None = None
    records_key: str | None = None
    text: str = field(default="", repr=False, compare=False)

    def expand(self, curie: str) -> str:
        """A full IRI from ``prefix:local`` (solkg's fixed prefixes plus the mapping's own)."""
        prefix, sep, local = curie.partition(":")
        ns = self.prefixes.get(prefix) if sep else None
        if ns is None:
            if curie.startswith(("http://", "https://", "urn:")):
                return curie
            raise InputError(f"{self.path.name}: unknown prefix in '{curie}'{suggest(prefix, self.prefixes)}")
        return ns + local

    def used_fields(self) -> list[str]:
        """Every source field the mapping reads, in order of first mention."""
        fields: list[str] = []
        for node in self.nodes:
            fields += node.fields()
        for lookup in self.lookups:
            fields += lookup.fields
        for pair in self.coordinate_pairs:
            fields += pair
        fields += [f for f in (self.id_field, self.name_field, self.country_field) if f]
        fields += [*self.required, *self.expected]
        return list(dict.fromkeys(fields))

    def field_groups(self) -> list[tuple[str, ...]]:
        """The fields the mapping reads, those given together (``field = [a, b]``) as one group."""
        groups: list[tuple[str, ...]] = []
        for node in self.nodes:
            groups += [(f,) for f in [*node.when_any, *node.template_fields(), *(node.coordinates or ())]]
            if node.each:
                groups.append((node.each,))
            for prop in node.properties:
                if prop.field:
                    groups.append(prop.field)
                if prop.template:
                    groups += [(f,) for f in _placeholders(prop.template)]
        groups += [lookup.fields for lookup in self.lookups]
        groups += [(f,) for pair in self.coordinate_pairs for f in pair]
        groups += [(f,) for f in (self.id_field, self.name_field, self.country_field, *self.required, *self.expected)
                   if f]
        return list(dict.fromkeys(groups))

    def required_fields(self) -> dict[str, str]:
        """Field → why the file must have it: ``required``, the identifier, IRI templates of
        nodes made for every record."""
        out: dict[str, str] = {}
        for node in self.nodes:
            if node.when or node.when_any or node.for_each:
                continue
            for name in node.template_fields():
                out.setdefault(name, f"node:{node.name}")
        if self.id_field:
            out[self.id_field] = "id"
        for name in self.required:
            out.setdefault(name, "required")
        return out

    def check_fields(self, available: Iterable[str], *, source: str) -> list[str]:
        """The fields the mapping reads that the file lacks; :class:`InputError` (exit 2) for one
        that is a near miss of a field the file has and the mapping does not read (a typo, a
        different case), naming both."""
        have = list(available)
        present = set(have)
        missing = [f for f in self.used_fields() if not _resolvable(f, present)]
        unread = [h for h in have if h not in set(self.used_fields())]
        for name in missing:
            close = _near(name, unread)
            if close:
                line = _line_of(self.text, name)
                at = f":{line}" if line else ""
                raise InputError(f"{display_path(self.path)}{at}: field '{name}' is not in {source}: did you mean "
                                 f"'{close}'? (the mapping and the file disagree)")
        return missing


def _resolvable(name: str, present: set[str]) -> bool:
    if name in present:
        return True
    prefix = name + "."
    return any(p.startswith(prefix) for p in present)


def _near(name: str, candidates: Iterable[str]) -> str | None:
    for candidate in candidates:
        if candidate.casefold() == name.casefold():
            return candidate
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.8)
    close = [c for c in close if abs(len(c) - len(name)) <= 2]
    return close[0] if close else None


def _placeholders(template: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(template)]


def _norm_key(value: str, how: str) -> str:
    value = " ".join(value.split())
    if how == "lower":
        return value.casefold()
    if how == "essglobal":
        match = _ESS_IRI.match(value)
        if match:
            return f"{match.group(1)}/{match.group(2)}".casefold()
        return value.casefold()
    if how == "digits":
        match = re.match(r"[0-9][0-9./ ]*", value)
        return re.sub(r"[^0-9]", "", match.group(0)) if match else value.casefold()
    return value


# ---------------------------------------------------------------------------------------------
# Loading


def list_mappings() -> list[tuple[str, str, str]]:
    """The shipped mappings: (name, version, title), sorted by name."""
    out = []
    for path in sorted(MAPPINGS_DIR.glob("*.toml")):
        head = _read_toml(path)[0].get("mapping", {})
        out.append((head.get("name", path.stem), str(head.get("version", "")), head.get("title", "")))
    return out


def _read_toml(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{display_path(path)}: no such mapping file") from None
    except UnicodeDecodeError:
        raise InputError(f"{display_path(path)}: not UTF-8 (a mapping file is UTF-8 TOML)") from None
    except OSError as exc:
        raise InputError(f"{display_path(path)}: cannot read: {exc.strerror or exc}") from None
    return _parse_toml(text, display_path(path)), text


def _parse_toml(text: str, where: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if found:
            message = message[: found.start()].strip()
            raise InputError(f"{where}:{found.group(1)}:{found.group(2)}: invalid TOML: {message}") from None
        raise InputError(f"{where}: invalid TOML: {message}") from None


@convert.one_line_errors
def load_mapping(mapping: str | Path) -> Mapping:
    """A shipped mapping by name (``susy``, ``sse-standard``) or a mapping file path.

    Lookup tables are read from the mapping file's folder, else from the shipped ones.
    :class:`InputError` names what is wrong, where, and the closest valid word.
    """
    if isinstance(mapping, Path) or "/" in str(mapping) or str(mapping).endswith(".toml"):
        path = Path(mapping)
    else:
        path = MAPPINGS_DIR / f"{mapping}.toml"
        if not path.is_file():
            names = [n for n, _, _ in list_mappings()]
            raise InputError(f"no shipped mapping '{mapping}'{suggest(str(mapping), names)} (or give a .toml file)")
    doc, text = _read_toml(path)
    return _Loader(doc, text, path).load()


@convert.one_line_errors
def load_mapping_text(text: str, *, folder: Path | None = None) -> Mapping:
    """A mapping from TOML text (tables from ``folder``, else the shipped ones); for tests and tools."""
    path = (folder or MAPPINGS_DIR) / "<text>"
    return _Loader(_parse_toml(text, "<text>"), text, path).load()


def _line_of(text: str, token: str, after: int = 0) -> int | None:
    """The line of the first ``token =`` (a key) or ``"token"`` (a value) at or after line ``after``."""
    if not text:
        return None
    key = re.compile(rf'(^|[{{,\s])"?{re.escape(token)}"?\s*=|"{re.escape(token)}"|^\s*\[\[?\s*{re.escape(token)}\s*\]',
                     re.M)
    lines = text.splitlines()
    for number in range(max(after, 1), len(lines) + 1):
        if key.search(lines[number - 1]):
            return number
    return None


class _Loader:
    """Reads one mapping document, checking every table, key and reference."""

    def __init__(self, doc: dict, text: str, path: Path) -> None:
        self.doc, self.text, self.path = doc, text, path
        self.where = display_path(path) if path.name != "<text>" else "<text>"
        self.folder = path.parent
        self.tables: dict[str, q.Table] = {}
        self.cursor = 0  # the line of the table being read: errors point at or after it

    # --- errors
    def fail(self, context: str, problem: str, token: str | None = None) -> NoReturn:
        line = _line_of(self.text, token, self.cursor) if token else None
        if line is None and token:
            line = _line_of(self.text, token)
        at = f":{line}" if line else ""
        where = f"{context}: " if context else ""
        raise InputError(f"{self.where}{at}: {where}{problem}")

    def keys(self, table: dict, allowed: str, context: str) -> None:
        known = KEYS[allowed]
        for key in table:
            if key not in known:
                self.fail(context, f"unknown {'table' if allowed == '' else 'key'} '{key}'{suggest(key, known)}", key)

    def section(self, name: str) -> int:
        """Move the cursor to the line of ``[name]`` or the next ``[[name]]``."""
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]\]?", re.M)
        lines = self.text.splitlines()
        for number in range(self.cursor + 1, len(lines) + 1):
            if pattern.match(lines[number - 1]):
                self.cursor = number
                return number
        return self.cursor

    # --- typed values
    @overload
    def string(self, table: dict, key: str, context: str, *, required: Literal[True], default: None = None,
               pattern: re.Pattern | None = None, what: str = "", blank: bool = False) -> str: ...

    @overload
    def string(self, table: dict, key: str, context: str, *, required: bool = False, default: str,
               pattern: re.Pattern | None = None, what: str = "", blank: bool = False) -> str: ...

    @overload
    def string(self, table: dict, key: str, context: str, *, required: bool = False, default: None = None,
               pattern: re.Pattern | None = None, what: str = "", blank: bool = False) -> str | None: ...

    def string(self, table: dict, key: str, context: str, *, required: bool = False, default: str | None = None,
               pattern: re.Pattern | None = None, what: str = "", blank: bool = False) -> str | None:
        """The string at ``key``: ``default`` when absent (refused when ``required``)."""
        if key not in table:
            if required:
                self.fail(context, f"needs '{key}'")
            return default
        value = table[key]
        if not isinstance(value, str) or not (value if blank else value.strip()):
            self.fail(context, f"'{key}' must be a non-empty string, not {_show(value)}", key)
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(context, f"'{key}' = '{value}' must be {what}", key)
        return value

    def boolean(self, table: dict, key: str, context: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.fail(context, f"'{key}' must be true or false, not {_show(value)}", key)
        return value

    def number(self, table: dict, key: str, context: str, default: float) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
            self.fail(context, f"'{key}' must be a number ≥ 0, not {_show(value)}", key)
        return float(value)

    def strings(self, table: dict, key: str, context: str, *, required: bool = False) -> tuple[str, ...]:
        if key not in table:
            if required:
                self.fail(context, f"needs '{key}'")
            return ()
        value = table[key]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
            self.fail(context, f"'{key}' must be a string or a list of non-empty strings, not {_show(value)}", key)
        return tuple(items)

    def pair(self, value: object, key: str, context: str) -> tuple[str, str]:
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and v for v in value)):
            self.fail(context, f"'{key}' must be [latitude field, longitude field], not {_show(value)}", key)
        return value[0], value[1]

    @overload
    def choice(self, table: dict, key: str, context: str, choices: tuple[str, ...], default: str) -> str: ...

    @overload
    def choice(self, table: dict, key: str, context: str, choices: tuple[str, ...], default: None) -> str | None: ...

    def choice(self, table: dict, key: str, context: str, choices: tuple[str, ...], default: str | None) -> str | None:
        """The value at ``key`` if it is one of ``choices``; ``default`` when absent."""
        value = table.get(key, default)
        if value is not None and value not in choices:
            self.fail(context, f"'{key}' = {_show(value)} is not one of {'|'.join(choices)}"
                      f"{suggest(str(value), choices) if isinstance(value, str) else ''}", key)
        return value

    def subtable(self, name: str) -> dict:
        value = self.doc.get(name, {})
        if not isinstance(value, dict):
            self.fail("", f"'{name}' must be a table [{name}]", name)
        return value

    def table(self, name: str, context: str, key: str) -> q.Table:
        """The lookup table ``name`` (a file beside the mapping, else a shipped one), read once."""
        if name not in self.tables:
            path = self.folder / name
            if not path.is_file() and (MAPPINGS_DIR / name).is_file():
                path = MAPPINGS_DIR / name
            if not path.is_file():
                shipped = [p.name for p in MAPPINGS_DIR.glob("*.csv")]
                self.fail(context, f"'{key}': no lookup table '{name}' beside the mapping or shipped"
                          f"{suggest(name, shipped)}", name)
            self.tables[name] = q.read_table(path)
        return self.tables[name]

    def curie(self, value: str, context: str, key: str, prefixes: dict) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in prefixes:
            return prefixes[prefix] + local
        if value.startswith(("http://", "https://", "urn:")):
            return value
        if not sep:
            self.fail(context, f"'{key}' = '{value}' is not a prefixed name or an IRI", value)
        self.fail(context, f"'{key}' = '{value}': unknown prefix '{prefix}'{suggest(prefix, prefixes)}", value)
        return value  # unreachable

    # --- the document
    def load(self) -> Mapping:
        doc = self.doc
        self.keys(doc, "", "")
        head = self.subtable("mapping")
        if "mapping" not in doc:
            self.fail("", "a mapping needs a [mapping] table with name and version")
        self.section("mapping")
        ctx = "[mapping]"
        self.keys(head, "mapping", ctx)
        name = self.string(head, "name", ctx, required=True, pattern=re.compile(r"[a-z0-9][a-z0-9-]*"),
                           what="lower-case letters, digits and hyphens")
        version = head.get("version")
        if isinstance(version, (int, float)) and not isinstance(version, bool):
            version = str(version)
        if not isinstance(version, str) or not version.strip():
            self.fail(ctx, "needs 'version' (a string such as \"1.0.0\")", "version" if "version" in head else None)
        fmt = self.choice(head, "format", ctx, ("csv", "tsv", "json", "geojson"), None)
        language = self.string(head, "language", ctx, default="en", pattern=_LANGUAGE, what="a language tag")
        prefix = self.string(head, "id_prefix", ctx, default=name, pattern=re.compile(r"[a-z0-9][a-z0-9-]*"),
                             what="lower-case letters, digits and hyphens ([a-z0-9][a-z0-9-]*)")
        source_url = self.string(head, "source_url", ctx)
        if source_url and not re.match(r"https?://\S+$", source_url):
            self.fail(ctx, f"'source_url' = '{source_url}' is not an http(s) URL", "source_url")

        prefixes = dict(PREFIXES)
        extra = self.subtable("prefixes")
        for key, value in extra.items():
            if not isinstance(value, str) or not re.match(r"(https?://|urn:)\S+$", value):
                self.fail("[prefixes]", f"'{key}' must be a namespace IRI, not {_show(value)}", key)
            prefixes[key] = value

        dialect = self.subtable("dialect")
        self.keys(dialect, "dialect", "[dialect]")
        delimiter = self.string(dialect, "delimiter", "[dialect]")
        if delimiter is not None:
            from .readers import _delimiter

            try:
                _delimiter(delimiter)
            except InputError as exc:
                self.fail("[dialect]", str(exc), "delimiter")
        encoding = self.string(dialect, "encoding", "[dialect]")
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                self.fail("[dialect]", f"unknown encoding '{encoding}'", "encoding")
        records_key = self.string(dialect, "records", "[dialect]")

        coords = self.subtable("coordinates")
        self.keys(coords, "coordinates", "[coordinates]")
        pairs = coords.get("pairs", [])
        if not isinstance(pairs, list):
            self.fail("[coordinates]", "'pairs' must be a list of [latitude field, longitude field]", "pairs")
        pairs = tuple(self.pair(p, "pairs", "[coordinates]") for p in pairs)
        names_table = self.table(self.string(coords, "country_names", "[coordinates]", default="country-names.csv"),
                                 "[coordinates]", "country_names")
        boxes_table = self.table(self.string(coords, "country_boxes", "[coordinates]",
                                             default="country-bounding-boxes.csv"), "[coordinates]", "country_boxes")
        for table, columns in ((names_table, ("name", "code")),
                               (boxes_table, ("code", "name", "min_long", "min_lat", "max_long", "max_lat"))):
            lacking = [c for c in columns if table and c not in table.columns]
            if lacking:
                self.fail("[coordinates]", f"{table.name}.csv lacks column(s) {', '.join(lacking)}")
        try:
            countries = q.Countries(names_table, boxes_table, self.number(coords, "margin_degrees", "[coordinates]",
                                                                          0.1))
        except ValueError as exc:
            self.fail("[coordinates]", f"bad bounding box: {exc}")
        country = self.string(head, "country", ctx)
        if country is not None:
            code = countries.code(country)
            if code is None:
                self.fail(ctx, f"'country' = '{country}' is not an ISO 3166-1 alpha-2 code of "
                          f"{boxes_table.label}{suggest(country.upper(), countries.boxes)}", "country")
            country = code
        territory = self.string(head, "territory", ctx)
        if territory is not None:
            territory = self.curie(territory, ctx, "territory", prefixes)

        qual = self.subtable("quality")
        self.keys(qual, "quality", "[quality]")
        placeholders_name = self.string(qual, "placeholders", "[quality]")
        placeholders = q.Placeholders(self.table(placeholders_name, "[quality]", "placeholders")
                                      if placeholders_name else None)

        lookups = self.lookups()
        by_lookup = {lk.name: lk for lk in lookups}
        nodes = self.nodes(prefixes, by_lookup)
        return Mapping(
            name=name, version=version, title=self.string(head, "title", ctx, default=""),
            description=self.string(head, "description", ctx, default=""), format=fmt, language=language,
            id_prefix=prefix, id_field=self.string(head, "id_field", ctx),
            name_field=self.string(head, "name_field", ctx), contacts=self.boolean(head, "contacts", ctx),
            source_url=source_url, prefixes=prefixes, coordinate_pairs=pairs,
            country_field=self.string(coords, "country_field", "[coordinates]"), countries=countries,
            duplicate_distance_m=self.number(coords, "duplicate_distance_m", "[coordinates]", 100),
            placeholders=placeholders, expected=self.strings(qual, "expected", "[quality]"),
            lookups=lookups, nodes=nodes, path=self.path, tables=tuple(self.tables.values()),
            country=country, territory=territory, required=self.strings(head, "required", ctx),
            ignore=self.strings(head, "ignore", ctx), delimiter=delimiter, encoding=encoding,
            records_key=records_key, text=self.text,
        )

    def lookups(self) -> tuple[LookupSpec, ...]:
        specs = self.doc.get("lookup", [])
        if not isinstance(specs, list):
            self.fail("", "'lookup' must be an array of tables [[lookup]]", "lookup")
        out: list[LookupSpec] = []
        for number, spec in enumerate(specs, 1):
            self.section("lookup")
            ctx = f"[[lookup]] {number}"
            if not isinstance(spec, dict):
                self.fail(ctx, "must be a table")
            self.keys(spec, "lookup", ctx)
            name = self.string(spec, "name", ctx, required=True, pattern=_NAME, what="[a-z][a-z0-9_-]*")
            ctx = f"[[lookup]] '{name}'"
            if any(lk.name == name for lk in out):
                self.fail(ctx, f"a second lookup named '{name}'", name)
            tab = self.table(self.string(spec, "table", ctx, required=True), ctx, "table")
            key = self.string(spec, "key", ctx, default="code")
            also = self.strings(spec, "also_key", ctx)
            for column in (key, *also):
                if column not in tab.columns:
                    self.fail(ctx, f"'{column}' is not a column of {tab.label}{suggest(column, tab.columns)}", column)
            norm = self.choice(spec, "normalise", ctx, ("exact", "lower", "essglobal", "digits"), "exact")
            match = self.choice(spec, "match", ctx, ("exact", "prefix"), "exact")
            index: dict[str, dict[str, str]] = {}
            for row in tab.rows:
                for column in (key, *also):
                    for one in (row.get(column) or "").split("|"):  # a cell may hold several keys
                        if one.strip():
                            index.setdefault(_norm_key(one, norm), row)
            separators = self.strings(spec, "separators", ctx) if "separators" in spec else (";",)
            out.append(LookupSpec(name=name, fields=self.strings(spec, "field", ctx, required=True),
                                  separators=separators, table=tab, key=key, also_keys=also, normalise=norm,
                                  enumerated=self.boolean(spec, "enumerated", ctx), index=index, match=match))
        return tuple(out)

    def lookup_ref(self, ref: str, ctx: str, key: str, lookups: dict[str, LookupSpec]) -> str:
        name, dot, column = ref.partition(".")
        if not dot or not column:
            self.fail(ctx, f"'{key}' = '{ref}' must be lookup.column", ref)
        if name not in lookups:
            self.fail(ctx, f"'{key}': no lookup '{name}'{suggest(name, lookups)}", ref)
        columns = lookups[name].table.columns
        if column not in columns:
            self.fail(ctx, f"'{key}': '{column}' is not a column of {lookups[name].table.label}"
                      f"{suggest(column, columns)}", ref)
        return ref

    def template(self, template: str, ctx: str, key: str, prefixes: dict, *, row_columns: list[str] | None,
                 iri: bool) -> str:
        if _PLACEHOLDER.sub("", template).count("{") or _PLACEHOLDER.sub("", template).count("}"):
            self.fail(ctx, f"'{key}' = '{template}': unbalanced braces", template)
        for name in _placeholders(template):
            if not name.strip():
                self.fail(ctx, f"'{key}' = '{template}': an empty {{}}", template)
            if name.startswith("row."):
                if row_columns is None:
                    self.fail(ctx, f"'{key}': {{{name}}} needs for_each (a lookup's row)", template)
                if name[4:] not in row_columns:
                    self.fail(ctx, f"'{key}': '{name[4:]}' is not a column of the for_each table"
                              f"{suggest(name[4:], row_columns)}", template)
            elif name == "id" and not iri:
                self.fail(ctx, f"'{key}': {{id}} is for IRI templates", template)
        if not iri:
            return template
        head = _PLACEHOLDER.split(template)[0]
        prefix, sep, _ = head.partition(":")
        if sep and prefix in prefixes:
            return prefixes[prefix] + template[len(prefix) + 1:]
        if template.startswith(("http://", "https://", "urn:")):
            return template
        if sep and re.fullmatch(r"[A-Za-z][\w-]*", prefix):
            self.fail(ctx, f"'{key}' = '{template}': unknown prefix '{prefix}'{suggest(prefix, prefixes)}", template)
        return SOLD + template  # relative to sold:, as {id} is

    def nodes(self, prefixes: dict, lookups: dict[str, LookupSpec]) -> tuple[NodeSpec, ...]:
        specs = self.doc.get("node", [])
        if not isinstance(specs, list):
            self.fail("", "'node' must be an array of tables [[node]]", "node")
        names: list[str] = []
        for spec in specs:
            if isinstance(spec, dict) and isinstance(spec.get("name"), str):
                names.append(spec["name"])
        out: list[NodeSpec] = []
        for number, spec in enumerate(specs, 1):
            self.section("node")
            ctx = f"[[node]] {number}"
            if not isinstance(spec, dict):
                self.fail(ctx, "must be a table")
            self.keys(spec, "node", ctx)
            name = self.string(spec, "name", ctx, required=True, pattern=_NAME, what="[a-z][a-z0-9_-]*")
            ctx = f"[[node]] '{name}'"
            if any(n.name == name for n in out):
                self.fail(ctx, f"a second node named '{name}'", name)
            for_each = self.string(spec, "for_each", ctx)
            row_columns = None
            if for_each is not None:
                self.lookup_ref(for_each, ctx, "for_each", lookups)
                row_columns = lookups[for_each.partition(".")[0]].table.columns
            each = self.string(spec, "each", ctx)
            if each and for_each:
                self.fail(ctx, "give for_each or each, not both", "each")
            separator = spec.get("separator")
            if separator is not None and (not isinstance(separator, str) or not separator):
                self.fail(ctx, "'separator' must be a non-empty string", "separator")
            if separator is not None and not each:
                self.fail(ctx, "'separator' goes with each", "separator")
            iri = self.template(self.string(spec, "iri", ctx, default="{id}"), ctx, "iri", prefixes,
                                row_columns=row_columns, iri=True)
            types = tuple(self.curie(t, ctx, "types", prefixes) for t in self.strings(spec, "types", ctx))
            types_lookup = tuple(self.lookup_ref(r, ctx, "types_lookup", lookups)
                                 for r in self.strings(spec, "types_lookup", ctx))
            when = self.string(spec, "when", ctx)
            if when is not None:
                self.lookup_ref(when, ctx, "when", lookups)
            coordinates = self.pair(spec["coordinates"], "coordinates", ctx) if "coordinates" in spec else None
            raw_props = spec.get("properties", [])
            if not isinstance(raw_props, list):
                self.fail(ctx, "'properties' must be a list of inline tables", "properties")
            props = tuple(self.prop(p, f"{ctx}, property {i}", prefixes, lookups, names, row_columns)
                          for i, p in enumerate(raw_props, 1))
            out.append(NodeSpec(name=name, iri=iri, types=types, types_lookup=types_lookup, when=when,
                                when_any=self.strings(spec, "when_any", ctx), properties=props, for_each=for_each,
                                each=each, separator=separator, coordinates=coordinates))
        return tuple(out)

    def prop(self, p: object, ctx: str, prefixes: dict, lookups: dict[str, LookupSpec], nodes: list[str],
             row_columns: list[str] | None) -> Prop:
        if not isinstance(p, dict):
            self.fail(ctx, f"must be an inline table {{ predicate = ..., field = ... }}, not {_show(p)}")
        self.keys(p, "property", ctx)
        predicate = self.string(p, "predicate", ctx)
        predicate_lookup = self.string(p, "predicate_lookup", ctx)
        if (predicate is None) == (predicate_lookup is None):
            self.fail(ctx, "needs predicate or predicate_lookup (one of them)")
        if predicate is not None:
            predicate = self.curie(predicate, ctx, "predicate", prefixes)
        if predicate_lookup is not None:
            self.lookup_ref(predicate_lookup, ctx, "predicate_lookup", lookups)
        sources = [s for s in VALUE_SOURCES if s in p and p[s] is not False]
        if len(sources) != 1:
            some = " and ".join(sources) if sources else "none"
            self.fail(ctx, f"needs exactly one value source ({', '.join(VALUE_SOURCES)}), has {some}")
        source = sources[0]
        kind = self.choice(p, "kind", ctx, KINDS, None)
        if kind is not None and source in ("node", "coordinate", "country", "territory"):
            self.fail(ctx, f"'kind' applies to field, template, constant and lookup values, not to {source}", "kind")
        kind = kind or "string"
        for key, needs in (("join", "field"), ("separator", "field"), ("lookup_field", "lookup"),
                           ("only_with", "lookup")):
            if key in p and source != needs:
                self.fail(ctx, f"'{key}' goes with {needs}", key)
        if "base" in p and kind != "url":
            self.fail(ctx, "'base' goes with kind = \"url\"", "base")
        if "language" in p and kind != "text":
            self.fail(ctx, "'language' goes with kind = \"text\"", "language")
        node = self.string(p, "node", ctx)
        if node is not None:
            if node not in nodes:
                self.fail(ctx, f"'node': no node '{node}'{suggest(node, nodes)}", node)
        coordinate = self.choice(p, "coordinate", ctx, ("lat", "long"), None)
        lookup = self.string(p, "lookup", ctx)
        if lookup is not None:
            lookup = self.lookup_ref(lookup, ctx, "lookup", lookups)
            lookup_field = self.string(p, "lookup_field", ctx)
            if lookup_field is not None:
                fields = lookups[lookup.partition(".")[0]].fields
                if lookup_field not in fields:
                    self.fail(ctx, f"'lookup_field' = '{lookup_field}' is not a field of lookup "
                              f"'{lookup.partition('.')[0]}'{suggest(lookup_field, fields)}", lookup_field)
        only_with = self.string(p, "only_with", ctx)
        if only_with is not None:
            self.lookup_ref(only_with, ctx, "only_with", lookups)
        template = self.string(p, "template", ctx)
        if template is not None:
            template = self.template(template, ctx, "template", prefixes, row_columns=row_columns, iri=False)
        for flag in ("country", "territory", "contact"):
            if flag in p:
                value = self.boolean(p, flag, ctx)
                if flag != "contact" and value is not True:
                    self.fail(ctx, f"'{flag}' takes true (or leave it out)", flag)
        language = self.string(p, "language", ctx, pattern=_LANGUAGE, what="a language tag")
        constant = self.string(p, "constant", ctx)
        if constant is not None:
            if kind in ("curie", "iri"):
                for one in constant.split():
                    self.curie(one, ctx, "constant", prefixes)
        base = self.string(p, "base", ctx)
        if base is not None and not re.match(r"https?://\S+$", base):
            self.fail(ctx, f"'base' = '{base}' is not an http(s) URL", "base")
        return Prop(predicate=predicate, predicate_lookup=predicate_lookup, field=self.strings(p, "field", ctx),
                    join=self.string(p, "join", ctx, blank=True), lookup=lookup,
                    lookup_field=p.get("lookup_field"), only_with=p.get("only_with"), coordinate=coordinate,
                    country=bool(p.get("country")), node=node, kind=kind, contact=bool(p.get("contact")),
                    base=base, constant=constant, template=template, territory=bool(p.get("territory")),
                    separator=self.string(p, "separator", ctx, blank=True), language=language)


def _show(value: object) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
