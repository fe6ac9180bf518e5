"""One question, one Z3 context, one resource budget: answers that depend on the input alone.

Which model or invariant Z3 returns depends on the context it is asked in (the terms built
before, their ids and order). Each question therefore gets a fresh context, so its answer does
not depend on what ran before it in the process: this is what makes ``--jobs 1`` and
``--jobs 2`` agree. z3py builds every term in its default context, so the question swaps that
default for a fresh one and restores it afterwards (Z3 objects never cross a question).

Every budget an answer depends on is counted in Z3 resource units (``rlimit``), which count
work, not time, and so are the same under any load. The wall clock is only a backstop: when it
stops a solver, the question records it and the engines report ``unknown``, never a different
definite answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import z3

# Z3 resource units per second of solver time on the 2-core reference machine, built-in suite
# (see docs/determinism.md for the measurement). Budgets given in seconds are converted with
# it, so a budget is about that many seconds on a quiet machine, and the same work anywhere.
RLIMIT_PER_SECOND = 1_000_000


def units_for(seconds: float) -> int:
    """The resource budget worth ``seconds`` on the reference machine.

    >>> units_for(2.5)
    2500000
    """
    return max(1, int(seconds * RLIMIT_PER_SECOND))


BUDGET_SHARE = 0.5  # a default budget is worth this share of the wall-clock limit on the
# reference machine, so a machine (or a load) twice as slow still answers from the budget


def budget_for(timeout: float) -> int:
    """The default resource budget of a question whose wall-clock limit is ``timeout`` seconds.

    >>> budget_for(120)
    60000000
    """
    return units_for(timeout * BUDGET_SHARE)


class Question:
    """The budget of one question: resource units (deterministic) and the wall-clock backstop."""

    def __init__(self, rlimit: int | None, deadline: float, ctx: z3.Context) -> None:
        self.rlimit = rlimit  # units for the whole question; None: no resource limit
        self.deadline = deadline
        self.ctx = ctx
        self.used = 0  # units spent so far by this question's solver calls
        self.clock_stopped = False  # the wall clock, not the budget, stopped a solver

    def remaining(self) -> int | None:
        """Units left; None if the question has no resource budget."""
        if self.rlimit is None:
            return None
        return max(0, self.rlimit - self.used)

    def units(self, cap: int | None = None) -> int | None:
        """What the next solver call may spend: the rest of the budget, at most ``cap``."""
        left = self.remaining()
        if cap is None:
            return left
        return cap if left is None else min(cap, left)

    def check(self, solver: Any, *assumptions: Any, cap: int | None = None,
              deadline: float | None = None) -> tuple[z3.CheckSatResult, str]:
        """``solver.check`` within the budget (at most ``cap`` units) and the backstop (the
        question's deadline or an earlier one).

        Returns the result and, for ``unknown``, why: "resource budget spent" (the same on
        every run) or "wall-clock limit" (the backstop; ``clock_stopped`` is set).
        """
        units = self.units(cap)
        if units is not None and units <= 0:
            return z3.unknown, "resource budget spent"
        stop = self.deadline if deadline is None else min(deadline, self.deadline)
        wall = stop - time.monotonic()
        if wall <= 0:
            self.clock_stopped = True
            return z3.unknown, "wall-clock limit"
        solver.set("rlimit", 0 if units is None else units)  # 0: no limit
        solver.set("timeout", max(1, int(wall * 1000)))
        before = rlimit_count(solver)
        r = solver.check(*assumptions)
        spent = max(0, rlimit_count(solver) - before)  # some engines (Spacer) count on their own
        self.used += spent
        if r != z3.unknown:
            return r, ""
        if units is not None and spent >= units:
            return r, "resource budget spent"
        reason = solver.reason_unknown()
        if reason in ("timeout", "canceled") or time.monotonic() >= stop:
            self.clock_stopped = True
            return r, "wall-clock limit"
        return r, reason


def rlimit_count(solver: Any) -> int:
    """The context's resource counter as the solver's statistics report it."""
    st = solver.statistics()
    return max([int(st.get_key_value(k)) for k in st.keys() if k == "rlimit count"], default=0)


_ACTIVE: list[Question] = []


def current() -> Question:
    """The innermost open question; outside any, an unbudgeted one on the default context."""
    if _ACTIVE:
        return _ACTIVE[-1]
    return Question(None, float("inf"), z3.main_ctx())


@contextmanager
def question(rlimit: int | None, deadline: float) -> Iterator[Question]:
    """A fresh Z3 context as the default for everything built inside, with its budget."""
    module: Any = z3.z3  # z3py keeps its default context in this module global
    saved = module._main_ctx
    q = Question(rlimit, deadline, z3.Context())
    module._main_ctx = q.ctx
    _ACTIVE.append(q)
    try:
        yield q
    finally:
        _ACTIVE.pop()
        module._main_ctx = saved


@contextmanager
def in_context(ctx: z3.Context) -> Iterator[None]:
    """``ctx`` as the default for everything built inside, outside any question's budget: for
    terms built once per process and copied into each question's context (``translate``)."""
    module: Any = z3.z3
    saved = module._main_ctx
    module._main_ctx = ctx
    try:
        yield
    finally:
        module._main_ctx = saved


@contextmanager
def context_rlimit(units: int) -> Iterator[None]:
    """A resource limit on the current context itself, for calls with no solver to set it on
    (tactics such as quantifier elimination)."""
    ctx = z3.main_ctx()
    z3.Z3_update_param_value(ctx.ref(), "rlimit", str(units))
    try:
        yield
    finally:
        z3.Z3_update_param_value(ctx.ref(), "rlimit", "0")


@contextmanager
def part(deadline: float, cap: int | None = None, fresh: bool = True) -> Iterator[Question]:
    """One part of the current question (a re-check, a Spacer attempt): it spends the
    question's budget (at most ``cap`` units) and reports a clock stop to it. In a fresh
    context of its own unless ``fresh`` is False (then in the question's context, whose
    history is the same on every run)."""
    outer = current()
    units, stop = outer.units(cap), min(deadline, outer.deadline)
    if fresh:
        scope = question(units, stop)
    else:
        scope = _within(Question(units, stop, outer.ctx))
    with scope as q:
        try:
            yield q
        finally:
            outer.used += q.used
            outer.clock_stopped |= q.clock_stopped


@contextmanager
def _within(q: Question) -> Iterator[Question]:
    _ACTIVE.append(q)
    try:
        yield q
    finally:
        _ACTIVE.pop()
