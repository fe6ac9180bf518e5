"""Questions asked on some traces only (``Property.along``): the encoding and the interpreter
both keep to them, and a trace that leaves them is no witness. Also the last step of a lapse
said as time passes (tighten.time_passes_last)."""

from __future__ import annotations

import time
from pathlib import Path

from polity.model.expr import parse
from polity.model.loader import load_model, resolve
from polity.model.system import TIME_PASSES
from polity.proofs.bmc import BmcStatus, bmc
from polity.proofs.compiler import Encoding
from polity.proofs.engine import why_not_replayed
from polity.proofs.interpreter import Step
from polity.proofs.tighten import time_passes_last
from polity.properties.language import Property

SYSTEM = resolve(load_model(Path(__file__).parent / "models" / "find-causes.yaml"))
# whenever a law becomes pending, an emergency is already declared
EMERGENCY_FIRST = parse("not (law_pending and not prev(law_pending)) or emergency")
TARGET = parse("law_pending and emergency")


def test_the_solver_keeps_to_the_traces_asked_about() -> None:
    prop = Property("reachable", TARGET, text="t", along=EMERGENCY_FIRST)
    out = bmc(Encoding(SYSTEM, switchable=False), prop, 4, time.monotonic() + 60)
    assert out.status == BmcStatus.FOUND and out.trace is not None
    assert [s.event for s in out.trace] == ["emergency_declared", "law_passed"]
    assert why_not_replayed(SYSTEM, prop, out.trace) is None  # the interpreter agrees


def test_a_trace_that_leaves_them_is_no_witness_to_the_interpreter() -> None:
    prop = Property("reachable", TARGET, text="t", along=EMERGENCY_FIRST)
    plain = Property("reachable", TARGET, text="t")
    law_first = [Step("law_passed", 0), Step("emergency_declared", 0)]
    assert why_not_replayed(SYSTEM, plain, law_first) is None
    assert why_not_replayed(SYSTEM, prop, law_first) == "is bad at step 2 but the interpreter says None"


def test_a_restriction_can_leave_nothing_to_find() -> None:
    never_declared = parse("not happened(emergency_declared)")
    for along, status in ((None, BmcStatus.FOUND), (never_declared, BmcStatus.NONE)):
        prop = Property("reachable", parse("emergency"), text="t", along=along)
        assert bmc(Encoding(SYSTEM, switchable=False), prop, 4, time.monotonic() + 60).status == status


def test_a_last_step_that_only_shows_a_day_is_said_as_time_passing() -> None:
    trace = [Step("law_passed", 0), Step("emergency_declared", 40)]
    assert time_passes_last(trace, lambda t: t[-1].day >= 40) == [Step("law_passed", 0),
                                                                  Step(TIME_PASSES, 40)]
    assert time_passes_last(trace, lambda t: t[-1].event == "emergency_declared") == trace
