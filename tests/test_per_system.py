"""Per-System caches live with their System (model/system.py ``derived``): built once, never
shared between Systems, rebuilt when stale, and gone when the System goes."""

from __future__ import annotations

import gc
import time
import weakref

import pytest
from polity.model.loader import load_model, resolve
from polity.model.system import System, derived
from polity.proofs.compiler import Encoding
from polity.proofs.question import question
from polity.proofs.reuse import fingerprint
from support import TINY


@pytest.fixture
def fresh_tiny() -> System:
    return resolve(load_model(TINY))


def test_a_derived_value_is_built_once_per_system(fresh_tiny: System) -> None:
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    assert derived(fresh_tiny, "n", build) == 1
    assert derived(fresh_tiny, "n", build) == 1
    twin = resolve(load_model(TINY))
    assert twin == fresh_tiny  # equal by value, yet its own cache
    assert derived(twin, "n", build) == 2
    assert derived(fresh_tiny, "n", build, fresh=lambda v: v > 1) == 3  # stale: built again
    assert derived(fresh_tiny, "n", build) == 3


def test_the_fingerprint_is_cached_on_its_system(fresh_tiny: System) -> None:
    assert fingerprint(fresh_tiny) is fingerprint(fresh_tiny)


def _template(system: System) -> object:
    enc = Encoding(system)
    enc.trans(enc.state("a"), enc.step("x"), enc.state("b"))
    return enc._template(False)


def test_transition_templates_are_shared_within_a_context_and_rebuilt_in_a_new_one(fresh_tiny: System) -> None:
    with question(None, time.monotonic() + 30):
        first = _template(fresh_tiny)
        assert _template(fresh_tiny) is first
    with question(None, time.monotonic() + 30):
        assert _template(fresh_tiny) is not first


def test_caches_go_with_their_system() -> None:
    system = resolve(load_model(TINY))
    fingerprint(system)
    with question(None, time.monotonic() + 30):
        _template(system)
    gone = weakref.ref(system)
    del system
    gc.collect()
    assert gone() is None
