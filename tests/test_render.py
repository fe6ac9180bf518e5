"""The renderer registry (cli/render/): formats found by name, records by type, one module a format."""

from __future__ import annotations

import json

import pytest
from polity.cli import render as registry
from polity.cli.render import ChangeReport, Context, render, renders
from polity.proofs.records import Certificate, CheckResult, FindingRecord, FindReport, SuiteReport, Verdict


def _result() -> CheckResult:
    return CheckResult(id="p", reading="default", verdict=Verdict.PROVED, bound=3, seconds=0.25,
                       formula="always x", relies_on=(), certificate=Certificate("k-induction", k=2,
                                                                                 rechecked=True,
                                                                                 rechecked_by=("z3",)))


def test_every_format_renders_what_check_find_and_amend_report() -> None:
    for fmt in ("text", "json", "junit", "sarif"):
        with pytest.raises(ValueError, match="no renderer"):  # loads the format's module
            render(fmt, object())
        for kind in (SuiteReport, FindReport, ChangeReport):
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
    render("json", FindReport(model="m", findings=(finding,), kinds=("gap",), seconds=1.0))
    assert json.loads(capsys.readouterr().out) == [finding.to_json()]


def test_text_reads_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    render("text", _result())
    assert capsys.readouterr().out.splitlines() == [
        "proved  always x  (0.25 s, bound 3)",
        "  relies on: no provision: holds by the vocabulary alone",
        "  certificate: k-induction, k=2, re-checked by z3",
    ]
