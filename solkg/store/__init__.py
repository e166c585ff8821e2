"""Sources → store: parse each source into its named graph, derive the entailed and summary graphs, keep it on disk.

>>> from solkg.sources import project_sources
>>> store = load_sources(project_sources(kinds=("ontology",)))
>>> add_entailed(store) > 0
True
"""

from .disk import (DEFAULT_STORE, StoreWriter, graph_triple_counts, open_store, stored_graphs, temporary_folder,
                   temporary_store, write_store)
from .entail import ENTAILED_GRAPH, add_entailed, entailed_triples
from .load import load_source, load_sources, parse_source
from .summary import SUMMARY_GRAPH, add_summary

__all__ = [
    "DEFAULT_STORE",
    "ENTAILED_GRAPH",
    "SUMMARY_GRAPH",
    "StoreWriter",
    "add_entailed",
    "add_summary",
    "entailed_triples",
    "graph_triple_counts",
    "load_source",
    "load_sources",
    "open_store",
    "parse_source",
    "stored_graphs",
    "temporary_folder",
    "temporary_store",
    "write_store",
]
