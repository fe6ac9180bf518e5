"""Exact optima over traces: the machinery under quantitative queries (query_answers.py).

Trace queries unroll the model ``bound`` steps (the same ``Encoding`` as BMC) and choose one
step ``pick``: the objective and its side condition are read on that step, and the transitions
after it are left free, so the answer ranges over every trace of at most ``bound`` events. The
optimum is found by a search on the objective with one incremental ``z3.Solver`` (galloping,
then bisection under assumption literals); ``prove_optimal`` then asks a *separate* solver on a
freshly built unrolling whether anything beats it (``unsat`` is optimal; ``unknown`` is reported
as such, never as optimal).

Every solver call spends the current question's resource budget (question.py): a value cut
short by the budget (a bound only) is the same on every machine. The wall clock is only the
backstop: when it stops a call, the search or the proof says ``clock_stopped`` and the answer
is ``unknown``, whatever had been found before it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

import z3

from ..model.errors import InternalError, Location, UserError
from ..model.expr import (
    BOOL,
    INT,
    Call,
    ExprError,
    Node,
    Scope,
    Type,
    check,
    children,
    parse,
)
from ..model.system import NOW, System
from ..properties.language import property_scope
from .bmc import new_solver, read_trace
from .compiler import Encoding, StateVars, StepVars
from .interpreter import Step
from .query_replay import NEVER, TRACE_FNS
from .question import current

# ----------------------------------------------------------------------------- expressions


def trace_scope(system: System) -> Scope:
    """The property language plus duration(C), last(C) and ever(C) over a step condition C."""
    inner = property_scope(system)

    def one_cond(s: Scope, c: Call) -> None:
        if len(c.args) != 1:
            raise ExprError(f"{c.fn}(...) takes one condition", c.line, c.col)
        check(c.args[0], inner, BOOL)

    def int_fn(s: Scope, c: Call) -> Type:
        one_cond(s, c)
        return INT

    def bool_fn(s: Scope, c: Call) -> Type:
        one_cond(s, c)
        return BOOL

    fns = {**inner.functions, "duration": int_fn, "last": int_fn, "ever": bool_fn}
    return Scope(inner.names, inner.constants, inner.enum_values, fns)


def parse_at(text: str, scope: Scope, want: Type, where: Location) -> Node:
    """Parse and check an expression written at ``where`` in a catalog (errors located there)."""
    try:
        node = parse(text)
        check(node, scope, want)
    except ExprError as exc:
        col = where.col + (exc.expr_col - 1 if exc.expr_line == 1 else 0)
        raise UserError(exc.message, Location(where.file, where.line + exc.expr_line - 1, col)) from None
    return node


def trace_calls(node: Node) -> list[Call]:
    out: list[Call] = []

    def walk(n: Node) -> None:
        if isinstance(n, Call) and n.fn in TRACE_FNS:
            if n not in out:
                out.append(n)
            return
        for ch in children(n):
            walk(ch)

    walk(node)
    return out


# ----------------------------------------------------------------------------- the unrolling


class TraceEncoding:
    """Init and ``bound`` transitions; transition j is asserted only when j <= pick."""

    def __init__(self, system: System, bound: int, eager: bool, monitors: list[Call]) -> None:
        self.system = system
        self.bound = bound
        self.enc = Encoding(system, switchable=False)
        self.solver = new_solver(None)  # limits are set per call (search, prove_optimal)
        self.pick = z3.Int("pick!")
        enc = self.enc
        self.states: list[StateVars] = [enc.state(0)]
        self.steps: list[StepVars] = [enc.no_step()]
        self.solver.add(enc.init(self.states[0]), self.pick >= 1, self.pick <= bound)
        for j in range(1, bound + 1):
            pre, post, st = self.states[-1], enc.state(j), enc.step(j)
            self.solver.add(z3.Implies(self.pick >= j, enc.trans(pre, st, post, eager)))
            self.states.append(post)
            self.steps.append(st)
        self.mon: dict[Call, list[z3.ExprRef]] = {}
        for call in monitors:
            self._monitor(call)
        self._n = 0
        self._lits = 0

    def _monitor(self, call: Call) -> None:
        cond = call.args[0]
        holds = [self.step_expr(cond, j, plain=True) for j in range(self.bound + 1)]
        now = [s[NOW] for s in self.states]
        series: list[z3.ExprRef] = []
        if call.fn == "duration":
            since: z3.ArithRef = z3.IntVal(0)
            series.append(z3.IntVal(0))
            for j in range(1, self.bound + 1):
                series.append(z3.If(holds[j - 1], now[j] - since, 0))
                since = z3.If(z3.And(holds[j], z3.Not(holds[j - 1])), now[j], since)
        elif call.fn == "last":
            last: z3.ArithRef = z3.If(holds[0], 0, NEVER)
            series.append(z3.IntVal(NEVER))
            for j in range(1, self.bound + 1):
                series.append(last)
                last = z3.If(holds[j], now[j], last)
        else:  # ever
            ever: z3.BoolRef = holds[0]
            series.append(z3.BoolVal(False))
            for j in range(1, self.bound + 1):
                series.append(ever)
                ever = z3.Or(ever, holds[j])
        self.mon[call] = series

    def step_expr(self, node: Node, j: int, plain: bool = False) -> z3.ExprRef:
        """``node`` on step j (pre = state j-1, post = state j); j = 0 is the initial state."""
        post = self.states[j]
        pre = self.states[j - 1] if j > 0 else post
        st = self.steps[j] if j > 0 else self.enc.no_step()

        def monitor(call: Call) -> z3.ExprRef:
            if plain:
                raise InternalError(f"{call.fn}(...) nested in a trace function")
            return self.mon[call][j]

        return self.enc.condition(node, pre, st, post, dict.fromkeys(TRACE_FNS, monitor))

    def goal(self, objective: Node, subject_to: Node, effect_cond: Node | None = None
             ) -> tuple[z3.BoolRef, z3.ArithRef]:
        """A guard literal and the objective's value on the picked step (meaningful under it).

        ``effect_cond`` is a condition written like an effect's ``if``: over the state before
        the step, the step's day and its arguments.
        """
        self._n += 1
        g = z3.Bool(f"goal!{self._n}")
        v = z3.Int(f"obj!{self._n}")
        for j in range(1, self.bound + 1):
            here = self.pick == j
            parts = [self.step_expr(subject_to, j), v == self.step_expr(objective, j)]
            if effect_cond is not None:
                st = self.steps[j]
                parts.append(self.enc.expr(effect_cond, self.enc.env(
                    self.states[j - 1], self.states[j][NOW], st.args)))
            self.solver.add(z3.Implies(z3.And(g, here), z3.And(parts)))
        return g, v

    def literal(self, what: str) -> z3.BoolRef:
        """A fresh assumption literal of this solver (named by a counter, the same every run)."""
        self._lits += 1
        return z3.Bool(f"{what}!{self._lits}")

    def trace(self, model: z3.ModelRef) -> list[Step]:
        upto = model.eval(self.pick, model_completion=True).as_long()
        return read_trace(self.enc, model, self.states, self.steps, upto)


# ----------------------------------------------------------------------------- replay


# ----------------------------------------------------------------------------- search

WALL_CLOCK = "wall-clock limit"  # the reason Question.check gives when the backstop stopped a call


class SearchStatus(str, Enum):
    """How the search for a best value ended."""

    OPTIMAL = "optimal"  # the best value within the bound, bisection closed
    UNBOUNDED = "unbounded"  # a witness beyond 1000 x the cap
    INFEASIBLE = "infeasible"  # no trace satisfies the condition
    UNKNOWN = "unknown"  # no value at all before the budget ran out, or the wall clock stopped it
    BOUND_ONLY = "bound_only"  # a value attained, the bisection cut short by the resource budget


@dataclass
class Search:
    status: SearchStatus
    value: int | None = None
    model: z3.ModelRef | None = None
    reason: str = ""
    checks: int = 0
    clock_stopped: bool = False  # the wall clock, not the budget, ended it: an unknown


def search(te: TraceEncoding, g: z3.BoolRef, v: z3.ArithRef, maximize: bool, cap: int,
           deadline: float, units: int | None = None) -> Search:
    """Best value of ``v`` under ``g``: galloping to the cap, then bisection. Each call spends
    the current question's budget (at most ``units``); ``deadline`` is the wall-clock backstop."""
    s = te.solver
    q = current()
    t = v if maximize else -v
    n = [0]
    why = [""]

    def run(*extra: z3.BoolRef) -> z3.CheckSatResult:
        n[0] += 1
        lits = []
        for e in extra:
            lit = te.literal("bound")
            s.add(z3.Implies(lit, e))
            lits.append(lit)
        r, why[0] = q.check(s, g, *lits, cap=units, deadline=deadline)
        return r

    def stopped() -> Search | None:
        """The backstop's answer, whatever was found so far: unknown."""
        if why[0] != WALL_CLOCK:
            return None
        return Search(SearchStatus.UNKNOWN, reason=WALL_CLOCK, checks=n[0], clock_stopped=True)

    def val(m: z3.ModelRef) -> int:
        return int(m.eval(t, model_completion=True).as_long())

    r = run()
    if r == z3.unsat:
        return Search(SearchStatus.INFEASIBLE, checks=n[0])
    if r == z3.unknown:
        return stopped() or Search(SearchStatus.UNKNOWN, reason=why[0] or _why(s), checks=n[0])
    best, lo = s.model(), 0
    lo = val(best)
    r = run(t >= cap)
    if r == z3.sat:
        best, lo = s.model(), val(s.model())
        r = run(t >= 1000 * cap)
        if r == z3.sat:
            m = s.model()
            return Search(SearchStatus.UNBOUNDED, val(m) if maximize else -val(m), m, checks=n[0])
        hi = 1000 * cap - 1
    else:
        hi = cap - 1
    if r == z3.unknown:
        return stopped() or Search(SearchStatus.BOUND_ONLY, lo if maximize else -lo, best, why[0], n[0])
    while lo < hi:
        mid = (lo + hi + 1) // 2
        r = run(t >= mid)
        if r == z3.sat:
            best = s.model()
            lo = val(best)
        elif r == z3.unsat:
            hi = mid - 1
        else:
            return stopped() or Search(SearchStatus.BOUND_ONLY, lo if maximize else -lo, best, why[0], n[0])
    return Search(SearchStatus.OPTIMAL, lo if maximize else -lo, best, checks=n[0])


def _why(s: z3.Solver) -> str:
    try:
        return s.reason_unknown() or "unknown"
    except z3.Z3Exception:
        return "unknown"


def prove_optimal(system: System, bound: int, eager: bool, objective: Node, subject_to: Node,
                  value: int, maximize: bool, deadline: float, effect_cond: Node | None = None,
                  units: int | None = None) -> tuple[dict[str, Any], bool]:
    """A fresh unrolling and solver: can any trace do better than ``value``? (unsat = optimal).
    Returns the proof and whether the wall clock (not the budget) stopped it."""
    te = TraceEncoding(system, bound, eager, trace_calls(objective) + trace_calls(subject_to))
    g, v = te.goal(objective, subject_to, effect_cond)
    better = v >= value + 1 if maximize else v <= value - 1
    t0 = time.perf_counter()
    lit = z3.Bool("better!")
    te.solver.add(z3.Implies(lit, better))
    r, why = current().check(te.solver, g, lit, cap=units, deadline=deadline)
    claim = (f"no trace of at most {bound} events{' (diligent)' if eager else ''} gives "
             f"{'more' if maximize else 'less'} than {value}")
    out = {"method": "separate solver on a fresh unrolling", "claim": claim,
           "query": f"objective {'>=' if maximize else '<='} {value + 1 if maximize else value - 1}",
           "result": str(r), "seconds": round(time.perf_counter() - t0, 3)}
    if r == z3.sat:
        raise InternalError(f"optimality check found a better value than {value}: the search was wrong")
    if r == z3.unknown:
        out["reason"] = why or _why(te.solver)
    return out, why == WALL_CLOCK


# ----------------------------------------------------------------------------- trace queries


