"""The expression language: parsing, type checking, evaluation, and its doctests."""

from __future__ import annotations

import doctest

import polity.model.expr as expr_module
import polity.model.system as system_module
import polity.proofs.records as records_module
import pytest
from polity.model.expr import BOOL, INT, EnumType, ExprError, Scope, check, evaluate, parse

STATUS = EnumType("status", ("sitting", "dissolved"))
SCOPE = Scope({"seats": INT, "yes": INT, "emergency": BOOL, "status": STATUS},
              frozenset({"seats"}), {"sitting": STATUS, "dissolved": STATUS})


@pytest.mark.parametrize("text, env, value", [
    ("yes >= majority_of(seats)", {"yes": 73, "seats": 145}, True),
    ("yes >= majority_of(seats)", {"yes": 72, "seats": 145}, False),
    ("share_of(2, 3, seats)", {"seats": 145}, 97),
    ("share_of(3, 4, seats)", {"seats": 145}, 109),
    ("not emergency and status == sitting", {"emergency": False, "status": "sitting"}, True),
    ("status in {dissolved}", {"status": "sitting"}, False),
    ("if emergency then 1 else 2 * seats", {"emergency": False, "seats": 3}, 6),
    ("emergency -> yes > 3", {"emergency": True, "yes": 3}, False),
    ("-(yes - 10) // 3", {"yes": 1}, 3),
])
def test_evaluates(text: str, env: dict[str, object], value: object) -> None:
    node = parse(text)
    check(node, SCOPE)
    assert evaluate(node, env) == value


@pytest.mark.parametrize("text, message", [
    ("yes >= quorum", "unknown name 'quorum'"),
    ("yes and emergency", "expected a bool expression, got int"),
    ("yes * yes", "multiplication needs a constant"),
    ("yes // yes", "constant divisor"),
    ("status == 3", "expected a status expression, got int"),
    ("status in {sitting, adjourned}", "'adjourned' is not a value of status"),
    ("share_of(1, 2, yes)", "share_of needs constant arguments"),
    ("frobnicate(1)", "unknown function 'frobnicate'"),
    ("yes >=", "syntax error"),
])
def test_rejects(text: str, message: str) -> None:
    with pytest.raises(ExprError, match=message.replace("(", r"\(").replace("*", r"\*")):
        check(parse(text), SCOPE, BOOL)


def test_error_column_points_at_the_offending_name() -> None:
    with pytest.raises(ExprError) as info:
        check(parse("emergency and yes > bogus"), SCOPE)
    assert info.value.expr_col == 21


@pytest.mark.parametrize("module", [expr_module, system_module, records_module])
def test_doctests(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
