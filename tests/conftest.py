"""Shared fixtures."""

from __future__ import annotations

import pytest
from polity.model.loader import LoadedModel, load_model, resolve
from polity.model.system import System
from support import TINY


@pytest.fixture(scope="session")
def tiny() -> System:
    return resolve(load_model(TINY))


@pytest.fixture(scope="module")
def kz_loaded() -> LoadedModel:
    """The built-in KZ-2026 model as loaded, to resolve under other readings (kz_trace.under)."""
    return load_model()


@pytest.fixture(scope="module")
def kz_system(kz_loaded: LoadedModel) -> System:
    """The built-in KZ-2026 model under its default readings."""
    return resolve(kz_loaded)
