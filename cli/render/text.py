"""Human text on stdout (rich tables and lines; nothing in user text is markup: cli/output.py)."""

from __future__ import annotations

from typing import Any

from ...model.source import SourceText
from ...proofs.kinds import DEPENDS
from ...proofs.records import (
    AmendmentReport,
    Change,
    CheckResult,
    CompareReport,
    DiffReport,
    EntrenchmentReport,
    FindingDiff,
    FindReport,
    ImpactReport,
    ProposedChange,
    QueryAnswer,
    QueryReport,
    SequenceReport,
    SuiteReport,
    TouchRecord,
)
from ...proofs.usecases import Explanation
from ..output import citation_sort_key, human_cite, line, out, show, source_for, verdict_text
from . import Context, renders


def _source(context: Context) -> SourceText | None:
    return source_for(context.loaded) if context.quote and context.loaded is not None else None


def _reading(context: Context, label: str) -> str:
    """'reading default', or a reading in the model's words (``Context.reading``)."""
    words = context.reading(label)
    return f"reading {label}" if words == label else words


@renders("text", CheckResult)
def result_text(r: CheckResult, context: Context) -> None:
    print_result(r, _source(context))


def print_result(r: CheckResult, source: SourceText | None) -> None:
    named = r.statement or (r.id if r.formula is None else r.formula)  # words first; a typed formula as typed
    show(verdict_text(r.verdict_words()), f"  {named}  ",
         (f"({r.seconds:.2f} s, bound {r.bound})", "dim"))
    if r.reason:
        show(f"  {r.reason}")
    if r.trace is not None and r.timeline:
        show("  timeline:")
        for text in r.timeline:
            show(f"    {text}")
    if r.relies_on is not None:
        named = ", ".join(human_cite(c) for c in r.relies_on) or VOCABULARY_ALONE
        show(f"  relies on: {named}")
    if source is not None:
        cites = list(r.relies_on or [])
        for step in r.trace or []:
            cites += step.cites
        for c in sorted(set(cites), key=citation_sort_key):
            show(f"    {human_cite(c)}: \u201c{source.quote(c)}\u201d")
    if r.certificate is not None:
        cert = r.certificate
        what = f"k-induction, k={cert.k}" if cert.method == "k-induction" else "inductive invariant (Spacer)"
        by = cert.rechecked_by
        show("  certificate: " + what + ", re-checked" + (" by " + " and ".join(by) if by else ""))


VOCABULARY_ALONE = "no provision: holds by the vocabulary alone"




@renders("text", SuiteReport)
def suite_text(report: SuiteReport, context: Context) -> None:
    from rich.table import Table

    table = Table(title=f"suite {report.suite} on {report.model}", show_lines=False)
    for col in ("property", "reading", "verdict", "expected", "s"):
        table.add_column(col)
    for r in report.results:
        mark = "" if r.ok else " CHANGED"
        table.add_row(r.id, context.reading(r.reading), line(verdict_text(r.verdict_words()), (mark, "bold red")),
                      _expected(r) or "-", f"{r.seconds:.2f}")
    out.print(table)
    bad = [r for r in report.results if not r.ok]
    source = _source(context)
    for r in bad:
        show("\n", (r.id, "bold"), f" [{context.reading(r.reading)}]: expected {_expected(r)}, got ",
             verdict_text(r.verdict_words()))
        print_result(r, source)
    n = len(report.results)
    show(f"\n{n - len(bad)}/{n} as expected in {report.seconds:.1f} s")


def _expected(r: CheckResult) -> str | None:
    """The expectation as the suite's JSON has it (none unless the result was judged)."""
    return None if r.ok is None or r.expected is None else r.expected.value


@renders("text", FindReport)
def findings_text(report: FindReport, context: Context) -> None:
    source = _source(context)
    findings = report.findings
    if not findings:
        show(f"no findings ({report.seconds:.1f} s)")
        questions_text(report, context)
        return
    for f in findings:
        show("\n", (f.kind, "bold"), f": {f.summary}")
        cited = ", ".join(human_cite(c) for c in f.cites)
        show(f"  provisions: {cited}  ", (f"({_reading(context, f.reading)})", "dim"))
        for text in f.timeline:
            show(f"    {text}")
        if f.note:
            show("  ", (f.note, "dim"))
        if f.depends:
            show(f"  meeting it: {DEPENDS.get(f.depends, f.depends)}")
        if f.duration:
            show(f"  longest duration: {f.duration}")
        if f.root:
            root = next((r.summary for r in findings if r.identity == f.root), f.root)
            show(f"  a cascade of: {root}")
        if source is not None:
            for c in f.cites:
                show(f"    {human_cite(c)}: \u201c{source.quote(c)}\u201d")
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    show("\n" + ", ".join(f"{n} {k}" for k, n in kinds.items()) + f" in {report.seconds:.1f} s")
    questions_text(report, context)


def questions_text(report: FindReport, context: Context) -> None:
    """Every question asked: the count per status, then each one not found, with its status."""
    if not report.questions:
        return
    counts: dict[str, int] = {}
    for q in report.questions:
        counts[q.status.value] = counts.get(q.status.value, 0) + 1
    show(f"{len(report.questions)} questions: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))
    said = ""
    for q in report.questions:
        if q.status.value == "found":
            continue
        words = context.reading(q.reading)
        if words == q.reading:  # a label (default): short enough for every line
            show(f"  {q.what} [{q.reading}]: {q.text()}")
            continue
        if words != said:  # a reading in words: said once above its questions
            show(f"  under {words}")
            said = words
        show(f"    {q.what}: {q.text()}")


@renders("text", Explanation)
def explanation_text(spec: Explanation, context: Context) -> None:
    """Always quotes: explaining a property is reading the provisions it is about."""
    source = source_for(context.loaded) if context.loaded is not None else None
    show((spec.id, "bold"), f": {spec.statement}")
    show(f"  formula: {spec.formula}")
    show("  about:")
    for c in spec.cites:
        text = source.quote(c) if source else ""
        show(f"    {human_cite(c)}: \u201c{text}\u201d")
    for r in spec.results:
        show(f"\n  {_reading(context, r.reading)}: ", end="")
        print_result(r, source)


# ----------------------------------------------------------------------------- query


@renders("text", QueryReport)
def query_text(report: QueryReport, context: Context) -> None:
    from rich.table import Table

    show((report.query, "bold"), f" on {report.model} ({_reading(context, report.reading)})")
    show(f"  {report.statement}")
    table = Table(show_lines=False)
    for col in ("answer", "value", "status", "proof"):
        table.add_column(col)
    style = {"optimal": "green", "unbounded": "yellow", "infeasible": "dim", "unknown": "magenta"}
    for a in report.answers:
        proof = a.proof  # the solver's own account, kept as its JSON (records.QueryAnswer)
        ptext = proof.get("result", "") if isinstance(proof, dict) and "result" in proof else (
            ", ".join(f"{k}: {p.get('result')}" for k, p in proof.items()) if isinstance(proof, dict) else "")
        table.add_row(_answer_tag(a), _value_text(a), line((a.status.value, style.get(a.status.value, ""))), ptext)
    out.print(table)
    for a in report.answers:
        show("\n", (_answer_tag(a), "bold"), f": {_value_text(a)}")
        show(f"  {a.statement}")
        if a.cites:
            show("  about: " + ", ".join(human_cite(c) for c in a.cites))
        claim = a.proof.get("claim") if isinstance(a.proof, dict) else None
        if claim:
            show(f"  proof: {claim} ({a.proof.get('result')})")
        for text in _trace_lines(a, context.system):
            show(f"    {text}")


def _answer_tag(a: QueryAnswer) -> str:
    return a.id + (f" (reading {a.reading})" if a.reading and a.reading != a.id else "")


def _value_text(a: QueryAnswer) -> str:
    v = a.value
    if v is None:
        return a.status.value
    if isinstance(v, dict) and "block" in v:
        force = "-" if v["force"] is None else f"{v['force']} ({a.detail['force_by']})"
        block = "none" if v["block"] is None else f"{v['block']} ({a.detail['block_by']})"
        return f"block {block}, force {force}"
    if a.unit.startswith("share"):
        return f"{v} = {a.detail['percent_of_votes_cast']}% of votes cast"
    return f"{v} {a.unit}"


def _trace_lines(a: QueryAnswer, system: Any) -> list[str]:
    trace = a.trace or ()
    lines = []
    for st in trace:
        if "event" in st:
            ev = system.events.get(st["event"])
            says = ev.says if ev is not None else st["event"]
            args = ", ".join(f"{k}={v}" for k, v in st["args"].items())
            lines.append(f"day {st['day']:>6}: {says}{' (' + args + ')' if args else ''}")
        else:
            lines.append(", ".join(f"{k}={v}" for k, v in st.items()))
    return lines


# ----------------------------------------------------------------------------- amend and diff


@renders("text", DiffReport)
def diff_text(report: DiffReport, context: Context) -> None:
    """The report of ``diff``: admissibility, then what the change changes."""
    _change_lines(report, context)


@renders("text", AmendmentReport)
def amendment_text(report: AmendmentReport, context: Context) -> None:
    """The report of ``amend`` with one amendment."""
    _change_lines(report, context)


@renders("text", SequenceReport)
def sequence_text(report: SequenceReport, context: Context) -> None:
    """The report of ``amend A B ...``: each step against the text as amended before it, then
    the whole sequence against the original text."""
    show((f"a sequence of {len(report.steps)} amendments", "bold"), "  ",
         (f"(model {report.model}; entrenchment read as {report.reading})", "dim"))
    for i, step in enumerate(report.steps, 1):
        show("\n", (f"step {i} (referendum {i})", "bold"),
             (": put to the original text" if i == 1 else
              f": put to the text as amended by {'step 1' if i == 2 else f'steps 1-{i - 1}'}", "dim"))
        _change_lines(step, context, in_sequence=True)
    others = ", ".join(f"{r}: {'admissible' if report.admissible_under(r) else 'inadmissible'}"
                       for r in report.readings() if r != report.reading)
    show("\n", ("the whole sequence", "bold"), ": ",
         ("admissible", "bold green") if report.admissible else ("inadmissible", "bold red"),
         f" under the {report.reading} reading" + (f" ({others})" if others else ""))
    if report.whole is None:
        show("not analysed (use --ignore-entrenchment to analyse anyway)")
        return
    _analysis_lines(report.whole, report.find, context)


def _change_lines(report: ProposedChange, context: Context, in_sequence: bool = False) -> None:
    amendment = report if isinstance(report, AmendmentReport) else None
    if amendment is not None:
        show((amendment.title, "bold"), "  ", (f"({amendment.file}, model {report.model})", "dim"))
        for i, ch in enumerate(amendment.changes, 1):
            show(f"  {i}. {ch.what}")
            if ch.rationale:
                show("     ", (ch.rationale, "dim"))
        for note in amendment.notes:
            show("  ", (f"note: {note}", "dim"))
    elif isinstance(report, DiffReport):
        show((report.before, "bold"), " -> ", (report.after, "bold"), "  ", (f"(model {report.model})", "dim"))
    under = f" under the {amendment.reading} reading of entrenchment" if amendment is not None else ""
    if report.admissible:
        show(("admissible", "bold green"), f": no entrenched provision is touched{under}")
    else:
        show(("inadmissible", "bold red"), f"{under}: touches entrenched "
             + ", ".join(human_cite(c) for c in report.entrenched_touched))
        for t in report.refusing():
            show(f"  {_touch_text(t)}")
    if amendment is not None:
        for r in amendment.readings():
            if r == amendment.reading:
                continue
            show(f"  under the {r} reading: " + ("admissible" if amendment.admissible_under(r) else "inadmissible"))
            for t in amendment.other_touches():
                if r in t.readings:
                    show(f"    {_touch_text(t)}")
    if report.impact is None:
        if not in_sequence:
            show("not analysed (use --ignore-entrenchment to analyse anyway)")
        return
    _analysis_lines(report.impact, report.find, context)


def _touch_text(t: TouchRecord) -> str:
    return (f"{t.location}: change {t.change + 1} {t.how} ({human_cite(t.provision)}, entrenched by "
            f"{', '.join(human_cite(b) for b in t.by)})" + _refused_by(t))


def _refused_by(touch: TouchRecord) -> str:
    rs = touch.readings
    if not rs:
        return ""
    if rs == ("implied",):
        return "; refused under implied entrenchment only: the clause that protects it is protected too"
    return "; refused under every reading"


def _analysis_lines(impact: ImpactReport, find: bool, context: Context) -> None:
    verdict = verdict_text
    report = impact.comparison
    changes = report.verdict_changes
    if changes:
        from rich.table import Table

        table = Table(title="verdicts that change")
        for col in ("property", "reading", "before", "after"):
            table.add_column(col)
        for c in changes:
            table.add_row(c.id, context.reading(c.reading), verdict(c.before.value), verdict(c.after.value))
        out.print(table)
        for c in changes:
            show("\n", (c.id, "bold"), " now ", verdict(c.after.value), f": {c.statement}")
            if c.reason:
                show(f"  {c.reason}")
            for text in c.after_timeline:
                show(f"    {text}")
            if c.after_relies_on is not None:
                show("  relies on: " + (", ".join(human_cite(x) for x in c.after_relies_on) or "no provision"))
    else:
        show("no verdict changes")
    for u in report.undecided:
        show("\n", (u.id, "bold"), f" [{context.reading(u.reading)}] could not be decided: ", verdict(u.before.value),
             " before, ", verdict(u.after.value), f" after; {u.limit}")
    if not find:
        show(("findings not compared (--no-find)", "dim"))
    for title, found in (("new finding", report.findings_added), ("finding gone", report.findings_removed)):
        for f in found:
            show("\n", (title, "bold"), f" ({f.kind}): {f.summary}")
            show("  provisions: " + ", ".join(human_cite(c) for c in f.cites))
            for text in f.timeline:
                show(f"    {text}")
    for fc in report.findings_changed:
        show("\n", ("finding changed", "bold"), f" ({fc.after.kind}): {fc.after.summary}")
        for text in _finding_changes(fc.changes):
            show(f"  {text}")
        if fc.changes.trace:
            for text in fc.after.timeline:
                show(f"    {text}")
    for t in report.trace_changes:
        show("\n", (t.id, "bold"), " still ", verdict(t.verdict.value), ", by another trace:")
        for text in t.after_timeline:
            show(f"    {text}")
    for r in report.reliance_changes:
        plus = ", ".join(human_cite(c) for c in r.added) or "-"
        minus = ", ".join(human_cite(c) for c in r.removed) or "-"
        show("\n", (r.id, "bold"), f" [{context.reading(r.reading)}] relies on other provisions: + {plus}; - {minus}")
    show(f"\n{len(changes)} verdict change(s), {len(report.undecided)} undecided, "
         f"{len(report.findings_added)} new finding(s), "
         f"{len(report.findings_removed)} gone, {len(report.findings_changed)} changed, "
         f"{len(report.reliance_changes)} "
         f"reliance change(s); {impact.checked} checks after the change, "
         f"{impact.reused_after} reused ({impact.cache.hits} cache hits) in "
         f"{impact.seconds:.1f} s")


def _finding_changes(what: FindingDiff) -> list[str]:
    """What changed in a finding, in a lawyer's words."""
    lines = []
    if what.cites_added is not None:
        plus = ", ".join(human_cite(c) for c in what.cites_added) or "-"
        minus = ", ".join(human_cite(c) for c in what.cites_removed or ()) or "-"
        lines.append(f"provisions: + {plus}; - {minus}")
    if what.summary_before is not None:
        lines.append(f"was: {what.summary_before}")
    if what.trace:
        lines.append("another trace:")
    return lines


@renders("text", CompareReport)
def comparison_text(report: CompareReport, context: Context) -> None:
    """Introduced, repaired, kept; then the questions asked of both texts, then the crosswalk."""
    heads = {Change.INTRODUCED: f"introduced by {report.after} (not found in {report.before})",
             Change.REPAIRED: f"repaired by {report.after} (found in {report.before}, not found in {report.after})",
             Change.KEPT: "kept (found in both)"}
    show(f"{report.before} -> {report.after} (crosswalk {report.crosswalk})")
    for change in (Change.INTRODUCED, Change.REPAIRED, Change.KEPT):
        matched = [m for m in report.findings if m.change == change]
        show("\n", (f"{heads[change]}: {len(matched)}", "bold"))
        for m in matched:
            show(f"  {m.kind}: {m.subject}")
            for side, f in ((report.before, m.before), (report.after, m.after)):
                if f is not None:
                    cited = ", ".join(human_cite(c) for c in f.cites)
                    said = "" if f.summary == m.subject else f"{f.summary} "
                    show(f"    {side}: {said}({cited})")
    if report.questions:
        show("\n", ("questions asked of both texts", "bold"))
        for q in report.questions:
            mark = "differs" if q.differs else "same"
            show(f"  {q.statement}: {report.before} {q.before.verdict.value}, "
                 f"{report.after} {q.after.verdict.value} ({mark})")
    if report.provisions:
        show("\n", ("corresponding provisions", "bold"))
        for name, before, after in report.provisions:
            show(f"  {name}: {', '.join(map(human_cite, before)) or '-'} / {', '.join(map(human_cite, after)) or '-'}")
    if report.incomplete:
        show("\n", (f"{len(report.incomplete)} searches cut short: a finding not found there is not "
                    "proved absent", "dim"))
    counts = ", ".join(f"{report.count(c)} {c.value}" for c in Change)
    show(f"\n{counts} in {report.seconds:.1f} s")


# ----------------------------------------------------------------------------- entrenchment


@renders("text", EntrenchmentReport)
def entrenchment_text(report: EntrenchmentReport, context: Context) -> None:
    """``polity entrenchment``: per reading, each unchangeable provision with its shortest plan,
    or what the exhaustive search over the menu does and does not show."""
    show((f"self-amendment of model {report.model}", "bold"),
         ": can a sequence of admissible amendments change an unchangeable provision?")
    show("  menu (one change per amendment): " + "; ".join(report.menu))
    for text in report.procedure:
        show("  ", (f"procedure: {text}", "dim"))
    by_reading: dict[str, list[Any]] = {}
    for a in report.answers:
        by_reading.setdefault(a.reading, []).append(a)
    for reading, answers in by_reading.items():
        show("\n", (f"{reading} entrenchment", "bold"))
        for a in answers:
            head = f"  {human_cite(a.provision)} ({a.statement})"
            if a.plan:
                show(head, ": ", ("changeable", "bold red"), f" in {len(a.plan)} step(s):")
                for st in a.plan:
                    when = ("" if st.latest_day is None else
                            f", adopted by day {st.latest_day} at the latest (days from the first initiative)")
                    show(f"    referendum {st.number}: {st.says}{when}")
                    show("      ", ("provisions: " + ", ".join(human_cite(c) for c in st.provisions), "dim"))
            else:
                show(head, ": ", ("no sequence", "bold green"),
                     f" of at most {a.bound} amendment(s) over the menu changes it (the search was exhaustive:"
                     " a proof for this menu and bound only)")
                if a.closed_after is not None:
                    show(f"    the menu reaches no new text after {a.closed_after} step(s), so no longer"
                         " sequence over it does either")
            if a.expected is not None:
                want = "none" if a.expected == "none" else f"{a.expected} step(s)"
                show("    expected: ", want, " -- ", ("ok", "green") if a.ok else ("DIFFERENT", "bold red"))
    bad = sum(1 for a in report.answers if a.ok is False)
    show(f"\n{len(report.answers)} answer(s), {bad} different from the expected, in {report.seconds:.1f} s")
