"""JSON on stdout: each record's own ``to_json`` (the same JSON the cache and the pool move)."""

from __future__ import annotations

from typing import Any

from ...proofs.records import (
    AmendmentReport,
    CheckResult,
    CompareReport,
    DiffReport,
    EntrenchmentReport,
    FindReport,
    QueryReport,
    SequenceReport,
    SuiteReport,
)
from ...proofs.usecases import Explanation
from ..output import emit_json
from . import Context, renders


@renders("json", CheckResult, SuiteReport, QueryReport, Explanation, AmendmentReport, SequenceReport,
         EntrenchmentReport, CompareReport, DiffReport, FindReport)
def record_json(record: Any, context: Context) -> None:
    emit_json(record.to_json())

