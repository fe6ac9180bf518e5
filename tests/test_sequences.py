"""Amendment sequences: each step checked against the text as amended by the steps before it
(model/amendment.py apply_sequence, proofs/usecases.py amend), on tests/models/entrench.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from polity.model.amendment import apply_sequence, load_amendment
from polity.model.loader import load_model
from polity.proofs.records import AmendmentReport, SequenceReport
from polity.proofs.usecases import amend
from support import run_polity

HERE = Path(__file__).parent
MODEL = HERE / "models" / "entrench.yaml"
SUITE = HERE / "models" / "entrench-suite.yaml"
AM = HERE / "amendments"
STEPS = [AM / "entrench-strike-3.yaml", AM / "entrench-strike-1-2.yaml"]


def test_each_step_is_judged_against_the_amended_text():
    model = load_model(MODEL)
    steps = apply_sequence(model, [load_amendment(p) for p in STEPS])
    # striking Art. 3 takes away what entrenched Art. 1(2) ...
    assert [e.id for e in steps[0].applied.model.constitution.entrenched] == ["art_1__para_1"]
    assert steps[0].admissible("literal") and not steps[0].admissible("implied")
    # ... so striking Art. 1(2) next changes no provision the amended text entrenches
    assert steps[1].before is steps[0].applied.model
    assert steps[1].admissible("literal") and not steps[1].admissible("implied")
    # put to the original text, the same step is refused under every reading
    alone = apply_sequence(model, [load_amendment(STEPS[1])])[0]
    assert not alone.admissible("literal") and not alone.admissible("implied")


def test_sequence_report_under_both_readings(tmp_path):
    _, lit = amend(STEPS, MODEL, SUITE, "literal", find=False, cache_dir=tmp_path)
    assert isinstance(lit, SequenceReport) and lit.admissible and lit.whole is not None
    assert [s.admissible for s in lit.steps] == [True, True]
    assert lit.admissible_under("implied") is False
    assert SequenceReport.from_json(lit.to_json()) == lit
    _, imp = amend(STEPS, MODEL, SUITE, "implied", find=False, cache_dir=tmp_path)
    assert isinstance(imp, SequenceReport) and not imp.admissible and imp.whole is None
    assert all(s.impact is None for s in imp.steps)
    refused = imp.steps[0].refusing()
    assert [(t.provision, t.readings) for t in refused] == [("art_1__para_2", ("implied",))]


def test_one_amendment_gives_an_amendment_report(tmp_path):
    _, one = amend(STEPS[1:], MODEL, SUITE, "literal", find=False, cache_dir=tmp_path)
    assert isinstance(one, AmendmentReport) and not one.admissible
    d = one.to_json()
    assert d["entrenched_touched"] == ["art_1__para_2"] and d["analysed"] is False
    assert AmendmentReport.from_json(d) == one


@pytest.mark.e2e
def test_cli_amend_sequence(tmp_path):
    args = ["amend", *map(str, STEPS), "--model", str(MODEL), "--suite", str(SUITE), "--no-find"]
    r = run_polity(*args, cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # implied entrenchment: step 1 is refused
    assert "step 1 (referendum 1)" in r.stdout and "inadmissible under the implied reading" in r.stdout
    r = run_polity(*args, "--entrenchment", "literal", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["admissible"] is True and d["admissible_under"] == {"implied": False, "literal": True}
    assert [s["admissible"] for s in d["steps"]] == [True, True] and d["analysed"] is True
    r = run_polity(*args, "--format", "sarif", cwd=tmp_path)
    assert r.returncode == 2 and "a sequence is reported as text or json" in r.stderr
