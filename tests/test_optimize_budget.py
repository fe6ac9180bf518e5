"""The optimiser's answers depend on its resource budget, never on the wall clock (issue 11):
a tiny budget gives ``unknown`` on every run, a large one the optimum, a budget that runs out
mid-search the same bound on every run; a wall clock that stops it gives ``unknown``, never
a value."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from polity.model.loader import load_model, resolve
from polity.model.queries import catalog_path_for, load_queries
from polity.proofs.isolated import run_each
from polity.proofs.query_answers import problems, solve
from polity.proofs.question import context_rlimit, question
from polity.proofs.records import AnswerStatus

QUANT = Path(__file__).parent / "models" / "quant.yaml"
FAR = 600.0  # a backstop no test reaches: only the budget may decide


def _answer(rlimit: int | None, seconds: float = FAR) -> dict[str, Any]:
    """The longest compliant vacancy of Quantland's Leader (30 days, by hand) under ``rlimit``
    units and a wall-clock backstop ``seconds`` away, with the units it spent."""
    system = resolve(load_model(QUANT))
    lq = load_queries(catalog_path_for(QUANT))
    qi = lq.index("max-vacancy")
    (p, _any) = problems(lq.catalog.queries[qi], qi, lq, system)
    with question(rlimit, time.monotonic() + seconds) as q, context_rlimit(rlimit or 0):
        ans, _ = solve(system, p, time.monotonic() + seconds)
    return {"status": ans.status, "value": ans.value, "optimal": ans.optimal,
            "reason": ans.proof.get("reason", ""), "used": q.used, "clock": q.clock_stopped}


def test_a_tiny_budget_is_unknown_every_time() -> None:
    first, second = run_each(_answer, [50, 50])  # each from the same parent state
    assert first == second
    assert first["status"] == AnswerStatus.UNKNOWN and first["value"] is None
    assert first["reason"] == "resource budget spent" and not first["clock"]


def test_a_large_budget_gives_the_proved_optimum() -> None:
    (big,) = run_each(_answer, [500_000_000])
    assert (big["status"], big["value"], big["optimal"]) == (AnswerStatus.OPTIMAL, 30, True)
    assert not big["clock"] and big["used"] > 50


def test_a_budget_spent_mid_search_gives_the_same_answer_every_run() -> None:
    (full,) = run_each(_answer, [None])
    assert full["status"] == AnswerStatus.OPTIMAL
    half = max(51, full["used"] // 2)  # enough for a first value, not for the whole search
    first, second = run_each(_answer, [half, half])
    assert first == second and not first["clock"]
    assert first["status"] == AnswerStatus.LOWER_BOUND and first["used"] <= half  # a value, unproved


@pytest.mark.parametrize("rlimit", [None, 500_000_000])
def test_the_wall_clock_only_ever_yields_unknown(rlimit: int | None) -> None:
    (stopped,) = run_each(lambda r: _answer(r, seconds=-1.0), [rlimit])  # the backstop has passed
    assert stopped["status"] == AnswerStatus.UNKNOWN and stopped["value"] is None
    assert stopped["clock"] and stopped["reason"] == "wall-clock limit"
