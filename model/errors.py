"""One exception root for Polity.

User errors (a bad model, amendment, property or data file) carry a location and print as one
line ``file:line:col: what is wrong``; the CLI maps them to exit 2. Anything else is an internal
error and keeps its traceback (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass

# How much of a user's value an error message echoes: enough to recognise it, never a flood.
ECHO_LIMIT = 60


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, marking the cut.

    >>> clip("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user's value as an error message quotes it: its repr, clipped."""
    return clip(repr(value), limit)


class PolityError(Exception):
    """Root of every error Polity raises on purpose."""


@dataclass(frozen=True)
class Location:
    """Where something is written: a file and a 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


class UserError(PolityError):
    """Something the user wrote is wrong; reported as one located line, exit 2."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class InternalError(PolityError):
    """Polity contradicted itself (e.g. a trace that does not replay); a bug, exit 3."""
