"""An independent interpreter of a model: executes a trace event by event in plain Python.

It shares the parsed model with the Z3 compiler but none of its code: every counterexample and
witness the solver produces is replayed here before anyone sees it. Semantics (docs/semantics.md):
a step is an event at a day no earlier than the last one; it is allowed when every guard clause
and permission holds and no prohibition does, all on the old state with ``now`` = the event's
day; effects are simultaneous; an int leaving its range makes the step impossible.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model.errors import InternalError
from ..model.expr import Call, CallHook, EnumType, Name, Node, Value, evaluate, names_in
from ..model.system import NOW, PREPARATION_DEPTH, EventDef, ObligationDef, System

State = dict[str, Value]


@dataclass(frozen=True)
class Step:
    """One event of a trace: what happened, on which day, with which arguments."""

    event: str
    day: int
    args: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"event": self.event, "day": self.day, "args": dict(self.args)}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Step:
        return Step(str(data["event"]), int(data["day"]), dict(data.get("args") or {}))


def trace_from_json(trace: list[Mapping[str, Any]] | None) -> list[Step] | None:
    """A trace as results store it (``Step.to_json`` each), back as steps."""
    return None if trace is None else [Step.from_json(s) for s in trace]


class StepRefused(Exception):
    """The interpreter refuses a step; the message says which provision stops it."""


class Interpreter:
    """Executes steps of one System."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.vars = system.var_map

    # -- conditions -------------------------------------------------------------------------
    def env(self, state: State, day: int | None = None, args: Mapping[str, int] | None = None
            ) -> dict[str, Value]:
        env: dict[str, Value] = dict(self.system.params)
        env.update(state)
        if day is not None:
            env[NOW] = day
        if args:
            env.update(args)
        return env

    def holds(self, node: Node, env: Mapping[str, Value]) -> bool:
        return bool(evaluate(node, env, self.state_hook(env)))

    def state_hook(self, env: Mapping[str, Value]) -> CallHook:
        """Evaluate the functions a condition on a state may use (active, vacant, ...)."""

        def hook(call: Call, e: Mapping[str, Value]) -> Value:
            name = call.args[0].id if call.args and isinstance(call.args[0], Name) else ""
            state = {k: e[k] for k in list(self.vars) + [NOW]}
            if call.fn == "active":
                return self.active(self.obligation(name), state)
            if call.fn == "lapsed":
                return self.lapsed(self.obligation(name), state)
            if call.fn == "prohibited":
                return self.prohibited_some(self.system.events[name], state)
            if call.fn == "enabled":
                return self.some_args(self.system.events[name], state, int(state[NOW]), None) is not None
            if call.fn == "vacant":
                office = next(o for o in self.system.offices if o.id == name)
                return self.holds(office.vacant, e)
            raise InternalError(f"the interpreter has no function {call.fn}")

        return hook

    def obligation(self, oid: str) -> ObligationDef:
        return next(o for o in self.system.obligations if o.id == oid)

    def active(self, o: ObligationDef, state: State) -> bool:
        return self.holds(o.active, self.env(state))

    def due(self, o: ObligationDef, state: State) -> int | None:
        if o.within is None or o.since is None:
            return None
        env = self.env(state)
        return int(evaluate(o.since, env)) + int(evaluate(o.within, env))

    def lapsed(self, o: ObligationDef, state: State) -> bool:
        due = self.due(o, state)
        return due is not None and self.active(o, state) and int(state[NOW]) > due

    def prohibitions_in_force(self, event: EventDef, state: State, day: int,
                              args: Mapping[str, int]) -> list[str]:
        env = self.env(state, day, args)
        return [p.id for p in self.system.prohibitions_on(event.id) if self.holds(p.when, env)]

    def prohibited_some(self, event: EventDef, state: State) -> bool:
        """``prohibited(e)``: a prohibition on ``event`` is in force today for some arguments
        in range (docs/semantics.md, "Functions of the law")."""
        read = set().union(*(names_in(p.when) for p in self.system.prohibitions_on(event.id)))
        return any(self.prohibitions_in_force(event, state, int(state[NOW]), args)
                   for args in self.combos(event, read))

    def why_not(self, event: EventDef, state: State, day: int, args: Mapping[str, int]) -> str | None:
        """None if the step is allowed, else the reason (naming the element that refuses it)."""
        if day < int(state[NOW]):
            return f"day {day} is before day {state[NOW]}"
        for a in event.args:
            if a.id not in args:
                return f"missing argument {a.id}"
            if not a.lo <= args[a.id] <= a.hi:
                return f"argument {a.id}={args[a.id]} outside [{a.lo}, {a.hi}]"
        env = self.env(state, day, args)
        for g in event.guards:
            if not self.holds(g.cond, env):
                return f"condition {g.element.summary!r} ({', '.join(g.element.cites)}) fails"
        for p in self.system.permissions_on(event.id):
            if not self.holds(p.when, env):
                return f"permission {p.id} ({', '.join(p.element.cites)}) does not hold"
        banned = self.prohibitions_in_force(event, state, day, args)
        if banned:
            return f"prohibited by {', '.join(banned)}"
        try:
            self.apply(event, state, day, args)
        except StepRefused as exc:
            return str(exc)
        return None

    # -- steps ------------------------------------------------------------------------------
    def apply(self, event: EventDef, state: State, day: int, args: Mapping[str, int]) -> State:
        """The successor state (no guard check); StepRefused if effects clash or leave ranges."""
        env = self.env(state, day, args)
        new: State = dict(state)
        chosen: dict[str, Value] = {}
        for eff in event.effects:
            if eff.cond is not None and not self.holds(eff.cond, env):
                continue
            for var, value_node in eff.assigns:
                value = evaluate(value_node, env)
                if var in chosen and chosen[var] != value:
                    raise StepRefused(f"effects of {event.id} give {var} two values")
                chosen[var] = value
        new.update(chosen)
        new[NOW] = day
        for var, v in chosen.items():
            d = self.vars[var]
            if d.lo is not None and d.hi is not None and not d.lo <= int(v) <= d.hi:
                raise StepRefused(f"{var} = {v} leaves its range [{d.lo}, {d.hi}]")
            if isinstance(d.type, EnumType) and v not in d.type.values:
                raise StepRefused(f"{var} = {v!r} is not a value of {d.type}")
        return new

    def eager_violation(self, state: State, step: Step) -> str | None:
        """Diligent traces: the step must not move the clock past a pending duty's due day
        while its holder could still do something for it (a discharge or one of its own
        preparatory acts) on the last day that counts: min(step day, due day), never before
        today. Everyone else, the world included, is free (docs/semantics.md)."""
        for o in self.system.obligations:
            due = self.due(o, state)
            if due is None:
                continue
            when = max(due, int(state[NOW]))
            if step.day <= when or not self.active(o, {**state, NOW: when}):
                continue
            could = self.could_act(o, state, when)
            if could is not None:
                return (f"the duty {o.id} is due on day {due} and {could} could still happen on "
                        f"day {when}, but the trace moves on to day {step.day}")
        return None

    def could_act(self, o: ObligationDef, state: State, day: int) -> str | None:
        """The first event (as 'event(args)') the holder of ``o`` could do for it on ``day``:
        a discharge that some arguments allow, an act listed in ``prepared_by`` that some
        arguments allow, or a derived preparatory act that would make a failing condition of a
        discharge hold (``prepares``)."""
        for eid in self.system.diligence_events(o):
            event = self.system.events[eid]
            if eid in o.discharged_by:
                args = self.some_args(event, state, day, o.discharges_if(eid))
            elif eid in o.prepared_by:
                args = self.some_args(event, state, day, None)
            else:
                args = self.prepares(o, event, state, day)
            if args is not None:
                return eid + ("(" + ", ".join(f"{k}={v}" for k, v in args.items()) + ")" if args else "")
        return None

    def prepares(self, o: ObligationDef, event: EventDef, state: State, day: int
                 ) -> dict[str, int] | None:
        """Arguments on which ``event`` is allowed on ``day`` and starts a preparation: done
        then, followed by at most ``PREPARATION_DEPTH - 1`` more of the holder's derived
        preparatory acts on that day, each allowed and none ending the duty, it makes a guard
        clause or permission of a discharge of ``o`` hold that fails now (for some arguments of
        that discharge). None if there are none. Exact, as ``some_args``."""
        failing = []  # (condition, discharge arguments on which it fails now)
        for eid, _, cond in self.system.discharge_conditions(o):
            combos = [b for b in self.combos(self.system.events[eid], names_in(cond))
                      if not self.holds(cond, self.env(state, day, b))]
            if combos:
                failing.append((cond, combos))
        if not failing:
            return None

        def leads(ev: EventDef, before: State, depth: int) -> dict[str, int] | None:
            for args in self.combos(ev, self.reads(ev)):
                if self.why_not(ev, before, day, args) is not None:
                    continue
                after = self.apply(ev, before, day, args)
                if not self.active(o, after):
                    continue
                if any(self.holds(c, self.env(after, day, b)) for c, combos in failing for b in combos):
                    return args
                if depth > 1 and any(leads(self.system.events[e], after, depth - 1) is not None
                                     for e in self.system.derived_preparatory(o)):
                    return args
            return None

        return leads(event, state, PREPARATION_DEPTH)

    def combos(self, event: EventDef, read: set[str]) -> list[dict[str, int]]:
        """Every argument combination of ``event`` in range, the arguments not in ``read``
        fixed at their lower bound (their value changes nothing that reads only ``read``)."""
        free = [a for a in event.args if a.id in read]
        fixed = {a.id: a.lo for a in event.args if a.id not in read}
        return [{**fixed, **{a.id: v for a, v in zip(free, combo, strict=True)}}
                for combo in itertools.product(*(range(a.lo, a.hi + 1) for a in free))]

    def some_args(self, event: EventDef, state: State, day: int, restrict: Node | None
                  ) -> dict[str, int] | None:
        """Argument values that allow ``event`` on ``day`` (and satisfy ``restrict``), or None.

        Exact: every combination in range is tried, except that an argument no condition or
        effect of the event reads is fixed at its lower bound (its value changes nothing)."""
        read = self.reads(event) | (names_in(restrict) if restrict is not None else set())
        for args in self.combos(event, read):
            if restrict is not None and not self.holds(restrict, self.env(state, day, args)):
                continue
            if self.why_not(event, state, day, args) is None:
                return args
        return None

    def reads(self, event: EventDef) -> set[str]:
        """Every name the conditions and effects of ``event`` mention."""
        nodes: list[Node] = [g.cond for g in event.guards]
        nodes += [p.when for p in self.system.permissions_on(event.id)]
        nodes += [p.when for p in self.system.prohibitions_on(event.id)]
        for eff in event.effects:
            nodes += ([eff.cond] if eff.cond is not None else []) + [v for _, v in eff.assigns]
        return set().union(*(names_in(n) for n in nodes)) if nodes else set()

    def step(self, state: State, step: Step, eager: bool = False) -> State:
        if step.event not in self.system.events:
            raise StepRefused(f"unknown event {step.event}")
        event = self.system.events[step.event]
        reason = self.why_not(event, state, step.day, step.args)
        if reason is not None:
            raise StepRefused(f"{step.event} on day {step.day}: {reason}")
        if eager:
            skipped = self.eager_violation(state, step)
            if skipped:
                raise StepRefused(f"not a diligent trace: {skipped}")
        return self.apply(event, state, step.day, step.args)

    def run(self, steps: list[Step], eager: bool = False) -> list[State]:
        """States before and after every step; StepRefused at the first step the law forbids."""
        states = [self.system.initial_state()]
        for s in steps:
            states.append(self.step(states[-1], s, eager))
        return states

    def enabled_steps(self, state: State, day: int, arg_samples: int = 3) -> list[Step]:
        """Some allowed steps at ``day`` (arguments sampled at their bounds), for random traces."""
        out = []
        for event in self.system.events.values():
            choices = [sorted({a.lo, a.hi, (a.lo + a.hi) // 2})[:arg_samples] for a in event.args]
            for combo in itertools.product(*choices):
                args = {a.id: v for a, v in zip(event.args, combo, strict=True)}
                if self.why_not(event, state, day, args) is None:
                    out.append(Step(event.id, day, args))
        return out
