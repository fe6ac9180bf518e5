"""Make a trace read like a story: move its events as early as the law allows.

The solver may put an event on any day that satisfies the constraints (day 38301 is as good
as day 40 to it). A lawyer reads a timeline more easily when nothing is later than it has to
be. Each step, with everything after it, is shifted earlier by the largest amount that keeps
the trace valid and the property decided at its end, as the interpreter judges; every
candidate is checked, so the result is always a trace the interpreter accepts.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model.system import TIME_PASSES
from .interpreter import Step, StepRefused

Check = Callable[[list[Step]], bool]


def time_passes_last(trace: list[Step], still_bad: Check) -> list[Step]:
    """The last step said as "time passes" when the trace still shows what it shows: a lapse
    on a diligent trace shows on a day, and the act the solver put there is a filler that
    looks like a legal act."""
    if not trace or trace[-1].event == TIME_PASSES:
        return trace
    plain = [*trace[:-1], Step(TIME_PASSES, trace[-1].day)]
    try:
        return plain if still_bad(plain) else trace
    except StepRefused:
        return trace


def _shift(trace: list[Step], i: int, delta: int) -> list[Step]:
    return trace[:i] + [Step(s.event, s.day - delta, s.args) for s in trace[i:]]


def tighten(trace: list[Step], still_bad: Check, probes: int = 24) -> list[Step]:
    """Shift steps earlier while ``still_bad`` accepts the trace; returns an accepted trace."""

    def ok(candidate: list[Step]) -> bool:
        try:
            return still_bad(candidate)
        except StepRefused:
            return False

    if not trace or not ok(trace):
        return trace
    current = list(trace)
    for i in range(len(current)):
        floor = current[i - 1].day if i > 0 else 0
        gap = current[i].day - floor
        if gap <= 0:
            continue
        if ok(_shift(current, i, gap)):
            current = _shift(current, i, gap)
            continue
        lo, hi = 0, gap  # lo works (no shift), hi does not
        for _ in range(probes):
            if hi - lo <= 1:
                break
            mid = (lo + hi) // 2
            if ok(_shift(current, i, mid)):
                lo = mid
            else:
                hi = mid
        if lo:
            current = _shift(current, i, lo)
    return current
