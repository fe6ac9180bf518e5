"""The result every engine returns (the verdict enum and certificates live in records.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .interpreter import Step
from .records import Certificate, Verdict

__all__ = ["Certificate", "Result", "Verdict"]


@dataclass(frozen=True)
class Result:
    """The outcome of checking one property under one reading."""

    verdict: Verdict
    bound: int
    seconds: float
    trace: tuple[Step, ...] | None = None
    relies_on: tuple[str, ...] = ()
    core: tuple[str, ...] = ()  # the keys of the elements behind relies_on (see reuse.py)
    certificate: Certificate | None = None
    reason: str = ""  # why unknown, or a note (e.g. vacuity)
    solver_seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)
