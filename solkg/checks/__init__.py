"""Store → findings: SHACL shapes, ill-typed literals, the named SPARQL checks, OWL consistency.

Every check reports :class:`~solkg.findings.Finding` objects; :func:`check_store` runs them all on
a store whose graphs have their roles, with one :class:`CheckOptions`. To check the project's data,
a built store or partner files, use :class:`solkg.project.Project` (or :func:`solkg.check`).

>>> from solkg.checks import CheckOptions
>>> CheckOptions(lang="fr").validator is None
True
"""

from .literals import IllTypedLiteral, ill_typed_literals, scan_ill_typed
from .report import CHECK_NS, REPORT_FORMATS, render_report
from .run import LANGS, CheckOptions, check_store
from .shacl import DEFAULT_VALIDATOR, VALIDATORS, ShaclResult, validate
from .sparql import SparqlCheck, list_checks, run_sparql_checks

__all__ = [
    "CHECK_NS",
    "DEFAULT_VALIDATOR",
    "LANGS",
    "REPORT_FORMATS",
    "VALIDATORS",
    "CheckOptions",
    "IllTypedLiteral",
    "ShaclResult",
    "SparqlCheck",
    "check_store",
    "ill_typed_literals",
    "list_checks",
    "render_report",
    "run_sparql_checks",
    "scan_ill_typed",
    "validate",
]
