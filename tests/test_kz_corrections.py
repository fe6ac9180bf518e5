"""Corrections of the KZ-2026 model from the article-by-article review (issue 12).

Each test pins one place where the model now says what the text says, on concrete traces run
by the independent interpreter (no solver). Each fails on the encoding before the correction:
the step it expects refused was allowed, or the event, reading or variable it uses was missing.
"""

from __future__ import annotations

from kz_trace import refused, run, under
from polity.model.loader import LoadedModel, resolve
from polity.model.system import System
from polity.proofs.interpreter import Interpreter, Step


def days(system: System) -> tuple[int, int]:
    """(the length of the year clock, the day of the year of the last working day of June)."""
    return system.params["year"], system.params["session_last_day"]


# ---------------------------------------------------------------- Art. 58(3), 58(4): the calendar


def test_regular_session_does_not_close_before_the_end_of_june(kz_system: System) -> None:
    year, last = days(kz_system)
    assert (year, last) == (365, 302)  # 1 September .. 30 June, the stated convention
    assert "kurultai_session_closes" in refused(kz_system, [Step("kurultai_session_closes", 100)])
    run(kz_system, [Step("kurultai_session_closes", last)])


def test_regular_session_reopens_in_september_without_the_president(kz_system: System) -> None:
    year, last = days(kz_system)
    # the President dies in the recess: the session still opens on 1 September, by the calendar
    states = run(kz_system, [Step("kurultai_session_closes", last), Step("president_dismisses_vice_president", last),
                             Step("president_dies", last + 1), Step("successor_refuses_presidential_powers", last + 1),
                             Step("successor_refuses_presidential_powers", last + 1),
                             Step("regular_session_opens", year)])
    assert states[-2]["presidency_holder"] == "nobody"
    assert states[-1]["kurultai_in_session"] is True


def test_no_regular_meeting_in_july_and_august(kz_system: System) -> None:
    year, last = days(kz_system)
    vote = Step("kurultai_removes_chairman", last + 10, {"yes": 100})
    assert "kurultai_removes_chairman" in refused(kz_system, [vote])  # session not closed, still no meeting
    run(kz_system, [Step("kurultai_removes_chairman", year + 10, {"yes": 100})])  # next September: it meets


def test_extraordinary_session_only_between_sessions(kz_system: System) -> None:
    year, last = days(kz_system)
    assert "president_opens_session" in refused(kz_system, [Step("president_opens_session", 100)])
    states = run(kz_system, [Step("kurultai_session_closes", last), Step("president_opens_session", last + 5),
                             Step("kurultai_removes_chairman", last + 6, {"yes": 100})])
    assert states[-1]["off_calendar_session"] is True
    # it closes at a meeting whenever its business is done, and the next regular session opens
    run(kz_system, [Step("kurultai_session_closes", last), Step("president_opens_session", last + 5),
                    Step("kurultai_session_closes", last + 7), Step("regular_session_opens", year)])


def test_calendar_duty_of_the_world(kz_system: System) -> None:
    year, last = days(kz_system)
    it = Interpreter(kz_system)
    duty = it.obligation("hold_regular_session")
    closed = run(kz_system, [Step("kurultai_session_closes", last)])[-1]
    assert not it.active(duty, closed)
    assert it.active(duty, {**closed, "now": year})


# ---------------------------------------------------------------- Art. 57(2): recall of the Chairman


def test_chairman_exercising_presidential_powers_can_be_recalled(kz_system: System) -> None:
    # Art. 57(2) sets no exception; before the oath he is still Chairman (Art. 51(1) part 3)
    states = run(kz_system, [Step("president_dismisses_vice_president", 1), Step("president_dies", 2),
                             Step("kurultai_removes_chairman", 3, {"yes": 73})])
    assert states[-2]["presidency_holder"] == "acting_chairman"
    assert states[-1]["chairman_in_office"] is False


# ---------------------------------------------------------------- Art. 53(1), 55(4): total and mandates


def terminations(n: int, day: int = 1) -> list[Step]:
    return [Step("deputy_mandate_terminated", day) for _ in range(n)]


def test_total_number_of_deputies_is_a_reading(kz_loaded: LoadedModel) -> None:
    # 30 mandates vacant: 115 deputies hold them; 58 is a majority of those, 73 of the seats
    recall = Step("kurultai_removes_chairman", 2, {"yes": 58})
    assert "kurultai_removes_chairman" in refused(under(kz_loaded, total_deputies="seats"),
                                                 [*terminations(30), recall])
    run(under(kz_loaded, total_deputies="mandates_held"), [*terminations(30), recall])


def test_quorum_under_each_reading_of_the_total(kz_loaded: LoadedModel) -> None:
    # 49 vacant: 96 deputies, fewer than two thirds of 145 (97), all of the 96 present
    reading = Step("bill_introduced", 1, {"constitutional": 0, "by_government": 0})
    hold = Step("kurultai_holds_reading", 2)
    assert "kurultai_holds_reading" in refused(under(kz_loaded, total_deputies="seats"),
                                               [*terminations(49), reading, hold])
    run(under(kz_loaded, total_deputies="mandates_held"), [*terminations(49), reading, hold])


def test_vacated_mandates_refilled_only_under_that_reading(kz_loaded: LoadedModel) -> None:
    steps = [*terminations(2), Step("deputy_mandate_refilled", 2)]
    assert "deputy_mandate_refilled" in refused(under(kz_loaded, mandate_refill="not_refilled"), steps)
    states = run(under(kz_loaded, mandate_refill="refilled", total_deputies="mandates_held"), steps)
    assert states[-1]["vacant_mandates"] == 1
    assert states[-1]["total_deputies"] == 144


def test_treason_rejection_lowers_the_held_total(kz_loaded: LoadedModel) -> None:
    steps = [Step("deputies_initiate_treason_charge", 1, {"initiators": 49}),
             Step("kurultai_rejects_treason_charge", 2, {"yes": 0})]
    held = run(under(kz_loaded, total_deputies="mandates_held"), steps)[-1]
    assert (held["vacant_mandates"], held["total_deputies"]) == (49, 96)
    fixed = run(under(kz_loaded, total_deputies="seats"), steps)[-1]
    assert (fixed["vacant_mandates"], fixed["total_deputies"]) == (49, 145)


# ---------------------------------------------------------------- Art. 47(3): pre-signature

ADOPTED = [Step("bill_introduced", 1, {"constitutional": 0, "by_government": 0}),
           Step("kurultai_holds_reading", 2), Step("kurultai_holds_reading", 3),
           Step("kurultai_adopts_bill", 4), Step("kurultai_submits_law", 5)]


def test_law_signed_only_after_presignature(kz_system: System) -> None:
    sign = Step("president_signs_law", 6)
    assert "president_signs_law" in refused(kz_system, [*ADOPTED, sign])
    assert "president_signs_law" in refused(kz_system, [*ADOPTED, Step("chairman_presigns_law", 6), sign])
    run(kz_system, [*ADOPTED, Step("chairman_presigns_law", 6), Step("pm_presigns_law", 6), sign])


def test_no_presignature_without_a_chairman(kz_system: System) -> None:
    states = run(kz_system, [Step("kurultai_removes_chairman", 1, {"yes": 100}), *ADOPTED])
    assert "chairman_presigns_law" in refused(kz_system, [Step("kurultai_removes_chairman", 1, {"yes": 100}),
                                                        *ADOPTED, Step("chairman_presigns_law", 6)])
    it = Interpreter(kz_system)
    assert it.active(it.obligation("presign_law_as_chairman"), states[-1])


# ---------------------------------------------------------------- Art. 73, 75(1): negative decisions


def test_law_found_unconstitutional_may_not_be_signed(kz_system: System) -> None:
    states = run(kz_system, [*ADOPTED, Step("appeal_to_constitutional_court", 6, {"subject": 1}),
                             Step("constitutional_court_decides_against", 7)])
    assert states[-1]["bill_stage"] == "no_bill"


def test_annulled_kurultai_election_is_held_again(kz_system: System) -> None:
    year = kz_system.params["year"]
    end = 5 * year
    states = run(kz_system, [Step("president_calls_kurultai_election", end - 100),
                             Step("kurultai_election_held", end - 90),
                             Step("appeal_to_constitutional_court", end - 89, {"subject": 3}),
                             Step("constitutional_court_decides_against", end - 88)])
    assert states[-1]["new_kurultai_elected"] is False
    assert states[-1]["kurultai_election_called"] is True


# ---------------------------------------------------------------- dissolution and pending procedures


def dissolved_with_passed_bill(year: int) -> list[Step]:
    return [Step("bill_introduced", year, {"constitutional": 0, "by_government": 0}),
            Step("kurultai_holds_reading", year), Step("kurultai_holds_reading", year),
            Step("kurultai_adopts_bill", year),
            Step("president_begins_dissolution_consultations", year),
            Step("president_dissolves_kurultai", year)]


def test_no_submission_by_a_dissolved_kurultai(kz_system: System) -> None:
    year = kz_system.params["year"]
    assert "kurultai_submits_law" in refused(
        kz_system, [*dissolved_with_passed_bill(year), Step("kurultai_submits_law", year + 1)])


def test_pending_bills_on_dissolution_is_a_reading(kz_loaded: LoadedModel) -> None:
    steps = dissolved_with_passed_bill(resolve(kz_loaded).params["year"])
    assert run(under(kz_loaded, bills_on_dissolution="survive"), steps)[-1]["bill_stage"] == "bill_passed"
    assert run(under(kz_loaded, bills_on_dissolution="lapse"), steps)[-1]["bill_stage"] == "no_bill"


# ---------------------------------------------------------------- Art. 51(1): the acting President leaves


def test_acting_president_leaving_is_a_reading(kz_loaded: LoadedModel) -> None:
    steps = [Step("president_dies", 1), Step("acting_president_leaves", 2)]
    assert run(under(kz_loaded, acting_successor_leaves="no_successor"), steps)[-1]["presidency_holder"] == "nobody"
    # the Vice-President leaves before his oath: the Chairman is next
    assert (run(under(kz_loaded, acting_successor_leaves="chain_again"), steps)[-1]["presidency_holder"]
            == "acting_chairman")


# ---------------------------------------------------------------- Art. 69(1), 69(4)


def test_new_kurultai_does_not_restart_a_pending_resignation(kz_system: System) -> None:
    year = kz_system.params["year"]
    end = 5 * year
    states = run(kz_system, [Step("government_announces_resignation", end - 95),
                             Step("president_calls_kurultai_election", end - 95),
                             Step("kurultai_election_held", end - 90),
                             Step("president_convenes_first_session", end - 89)])
    assert states[-1]["government_status"] == "gov_resigning"
    assert states[-1]["gov_resignation_on"] == end - 95


# ---------------------------------------------------------------- Art. 56 item 16, 65 item 2: the budget report


def test_budget_report_vote_needs_a_submitted_report(kz_system: System) -> None:
    vote = Step("kurultai_votes_on_budget_report", 2, {"yes": 100, "no": 0})
    assert "kurultai_votes_on_budget_report" in refused(kz_system, [vote])
    states = run(kz_system, [Step("government_submits_budget_report", 1), vote])
    assert states[-1]["budget_report_submitted"] is False
    # one vote per report: a second vote needs a new report
    again = Step("kurultai_votes_on_budget_report", 3, {"yes": 0, "no": 0})
    assert "kurultai_votes_on_budget_report" in refused(
        kz_system, [Step("government_submits_budget_report", 1), vote, again])


def test_failure_to_approve_is_a_reading(kz_loaded: LoadedModel) -> None:
    steps = [Step("government_submits_budget_report", 1),
             Step("kurultai_votes_on_budget_report", 2, {"yes": 72, "no": 0})]
    assert (run(under(kz_loaded, budget_not_approved="failed_vote"), steps)[-1]["government_status"]
            == "gov_no_confidence")
    assert run(under(kz_loaded, budget_not_approved="rejected"), steps)[-1]["government_status"] == "gov_in_office"


# ---------------------------------------------------------------- Art. 60(2): the priority clock


def test_priority_clock_is_a_reading(kz_loaded: LoadedModel) -> None:
    steps = [Step("bill_introduced", 1, {"constitutional": 0, "by_government": 0}),
             Step("president_sets_bill_priority", 50)]
    for option, since in (("from_priority", 50), ("from_introduction", 1)):
        system = under(kz_loaded, priority_clock=option)
        it = Interpreter(system)
        state = run(system, steps)[-1]
        duties = [o for o in system.obligations if it.active(o, state) and "kurultai_adopts_bill" in o.discharged_by]
        assert [it.due(o, state) for o in duties] == [since + system.params["two_months"]], option


# ---------------------------------------------------------------- Art. 46 items 17, 18: lifting


def test_nobody_lifts_an_emergency_when_nobody_holds_the_powers(kz_system: System) -> None:
    steps = [Step("president_declares_emergency", 1), Step("president_dies", 2),
             Step("acting_president_leaves", 3), Step("emergency_lifted", 4)]
    assert "emergency_lifted" in refused(kz_system, steps)


# ---------------------------------------------------------------- readings named by the review


def test_successor_acts_before_oath_is_a_reading(kz_loaded: LoadedModel) -> None:
    steps = [Step("president_dies", 1), Step("president_dismisses_government", 2)]
    run(under(kz_loaded, successor_acts="acts_at_once"), steps)
    after = under(kz_loaded, successor_acts="after_oath")
    assert "president_dismisses_government" in refused(after, steps)
    run(after, [Step("president_dies", 1), Step("acting_president_takes_oath", 2),
                Step("president_dismisses_government", 3)])


def test_suspension_of_the_oath_clock_is_a_reading(kz_loaded: LoadedModel) -> None:
    steps = [Step("president_dies", 1), Step("kurultai_announces_presidential_election", 2),
             Step("presidential_election_held", 30), Step("appeal_to_constitutional_court", 31, {"subject": 2}),
             Step("constitutional_court_decides", 81)]
    held = run(under(kz_loaded, cc_suspension="clocks_suspended"), steps)[-1]
    assert held["pres_results_on"] == 30 + 50
    assert run(under(kz_loaded, cc_suspension="clocks_run"), steps)[-1]["pres_results_on"] == 30


def test_consideration_of_dissolution_while_barred_is_a_reading(kz_loaded: LoadedModel) -> None:
    steps = [Step("president_declares_emergency", 1), Step("president_begins_dissolution_consultations", 2)]
    run(under(kz_loaded, consideration_while_barred="may_consider"), steps)
    assert "president_begins_dissolution_consultations" in refused(
        under(kz_loaded, consideration_while_barred="not_while_barred"), steps)


# ---------------------------------------------------------------- Art. 56 item 2: the repeated vote


def test_the_repeated_vote_discharges_the_reconsideration_duty_whatever_its_result(kz_system: System) -> None:
    """The duty is to discuss and vote again: overriding the objections discharges it as
    sustaining them does (before, only sustaining did, so an override could never happen on a
    diligent trace while the duty was pending)."""
    interp = Interpreter(kz_system)
    duty = interp.obligation("reconsider_returned_law")
    assert set(duty.discharged_by) == {"kurultai_overrides_veto", "kurultai_sustains_objections"}
    vetoed = {**kz_system.initial_state(), "bill_stage": "bill_vetoed", "bill_stage_on": 0}
    assert interp.active(duty, vetoed)
    for event, args in (("kurultai_overrides_veto", {"yes": kz_system.params["seats"]}),
                        ("kurultai_sustains_objections", {})):
        after = interp.apply(kz_system.events[event], vetoed, 10, args)
        assert not interp.active(duty, after), event


# ---------------------------------------------------------------- "not more than once", Art. 60(2)


def test_not_more_than_once_is_a_prohibition_reading_the_argument(kz_system: System) -> None:
    """Art. 72(2), 72(3), 83(1), 84(3): the bar is a prohibition over the appointing act's
    argument (before, a guard on the event stood in for it)."""
    interp = Interpreter(kz_system)
    event = kz_system.events["president_appoints_official"]
    assert not any("previously_appointed" in str(g.cond) for g in event.guards)
    state = kz_system.initial_state()
    barred = interp.prohibitions_in_force(event, state, 0, {"previously_appointed": 1})
    assert barred == ["once_only_chief_appointments"]
    assert interp.prohibitions_in_force(event, state, 0, {"previously_appointed": 0}) == []


def test_what_discharges_the_priority_duty_is_a_reading(kz_loaded: LoadedModel) -> None:
    adopt = {o.id: o for o in under(kz_loaded, priority_duty="adopt").obligations}
    decide = {o.id: o for o in under(kz_loaded, priority_duty="decide").obligations}
    assert adopt["adopt_priority_bill"].discharged_by == ("kurultai_adopts_bill",)
    assert set(decide["decide_priority_bill"].discharged_by) == {"kurultai_adopts_bill", "kurultai_rejects_bill"}
    assert "decide_priority_bill" not in adopt and "adopt_priority_bill" not in decide
