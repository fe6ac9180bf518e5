"""Entrenchment readings and the self-amendment search (proofs/entrenchment.py), on the small
model with a protecting clause (tests/models/entrench.yaml: Art. 3 protects Art. 1(2), which
protects Art. 1(1)) and, marked slow, on the built-in model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from polity.model.amendment import entrenchment, load_amendment, touches
from polity.model.errors import UserError
from polity.model.loader import load_model
from polity.proofs.entrenchment import load_questions, questions_path, search
from polity.proofs.records import EntrenchmentReport, Verdict
from polity.proofs.usecases import entrenchment as entrenchment_use_case
from support import run_polity

HERE = Path(__file__).parent
MODEL = HERE / "models" / "entrench.yaml"
AM = HERE / "amendments"


@pytest.fixture(scope="module")
def model():
    return load_model(MODEL)


def test_striking_the_protecting_clause_is_refused_only_under_implied(model):
    am = load_amendment(AM / "entrench-strike-3.yaml")
    [t] = touches(model, am)
    assert (t.provision, t.by, t.readings) == ("art_1__para_2", ("art_3",), ("implied",))
    assert entrenchment(model, am, "implied") == [t]
    assert entrenchment(model, am, "literal") == []


def test_changing_the_protected_provision_is_refused_under_every_reading(model):
    am = load_amendment(AM / "entrench-strike-1-2.yaml")
    found = touches(model, am)
    direct = [t for t in found if t.provision == "art_1__para_2"]
    assert [t.readings for t in direct] == [("implied", "literal")]
    assert entrenchment(model, am, "literal") == direct


def test_unknown_reading_is_a_user_error(model):
    with pytest.raises(UserError, match="unknown entrenchment reading 'loose'"):
        entrenchment(model, load_amendment(AM / "entrench-strike-3.yaml"), "loose")


def test_literal_reading_finds_the_shortest_plans(model):
    found = search(model, ["art_1__para_2", "art_1__para_1"], "literal", 3)
    assert [m.provision for m, _ in found["art_1__para_2"].plan] == ["art_3", "art_1__para_2"]
    assert [m.provision for m, _ in found["art_1__para_1"].plan] == ["art_3", "art_1__para_2", "art_1__para_1"]


def test_bound_too_small_for_the_plan(model):
    found = search(model, ["art_1__para_1"], "literal", 2)["art_1__para_1"]
    assert found.plan is None and found.closed_after is None  # more texts lie beyond the bound


def test_implied_reading_admits_nothing_on_the_menu(model):
    found = search(model, ["art_1__para_2", "art_1__para_1"], "implied", 3)
    for f in found.values():
        assert f.plan is None and f.closed_after == 0 and f.explored == 1


def test_use_case_dates_the_plan_with_the_model_deadlines():
    _, report = entrenchment_use_case(MODEL)
    assert report.days_per_amendment == 90  # the Court's 30 days and the referendum's 60
    by = {(a.id, a.reading): a for a in report.answers}
    lit = by["eternity-clause-holds", "literal"]
    assert lit.verdict == Verdict.REACHABLE and [s.latest_day for s in lit.plan] == [90, 180]
    assert lit.plan[0].change == {"strike": "art_3"} and "art_3" in lit.plan[0].provisions
    imp = by["single-term-holds", "implied"]
    assert imp.verdict == Verdict.HOLDS_TO_BOUND and imp.plan == () and imp.ok is True
    assert all(a.ok for a in report.answers)
    assert EntrenchmentReport.from_json(report.to_json()) == report


def test_questions_file_errors_are_located(tmp_path, model):
    bad = tmp_path / "entrench.entrenchment.yaml"
    bad.write_text("entrenchment: 1\nmodel: entrench\nquestions:\n"
                   "  - {id: q, provision: art_2__para_1, statement: s}\n")
    with pytest.raises(UserError, match="not entrenched") as exc:
        load_questions(bad, model)
    assert exc.value.location is not None and exc.value.location.line == 4
    assert questions_path(MODEL).name == "entrench.entrenchment.yaml"


@pytest.mark.slow
def test_kz_literal_two_steps_change_article_43_5_implied_none():
    _, report = entrenchment_use_case(None)
    by = {(a.provision, a.reading): a for a in report.answers}
    lit = by["art_43__para_5", "literal"]
    assert [s.change for s in lit.plan] == [{"strike": "art_93"}, {"strike": "art_43__para_5"}]
    imp = by["art_43__para_5", "implied"]
    assert imp.verdict == Verdict.HOLDS_TO_BOUND and imp.bound == 3 and imp.closed_after == 0
    assert report.days_per_amendment is None  # the model gives the procedure no deadlines
    assert all(a.ok for a in report.answers)


@pytest.mark.slow
def test_kz_1995_article_91_2_protects_by_itself_only_under_implied_entrenchment():
    """Issue 17 item 4: Art. 91(2) keeps Art. 2(1), 41(1), 42(5) unchanged, and nothing keeps
    91(2) itself: under the literal reading striking it first opens each of them."""
    from polity.model.builtin import model_path

    _, report = entrenchment_use_case(model_path(Path("kz-1995")))
    for a in report.answers:
        if a.reading == "literal":
            assert [s.change for s in a.plan] == [{"strike": "art_91__para_2"}, {"strike": a.provision}]
        else:
            assert a.verdict == Verdict.HOLDS_TO_BOUND and not a.plan
    assert {a.provision for a in report.answers} == {"art_2__para_1", "art_41__para_1", "art_42__para_5"}
    assert all(a.ok for a in report.answers)


@pytest.mark.e2e
def test_cli_entrenchment_text_and_json():
    r = run_polity("entrenchment", "--model", str(MODEL))
    assert r.returncode == 0, r.stderr
    assert "referendum 1: strike Art. 3, which entrenches Art. 1(2), adopted by day 90" in r.stdout
    assert "no sequence of at most 3 amendment(s) over the menu changes it" in r.stdout
    r = run_polity("entrenchment", "--model", str(MODEL), "--reading", "literal", "--steps", "2",
                   "--format", "json")
    assert r.returncode == 1  # the single term needs three steps: not what the file expects
    answers = {a["id"]: a for a in json.loads(r.stdout)["answers"]}
    assert answers["single-term-holds"]["verdict"] == "holds_to_bound"
    assert answers["single-term-holds"]["ok"] is False


@pytest.mark.e2e
@pytest.mark.slow
def test_cli_entrenchment_builtin():
    r = run_polity("entrenchment", "--reading", "literal")
    assert r.returncode == 0, r.stderr
    assert "referendum 1: strike Art. 93, which entrenches Art. 2(6), Art. 43(5)" in r.stdout
    assert "referendum 2: strike Art. 43(5)" in r.stdout
