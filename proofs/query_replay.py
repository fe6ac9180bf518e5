"""The replay side of quantitative questions, in plain Python (no Z3): the trace functions
``duration``, ``last`` and ``ever`` evaluated on a concrete trace by the interpreter, and every
optimum's witness (a trace, or referendum vote counts) re-checked before it is reported.
Kept apart from optimize.py and query_answers.py so that the independent check shares no code with the encoding."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..model.errors import InternalError
from ..model.expr import Call, Node, Value, evaluate
from ..model.queries import Unit
from ..model.system import NOW, System
from .interpreter import Interpreter, Step, StepRefused
from .judge import step_value

NEVER = -1_000_000_000  # the day of something that never happened (for last(C))
TRACE_FNS = ("duration", "last", "ever")


@dataclass
class Problem:
    """One objective, parsed and checked against a System."""

    id: str
    statement: str
    objective: Node
    subject_to: Node
    maximize: bool
    bound: int
    eager: bool
    unit: str
    cap: int
    cites: list[str]
    effect_cond: Node | None = None


class TraceEval:
    """The objective on a concrete trace, evaluated by the interpreter (no Z3)."""

    def __init__(self, interp: Interpreter, steps: list[Step], eager: bool) -> None:
        self.interp = interp
        self.steps = steps
        self.states = interp.run(steps, eager)

    def value(self, node: Node, j: int) -> Value:
        post = self.states[j]
        pre = self.states[j - 1] if j > 0 else post
        step = self.steps[j - 1] if j > 0 else None
        return step_value(self.interp, node, pre, step, post, lambda call: self.monitor(call, j))

    def monitor(self, call: Call, j: int) -> Value:
        holds = [bool(self.value(call.args[0], i)) for i in range(j + 1)]
        days = [int(s[NOW]) for s in self.states[: j + 1]]
        if call.fn == "duration":
            if j == 0 or not holds[j - 1]:
                return 0
            start = j - 1
            while start > 0 and holds[start - 1]:
                start -= 1
            return days[j] - days[start]
        earlier = [i for i in range(j) if holds[i]]
        if call.fn == "last":
            return days[earlier[-1]] if earlier else NEVER
        return bool(earlier)


def replay(system: System, steps: list[Step], p: Problem) -> int:
    try:
        ev = TraceEval(Interpreter(system), steps, p.eager)
    except StepRefused as exc:
        raise InternalError(f"{p.id}: solver trace does not replay: {exc}") from None
    k = len(steps)
    ok = bool(ev.value(p.subject_to, k))
    if ok and p.effect_cond is not None:
        interp = ev.interp
        ok = interp.holds(p.effect_cond, interp.env(ev.states[k - 1], steps[-1].day, steps[-1].args))
    if not ok:
        raise InternalError(f"{p.id}: the interpreter says the condition fails on the solver's trace")
    return int(ev.value(p.objective, k))


def replay_referendum(system: System, units: list[Unit], took: Node, carried: Node,
                      required: int, adopted: Node, best: list[tuple[int, int]],
                      ratio: Fraction) -> None:
    params: dict[str, Value] = dict(system.params)
    wins = 0
    for u, (y, p) in zip(units, best, strict=True):
        if not (0 <= y <= p <= u.electorate) or (u.participants() not in (None, p)):
            raise InternalError(f"referendum witness out of range in {u.name}")
        wins += bool(evaluate(carried, {**params, "electorate": u.electorate,
                                        "participants": p, "yes": y}))
    nat = {**params, "electorate": sum(u.electorate for u in units),
           "participants": sum(b[1] for b in best), "yes": sum(b[0] for b in best)}
    if wins < required or not evaluate(took, nat) or not evaluate(adopted, nat):
        raise InternalError("referendum witness does not satisfy the rules in plain Python")
    if Fraction(int(nat["yes"]), int(nat["participants"])) != ratio:
        raise InternalError("referendum witness share differs")
