"""Check one property on one System: BMC first, then an unbounded proof, every answer vouched for.

Order: bounded search for a counterexample / witness (replayed by the interpreter before it is
returned); if none, k-induction, then Spacer, each with a re-checked certificate. Whatever the
solvers cannot settle in time is ``unknown``; a clean bounded search without a proof is
``holds_to_bound``.
"""

from __future__ import annotations

import time
from typing import Any

from ..model.errors import InternalError
from ..model.system import System
from ..properties.language import Property
from .bmc import bmc
from .compiler import Encoding
from .induction import ProofOutcome, k_induction, spacer
from .interpreter import Interpreter, StepRefused
from .judge import first_bad_step
from .verdicts import Certificate, Result, Verdict

DEFAULT_BOUND = 12
DEFAULT_TIMEOUT = 60.0
MAX_K = 3


def check_property(system: System, prop: Property, bound: int = DEFAULT_BOUND,
                   timeout: float = DEFAULT_TIMEOUT, unbounded: bool = True) -> Result:
    started = time.monotonic()
    deadline = started + timeout
    enc = Encoding(system, switchable=False)  # switches matter only for proofs
    found = bmc(enc, prop, bound, deadline)
    solver_seconds = found.solver_seconds
    stats = {"bmc_depth_seconds": found.depth_seconds}

    def done(verdict: Verdict, **kw: Any) -> Result:
        return Result(verdict, bound, time.monotonic() - started, solver_seconds=solver_seconds,
                      stats=stats, **kw)

    if found.status == "unknown":
        return done(Verdict.UNKNOWN, reason=f"bounded search stopped at depth {found.depth}: {found.reason}")
    if found.status == "found":
        assert found.trace is not None
        replay_or_raise(system, prop, found.trace)
        verdict = Verdict.REACHABLE if prop.kind == "reachable" else Verdict.VIOLATED
        return done(verdict, trace=tuple(found.trace))
    if not unbounded:
        what = "witness" if prop.kind == "reachable" else "counterexample"
        return done(Verdict.HOLDS_TO_BOUND, reason=f"no {what} within {bound} steps")
    safety = prop if prop.kind != "reachable" else Property("never", prop.target, text=prop.text)
    proof = k_induction(system, safety, min(MAX_K, max(1, bound)), deadline)
    solver_seconds += proof.solver_seconds
    if proof.status != "proved":
        attempt = spacer(system, safety, deadline)
        solver_seconds += attempt.solver_seconds
        if attempt.status == "proved":
            proof = attempt
        elif attempt.status == "failed":
            raise InternalError(f"Spacer found {prop.text!r} false but BMC to depth {bound} did not; "
                                "raise the bound to see the trace")
        else:
            proof = ProofOutcome("unknown", reason=attempt.reason or proof.reason)
    if proof.status == "proved":
        cert = Certificate(proof.method, proof.k, proof.invariant, rechecked=True)
        relies = tuple(system.cites_of(proof.core))
        verdict = Verdict.UNREACHABLE if prop.kind == "reachable" else Verdict.PROVED
        return done(verdict, certificate=cert, relies_on=relies)
    if time.monotonic() >= deadline:
        return done(Verdict.UNKNOWN, reason=f"timeout after a clean bounded search to depth {bound}")
    what = "witness" if prop.kind == "reachable" else "counterexample"
    why = proof.reason or "not inductive"
    return done(Verdict.HOLDS_TO_BOUND, reason=f"no {what} within {bound} steps; no unbounded proof ({why})")


def replay_or_raise(system: System, prop: Property, trace: list) -> None:
    """The interpreter must agree that ``trace`` executes and is bad exactly at its end."""
    interp = Interpreter(system)
    try:
        at = first_bad_step(interp, prop, trace)
    except StepRefused as exc:
        raise InternalError(f"solver trace does not replay: {exc}") from None
    if at != len(trace):
        raise InternalError(f"solver trace is bad at step {len(trace)} but the interpreter says {at}")
