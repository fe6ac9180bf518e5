"""Running concrete steps on the built-in model in the interpreter (no solver): the helpers the
KZ trace tests share. The model itself comes from the fixtures `kz_loaded` and `kz_system`
in conftest.py."""

from __future__ import annotations

from typing import Any

import pytest
from polity.model.loader import LoadedModel, resolve
from polity.model.system import System
from polity.proofs.interpreter import Interpreter, Step, StepRefused


def under(loaded: LoadedModel, **reading: str) -> System:
    """The model resolved with these options, the other readings at their defaults."""
    return resolve(loaded, {**loaded.default_reading(), **reading})


def run(system: System, steps: list[Step]) -> list[dict[str, Any]]:
    """The states after each step; StepRefused at the first step the model does not allow."""
    return Interpreter(system).run(steps)


def refused(system: System, steps: list[Step]) -> str:
    """Why the steps are refused (the test fails if they all run)."""
    with pytest.raises(StepRefused) as exc:
        run(system, steps)
    return str(exc.value)


def active(system: System, duty: str, state: dict[str, Any]) -> bool:
    """Whether the duty with this id is in force in the state."""
    it = Interpreter(system)
    return it.active(it.obligation(duty), state)
