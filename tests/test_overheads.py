"""Work done once: a suite run reuses the model and catalog its caller loaded, a catalog load
resolves the model once per reading (not once per property), and unsat cores map back to
provisions by the switches' names."""

from __future__ import annotations

from typing import Any

import pytest
import z3
from polity.model.loader import load_model
from polity.model.system import System
from polity.proofs import suite as suite_mod
from polity.proofs.compiler import SWITCH_PREFIX, Encoding
from polity.properties import catalog as catalog_mod
from support import MODELS, TINY


def test_jobs_run_on_the_model_and_catalog_already_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_model(TINY)
    s = suite_mod.load_suite(MODELS / "tiny-suite.yaml", loaded)
    jobs = suite_mod.jobs_for(s, loaded, str(TINY), None, None, ["no-dissolution-in-emergency"])

    def no_second_load(*args: Any) -> Any:
        raise AssertionError("loaded again")

    monkeypatch.setattr(suite_mod, "load_model", no_second_load)
    monkeypatch.setattr(suite_mod, "load_catalog", no_second_load)
    suite_mod.system_for.cache_clear()
    assert suite_mod._model(str(TINY)) is loaded
    assert suite_mod._catalog(str(s.catalog.path), str(TINY)) is s.catalog
    [result] = [suite_mod.run_job(j) for j in jobs]
    assert result["verdict"] == "proved"


def test_a_catalog_load_resolves_once_per_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_model()  # the built-in model: many properties, a few readings
    calls: list[dict[str, str]] = []
    real = catalog_mod.resolve

    def counting(model: Any, reading: dict[str, str] | None = None) -> System:
        calls.append(dict(reading or {}))
        return real(model, reading)

    monkeypatch.setattr(catalog_mod, "resolve", counting)
    cat = catalog_mod.load_catalog(catalog_mod.builtin_catalog_path(loaded.constitution.id), loaded)
    pairs = [r for p in cat.spec.properties for r in catalog_mod.readings_for(p, loaded)]
    distinct = {tuple(sorted(r.items())) for r in pairs}
    assert len(pairs) > len(distinct)  # the test means something: properties share readings
    assert len(calls) == len(distinct)


def test_core_literals_map_to_element_keys_by_name(tiny: System) -> None:
    enc = Encoding(tiny)
    key = next(iter(tiny.elements))
    other = z3.Bool("not_a_switch")
    assert enc.switch_keys([enc.switches[key], other]) == {key}
    assert enc.switch_keys([SWITCH_PREFIX + key, "not_a_switch", SWITCH_PREFIX + "gone"]) == {key}
