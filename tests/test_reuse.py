"""Proof reuse across a change (proofs/reuse.py), checked against verdicts computed from scratch.

``survives`` decides from the unsat core and a fingerprint of both models, without a solver,
that an old proof still holds. That is only sound if every surviving proof is confirmed by
``check_property`` on the changed model: the differential tests below check exactly that, for a
table of typical changes and for random ones, and make sure both answers occur.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from polity.model.amendment import apply_amendment, load_amendment, load_amendment_text
from polity.model.errors import UserError
from polity.model.expr import ExprError
from polity.model.loader import load_model, resolve
from polity.proofs.engine import check_property
from polity.proofs.impact import ResultCache, Verifier
from polity.proofs.reuse import survives
from polity.proofs.suite import load_suite
from polity.proofs.verdicts import Verdict
from polity.properties.catalog import load_catalog
from polity.properties.language import parse_property
from support import MODELS, TINY

AM = Path(__file__).parent / "amendments"
BOUND, TIMEOUT = 6, 20.0
PROOFS = (Verdict.PROVED, Verdict.UNREACHABLE)
# Beyond the catalogs: properties that read the law, and response properties (diligent traces).
EXTRA = [
    "never prohibited(head_dissolves) and not emergency and now - last_dissolution >= year",
    "always enabled(head_dissolves) or assembly_status == dissolved or emergency or now - last_dissolution < year",
    "never enabled(head_dissolves) and emergency",
    "never enabled(assembly_elected) and assembly_status == sitting",
    "always not prohibited(assembly_consents)",
    "never active(elect_new_assembly) and assembly_status == sitting",
    "whenever active(elect_new_assembly) then not active(elect_new_assembly) within 60 days",
    "whenever happened(head_dissolves) then happened(assembly_elected) within 60 days",
    "whenever happened(head_dissolves) then happened(assembly_elected) and not prev(emergency) within 60 days",
    "whenever assembly_status == dissolved then assembly_status == sitting within 60 days",
    "whenever assembly_status == dissolved then not lapsed(elect_new_assembly) within 0 days",
    "reachable minister and refusals > 0",
    "reachable prohibited(emergency_lifted)",
    "never happened(emergency_declared) and prev(emergency)",
    "never happened(assembly_refuses) and arg(yes) >= majority_total",
    "always refusals <= 2",
    "always refusals <= 2 and year > 200",  # reads a parameter that the law reads too
]


@pytest.fixture(scope="module")
def model():
    return load_model(TINY)


@pytest.fixture(scope="module")
def proofs(model):
    """(formula, verdict, core) of every proof on the unchanged model, computed here."""
    catalogs = [MODELS / "tiny-catalog.yaml", AM / "tiny-catalog.yaml"]
    formulas = {p.formula for c in catalogs for p in load_catalog(c, model).spec.properties} | set(EXTRA)
    system = resolve(model)
    out = []
    for f in sorted(formulas):
        r = check_property(system, parse_property(f, system), bound=BOUND, timeout=TIMEOUT)
        if r.verdict in PROOFS:
            out.append((f, r.verdict, frozenset(r.core)))
    assert len(out) >= 12 and any(core for _, _, core in out)
    return out


def amend(model, *changes: dict):
    text = json.dumps({"title": "generated", "changes": list(changes)})
    return apply_amendment(model, load_amendment_text(text)).model


def compare(model, proofs, after, tally: Counter, scratch_rejected: bool = False) -> list[str]:
    """Every surviving proof must be the verdict from scratch; returns the disagreements."""
    before, changed = resolve(model), resolve(after)
    bad = []
    for formula, verdict, core in proofs:
        try:
            new_prop = parse_property(formula, changed)
        except ExprError:  # the change removed a name the formula uses
            continue
        why = survives(before, changed, parse_property(formula, before), new_prop, core)
        tally["survived" if why is None else "rejected"] += 1
        if why is not None and not scratch_rejected:
            continue
        again = check_property(changed, new_prop, bound=BOUND, timeout=TIMEOUT).verdict
        if why is None and again != verdict:
            bad.append(f"{formula!r}: core {sorted(core)} survives, but {verdict} -> {again} from scratch")
        if why is not None and again != verdict:
            tally["rejected and changed"] += 1
    return bad


def event(model, eid: str) -> dict:
    data = model.constitution.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return next(e for e in data["events"] if e["id"] == eid)


def with_guard(model, eid: str, when: str) -> dict:
    ev = event(model, eid)
    ev["guard"] = [*ev.get("guard", []), {"when": when, "cites": ev["cites"]}]
    return {"replace": {"section": "events", "id": eid, "element": ev}}


TABLE = {
    "add a prohibition": "add-prohibition.yaml",
    "guard a discharging event": "reuse-guard-election.yaml",
    "strike a provision": "strike-dissolution-limits.yaml",
    "set a parameter (law only)": "raise-majority.yaml",
    "set a parameter (law and properties)": "reuse-set-year.yaml",
    "replace an obligation": "replace-obligation.yaml",
    "change an effect's value": "reuse-effect-value.yaml",
    "assign one more variable": "reuse-effect-shape.yaml",
    "add an obligation": "reuse-add-obligation.yaml",
}


@pytest.mark.slow
def test_surviving_proofs_agree_with_scratch_on_a_table_of_changes(model, proofs):
    """Each typical kind of change; the rejected proofs are re-checked too, to show that the
    changes are strong enough to break proofs (else agreement would prove little)."""
    tally: Counter = Counter()
    bad = {}
    changes = {k: apply_amendment(model, load_amendment(AM / f)).model for k, f in TABLE.items()}
    changes["guard an event"] = amend(model, with_guard(model, "head_dissolves", "not minister"))
    changes["guard another event"] = amend(model, with_guard(model, "emergency_declared", "refusals == 0"))
    for name, after in changes.items():
        bad[name] = compare(model, proofs, after, tally, scratch_rejected=True)
    assert not any(bad.values()), {k: v for k, v in bad.items() if v}
    assert tally["survived"] > 0 and tally["rejected"] > 0, tally
    assert tally["rejected and changed"] > 0, tally


# ----------------------------------------------------------------------------- random changes

ATOMS = ["emergency", "not emergency", "minister", "not minister", "assembly_status == sitting",
         "assembly_status == dissolved", "refusals == 0", "refusals >= 1", "refusals < 2",
         "now - last_dissolution < 60", "now - last_dissolution >= year"]
EVENTS = ["assembly_consents", "assembly_refuses", "head_dissolves", "assembly_elected",
          "emergency_declared", "emergency_lifted"]
VALUES = {"bool": ["true", "false"], "int": ["0", "1", "2"], "day": ["now", "now - 1"],
          "enum": ["sitting", "dissolved"]}
conditions = st.builds(lambda a, b, op: a if b is None else f"({a}) {op} ({b})", st.sampled_from(ATOMS),
                       st.none() | st.sampled_from(ATOMS), st.sampled_from(["and", "or"]))


@st.composite
def a_change(draw, model) -> dict:
    """Restrictions (prohibition, permission, guard), relaxations (strike, dropped guard), new or
    changed duties, other effect values, other parameters."""
    kind = draw(st.sampled_from(["prohibition", "permission", "guard", "obligation", "duty", "effect",
                                 "set", "strike"]))
    ev, cond, n = draw(st.sampled_from(EVENTS)), draw(conditions), draw(st.integers(0, 99))
    el = {"id": f"x{n}", "summary": "generated", "cites": ["art_2__para_3"]}
    if kind in ("prohibition", "permission"):
        el |= {"events": [ev], "when": cond} | ({"actor": "head"} if kind == "permission" else {})
        return {"add": {"section": f"{kind}s", "element": el}}
    if kind == "obligation":
        el |= {"actor": "head", "active_when": cond, "discharged_by": [ev]}
        if draw(st.booleans()):
            el |= {"within": draw(st.sampled_from([0, 30, 60])), "since": "last_dissolution"}
        return {"add": {"section": "obligations", "element": el}}
    if kind == "duty":
        data = model.constitution.model_dump(mode="json", by_alias=True, exclude_unset=True)
        old = draw(st.sampled_from(data["obligations"]))
        new = old | draw(st.sampled_from([{"active_when": cond}, {"discharged_by": [ev]},
                                          {"within": 90, "since": "last_dissolution"}]))
        return {"replace": {"section": "obligations", "id": old["id"], "element": new}}
    if kind == "set":
        name, value = draw(st.sampled_from([("year", 100), ("year", 400), ("majority_total", 4),
                                            ("majority_total", 2), ("seats", 7)]))
        return {"set": {"parameter": name, "value": value}}
    if kind == "strike":
        return {"strike": draw(st.sampled_from(["art_1__para_1", "art_1__para_3", "art_2__para_1",
                                                 "art_2__para_2", "art_2__para_3", "art_3__para_1"]))}
    e = event(model, ev)
    if kind == "guard":  # add a clause, rewrite the last one or drop it
        g, clause = e.get("guard", []), [{"when": cond, "cites": e["cites"]}]
        e["guard"] = draw(st.sampled_from([g + clause, g[:-1] + clause, g[:-1]]))
    else:  # another value, one more variable, or a condition
        types = {v.id: v.type for v in model.constitution.state}
        var = draw(st.sampled_from(sorted(types)))
        e["effects"][0]["set"][var] = draw(st.sampled_from(VALUES[types[var]]))
        e["effects"][0] |= draw(st.sampled_from([{}, {"if": cond}]))
    return {"replace": {"section": "events", "id": ev, "element": e}}


@pytest.mark.slow
def test_surviving_proofs_agree_with_scratch_on_random_changes(model, proofs):
    """Random restrictions, relaxations and value changes, one or two per amendment."""
    tally: Counter = Counter()

    @settings(max_examples=25, deadline=None, database=None)
    @given(st.lists(a_change(model), min_size=1, max_size=2))
    def run(changes):
        try:
            after = amend(model, *changes)
        except UserError:  # e.g. a replaced event struck by the other change
            assume(False)
        bad = compare(model, proofs, after, tally)
        assert not bad, (changes, bad)

    run()
    assert tally["survived"] > 0 and tally["rejected"] > 0, tally


# ----------------------------------------------------------------------------- the Verifier


def amendments() -> list[Path]:
    return sorted(p for p in AM.glob("*.yaml")
                  if not p.name.startswith(("bad-", "inadmissible-", "tiny-", "entrench-")))  # entrench-: another model


def test_verifier_with_previous_gives_the_verdicts_from_scratch(model):
    """Carried-over and re-confirmed results equal a fresh verification of the changed model."""
    suite = load_suite(AM / "tiny-suite.yaml", model)
    before = Verifier(suite, ResultCache()).verify(model, find=False)
    how: Counter = Counter()
    for path in amendments():
        after = apply_amendment(model, load_amendment(path)).model
        again = Verifier(suite, ResultCache()).verify(after, find=False, previous=before)
        fresh = Verifier(suite, ResultCache()).verify(after, find=False)
        verdicts = [{(r["id"], r["reading"]): r["verdict"] for r in v.results} for v in (again, fresh)]
        assert verdicts[0] == verdicts[1], path.name
        how.update(r["reconfirmed"] for r in again.results if "reconfirmed" in r)
    assert sum(how.values()) > 0 and any("unsat core" in k for k in how), how


# ----------------------------------------------------------------------------- units


def _proof(system, formula: str):
    r = check_property(system, parse_property(formula, system), bound=BOUND, timeout=TIMEOUT)
    assert r.verdict in PROOFS
    return parse_property(formula, system), set(r.core)


def test_a_proof_does_not_survive_the_change_of_its_core(model):
    """Striking or changing a core element rejects the proof; a proof with another core survives."""
    before = resolve(model)
    for name, formula in [("strike-dissolution-limits.yaml", "never happened(head_dissolves) and prev(emergency)"),
                          ("raise-majority.yaml", "never happened(assembly_consents) and arg(yes) < 3")]:
        after = resolve(apply_amendment(model, load_amendment(AM / name)).model)
        prop, core = _proof(before, formula)
        assert core
        why = survives(before, after, prop, parse_property(formula, after), core)
        assert why is not None and any(k in why for k in core), why
    # the last change (the majority) leaves this proof's core alone; a key it lacks is no help
    control, core = _proof(before, "never happened(emergency_declared) and prev(emergency)")
    assert survives(before, after, control, parse_property(control.text, after), core) is None
    assert survives(before, after, control, parse_property(control.text, after), core | {"nope"}) is not None


@pytest.mark.parametrize("change", [
    {"add": {"section": "state", "element": {"id": "session", "type": "bool", "init": "false",
                                             "cites": ["art_1__para_2"]}}},
    {"replace": {"section": "state", "id": "refusals", "element": {
        "id": "refusals", "type": "int", "range": [0, 3], "init": 0, "cites": ["art_2__para_2"]}}},
])
def test_a_vocabulary_change_is_not_survived(model, change):
    """New or re-ranged state: the switch argument compares traces over the same state space."""
    before, after = resolve(model), resolve(amend(model, change))
    for formula in ("always refusals <= 2", "never happened(emergency_declared) and prev(emergency)"):
        prop, core = _proof(before, formula)
        why = survives(before, after, prop, parse_property(formula, after), core)
        assert why is not None and "state" in why, why


def test_a_replace_after_a_strike_applies(model):
    """Regression: a strike filtered temporary lists, whose ids a later replace could reuse."""
    event = {"id": "assembly_consents", "actor": "assembly", "says": "consents",
             "cites": ["art_2__para_1"], "args": [{"id": "yes", "range": [0, "seats"]}],
             "guard": [{"when": "assembly_status == sitting", "cites": ["art_2__para_1"]},
                       {"when": "not minister", "cites": ["art_2__para_1"]},
                       {"when": "yes >= majority_total", "cites": ["art_2__para_1"]}],
             "effects": [{"set": {"minister": True, "refusals": 0}, "cites": ["art_2__para_1"]}]}
    after = amend(model, {"strike": "art_2__para_2"},
                  {"replace": {"section": "events", "id": "assembly_consents", "element": event}})
    guards = resolve(after).events["assembly_consents"].guards
    assert [g.element.summary for g in guards] == ["assembly_status == sitting", "not minister",
                                                   "yes >= majority_total"]


@pytest.mark.slow
def test_a_changed_discharge_condition_is_not_reused():
    """A proof on diligent traces relies on what discharges a duty: an amendment that makes the
    confirmation need six votes of five (no discharge is left) breaks it, and reuse says so."""
    model = load_model(MODELS / "diligent.yaml")
    before = resolve(model)
    formula = "whenever happened(head_extends) then confirmed within 20 days"
    prop, core = _proof(before, formula)
    data = model.constitution.model_dump(mode="json", by_alias=True, exclude_unset=True)
    duty = next(o for o in data["obligations"] if o["id"] == "confirm_extension")
    duty["discharged_by"] = [{"event": "council_confirms", "when": "yes >= 6"}]
    after = resolve(amend(model, {"replace": {"section": "obligations", "id": "confirm_extension",
                                              "element": duty}}))
    why = survives(before, after, prop, parse_property(formula, after), core)
    assert why is not None and "obligation:confirm_extension" in why, why
    again = check_property(after, parse_property(formula, after), bound=BOUND, timeout=TIMEOUT)
    assert again.verdict == Verdict.VIOLATED  # reusing the proof would have been wrong
    # a change to a preparatory act's effect is seen too (diligence reads its effects)
    reads = next(e for e in data["events"] if e["id"] == "council_reads")
    reads["effects"] = [{"set": {"readings": "2"}, "cites": reads["cites"]}]
    faster = resolve(amend(model, {"replace": {"section": "events", "id": "council_reads", "element": reads}}))
    assert survives(before, faster, prop, parse_property(formula, faster), frozenset()) is not None
