"""JUnit and SARIF as their real readers see them: sarif-tools and junitparser.

On the tiny model end to end (``check``, ``find``, ``amend``); on the built-in model (slow) the
findings of one ``find`` run, which used to share locations, names and summary lines.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml
from polity.cli.render import junit as junit_report
from polity.cli.render import places
from polity.cli.render import sarif as sarif_report
from polity.model.loader import load_model
from polity.model.source import load_source
from polity.proofs.records import FindingRecord, FindReport
from sarif.loader import load_sarif_file
from support import polity_exe, run_polity

ROOT = Path(__file__).parent.parent
TINY = ["--model", "tests/models/tiny.yaml"]
SUITE = ["--suite", "tests/models/tiny-suite.yaml"]
AMEND_SUITE = ["--suite", "tests/amendments/tiny-suite.yaml"]
AMENDMENT = "tests/amendments/strike-dissolution-limits.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str) -> str:
    p = run_polity(*args, cwd=ROOT)
    assert p.returncode in (0, 1), p.stderr
    return p.stdout


def sarif_summary(path: Path) -> list[str]:
    """The per-issue-type lines of ``sarif summary`` (the reader's one-line-per-kind view)."""
    exe = Path(polity_exe()).parent / "sarif"
    p = subprocess.run([str(exe), "summary", str(path)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return [ln for ln in p.stdout.splitlines() if ln.startswith(" - ")]


def check_locations(log: dict[str, Any], cwd: Path = ROOT) -> None:
    """Every location and related location names an existing file and one of its lines."""
    for result in log["runs"][0]["results"]:
        for loc in [*result["locations"], *result.get("relatedLocations", [])]:
            phys = loc["physicalLocation"]
            file = cwd / phys["artifactLocation"]["uri"]
            assert file.is_file(), file
            assert 1 <= phys["region"]["startLine"] <= len(file.read_text(encoding="utf-8").splitlines())


def assert_at_text_and_model(result: dict[str, Any], model_file: Path) -> None:
    """A finding points at the constitution's text (a provision of the duty or office it is
    about starts at that line), and a related location is its duty's line in the model file."""
    loaded = load_model(model_file)
    source = load_source(loaded.source_path(), loaded.constitution.source.starts_at)
    phys = result["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"]["uri"].endswith(".txt"), result["message"]["text"]
    assert phys["region"]["startLine"] in source.lines.values()
    model = model_file.read_text().splitlines()
    about = "- id: " + result["properties"]["about"].split(":", 1)[1]
    lines = [loc["physicalLocation"]["region"]["startLine"] for loc in result["relatedLocations"]
             if not loc["physicalLocation"]["artifactLocation"]["uri"].endswith(".txt")]
    assert any(model[ln - 1].strip() == about for ln in lines), result["message"]["text"]


def read_junit(tmp_path: Path, name: str, text: str) -> JUnitXml:
    """As CI reads it: from the file."""
    return JUnitXml.fromfile(str(write(tmp_path, name, text)))


def read_sarif(tmp_path: Path, name: str, text: str) -> tuple[dict[str, Any], Any]:
    path = write(tmp_path, name, text)
    return json.loads(text), load_sarif_file(str(path))


def assert_summary_tells_apart(tmp_path: Path, name: str, text: str, errors: int) -> None:
    path = write(tmp_path, name, text)
    lines = sarif_summary(path)
    assert len(lines) >= errors and all(ln.endswith(": 1") for ln in lines), lines


# ----------------------------------------------------------------------------- unit


def test_source_lines_point_at_the_provision() -> None:
    loaded = load_model(None)
    src = loaded.source_path()
    text = load_source(src, loaded.constitution.source.starts_at)
    lines = src.read_text(encoding="utf-8").splitlines()
    assert len(text.lines) == len(text.provisions)
    for cite, line in text.lines.items():
        first = text.provisions[cite].splitlines()[0] if text.provisions[cite] else ""
        number = re.search(r"(\d+)$", cite).group(1)  # type: ignore[union-attr]
        assert first == lines[line - 1] or f"Article {number}" in lines[line - 1], cite


def finding(**kw: Any) -> dict[str, Any]:
    return {"kind": "conflict", "summary": "s", "cites": ["art_1__para_3", "art_2__para_2"],
            "reading": "default", "about": "obligation:o", "elements": ["obligation:o", "prohibition:p"],
            "trace": [{"event": "e", "says": "x", "day": 3}], "timeline": ["day 3: x"]} | kw


def test_fingerprint_is_the_findings_identity_not_its_trace() -> None:
    a, b = finding(), finding(trace=[{"event": "f", "says": "y", "day": 900}], timeline=["day 900: y"],
                              summary="other words")
    fa, fb = (sarif_report._fingerprints("", [FindingRecord.from_json(f)]) for f in (a, b))
    assert fa == fb
    other = finding(elements=["obligation:o", "prohibition:q"])
    assert sarif_report._fingerprints("", [FindingRecord.from_json(other)]) != fa
    assert sarif_report._fingerprints("", [FindingRecord.from_json(finding(reading="r=1"))]) != fa


def test_unique_names() -> None:
    assert places.unique(["a", "b", "a", "a"]) == ["a", "b", "a (2)", "a (3)"]
    assert sarif_report.finding_rule_id(FindingRecord.from_json(finding())) == "conflict/o/p"


# ----------------------------------------------------------------------------- tiny, end to end


@pytest.mark.e2e
def test_check_reports_read_by_real_readers(tmp_path: Path) -> None:
    xml = read_junit(tmp_path, "r.xml", cli("check", *TINY, *SUITE, "--format", "junit"))
    names = [c.name for suite in xml for c in suite]
    assert len(names) == 4 and len(set(names)) == 4
    log, sarif = read_sarif(tmp_path, "check.sarif", cli("check", *TINY, *SUITE, "--format", "sarif"))
    assert sarif.get_result_count() == 4
    check_locations(log)
    proved = [r for r in log["runs"][0]["results"] if r["properties"]["verdict"] == "proved"]
    assert proved and all("re-checked by" in r["message"]["text"] for r in proved)
    assert all(r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".txt")
               for r in proved)


@pytest.mark.e2e
def test_find_reports_read_by_real_readers(tmp_path: Path) -> None:
    findings = json.loads(cli("find", *TINY, "--format", "json"))["findings"]
    assert len(findings) >= 1  # the one-year bar expires: only the emergency bar is a conflict (issue 11)
    xml = read_junit(tmp_path, "r.xml", cli("find", *TINY, "--format", "junit"))
    failing = [c for suite in xml for c in suite if c.result]
    names = [c.name for c in failing]
    assert len(names) == len(findings) and len(set(names)) == len(names)
    assert all(re.match(r"Art\. \S+ vs Art\. ", n) for n in names if n)  # plain terms first
    text = cli("find", *TINY, "--format", "sarif")
    log, sarif = read_sarif(tmp_path, "find.sarif", text)
    assert sarif.get_result_count() == len(findings)
    check_locations(log)
    assert_summary_tells_apart(tmp_path, "s.sarif", text, len(findings))
    for r in log["runs"][0]["results"]:  # at the text of the duty, and the duty in the model
        assert_at_text_and_model(r, ROOT / "tests/models/tiny.yaml")
    again = json.loads(cli("find", *TINY, "--format", "sarif"))
    prints = [[r["partialFingerprints"] for r in x["runs"][0]["results"]] for x in (log, again)]
    assert prints[0] == prints[1] and len({json.dumps(p) for p in prints[0]}) == len(findings)


@pytest.mark.e2e
def test_amend_writes_junit_and_sarif(tmp_path: Path) -> None:
    args = ["amend", AMENDMENT, *TINY, *AMEND_SUITE, "--no-cache"]
    report = json.loads(cli(*args, "--format", "json"))
    xml = read_junit(tmp_path, "r.xml", cli(*args, "--format", "junit"))
    cases = [c for suite in xml for c in suite]
    names = [c.name for c in cases]
    assert len(set(names)) == len(names) and "entrenched provisions untouched" in names
    failures = [c for c in cases if c.result and c.result[0]._tag in ("failure", "error")]
    assert len(failures) == len(report["verdict_changes"]) + len(report["findings_added"])
    text = cli(*args, "--format", "sarif")
    log, sarif = read_sarif(tmp_path, "amend.sarif", text)
    expected = len(report["verdict_changes"]) + len(report["findings_added"]) + len(report["findings_removed"])
    assert expected and sarif.get_result_count() == expected
    check_locations(log)
    summary = sarif_summary(write(tmp_path, "a.sarif", text))
    assert sum(int(ln.rsplit(": ", 1)[1]) for ln in summary) == expected


# ----------------------------------------------------------------------------- built-in model


@pytest.fixture(scope="module")
def kz_find() -> dict[str, Any]:
    p = run_polity("find", "--format", "json", cwd=ROOT, timeout=900)
    assert p.returncode == 0, p.stderr
    report: dict[str, Any] = json.loads(p.stdout)  # the whole report, as FindReport.to_json made it
    return report


@pytest.mark.slow
@pytest.mark.e2e
def test_builtin_findings_each_at_their_own_place(tmp_path: Path, kz_find: dict[str, Any]) -> None:
    loaded = load_model(None)
    log = sarif_report.sarif_findings(FindReport.from_json(kz_find), loaded)
    text = json.dumps(log)
    sarif = load_sarif_file(str(write(tmp_path, "kz.sarif", text)))
    results = log["runs"][0]["results"]
    assert sarif.get_result_count() == len(kz_find["findings"]) >= 6
    check_locations(log, cwd=ROOT.parent if not (ROOT / "model/data").is_dir() else ROOT)
    conflicts = [r for r in results if r["properties"]["kind"] == "conflict"]
    assert len(conflicts) == sum(1 for f in kz_find["findings"] if f["kind"] == "conflict") >= 1
    for r in results:
        if r["properties"]["about"]:
            assert_at_text_and_model(r, loaded.path)
        assert r.get("relatedLocations"), r["ruleId"]
    assert_summary_tells_apart(tmp_path, "kz2.sarif", text, len(results))
    xml = read_junit(tmp_path, "kz.xml", junit_report.junit_findings(FindReport.from_json(kz_find), loaded))
    names = [c.name for suite in xml for c in suite if c.result]
    assert len(names) == len(set(names)) == len(kz_find["findings"])


def test_reports_module_needs_no_z3() -> None:
    code = ("import sys; import polity.cli.render.junit, polity.cli.render.sarif; "
            "sys.exit(1 if 'z3' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
