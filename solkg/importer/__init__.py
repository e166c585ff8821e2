"""Import directories of SSE initiatives (CSV, TSV, JSON, GeoJSON) into solkg's vocabulary.

A *mapping* is a declarative TOML file of ``solkg/importer/mappings/`` (or any path), validated
as a whole before a record is read: which source fields become which nodes and properties; codes
and tags go through versioned CSV lookup tables beside it (``# version:`` header). docs/mapping.md
is the reference of every key. Shipped mappings: ``susy`` (SUSY / SSEDAS GeoJSON, TransforMap
tags) and ``sse-standard`` (Digital Commons' SSE standard CSV, ESSGlobal classifications, and the
Sector, SIC code, Legal Form and Ownership columns of co-operative registers).

The package follows the data: :mod:`.mapping` (the model and its validation), :mod:`.readers`
(bytes to records: encoding and delimiter detection, record numbers and lines), :mod:`.runner`
(records to quads and findings), :mod:`.quality` (the row checks and their messages) and
:mod:`.convert` (slugs, URLs, hashes).

Every record is imported, or reported by a finding that names its file and line (JSON: its record
number, and its line where known) and counted in "imported N of M". Every node made from a record
carries ``prov:wasDerivedFrom`` the source file (IRI ``solg:`` + its path, as the named graph of
that file would be named) and ``sol:sourceLine`` (tabular files) or ``sol:sourceRecord`` (JSON,
GeoJSON). The import time lives only in the dataset description (``SOURCE_DATE_EPOCH`` when set).
IRIs are ``sold:<prefix>-<slug of the source identifier>`` (a short hash of the identifier is
appended when the slug loses anything, case included), or ``sold:<prefix>-h<hash of name and
coordinates>`` when a record has no identifier: the same record gets the same IRI on re-import;
IRI templates over other fields make nodes that records share.

E-mail addresses and telephone numbers (properties marked ``contact = true``) are imported only
when the mapping says ``contacts = true`` or the caller passes ``contacts=True``;
:func:`strip_contacts` removes contact properties from any quads or store.

>>> from pathlib import Path
>>> fixture = Path(__file__).parents[2] / "tests" / "fixtures" / "import" / "standard-small.csv"
>>> result = import_file(fixture, mapping="sse-standard")
>>> result.counts["imported"] > 0
True
"""

from ..release.export import CONTACT_PROPERTIES, strip_contacts
from .mapping import MAPPINGS_DIR, Mapping, list_mappings, load_mapping, load_mapping_text
from .readers import Record, Source, read_records
from .runner import ImportResult, check_import, import_file, sort_findings

__all__ = [
    "MAPPINGS_DIR",
    "CONTACT_PROPERTIES",
    "Mapping",
    "Record",
    "Source",
    "ImportResult",
    "list_mappings",
    "load_mapping",
    "load_mapping_text",
    "read_records",
    "import_file",
    "check_import",
    "strip_contacts",
    "sort_findings",
]
