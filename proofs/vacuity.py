"""Vacuity of proofs: a ``whenever`` property proved because its trigger never happens.

"Whenever the parliament overrides a veto, the law is signed within a month" is proved, and means
nothing, if no lawful trace ever has the parliament override a veto. Every ``proved`` response
property is therefore asked one more witness question: does its trigger happen on some lawful
trace (any event the law allows, no compliance rule) within the bound the proof was checked
to? The question spends the proof's own budget (question.py), so its answer is the same on
every run. A trigger with no witness within the bound makes the proof *vacuous*: still
``proved``, but never shown as plain proved (``CheckResult.vacuous``).
"""

from __future__ import annotations

from dataclasses import replace

from ..model.system import System
from ..properties.language import Property
from .bmc import BmcStatus, bmc
from .compiler import Encoding
from .engine import replay_or_raise
from .question import part
from .verdicts import Result, Verdict


def trigger_reachable(system: System, prop: Property, bound: int, deadline: float) -> bool | None:
    """True: a replayed trace on which ``prop``'s trigger happens; False: none within
    ``bound`` events; None: the budget ran out first."""
    reach = Property("reachable", prop.target, text=f"trigger of {prop.text}")
    with part(deadline) as q:
        out = bmc(Encoding(system, switchable=False), reach, bound, deadline)
        stopped = q.clock_stopped
    if out.status == BmcStatus.UNKNOWN or stopped:
        return None
    if out.status == BmcStatus.NONE:
        return False
    assert out.trace is not None
    replay_or_raise(system, reach, out.trace)
    return True


def mark(system: System, prop: Property, result: Result, bound: int, deadline: float) -> Result:
    """``result`` with its vacuity settled when it is a proved response property."""
    if result.verdict != Verdict.PROVED or prop.kind != "response":
        return result
    happens = trigger_reachable(system, prop, bound, deadline)
    if happens is None:
        note = f"vacuity not settled: the budget ran out looking for the trigger within {bound} events"
        return replace(result, reason=_join(result.reason, note))
    if happens:
        return replace(result, stats={**result.stats, "vacuous": False})
    note = f"vacuous: the trigger never happens on a lawful trace of up to {bound} events"
    return replace(result, stats={**result.stats, "vacuous": True}, reason=_join(result.reason, note))


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b
