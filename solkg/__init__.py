"""solkg: a linked-data knowledge graph of economic and solidarity short supply chains.

The library API (the ``solkg`` command is a thin layer over it). The layers follow the data:
sources → :mod:`solkg.store` → :mod:`solkg.checks` → :mod:`solkg.release` (:func:`build` runs them
all); :mod:`solkg.query` and :mod:`solkg.serve` read the store; :mod:`solkg.remote` sits above
them; :class:`Project` knows the sources and the role of each graph.

>>> import solkg
>>> sorted(solkg.__all__)[:3]
['BuildResult', 'CheckOptions', 'Finding']
"""

__version__ = "0.1.0"

from .build import BuildResult, build  # noqa: E402
from .checks import CheckOptions, render_report  # noqa: E402
from .errors import InputError, SolkgError  # noqa: E402
from .findings import Finding, Report  # noqa: E402
from .project import Project  # noqa: E402
from .query import NamedQuery, QueryResult, get_query, list_queries, render_results, run_query  # noqa: E402
from .query.info import StoreInfo, info  # noqa: E402
from .release import export_file, write_rdf  # noqa: E402
from .store import load_sources, open_store  # noqa: E402

__all__ = [
    "__version__",
    "BuildResult",
    "CheckOptions",
    "Finding",
    "InputError",
    "NamedQuery",
    "Project",
    "QueryResult",
    "Report",
    "SolkgError",
    "StoreInfo",
    "build",
    "check",
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


def check(paths=(), *, store=None, lang: str = "en", validator: str | None = None, owl: bool = False,
          progress=None) -> Report:
    """Check the project's data, a built ``store``, or partner files ``paths`` (see :class:`Project`).

    >>> check().conforms
    True
    """
    options = CheckOptions(lang=lang, validator=validator, owl=owl, progress=progress)
    project = Project()
    if paths:
        return project.check_files(list(paths), options=options)
    return project.check(store=store, options=options)
