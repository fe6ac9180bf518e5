"""The property grammar (properties/property.lark) imports the expression grammar instead of
copying or string-editing it, and an expression reads the same inside a property as alone."""

from __future__ import annotations

import pytest
from polity.model.expr import GRAMMAR, parse
from polity.model.system import System
from polity.properties.language import GRAMMAR as PROPERTY_GRAMMAR
from polity.properties.language import parse_property

EXPRESSIONS = [
    "refusals + 1 > 2 and not emergency",
    "if minister then refusals == 0 else refusals >= 0",
    "assembly_status in {sitting, dissolved} -> now - prev(last_dissolution) >= year // 2",
    "happened(head_dissolves) or -refusals * 2 < seats",
    "active(dissolve_after_refusals) and not lapsed(dissolve_after_refusals)",
]


def test_the_property_grammar_imports_the_expression_rules() -> None:
    text = PROPERTY_GRAMMAR.read_text()
    assert "%import expr.expr" in text
    expression_rules = [line.split(":")[0].strip() for line in GRAMMAR.read_text().splitlines()
                        if line.startswith("?") and ":" in line]
    assert "?expr" in expression_rules
    assert not any(rule in text for rule in expression_rules if rule != "?start")


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_an_expression_reads_the_same_inside_a_property(tiny: System, expr: str) -> None:
    alone = parse(expr)
    never = parse_property(f"never {expr}", tiny)
    assert never.kind == "never" and never.target == alone
    assert never.target.col == len("never ") + 1  # positions count in the property's text
    prop = parse_property(f"whenever {expr} then {expr} within 3 days", tiny)
    assert prop.kind == "response" and prop.target == alone and prop.response == alone
    assert prop.within == parse("3")
