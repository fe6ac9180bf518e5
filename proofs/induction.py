"""Unbounded proofs: k-induction, and Spacer (Z3's CHC engine) for invariants it cannot find.

A proof is only reported after its certificate is re-checked by separate solver calls on a
freshly built encoding: for k-induction the base case (no bad step within k) and the step case;
for Spacer the invariant: Init => Inv, Inv and T => Inv', Inv and T => not bad. The unsat core
over provision switches of the re-check names the provisions the proof relies on.

Budgets are the current question's resource units (question.py); ``deadline`` is only the
wall-clock backstop. Re-checks that take no Z3 objects run in a fresh context of their own, so
their answer depends on their arguments alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from functools import partial

import z3

from ..model.errors import InternalError
from ..model.system import System
from ..properties.language import Property
from . import second_solver
from .bmc import Unrolling, new_solver, reach_any
from .compiler import Encoding, MonitorVars, PropertyEncoding, StateVars
from .question import context_rlimit, current, part


class ProofStatus(str, Enum):
    """How an unbounded proof attempt ended."""

    PROVED = "proved"  # certificate found and re-checked
    FAILED = "failed"  # the method cannot prove it (a counterexample to induction, or spacer says false)
    UNKNOWN = "unknown"  # a limit ran out, or a re-check failed


@dataclass
class ProofOutcome:
    status: ProofStatus
    method: str = ""
    k: int | None = None
    invariant: str | None = None
    core: frozenset[str] = frozenset()
    reason: str = ""
    smt2: str | None = None  # the invariant in SMT-LIB, for re-checking it on another model
    solver_seconds: float = 0.0
    rechecked_by: tuple[str, ...] = ()  # the solvers that confirmed the certificate


@dataclass(frozen=True)
class Refuted:
    """A k-induction certificate that fails its re-check: the solver finds a model of the
    negated ``case`` ("base case": a bad step within k; "step case": k good steps then a bad one).
    On the model that produced the certificate this is a bug; on a changed model, an answer."""

    case: str
    k: int


def _step_case(enc: Encoding, prop: Property, k: int, solver: z3.Solver) -> None:
    """Assert: k+1 free states, k transitions, prop good on steps 1..k-1, bad on step k."""
    penc = PropertyEncoding(enc, prop)
    states: list[StateVars] = [enc.state(f"i{j}") for j in range(k + 1)]
    mons: list[MonitorVars] = [penc.monitor(f"i{j}") for j in range(k + 1)]
    solver.add(enc.ranges(states[0]))
    for j in range(1, k + 1):
        st = enc.step(f"i{j}")
        solver.add(enc.trans(states[j - 1], st, states[j], prop.eager))
        bad, upd = penc.bad_and_update(states[j - 1], st, states[j], mons[j - 1], mons[j])
        solver.add(upd)
        solver.add(bad if j == k else z3.Not(bad))


def _base_case(enc: Encoding, prop: Property, k: int, solver: z3.Solver) -> None:
    """Assert: a trace from the initial state of at most k steps with some bad step."""
    un = Unrolling(enc, PropertyEncoding(enc, prop), solver, prop.eager)
    un.start()
    for _ in range(k):
        un.extend()
    solver.add(z3.Or(un.bads))


def k_induction(system: System, prop: Property, max_k: int, deadline: float) -> ProofOutcome:
    """Try k = 1..max_k; the base case is assumed done by BMC to at least max_k and re-checked."""
    spent = 0.0
    q = current()
    for k in range(1, max_k + 1):
        enc = Encoding(system, switchable=False)  # the re-check names the provisions
        s = new_solver(None)
        _step_case(enc, prop, k, s)
        t0 = time.perf_counter()
        r, why = q.check(s, *enc.switches.values(), deadline=deadline)
        spent += time.perf_counter() - t0
        if r == z3.unknown:
            return ProofOutcome(ProofStatus.UNKNOWN, reason=why, solver_seconds=spent)
        if r == z3.unsat:
            recheck = recheck_k_induction(system, prop, k, deadline)
            if isinstance(recheck, Refuted):
                if recheck.case == "base case":  # a bad trace within k steps: no proof this way
                    return ProofOutcome(ProofStatus.FAILED, reason=f"a bad step within {k} steps",
                                        solver_seconds=spent)
                raise InternalError(f"k-induction step case k={k} is unsat but sat on its re-check")
            recheck.solver_seconds += spent
            return recheck
    return ProofOutcome(ProofStatus.FAILED, solver_seconds=spent)


def recheck_k_induction(system: System, prop: Property, k: int, deadline: float
                        ) -> ProofOutcome | Refuted:
    """Re-check base and step case on a fresh encoding, by every chosen solver (see
    second_solver.py); the step case's core is the reliance. Refuted if a case fails."""
    with part(deadline):
        return _recheck_k_induction(system, prop, k, deadline)


def _recheck_k_induction(system: System, prop: Property, k: int, deadline: float
                         ) -> ProofOutcome | Refuted:
    q = current()
    spent = 0.0
    core: set[str] = set()
    by: tuple[str, ...] = ()
    for case, name in ((_base_case, "base case"), (_step_case, "step case")):
        enc = Encoding(system)
        s = new_solver(None)
        case(enc, prop, k, s)
        v = second_solver.recheck(prop.text, f"k-induction {name} (k={k})", s, list(enc.switches.values()),
                                  deadline, check=partial(q.check, s, *enc.switches.values(), deadline=deadline))
        spent += sum(v.seconds.values())
        if v.status == "unknown":
            return ProofOutcome(ProofStatus.UNKNOWN, reason=f"re-check: {v.reason}", solver_seconds=spent)
        if v.status == "sat":
            return Refuted(name, k)
        core |= enc.switch_keys(v.core)
        by = v.solvers
    return ProofOutcome(ProofStatus.PROVED, "k-induction", k=k, core=frozenset(core), solver_seconds=spent,
                        rechecked_by=by)


def bounded_core(system: System, goals: list[Property], bound: int, deadline: float
                 ) -> frozenset[str] | None:
    """Re-check that no goal (a witness query) is reached within ``bound`` steps, on a switchable
    encoding; the unsat core names the elements that answer relies on (see reuse.py). None if
    the solver runs out of time. A witness here contradicts the bounded search: InternalError."""
    if not goals:
        return frozenset()
    with part(deadline):
        enc = Encoding(system)
        r, solver = reach_any(enc, goals, bound, deadline)
        if r == z3.sat:
            raise InternalError("the bounded search found no witness, but its re-check does")
        if r == z3.unknown:
            return None
        return enc.switch_keys(solver.unsat_core())


# ------------------------------------------------------------------------------- Spacer


def _flat(s: StateVars, m: MonitorVars) -> list[z3.ExprRef]:
    return [*s.values(), m.pending, m.since]


def spacer(system: System, prop: Property, deadline: float, seed: int = 0,
           rlimit: int | None = None) -> ProofOutcome:
    """Ask Spacer for an inductive invariant (within ``rlimit`` units, default the rest of the
    question's budget), then re-check it independently.

    Spacer runs in the question's own context, after the searches before it (the same on every
    run): measured on the built-in suite's Spacer-only proof, seed 0 succeeds there in 5.8 million units,
    while in a fresh context seeds 0-3 each failed within 40 million."""
    with part(deadline, rlimit, fresh=False):
        return _spacer(system, prop, deadline, seed)


def _spacer(system: System, prop: Property, deadline: float, seed: int) -> ProofOutcome:
    q = current()
    enc = Encoding(system, switchable=False)
    penc = PropertyEncoding(enc, prop)
    s_vars, t_vars = enc.state("s"), enc.state("t")
    ms, mt = penc.monitor("s"), penc.monitor("t")
    st = enc.step("x")
    flat_s, flat_t = _flat(s_vars, ms), _flat(t_vars, mt)
    inv = z3.Function("Inv", *[v.sort() for v in flat_s], z3.BoolSort())
    h = z3.SolverFor("HORN")
    h.set("random_seed", seed)
    h.set("ctrl_c", False)
    no = enc.no_step()
    bad0, upd0 = penc.bad_and_update(s_vars, no, s_vars, penc.monitor_init(), ms)
    all_vars = flat_s + flat_t + [st.ev, *st.args.values()]
    h.add(z3.ForAll(flat_s, z3.Implies(z3.And(enc.init(s_vars), upd0), inv(*flat_s))))
    h.add(z3.ForAll(flat_s, z3.Implies(z3.And(enc.init(s_vars), upd0, bad0), False)))
    bad, upd = penc.bad_and_update(s_vars, st, t_vars, ms, mt)
    step = z3.And(inv(*flat_s), enc.trans(s_vars, st, t_vars, prop.eager), upd)
    h.add(z3.ForAll(all_vars, z3.Implies(step, inv(*flat_t))))
    h.add(z3.ForAll(all_vars, z3.Implies(z3.And(step, bad), False)))
    t0 = time.perf_counter()
    search = q.units()
    r, why = q.check(h)
    spent = time.perf_counter() - t0
    if r == z3.unknown:
        return ProofOutcome(ProofStatus.UNKNOWN, reason=f"spacer: {why}", solver_seconds=spent)
    q.rlimit = None if search is None else q.used + RECHECK_UNITS  # the re-check's own budget
    if r == z3.unsat:
        return ProofOutcome(ProofStatus.FAILED, reason="spacer found the property false", solver_seconds=spent)
    invariant = _interpretation(h.model(), inv, flat_s)
    out = recheck_invariant(system, prop, invariant, flat_s, deadline)
    out.solver_seconds += spent
    return out


def _interpretation(model: z3.ModelRef, inv: z3.FuncDeclRef, over: list[z3.ExprRef]) -> z3.ExprRef:
    """Spacer's Inv as a formula over ``over``. (``model.eval(Inv(state))`` would complete the
    state's constants with defaults and collapse the invariant to a truth value.)"""
    interp = model[inv]
    if isinstance(interp, z3.FuncInterp):
        if interp.num_entries():
            raise InternalError("Spacer returned a point-wise invariant; cannot re-check it")
        body = interp.else_value()
    else:
        body = interp
    if z3.is_quantifier(body) and body.is_lambda():
        formula = z3.substitute_vars(body.body(), *reversed(over))
    else:  # function interpretations use Var(i) for the i-th argument
        formula = z3.substitute_vars(body, *over)
    return _without_quantifiers(formula)


QE_UNITS = 3_000_000  # quantifier elimination gets this many resource units (about 3 s) before
# the re-check takes the formula as is
RECHECK_UNITS = 60_000_000  # an invariant's re-check (three queries) within a Spacer attempt


def _has_quantifier(formula: z3.ExprRef) -> bool:
    seen: set[int] = set()
    todo = [formula]
    while todo:
        e = todo.pop()
        if e.get_id() in seen:
            continue
        seen.add(e.get_id())
        if z3.is_quantifier(e):
            return True
        todo.extend(e.children())
    return False


def _without_quantifiers(formula: z3.ExprRef) -> z3.ExprRef:
    """Spacer may project variables away with 'exists'; linear integer arithmetic admits
    quantifier elimination, and a quantifier-free invariant re-checks fast and reliably."""
    if not _has_quantifier(formula):
        return formula
    goal = z3.Goal()
    goal.add(formula)
    try:
        with context_rlimit(QE_UNITS):
            result = z3.Then(z3.Tactic("qe"), z3.Tactic("simplify"))(goal)
    except z3.Z3Exception:
        return formula  # elimination too costly: re-check the quantified invariant as it is
    return z3.And(*[f for sub in result for f in sub]) if len(result) else z3.BoolVal(False)


def recheck_invariant(system: System, prop: Property, invariant: z3.ExprRef,
                      over: list[z3.ExprRef], deadline: float) -> ProofOutcome:
    """Init => Inv, Inv and T => Inv', Inv and T => not bad, on a fresh switchable encoding."""
    enc = Encoding(system)
    penc = PropertyEncoding(enc, prop)
    s, t = enc.state("s"), enc.state("t")
    ms, mt = penc.monitor("s"), penc.monitor("t")
    st = enc.step("x")
    flat_s, flat_t = _flat(s, ms), _flat(t, mt)
    inv_s = z3.substitute(invariant, *zip(over, flat_s, strict=True))
    inv_t = z3.substitute(invariant, *zip(over, flat_t, strict=True))
    bad0, upd0 = penc.bad_and_update(s, enc.no_step(), s, penc.monitor_init(), ms)
    bad, upd = penc.bad_and_update(s, st, t, ms, mt)
    step = z3.And(inv_s, enc.ranges(s), enc.trans(s, st, t, prop.eager), upd)
    obligations = [
        ("initiation", z3.And(enc.init(s), upd0, z3.Or(z3.Not(inv_s), bad0))),
        ("consecution", z3.And(step, z3.Not(inv_t))),
        ("safety", z3.And(step, bad)),
    ]
    core: set[str] = set()
    spent = 0.0
    by: tuple[str, ...] = ()
    q = current()
    for name, query in obligations:
        solver = new_solver(None)
        solver.add(query)
        v = second_solver.recheck(prop.text, f"invariant {name}", solver, list(enc.switches.values()), deadline,
                                  check=partial(q.check, solver, *enc.switches.values(), deadline=deadline))
        spent += sum(v.seconds.values())
        if v.status == "unknown":
            return ProofOutcome(ProofStatus.UNKNOWN, reason=f"re-check {name}: {v.reason}", solver_seconds=spent)
        if v.status == "sat":
            return ProofOutcome(ProofStatus.UNKNOWN, reason=f"spacer invariant failed its re-check ({name})",
                                solver_seconds=spent)
        core |= enc.switch_keys(v.core)
        by = v.solvers
    text = str(invariant)
    return ProofOutcome(ProofStatus.PROVED, "spacer-invariant",
                        invariant=text if len(text) < 4000 else text[:4000] + "…", core=frozenset(core),
                        solver_seconds=spent, smt2=invariant.sexpr(), rechecked_by=by)


def recheck_smt2(system: System, prop: Property, smt2: str, deadline: float) -> ProofOutcome:
    """Re-check an invariant found earlier (``ProofOutcome.smt2``), e.g. on an amended model:
    the re-check is a few solver calls, the search that found it may have taken minutes."""
    with part(deadline):
        return _recheck_smt2(system, prop, smt2, deadline)


def _recheck_smt2(system: System, prop: Property, smt2: str, deadline: float) -> ProofOutcome:
    enc = Encoding(system, switchable=False)
    flat = _flat(enc.state("s"), PropertyEncoding(enc, prop).monitor("s"))
    try:
        invariant = z3.And(*z3.parse_smt2_string(f"(assert {smt2})", decls={str(v): v for v in flat}))
    except z3.Z3Exception as exc:
        return ProofOutcome(ProofStatus.UNKNOWN, reason=f"the invariant does not fit this model: {exc}")
    return recheck_invariant(system, prop, invariant, flat, deadline)
