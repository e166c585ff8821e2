"""The project: solkg's sources, the role of each graph, and how its stores are loaded and checked.

One :class:`Project` knows where the ontology, shapes, data and queries are (a checkout or the
installed package), which files a user added, and how to set up a check for each case: the project's
own data, a built store, partner files, an import, graphs read back from an endpoint. Commands ask
it; nothing else rebuilds that set-up.

>>> project = Project()
>>> [s.kind for s in project.sources()][:1]
['ontology']
>>> project.check().counts
{'violation': 0, 'warning': 0, 'info': 0}
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .checks.literals import IllTypedLiteral, SourceLiterals, scanning_literals
from .checks.run import CheckOptions, check_store
from .checks.shacl.workers import default_workers
from .errors import InputError
from .findings import Report
from .namespaces import SOL
from .sources import KINDS, Source, data_sources, display_path, input_size, project_root, project_sources
from .store.disk import DEFAULT_STORE, open_store, temporary_folder, temporary_store
from .store.entail import add_entailed
from .store.summary import add_summary
from .store.graphs import Graphs
from .store.load import load_sources

__all__ = ["DISK_THRESHOLD", "Project"]

_OPERATES_IN = ox.NamedNode(SOL + "operatesIn")
_LOCATED_IN = ox.NamedNode(SOL + "locatedIn")
_COUNTRY_CODE = ox.NamedNode(SOL + "countryCode")

DISK_THRESHOLD = 128 * 2**20
"""Partner files bigger than this (bytes, in total) are checked in a temporary on-disk store.

Measured: an in-memory store takes about six times the Turtle file (390 MB for 1.2M triples, 66 MB);
on disk, loading and reading are about three times slower, and peak memory (the bulk load's) was
1.7 GB for 12M triples (a 667 MB file), where memory would have needed about 4 GB for the store alone.
"""


class Project:
    """solkg's sources (``root``: a checkout or the installed package's copy) plus ``data`` files or
    folders a user adds (``build --data``); see the module docstring for an example."""

    def __init__(self, *, root: Path | None = None, data: Sequence[str | Path] = ()) -> None:
        self.root = Path(root) if root is not None else project_root()
        self.extra = data_sources(list(data)) if data else []

    def sources(self, *, kinds: Iterable[str] = KINDS) -> list[Source]:
        """The project's sources of these kinds (ontology first, then shapes, then data), plus the
        added data files when ``data`` is among the kinds. Two files may not share a graph name."""
        kinds = tuple(kinds)
        sources = project_sources(kinds=kinds, root=self.root)
        if "data" in kinds:
            sources += self.extra
        seen: dict[str, Source] = {}
        for source in sources:
            if source.graph in seen:
                first = display_path(seen[source.graph].path)
                raise InputError(f"{display_path(source.path)}: same graph name as {first}")
            seen[source.graph] = source
        return sources

    def paths(self, extra: Iterable[Source] = ()) -> dict[str, str]:
        """Graph IRI → the file path findings show, for the project's sources and ``extra``."""
        return {s.graph: s.shown for s in [*self.sources(), *extra]}

    def vocabulary(self) -> ox.Store:
        """A new in-memory store holding the ontology and the shapes, each file in its graph."""
        return load_sources(self.sources(kinds=("ontology", "shapes")))

    def load(self, *, entailed: bool = True) -> ox.Store:
        """A new in-memory store of every source (and the derived graphs, entailed and summary, unless
        told not to)."""
        store = load_sources(self.sources())
        if entailed:
            add_entailed(store)
            add_summary(store)
        return store

    def open(self, path: Path | str | None = None) -> ox.Store:
        """The built store at ``path`` (default ``.solkg/store``), read-only."""
        return open_store(path if path is not None else DEFAULT_STORE)

    # --- checks

    def check(self, *, store: ox.Store | None = None, sources: Sequence[Source] | None = None,
              options: CheckOptions | None = None, in_memory: bool = False) -> Report:
        """Check the project's data: its sources, loaded in memory, or a ``store`` built from
        ``sources`` (default the project's). Ill-typed literals are found in the sources as
        written; in a store given without its ``sources``, in their stored (canonical) form.
        The shapes are checked by several processes when the store is in memory (``in_memory``
        for a ``store`` given; never for an on-disk one: see :func:`solkg.checks.shacl.validate`)."""
        options = options or CheckOptions()
        if store is None:
            sources = self.sources()
            store = load_sources(sources)
            in_memory = True
        workers = default_workers() if in_memory else 1
        literals = SourceLiterals([s for s in sources if s.kind == "data"]) if sources is not None else None
        paths = {s.graph: s.shown for s in (sources if sources is not None else self.sources())}
        return check_store(store, Graphs.of(store), options=options, paths=paths, literals=literals,
                           workers=workers)

    def check_files(self, files: Sequence[str | Path], *, options: CheckOptions | None = None,
                    disk_threshold: int | None = None) -> Report:
        """Check partner files against the project's shapes, with its ontology's class hierarchy.

        Each file goes in its own named graph; above ``disk_threshold`` bytes in all (default
        :data:`DISK_THRESHOLD`) they are loaded into a temporary on-disk store, removed afterwards.
        The shapes are checked by several processes either way (forked from this one for an
        in-memory store, spawned and opening the on-disk one read only).
        """
        options = options or CheckOptions()
        extra = data_sources(list(files))
        sources = self.sources(kinds=("ontology", "shapes")) + extra
        threshold = DISK_THRESHOLD if disk_threshold is None else disk_threshold
        opened: contextlib.AbstractContextManager[ox.Store]
        with scanning_literals(extra) as literals:  # the files as written, read while they load
            on_disk = sum(input_size(s.path) for s in extra) > threshold
            if on_disk:
                opened = temporary_store(sources, progress=options.progress)
            else:
                options.say(f"loading {len(extra)} file(s)")
                opened = contextlib.nullcontext(load_sources(sources))
            with opened as store:
                graphs = [s.graph for s in extra] + self.add_territories(store, [s.graph for s in extra])
                report = self.check_data(store, graphs, options=options,
                                         paths={s.graph: s.shown for s in sources}, literals=literals,
                                         workers=default_workers(), store_folder=temporary_folder(store))
                del store  # our last reference to an on-disk store: closed before its folder is removed
        return report

    def add_territories(self, store: ox.Store, data_graphs: Sequence[str]) -> list[str]:
        """Add to ``store`` what the project's data says of the territories the ``data_graphs`` link
        to (``sol:operatesIn``, ``sol:locatedIn``) and do not describe: their class, labels and
        ``sol:countryCode`` (partner data that names ``sold:france`` is then checked against
        France's bounding box). Returns the project graphs added, to be checked with the data."""
        wanted = {ox.NamedNode(g) for g in data_graphs}
        linked: set[ox.NamedNode] = set()
        for predicate in (_OPERATES_IN, _LOCATED_IN):
            for quad in store.quads_for_pattern(None, predicate, None):
                if quad.graph_name in wanted and isinstance(quad.object, ox.NamedNode):
                    linked.add(quad.object)
        linked = {t for t in linked if not any(True for _ in store.quads_for_pattern(t, _COUNTRY_CODE, None))}
        if not linked:
            return []
        data = load_sources(self.sources(kinds=("data",)))
        added: set[str] = set()
        for territory in sorted(linked, key=lambda t: t.value):
            quads = list(data.quads_for_pattern(territory, None, None))
            store.extend(quads)
            added |= {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        return sorted(added - set(data_graphs))

    def check_data(self, store: ox.Store, data_graphs: Sequence[str], *, options: CheckOptions | None = None,
                   paths: dict[str, str] | None = None,
                   literals: Sequence[IllTypedLiteral] | SourceLiterals | None = None,
                   workers: int = 1, store_folder: str | None = None) -> Report:
        """Check the ``data_graphs`` of a store that also holds the project's ontology and shapes
        (:meth:`vocabulary` plus the data: an import, graphs read from an endpoint, partner files);
        the named SPARQL checks then report on these graphs' nodes only. ``workers``: processes
        checking the shapes (more than 1 for an on-disk store only with its ``store_folder``:
        :func:`solkg.checks.shacl.validate`)."""
        options = options or CheckOptions()
        return check_store(store, Graphs.of(store, data=data_graphs), options=options,
                           paths={**self.paths(), **(paths or {})}, literals=literals, workers=workers,
                           store_folder=store_folder)
