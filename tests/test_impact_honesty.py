"""Honest comparisons: an undecided verdict is no change, and a finding keeps its identity.

A timeout or ``unknown`` on either side of a change is "could not be decided", with the limit
that ran out, never a verdict change; a finding whose trace or citations changed is the same
finding, changed, matched by what it is about (kind, duty or office, cause), not by its JSON.
"""

from __future__ import annotations

import json

import pytest
from polity.model.amendment import apply_amendment, load_amendment_text
from polity.model.loader import load_model
from polity.proofs.impact import Verification, Verifier, compare, compare_findings, impact
from polity.proofs.suite import load_suite
from support import TINY
from test_faults import SUITE

TIMED_OUT = "no counterexample within 12 steps; no unbounded proof (the time limit ran out)"


def _result(pid: str, verdict: str, reason: str = "", **kw) -> dict:
    return {"id": pid, "reading": "default", "verdict": verdict, "bound": 12, "seconds": 1.0,
            "reason": reason, "timeout": 600.0, **kw}


def _verification(results: list[dict], findings: list[dict] | None = None) -> Verification:
    return Verification(loaded=None, results=results, findings=findings or [])  # type: ignore[arg-type]


@pytest.mark.parametrize(("before", "after", "side"), [
    (_result("p", "holds_to_bound", TIMED_OUT), _result("p", "proved"), "before"),
    (_result("p", "proved"), _result("p", "holds_to_bound", TIMED_OUT), "after"),
    (_result("p", "unknown", "timeout"), _result("p", "violated", trace=[{"event": "e", "day": 0}]), "before"),
    (_result("p", "violated", trace=[{"event": "e", "day": 0}]), _result("p", "unknown", "canceled"), "after"),
    (_result("p", "holds_to_bound", "no counterexample within 12 steps; no unbounded proof (spacer: timeout)"),
     _result("p", "unreachable"), "before"),
])
def test_undecided_is_not_a_change(before, after, side):
    report = compare(_verification([before]), _verification([after]))
    assert report.verdict_changes == ()
    [u] = report.undecided
    assert (u.before.value, u.after.value) == (before["verdict"], after["verdict"])
    assert u.limit.startswith(f"the 600 s limit ran out {side} the change")


def test_decided_changes_are_still_changes():
    traced = _result("p", "violated", trace=[{"event": "e", "day": 0}])
    report = compare(_verification([_result("p", "holds_to_bound", TIMED_OUT), _result("q", "proved"),
                                    _result("r", "holds_to_bound", "no counterexample within 12 steps; "
                                            "no unbounded proof (not inductive)")]),
                     _verification([traced, _result("q", "violated", trace=[{"event": "e", "day": 0}]),
                                    _result("r", "proved")]))
    # no trace within the bound before, one now: the bounded search settled that much
    assert [(c.id, c.before.value, c.after.value) for c in report.verdict_changes] == [
        ("p", "holds_to_bound", "violated"), ("q", "proved", "violated"), ("r", "holds_to_bound", "proved")]
    assert report.undecided == ()


def _finding(summary: str, cites: list[str], elements: list[str], days: list[int]) -> dict:
    return {"kind": "conflict", "summary": summary, "cites": cites, "reading": "default",
            "elements": elements, "trace": [{"event": "e", "day": d, "args": {}} for d in days],
            "timeline": [f"day {d}: e" for d in days]}


def test_removed_citation_is_a_changed_finding_not_new_and_gone():
    before = [_finding(f"duty {i} meets a ban", ["art_1", "art_2", f"art_{i + 3}"],
                       [f"obligations:d{i}", "prohibitions:ban"], [0, 1]) for i in range(4)]
    after = [f | {"cites": ["art_2", f"art_{i + 3}"]} for i, f in enumerate(before)]
    after[2] = after[2] | {"trace": [{"event": "e", "day": 5, "args": {}}], "timeline": ["day 5: e"]}
    added, removed, changed = compare_findings(before, after)
    assert (added, removed) == ([], [])
    assert [c["changes"] for c in changed] == [{"cites_added": [], "cites_removed": ["art_1"]}] * 2 + [
        {"cites_added": [], "cites_removed": ["art_1"], "trace": True},
        {"cites_added": [], "cites_removed": ["art_1"]}]


def test_another_cause_is_another_finding():
    before = [_finding("duty meets ban A", ["art_1"], ["obligations:d", "prohibitions:a"], [0])]
    after = [_finding("duty meets ban B", ["art_1"], ["obligations:d", "prohibitions:b"], [0])]
    added, removed, changed = compare_findings(before, after)
    assert (len(added), len(removed), changed) == (1, 1, [])


def test_unchanged_findings_are_not_reported():
    fs = [_finding("duty meets ban", ["art_1"], ["obligations:d", "prohibitions:a"], [0, 3])]
    assert compare_findings(fs, json.loads(json.dumps(fs))) == ([], [], [])


@pytest.mark.slow
def test_amendment_that_only_changes_citations(tmp_path):
    """On the tiny model: the duty in every conflict cites one provision more before the change;
    after it, each of those conflicts is reported as changed (one citation gone), none as new or
    gone (how many conflicts there are is find's answer on the tiny model)."""
    tiny = load_model(TINY)
    more = json.dumps({"title": "cite more", "changes": [{"replace": {
        "section": "obligations", "id": "dissolve_after_refusals", "element": {
            "id": "dissolve_after_refusals", "actor": "head",
            "summary": "dissolve the Assembly after its repeated refusal to consent to the Minister",
            "active_when": "refusals >= 2 and assembly_status == sitting",
            "discharged_by": ["head_dissolves"], "cites": ["art_2__para_2", "art_2__para_1"]}}}]})
    before = apply_amendment(tiny, load_amendment_text(more)).model
    report = impact(before, tiny, Verifier(load_suite(SUITE, tiny))).to_json()
    assert report["findings_added"] == [] and report["findings_removed"] == []
    from polity.proofs.usecases import find

    expected = [f for f in find(TINY)[1].findings if f.kind == "conflict"]
    conflicts = [c for c in report["findings_changed"] if c["kind"] == "conflict"]
    assert expected and len(conflicts) == len(expected)
    assert all(c["changes"]["cites_removed"] == ["art_2__para_1"] for c in conflicts)


def test_text_report_shows_undecided_and_changed_findings(capsys):
    from polity.cli.render import render
    from polity.proofs.records import CacheStats, DiffReport, ImpactReport

    b = _finding("duty [default] meets a ban", ["art_1__para_3", "art_2__para_2"],
                 ["obligations:d", "prohibitions:a"], [0])
    a = b | {"cites": ["art_2__para_2"]}
    comparison = compare(_verification([_result("p[x]", "holds_to_bound", TIMED_OUT)], [b]),
                         _verification([_result("p[x]", "proved")], [a]))
    impact = ImpactReport(comparison, checked=1, recomputed_after=1, reused_after=0, cache=CacheStats(0, 1),
                          seconds=1.0)
    render("text", DiffReport("m", "a.yaml", "b.yaml", (), impact, "s", find=True))
    text = capsys.readouterr().out
    assert "no verdict changes" in text
    assert "p[x] [default] could not be decided: holds_to_bound before, proved after; the 600 s limit" in text
    assert "finding changed (conflict): duty [default] meets a ban" in text
    assert "provisions: + -; - Art. 1(3)" in text
    assert "0 verdict change(s), 1 undecided, 0 new finding(s), 0 gone, 1 changed" in text
