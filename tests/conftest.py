"""Shared fixtures."""

from __future__ import annotations

import pytest
from polity.model.loader import load_model, resolve
from polity.model.system import System
from support import TINY


@pytest.fixture(scope="session")
def tiny() -> System:
    return resolve(load_model(TINY))
