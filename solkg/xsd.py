"""XSD 1.1 lexical forms of the datatypes solkg checks (a leaf module).

pyoxigraph's store canonicalises valid literals and rewrites derived integer types to xsd:integer,
so solkg checks lexical forms itself, on the parse stream, with these rules.

>>> is_ill_typed("45,76", XSD + "decimal")
'not an xsd:decimal lexical form'
"""

from __future__ import annotations

import re

from .namespaces import XSD

__all__ = ["CHECKED_DATATYPES", "INTEGER_RANGES", "is_ill_typed"]



_INT_RE = r"[+-]?[0-9]+"
_DEC_RE = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_DBL_RE = r"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_DATE_RE = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ
_DATETIME_RE = (
    _YEAR
    + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T"
    + r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
    + _TZ
)
_GYEAR_RE = _YEAR + _TZ
_BOOL_RE = r"(true|false|1|0)"
# XSD 1.1 anyURI: any sequence of XML 1.0 Char (spaces included; they are escaped when mapped).
_ANYURI_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-32768, 32767),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 65535),
    "unsignedByte": (0, 255),
}

_LEXICAL: dict[str, str] = {XSD + name: _INT_RE for name in INTEGER_RANGES}
_LEXICAL.update(
    {
        XSD + "decimal": _DEC_RE,
        XSD + "double": _DBL_RE,
        XSD + "float": _DBL_RE,
        XSD + "boolean": _BOOL_RE,
        XSD + "date": _DATE_RE,
        XSD + "dateTime": _DATETIME_RE,
        XSD + "gYear": _GYEAR_RE,
    }
)
_LEXICAL_COMPILED = {dt: re.compile(rx) for dt, rx in _LEXICAL.items()}

CHECKED_DATATYPES: frozenset[str] = frozenset(_LEXICAL) | {XSD + "anyURI"}
"""Datatype IRIs whose lexical forms :func:`is_ill_typed` checks (XSD 1.1)."""

def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _bad_day(lexical: str) -> bool:
    # lexical already matches _DATE_RE/_DATETIME_RE: [-]YYYY..-MM-DD...
    neg = lexical.startswith("-")
    body = lexical[1:] if neg else lexical
    y, m, rest = body.split("-", 2)
    year, month, day = int(y) * (-1 if neg else 1), int(m), int(rest[:2])
    if month == 2:
        return day > (29 if _leap(year) else 28)
    return month in (4, 6, 9, 11) and day > 30


def is_ill_typed(lexical: str, datatype: str) -> str | None:
    """Why ``lexical`` is not a valid lexical form of ``datatype`` (XSD 1.1), or ``None``.

    Only the types in ``CHECKED_DATATYPES`` are checked; any other datatype returns ``None``.
    No whitespace is allowed around a value (RDF lexical forms are not whitespace-collapsed).

    >>> is_ill_typed("45,76", XSD + "decimal")
    'not an xsd:decimal lexical form'
    >>> is_ill_typed("-4e-05", XSD + "decimal")
    'not an xsd:decimal lexical form'
    >>> is_ill_typed("2019-02-30", XSD + "date")
    'day 30 does not exist in that month'
    >>> is_ill_typed("-1", XSD + "nonNegativeInteger")
    'out of the xsd:nonNegativeInteger range'
    >>> is_ill_typed("4.5", XSD + "decimal") is None
    True
    """
    if datatype == XSD + "anyURI":
        return "character not allowed in xsd:anyURI" if _ANYURI_BAD.search(lexical) else None
    rx = _LEXICAL_COMPILED.get(datatype)
    if rx is None:
        return None
    local = datatype[len(XSD):]
    if rx.fullmatch(lexical) is None:
        return f"not an xsd:{local} lexical form"
    if local in INTEGER_RANGES:
        lo, hi = INTEGER_RANGES[local]
        if lo is not None or hi is not None:
            v = int(lexical)
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                return f"out of the xsd:{local} range"
    elif local in ("date", "dateTime"):
        if _bad_day(lexical):
            day = int(lexical.lstrip("-").split("-", 2)[2][:2])
            return f"day {day} does not exist in that month"
    return None
