"""The use cases as a library: plain arguments in, records out (the CLI only renders them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from polity.model.errors import UserError
from polity.proofs import usecases
from polity.proofs.records import CheckResult, FindingRecord, Verdict

ROOT = Path(__file__).resolve().parent
TINY = ROOT / "models" / "tiny.yaml"
SUITE = ROOT / "models" / "tiny-suite.yaml"


def test_check_returns_judged_records() -> None:
    _, suite, report = usecases.check(TINY, SUITE, timeout=30.0)
    assert report.results and all(isinstance(r, CheckResult) for r in report.results)
    assert report.ok and all(r.ok for r in report.results)
    for r in report.results:
        assert r.expected == Verdict(suite.expected(r.id, r.reading))
        assert (r.trace is not None) == r.verdict.has_trace
        if r.verdict.unbounded:
            assert r.certificate is not None and r.certificate.rechecked
    assert type(report).from_json(report.to_json()) == report


def test_find_says_what_each_finding_is_about() -> None:
    """The findings come back from their worker processes with the duty they are about (the
    pool once dropped it, and SARIF then placed every conflict at a guard)."""
    _, report = usecases.find(TINY, kinds=["conflict"], timeout=60.0)
    assert report.findings and all(isinstance(f, FindingRecord) for f in report.findings)
    assert all(f.about.startswith("obligation:") and f.replayed and f.timeline for f in report.findings)
    assert {f.reading for f in report.findings} == {"default"}


def test_prove_judges_against_expect() -> None:
    _, r = usecases.prove("never false", TINY, expect=Verdict.VIOLATED)
    assert (r.verdict, r.expected, r.ok, r.reading) == (Verdict.PROVED, Verdict.VIOLATED, False, "default")


def test_user_errors_stay_user_errors() -> None:
    with pytest.raises(UserError, match="unknown finding kind"):
        usecases.find(TINY, kinds=["nonsense"])
    with pytest.raises(UserError, match="unknown property id"):
        usecases.check(TINY, SUITE, only=["no-such-property"])


def test_validate_locates_a_citation_missing_from_the_text(tmp_path: Path) -> None:
    import shutil

    shutil.copy(ROOT / "models" / "tiny-constitution.txt", tmp_path)
    text = TINY.read_text().replace("init: 0, cites: [art_2__para_2]", "init: 0, cites: [art_9__para_9]")
    (tmp_path / "m.yaml").write_text(text)
    assert usecases.validate(TINY).constitution.id == "tiny"
    with pytest.raises(UserError) as err:
        usecases.validate(tmp_path / "m.yaml")
    assert "citation art_9__para_9 does not exist in the source text" in str(err.value)
    assert err.value.location is not None and err.value.location.line == 19
