"""The renderer registry (cli/render/): formats found by name, records by type, one module a format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from polity.cli import render as registry
from polity.cli.render import Context, render, renders
from polity.model.loader import load_model
from polity.proofs.records import (
    AmendmentReport,
    CacheStats,
    Certificate,
    CheckResult,
    Comparison,
    DiffReport,
    FindingRecord,
    FindReport,
    ImpactReport,
    QuestionRecord,
    QuestionStatus,
    SolverInfo,
    SuiteReport,
    TraceStep,
    Verdict,
    VerdictChange,
)
from support import TINY


def _result() -> CheckResult:
    return CheckResult(id="p", reading="default", verdict=Verdict.PROVED, bound=3, seconds=0.25,
                       formula="always x", relies_on=(), certificate=Certificate("k-induction", k=2,
                                                                                 rechecked=True,
                                                                                 rechecked_by=("z3",)))


def test_every_format_renders_what_check_find_and_amend_report() -> None:
    for fmt in ("text", "json", "junit", "sarif"):
        with pytest.raises(ValueError, match="no renderer"):  # loads the format's module
            render(fmt, object())
        for kind in (SuiteReport, FindReport, AmendmentReport, DiffReport):
            assert (fmt, kind) in registry.RENDERERS, (fmt, kind.__name__)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown output format 'pdf'"):
        render("pdf", _result())
    with pytest.raises(ValueError, match="unknown output format"):
        render("../x", _result())


def test_a_format_registers_once_per_record_type() -> None:
    @renders("test-only", int)
    def first(record: object, context: Context) -> None: ...

    try:
        with pytest.raises(ValueError, match="two test-only renderers for int"):
            renders("test-only", int)(first)
    finally:
        del registry.RENDERERS["test-only", int]


def test_json_is_the_records_own_json(capsys: pytest.CaptureFixture[str]) -> None:
    r = _result()
    render("json", r)
    assert json.loads(capsys.readouterr().out) == r.to_json()
    finding = FindingRecord(kind="gap", summary="s", cites=("a1",), reading="default", trace=None)
    question = QuestionRecord("gap x", "default", QuestionStatus.NONE_WITHIN, 8)
    report = FindReport(model="m", findings=(finding,), kinds=("gap",), seconds=1.0, questions=(question,),
                        bound=8, timeout=300.0, solver=SolverInfo("4.13", 0))
    render("json", report)  # the whole report: findings, questions with their status, the header
    shown = json.loads(capsys.readouterr().out)
    assert shown == report.to_json()
    assert shown["findings"] == [finding.to_json()] and shown["questions"][0]["status"] == "none_within"
    assert shown["bound"] == 8 and shown["solver"] == {"z3": "4.13", "seed": 0}


def test_text_reads_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    render("text", _result())
    assert capsys.readouterr().out.splitlines() == [
        "proved  always x  (0.25 s, bound 3)",
        "  relies on: no provision: holds by the vocabulary alone",
        "  certificate: k-induction, k=2, re-checked by z3",
    ]


def _diff() -> DiffReport:
    change = VerdictChange("no-dissolution-in-emergency", "default", Verdict.PROVED, Verdict.VIOLATED,
                           statement="The Assembly is never dissolved during a state of emergency.",
                           after_timeline=("day 0: the Head of State dissolves the Assembly (Art. 1(2))",),
                           after_trace=(TraceStep(0, "head_dissolves", (), ("art_1__para_2",), "dissolves"),))
    gone = FindingRecord("conflict", "a duty meets a ban", ("art_1__para_3",), "default", None,
                         timeline=("day 0: a ban",))
    impact = ImpactReport(Comparison(verdict_changes=(change,), findings_removed=(gone,)), 6, 1, 5,
                          CacheStats(0, 6), 2.0)
    return DiffReport("tiny", "a.yaml", "b.yaml", ("art_1__para_1",), impact, "tiny-suite", find=True)


def test_a_diff_reads_as_text_from_its_fields(capsys: pytest.CaptureFixture[str]) -> None:
    render("text", _diff())
    lines = [ln.rstrip() for ln in capsys.readouterr().out.splitlines()]
    assert lines[:2] == ["a.yaml -> b.yaml  (model tiny)", "inadmissible: touches entrenched Art. 1(1)"]
    assert "no-dissolution-in-emergency now violated: The Assembly is never dissolved during a state of " \
           "emergency." in lines
    assert lines[-6:] == [
        "", "finding gone (conflict): a duty meets a ban", "  provisions: Art. 1(3)", "    day 0: a ban", "",
        "1 verdict change(s), 0 undecided, 0 new finding(s), 1 gone, 0 changed, 0 reliance change(s); "
        "6 checks after the change, 5 reused (0 cache hits) in 2.0 s"]


def test_a_diff_in_junit_and_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    """The amendment builders take a diff as they take an amendment (``ProposedChange``)."""
    context = Context(loaded=load_model(TINY))
    render("junit", _diff(), context)
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None and suite.get("name") == "amend.tiny" and suite.get("time") == "2.000"
    cases = [(c.get("classname"), c.get("name"), [x.tag for x in c]) for c in suite.iter("testcase")]
    assert cases == [
        ("amend.admissibility", "touches entrenched Art. 1(1)", ["failure"]),
        ("amend.verdicts", "no-dissolution-in-emergency [default]: proved -> violated", ["failure"]),
        ("amend.find.conflict", "gone: a duty meets a ban", ["system-out"]),
        ("amend.find", "no new findings", []),
    ]
    render("sarif", _diff(), context)
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["verdict-change/no-dissolution-in-emergency",
                                                     "conflict/art_1__para_3"]
    assert run["properties"] == {"model": "tiny", "amendment": "a.yaml -> b.yaml", "admissible": False,
                                 "seconds": 2.0}
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("tiny.yaml")
