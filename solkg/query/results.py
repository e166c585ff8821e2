"""SELECT and ASK results as text: ``table``, ``csv``, ``tsv``, ``json`` (W3C SPARQL 1.1 Query Results).

>>> r = QueryResult(form="SELECT", variables=["x"], rows=[(ox.Literal("a"),)])
>>> render_results(r, "csv")
'x\\r\\na\\r\\n'
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from ..errors import InputError
from ..terms import show_term
from .run import QueryResult

__all__ = ["RESULT_FORMATS", "render_results", "sparql_json_term"]

RESULT_FORMATS = ("table", "csv", "tsv", "json")
"""Formats of SELECT and ASK results; CONSTRUCT and DESCRIBE results take RDF formats."""


def sparql_json_term(term) -> dict:
    """A term as the W3C SPARQL 1.1 Query Results JSON format writes it (RDF-star triples too)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": sparql_json_term(term.subject),
                                            "predicate": sparql_json_term(term.predicate),
                                            "object": sparql_json_term(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _csv_cell(term) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _table_cell(term) -> str:
    text = show_term(term)
    return f"{text}@{term.language}" if isinstance(term, ox.Literal) and term.language else text


def render_results(result: QueryResult, fmt: str = "table") -> str:
    """SELECT/ASK results as ``table``, ``csv``, ``tsv`` or ``json`` (W3C SPARQL 1.1 Results JSON).

    >>> r = QueryResult(form="SELECT", variables=["x"], rows=[(ox.Literal("a"),)])
    >>> render_results(r, "csv")
    'x\\r\\na\\r\\n'
    """
    if fmt not in RESULT_FORMATS:
        raise InputError(f"unknown results format '{fmt}' (choose {'|'.join(RESULT_FORMATS)})")
    if result.form == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
        if fmt in ("csv", "tsv"):
            head = "_askResult" if fmt == "csv" else "?_askResult"
            return f"{head}\n{'true' if result.boolean else 'false'}\n"
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "json":
        doc = {
            "head": {"vars": result.variables},
            "results": {
                "bindings": [
                    {v: sparql_json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                    for row in result.rows
                ]
            },
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_csv_cell(t) for t in row])
        return buf.getvalue()
    if fmt == "tsv":
        tsv = ["\t".join("?" + v for v in result.variables)]
        for row in result.rows:
            tsv.append("\t".join("" if t is None else str(t) for t in row))
        return "\n".join(tsv) + "\n"
    cells = [[_table_cell(t) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    widths = [min(w, 60) for w in widths]

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for texts in cells:
        lines.append("  ".join(fit(c, w).ljust(w) for c, w in zip(texts, widths, strict=True)).rstrip())
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
                 + (", more available)" if result.truncated else ")"))
    return "\n".join(lines) + "\n"
