"""Import directories of SSE initiatives (CSV, TSV, JSON, GeoJSON) into solkg's vocabulary.

A *mapping* is a declarative TOML file of ``solkg/importer/mappings/`` (or any path): which source fields
become which nodes and properties; codes and tags go through versioned CSV lookup tables beside
it (``# version:`` header). Shipped mappings: ``susy`` (SUSY / SSEDAS GeoJSON, TransforMap tags)
and ``sse-standard`` (Digital Commons' SSE standard CSV, ESSGlobal classifications).

Every node made from a record carries ``prov:wasDerivedFrom`` the source file (IRI ``solg:`` +
its path, as the named graph of that file would be named) and ``sol:sourceLine``: the file's own
line number where the record starts (header = line 1) for CSV/TSV, the record or feature number
(first = 1) for JSON and GeoJSON. The import time lives only in the dataset description
(``SOURCE_DATE_EPOCH`` when set). IRIs are ``sold:<prefix>-<source identifier>`` (slugged; a
short hash is appended when slugging loses characters), or ``sold:<prefix>-h<hash of name and
coordinates>`` when a record has no identifier: the same record gets the same IRI on re-import.

E-mail addresses and telephone numbers (properties marked ``contact = true``) are imported only
when the mapping says ``contacts = true`` or the caller passes ``contacts=True``;
:func:`strip_contacts` removes contact properties from any quads or store.

>>> from pathlib import Path
>>> fixture = Path(__file__).parents[2] / "tests" / "fixtures" / "import" / "standard-small.csv"
>>> result = import_file(fixture, mapping="sse-standard")
>>> result.counts["imported"] > 0
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..findings import Finding, Report
from ..namespaces import PREFIXES, SOL, SOLD, SOLG, XSD
from ..checks.run import CheckOptions
from ..release.export import CONTACT_PROPERTIES, strip_contacts
from ..project import Project
from ..sources import display_path
from . import quality as q

__all__ = [
    "MAPPINGS_DIR",
    "CONTACT_PROPERTIES",
    "Mapping",
    "Record",
    "ImportResult",
    "list_mappings",
    "load_mapping",
    "read_records",
    "import_file",
    "check_import",
    "strip_contacts",
    "sort_findings",
]

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
"""The shipped mappings and lookup tables (package data)."""

PROV = PREFIXES["prov"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
SOURCE_LINE = ox.NamedNode(SOL + "sourceLine")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
ESS_STANDARD = "http://purl.org/essglobal/standard/"
IMPORT_DATASET = "https://w3id.org/solkg/dataset/import/"

"""Properties :func:`strip_contacts` removes (e-mail, telephone, fax in schema.org, FOAF, vCard)."""

_ESS_IRI = re.compile(r"^https?://[^\s]*?/standard/([a-z][a-z-]*)/([A-Za-z0-9_.-]+)/?$")
_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".geojson": "geojson"}


# ---------------------------------------------------------------------------------------------
# Mappings


@dataclass(frozen=True)
class Prop:
    """One property of a node template."""

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


@dataclass(frozen=True)
class NodeSpec:
    name: str
    iri: str
    types: tuple[str, ...]
    types_lookup: tuple[str, ...]
    when: str | None
    when_any: tuple[str, ...]
    properties: tuple[Prop, ...]
    for_each: str | None = None


@dataclass(frozen=True)
class LookupSpec:
    name: str
    fields: tuple[str, ...]
    separators: tuple[str, ...]
    table: q.Table
    key: str
    also_keys: tuple[str, ...]
    normalise: str
    enumerated: bool
    index: dict

    def find(self, value: str) -> dict | None:
        return self.index.get(_norm_key(value, self.normalise))


@dataclass(frozen=True)
class Mapping:
    """A loaded mapping: its settings, lookups (with their tables) and node templates."""

    name: str
    version: str
    title: str
    description: str
    format: str
    language: str
    id_prefix: str
    id_field: str | None
    name_field: str | None
    contacts: bool
    source_url: str | None
    prefixes: dict
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

    def expand(self, curie: str) -> str:
        """A full IRI from ``prefix:local`` (solkg's fixed prefixes plus the mapping's own)."""
        prefix, sep, local = curie.partition(":")
        ns = self.prefixes.get(prefix) if sep else None
        if ns is None:
            if curie.startswith(("http://", "https://")):
                return curie
            raise InputError(f"{self.path.name}: unknown prefix in '{curie}'")
        return ns + local

    def used_fields(self) -> list[str]:
        fields: list[str] = []
        for node in self.nodes:
            fields += node.when_any
            for prop in node.properties:
                fields += prop.field
        for lookup in self.lookups:
            fields += lookup.fields
        for pair in self.coordinate_pairs:
            fields += pair
        fields += [f for f in (self.id_field, self.name_field, self.country_field) if f]
        return list(dict.fromkeys(fields))


def list_mappings() -> list[tuple[str, str, str]]:
    """The shipped mappings: (name, version, title), sorted by name."""
    out = []
    for path in sorted(MAPPINGS_DIR.glob("*.toml")):
        head = _read_toml(path).get("mapping", {})
        out.append((head.get("name", path.stem), str(head.get("version", "")), head.get("title", "")))
    return out


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{display_path(path)}: no such mapping file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{display_path(path)}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise InputError(f"{display_path(path)}: cannot read: {exc.strerror or exc}") from None


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def load_mapping(mapping: str | Path) -> Mapping:
    """A shipped mapping by name (``susy``, ``sse-standard``) or a mapping file path.

    Lookup tables are read from the mapping file's folder. :class:`InputError` names what is wrong.
    """
    if isinstance(mapping, Path) or "/" in str(mapping) or str(mapping).endswith(".toml"):
        path = Path(mapping)
    else:
        path = MAPPINGS_DIR / f"{mapping}.toml"
        if not path.is_file():
            known = ", ".join(n for n, _, _ in list_mappings())
            raise InputError(f"--mapping: no shipped mapping '{mapping}' (known: {known}; or give a .toml file)")
    doc = _read_toml(path)
    where = display_path(path)
    head = doc.get("mapping")
    if not isinstance(head, dict) or "name" not in head or "version" not in head:
        raise InputError(f"{where}: a mapping needs a [mapping] table with name and version")
    fmt = head.get("format", "csv")
    if fmt not in ("csv", "tsv", "json", "geojson"):
        raise InputError(f"{where}: format must be csv|tsv|json|geojson, not '{fmt}'")
    folder = path.parent
    tables: dict[str, q.Table] = {}

    def table(name: str | None) -> q.Table | None:
        if not name:
            return None
        if name not in tables:
            tables[name] = q.read_table(folder / name)
        return tables[name]

    prefixes = dict(PREFIXES)
    prefixes.update(doc.get("prefixes", {}))
    lookups = []
    for spec in doc.get("lookup", []):
        try:
            tab = table(spec["table"])
            key, also = spec.get("key", "code"), _tuple(spec.get("also_key"))
            norm = spec.get("normalise", "exact")
            index: dict = {}
            for row in tab.rows:
                for column in (key, *also):
                    if row.get(column):
                        index.setdefault(_norm_key(row[column], norm), row)
            lookups.append(LookupSpec(name=spec["name"], fields=_tuple(spec["field"]),
                                      separators=_tuple(spec.get("separators", [";"])), table=tab, key=key,
                                      also_keys=also, normalise=norm, enumerated=bool(spec.get("enumerated")),
                                      index=index))
        except KeyError as exc:
            raise InputError(f"{where}: [[lookup]] needs {exc}") from None
    nodes = []
    for spec in doc.get("node", []):
        props = []
        for p in spec.get("properties", []):
            if not p.get("predicate") and not p.get("predicate_lookup"):
                raise InputError(f"{where}: node '{spec.get('name')}': a property needs predicate or predicate_lookup")
            props.append(Prop(predicate=p.get("predicate"), predicate_lookup=p.get("predicate_lookup"),
                              field=_tuple(p.get("field")), join=p.get("join"), lookup=p.get("lookup"),
                              lookup_field=p.get("lookup_field"), only_with=p.get("only_with"),
                              coordinate=p.get("coordinate"), country=bool(p.get("country")), node=p.get("node"),
                              kind=p.get("kind", "string"), contact=bool(p.get("contact")), base=p.get("base")))
        nodes.append(NodeSpec(name=spec["name"], iri=spec.get("iri", "{id}"), types=_tuple(spec.get("types")),
                              types_lookup=_tuple(spec.get("types_lookup")), when=spec.get("when"),
                              when_any=_tuple(spec.get("when_any")), properties=tuple(props),
                              for_each=spec.get("for_each")))
    coords = doc.get("coordinates", {})
    qual = doc.get("quality", {})
    countries = q.Countries(table(coords.get("country_names")), table(coords.get("country_boxes")),
                            float(coords.get("margin_degrees", 0.0)))
    prefix = head.get("id_prefix", head["name"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix):
        raise InputError(f"{where}: id_prefix must match [a-z0-9][a-z0-9-]*")
    return Mapping(
        name=head["name"], version=str(head["version"]), title=head.get("title", ""),
        description=head.get("description", ""), format=fmt, language=head.get("language", "en"),
        id_prefix=prefix, id_field=head.get("id_field"), name_field=head.get("name_field"),
        contacts=bool(head.get("contacts", False)), source_url=head.get("source_url"), prefixes=prefixes,
        coordinate_pairs=tuple(tuple(p) for p in coords.get("pairs", [])),
        country_field=coords.get("country_field"), countries=countries,
        duplicate_distance_m=float(coords.get("duplicate_distance_m", 100)),
        placeholders=q.Placeholders(table(qual.get("placeholders"))), expected=_tuple(qual.get("expected")),
        lookups=tuple(lookups), nodes=tuple(nodes), path=path, tables=tuple(tables.values()),
    )


def _norm_key(value: str, how: str) -> str:
    value = " ".join(value.split())
    if how == "lower":
        return value.casefold()
    if how == "essglobal":
        match = _ESS_IRI.match(value)
        if match:
            return f"{match.group(1)}/{match.group(2)}".casefold()
        return value.casefold()
    return value


# ---------------------------------------------------------------------------------------------
# Reading records


@dataclass
class Record:
    """One source record: its line (or feature number) and its fields as text."""

    line: int
    fields: dict[str, str]


def _detect(path: Path, mapping_format: str | None) -> str:
    name = path.name.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    fmt = _FORMATS.get(suffix)
    if fmt == "json" and mapping_format == "geojson":
        return "geojson"
    if fmt is None:
        if mapping_format:
            return mapping_format
        raise InputError(f"{display_path(path)}: unknown file extension (known: {', '.join(sorted(_FORMATS))})")
    return fmt


def _text(path: Path) -> str:
    from ..sources import read_bytes

    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{display_path(path)}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x})") from None


def read_records(path: Path, *, fmt: str) -> tuple[list[str], Iterator[Record]]:
    """The field names and the records of a file; CSV/TSV lines are the file's own line numbers."""
    text = _text(path)
    where = display_path(path)
    if not text.strip():
        raise InputError(f"{where}: file is empty")
    if fmt in ("csv", "tsv"):
        return _read_csv(text, "\t" if fmt == "tsv" else ",", where)
    try:
        doc = json.loads(text, parse_float=str, parse_int=str)
    except ValueError as exc:
        pos = f":{exc.lineno}:{exc.colno}" if hasattr(exc, "lineno") else ""
        raise InputError(f"{where}{pos}: invalid JSON: {getattr(exc, 'msg', exc)}") from None
    return _read_json(doc, fmt, where)


def _read_csv(text: str, delimiter: str, where: str) -> tuple[list[str], Iterator[Record]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(f"{where}:1: {exc}") from None
    if not any(header):
        raise InputError(f"{where}:1: empty header row")

    def rows() -> Iterator[Record]:
        previous = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"{where}:{previous + 1}: {exc}") from None
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            yield Record(start, {h: v for h, v in zip(header, row, strict=False) if h})

    return header, rows()


def _flat(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ";".join(value)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_json(doc, fmt: str, where: str) -> tuple[list[str], Iterator[Record]]:
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        items = doc.get("features")
        fmt = "geojson"
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        items = lists[0] if len(lists) == 1 else None
    else:
        items = None
    if not isinstance(items, list):
        raise InputError(f"{where}: JSON holds no list of records (want an array, or a GeoJSON FeatureCollection)")

    def records() -> Iterator[Record]:
        for number, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            if fmt == "geojson":
                fields = {k: v for k, v in ((k, _flat(v)) for k, v in (item.get("properties") or {}).items())
                          if v is not None}
                geometry = item.get("geometry") or {}
                coords = geometry.get("coordinates")
                if geometry.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
                    fields["@long"], fields["@lat"] = str(coords[0]), str(coords[1])
                if item.get("id") is not None:
                    fields.setdefault("@id", str(item["id"]))
            else:
                fields = {}
                for key, value in item.items():
                    if isinstance(value, dict):
                        for sub, inner in value.items():
                            flat = _flat(inner)
                            if flat is not None:
                                fields[f"{key}.{sub}"] = flat
                    else:
                        flat = _flat(value)
                        if flat is not None:
                            fields[key] = flat
            yield Record(number, fields)

    return [], records()


# ---------------------------------------------------------------------------------------------
# The result


@dataclass
class ImportResult:
    """What an import made: quads (one named graph), findings with ``file:line``, counts."""

    quads: list[ox.Quad]
    findings: list[Finding]
    counts: dict[str, int]
    graph: str
    """The named graph: ``solg:`` + the source path (also the source file's IRI)."""
    source: str
    """The source file as findings name it (relative to the current folder)."""
    mapping: Mapping
    unknown_codes: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """field → unknown code → lines where it occurs."""
    seconds: float = 0.0

    @property
    def report(self) -> Report:
        return Report(findings=sort_findings(self.findings))

    def store(self) -> ox.Store:
        """An in-memory store holding the quads."""
        store = ox.Store()
        store.extend(self.quads)
        return store

    def fails(self, fail_on: str = "violation") -> bool:
        return self.report.fails(fail_on)


# ---------------------------------------------------------------------------------------------
# The engine


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _id_slug(identifier: str) -> str:
    slug = _slug(identifier)
    if slug != identifier.strip().lower() or not slug:
        slug = (slug + "-" if slug else "") + hashlib.sha1(identifier.strip().encode()).hexdigest()[:8]
    return slug


_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class _Engine:
    def __init__(self, mapping: Mapping, *, source: str, graph: str, lang: str, contacts: bool):
        self.m = mapping
        self.source = source
        self.graph = ox.NamedNode(graph)
        self.file_iri = ox.NamedNode(graph)
        self.lang = lang
        self.contacts = contacts
        self.findings: list[Finding] = []
        self.quads: list[ox.Quad] = []
        self.counts = {"records": 0, "imported": 0, "not_imported": 0, "contacts_skipped": 0}
        for node in mapping.nodes:
            self.counts[f"nodes_{node.name}"] = 0
        self.unknown: dict[str, dict[str, list[int]]] = {}
        self.seen_ids: dict[str, str] = {}
        self.located: list[q.Located] = []
        self.used = set(mapping.used_fields())
        self.lookup_by_name = {lk.name: lk for lk in mapping.lookups}
        self._lit_cache: dict = {}
        self._iri_cache: dict[str, ox.NamedNode] = {}

    def iri(self, curie: str) -> ox.NamedNode:
        """A NamedNode from a CURIE or IRI, cached (predicates and classes repeat on every row)."""
        node = self._iri_cache.get(curie)
        if node is None:
            node = self._iri_cache[curie] = ox.NamedNode(self.m.expand(curie))
        return node

    def where(self, line: int) -> str:
        return f"{self.source}:{line}"

    def report(self, check: str, line: int, focus: str, **kw) -> None:
        self.findings.append(q.finding(check, source=self.source, line=line, focus=focus, lang=self.lang, **kw))

    def add(self, s, p, o) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

    # --- one record
    def record(self, rec: Record) -> None:
        m = self.m
        self.counts["records"] += 1
        values: dict[str, str] = {}
        for name, raw in rec.fields.items():
            if name not in self.used:
                continue
            value = raw.strip()
            if not value:
                continue
            values[name] = value
        identifier = values.get(m.id_field) if m.id_field else None
        name = values.get(m.name_field) if m.name_field else None
        # coordinates first: a hashed IRI needs them
        lat = long = None
        raw_pair = None
        for lat_field, long_field in m.coordinate_pairs:
            if lat_field in values or long_field in values:
                raw_pair = (lat_field, long_field, values.get(lat_field), values.get(long_field))
                break
        if identifier and identifier not in m.placeholders:
            slug = _id_slug(identifier)
        else:
            basis = "|".join([name or "", raw_pair[2] or "" if raw_pair else "", raw_pair[3] or "" if raw_pair else ""])
            slug = "h" + hashlib.sha1(basis.encode()).hexdigest()[:16]
        base = f"{m.id_prefix}-{slug}"
        focus = SOLD + base
        if base in self.seen_ids:
            self.report("import-duplicate-id", rec.line, focus, value=identifier or base, other=self.seen_ids[base])
            self.counts["not_imported"] += 1
            return
        self.seen_ids[base] = self.where(rec.line)
        # placeholders
        for fname in list(values):
            if values[fname] in m.placeholders:
                self.report("import-placeholder", rec.line, focus, value=values[fname], field=fname)
                del values[fname]
        for fname in m.expected:
            if fname not in values:
                self.report("import-missing-value", rec.line, focus, field=fname)
        if m.coordinate_pairs and raw_pair is None:
            self.report("import-missing-value", rec.line, focus, field="coordinates")
        if raw_pair:
            lat_field, long_field = raw_pair[0], raw_pair[1]
            lat_text, long_text = values.get(lat_field), values.get(long_field)
            if lat_text is not None and long_text is not None:
                lat_c, long_c = q.parse_decimal(lat_text), q.parse_decimal(long_text)
                if lat_c is None or long_c is None:
                    bad_field, bad = (lat_field, lat_text) if lat_c is None else (long_field, long_text)
                    self.report("import-invalid-value", rec.line, focus, value=bad, field=bad_field,
                                kind="decimal number")
                else:
                    lat, long = lat_c, long_c
        # country
        country_code = None
        country_text = values.get(m.country_field) if m.country_field else None
        if country_text:
            country_code = m.countries.code(country_text)
            if country_code is None:
                self.report("import-unknown-country", rec.line, focus, value=country_text, field=m.country_field,
                            table=m.countries.names_table.label if m.countries.names_table else "?")
                self.unknown.setdefault(m.country_field, {}).setdefault(country_text, []).append(rec.line)
        if lat is not None:
            flat, flong = float(lat), float(long)
            problem, keep = q.check_coordinates(flat, flong, country=country_code, countries=m.countries)
            if problem == "import-country-bounds":
                self.report(problem, rec.line, focus, lat=lat, long=long, field=m.country_field,
                            country=f"{m.countries.name(country_code)} ({country_code})")
            elif problem == "import-invalid-value":
                self.report(problem, rec.line, focus, value=f"{lat} {long}", field="coordinates",
                            kind="WGS84 coordinate pair")
            elif problem == "import-placeholder":
                self.report(problem, rec.line, focus, value=f"{lat} {long}", field="coordinates")
            elif problem:
                self.report(problem, rec.line, focus, lat=lat, long=long)
            if not keep:
                lat = long = None
            elif name:
                self.located.append(q.Located(rec.line, self.source, focus, name, flat, flong))
        # lookups: name -> list of (field, row)
        found: dict[str, list[tuple[str, dict]]] = {}
        for lk in m.lookups:
            rows = found.setdefault(lk.name, [])
            for fname in lk.fields:
                text = values.get(fname)
                if not text:
                    continue
                for part in _split(text, lk.separators):
                    row = lk.find(part)
                    if row is None:
                        if lk.enumerated:
                            self.report("import-unknown-code", rec.line, focus, value=part, field=fname,
                                        table=lk.table.label)
                            self.unknown.setdefault(fname, {}).setdefault(part, []).append(rec.line)
                        continue
                    if all(row is not r for _, r in rows):
                        rows.append((fname, row))
        # nodes: one per spec, or one per matching lookup row with for_each
        instances: list[tuple[NodeSpec, ox.NamedNode, dict]] = []
        iris: dict[str, list[ox.NamedNode]] = {}
        for spec in m.nodes:
            if spec.when_any and not any(f in values for f in spec.when_any):
                continue
            if spec.for_each:
                lk_name, _, column = spec.for_each.partition(".")
                for fname, row in found.get(lk_name, []):
                    if not row.get(column):
                        continue
                    scoped = dict(found)
                    scoped[lk_name] = [(fname, row)]
                    iri = re.sub(r"\{row\.([A-Za-z0-9_]+)\}", lambda mt, r=row: _slug(r.get(mt.group(1), "")),
                                 spec.iri)
                    subject = ox.NamedNode(SOLD + iri.replace("{id}", base))
                    if all(subject != other for _, other, _ in instances):
                        instances.append((spec, subject, scoped))
                        iris.setdefault(spec.name, []).append(subject)
                continue
            if spec.when and not self._lookup_values(found, spec.when):
                continue
            subject = ox.NamedNode(SOLD + spec.iri.replace("{id}", base))
            instances.append((spec, subject, found))
            iris.setdefault(spec.name, []).append(subject)
        for spec, subject, scoped in instances:
            self.counts[f"nodes_{spec.name}"] += 1
            for t in spec.types:
                self.add(subject, RDF_TYPE, self.iri(t))
            for ref in spec.types_lookup:
                for t in self._lookup_values(scoped, ref):
                    for one in t.split():
                        self.add(subject, RDF_TYPE, self.iri(one))
            for prop in spec.properties:
                self._property(subject, prop, rec, focus, values, scoped, iris, lat, long, country_code, country_text)
            self.add(subject, DERIVED_FROM, self.file_iri)
            self.add(subject, SOURCE_LINE, self._literal(str(rec.line), XSD + "integer"))
        self.counts["imported"] += 1

    def _lookup_values(self, found, ref: str, *, only_field: str | None = None, only_with: str | None = None
                       ) -> list[str]:
        name, _, column = ref.partition(".")
        if name not in self.lookup_by_name:
            raise InputError(f"{self.m.path.name}: unknown lookup '{name}' in '{ref}'")
        out = []
        with_column = only_with.partition(".")[2] if only_with else None
        for fname, row in found.get(name, []):
            if only_field and fname != only_field:
                continue
            if with_column and not row.get(with_column):
                continue
            value = row.get(column, "")
            if value and value not in out:
                out.append(value)
        return out

    def _literal(self, value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
        key = (value, datatype, language)
        lit = self._lit_cache.get(key)
        if lit is None:
            if language:
                lit = ox.Literal(value, language=language)
            elif datatype:
                lit = ox.Literal(value, datatype=ox.NamedNode(datatype))
            else:
                lit = ox.Literal(value)
            if len(self._lit_cache) < 50000:
                self._lit_cache[key] = lit
        return lit

    def _property(self, subject, prop: Prop, rec: Record, focus: str, values, found, iris, lat, long,
                  country_code, country_text) -> None:
        if prop.contact and not self.contacts:
            if any(f in values for f in prop.field):
                self.counts["contacts_skipped"] += 1
            return
        if prop.predicate_lookup:
            predicates = [self.iri(p) for p in self._lookup_values(found, prop.predicate_lookup)]
        else:
            predicates = [self.iri(prop.predicate)]
        objects: list = []
        if prop.node:
            objects += iris.get(prop.node, [])
        elif prop.coordinate:
            value = lat if prop.coordinate == "lat" else long
            if value is not None:
                objects.append(self._literal(value, XSD + "decimal"))
        elif prop.country:
            if country_code or country_text:
                objects.append(self._literal(country_code or country_text))
        elif prop.lookup:
            for value in self._lookup_values(found, prop.lookup, only_field=prop.lookup_field,
                                             only_with=prop.only_with):
                objects += self._convert(value, prop, rec, focus, "lookup")
        else:
            present = [(f, values[f]) for f in prop.field if f in values]
            if prop.join is not None and present:
                present = [(present[0][0], prop.join.join(v for _, v in present))]
            for fname, value in present[:1]:
                objects += self._convert(value, prop, rec, focus, fname)
        for p in predicates:
            for o in objects:
                self.add(subject, p, o)

    def _convert(self, value: str, prop: Prop, rec: Record, focus: str, fname: str) -> list:
        kind = prop.kind
        if kind == "text":
            return [self._literal(value, language=self.m.language)]
        if kind == "string":
            return [self._literal(value)]
        if kind == "curie":
            return [self.iri(v) for v in value.split()]
        if kind == "essglobal":
            return [self.iri(ESS_STANDARD + value)]
        if kind in ("nonNegativeInteger", "integer"):
            if re.fullmatch(r"[+-]?\d+", value) and (kind == "integer" or int(value) >= 0):
                return [self._literal(str(int(value)), XSD + kind)]
            self.report("import-invalid-value", rec.line, focus, value=value, field=fname, kind=kind)
            return []
        if kind == "url":
            url = _url(value, prop.base)
            if url is None:
                self.report("import-invalid-value", rec.line, focus, value=value, field=fname, kind="URL")
                return []
            return [ox.NamedNode(url)]
        if kind == "email":
            text = value.removeprefix("mailto:").strip()
            if not _EMAIL.match(text):
                self.report("import-invalid-value", rec.line, focus, value=value, field=fname, kind="e-mail address")
                return []
            return [self._literal(text)]
        if kind == "none":
            return []
        raise InputError(f"{self.m.path.name}: unknown property kind '{kind}'")

    def finish(self) -> None:
        self.findings += q.find_duplicates(self.located, within_m=self.m.duplicate_distance_m, lang=self.lang)


def _split(text: str, separators: Sequence[str]) -> list[str]:
    parts = [text]
    for sep in separators:
        parts = [piece for part in parts for piece in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


_URL_OK = re.compile(r"^https?://[^\s/$.?#][^\s<>\"{}|\\^`]*$", re.I)


def _url(value: str, base: str | None) -> str | None:
    text = value.strip()
    if base and not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        handle = text.lstrip("@").strip("/")
        if not handle or re.search(r"[\s<>\"]", handle):
            return None
        if re.match(r"^(www\.)?[a-z0-9.-]+\.[a-z]{2,}/", handle, re.I):
            text = "https://" + handle
        else:
            text = base + handle
    elif re.match(r"^www\.", text, re.I) or re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/.*)?$", text, re.I):
        text = "http://" + text
    if not _URL_OK.match(text):
        return None
    try:
        ox.NamedNode(text)
    except ValueError:
        return None
    return text


# ---------------------------------------------------------------------------------------------
# Entry points


def _relative(path: Path) -> str:
    shown = display_path(path)
    return shown if not Path(shown).is_absolute() else path.name


def import_file(
    path: str | Path,
    *,
    mapping: str | Path | Mapping,
    lang: str = "en",
    contacts: bool | None = None,
    input_format: str | None = None,
    describe: bool = True,
) -> ImportResult:
    """Import one file with a mapping; bad rows are reported, good rows imported.

    ``mapping``: a shipped name, a mapping file, or a loaded :class:`Mapping`. ``contacts``:
    import e-mail and telephone (default: as the mapping says). ``describe``: add the dataset
    description (source file, sha256, import time from ``SOURCE_DATE_EPOCH`` or now).

    >>> from pathlib import Path
    >>> csv = Path(__file__).parents[2] / "tests" / "fixtures" / "import" / "standard-small.csv"
    >>> r = import_file(csv, mapping="sse-standard")
    >>> "imported" in r.counts
    True
    """
    started = time.perf_counter()
    if lang not in ("en", "fr"):
        raise InputError("--lang: choose en|fr")
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{display_path(path)}: is a folder, not a file")
    m = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    fmt = input_format or _detect(path, m.format)
    rel = _relative(path.resolve())
    graph = SOLG + rel
    engine = _Engine(m, source=rel, graph=graph, lang=lang, contacts=m.contacts if contacts is None else contacts)
    _, records = read_records(path, fmt=fmt)
    for rec in records:
        engine.record(rec)
    engine.finish()
    if engine.counts["records"] == 0:
        raise InputError(f"{display_path(path)}: holds no record")
    counts = dict(engine.counts)
    counts["data_triples"] = len(engine.quads)
    if describe:
        engine.quads += _describe(path, rel, graph, m, counts)
    counts["triples"] = len(engine.quads)
    return ImportResult(quads=engine.quads, findings=engine.findings, counts=counts, graph=graph, source=rel,
                        mapping=m, unknown_codes=engine.unknown, seconds=time.perf_counter() - started)


def _describe(path: Path, rel: str, graph: str, m: Mapping, counts: dict) -> list[ox.Quad]:
    """The dataset description: the only place with the import time."""
    from ..files import build_time

    p = PREFIXES
    N, L = ox.NamedNode, ox.Literal
    g = N(graph)
    ds = N(IMPORT_DATASET + rel)
    source = N(graph)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    checksum = ox.BlankNode("sha256-" + hashlib.sha256(graph.encode()).hexdigest()[:12])
    when = build_time().strftime("%Y-%m-%dT%H:%M:%SZ")
    triples = [
        (ds, RDF_TYPE, N(p["void"] + "Dataset")),
        (ds, RDF_TYPE, N(PROV + "Entity")),
        (ds, N(p["dcterms"] + "title"), L(f"{rel} imported with the solkg mapping {m.name} {m.version}",
                                          language="en")),
        (ds, N(p["dcterms"] + "title"), L(f"{rel} importé avec la correspondance solkg {m.name} {m.version}",
                                          language="fr")),
        (ds, DERIVED_FROM, source),
        (ds, N(PROV + "generatedAtTime"), L(when, datatype=N(XSD + "dateTime"))),
        (ds, N(p["void"] + "triples"), L(str(counts["data_triples"]), datatype=N(XSD + "integer"))),
        (ds, N(p["dcterms"] + "conformsTo"), N(f"https://w3id.org/solkg/mapping/{m.name}/{m.version}")),
        (source, RDF_TYPE, N(PROV + "Entity")),
        (source, N(p["dcterms"] + "title"), L(rel)),
        (source, N(p["spdx"] + "checksum"), checksum),
        (checksum, N(p["spdx"] + "algorithm"), N(p["spdx"] + "checksumAlgorithm_sha256")),
        (checksum, N(p["spdx"] + "checksumValue"), L(digest)),
    ]
    if m.source_url:
        triples.append((source, N(p["dcterms"] + "source"), N(m.source_url)))
    for table in m.tables:
        triples.append((ds, N(p["dcterms"] + "requires"),
                        N(f"https://w3id.org/solkg/mapping/{m.name}/{m.version}/{table.name}/{table.version}")))
    return [ox.Quad(s, pr, o, g) for s, pr, o in triples]


def check_import(result: ImportResult, *, options: CheckOptions | None = None) -> Report:
    """The import's findings plus ``solkg check`` (SHACL, SPARQL checks) on its data, with the
    project's ontology and shapes; findings name the file and line. (Ill-typed literals cannot
    occur: the importer writes only well-formed ones.)"""
    project = Project()
    store = project.vocabulary()
    store.extend(result.quads)
    report = project.check_data(store, [result.graph], options=options, paths={result.graph: result.source},
                                literals=[])
    return Report.merge(result.findings, report)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, then line and record number, then the rest (:meth:`Finding.sort_key`)."""
    return sorted(findings, key=Finding.sort_key)
