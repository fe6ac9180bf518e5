"""The options and choices several commands share (``--model``, ``--bound``, ``--timeout``,
``--recheck``, ``--reading``, ``--format``), in a module of their own so that the command modules
(main, amend_cmd, query_cmd) import them without importing each other."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..model.errors import UserError
from . import output

# Defaults the help text shows; tests/test_cli_help.py holds them equal to the engine's.
DEFAULT_BOUND_HELP = 12
DEFAULT_TIMEOUT_HELP = 60
FIND_BOUND_HELP = 8


class Format(str, Enum):
    text = "text"
    json = "json"


def expected_verdict(text: str) -> str:
    """``--expect``'s value: one of the verdicts an engine returns (the records' own list, which
    imports no Z3, so a new verdict needs no copy here)."""
    from ..proofs.records import PROPERTY_VERDICTS

    choices = [v.value for v in PROPERTY_VERDICTS]
    if text not in choices:
        raise typer.BadParameter(f"{text!r} is not a verdict (one of {', '.join(choices)})")
    return text


def verdict_choices() -> str:
    from ..proofs.records import PROPERTY_VERDICTS

    return ", ".join(v.value for v in PROPERTY_VERDICTS)


class SuiteFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"


class FindFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    markdown = "markdown"  # a walk-through of every finding, with a commentary (docs/)


def model_value(value: Path | None) -> Path | None:
    """``--model NAME`` names a built-in model (``polity model list``); anything else is a path."""
    from ..model.builtin import model_path

    return model_path(value)


ModelOpt = Annotated[Path | None, typer.Option(
    "--model", help="A built-in model's name (see `polity model list`) or a model file "
    "(default: the first built-in model).", dir_okay=False, callback=model_value)]
BoundOpt = Annotated[int | None, typer.Option(
    "--bound", min=0, max=200, show_default=f"{DEFAULT_BOUND_HELP}, or the suite's",
    help="Maximum number of events in a trace.")]
MAX_SECONDS = 7 * 24 * 3600.0  # a week: any longer limit is a typo, and inf/nan are refused
MAX_JOBS = 256
TimeoutOpt = Annotated[float | None, typer.Option(
    "--timeout", min=0.001, max=MAX_SECONDS, show_default=f"{DEFAULT_TIMEOUT_HELP} s, or the suite's",
    help="Seconds per property (a timeout is 'unknown').")]


class Recheck(str, Enum):
    z3 = "z3"
    cvc5 = "cvc5"
    both = "both"


RecheckOpt = Annotated[Recheck | None, typer.Option(
    "--recheck", help="Solvers that re-check every proof certificate "
    "(default: both when cvc5 is installed, else z3).")]


def recheck_value(choice: Recheck | None) -> str | None:
    return None if choice is None else choice.value


def choose_recheck(choice: Recheck | None) -> None:
    """Fix the re-check solvers before any proof runs (workers inherit the choice)."""
    from ..proofs.second_solver import choose

    note = choose(choice.value if choice is not None else None)
    if note:
        output.err.print(f"note: {note}", markup=False)


ReadingOpt = Annotated[list[str] | None, typer.Option("--reading", help="Choose a reading: ID=OPTION (repeatable).")]
CombinationsOpt = Annotated[list[str] | None, typer.Option(
    "--reading", help="Choose a reading: ID=OPTION (repeatable). Naming one reading with several options "
    "searches every combination of the options named, the other readings at their defaults.")]


def reading_options(items: list[str] | None) -> dict[str, list[str]]:
    """Each reading named by ``--reading ID=OPTION`` with its options, in the order given."""
    out: dict[str, list[str]] = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--reading expects ID=OPTION, got {item!r}")
        k, v = item.split("=", 1)
        options = out.setdefault(k.strip(), [])
        if v.strip() not in options:
            options.append(v.strip())
    return out


def reading_choice(items: list[str] | None) -> dict[str, str]:
    """One reading combination: each reading named at most once."""
    out = {}
    for k, options in reading_options(items).items():
        if len(options) > 1:
            raise UserError(f"--reading {k} is given {len(options)} options ({', '.join(options)}); "
                            "this command checks one reading combination")
        out[k] = options[0]
    return out


def reading_combinations(items: list[str] | None) -> list[dict[str, str]]:
    """Every combination of the options named, in the order given.

    >>> reading_combinations(["a=x", "b=z", "a=y"])
    [{'a': 'x', 'b': 'z'}, {'a': 'y', 'b': 'z'}]
    >>> reading_combinations(None)
    [{}]
    """
    combos: list[dict[str, str]] = [{}]
    for k, options in reading_options(items).items():
        combos = [{**c, k: o} for c in combos for o in options]
    return combos
