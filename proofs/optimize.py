"""Quantitative questions: exact optima over traces (and over referendum vote counts).

Trace queries unroll the model ``bound`` steps (the same ``Encoding`` as BMC) and choose one
step ``pick``: the objective and its side condition are read on that step, and the transitions
after it are left free, so the answer ranges over every trace of at most ``bound`` events. The
optimum is found by a search on the objective with one incremental ``z3.Solver`` (galloping,
then bisection under assumption literals); every answer is then

* replayed: the trace runs on the independent interpreter and the objective is re-evaluated
  there; a disagreement is an InternalError;
* proved optimal by a *separate* solver on a freshly built unrolling: ``objective better than
  the optimum`` must be ``unsat``. ``unknown`` is reported as such, never as optimal.

An objective that reaches ``cap`` and also ``1000 * cap`` is reported ``unbounded``: it grows
without limit within the bound (a witness trace beyond 1000 * cap is shown).

Referendum queries are a pure integer optimisation over per-unit vote counts (ratio minimised
by Dinkelbach iterations on ``z3.Optimize``), re-checked in plain Python and proved optimal the
same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
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
    evaluate,
    names_in,
    parse,
)
from ..model.queries import LoadedQueries, Objective, Query, Unit
from ..model.system import NOW, EventDef, System
from ..model.yamlpos import PathKey
from ..properties.language import property_scope
from .bmc import new_solver, read_trace
from .compiler import Encoding, StateVars, StepVars
from .interpreter import Step
from .query_replay import NEVER, TRACE_FNS, Problem, replay, replay_referendum
from .question import budget_for, context_rlimit, question
from .records import AnswerStatus, QueryAnswer

DEFAULT_TIMEOUT = 120.0


# ----------------------------------------------------------------------------- answers


@dataclass
class Answer:
    """One number with the trace that attains it and how its optimality was established."""

    id: str
    statement: str
    value: Any  # int, a fraction string, "unbounded" or None
    unit: str
    optimal: bool
    status: AnswerStatus
    trace: list[dict[str, Any]] | None = None
    proof: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)
    reading: str = ""
    cites: list[str] = field(default_factory=list)

    def record(self) -> QueryAnswer:
        return QueryAnswer(self.id, self.statement, self.value, self.unit, self.optimal, self.status,
                           None if self.trace is None else tuple(self.trace), self.proof, self.detail,
                           self.reading, tuple(self.cites))

    def to_json(self) -> dict[str, Any]:
        return self.record().to_json()


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

    def __init__(self, system: System, bound: int, eager: bool, monitors: list[Call],
                 timeout: float | None = None) -> None:
        self.system = system
        self.bound = bound
        self.enc = Encoding(system, switchable=False)
        self.solver = new_solver(timeout)
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

    def trace(self, model: z3.ModelRef) -> list[Step]:
        upto = model.eval(self.pick, model_completion=True).as_long()
        return read_trace(self.enc, model, self.states, self.steps, upto)


# ----------------------------------------------------------------------------- replay


# ----------------------------------------------------------------------------- search


class SearchStatus(str, Enum):
    """How the search for a best value ended."""

    OPTIMAL = "optimal"  # the best value within the bound, bisection closed
    UNBOUNDED = "unbounded"  # a witness beyond 1000 x the cap
    INFEASIBLE = "infeasible"  # no trace satisfies the condition
    UNKNOWN = "unknown"  # no value at all before the limit
    BOUND_ONLY = "bound_only"  # a value attained, the bisection cut short


@dataclass
class Search:
    status: SearchStatus
    value: int | None = None
    model: z3.ModelRef | None = None
    reason: str = ""
    checks: int = 0


def search(te: TraceEncoding, g: z3.BoolRef, v: z3.ArithRef, maximize: bool, cap: int,
           deadline: float) -> Search:
    """Best value of ``v`` under ``g``: galloping to the cap, then bisection."""
    s = te.solver
    t = v if maximize else -v
    n = [0]

    def run(*extra: z3.BoolRef) -> z3.CheckSatResult:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return z3.unknown
        s.set("timeout", max(1, int(remaining * 1000)))
        n[0] += 1
        lits = []
        for e in extra:
            lit = z3.Bool(f"bound!{id(e)}!{n[0]}")
            s.add(z3.Implies(lit, e))
            lits.append(lit)
        return s.check(g, *lits)

    def val(m: z3.ModelRef) -> int:
        return int(m.eval(t, model_completion=True).as_long())

    r = run()
    if r == z3.unsat:
        return Search(SearchStatus.INFEASIBLE, checks=n[0])
    if r == z3.unknown:
        return Search(SearchStatus.UNKNOWN, reason=_why(s), checks=n[0])
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
        return Search(SearchStatus.BOUND_ONLY, lo if maximize else -lo, best, _why(s), n[0])
    while lo < hi:
        mid = (lo + hi + 1) // 2
        r = run(t >= mid)
        if r == z3.sat:
            best = s.model()
            lo = val(best)
        elif r == z3.unsat:
            hi = mid - 1
        else:
            return Search(SearchStatus.BOUND_ONLY, lo if maximize else -lo, best, _why(s), n[0])
    return Search(SearchStatus.OPTIMAL, lo if maximize else -lo, best, checks=n[0])


def _why(s: z3.Solver) -> str:
    try:
        return s.reason_unknown() or "unknown"
    except z3.Z3Exception:
        return "unknown"


def prove_optimal(system: System, bound: int, eager: bool, objective: Node, subject_to: Node,
                  value: int, maximize: bool, deadline: float, effect_cond: Node | None = None,
                  ) -> dict[str, Any]:
    """A fresh unrolling and solver: can any trace do better than ``value``? (unsat = optimal)."""
    remaining = max(0.001, deadline - time.monotonic())
    te = TraceEncoding(system, bound, eager, trace_calls(objective) + trace_calls(subject_to),
                       remaining)
    g, v = te.goal(objective, subject_to, effect_cond)
    better = v >= value + 1 if maximize else v <= value - 1
    t0 = time.perf_counter()
    r = _check_with(te.solver, g, better)
    claim = (f"no trace of at most {bound} events{' (compliant)' if eager else ''} gives "
             f"{'more' if maximize else 'less'} than {value}")
    out = {"method": "separate solver on a fresh unrolling", "claim": claim,
           "query": f"objective {'>=' if maximize else '<='} {value + 1 if maximize else value - 1}",
           "result": str(r), "seconds": round(time.perf_counter() - t0, 3)}
    if r == z3.sat:
        raise InternalError(f"optimality check found a better value than {value}: the search was wrong")
    if r == z3.unknown:
        out["reason"] = _why(te.solver)
    return out


def _check_with(s: z3.Solver, g: z3.BoolRef, extra: z3.BoolRef) -> z3.CheckSatResult:
    lit = z3.Bool("better!")
    s.add(z3.Implies(lit, extra))
    return s.check(g, lit)


# ----------------------------------------------------------------------------- trace queries


def problems(query: Query, qi: int, lq: LoadedQueries, system: System) -> list[Problem]:
    scope = trace_scope(system)
    out = []
    for j, a in enumerate(query.answers):
        base: PathKey = ("queries", qi, "answers", j)
        key = "maximize" if a.maximize is not None else "minimize"
        text = a.maximize if a.maximize is not None else a.minimize
        assert text is not None
        obj = parse_at(text, scope, INT, lq.locate((*base, key)))
        sub = parse_at(a.subject_to, scope, BOOL, lq.locate((*base, "subject_to")))
        out.append(_problem(a, query, obj, sub))
    return out


def _problem(a: Objective, q: Query, obj: Node, sub: Node) -> Problem:
    return Problem(a.id, a.statement, obj, sub, a.maximize is not None,
                   a.bound if a.bound is not None else q.bound,
                   a.eager if a.eager is not None else q.eager, a.unit, a.cap,
                   a.cites or q.cites)


def solve(system: System, p: Problem, deadline: float, te: TraceEncoding | None = None,
          ) -> tuple[Answer, int | None]:
    """Optimise one problem; replay its trace; prove it optimal. Returns the answer and the value."""
    if te is None:
        te = TraceEncoding(system, p.bound, p.eager,
                           trace_calls(p.objective) + trace_calls(p.subject_to),
                           max(0.001, deadline - time.monotonic()))
    g, v = te.goal(p.objective, p.subject_to, p.effect_cond)
    t0 = time.perf_counter()
    res = search(te, g, v, p.maximize, p.cap, deadline)
    seconds = round(time.perf_counter() - t0, 3)
    first = AnswerStatus.UNKNOWN if res.status == SearchStatus.BOUND_ONLY else AnswerStatus(res.status.value)
    ans = Answer(p.id, p.statement, None, p.unit, False, first, cites=p.cites,
                 detail={"bound": p.bound, "eager": p.eager, "search_checks": res.checks,
                         "search_seconds": seconds})
    if res.status == "infeasible":
        ans.proof = {"method": "solver", "result": "unsat",
                     "claim": f"no trace of at most {p.bound} events satisfies the condition"}
        return ans, None
    if res.status == "unknown":
        ans.proof = {"result": "unknown", "reason": res.reason}
        return ans, None
    assert res.model is not None and res.value is not None
    steps = te.trace(res.model)
    replayed = replay(system, steps, p)
    if replayed != res.value:
        raise InternalError(f"{p.id}: the solver's trace gives {res.value} but the interpreter "
                            f"computes {replayed}")
    ans.trace = [s.to_json() for s in steps]
    if res.status == "unbounded":
        ans.value = "unbounded"
        ans.detail["witness_value"] = res.value
        ans.proof = {"method": "witness beyond 1000 x cap", "cap": p.cap, "result": "sat",
                     "claim": f"a trace of at most {p.bound} events reaches {res.value} "
                              f"(>= {1000 * p.cap}); no finite optimum within the bound"}
        return ans, None
    ans.value = res.value
    if res.status == "bound_only":
        ans.status = AnswerStatus.LOWER_BOUND if p.maximize else AnswerStatus.UPPER_BOUND
        ans.proof = {"result": "unknown", "reason": res.reason}
        return ans, res.value
    ans.proof = prove_optimal(system, p.bound, p.eager, p.objective, p.subject_to, res.value,
                              p.maximize, deadline, p.effect_cond)
    ans.optimal = ans.proof["result"] == "unsat"
    if not ans.optimal:
        ans.status = AnswerStatus.LOWER_BOUND if p.maximize else AnswerStatus.UPPER_BOUND
    return ans, res.value


# ----------------------------------------------------------------------------- votes


def vote_answers(query: Query, qi: int, lq: LoadedQueries, system: System,
                 deadline: float) -> list[Answer]:
    """Per event with a vote argument: min and max of the vote, then blocking and forcing sizes.

    Definitions (``n`` = the argument's upper bound, the number of seats; ``lo``/``hi`` = the
    fewest/most votes in favour with which the event can happen in some state reachable within
    the bound):
    * block = the fewest deputies who can make the event impossible by their own votes, whatever
      the others do: voting against when ``n - b < lo``, or in favour when ``b > hi``; so
      ``min(n - lo + 1, hi + 1)``;
    * force = the fewest deputies whose votes make it possible even when every other deputy
      votes the opposite way: in favour (``lo``) for an event that more votes help (hi == n),
      against (``n - hi``) for an event that fewer votes help (lo == 0, a refusal or failed vote).
    """
    for j, e in enumerate(query.events):
        if e not in system.events:
            raise UserError(f"unknown event {e!r}", lq.locate(("queries", qi, "events", j)))
    chosen = []
    for ev in system.events.values():
        if query.events and ev.id not in query.events:
            continue
        for a in ev.args:
            if a.id in query.vote_args:
                chosen.append((ev, a))
    if not chosen:
        raise UserError("no event has a vote argument named " + ", ".join(query.vote_args),
                        lq.locate(("queries", qi, "vote_args")))
    scope = trace_scope(system)
    te = TraceEncoding(system, query.bound, query.eager, [],
                       max(0.001, deadline - time.monotonic()))
    out = []
    for ev, a in chosen:
        sub = parse(f"happened({ev.id})")
        obj = parse(f"arg({a.id})")
        check(sub, scope, BOOL)
        check(obj, scope, INT)
        for oid, says, cond in vote_outcomes(ev, a.id):
            got: dict[str, Answer] = {}
            for sense in ("min", "max"):
                p = Problem(f"{oid}.{sense}", "", obj, sub, sense == "max", query.bound,
                            query.eager, "deputies", 10 * (a.hi + 1), list(ev.cites), cond)
                got[sense], _ = solve(system, p, deadline, te)
            out.append(_vote_answer(oid, says, a.id, a.hi, got["min"], got["max"], query,
                                    list(ev.cites)))
    return out


def vote_outcomes(ev: EventDef, arg: str) -> list[tuple[str, str, Node | None]]:
    """The outcomes a vote decides, read off the model: (id, description, effect condition).

    An event whose effects depend on the vote (``if: yes >= ...``) has one outcome per distinct
    such condition; otherwise the outcome is the event itself (its guard holds the threshold).
    """
    conds: dict[Node, list[str]] = {}
    for eff in ev.effects:
        if eff.cond is not None and arg in names_in(eff.cond):
            conds.setdefault(eff.cond, []).append(eff.element.summary)
    if not conds:
        return [(ev.id if arg == "yes" else f"{ev.id}.{arg}", ev.says, None)]
    out: list[tuple[str, str, Node | None]] = []
    for i, (cond, sets) in enumerate(conds.items(), start=1):
        out.append((f"{ev.id}.{i}", f"{ev.says}, with the effect {'; '.join(sets)}", cond))
    return out


def _vote_answer(eid: str, says: str, arg: str, n: int, lo_a: Answer, hi_a: Answer, q: Query,
                 cites: list[str]) -> Answer:
    lo, hi = lo_a.value, hi_a.value
    detail: dict[str, Any] = {"event": eid, "argument": arg, "seats": n, "min_votes_for": lo,
                              "max_votes_for": hi, "bound": q.bound}
    statement = f"{says} ({arg} = deputies voting in favour)"
    if not isinstance(lo, int) or not isinstance(hi, int):
        status = (AnswerStatus.INFEASIBLE if AnswerStatus.INFEASIBLE in (lo_a.status, hi_a.status)
                  else AnswerStatus.UNKNOWN)
        return Answer(eid, statement, None, "deputies", False, status, None,
                      {"min": lo_a.proof, "max": hi_a.proof},
                      detail | {"note": f"the event cannot happen within {q.bound} events"
                                if status == AnswerStatus.INFEASIBLE else "the solver could not tell"},
                      cites=cites)
    block: int | None = min(n - lo + 1, hi + 1)
    if block is not None and block > n:
        block = None  # no group of deputies can prevent it by its votes alone
    if hi == n and lo == 0:
        force, how = 0, "by anyone (any vote allows it)"
    elif hi == n:
        force, how = lo, "in favour"
    elif lo == 0:
        force, how = n - hi, "against"
    else:
        force, how = None, "neither way alone (the vote must fall in a band)"
    detail |= {"block": block, "block_by": "cannot be blocked" if block is None else
               "voting against" if n - lo + 1 <= hi + 1 else "voting in favour",
               "force": force, "force_by": how}
    optimal = lo_a.optimal and hi_a.optimal
    trace = lo_a.trace  # the fewest votes with which it happens
    return Answer(eid, statement, {"block": block, "force": force}, "deputies", optimal,
                  AnswerStatus.OPTIMAL if optimal else AnswerStatus.UNKNOWN, trace,
                  {"min_votes_for": lo_a.proof, "max_votes_for": hi_a.proof}, detail, cites=cites)


# ----------------------------------------------------------------------------- referendum


def referendum_answers(query: Query, qi: int, lq: LoadedQueries, system: System,
                       units: list[Unit], deadline: float, only: str | None = None) -> list[Answer]:
    """The smallest share of the votes cast nationally with which an amendment is adopted.

    Variables per unit: participants (fixed by the unit's turnout when given, else free in
    [0, electorate]) and votes in favour (0..participants). Constraints: the query's
    ``took_place`` on national totals, ``unit_carried`` in at least ``units_required`` units,
    and the reading's ``adopted`` on national totals. Objective: national yes / participants.
    """
    base: PathKey = ("queries", qi)
    names = {"electorate": INT, "participants": INT, "yes": INT}
    scope0 = system.state_scope()
    scope = Scope({**scope0.names, **names}, scope0.constants, scope0.enum_values)
    cscope = Scope({**scope0.names, "units": INT}, scope0.constants | {"units"}, scope0.enum_values)
    took = parse_at(query.took_place, scope, BOOL, lq.locate((*base, "took_place")))
    carried = parse_at(query.unit_carried, scope, BOOL, lq.locate((*base, "unit_carried")))
    req_node = parse_at(query.units_required, cscope, INT, lq.locate((*base, "units_required")))
    required = int(evaluate(req_node, {**system.params, "units": len(units)}))
    readings = query.readings or []
    opts: list[tuple[str, str, Node]] = []
    for j, r in enumerate(readings):
        if only is not None and r.id != only:
            continue
        opts.append((r.id, r.says, parse_at(r.adopted, scope, BOOL,
                                            lq.locate((*base, "readings", j, "adopted")))))
    if not readings:
        opts.append(("", "", parse("true")))
    if not opts:
        raise UserError(f"unknown reading {only!r} of query {query.id} "
                        f"(readings: {', '.join(r.id for r in readings)})")
    enc = Encoding(system, switchable=False)
    out = []
    for rid, says, adopted in opts:
        out.append(_referendum_one(query, system, enc, units, took, carried, required, adopted,
                                   rid, says, deadline))
    return out


def _ref_constraints(enc: Encoding, units: list[Unit], took: Node, carried: Node, required: int,
                     adopted: Node, tag: str) -> tuple[list[z3.BoolRef], list[z3.ArithRef],
                                                         list[z3.ArithRef]]:
    ys = [z3.Int(f"yes!{tag}!{i}") for i in range(len(units))]
    ps = [z3.Int(f"participants!{tag}!{i}") for i in range(len(units))]
    cs: list[z3.BoolRef] = []
    wins = []
    for u, y, p in zip(units, ys, ps, strict=True):
        cs += [y >= 0, y <= p, p >= 0, p <= u.electorate]
        if u.participants() is not None:
            cs.append(p == u.participants())
        env = {"electorate": z3.IntVal(u.electorate), "participants": p, "yes": y}
        wins.append(z3.If(enc.expr(carried, env), 1, 0))
    cs.append(z3.Sum(wins) >= required)
    nat = {"electorate": z3.IntVal(sum(u.electorate for u in units)), "participants": z3.Sum(ps),
           "yes": z3.Sum(ys)}
    cs += [enc.expr(took, nat), enc.expr(adopted, nat), z3.Sum(ps) >= 1]
    return cs, ys, ps


def _referendum_one(query: Query, system: System, enc: Encoding, units: list[Unit], took: Node,
                    carried: Node, required: int, adopted: Node, rid: str, says: str,
                    deadline: float) -> Answer:
    cs, ys, ps = _ref_constraints(enc, units, took, carried, required, adopted, "opt")
    Y, P = z3.Sum(ys), z3.Sum(ps)
    fixed = all(u.turnout is not None for u in units)
    statement = query.statement + (f" Reading {rid}: {says}" if rid else "")
    detail: dict[str, Any] = {"units": len(units), "units_required": required,
                              "turnout": "fixed by the data" if fixed else
                              "free where not given (0..electorate)"}
    ans = Answer(rid or query.id, statement, None, "share of votes cast", False, AnswerStatus.UNKNOWN,
                 reading=rid, cites=list(query.cites), detail=detail)
    ratio: Fraction | None = None
    best: list[tuple[int, int]] = []
    iterations = 0
    while True:  # Dinkelbach: minimise den*Y - num*P until no better ratio exists
        iterations += 1
        o = z3.Optimize()
        o.set("timeout", max(1, int((deadline - time.monotonic()) * 1000)))
        o.add(*cs)
        if ratio is not None:
            o.add(Y * ratio.denominator < ratio.numerator * P)
            o.minimize(Y * ratio.denominator - ratio.numerator * P)
        else:
            o.minimize(Y)
        r = o.check()
        if r == z3.unsat:
            break
        if r == z3.unknown or time.monotonic() > deadline:
            ans.proof = {"result": "unknown", "reason": o.reason_unknown()}
            break
        m = o.model()
        best = [(m.eval(y).as_long(), m.eval(p).as_long()) for y, p in zip(ys, ps, strict=True)]
        ratio = Fraction(sum(b[0] for b in best), sum(b[1] for b in best))
        if iterations > 200:
            raise InternalError("referendum optimisation does not converge")
    if ratio is None:
        if ans.proof.get("result") == "unknown":
            return ans
        ans.status = AnswerStatus.INFEASIBLE
        ans.proof = {"method": "solver", "result": "unsat",
                     "claim": "no vote count satisfies the rules with these units"}
        return ans
    # replay in plain Python
    replay_referendum(system, units, took, carried, required, adopted, best, ratio)
    # a separate solver: is any share strictly smaller?
    s = new_solver(max(0.001, deadline - time.monotonic()))
    cs2, ys2, ps2 = _ref_constraints(enc, units, took, carried, required, adopted, "proof")
    s.add(*cs2)
    s.add(z3.Sum(ys2) * ratio.denominator < ratio.numerator * z3.Sum(ps2))
    r = s.check()
    if r == z3.sat:
        raise InternalError("referendum: a smaller share exists after the search ended")
    yes_total = sum(b[0] for b in best)
    part_total = sum(b[1] for b in best)
    ans.value = f"{yes_total}/{part_total}"
    ans.optimal = r == z3.unsat
    ans.status = AnswerStatus.OPTIMAL if ans.optimal else AnswerStatus.UPPER_BOUND
    ans.proof = {"method": "separate solver", "claim": f"no admissible vote gives a share below "
                 f"{yes_total}/{part_total}", "result": str(r)}
    ans.trace = [{"unit": u.name, "electorate": u.electorate, "participants": b[1], "yes": b[0],
                  "carried": bool(evaluate(carried, {**system.params, "electorate": u.electorate,
                                                     "participants": b[1], "yes": b[0]}))}
                 for u, b in zip(units, best, strict=True)]
    ans.detail |= {"yes": yes_total, "participants": part_total,
                   "electorate": sum(u.electorate for u in units),
                   "percent_of_votes_cast": float(round(Fraction(100) * ratio, 4)),
                   "percent_of_electorate": float(round(Fraction(100 * yes_total,
                                                                 sum(u.electorate for u in units)), 4)),
                   "iterations": iterations}
    return ans


# ----------------------------------------------------------------------------- entry point


def run_query(lq: LoadedQueries, name: str, system: System, units: list[Unit] | None = None,
              timeout: float = DEFAULT_TIMEOUT, bound: int | None = None,
              query_reading: str | None = None) -> list[Answer]:
    """Answer one query in a fresh Z3 context (question.py), so the answer does not depend on
    what ran before it; every solver call in it may spend at most ``budget_for(timeout)``
    resource units, and the wall clock is the backstop."""
    with question(None, time.monotonic() + timeout), context_rlimit(budget_for(timeout)):
        return _run_query(lq, name, system, units, timeout, bound, query_reading)


def _run_query(lq: LoadedQueries, name: str, system: System, units: list[Unit] | None,
               timeout: float, bound: int | None, query_reading: str | None) -> list[Answer]:
    qi = lq.index(name)
    q = lq.catalog.queries[qi]
    if bound is not None:
        q = q.model_copy(update={"bound": bound,
                                 "answers": [a.model_copy(update={"bound": bound}) for a in q.answers]})
    deadline = time.monotonic() + timeout
    if q.kind == "votes":
        return vote_answers(q, qi, lq, system, deadline)
    if q.kind == "referendum":
        if units is None:
            raise UserError(f"query {name} needs a units file (--data), and the catalog names none")
        return referendum_answers(q, qi, lq, system, units, deadline, query_reading)
    out = []
    for p in problems(q, qi, lq, system):
        ans, _ = solve(system, p, deadline)
        out.append(ans)
    return out
