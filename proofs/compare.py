"""Two texts compared: the findings the second introduces, repairs and keeps, and the verdicts
of questions asked of both.

Articles are numbered differently in two texts, so findings are matched by what they are about,
never by citation: a finding's *subject* is the duty or office it is about (its ``about``), its
*causes* are the other elements behind it (the bars and failing conditions). Two findings
correspond when they are of the same kind, with corresponding subjects and corresponding causes,
correspondence being the crosswalk's (``properties/crosswalk.py``) or, where it says nothing, the same
element id. Every distinct cause is a finding of its own, so a duty blocked by another bar in the
second text is one finding repaired and one introduced, not one kept.

A finding of the text before with no counterpart after is *repaired* only as far as the search
after went: the report carries the searches of either text that a limit cut short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..properties.crosswalk import Crosswalk
from .records import (
    Change,
    CheckResult,
    CompareReport,
    FindingRecord,
    FindReport,
    MatchedFinding,
    QuestionPair,
)


@dataclass(frozen=True)
class _Key:
    kind: str
    subject: str
    causes: frozenset[str]
    reading: str


def _key(f: FindingRecord, cw: Crosswalk, side: int) -> _Key:
    """The finding as it reads in the text *after* (side 1 is already there)."""
    def there(element: str) -> str:
        return element if side == 1 else cw.counterpart(element, 0)

    subject = f.about or (f.elements[0] if f.elements else "")
    causes = frozenset(there(e) for e in f.elements if e != subject)
    return _Key(f.kind, there(subject), causes, f.reading)


Namer = Callable[[str], str | None]  # an element id -> its words in one model (None: unknown)


def _unnamed(_element: str) -> str | None:
    return None


def subject_text(f: FindingRecord, cw: Crosswalk, side: int, name: Namer = _unnamed) -> str:
    """What the finding is about in words: the crosswalk's name, else the model's words for the
    duty or office, else the finding's summary."""
    subject = f.about or (f.elements[0] if f.elements else "")
    return cw.subject_name(subject, side) or name(subject) or f.summary


def match_findings(before: Sequence[FindingRecord], after: Sequence[FindingRecord], cw: Crosswalk,
                   names: tuple[Namer, Namer] = (_unnamed, _unnamed)) -> list[MatchedFinding]:
    """Kept (in both), repaired (only before) and introduced (only after), in a fixed order:
    kept and repaired in the order of the findings before, then introduced in the order after.

    Findings are matched under the same reading label; a finding found under several readings
    is matched reading by reading."""
    waiting: dict[_Key, list[FindingRecord]] = {}
    for f in after:
        waiting.setdefault(_key(f, cw, 1), []).append(f)
    out: list[MatchedFinding] = []
    for f in before:
        k = _key(f, cw, 0)
        partners = waiting.get(k)
        if partners:
            out.append(MatchedFinding(Change.KEPT, f.kind, subject_text(f, cw, 0, names[0]), f, partners.pop(0)))
        else:
            out.append(MatchedFinding(Change.REPAIRED, f.kind, subject_text(f, cw, 0, names[0]), f, None))
    taken = {id(m.after) for m in out if m.after is not None}
    out += [MatchedFinding(Change.INTRODUCED, f.kind, subject_text(f, cw, 1, names[1]), None, f)
            for f in after if id(f) not in taken]
    return out


Ask = Callable[[int, str], CheckResult]  # (side, formula) -> the verdict in that text


def compare(cw: Crosswalk, found: tuple[FindReport, FindReport], ask: Ask, seconds: float = 0.0,
            names: tuple[Namer, Namer] = (_unnamed, _unnamed)) -> CompareReport:
    """The comparison record, from both texts' find reports and a way to ask a question of
    either text (``ask``, so that the caller decides where and how the solver runs)."""
    before_id, after_id = cw.spec.models
    questions = tuple(QuestionPair(q.id, q.statement, ask(0, q.formula[before_id]), ask(1, q.formula[after_id]))
                      for q in cw.spec.questions)
    provisions = tuple((c.name, tuple(c.in_.get(before_id, ())), tuple(c.in_.get(after_id, ())))
                       for c in cw.spec.provisions)
    incomplete = tuple((report.model, reading, what) for report in found for reading, what in report.incomplete)
    return CompareReport(before_id, after_id, cw.spec.crosswalk,
                         tuple(match_findings(found[0].findings, found[1].findings, cw, names)),
                         questions, provisions, incomplete, seconds)
