"""--reading on the command line: one combination for prove, combinations for find, and the
--all-readings help that says exactly which readings it searches."""

from __future__ import annotations

import pytest
from polity.cli.options import reading_choice, reading_combinations
from polity.model.errors import UserError


def test_one_combination_per_reading_named_once() -> None:
    assert reading_choice(["a=x", "b=y"]) == {"a": "x", "b": "y"}
    assert reading_choice(["a=x", "a=x"]) == {"a": "x"}
    with pytest.raises(UserError, match="one reading combination"):
        reading_choice(["a=x", "a=y"])
    with pytest.raises(UserError, match="ID=OPTION"):
        reading_choice(["a"])


def test_combinations_are_the_product_of_the_options_named() -> None:
    combos = reading_combinations(["a=x", "b=z", "a=y", "b=w"])
    assert combos == [{"a": "x", "b": "z"}, {"a": "x", "b": "w"}, {"a": "y", "b": "z"}, {"a": "y", "b": "w"}]
    assert reading_combinations([]) == [{}]


def test_all_readings_help_says_what_it_searches() -> None:
    from polity.cli.main import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["find", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())
    assert "each option of each reading alone" in text
    assert "not every combination" in text
