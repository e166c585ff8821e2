"""Data-quality checks of imported directories, reported as :class:`solkg.findings.Finding`.

Each finding names the source file and where in it: tabular files the record's line (the file's
own line number, header = line 1); JSON and GeoJSON the record (or feature) number, first = 1,
and its line where the reader can tell. Findings about the whole file (its dialect, its columns)
have the file itself as focus. A record is imported, or reported by a finding that says it was
not, and counted in "imported N of M". The checks (:data:`SEVERITY` gives each one's severity):

=============================  ========  =====================================================
check                          severity  what
=============================  ========  =====================================================
``import-not-a-record``        violation a JSON item or GeoJSON feature that is not an object:
                                         not imported
``import-missing-column``      violation a column the mapping requires (``required``, the id
                                         field, a field of an IRI template) is not in the file
``import-repeated-record``     warning   the very same values as an earlier record: not imported
``import-duplicate-id``        warning   the source identifier of an earlier record again:
                                         imported under an IRI with a hash of the whole record
``import-hash-clash``          warning   no identifier, and the same name and coordinates as an
                                         earlier record: imported under a hash of the whole record
``import-duplicate``           warning   same name (case, accents and punctuation ignored) and
                                         coordinates within the mapping's distance (100 m)
``import-country-bounds``      warning   coordinates outside the country's bounding box (plus a
                                         margin); the country comes from a column, the run, the
                                         mapping or the territory (``country-bounding-boxes.csv``)
``import-swapped-coordinates`` warning   latitude and longitude swapped: out of range, or
                                         outside the country where the swapped point is inside;
                                         the coordinates are not imported
``import-conflicting-value``   warning   a node shared by several records gets other
                                         coordinates from a later record: the first are kept
``import-node-not-made``       warning   a node's IRI template needs a field the record leaves
                                         empty, though it gives other values of that node
``import-invalid-value``       warning   a value that cannot be read as its kind (number, URL,
                                         e-mail): not imported
``import-placeholder``         warning   an empty-meaning placeholder ("n/a", "update6", ...,
                                         table ``placeholders.csv``): not imported
``import-unknown-code``        warning   a code of an enumerated column that is not in its
                                         lookup table (each with its row)
``import-unknown-country``     warning   a country value that is neither an ISO code nor a name
                                         of ``country-names.csv``
``import-extra-cells``         warning   a row with more cells than the header: the extra
                                         non-empty cells are not imported
``import-duplicate-column``    warning   two columns with one name: the later one is not read
``import-unused-field``        warning   fields of the file the mapping does not read (listed
                                         once per file; ``ignore`` them in the mapping)
``import-unsupported-geometry`` warning  a GeoJSON geometry other than a Point: not imported
``import-required-value``      warning   a field the mapping requires is empty in this record
``import-missing-value``       info      a field the mapping expects is empty: the source does
                                         not say it
``import-missing-cells``       info      a row with fewer cells than the header
``import-absent-columns``      info      fields the mapping reads that the file does not have
``import-empty-rows``          info      rows with no value at all (not records)
``import-dialect``             info      how the file was read when it was detected, not given:
                                         its encoding (a BOM, or not UTF-8) and delimiter
=============================  ========  =====================================================

>>> parse_decimal("45.7600")
'45.76'
>>> round(distance_m(45.0, 4.0, 45.0009, 4.0))
100
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..findings import Finding
from .convert import one_line

__all__ = [
    "CHECKS",
    "MESSAGES",
    "SEVERITY",
    "COUNTRY_FROM",
    "Table",
    "read_table",
    "Placeholders",
    "Countries",
    "Located",
    "place",
    "parse_decimal",
    "distance_m",
    "name_key",
    "finding",
    "find_duplicates",
]

MESSAGES: dict[str, dict[str, str]] = {
    "import-duplicate": {
        "en": "probable duplicate of {other}: same name, {distance} m apart",
        "fr": "doublon probable de {other} : même nom, à {distance} m",
    },
    "import-duplicate-id": {
        "en": "identifier {value} already used at {other}: imported as {iri}",
        "fr": "identifiant {value} déjà utilisé en {other} : importé comme {iri}",
    },
    "import-country-bounds": {
        "en": "coordinates ({lat}, {long}) lie outside {country}, the country {field}",
        "fr": "les coordonnées ({lat}, {long}) sont hors de {country}, le pays {field}",
    },
    "import-swapped-coordinates": {
        "en": "latitude and longitude look swapped ({lat}, {long}): coordinates not imported",
        "fr": "latitude et longitude semblent inversées ({lat}, {long}) : coordonnées non importées",
    },
    "import-invalid-value": {
        "en": "{field}: {value} is not a valid {kind}: not imported",
        "fr": "{field} : {value} n'est pas un(e) {kind} valide : non importé",
    },
    "import-placeholder": {
        "en": "{field} holds the placeholder {value}: not imported",
        "fr": "{field} contient la valeur de remplissage {value} : non importée",
    },
    "import-unknown-code": {
        "en": "{field}: unknown code {value} (not in {table})",
        "fr": "{field} : code inconnu {value} (absent de {table})",
    },
    "import-unknown-country": {
        "en": "{field}: unknown country {value} (neither an ISO 3166-1 code nor a name of {table})",
        "fr": "{field} : pays inconnu {value} (ni code ISO 3166-1 ni nom de {table})",
    },
    "import-missing-value": {
        "en": "the source gives no {field}",
        "fr": "la source ne donne pas {field}",
    },
    "import-not-a-record": {
        "en": "item {value} is {kind}, not an object: not imported",
        "fr": "l'élément {value} est {kind} et non un objet : non importé",
    },
    "import-missing-column": {
        "en": "required column {field} is not in the file{consequence}",
        "fr": "la colonne requise {field} manque au fichier{consequence}",
    },
    "import-repeated-record": {
        "en": "the same values as {other}: record not imported",
        "fr": "les mêmes valeurs qu'en {other} : enregistrement non importé",
    },
    "import-hash-clash": {
        "en": "no identifier, and the same name and coordinates as {other}: imported as {iri}",
        "fr": "pas d'identifiant, et mêmes nom et coordonnées qu'en {other} : importé comme {iri}",
    },
    "import-conflicting-value": {
        "en": "{node} already has coordinates ({first}) from {other}: ({given}) not imported",
        "fr": "{node} a déjà des coordonnées ({first}) venues de {other} : ({given}) non importées",
    },
    "import-node-not-made": {
        "en": "no {field}: node {node} not made, so {lost} not imported",
        "fr": "pas de {field} : nœud {node} non créé, donc {lost} non importé(s)",
    },
    "import-extra-cells": {
        "en": "the row has {cells} cells, the header {columns}: extra cells {value} not imported",
        "fr": "la ligne a {cells} cellules, l'en-tête {columns} : cellules en trop {value} non importées",
    },
    "import-missing-cells": {
        "en": "the row has {cells} cells, the header {columns}: the last columns are empty",
        "fr": "la ligne a {cells} cellules, l'en-tête {columns} : les dernières colonnes sont vides",
    },
    "import-duplicate-column": {
        "en": "column {field} appears again (column {column}): that column is not read",
        "fr": "la colonne {field} apparaît de nouveau (colonne {column}) : cette colonne n'est pas lue",
    },
    "import-unused-field": {
        "en": "{count} field(s) the mapping does not read, not imported (records holding them): {fields}",
        "fr": "{count} champ(s) que la correspondance ne lit pas, non importé(s) (enregistrements qui en ont) : "
              "{fields}",
    },
    "import-absent-columns": {
        "en": "{count} field(s) the mapping reads are not in the file: {fields}",
        "fr": "{count} champ(s) lu(s) par la correspondance absent(s) du fichier : {fields}",
    },
    "import-empty-rows": {
        "en": "{count} row(s) with no value at all, not records: lines {lines}",
        "fr": "{count} ligne(s) sans aucune valeur, qui ne sont pas des enregistrements : lignes {lines}",
    },
    "import-unsupported-geometry": {
        "en": "geometry {value} is not a Point of two numbers: not imported",
        "fr": "la géométrie {value} n'est pas un Point de deux nombres : non importée",
    },
    "import-required-value": {
        "en": "the source gives no {field}, which the mapping requires",
        "fr": "la source ne donne pas {field}, que la correspondance exige",
    },
    "import-dialect": {
        "en": "read as {how}",
        "fr": "lu comme {how}",
    },
}
"""Message templates per check, in en and fr."""

_VIOLATIONS = {"import-not-a-record", "import-missing-column"}
_INFO = {"import-missing-value", "import-missing-cells", "import-absent-columns", "import-empty-rows", "import-dialect"}
SEVERITY = {name: ("violation" if name in _VIOLATIONS else "info" if name in _INFO else "warning") for name in MESSAGES}
"""The severity of each import check."""
CHECKS = tuple(MESSAGES)
"""The names of the import checks (``Finding.check``)."""


COUNTRY_FROM: dict[str, dict[str, str]] = {
    "column": {"en": "declared in {where}", "fr": "déclaré dans {where}"},
    "run": {"en": "given for this import", "fr": "donné pour cet import"},
    "mapping": {"en": "of the mapping", "fr": "de la correspondance"},
    "territory": {"en": "of the territory {where}", "fr": "du territoire {where}"},
}
"""Where a record's country came from, as the ``import-country-bounds`` message says it."""


def finding(check: str, *, source: str, line: int | None = None, record: int | None = None, focus: str,
            lang: str = "en", path: str | None = None, value: str | None = None, **fields: object) -> Finding:
    """A :class:`Finding` of an import check on the record at ``line`` (or number ``record``) of
    ``source`` (``focus``: the IRI of the node it is about), its message in ``lang`` (en|fr).

    >>> finding("import-placeholder", source="a.csv", line=3, focus="urn:x", value="n/a", field="Website").message
    'Website holds the placeholder "n/a": not imported'
    """
    template = MESSAGES[check].get(lang) or MESSAGES[check]["en"]
    shown = {k: v for k, v in fields.items()}
    if value is not None:
        shown.setdefault("value", _quote(value))
    message = one_line(template.format_map(_Default(shown)))
    return Finding(severity=SEVERITY[check], check=check, focus=ox.NamedNode(focus), message=message,
                   path=ox.NamedNode(path) if path else None, value=ox.Literal(value) if value is not None else None,
                   source=source, line=line, record=record)


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _quote(text: str) -> str:
    return '"' + one_line(text.replace('"', '\\"')) + '"'


# ---------------------------------------------------------------------------------------------
# Lookup tables: CSV with "# key: value" header lines (table, version, what, source), then a header row


@dataclass
class Table:
    """A versioned lookup table of ``solkg/importer/mappings/``."""

    name: str
    version: str
    columns: list[str]
    rows: list[dict[str, str]]
    meta: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def label(self) -> str:
        """``name.csv version`` for messages."""
        return f"{self.name}.csv {self.version}"


def read_table(path: Path) -> Table:
    """Read a lookup table; :class:`InputError` when its version header or columns are missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read lookup table: {exc.strerror or exc}") from None
    meta: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") and not body:
            key, sep, value = line[1:].partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
            continue
        body.append(line)
    if "version" not in meta:
        raise InputError(f"{path.name}: lookup table without a '# version:' header line")
    reader = csv.DictReader(io.StringIO("\n".join(body)))
    rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    name = meta.get("solkg lookup table", path.stem)
    return Table(name=name, version=meta["version"], columns=list(reader.fieldnames or []), rows=rows, meta=meta,
                 path=path)


class Placeholders:
    """Values that mean "no value", from ``placeholders.csv`` (exact values and regular expressions)."""

    def __init__(self, table: Table | None):
        self.table = table
        self.values: set[str] = set()
        patterns = []
        for row in (table.rows if table else []):
            if row.get("kind") == "regex":
                patterns.append(row["value"])
            else:
                self.values.add(row["value"].casefold())
        self.regex: re.Pattern[str] | None = None
        if table is not None and patterns:  # patterns come from the table's rows
            try:
                self.regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.I)
            except re.error as exc:
                raise InputError(f"{table.name}.csv: bad regular expression: {exc}") from None

    def __contains__(self, value: str) -> bool:
        folded = value.strip().casefold()
        if folded in self.values:
            return True
        return bool(self.regex and self.regex.fullmatch(value.strip()))


# ---------------------------------------------------------------------------------------------
# Countries and coordinates


class Countries:
    """Country names and ISO codes to bounding boxes (``country-names.csv``, ``country-bounding-boxes.csv``)."""

    def __init__(self, names: Table | None, boxes: Table | None, margin: float = 0.0):
        self.names_table, self.boxes_table = names, boxes
        self.boxes: dict[str, tuple[float, float, float, float, str]] = {}
        for row in (boxes.rows if boxes else []):
            self.boxes[row["code"].upper()] = (float(row["min_long"]), float(row["min_lat"]),
                                               float(row["max_long"]), float(row["max_lat"]), row["name"])
        self.names = {row["name"].casefold(): row["code"].upper() for row in (names.rows if names else [])}
        self.margin = margin

    def code(self, value: str) -> str | None:
        """The ISO 3166-1 alpha-2 code of a country value, or None when unknown."""
        text = " ".join(value.split())
        if len(text) == 2 and text.upper() in self.boxes:
            return text.upper()
        return self.names.get(text.casefold())

    def name(self, code: str) -> str:
        return self.boxes[code][4] if code in self.boxes else code

    def contains(self, code: str, lat: float, long: float) -> bool | None:
        """True when the point is in the country's box (plus margin); None when the box is unknown."""
        box = self.boxes.get(code)
        if box is None:
            return None
        min_long, min_lat, max_long, max_lat, _ = box
        m = self.margin
        return min_lat - m <= lat <= max_lat + m and min_long - m <= long <= max_long + m


def parse_decimal(text: str) -> str | None:
    """The canonical ``xsd:decimal`` form of a number (as Oxigraph stores it), or None.

    >>> parse_decimal("6.0"), parse_decimal("-0.50"), parse_decimal("1e-3"), parse_decimal("4,8")
    ('6', '-0.5', '0.001', None)
    """
    text = text.strip()
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    out = format(value, "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    if out in ("-0", "+0", ""):
        out = "0"
    return out.lstrip("+")


def distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle (haversine) distance in metres, Earth radius 6,371,008.8 m."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(a)))


def name_key(name: str) -> str:
    """A name folded for duplicate detection: case, accents, punctuation and spacing ignored.

    >>> name_key("  Café  de la Gare! ") == name_key("cafe de la gare")
    True
    """
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


@dataclass(frozen=True)
class Located:
    """What duplicate detection needs of a record."""

    line: int | None
    source: str
    """The file."""
    focus: str
    name: str
    lat: float
    long: float
    record: int | None = None


def place(source: str, line: int | None, record: int | None = None, lang: str = "en") -> str:
    """Where a record is, for messages: ``file:line`` for tabular files, ``file record N`` for JSON.

    >>> place("a.csv", 4), place("b.json", 12, 3), place("b.json", None, 3, "fr")
    ('a.csv:4', 'b.json record 3 (line 12)', 'b.json enregistrement 3')
    """
    if record is None:
        return f"{source}:{line}" if line is not None else source
    word, line_word = ("record", "line") if lang == "en" else ("enregistrement", "ligne")
    return f"{source} {word} {record}" + (f" ({line_word} {line})" if line is not None else "")


def find_duplicates(records: Iterable[Located], *, within_m: float = 100.0, lang: str = "en") -> list[Finding]:
    """One warning per record that repeats an earlier one: same :func:`name_key`, within ``within_m`` metres."""
    groups: dict[str, list[Located]] = {}
    out = []
    for rec in records:
        key = name_key(rec.name)
        if not key:
            continue
        earlier = groups.setdefault(key, [])
        for other in earlier:
            d = distance_m(other.lat, other.long, rec.lat, rec.long)
            if d <= within_m:
                out.append(finding("import-duplicate", source=rec.source, line=rec.line, record=rec.record,
                                   focus=rec.focus, lang=lang, value=rec.name,
                                   other=place(other.source, other.line, other.record, lang), distance=f"{d:.0f}"))
                break
        earlier.append(rec)
    return out


def check_coordinates(lat: float, long: float, *, country: str | None, countries: Countries
                      ) -> tuple[str | None, bool]:
    """Classify a coordinate pair: (check name or None, import the coordinates?).

    Out-of-range or swapped pairs are not imported; a point merely outside its country is.
    """
    in_range = -90 <= lat <= 90 and -180 <= long <= 180
    swapped_in_range = -90 <= long <= 90 and -180 <= lat <= 180
    if not in_range:
        return ("import-swapped-coordinates" if swapped_in_range else "import-invalid-value"), False
    if lat == 0 and long == 0:
        return "import-placeholder", False
    if country is None:
        return None, True
    inside = countries.contains(country, lat, long)
    if inside is None or inside:
        return None, True
    if swapped_in_range and countries.contains(country, long, lat):
        return "import-swapped-coordinates", False
    return "import-country-bounds", True


def summarise(findings: Sequence[Finding]) -> dict[str, int]:
    """Count findings per check name, sorted by name."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.check] = counts.get(f.check, 0) + 1
    return dict(sorted(counts.items()))
