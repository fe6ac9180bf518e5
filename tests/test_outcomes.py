"""Outcomes are values, not exceptions: a certificate that fails its re-check is ``Refuted``, a
trace that does not replay is a reason (``why_not_replayed``); exceptions are left for errors."""

from __future__ import annotations

import time

import pytest
from polity.model.errors import InternalError
from polity.model.system import System
from polity.proofs.engine import replay_or_raise, replays, why_not_replayed
from polity.proofs.impact import recheck_certificate
from polity.proofs.induction import ProofOutcome, Refuted, recheck_k_induction
from polity.proofs.interpreter import Interpreter, Step
from polity.properties.language import parse_property


def test_a_false_property_refutes_its_k_induction_certificate_in_the_base_case(tiny: System) -> None:
    prop = parse_property("always minister == false", tiny)  # one consent makes a minister
    out = recheck_k_induction(tiny, prop, 1, time.monotonic() + 30)
    assert out == Refuted("base case", 1)
    assert recheck_certificate(tiny, prop, {"k": 1}, time.monotonic() + 30) is None


def test_a_true_property_passes_its_k_induction_re_check(tiny: System) -> None:
    prop = parse_property("never happened(head_dissolves) and prev(emergency)", tiny)
    out = recheck_k_induction(tiny, prop, 1, time.monotonic() + 30)
    assert isinstance(out, ProofOutcome) and out.status == "proved"
    assert out.core == {"prohibition:no_dissolution_in_emergency"}


def test_a_trace_naming_a_lost_event_does_not_replay(tiny: System) -> None:
    prop = parse_property("reachable minister", tiny)
    trace = [Step("no_such_event", 0)]
    assert not replays(tiny, prop, trace)
    assert why_not_replayed(tiny, prop, trace) == "does not replay: unknown event no_such_event"
    with pytest.raises(InternalError, match="unknown event no_such_event"):
        replay_or_raise(tiny, prop, trace)


def test_a_trace_that_replays_has_no_reason_against_it(tiny: System) -> None:
    prop = parse_property("reachable minister", tiny)
    trace = [Step("assembly_consents", 0, {"yes": 3})]
    assert Interpreter(tiny).run(trace)[-1]["minister"] is True
    assert why_not_replayed(tiny, prop, trace) is None and replays(tiny, prop, trace)
    short = parse_property("reachable refusals == 1", tiny)
    assert why_not_replayed(tiny, short, trace) == "is bad at step 1 but the interpreter says None"
