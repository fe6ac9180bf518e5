"""Same input, same output: under load and with any --jobs, the CLI prints the same bytes.

Each test runs the command with --jobs 1 and --jobs 2 while a busy-loop process competes for
the CPU, and compares the outputs byte for byte once the timing fields are removed. The find
run is limited to conflicts and deadlocks within 4 events (7 findings on the built-in model,
about 10 s of CPU per run) to keep the test short.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from support import run_polity

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TIMING = re.compile(r'^\s*"(seconds|solver_seconds)": [-+0-9.eE]+,?\n', re.MULTILINE)


def untimed(text: str) -> str:
    """The JSON text without its timing lines (they are the only fields allowed to differ).

    >>> untimed('{\\n  "a": 1,\\n  "seconds": 2.5,\\n  "b": 2\\n}')
    '{\\n  "a": 1,\\n  "b": 2\\n}'
    """
    return TIMING.sub("", text)


@pytest.fixture
def cpu_hog() -> Iterator[subprocess.Popen[bytes]]:
    """A busy loop competing for the CPU while the test runs."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield hog
    finally:
        hog.kill()
        hog.wait()


def _run(*args: str) -> str:
    done = run_polity(*args, env={"CI": "1"})
    assert done.returncode == 0, done.stderr
    return untimed(done.stdout)


def test_untimed_removes_only_timing_lines() -> None:
    text = '{\n  "seconds": 1.25,\n  "verdict": "violated",\n  "solver_seconds": 0.5\n}'
    assert untimed(text) == '{\n  "verdict": "violated",\n}'


def test_find_same_bytes_for_jobs_1_and_2_under_load(cpu_hog: subprocess.Popen[bytes]) -> None:
    args = ("find", "--format", "json", "--bound", "4", "--kind", "conflict", "--kind", "deadlock")
    one = _run(*args, "--jobs", "1")
    two = _run(*args, "--jobs", "2")
    assert cpu_hog.poll() is None, "the CPU hog stopped early"
    assert '"kind": "conflict"' in one and '"kind": "deadlock"' in one
    assert one == two


def test_find_within_a_budget_same_bytes_for_jobs_1_and_2_under_load(
        cpu_hog: subprocess.Popen[bytes]) -> None:
    # a budget small enough that some questions spend it: what a question gets depends on
    # what the earlier questions of its unit left, counted in resource units, not time
    args = ("find", "--format", "json", "--budget", "4", "--kind", "endless")
    one = _run(*args, "--jobs", "1")
    two = _run(*args, "--jobs", "2")
    assert cpu_hog.poll() is None, "the CPU hog stopped early"
    assert '"status": "unknown"' in one and '"status": "found"' in one
    assert one == two


def test_check_counterexample_same_for_jobs_1_and_2_under_load(
        cpu_hog: subprocess.Popen[bytes]) -> None:
    # violated under both readings: two jobs, so --jobs 2 really runs them in two processes
    args = ("check", "--format", "json", "--only", "dissolution-obligation-always-dischargeable")
    one = _run(*args, "--jobs", "1")
    two = _run(*args, "--jobs", "2")
    assert cpu_hog.poll() is None, "the CPU hog stopped early"
    assert one.count('"verdict": "violated"') == 2 and '"trace": [' in one
    assert one == two
