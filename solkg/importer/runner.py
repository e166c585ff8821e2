"""The runner: a mapping applied to the records of a file, giving quads, findings and counts.

Each record is imported, or reported by a finding that says why not and counted in "imported N of
M"; nothing the file holds is left out without a finding (unused fields are listed once).
Records that name the same node (an IRI template over a farm's name) share it: one node, made by
the first record, that later records add to.

>>> from pathlib import Path
>>> fixture = Path(__file__).parents[2] / "tests" / "fixtures" / "import" / "standard-small.csv"
>>> result = import_file(fixture, mapping="sse-standard")
>>> result.counts["imported"], result.counts["records"]
(9, 9)
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..checks.run import CheckOptions
from ..errors import InputError
from ..findings import Finding, Report
from ..namespaces import PREFIXES, SOL, SOLD, SOLG, XSD
from ..project import Project
from ..sources import display_path
from . import convert
from . import quality as q
from .mapping import Mapping, NodeSpec, Prop, _resolvable, load_mapping
from .readers import Record, Source, detect_format, field_values, read_records

__all__ = ["ImportResult", "import_file", "check_import", "sort_findings", "territory_country"]

PROV = PREFIXES["prov"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
SOURCE_LINE = ox.NamedNode(SOL + "sourceLine")
SOURCE_RECORD = ox.NamedNode(SOL + "sourceRecord")
COUNTRY_CODE = ox.NamedNode(SOL + "countryCode")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
ESS_STANDARD = "http://purl.org/essglobal/standard/"
IMPORT_DATASET = "https://w3id.org/solkg/dataset/import/"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_CONSEQUENCE = {
    "id": {"en": ": records are named by hashes of their name and coordinates",
           "fr": " : les enregistrements sont nommés par des hachages de leur nom et de leurs coordonnées"},
    "node": {"en": ": no {node} node is made", "fr": " : aucun nœud {node} n'est créé"},
    "required": {"en": "", "fr": ""},
}


# ---------------------------------------------------------------------------------------------
# The result


@dataclass
class ImportResult:
    """What an import made: quads (one named graph), findings with ``file:line`` (or record), counts."""

    quads: list[ox.Quad]
    findings: list[Finding]
    counts: dict[str, int]
    graph: str
    """The named graph: ``solg:`` + the source path (also the source file's IRI)."""
    source: str
    """The source file as findings name it (relative to the current folder)."""
    mapping: Mapping
    unknown_codes: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """field → unknown code → lines (or record numbers) where it occurs."""
    seconds: float = 0.0
    dialect: dict[str, str | None] = field(default_factory=dict)
    """How the file was read: ``format``, ``encoding``, ``delimiter`` (CSV)."""
    unused_fields: dict[str, int] = field(default_factory=dict)
    """Fields the mapping does not read → records where they hold a value."""

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
# Territories


@functools.lru_cache(maxsize=64)
def _territory(iri: str) -> tuple[tuple[ox.Quad, ...], tuple[str, ...]]:
    """What the project's data says of a territory (its quads, in their graphs) and its country codes."""
    from ..store.load import load_sources

    store = load_sources(Project().sources(kinds=("data",)))
    quads = tuple(sorted(store.quads_for_pattern(ox.NamedNode(iri), None, None), key=str))
    codes = {q.object.value.strip().upper() for q in quads
             if q.predicate == COUNTRY_CODE and not isinstance(q.object, ox.Triple)}
    return quads, tuple(sorted(codes))


def territory_country(iri: str) -> tuple[str, ...]:
    """The ISO codes (``sol:countryCode``) the project's data gives a territory, e.g. ``("FR",)``
    for ``sold:france``; empty when it gives none.

    >>> territory_country("https://w3id.org/solkg/id/france")
    ('FR',)
    """
    return _territory(iri)[1]


# ---------------------------------------------------------------------------------------------
# The run


@dataclass
class _Point:
    lat: str
    long: str
    where: str


class _Run:
    """Applies a mapping to one file's records."""

    def __init__(self, mapping: Mapping, source: Source, *, rel: str, graph: str, lang: str, contacts: bool,
                 country: str | None, territory: str | None) -> None:
        m = self.m = mapping
        self.src = source
        self.source = rel
        self.graph = ox.NamedNode(graph)
        self.file_iri = ox.NamedNode(graph)
        self.lang = lang
        self.contacts = contacts
        self.findings: list[Finding] = []
        self.quads: list[ox.Quad] = []
        self.counts = {"records": 0, "imported": 0, "not_imported": 0, "contacts_skipped": 0}
        for node in m.nodes:
            self.counts[f"nodes_{node.name}"] = 0
        self.unknown: dict[str, dict[str, list[int]]] = {}
        self.seen_ids: dict[str, tuple[int | None, int]] = {}
        self.wholes: dict[str, tuple[int | None, int]] = {}
        self.located: list[q.Located] = []
        self.used = set(m.used_fields())
        self.keep = self.used | {u[:i] for u in self.used for i, c in enumerate(u) if c == "."}
        self.unused: dict[str, int] = {}
        self.ignored = set(m.ignore)
        self.lookup_by_name = {lk.name: lk for lk in m.lookups}
        self._lit_cache: dict = {}
        self._iri_cache: dict[str, ox.NamedNode] = {}
        self.shared: dict[ox.NamedNode, set] = {}
        self.points: dict[ox.NamedNode, _Point] = {}
        self.territory = territory
        self.country, self.country_from = self._default_country(country, territory)
        self.missing_columns: set[str] = set()
        self._hash_clashed: set[str] = set()
        self._file_fields: set[str] = set()
        self._dead_lookups: set[str] = set()
        """Lookups none of whose fields the file has: skipped for every record."""
        self._numbered = source.fmt in ("json", "geojson")
        self.identity_used = any(not node.shared for node in m.nodes)
        self._template_names: dict[str, list[str]] = {}
        self._plans: dict[str, tuple[tuple[Prop, str | None, str | None], ...]] = {}
        """Per node: its properties, each with its one plain field and its lookup (skipped at once
        when the record gives nothing there)."""
        """Whether a node's IRI is the record's own ({id}): only then must records have distinct ones."""

    def _default_country(self, country: str | None, territory: str | None) -> tuple[str | None, str | None]:
        m = self.m
        if country:
            return country, q.COUNTRY_FROM["run"][self.lang]
        if territory and territory != m.territory:
            codes = territory_country(territory)
            if len(codes) == 1:
                return codes[0], q.COUNTRY_FROM["territory"][self.lang].format(where=_short(territory))
        if m.country:
            return m.country, q.COUNTRY_FROM["mapping"][self.lang]
        if m.territory:
            codes = territory_country(m.territory)
            if len(codes) == 1:
                return codes[0], q.COUNTRY_FROM["territory"][self.lang].format(where=_short(m.territory))
        return None, None

    # --- helpers
    def iri(self, curie: str) -> ox.NamedNode:
        """A NamedNode from a CURIE or IRI, cached (predicates and classes repeat on every row)."""
        node = self._iri_cache.get(curie)
        if node is None:
            node = self._iri_cache[curie] = ox.NamedNode(self.m.expand(curie))
        return node

    def where(self, rec: Record) -> str:
        return self._place((rec.line, rec.number))

    def _place(self, at: tuple[int | None, int]) -> str:
        """``file:line``, or ``file record N (line L)`` for JSON, of a (line, number) pair."""
        return q.place(self.source, at[0], at[1] if self._numbered else None, self.lang)


    def report(self, check: str, rec: Record | None, focus: str, **kw) -> None:
        line = rec.line if rec is not None else None
        record = rec.number if rec is not None and self._numbered else None
        self.findings.append(q.finding(check, source=self.source, line=line, record=record, focus=focus,
                                       lang=self.lang, **kw))

    def file_finding(self, check: str, **kw) -> None:
        line = self.src.header_line if check not in ("import-empty-rows", "import-dialect") else None
        self.findings.append(q.finding(check, source=self.source, line=line, focus=self.file_iri.value,
                                       lang=self.lang, **kw))

    def add(self, s, p, o) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

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

    # --- the file's columns
    def start(self) -> None:
        """Check the file's fields against the mapping; report the file-level notes of the reader."""
        m = self.m
        self._file_fields = set(self.src.fields)
        self._dead_lookups = {lk.name for lk in m.lookups
                              if not any(_resolvable(f, self._file_fields) for f in lk.fields)}
        missing = m.check_fields(self.src.fields, source=self.source)
        required = m.required_fields()
        for name in missing:
            why = required.get(name)
            if why is None:
                continue
            self.missing_columns.add(name)
            kind, _, node = why.partition(":")
            consequence = _CONSEQUENCE[kind][self.lang].format(node=node)
            self.file_finding("import-missing-column", field=_quote(name), consequence=consequence)
        lacking = set(missing) - self.missing_columns
        absent = [" or ".join(g) for g in m.field_groups() if set(g) <= lacking and not set(g) & self.missing_columns]
        if absent:
            self.file_finding("import-absent-columns", count=len(absent), fields="; ".join(absent))

    def finish(self) -> None:
        for check, kw in self.src.notes:
            self.file_finding(check, **kw)
        self.findings += q.find_duplicates(self.located, within_m=self.m.duplicate_distance_m, lang=self.lang)
        unused = {k: v for k, v in self.unused.items() if k not in self.ignored}
        if unused:
            ordered = sorted(unused.items(), key=lambda kv: (-kv[1], kv[0]))
            shown = ", ".join(f"{name} ({count})" for name, count in ordered[:30])
            if len(ordered) > 30:
                shown += f" ... and {len(ordered) - 30} more"
            self.file_finding("import-unused-field", count=len(ordered), fields=shown)

    # --- one record
    def record(self, rec: Record) -> None:
        self.counts["records"] += 1
        if rec.problem is not None:
            self.report("import-not-a-record", rec, self.file_iri.value, value=f"#{rec.number}", kind=rec.problem)
            self.counts["not_imported"] += 1
            return
        values = self._values(rec)
        base, focus = self._identify(rec, values)
        if base is None:
            self.counts["not_imported"] += 1
            return
        for check, kw in rec.notes:
            self.report(check, rec, focus, **kw)
        self._screen(rec, values, focus)
        country, country_text, country_from = self._country(rec, values, focus)
        point = self._record_point(rec, values, focus, country, country_from)
        if point is not None and self.m.name_field and base not in self._hash_clashed:
            name = _first(values, self.m.name_field)
            if name:
                self.located.append(q.Located(rec.line, self.source, focus, name, float(point.lat),
                                              float(point.long), rec.number if self._numbered else None))
        found = self._lookups(rec, values, focus)
        instances, iris = self._instances(rec, values, found, base)
        for spec, subject, scoped, scoped_values in instances:
            self._emit(rec, spec, subject, scoped, scoped_values, iris, point, country, country_text, country_from)
        self.counts["imported"] += 1

    def _values(self, rec: Record) -> dict:
        """The fields the mapping reads, stripped, empty ones left out; the others counted as unused."""
        values: dict = {}
        keep, used = self.keep, self.used
        for name, raw in rec.fields.items():
            if isinstance(raw, str):
                value = raw.strip()
                if name in keep:
                    if value:
                        values[name] = value
                elif value:
                    self.unused[name] = self.unused.get(name, 0) + 1
                continue
            if name in keep:
                values[name] = raw
            if name not in used:
                for leaf in _leaves(name, raw):
                    if leaf not in used:
                        self.unused[leaf] = self.unused.get(leaf, 0) + 1
        return values

    def _identify(self, rec: Record, values: dict) -> tuple[str | None, str]:
        """The record's ``{id}`` (``<prefix>-<identifier>``, or a hash) and its focus IRI; a clash with
        an earlier record gives a hash of the whole record, a repeat of one gives None."""
        m = self.m
        identifier = _first(values, m.id_field) if m.id_field else None
        if identifier and identifier in m.placeholders:
            identifier = None
        if identifier:
            base = f"{m.id_prefix}-{convert.id_slug(identifier)}"
        else:
            name = _first(values, m.name_field) if m.name_field else None
            pair = next((p for p in m.coordinate_pairs if any(f in values for f in p)), None)
            basis = "|".join([name or "", *(_first(values, f) or "" for f in (pair or ("", "")))])
            base = f"{m.id_prefix}-h{convert.text_hash(basis)[:16]}"
        whole = convert.record_hash(rec.fields)[:16]
        place = (rec.line, rec.number)
        if whole in self.wholes:
            self.report("import-repeated-record", rec, SOLD + base, other=self._place(self.wholes[whole]))
            return None, SOLD + base
        self.wholes[whole] = place
        if base not in self.seen_ids or not self.identity_used:
            self.seen_ids[base] = place
            return base, SOLD + base
        first = self._place(self.seen_ids[base])
        renamed = f"{base}-h{whole}" if identifier else f"{m.id_prefix}-h{whole}"
        self.seen_ids[renamed] = place
        iri = "sold:" + renamed
        if identifier:
            self.report("import-duplicate-id", rec, SOLD + renamed, value=identifier, other=first, iri=iri)
        else:
            self._hash_clashed.add(renamed)
            self.report("import-hash-clash", rec, SOLD + renamed, other=first, iri=iri)
        return renamed, SOLD + renamed

    def _screen(self, rec: Record, values: dict, focus: str) -> None:
        """Placeholders out; expected and required fields that are empty reported."""
        m = self.m
        for name in list(values):
            value = values[name]
            if isinstance(value, str) and value in m.placeholders:
                self.report("import-placeholder", rec, focus, value=value, field=name)
                del values[name]
        for name in m.expected:
            if not _has(values, name) and name not in self.missing_columns:
                self.report("import-missing-value", rec, focus, field=name)
        for name in m.required:
            if not _has(values, name) and name not in self.missing_columns:
                self.report("import-required-value", rec, focus, field=name)
        if m.coordinate_pairs:
            for pair in m.coordinate_pairs:
                if pair[0] in values or pair[1] in values or _has(values, pair[0]) or _has(values, pair[1]):
                    break
            else:
                self.report("import-missing-value", rec, focus, field="coordinates")

    def _country(self, rec: Record, values: dict, focus: str) -> tuple[str | None, str | None, str | None]:
        """The record's country code (column, else run, mapping or territory), the column's text,
        and where the code came from (for messages)."""
        m = self.m
        text = _first(values, m.country_field) if m.country_field else None
        if text and m.country_field:
            code = m.countries.code(text)
            if code is not None:
                return code, text, q.COUNTRY_FROM["column"][self.lang].format(where=m.country_field)
            table = m.countries.names_table.label if m.countries.names_table else "?"
            self.report("import-unknown-country", rec, focus, value=text, field=m.country_field, table=table)
            self.unknown.setdefault(m.country_field, {}).setdefault(text, []).append(self._at(rec))
        return self.country, text, self.country_from

    def _at(self, rec: Record) -> int:
        """The record's number (JSON), else its line (CSV: every record has one)."""
        return rec.number if self._numbered or rec.line is None else rec.line

    def _point(self, rec: Record, values: dict, pair: tuple[str, str], focus: str, country: str | None,
               country_from: str | None) -> _Point | None:
        """A checked coordinate pair from two fields, or None (reported when present but unusable)."""
        m = self.m
        lat_field, long_field = pair
        lat_text, long_text = _first(values, lat_field), _first(values, long_field)
        if lat_text is None or long_text is None:
            if lat_text is not None or long_text is not None:
                self.report("import-invalid-value", rec, focus, value=lat_text or long_text,
                            field=lat_field if lat_text else long_field,
                            kind="coordinate pair (its other half is empty)")
            return None
        lat, long = q.parse_decimal(_decimal_comma(lat_text)), q.parse_decimal(_decimal_comma(long_text))
        if lat is None or long is None:
            bad_field, bad = (lat_field, lat_text) if lat is None else (long_field, long_text)
            self.report("import-invalid-value", rec, focus, value=bad, field=bad_field, kind="decimal number")
            return None
        problem, keep = q.check_coordinates(float(lat), float(long), country=country, countries=m.countries)
        if problem == "import-country-bounds" and country is not None:  # only said of a known country
            self.report(problem, rec, focus, lat=lat, long=long, field=country_from,
                        country=f"{m.countries.name(country)} ({country})")
        elif problem == "import-invalid-value":
            self.report(problem, rec, focus, value=f"{lat} {long}", field="coordinates", kind="WGS84 coordinate pair")
        elif problem == "import-placeholder":
            self.report(problem, rec, focus, value=f"{lat} {long}", field="coordinates")
        elif problem:
            self.report(problem, rec, focus, lat=lat, long=long)
        return _Point(lat, long, self.where(rec)) if keep else None

    def _record_point(self, rec, values, focus, country, country_from) -> _Point | None:
        for pair in self.m.coordinate_pairs:
            if any(f in values for f in pair):
                return self._point(rec, values, pair, focus, country, country_from)
        return None

    def _lookups(self, rec: Record, values: dict, focus: str) -> dict[str, list[tuple[str, dict]]]:
        """Lookup name → (field, table row) of each value found."""
        found: dict[str, list[tuple[str, dict]]] = {}
        for lk in self.m.lookups:
            rows = found.setdefault(lk.name, [])
            if lk.name in self._dead_lookups:
                continue
            for fname in lk.fields:
                for text in _texts(values, fname):
                    for part in convert.split(text, lk.separators):
                        row = lk.find(part)
                        if row is None:
                            if lk.enumerated:
                                self.report("import-unknown-code", rec, focus, value=part, field=fname,
                                            table=lk.table.label)
                                self.unknown.setdefault(fname, {}).setdefault(part, []).append(self._at(rec))
                            continue
                        if all(row is not r for _, r in rows):
                            rows.append((fname, row))
        return found

    def _lookup_values(self, found, ref: str, *, only_field: str | None = None, only_with: str | None = None
                       ) -> list[str]:
        name, _, column = ref.partition(".")
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

    # --- nodes
    def _instances(self, rec: Record, values: dict, found: dict, base: str) -> tuple[list, dict]:
        """The nodes this record makes: (spec, IRI, lookups in scope, values in scope), and node name → IRIs."""
        instances: list = []
        iris: dict[str, list[ox.NamedNode]] = {}

        def make(spec: NodeSpec, subject: ox.NamedNode, scoped: dict, scoped_values: dict) -> None:
            if all(subject != other for _, other, _, _ in instances):
                instances.append((spec, subject, scoped, scoped_values))
                iris.setdefault(spec.name, []).append(subject)

        for spec in self.m.nodes:
            if spec.when_any and not any(_has(values, f) for f in spec.when_any):
                continue
            if spec.for_each:
                lk_name, _, column = spec.for_each.partition(".")
                for fname, row in found.get(lk_name, []):
                    if not row.get(column):
                        continue
                    scoped = dict(found)
                    scoped[lk_name] = [(fname, row)]
                    for subject in self._subjects(spec, values, base, row, rec):
                        make(spec, subject, scoped, values)
                continue
            if spec.when and not self._lookup_values(found, spec.when):
                continue
            for scoped_values in self._each(spec, values):
                for subject in self._subjects(spec, scoped_values, base, None, rec):
                    make(spec, subject, found, scoped_values)
        return instances, iris

    def _each(self, spec: NodeSpec, values: dict) -> Iterable[dict]:
        """The values in scope of each node of ``spec``: the record's, or one per item of ``each``."""
        if not spec.each:
            yield values
            return
        raw = values.get(spec.each)
        if raw is None:
            texts = field_values(values, spec.each)
            items: list = texts
        elif isinstance(raw, str):
            items = convert.split(raw, [spec.separator]) if spec.separator else [raw]
        else:
            items = [i for i in raw if not isinstance(i, str) or i.strip()]
            if spec.separator:
                items = [p for i in items for p in (convert.split(i, [spec.separator]) if isinstance(i, str)
                                                    else [i])]
        for item in items:
            scoped = dict(values)
            scoped.pop(spec.each, None)
            if isinstance(item, dict):
                for key, value in item.items():
                    scoped[f"{spec.each}.{key}"] = value.strip() if isinstance(value, str) else value
            else:
                scoped[spec.each] = item.strip()
            yield scoped

    def _subjects(self, spec: NodeSpec, values: dict, base: str, row: dict | None, rec: Record
                  ) -> list[ox.NamedNode]:
        """The IRIs of a node: its template filled in (one IRI per combination of listed values)."""
        choices: list[list[str]] = []
        names: list[str] = []
        names_of = self._template_names.get(spec.name)
        if names_of is None:
            names_of = self._template_names[spec.name] = list(dict.fromkeys(_PLACEHOLDER.findall(spec.iri)))
        if names_of == ["id"]:  # the usual case: the record's own node
            return [ox.NamedNode(spec.iri.replace("{id}", base))]
        for name in names_of:
            if name == "id":
                options = [base]
            elif name.startswith("row."):
                options = [convert.slug(row.get(name[4:], ""))] if row is not None else []
            else:
                options = [convert.id_slug(v) for v in field_values(values, name)]
            if not options:
                self._not_made(spec, name, values, rec, base)
                return []
            names.append(name)
            choices.append(options)
        out = []
        for combination in itertools.product(*choices):
            iri = spec.iri
            for name, value in zip(names, combination, strict=True):
                iri = iri.replace("{" + name + "}", value)
            try:
                out.append(ox.NamedNode(iri))
            except ValueError:  # the slugs are IRI-safe: only a bad template part could fail
                raise InputError(f"{display_path(self.m.path)}: node '{spec.name}': '{iri}' is not an IRI") from None
        return out

    def _not_made(self, spec: NodeSpec, missing: str, values: dict, rec: Record, base: str) -> None:
        if missing in self.missing_columns:
            return
        lost = [f for f in spec.fields() if f != missing and _has(values, f) and not _record_wide(self.m, f)]
        if lost:
            self.report("import-node-not-made", rec, SOLD + base, field=missing, node=spec.name,
                        lost=", ".join(lost))

    def _emit(self, rec: Record, spec: NodeSpec, subject: ox.NamedNode, found: dict, values: dict, iris: dict,
              record_point: _Point | None, country: str | None, country_text: str | None,
              country_from: str | None) -> None:
        new = True
        seen = None
        if spec.shared:
            seen = self.shared.get(subject)
            new = seen is None
            if new:
                seen = self.shared[subject] = set()
        point = record_point
        if spec.coordinates is not None:
            point = self._point(rec, values, spec.coordinates, subject.value, country, country_from)
        if spec.shared and point is not None:
            earlier = self.points.get(subject)
            if earlier is None:
                self.points[subject] = point
            elif (earlier.lat, earlier.long) != (point.lat, point.long):
                self.report("import-conflicting-value", rec, subject.value, node=_short(subject.value),
                            first=f"{earlier.lat}, {earlier.long}", other=earlier.where,
                            given=f"{point.lat}, {point.long}")
                point = earlier if new else None
            elif not new:
                point = None
        if seen is None:
            add = self.add
        else:
            def add(s, p, o, seen=seen):
                if (p, o) not in seen:
                    seen.add((p, o))
                    self.add(s, p, o)
        if new:
            self.counts["nodes_" + spec.name] += 1
            for t in spec.types:
                add(subject, RDF_TYPE, self.iri(t))
        for ref in spec.types_lookup:
            for t in self._lookup_values(found, ref):
                for one in t.split():
                    add(subject, RDF_TYPE, self.iri(one))
        plan = self._plans.get(spec.name)
        if plan is None:
            plan = self._plans[spec.name] = tuple(
                (prop, prop.field[0] if len(prop.field) == 1 and "." not in prop.field[0] else None,
                 prop.lookup.partition(".")[0] if prop.lookup else None)
                for prop in spec.properties
                if not prop.field or any(_resolvable(f, self._file_fields) for f in prop.field))
        for prop, single, lookup in plan:
            if single is not None and single not in values:
                continue  # an empty field: nothing to add (most columns of most rows)
            if lookup is not None and not found.get(lookup):
                continue  # no code of that lookup in the record
            self._property(prop, add, subject, rec, values, found, iris, point, country, country_text)
        if new:
            add(subject, DERIVED_FROM, self.file_iri)
            if rec.line is not None:
                add(subject, SOURCE_LINE, self._literal(str(rec.line), XSD + "integer"))
            if self._numbered:
                add(subject, SOURCE_RECORD, self._literal(str(rec.number), XSD + "integer"))

    def _property(self, prop: Prop, add, subject: ox.NamedNode, rec: Record, values: dict, found: dict,
                  iris: dict, point: _Point | None, country: str | None, country_text: str | None) -> None:
        """Add the triples of one property of ``subject`` with ``add(s, p, o)``."""
        fields = prop.field
        if fields:  # the usual case first: values of fields (empty ones cost nothing)
            if len(fields) == 1:
                texts = _texts(values, fields[0])
                if not texts:
                    return
                fname = fields[0]
            else:
                present = [(f, v) for f in fields if (v := _texts(values, f))]
                if not present:
                    return
                fname, texts = present[0]
                if prop.join is not None:
                    texts = [prop.join.join(x for _, vs in present for x in vs)]
            if prop.contact and not self.contacts:
                self.counts["contacts_skipped"] += 1
                return
            objects: list = []
            for text in texts:
                if prop.separator:
                    for part in convert.split(text, [prop.separator]):
                        objects += self._convert(part, prop, rec, subject.value, fname)
                else:
                    objects += self._convert(text, prop, rec, subject.value, fname)
        else:
            objects = self._objects(prop, rec, subject.value, values, found, iris, point, country, country_text)
        if not objects:
            return
        predicates: list[ox.NamedNode] = []
        if prop.predicate_lookup:
            predicates = [self.iri(p) for p in self._lookup_values(found, prop.predicate_lookup)]
        elif prop.predicate:  # a Prop has one of them (the mapping's loader checks it)
            predicates = [self.iri(prop.predicate)]
        for p in predicates:
            for o in objects:
                add(subject, p, o)

    def _objects(self, prop: Prop, rec: Record, focus: str, values: dict, found: dict, iris: dict,
                 point: _Point | None, country: str | None, country_text: str | None) -> list:
        """The objects of a property whose values do not come from fields."""
        objects: list = []
        if prop.node:
            objects += iris.get(prop.node, [])
        elif prop.coordinate:
            if point is not None:
                objects.append(self._literal(point.lat if prop.coordinate == "lat" else point.long, XSD + "decimal"))
        elif prop.country:
            given = country or country_text
            if given:
                objects.append(self._literal(given))
        elif prop.territory:
            if self.territory:
                objects.append(ox.NamedNode(self.territory))
        elif prop.lookup:
            for value in self._lookup_values(found, prop.lookup, only_field=prop.lookup_field,
                                             only_with=prop.only_with):
                objects += self._convert(value, prop, rec, focus, "lookup")
        elif prop.constant is not None:
            objects += self._convert(prop.constant, prop, rec, focus, "constant")
        elif prop.template is not None:
            for text in _fill(prop.template, values):
                objects += self._convert(text, prop, rec, focus, "template")
        return objects

    def _convert(self, value: str, prop: Prop, rec: Record, focus: str, fname: str) -> list:
        kind = prop.kind
        if kind == "text":
            return [self._literal(value, language=prop.language or self.m.language)]
        if kind == "string":
            return [self._literal(value)]
        if kind in ("curie", "iri"):
            out = []
            for one in value.split():
                try:
                    out.append(self.iri(one))
                except (InputError, ValueError):
                    self.report("import-invalid-value", rec, focus, value=one, field=fname, kind="IRI")
            return out
        if kind == "essglobal":
            return [self.iri(ESS_STANDARD + value)]
        if kind in ("nonNegativeInteger", "integer"):
            if re.fullmatch(r"[+-]?\d+", value) and (kind == "integer" or int(value) >= 0):
                return [self._literal(str(int(value)), XSD + kind)]
            self.report("import-invalid-value", rec, focus, value=value, field=fname, kind=kind)
            return []
        if kind == "decimal":
            number = q.parse_decimal(value)
            if number is not None:
                return [self._literal(number, XSD + "decimal")]
            self.report("import-invalid-value", rec, focus, value=value, field=fname, kind="decimal number")
            return []
        if kind == "url":
            url = convert.url(value, prop.base)
            if url is None:
                self.report("import-invalid-value", rec, focus, value=value, field=fname, kind="URL")
                return []
            return [ox.NamedNode(url)]
        if kind == "email":
            text = value.removeprefix("mailto:").strip()
            if not convert.is_email(text):
                self.report("import-invalid-value", rec, focus, value=value, field=fname, kind="e-mail address")
                return []
            return [self._literal(text)]
        return []  # kind "none": read, not imported


def _texts(values: dict, name: str) -> tuple[str, ...] | list[str]:
    """:func:`field_values`, fast for the usual case: a text field, present or not."""
    value = values.get(name)
    if value is None:
        return field_values(values, name) if "." in name else ()
    if type(value) is str:
        return (value,)
    return field_values(values, name)


def _first(values: dict, name: str | None) -> str | None:
    if not name:
        return None
    value = values.get(name)
    if value is None and "." not in name:
        return None
    if isinstance(value, str):
        return value
    found = field_values(values, name)
    return found[0] if found else None


def _has(values: dict, name: str) -> bool:
    value = values.get(name)
    if value is None:
        return "." in name and bool(field_values(values, name))
    return isinstance(value, str) or bool(field_values(values, name))


_COMMA_DEGREES = re.compile(r"[+-]?\d{1,3},\d+")


def _decimal_comma(text: str) -> str:
    """``45,76`` → ``45.76``: in a coordinate a comma can only be a decimal mark (at most three
    digits before it), as French and German spreadsheets write them."""
    return text.replace(",", ".") if _COMMA_DEGREES.fullmatch(text.strip()) else text


def _leaves(name: str, value: tuple) -> list[str]:
    out = []
    for item in value:
        if isinstance(item, dict):
            out += [f"{name}.{k}" for k in item]
        else:
            out.append(name)
    return list(dict.fromkeys(out))


def _record_wide(m: Mapping, name: str) -> bool:
    """Fields every record has a use for whatever node is made (identity, name, coordinates, country)."""
    return name in (m.id_field, m.name_field, m.country_field) or any(name in p for p in m.coordinate_pairs)


def _fill(template: str, values: dict) -> list[str]:
    names = list(dict.fromkeys(_PLACEHOLDER.findall(template)))
    choices = [field_values(values, n) for n in names]
    if any(not c for c in choices):
        return []
    out = []
    for combination in itertools.product(*choices):
        text = template
        for name, value in zip(names, combination, strict=True):
            text = text.replace("{" + name + "}", value)
        out.append(text)
    return out


def _short(iri: str) -> str:
    return "sold:" + iri[len(SOLD):] if iri.startswith(SOLD) else iri


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'  # one line: quality.finding escapes what is left


# ---------------------------------------------------------------------------------------------
# Entry points


def _relative(path: Path) -> str:
    shown = display_path(path)
    return shown if not Path(shown).is_absolute() else path.name


@convert.one_line_errors
def import_file(
    path: str | Path,
    *,
    mapping: str | Path | Mapping,
    lang: str = "en",
    contacts: bool | None = None,
    input_format: str | None = None,
    describe: bool = True,
    country: str | None = None,
    territory: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Import one file with a mapping; bad rows are reported, good rows imported.

    ``mapping``: a shipped name, a mapping file, or a loaded :class:`Mapping`. ``contacts``:
    import e-mail and telephone (default: as the mapping says). ``describe``: add the dataset
    description (source file, sha256, import time from ``SOURCE_DATE_EPOCH`` or now).
    ``country`` (an ISO 3166-1 code or a country name) and ``territory`` (an IRI or prefixed name)
    override the mapping's defaults; ``delimiter`` and ``encoding`` its dialect (else detected).

    >>> from pathlib import Path
    >>> csv = Path(__file__).parents[2] / "tests" / "fixtures" / "import" / "standard-small.csv"
    >>> r = import_file(csv, mapping="sse-standard")
    >>> "imported" in r.counts
    True
    """
    started = time.perf_counter()
    if lang not in ("en", "fr"):
        raise InputError(f"language '{lang}': choose en|fr")
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{display_path(path)}: is a folder, not a file")
    m = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    if country is not None:
        code = m.countries.code(country)
        if code is None:
            raise InputError(f"country '{country}': not an ISO 3166-1 alpha-2 code (e.g. FR) nor a known name")
        country = code
    if territory is not None:
        try:
            territory = m.expand(territory)
            ox.NamedNode(territory)
        except (InputError, ValueError):
            raise InputError(f"territory '{territory}': not an IRI nor a prefixed name (e.g. sold:france)") from None
    fmt = input_format or detect_format(path, m.format)
    rel = _relative(path.resolve())
    graph = SOLG + rel
    source = read_records(path, fmt=fmt, delimiter=delimiter or m.delimiter, encoding=encoding or m.encoding,
                          known_fields=m.used_fields(), records_key=m.records_key)
    run = _Run(m, source, rel=rel, graph=graph, lang=lang, contacts=m.contacts if contacts is None else contacts,
               country=country, territory=territory or m.territory)
    run.start()
    for rec in source.records:
        run.record(rec)
    if run.counts["records"] == 0:
        raise InputError(f"{display_path(path)}: holds no record")
    run.finish()
    counts = dict(run.counts)
    counts["data_triples"] = len(run.quads)
    if describe:
        run.quads += _describe(path, rel, graph, m, counts)
    counts["triples"] = len(run.quads)
    return ImportResult(quads=run.quads, findings=run.findings, counts=counts, graph=graph, source=rel,
                        mapping=m, unknown_codes=run.unknown, seconds=time.perf_counter() - started,
                        dialect={"format": source.fmt, "encoding": source.encoding, "delimiter": source.delimiter},
                        unused_fields=dict(sorted(run.unused.items())))


def _describe(path: Path, rel: str, graph: str, m: Mapping, counts: dict) -> list[ox.Quad]:
    """The dataset description: the only place with the import time."""
    from ..files import build_time

    p = PREFIXES
    N, L = ox.NamedNode, ox.Literal
    g = N(graph)
    ds = N(IMPORT_DATASET + rel)
    source = N(graph)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()  # the file as given (compressed or not)
    checksum = ox.BlankNode("sha256-" + hashlib.sha256(graph.encode()).hexdigest()[:12])
    when = build_time().strftime("%Y-%m-%dT%H:%M:%SZ")
    triples: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]] = [
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
    project's ontology and shapes, and what the project's data says of the territories the import
    links to (sold:france's class and country code: the shapes and the outside-country check need
    them); findings name the file and line or record. (Ill-typed literals cannot occur: the
    importer writes only well-formed ones.)"""
    project = Project()
    store = project.vocabulary()
    store.extend(result.quads)
    graphs = [result.graph, *project.add_territories(store, [result.graph])]
    report = project.check_data(store, graphs, options=options, paths={result.graph: result.source}, literals=[])
    return Report.merge(result.findings, report)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, then line and record number, then the rest (:meth:`Finding.sort_key`)."""
    return sorted(findings, key=Finding.sort_key)
