"""The built-in KZ-2026 model: it loads, every citation exists in the source text, the
required provisions are all covered, and the vote thresholds follow from the seat count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kz_trace import run
from polity.model.loader import BUILTIN_MODEL, LoadedModel, resolve
from polity.model.source import load_source
from polity.model.system import System
from polity.proofs.interpreter import Interpreter, Step, StepRefused
from ruamel.yaml import YAML

SEATS = 145

# Provisions the model must encode (cited by at least one element).
REQUIRED = [
    "art_2__para_6",
    "art_43__para_1", "art_43__para_3", "art_43__para_5",
    "art_44__para_2", "art_44__para_3",
    "art_46__point_2", "art_46__point_3", "art_46__point_4", "art_46__point_5",
    "art_46__point_8", "art_46__point_10", "art_46__point_17", "art_46__point_18",
    "art_47__para_2",
    "art_50__para_1", "art_50__para_2", "art_50__para_3", "art_50__para_4",
    "art_51__para_1", "art_51__para_2", "art_51__para_3",
    "art_52__para_2", "art_53__para_1", "art_53__para_2",
    "art_54__para_1", "art_54__para_2", "art_55__para_4",
    "art_56__point_2", "art_56__point_7", "art_56__point_8", "art_56__point_9",
    "art_56__point_10", "art_56__point_11", "art_56__point_12", "art_56__point_13",
    "art_56__point_16", "art_56__point_17",
    "art_57__para_1", "art_57__para_2",
    "art_58__para_2", "art_58__para_4", "art_58__para_5",
    "art_60__para_2", "art_60__para_5", "art_60__para_7",
    "art_61__para_3", "art_61__para_4", "art_61__para_5",
    "art_62__para_1", "art_62__para_2", "art_62__para_3",
    "art_69__para_1", "art_69__para_2", "art_69__para_3", "art_69__para_4",
    "art_69__para_5", "art_69__para_6", "art_69__para_7",
    "art_72__para_2", "art_72__para_3", "art_72__para_4",
    "art_73__para_1",
    "art_74__para_1", "art_74__para_2",
    "art_83__para_1", "art_84__para_3",
    "art_92__para_1", "art_92__para_2", "art_92__para_3",
    "art_93",
]


@pytest.fixture(scope="module")
def raw() -> Any:
    return YAML(typ="safe").load(BUILTIN_MODEL.read_text(encoding="utf-8"))


def citations(node: Any) -> Iterator[str]:
    """Every citation id in the YAML: all `cites` and `by` lists and entrenched ids."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("cites", "by") and isinstance(value, list):
                yield from (str(v) for v in value)
            else:
                yield from citations(value)
    elif isinstance(node, list):
        for x in node:
            yield from citations(x)


def all_citations(raw: Any) -> set[str]:
    out = set(citations(raw))
    out.update(e["id"] for e in raw.get("entrenched", []))
    return out


def covered(cites: set[str], provision: str) -> bool:
    """A provision is covered when it or one of its sub-provisions is cited."""
    return any(c == provision or c.startswith(provision + "__") for c in cites)


def test_model_loads_under_every_reading(kz_loaded: LoadedModel) -> None:
    """Every element resolves under a reading it applies to (the covering set of readings:
    the default, each option alone, each combination an element is written for; the full
    product of options is thousands of combinations and adds no element)."""
    readings = kz_loaded.reading_variants()
    ids = {r.id for r in kz_loaded.constitution.readings}
    assert {"referendum_adoption", "veto_not_overcome"} <= ids
    for reading in readings:
        resolve(kz_loaded, reading)


def test_every_citation_exists_in_the_source(kz_loaded: LoadedModel, raw: Any) -> None:
    src = kz_loaded.constitution.source
    text = load_source(Path(kz_loaded.source_path()), src.starts_at)
    cites = all_citations(raw)
    assert cites
    missing = sorted(c for c in cites if c not in text)
    assert not missing, f"citations not found in the source text: {missing}"


def test_required_provisions_are_covered(raw: Any) -> None:
    cites = all_citations(raw)
    missing = [p for p in REQUIRED if not covered(cites, p)]
    assert not missing, f"provisions not encoded by any element: {missing}"


def test_thresholds_follow_from_the_seat_count(kz_system: System) -> None:
    p = kz_system.params
    assert p["seats"] == SEATS
    assert p["majority_total"] == SEATS // 2 + 1 == 73
    assert p["two_thirds_total"] == -(-2 * SEATS // 3) == 97
    assert p["three_quarters_total"] == -(-3 * SEATS // 4) == 109
    assert p["one_third_total"] == -(-SEATS // 3) == 49
    assert p["one_fifth_total"] == -(-SEATS // 5) == 29
    assert p["quorum_total"] == -(-2 * SEATS // 3)
    assert p["president_term"] == 7 * p["year"]
    assert p["kurultai_term"] == 5 * p["year"]


def test_model_size_and_initial_state(kz_system: System) -> None:
    init = kz_system.initial_state()
    assert init["presidency_holder"] == "elected_president"
    assert init["kurultai_status"] == "kurultai_sitting"
    assert init["term_start"] == 0 and init["convocation_start"] == 0
    assert init["vp_in_office"] and init["chairman_in_office"]
    assert init["government_status"] == "gov_in_office"
    assert not init["emergency"] and init["martial_law"] == "no_martial_law"
    # a sanity range, not a count: a model that lost or doubled a Section shows here (65 state
    # variables and 85 events after the readings and corrections of issue 12)
    assert 40 <= len(kz_system.vars) <= 100
    assert 60 <= len(kz_system.events) <= 130
    # a vote discharges the Art. 56 item 2 duty whatever its result (discharges may take arguments)
    reconsider = next(o for o in kz_system.obligations if o.id == "reconsider_returned_law")
    assert any(kz_system.events[e].args for e in reconsider.discharged_by)


# ---------------------------------------------------------------- behaviour (interpreter)


def test_repeated_refusal_obliges_dissolution_that_emergency_forbids(kz_system: System) -> None:
    steps = [
        Step("president_declares_emergency", 1),
        Step("president_dismisses_government", 2),
        Step("kurultai_votes_on_prime_minister", 3, {"yes": 10}),
        Step("kurultai_votes_on_prime_minister", 4, {"yes": 10}),
        Step("president_begins_dissolution_consultations", 5),
    ]
    states = run(kz_system, steps)
    it = Interpreter(kz_system)
    duty = it.obligation("dissolve_after_repeated_refusal")
    assert it.active(duty, states[-1])
    reason = it.why_not(kz_system.events["president_dissolves_kurultai"], states[-1], 6, {})
    assert reason is not None


def test_veto_override_thresholds(kz_system: System) -> None:
    base = [
        Step("bill_introduced", 1, {"constitutional": 0, "by_government": 0}),
        Step("kurultai_holds_reading", 2), Step("kurultai_holds_reading", 3),
        Step("kurultai_adopts_bill", 4), Step("kurultai_submits_law", 5),
        Step("president_returns_law", 6),
    ]
    run(kz_system, [*base, Step("kurultai_overrides_veto", 7, {"yes": 97})])
    with pytest.raises(StepRefused):
        run(kz_system, [*base, Step("kurultai_overrides_veto", 7, {"yes": 96})])


def test_referendum_adopted_by_units_with_national_minority(kz_loaded: LoadedModel) -> None:
    # 14 units won narrowly on low turnout, 6 lost with full turnout and no votes for.
    args = {"participants": 14 * 501 + 6 * 1000, "yes": 14 * 251, "units_won": 14,
            "won_participants": 14 * 501, "won_yes": 14 * 251}
    steps = [Step("body_initiates_amendment", 1, {"touches_entrenched": 0}),
             Step("cc_concludes_on_amendment", 2), Step("president_calls_referendum", 3),
             Step("referendum_adopts_amendment", 4, args)]
    run(resolve(kz_loaded, {"referendum_adoption": "units_only"}), steps)
    with pytest.raises(StepRefused):
        run(resolve(kz_loaded, {"referendum_adoption": "units_and_national"}), steps)


def test_entrenched_amendment_never_reaches_referendum(kz_system: System) -> None:
    states = run(kz_system, [Step("body_initiates_amendment", 1, {"touches_entrenched": 1}),
                             Step("cc_concludes_on_amendment", 2)])
    assert states[-1]["amendment_stage"] == "no_amendment"


def test_nobody_to_announce_elections_when_kurultai_dissolved(kz_system: System) -> None:
    year = kz_system.params["year"]
    steps = [
        Step("president_begins_dissolution_consultations", year),
        Step("president_dissolves_kurultai", year),
        Step("president_dies", year + 1),
    ]
    states = run(kz_system, steps)
    it = Interpreter(kz_system)
    duty = it.obligation("announce_early_presidential_election")
    assert it.active(duty, states[-1])
    assert it.why_not(kz_system.events["kurultai_announces_presidential_election"],
                      states[-1], year + 2, {}) is not None
