"""Label search that ignores case and accents, the same in English and French.

SPARQL's ``LCASE`` folds case but not accents, so "energie" would not find "énergie". The labels
(``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel`` of IRIs, in any language) are read once into
a :class:`LabelIndex` (the store is read-only) with a folded key each: :func:`fold` lower-cases
(Unicode case folding), drops accents and other combining marks, writes the ligatures œ and æ as
"oe" and "ae", and the typographic apostrophe as "'".

>>> fold("Énergie"), fold("CŒUR"), fold("l’Économie  sociale")
('energie', 'coeur', "l'economie sociale")
"""

from __future__ import annotations

import threading
import unicodedata

import pyoxigraph as ox

from ..store.select import select

__all__ = ["fold", "LabelIndex"]

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "ʼ": "'", "‘": "'"})


def fold(text: str) -> str:
    """``text`` without case, accents or extra spaces (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_LIGATURES).split())


_LABELS = """SELECT ?s ?l WHERE {
  VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel>
              <http://www.w3.org/2004/02/skos/core#altLabel> }
  ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l)) }"""


class LabelIndex:
    """Every label of the store with its folded form, read on first use.

    >>> store = ox.Store()
    >>> s = ox.NamedNode("https://example.org/e")
    >>> store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    ...                   ox.Literal("énergie", language="fr"), ox.NamedNode("urn:g")))
    >>> LabelIndex(store).find("ENERGIE")
    [('https://example.org/e', 'énergie', True)]
    """

    def __init__(self, store: ox.Store):
        self.store = store
        self._entries: list[tuple[str, str, str]] | None = None
        self._lock = threading.Lock()

    def entries(self) -> list[tuple[str, str, str]]:
        """(folded label, label, subject IRI), sorted."""
        with self._lock:
            if self._entries is None:
                rows = select(self.store, _LABELS, use_default_graph_as_union=True)
                self._entries = sorted({(fold(r["l"].value), r["l"].value, r["s"].value) for r in rows})
            return self._entries

    def find(self, text: str, *, limit: int = 50) -> list[tuple[str, str, bool]]:
        """Subjects with a label that holds ``text`` (folded): (IRI, the first label that matched,
        whether a label equals it), exact matches first, then by IRI; at most ``limit``."""
        wanted = fold(text)
        if not wanted:
            return []
        found: dict[str, tuple[str, bool]] = {}
        for key, label, subject in self.entries():
            if wanted in key:
                match, exact = found.get(subject, (label, False))
                found[subject] = (min(match, label), exact or key == wanted)
        ranked = sorted(found.items(), key=lambda item: (not item[1][1], item[0]))[:limit]
        return [(subject, match, exact) for subject, (match, exact) in ranked]
