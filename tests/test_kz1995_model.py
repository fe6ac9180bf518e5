"""The built-in KZ-1995 model: it loads by name, every citation exists in (and none is excluded
from) the 1995 text, the thresholds follow from the seat counts, and a few solver questions."""

from __future__ import annotations

import pytest
from polity.model.builtin import builtin, builtins
from polity.model.citations import all_citations, check_citations
from polity.model.loader import BUILTIN_MODEL, LoadedModel, load_model, resolve
from polity.model.source import load_source
from polity.properties.language import parse_property

REQUIRED = [
    "art_41__para_1", "art_41__para_3", "art_41__para_3_1", "art_42__para_2", "art_42__para_3",
    "art_42__para_5", "art_44__point_2", "art_44__point_3", "art_44__point_17",
    "art_47__para_1", "art_47__para_2", "art_47__para_3", "art_48__para_1", "art_48__para_2",
    "art_51__para_3", "art_53__point_1", "art_54__para_2__point_2", "art_55__point_5",
    "art_56__para_1__point_2", "art_56__para_2", "art_59__para_2", "art_59__para_5",
    "art_61__para_2", "art_61__para_4", "art_62__para_3", "art_63__para_1", "art_63__para_2",
    "art_65__para_2", "art_70__para_3", "art_70__para_4", "art_70__para_7",
    "art_72__para_1__point_2", "art_73__para_1", "art_73__para_2", "art_74__para_1",
    "art_91__para_1", "art_91__para_2", "art_91__para_3",
]


@pytest.fixture(scope="module")
def loaded() -> LoadedModel:
    return load_model(builtin("kz-1995").model)


def test_listing_names_both_models_default_first() -> None:
    assert [b.name for b in builtins()] == ["kz-2026", "kz-1995"]
    assert builtins()[0].model == BUILTIN_MODEL
    for b in builtins():
        assert b.model.is_file() and b.catalog.is_file() and b.suite.is_file()
        assert load_model(b.model).constitution.id == b.name


def test_every_citation_exists_and_none_is_excluded(loaded: LoadedModel) -> None:
    text = load_source(loaded.source_path(), loaded.constitution.source.starts_at)
    cites = all_citations(loaded)
    assert not sorted(c for c in cites if c not in text)
    assert not sorted(c for c in cites if c in text.excluded)
    check_citations(loaded)


def test_required_provisions_are_modelled(loaded: LoadedModel) -> None:
    missing = sorted(set(REQUIRED) - all_citations(loaded))
    assert not missing


def test_the_text_marks_its_excluded_provisions(loaded: LoadedModel) -> None:
    text = load_source(loaded.source_path(), loaded.constitution.source.starts_at)
    for cite in ("art_41__para_4", "art_44__point_8", "art_61__para_5_1", "art_84"):
        assert cite in text.excluded and cite not in text
    assert "art_94_1" in text and "art_52__para_5__part_3__point_3" in text


def test_thresholds_follow_from_the_seats(loaded: LoadedModel) -> None:
    v = resolve(loaded).params
    assert (v["senate_majority"], v["mazhilis_majority"]) == (26, 50)
    assert (v["senate_two_thirds"], v["mazhilis_two_thirds"]) == (34, 66)
    assert (v["senate_three_quarters"], v["mazhilis_three_quarters"]) == (38, 74)
    assert (v["senate_four_fifths"], v["mazhilis_four_fifths"]) == (40, 79)
    assert v["mazhilis_quorum"] == 66


@pytest.mark.slow
@pytest.mark.parametrize(("formula", "verdict"), [
    ("never (happened(president_dissolves_parliament) or happened(president_dissolves_mazhilis))"
     " and prev(emergency)", "proved"),
    ("reachable happened(president_dissolves_parliament)"
     " and prev(presidency_holder) == acting_senate_chairman", "reachable"),
    ("always mazhilis_seats - mazhilis_vacant_mandates >= mazhilis_quorum", "violated"),
])
def test_solver_questions(loaded: LoadedModel, formula: str, verdict: str) -> None:
    from polity.proofs.engine import check_property

    system = resolve(loaded)
    result = check_property(system, parse_property(formula, system), bound=8, timeout=120)
    assert result.verdict.value == verdict


def test_priority_bill_is_discharged_by_the_senate_approving_it(loaded: LoadedModel) -> None:
    """Art. 61(2) "shall be adopted ... within two months": the Senate's approving vote (with its
    count) discharges the duty; before, an argument-free stand-in event did."""
    from polity.proofs.interpreter import Interpreter

    system = resolve(loaded)
    it = Interpreter(system)
    duty = it.obligation("adopt_priority_bill")
    assert "senate_approves_priority_bill" not in system.events
    state = {**system.initial_state(), "bill_stage": "bill_in_senate", "bill_stage_on": 0,
             "bill_priority": True, "bill_priority_on": 0}
    assert it.active(duty, state)
    assert "senate_approves_bill" in (it.could_act(duty, state, 1) or "")
    majority = system.params["senate_majority"]
    approved = it.apply(system.events["senate_approves_bill"], state, 1, {"yes": majority})
    assert not it.active(duty, approved)
    assert it.why_not(system.events["senate_approves_bill"], state, 1, {"yes": majority - 1})
    returned = it.apply(system.events["senate_returns_bill"], state, 1, {"yes": majority - 1})
    assert it.active(duty, returned)
