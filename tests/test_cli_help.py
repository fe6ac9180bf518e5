"""What `--help` and `--version` promise matches what the commands do."""

from __future__ import annotations

import pytest
from polity.cli import options
from polity.proofs import discover, engine
from support import TINY, run_polity


def test_help_shows_the_engine_defaults() -> None:
    assert options.DEFAULT_BOUND_HELP == engine.DEFAULT_BOUND
    assert options.DEFAULT_TIMEOUT_HELP == engine.DEFAULT_TIMEOUT
    assert options.FIND_BOUND_HELP == discover.FIND_BOUND


def test_the_cli_verdicts_are_the_engine_verdicts() -> None:
    """``--expect`` takes the records' list itself: every verdict an engine returns, nothing else."""
    import typer
    from polity.proofs.records import PROPERTY_VERDICTS, Verdict

    assert [options.expected_verdict(v.value) for v in PROPERTY_VERDICTS] == [v.value for v in PROPERTY_VERDICTS]
    with pytest.raises(typer.BadParameter, match="not a verdict"):
        options.expected_verdict(Verdict.NOT_APPLICABLE.value)
    assert options.verdict_choices().split(", ") == [v.value for v in PROPERTY_VERDICTS]


@pytest.mark.e2e
def test_prove_refuses_an_unknown_expected_verdict() -> None:
    r = run_polity("prove", "--model", str(TINY), "--property", "always refusals < 1", "--expect", "maybe")
    assert r.returncode == 2 and "not a verdict" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.e2e
def test_version_names_polity_and_z3() -> None:
    r = run_polity("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("polity ") and "z3 " in r.stdout


@pytest.mark.e2e
def test_help_shows_defaults_and_exit_codes() -> None:
    r = run_polity("check", "--help")
    assert r.returncode == 0
    assert "12, or the suite's" in r.stdout and "143" in run_polity("--help").stdout


@pytest.mark.e2e
@pytest.mark.parametrize(("expect", "code"), [("violated", 0), ("proved", 1)])
def test_prove_expect_sets_the_exit_code(expect: str, code: int) -> None:
    r = run_polity("prove", "--model", str(TINY), "--property", "always refusals < 1", "--expect", expect)
    assert r.returncode == code, r.stdout + r.stderr
    assert r.stdout.startswith("violated")
    if code:
        assert "expected proved, got violated" in r.stderr


@pytest.mark.e2e
def test_find_exit_code_follows_fail_on_findings() -> None:
    plain = run_polity("find", "--model", str(TINY), "--format", "json")
    strict = run_polity("find", "--model", str(TINY), "--format", "json", "--fail-on-findings")
    assert plain.returncode == 0, plain.stderr
    import json

    found = json.loads(plain.stdout)["findings"]  # the JSON of find is the whole report
    assert strict.returncode == (1 if found else 0)


@pytest.mark.e2e
@pytest.mark.parametrize("args", [("check", "--jobs", "abc"), ("nosuch",), ("prove",),
                                  ("check", "--timeout", "inf"), ("find", "--kind", "\x1b[31mred")])
def test_usage_errors_are_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    r = run_polity(*args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "\x1b" not in r.stderr and "Traceback" not in r.stderr
