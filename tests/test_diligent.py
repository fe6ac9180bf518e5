"""Diligent traces on the tiny model tests/models/diligent.yaml, on both sides.

Each notion of docs/semantics.md ("Which traces are judged") is checked on the interpreter and
on the Z3 encoding: a world event while a duty is pending; no lapse of a duty whose discharge
needs the holder's own readings; a vote discharging whatever its result (or only when it
passes, for an ``{event, when}`` entry); prohibitions reading the event's argument.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import z3
from polity.model.errors import UserError
from polity.model.loader import load_model, resolve
from polity.model.system import NOW, System
from polity.proofs.compiler import Encoding
from polity.proofs.explain import narrate
from polity.proofs.interpreter import Interpreter, Step, StepRefused
from support import MODELS

DILIGENT = MODELS / "diligent.yaml"


@pytest.fixture(scope="module")
def system() -> System:
    return resolve(load_model(DILIGENT))


def steps_z3(system: System, steps: list[Step], eager: bool) -> z3.CheckSatResult:
    """Whether the encoding admits exactly these steps from the initial state."""
    enc = Encoding(system)
    solver = z3.Solver()
    solver.add(enc.init(enc.state(0)))
    for i, s in enumerate(steps, 1):
        stv = enc.step(i)
        solver.add(enc.trans(enc.state(i - 1), stv, enc.state(i), eager))
        solver.add(stv.ev == enc.event_index[s.event], enc.state(i)[NOW] == s.day)
        solver.add(*[stv.args[k] == v for k, v in s.args.items()])
    return solver.check(*enc.switches.values())


def lapse_reachable(system: System, oid: str, depth: int, eager: bool) -> bool:
    """Whether some trace of ``depth`` steps ends with the duty ``oid`` lapsed."""
    enc = Encoding(system)
    solver = z3.Solver()
    solver.add(enc.init(enc.state(0)))
    for i in range(1, depth + 1):
        solver.add(enc.trans(enc.state(i - 1), enc.step(i), enc.state(i), eager))
    o = next(o for o in system.obligations if o.id == oid)
    solver.add(enc.lapsed(o, enc.state(depth)))
    return solver.check(*enc.switches.values()) == z3.sat


def both(system: System, steps: list[Step], eager: bool = True) -> tuple[bool, bool]:
    """(the interpreter allows the steps, the encoding allows them)."""
    try:
        Interpreter(system).run(steps, eager)
        interp = True
    except StepRefused:
        interp = False
    return interp, steps_z3(system, steps, eager) == z3.sat


def test_preparatory_acts_are_derived_from_the_model(system: System) -> None:
    # the readings assign `readings`, which the adoption's guard reads; nothing prepares a vote
    assert system.preparatory["adopt_bill"] == ("council_reads",)
    assert system.preparatory["vote_on_motion"] == ()
    assert system.diligence_events(system.obligations[1]) == ("council_adopts", "council_reads")


def test_explicit_prepared_by_is_added(tmp_path: Path) -> None:
    text = DILIGENT.read_text().replace(
        "    discharged_by: [council_votes]\n",
        "    discharged_by: [council_votes]\n    prepared_by: [council_reads]\n")
    model = tmp_path / "m.yaml"
    model.write_text(text)
    (tmp_path / "diligent-constitution.txt").write_text((MODELS / "diligent-constitution.txt").read_text())
    s = resolve(load_model(model))
    assert s.preparatory["vote_on_motion"] == ("council_reads",)


def test_world_event_while_a_duty_is_pending(system: System) -> None:
    # the motion is pending from day 0; a storm (and the Head's right) may still come first
    assert both(system, [Step("storm_hits", 0), Step("head_extends", 1, {"days": 3}),
                         Step("council_votes", 2, {"yes": 4})]) == (True, True)


def test_waiting_past_a_due_day_while_the_holder_could_act_is_not_diligent(system: System) -> None:
    assert both(system, [Step("time_passes", 11)]) == (False, False)
    assert both(system, [Step("time_passes", 11)], eager=False) == (True, True)
    assert both(system, [Step("time_passes", 10)]) == (True, True)  # the due day itself is fine


def test_preparatory_acts_count_so_no_false_deadlock(system: System) -> None:
    # after the vote, only the bill is pending: its adoption needs two readings first, which
    # the council could hold; jumping past day 30 is therefore not diligent
    voted = [Step("council_votes", 1, {"yes": 0})]
    with pytest.raises(StepRefused, match="council_reads"):
        Interpreter(system).run([*voted, Step("time_passes", 31)], eager=True)
    assert both(system, [*voted, Step("time_passes", 31)]) == (False, False)
    assert not lapse_reachable(system, "adopt_bill", 4, eager=True)
    assert lapse_reachable(system, "adopt_bill", 1, eager=False)


def test_a_vote_discharges_whatever_its_result(system: System) -> None:
    for yes in (0, 5):
        steps = [Step("council_votes", 1, {"yes": yes}), Step("council_reads", 2),
                 Step("council_reads", 3), Step("council_adopts", 4), Step("time_passes", 400)]
        assert both(system, steps) == (True, True), yes
    assert not lapse_reachable(system, "vote_on_motion", 3, eager=True)


def test_a_discharge_restricted_to_passing_votes(system: System) -> None:
    interp = Interpreter(system)
    done = [Step("council_votes", 0, {"yes": 0}), Step("council_reads", 0), Step("council_reads", 0),
            Step("council_adopts", 0), Step("head_extends", 1, {"days": 5}),
            Step("council_confirms", 2, {"yes": 1})]  # a failed vote does not discharge
    state = interp.run(done, eager=True)[-1]
    o = next(o for o in system.obligations if o.id == "confirm_extension")
    assert interp.active(o, state)
    confirms = system.events["council_confirms"]
    assert interp.some_args(confirms, state, 21, o.discharges_if("council_confirms")) == {"yes": 3}
    assert interp.some_args(confirms, state, 21, None) == {"yes": 0}
    assert both(system, [*done, Step("time_passes", 22)]) == (False, False)
    assert both(system, [*done, Step("council_confirms", 3, {"yes": 3}), Step("time_passes", 22)]) == (True, True)


def test_prohibitions_read_the_event_argument(system: System) -> None:
    assert both(system, [Step("head_extends", 0, {"days": 11})], eager=False) == (False, False)
    assert both(system, [Step("head_extends", 0, {"days": 10})], eager=False) == (True, True)
    twice = [Step("head_extends", 0, {"days": 2}), Step("head_extends", 1, {"days": 2})]
    assert both(system, twice, eager=False) == (False, False)  # not more than once, no guard
    with pytest.raises(StepRefused, match="no_long_extension"):
        Interpreter(system).run([Step("head_extends", 0, {"days": 30})])


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = DILIGENT.read_text()
    assert old in text
    model = tmp_path / "m.yaml"
    model.write_text(text.replace(old, new))
    (tmp_path / "diligent-constitution.txt").write_text((MODELS / "diligent-constitution.txt").read_text())
    return model


def test_a_condition_reading_an_argument_not_every_listed_event_takes(tmp_path: Path) -> None:
    model = _variant(tmp_path, "    events: [head_extends]\n    when: \"days > max_extension\"",
                     "    events: [head_extends, storm_hits]\n    when: \"days > max_extension\"")
    with pytest.raises(UserError, match="reads the argument 'days', which event 'storm_hits' does not take") as err:
        resolve(load_model(model))
    assert err.value.location is not None and err.value.location.line > 1


def test_discharge_entries_are_checked(tmp_path: Path) -> None:
    model = _variant(tmp_path, "{event: council_confirms, when:", "{event: council_confirm, when:")
    with pytest.raises(UserError, match="unknown event 'council_confirm'"):
        resolve(load_model(model))
    model = _variant(tmp_path, 'when: "yes >= majority_total"}]', 'when: "days >= 1"}]')
    with pytest.raises(UserError, match="days"):
        resolve(load_model(model))


def test_time_passes_is_told_as_such(system: System) -> None:
    assert narrate(system, Step("time_passes", 40)) == "day 40: time passes"


def test_a_resignation_does_not_prepare_a_discharge(system: System) -> None:
    # the Head's resignation is a static candidate (it assigns `holder`, which the promulgation
    # reads, with a value that depends on the state) but it moves no failing condition of the
    # promulgation to holding: only the Council's countersignature would. Waiting past day 5
    # is diligent, so the duty can lapse (it depends on another actor's act)
    o = next(o for o in system.obligations if o.id == "promulgate_decree")
    assert system.preparatory[o.id] == ("head_resigns",)
    interp = Interpreter(system)
    assert interp.could_act(o, system.initial_state(), 5) is None
    assert both(system, [Step("time_passes", 6)]) == (True, True)
    assert lapse_reachable(system, "promulgate_decree", 1, eager=True)
    # once countersigned, the Head could promulgate: waiting is no longer diligent
    signed = [Step("council_countersigns", 1)]
    assert both(system, [*signed, Step("time_passes", 6)]) == (False, False)
    # after a resignation the deputy may not promulgate: the lapse is diligent again
    assert both(system, [*signed, Step("head_resigns", 2), Step("time_passes", 6)]) == (True, True)


def test_a_reading_that_enables_the_adoption_prepares_it(system: System) -> None:
    o = next(o for o in system.obligations if o.id == "adopt_bill")
    interp = Interpreter(system)
    one = interp.run([Step("council_votes", 1, {"yes": 0}), Step("council_reads", 2)])[-1]
    assert interp.could_act(o, one, 30) == "council_reads"
    assert both(system, [Step("council_votes", 1, {"yes": 0}), Step("council_reads", 2),
                         Step("time_passes", 31)]) == (False, False)
    # with both readings held, a reading is no longer allowed and the adoption is what counts
    two = interp.run([Step("council_votes", 1, {"yes": 0}), Step("council_reads", 2),
                      Step("council_reads", 3)])[-1]
    assert interp.could_act(o, two, 30) == "council_adopts"


def test_preparation_is_bounded_in_depth(tmp_path: Path) -> None:
    # three readings: from none held, the first reading leads to a discharge condition only
    # after two more acts, beyond PREPARATION_DEPTH = 2, so it does not count (documented)
    model = _variant(tmp_path, "readings, type: int, range: [0, 2]", "readings, type: int, range: [0, 3]")
    text = model.read_text().replace('"bill_pending and readings < 2"', '"bill_pending and readings < 3"')
    model.write_text(text.replace('"readings >= 2"', '"readings >= 3"'))
    s = resolve(load_model(model))
    o = next(o for o in s.obligations if o.id == "adopt_bill")
    interp = Interpreter(s)
    voted = interp.run([Step("council_votes", 1, {"yes": 0})])[-1]
    assert interp.could_act(o, voted, 30) is None
    once = interp.run([Step("council_votes", 1, {"yes": 0}), Step("council_reads", 2)])[-1]
    assert interp.could_act(o, once, 30) == "council_reads"
    assert both(s, [Step("council_votes", 1, {"yes": 0}), Step("time_passes", 31)]) == (True, True)
    assert both(s, [Step("council_votes", 1, {"yes": 0}), Step("council_reads", 2),
                    Step("time_passes", 31)]) == (False, False)


def test_the_late_step_of_a_response_counterexample_is_time_passing(system: System) -> None:
    # only the day of the step that shows "too late" matters: the timeline says time passes
    from polity.proofs.engine import check_property
    from polity.properties.language import parse_property

    prop = parse_property("whenever happened(council_votes) then false within 0 days", system)
    result = check_property(system, prop, bound=4, timeout=60, unbounded=False)
    assert result.verdict.value == "violated" and result.trace
    assert result.trace[-1].event == "time_passes"
    assert result.trace[-2].event == "council_votes"
    assert result.trace[-1].day > result.trace[-2].day
    Interpreter(system).run(list(result.trace), eager=True)


def test_enabled_and_prohibited_of_an_event_with_arguments(system: System) -> None:
    # enabled(e): some arguments allow it; prohibited(e): a prohibition is in force for some
    # arguments (an extension by more than ten days is always forbidden)
    from polity.proofs.engine import check_property
    from polity.properties.language import parse_property

    def verdict(formula: str) -> str:
        return check_property(system, parse_property(formula, system), bound=3, timeout=60).verdict.value

    assert verdict("never enabled(head_extends) and extended") == "proved"
    assert verdict("reachable enabled(head_extends)") == "reachable"
    assert verdict("always prohibited(head_extends)") == "proved"
    assert verdict("never prohibited(council_votes)") == "proved"
    interp = Interpreter(system)
    extends = system.events["head_extends"]
    assert interp.prohibited_some(extends, system.initial_state())
    assert interp.some_args(extends, system.initial_state(), 0, None) == {"days": 1}
