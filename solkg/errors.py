"""Errors solkg raises for bad input, with the exit code the CLI maps them to.

>>> err = InputError("data/x.ttl:3:7: a dot is expected")
>>> err.exit_code
2
"""

from __future__ import annotations

__all__ = ["SolkgError", "InputError", "EXIT_OK", "EXIT_FINDINGS", "EXIT_INPUT"]

EXIT_OK = 0
"""Success, and no finding at or above ``--fail-on``."""
EXIT_FINDINGS = 1
"""Findings at or above ``--fail-on`` (the report is still printed, release files still written)."""
EXIT_INPUT = 2
"""Usage or input error: unreadable file, syntax error, unreachable endpoint."""


class SolkgError(Exception):
    """An error with a one-line message meant for the user, never a traceback."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(SolkgError):
    """Bad input: a missing, unreadable, empty or malformed file, query or parameter."""
