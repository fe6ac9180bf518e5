"""The engines on the hand-checked tiny model: verdicts worked out by reading tiny.yaml.

Tinyland: the Head of State may dissolve the Assembly except during an emergency or within a
year (365 days) of the last dissolution (Art. 1(3)); after two refusals to consent to the
Minister he shall dissolve it (Art. 2(2)); a new Assembly is elected within 60 days (Art. 3(1)).
"""

from __future__ import annotations

import time

import pytest
import z3
from polity.model.errors import InternalError
from polity.model.system import System
from polity.proofs.bmc import bmc
from polity.proofs.compiler import Encoding
from polity.proofs.engine import check_property, replay_or_raise
from polity.proofs.induction import recheck_invariant, spacer
from polity.proofs.interpreter import Interpreter, Step, StepRefused
from polity.proofs.verdicts import Verdict
from polity.properties.language import parse_property


def verdict(system: System, text: str, bound: int = 8, timeout: float = 30) -> object:
    return check_property(system, parse_property(text, system), bound=bound, timeout=timeout)


def test_a_consequence_of_a_prohibition_is_proved_and_relies_on_it(tiny: System) -> None:
    r = verdict(tiny, "never happened(head_dissolves) and prev(emergency)")
    assert r.verdict == Verdict.PROVED
    assert r.certificate is not None and r.certificate.rechecked
    assert r.certificate.method == "k-induction" and r.certificate.k == 1  # no detour via Spacer
    assert r.relies_on == ("art_1__para_3",)


def test_a_range_tautology_is_proved_without_any_provision(tiny: System) -> None:
    r = verdict(tiny, "always refusals >= 0 and refusals <= 2")
    assert r.verdict == Verdict.PROVED
    assert r.relies_on == ()


def test_a_false_property_yields_the_shortest_replayed_trace(tiny: System) -> None:
    r = verdict(tiny, "always minister == false")
    assert r.verdict == Verdict.VIOLATED
    assert r.trace is not None and [s.event for s in r.trace] == ["assembly_consents"]
    assert r.trace[0].args["yes"] >= 3  # a majority of 5


def test_the_year_between_dissolutions_is_counted_in_days(tiny: System) -> None:
    r = verdict(tiny, "never happened(head_dissolves) and now - prev(last_dissolution) < year")
    assert r.verdict == Verdict.PROVED
    r = verdict(tiny, "never happened(head_dissolves) and now - prev(last_dissolution) == year")
    assert r.verdict == Verdict.VIOLATED
    assert r.trace is not None
    days = [s.day for s in r.trace if s.event == "head_dissolves"]
    assert days[1] - days[0] == 365


def test_conflict_witness(tiny: System) -> None:
    r = verdict(tiny, "reachable active(dissolve_after_refusals) and prohibited(head_dissolves)")
    assert r.verdict == Verdict.REACHABLE
    assert r.trace is not None and len(r.trace) == 3  # emergency + two refusals


def test_response_on_compliant_traces_is_proved(tiny: System) -> None:
    r = verdict(tiny, "whenever assembly_status == dissolved then assembly_status == sitting within 60 days")
    assert r.verdict == Verdict.PROVED


def test_an_unreachable_witness_is_unreachable_not_proved(tiny: System) -> None:
    r = verdict(tiny, "reachable refusals == 2 and minister")
    assert r.verdict == Verdict.UNREACHABLE


def test_tiny_timeout_is_unknown(tiny: System) -> None:
    r = verdict(tiny, "never happened(head_dissolves) and prev(emergency)", bound=40, timeout=0.001)
    assert r.verdict == Verdict.UNKNOWN
    assert "timeout" in r.reason or "canceled" in r.reason


def test_holds_to_bound_is_never_called_proved(tiny: System) -> None:
    prop = parse_property("never happened(head_dissolves) and prev(emergency)", tiny)
    r = check_property(tiny, prop, bound=4, timeout=30, unbounded=False)
    assert r.verdict == Verdict.HOLDS_TO_BOUND
    assert r.certificate is None


def test_incremental_and_fresh_bmc_agree(tiny: System) -> None:
    prop = parse_property("reachable lapsed(elect_new_assembly)", tiny)
    deadline = time.monotonic() + 30
    a = bmc(Encoding(tiny), prop, 6, deadline, incremental=True)
    b = bmc(Encoding(tiny), prop, 6, deadline, incremental=False)
    assert (a.status, a.depth) == (b.status, b.depth) == ("found", 2)


def test_a_trace_that_does_not_replay_is_an_internal_error(tiny: System) -> None:
    prop = parse_property("reachable assembly_status == dissolved", tiny)
    fake = [Step("emergency_declared", 0), Step("head_dissolves", 1)]  # forbidden in emergency
    with pytest.raises(InternalError, match="does not replay"):
        replay_or_raise(tiny, prop, fake)


def test_interpreter_names_the_refusing_provision(tiny: System) -> None:
    interp = Interpreter(tiny)
    with pytest.raises(StepRefused, match="no_dissolution_in_emergency"):
        interp.run([Step("emergency_declared", 0), Step("head_dissolves", 3)])
    with pytest.raises(StepRefused, match="before day"):
        interp.run([Step("emergency_declared", 5), Step("emergency_lifted", 4)])


def test_spacer_invariant_is_rechecked(tiny: System) -> None:
    prop = parse_property("never happened(head_dissolves) and prev(emergency)", tiny)
    out = spacer(tiny, prop, time.monotonic() + 30)
    assert out.status == "proved" and out.invariant, out.reason
    # a wrong invariant must fail the independent re-check
    enc = Encoding(tiny, switchable=False)
    s = enc.state("s")
    wrong = s["refusals"] == 0
    over = [*s.values(), z3.Bool("mon_pending@s"), z3.Int("mon_since@s")]
    bad = recheck_invariant(tiny, prop, wrong, over, time.monotonic() + 30)
    assert bad.status == "unknown" and "failed its re-check" in bad.reason
