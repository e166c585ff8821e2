"""solkg: a linked-data knowledge graph of economic and solidarity short supply chains.

The library API (the ``solkg`` command is a thin layer over it):

>>> import solkg
>>> sorted(solkg.__all__)[:3]
['BuildResult', 'Finding', 'InputError']
"""

__version__ = "0.1.0"

from .build import BuildResult, build  # noqa: E402
from .check import Finding, Report, check, check_store, render_report  # noqa: E402
from .errors import InputError, SolkgError  # noqa: E402
from .export import export_file, write_rdf  # noqa: E402
from .info import StoreInfo, info  # noqa: E402
from .query import NamedQuery, QueryResult, get_query, list_queries, render_results, run_query  # noqa: E402
from .store import load_sources, open_store  # noqa: E402

__all__ = [
    "__version__",
    "BuildResult",
    "Finding",
    "InputError",
    "NamedQuery",
    "QueryResult",
    "Report",
    "SolkgError",
    "StoreInfo",
    "build",
    "check",
    "check_store",
    "export_file",
    "get_query",
    "info",
    "list_queries",
    "load_sources",
    "open_store",
    "render_report",
    "render_results",
    "run_query",
    "write_rdf",
]
