"""What a person reads says a reading in words, not as its label (``bar=lifted``): the progress
lines of ``polity check`` on stderr, and the pytest plugin's failure message (its test ids keep
the label: a researcher types them with ``-k``). The model is the tiny one with a reading added."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import MODELS, TINY, run_polity

pytestmark = pytest.mark.e2e
pytest_plugins = ["pytester"]

LIFTED = "the bar of Art. 1(3) is lifted"
HOLDS = "the bar of Art. 1(3) holds"
READING = f"""
readings:
  - id: emergency_bar
    cites: [art_1__para_3]
    question: does the bar on dissolution in an emergency always hold?
    options:
      - {{id: always, says: {HOLDS}}}
      - {{id: lifted, says: {LIFTED}}}
    default: always
"""
BAR = "    when: emergency\n    cites: [art_1__para_3]\n"
CATALOG = """\
catalog: reading-words
model: tiny
properties:
  - id: no-dissolution-in-emergency
    statement: The Assembly is never dissolved while a state of emergency is in force.
    formula: "never happened(head_dissolves) and prev(emergency)"
    cites: [art_1__para_3]
    readings: [emergency_bar]
"""
SUITE = """\
suite: reading-words
catalog: catalog.yaml
bound: 6
timeout: 60
expect:
  no-dissolution-in-emergency: proved
"""


def project(where: Path) -> Path:
    """tiny.yaml with a reading (the emergency bar holds under one option only), a catalog
    judging one property per reading, and a suite expecting it proved under both."""
    text = TINY.read_text()
    assert BAR in text
    text = text.replace(BAR, BAR + "    under: {emergency_bar: always}\n", 1)
    text = text.replace("\nprohibitions:", "\n" + READING.strip() + "\n\nprohibitions:", 1)
    (where / "tiny.yaml").write_text(text)
    shutil.copy(MODELS / "tiny-constitution.txt", where)
    (where / "catalog.yaml").write_text(CATALOG)
    (where / "tiny.polity.yaml").write_text(SUITE)
    return where


def test_check_progress_says_the_reading_in_words(tmp_path: Path) -> None:
    where = project(tmp_path)
    p = run_polity("check", "--model", str(where / "tiny.yaml"), "--suite", str(where / "tiny.polity.yaml"),
                   "--format", "text")
    assert p.returncode == 1, p.stderr  # violated where the bar is lifted: not as expected
    lines = [ln for ln in p.stderr.splitlines() if "no-dissolution-in-emergency" in ln]
    assert len(lines) >= 2, p.stderr  # each job started and finished, one line each
    assert any(LIFTED in ln for ln in lines) and any(HOLDS in ln for ln in lines), p.stderr
    assert "emergency_bar" not in p.stderr and "=lifted" not in p.stderr, p.stderr
    assert "emergency_bar" not in p.stdout, p.stdout  # the text report says it in words too


def test_the_plugin_says_a_failing_reading_in_words_and_keeps_the_label_as_test_id(
        pytester: pytest.Pytester) -> None:
    project(pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*tiny.polity.yaml::no-dissolution-in-emergency ?emergency_bar=always? PASSED*",
        "*tiny.polity.yaml::no-dissolution-in-emergency ?emergency_bar=lifted? FAILED*",
    ])
    out = result.stdout.str()
    assert f"no-dissolution-in-emergency [the reading: {LIFTED}]: expected proved, got violated" in out
    failure = out[out.index("expected proved, got violated"):]
    assert "emergency_bar=" not in failure.split("short test summary")[0]


def test_find_progress_says_each_reading_in_words_when_it_searches_several(tmp_path: Path) -> None:
    where = project(tmp_path)
    p = run_polity("find", "--model", str(where / "tiny.yaml"), "--all-readings", "--bound", "4")
    assert p.returncode in (0, 1), p.stderr
    assert f"gap: the Assembly [the reading: {LIFTED}]" in p.stderr, p.stderr
    assert "emergency_bar" not in p.stderr, p.stderr
    one = run_polity("find", "--model", str(where / "tiny.yaml"), "--reading", "emergency_bar=lifted",
                     "--bound", "4")
    # one reading, the one the user named: the lines stay short
    assert "gap: the Assembly ..." in one.stderr and LIFTED not in one.stderr, one.stderr
