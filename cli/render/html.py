"""``polity report``: one self-contained HTML page a lawyer reads, prints and mails.

The constitution's text is the spine: every provision carries links to the findings it is
involved in, the proofs that rely on it and the properties about it, and each of those links
back. Nothing is fetched: the styles and the few lines of script (open every ``<details>`` when
printing) are inline, and a Content-Security-Policy of ``default-src 'none'`` forbids any
request. Every piece of text goes through ``html.escape``; verdicts are words, not colours.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ...model.system import citation_sort_key, human_cite
from ...proofs.explain import arg_phrase, reading_words
from ...proofs.kinds import finding_kind
from ...proofs.records import Change, CheckResult, Comparison, FindingRecord, TraceStep, Verdict
from ...proofs.report_data import Article, Report
from . import Context, renders
from .places import write

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

STYLE = """
body{font-family:Georgia,'Times New Roman',serif;line-height:1.45;max-width:60rem;margin:0 auto;
  padding:1rem 1.5rem;color:#111;background:#fff}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.92rem}
header dt{font-weight:bold}
nav ul{columns:2;list-style:none;padding-left:0}
a{color:#0b3d91}
a:focus{outline:3px solid #000;outline-offset:2px}
.verdict{font-weight:bold;border:1px solid #444;border-radius:3px;padding:0 .3em;font-family:sans-serif;font-size:.85em}
.v-violated,.v-reachable,.bad{border-style:double;border-width:3px}
.v-unknown,.v-holds_to_bound{border-style:dashed}
.marks{font-size:.88rem;margin:.1rem 0 .6rem 1.5rem;padding-left:0;list-style:none}
.marks li::before{content:"\\2192  "}
.art-line{margin:.2rem 0}
.provision{scroll-margin-top:1rem}
:target{background:#fff3b0}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;border-left:3px solid #888}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top}
ol.timeline{padding-left:1.2rem}
ins{text-decoration:underline;background:#e6ffe6}
del{text-decoration:line-through;background:#ffe6e6}
.note{font-size:.9rem;font-style:italic}
article{margin-bottom:1.2rem}
@page{size:A4;margin:18mm 16mm}
@media print{
  body{max-width:none;padding:0;font-size:10.5pt}
  nav{display:none}
  a{color:#000;text-decoration:none}
  details>summary{list-style:none}
  article,table,blockquote{break-inside:avoid-page}
  h2,h3,h4{break-after:avoid-page}
  :target{background:none}
}
"""

SCRIPT = """
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.dataset.closed=d.open?'':'1';d.open=true;});});
window.addEventListener('afterprint',function(){document.querySelectorAll('details').forEach(function(d){if(d.dataset.closed==='1'){d.open=false;}});});
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def finding_anchor(i: int) -> str:
    return f"finding-{i + 1}"


def property_anchor(pid: str) -> str:
    return "property-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in pid)


class Page:
    """One report being written: the anchors of provisions and what points at them."""

    def __init__(self, report: Report) -> None:
        self.r = report
        self.source = report.source
        self.findings: dict[str, list[int]] = {}  # provision anchor -> finding indices
        self.relied: dict[str, list[str]] = {}  # provision anchor -> property ids relying on it
        self.about: dict[str, list[str]] = {}  # provision anchor -> property ids about it
        events = report.loaded.constitution.events
        self.events = {ev.id: ev for ev in events}
        for i, f in enumerate(report.find.findings if report.find else ()):
            for c in dict.fromkeys(self.target(c) for c in f.cites):
                self.findings.setdefault(c, []).append(i)
        for r in report.suite.results if report.suite else ():
            for c in dict.fromkeys(self.target(c) for c in r.relies_on or ()):
                if r.id not in self.relied.setdefault(c, []):
                    self.relied[c].append(r.id)
        for pid, spec in report.suite_specs.items():
            for c in dict.fromkeys(self.target(c) for c in spec.cites):
                self.about.setdefault(c, []).append(pid)

    # ------------------------------------------------------------------------- provisions

    def target(self, cite: str) -> str:
        """The anchor a citation links to: the provision itself, else the nearest enclosing one."""
        if self.source is None:
            return cite
        c = cite
        while c not in self.source.provisions and "__" in c:
            c = c.rsplit("__", 1)[0]
        return c if c in self.source.provisions else cite

    def cite_link(self, cite: str) -> str:
        return f'<a href="#{e(self.target(cite))}">{e(human_cite(cite))}</a>'

    def cite_links(self, cites: Iterable[str]) -> str:
        ordered = sorted(dict.fromkeys(cites), key=citation_sort_key)
        return ", ".join(self.cite_link(c) for c in ordered) or "no provision"

    def quoted(self, cites: Iterable[str]) -> str:
        """Each provision linked, its full text on demand."""
        out = []
        for c in sorted(dict.fromkeys(cites), key=citation_sort_key):
            text = self.source.quote(c) if self.source is not None else ""
            body = f"<blockquote>{e(text)}</blockquote>" if text else "<p>(not in the text)</p>"
            out.append(f"<details><summary>{e(human_cite(c))}: the text</summary>{body}"
                       f'<p><a href="#{e(self.target(c))}">{e(human_cite(c))} in the constitution</a></p></details>')
        return "".join(out)

    def reading(self, label: str) -> str:
        return e(reading_words(label, self.r.loaded))

    # ------------------------------------------------------------------------- timelines

    def step(self, s: TraceStep) -> str:
        ev = self.events.get(s.event)
        says = ev.says if ev is not None else s.says
        descriptions = {a.id: a.description for a in ev.args} if ev is not None else {}
        details = ", ".join(arg_phrase(k, v, descriptions.get(k, "")) for k, v in sorted(s.args))
        text = e(says) + (f" ({e(details)})" if details else "")
        cites = f" &mdash; {self.cite_links(s.cites)}" if s.cites else ""
        quotes = self.quoted(s.cites) if s.cites else ""
        return f"<li><strong>Day {s.day}</strong>: {text}{cites}{quotes}</li>"

    def timeline(self, trace: tuple[TraceStep, ...] | None) -> str:
        if trace is None:
            return ""
        if not trace:
            return "<p>Timeline: no events; the initial state already decides it.</p>"
        steps = "".join(self.step(s) for s in trace)
        return f'<p>Timeline (day 0 is the start of the scenario):</p><ol class="timeline">{steps}</ol>'


def verdict(v: Verdict | str) -> str:
    v = str(v)
    words = {"holds_to_bound": "holds to the bound (not a proof)", "not_applicable": "not applicable"}
    return f'<span class="verdict v-{e(v)}">{e(words.get(v, v))}</span>'


# ----------------------------------------------------------------------------- sections


def _header(p: Page) -> str:
    h = p.r.header
    rows = [("Model", f"{h.title} ({h.model})"), ("Model file", h.model_file), ("Version hash", h.version_hash),
            ("Source text", h.source_file), ("Polity", h.polity_version), ("Date", h.date),
            ("Bounds", h.bound), ("Budgets", h.budgets), ("Solver", h.solver)]
    dl = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    left = "".join(f"<p>{e(par)}</p>" for par in h.omissions.split("\n\n") if par.strip())
    return (f"<header><h1>Polity report: {e(h.title)}</h1><dl>{dl}</dl>"
            f'<section aria-labelledby="not-covered"><h2 id="not-covered">What the analysis does not cover</h2>'
            f"{left}<p>Findings and bounded verdicts hold only up to the bounds above; only "
            f"&ldquo;proved&rdquo; and &ldquo;unreachable&rdquo; are claims about every course of events."
            f"</p></section></header>")


def _nav(p: Page) -> str:
    items = []
    if p.r.amendment is not None:
        items.append(("amendment", "The amendment"))
    if p.r.comparison is not None:
        items.append(("comparison", "The comparison"))
    if p.r.find is not None:
        items.append(("findings", "Findings"))
    if p.r.suite is not None:
        items.append(("proofs", "The proof suite"))
    items.append(("constitution", "The constitution"))
    links = "".join(f'<li><a href="#{a}">{e(t)}</a></li>' for a, t in items)
    return f'<nav aria-label="Contents"><h2>Contents</h2><ul>{links}</ul></nav>'


def _finding(p: Page, i: int, f: FindingRecord, level: int) -> str:
    status = "found: a course of events replayed by the independent interpreter" if f.replayed else "found"
    note = f'<p class="note">{e(f.note)}</p>' if f.note else ""
    return (f'<article id="{finding_anchor(i)}" aria-labelledby="{finding_anchor(i)}-h">'
            f'<h{level} id="{finding_anchor(i)}-h">Finding {i + 1}: {e(f.summary)}</h{level}>'
            f"<p><strong>Status:</strong> {e(status)}. <strong>Reading:</strong> {p.reading(f.reading)}.</p>"
            f"<p><strong>Provisions:</strong> {p.cite_links(f.cites)}</p>{p.quoted(f.cites)}"
            f"{p.timeline(f.trace)}{note}</article>")


def _root_title(p: Page, f: FindingRecord) -> str:
    """The root cause of a group: the duty or office the findings are about, in words."""
    kind, _, eid = f.about.partition(":")
    c = p.r.loaded.constitution
    if kind == "obligation":
        ob = next((o for o in c.obligations if o.id == eid), None)
        actor = next((a.name for a in c.actors if ob is not None and a.id == ob.actor), "")
        if ob is not None:
            text = f"{actor or 'someone'} must {ob.summary}"  # never .capitalize(): it lowercases names
            return text[:1].upper() + text[1:] + f" ({', '.join(map(human_cite, ob.cites))})"
    if kind == "office":
        off = next((o for o in c.offices if o.id == eid), None)
        if off is not None:
            return f"The office: {off.name}"
    return "Other provisions"


def _findings(p: Page) -> str:
    fr = p.r.find
    assert fr is not None
    out = ['<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>',
           f"<p>Faults of the text found without a property being written: {len(fr.findings)} in all, "
           f"searched up to {p.r.find_bound} events per course of events.</p>"]
    for reading, what in fr.incomplete:
        out.append(f"<p><strong>Not settled (unknown):</strong> {e(what)} under {p.reading(reading)}: "
                   "the budget ran out before the search ended.</p>")
    indexed = list(enumerate(fr.findings))
    for kind in fr.kinds:
        k = finding_kind(kind)
        title = k.title if k is not None else kind
        mine = [(i, f) for i, f in indexed if f.kind == kind]
        out.append(f'<section aria-labelledby="kind-{e(kind)}"><h3 id="kind-{e(kind)}">{e(title)}</h3>')
        if k is not None:
            out.append(f"<p>{e(k.description)}</p>")
        if not mine:
            cut = any(what for _r, what in fr.incomplete if kind in what)
            out.append("<p><strong>Status:</strong> "
                       + ("unknown: the search was cut short." if cut else
                          f"none found within {p.r.find_bound} events (a bounded search, not a proof of absence).")
                       + "</p></section>")
            continue
        groups: dict[str, list[tuple[int, FindingRecord]]] = {}
        for i, f in mine:
            groups.setdefault(f.about, []).append((i, f))
        for about, members in groups.items():
            gid = f"root-{kind}-{about}".replace(":", "-")
            out.append(f'<section aria-labelledby="{e(gid)}"><h4 id="{e(gid)}">{e(_root_title(p, members[0][1]))}</h4>')
            out.append(f"<p>{len(members)} finding(s) with this root.</p>")
            out += [_finding(p, i, f, 5) for i, f in members]
            out.append("</section>")
        out.append("</section>")
    out.append("</section>")
    return "".join(out)


def _result_block(p: Page, r: CheckResult) -> str:
    expected = "" if r.expected is None else f"; expected {verdict(r.expected)}"
    changed = " <strong>(changed: not as the suite expects)</strong>" if r.ok is False else ""
    rows = [f"<p><strong>{p.reading(r.reading)}</strong>: {verdict(r.verdict)}{expected}{changed}</p>"]
    if r.reason:
        rows.append(f"<p>{e(r.reason)}</p>")
    if r.relies_on is not None:
        relied = p.cite_links(r.relies_on) if r.relies_on else "no provision (the model's structure alone)"
        rows.append(f"<p>Relies on: {relied}</p>")
    if r.certificate is not None:
        by = " and ".join(r.certificate.rechecked_by) or "z3"
        rows.append(f"<p>Certificate: {e(r.certificate.method)}, re-checked by {e(by)}.</p>")
    rows.append(p.timeline(r.trace))
    return "<li>" + "".join(rows) + "</li>"


def _proofs(p: Page) -> str:
    sr = p.r.suite
    assert sr is not None
    by_id: dict[str, list[CheckResult]] = {}
    for r in sr.results:
        by_id.setdefault(r.id, []).append(r)
    table = ["<table><caption>Verdicts per property and reading</caption><thead><tr>"
             '<th scope="col">Property</th><th scope="col">Reading</th><th scope="col">Verdict</th>'
             '<th scope="col">Expected</th></tr></thead><tbody>']
    for pid, rs in by_id.items():
        for r in rs:
            table.append(f'<tr><th scope="row"><a href="#{property_anchor(pid)}">{e(_statement(p, r))}</a></th>'
                         f"<td>{p.reading(r.reading)}</td><td>{verdict(r.verdict)}</td>"
                         f"<td>{'-' if r.expected is None else verdict(r.expected)}</td></tr>")
    table.append("</tbody></table>")
    bad = sum(1 for r in sr.results if r.ok is False)
    out = [f'<section id="proofs" aria-labelledby="proofs-h"><h2 id="proofs-h">The proof suite</h2>'
           f"<p>{len(sr.results) - bad} of {len(sr.results)} verdicts as the suite expects"
           f" ({e(sr.suite)}, {sr.seconds:.1f} s).</p>", *table]
    for pid, rs in by_id.items():
        spec = p.r.suite_specs.get(pid)
        cites = tuple(spec.cites) if spec is not None else (rs[0].cites or ())
        out.append(f'<article id="{property_anchor(pid)}" aria-labelledby="{property_anchor(pid)}-h">'
                   f'<h3 id="{property_anchor(pid)}-h">{e(_statement(p, rs[0]))}</h3>'
                   f"<p>About: {p.cite_links(cites)}</p>{p.quoted(cites)}<ul>"
                   + "".join(_result_block(p, r) for r in rs) + "</ul></article>")
    out.append("</section>")
    return "".join(out)


def _statement(p: Page, r: CheckResult) -> str:
    spec = p.r.suite_specs.get(r.id)
    return (spec.statement if spec is not None else r.statement) or r.formula or "a property"


def _amendment(p: Page) -> str:
    am = p.r.amendment
    assert am is not None
    out = ['<section id="amendment" aria-labelledby="amendment-h">'
           f'<h2 id="amendment-h">The amendment: {e(am.title)}</h2>',
           f"<p>File: {e(am.file)}</p>", '<h3>The changes, as a redline</h3><ol>']
    for rl in am.redlines:
        marked = " ".join(f"<{k}>{e(t)}</{k}>" if k in ("ins", "del") else e(t) for k, t in rl.pieces)
        why = f'<p class="note">Why: {e(rl.rationale)}</p>' if rl.rationale else ""
        about = f"<p>Provisions: {p.cite_links(rl.cites)}</p>" if rl.cites else ""
        out.append(f"<li><p><strong>{e(rl.what)}</strong></p><p>{marked}</p>{about}{why}</li>")
    out.append("</ol><p class=\"note\">Inserted words are underlined, deleted words struck through.</p>")
    out.append("<h3>Admissibility</h3>")
    if am.admissible:
        out.append("<p><strong>Admissible</strong>: no entrenched provision is touched.</p>")
    else:
        touched = p.cite_links(am.entrenched_touched)
        out.append(f"<p><strong>Inadmissible</strong>: it touches the entrenched {touched}.</p><ul>")
        out += [f"<li>{p.cite_link(prov)}: {e(how)} (entrenched by {p.cite_links(by)})</li>"
                for prov, how, by in am.entrenchment]
        out.append("</ul>")
    out += [f'<p class="note">{e(n)}</p>' for n in am.notes]
    if am.impact is None:
        out.append("<p>Not analysed: an inadmissible amendment is not verified.</p></section>")
        return "".join(out)
    out.append(_changes(p, am.impact.comparison, "after the amendment"))
    out.append("</section>")
    return "".join(out)


def _changes(p: Page, c: Comparison, when: str) -> str:
    out = ["<h3>Verdicts that change</h3>"]
    if c.verdict_changes:
        out.append("<ul>" + "".join(
            f"<li>{e(v.statement or v.id)} ({p.reading(v.reading)}): {verdict(v.before)} before, "
            f"{verdict(v.after)} {e(when)}" + (f". {e(v.reason)}" if v.reason else "")
            + (f"<p>Relies on: {p.cite_links(v.after_relies_on)}</p>" if v.after_relies_on else "")
            + p.timeline(v.after_trace) + "</li>" for v in c.verdict_changes) + "</ul>")
    else:
        out.append(f"<p>No verdict changes ({c.unchanged} unchanged).</p>")
    if c.undecided:
        out.append("<p>Could not be decided on one side (not a change):</p><ul>" + "".join(
            f"<li>{e(u.statement or u.id)} ({p.reading(u.reading)}): {verdict(u.before)} before, "
            f"{verdict(u.after)} after; {e(u.limit)}</li>" for u in c.undecided) + "</ul>")
    out.append("<h3>Findings that change</h3>")
    groups = (("New findings (introduced)", c.findings_added), ("Findings gone (repaired)", c.findings_removed),
              ("Findings changed", tuple(fc.after for fc in c.findings_changed)))
    any_change = False
    for title, fs in groups:
        if not fs:
            continue
        any_change = True
        out.append(f"<h4>{e(title)}</h4><ul>" + "".join(
            f"<li><p>{e(f.summary)} ({p.reading(f.reading)})</p><p>Provisions: {p.cite_links(f.cites)}</p>"
            f"{p.timeline(f.trace)}</li>" for f in fs) + "</ul>")
    if not any_change:
        out.append("<p>No finding appears, goes or changes.</p>")
    return "".join(out)


def _comparison(p: Page) -> str:
    """This text against another: introduced / repaired / kept, the questions asked of both,
    and the crosswalk's corresponding provisions. Findings of this text link to their place on
    the page; the other text's are quoted as they stand (its articles are not on this page)."""
    c = p.r.comparison
    assert c is not None
    mine = list(p.r.find.findings) if p.r.find is not None else []
    heads = {Change.INTRODUCED: f"Introduced by {c.after} (not found in {c.before})",
             Change.REPAIRED: f"Repaired by {c.after} (found in {c.before}, not found in {c.after})",
             Change.KEPT: "Kept (found in both texts)"}
    out = [f'<section id="comparison" aria-labelledby="comparison-h"><h2 id="comparison-h">'
           f"{e(c.after)} against {e(c.before)}</h2>",
           f"<p>Findings matched by what they are about (the kind, the duty or office, the causes), "
           f"through the crosswalk &ldquo;{e(c.crosswalk)}&rdquo;, never by article number. "
           + ", ".join(f"{c.count(ch)} {e(ch.value)}" for ch in Change) + ".</p>"]
    if c.incomplete:
        out.append(f'<p class="note">{len(c.incomplete)} searches were cut short by their budget: a finding '
                   "not found there is not proved absent.</p>")
    for ch in Change:
        matched = [m for m in c.findings if m.change == ch]
        out.append(f"<h3>{e(heads[ch])}: {len(matched)}</h3>")
        if not matched:
            continue
        out.append("<ul>")
        for m in matched:
            parts = [f"<li><p><strong>{e(m.kind)}</strong>: {e(m.subject)}</p>"]
            if m.after is not None:
                at = mine.index(m.after) if m.after in mine else None
                link = (f' (<a href="#{finding_anchor(at)}">finding {at + 1} on this page</a>)' if at is not None
                        else "")
                parts.append(f"<p>In {e(c.after)}: {e(m.after.summary)}{link}. "
                             f"Provisions: {p.cite_links(m.after.cites)}</p>")
            if m.before is not None:
                cited = ", ".join(human_cite(x) for x in sorted(m.before.cites, key=citation_sort_key))
                steps = "".join(f"<li>{e(s.says)}</li>" for s in m.before.trace or ())
                parts.append(f"<details><summary>In {e(c.before)}: {e(m.before.summary)} ({e(cited)})</summary>"
                             + (f'<ol class="timeline">{steps}</ol>' if steps else "") + "</details>")
            out.append("".join(parts) + "</li>")
        out.append("</ul>")
    if c.questions:
        out.append(f'<h3>Questions asked of both texts</h3><table><thead><tr><th scope="col">Question</th>'
                   f'<th scope="col">{e(c.before)}</th><th scope="col">{e(c.after)}</th></tr></thead><tbody>')
        for q in c.questions:
            same = "" if q.differs else " (the same)"
            out.append(f'<tr><th scope="row">{e(q.statement)}</th><td>{verdict(q.before.verdict)}</td>'
                       f"<td>{verdict(q.after.verdict)}{e(same)}</td></tr>")
        out.append("</tbody></table>")
    if c.provisions:
        out.append(f'<h3>Corresponding provisions</h3><table><thead><tr><th scope="col">About</th>'
                   f'<th scope="col">{e(c.before)}</th><th scope="col">{e(c.after)}</th></tr></thead><tbody>')
        for name, before, after in c.provisions:
            out.append(f'<tr><th scope="row">{e(name)}</th><td>{e(", ".join(map(human_cite, before)))}</td>'
                       f"<td>{p.cite_links(after)}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return "".join(out)


def _article(p: Page, a: Article) -> str:
    starts = dict(a.starts)
    body = []
    marks_for_article = _marks(p, a.id)
    for i, line in enumerate(a.lines):
        subs = starts.get(i, ())
        anchors = "".join(f'<span class="provision" id="{e(s)}"></span>' for s in subs[1:])
        pid = f' id="{e(subs[0])}" class="art-line provision"' if subs else ' class="art-line"'
        body.append(f"<p{pid}>{anchors}{e(line)}</p>")
        for s in subs:
            body.append(_marks(p, s, human_cite(s)))
    heading = e(a.label.replace("Art.", "Article"))
    return (f'<article id="{e(a.id)}" aria-labelledby="{e(a.id)}-h"><h3 id="{e(a.id)}-h">{heading}</h3>'
            f"{marks_for_article}{''.join(body)}</article>")


def _marks(p: Page, anchor: str, label: str = "") -> str:
    items = []
    for i in p.findings.get(anchor, []):
        f = p.r.find.findings[i] if p.r.find else None
        if f is not None:
            items.append(f'<li>{e(label + ": ") if label else ""}involved in <a href="#{finding_anchor(i)}">'
                         f"finding {i + 1} ({e(f.kind)})</a></li>")
    for pid in p.relied.get(anchor, []):
        items.append(f'<li>{e(label + ": ") if label else ""}a proof relies on it: <a href="#{property_anchor(pid)}">'
                     f"{e(_spec_statement(p, pid))}</a></li>")
    for pid in p.about.get(anchor, []):
        items.append(f'<li>{e(label + ": ") if label else ""}a property is about it: <a href="#{property_anchor(pid)}">'
                     f"{e(_spec_statement(p, pid))}</a></li>")
    return f'<ul class="marks">{"".join(items)}</ul>' if items else ""


def _spec_statement(p: Page, pid: str) -> str:
    spec = p.r.suite_specs.get(pid)
    return spec.statement if spec is not None else pid


def _constitution(p: Page) -> str:
    if not p.r.articles:
        return ('<section id="constitution" aria-labelledby="constitution-h">'
                '<h2 id="constitution-h">The constitution</h2>'
                "<p>The model's source text was not found.</p></section>")
    toc = " ".join(f'<a href="#{e(a.id)}">{e(a.label.replace("Art. ", ""))}</a>' for a in p.r.articles)
    return (f'<section id="constitution" aria-labelledby="constitution-h"><h2 id="constitution-h">The constitution</h2>'
            f'<p>Articles: {toc}</p>{"".join(_article(p, a) for a in p.r.articles)}</section>')


def page(report: Report) -> str:
    """The whole page as one string."""
    p = Page(report)
    parts = [_header(p), _nav(p), "<main>"]
    if report.amendment is not None:
        parts.append(_amendment(p))
    if report.comparison is not None:
        parts.append(_comparison(p))
    if report.find is not None:
        parts.append(_findings(p))
    if report.suite is not None:
        parts.append(_proofs(p))
    parts += [_constitution(p), "</main>"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Polity report: {e(report.header.title)}</title><style>{STYLE}</style></head><body>"
            + "".join(parts) + f"<script>{SCRIPT}</script></body></html>")


@renders("html", Report)
def report_html(report: Report, context: Context) -> None:
    write(page(report))
