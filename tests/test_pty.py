"""The CLI in a real pseudo-terminal, as a user at a terminal runs it (issue 14: a segfault).

The live progress display redraws from a thread; if that thread ever frees a Z3 object while the
main thread is inside Z3, the process dies with SIGSEGV (exit 139). Pipes never show it: only a
terminal turns the live display on.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
from support import TINY, polity_exe

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXAMPLES = Path(__file__).parent.parent / "examples" / "amendments"


def run_in_pty(*args: str, timeout: float = 900) -> tuple[int, str, str]:
    """Run ``polity ARGS`` with stdin and stderr on a pseudo-terminal; stdout is a pipe."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")} | {"TERM": "xterm-256color"}
    proc = subprocess.Popen([polity_exe(), *args], stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = bytearray()
    stop = time.monotonic() + timeout
    try:
        while time.monotonic() < stop:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                seen += chunk
                if chunk:
                    continue
            if proc.poll() is not None:
                break
        else:
            proc.kill()
            pytest.fail(f"polity {' '.join(args)} did not finish within {timeout} s")
        out = proc.stdout.read().decode() if proc.stdout else ""
    finally:
        os.close(master)
        if proc.stdout:
            proc.stdout.close()
    return proc.wait(), out, seen.decode(errors="replace")


def assert_normal_exit(code: int, err: str, allowed: tuple[int, ...] = (0, 1)) -> None:
    assert code in allowed, f"exit {code} (139 is a segmentation fault); terminal output:\n{err[-2000:]}"
    assert "Traceback" not in err and "Fatal Python error" not in err, err[-2000:]


def test_check_in_a_terminal() -> None:
    code, out, err = run_in_pty("check")
    assert_normal_exit(code, err)
    assert "verdict" in out or "proved" in out, out[-500:]


def test_amend_in_a_terminal_without_cache() -> None:
    amendment = sorted(EXAMPLES.glob("*.yaml"))[0]
    # the whole suite and find, before and after, in one process: about nine minutes on the
    # reference machine with the model of issue 12, so the limit leaves room for a slower one
    code, out, err = run_in_pty("amend", str(amendment), "--no-cache", timeout=1800)
    assert_normal_exit(code, err)
    assert out.strip(), "amend printed no report"


def test_find_in_a_terminal() -> None:
    code, out, err = run_in_pty("find", "--bound", "6")
    assert_normal_exit(code, err)
    assert "conflict" in out or "deadlock" in out or "gap" in out, out[-500:]


def test_prove_on_tiny_model_in_a_terminal() -> None:
    code, out, err = run_in_pty("prove", "--model", str(TINY), "--property", "always refusals >= 0 and refusals <= 2")
    assert_normal_exit(code, err, (0,))
    assert out.startswith("proved"), out
