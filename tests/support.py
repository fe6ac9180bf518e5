"""Helpers shared by the tests: paths of the test models and running the installed CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
MODELS = HERE / "models"
TINY = MODELS / "tiny.yaml"


def polity_exe() -> str:
    exe = Path(sys.executable).parent / "polity"
    if exe.exists():
        return str(exe)
    found = shutil.which("polity")
    assert found, "the polity command is not installed"
    return found


def run_polity(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``polity ARGS`` as a user would (no colour), capturing stdout and stderr apart."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([polity_exe(), *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=timeout)
