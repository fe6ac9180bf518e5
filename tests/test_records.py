"""The typed records: JSON round trips, the verdict precedence, and the JSON shape that the
reports always had (stdout must not change when the records replace the dicts)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from polity.proofs import records as R

text = st.text(max_size=12)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=10)
cites = st.lists(ids, max_size=3).map(tuple)
verdicts = st.sampled_from(list(R.Verdict))
seconds = st.floats(min_value=0, max_value=1e6, allow_nan=False)
steps = st.builds(R.TraceStep, st.integers(0, 10**6), ids,
                  st.dictionaries(ids, st.integers(-10**6, 10**6), max_size=3).map(lambda d: tuple(d.items())),
                  cites, text)
traces = st.lists(steps, max_size=3).map(tuple)
lines = st.lists(text, max_size=3).map(tuple)
certificates = st.builds(R.Certificate, st.sampled_from(["k-induction", "spacer-invariant"]),
                         st.none() | st.integers(1, 30), st.none() | text, st.booleans(), st.none() | text,
                         st.lists(st.sampled_from(["z3", "cvc5"]), max_size=2).map(tuple))


@st.composite
def check_results(draw: st.DrawFn) -> R.CheckResult:
    trace = draw(st.none() | traces)
    judged = draw(st.booleans())
    return R.CheckResult(
        id=draw(ids), reading=draw(text), verdict=draw(verdicts), bound=draw(st.none() | st.integers(0, 200)),
        seconds=draw(st.none() | seconds), trace=trace, timeline=None if trace is None else draw(lines),
        relies_on=draw(st.none() | cites), core=draw(st.none() | cites),
        certificate=draw(st.none() | certificates), reason=draw(text),
        solver_seconds=draw(st.none() | seconds), reconfirmed=draw(st.none() | text),
        statement=draw(st.none() | text), cites=draw(st.none() | cites), formula=draw(st.none() | text),
        timeout=draw(st.none() | seconds), cached=draw(st.none() | st.booleans()),
        expected=draw(st.none() | verdicts) if judged else None, ok=draw(st.booleans()) if judged else None)


findings = st.builds(R.FindingRecord, st.sampled_from(["conflict", "deadlock", "gap"]), text, cites, text,
                     st.none() | traces, lines, text, text, cites)


@st.composite
def finding_diffs(draw: st.DrawFn) -> R.FindingDiff:
    moved = draw(st.booleans())
    return R.FindingDiff(draw(cites) if moved else None, draw(cites) if moved else None,
                         draw(st.none() | text), draw(st.booleans()))


comparisons = st.builds(
    R.Comparison,
    st.lists(st.builds(R.VerdictChange, ids, text, verdicts, verdicts, text, text, lines, lines,
                       st.none() | traces, text, st.none() | cites), max_size=2).map(tuple),
    st.lists(st.builds(R.Undecided, ids, text, verdicts, verdicts, text, text), max_size=2).map(tuple),
    st.lists(findings, max_size=2).map(tuple), st.lists(findings, max_size=2).map(tuple),
    st.lists(st.builds(R.FindingChange, findings, findings, finding_diffs()), max_size=2).map(tuple),
    st.lists(st.builds(R.RelianceChange, ids, text, cites, cites), max_size=2).map(tuple),
    st.lists(st.builds(R.TraceChange, ids, text, verdicts, lines, lines), max_size=2).map(tuple),
    st.integers(0, 100))
json_values = st.recursive(st.none() | st.booleans() | st.integers() | text,
                           lambda inner: st.lists(inner, max_size=2) | st.dictionaries(ids, inner, max_size=2),
                           max_leaves=4)
answers = st.builds(R.QueryAnswer, ids, text, json_values, text, st.booleans(), st.sampled_from(list(R.AnswerStatus)),
                    st.none() | st.lists(st.dictionaries(ids, json_values, max_size=2), max_size=2).map(tuple),
                    st.dictionaries(ids, json_values, max_size=2), st.dictionaries(ids, json_values, max_size=2),
                    text, cites)
solvers = st.builds(R.SolverInfo, text, st.integers(0, 10))
questions = st.builds(R.QuestionRecord, text, text, st.sampled_from(list(R.QuestionStatus)),
                      st.none() | st.integers(0, 200), text)
impacts = st.builds(R.ImpactReport, comparisons, st.integers(0, 99), st.integers(0, 99), st.integers(0, 99),
                    st.builds(R.CacheStats, st.integers(0, 99), st.integers(0, 99)), seconds)

RECORDS = st.one_of(
    check_results(), findings, comparisons, answers,
    st.builds(R.SuiteReport, text, text, st.lists(check_results(), max_size=2).map(tuple), seconds, solvers),
    st.builds(R.FindReport, text, st.lists(findings, max_size=2).map(tuple), lines, seconds,
              st.lists(st.tuples(text, text), max_size=2).map(tuple), st.lists(questions, max_size=2).map(tuple),
              st.none() | st.integers(0, 200), st.none() | seconds, st.none() | seconds, st.none() | solvers),
    impacts,
    st.builds(R.QueryReport, ids, text, text, text, st.lists(answers, max_size=2).map(tuple), solvers),
    st.builds(R.DiffReport, ids, text, text, cites, impacts, ids, st.booleans()))


@given(RECORDS)
def test_from_json_inverts_to_json(record: object) -> None:
    data = record.to_json()  # type: ignore[attr-defined]
    again = json.loads(json.dumps(data))  # what the cache and the process pool carry
    assert type(record).from_json(again) == record  # type: ignore[attr-defined]
    assert type(record).from_json(again).to_json() == data  # type: ignore[attr-defined]


def test_precedence_puts_a_broken_property_first_and_not_applicable_last() -> None:
    order = sorted(R.Verdict, key=lambda v: v.rank)
    assert order[0] == R.Verdict.VIOLATED
    assert order[-1] == R.Verdict.NOT_APPLICABLE
    assert R.Verdict.first([R.Verdict.UNKNOWN, R.Verdict.HOLDS_TO_BOUND, R.Verdict.PROVED]) == R.Verdict.PROVED
    assert R.Verdict.first([]) is None
    assert R.Verdict.NOT_APPLICABLE not in R.PROPERTY_VERDICTS
    assert not R.Verdict.HOLDS_TO_BOUND.unbounded and R.Verdict.PROVED.unbounded


def test_a_suite_result_keeps_its_json_shape() -> None:
    """The keys and their order of a judged suite result, as `check --format json` printed them."""
    r = R.CheckResult("p", "default", R.Verdict.VIOLATED, 12, 1.5,
                      trace=(R.TraceStep(3, "dissolve", (("n", 1),), ("art_1",), "the President dissolves"),),
                      timeline=("day 3: ...",), reason="", solver_seconds=1.2, statement="s",
                      cites=("art_1",), formula="never x", expected=R.Verdict.PROVED, ok=False)
    assert list(r.to_json()) == ["id", "reading", "verdict", "bound", "seconds", "trace", "timeline",
                                 "solver_seconds", "statement", "cites", "formula", "expected", "ok"]
    assert r.to_json()["trace"] == [{"day": 3, "event": "dissolve", "args": {"n": 1}, "cites": ["art_1"],
                                     "says": "the President dissolves"}]
    unjudged = R.CheckResult("p", "default", R.Verdict.PROVED, 12, 0.1, relies_on=(), core=())
    assert "expected" not in unjudged.to_json() and unjudged.to_json()["relies_on"] == []
    no_expectation = R.CheckResult("p", "default", R.Verdict.UNKNOWN, ok=True)
    assert no_expectation.to_json()["expected"] is None


def test_a_diff_report_keeps_its_json_shape() -> None:
    """The keys and their order of `polity diff --format json` as the command assembled them
    before the record: the models, admissibility, then the impact, then the suite and find."""
    impact = R.ImpactReport(R.Comparison(), 6, 2, 4, R.CacheStats(1, 5), 2.5)
    d = R.DiffReport("tiny", "a.yaml", "b.yaml", ("art_1__para_1",), impact, "tiny-suite", True).to_json()
    assert list(d) == ["model", "before", "after", "admissible", "entrenched_touched", "analysed",
                       "verdict_changes", "undecided", "findings_added", "findings_removed", "findings_changed",
                       "reliance_changes", "trace_changes", "unchanged", "checked", "recomputed_after",
                       "reused_after", "cache", "seconds", "suite", "find"]
    assert (d["admissible"], d["entrenched_touched"], d["analysed"]) == (False, ["art_1__para_1"], True)
    again = R.DiffReport.from_json(json.loads(json.dumps(d)))
    assert again.impact == impact and again.to_json() == d


def test_an_unknown_field_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="surprise"):
        R.CheckResult.from_json({"id": "p", "reading": "r", "verdict": "proved", "surprise": 1})


def test_one_reading_label_rule() -> None:
    """`find`, `amend`, `prove` and `query` name a reading the same way: the choices that differ
    from the model's default, or `default`; a suite's property names the readings it is judged
    under, whatever their option."""
    default = {"holder": "acting", "stage": "first"}
    assert R.reading_label(default, default) == "default"
    assert R.reading_label({**default, "stage": "second"}, default) == "stage=second"
    assert R.reading_label({"stage": "b", "holder": "a"}, {}) == "holder=a,stage=b"
    assert R.reading_label(default, default, judged=["stage", "holder"]) == "stage=first,holder=acting"
