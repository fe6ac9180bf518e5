"""What the KZ-2026 model still missed (issue 12, items 8, 9 and 14); the 1995 model's priority
bill (Art. 61(2)) is in test_kz1995_model.py.

Each test runs concrete traces on the independent interpreter (no solver) and fails on the
encoding before the change: the step it expects refused was allowed, the duty it expects
inactive was active, or the argument, variable or reading it uses was missing.
"""

from __future__ import annotations

import pytest
from kz_trace import active, refused, run, under
from polity.model.loader import LoadedModel
from polity.model.system import System
from polity.proofs.interpreter import Interpreter, Step

# ---------------------------------------------------------------- Art. 46 item 8, 62(2): per post

CC_JUDGE, CEC_MEMBER, AUDIT_MEMBER = 1, 2, 3


def refusal(post: int, day: int = 1, same: int = 0) -> Step:
    return Step("kurultai_votes_on_appointment", day,
                {"yes": 0, "post": post, "previously_appointed": 0, "same_candidate": same})


def test_refusals_for_different_posts_of_item_8_are_not_repeated(kz_system: System) -> None:
    # before, one count served every post of item 8: a judge and a CEC member refused made two
    state = run(kz_system, [refusal(CC_JUDGE), refusal(CEC_MEMBER)])[-1]
    assert not active(kz_system, "dissolve_after_repeated_refusal", state)
    state = run(kz_system, [refusal(CC_JUDGE), refusal(CEC_MEMBER), refusal(CEC_MEMBER)])[-1]
    assert active(kz_system, "dissolve_after_repeated_refusal", state)


def test_a_consent_for_one_post_does_not_reset_another(kz_system: System) -> None:
    consent = Step("kurultai_votes_on_appointment", 1,
                   {"yes": 100, "post": AUDIT_MEMBER, "previously_appointed": 0, "same_candidate": 0})
    state = run(kz_system, [refusal(CC_JUDGE), consent, refusal(CC_JUDGE)])[-1]
    assert active(kz_system, "dissolve_after_repeated_refusal", state)


def test_same_candidate_is_a_reading(kz_loaded: LoadedModel) -> None:
    two_candidates = [refusal(CC_JUDGE), refusal(CC_JUDGE, same=0)]
    anyone = under(kz_loaded, refusal_candidate="any_candidate")
    assert active(anyone, "dissolve_after_repeated_refusal", run(anyone, two_candidates)[-1])
    same = under(kz_loaded, refusal_candidate="same_candidate")
    assert not active(same, "dissolve_after_repeated_refusal", run(same, two_candidates)[-1])
    again = run(same, [refusal(CC_JUDGE), refusal(CC_JUDGE, same=1)])[-1]
    assert active(same, "dissolve_after_repeated_refusal", again)


def test_the_once_only_bar_of_art_72_2_is_for_the_judges_only(kz_system: System) -> None:
    it = Interpreter(kz_system)
    event = kz_system.events["kurultai_votes_on_appointment"]
    state = kz_system.initial_state()
    args = {"yes": 100, "previously_appointed": 1, "same_candidate": 0}
    assert it.prohibitions_in_force(event, state, 0, {**args, "post": CC_JUDGE}) == [
        "once_only_constitutional_court_judge"]
    assert it.prohibitions_in_force(event, state, 0, {**args, "post": CEC_MEMBER}) == []


# ---------------------------------------------------------------- Art. 62(1), 50(4): the consultations

BEGIN = Step("president_begins_dissolution_consultations", 1)
DISSOLVE = Step("president_dissolves_kurultai", 3)
NEW_PM = [Step("president_dismisses_government", 1), Step("kurultai_votes_on_prime_minister", 2, {"yes": 100})]
NEW_CHAIRMAN = [Step("kurultai_removes_chairman", 1, {"yes": 100}), Step("kurultai_votes_on_chairman", 2, {"yes": 100})]


@pytest.mark.parametrize("change", [NEW_PM, NEW_CHAIRMAN], ids=["new-prime-minister", "new-chairman"])
def test_a_person_who_took_office_since_is_consulted_again(kz_system: System, change: list[Step]) -> None:
    # before, the consultations held with the predecessor served for the dissolution
    assert "president_dissolves_kurultai" in refused(kz_system, [BEGIN, *change, DISSOLVE])
    states = run(kz_system, [BEGIN, *change, Step("president_consults_again", 3), DISSOLVE])
    assert states[-1]["kurultai_status"] == "kurultai_dissolved"


def test_the_consideration_of_art_50_4_goes_on_while_a_successor_is_awaited(kz_system: System) -> None:
    states = run(kz_system, [BEGIN, *NEW_PM])
    assert states[-1]["dissolution_consultations"] is True
    initiate = Step("deputies_initiate_treason_charge", 3, {"initiators": 49})
    assert Interpreter(kz_system).prohibitions_in_force(
        kz_system.events[initiate.event], states[-1], 3, initiate.args) == ["no_removal_while_dissolution_considered"]


def test_a_post_left_vacant_since_the_consultations(kz_loaded: LoadedModel) -> None:
    gone = [BEGIN, Step("president_dismisses_government", 2), DISSOLVE]
    holders = run(under(kz_loaded, consultation_vacancy="consult_holders"), gone)
    assert holders[-1]["kurultai_status"] == "kurultai_dissolved"
    assert "president_dissolves_kurultai" in refused(under(kz_loaded, consultation_vacancy="both_required"), gone)


# ---------------------------------------------------------------- Art. 44(2): deputies at the oath


def elect_then_dissolve(system: System) -> list[Step]:
    """A regular presidential election, then the Kurultai dissolved before the oath."""
    end = system.params["president_term"]
    return [Step("kurultai_announces_presidential_election", end - 300),
            Step("presidential_election_held", end - 299),
            Step("president_begins_dissolution_consultations", end - 298),
            Step("president_dissolves_kurultai", end - 298)]


def test_the_oath_needs_deputies_under_that_reading(kz_loaded: LoadedModel) -> None:
    required = under(kz_loaded, oath_presence="deputies_required")
    steps = elect_then_dissolve(required)
    oath = Step("president_elect_takes_oath", steps[-1].day + 1)
    assert "president_elect_takes_oath" in refused(required, [*steps, oath])
    ceremony = under(kz_loaded, oath_presence="ceremony_only")
    assert run(ceremony, [*steps, oath])[-1]["presidency_holder"] == "elected_president"


# ---------------------------------------------------------------- Art. 64(2): the structure proposals


def test_a_new_prime_minister_proposes_the_structure_within_ten_days(kz_system: System) -> None:
    it = Interpreter(kz_system)
    duty = it.obligation("propose_government_structure")
    states = run(kz_system, NEW_PM)
    assert it.active(duty, states[-1])
    assert it.due(duty, states[-1]) == 2 + kz_system.params["ten_days"]
    done = run(kz_system, [*NEW_PM, Step("pm_proposes_government_structure", 5)])[-1]
    assert not it.active(duty, done)
    assert not it.active(duty, kz_system.initial_state())


# ---------------------------------------------------------------- Art. 73(1): who may apply

NOBODY_TO_APPLY = {"kurultai_status": "kurultai_dissolved", "chairman_in_office": False,
                   "government_status": "gov_none", "presidency_holder": "nobody",
                   "new_kurultai_elected": True}


def test_an_appeal_needs_an_applicant_of_art_73_1(kz_system: System) -> None:
    it = Interpreter(kz_system)
    appeal = kz_system.events["appeal_to_constitutional_court"]
    state = {**kz_system.initial_state(), **NOBODY_TO_APPLY}
    assert it.why_not(appeal, state, 1, {"subject": 3}) is not None
    for applicant in ({"government_status": "gov_in_office"}, {"presidency_holder": "acting_prime_minister"}):
        assert it.why_not(appeal, {**state, **applicant}, 1, {"subject": 3}) is None, applicant


def test_one_fifth_of_the_deputies_may_apply(kz_loaded: LoadedModel) -> None:
    system = under(kz_loaded, total_deputies="seats")
    it = Interpreter(system)
    appeal = system.events["appeal_to_constitutional_court"]
    seats = system.params["seats"]
    sitting = {**system.initial_state(), **NOBODY_TO_APPLY, "kurultai_status": "kurultai_sitting",
               "new_kurultai_elected": True}
    fifth = system.params["one_fifth_total"]
    assert it.why_not(appeal, {**sitting, "vacant_mandates": seats - fifth}, 1, {"subject": 3}) is None
    assert it.why_not(appeal, {**sitting, "vacant_mandates": seats - fifth + 1}, 1, {"subject": 3}) is not None


# ---------------------------------------------------------------- Art. 92(1): the initiators exist


def test_each_initiator_of_an_amendment_must_exist(kz_system: System) -> None:
    it = Interpreter(kz_system)
    dissolved = {**kz_system.initial_state(), "kurultai_status": "kurultai_dissolved", "kurultai_in_session": False,
                 "government_status": "gov_none"}
    kurultai = kz_system.events["kurultai_initiates_amendment"]
    government = kz_system.events["government_initiates_amendment"]
    assert it.why_not(kurultai, dissolved, 1, {"touches_entrenched": 0, "yes": 100}) is not None
    assert it.why_not(government, dissolved, 1, {"touches_entrenched": 0}) is not None
    # Kazakhstan Halyk Kenesi, a standing body (Art. 70), may always take the initiative
    assert it.why_not(kz_system.events["body_initiates_amendment"], dissolved, 1, {"touches_entrenched": 0}) is None
    sitting = kz_system.initial_state()
    assert it.why_not(kurultai, sitting, 1, {"touches_entrenched": 0, "yes": 73}) is None
    assert it.why_not(kurultai, sitting, 1, {"touches_entrenched": 0, "yes": 72}) is not None
    assert it.why_not(government, sitting, 1, {"touches_entrenched": 0}) is None


# ---------------------------------------------------------------- the same questions to the solver

SOLVER_QUESTIONS = [
    # Art. 72(2) bars a second term for judges only: a former CEC member may be consented to again
    ("reachable happened(kurultai_votes_on_appointment) and arg(post) == 2 and arg(previously_appointed) == 1",
     "reachable"),
    # two refusals for different posts of item 8 never make a repeated refusal
    ("reachable active(dissolve_after_repeated_refusal) and cc_judge_refusals == 1 and cec_member_refusals == 1"
     " and audit_member_refusals < 2 and vp_refusals < 2 and pm_refusals < 2 and chairman_refusals < 2",
     "unreachable"),
    # Art. 62(1): no dissolution without consulting the Prime Minister in office
    ("never happened(president_dissolves_kurultai) and prev(government_status) != gov_none and not prev(consulted_pm)",
     "proved"),
    # Art. 92(1): the Government's initiative needs a Government
    ("never happened(government_initiates_amendment) and prev(government_status) == gov_none", "proved"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("formula", "verdict"), SOLVER_QUESTIONS)
def test_solver_answers(formula: str, verdict: str) -> None:
    from polity.proofs.usecases import prove

    _, result = prove(formula, bound=4, timeout=300)
    assert result.verdict.value == verdict, result.reason
