"""The second solver: cvc5 re-checks every proof certificate from its SMT-LIB, as Z3 does.

Certificates on the tiny model and on the built-in model are confirmed by both solvers; a wrong
invariant is rejected by both; opposite answers are a loud internal error (exit 3), never a
verdict.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import z3
from polity.cli import main as cli_main
from polity.model.errors import UserError
from polity.model.loader import load_model, resolve
from polity.proofs import second_solver
from polity.proofs.engine import check_property
from polity.proofs.induction import recheck_smt2, spacer
from polity.proofs.second_solver import Answer, Disagreement
from polity.proofs.verdicts import Verdict
from polity.properties.language import parse_property
from support import TINY, run_polity

pytest.importorskip("cvc5")

EMERGENCY = "never happened(head_dissolves) and prev(emergency)"


@pytest.fixture(autouse=True)
def both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(second_solver.ENV, "both")


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every cvc5 answer, with the logic its script declares."""
    seen: list[tuple[str, str]] = []
    real = second_solver.cvc5_check

    def spy(smt2: str, timeout_s: float) -> Answer:
        answer = real(smt2, timeout_s)
        logic = next(ln for ln in smt2.splitlines() if ln.startswith("(set-logic"))
        seen.append((answer.status, logic))
        return answer

    monkeypatch.setattr(second_solver, "cvc5_check", spy)
    return seen


def tiny(formula: str = EMERGENCY):  # type: ignore[no-untyped-def]
    system = resolve(load_model(TINY), {})
    return system, parse_property(formula, system)


def test_k_induction_certificate_rechecked_by_both(asked: list[tuple[str, str]]) -> None:
    system, prop = tiny()
    r = check_property(system, prop, bound=6, timeout=60)
    assert r.verdict == Verdict.PROVED
    assert r.certificate is not None and r.certificate.method == "k-induction"
    assert r.certificate.rechecked_by == ("z3", "cvc5")
    assert r.certificate.to_json()["rechecked_by"] == ["z3", "cvc5"]
    assert [s for s, _ in asked] == ["unsat", "unsat"]  # base case and step case
    assert all(logic == "(set-logic QF_LIA)" for _, logic in asked)


def test_cvc5_alone_gives_the_same_reliance() -> None:
    system, prop = tiny()
    both = check_property(system, prop, bound=6, timeout=60)
    second_solver.choose("cvc5")
    alone = check_property(system, prop, bound=6, timeout=60)
    assert alone.certificate is not None and alone.certificate.rechecked_by == ("cvc5",)
    assert alone.verdict == both.verdict == Verdict.PROVED
    assert alone.relies_on == both.relies_on  # cvc5's unsat core names the same provision


def _invariant(system, prop):  # type: ignore[no-untyped-def]
    out = spacer(system, prop, time.monotonic() + 60)
    assert out.status == "proved" and out.smt2, out.reason
    return out


def test_spacer_invariant_rechecked_by_both_and_from_its_smt2(asked: list[tuple[str, str]]) -> None:
    system, prop = tiny()
    found = _invariant(system, prop)
    assert found.rechecked_by == ("z3", "cvc5")
    asked.clear()
    again = recheck_smt2(system, prop, found.smt2 or "", time.monotonic() + 60)
    assert again.status == "proved" and again.rechecked_by == ("z3", "cvc5")
    assert [s for s, _ in asked] == ["unsat"] * 3  # initiation, consecution, safety


def test_tampered_invariant_rejected_by_both(asked: list[tuple[str, str]]) -> None:
    system, prop = tiny()
    found = _invariant(system, prop)
    tampered = "(and (= refusals@s 0) " + (found.smt2 or "") + ")"  # holds at first, not kept
    asked.clear()
    out = recheck_smt2(system, prop, tampered, time.monotonic() + 60)
    assert out.status == "unknown" and "failed its re-check (consecution)" in out.reason
    assert asked == [("unsat", "(set-logic QF_LIA)"), ("sat", "(set-logic QF_LIA)")]  # cvc5 agrees
    asked.clear()
    wrong = recheck_smt2(system, prop, "false", time.monotonic() + 60)  # does not hold initially
    assert wrong.status == "unknown" and "initiation" in wrong.reason and asked == [("sat", "(set-logic QF_LIA)")]


@pytest.mark.slow
def test_builtin_model_certificate_rechecked_by_both(asked: list[tuple[str, str]]) -> None:
    system = resolve(load_model(None), {})
    prop = parse_property("never happened(president_dissolves_kurultai) and prev(emergency)", system)
    r = check_property(system, prop, timeout=120)
    assert r.verdict == Verdict.PROVED and r.certificate is not None
    assert r.certificate.rechecked_by == ("z3", "cvc5")
    assert asked and {s for s, _ in asked} == {"unsat"}


def test_disagreement_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(second_solver, "cvc5_check", lambda smt2, timeout_s: Answer("sat"))
    system, prop = tiny()
    with pytest.raises(Disagreement, match=r"z3 says unsat, cvc5 says sat"):
        check_property(system, prop, bound=6, timeout=60)


def test_disagreement_exits_3_naming_property_and_answers(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The real command path (in this process, so the second solver can be made to lie)."""
    monkeypatch.setattr(second_solver, "cvc5_check", lambda smt2, timeout_s: Answer("sat"))
    monkeypatch.setattr(sys, "argv", ["polity", "prove", "--model", str(TINY), "--property", EMERGENCY,
                                      "--format", "json", "--recheck", "both"])
    with pytest.raises(SystemExit) as exit_:
        cli_main.run()
    assert exit_.value.code == 3
    out = capsys.readouterr()
    assert out.out == ""  # no verdict printed
    assert EMERGENCY in out.err and "z3 says unsat, cvc5 says sat" in out.err


def test_choose(monkeypatch: pytest.MonkeyPatch) -> None:
    assert second_solver.choose(None) is None and second_solver.solvers() == ("z3", "cvc5")
    assert second_solver.choose("z3") is None and second_solver.solvers() == ("z3",)
    monkeypatch.setattr(second_solver, "cvc5_available", lambda: False)
    note = second_solver.choose(None)
    assert note and "z3 only" in note and second_solver.solvers() == ("z3",)
    with pytest.raises(UserError, match="needs cvc5"):
        second_solver.choose("cvc5")


def test_benchmark_is_plain_smtlib() -> None:
    x, a = z3.Int("x"), z3.Bool("sw!event:e:guard 0")
    text = second_solver.benchmark([z3.Implies(a, x > 1), x < 0], [a])
    lines = text.splitlines()
    assert lines[:2] == ["(set-option :produce-unsat-assumptions true)", "(set-logic QF_LIA)"]
    assert "(check-sat-assuming (|sw!event:e:guard 0|))" in lines
    assert second_solver.cvc5_check(text, 10) == Answer("unsat", frozenset({"sw!event:e:guard 0"}))
    unused = z3.Bool("sw!unused")  # a switch the query never mentions is still declared
    text = second_solver.benchmark([z3.Implies(a, x > 1), x < 0], [a, unused])
    assert "(declare-fun sw!unused () Bool)" in text.splitlines()
    assert second_solver.cvc5_check(text, 10) == Answer("unsat", frozenset({"sw!event:e:guard 0"}))
    assert second_solver.logic_of([x * x > 2]) == "QF_NIA"
    assert second_solver.logic_of([z3.ForAll([x], x >= x)]) == "LIA"


@pytest.mark.e2e
def test_prove_text_names_both_solvers(tmp_path: Path) -> None:
    p = run_polity("prove", "--model", str(TINY), "--property", EMERGENCY, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "certificate: k-induction, k=1, re-checked by z3 and cvc5" in p.stdout
    z3_only = run_polity("prove", "--model", str(TINY), "--property", EMERGENCY, "--recheck", "z3",
                         cwd=tmp_path)
    assert "re-checked by z3\n" in z3_only.stdout
