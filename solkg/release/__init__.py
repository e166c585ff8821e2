"""Store → releases: sorted, stable serialisations (``solkg export``) and the ``dist/`` files of a build.

>>> from solkg.release import RDF_FORMATS
>>> RDF_FORMATS[:2]
('turtle', 'ntriples')
"""

from .dataset import DATASET_IRI, LICENSE, RELEASE, describe_dataset, release_files, write_files, write_void
from .export import (EXTENSIONS, FORMAT_ALIASES, RDF_FORMATS, SortedDump, export_bytes, export_file, normalise_format,
                     resolve_graph, serialize_triples, write_rdf)

__all__ = [
    "DATASET_IRI",
    "EXTENSIONS",
    "FORMAT_ALIASES",
    "LICENSE",
    "RDF_FORMATS",
    "RELEASE",
    "SortedDump",
    "describe_dataset",
    "export_bytes",
    "export_file",
    "normalise_format",
    "release_files",
    "resolve_graph",
    "serialize_triples",
    "write_files",
    "write_rdf",
    "write_void",
]
