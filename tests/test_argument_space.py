"""``enabled(E)`` / ``prohibited(E)`` over an argument space too large to decide exactly (the
five counts of a referendum) are refused where they are written, instead of hanging in
quantifier elimination (issue 11); on small spaces they are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from polity.model.errors import UserError
from polity.model.expr import ExprError
from polity.model.loader import load_model, resolve
from polity.model.system import System
from polity.properties.catalog import load_catalog
from polity.properties.language import MAX_ARGUMENT_COMBINATIONS, parse_property
from support import TINY, run_polity

HUGE = "referendum_adopts_amendment"  # five counts of up to the electorate each


@pytest.fixture(scope="module")
def kz() -> System:
    loaded = load_model(None)
    return resolve(loaded, loaded.default_reading())


def test_enabled_on_a_huge_argument_space_is_refused_at_its_column(kz: System) -> None:
    text = f"always active(dissolve_after_repeated_refusal) -> not enabled({HUGE})"
    with pytest.raises(ExprError) as err:
        parse_property(text, kz)
    assert (err.value.expr_line, err.value.expr_col) == (1, text.index("enabled") + 1)
    assert f"enabled({HUGE})" in err.value.message and "participants" in err.value.message
    assert f"happened({HUGE})" in err.value.message  # what to ask instead


def test_a_two_count_vote_and_a_prohibition_reading_no_argument_are_kept(kz: System) -> None:
    # 146 x 146 combinations of a vote are tried exactly; no prohibition on the referendum
    # reads its arguments, so prohibited() has one combination to try
    assert parse_property("always enabled(kurultai_votes_on_budget_report) or true", kz).kind == "always"
    assert parse_property(f"always not prohibited({HUGE})", kz).kind == "always"
    assert 146 * 146 <= MAX_ARGUMENT_COMBINATIONS


def test_in_a_catalog_the_error_names_the_file_and_line(tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(
        "catalog: c\nmodel: kz-2026\nproperties:\n"
        "  - id: fine\n    statement: s\n    formula: \"always true\"\n    cites: [art_92__para_1]\n"
        "  - id: huge\n    statement: s\n"
        f"    formula: \"reachable enabled({HUGE})\"\n    cites: [art_92__para_1]\n")
    with pytest.raises(UserError) as err:
        load_catalog(catalog, load_model(None))
    loc = err.value.location
    assert loc is not None and Path(loc.file).name == "c.yaml" and loc.line == 10
    assert f"enabled({HUGE})" in err.value.message


@pytest.mark.e2e
def test_the_cli_answers_at_once_with_a_located_line_and_exit_2() -> None:
    done = run_polity("prove", "--property", f"always not enabled({HUGE})", "--bound", "2", timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("error: --property:1:12: ") and "Traceback" not in done.stderr
    assert f"enabled({HUGE})" in lines[-1]


@pytest.mark.e2e
def test_enabled_on_a_small_model_still_answers() -> None:
    done = run_polity("prove", "--model", str(TINY), "--property", "always enabled(assembly_refuses) or true",
                      "--bound", "2", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("proved")
