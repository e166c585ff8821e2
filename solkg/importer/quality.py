"""Row-level data-quality checks of imported directories, reported as :class:`solkg.findings.Finding`.

Each finding names the source file and the record's line (tabular files: the file's own line
number, header = line 1; JSON and GeoJSON: the record or feature number, first = 1). The checks:

==========================  ========  =====================================================
check                       severity  what
==========================  ========  =====================================================
``import-duplicate``        warning   same name (case, accents and punctuation ignored) and
                                      coordinates within the mapping's distance (100 m)
``import-duplicate-id``     warning   the source identifier of an earlier record again:
                                      the record is not imported
``import-country-bounds``   warning   coordinates outside the declared country's bounding
                                      box (plus a margin; table ``country-bounding-boxes.csv``)
``import-swapped-coordinates`` warning latitude and longitude swapped: out of range, or
                                      outside the country where the swapped point is inside;
                                      the coordinates are not imported
``import-invalid-value``    warning   a value that cannot be read as its kind (number, URL,
                                      e-mail): not imported
``import-placeholder``      warning   an empty-meaning placeholder ("n/a", "update6", ...,
                                      table ``placeholders.csv``): not imported
``import-unknown-code``     warning   a code of an enumerated column that is not in its
                                      lookup table (each with its row)
``import-unknown-country``  warning   a country value that is neither an ISO code nor a name
                                      of ``country-names.csv``
``import-missing-value``    info      a field the mapping expects is empty: the source does
                                      not say it
==========================  ========  =====================================================

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

__all__ = [
    "CHECKS",
    "MESSAGES",
    "Table",
    "read_table",
    "Placeholders",
    "Countries",
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
        "en": "identifier {value} already used at {other}: record not imported",
        "fr": "identifiant {value} déjà utilisé en {other} : enregistrement non importé",
    },
    "import-country-bounds": {
        "en": "coordinates ({lat}, {long}) lie outside {country} as declared in {field}",
        "fr": "les coordonnées ({lat}, {long}) sont hors de {country}, pays déclaré dans {field}",
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
}
"""Message templates per check, in en and fr."""

SEVERITY = {name: ("info" if name == "import-missing-value" else "warning") for name in MESSAGES}
CHECKS = tuple(MESSAGES)
"""The names of the import checks (``Finding.check``)."""


def finding(check: str, *, source: str, line: int | None = None, focus: str, lang: str = "en",
            path: str | None = None, value: str | None = None, **fields: object) -> Finding:
    """A :class:`Finding` of an import check on the record at ``line`` of ``source`` (the focus node's
    IRI), its message in ``lang`` (en|fr)."""
    template = MESSAGES[check].get(lang) or MESSAGES[check]["en"]
    shown = {k: v for k, v in fields.items()}
    if value is not None:
        shown.setdefault("value", _quote(value))
    message = template.format_map(_Default(shown))
    return Finding(severity=SEVERITY[check], check=check, focus=ox.NamedNode(focus), message=message,
                   path=ox.NamedNode(path) if path else None, value=ox.Literal(value) if value is not None else None,
                   source=source, line=line)


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


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
    body = []
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
        try:
            self.regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None
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

    line: int
    source: str
    """The file."""
    focus: str
    name: str
    lat: float
    long: float


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
                out.append(finding("import-duplicate", source=rec.source, line=rec.line, focus=rec.focus, lang=lang,
                                   value=rec.name, other=f"{other.source}:{other.line}", distance=f"{d:.0f}"))
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
