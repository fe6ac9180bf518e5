"""Renderers that locate what they report by the model's lines (JUnit, SARIF) ask the context
for it in one way: without a model it is an internal error naming the output, not an assert."""

from __future__ import annotations

import pytest
from polity.cli.render import Context, render
from polity.model.errors import InternalError
from polity.model.loader import load_model
from polity.proofs.records import FindReport
from support import TINY


def test_the_model_is_the_one_given() -> None:
    loaded = load_model(TINY)
    assert Context(loaded=loaded).model("x") is loaded


@pytest.mark.parametrize("fmt", ["junit", "sarif"])
def test_find_output_without_the_model_is_an_internal_error(fmt: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InternalError, match=f"find's {fmt.upper() if fmt == 'sarif' else 'JUnit'} "
                                            "output needs the model"):
        render(fmt, FindReport("tiny", (), ("conflict",), 0.0), Context())
    assert capsys.readouterr().out == ""  # nothing half-written


def test_find_output_with_the_model_renders(capsys: pytest.CaptureFixture[str]) -> None:
    render("junit", FindReport("tiny", (), ("conflict",), 0.0), Context(loaded=load_model(TINY)))
    assert "<testsuite" in capsys.readouterr().out
