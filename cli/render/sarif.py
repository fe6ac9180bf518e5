"""SARIF 2.1.0 for code scanning, for ``polity check``, ``find`` and ``amend``.

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
import json
from pathlib import Path
from typing import Any

from ...model.loader import LoadedModel
from ...model.system import citation_sort_key, human_cite
from ...proofs.explain import NO_EVENTS
from ...proofs.kinds import finding_kind
from ...proofs.records import (
    AmendmentReport,
    CheckResult,
    Comparison,
    DiffReport,
    FindingRecord,
    FindReport,
    ProposedChange,
    SuiteReport,
    TraceStep,
)
from . import Context, renders
from .places import (
    Places,
    change_name,
    cite_list,
    finding_title,
    location,
    path_uri,
    undecided,
    unique,
    write,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


FINGERPRINT_KEY = "polity/v1"


def polity_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("polity")
    except PackageNotFoundError:
        return "0.0.0"


def fingerprint(rule_id: str, reading: str, cites: list[str]) -> str:
    """Stable across runs: the rule, the reading and the identity given (citations or element
    keys), not lines, traces, timing or wording.

    >>> fingerprint("p", "default", ["art_1"]) == fingerprint("p", "default", ["art_1"])
    True
    """
    text = "\0".join([rule_id, reading, *cites])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def finding_identity(f: FindingRecord) -> list[str]:
    """What makes a finding the finding it is: the duty or office it is about and the elements
    of law that cause it (the citations, for a finding without elements)."""
    elements = sorted(f.elements)
    if f.about or elements:
        return [f.about, *elements]
    return sorted(f.cites, key=citation_sort_key)


def _code_flows(trace: tuple[TraceStep, ...] | None, places: Places) -> list[dict[str, Any]]:
    """The trace as a SARIF code flow: each step at the provision of the constitution that
    allows its event (the model's line for an event that cites nothing in the text)."""
    if not trace:
        return []
    steps = []
    for s in trace:
        uri, line = places.in_text(list(s.cites))
        if not uri:
            uri, line = places.uri, places.of_event(s.event)
        steps.append({"location": location(uri, line, s.says)})
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


def _check_message(r: CheckResult) -> str:
    """Specific part first (the property, reading and verdict), so readers that show one line
    per result tell results apart."""
    what = r.statement or r.id
    if not r.ok:
        expected = r.expected.value if r.expected is not None else None
        text = f"{r.id} [{r.reading}]: expected {expected}, got {r.verdict.value}. {what}"
    else:
        text = f"{r.id} [{r.reading}]: {r.verdict.value}. {what}"
    if r.reason:
        text += f"\nReason: {r.reason}"
    if r.relies_on:
        text += "\nRelies on: " + ", ".join(human_cite(c) for c in r.relies_on)
    if r.certificate is not None:
        text += "\nCertificate: " + r.certificate.method + ", re-checked by " + (
            " and ".join(r.certificate.rechecked_by) or "z3")
    if r.timeline:
        text += "\nTimeline:\n" + "\n".join(f"  {t}" for t in r.timeline)
    elif r.trace is not None:
        text += f"\nTimeline: {NO_EVENTS}"
    return text


def sarif_check(report: SuiteReport, loaded: LoadedModel, suite: Any) -> dict[str, Any]:
    """SARIF of a suite run: one rule per property, one result per (property, reading), at the
    first provision the property is about in the constitution's text."""
    places = Places(loaded)
    specs = {p.id: p for p in suite.catalog.spec.properties} if suite is not None else {}
    rule_ids = list(dict.fromkeys(r.id for r in report.results))
    rules = []
    for pid in rule_ids:
        spec = specs.get(pid)
        first = next(r for r in report.results if r.id == pid)
        statement = spec.statement if spec else (first.statement or pid)
        formula = spec.formula if spec else (first.formula or "")
        cites = list(spec.cites) if spec else list(first.cites or [])
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
    for r in report.results:
        cites = list(r.cites or (specs[r.id].cites if r.id in specs else []))
        res: dict[str, Any] = {
            "ruleId": r.id, "ruleIndex": index[r.id],
            "level": "note" if r.ok is not False else "error",
            "message": {"text": _check_message(r)},
            "locations": [places.primary(cites, places.of_cites(cites))],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(r.id, r.reading, cites)},
            "properties": {"verdict": r.verdict.value,
                           "expected": r.expected.value if r.expected is not None else None,
                           "reading": r.reading, "seconds": r.seconds or 0.0},
        }
        if related := places.related(cites):
            res["relatedLocations"] = related
        if flows := _code_flows(r.trace, places):
            res["codeFlows"] = flows
        results.append(res)
    return _run(rules, results, [places.uri, places.source_uri], f"polity/check/{report.suite}/",
                {"model": report.model, "suite": report.suite, "seconds": report.seconds,
                 "ok": report.ok, "solver": {"z3": report.solver.z3, "seed": report.solver.seed}})


def _short(key: str) -> str:
    """An element key without its section: ``obligation:x`` -> ``x``, ``event:e:guard:0`` -> ``e:guard:0``."""
    return key.split(":", 1)[1] if ":" in key else key


def finding_rule_id(f: FindingRecord) -> str:
    """One rule per distinct cause, hierarchical under the kind (SARIF 3.27.5): readers that
    group by rule (``sarif summary``, code scanning) list each defect of the text apart.

    >>> finding_rule_id(FindingRecord("conflict", "s", (), "default", None, about="obligation:o",
    ...                               elements=("obligation:o", "prohibition:p")))
    'conflict/o/p'
    """
    about = f.about
    causes = sorted(_short(k) for k in f.elements if k != about)
    parts = [f.kind, _short(about) if about else "+".join(f.cites) or "-"]
    if causes:
        parts.append("+".join(causes))
    return "/".join(parts)


def _finding_rules(findings: list[FindingRecord], titles: list[str]) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for f, title in zip(findings, titles, strict=True):
        rid = finding_rule_id(f)
        if rid in rules:
            continue
        kind = finding_kind(f.kind)
        short, full = (kind.title, kind.description) if kind else (f.kind, f.kind)
        rules[rid] = {
            "id": rid, "name": "".join(w.capitalize() for w in f.kind.split("-")),
            "shortDescription": {"text": title}, "fullDescription": {"text": f"{short}: {full}"},
            "help": {"text": f"{full}\nEvery finding carries a trace replayed by Polity's "
                             "independent interpreter (dead provisions excepted: they are the "
                             "absence of a trace)."},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["polity", "constitution", f.kind], "kind": f.kind},
        }
    return list(rules.values())


def _finding_result(f: FindingRecord, title: str, places: Places, rule_index: dict[str, int], fp: str,
                    level: str = "error", prefix: str = "") -> dict[str, Any]:
    """One finding as a SARIF result: at the provision of the constitution behind the duty or
    office it is about (else the first provision it cites), with the model's line of that duty
    and the cited provisions' text as related locations."""
    cites = sorted(f.cites, key=citation_sort_key)
    about = places.element_cites(f.about)
    model_line = places.of_element(f.about) or places.of_cites(cites)
    text = f"{prefix}{title}\n{f.summary} ({cite_list(cites)}; reading {f.reading})"
    if f.timeline:
        text += "\nTimeline:\n" + "\n".join(f"  {t}" for t in f.timeline)
    if f.note:
        text += f"\nNote: {f.note}"
    res: dict[str, Any] = {
        "ruleId": finding_rule_id(f), "ruleIndex": rule_index[finding_rule_id(f)], "level": level,
        "message": {"text": text},
        "locations": [places.primary([*about, *cites], model_line)],
        "partialFingerprints": {FINGERPRINT_KEY: fp},
        "properties": {"kind": f.kind, "reading": f.reading, "cites": cites, "about": f.about,
                       "replayed": f.replayed},
    }
    related = places.related(cites)
    if places.source is not None and f.about:  # where the model encodes it, for the model's authors
        related.append(location(places.uri, model_line, "where the model encodes it") | {"id": len(related)})
    if related:
        res["relatedLocations"] = related
    if flows := _code_flows(f.trace, places):
        res["codeFlows"] = flows
    return res


def _fingerprints(prefix: str, findings: list[FindingRecord]) -> list[str]:
    prints = [fingerprint(prefix + f.kind, f.reading, finding_identity(f)) for f in findings]
    return unique(prints)  # two findings of one identity (never expected): told apart by order


def sarif_findings(report: FindReport, loaded: LoadedModel) -> dict[str, Any]:
    """SARIF of ``polity find``: one rule per distinct cause, one ``error`` result per finding."""
    places = Places(loaded)
    findings = list(report.findings)
    titles = unique([finding_title(f, places) for f in findings])
    rules = _finding_rules(findings, titles)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [_finding_result(f, t, places, index, fp)
               for f, t, fp in zip(findings, titles, _fingerprints("", findings), strict=True)]
    return _run(rules, results, [places.uri, places.source_uri], f"polity/find/{report.model}/",
                {"model": report.model, "seconds": report.seconds})


def _line_of(location: str) -> int | None:
    """The line of a ``file:line:col`` location, None when it has none."""
    parts = location.rsplit(":", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _amendment_line(report: ProposedChange, cwd: Path | None = None) -> tuple[str, int]:
    """The amendment file and the line of its first change (where a verdict change comes from);
    ("", 0) for a diff, which has no amendment file."""
    if not isinstance(report, AmendmentReport):
        return "", 0
    line = _line_of(report.changes[0].location) if report.changes else None
    return path_uri(Path(report.file), cwd), 1 if line is None else line


def sarif_amendment(report: ProposedChange, loaded: LoadedModel) -> dict[str, Any]:
    """SARIF of an amendment or a diff: entrenchment touches and verdict changes at the
    amendment's change, new findings (``error``) and findings gone (``note``) at the duty or
    office they are about in the model file."""
    places = Places(loaded)
    am_uri, am_line = _amendment_line(report)
    where = (am_uri, am_line) if am_uri else (places.uri, 1)
    impact = report.impact
    comparison = impact.comparison if impact is not None else Comparison()
    added, removed = list(comparison.findings_added), list(comparison.findings_removed)
    findings = [*added, *removed]
    changes = comparison.verdict_changes
    rules = [
        {"id": "entrenchment", "name": "Entrenchment", "shortDescription": {"text": "Touches an entrenched provision"},
         "fullDescription": {"text": "The amendment changes a provision the constitution makes unchangeable."},
         "defaultConfiguration": {"level": "error"}},
        *({"id": f"verdict-change/{pid}", "name": "VerdictChange",
           "shortDescription": {"text": f"The verdict of {pid} changes"},
           "fullDescription": {"text": "A property of the suite has another verdict after the amendment."},
           "defaultConfiguration": {"level": "error"}} for pid in dict.fromkeys(c.id for c in changes)),
        *_finding_rules(findings, [finding_title(f, places) for f in findings]),
    ]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for touch in report.refusing():
        line = _line_of(touch.location)
        res = {"ruleId": "entrenchment", "ruleIndex": index["entrenchment"], "level": "error",
               "message": {"text": f"{human_cite(touch.provision)}: change {touch.change + 1} {touch.how} "
                                   f"(entrenched by {cite_list(touch.by)})"},
               "locations": [location(where[0], where[1] if line is None else line)],
               "partialFingerprints": {FINGERPRINT_KEY: fingerprint("entrenchment", "", [touch.provision, touch.how])}}
        if related := places.related([touch.provision, *touch.by]):
            res["relatedLocations"] = related
        results.append(res)
    for c, name in zip(changes, unique([change_name(c) for c in changes]), strict=True):
        text = name + (f"\n{c.statement}" if c.statement else "")
        if c.reason:
            text += f"\nReason: {c.reason}"
        if c.after_timeline:
            text += "\nTimeline after:\n" + "\n".join(f"  {t}" for t in c.after_timeline)
        res = {"ruleId": f"verdict-change/{c.id}", "ruleIndex": index[f"verdict-change/{c.id}"],
               "level": "warning" if undecided(c) else "error", "message": {"text": text},
               "locations": [location(where[0], where[1])],
               "partialFingerprints": {FINGERPRINT_KEY: fingerprint(
                   "verdict-change", c.reading, [c.id, c.before.value, c.after.value])},
               "properties": {"before": c.before.value, "after": c.after.value, "reading": c.reading}}
        if flows := _code_flows(c.after_trace, places):
            res["codeFlows"] = flows
        results.append(res)
    for label, level, group in (("new: ", "error", added), ("gone: ", "note", removed)):
        titles = unique([finding_title(f, places) for f in group])
        for f, t, fp in zip(group, titles, _fingerprints(label, group), strict=True):
            results.append(_finding_result(f, t, places, index, fp, level, label))
    return _run(rules, results, [places.uri, places.source_uri, am_uri], f"polity/amend/{report.model}/",
                {"model": report.model, "amendment": report.name, "admissible": report.admissible,
                 "seconds": impact.seconds if impact is not None else None})


# ----------------------------------------------------------------------------- renderers


def _write(log: object) -> None:
    write(json.dumps(log, indent=2, ensure_ascii=False))


@renders("sarif", SuiteReport)
def suite_sarif(report: SuiteReport, context: Context) -> None:
    _write(sarif_check(report, context.model("check's SARIF output"), context.suite))


@renders("sarif", FindReport)
def findings_sarif(report: FindReport, context: Context) -> None:
    _write(sarif_findings(report, context.model("find's SARIF output")))


@renders("sarif", AmendmentReport, DiffReport)
def amendment_sarif(report: AmendmentReport | DiffReport, context: Context) -> None:
    _write(sarif_amendment(report, context.model("an amendment's SARIF output")))
