"""Check one property on one System: BMC first, then an unbounded proof, every answer vouched for.

Order: bounded search for a counterexample / witness (replayed by the interpreter before it is
returned); if none, k-induction, then Spacer, each with a re-checked certificate. A bounded
search the resource budget cuts short is ``unknown``, and so is anything the wall-clock backstop
stops; a clean bounded search without a proof is ``holds_to_bound``.
"""

from __future__ import annotations

import time
from typing import Any

from ..model.errors import InternalError
from ..model.system import System
from ..properties.language import Property
from .bmc import bmc
from .compiler import Encoding
from .induction import ProofOutcome, ProofStatus, k_induction, spacer
from .interpreter import Interpreter, Step, StepRefused
from .judge import first_bad_step
from .question import Question, budget_for, question, units_for
from .tighten import tighten, time_passes_last
from .verdicts import Certificate, Result, Verdict

DEFAULT_BOUND = 12
DEFAULT_TIMEOUT = 60.0
MAX_K = 3
QUICK_SPACER = units_for(5.0)  # resource units Spacer gets before a deep bounded search ...
DEEP = 12  # ... which is one beyond this many events
SPACER_SLICE = units_for(12.0)  # first slice of a Spacer seed, in resource units; later ones
# double. Seed 0 needs 5.8 million on the built-in suite's Spacer-only proof: twice that is the margin


def check_property(system: System, prop: Property, bound: int = DEFAULT_BOUND,
                   timeout: float = DEFAULT_TIMEOUT, unbounded: bool = True,
                   rlimit: int | None = None) -> Result:
    """Shallow search, k-induction, the full bounded search, then Spacer.

    A proof covers every depth, so a property k-induction proves never pays for the full
    search; before a deep search (bound > DEEP) the search goes to DEEP and Spacer gets a
    short try. A false property has no proof and is found by the bounded search, shortest
    trace first.

    Every step spends one budget of ``rlimit`` Z3 resource units (default ``budget_for
    (timeout)``), so the answer is the same under any load; ``timeout`` seconds is a backstop
    whose expiry gives ``unknown``. The check runs in a fresh Z3 context (question.py).
    """
    from .vacuity import mark

    budget = budget_for(timeout) if rlimit is None else rlimit
    with question(budget, time.monotonic() + timeout) as q:
        return mark(system, prop, _check_property(system, prop, bound, timeout, unbounded, q),
                    bound, q.deadline)


def _check_property(system: System, prop: Property, bound: int, timeout: float,
                    unbounded: bool, q: Question) -> Result:
    started = time.monotonic()
    deadline = q.deadline
    enc = Encoding(system, switchable=False)  # switches matter only for proofs
    solver_seconds = 0.0
    stats: dict[str, Any] = {}
    what = "witness" if prop.kind == "reachable" else "counterexample"

    def done(verdict: Verdict, **kw: Any) -> Result:
        stats["rlimit_used"], stats["rlimit_budget"] = q.used, q.rlimit
        if q.clock_stopped:  # a backstop's answer would depend on the machine's speed
            verdict, kw = Verdict.UNKNOWN, {"reason": (
                f"the wall-clock limit of {timeout:g} s ran out before the resource budget "
                f"({q.rlimit} units) was spent: raise --timeout")}
        return Result(verdict, bound, time.monotonic() - started, solver_seconds=solver_seconds,
                      stats=stats, **kw)

    def search(depth: int) -> Result | None:
        nonlocal solver_seconds
        found = bmc(enc, prop, depth, deadline)
        solver_seconds += found.solver_seconds
        stats["bmc_depth_seconds"] = found.depth_seconds
        if found.status == "unknown":
            return done(Verdict.UNKNOWN, reason=f"bounded search stopped at depth {found.depth}: {found.reason}")
        if found.status == "found":
            assert found.trace is not None
            trace = replay_and_tighten(system, prop, found.trace)
            verdict = Verdict.REACHABLE if prop.kind == "reachable" else Verdict.VIOLATED
            return done(verdict, trace=tuple(trace))
        return None

    shallow = min(bound, MAX_K) if unbounded else bound
    early = search(shallow)
    if early is not None:
        return early
    if not unbounded:
        return done(Verdict.HOLDS_TO_BOUND, reason=f"no {what} within {bound} steps")
    safety = prop if prop.kind != "reachable" else Property("never", prop.target, text=prop.text)

    def proved(p: ProofOutcome) -> Result:
        return done(**proof_fields(system, prop, p))

    proof = k_induction(system, safety, max(1, shallow), deadline)
    solver_seconds += proof.solver_seconds
    if proof.status == "proved":
        return proved(proof)
    spacer_says_false = False

    def try_spacer(units: int) -> None:
        """Spacer's run time varies a lot with its seed: restart with the next seed on a
        doubling slice of resource units (the same seeds and slices on every run and machine)."""
        nonlocal proof, solver_seconds, spacer_says_false
        stop_at = q.used + units
        seed, slice_units = 0, SPACER_SLICE
        while not q.clock_stopped:
            left = min(stop_at - q.used, q.remaining() or 0)
            if left <= 0:
                return
            attempt = spacer(system, safety, deadline, seed=seed,
                             rlimit=left if left < 2 * slice_units else slice_units)
            solver_seconds += attempt.solver_seconds
            spacer_says_false = attempt.status == "failed"
            proof = attempt if attempt.status == "proved" else ProofOutcome(
                ProofStatus.UNKNOWN, reason=attempt.reason or proof.reason)
            if attempt.status != "unknown":
                return
            seed, slice_units = seed + 1, slice_units * 2

    if bound > DEEP:
        middle = search(DEEP)  # most counterexamples are short; look before trying Spacer
        if middle is not None:
            return middle
        try_spacer(min(QUICK_SPACER, (q.rlimit or 0) // 10))  # saves a deep search
        if proof.status == "proved":
            return proved(proof)
    if bound > shallow:
        late = search(bound)
        if late is not None:
            return late
        if not spacer_says_false:
            try_spacer(q.remaining() or 0)  # the rest of the budget
            if proof.status == "proved":
                return proved(proof)
    if spacer_says_false:
        return done(Verdict.HOLDS_TO_BOUND,
                    reason=f"no {what} within {bound} steps, but Spacer reports a longer one: raise --bound")
    why = "the resource budget is spent" if not q.remaining() else (proof.reason or "not inductive")
    return done(Verdict.HOLDS_TO_BOUND, reason=f"no {what} within {bound} steps; no unbounded proof ({why})")


def proof_fields(system: System, prop: Property, proof: ProofOutcome) -> dict[str, Any]:
    """What a re-checked proof makes of a Result: verdict, certificate and reliance."""
    return {"verdict": Verdict.UNREACHABLE if prop.kind == "reachable" else Verdict.PROVED,
            "certificate": Certificate(proof.method, proof.k, proof.invariant, rechecked=True,
                                       smt2=proof.smt2, rechecked_by=proof.rechecked_by),
            "relies_on": tuple(system.cites_of(proof.core)), "core": tuple(sorted(proof.core))}


def replays(system: System, prop: Property, trace: list[Step]) -> bool:
    """Whether an old trace is still a counterexample / witness of ``prop`` on ``system``."""
    return why_not_replayed(system, prop, trace) is None


def replay_and_tighten(system: System, prop: Property, trace: list[Step]) -> list[Step]:
    """Replay the solver's trace, then move its events as early as the law allows (each
    candidate replayed again), so the timeline a lawyer reads has no needless day 38301."""
    replay_or_raise(system, prop, trace)
    interp = Interpreter(system)

    def bad(t: list[Step]) -> bool:
        return first_bad_step(interp, prop, t) == len(t)

    if prop.eager:  # the step that shows "too late" is arbitrary, only its day matters
        trace = time_passes_last(trace, bad)
    return tighten(trace, bad)


def why_not_replayed(system: System, prop: Property, trace: list[Step]) -> str | None:
    """None if the interpreter agrees that ``trace`` executes and is bad exactly at its end,
    else why not (a step it refuses, or where it finds the trace bad)."""
    try:
        at = first_bad_step(Interpreter(system), prop, trace)
    except StepRefused as exc:
        return f"does not replay: {exc}"
    if at != len(trace):
        return f"is bad at step {len(trace)} but the interpreter says {at}"
    return None


def replay_or_raise(system: System, prop: Property, trace: list[Step]) -> None:
    """A solver trace the interpreter does not confirm is a bug in one of the two: InternalError."""
    why = why_not_replayed(system, prop, trace)
    if why is not None:
        raise InternalError(f"solver trace {why}")
