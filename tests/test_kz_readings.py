"""The readings of the KZ-2026 model that the review named (issue 12), one case each: a
question whose answer the solver computes differently under each option of the reading. The
verdicts are the solver's (with the trace replayed or the certificate re-checked by the engine),
never typed as the answer of the model: the test asks, per option, what the text allows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from polity.model.loader import BUILTIN_MODEL, load_model
from polity.proofs.records import Verdict
from polity.proofs.usecases import prove


@dataclass(frozen=True)
class Case:
    reading: str
    question: str  # what the property asks, in the lawyer's words
    formula: str
    bound: int
    verdicts: dict[str, frozenset[Verdict]]  # option -> the verdicts that answer it


R, U = frozenset({Verdict.REACHABLE}), frozenset({Verdict.UNREACHABLE})
VIOLATED = frozenset({Verdict.VIOLATED})
# no counterexample: proved, or holds_to_bound when the budget for the unbounded proof is spent
KEPT = frozenset({Verdict.PROVED, Verdict.HOLDS_TO_BOUND})

CASES = [
    Case("elect_waiting",
         "Art. 51(2): can the President's death make early elections due while a President-elect waits?",
         "reachable happened(president_dies) and prev(pres_election_stage) == president_elect_waiting"
         " and pres_election_stage == early_election_due",
         4, {"elect_takes_office": U, "early_election_anyway": R}),
    Case("no_confidence_resignation",
         "Art. 69(4), 69(6): can the President reject a resignation announced after no confidence?",
         "reachable happened(president_rejects_government_resignation) and prev(gov_resigns_on_no_confidence)",
         5, {"may_reject": R, "must_accept": U}),
    Case("elections_coincide",
         "Art. 43(3): can regular presidential elections be announced while a Kurultai election is under way?",
         "reachable happened(kurultai_announces_presidential_election)"
         " and prev(pres_election_stage) == no_pres_election and kurultai_election_called",
         4, {"same_day": R, "overlapping_periods": U}),
    Case("session_opener",
         "Art. 57(4), 58(4): can the regular session open while the Chairman's post is vacant?",
         "reachable happened(regular_session_opens) and not chairman_in_office",
         7, {"calendar": R, "chairman_opens": U, "president_opens": R}),
    Case("session_opener",
         "Art. 57(4), 58(4): can the regular session open while nobody exercises the presidential powers?",
         "reachable happened(regular_session_opens) and presidency_holder == nobody",
         7, {"calendar": R, "chairman_opens": R, "president_opens": U}),
    Case("pm_member_of_government",
         "Art. 56 item 17: can a dismissal on the Kurultai's appeal end the whole Government?",
         "reachable happened(president_dismisses_minister) and prev(government_status) != gov_none"
         " and government_status == gov_none",
         4, {"ministers_only": U, "pm_included": R}),
    Case("supreme_court_judges_consent",
         "Art. 62(2), 83: can the Kurultai refuse a Supreme Court judge twice, so that dissolution is due?",
         "reachable kurultai_status == kurultai_sitting and supreme_court_refusals >= 2",
         4, {"not_covered": U, "covered": R}),
    Case("runoff_deadline",
         "Art. 43(4), 51(2): is the President-elect known within two months of the announcement of early elections"
         " (on diligent traces)?",
         "whenever happened(kurultai_announces_presidential_election) and pres_election_stage == early_election_called"
         " then pres_election_stage == president_elect_waiting within 60 days",
         5, {"runoff_included": KEPT, "first_round_only": VIOLATED}),
    Case("previous_constitution_terms",
         "Art. 43(1): can the President in office on day 0, elected under the previous Constitution, be elected again?",
         "reachable not day0_president_not_elected_here",
         3, {"counted": U, "not_counted": R}),
]


# the readings the review named (issue 12), in its order
NAMED = ["elect_waiting", "no_confidence_resignation", "elections_coincide", "session_opener",
         "pm_member_of_government", "supreme_court_judges_consent", "runoff_deadline",
         "previous_constitution_terms"]


def test_every_case_names_every_option_of_its_reading() -> None:
    readings = {r.id: r for r in load_model().constitution.readings}
    assert [r for r in NAMED if r not in {c.reading for c in CASES}] == []
    for case in CASES:
        reading = readings[case.reading]
        assert set(case.verdicts) == {o.id for o in reading.options}, case.reading
        assert reading.default in case.verdicts
        answers = list(case.verdicts.values())
        # two options at least whose answers cannot coincide
        assert any(a.isdisjoint(b) for i, a in enumerate(answers) for b in answers[i + 1:]), \
            f"{case.reading}: the options do not differ"


@pytest.mark.slow
@pytest.mark.skipif(not BUILTIN_MODEL.exists(), reason="no built-in model")
@pytest.mark.parametrize("case", CASES, ids=[f"{c.reading}-{i}" for i, c in enumerate(CASES)])
def test_the_options_of_the_reading_answer_differently(case: Case) -> None:
    got = {}
    for option in case.verdicts:
        _, result = prove(case.formula, reading={case.reading: option}, bound=case.bound, timeout=300)
        got[option] = result.verdict
        if result.verdict == Verdict.REACHABLE:
            assert result.trace, f"{case.reading}={option}: reachable without a trace"
        if result.verdict == Verdict.VIOLATED:
            assert result.trace, f"{case.reading}={option}: violated without a trace"
        if result.verdict in (Verdict.UNREACHABLE, Verdict.PROVED):
            assert result.certificate is not None and result.certificate.rechecked, (case.reading, option)
    wrong = {o: v for o, v in got.items() if v not in case.verdicts[o]}
    assert not wrong, f"{case.question} {wrong}"
