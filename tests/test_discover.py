"""Discovery on hand-made models (tests/models/find-*.yaml), each showing one notion; verdicts
worked out by hand in the model files' comments. Also atoms.py, tighten.py, find_reuse.py and
the vacuity of proofs.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from polity.model.expr import Binary, Call, Lit, Name, parse
from polity.model.loader import load_model, resolve
from polity.model.system import System
from polity.proofs import atoms
from polity.proofs.cache import Cones, ResultCache
from polity.proofs.discover import Discoverer, Finding, group_cascades
from polity.proofs.engine import check_property
from polity.proofs.find_reuse import ReusingDiscoverer
from polity.proofs.interpreter import Interpreter, Step, StepRefused
from polity.proofs.records import CheckResult, FindReport, QuestionRecord, QuestionStatus, Verdict
from polity.proofs.tighten import tighten
from polity.properties.language import parse_user_property
from support import run_polity

MODELS = Path(__file__).parent / "models"


def system_of(name: str) -> System:
    return resolve(load_model(MODELS / f"{name}.yaml"))


def discoverer(name: str, bound: int = 8, **kw: object) -> Discoverer:
    return Discoverer(system_of(name), "default", bound, time.monotonic() + 120, **kw)  # type: ignore[arg-type]


def statuses(d: Discoverer) -> dict[str, QuestionStatus]:
    return {q.what: q.status for q in d.questions}


# ----------------------------------------------------------------------------- atoms


def test_conjuncts_split_at_and_only() -> None:
    node = parse("a and (b or c) and not d")
    assert [atoms.show(n) for n in atoms.conjuncts(node)] == ["a", "b or c", "not d"]


comparisons = st.builds(lambda name, op, n: Binary(op, Name(name), Lit(n)),
                        st.sampled_from(["a", "b", "now"]), st.sampled_from(["<", ">=", "=="]),
                        st.integers(-5, 5))


@given(st.lists(comparisons, min_size=1, max_size=6))
def test_conjuncts_undo_conj_and_show_parses_back(parts: list[Binary]) -> None:
    node = atoms.conj(list(parts))
    assert atoms.conjuncts(node) == parts
    text = atoms.show(node)
    assert atoms.show(parse(text)) == text  # the summary's words read back as the same condition


def test_at_day_replaces_now_but_not_the_names_functions_take() -> None:
    node = Binary("and", parse("now - since < 5"), Call("active", (Name("now"),)))
    moved = atoms.at_day(node, Lit(300))
    assert atoms.show(moved) == "((300 - since) < 5) and active(now)"


def test_arguments_are_written_out() -> None:
    system = system_of("find-session")
    elect = system.events["assembly_elects_speaker"]
    some = atoms.some_args(elect, parse("yes >= 3"))
    every = atoms.all_args(elect, parse("yes >= 3"))
    interp = Interpreter(system)
    env = interp.env(system.initial_state())
    assert interp.holds(some, env) and not interp.holds(every, env)
    assert atoms.show(some).count("yes") == 0  # the argument is substituted by its six values


def test_too_many_argument_combinations_are_refused() -> None:
    system = system_of("find-session")
    elect = system.events["assembly_elects_speaker"]
    limit = atoms.ARG_COMBOS
    try:
        atoms.ARG_COMBOS = 3
        with pytest.raises(atoms.TooManyArguments):
            atoms.some_args(elect, parse("yes >= 3"))
    finally:
        atoms.ARG_COMBOS = limit


def test_a_guard_clause_is_two_atoms() -> None:
    system = system_of("find-causes")
    keys = [a.key for a in atoms.atoms_of(system, system.events["head_signs"])]
    assert keys == ["event:head_signs:guard:0#0", "event:head_signs:guard:0#1"]


# ----------------------------------------------------------------------------- the kinds


def test_one_duty_with_two_causes_gives_two_findings() -> None:
    d = discoverer("find-causes")
    found = d.endless_of("sign_law")
    assert [f.kind for f in found] == ["endless", "endless"]
    summaries = sorted(f.summary for f in found)
    assert "kept from it forever: assembly status is not sitting (Art. 1(2))" in summaries[0]  # in words
    assert "kept from it forever: emergency (Art. 1(2))" in summaries[1]
    assert len({f.identity for f in found}) == 2
    interp = Interpreter(d.system)
    for f in found:  # each its own replayed trace, ending where the duty is blocked
        assert f.trace is not None
        final = interp.run(f.trace)[-1]
        assert final["law_pending"] is True
        assert interp.why_not(d.system.events["head_signs"], final, int(final["now"]), {}) is not None
    asked = [q.what for q in d.questions if " by the holder alone" not in q.what]
    duty = "no end: the Head of State must sign the law the Assembly passed"
    causes = ["assembly status is not sitting (Art. 1(2))", "emergency (Art. 1(2))"]
    # each question named by the cause it found, or the causes it looked beyond
    assert sorted(asked[:2]) == [f"{duty} (while: {c})" for c in causes]
    found_first = [a.removeprefix(f"{duty} (while: ")[:-1] for a in asked[:2]]
    assert asked[2:] == [f"{duty} (besides: {'; '.join(found_first)})"]
    third = next(q for q in d.questions if q.what == asked[2])
    assert third.status in (QuestionStatus.NONE_WITHIN, QuestionStatus.PROVED_ABSENT)
    assert not any("(cause" in q.what for q in d.questions)


def test_a_short_bar_far_from_the_due_day_is_no_conflict_and_a_long_one_is() -> None:
    d = discoverer("find-bars")
    assert d.conflicts_of("answer_petition") == []
    asked = statuses(d)
    petition = "conflict: the Head of State must answer the petition within three hundred days"
    assert asked[petition] in (QuestionStatus.PROVED_ABSENT, QuestionStatus.NONE_WITHIN)
    (long,) = d.conflicts_of("answer_appeal")
    assert "four hundred days" in long.summary and "until the due day" in long.note


def test_a_lapse_that_needs_another_actors_discretion_says_so() -> None:
    d = discoverer("find-session")
    found = [f for f in d.deadlocks() if f.about == "obligation:report"]
    assert [f.depends for f in found] == ["other-actor"]
    assert "the President convenes the Assembly" in found[0].summary


def test_a_way_to_meet_a_duty_names_only_the_acts_it_needs() -> None:
    d = discoverer("find-session")
    start = d.interp.run([Step("report_requested", 0)])[-1]
    way = [Step("speaker_dies", 0), Step("president_convenes", 1), Step("government_reports", 2)]
    needed = d._needed(d.obligation("report"), start, way, 30, None)
    assert [s.event for s in needed] == ["president_convenes", "government_reports"]
    assert d._named(needed, "government") == "if the President convenes the Assembly"


def test_a_lapse_nobody_can_avoid_is_impossible() -> None:
    d = discoverer("find-bars")
    (f,) = d.deadlocks()
    assert f.about == "obligation:answer_appeal" and f.depends == "impossible"


def test_an_office_filled_by_a_vote_has_a_gap_with_its_longest_duration() -> None:
    d = discoverer("find-session")
    (gap,) = d.gaps_of("speaker_office")
    assert "nobody entitled to fill it: not: session (Art. 2(1))" in gap.summary
    assert gap.duration.startswith("15 days") and "proved optimal" in gap.duration


def test_an_unfillable_vacancy_that_nothing_ends_is_unbounded() -> None:
    (gap,) = discoverer("find-causes").gaps_of("clerk_office")
    assert gap.duration == "unbounded"


def test_a_question_with_nothing_within_the_bound_shows_the_bound() -> None:
    d = discoverer("find-causes", bound=3)
    assert d.gaps_of("clerk_office") == []  # the seat falls vacant at the fifth event
    (q,) = d.questions
    assert q.status == QuestionStatus.NONE_WITHIN and q.bound == 3
    assert q.text() == "none within 3 events"


def test_deepening_goes_past_the_first_bound_while_the_budget_lasts() -> None:
    d = discoverer("find-causes", bound=3, deepen=True)
    (gap,) = d.gaps_of("clerk_office")
    assert gap.trace is not None and len(gap.trace) == 5


def test_deepening_stops_at_the_budget_the_same_way_each_time() -> None:
    def run() -> list[QuestionRecord]:
        d = discoverer("find-causes", bound=2, deepen=True, rlimit=150_000)
        d.gaps_of("clerk_office")
        return d.questions

    first, second = run(), run()
    assert first == second
    assert first[0].status in (QuestionStatus.FOUND, QuestionStatus.NONE_WITHIN)
    assert first[0].status != QuestionStatus.NONE_WITHIN or (first[0].bound or 0) >= 2


def test_with_a_budget_a_question_also_gets_what_earlier_ones_left() -> None:
    pooled = discoverer("find-causes", bound=2, deepen=True, rlimit=100_000)
    plain = discoverer("find-causes", bound=2, rlimit=100_000)
    for d in (pooled, plain):
        with d._question() as q:
            assert q.rlimit == 100_000
            q.used = 30_000  # as a solver call would count it
    with pooled._question() as q:
        assert q.rlimit == 170_000  # its share and the 70,000 the first one left
    with pooled._question() as q:
        assert q.rlimit == 200_000  # 170,000 left unused, but at most twice its share
    with plain._question() as q:
        assert q.rlimit == 100_000  # with a fixed bound every question has its own budget


def test_a_cascade_follows_from_its_root_and_a_trace_through_a_momentary_gap_does_not() -> None:
    """find-cascade: the duty to sign lapses because the Head's office is vacant and nobody can
    fill it (its cause reads head_in_office, the gap holds where it lapses): a cascade of the
    gap. A finding whose trace passes through the gap for zero days (the Head dies, a Council
    is elected and appoints a new Head the same day) is not, whatever its cause; nor is a
    finding that ends in the gap state with a cause that has nothing to do with the office."""
    system = system_of("find-cascade")
    d = Discoverer(system, "default", 8, time.monotonic() + 60)
    (gap,) = d.gaps_of("head_office")
    (lapse,) = d.deadlocks()
    assert lapse.depends == "actor-and-world"  # a Council elected by the world, then its appointment
    momentary = [Step("head_dies", 0), Step("council_elected", 0), Step("head_appointed", 0),
                 Step("bill_introduced", 0), Step("time_passes", 11)]
    states = Interpreter(system).run(momentary)
    assert any(not st["head_in_office"] and not st["council_sitting"] for st in states)  # the gap, once
    through = Finding("conflict", "through a momentary gap", ["art_2__para_2"], "default", momentary,
                      elements=["obligation:sign_bill", "event:head_signs:guard:0#1"],
                      about="obligation:other")
    unrelated = Finding("conflict", "in the gap state, unrelated cause", ["art_2__para_1"], "default",
                        [Step("head_dies", 0)], elements=["event:bill_introduced:guard:0"],
                        about="obligation:other")
    keys = {a.key for e in system.events.values() for a in atoms.atoms_of(system, e)}
    assert set(through.elements[1:]) | set(unrelated.elements) <= keys  # causes the rule can read
    grouped = group_cascades(system, [gap, lapse, through, unrelated])
    assert lapse.root == gap.identity and gap.root == ""
    assert through.root == "" and unrelated.root == ""
    assert grouped == [gap, lapse, through, unrelated]


def test_find_reports_questions_through_the_pool() -> None:
    from polity.proofs.usecases import find

    _, report = find(MODELS / "find-bars.yaml", kinds=["conflict"], bound=4)
    assert [f.kind for f in report.findings] == ["conflict"]
    assert report.questions and all(q.reading == "default" for q in report.questions)
    assert FindReport.from_json(report.to_json()) == report


# ----------------------------------------------------------------------------- find_reuse


def test_reuse_answers_from_the_cache_with_the_same_findings(tmp_path: Path) -> None:
    loaded = load_model(MODELS / "find-bars.yaml")
    system = resolve(loaded)

    def run() -> list[str]:
        d = ReusingDiscoverer(system, "default", 6, time.monotonic() + 60, cones=Cones(loaded, system),
                              cache=ResultCache(tmp_path), answers={})
        return [f.summary for f in d.run(("conflict", "deadlock"))]

    first = run()
    assert run() == first and any("four hundred" in s for s in first)


# ----------------------------------------------------------------------------- tighten


def test_tighten_moves_events_as_early_as_the_check_allows() -> None:
    trace = [Step("a", 10), Step("b", 50)]
    out = tighten(trace, lambda t: t[1].day - t[0].day >= 7)
    assert out == [Step("a", 0), Step("b", 7)]


def test_tighten_keeps_a_trace_the_check_rejects() -> None:
    trace = [Step("a", 10)]

    def refuse(_t: list[Step]) -> bool:
        raise StepRefused("no")

    assert tighten(trace, refuse) == trace


# ----------------------------------------------------------------------------- vacuity


def test_a_proof_whose_trigger_never_happens_is_vacuous() -> None:
    system = system_of("find-causes")
    prop = parse_user_property("whenever petitions > 9 then false within 0 days", system)
    r = check_property(system, prop, bound=4, timeout=60)
    assert r.verdict == Verdict.PROVED and r.stats["vacuous"] is True
    assert "trigger never happens" in r.reason


def test_a_proof_whose_trigger_happens_is_not_vacuous() -> None:
    system = system_of("find-causes")
    prop = parse_user_property("whenever happened(law_passed) then law_pending within 0 days", system)
    r = check_property(system, prop, bound=4, timeout=60)
    assert r.verdict == Verdict.PROVED and r.stats["vacuous"] is False


def test_vacuous_survives_the_json_round_trip() -> None:
    r = CheckResult("p", "default", Verdict.PROVED, vacuous=True)
    assert r.to_json()["vacuous"] is True and CheckResult.from_json(r.to_json()) == r
    assert "vacuous" not in CheckResult("p", "default", Verdict.PROVED).to_json()


# ----------------------------------------------------------------------------- the CLI


@pytest.mark.e2e
def test_find_text_lists_questions_and_the_bound() -> None:
    done = run_polity("find", "--model", str(MODELS / "find-causes.yaml"), "--kind", "gap", "--bound", "3")
    assert done.returncode == 0, done.stderr
    assert "1 questions: 1 none within" in done.stdout
    assert "gap: the Clerk [default]: none within 3 events" in done.stdout


@pytest.mark.e2e
def test_prove_shows_a_vacuous_proof_as_such() -> None:
    done = run_polity("prove", "--model", str(MODELS / "find-causes.yaml"), "--property",
                      "whenever petitions > 9 then false within 0 days")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("proved (vacuous: the trigger never happens)")
    assert "holds by the vocabulary alone" in done.stdout


def test_a_prohibition_reading_an_argument_applies_when_some_argument_makes_it() -> None:
    """Dead provisions: a bar over an event's argument ("not by more than ten days") is in force
    for some argument of the event it bars, not a condition on the state alone."""
    d = discoverer("diligent", bound=4)
    dead = {e for f in d.dead_provisions() for e in f.elements}
    assert "prohibition:no_long_extension" not in dead


def test_a_lapse_is_explained_on_the_last_day_that_counted() -> None:
    """The window of find-window.yaml opens by the clock (day 60) and the call is due on day
    80; a trace that jumps from before day 60 to after day 80 is judged on day 80 (the
    diligence rule's day), so the cause is the closed session, not the window still shut on the
    day the trace jumped from."""
    d = discoverer("find-window")
    found = [f for f in d.deadlocks() if f.about == "obligation:call_election"]
    assert found, "the lapse after the session closed is a deadlock"
    assert all("not: the Assembly is in session" in f.summary for f in found)
    assert not any("the day is at least 60" in f.summary for f in found)
    assert [f.depends for f in found] == ["other-actor"]
