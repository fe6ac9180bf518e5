"""Quantitative questions from a query catalog: exact answers, each replayed and proved optimal.

Every answer is

* replayed: the trace runs on the independent interpreter and the objective is re-evaluated
  there (query_replay.py); a disagreement is an InternalError;
* proved optimal by a separate solver (optimize.prove_optimal, or for referendums a fresh
  ``z3.Optimize``).

An objective that reaches ``cap`` and also ``1000 * cap`` is reported ``unbounded``: it grows
without limit within the bound (a witness trace beyond 1000 * cap is shown).

Referendum queries are a pure integer optimisation over per-unit vote counts (ratio minimised
by Dinkelbach iterations on ``z3.Optimize``), re-checked in plain Python and proved optimal the
same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import z3

from ..model.errors import InternalError, UserError
from ..model.expr import (
    BOOL,
    INT,
    Node,
    Scope,
    check,
    evaluate,
    names_in,
    parse,
)
from ..model.queries import LoadedQueries, Objective, Query, Unit
from ..model.system import EventDef, System
from ..model.yamlpos import PathKey
from .bmc import new_solver
from .compiler import Encoding
from .optimize import (
    WALL_CLOCK,
    SearchStatus,
    TraceEncoding,
    parse_at,
    prove_optimal,
    search,
    trace_calls,
    trace_scope,
)
from .query_replay import Problem, replay, replay_referendum
from .question import budget_for, context_rlimit, current, question
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
        te = TraceEncoding(system, p.bound, p.eager, trace_calls(p.objective) + trace_calls(p.subject_to))
    g, v = te.goal(p.objective, p.subject_to, p.effect_cond)
    t0 = time.perf_counter()
    res = search(te, g, v, p.maximize, p.cap, deadline)
    seconds = round(time.perf_counter() - t0, 3)
    first = AnswerStatus.UNKNOWN if res.status == SearchStatus.BOUND_ONLY else AnswerStatus(res.status.value)
    ans = Answer(p.id, p.statement, None, p.unit, False, first, cites=p.cites,
                 detail={"bound": p.bound, "eager": p.eager, "search_checks": res.checks,
                         "search_seconds": seconds})
    if res.clock_stopped:  # the backstop, not the budget: nothing found before it counts
        ans.proof = {"result": "unknown", "reason": res.reason}
        return ans, None
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
    ans.proof, stopped = prove_optimal(system, p.bound, p.eager, p.objective, p.subject_to, res.value,
                                       p.maximize, deadline, p.effect_cond)
    if stopped:  # the value found stands unproved only when the budget, not the clock, said so
        ans.status, ans.value, ans.trace = AnswerStatus.UNKNOWN, None, None
        return ans, None
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
    te = TraceEncoding(system, query.bound, query.eager, [])
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
        o.add(*cs)
        if ratio is not None:
            o.add(Y * ratio.denominator < ratio.numerator * P)
            o.minimize(Y * ratio.denominator - ratio.numerator * P)
        else:
            o.minimize(Y)
        r, why = current().check(o, deadline=deadline)
        if r == z3.unsat:
            break
        if r == z3.unknown:
            ans.proof = {"result": "unknown", "reason": why}
            if why == WALL_CLOCK:  # the backstop decides nothing, not even a bound
                return ans
            break  # the budget: the best ratio so far, if any, is an upper bound
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
    s = new_solver(None)
    cs2, ys2, ps2 = _ref_constraints(enc, units, took, carried, required, adopted, "proof")
    s.add(*cs2)
    s.add(z3.Sum(ys2) * ratio.denominator < ratio.numerator * z3.Sum(ps2))
    r, why = current().check(s, deadline=deadline)
    if r == z3.sat:
        raise InternalError("referendum: a smaller share exists after the search ended")
    if r == z3.unknown and why == WALL_CLOCK:  # the backstop decides nothing: unknown
        ans.proof = {"result": "unknown", "reason": why}
        return ans
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
    what ran before it; its solver calls spend ``budget_for(timeout)`` resource units in all
    (tactics and the referendum's optimiser at most that each), and the wall clock is only the
    backstop (an answer it stops is unknown)."""
    budget = budget_for(timeout)
    with question(budget, time.monotonic() + timeout), context_rlimit(budget):
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
