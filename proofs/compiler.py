"""Compile a System (and a property) to Z3: states, the transition relation, property monitors.

Enumerations become integers (the index of the value). Every element of law (guard clause,
permission, prohibition, effect, obligation) is guarded by a switch literal; with all switches
on this is the model, and switching one off *relaxes* the model (a guard or prohibition drops,
an effect assigns an arbitrary value, an obligation never arises), so an unsat core over the
switches names the provisions a proof relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import z3

from ..model.errors import InternalError
from ..model.expr import (
    BOOL,
    Binary,
    Call,
    EnumType,
    Ite,
    Lit,
    Name,
    Node,
    Unary,
    majority_of,
    more_than_share,
    share_of,
)
from ..model.expr import In as InNode
from ..model.system import NOW, PREPARATION_DEPTH, EffectDef, EventDef, ObligationDef, System, derived
from ..properties.language import Property
from .question import in_context

Z: TypeAlias = Any  # z3 ships no type information
StateVars = dict[str, Z]
Hook = Callable[[Call], Z]


@dataclass
class StepVars:
    """The choice made at one step: which event and its arguments."""

    ev: z3.ArithRef
    args: dict[str, z3.ArithRef]


SWITCH_PREFIX = "sw!"  # a provision switch is named by its element's key: no table to map cores back


class Encoding:
    """Z3 terms for one System, built once per solver family (terms are cached per depth)."""

    def __init__(self, system: System, switchable: bool = True) -> None:
        self.system = system
        self.events: list[EventDef] = list(system.events.values())
        self.event_index = {e.id: i for i, e in enumerate(self.events)}
        self.arg_names = sorted({a.id for e in self.events for a in e.args})
        self.switchable = switchable
        self.switches: dict[str, z3.BoolRef] = {
            k: z3.Bool(SWITCH_PREFIX + k) for k in system.elements
        } if switchable else {}
        self._states: dict[str, StateVars] = {}
        self._steps: dict[str, StepVars] = {}
        self._havoc = 0
        self._template_havocs: list[Z] = []
        self._could: dict[tuple[str | None, ...], z3.BoolRef] = {}

    # -- variables --------------------------------------------------------------------------
    def state(self, tag: str | int) -> StateVars:
        key = str(tag)
        if key not in self._states:
            sv: StateVars = {}
            for v in self.system.vars:
                sv[v.id] = z3.Bool(f"{v.id}@{key}") if v.type == BOOL else z3.Int(f"{v.id}@{key}")
            sv[NOW] = z3.Int(f"now@{key}")
            self._states[key] = sv
        return self._states[key]

    def step(self, tag: str | int) -> StepVars:
        key = str(tag)
        if key not in self._steps:
            self._steps[key] = StepVars(z3.Int(f"ev@{key}"),
                                        {a: z3.Int(f"{a}@{key}") for a in self.arg_names})
        return self._steps[key]

    def no_step(self) -> StepVars:
        """The 'step' before the initial state: no event, all arguments 0."""
        return StepVars(z3.IntVal(-1), {a: z3.IntVal(0) for a in self.arg_names})

    def switch_keys(self, core: Iterable[z3.BoolRef | str]) -> frozenset[str]:
        """The element keys of the provision switches among an unsat core's literals (or their
        names): read off each literal's name, never by printing every switch."""
        names = (c if isinstance(c, str) else c.decl().name() for c in core)
        return frozenset(n[len(SWITCH_PREFIX):] for n in names
                         if n.startswith(SWITCH_PREFIX) and n[len(SWITCH_PREFIX):] in self.switches)

    def on(self, key: str) -> z3.BoolRef:
        return self.switches[key] if self.switchable else z3.BoolVal(True)

    # -- expressions ------------------------------------------------------------------------
    def value(self, v: object) -> Z:
        if isinstance(v, bool):
            return z3.BoolVal(v)
        if isinstance(v, int):
            return z3.IntVal(v)
        raise TypeError(v)

    def enum_index(self, name: str) -> int | None:
        for t in self.system.enums.values():
            if name in t.values:
                return t.values.index(name)
        return None

    def expr(self, node: Node, env: Mapping[str, Z], hook: Hook | None = None) -> Z:
        """Translate an expression; names resolve in ``env``, then parameters, then enum values."""
        if isinstance(node, Lit):
            return self.value(node.value)
        if isinstance(node, Name):
            if node.id in env:
                return env[node.id]
            if node.id in self.system.params:
                return self.value(self.system.params[node.id])
            idx = self.enum_index(node.id)
            if idx is None:
                raise InternalError(f"the encoding has no name {node.id}")
            return z3.IntVal(idx)
        if isinstance(node, Unary):
            x = self.expr(node.x, env, hook)
            return z3.Not(x) if node.op == "not" else -x
        if isinstance(node, Ite):
            return z3.If(self.expr(node.cond, env, hook), self.expr(node.then, env, hook),
                         self.expr(node.other, env, hook))
        if isinstance(node, InNode):
            x = self.expr(node.x, env, hook)
            idxs = [self.enum_index(v) for v in node.values]
            return z3.Or([x == i for i in idxs])
        if isinstance(node, Binary):
            a = self.expr(node.left, env, hook)
            b = self.expr(node.right, env, hook)
            return _binary(node.op, a, b)
        if isinstance(node, Call):
            if node.fn in ("majority_of", "share_of", "more_than_share", "min", "max"):
                args = [self.expr(x, env, hook) for x in node.args]
                if node.fn in ("min", "max"):
                    x, y = args
                    return z3.If(x <= y, x, y) if node.fn == "min" else z3.If(x >= y, x, y)
                nums = [z3.simplify(x).as_long() for x in args]
                if node.fn == "majority_of":
                    return z3.IntVal(majority_of(nums[0]))
                fn = share_of if node.fn == "share_of" else more_than_share
                return z3.IntVal(fn(nums[0], nums[1], nums[2]))
            if hook is None:
                raise InternalError(f"the encoding has no function {node.fn}")
            return hook(node)
        raise TypeError(node)

    def env(self, s: StateVars, day: Z | None = None, args: Mapping[str, Z] | None = None
            ) -> dict[str, Z]:
        env = dict(s)
        if day is not None:
            env[NOW] = day
        if args:
            env.update(args)
        return env

    # -- the transition system -------------------------------------------------------------
    def init(self, s: StateVars) -> z3.BoolRef:
        parts = [s[NOW] == 0]
        for v in self.system.vars:
            init = v.init
            if isinstance(v.type, EnumType):
                parts.append(s[v.id] == v.type.values.index(str(init)))
            else:
                parts.append(s[v.id] == self.value(init))
        return z3.And(parts)

    def ranges(self, s: StateVars) -> z3.BoolRef:
        parts = []
        for v in self.system.vars:
            if isinstance(v.type, EnumType):
                parts += [s[v.id] >= 0, s[v.id] < len(v.type.values)]
            elif v.lo is not None and v.hi is not None:
                parts += [s[v.id] >= v.lo, s[v.id] <= v.hi]
        return z3.And(parts) if parts else z3.BoolVal(True)

    def prohibited(self, event: EventDef, s: StateVars, day: Z, args: Mapping[str, Z]) -> z3.BoolRef:
        env = self.env(s, day, args)
        return z3.Or([z3.And(self.on(p.element.key), self.expr(p.when, env))
                      for p in self.system.prohibitions_on(event.id)] or [z3.BoolVal(False)])

    def enabled(self, event: EventDef, s: StateVars, day: Z, args: Mapping[str, Z]) -> z3.BoolRef:
        """Guard clauses, permissions and no prohibition, on state ``s`` at ``day``."""
        env = self.env(s, day, args)
        parts: list[z3.BoolRef] = [day >= s[NOW]]
        for a in event.args:
            parts += [args[a.id] >= a.lo, args[a.id] <= a.hi]
        for g in event.guards:
            parts.append(z3.Implies(self.on(g.element.key), self.expr(g.cond, env)))
        for p in self.system.permissions_on(event.id):
            parts.append(z3.Implies(self.on(p.element.key), self.expr(p.when, env)))
        parts.append(z3.Not(self.prohibited(event, s, day, args)))
        return z3.And(parts)

    def trans(self, s: StateVars, st: StepVars, t: StateVars, eager: bool = False) -> z3.BoolRef:
        """The transition relation from ``s`` to ``t`` by the step ``st``.

        Built once over template variables and instantiated by substitution: building Z3
        terms in Python costs far more than substituting them (Z3-NOTES, z3#4993).
        """
        template = self._template(eager)
        ts, tst, tt = self.state("__s"), self.step("__x"), self.state("__t")
        pairs = [(ts[k], s[k]) for k in ts] + [(tt[k], t[k]) for k in tt]
        pairs += [(tst.ev, st.ev)] + [(tst.args[a], st.args[a]) for a in self.arg_names]
        tag = st.ev.decl().name().split("@", 1)[-1]
        pairs += [(h, self._havoc_at(h, tag)) for h in self._template_havocs]
        return z3.substitute(template, *pairs)

    def _havoc_at(self, h: Z, tag: str) -> Z:
        name = h.decl().name().split("@", 1)[0] + "@" + tag
        return z3.Bool(name) if z3.is_bool(h) else z3.Int(name)

    def _template(self, eager: bool) -> z3.BoolRef:
        """The transition relation over placeholder states, once per System, flags and Z3
        context (terms are names, so encodings of one System in one context share it; each
        question has its own context, see question.py, and its template replaces the last).

        It is built once per process in a context of its own and copied into each question's
        context: copying (``translate``) costs about a hundredth of building (measured on the
        built-in model: 0.19 s plain and 1.36 s diligent to build, 0.001 s and 0.006 s to copy),
        and building was two fifths of ``find``'s time. The copy depends on the System alone,
        so every question still sees the same terms whatever ran before it."""
        ctx = z3.main_ctx()

        def build() -> tuple[z3.Context, z3.BoolRef, list[Z]]:
            _, master, master_havocs = derived(self.system, ("transition master", self.switchable, eager),
                                               lambda: self._build_master(eager))
            return ctx, master.translate(ctx), [h.translate(ctx) for h in master_havocs]

        _, template, havocs = derived(self.system, ("transition", self.switchable, eager), build,
                                      fresh=lambda entry: entry[0] is ctx)
        self._template_havocs = havocs
        return template

    def build_masters(self) -> None:
        """Build the plain and the diligent template now (``_template`` copies them later): a
        parent that forks many questions builds them once for all its children, which
        inherit them, instead of each child building its own."""
        for eager in (False, True):
            derived(self.system, ("transition master", self.switchable, eager),
                    lambda eager=eager: self._build_master(eager))  # type: ignore[misc]

    def _build_master(self, eager: bool) -> tuple[z3.Context, z3.BoolRef, list[Z]]:
        """The template built by a fresh encoding in a context kept with the System."""
        own = z3.Context()
        with in_context(own):
            enc = Encoding(self.system, self.switchable)
            return own, enc._build_trans(eager), list(enc._template_havocs)

    def _build_trans(self, eager: bool) -> z3.BoolRef:
        s, st, t = self.state("__s"), self.step("__x"), self.state("__t")
        day = t[NOW]
        parts: list[z3.BoolRef] = [st.ev >= 0, st.ev < len(self.events), self.ranges(t)]
        # which event may happen: its guard, permissions, prohibitions; unused arguments are 0
        for i, event in enumerate(self.events):
            mine = {a.id for a in event.args}
            body = [self.enabled(event, s, day, st.args)]
            body += [st.args[a] == 0 for a in self.arg_names if a not in mine]
            parts.append(z3.Implies(st.ev == i, z3.And(body)))
        # what it changes: one equation per variable, a chain over the events that assign it
        per_var: dict[str, list[tuple[Z, Z]]] = {}
        for i, event in enumerate(self.events):
            conditional: dict[str, list[tuple[Z, Z]]] = {}
            for eff, cond, var, val in self.assignments(event, s, day, st.args):
                if self.switchable:
                    havoc = self.havoc(val)
                    self._template_havocs.append(havoc)
                    val = z3.If(self.on(eff.element.key), val, havoc)
                when = st.ev == i if cond is None else z3.And(st.ev == i, cond)
                per_var.setdefault(var, []).append((when, val))
                if cond is not None:
                    conditional.setdefault(var, []).append((cond, val))
            for options in conditional.values():  # two applicable effects must agree
                for a in range(len(options)):
                    for b in range(a + 1, len(options)):
                        (ca, va), (cb, vb) = options[a], options[b]
                        parts.append(z3.Implies(z3.And(st.ev == i, ca, cb), va == vb))
        parts.append(t[NOW] == day)
        for v in self.system.vars:
            new: Z = s[v.id]
            for when, val in reversed(per_var.get(v.id, [])):
                new = z3.If(when, val, new)
            parts.append(t[v.id] == new)
        if eager:
            parts.append(self.eager(s, st, day))
        return z3.And(parts)

    def havoc(self, like: Z) -> Z:
        self._havoc += 1
        name = f"havoc!{self._havoc}@__x"
        return z3.Bool(name) if z3.is_bool(like) else z3.Int(name)

    def active(self, o: ObligationDef, s: StateVars) -> z3.BoolRef:
        return z3.And(self.on(o.element.key), self.expr(o.active, self.env(s)))

    def lapsed(self, o: ObligationDef, s: StateVars) -> z3.BoolRef:
        due = self.due(o, s)
        if due is None:
            return z3.BoolVal(False)
        return z3.And(self.active(o, s), s[NOW] > due)

    def due(self, o: ObligationDef, s: StateVars) -> Z | None:
        if o.within is None or o.since is None:
            return None
        env = self.env(s)
        return self.expr(o.since, env) + self.expr(o.within, env)

    def eager(self, s: StateVars, st: StepVars, day: Z) -> z3.BoolRef:
        """Diligent traces: the step does not move the clock past a pending duty's due day
        while its holder could still do something for it on the last day that counts, the due
        day or today if that is later: a discharge, an act listed in ``prepared_by``, or a
        derived preparatory act that would make a failing condition of a discharge hold.
        Everyone else, the world included, is free (docs/semantics.md). ``st`` is not read:
        what happens is free, only the day is constrained."""
        parts = []
        for o in self.system.obligations:
            due = self.due(o, s)
            if due is None:
                continue
            when = z3.If(due >= s[NOW], due, s[NOW])
            could = []
            for e in self.system.diligence_events(o):
                event = self.system.events[e]
                if e in o.discharged_by:
                    could.append(self.could_do(event, s, when, o.discharges_if(e)))
                elif e in o.prepared_by:
                    could.append(self.could_do(event, s, when, None))
                else:
                    could.append(self.could_prepare(o, event, s, when))
            parts.append(z3.Not(z3.And(day > when, self.active(o, {**s, NOW: when}), z3.Or(could))))
        return z3.And(parts) if parts else z3.BoolVal(True)

    def could_do(self, event: EventDef, s: StateVars, day: Z, restrict: Node | None) -> z3.BoolRef:
        """Some argument values in range allow ``event`` on ``day`` (and satisfy ``restrict``)."""
        def build(q: StateVars, qday: Z) -> tuple[list[Z], z3.BoolRef]:
            xs = {a.id: z3.Int(f"diligence!{a.id}") for a in event.args}
            body = self.allowed(event, q, qday, xs)
            if restrict is not None:
                body = z3.And(body, self.expr(restrict, self.env(q, qday, xs)))
            return list(xs.values()), body

        return self._some(("do", event.id, None if restrict is None else repr(restrict)), build, s, day)

    def could_prepare(self, o: ObligationDef, event: EventDef, s: StateVars, day: Z) -> z3.BoolRef:
        """Some arguments allow ``event`` on ``day`` and start a preparation: done then,
        followed by at most ``PREPARATION_DEPTH - 1`` more of the holder's derived preparatory
        acts that day, each allowed and none ending the duty, it makes a guard clause or a
        permission of a discharge of ``o`` hold that fails in ``s`` (for some arguments of that
        discharge), as the interpreter's ``prepares``. The states after the acts are
        ``post_state``, the transition's own effects. An effect switched off assigns nothing
        here, so switching one off never adds a preparatory act (it only relaxes)."""
        def build(q: StateVars, qday: Z) -> tuple[list[Z], z3.BoolRef]:
            bound: list[Z] = []
            flips = []
            for eid, key, cond in self.system.discharge_conditions(o):
                d = self.system.events[eid]
                ys = {a.id: z3.Int(f"diligence!{eid}!{a.id}") for a in d.args}
                bound += [y for y in ys.values() if not any(y.eq(b) for b in bound)]
                in_range = [c for a in d.args for c in (ys[a.id] >= a.lo, ys[a.id] <= a.hi)]
                flips.append((z3.And(*in_range, self.on(key), z3.Not(self.expr(cond, self.env(q, qday, ys)))),
                              lambda after, c=cond, y=ys: self.expr(c, self.env(after, qday, y))))

            def chain(ev: EventDef, before: StateVars, depth: int) -> z3.BoolRef:
                xs = {a.id: z3.Int(f"diligence!{depth}!{ev.id}!{a.id}") for a in ev.args}
                bound.extend(xs.values())
                after = self.post_state(ev, before, qday, xs)
                alts = [z3.And(fails, holds(after)) for fails, holds in flips]
                if depth > 1:
                    alts += [chain(self.system.events[e], after, depth - 1)
                             for e in self.system.derived_preparatory(o)]
                return z3.And(self.allowed(ev, before, qday, xs), self.active(o, after),
                              z3.Or(alts or [z3.BoolVal(False)]))

            body = chain(event, q, PREPARATION_DEPTH)
            return list({b.get_id(): b for b in bound}.values()), body

        return self._some(("prepare", o.id, event.id), build, s, day)

    def prohibited_some(self, event: EventDef, s: StateVars) -> z3.BoolRef:
        """``prohibited(e)``: a prohibition on ``event`` is in force today for some arguments
        in range (docs/semantics.md), as the interpreter's ``prohibited_some``."""
        def build(q: StateVars, qday: Z) -> tuple[list[Z], z3.BoolRef]:
            xs = {a.id: z3.Int(f"diligence!{a.id}") for a in event.args}
            in_range = [c for a in event.args for c in (xs[a.id] >= a.lo, xs[a.id] <= a.hi)]
            return list(xs.values()), z3.And(*in_range, self.prohibited(event, q, qday, xs))

        return self._some(("prohibited", event.id), build, s, s[NOW])

    def _some(self, key: tuple[str | None, ...], build: Callable[[StateVars, Z], tuple[list[Z], z3.BoolRef]],
              s: StateVars, day: Z) -> z3.BoolRef:
        """``build``'s body with its bound variables quantified existentially, for state ``s``
        on ``day``. The existential is eliminated (Z3's ``qe``, exact for linear integer
        arithmetic) once per key, over a placeholder state and day, then instantiated by
        substitution: the transition relation and the property monitors stay quantifier-free
        for BMC, k-induction and Spacer alike, and no argument variable is left for trace
        extraction to see."""
        q, qday = self.state("diligence!"), z3.Int("diligence!day")
        if key not in self._could:
            bound, body = build(q, qday)
            self._could[key] = _eliminate(z3.Exists(bound, body)) if bound else body
        pairs = [(q[k], s[k]) for k in q] + [(qday, day)]
        return z3.substitute(self._could[key], *pairs)

    def assignments(self, event: EventDef, s: StateVars, day: Z, args: Mapping[str, Z]
                    ) -> list[tuple[EffectDef, Z | None, str, Z]]:
        """(effect, its condition or None, variable, value) of every assignment of ``event``
        on state ``s`` at ``day``: the one translation of effects, which the transition
        relation, ``allowed`` and ``post_state`` share."""
        env = self.env(s, day, args)
        out = []
        for eff in event.effects:
            cond = None if eff.cond is None else self.expr(eff.cond, env)
            out += [(eff, cond, var, self.expr(node, env)) for var, node in eff.assigns]
        return out

    def post_state(self, event: EventDef, s: StateVars, day: Z, args: Mapping[str, Z]) -> StateVars:
        """The state after ``event`` on ``day`` (the first applicable effect of a variable wins,
        as in the transition; ``allowed`` makes two applicable ones agree)."""
        after = dict(s)
        after[NOW] = day
        for eff, cond, var, val in reversed(self.assignments(event, s, day, args)):
            applies = self.on(eff.element.key) if cond is None else z3.And(self.on(eff.element.key), cond)
            after[var] = z3.If(applies, val, after[var])
        return after

    def allowed(self, event: EventDef, s: StateVars, day: Z, args: Mapping[str, Z]) -> z3.BoolRef:
        """The step is possible: enabled, and its effects agree and stay in range (as the
        interpreter's ``why_not``, which applies the effects)."""
        applied = []  # (applies, variable, value) per assignment
        for eff, cond, var, val in self.assignments(event, s, day, args):
            on = self.on(eff.element.key)
            applied.append((on if cond is None else z3.And(on, cond), var, val))
        parts = [self.enabled(event, s, day, args)]
        for i, (ca, var, va) in enumerate(applied):
            parts += [z3.Implies(z3.And(ca, cb), va == vb) for cb, vb_var, vb in applied[i + 1:]
                      if vb_var == var]
            v = self.system.var_map[var]
            if isinstance(v.type, EnumType):
                parts.append(z3.Implies(ca, z3.And(va >= 0, va < len(v.type.values))))
            elif v.lo is not None and v.hi is not None:
                parts.append(z3.Implies(ca, z3.And(va >= v.lo, va <= v.hi)))
        return z3.And(parts)

    # -- properties ---------------------------------------------------------------------------
    def state_hook(self, s: StateVars) -> Hook:
        def hook(call: Call) -> Z:
            name = call.args[0].id if call.args and isinstance(call.args[0], Name) else ""
            if call.fn == "active":
                return self.active(self._obligation(name), s)
            if call.fn == "lapsed":
                return self.lapsed(self._obligation(name), s)
            if call.fn == "prohibited":
                return self.prohibited_some(self.system.events[name], s)
            if call.fn == "enabled":
                return self.could_do(self.system.events[name], s, s[NOW], None)
            if call.fn == "vacant":
                office = next(o for o in self.system.offices if o.id == name)
                return self.expr(office.vacant, self.env(s), hook)
            raise InternalError(f"the encoding has no function {call.fn}")

        return hook

    def _obligation(self, oid: str) -> ObligationDef:
        return next(o for o in self.system.obligations if o.id == oid)

    def condition(self, node: Node, pre: StateVars, st: StepVars, post: StateVars,
                  extra: Mapping[str, Callable[[Call], Z]] | None = None) -> Z:
        """A property expression on the step pre --st--> post; ``extra`` encodes the further
        functions a caller's language adds (the trace functions of queries), by name."""
        post_hook = self.state_hook(post)

        def hook(call: Call) -> Z:
            name = call.args[0].id if call.args and isinstance(call.args[0], Name) else ""
            if call.fn == "happened":
                return st.ev == self.event_index[name]
            if call.fn == "arg":
                return st.args[name]
            if call.fn == "prev":
                return self.expr(call.args[0], self.env(pre), self.state_hook(pre))
            if extra is not None and call.fn in extra:
                return extra[call.fn](call)
            return post_hook(call)

        return self.expr(node, self.env(post), hook)


def _eliminate(formula: z3.BoolRef) -> z3.BoolRef:
    """``formula`` without its quantifier, by Z3's quantifier elimination."""
    out = z3.Then("simplify", "qe", "simplify")(formula).as_expr()
    if z3.is_quantifier(out) or any(z3.is_quantifier(c) for c in _subterms(out)):
        raise InternalError("quantifier elimination left a quantifier in a diligence condition")
    return out


def _subterms(t: Z) -> list[Z]:
    seen: dict[int, Z] = {}
    todo = [t]
    while todo:
        x = todo.pop()
        if x.get_id() in seen:
            continue
        seen[x.get_id()] = x
        if z3.is_app(x):
            todo += list(x.children())
        elif z3.is_quantifier(x):
            todo.append(x.body())
    return list(seen.values())


def _binary(op: str, a: Z, b: Z) -> Z:
    match op:
        case "and":
            return z3.And(a, b)
        case "or":
            return z3.Or(a, b)
        case "->":
            return z3.Implies(a, b)
        case "==":
            return a == b
        case "!=":
            return a != b
        case "<":
            return a < b
        case "<=":
            return a <= b
        case ">":
            return a > b
        case ">=":
            return a >= b
        case "+":
            return a + b
        case "-":
            return a - b
        case "*":
            return a * b
        case "//":  # floor division, x // 0 = 0: as expr.floor_div (Z3's div is Euclidean)
            d = z3.simplify(b)
            if z3.is_int_value(d):  # the usual case: a constant divisor, no case split
                n = d.as_long()
                return z3.IntVal(0) if n == 0 else (a / d if n > 0 else (-a) / (-d))
            return z3.If(b == 0, z3.IntVal(0), z3.If(b > 0, a / b, (-a) / (-b)))
    raise ValueError(op)


@dataclass
class MonitorVars:
    """The response monitor's state at one depth (unused for invariants)."""

    pending: z3.BoolRef
    since: z3.ArithRef


class PropertyEncoding:
    """A property as a safety monitor: ``bad(k)`` says it fails (or is witnessed) at step k."""

    def __init__(self, enc: Encoding, prop: Property) -> None:
        self.enc = enc
        self.prop = prop
        self._mon: dict[str, MonitorVars] = {}
        self.within = 0
        if prop.within is not None:
            self.within = z3.simplify(enc.expr(prop.within, {})).as_long()

    def monitor(self, tag: str | int) -> MonitorVars:
        key = str(tag)
        if key not in self._mon:
            self._mon[key] = MonitorVars(z3.Bool(f"mon_pending@{key}"), z3.Int(f"mon_since@{key}"))
        return self._mon[key]

    def monitor_init(self) -> MonitorVars:
        return MonitorVars(z3.BoolVal(False), z3.IntVal(0))

    def bad_and_update(self, pre: StateVars, st: StepVars, post: StateVars,
                       m_pre: MonitorVars, m_post: MonitorVars) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(bad at this step, monitor update constraint)."""
        p = self.prop
        bad, update = self._bad_and_update(pre, st, post, m_pre, m_post)
        if p.along is None:
            return bad, update
        return bad, z3.And(update, self.enc.condition(p.along, pre, st, post))

    def _bad_and_update(self, pre: StateVars, st: StepVars, post: StateVars,
                        m_pre: MonitorVars, m_post: MonitorVars) -> tuple[z3.BoolRef, z3.BoolRef]:
        """``bad_and_update`` of the property itself, its ``along`` aside."""
        p = self.prop
        target = self.enc.condition(p.target, pre, st, post)
        if p.kind == "always":
            return z3.Not(target), z3.BoolVal(True)
        if p.kind in ("never", "reachable"):
            return target, z3.BoolVal(True)
        assert p.response is not None
        answered = self.enc.condition(p.response, pre, st, post)
        now = post[NOW]
        late = z3.And(m_pre.pending, now > m_pre.since + self.within)
        start = z3.And(z3.Not(m_pre.pending), target, z3.Not(answered))
        stop = z3.And(m_pre.pending, answered)
        update = z3.And(
            m_post.pending == z3.If(start, True, z3.If(stop, False, m_pre.pending)),
            m_post.since == z3.If(start, now, m_pre.since),
        )
        return late, update
