"""JUnit XML for CI, for ``polity check``, ``find`` and ``amend``.

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

Nothing here imports Z3: these functions only format finished reports.

"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from ...model.loader import LoadedModel
from ...model.system import human_cite
from ...proofs.explain import result_lines
from ...proofs.kinds import DEPENDS
from ...proofs.records import (
    AmendmentReport,
    CheckResult,
    DiffReport,
    FindingRecord,
    FindReport,
    ProposedChange,
    SuiteReport,
    Verdict,
)
from . import Context, renders
from .places import Places, change_name, cite_list, finding_title, undecided, unique, write


def outcome(r: CheckResult) -> str:
    """How one check result shows in JUnit: ``passed``, ``failure``, ``error`` or ``skipped``.

    >>> V = Verdict
    >>> [outcome(CheckResult("p", "default", v, expected=x, ok=ok)) for v, x, ok in (
    ...     (V.PROVED, V.PROVED, True), (V.VIOLATED, V.PROVED, False),
    ...     (V.UNKNOWN, V.PROVED, False), (V.UNKNOWN, None, True))]
    ['passed', 'failure', 'error', 'skipped']
    """
    if r.verdict == Verdict.UNKNOWN and r.expected != Verdict.UNKNOWN:
        return "skipped" if r.expected is None else "error"
    return "passed" if r.ok is not False else "failure"


Words = Callable[[str], str]  # a reading label as a person reads it (Context.reading)


def _as_is(label: str) -> str:
    return label


def _reading_line(label: str, words: Words) -> str | None:
    """'the reading: ...' in the model's words; None where there are none (the label line)."""
    said = words(label)
    return None if said == label else said


def failure_text(r: CheckResult, words: Words = _as_is) -> str:
    """Expected against actual verdict, the property, and the dated timeline of the trace (a
    vacuous proof says so first)."""
    lines = result_lines(r, reading=_reading_line(r.reading, words))
    return "\n".join(([r.verdict_words()] if r.vacuous else []) + lines)


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


def junit_check(report: SuiteReport, loaded: LoadedModel | None = None) -> str:
    """The JUnit XML of a suite run; the name of a case is its property id and reading label
    (what CI tracks), its text says the reading in the model's words when the model is given."""
    words = Context(loaded=loaded).reading
    cases = []
    for r in report.results:
        case = ET.Element("testcase", {"classname": report.suite, "name": f"{r.id} [{r.reading}]",
                                       "time": _time(r.seconds or 0.0)})
        kind = outcome(r)
        expected = r.expected.value if r.expected is not None else None
        if kind == "failure":
            ET.SubElement(case, "failure", {
                "type": "changed-verdict",
                "message": f"expected {expected}, got {r.verdict_words()}"}).text = failure_text(r, words)
        elif kind == "error":
            ET.SubElement(case, "error", {
                "type": "unknown",
                "message": f"expected {expected}, got unknown: {r.reason or 'no verdict'}",
            }).text = failure_text(r, words)
        elif kind == "skipped":
            ET.SubElement(case, "skipped", {
                "type": "unknown", "message": f"unknown: {r.reason or 'no verdict'}"})
        if kind != "failure" and kind != "error":
            ET.SubElement(case, "system-out").text = failure_text(r, words)
        cases.append(case)
    props = {"model": report.model, "solver.z3": report.solver.z3, "solver.seed": str(report.solver.seed)}
    return _document(_suite_element(report.suite, cases, report.seconds, props))


def finding_text(f: FindingRecord, words: Words = _as_is, others: Sequence[FindingRecord] = ()) -> str:
    """A finding as a person reads it: the reading in words, a cascade's root by its summary
    (found among ``others``, the findings reported with it), as the text output names them."""
    lines = [f.summary, "provisions: " + ", ".join(human_cite(c) for c in f.cites),
             _reading_line(f.reading, words) or f"reading: {f.reading}"]
    if f.timeline:
        lines.append("timeline:")
        lines += [f"  {t}" for t in f.timeline]
    if f.note:
        lines.append(f"note: {f.note}")
    if f.depends:
        lines.append(f"meeting it: {DEPENDS.get(f.depends, f.depends)}")
    if f.duration:
        lines.append(f"longest duration: {f.duration}")
    if f.root:
        root = next((r.summary for r in others if r.identity == f.root), f.root)
        lines.append(f"a cascade of: {root}")
    return "\n".join(lines)


def junit_findings(report: FindReport, loaded: LoadedModel | None = None) -> str:
    """The JUnit XML of ``polity find``: one failing test case per finding, named in plain terms
    (``finding_title``), each name unique.

    Kinds searched without a finding show as passing cases when the report names them
    (``report["kinds"]``); a search without findings always yields one passing case, so the file
    is never empty.
    """
    suite = f"find.{report.model}"
    places = Places(loaded) if loaded is not None else None
    words = Context(loaded=loaded).reading
    names = unique([finding_title(f, places) for f in report.findings])
    cases = []
    for f, name in zip(report.findings, names, strict=True):
        case = ET.Element("testcase", {"classname": f"find.{f.kind}", "name": name, "time": "0.000"})
        ET.SubElement(case, "failure", {"type": f.kind, "message": f.summary}).text = finding_text(
            f, words, report.findings)
        cases.append(case)
    found = {f.kind for f in report.findings}
    for kind in report.kinds:
        if kind not in found:
            cases.append(ET.Element("testcase", {"classname": f"find.{kind}", "name": f"{kind}: none found",
                                                 "time": "0.000"}))
    if not cases:
        cases.append(ET.Element("testcase", {"classname": "find", "name": "no findings", "time": "0.000"}))
    return _document(_suite_element(suite, cases, report.seconds, {"model": report.model}))


def junit_amendment(report: ProposedChange, loaded: LoadedModel) -> str:
    """JUnit of an amendment or a diff: admissibility, then one case per verdict change (a
    failure; an ``error`` when one side could not be decided), per new finding (a failure) and
    per finding gone (passing, with what went), each name unique."""
    places = Places(loaded)
    words = Context(loaded=loaded).reading
    cases: list[ET.Element] = []

    def case(classname: str, name: str) -> ET.Element:
        c = ET.Element("testcase", {"classname": classname, "name": name, "time": "0.000"})
        cases.append(c)
        return c

    touched = "touches entrenched " + cite_list(report.entrenched_touched)
    adm = case("amend.admissibility", "entrenched provisions untouched" if report.admissible else touched)
    if not report.admissible:
        ET.SubElement(adm, "failure", {"type": "inadmissible", "message": touched}).text = "\n".join(
            f"{t.location}: change {t.change + 1} {t.how} ({human_cite(t.provision)})" for t in report.refusing())
    impact = report.impact
    if impact is None:
        ET.SubElement(case("amend.verdicts", "verdicts and findings"), "skipped", {
            "type": "not-analysed", "message": "not analysed: the amendment is inadmissible"})
    else:
        changes = impact.comparison.verdict_changes
        for c, name in zip(changes, unique([change_name(c) for c in changes]), strict=True):
            tag, kind = ("error", "undecided") if undecided(c) else ("failure", "changed-verdict")
            ET.SubElement(case("amend.verdicts", name), tag, {
                "type": kind, "message": f"{c.before} before, {c.after} after"}).text = "\n".join(
                [c.statement, *([c.reason] if c.reason else []), *[f"  {t}" for t in c.after_timeline]])
        if not changes:
            case("amend.verdicts", "no verdict changes")
        if report.find:
            added, removed = impact.comparison.findings_added, impact.comparison.findings_removed
            after = [*added, *(fc.after for fc in impact.comparison.findings_changed)]
            for f, name in zip(added, unique(["new: " + finding_title(f, places) for f in added]), strict=True):
                ET.SubElement(case(f"amend.find.{f.kind}", name), "failure", {
                    "type": f.kind, "message": f.summary}).text = finding_text(f, words, after)
            for f, name in zip(removed, unique(["gone: " + finding_title(f, places) for f in removed]),
                               strict=True):
                ET.SubElement(case(f"amend.find.{f.kind}", name), "system-out").text = finding_text(
                    f, words, removed)
            if not added:
                case("amend.find", "no new findings")
    props = {"model": report.model, "amendment": report.name}
    seconds = impact.seconds if impact is not None else 0.0
    return _document(_suite_element(f"amend.{report.model}", cases, seconds, props))


# ----------------------------------------------------------------------------- renderers


@renders("junit", SuiteReport)
def suite_junit(report: SuiteReport, context: Context) -> None:
    write(junit_check(report, context.loaded))


@renders("junit", FindReport)
def findings_junit(report: FindReport, context: Context) -> None:
    write(junit_findings(report, context.model("find's JUnit output")))


@renders("junit", AmendmentReport, DiffReport)
def amendment_junit(report: AmendmentReport | DiffReport, context: Context) -> None:
    write(junit_amendment(report, context.model("an amendment's JUnit output")))
