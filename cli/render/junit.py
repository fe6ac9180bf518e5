"""JUnit XML for CI (the documents are built in cli/reports.py; what they mean is said there)."""

from __future__ import annotations

from ...proofs.records import FindReport, SuiteReport
from .. import reports
from . import ChangeReport, Context, renders


@renders("junit", SuiteReport)
def suite_junit(report: SuiteReport, context: Context) -> None:
    reports.write(reports.junit_check(report.to_json()))


@renders("junit", FindReport)
def findings_junit(report: FindReport, context: Context) -> None:
    assert context.loaded is not None, "find's JUnit names findings by their lines: it needs the model"
    reports.write(reports.junit_findings(report.to_json(), context.loaded))


@renders("junit", ChangeReport)
def change_junit(report: ChangeReport, context: Context) -> None:
    assert context.loaded is not None, "an amendment's JUnit needs the model before the change"
    reports.write(reports.junit_amendment(report.data, context.loaded))
