"""Typed records of everything Polity reports, from the engine to every output.

Frozen dataclasses, each with ``to_json`` and ``from_json``: the cache, the process pool and
stdout keep moving plain JSON, and ``to_json`` writes exactly the keys, in exactly the order,
that the reports always had (optional fields are left out when absent, as before), so
``from_json(to_json(x)) == x``. No Z3 here: a renderer or a test can read records without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from ..model.system import citation_sort_key

Json = dict[str, Any]


class Verdict(str, Enum):
    """What Polity can honestly say about a property. ``rank`` orders them from the claim a
    reader must see first (a broken property) to the one that says least; only ``proved`` and
    ``unreachable`` are claims about all traces."""

    PROVED = "proved"  # holds on every trace, unbounded; certificate re-checked
    VIOLATED = "violated"  # a trace breaks it; replayed by the interpreter
    REACHABLE = "reachable"  # a witness trace exists; replayed
    UNREACHABLE = "unreachable"  # no trace reaches it, unbounded; certificate re-checked
    HOLDS_TO_BOUND = "holds_to_bound"  # no counterexample / witness up to the bound; NOT a proof
    UNKNOWN = "unknown"  # timeout or resource limit: no claim at all
    NOT_APPLICABLE = "not_applicable"  # the property mentions something the model no longer has

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        """Precedence: 0 is shown first (``violated``), the largest last (``not_applicable``).

        >>> sorted([Verdict.UNKNOWN, Verdict.PROVED, Verdict.VIOLATED], key=lambda v: v.rank)
        [<Verdict.VIOLATED: 'violated'>, <Verdict.PROVED: 'proved'>, <Verdict.UNKNOWN: 'unknown'>]
        """
        return _RANK[self]

    @property
    def unbounded(self) -> bool:
        """A claim about every trace, backed by a re-checked certificate."""
        return self in (Verdict.PROVED, Verdict.UNREACHABLE)

    @property
    def has_trace(self) -> bool:
        """A claim backed by a replayed trace."""
        return self in (Verdict.VIOLATED, Verdict.REACHABLE)

    @classmethod
    def first(cls, verdicts: Iterable[Verdict]) -> Verdict | None:
        """The verdict of highest precedence among ``verdicts`` (None if there are none)."""
        return min(verdicts, key=lambda v: v.rank, default=None)


_RANK = {v: i for i, v in enumerate([
    Verdict.VIOLATED, Verdict.REACHABLE, Verdict.PROVED, Verdict.UNREACHABLE,
    Verdict.HOLDS_TO_BOUND, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE])}
PROPERTY_VERDICTS = tuple(v for v in Verdict if v != Verdict.NOT_APPLICABLE)  # what an engine returns


class AnswerStatus(str, Enum):
    """How a quantitative query's answer stands (query_answers.py)."""

    OPTIMAL = "optimal"  # attained by a replayed trace, and nothing better exists (re-checked)
    UNBOUNDED = "unbounded"  # a witness beyond any cap
    INFEASIBLE = "infeasible"  # no trace satisfies the question's condition
    UNKNOWN = "unknown"  # the solver could not tell within the limit
    LOWER_BOUND = "lower_bound"  # attained, but optimality not shown (maximising)
    UPPER_BOUND = "upper_bound"  # attained, but optimality not shown (minimising)

    def __str__(self) -> str:
        return self.value


def _tuple(xs: Iterable[Any] | None) -> tuple[Any, ...] | None:
    return None if xs is None else tuple(xs)


def _put(out: Json, key: str, value: Any) -> None:
    """Write an optional field: absent when None."""
    if value is not None:
        out[key] = value


def reading_label(reading: Mapping[str, str], default: Mapping[str, str],
                  judged: list[str] | None = None) -> str:
    """The one name of a reading in every report: ``id=option`` for each reading that matters,
    comma-separated; ``default`` when none does. A property judged per reading (a suite's
    ``readings``) names those, in its order, whatever they are; otherwise the readings that
    differ from the model's default matter, in id order.

    >>> reading_label({"r": "a", "q": "b"}, {"r": "a", "q": "a"}), reading_label({"r": "a"}, {"r": "a"})
    ('q=b', 'default')
    >>> reading_label({"r": "a", "q": "b"}, {"r": "a", "q": "b"}, judged=["r"])
    'r=a'
    """
    if judged:
        return ",".join(f"{rid}={reading[rid]}" for rid in judged)
    return ",".join(f"{k}={v}" for k, v in sorted(reading.items()) if default.get(k) != v) or "default"


# ----------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class TraceStep:
    """One event of a replayed trace, as reports show it: day, event, arguments, citations,
    and the sentence that narrates it."""

    day: int
    event: str
    args: tuple[tuple[str, int], ...] = ()
    cites: tuple[str, ...] = ()
    says: str = ""

    def to_json(self) -> Json:
        return {"day": self.day, "event": self.event, "args": dict(self.args),
                "cites": list(self.cites), "says": self.says}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TraceStep:
        return cls(int(d["day"]), str(d["event"]),
                   tuple((str(k), int(v)) for k, v in dict(d.get("args") or {}).items()),
                   tuple(d.get("cites") or ()), str(d.get("says", "")))


def _trace_json(trace: tuple[TraceStep, ...] | None) -> list[Json] | None:
    return None if trace is None else [s.to_json() for s in trace]


def _trace_from(d: Any) -> tuple[TraceStep, ...] | None:
    return None if d is None else tuple(TraceStep.from_json(s) for s in d)


@dataclass(frozen=True)
class Certificate:
    """Why an unbounded verdict is believed: the method and what was re-checked."""

    method: str  # "k-induction" or "spacer-invariant"
    k: int | None = None
    invariant: str | None = None
    rechecked: bool = False
    smt2: str | None = None  # the invariant in SMT-LIB, which anyone can re-check
    rechecked_by: tuple[str, ...] = ()  # the solvers that re-checked it (see second_solver.py)

    def to_json(self) -> Json:
        out: Json = {"method": self.method, "k": self.k, "invariant": self.invariant,
                     "rechecked": self.rechecked, "rechecked_by": list(self.rechecked_by)}
        _put(out, "smt2", self.smt2)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Certificate:
        return cls(d["method"], d.get("k"), d.get("invariant"), bool(d.get("rechecked", False)),
                   d.get("smt2"), tuple(d.get("rechecked_by") or ()))


@dataclass(frozen=True)
class SolverInfo:
    """What produced a report, so a reader can reproduce it."""

    z3: str
    seed: int = 0

    def to_json(self) -> Json:
        return {"z3": self.z3, "seed": self.seed}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SolverInfo:
        return cls(d["z3"], d["seed"])


# ----------------------------------------------------------------------------- check results


@dataclass(frozen=True)
class CheckResult:
    """One property under one reading: the verdict and its evidence, the property's words,
    and (once judged against a suite or ``--expect``) the expectation and whether it held.

    Fields that a producer does not know are None and left out of the JSON: a result that
    does not apply has no bound; only an unbounded verdict has ``relies_on``; ``expected`` and
    ``ok`` appear together, once judged (``expected`` None: the suite expects nothing)."""

    id: str
    reading: str
    verdict: Verdict
    bound: int | None = None
    seconds: float | None = None
    trace: tuple[TraceStep, ...] | None = None
    timeline: tuple[str, ...] | None = None
    relies_on: tuple[str, ...] | None = None
    core: tuple[str, ...] | None = None
    certificate: Certificate | None = None
    reason: str = ""
    solver_seconds: float | None = None
    reconfirmed: str | None = None  # how a verdict from before a change was re-established
    statement: str | None = None
    cites: tuple[str, ...] | None = None
    formula: str | None = None
    timeout: float | None = None  # the limit it ran under (impact: "could not be decided")
    cached: bool | None = None
    expected: Verdict | None = None
    ok: bool | None = None
    vacuous: bool | None = None  # a proved whenever-property whose trigger never happens (vacuity.py)

    def verdict_words(self) -> str:
        """The verdict as a report shows it: a vacuous proof is never plain ``proved``."""
        if self.vacuous and self.verdict == Verdict.PROVED:
            return "proved (vacuous: the trigger never happens)"
        return self.verdict.value

    def to_json(self) -> Json:
        out: Json = {"id": self.id, "reading": self.reading, "verdict": self.verdict.value}
        _put(out, "bound", self.bound)
        _put(out, "seconds", self.seconds)
        if self.trace is not None:
            out["trace"] = _trace_json(self.trace)
            out["timeline"] = list(self.timeline or ())
        _put(out, "relies_on", None if self.relies_on is None else list(self.relies_on))
        _put(out, "core", None if self.core is None else list(self.core))
        _put(out, "certificate", None if self.certificate is None else self.certificate.to_json())
        if self.reason:
            out["reason"] = self.reason
        _put(out, "solver_seconds", self.solver_seconds)
        _put(out, "reconfirmed", self.reconfirmed)
        _put(out, "statement", self.statement)
        _put(out, "cites", None if self.cites is None else list(self.cites))
        _put(out, "formula", self.formula)
        _put(out, "timeout", self.timeout)
        _put(out, "cached", self.cached)
        if self.ok is not None:
            out["expected"] = None if self.expected is None else self.expected.value
            out["ok"] = self.ok
        _put(out, "vacuous", self.vacuous)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CheckResult:
        unknown = set(d) - _CHECK_KEYS
        if unknown:
            raise ValueError(f"unknown field(s) in a check result: {', '.join(sorted(unknown))}")
        trace = _trace_from(d.get("trace"))
        cert = d.get("certificate")
        expected = d.get("expected")
        return cls(
            id=d["id"], reading=d["reading"], verdict=Verdict(d["verdict"]),
            bound=d.get("bound"), seconds=d.get("seconds"), trace=trace,
            timeline=tuple(d.get("timeline") or ()) if trace is not None else None,
            relies_on=_tuple(d.get("relies_on")), core=_tuple(d.get("core")),
            certificate=None if cert is None else Certificate.from_json(cert),
            reason=d.get("reason", ""), solver_seconds=d.get("solver_seconds"),
            reconfirmed=d.get("reconfirmed"), statement=d.get("statement"),
            cites=_tuple(d.get("cites")), formula=d.get("formula"), timeout=d.get("timeout"),
            cached=d.get("cached"), expected=None if expected is None else Verdict(expected),
            ok=d.get("ok"), vacuous=d.get("vacuous"))


_CHECK_KEYS = {"id", "reading", "verdict", "bound", "seconds", "trace", "timeline", "relies_on", "core",
               "certificate", "reason", "solver_seconds", "reconfirmed", "statement", "cites",
               "formula", "timeout", "cached", "expected", "ok", "vacuous"}


@dataclass(frozen=True)
class SuiteReport:
    """``polity check``: every result of a suite, judged."""

    suite: str
    model: str
    results: tuple[CheckResult, ...]
    seconds: float
    solver: SolverInfo

    @property
    def ok(self) -> bool:
        return all(r.ok is not False for r in self.results)

    def to_json(self) -> Json:
        return {"suite": self.suite, "model": self.model, "results": [r.to_json() for r in self.results],
                "seconds": self.seconds, "ok": self.ok, "solver": self.solver.to_json()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SuiteReport:
        return cls(d["suite"], d["model"], tuple(CheckResult.from_json(r) for r in d["results"]),
                   d["seconds"], SolverInfo.from_json(d["solver"]))


# ----------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class FindingRecord:
    """A fault of the text found by ``find``: its kind, summary, citations, the reading it was
    found under, the replayed trace narrated as a timeline, and the elements behind it (the
    duty or office first, then what blocks it)."""

    kind: str
    summary: str
    cites: tuple[str, ...]
    reading: str
    trace: tuple[TraceStep, ...] | None
    timeline: tuple[str, ...] = ()
    note: str = ""
    about: str = ""  # "obligation:<id>" or "office:<id>"
    elements: tuple[str, ...] = ()
    root: str = ""  # a cascade: the identity of the finding whose state its trace passes through
    depends: str = ""  # a deadlock: what meeting the duty depends on (discover.DEPENDS)
    duration: str = ""  # a gap: the longest it can last ("N days", "unbounded", ...)

    @property
    def replayed(self) -> bool:
        return self.trace is not None

    @property
    def identity(self) -> str:
        """The finding's name in ``root`` references: its kind and the elements behind it."""
        return finding_identity(self.kind, self.elements, self.cites)

    def to_json(self) -> Json:
        out: Json = {"kind": self.kind, "summary": self.summary, "cites": list(self.cites),
                     "reading": self.reading, "trace": _trace_json(self.trace),
                     "timeline": list(self.timeline), "replayed": self.replayed, "note": self.note,
                     "about": self.about, "elements": list(self.elements), "identity": self.identity}
        for key in ("root", "depends", "duration"):  # absent when empty, as before
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FindingRecord:
        return cls(d["kind"], d["summary"], tuple(d["cites"]), d["reading"], _trace_from(d.get("trace")),
                   tuple(d.get("timeline") or ()), d.get("note", ""), d.get("about", ""),
                   tuple(d.get("elements") or ()), d.get("root", ""), d.get("depends", ""),
                   d.get("duration", ""))


def finding_identity(kind: str, elements: Iterable[str], cites: Iterable[str]) -> str:
    """``kind:element+element``: the same cause has the same identity on every run.

    >>> finding_identity("gap", ["b", "a"], [])
    'gap:a+b'
    """
    return f"{kind}:{'+'.join(sorted(elements) or sorted(cites))}"


class QuestionStatus(str, Enum):
    """How one discovery question ended; nothing else counts as an answer."""

    FOUND = "found"  # a trace, replayed by the interpreter
    PROVED_ABSENT = "proved_absent"  # an unbounded certificate, re-checked
    NONE_WITHIN = "none_within"  # no trace within ``bound`` events (not a proof)
    UNKNOWN = "unknown"  # a limit ran out first (``limit`` says which)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class QuestionRecord:
    """One question ``find`` asked and how it ended."""

    what: str  # the question in the text's words
    reading: str
    status: QuestionStatus
    bound: int | None = None  # events searched (found: the trace's length; none: the bound reached)
    limit: str = ""  # unknown: the limit that ran out

    def text(self) -> str:
        """The status as a report says it.

        >>> QuestionRecord("gap x", "default", QuestionStatus.NONE_WITHIN, 12).text()
        'none within 12 events'
        """
        if self.status == QuestionStatus.FOUND:
            return f"found ({self.bound} events)"
        if self.status == QuestionStatus.PROVED_ABSENT:
            return "proved absent"
        if self.status == QuestionStatus.NONE_WITHIN:
            return f"none within {self.bound} events"
        return f"unknown ({self.limit})" if self.limit else "unknown"

    def to_json(self) -> Json:
        out: Json = {"question": self.what, "reading": self.reading, "status": self.status.value}
        _put(out, "bound", self.bound)
        if self.limit:
            out["limit"] = self.limit
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> QuestionRecord:
        return cls(d["question"], d["reading"], QuestionStatus(d["status"]), d.get("bound"),
                   d.get("limit", ""))


@dataclass(frozen=True)
class FindReport:
    """``polity find``: the findings under each reading searched, the kinds asked for, every
    question with its status, and what the search was given (bound or budget, solver), so a
    reader of the JSON can tell "none within 8 events" from "proved absent" and reproduce it."""

    model: str
    findings: tuple[FindingRecord, ...]
    kinds: tuple[str, ...]
    seconds: float
    incomplete: tuple[tuple[str, str], ...] = ()  # (reading, search) a limit cut short: never hidden
    questions: tuple[QuestionRecord, ...] = ()  # every question asked, in a fixed order
    bound: int | None = None  # the --bound searched to; None: each question deepened within its budget
    budget: float | None = None  # seconds of solver work per reading (resource units), when deepening
    timeout: float | None = None  # the wall-clock backstop per reading
    solver: SolverInfo | None = None

    def to_json(self) -> Json:
        out: Json = {"model": self.model, "kinds": list(self.kinds)}
        _put(out, "bound", self.bound)
        _put(out, "budget", self.budget)
        _put(out, "timeout", self.timeout)
        if self.solver is not None:
            out["solver"] = self.solver.to_json()
        out |= {"seconds": self.seconds, "findings": [f.to_json() for f in self.findings]}
        if self.incomplete:
            out["incomplete"] = [{"reading": r, "search": what} for r, what in self.incomplete]
        if self.questions:
            out["questions"] = [q.to_json() for q in self.questions]
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FindReport:
        solver = d.get("solver")
        return cls(d["model"], tuple(FindingRecord.from_json(f) for f in d["findings"]),
                   tuple(d["kinds"]), d["seconds"],
                   tuple((i["reading"], i["search"]) for i in d.get("incomplete") or ()),
                   tuple(QuestionRecord.from_json(q) for q in d.get("questions") or ()),
                   d.get("bound"), d.get("budget"), d.get("timeout"),
                   None if solver is None else SolverInfo.from_json(solver))


# ----------------------------------------------------------------------------- impact


@dataclass(frozen=True)
class VerdictChange:
    """A property whose verdict the change turned into another decided verdict."""

    id: str
    reading: str
    before: Verdict
    after: Verdict
    statement: str = ""
    formula: str = ""
    before_timeline: tuple[str, ...] = ()
    after_timeline: tuple[str, ...] = ()
    after_trace: tuple[TraceStep, ...] | None = None
    reason: str = ""
    after_relies_on: tuple[str, ...] | None = None

    def to_json(self) -> Json:
        return {"id": self.id, "reading": self.reading, "before": self.before.value,
                "after": self.after.value, "statement": self.statement, "formula": self.formula,
                "before_timeline": list(self.before_timeline), "after_timeline": list(self.after_timeline),
                "after_trace": _trace_json(self.after_trace), "reason": self.reason,
                "after_relies_on": None if self.after_relies_on is None else list(self.after_relies_on)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> VerdictChange:
        return cls(d["id"], d["reading"], Verdict(d["before"]), Verdict(d["after"]), d["statement"],
                   d["formula"], tuple(d["before_timeline"]), tuple(d["after_timeline"]),
                   _trace_from(d["after_trace"]), d["reason"], _tuple(d["after_relies_on"]))


@dataclass(frozen=True)
class Undecided:
    """A property a limit left undecided on one side of the change: not a change."""

    id: str
    reading: str
    before: Verdict
    after: Verdict
    statement: str
    limit: str

    def to_json(self) -> Json:
        return {"id": self.id, "reading": self.reading, "before": self.before.value,
                "after": self.after.value, "statement": self.statement, "limit": self.limit}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Undecided:
        return cls(d["id"], d["reading"], Verdict(d["before"]), Verdict(d["after"]), d["statement"], d["limit"])


@dataclass(frozen=True)
class FindingDiff:
    """What changed in one finding: citations added / removed, its summary, its trace."""

    cites_added: tuple[str, ...] | None = None  # set together with cites_removed
    cites_removed: tuple[str, ...] | None = None
    summary_before: str | None = None
    trace: bool = False

    def __bool__(self) -> bool:
        return self.cites_added is not None or self.summary_before is not None or self.trace

    def to_json(self) -> Json:
        out: Json = {}
        if self.cites_added is not None:
            out["cites_added"] = list(self.cites_added)
            out["cites_removed"] = list(self.cites_removed or ())
        _put(out, "summary_before", self.summary_before)
        if self.trace:
            out["trace"] = True
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FindingDiff:
        added = d.get("cites_added")
        return cls(_tuple(added), None if added is None else tuple(d.get("cites_removed") or ()),
                   d.get("summary_before"), bool(d.get("trace", False)))


@dataclass(frozen=True)
class FindingChange:
    """The same finding before and after (same kind, reading, subject and cause), changed."""

    before: FindingRecord
    after: FindingRecord
    changes: FindingDiff

    def to_json(self) -> Json:
        a = self.after
        return {"kind": a.kind, "summary": a.summary, "reading": a.reading, "cites": list(a.cites),
                "changes": self.changes.to_json(), "before": self.before.to_json(), "after": a.to_json()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FindingChange:
        return cls(FindingRecord.from_json(d["before"]), FindingRecord.from_json(d["after"]),
                   FindingDiff.from_json(d["changes"]))


@dataclass(frozen=True)
class RelianceChange:
    """A proof that now relies on other provisions."""

    id: str
    reading: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.after) - set(self.before)))

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.before) - set(self.after)))

    def to_json(self) -> Json:
        return {"id": self.id, "reading": self.reading, "before": list(self.before),
                "after": list(self.after), "added": list(self.added), "removed": list(self.removed)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> RelianceChange:
        return cls(d["id"], d["reading"], tuple(d["before"]), tuple(d["after"]))


@dataclass(frozen=True)
class TraceChange:
    """Same verdict after the change, by another counterexample or witness."""

    id: str
    reading: str
    verdict: Verdict
    before_timeline: tuple[str, ...]
    after_timeline: tuple[str, ...]

    def to_json(self) -> Json:
        return {"id": self.id, "reading": self.reading, "verdict": self.verdict.value,
                "before_timeline": list(self.before_timeline), "after_timeline": list(self.after_timeline)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TraceChange:
        return cls(d["id"], d["reading"], Verdict(d["verdict"]), tuple(d["before_timeline"]),
                   tuple(d["after_timeline"]))


@dataclass(frozen=True)
class CacheStats:
    """How the result cache served one run."""

    hits: int
    misses: int

    def to_json(self) -> Json:
        return {"hits": self.hits, "misses": self.misses}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CacheStats:
        return cls(d["hits"], d["misses"])


@dataclass(frozen=True)
class Comparison:
    """Two verified models compared: what the change does to verdicts, findings, reliances
    and traces (``impact.compare``)."""

    verdict_changes: tuple[VerdictChange, ...] = ()
    undecided: tuple[Undecided, ...] = ()  # could not be decided on one side: not a change
    findings_added: tuple[FindingRecord, ...] = ()
    findings_removed: tuple[FindingRecord, ...] = ()
    findings_changed: tuple[FindingChange, ...] = ()  # the same finding, another trace or citations
    reliance_changes: tuple[RelianceChange, ...] = ()
    trace_changes: tuple[TraceChange, ...] = ()  # same verdict, another counterexample / witness
    unchanged: int = 0

    def to_json(self) -> Json:
        return {"verdict_changes": [c.to_json() for c in self.verdict_changes],
                "undecided": [u.to_json() for u in self.undecided],
                "findings_added": [f.to_json() for f in self.findings_added],
                "findings_removed": [f.to_json() for f in self.findings_removed],
                "findings_changed": [f.to_json() for f in self.findings_changed],
                "reliance_changes": [r.to_json() for r in self.reliance_changes],
                "trace_changes": [t.to_json() for t in self.trace_changes],
                "unchanged": self.unchanged}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Comparison:
        return cls(tuple(VerdictChange.from_json(c) for c in d["verdict_changes"]),
                   tuple(Undecided.from_json(u) for u in d["undecided"]),
                   tuple(FindingRecord.from_json(f) for f in d["findings_added"]),
                   tuple(FindingRecord.from_json(f) for f in d["findings_removed"]),
                   tuple(FindingChange.from_json(f) for f in d["findings_changed"]),
                   tuple(RelianceChange.from_json(r) for r in d["reliance_changes"]),
                   tuple(TraceChange.from_json(t) for t in d["trace_changes"]),
                   d["unchanged"])


@dataclass(frozen=True)
class ImpactReport:
    """The impact of a change (``impact.impact``): the comparison, and how much of the model
    after it was recomputed rather than reused."""

    comparison: Comparison
    checked: int
    recomputed_after: int
    reused_after: int
    cache: CacheStats
    seconds: float

    def to_json(self) -> Json:
        return self.comparison.to_json() | {
            "checked": self.checked, "recomputed_after": self.recomputed_after,
            "reused_after": self.reused_after, "cache": self.cache.to_json(), "seconds": self.seconds}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ImpactReport:
        return cls(Comparison.from_json(d), d["checked"], d["recomputed_after"], d["reused_after"],
                   CacheStats.from_json(d["cache"]), d["seconds"])


# ----------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class QueryAnswer:
    """One number of a quantitative query, with the trace that attains it and how its
    optimality was established. ``value`` is an int, an exact fraction as a string,
    ``"unbounded"``, a block/force pair, or None; ``proof`` and ``detail`` are the solver's
    own account, kept as the JSON it was."""

    id: str
    statement: str
    value: Any
    unit: str
    optimal: bool
    status: AnswerStatus
    trace: tuple[Json, ...] | None = None
    proof: Json = field(default_factory=dict)
    detail: Json = field(default_factory=dict)
    reading: str = ""
    cites: tuple[str, ...] = ()

    def to_json(self) -> Json:
        out: Json = {"id": self.id, "statement": self.statement, "value": self.value, "unit": self.unit,
                     "optimal": self.optimal, "status": self.status.value,
                     "trace": None if self.trace is None else list(self.trace), "proof": self.proof}
        if self.detail:
            out["detail"] = self.detail
        if self.reading:
            out["reading"] = self.reading
        if self.cites:
            out["cites"] = list(self.cites)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> QueryAnswer:
        trace = d.get("trace")
        return cls(d["id"], d["statement"], d["value"], d["unit"], d["optimal"], AnswerStatus(d["status"]),
                   None if trace is None else tuple(trace), dict(d.get("proof") or {}), dict(d.get("detail") or {}),
                   d.get("reading", ""), tuple(d.get("cites") or ()))


@dataclass(frozen=True)
class QueryReport:
    """``polity query``: the answers to one question of a query catalog."""

    query: str
    statement: str
    model: str
    reading: str
    answers: tuple[QueryAnswer, ...]
    solver: SolverInfo

    def to_json(self) -> Json:
        return {"query": self.query, "statement": self.statement, "model": self.model,
                "reading": self.reading, "answers": [a.to_json() for a in self.answers],
                "solver": self.solver.to_json()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> QueryReport:
        return cls(d["query"], d["statement"], d["model"], d["reading"],
                   tuple(QueryAnswer.from_json(a) for a in d["answers"]), SolverInfo.from_json(d["solver"]))


# ----------------------------------------------------------------------------- compare


class Change(str, Enum):
    """What the second text does to a finding of the first."""

    INTRODUCED = "introduced"  # found in the text after, not in the text before
    REPAIRED = "repaired"  # found in the text before, not found in the text after
    KEPT = "kept"  # found in both, about corresponding things


@dataclass(frozen=True)
class MatchedFinding:
    """One finding of the comparison: what it is about, and the finding in each text."""

    change: Change
    kind: str
    subject: str  # the duty or office in words (the crosswalk's name, or the finding's own)
    before: FindingRecord | None
    after: FindingRecord | None

    def to_json(self) -> Json:
        return {"change": self.change.value, "kind": self.kind, "subject": self.subject,
                "before": None if self.before is None else self.before.to_json(),
                "after": None if self.after is None else self.after.to_json()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> MatchedFinding:
        return cls(Change(d["change"]), d["kind"], d["subject"],
                   None if d.get("before") is None else FindingRecord.from_json(d["before"]),
                   None if d.get("after") is None else FindingRecord.from_json(d["after"]))


@dataclass(frozen=True)
class QuestionPair:
    """One question asked of both texts, with the verdict in each."""

    id: str
    statement: str
    before: CheckResult
    after: CheckResult

    @property
    def differs(self) -> bool:
        return self.before.verdict != self.after.verdict

    def to_json(self) -> Json:
        return {"id": self.id, "statement": self.statement, "before": self.before.to_json(),
                "after": self.after.to_json(), "differs": self.differs}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> QuestionPair:
        return cls(d["id"], d["statement"], CheckResult.from_json(d["before"]), CheckResult.from_json(d["after"]))


@dataclass(frozen=True)
class CompareReport:
    """``polity compare``: the findings one text introduces, repairs and keeps against another,
    the verdicts of the questions asked of both, and the crosswalk they were matched by."""

    before: str  # model ids
    after: str
    crosswalk: str
    findings: tuple[MatchedFinding, ...]
    questions: tuple[QuestionPair, ...]
    provisions: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (name, before, after)
    incomplete: tuple[tuple[str, str, str], ...] = ()  # (model, reading, search) cut short
    seconds: float = 0.0

    def count(self, change: Change) -> int:
        return sum(1 for f in self.findings if f.change == change)

    def to_json(self) -> Json:
        return {"before": self.before, "after": self.after, "crosswalk": self.crosswalk,
                "counts": {c.value: self.count(c) for c in Change},
                "findings": [f.to_json() for f in self.findings],
                "questions": [q.to_json() for q in self.questions],
                "provisions": [{"name": n, "before": list(b), "after": list(a)} for n, b, a in self.provisions],
                "incomplete": [{"model": m, "reading": r, "search": s} for m, r, s in self.incomplete],
                "seconds": self.seconds}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CompareReport:
        return cls(d["before"], d["after"], d["crosswalk"],
                   tuple(MatchedFinding.from_json(f) for f in d["findings"]),
                   tuple(QuestionPair.from_json(q) for q in d["questions"]),
                   tuple((p["name"], tuple(p["before"]), tuple(p["after"])) for p in d["provisions"]),
                   tuple((i["model"], i["reading"], i["search"]) for i in d.get("incomplete") or ()),
                   d.get("seconds", 0.0))
# ----------------------------------------------------------------------------- amendments


@dataclass(frozen=True)
class TouchRecord:
    """A change of an amendment that touches an entrenched provision; ``readings`` are the
    entrenchment readings under which that makes the amendment inadmissible."""

    change: int  # index in the amendment's changes
    kind: str
    provision: str
    by: tuple[str, ...]
    how: str
    location: str
    readings: tuple[str, ...]

    def to_json(self) -> Json:
        return {"change": self.change, "kind": self.kind, "provision": self.provision, "by": list(self.by),
                "how": self.how, "location": self.location, "readings": list(self.readings)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TouchRecord:
        return cls(d["change"], d["kind"], d["provision"], tuple(d["by"]), d["how"], d["location"],
                   tuple(d["readings"]))


@dataclass(frozen=True)
class ChangeLine:
    """One change of an amendment file, as a reader sees it."""

    kind: str
    what: str
    rationale: str
    location: str

    def to_json(self) -> Json:
        return {"kind": self.kind, "what": self.what, "rationale": self.rationale, "location": self.location}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ChangeLine:
        return cls(d["kind"], d["what"], d["rationale"], d["location"])


def _empty_analysis() -> Json:
    return {"verdict_changes": [], "undecided": [], "findings_added": [], "findings_removed": [],
            "findings_changed": [], "reliance_changes": [], "trace_changes": []}


@dataclass(frozen=True)
class AmendmentReport:
    """``polity amend``: one amendment put to a text, its admissibility under the chosen
    entrenchment reading (and under each reading), and, when analysed, its impact."""

    title: str
    file: str
    changes: tuple[ChangeLine, ...]
    model: str
    reading: str  # the entrenchment reading that decides admissibility
    touches: tuple[TouchRecord, ...]  # every touch: those refused under ``reading`` first
    notes: tuple[str, ...]
    impact: ImpactReport | None = None  # None: not analysed
    suite: str | None = None
    find: bool = False

    @property
    def admissible(self) -> bool:
        return self.admissible_under(self.reading)

    def admissible_under(self, reading: str) -> bool:
        return not any(reading in t.readings for t in self.touches)

    def refusing(self) -> tuple[TouchRecord, ...]:
        """The touches that make it inadmissible under the chosen reading."""
        return tuple(t for t in self.touches if self.reading in t.readings)

    def other_touches(self) -> tuple[TouchRecord, ...]:
        """The touches that refuse it only under other readings than the chosen one."""
        return tuple(t for t in self.touches if self.reading not in t.readings)

    @property
    def entrenched_touched(self) -> tuple[str, ...]:
        """The entrenched provisions touched under the chosen reading, in citation order."""
        return tuple(sorted({t.provision for t in self.refusing()}, key=citation_sort_key))

    @property
    def name(self) -> str:
        return self.title

    def readings(self) -> list[str]:
        """The entrenchment readings the report speaks of: the chosen one and any that refuses."""
        return sorted({r for t in self.touches for r in t.readings} | {self.reading})

    def to_json(self) -> Json:
        refusing = self.refusing()
        out: Json = {
            "amendment": {"title": self.title, "file": self.file, "changes": [c.to_json() for c in self.changes]},
            "model": self.model, "admissible": self.admissible,
            "entrenched_touched": list(self.entrenched_touched),
            "entrenchment": [t.to_json() for t in refusing],
            "entrenchment_reading": self.reading,
            "admissible_under": {r: self.admissible_under(r) for r in self.readings()},
            "entrenchment_other_readings": [t.to_json() for t in self.other_touches()],
            "notes": list(self.notes),
        }
        if self.impact is None:
            return out | {"analysed": False} | _empty_analysis()
        return out | {"analysed": True} | self.impact.to_json() | {"suite": self.suite, "find": self.find}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> AmendmentReport:
        am = d["amendment"]
        touches = tuple(TouchRecord.from_json(t) for t in [*d["entrenchment"], *d["entrenchment_other_readings"]])
        return cls(am["title"], am["file"], tuple(ChangeLine.from_json(c) for c in am["changes"]), d["model"],
                   d["entrenchment_reading"], touches, tuple(d["notes"]),
                   ImpactReport.from_json(d) if d["analysed"] else None, d.get("suite"), d.get("find", False))


@dataclass(frozen=True)
class SequenceReport:
    """``polity amend A B ...``: amendments put in order, each to the text as amended by the
    ones before it; each step's report (its impact against the text before it) and the impact
    of the whole sequence (the original text against the last)."""

    model: str
    reading: str
    steps: tuple[AmendmentReport, ...]
    whole: ImpactReport | None = None  # None: not analysed
    suite: str | None = None
    find: bool = False

    @property
    def admissible(self) -> bool:
        return all(s.admissible for s in self.steps)

    def admissible_under(self, reading: str) -> bool:
        return all(s.admissible_under(reading) for s in self.steps)

    def readings(self) -> list[str]:
        """The entrenchment readings the report speaks of: the chosen one and any that refuses a step."""
        return sorted({r for s in self.steps for r in s.readings()} | {self.reading})

    def to_json(self) -> Json:
        out: Json = {"model": self.model, "entrenchment_reading": self.reading, "admissible": self.admissible,
                     "admissible_under": {r: self.admissible_under(r) for r in self.readings()},
                     "steps": [s.to_json() for s in self.steps]}
        if self.whole is None:
            return out | {"analysed": False, "whole": None}
        return out | {"analysed": True, "whole": self.whole.to_json(), "suite": self.suite, "find": self.find}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SequenceReport:
        return cls(d["model"], d["entrenchment_reading"], tuple(AmendmentReport.from_json(s) for s in d["steps"]),
                   ImpactReport.from_json(d["whole"]) if d["whole"] is not None else None,
                   d.get("suite"), d.get("find", False))


@dataclass(frozen=True)
class DiffReport:
    """``polity diff``: two whole model files compared as a change of the first into the
    second; inadmissible when an entrenched provision of the first is encoded otherwise in the
    second (it is analysed all the same)."""

    model: str  # the id of the model before
    before: str  # the two files, as given
    after: str
    entrenched_touched: tuple[str, ...]  # in citation order
    impact: ImpactReport
    suite: str
    find: bool

    @property
    def admissible(self) -> bool:
        return not self.entrenched_touched

    @property
    def name(self) -> str:
        return f"{self.before} -> {self.after}"

    def refusing(self) -> tuple[TouchRecord, ...]:
        """No change of an amendment file to point at: a diff names provisions only."""
        return ()

    def to_json(self) -> Json:
        return {"model": self.model, "before": self.before, "after": self.after, "admissible": self.admissible,
                "entrenched_touched": list(self.entrenched_touched), "analysed": True,
                } | self.impact.to_json() | {"suite": self.suite, "find": self.find}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DiffReport:
        return cls(d["model"], d["before"], d["after"], tuple(d["entrenched_touched"]), ImpactReport.from_json(d),
                   d["suite"], d["find"])


class ProposedChange(Protocol):
    """What an amendment report and a diff report share, so that every renderer reads the
    admissibility and the impact of either the same way."""

    @property
    def model(self) -> str: ...
    @property
    def name(self) -> str: ...  # the amendment's title, or "before -> after"
    @property
    def admissible(self) -> bool: ...
    @property
    def entrenched_touched(self) -> tuple[str, ...]: ...
    def refusing(self) -> tuple[TouchRecord, ...]: ...  # the touches behind an inadmissible verdict
    @property
    def impact(self) -> ImpactReport | None: ...  # None: not analysed
    @property
    def find(self) -> bool: ...


# ----------------------------------------------------------------------------- self-amendment


@dataclass(frozen=True)
class PlanStep:
    """One referendum of a self-amendment plan: the amendment put, what it changes, and why
    it is admissible against the text as amended by the steps before it."""

    number: int
    says: str  # the amendment in a lawyer's words
    change: Json  # the amendment's one change, as written in an amendment file
    provisions: tuple[str, ...]  # the provisions involved
    latest_day: int | None = None  # the day it can be adopted by at the latest (the model's deadlines)

    def to_json(self) -> Json:
        out: Json = {"number": self.number, "says": self.says, "change": self.change,
                     "provisions": list(self.provisions)}
        _put(out, "latest_day", self.latest_day)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PlanStep:
        return cls(d["number"], d["says"], dict(d["change"]), tuple(d["provisions"]), d.get("latest_day"))


@dataclass(frozen=True)
class EntrenchmentAnswer:
    """Can some sequence of admissible amendments from the menu change ``provision``?
    ``reachable``: the shortest plan; ``holds_to_bound``: no sequence of at most ``bound``
    steps over the menu does (an exhaustive search: a proof for that menu and bound only);
    ``closed_after``: the menu reaches no new text after that many steps, so no longer
    sequence over it does either."""

    id: str
    provision: str
    statement: str
    reading: str
    verdict: Verdict
    bound: int
    plan: tuple[PlanStep, ...] = ()
    closed_after: int | None = None
    explored: int = 0  # texts examined
    expected: str | None = None  # "none", or the plan's length as a string
    ok: bool | None = None

    def to_json(self) -> Json:
        out: Json = {"id": self.id, "provision": self.provision, "statement": self.statement,
                     "reading": self.reading, "verdict": self.verdict.value, "bound": self.bound,
                     "plan": [s.to_json() for s in self.plan], "explored": self.explored}
        _put(out, "closed_after", self.closed_after)
        _put(out, "expected", self.expected)
        _put(out, "ok", self.ok)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> EntrenchmentAnswer:
        return cls(d["id"], d["provision"], d["statement"], d["reading"], Verdict(d["verdict"]), d["bound"],
                   tuple(PlanStep.from_json(s) for s in d["plan"]), d.get("closed_after"), d["explored"],
                   d.get("expected"), d.get("ok"))


@dataclass(frozen=True)
class EntrenchmentReport:
    """``polity entrenchment``: for each unchangeable provision and entrenchment reading,
    whether a sequence of admissible amendments over a finite menu changes it."""

    model: str
    menu: tuple[str, ...]  # the amendment kinds searched, in words
    procedure: tuple[str, ...]  # how one amendment is dated: its stages and deadlines, or why not
    days_per_amendment: int | None  # the longest one amendment can take under the model's deadlines
    answers: tuple[EntrenchmentAnswer, ...]
    seconds: float

    def to_json(self) -> Json:
        return {"model": self.model, "menu": list(self.menu), "procedure": list(self.procedure),
                "days_per_amendment": self.days_per_amendment,
                "answers": [a.to_json() for a in self.answers], "seconds": self.seconds}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> EntrenchmentReport:
        return cls(d["model"], tuple(d["menu"]), tuple(d["procedure"]), d["days_per_amendment"],
                   tuple(EntrenchmentAnswer.from_json(a) for a in d["answers"]), d["seconds"])
