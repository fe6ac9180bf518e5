"""Reports for CI: JUnit XML and SARIF 2.1.0 for ``polity check`` and ``polity find``.

JUnit (one ``<testcase>`` per property and reading; ``classname`` is the suite, ``name`` is
``"id [reading]"``):

- a verdict equal to its expectation, or a property without one, passes;
- a changed verdict is a ``<failure>`` carrying the expected and the actual verdict and the
  dated timeline of the trace;
- ``unknown`` (a timeout or resource limit) is never a success: where another verdict was
  expected it is an ``<error>`` (the check could not be completed, which is not a failure of the
  constitution), and where nothing was expected it is ``<skipped>``.

For ``polity find`` every finding is a failing ``<testcase>`` of classname ``find.<kind>``.

SARIF (GitHub code scanning): one rule per property id (check) or per finding kind (find); one
result per (property, reading) or finding, located at the line of the model file where the
provision it is about is encoded. ``error`` marks a changed verdict or a finding, ``note``
anything else. ``partialFingerprints`` hash the rule id, the reading and the citations, so an
alert keeps its identity across runs and line moves.

Nothing here imports Z3: these functions only format finished reports.
"""

from __future__ import annotations

import hashlib
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..model.loader import DATA, LoadedModel, resolve
from ..model.system import citation_sort_key, human_cite
from ..model.yamlpos import PathKey
from ..proofs.explain import NO_EVENTS, result_lines

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "polity/v1"
KIND_TEXT = {
    "conflict": ("Obligation collides with a prohibition",
                 "A reachable state where an obligation is in force and every way to discharge it "
                 "is prohibited."),
    "deadlock": ("Deadline cannot be met",
                 "A trace in which every actor complies as soon as the law permits, and still a "
                 "deadline lapses."),
    "gap": ("Office vacant with nobody to fill it",
            "A reachable state where a continuous office is vacant and no provision lets anyone "
            "fill it."),
    "dead-provision": ("Provision never applies",
                       "A cited provision none of whose elements applies on any trace within the "
                       "bound."),
}


# ----------------------------------------------------------------------------- entry points


def emit(fmt: str, report: dict[str, Any], loaded: LoadedModel, suite: Any) -> None:
    """Write the report of ``polity check`` to stdout as ``junit`` or ``sarif``."""
    if fmt == "junit":
        _write(junit_check(report))
    elif fmt == "sarif":
        _write(json.dumps(sarif_check(report, loaded, suite), indent=2, ensure_ascii=False))
    else:
        raise ValueError(f"unknown report format {fmt!r}")


def emit_findings(fmt: str, report: dict[str, Any], loaded: LoadedModel) -> None:
    """Write the report of ``polity find`` to stdout as ``junit`` or ``sarif``."""
    if fmt == "junit":
        _write(junit_findings(report))
    elif fmt == "sarif":
        _write(json.dumps(sarif_findings(report, loaded), indent=2, ensure_ascii=False))
    else:
        raise ValueError(f"unknown report format {fmt!r}")


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------------------- JUnit


def outcome(r: dict[str, Any]) -> str:
    """How one check result shows in JUnit: ``passed``, ``failure``, ``error`` or ``skipped``.

    >>> [outcome(r) for r in ({"ok": True, "verdict": "proved", "expected": "proved"},
    ...                       {"ok": False, "verdict": "violated", "expected": "proved"},
    ...                       {"ok": False, "verdict": "unknown", "expected": "proved"},
    ...                       {"ok": True, "verdict": "unknown", "expected": None})]
    ['passed', 'failure', 'error', 'skipped']
    """
    if r["verdict"] == "unknown" and r.get("expected") != "unknown":
        return "skipped" if r.get("expected") is None else "error"
    return "passed" if r["ok"] else "failure"


def failure_text(r: dict[str, Any]) -> str:
    """Expected against actual verdict, the property, and the dated timeline of the trace."""
    return "\n".join(result_lines(r))


def _time(seconds: float) -> str:
    return f"{max(seconds, 0.0):.3f}"


def _suite_element(name: str, cases: list[ET.Element], seconds: float,
                   properties: dict[str, str]) -> ET.Element:
    counts = {k: sum(1 for c in cases if c.find(k) is not None) for k in ("failure", "error", "skipped")}
    ts = ET.Element("testsuite", {
        "name": name, "tests": str(len(cases)), "failures": str(counts["failure"]),
        "errors": str(counts["error"]), "skipped": str(counts["skipped"]), "time": _time(seconds)})
    if properties:
        props = ET.SubElement(ts, "properties")
        for k, v in properties.items():
            ET.SubElement(props, "property", {"name": k, "value": v})
    ts.extend(cases)
    return ts


def _document(suite: ET.Element) -> str:
    root = ET.Element("testsuites", {k: suite.get(k, "") for k in ("name", "tests", "failures",
                                                                    "errors", "time")})
    root.set("name", "polity")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def junit_check(report: dict[str, Any]) -> str:
    """The JUnit XML of a suite run."""
    cases = []
    for r in report["results"]:
        case = ET.Element("testcase", {"classname": report["suite"], "name": f"{r['id']} [{r['reading']}]",
                                       "time": _time(r.get("seconds", 0.0))})
        kind = outcome(r)
        if kind == "failure":
            ET.SubElement(case, "failure", {
                "type": "changed-verdict",
                "message": f"expected {r['expected']}, got {r['verdict']}"}).text = failure_text(r)
        elif kind == "error":
            ET.SubElement(case, "error", {
                "type": "unknown",
                "message": f"expected {r['expected']}, got unknown: {r.get('reason') or 'no verdict'}",
            }).text = failure_text(r)
        elif kind == "skipped":
            ET.SubElement(case, "skipped", {
                "type": "unknown", "message": f"unknown: {r.get('reason') or 'no verdict'}"})
        if kind != "failure" and kind != "error":
            ET.SubElement(case, "system-out").text = failure_text(r)
        cases.append(case)
    props = {"model": str(report.get("model", ""))}
    for k, v in (report.get("solver") or {}).items():
        props[f"solver.{k}"] = str(v)
    return _document(_suite_element(report["suite"], cases, report.get("seconds", 0.0), props))


def finding_text(f: dict[str, Any]) -> str:
    lines = [f["summary"], "provisions: " + ", ".join(human_cite(c) for c in f["cites"]),
             f"reading: {f['reading']}"]
    if f.get("timeline"):
        lines.append("timeline:")
        lines += [f"  {t}" for t in f["timeline"]]
    if f.get("note"):
        lines.append(f"note: {f['note']}")
    return "\n".join(lines)


def _finding_name(f: dict[str, Any]) -> str:
    return f"{f['kind']} {'+'.join(f['cites']) or '-'} [{f['reading']}]"


def junit_findings(report: dict[str, Any]) -> str:
    """The JUnit XML of ``polity find``: one failing test case per finding.

    Kinds searched without a finding show as passing cases when the report names them
    (``report["kinds"]``); a search without findings always yields one passing case, so the file
    is never empty.
    """
    suite = f"find.{report['model']}"
    cases = []
    for f in report["findings"]:
        case = ET.Element("testcase", {"classname": f"find.{f['kind']}", "name": _finding_name(f),
                                       "time": "0.000"})
        ET.SubElement(case, "failure", {"type": f["kind"], "message": f["summary"]}).text = finding_text(f)
        cases.append(case)
    found = {f["kind"] for f in report["findings"]}
    for kind in report.get("kinds") or []:
        if kind not in found:
            cases.append(ET.Element("testcase", {"classname": f"find.{kind}", "name": f"{kind}: none found",
                                                 "time": "0.000"}))
    if not cases:
        cases.append(ET.Element("testcase", {"classname": "find", "name": "no findings", "time": "0.000"}))
    return _document(_suite_element(suite, cases, report.get("seconds", 0.0),
                                    {"model": str(report["model"])}))


# ----------------------------------------------------------------------------- SARIF


def polity_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("polity")
    except PackageNotFoundError:
        return "0.0.0"


def artifact_uri(loaded: LoadedModel, cwd: Path | None = None) -> str:
    """The model file as a SARIF ``uri``: relative to the current directory when it lies below
    it (a repository checkout), else relative to the package (``model/data/<id>.yaml`` for
    the built-in model), else an absolute ``file:`` URI.
    """
    path = loaded.path.resolve()
    try:
        return path.relative_to((cwd or Path.cwd()).resolve()).as_posix()
    except ValueError:
        pass
    package = DATA.parent.resolve()
    try:
        return f"{package.name}/{path.relative_to(package).as_posix()}"
    except ValueError:
        return path.as_uri()


class Lines:
    """Where each citation is encoded in the model: the first line of an element citing it."""

    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        self.by_cite: dict[str, int] = {}
        for reading in loaded.readings():
            for el in resolve(loaded, reading).elements.values():
                line = self._line(el.path)
                for c in el.cites:
                    if line and (c not in self.by_cite or line < self.by_cite[c]):
                        self.by_cite[c] = line
        self.events = {e.id: i for i, e in enumerate(loaded.constitution.events)}

    def _line(self, path: PathKey) -> int:
        try:
            return max(self.loaded.locate(path).line, 0)
        except (KeyError, IndexError):
            return 0

    def of_cites(self, cites: list[str]) -> int:
        """The line of the first citation that an element encodes; else where it is cited; else 1."""
        for c in cites:
            if c in self.by_cite:
                return self.by_cite[c]
        from .output import citation_path

        for c in cites:
            path = citation_path(self.loaded, c)
            if path and (line := self._line(path)):
                return line
        return 1

    def of_event(self, event: str) -> int:
        i = self.events.get(event)
        return (self._line(("events", i)) or 1) if i is not None else 1


def fingerprint(rule_id: str, reading: str, cites: list[str]) -> str:
    """Stable across runs: the rule, the reading and the citations, not lines or wording.

    >>> fingerprint("p", "default", ["art_1"]) == fingerprint("p", "default", ["art_1"])
    True
    """
    text = "\0".join([rule_id, reading, *cites])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _location(uri: str, line: int, message: str | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri},
                                                "region": {"startLine": max(line, 1)}}}
    if message:
        loc["message"] = {"text": message}
    return loc


def _code_flows(trace: list[dict[str, Any]] | None, uri: str, lines: Lines) -> list[dict[str, Any]]:
    """The trace as a SARIF code flow: each step at the line where its event is encoded."""
    if not trace:
        return []
    steps = [{"location": _location(uri, lines.of_event(s["event"]), s["says"])} for s in trace]
    return [{"threadFlows": [{"locations": steps}]}]


def _run(rules: list[dict[str, Any]], results: list[dict[str, Any]], uri: str,
         automation: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "polity", "version": polity_version(),
                                "semanticVersion": polity_version(), "rules": rules}},
            "automationDetails": {"id": automation},
            "artifacts": [{"location": {"uri": uri}, "mimeType": "application/yaml"}],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": properties,
        }],
    }


def _check_message(r: dict[str, Any]) -> str:
    what = r.get("statement") or r["id"]
    if not r["ok"]:
        text = (f"Changed verdict for '{r['id']}' under reading {r['reading']}: expected "
                f"{r['expected']}, got {r['verdict']}. {what}")
    else:
        text = f"'{r['id']}' is {r['verdict']} under reading {r['reading']}. {what}"
    if r.get("reason"):
        text += f"\nReason: {r['reason']}"
    if r.get("relies_on"):
        text += "\nRelies on: " + ", ".join(human_cite(c) for c in r["relies_on"])
    if r.get("timeline"):
        text += "\nTimeline:\n" + "\n".join(f"  {t}" for t in r["timeline"])
    elif r.get("trace") is not None:
        text += f"\nTimeline: {NO_EVENTS}"
    return text


def sarif_check(report: dict[str, Any], loaded: LoadedModel, suite: Any) -> dict[str, Any]:
    """SARIF of a suite run: one rule per property, one result per (property, reading)."""
    uri = artifact_uri(loaded)
    lines = Lines(loaded)
    specs = {p.id: p for p in suite.catalog.spec.properties} if suite is not None else {}
    rule_ids = list(dict.fromkeys(r["id"] for r in report["results"]))
    rules = []
    for pid in rule_ids:
        spec = specs.get(pid)
        first = next(r for r in report["results"] if r["id"] == pid)
        statement = spec.statement if spec else first.get("statement", pid)
        formula = spec.formula if spec else first.get("formula", "")
        cites = list(spec.cites) if spec else list(first.get("cites") or [])
        about = ", ".join(human_cite(c) for c in cites)
        rules.append({
            "id": pid,
            "name": "".join(w.capitalize() for w in pid.split("-")),
            "shortDescription": {"text": statement},
            "fullDescription": {"text": f"{statement} (about {about}; formula: {formula})"},
            "help": {"text": f"Property {pid}: {statement}\nFormula: {formula}\nAbout: {about}\n"
                             "A changed verdict means the model no longer behaves as the suite "
                             "expects; run `polity explain " + pid + "` for the details."},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["polity", "constitution"], "formula": formula, "cites": cites},
        })
    index = {pid: i for i, pid in enumerate(rule_ids)}
    results = []
    for r in report["results"]:
        cites = list(r.get("cites") or (specs[r["id"]].cites if r["id"] in specs else []))
        res: dict[str, Any] = {
            "ruleId": r["id"], "ruleIndex": index[r["id"]],
            "level": "note" if r["ok"] else "error",
            "message": {"text": _check_message(r)},
            "locations": [_location(uri, lines.of_cites(cites))],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(r["id"], r["reading"], cites)},
            "properties": {"verdict": r["verdict"], "expected": r.get("expected"),
                           "reading": r["reading"], "seconds": r.get("seconds", 0.0)},
        }
        if flows := _code_flows(r.get("trace"), uri, lines):
            res["codeFlows"] = flows
        results.append(res)
    return _run(rules, results, uri, f"polity/check/{report['suite']}/",
                {"model": report.get("model"), "suite": report["suite"], "seconds": report.get("seconds"),
                 "ok": report.get("ok"), "solver": report.get("solver")})


def sarif_findings(report: dict[str, Any], loaded: LoadedModel) -> dict[str, Any]:
    """SARIF of ``polity find``: one rule per finding kind, one ``error`` result per finding."""
    uri = artifact_uri(loaded)
    lines = Lines(loaded)
    kinds = list(dict.fromkeys([*(report.get("kinds") or []), *(f["kind"] for f in report["findings"])]))
    rules = []
    for kind in kinds:
        short, full = KIND_TEXT.get(kind, (kind, kind))
        rules.append({
            "id": kind, "name": "".join(w.capitalize() for w in kind.split("-")),
            "shortDescription": {"text": short}, "fullDescription": {"text": full},
            "help": {"text": f"{full}\nEvery finding carries a trace replayed by Polity's "
                             "independent interpreter (dead provisions excepted: they are the "
                             "absence of a trace)."},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["polity", "constitution", kind]},
        })
    index = {k: i for i, k in enumerate(kinds)}
    prints = [fingerprint(f["kind"], f["reading"], sorted(f["cites"], key=citation_sort_key))
              for f in report["findings"]]
    results = []
    for i, f in enumerate(report["findings"]):
        cites = sorted(f["cites"], key=citation_sort_key)
        fp = prints[i]
        if prints.count(fp) > 1:  # two causes citing the same provisions: tell them apart
            fp = fingerprint(f["kind"], f["reading"], [*cites, f["summary"]])
        text = f"{f['summary']} ({', '.join(human_cite(c) for c in cites)}; reading {f['reading']})"
        if f.get("timeline"):
            text += "\nTimeline:\n" + "\n".join(f"  {t}" for t in f["timeline"])
        if f.get("note"):
            text += f"\nNote: {f['note']}"
        res: dict[str, Any] = {
            "ruleId": f["kind"], "ruleIndex": index[f["kind"]], "level": "error",
            "message": {"text": text},
            "locations": [_location(uri, lines.of_cites(cites))],
            "partialFingerprints": {FINGERPRINT_KEY: fp},
            "properties": {"reading": f["reading"], "cites": cites, "replayed": bool(f.get("replayed"))},
        }
        if flows := _code_flows(f.get("trace"), uri, lines):
            res["codeFlows"] = flows
        results.append(res)
    return _run(rules, results, uri, f"polity/find/{report['model']}/",
                {"model": report["model"], "seconds": report.get("seconds")})
