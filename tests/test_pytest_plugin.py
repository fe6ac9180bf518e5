"""The pytest plugin (``polity.cli.pytest_plugin``): proof suites collected as tests."""

from __future__ import annotations

import fnmatch
import shutil
import tomllib
from pathlib import Path

import pytest
import z3  # noqa: F401  (loaded once here: pytester restores sys.modules after each inline run)
from polity.cli import pytest_plugin

pytest_plugins = ["pytester"]

HERE = Path(__file__).parent
ROOT = HERE.parent
MODELS = HERE / "models"

CATALOG = """\
catalog: tiny-plugin
model: tiny
properties:
  - id: no-dissolution-in-emergency
    statement: The Assembly is never dissolved while a state of emergency is in force.
    formula: "never happened(head_dissolves) and prev(emergency)"
    cites: [art_1__para_3]
  - id: duty-meets-prohibition
    statement: The duty to dissolve never arises while dissolution is prohibited.
    formula: "never active(dissolve_after_refusals) and prohibited(head_dissolves)"
    cites: [art_2__para_2, art_1__para_3]
"""

SUITE = """\
suite: tiny-plugin
catalog: catalog.yaml
bound: 8
timeout: 30
expect:
  no-dissolution-in-emergency: proved
  duty-meets-prohibition: proved
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A directory with the tiny model, a two-property catalog and a suite (one wrong expectation)."""
    for name in ("tiny.yaml", "tiny-constitution.txt"):
        shutil.copy(MODELS / name, pytester.path / name)
    (pytester.path / "catalog.yaml").write_text(CATALOG)
    (pytester.path / "tiny.polity.yaml").write_text(SUITE)
    return pytester


def test_one_passing_one_failing_expectation(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*tiny.polity.yaml::no-dissolution-in-emergency ?default? PASSED*",
        "*tiny.polity.yaml::duty-meets-prohibition ?default? FAILED*",
    ])
    out = result.stdout.str()
    assert "duty-meets-prohibition [default]: expected proved, got violated" in out
    assert "timeline:" in out and "day 0:" in out
    assert "Art. 2(2), Art. 1(3)" in out
    assert "Traceback" not in out and "pytest_plugin.py" not in out  # readable, no plugin internals


def test_model_beside_the_suite_is_found_by_its_id(project: pytest.Pytester) -> None:
    # the catalog says `model: tiny`, and tiny.yaml sits beside the suite: no option needed
    result = project.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["tiny.polity.yaml::no-dissolution-in-emergency ?default?",
                                 "tiny.polity.yaml::duty-meets-prohibition ?default?"])


def test_model_option_and_ini(project: pytest.Pytester) -> None:
    sub = project.path / "models"
    sub.mkdir()
    for name in ("tiny.yaml", "tiny-constitution.txt"):
        (project.path / name).rename(sub / name)
    missing = project.runpytest("-p", "no:cacheprovider")
    assert missing.ret != 0  # no model beside the suite, and no built-in suite matches: not silently green
    by_option = project.runpytest("-p", "no:cacheprovider", "--polity-model", "models/tiny.yaml")
    by_option.assert_outcomes(passed=1, failed=1)
    project.makeini("[pytest]\npolity_model = models/tiny.yaml\n")
    by_ini = project.runpytest("-p", "no:cacheprovider")
    by_ini.assert_outcomes(passed=1, failed=1)


def test_bound_and_timeout_options(project: pytest.Pytester) -> None:
    (project.path / "tiny.polity.yaml").write_text(SUITE.replace("duty-meets-prohibition: proved",
                                                                 "duty-meets-prohibition: violated"))
    result = project.runpytest("-p", "no:cacheprovider", "--polity-bound", "5", "--polity-timeout", "20")
    result.assert_outcomes(passed=2)
    help_text = project.runpytest("--help")
    help_text.stdout.fnmatch_lines(["*--polity-bound=N*", "*--polity-timeout=SECONDS*"])


def test_ordinary_tests_and_other_yaml_are_untouched(project: pytest.Pytester) -> None:
    project.makepyfile(test_plain="def test_plain():\n    assert True\n")
    (project.path / "other.yaml").write_text(SUITE)  # a suite, but not named like one: ignored
    result = project.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_plain.py::test_plain PASSED*"])
    assert "other.yaml" not in result.stdout.str()


def test_a_broken_suite_is_a_located_collection_error(project: pytest.Pytester) -> None:
    (project.path / "tiny.polity.yaml").write_text(SUITE + "  no-such-property: proved\n")
    result = project.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*polity: *tiny.polity.yaml:*unknown property id 'no-such-property'*"])


def test_our_own_test_run_collects_no_builtin_suite() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    testpaths = config["tool"]["pytest"]["ini_options"]["testpaths"]
    assert all(not (ROOT / "proofs" / "suites").is_relative_to(ROOT / p) for p in testpaths)
    suites = [*(ROOT / "proofs" / "suites").glob("*.yaml"), *MODELS.glob("*.yaml")]
    for path in suites:
        assert not any(fnmatch.fnmatch(path.name, p) for p in pytest_plugin.PATTERNS), path
