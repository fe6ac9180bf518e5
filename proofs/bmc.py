"""Bounded model checking: one incremental solver unrolled depth by depth.

Each depth's goal is guarded by a fresh literal and checked under assumptions (the literal and
the provision switches) so learned clauses survive across depths (Z3-NOTES: incremental BMC).
Every check spends the current question's resource budget (question.py), never a time slice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import z3

from ..model.errors import InternalError
from ..model.system import NOW
from ..properties.language import Property
from .compiler import Encoding, MonitorVars, PropertyEncoding, StateVars, StepVars
from .interpreter import Step
from .question import current


@dataclass
class Unrolling:
    """Init plus k transitions, with the property monitor, asserted into one solver."""

    enc: Encoding
    penc: PropertyEncoding
    solver: z3.Solver
    eager: bool
    states: list[StateVars] = field(default_factory=list)
    steps: list[StepVars] = field(default_factory=list)
    monitors: list[MonitorVars] = field(default_factory=list)
    bads: list[z3.BoolRef] = field(default_factory=list)

    def start(self) -> None:
        s0 = self.enc.state(0)
        self.solver.add(self.enc.init(s0))
        m0 = self.penc.monitor(0)
        bad, upd = self.penc.bad_and_update(s0, self.enc.no_step(), s0, self.penc.monitor_init(), m0)
        self.solver.add(upd)
        self.states, self.steps, self.monitors, self.bads = [s0], [self.enc.no_step()], [m0], [bad]

    def extend(self) -> None:
        k = len(self.states)
        pre, post, st = self.states[-1], self.enc.state(k), self.enc.step(k)
        self.solver.add(self.enc.trans(pre, st, post, self.eager))
        m = self.penc.monitor(k)
        bad, upd = self.penc.bad_and_update(pre, st, post, self.monitors[-1], m)
        self.solver.add(upd)
        self.states.append(post)
        self.steps.append(st)
        self.monitors.append(m)
        self.bads.append(bad)

    def trace(self, model: z3.ModelRef, upto: int) -> list[Step]:
        return read_trace(self.enc, model, self.states, self.steps, upto)


def read_trace(enc: Encoding, model: z3.ModelRef, states: list[StateVars], steps: list[StepVars],
               upto: int) -> list[Step]:
    """Steps 1..upto of an unrolling (``states[0]`` is the initial state) as the model sets them."""
    out = []
    for k in range(1, upto + 1):
        st = steps[k]
        event = enc.events[model.eval(st.ev, model_completion=True).as_long()]
        day = model.eval(states[k][NOW], model_completion=True).as_long()
        args = {a: model.eval(st.args[a], model_completion=True).as_long()
                for a in sorted(a.id for a in event.args)}  # canonical order: by name
        out.append(Step(event.id, day, args))
    return out


class BmcStatus(str, Enum):
    """How a bounded search ended."""

    FOUND = "found"  # a trace reaches the goal (the caller replays it)
    NONE = "none"  # no trace within the bound
    UNKNOWN = "unknown"  # a limit ran out first


@dataclass
class BmcOutcome:
    status: BmcStatus
    depth: int
    trace: list[Step] | None = None
    reason: str = ""
    solver_seconds: float = 0.0
    depth_seconds: list[float] = field(default_factory=list)


# The multi-goal search on compliant traces is twice as fast with the older simplex-based
# arithmetic solver (KZ deadlocks, depth 8: 21.7 s -> 10.5 s); other queries show no clear gain.
GOALS_ARITH_SOLVER = 2


def new_solver(timeout_s: float | None, seed: int = 0, arith: int | None = None) -> z3.Solver:
    s = z3.Solver()
    s.set("random_seed", seed)
    s.set("ctrl_c", False)
    s.set("core.minimize", True)
    if arith is not None:
        s.set("arith.solver", arith)
    if timeout_s is not None:
        s.set("timeout", max(1, int(timeout_s * 1000)))
    return s


def bmc(enc: Encoding, prop: Property, bound: int, deadline: float,
        incremental: bool = True) -> BmcOutcome:
    """Search for the shortest trace (up to ``bound`` steps) on which ``prop`` is bad.

    The depths share the question's resource budget; ``deadline`` is the wall-clock backstop."""
    penc = PropertyEncoding(enc, prop)
    switches = list(enc.switches.values())
    q = current()
    solver_time = 0.0
    per_depth: list[float] = []
    unroll: Unrolling | None = None
    for k in range(bound + 1):
        if unroll is None or not incremental:
            unroll = Unrolling(enc, penc, new_solver(None), prop.eager)
            unroll.start()
            for _ in range(k):
                unroll.extend()
        else:
            unroll.extend()
        goal = z3.Bool(f"goal!{k}")
        unroll.solver.add(z3.Implies(goal, unroll.bads[k]))
        t0 = time.perf_counter()
        r, why = q.check(unroll.solver, goal, *switches, deadline=deadline)
        dt = time.perf_counter() - t0
        solver_time += dt
        per_depth.append(dt)
        if r == z3.sat:
            return BmcOutcome(BmcStatus.FOUND, k, unroll.trace(unroll.solver.model(), k),
                              solver_seconds=solver_time, depth_seconds=per_depth)
        if r == z3.unknown:
            return BmcOutcome(BmcStatus.UNKNOWN, k, reason=why,
                              solver_seconds=solver_time, depth_seconds=per_depth)
    return BmcOutcome(BmcStatus.NONE, bound, solver_seconds=solver_time, depth_seconds=per_depth)


@dataclass
class MultiOutcome:
    """What one incremental search over many witness goals found."""

    hits: list[tuple[list[Step], set[str]]] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)  # not cleared when time ran out
    reason: str = ""
    solver_seconds: float = 0.0


def search_goals(enc: Encoding, goals: dict[str, Property], bound: int, deadline: float,
                 eager: bool, replay: Callable[[list[Step]], set[str]]) -> MultiOutcome:
    """Find witnesses for many goals with one incremental solver, shortest first (see
    ``search_goals_to``, which also says how deep the search went)."""
    return search_goals_to(enc, goals, bound, deadline, eager, replay)[0]


def reach_any(enc: Encoding, goals: list[Property], bound: int, deadline: float,
              arith: int | None = None) -> tuple[z3.CheckSatResult, z3.Solver]:
    """One check: is any goal (a witness query) reached at any depth up to ``bound``? Asked
    under the encoding's switches, so an unsat answer has a core over them. No trace is
    shortest here; this settles "none" in one call where a search asks depth by depth."""
    solver = new_solver(None, arith=arith)
    _unrestricted(goals)
    un = Unrolling(enc, PropertyEncoding(enc, goals[0]), solver, any(g.eager for g in goals))
    un.start()
    encoders = [PropertyEncoding(enc, g) for g in goals]
    bads = []
    for k in range(bound + 1):
        if k > 0:
            un.extend()
        pre = un.states[k - 1] if k > 0 else un.states[0]
        bads += [pe.bad_and_update(pre, un.steps[k], un.states[k], pe.monitor_init(),
                                   pe.monitor_init())[0] for pe in encoders]
    solver.add(z3.Or(bads))
    r, _why = current().check(solver, *enc.switches.values(), deadline=deadline)
    return r, solver


def search_goals_to(enc: Encoding, goals: dict[str, Property], bound: int, deadline: float,
                    eager: bool, replay: Callable[[list[Step]], set[str]]) -> tuple[MultiOutcome, int]:
    """Witnesses for many goals with one incremental solver, shortest first, and the last
    depth searched completely (-1: none), so that a search the budget stops at depth k still
    says "nothing else within k - 1 events".

    At each depth, ask for any goal still open; ``replay`` runs the trace on the interpreter
    and says which goals it reaches; those close and the same depth is asked again. A depth is
    solved from scratch only once, however many goals there are.
    """
    out = MultiOutcome()
    open_goals = dict(goals)
    if not open_goals:
        return out, bound
    first = next(iter(goals.values()))
    _unrestricted(list(goals.values()))
    q = current()
    solver = new_solver(None, arith=GOALS_ARITH_SOLVER)
    unroll = Unrolling(enc, PropertyEncoding(enc, first), solver, eager)
    unroll.start()
    encoders = {k: PropertyEncoding(enc, p) for k, p in goals.items()}
    counter = 0
    for k in range(bound + 1):
        if k > 0:
            unroll.extend()
        pre = unroll.states[k - 1] if k > 0 else unroll.states[0]
        st, post = unroll.steps[k], unroll.states[k]
        bad_at = {key: pe.bad_and_update(pre, st, post, pe.monitor_init(), pe.monitor_init())[0]
                  for key, pe in encoders.items()}
        while open_goals:
            counter += 1
            lit = z3.Bool(f"goals!{counter}")
            solver.add(z3.Implies(lit, z3.Or([bad_at[g] for g in sorted(open_goals)])))
            t0 = time.perf_counter()
            r, why = q.check(solver, lit, deadline=deadline)
            out.solver_seconds += time.perf_counter() - t0
            if r == z3.unknown:
                out.unresolved, out.reason = set(open_goals), why
                return out, k - 1
            if r == z3.unsat:
                break
            trace = unroll.trace(solver.model(), k)
            reached = replay(trace) & set(open_goals)
            if not reached:
                raise InternalError("a solver witness reaches none of the open goals on replay")
            out.hits.append((trace, reached))
            for g in reached:
                open_goals.pop(g)
        if not open_goals:
            return out, bound
    return out, bound


StepGoal = Callable[[StateVars, StepVars, StateVars], z3.BoolRef]


def concrete(enc: Encoding, s: StateVars, state: dict[str, object]) -> z3.BoolRef:
    """The state variables ``s`` equal the concrete ``state`` (an interpreter's state)."""
    parts = [s[NOW] == z3.IntVal(int(state[NOW]))]  # type: ignore[call-overload]
    for v in enc.system.vars:
        value = state[v.id]
        if isinstance(value, str):
            idx = enc.enum_index(value)
            if idx is None:
                raise InternalError(f"no enum value {value}")
            parts.append(s[v.id] == idx)
        else:
            parts.append(s[v.id] == enc.value(value))
    return z3.And(parts)


def search_from(enc: Encoding, start: dict[str, object], goal: StepGoal, bound: int,
                deadline: float, allowed: list[str] | None = None) -> BmcOutcome:
    """The shortest continuation of at most ``bound`` events from the concrete state ``start``
    whose last step meets ``goal`` (over the state before, the step, the state after), using
    only the events ``allowed`` (None: every event). Lawful traces, not compliant ones: this
    asks what anyone *could* do. One incremental solver; the question's budget."""
    q = current()
    solver = new_solver(None)
    s0 = enc.state("from0")
    solver.add(concrete(enc, s0, start))
    states, steps = [s0], [enc.no_step()]
    only = None if allowed is None else [enc.event_index[e] for e in allowed]
    solver_time = 0.0
    for k in range(1, bound + 1):
        pre, st, post = states[-1], enc.step(f"from{k}"), enc.state(f"from{k}")
        solver.add(enc.trans(pre, st, post, False))
        if only is not None:
            solver.add(z3.Or([st.ev == i for i in only]) if only else z3.BoolVal(False))
        states.append(post)
        steps.append(st)
        lit = z3.Bool(f"from!{k}")
        solver.add(z3.Implies(lit, goal(pre, st, post)))
        t0 = time.perf_counter()
        r, why = q.check(solver, lit, deadline=deadline)
        solver_time += time.perf_counter() - t0
        if r == z3.sat:
            return BmcOutcome(BmcStatus.FOUND, k, read_trace(enc, solver.model(), states, steps, k),
                              solver_seconds=solver_time)
        if r == z3.unknown:
            return BmcOutcome(BmcStatus.UNKNOWN, k, reason=why, solver_seconds=solver_time)
    return BmcOutcome(BmcStatus.NONE, bound, solver_seconds=solver_time)


def _unrestricted(goals: list[Property]) -> None:
    """Many goals share one unrolling: none may restrict its traces (``along``)."""
    if any(g.along is not None for g in goals):
        raise InternalError("a search for many goals cannot restrict the traces of one of them")
