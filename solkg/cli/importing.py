"""``solkg import``: a click command the main group registers with ``cli.add_command(import_)``.

RDF goes to ``-o OUT`` (written atomically) or to standard output; the report (import findings,
then ``solkg check`` findings on the imported data, each with its file and line, or record number
for JSON) goes to standard error, or to standard output when ``-o`` is given. Exit 0, 1 (a finding
at or above ``--fail-on``; ``--strict`` means ``--fail-on warning``) or 2 (usage or input error,
one line, no traceback). The mapping language is documented in docs/mapping.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, SolkgError
from .options import handle_errors, validator_option

__all__ = ["import_"]


def _format_for(output: Path | None, fmt: str | None) -> str:
    from ..release.export import EXTENSIONS, normalise_format

    if fmt:
        return normalise_format(fmt)
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        for name, ext in EXTENSIONS.items():
            if suffix == ext:
                return name
        if suffix in ("json", "ttl", "nt", "nq", "xml", "rdf"):
            return normalise_format(suffix)
    return "turtle"


_TEXT = {
    "en": {"summary": "imported {imported} of {records} records from {source} with mapping {mapping} {version}: "
                      "{nodes}; {triples} triples; {contacts} contact values left out{seconds}",
           "unknown": "unknown codes (column: code → lines):", "records": "unknown codes (field: code → records):"},
    "fr": {"summary": "{imported} enregistrements sur {records} importés de {source} avec la correspondance "
                      "{mapping} {version} : {nodes} ; {triples} triplets ; {contacts} coordonnées personnelles "
                      "écartées{seconds}",
           "unknown": "codes inconnus (colonne : code → lignes) :",
           "records": "codes inconnus (champ : code → enregistrements) :"},
}


@click.command("import")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--mapping", "mapping", metavar="NAME|PATH",
              help="A shipped mapping (see --list-mappings) or a mapping file (.toml).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the RDF to this file (atomically) instead of standard output.")
@click.option("--format", "fmt", default=None,
              help="RDF out: turtle|ntriples|nquads|trig|jsonld|rdfxml (aliases ttl|nt|nq); "
                   "default from -o's extension, else turtle.")
@click.option("--strict", is_flag=True, help="Warnings fail too (same as --fail-on warning).")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default=None,
              help="Exit 1 when a finding is at or above this severity (default violation).")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of messages.")
@click.option("--check/--no-check", "run_check", default=True, show_default=True,
              help="Also run solkg check (shapes, SPARQL checks) on the imported data.")
@validator_option
@click.option("--contacts", is_flag=True, help="Import e-mail addresses and phone numbers (personal data).")
@click.option("--report-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format of the findings report.")
@click.option("--country", metavar="CODE",
              help="Country (ISO 3166-1 alpha-2, e.g. FR) of records that do not say theirs: coordinates are "
                   "checked against it (overrides the mapping's).")
@click.option("--territory", metavar="IRI",
              help="Territory of the records (e.g. sold:france), for the mapping's territory properties; its "
                   "country (sol:countryCode in the project's data) checks the coordinates.")
@click.option("--delimiter", metavar="CHAR",
              help="CSV delimiter (one character, or tab|comma|semicolon|pipe); default: detected from the header.")
@click.option("--encoding", metavar="NAME",
              help="The file's encoding (e.g. utf-8, cp1252, latin-1); default: detected (BOM, UTF-8, else "
                   "Windows-1252).")
@click.option("--list-mappings", is_flag=True, help="List the shipped mappings and exit.")
@handle_errors
def import_(file, mapping, output, fmt, strict, fail_on, lang, run_check, validator, contacts, report_format,
            country, territory, delimiter, encoding, list_mappings):
    """Import a CSV, TSV, JSON or GeoJSON directory of SSE initiatives as RDF (solkg vocabulary)."""
    from ..checks.report import render_report
    from ..checks.run import CheckOptions
    from ..files import atomic_write
    from ..importer import check_import, import_file
    from ..importer import list_mappings as shipped
    from ..release.export import write_rdf

    if list_mappings:
        items = shipped()
        width = max((len(n) for n, _, _ in items), default=4)
        for name, version, title in items:
            click.echo(f"{name.ljust(width)}  {version:<7} {title}")
        return
    if file is None:
        raise SolkgError("give a FILE to import (or --list-mappings)")
    if not mapping:
        raise SolkgError("--mapping NAME|PATH is required (see --list-mappings)")
    if strict and fail_on and fail_on != "warning":
        raise SolkgError("--strict means --fail-on warning: give one of them")
    fail_on = "warning" if strict else (fail_on or "violation")
    rdf_format = _format_for(output, fmt)
    result = import_file(file, mapping=mapping, lang=lang, contacts=True if contacts else None, country=country,
                         territory=territory, delimiter=delimiter, encoding=encoding)
    report = check_import(result, options=CheckOptions(lang=lang, validator=validator)) if run_check else result.report
    import pyoxigraph as ox

    store = result.store()
    graphs = [ox.NamedNode(result.graph)]
    if output is None:
        write_rdf(store, sys.stdout.buffer, fmt=rdf_format, graphs=graphs)
        sys.stdout.buffer.flush()
    else:
        with atomic_write(output) as handle:
            write_rdf(store, handle, fmt=rdf_format, graphs=graphs)
    to_err = output is None
    if report_format == "json":
        doc = report.to_dict()
        doc["import"] = {"source": result.source, "graph": result.graph, "mapping": result.mapping.name,
                         "mapping_version": result.mapping.version, "counts": result.counts,
                         "dialect": result.dialect, "unknown_codes": result.unknown_codes,
                         "unused_fields": result.unused_fields}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False), err=to_err)
    else:
        click.echo(render_report(report, "text", lang=lang), nl=False, err=to_err)
        if result.unknown_codes:
            numbered = result.dialect.get("format") in ("json", "geojson")
            click.echo(_TEXT[lang]["records" if numbered else "unknown"], err=to_err)
            for column, codes in sorted(result.unknown_codes.items()):
                for code, lines in sorted(codes.items()):
                    shown = ", ".join(str(n) for n in lines[:20]) + (" ..." if len(lines) > 20 else "")
                    click.echo(f"  {column}: {code!r} → {shown}", err=to_err)
        c = result.counts
        nodes = ", ".join(f"{v} {k.removeprefix('nodes_')}" for k, v in c.items() if k.startswith("nodes_"))
        click.echo(_TEXT[lang]["summary"].format(
            imported=c["imported"], records=c["records"], source=result.source, mapping=result.mapping.name,
            version=result.mapping.version, nodes=nodes, triples=c["triples"], contacts=c["contacts_skipped"],
            seconds=""), err=to_err)
    if report.fails(fail_on):
        sys.exit(EXIT_FINDINGS)
