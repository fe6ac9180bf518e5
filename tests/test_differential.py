"""The Z3 encoding and the plain-Python interpreter agree, step by step, on random traces.

For a random reachable state (built by the interpreter) and a random step (event, day,
arguments), the transition relation with all provisions switched on must admit exactly the
successor the interpreter computes, and nothing when the interpreter refuses the step.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polity.model.expr import Call, EnumType, Name
from polity.model.loader import BUILTIN_MODEL, load_model, resolve
from polity.model.system import NOW, System
from polity.proofs.compiler import Encoding
from polity.proofs.interpreter import Interpreter, State, Step, StepRefused
from support import MODELS, TINY

# diligent.yaml: discharges by votes with arguments ({event, when} too), preparatory readings,
# prohibitions reading an argument
SYSTEMS = [resolve(load_model(TINY)), resolve(load_model(MODELS / "diligent.yaml"))]
if BUILTIN_MODEL.exists():
    SYSTEMS.append(resolve(load_model()))


def to_z3(system: System, enc: Encoding, state: State, tag: str) -> list[z3.BoolRef]:
    vs = enc.state(tag)
    out = [vs[NOW] == int(state[NOW])]
    for v in system.vars:
        value = state[v.id]
        if isinstance(v.type, EnumType):
            out.append(vs[v.id] == v.type.values.index(str(value)))
        elif isinstance(value, bool):
            out.append(vs[v.id] == value)
        else:
            out.append(vs[v.id] == int(value))
    return out


def from_model(system: System, enc: Encoding, model: z3.ModelRef, tag: str) -> State:
    vs = enc.state(tag)
    out: dict[str, Any] = {NOW: model.eval(vs[NOW], model_completion=True).as_long()}
    for v in system.vars:
        val = model.eval(vs[v.id], model_completion=True)
        if isinstance(v.type, EnumType):
            out[v.id] = v.type.values[val.as_long()]
        elif z3.is_bool(val):
            out[v.id] = z3.is_true(val)
        else:
            out[v.id] = val.as_long()
    return out


@st.composite
def scenario(draw: st.DrawFn) -> tuple[System, State, Step]:
    """A state reached by random allowed steps, then one random (maybe forbidden) step."""
    system = draw(st.sampled_from(SYSTEMS))
    interp = Interpreter(system)
    state = system.initial_state()
    for _ in range(draw(st.integers(0, 8))):
        day = int(state[NOW]) + draw(st.sampled_from([0, 0, 1, 30, 200, 400, 3000]))
        options = interp.enabled_steps(state, day)
        if not options:
            break
        state = interp.step(state, draw(st.sampled_from(options)))
    event = system.events[draw(st.sampled_from(sorted(system.events)))]
    day = int(state[NOW]) + draw(st.sampled_from([-1, 0, 1, 7, 11, 21, 31, 60, 365, 2000]))
    args = {a.id: draw(st.integers(a.lo, a.hi)) for a in event.args}
    return system, state, Step(event.id, day, args)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_encoding_agrees_with_interpreter(case: tuple[System, State, Step]) -> None:
    system, state, step = case
    interp = Interpreter(system)
    try:
        expected: State | None = interp.step(state, step)
    except StepRefused:
        expected = None
    enc = Encoding(system)
    solver = z3.Solver()
    stv = enc.step("x")
    solver.add(*to_z3(system, enc, state, "pre"))
    solver.add(enc.trans(enc.state("pre"), stv, enc.state("post")))
    solver.add(stv.ev == enc.event_index[step.event], enc.state("post")[NOW] == step.day)
    solver.add(*[stv.args[k] == v for k, v in step.args.items()])
    result = solver.check(*enc.switches.values())
    if expected is None:
        assert result == z3.unsat, f"Z3 allows a step the interpreter refuses: {step}"
        return
    assert result == z3.sat, f"Z3 refuses a step the interpreter allows: {step}"
    assert from_model(system, enc, solver.model(), "post") == expected
    # the successor is unique: no other post-state satisfies the relation
    solver.add(z3.Not(z3.And(to_z3(system, enc, expected, "post"))))
    assert solver.check(*enc.switches.values()) == z3.unsat


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_diligence_rule_agrees_with_interpreter(case: tuple[System, State, Step]) -> None:
    """On diligent traces (no clock moved past a due day while the holder could still act for
    the duty, arguments of discharges and preparatory acts included) both sides allow exactly
    the same steps."""
    system, state, step = case
    interp = Interpreter(system)
    try:
        interp.step(state, step, eager=True)
        allowed = True
    except StepRefused:
        allowed = False
    enc = Encoding(system)
    solver = z3.Solver()
    stv = enc.step("x")
    solver.add(*to_z3(system, enc, state, "pre"))
    solver.add(enc.trans(enc.state("pre"), stv, enc.state("post"), eager=True))
    solver.add(stv.ev == enc.event_index[step.event], enc.state("post")[NOW] == step.day)
    solver.add(*[stv.args[k] == v for k, v in step.args.items()])
    assert (solver.check(*enc.switches.values()) == z3.sat) == allowed, step


_ENCODINGS: dict[str, Encoding] = {}


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_enabled_and_prohibited_agree_with_interpreter(case: tuple[System, State, Step]) -> None:
    """``enabled(e)``: some arguments in range allow the step today (effects included);
    ``prohibited(e)``: a prohibition on e is in force today for some arguments in range. The
    interpreter tries every combination, the encoding eliminates the existential: both agree
    on every event, events with arguments included."""
    system, state, _ = case
    interp = Interpreter(system)
    enc = _ENCODINGS.setdefault(system.id, Encoding(system))  # keeps its eliminated existentials
    vs = enc.state("pre")
    solver = z3.Solver()
    solver.add(*to_z3(system, enc, state, "pre"), *enc.switches.values())
    assert solver.check() == z3.sat
    model = solver.model()
    hook_z3, hook_py = enc.state_hook(vs), interp.state_hook(interp.env(state))
    for event in system.events.values():
        if math.prod(a.hi - a.lo + 1 for a in event.args) > 10_000:
            continue  # the national referendum's five counts: beyond exact enumeration (and qe)
        for fn in ("enabled", "prohibited"):
            call = Call(fn, (Name(event.id),))
            expected = bool(hook_py(call, interp.env(state)))
            got = z3.is_true(model.eval(hook_z3(call), model_completion=True))
            assert got == expected, (fn, event.id, state)
