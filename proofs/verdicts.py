"""One vocabulary of verdicts, and the result every engine returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .interpreter import Step


class Verdict(str, Enum):
    """What Polity can honestly say about a property. Ordered from strongest to weakest claim
    in ``PRECEDENCE``; only ``proved`` and ``unreachable`` are claims about all traces."""

    PROVED = "proved"  # holds on every trace, unbounded; certificate re-checked
    VIOLATED = "violated"  # a trace breaks it; replayed by the interpreter
    REACHABLE = "reachable"  # a witness trace exists; replayed
    UNREACHABLE = "unreachable"  # no trace reaches it, unbounded; certificate re-checked
    HOLDS_TO_BOUND = "holds_to_bound"  # no counterexample / witness up to the bound; NOT a proof
    UNKNOWN = "unknown"  # timeout or resource limit: no claim at all

    def __str__(self) -> str:
        return self.value


PRECEDENCE = [Verdict.VIOLATED, Verdict.REACHABLE, Verdict.PROVED, Verdict.UNREACHABLE,
              Verdict.HOLDS_TO_BOUND, Verdict.UNKNOWN]


@dataclass(frozen=True)
class Certificate:
    """Why an unbounded verdict is believed: the method and what was re-checked."""

    method: str  # "k-induction" or "spacer-invariant"
    k: int | None = None
    invariant: str | None = None
    rechecked: bool = False
    smt2: str | None = None  # the invariant in SMT-LIB, which anyone can re-check
    rechecked_by: tuple[str, ...] = ()  # the solvers that re-checked it (see second_solver.py)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "k": self.k, "invariant": self.invariant,
                               "rechecked": self.rechecked, "rechecked_by": list(self.rechecked_by)}
        if self.smt2 is not None:
            out["smt2"] = self.smt2
        return out


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
