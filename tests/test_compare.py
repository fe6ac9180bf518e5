"""``polity compare``: findings matched across two texts by what they are about, not by article.

The two tiny editions (tests/models/tiny.yaml and compare/tiny-second.yaml) differ by hand-known
changes: the second renumbers the articles, renames the duty and the emergency bar, strikes the
one-year bar (which, expiring, was no conflict in the first place) and adds a bar during a state
of siege.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from polity.model.errors import UserError
from polity.model.loader import load_model
from polity.proofs.compare import match_findings
from polity.proofs.records import Change, CompareReport, FindingRecord
from polity.proofs.usecases import compare
from polity.properties.crosswalk import empty_crosswalk, load_crosswalk
from support import MODELS, TINY, run_polity

SECOND = MODELS / "compare" / "tiny-second.yaml"
CROSSWALK = MODELS / "compare" / "tiny--tiny-second.crosswalk.yaml"


def finding(about: str, *causes: str, kind: str = "conflict") -> FindingRecord:
    return FindingRecord(kind, f"{about} blocked by {causes}", (), "default", None, (), "", about, (about, *causes))


def test_matching_goes_through_the_crosswalk_and_keeps_causes_apart() -> None:
    cw = load_crosswalk(CROSSWALK, load_model(TINY), load_model(SECOND))
    duty_a, duty_b = "obligation:dissolve_after_refusals", "obligation:dissolve_on_refusals"
    before = [finding(duty_a, "prohibition:no_dissolution_in_emergency"),
              finding(duty_a, "prohibition:no_dissolution_within_year")]
    after = [finding(duty_b, "prohibition:no_dissolution_in_siege"),
             finding(duty_b, "prohibition:emergency_bar")]
    matched = match_findings(before, after, cw)
    by = {(m.change, (m.before or m.after).elements[-1]) for m in matched}  # type: ignore[union-attr]
    assert by == {(Change.KEPT, "prohibition:no_dissolution_in_emergency"),
                  (Change.REPAIRED, "prohibition:no_dissolution_within_year"),
                  (Change.INTRODUCED, "prohibition:no_dissolution_in_siege")}
    kept = next(m for m in matched if m.change == Change.KEPT)
    assert kept.after is after[1] and kept.subject == "the duty to dissolve the Assembly after repeated refusals"
    # another kind about the same duty is another finding
    assert match_findings([finding(duty_a, kind="deadlock")], [finding(duty_b, kind="conflict")], cw)[0].change \
        == Change.REPAIRED


def test_without_a_crosswalk_elements_correspond_only_by_id() -> None:
    cw = empty_crosswalk("tiny", "tiny-second")
    before = [finding("obligation:dissolve_after_refusals", "prohibition:no_dissolution_in_emergency")]
    after = [finding("obligation:dissolve_on_refusals", "prohibition:emergency_bar"),
             finding("obligation:dissolve_after_refusals", "prohibition:no_dissolution_in_emergency")]
    changes = [m.change for m in match_findings(before, after, cw)]
    assert changes == [Change.KEPT, Change.INTRODUCED]


@pytest.mark.slow
def test_the_second_edition_keeps_the_emergency_bar_and_introduces_the_siege_bar() -> None:
    report = compare(TINY, SECOND, CROSSWALK, bound=8, timeout=120)
    blockers = {(m.change, (m.before or m.after).elements[-1]) for m in report.findings}  # type: ignore[union-attr]
    assert blockers == {(Change.KEPT, "prohibition:no_dissolution_in_emergency"),
                        (Change.INTRODUCED, "prohibition:no_dissolution_in_siege")}
    # every finding of either text appears exactly once
    assert sum(m.before is not None for m in report.findings) == len({id(m.before) for m in report.findings
                                                                       if m.before is not None})
    questions = {q.id: q for q in report.questions}
    assert not questions["no-dissolution-in-emergency"].differs
    year = questions["dissolution-within-a-year"]
    assert (year.before.verdict.value, year.after.verdict.value) == ("proved", "violated")
    assert year.after.trace  # the second edition's counterexample, replayed
    assert CompareReport.from_json(report.to_json()) == report


@pytest.mark.parametrize(("edit", "message", "line"), [
    (("tiny-second: \"obligation:dissolve_on_refusals\"", "tiny-second: \"obligation:no_such_duty\""),
     "model tiny-second has no element 'obligation:no_such_duty'", 7),
    ("models: [tiny, tiny-second]", "the crosswalk relates", 4),
    (("tiny-second: [art_3__para_1,", "tiny-second: [art_9__para_1,"),
     "provision 'art_9__para_1' does not exist in the text of tiny-second", 12),
    (("tiny-second: \"never happened(head_dissolves) and prev(emergency)\"",
      "tiny-second: \"never happened(head_dissolves) and prev(emergncy)\""), "unknown name", 18),
])
def test_crosswalk_mistakes_are_located(tmp_path: Path, edit: object, message: str, line: int) -> None:
    text = CROSSWALK.read_text()
    if isinstance(edit, tuple):
        text = text.replace(*edit, 1)
    else:
        text = text.replace(str(edit), "models: [tiny, tiny-third]")
    bad = tmp_path / "bad.crosswalk.yaml"
    bad.write_text(text)
    with pytest.raises(UserError) as err:
        load_crosswalk(bad, load_model(TINY), load_model(SECOND))
    assert message in str(err.value)
    if line:
        assert err.value.location is not None and err.value.location.line == line


@pytest.mark.e2e
def test_compare_as_a_user_runs_it(tmp_path: Path) -> None:
    for p in (SECOND, SECOND.with_name("tiny-second-constitution.txt")):
        shutil.copy(p, tmp_path / p.name)  # no crosswalk beside it: said, and ids only
    r = run_polity("compare", str(TINY), str(tmp_path / SECOND.name), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["crosswalk"].endswith("(none given)") and data["questions"] == []
    assert "no crosswalk for tiny and tiny-second" in r.stderr
    assert sum(data["counts"].values()) == len(data["findings"])
    r = run_polity("compare", str(TINY), str(SECOND))
    assert r.returncode == 0, r.stderr
    assert "repaired by tiny-second" in r.stdout and "Traceback" not in r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(CROSSWALK.read_text().replace("questions:", "questons:"))
    r = run_polity("compare", str(TINY), str(SECOND), "--crosswalk", str(bad))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "bad.yaml:" in r.stderr
