"""SARIF 2.1.0 for code scanning (the logs are built in cli/reports.py; what they hold is said there)."""

from __future__ import annotations

import json

from ...proofs.records import FindReport, SuiteReport
from .. import reports
from . import ChangeReport, Context, renders


def _write(log: object) -> None:
    reports.write(json.dumps(log, indent=2, ensure_ascii=False))


@renders("sarif", SuiteReport)
def suite_sarif(report: SuiteReport, context: Context) -> None:
    assert context.loaded is not None, "SARIF locates results in the model file: it needs the model"
    _write(reports.sarif_check(report.to_json(), context.loaded, context.suite))


@renders("sarif", FindReport)
def findings_sarif(report: FindReport, context: Context) -> None:
    assert context.loaded is not None, "SARIF locates findings in the model file: it needs the model"
    _write(reports.sarif_findings(report.to_json(), context.loaded))


@renders("sarif", ChangeReport)
def change_sarif(report: ChangeReport, context: Context) -> None:
    assert context.loaded is not None, "an amendment's SARIF needs the model before the change"
    _write(reports.sarif_amendment(report.data, context.loaded))
