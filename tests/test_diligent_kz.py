"""The four demonstrations of issue 11 on the built-in model: with the world and the actors'
rights free while a duty is pending, each of these "can never happen" claims is violated, and
the solver's trace replays on the interpreter as a diligent trace that violates the property."""

from __future__ import annotations

import pytest
from polity.model.loader import BUILTIN_MODEL, load_model, resolve
from polity.proofs.interpreter import Interpreter, Step
from polity.proofs.judge import first_bad_step
from polity.proofs.records import Verdict
from polity.proofs.usecases import prove
from polity.properties.language import parse_user_property

DEMONSTRATIONS = [
    "whenever happened(kurultai_overrides_veto) then false within 0 days",
    "whenever happened(successor_refuses_presidential_powers) then false within 0 days",
    "whenever happened(appeal_to_constitutional_court) and cc_review != referendum_review"
    " and prev(presidency_holder) != nobody then false within 0 days",
    "whenever prev(kurultai_status) == kurultai_dissolved and (happened(president_dies)"
    " or happened(president_resigns)) then false within 0 days",
]


@pytest.mark.slow
@pytest.mark.skipif(not BUILTIN_MODEL.exists(), reason="no built-in model")
@pytest.mark.parametrize("formula", DEMONSTRATIONS)
def test_demonstration_is_violated_with_a_replayed_trace(formula: str) -> None:
    _, result = prove(formula, bound=12, timeout=300)
    assert result.verdict == Verdict.VIOLATED, result.reason
    assert result.trace
    system = resolve(load_model())
    steps = [Step(s.event, s.day, dict(s.args)) for s in result.trace]
    prop = parse_user_property(formula, system)
    assert prop.eager  # judged on diligent traces
    Interpreter(system).run(steps, eager=True)  # raises StepRefused if not lawful and diligent
    assert first_bad_step(Interpreter(system), prop, steps) == len(steps)
