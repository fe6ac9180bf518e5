"""run_each: every item in a forked process, answers in item order, follow-up items after their
parent's answer (the deadlock search gives one item per lapsing duty)."""

from __future__ import annotations

import pytest
from polity.proofs.isolated import run_each


def square(n: int) -> int:
    return n * n


def tens(n: int, _answer: int) -> list[int]:
    return [n * 10, n * 10 + 1] if n < 10 else []


@pytest.mark.parametrize("workers", [1, 2])
def test_follow_ups_answer_right_after_their_parent(workers: int) -> None:
    assert run_each(square, [2, 3], workers, then=tens) == [4, 400, 441, 9, 900, 961]


def test_follow_ups_start_before_the_items_still_waiting() -> None:
    started: list[int] = []
    run_each(square, [2, 3], 1, started=started.append, then=tens)
    assert started == [2, 20, 21, 3, 30, 31]


def test_without_follow_ups_the_answers_are_the_items_in_order() -> None:
    assert run_each(square, [5, 1, 4], 2) == [25, 1, 16]
