"""Reports for CI: JUnit XML and SARIF 2.1.0 for ``polity check``, ``find`` and ``amend``.

JUnit (one ``<testcase>`` per property and reading; ``classname`` is the suite, ``name`` is
``"id [reading]"``):

- a verdict equal to its expectation, or a property without one, passes;
- a changed verdict is a ``<failure>`` carrying the expected and the actual verdict and the
  dated timeline of the trace;
- ``unknown`` (a timeout or resource limit) is never a success: where another verdict was
  expected it is an ``<error>`` (the check could not be completed, which is not a failure of the
  constitution), and where nothing was expected it is ``<skipped>``.

For ``polity find`` every finding is a failing ``<testcase>`` of classname ``find.<kind>``, named
in plain terms, specific part first (``finding_title``), every name unique.

SARIF (GitHub code scanning): one rule per property id (check) or per distinct cause of a
finding, hierarchical under its kind (``finding_rule_id``), so readers that group by rule list
each defect apart. A finding is located at the duty or office it is about; a property at the
element encoding the first provision it is about; the cited provisions are related locations in
the constitution's text. Messages start with what is specific to the result.
``partialFingerprints`` hash the identity of what is reported (``finding_identity``), never
its trace, timing or wording, so an alert keeps its identity across runs and line moves.

Nothing here imports Z3: these functions only format finished reports.
"""

from __future__ import annotations

import hashlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..model.loader import DATA, LoadedModel, resolve
from ..model.source import SourceText, load_source
from ..model.system import Element, citation_sort_key, human_cite
from ..model.yamlpos import PathKey
from ..proofs.explain import NO_EVENTS, result_lines
from ..proofs.kinds import finding_kind

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "polity/v1"


# ----------------------------------------------------------------------------- output


def write(text: str) -> None:
    """A finished document on stdout (the renderers in cli/render/ call this)."""
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


def junit_findings(report: dict[str, Any], loaded: LoadedModel | None = None) -> str:
    """The JUnit XML of ``polity find``: one failing test case per finding, named in plain terms
    (``finding_title``), each name unique.

    Kinds searched without a finding show as passing cases when the report names them
    (``report["kinds"]``); a search without findings always yields one passing case, so the file
    is never empty.
    """
    suite = f"find.{report['model']}"
    places = Places(loaded) if loaded is not None else None
    names = unique([finding_title(f, places) for f in report["findings"]])
    cases = []
    for f, name in zip(report["findings"], names, strict=True):
        case = ET.Element("testcase", {"classname": f"find.{f['kind']}", "name": name, "time": "0.000"})
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


def path_uri(path: Path, cwd: Path | None = None) -> str:
    """A file as a SARIF ``uri``: relative to the current directory when it lies below it (a
    repository checkout), else relative to the package (``model/data/<id>.yaml`` for the
    built-in model), else an absolute ``file:`` URI.
    """
    path = path.resolve()
    try:
        return path.relative_to((cwd or Path.cwd()).resolve()).as_posix()
    except ValueError:
        pass
    package = DATA.parent.resolve()
    try:
        return f"{package.name}/{path.relative_to(package).as_posix()}"
    except ValueError:
        return path.as_uri()


def artifact_uri(loaded: LoadedModel, cwd: Path | None = None) -> str:
    """The model file as a SARIF ``uri`` (see ``path_uri``)."""
    return path_uri(loaded.path, cwd)


class Places:
    """Where things are written: model elements, offices and events (lines of the model file),
    provisions (lines of the constitution's text)."""

    def __init__(self, loaded: LoadedModel, cwd: Path | None = None) -> None:
        self.loaded = loaded
        self.uri = artifact_uri(loaded, cwd)
        self.elements: dict[str, Element] = {}
        self.by_cite: dict[str, int] = {}
        for reading in loaded.readings():
            for key, el in resolve(loaded, reading).elements.items():
                self.elements.setdefault(key, el)
        for el in self.elements.values():
            line = self._line(el.path)
            for c in el.cites:
                if line and (c not in self.by_cite or line < self.by_cite[c]):
                    self.by_cite[c] = line
        self.events = {e.id: i for i, e in enumerate(loaded.constitution.events)}
        self.offices = {o.id: (i, o.name) for i, o in enumerate(loaded.constitution.offices)}
        self.source: SourceText | None = None
        self.source_uri = ""
        src = loaded.source_path()
        if src.is_file():
            self.source = load_source(src, loaded.constitution.source.starts_at)
            self.source_uri = path_uri(src, cwd)

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
        from ..model.citations import citation_path

        for c in cites:
            path = citation_path(self.loaded, c)
            if path and (line := self._line(path)):
                return line
        return 1

    def of_element(self, key: str) -> int:
        """The line of an element (``obligation:x``, ``event:e:guard:0``...) or office
        (``office:x``); 0 when the model has no such thing."""
        if key.startswith("office:"):
            office = self.offices.get(key.split(":", 1)[1])
            return self._line(("offices", office[0])) if office else 0
        el = self.elements.get(key)
        return self._line(el.path) if el else 0

    def of_event(self, event: str) -> int:
        i = self.events.get(event)
        return (self._line(("events", i)) or 1) if i is not None else 1

    def related(self, cites: list[str]) -> list[dict[str, Any]]:
        """The cited provisions in the constitution's text, each at the line where it starts."""
        if self.source is None:
            return []
        out: list[dict[str, Any]] = []
        for c in sorted(dict.fromkeys(cites), key=citation_sort_key):
            line = self.source.lines.get(c)
            if line:
                loc = _location(self.source_uri, line, f"{human_cite(c)}: \u201c{self.source.quote(c, 200)}\u201d")
                out.append(loc | {"id": len(out)})
        return out


def fingerprint(rule_id: str, reading: str, cites: list[str]) -> str:
    """Stable across runs: the rule, the reading and the identity given (citations or element
    keys), not lines, traces, timing or wording.

    >>> fingerprint("p", "default", ["art_1"]) == fingerprint("p", "default", ["art_1"])
    True
    """
    text = "\0".join([rule_id, reading, *cites])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def finding_identity(f: dict[str, Any]) -> list[str]:
    """What makes a finding the finding it is: the duty or office it is about and the elements
    of law that cause it (the citations, for a finding without elements)."""
    elements = sorted(f.get("elements") or [])
    if f.get("about") or elements:
        return [f.get("about") or "", *elements]
    return sorted(f["cites"], key=citation_sort_key)


# ----------------------------------------------------------------------------- plain names


def _cite_list(cites: list[str] | tuple[str, ...]) -> str:
    return ", ".join(human_cite(c) for c in sorted(dict.fromkeys(cites), key=citation_sort_key)) or "-"


def finding_title(f: dict[str, Any], places: Places | None = None) -> str:
    """A finding in a lawyer's words, specific part first: "Art. 2(2) vs Art. 1(3): the
    Assembly may not be dissolved during a state of emergency"."""
    elements = places.elements if places else {}
    about = elements.get(f.get("about") or "")
    causes = [elements[k] for k in f.get("elements") or [] if k in elements and k != f.get("about")]
    kind = f["kind"]
    if kind == "conflict" and about is not None and causes:
        title = (f"{_cite_list(about.cites[:1])} vs {_cite_list([c for e in causes for c in e.cites])}: "
                 + "; ".join(e.summary for e in causes))
    elif kind == "deadlock" and about is not None:
        blocked = "; ".join(dict.fromkeys(f"{e.summary} ({_cite_list(e.cites)})" for e in causes))
        blocked = blocked or "nothing enables it in time"
        title = f"{_cite_list(about.cites[:1])} deadline missed: {blocked}"
    elif kind == "gap" and places is not None and (f.get("about") or "").startswith("office:"):
        office = places.offices.get(f["about"].split(":", 1)[1])
        name = office[1] if office else f["about"]
        blocked = "; ".join(dict.fromkeys(f"{e.summary} ({_cite_list(e.cites)})" for e in causes))
        title = f"{name[:1].upper()}{name[1:]} vacant, nobody entitled to fill it" + (f": {blocked}" if blocked else "")
    else:
        title = f["summary"]
    return title if f.get("reading", "default") == "default" else f"{title} [reading {f['reading']}]"


def unique(names: list[str]) -> list[str]:
    """Names made unique by numbering repeats, in order.

    >>> unique(["a", "b", "a"])
    ['a', 'b', 'a (2)']
    """
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _location(uri: str, line: int, message: str | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri},
                                                "region": {"startLine": max(line, 1)}}}
    if message:
        loc["message"] = {"text": message}
    return loc


def _code_flows(trace: list[dict[str, Any]] | None, places: Places) -> list[dict[str, Any]]:
    """The trace as a SARIF code flow: each step at the line where its event is encoded."""
    if not trace:
        return []
    steps = [{"location": _location(places.uri, places.of_event(s["event"]), s["says"])} for s in trace]
    return [{"threadFlows": [{"locations": steps}]}]


def _run(rules: list[dict[str, Any]], results: list[dict[str, Any]], uris: list[str],
         automation: str, properties: dict[str, Any]) -> dict[str, Any]:
    artifacts = [{"location": {"uri": u}, "mimeType": "text/plain" if u.endswith(".txt") else "application/yaml"}
                 for u in dict.fromkeys(u for u in uris if u)]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "polity", "version": polity_version(),
                                "semanticVersion": polity_version(), "rules": rules}},
            "automationDetails": {"id": automation},
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": properties,
        }],
    }


def _check_message(r: dict[str, Any]) -> str:
    """Specific part first (the property, reading and verdict), so readers that show one line
    per result tell results apart."""
    what = r.get("statement") or r["id"]
    if not r["ok"]:
        text = f"{r['id']} [{r['reading']}]: expected {r['expected']}, got {r['verdict']}. {what}"
    else:
        text = f"{r['id']} [{r['reading']}]: {r['verdict']}. {what}"
    if r.get("reason"):
        text += f"\nReason: {r['reason']}"
    if r.get("relies_on"):
        text += "\nRelies on: " + ", ".join(human_cite(c) for c in r["relies_on"])
    if r.get("certificate"):
        text += "\nCertificate: " + r["certificate"]["method"] + ", re-checked by " + (
            " and ".join(r["certificate"].get("rechecked_by") or []) or "z3")
    if r.get("timeline"):
        text += "\nTimeline:\n" + "\n".join(f"  {t}" for t in r["timeline"])
    elif r.get("trace") is not None:
        text += f"\nTimeline: {NO_EVENTS}"
    return text


def sarif_check(report: dict[str, Any], loaded: LoadedModel, suite: Any) -> dict[str, Any]:
    """SARIF of a suite run: one rule per property, one result per (property, reading), at the
    model element encoding the first provision the property is about."""
    places = Places(loaded)
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
            "locations": [_location(places.uri, places.of_cites(cites))],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(r["id"], r["reading"], cites)},
            "properties": {"verdict": r["verdict"], "expected": r.get("expected"),
                           "reading": r["reading"], "seconds": r.get("seconds", 0.0)},
        }
        if related := places.related(cites):
            res["relatedLocations"] = related
        if flows := _code_flows(r.get("trace"), places):
            res["codeFlows"] = flows
        results.append(res)
    return _run(rules, results, [places.uri, places.source_uri], f"polity/check/{report['suite']}/",
                {"model": report.get("model"), "suite": report["suite"], "seconds": report.get("seconds"),
                 "ok": report.get("ok"), "solver": report.get("solver")})


def _short(key: str) -> str:
    """An element key without its section: ``obligation:x`` -> ``x``, ``event:e:guard:0`` -> ``e:guard:0``."""
    return key.split(":", 1)[1] if ":" in key else key


def finding_rule_id(f: dict[str, Any]) -> str:
    """One rule per distinct cause, hierarchical under the kind (SARIF 3.27.5): readers that
    group by rule (``sarif summary``, code scanning) list each defect of the text apart.

    >>> finding_rule_id({"kind": "conflict", "about": "obligation:o", "cites": [],
    ...                  "elements": ["obligation:o", "prohibition:p"]})
    'conflict/o/p'
    """
    about = f.get("about") or ""
    causes = sorted(_short(k) for k in f.get("elements") or [] if k != about)
    parts = [f["kind"], _short(about) if about else "+".join(f["cites"]) or "-"]
    if causes:
        parts.append("+".join(causes))
    return "/".join(parts)


def _finding_rules(findings: list[dict[str, Any]], titles: list[str]) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for f, title in zip(findings, titles, strict=True):
        rid = finding_rule_id(f)
        if rid in rules:
            continue
        kind = finding_kind(f["kind"])
        short, full = (kind.title, kind.description) if kind else (f["kind"], f["kind"])
        rules[rid] = {
            "id": rid, "name": "".join(w.capitalize() for w in f["kind"].split("-")),
            "shortDescription": {"text": title}, "fullDescription": {"text": f"{short}: {full}"},
            "help": {"text": f"{full}\nEvery finding carries a trace replayed by Polity's "
                             "independent interpreter (dead provisions excepted: they are the "
                             "absence of a trace)."},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["polity", "constitution", f["kind"]], "kind": f["kind"]},
        }
    return list(rules.values())


def _finding_result(f: dict[str, Any], title: str, places: Places, rule_index: dict[str, int], fp: str,
                    level: str = "error", prefix: str = "") -> dict[str, Any]:
    """One finding as a SARIF result: at the duty or office it is about (else the provision it
    cites), with the cited provisions' text as related locations."""
    cites = sorted(f["cites"], key=citation_sort_key)
    line = places.of_element(f.get("about") or "") or places.of_cites(cites)
    text = f"{prefix}{title}\n{f['summary']} ({_cite_list(cites)}; reading {f['reading']})"
    if f.get("timeline"):
        text += "\nTimeline:\n" + "\n".join(f"  {t}" for t in f["timeline"])
    if f.get("note"):
        text += f"\nNote: {f['note']}"
    res: dict[str, Any] = {
        "ruleId": finding_rule_id(f), "ruleIndex": rule_index[finding_rule_id(f)], "level": level,
        "message": {"text": text},
        "locations": [_location(places.uri, line)],
        "partialFingerprints": {FINGERPRINT_KEY: fp},
        "properties": {"kind": f["kind"], "reading": f["reading"], "cites": cites, "about": f.get("about") or "",
                       "replayed": bool(f.get("replayed"))},
    }
    if related := places.related(cites):
        res["relatedLocations"] = related
    if flows := _code_flows(f.get("trace"), places):
        res["codeFlows"] = flows
    return res


def _fingerprints(prefix: str, findings: list[dict[str, Any]]) -> list[str]:
    prints = [fingerprint(prefix + f["kind"], f["reading"], finding_identity(f)) for f in findings]
    return unique(prints)  # two findings of one identity (never expected): told apart by order


def sarif_findings(report: dict[str, Any], loaded: LoadedModel) -> dict[str, Any]:
    """SARIF of ``polity find``: one rule per distinct cause, one ``error`` result per finding."""
    places = Places(loaded)
    findings = report["findings"]
    titles = unique([finding_title(f, places) for f in findings])
    rules = _finding_rules(findings, titles)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [_finding_result(f, t, places, index, fp)
               for f, t, fp in zip(findings, titles, _fingerprints("", findings), strict=True)]
    return _run(rules, results, [places.uri, places.source_uri], f"polity/find/{report['model']}/",
                {"model": report["model"], "seconds": report.get("seconds")})


# ----------------------------------------------------------------------------- amend


def _undecided(c: dict[str, Any]) -> bool:
    return "unknown" in (c["before"], c["after"])


def _change_name(c: dict[str, Any]) -> str:
    if _undecided(c):
        return f"{c['id']} [{c['reading']}]: could not be decided ({c['before']} -> {c['after']})"
    return f"{c['id']} [{c['reading']}]: {c['before']} -> {c['after']}"


def _amendment_name(report: dict[str, Any]) -> str:
    if "amendment" in report:
        return str(report["amendment"]["title"])
    return f"{report.get('before')} -> {report.get('after')}"


def junit_amendment(report: dict[str, Any], loaded: LoadedModel) -> str:
    """JUnit of an amendment: admissibility, then one case per verdict change (a failure; an
    ``error`` when one side could not be decided), per new finding (a failure) and per finding
    gone (passing, with what went), each name unique."""
    places = Places(loaded)
    cases: list[ET.Element] = []

    def case(classname: str, name: str) -> ET.Element:
        c = ET.Element("testcase", {"classname": classname, "name": name, "time": "0.000"})
        cases.append(c)
        return c

    adm = case("amend.admissibility", "entrenched provisions untouched" if report["admissible"] else
               "touches entrenched " + _cite_list(report["entrenched_touched"]))
    if not report["admissible"]:
        ET.SubElement(adm, "failure", {"type": "inadmissible", "message": "touches entrenched "
                                       + _cite_list(report["entrenched_touched"])}).text = "\n".join(
            f"{t['location']}: change {t['change'] + 1} {t['how']} ({human_cite(t['provision'])})"
            for t in report.get("entrenchment", []))
    if not report.get("analysed"):
        ET.SubElement(case("amend.verdicts", "verdicts and findings"), "skipped", {
            "type": "not-analysed", "message": "not analysed: the amendment is inadmissible"})
    else:
        changes = report["verdict_changes"]
        for c, name in zip(changes, unique([_change_name(c) for c in changes]), strict=True):
            tag, kind = ("error", "undecided") if _undecided(c) else ("failure", "changed-verdict")
            ET.SubElement(case("amend.verdicts", name), tag, {
                "type": kind, "message": f"{c['before']} before, {c['after']} after"}).text = "\n".join(
                [c.get("statement", ""), *([c["reason"]] if c.get("reason") else []),
                 *[f"  {t}" for t in c.get("after_timeline", [])]])
        if not changes:
            case("amend.verdicts", "no verdict changes")
        if report.get("find"):
            added, removed = report["findings_added"], report["findings_removed"]
            for f, name in zip(added, unique(["new: " + finding_title(f, places) for f in added]), strict=True):
                ET.SubElement(case(f"amend.find.{f['kind']}", name), "failure", {
                    "type": f["kind"], "message": f["summary"]}).text = finding_text(f)
            for f, name in zip(removed, unique(["gone: " + finding_title(f, places) for f in removed]),
                               strict=True):
                ET.SubElement(case(f"amend.find.{f['kind']}", name), "system-out").text = finding_text(f)
            if not added:
                case("amend.find", "no new findings")
    props = {"model": str(report.get("model", "")), "amendment": _amendment_name(report)}
    return _document(_suite_element(f"amend.{report.get('model', '')}", cases, report.get("seconds", 0.0), props))


def _amendment_line(report: dict[str, Any], cwd: Path | None = None) -> tuple[str, int]:
    """The amendment file and the line of its first change (where a verdict change comes from)."""
    am = report.get("amendment")
    if not am:
        return "", 0
    line = 1
    if am.get("changes"):
        parts = str(am["changes"][0]["location"]).rsplit(":", 2)
        line = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 1
    return path_uri(Path(am["file"]), cwd), line


def sarif_amendment(report: dict[str, Any], loaded: LoadedModel) -> dict[str, Any]:
    """SARIF of an amendment: entrenchment touches and verdict changes at the amendment's
    change, new findings (``error``) and findings gone (``note``) at the duty or office they
    are about in the model file."""
    places = Places(loaded)
    am_uri, am_line = _amendment_line(report)
    where = (am_uri, am_line) if am_uri else (places.uri, 1)
    findings = [*report.get("findings_added", []), *report.get("findings_removed", [])]
    changes = report.get("verdict_changes", [])
    rules = [
        {"id": "entrenchment", "name": "Entrenchment", "shortDescription": {"text": "Touches an entrenched provision"},
         "fullDescription": {"text": "The amendment changes a provision the constitution makes unchangeable."},
         "defaultConfiguration": {"level": "error"}},
        *({"id": f"verdict-change/{pid}", "name": "VerdictChange",
           "shortDescription": {"text": f"The verdict of {pid} changes"},
           "fullDescription": {"text": "A property of the suite has another verdict after the amendment."},
           "defaultConfiguration": {"level": "error"}} for pid in dict.fromkeys(c["id"] for c in changes)),
        *_finding_rules(findings, [finding_title(f, places) for f in findings]),
    ]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for t in report.get("entrenchment", []):
        parts = str(t["location"]).rsplit(":", 2)
        line = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else where[1]
        res = {"ruleId": "entrenchment", "ruleIndex": index["entrenchment"], "level": "error",
               "message": {"text": f"{human_cite(t['provision'])}: change {t['change'] + 1} {t['how']} "
                                   f"(entrenched by {_cite_list(t['by'])})"},
               "locations": [_location(where[0], line)],
               "partialFingerprints": {FINGERPRINT_KEY: fingerprint("entrenchment", "", [t["provision"], t["how"]])}}
        if related := places.related([t["provision"], *t["by"]]):
            res["relatedLocations"] = related
        results.append(res)
    for c, name in zip(changes, unique([_change_name(c) for c in changes]), strict=True):
        text = name + (f"\n{c['statement']}" if c.get("statement") else "")
        if c.get("reason"):
            text += f"\nReason: {c['reason']}"
        if c.get("after_timeline"):
            text += "\nTimeline after:\n" + "\n".join(f"  {t}" for t in c["after_timeline"])
        res = {"ruleId": f"verdict-change/{c['id']}", "ruleIndex": index[f"verdict-change/{c['id']}"],
               "level": "warning" if _undecided(c) else "error", "message": {"text": text},
               "locations": [_location(where[0], where[1])],
               "partialFingerprints": {FINGERPRINT_KEY: fingerprint(
                   "verdict-change", c["reading"], [c["id"], c["before"], c["after"]])},
               "properties": {"before": c["before"], "after": c["after"], "reading": c["reading"]}}
        if flows := _code_flows(c.get("after_trace"), places):
            res["codeFlows"] = flows
        results.append(res)
    for label, level, group in (("new: ", "error", report.get("findings_added", [])),
                                ("gone: ", "note", report.get("findings_removed", []))):
        titles = unique([finding_title(f, places) for f in group])
        for f, t, fp in zip(group, titles, _fingerprints(label, group), strict=True):
            results.append(_finding_result(f, t, places, index, fp, level, label))
    return _run(rules, results, [places.uri, places.source_uri, am_uri], f"polity/amend/{report.get('model')}/",
                {"model": report.get("model"), "amendment": _amendment_name(report),
                 "admissible": report["admissible"], "seconds": report.get("seconds")})
