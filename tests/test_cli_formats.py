"""End to end: the installed ``polity`` command's output formats, as CI and terminals see them.

Runs on the hand-checked model ``models/tiny.yaml`` with ``models/tiny-suite.yaml``; reports are
validated against the official SARIF 2.1.0 JSON schema and the Jenkins JUnit XSD in
``schemas/``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from polity.cli.render.junit import junit_check, outcome
from polity.cli.render.places import artifact_uri
from polity.model.loader import load_model
from polity.model.source import load_source
from polity.proofs.records import CheckResult, SolverInfo, SuiteReport
from support import polity_exe

HERE = Path(__file__).parent
ROOT = HERE.parent
MODEL = "tests/models/tiny.yaml"
TEXT = "tests/models/tiny-constitution.txt"
SUITE = "tests/models/tiny-suite.yaml"
TINY = ["--model", MODEL, "--suite", SUITE]
SCHEMAS = HERE / "schemas"
EXPECTED = {
    "no-dissolution-in-emergency": "proved",
    "dissolution-duty-reachable": "reachable",
    "one-dissolution-a-year": "proved",
    "minister-always-appointed": "violated",
}


def polity(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command from the repository root, without a terminal."""
    full = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI")}
    full.update({"NO_COLOR": "1", "COLUMNS": "120"})
    full.update(env or {})
    return subprocess.run([polity_exe(), *args], capture_output=True, text=True, cwd=ROOT,
                          env=full, timeout=300)


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def junit_schema() -> Any:
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@pytest.fixture
def changed_suite(tmp_path: Path) -> Path:
    """A suite whose expectation for the reachable property is wrong: one changed verdict."""
    path = tmp_path / "changed.yaml"
    path.write_text(f"suite: tiny-changed\ncatalog: {(ROOT / 'tests/models/tiny-catalog.yaml').as_posix()}\n"
                    "bound: 8\ntimeout: 30\nexpect:\n"
                    "  no-dissolution-in-emergency: proved\n"
                    "  dissolution-duty-reachable: unreachable\n")
    return path


def assert_valid_sarif(validator: jsonschema.Draft4Validator, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def verdicts(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(r["id"], r["reading"], r["verdict"]) for r in report["results"]]


# ----------------------------------------------------------------------------- check


@pytest.mark.e2e
def test_check_json_goes_to_stdout_only() -> None:
    p = polity("check", *TINY, "--format", "json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert {r["id"]: r["verdict"] for r in report["results"]} == EXPECTED
    assert report["ok"] is True and all(r["ok"] for r in report["results"])


@pytest.mark.e2e
def test_check_text_progress_on_stderr() -> None:
    p = polity("check", *TINY, "--format", "text")
    assert p.returncode == 0, p.stderr
    assert "4/4 as expected" in p.stdout
    assert "[1/4]" in p.stderr and "[1/4]" not in p.stdout
    for pid in EXPECTED:
        assert pid in p.stdout


@pytest.mark.e2e
def test_check_jobs_2_gives_the_same_verdicts() -> None:
    one = polity("check", *TINY, "--format", "json", "--jobs", "1")
    two = polity("check", *TINY, "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert verdicts(json.loads(one.stdout)) == verdicts(json.loads(two.stdout))


@pytest.mark.e2e
def test_check_junit_validates(junit_schema: Any) -> None:
    p = polity("check", *TINY, "--format", "junit")
    assert p.returncode == 0, p.stderr
    junit_schema.validate(p.stdout)
    root = ET.fromstring(p.stdout)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "tiny"
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("tiny", f"{pid} [default]") for pid in EXPECTED]
    assert suite.get("tests") == "4" and suite.get("failures") == "0" and suite.get("errors") == "0"
    assert all(c.find("failure") is None for c in cases)


@pytest.mark.e2e
def test_check_junit_failure_carries_expected_actual_and_timeline(junit_schema: Any,
                                                                  changed_suite: Path) -> None:
    p = polity("check", "--model", MODEL, "--suite", str(changed_suite), "--format", "junit")
    assert p.returncode == 1, p.stderr
    junit_schema.validate(p.stdout)
    root = ET.fromstring(p.stdout)
    failures = root.findall(".//failure")
    assert len(failures) == 1
    f = failures[0]
    assert f.get("message") == "expected unreachable, got reachable"
    assert "expected: unreachable" in (f.text or "") and "actual:   reachable" in (f.text or "")
    assert "timeline:" in (f.text or "") and "day 0:" in (f.text or "")
    assert root.find("testsuite").get("failures") == "1"  # type: ignore[union-attr]


@pytest.mark.e2e
def test_check_sarif_validates_and_locates_provisions(sarif_validator: jsonschema.Draft4Validator) -> None:
    p = polity("check", *TINY, "--format", "sarif")
    assert p.returncode == 0, p.stderr
    log = json.loads(p.stdout)
    assert_valid_sarif(sarif_validator, log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "polity" and driver["version"]
    assert [r["id"] for r in driver["rules"]] == list(EXPECTED)
    results = run["results"]
    assert [r["ruleId"] for r in results] == list(EXPECTED)
    assert {r["level"] for r in results} == {"note"}
    loaded = load_model(ROOT / MODEL)
    source = load_source(loaded.source_path(), loaded.constitution.source.starts_at)
    by_id = {r["ruleId"]: r for r in results}
    result = by_id["one-dissolution-a-year"]
    loc = result["locations"][0]["physicalLocation"]
    # the result points at Art. 1(3) in the constitution's text, what a lawyer reads ...
    assert loc["artifactLocation"]["uri"] == TEXT
    assert loc["region"]["startLine"] == source.lines["art_1__para_3"]
    # ... and quotes it in full as a related place
    quoted = [r["message"]["text"] for r in result.get("relatedLocations", [])]
    assert any(q.startswith("Art. 1(3): \u201c") and source.quote("art_1__para_3") in q for q in quoted)
    witness = by_id["dissolution-duty-reachable"]
    assert "day 0:" in witness["message"]["text"]
    assert witness["codeFlows"][0]["threadFlows"][0]["locations"]


@pytest.mark.e2e
def test_check_sarif_fingerprints_are_stable_and_distinct(changed_suite: Path) -> None:
    runs = [json.loads(polity("check", *TINY, "--format", "sarif").stdout) for _ in range(2)]
    prints = [[r["partialFingerprints"] for r in run["runs"][0]["results"]] for run in runs]
    assert prints[0] == prints[1]
    assert len({json.dumps(p, sort_keys=True) for p in prints[0]}) == len(prints[0])


@pytest.mark.e2e
def test_check_sarif_changed_verdict_is_an_error(sarif_validator: jsonschema.Draft4Validator,
                                                 changed_suite: Path) -> None:
    p = polity("check", "--model", MODEL, "--suite", str(changed_suite), "--format", "sarif")
    assert p.returncode == 1
    log = json.loads(p.stdout)
    assert_valid_sarif(sarif_validator, log)
    levels = {r["ruleId"]: r["level"] for r in log["runs"][0]["results"]}
    assert levels["dissolution-duty-reachable"] == "error"
    assert levels["no-dissolution-in-emergency"] == "note"
    changed = next(r for r in log["runs"][0]["results"] if r["level"] == "error")
    assert "expected unreachable, got reachable" in changed["message"]["text"]


# ----------------------------------------------------------------------------- find


@pytest.mark.e2e
def test_find_json_goes_to_stdout_only() -> None:
    p = polity("find", "--model", MODEL, "--format", "json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    findings = report["findings"]
    assert isinstance(findings, list) and findings
    assert report["questions"] and all(q["status"] in ("found", "proved_absent", "none_within", "unknown")
                                       for q in report["questions"])
    assert report["solver"]["z3"] and report["model"]
    assert any(f["kind"] == "conflict" and "art_2__para_2" in f["cites"] for f in findings)


@pytest.mark.e2e
def test_find_sarif_validates(sarif_validator: jsonschema.Draft4Validator) -> None:
    p = polity("find", "--model", MODEL, "--format", "sarif")
    assert p.returncode == 0, p.stderr
    log = json.loads(p.stdout)
    assert_valid_sarif(sarif_validator, log)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert any(i.split("/")[0] == "conflict" for i in rule_ids)  # one rule per cause, under its kind
    assert all(r["level"] == "error" and r["ruleId"] in rule_ids for r in run["results"])
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] in (TEXT, MODEL) and loc["region"]["startLine"] >= 1
        assert r["partialFingerprints"]


@pytest.mark.e2e
def test_find_junit_validates(junit_schema: Any) -> None:
    p = polity("find", "--model", MODEL, "--format", "junit")
    assert p.returncode == 0, p.stderr
    junit_schema.validate(p.stdout)
    findings = json.loads(polity("find", "--model", MODEL, "--format", "json").stdout)["findings"]
    root = ET.fromstring(p.stdout)
    assert len(root.findall(".//failure")) == len(findings)
    assert {c.get("classname") for c in root.iter("testcase")} >= {f"find.{f['kind']}" for f in findings}


# ----------------------------------------------------------------------------- terminal


@pytest.mark.e2e
def test_no_color_means_no_escape_sequences() -> None:
    for args in (("check", *TINY), ("find", "--model", MODEL), ("explain", "minister-always-appointed", *TINY)):
        p = polity(*args, env={"NO_COLOR": "1", "TERM": "xterm-256color"})
        assert p.returncode == 0, p.stderr
        assert "\x1b" not in p.stdout and "\x1b" not in p.stderr, args


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _colour_codes(text: str) -> list[str]:
    """SGR parameters that set a colour (foreground, background, 256/true colour)."""
    found = []
    for m in SGR.finditer(text):
        for p in filter(None, m.group(1).split(";")):
            if 30 <= int(p) <= 49 or 90 <= int(p) <= 107:
                found.append(p)
    return found


@pytest.mark.e2e
def test_no_color_wins_over_force_color() -> None:
    p = polity("check", *TINY, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert p.returncode == 0, p.stderr
    assert _colour_codes(p.stdout + p.stderr) == []


@pytest.mark.e2e
def test_help_lists_exit_codes() -> None:
    p = polity("--help")
    assert p.returncode == 0, p.stderr
    text = " ".join(p.stdout.split())
    assert "Exit codes" in text
    for code in ("0 as expected", "1 an expectation failed", "2 bad input", "3 internal error",
                 "130 interrupted", "143 terminated"):
        assert code in text


@pytest.mark.e2e
def test_importing_the_cli_does_not_import_z3() -> None:
    p = subprocess.run([sys.executable, "-c", "import sys, polity.cli.main; print('z3' in sys.modules)"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "False"


@pytest.mark.e2e
def test_explain_on_the_tiny_suite() -> None:
    p = polity("explain", "dissolution-duty-reachable", *TINY)
    assert p.returncode == 0, p.stderr
    assert "The duty to dissolve can arise while dissolution is prohibited." in p.stdout
    assert "reachable" in p.stdout and "day 0:" in p.stdout
    assert "Art. 2(2)" in p.stdout
    j = polity("explain", "one-dissolution-a-year", *TINY, "--format", "json")
    assert j.returncode == 0, j.stderr
    data = json.loads(j.stdout)
    assert data["id"] == "one-dissolution-a-year"
    assert [(r["verdict"], r["expected"]) for r in data["results"]] == [("proved", "proved")]


@pytest.mark.e2e
def test_explain_unknown_property_is_a_usage_error() -> None:
    p = polity("explain", "no-such-property", *TINY)
    assert p.returncode == 2
    assert "no-such-property" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.e2e
def test_shell_completion_script() -> None:
    # typer detects the shell from the parent processes: make the parent bash, whatever runs pytest
    full = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI")} | {"SHELL": "/bin/bash"}
    p = subprocess.run(["bash", "-c", f"'{polity_exe()}' --show-completion; exit $?"], capture_output=True,
                       text=True, cwd=ROOT, env=full, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "polity" in p.stdout and "complete" in p.stdout


# ----------------------------------------------------------------------------- report units


def test_unknown_is_an_error_when_something_else_was_expected_and_skipped_otherwise(
        junit_schema: Any) -> None:
    base = {"reading": "default", "seconds": 1.0, "reason": "timeout after 1 s", "trace": None}
    results = [
        base | {"id": "a", "verdict": "unknown", "expected": "proved", "ok": False},
        base | {"id": "b", "verdict": "unknown", "expected": None, "ok": True},
        base | {"id": "c", "verdict": "unknown", "expected": "unknown", "ok": True},
        base | {"id": "d", "verdict": "holds_to_bound", "expected": "proved", "ok": False},
    ]
    records = tuple(CheckResult.from_json(r) for r in results)
    assert [outcome(r) for r in records] == ["error", "skipped", "passed", "failure"]
    xml = junit_check(SuiteReport("s", "m", records, 4.0, SolverInfo("z3")))
    junit_schema.validate(xml)
    suite = ET.fromstring(xml).find("testsuite")
    assert suite is not None
    assert (suite.get("errors"), suite.get("skipped"), suite.get("failures")) == ("1", "1", "1")
    error = suite.find("testcase/error")
    assert error is not None and "timeout after 1 s" in (error.get("message") or "")


def test_builtin_model_uri_is_package_relative_outside_the_checkout(tmp_path: Path) -> None:
    loaded = load_model()
    assert artifact_uri(loaded, ROOT) == "model/data/kz-2026.yaml"
    assert artifact_uri(loaded, tmp_path) == "model/data/kz-2026.yaml"
    assert artifact_uri(load_model(ROOT / MODEL), ROOT) == MODEL
