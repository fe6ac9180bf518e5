"""What ``polity report`` puts on its page, assembled from the typed records of the use cases.

``assemble`` calls ``check``, ``find`` and (for an amendment) ``impact_of`` from usecases.py and
gathers their records with what a reader needs around them: the constitution's text article by
article (the spine of the page), the header facts (model, version hash, source, Polity's version,
date, bounds, budgets, solver, the model card's omissions), and an amendment's redline. The HTML
renderer (cli/render/html.py) only lays this out. No Z3 here beyond what the use cases import.

A comparison of two texts (``--compare OTHER``: what this text introduces, repairs and keeps
against OTHER) is the compare use case's record, ``Report.comparison``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.loader import LoadedModel, load_model
from ..model.source import SourceText, load_source
from ..model.system import citation_sort_key, human_cite
from .records import CompareReport, FindReport, ImpactReport, SuiteReport
from .usecases import Progress, Quiet, Tell, _ignore

# ----------------------------------------------------------------------------- the spine


@dataclass(frozen=True)
class Provision:
    """A numbered paragraph or item of an article, with its full text."""

    id: str
    label: str
    text: str
    line: int


@dataclass(frozen=True)
class Article:
    """One article: its lines in full, and at which of them each provision starts."""

    id: str
    label: str
    lines: tuple[str, ...]
    starts: tuple[tuple[int, tuple[str, ...]], ...]  # (index into lines, provisions starting there)
    provisions: tuple[Provision, ...]
    line: int


def articles_of(source: SourceText) -> tuple[Article, ...]:
    """The constitution article by article, in the order of the text."""
    arts = sorted((k for k in source.provisions if "__" not in k), key=citation_sort_key)
    out = []
    for art in arts:
        lines = tuple(source.provisions[art].split("\n")) if source.provisions[art] else ()
        subs = sorted((k for k in source.provisions if k.startswith(art + "__")),
                      key=lambda k: (source.lines.get(k, 0), k.count("__"), citation_sort_key(k)))
        starts: dict[int, list[str]] = {}
        i = 0
        for sub in subs:  # each provision starts at the first line of its own text, in order
            first = source.provisions[sub].split("\n", 1)[0]
            j = i
            while j < len(lines) and lines[j] != first:
                j += 1
            if j == len(lines):
                j = i  # not found in order (should not happen): attach where we are
            starts.setdefault(j, []).append(sub)
            i = j
        provisions = tuple(Provision(k, human_cite(k), source.quote(k), source.lines.get(k, 0)) for k in subs)
        out.append(Article(art, human_cite(art), lines, tuple((k, tuple(v)) for k, v in sorted(starts.items())),
                           provisions, source.lines.get(art, 0)))
    return tuple(out)


# ----------------------------------------------------------------------------- the header


@dataclass(frozen=True)
class Header:
    """What produced the page, so a reader can judge and reproduce it."""

    model: str
    title: str
    model_file: str
    version_hash: str
    source_file: str
    polity_version: str
    date: str
    bound: str
    budgets: str
    solver: str
    omissions: str  # what the analysis does not cover (the model card), or saying there is none


def _sha(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()[:16]


def _polity_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("polity")
    except PackageNotFoundError:
        return "0.0.0"


def report_date() -> str:
    """Today (UTC), or the day SOURCE_DATE_EPOCH names, so a build can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = (_dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch.isdigit()
            else _dt.datetime.now(_dt.UTC))
    return when.date().isoformat()


def model_card(loaded: LoadedModel) -> Path | None:
    """The model card ``docs/models/<id>.md``: beside the model file, or in the repository."""
    name = f"{loaded.constitution.id}.md"
    here = loaded.path.resolve().parent
    for p in (here / name, here / "docs" / "models" / name, *(d / "docs" / "models" / name for d in here.parents)):
        if p.is_file():
            return p
    return None


_HEADING = re.compile(r"^(#+)\s+(.*)$")


def omissions(card_text: str) -> str:
    """The section of a model card whose heading speaks of omissions or what is not covered."""
    lines = card_text.splitlines()
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and re.search(r"omission|not (cover|model)|out of scope|limitation", m.group(2), re.I):
            level, body = len(m.group(1)), []
            for nxt in lines[i + 1:]:
                n = _HEADING.match(nxt)
                if n and len(n.group(1)) <= level:
                    break
                body.append(nxt)
            return "\n".join(body).strip()
    return ""


# ----------------------------------------------------------------------------- an amendment


@dataclass(frozen=True)
class Redline:
    """One change of an amendment as a drafting office marks it: pieces of text that stay,
    are inserted or are deleted, and the provisions it concerns."""

    number: int
    what: str
    rationale: str
    pieces: tuple[tuple[str, str], ...]  # ("same" | "ins" | "del", text)
    cites: tuple[str, ...]


@dataclass(frozen=True)
class AmendmentPart:
    title: str
    file: str
    admissible: bool
    entrenched_touched: tuple[str, ...]
    entrenchment: tuple[tuple[str, str, tuple[str, ...]], ...]  # (provision, how, entrenched by)
    redlines: tuple[Redline, ...]
    notes: tuple[str, ...]
    impact: ImpactReport | None  # None: not analysed (inadmissible)


def _words(text: str) -> list[str]:
    return text.split()


def word_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """A redline of two texts, word by word.

    >>> word_diff("two thirds of all", "three fifths of all")
    (('del', 'two thirds'), ('ins', 'three fifths'), ('same', 'of all'))
    """
    import difflib

    a, b = _words(before), _words(after)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", " ".join(b[j1:j2])))
    return tuple(out)


def _element_words(el: Any) -> str:
    """An element of a model in the model's own words (never its conditions' ids)."""
    if not isinstance(el, dict):
        return str(el)
    for key in ("says", "summary", "description", "name"):
        if el.get(key):
            return str(el[key])
    return "(an element without a description)"


def _section_item(loaded: LoadedModel, section: str, eid: str) -> dict[str, Any] | None:
    items = getattr(loaded.constitution, section, None) or []
    for it in items:
        if getattr(it, "id", None) == eid:
            return dict(it.model_dump(by_alias=True))
    return None


def redlines(loaded: LoadedModel, amendment: Any, source: SourceText | None) -> tuple[Redline, ...]:
    """Each change as a redline: a struck provision's text deleted in full; a number set anew
    (old value deleted, new inserted); an element added (its words inserted) or replaced (its
    words compared word by word)."""
    out = []
    params = {p.id: p for p in loaded.constitution.parameters}
    for i, ch in enumerate(amendment.spec.changes, 1):
        if ch.strike is not None:
            text = source.quote(ch.strike) if source is not None else ""
            out.append(Redline(i, f"strike {human_cite(ch.strike)}", ch.rationale,
                               (("del", text or f"the whole of {human_cite(ch.strike)}"),), (ch.strike,)))
        elif ch.set is not None:
            p = params.get(ch.set.parameter)
            what = p.description if p is not None and p.description else "a number of the text"
            old = str(p.value) if p is not None else "?"
            out.append(Redline(i, f"set {what}", ch.rationale,
                               (("same", f"{what}:"), ("del", old), ("ins", str(ch.set.value))),
                               tuple(p.cites) if p is not None else ()))
        elif ch.add is not None:
            el = ch.add.element
            cites = tuple(el.get("cites") or ()) if isinstance(el, dict) else ()
            out.append(Redline(i, f"add to {ch.add.section}", ch.rationale, (("ins", _element_words(el)),), cites))
        elif ch.replace is not None:
            old_el = _section_item(loaded, ch.replace.section, ch.replace.id)
            new_el = ch.replace.element
            before, after = _element_words(old_el or {}), _element_words(new_el)
            pieces = word_diff(before, after)
            if before == after:
                pieces = (("same", before), ("ins", "(its conditions or effects change; the wording stays)"))
            cites = tuple(dict.fromkeys([*((old_el or {}).get("cites") or ()),
                                         *((new_el.get("cites") or ()) if isinstance(new_el, dict) else ())]))
            out.append(Redline(i, f"replace in {ch.replace.section}", ch.rationale, pieces, cites))
    return tuple(out)


# ----------------------------------------------------------------------------- the page's data


@dataclass(frozen=True)
class Report:
    """Everything ``polity report`` shows; ``comparison`` is this text against another
    (``--compare``: introduced / repaired / kept)."""

    header: Header
    loaded: LoadedModel
    source: SourceText | None
    articles: tuple[Article, ...]
    suite: SuiteReport | None = None
    suite_specs: dict[str, Any] = field(default_factory=dict)  # property id -> its spec (statement, cites)
    find: FindReport | None = None
    find_bound: int = 0
    amendment: AmendmentPart | None = None
    comparison: CompareReport | None = None


def assemble(model: Path | None = None, suite: Path | None = None, amendment: Path | None = None,
             bound: int | None = None, timeout: float | None = None, find_timeout: float = 300.0,
             find_bound: int | None = None, jobs: int = 1, only: list[str] | None = None,
             run_check: bool = True, run_find: bool = True, progress: Progress | None = None,
             tell: Tell = _ignore, compare_with: Path | None = None, crosswalk: Path | None = None) -> Report:
    """Run the use cases the page needs and gather their records."""
    from . import usecases
    from .discover import FIND_BOUND
    from .engine import DEFAULT_BOUND, DEFAULT_TIMEOUT

    loaded = load_model(model)
    src_path = loaded.source_path()
    source = load_source(src_path, loaded.constitution.source.starts_at) if src_path.is_file() else None
    shown = progress or Quiet()
    suite_report, specs = None, {}
    if run_check:
        loaded, s, suite_report = usecases.check(model, suite, bound, timeout, jobs, only, None, shown, tell)
        specs = {p.id: p for p in s.catalog.spec.properties}
    find_report = None
    fb = FIND_BOUND if find_bound is None else find_bound
    if run_find:
        loaded, find_report = usecases.find(model, None, fb, find_timeout, None, False, jobs, shown)
    comparison = None
    if compare_with is not None:
        comparison = usecases.compare(compare_with, model, crosswalk, fb, find_timeout, jobs, shown, tell,
                                      found_after=find_report)
    part = None
    if amendment is not None:
        part = _amendment(loaded, amendment, suite, bound, timeout, find_timeout if run_find else None, source)
    card = model_card(loaded)
    left_out = omissions(card.read_text(encoding="utf-8")) if card is not None else ""
    header = Header(
        model=loaded.constitution.id, title=loaded.constitution.title, model_file=loaded.file,
        version_hash=_sha([loaded.path, src_path]), source_file=src_path.name,
        polity_version=_polity_version(), date=report_date(),
        bound=(f"proofs: {DEFAULT_BOUND if bound is None else bound} events; "
               f"findings: {fb} events"),
        budgets=(f"proofs: {DEFAULT_TIMEOUT if timeout is None else timeout:g} s each (or the suite's own); "
                 f"findings: {find_timeout:g} s in all"),
        solver=(f"z3 {suite_report.solver.z3}, seed {suite_report.solver.seed}" if suite_report is not None
                else f"z3 {usecases.solver_info().z3}"),
        omissions=left_out or ("The model has no model card (docs/models/"
                               f"{loaded.constitution.id}.md): what it leaves out is not stated."))
    return Report(header, loaded, source, articles_of(source) if source is not None else (), suite_report,
                  specs, find_report, fb, part, comparison)


def _amendment(loaded: LoadedModel, path: Path, suite: Path | None, bound: int | None, timeout: float | None,
               find_timeout: float | None, source: SourceText | None) -> AmendmentPart:
    from ..model.amendment import apply_amendment, entrenchment, load_amendment
    from .usecases import impact_of

    am = load_amendment(path)
    touches = entrenchment(loaded, am)
    applied = apply_amendment(loaded, am)
    impact = None
    if not touches:
        _name, impact = impact_of(loaded, applied.model, suite, bound, timeout, None,
                                  find_timeout is not None, find_timeout or 120.0)
    return AmendmentPart(
        am.spec.title, am.file, not touches,
        tuple(sorted({t.provision for t in touches}, key=citation_sort_key)),
        tuple((t.provision, t.how, tuple(t.by)) for t in touches),
        redlines(loaded, am, source), tuple(applied.notes), impact)
