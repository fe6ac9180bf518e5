"""Corrections of the KZ-2026 model from the article-by-article review (issue 12).

Each test pins one place where the model now says what the text says, on concrete traces run
by the independent interpreter (no solver). Each fails on the encoding before the correction:
the step it expects refused was allowed, or the event, reading or variable it uses was missing.
"""

from __future__ import annotations

from typing import Any

import pytest
from polity.model.loader import LoadedModel, load_model, resolve
from polity.model.system import System
from polity.proofs.interpreter import Interpreter, Step, StepRefused


@pytest.fixture(scope="module")
def loaded() -> LoadedModel:
    return load_model()


@pytest.fixture(scope="module")
def system(loaded: LoadedModel) -> System:
    return resolve(loaded)


def under(loaded: LoadedModel, **reading: str) -> System:
    return resolve(loaded, {**loaded.default_reading(), **reading})


def run(system: System, steps: list[Step]) -> list[dict[str, Any]]:
    return Interpreter(system).run(steps)


def refused(system: System, steps: list[Step]) -> str:
    with pytest.raises(StepRefused) as exc:
        run(system, steps)
    return str(exc.value)


def days(system: System) -> tuple[int, int]:
    """(the length of the year clock, the day of the year of the last working day of June)."""
    return system.params["year"], system.params["session_last_day"]


# ---------------------------------------------------------------- Art. 58(3), 58(4): the calendar


def test_regular_session_does_not_close_before_the_end_of_june(system: System) -> None:
    year, last = days(system)
    assert (year, last) == (365, 302)  # 1 September .. 30 June, the stated convention
    assert "kurultai_session_closes" in refused(system, [Step("kurultai_session_closes", 100)])
    run(system, [Step("kurultai_session_closes", last)])


def test_regular_session_reopens_in_september_without_the_president(system: System) -> None:
    year, last = days(system)
    # the President dies in the recess: the session still opens on 1 September, by the calendar
    states = run(system, [Step("kurultai_session_closes", last), Step("president_dismisses_vice_president", last),
                          Step("president_dies", last + 1), Step("successor_refuses_presidential_powers", last + 1),
                          Step("successor_refuses_presidential_powers", last + 1),
                          Step("regular_session_opens", year)])
    assert states[-2]["presidency_holder"] == "nobody"
    assert states[-1]["kurultai_in_session"] is True


def test_no_regular_meeting_in_july_and_august(system: System) -> None:
    year, last = days(system)
    vote = Step("kurultai_removes_chairman", last + 10, {"yes": 100})
    assert "kurultai_removes_chairman" in refused(system, [vote])  # session not closed, still no meeting
    run(system, [Step("kurultai_removes_chairman", year + 10, {"yes": 100})])  # next September: it meets


def test_extraordinary_session_only_between_sessions(system: System) -> None:
    year, last = days(system)
    assert "president_opens_session" in refused(system, [Step("president_opens_session", 100)])
    states = run(system, [Step("kurultai_session_closes", last), Step("president_opens_session", last + 5),
                          Step("kurultai_removes_chairman", last + 6, {"yes": 100})])
    assert states[-1]["off_calendar_session"] is True
    # it closes at a meeting whenever its business is done, and the next regular session opens
    run(system, [Step("kurultai_session_closes", last), Step("president_opens_session", last + 5),
                 Step("kurultai_session_closes", last + 7), Step("regular_session_opens", year)])


def test_calendar_duty_of_the_world(system: System) -> None:
    year, last = days(system)
    it = Interpreter(system)
    duty = it.obligation("hold_regular_session")
    closed = run(system, [Step("kurultai_session_closes", last)])[-1]
    assert not it.active(duty, closed)
    assert it.active(duty, {**closed, "now": year})


# ---------------------------------------------------------------- Art. 57(2): recall of the Chairman


def test_chairman_exercising_presidential_powers_can_be_recalled(system: System) -> None:
    # Art. 57(2) sets no exception; before the oath he is still Chairman (Art. 51(1) part 3)
    states = run(system, [Step("president_dismisses_vice_president", 1), Step("president_dies", 2),
                          Step("kurultai_removes_chairman", 3, {"yes": 73})])
    assert states[-2]["presidency_holder"] == "acting_chairman"
    assert states[-1]["chairman_in_office"] is False


# ---------------------------------------------------------------- Art. 53(1), 55(4): total and mandates


def terminations(n: int, day: int = 1) -> list[Step]:
    return [Step("deputy_mandate_terminated", day) for _ in range(n)]


def test_total_number_of_deputies_is_a_reading(loaded: LoadedModel) -> None:
    # 30 mandates vacant: 115 deputies hold them; 58 is a majority of those, 73 of the seats
    recall = Step("kurultai_removes_chairman", 2, {"yes": 58})
    assert "kurultai_removes_chairman" in refused(under(loaded, total_deputies="seats"),
                                                 [*terminations(30), recall])
    run(under(loaded, total_deputies="mandates_held"), [*terminations(30), recall])


def test_quorum_under_each_reading_of_the_total(loaded: LoadedModel) -> None:
    # 49 vacant: 96 deputies, fewer than two thirds of 145 (97), all of the 96 present
    reading = Step("bill_introduced", 1, {"constitutional": 0, "by_government": 0})
    hold = Step("kurultai_holds_reading", 2)
    assert "kurultai_holds_reading" in refused(under(loaded, total_deputies="seats"),
                                               [*terminations(49), reading, hold])
    run(under(loaded, total_deputies="mandates_held"), [*terminations(49), reading, hold])


def test_vacated_mandates_refilled_only_under_that_reading(loaded: LoadedModel) -> None:
    steps = [*terminations(2), Step("deputy_mandate_refilled", 2)]
    assert "deputy_mandate_refilled" in refused(under(loaded, mandate_refill="not_refilled"), steps)
    states = run(under(loaded, mandate_refill="refilled", total_deputies="mandates_held"), steps)
    assert states[-1]["vacant_mandates"] == 1
    assert states[-1]["total_deputies"] == 144


def test_treason_rejection_lowers_the_held_total(loaded: LoadedModel) -> None:
    steps = [Step("deputies_initiate_treason_charge", 1, {"initiators": 49}),
             Step("kurultai_rejects_treason_charge", 2, {"yes": 0})]
    held = run(under(loaded, total_deputies="mandates_held"), steps)[-1]
    assert (held["vacant_mandates"], held["total_deputies"]) == (49, 96)
    fixed = run(under(loaded, total_deputies="seats"), steps)[-1]
    assert (fixed["vacant_mandates"], fixed["total_deputies"]) == (49, 145)
