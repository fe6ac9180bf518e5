"""Judge a property on a concrete trace with the interpreter (no Z3).

Used to confirm that a counterexample or witness from the solver really is one: the trace must
execute, and the property must fail (or the witness hold) exactly where the solver says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..model.expr import Call, Name, Node, Value, evaluate
from ..properties.language import Property
from .interpreter import Interpreter, State, Step


def step_value(interp: Interpreter, node: Node, pre: State, step: Step | None, post: State,
               extra: Callable[[Call], Value] | None = None) -> Value:
    """A property expression on the step ``pre --step--> post``; ``extra`` evaluates any
    further functions a caller's language adds (e.g. the trace functions of queries)."""
    env = interp.env(post)
    state_hook = interp.state_hook(env)

    def hook(call: Call, e: Mapping[str, Value]) -> Value:
        name = call.args[0].id if call.args and isinstance(call.args[0], Name) else ""
        if call.fn == "happened":
            return step is not None and step.event == name
        if call.fn == "arg":
            return int(step.args.get(name, 0)) if step is not None else 0
        if call.fn == "prev":
            return step_value(interp, call.args[0], pre, None, pre)
        if extra is not None and call.fn not in STATE_FUNCTIONS:
            return extra(call)
        return state_hook(call, e)

    return evaluate(node, env, hook)


STATE_FUNCTIONS = {"active", "lapsed", "prohibited", "enabled", "vacant"}


class Monitor:
    """Evaluates one property along a trace, keeping the response monitor's state."""

    def __init__(self, interp: Interpreter, prop: Property) -> None:
        self.interp = interp
        self.prop = prop
        self.pending = False
        self.since = 0
        self.outside = False  # a step broke ``along``: the trace is not one the property asks about

    def value(self, node: Node, pre: State, step: Step | None, post: State) -> Value:
        return step_value(self.interp, node, pre, step, post)

    def bad(self, pre: State, step: Step | None, post: State) -> bool:
        """True if the property is violated (or, for 'reachable', witnessed) at this step."""
        p = self.prop
        if p.along is not None and not self.value(p.along, pre, step, post):
            self.outside = True
        if self.outside:
            return False
        if p.kind == "always":
            return not self.value(p.target, pre, step, post)
        if p.kind in ("never", "reachable"):
            return bool(self.value(p.target, pre, step, post))
        assert p.response is not None and p.within is not None
        within = int(evaluate(p.within, dict(self.interp.system.params)))
        late = self.pending and int(post["now"]) > self.since + within
        trigger = bool(self.value(p.target, pre, step, post))
        answered = bool(self.value(p.response, pre, step, post))
        if not self.pending and trigger and not answered:
            self.pending, self.since = True, int(post["now"])
        elif self.pending and answered:
            self.pending = False
        return late


def first_bad_step(interp: Interpreter, prop: Property, steps: list[Step]) -> int | None:
    """Index (number of steps taken) at which ``prop`` is first bad on this trace, or None.

    Raises StepRefused if the trace does not execute (for response properties it must also be
    a diligent trace).
    """
    states = interp.run(steps, eager=prop.eager)
    monitor = Monitor(interp, prop)
    if monitor.bad(states[0], None, states[0]):
        return 0
    for i, step in enumerate(steps):
        if monitor.bad(states[i], step, states[i + 1]):
            return i + 1
    return None
