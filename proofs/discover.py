"""Automatic discovery: conflicts, deadlocks, procedures with no end, gaps and dead provisions.

What each kind searches for (every search is a witness question, BMC on lawful traces unless
said otherwise, its trace replayed by the interpreter on the very condition searched for):

- conflict: a state where a duty is in force and every event that discharges it is forbidden
  for as long as it matters: for each discharging event (whatever its arguments) one
  prohibition is in force today *and* still on the duty's due day, the state unchanged (nothing
  happens in between); a duty with no deadline: today and ``atoms.FOREVER`` days later. For a
  bar written as comparisons of ``now`` with fixed days (all of them today), in force at both
  ends means in force on every day between. A one-day bar far from the due day is no conflict.
- procedure with no end (``endless``): a duty with no deadline, in force, none of whose
  discharging events is allowed today or ``FOREVER`` days later if nothing happens, at least
  one of them stopped by a failing condition (not only a prohibition), and from which the duty
  holder cannot discharge it by acts of its own (with time passing) within the bound.
- deadlock: a diligent trace (the compliance rule of the interpreter and the encoding, eager)
  on which a deadline lapses. From the state where the duty arose on that trace, three bounded
  searches (the bound shown) ask whether any continuation meets the duty by its due day: with
  every event; with only the holder's events, time passing and the world's; with only the
  holder's and the other actors' events. That classifies what meeting it depends on (DEPENDS).
- gap: an office vacant with no event able to fill it (a fill by an event with arguments, a
  vote, is possible when some argument values allow it); the longest such vacancy is then
  optimised (optimize.py: N days proved optimal within the bound, or unbounded).
- dead provision: a cited provision none of whose elements applies on any trace within the bound.

Every distinct cause is its own finding: a cause is the set of atomic conditions (guard
conjuncts, permissions, prohibitions; atoms.py) that stop the discharges or fills in the
witness state. The question is then asked again with that cause blocked, until nothing new is
found (at most MAX_CAUSES); a cause that contains another one of the same duty is dropped. A
finding that follows from another (that one's state holds where it arises, and its cause reads
that one's subject; docs/semantics.md) is grouped under it as a cascade (``root``).

Every question ends as found, proved absent (k-induction, re-checked), none within N events
(the bound reached), or unknown (the limit that ran out); ``questions`` lists them. With
``deepen`` a question on lawful traces that finds nothing at the first bound is asked deeper
while its resource budget lasts (question.py: resource units, so the same on every run and
load). Searches on compliant traces (the deadlocks) stay at the first bound: their cost per
depth grows steeply, and deepening them spent the whole budget on the built-in model; what
meeting a deadlock depends on (lawful continuations) deepens on a share (CLASSIFY_SHARE). The
wall clock (``deadline``) is a backstop: when it stops a solver the question is unknown, never
another definite answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import z3

from ..model.expr import Binary, Call, Lit, Name, Node, Unary, children, names_in
from ..model.system import (
    NOW,
    TIME_PASSES,
    WORLD,
    Element,
    EventDef,
    ObligationDef,
    OfficeDef,
    System,
    citation_sort_key,
    human_cite,
)
from ..properties.language import Property
from .atoms import (
    FOREVER,
    Atom,
    TooManyArguments,
    all_args,
    allowed,
    at_day,
    atoms_of,
    blocks_always,
    conj,
    disj,
    later,
    some_args,
)
from .bmc import BmcStatus, bmc, search_from, search_goals_to
from .compiler import Encoding, StateVars, StepVars
from .engine import replay_and_tighten
from .explain import timeline, trace_json
from .interpreter import Interpreter, State, Step, StepRefused
from .kinds import DEPENDS, KIND_IDS
from .phrasing import Vocabulary, vocabulary
from .question import Question, part, question, units_for
from .records import FindingRecord, QuestionRecord, QuestionStatus, TraceStep, finding_identity
from .tighten import tighten, time_passes_last

KINDS = KIND_IDS  # the kinds and their texts: kinds.py; their searches: below
FIND_BOUND = 8  # events per trace at first; deepened by DEEPEN_STEP while the budget lasts
DEEPEN_STEP = 4
MAX_BOUND = 64  # deepening stops here even with budget left
FIND_RLIMIT = units_for(150.0)  # resource units per search question unless the caller says
MAX_CAUSES = 6  # distinct causes asked for, per duty or office
ABSENT_SHARE = 10  # a proof of absence may spend this fraction (1/n) of a question's budget
CLASSIFY_SHARE = 64  # a deadlock's classification question deepens past the first bound on
# this fraction (1/n) of the unit's budget: a deadlock asks up to four of them per cause

@dataclass
class Finding:
    kind: str
    summary: str
    cites: list[str]
    reading: str
    trace: list[Step] | None
    note: str = ""
    elements: list[str] = field(default_factory=list)
    about: str = ""  # the duty ("obligation:<id>") or office ("office:<id>") the finding is about
    root: str = ""  # a cascade: the identity of its root finding
    depends: str = ""  # a deadlock: a key of DEPENDS
    duration: str = ""  # a gap: how long it can last

    @property
    def identity(self) -> str:
        return finding_identity(self.kind, self.elements, self.cites)

    def record(self, system: System) -> FindingRecord:
        """The finding as reports read it: the trace narrated on ``system``."""
        trace = None if self.trace is None else tuple(
            TraceStep.from_json(s) for s in trace_json(system, self.trace))
        return FindingRecord(self.kind, self.summary, tuple(self.cites), self.reading, trace,
                             tuple(timeline(system, self.trace)) if self.trace is not None else (),
                             self.note, self.about, tuple(self.elements), self.root, self.depends,
                             self.duration)

    def to_json(self, system: System) -> dict[str, Any]:
        return self.record(system).to_json()


def _call(fn: str, name: str) -> Node:
    return Call(fn, (Name(name),))


@dataclass(frozen=True)
class _Cause:
    """What one witness shows: its cause in words, the atoms' keys (to compare causes), the
    condition that blocks it in the next question (None: ask no more) and its finding (None:
    not a fault of the text)."""

    words: str
    key: frozenset[str]
    block: Node | None
    finding: Finding | None


@dataclass(frozen=True)
class _Asked:
    status: QuestionStatus
    bound: int | None
    limit: str = ""


class Discoverer:
    """Runs the discovery queries for one System."""

    def __init__(self, system: System, label: str, bound: int, deadline: float,
                 progress: Callable[[str], None] | None = None, rlimit: int = FIND_RLIMIT,
                 deepen: bool = False) -> None:
        self.system = system
        self.label = label
        self.bound = bound  # the first bound; the last is MAX_BOUND when deepening
        self.last = max(bound, MAX_BOUND) if deepen else bound
        self.deadline = deadline  # wall-clock backstop for the whole run
        self.rlimit = rlimit  # resource units for each search
        # with a budget (deepening), a question also gets what this unit's earlier questions
        # left unused: a unit's budget is spent where its questions need it
        self.pooled = deepen
        self._spare = 0
        self.interp = Interpreter(system)
        self.words = vocabulary(system)  # causes said in the model's words, not as expressions
        self.progress = progress or (lambda _msg: None)
        self.unknown: list[str] = []
        self.questions: list[QuestionRecord] = []
        self._asked: _Asked | None = None  # how the last witness search ended
        self._goals_left: tuple[set[str], int, str] = (set(), bound, "")

    # -- questions -----------------------------------------------------------------------------
    @contextmanager
    def _question(self) -> Iterator[Question]:
        """One question's context and budget: its share (``rlimit``), and when pooled the units
        this unit's earlier questions left unused, up to as much again (a unit's budget is two
        questions' shares). Resource counts are the same on every run, so what a question gets
        is too."""
        allowance = self.rlimit + min(self._spare, self.rlimit)  # at most twice its share
        with question(allowance, self.deadline) as q:
            try:
                yield q
            finally:
                if self.pooled:
                    self._spare = max(0, allowance - q.used)

    def _note(self, what: str, status: QuestionStatus, bound: int | None, limit: str = "") -> None:
        self.questions.append(QuestionRecord(what, self.label, status, bound, limit))
        if status == QuestionStatus.UNKNOWN:
            self.unknown.append(what)

    def ask(self, what: str, target: Node, eager: bool = False, along: Node | None = None
            ) -> list[Step] | None:
        """A witness question, recorded with how it ended."""
        self._asked = None
        unknown_before = len(self.unknown)
        trace = self.witness(target, what, eager, along)
        asked = self._asked
        if len(self.unknown) > unknown_before:  # witness() said unknown; record it once
            del self.unknown[unknown_before:]
            self._note(what, QuestionStatus.UNKNOWN, None, asked.limit if asked else "limit")
        elif trace is not None:
            self._note(what, QuestionStatus.FOUND, len(trace))
        elif asked is not None:
            self._note(what, asked.status, asked.bound)
        else:  # answered by a reusing subclass (cache, model before): searched to the first bound
            self._note(what, QuestionStatus.NONE_WITHIN, self.bound)
        return trace

    def witness(self, target: Node, text: str, eager: bool = False, along: Node | None = None
                ) -> list[Step] | None:
        """The shortest replayed trace reaching ``target`` (on compliant traces if ``eager``,
        on traces ``along`` allows); None when there is none (``_asked`` says how far that is
        known)."""
        prop = (_EagerReach(target, text, along) if eager
                else Property("reachable", target, text=text, along=along))
        with self._question() as q:
            out = bmc(Encoding(self.system, switchable=False), prop, self.bound, self.deadline)
            if out.status == BmcStatus.NONE and not eager:
                if self._absent(prop):
                    self._asked = _Asked(QuestionStatus.PROVED_ABSENT, None)
                    return None
            if out.status == BmcStatus.NONE and self.last > self.bound and not eager:
                deeper = bmc(Encoding(self.system, switchable=False), prop, self.last, self.deadline)
                if deeper.status == BmcStatus.UNKNOWN and not q.clock_stopped:
                    out = type(out)(BmcStatus.NONE, max(self.bound, deeper.depth - 1),
                                    reason=deeper.reason)
                else:
                    out = deeper
            if q.clock_stopped and out.status != BmcStatus.FOUND:  # the backstop decides nothing
                out = type(out)(BmcStatus.UNKNOWN, out.depth, reason="wall-clock limit")
        if out.status == BmcStatus.UNKNOWN:
            self._asked = _Asked(QuestionStatus.UNKNOWN, out.depth, out.reason or "limit")
            self.unknown.append(text)
            return None
        if out.status == BmcStatus.NONE:
            self._asked = _Asked(QuestionStatus.NONE_WITHIN, out.depth)
            return None
        assert out.trace is not None
        return replay_and_tighten(self.system, prop, out.trace)

    def _absent(self, prop: Property) -> bool:
        """A re-checked k-induction proof that nothing reaches the target (a share of the
        question's budget)."""
        from .induction import k_induction

        with part(self.deadline, cap=max(1, self.rlimit // ABSENT_SHARE), fresh=False):
            proof = k_induction(self.system, Property("never", prop.target, text=prop.text), 2,
                                self.deadline)
        return bool(proof.status == "proved")

    def goal_search(self, what: str, goals: dict[str, Property],
                    replay: Callable[[list[Step]], set[str]]) -> list[tuple[list[Step], set[str]]]:
        """Witness traces for many goals at once (compliant traces if the goals say so), each
        tightened, with the goals its replay reaches."""
        eager = any(g.eager for g in goals.values())
        with self._question() as q:
            result, depth = search_goals_to(Encoding(self.system, switchable=False), dict(goals),
                                            self.bound if eager else self.last, self.deadline, eager,
                                            replay)
            stopped = q.clock_stopped
        left = set(result.unresolved)
        if left and depth >= self.bound and not stopped:  # deepened as far as the budget went
            self._goals_left = (set(), depth, "")
        else:
            self._goals_left = (left, depth if not left else self.bound, result.reason)
            self.unknown += [f"{what} {g}" for g in sorted(left)]
        out = []
        for raw, hit in result.hits:
            def still(t: list[Step], hit: set[str] = hit) -> bool:
                return hit <= replay(t)
            out.append((tighten(time_passes_last(raw, still) if eager else raw, still), hit))
        return out

    def final_state(self, trace: list[Step], eager: bool = False) -> State:
        return self.interp.run(trace, eager=eager)[-1]

    def holds(self, node: Node, state: State) -> bool:
        return self.interp.holds(node, self.interp.env(state))

    def blockers(self, event: EventDef, state: State) -> list[Element]:
        """The elements that stop ``event`` in ``state`` today: failing guards, prohibitions."""
        return list(dict.fromkeys(a.element for a in self._failing(event, state)))

    def _failing(self, event: EventDef, state: State, day: Node | None = None) -> list[Atom]:
        out = []
        for a in atoms_of(self.system, event):
            node = blocks_always(event, a) if day is None else conj(
                [blocks_always(event, a), blocks_always(event, a, day)])
            if self.holds(node, state):
                out.append(a)
        return out

    # -- conflicts -----------------------------------------------------------------------------
    def conflicts(self) -> list[Finding]:
        return [f for o in self.system.obligations for f in self.conflicts_of(o.id)]

    def conflicts_of(self, oid: str) -> list[Finding]:
        """Conflicts of one duty: one witness question per distinct set of prohibitions."""
        o = self.obligation(oid)
        events = [self.system.events[e] for e in o.discharged_by]
        if not events or any(not self.system.prohibitions_on(e.id) for e in events):
            return []  # some discharge is never forbidden: no conflict to search for
        self.progress(f"conflict: {o.id}")
        end = _due_node(o) or later(FOREVER)
        what = f"conflict: {self._who(o)} must {o.summary}"

        def both(p: Any) -> Node:
            return conj([p.when, at_day(p.when, end)])

        def cause(trace: list[Step]) -> _Cause | None:
            state = self.final_state(trace)
            pairs = [(e, p) for e in events for p in self.system.prohibitions_on(e.id)
                     if self.holds(some_args(e, both(p)), state)]
            if not pairs:
                return None
            prohibs = list({p.id: p for _, p in pairs}.values())
            how_long = ("until the due day" if o.within is not None else "indefinitely")
            words = "; ".join(p.summary for p in prohibs)
            return _Cause(words, frozenset(p.id for p in prohibs),
                          conj([some_args(e, both(p)) for e, p in pairs]), Finding(
                "conflict", f"{_upper(self._who(o))} must {o.summary}, but {words}",
                _cites([o.element, *[p.element for p in prohibs]]), self.label, trace,
                note=f"every discharge stays forbidden {how_long} if nothing happens",
                elements=[o.element.key, *[p.element.key for p in prohibs]], about=o.element.key))

        try:
            barred = [all_args(e, disj([both(p) for p in self.system.prohibitions_on(e.id)]))
                      for e in events]
            base = [_call("active", o.id), *barred]
            if o.within is not None:
                base.append(Binary("<=", Name(NOW), end))
            return self._each_cause(what, base, cause)
        except TooManyArguments as exc:
            self._note(what, QuestionStatus.UNKNOWN, None, str(exc))
            return []

    def _each_cause(self, what: str, base: list[Node],
                    cause_of: Callable[[list[Step]], _Cause | None]) -> list[Finding]:
        """Ask ``what`` again and again, the causes found so far blocked, until nothing new is
        found (at most MAX_CAUSES); the minimal causes' findings. A question is named by the
        cause it found ("(while: ...)") or the causes it looked beyond ("(besides: ...)")."""
        found: list[tuple[frozenset[str], Finding]] = []
        blocked: list[Node] = []
        seen: list[str] = []
        for _ in range(MAX_CAUSES):
            asked = what + (f" (besides: {'; '.join(seen)})" if seen else "")
            trace = self.ask(asked, conj(base + blocked))
            if trace is None:
                break
            got = cause_of(trace)
            if got is None:
                break
            self._rename(asked, f"{what} (while: {got.words})")
            seen.append(got.words)
            if got.finding is not None:
                found.append((got.key, got.finding))
            if got.block is None:
                break
            blocked.append(Unary("not", got.block))
        return _minimal(found)

    def _rename(self, asked: str, named: str) -> None:
        """The last question asked as ``asked`` renamed for the cause it found."""
        for i in range(len(self.questions) - 1, -1, -1):
            if self.questions[i].what == asked:
                self.questions[i] = replace(self.questions[i], what=named)
                return

    # -- procedures with no end ----------------------------------------------------------------
    def endless_of(self, oid: str) -> list[Finding]:
        """A duty with no deadline whose discharge a failing condition can block forever."""
        o = self.obligation(oid)
        events = [self.system.events[e] for e in o.discharged_by]
        if o.within is not None or not events:
            return []
        self.progress(f"endless: {o.id}")
        ever = later(FOREVER)
        what = f"no end: {self._who(o)} must {o.summary}"

        def cause_of(trace: list[Step]) -> _Cause | None:
            state = self.final_state(trace)
            cause = [(e, a) for e in events for a in self._failing(e, state, ever)]
            if not cause:
                return None
            block = conj([conj([blocks_always(e, a), blocks_always(e, a, ever)]) for e, a in cause])
            words = _words(cause, self.words)
            holder = self._events_of({o.actor})
            can, bound = self._can_discharge(o, state, holder, None,
                                             f"{what} (while: {words}): by the holder alone")
            if can is not False:  # the holder can end it (or that is unknown): not the text's fault
                return _Cause(words, frozenset(), block, None)
            elements = list(dict.fromkeys(a.element for _, a in cause))
            return _Cause(words, frozenset(a.key for _, a in cause), block, Finding(
                "endless",
                f"{_upper(self._who(o))} must {o.summary}, and can be kept from it forever: {words}",
                _cites([o.element, *elements]), self.label, trace,
                note=f"blocked today and {FOREVER} days later if nothing happens; the holder "
                     f"cannot end it by its own acts within {bound} events",
                elements=[o.element.key, *_keys(cause)], about=o.element.key))

        try:
            blocked_now = [Unary("not", allowed(self.system, e)) for e in events]
            blocked_then = [Unary("not", allowed(self.system, e, ever)) for e in events]
            by_condition = disj([conj([blocks_always(e, a), blocks_always(e, a, ever)])
                                 for e in events for a in atoms_of(self.system, e) if not a.prohibition])
            base = [o.active, at_day(o.active, ever), *blocked_now, *blocked_then, by_condition]
            return self._each_cause(what, base, cause_of)
        except TooManyArguments as exc:
            self._note(what, QuestionStatus.UNKNOWN, None, str(exc))
            return []

    # -- deadlocks -----------------------------------------------------------------------------
    def deadlocks(self, only: set[str] | None = None) -> list[Finding]:
        """Diligent traces on which a deadline lapses: one incremental search for all duties
        (or those ``only`` names), then, per duty that lapses, what meeting it depends on and
        its further causes."""
        first = self.lapses(only)
        return [f for oid in sorted(first) for f in self.deadlocks_of(self.obligation(oid), first[oid])]

    def lapses(self, only: set[str] | None = None) -> dict[str, list[Step]]:
        """The first (shortest) diligent lapse of each duty with a deadline that lapses (or of
        those ``only`` names): one incremental search for all, every duty's question recorded.
        What each depends on, and its further causes, are asked by ``deadlocks_of``, a piece
        of work of its own (the pool runs them side by side)."""
        duties = {o.id: o for o in self.system.obligations
                  if o.within is not None and (only is None or o.id in only)}
        self.progress(f"deadlocks: {len(duties)} duties with deadlines")
        goals: dict[str, Property] = {oid: _EagerReach(_call("lapsed", oid), f"lapse of {oid}") for oid in duties}

        def lapsed_on_replay(trace: list[Step]) -> set[str]:
            final = self.interp.run(trace, eager=True)[-1]
            return {oid for oid, o in duties.items() if self.interp.lapsed(o, final)}

        self._goals_left = (set(), self.bound, "")
        hits = self.goal_search("deadlock", goals, lapsed_on_replay)
        left, depth, reason = self._goals_left
        first: dict[str, list[Step]] = {}
        for trace, hit in hits:
            for oid in hit:
                first.setdefault(oid, trace)
        for oid, o in duties.items():
            what = f"deadlock: {self._who(o)} must {o.summary}"
            if oid in first:  # recorded by deadlocks_of, with the cause it found
                continue
            if oid in left:
                self._note(what, QuestionStatus.UNKNOWN, None, reason or "limit")
                self.unknown = [u for u in self.unknown if u != f"deadlock {oid}"]
            else:
                self._note(what, QuestionStatus.NONE_WITHIN, depth)
        return first

    def deadlocks_of(self, o: ObligationDef, trace: list[Step] | None) -> list[Finding]:
        """The deadlock of ``o`` on ``trace``, then its further causes (each asked with the
        causes found so far blocked), each classified by what meeting the duty depends on.

        A lapse the holder alone could have prevented from where the duty arose (it waited
        until a world event closed its window: a session's last day) is its own timing, not
        the text's. Then the lapse is asked once more on the traces where every discharge was
        already barred when the duty arose (``_barred_on_arising``), and, in the state before
        the lapse, on the day its time began (``_barred_before_lapse``): the window was never
        open."""
        out: list[tuple[frozenset[str], Finding]] = []
        blocked: list[Node] = []
        seen: list[str] = []
        base = f"deadlock: {self._who(o)} must {o.summary}"
        asked = base
        if trace is not None:  # the question the lapse search answered for this duty
            self._note(base, QuestionStatus.FOUND, len(trace))
        window: Node | None = None  # the traces asked about once a lapse was the holder's timing
        # asked again, the lapse happens at the last step, so that ``prev`` (the blocked causes)
        # reads the state before it, not a state after it
        lapses_now = conj([_call("lapsed", o.id), Unary("not", Call("prev", (_call("lapsed", o.id),)))])
        n = 0
        while trace is not None and n < MAX_CAUSES:
            n += 1
            states = self._until_lapse(o, self.interp.run(trace, eager=True))
            before = states[-1]  # when it was still doable, on the last day that counted
            cause = [(e, a) for e in o.discharged_by
                     for a in self._failing(self.system.events[e], before)]
            why = _words(cause, self.words) or "nothing enables it in time"
            self._rename(asked, f"{base} (while: {why})")
            depends, named, bound = self.depends_on(o, trace, states, f"{base} (while: {why})")
            if depends == "holder":  # the holder alone could have met it: not a fault of the text
                if window is not None or o.since is None:
                    break
                try:  # ask again with the window shut from the start: when it arose, and by
                    window = _barred_on_arising(self.system, o, self._first_act(o))  # the calendar
                    blocked.append(_barred_before_lapse(self.system, o))
                except TooManyArguments:
                    break
                asked = f"{base} (barred from the day it arose)"
                trace = self.ask(asked, conj([lapses_now, *blocked]), eager=True, along=window)
                continue
            out.append(self._deadlock(o, trace, cause, why, depends, named, bound))
            if not cause:
                break
            # read as the cause was: in the state before the lapse, on the due day
            again = conj([blocks_always(self.system.events[e], a) for e, a in cause])
            due = _due_node(o)
            blocked.append(Unary("not", Call("prev", (again if due is None else at_day(again, due),))))
            seen.append(why)
            asked = f"{base} (besides: {'; '.join(seen)})"
            trace = self.ask(asked, conj([lapses_now, *blocked]), eager=True, along=window)
        return _minimal(out)

    def _first_act(self, o: ObligationDef) -> list[str]:
        """The first act of the holder's way to meet ``o`` that ``depends_on`` last found."""
        acts = [s.event for s in self._last_from if s.event != TIME_PASSES]
        return acts[:1]

    def _deadlock(self, o: ObligationDef, trace: list[Step], cause: list[tuple[Any, Atom]], why: str,
                  depends: str, named: str, bound: int) -> tuple[frozenset[str], Finding]:
        """A deadlock finding of ``o`` on ``trace`` with its cause, keyed by the cause's atoms."""
        elements = list(dict.fromkeys(a.element for _, a in cause))
        text = DEPENDS[depends] + (f" ({named})" if named else "")
        return frozenset(a.key for _, a in cause), Finding(
            "deadlock",
            f"{_upper(self._who(o))} must {o.summary}, and cannot do it in time: {why}; {text}",
            _cites([o.element, *elements]), self.label, trace,
            note=f"from the day the duty arose, continuations of up to {bound} events searched",
            elements=[o.element.key, *_keys(cause)], about=o.element.key, depends=depends)

    def _until_lapse(self, o: ObligationDef, states: list[State]) -> list[State]:
        """The states of a lapsing trace up to the one before the lapse (a tightened trace may
        go on after it), the last moved to the last day that counted (``_last_day_that_counted``)
        when the trace jumped over it."""
        lapse = next((i for i, st in enumerate(states) if self.interp.lapsed(o, st)), len(states) - 1)
        upto = states[:max(1, lapse)]
        last = upto[-1]
        judged = _last_day_that_counted(self.interp.due(o, last), last)
        if judged[NOW] == last[NOW]:
            return upto
        if self.interp.active(o, last):
            return [*upto, judged]
        # the duty's time began by the clock between the two: it arose on the first such day
        first = next((d for d in range(int(last[NOW]), int(judged[NOW]))
                      if self.interp.active(o, {**last, NOW: d})), int(judged[NOW]))
        arose = {**last, NOW: first}
        return [*upto, judged] if first == judged[NOW] else [*upto, arose, judged]

    def depends_on(self, o: ObligationDef, trace: list[Step], states: list[State], what: str
                   ) -> tuple[str, str, int]:
        """What meeting ``o`` depends on, from the state where it arose on ``trace`` (``states``
        end before the lapse, see ``_until_lapse``): a key of DEPENDS, the actors and events
        that would have to act, and the bound searched."""
        arose = len(states) - 1
        while arose > 0 and self.interp.active(o, states[arose - 1]):
            arose -= 1
        start = states[arose]
        due = self.interp.due(o, states[-1])
        others = {a for a in self.system.actors if a != o.actor}
        world = self._events_of({WORLD})
        holder = self._events_of({o.actor})
        actors = self._events_of(others - {WORLD})
        alone, bound = self._can_discharge(o, start, holder, due, f"{what}: by the holder alone")
        if alone:
            return "holder", "", bound
        by_actors, _ = self._can_discharge(o, start, holder + actors, due,
                                           f"{what}: with other actors, no world event")
        if by_actors:
            return "other-actor", self._named(self._last_from, o.actor), bound
        by_world, _ = self._can_discharge(o, start, holder + world, due,
                                          f"{what}: with world events, no other actor")
        if by_world:
            return "world", self._named(self._last_from, o.actor), bound
        anyone, _ = self._can_discharge(o, start, None, due, f"{what}: with every event")
        if anyone:
            return "actor-and-world", self._named(self._last_from, o.actor), bound
        if anyone is None or by_actors is None or by_world is None:
            return "unknown", "", bound
        return "impossible", "", bound

    def _can_discharge(self, o: ObligationDef, start: State, events: list[str] | None,
                       due: int | None, what: str) -> tuple[bool | None, int]:
        """Can some continuation from ``start`` using only ``events`` (None: all) discharge
        ``o`` (by day ``due``)? True with a replayed trace, False: none within the bound,
        None: unknown. Recorded as a question."""
        idx = {e for e in o.discharged_by}
        self._last_from: list[Step] = []
        with self._question() as q:
            enc = Encoding(self.system, switchable=False)
            ids = [enc.event_index[e] for e in sorted(idx)]

            def goal(pre: StateVars, st: StepVars, post: StateVars) -> z3.BoolRef:
                parts = [z3.Or([st.ev == i for i in ids]), enc.active(o, pre)]
                if due is not None:
                    parts.append(post[NOW] <= due)
                return z3.And(parts)

            allowed_events = None if events is None else sorted(set(events) | {TIME_PASSES})
            out = search_from(enc, dict(start), goal, self.bound, self.deadline, allowed_events)
            if out.status == BmcStatus.NONE and self.last > self.bound:  # deeper, on a share
                with part(self.deadline, cap=max(1, self.rlimit // CLASSIFY_SHARE), fresh=False):
                    deeper = search_from(enc, dict(start), goal, self.last, self.deadline,
                                         allowed_events)
                out = deeper if deeper.status != BmcStatus.UNKNOWN or q.clock_stopped else type(out)(
                    BmcStatus.NONE, max(self.bound, deeper.depth - 1))  # as far as the budget went
            stopped = q.clock_stopped
        if out.status == BmcStatus.UNKNOWN or stopped:
            self._note(what, QuestionStatus.UNKNOWN, None, out.reason or "wall-clock limit")
            return None, out.depth
        if out.status == BmcStatus.NONE:
            self._note(what, QuestionStatus.NONE_WITHIN, out.depth)
            return False, out.depth
        assert out.trace is not None
        self._replay_from(o, start, out.trace, due, allowed_events)
        self._note(what, QuestionStatus.FOUND, len(out.trace))
        self._last_from = self._needed(o, start, out.trace, due, allowed_events)
        return True, out.depth

    def _needed(self, o: ObligationDef, start: State, trace: list[Step], due: int | None,
                events: list[str] | None) -> list[Step]:
        """The continuation without the acts of others it does not need (each dropped, last
        first, while the rest still discharges ``o`` by ``due`` on replay), so that a finding
        names only the acts that meeting the duty depends on, not the solver's choice of more."""
        out = list(trace)
        for i in range(len(out) - 2, -1, -1):  # the last step is the discharge itself
            if out[i].event == TIME_PASSES or self.system.events[out[i].event].actor == o.actor:
                continue
            candidate = out[:i] + out[i + 1:]
            if self._why_not_discharging(o, start, candidate, due, events) is None:
                out = candidate
        return out

    def _replay_from(self, o: ObligationDef, start: State, trace: list[Step], due: int | None,
                     events: list[str] | None) -> None:
        """The interpreter confirms a solver continuation, or the two disagree: InternalError."""
        from ..model.errors import InternalError

        why = self._why_not_discharging(o, start, trace, due, events)
        if why is not None:
            raise InternalError(f"solver continuation {why}")

    def _why_not_discharging(self, o: ObligationDef, start: State, trace: list[Step],
                             due: int | None, events: list[str] | None) -> str | None:
        """None if every step of the continuation is lawful and allowed and the last one
        discharges ``o`` in force, by ``due``; else why not."""
        state, pre = dict(start), dict(start)
        try:
            for s in trace:
                if events is not None and s.event not in events:
                    raise StepRefused(f"{s.event} is not among the events allowed")
                pre, state = state, self.interp.step(state, s)
        except StepRefused as exc:
            return f"does not replay: {exc}"
        last = trace[-1]
        if last.event not in o.discharged_by or not self.interp.active(o, pre) or (
                due is not None and last.day > due):
            return f"does not discharge {o.id} on replay"
        return None

    def _named(self, trace: list[Step], holder: str) -> str:
        """What others must do on a continuation, in the text's words (who and the event)."""
        acts = [self.system.events[s.event].says for s in trace
                if s.event != TIME_PASSES and self.system.events[s.event].actor != holder]
        return "if " + "; ".join(dict.fromkeys(acts)) if acts else ""

    def _events_of(self, actors: set[str]) -> list[str]:
        return [e.id for e in self.system.events.values() if e.actor in actors and e.id != TIME_PASSES]

    # -- gaps ----------------------------------------------------------------------------------
    def gaps(self) -> list[Finding]:
        return [f for office in self.system.offices for f in self.gaps_of(office.id)]

    def gaps_of(self, office_id: str) -> list[Finding]:
        """Gaps of one office: vacant with no event able to fill it, one per distinct cause,
        with the longest time such a vacancy can last."""
        office = next(o for o in self.system.offices if o.id == office_id)
        self.progress(f"gap: {office.name}")
        fills = [self.system.events[e] for e in office.filled_by]
        what = f"gap: {office.name}"

        def cause_of(trace: list[Step]) -> _Cause:
            state = self.final_state(trace)
            cause = [(e, a) for e in fills for a in self._failing(e, state)]
            elements = list(dict.fromkeys(a.element for _, a in cause))
            why = _words(cause, self.words) or "no event fills it"
            return _Cause(why, frozenset(a.key for _, a in cause),
                          conj([blocks_always(e, a) for e, a in cause]) if cause else None, Finding(
                "gap", f"{_upper(office.name)} can be vacant with nobody entitled to fill it: {why}",
                sorted(set(_cites(elements)) | set(office.cites), key=citation_sort_key),
                self.label, trace, elements=_keys(cause) or [f"office:{office.id}"],
                about=f"office:{office.id}"))

        try:
            gap = conj([_call("vacant", office.id),
                        Unary("not", disj([allowed(self.system, e) for e in fills]))])
            kept = self._each_cause(what, [gap], cause_of)
        except TooManyArguments as exc:
            self._note(what, QuestionStatus.UNKNOWN, None, str(exc))
            return []
        if kept:
            longest = self.longest(office, gap, max(len(f.trace or []) for f in kept))
            for f in kept:
                f.duration = longest
        return kept

    def longest(self, office: OfficeDef, gap: Node, length: int) -> str:
        """The longest a gap of ``office`` can last when every duty holder acts diligently
        (compliant traces, as the query ``max-vacancy`` of the tests asks; on merely lawful
        traces nothing ever has to end a vacancy), over traces a little longer than its
        witness: N days proved optimal, unbounded, or what is known (optimize.py)."""
        from .query_answers import solve
        from .query_replay import Problem
        from .question import context_rlimit

        bound = min(self.last, length + 2)
        what = f"gap: {office.name}: longest duration within {bound} events, duties met diligently"
        problem = Problem(f"gap-{office.id}", what, Call("duration", (gap,)), Lit(True), True,
                          bound, True, "days", FOREVER, list(office.cites))
        with self._question() as q, context_rlimit(q.units() or 1):
            answer, _value = solve(self.system, problem, self.deadline)
            stopped = q.clock_stopped
        status = str(answer.status)
        if stopped or status == "unknown":
            self._note(what, QuestionStatus.UNKNOWN, bound, "wall-clock limit" if stopped else "resource budget")
            return "unknown"
        if status == "infeasible":
            self._note(what, QuestionStatus.NONE_WITHIN, bound)
            return f"none on a diligent trace of up to {bound} events"
        self._note(what, QuestionStatus.FOUND, bound)
        if answer.value == "unbounded":
            return "unbounded"
        if status == "optimal":
            return f"{answer.value} days (the longest within {bound} events, proved optimal)"
        return f"at least {answer.value} days (within {bound} events; optimality not shown)"

    # -- dead provisions -----------------------------------------------------------------------
    def dead_provisions(self) -> list[Finding]:
        """Cover elements with witness traces; what no trace within the bound reaches is dead."""
        self.progress("dead provisions")
        pending: dict[str, Node] = {}
        for e in self.system.events.values():
            if e.id != TIME_PASSES:
                pending[f"event:{e.id}"] = _call("happened", e.id)
        for o in self.system.obligations:
            pending[f"obligation:{o.id}"] = _call("active", o.id)
        for p in self.system.prohibitions:  # in force, for some arguments of an event it bars
            try:
                pending[f"prohibition:{p.id}"] = disj([some_args(self.system.events[e], p.when) for e in p.events])
            except TooManyArguments as exc:
                self.unknown.append(f"whether {p.summary} ever applies: {exc}")
        goals = {k: Property("reachable", node, text=k) for k, node in pending.items()}
        with self._question():
            result, depth = search_goals_to(Encoding(self.system, switchable=False), goals, self.bound,
                                            self.deadline, False, self._covered_by)
        for _trace, hit in result.hits:
            for k in hit:
                pending.pop(k, None)
        if result.unresolved:
            self.unknown.append(f"coverage of {len(result.unresolved)} elements (timeout)")
            self.questions.append(QuestionRecord("provisions that never apply", self.label,
                                                 QuestionStatus.UNKNOWN, None, result.reason or "limit"))
            for k in result.unresolved:
                pending.pop(k, None)  # unknown is not dead
        else:
            self.questions.append(QuestionRecord(
                "provisions that never apply", self.label,
                QuestionStatus.FOUND if pending else QuestionStatus.NONE_WITHIN, self.bound))
        dead_elements = set(pending)
        out = []
        by_cite: dict[str, list[str]] = {}
        for key, el in self.system.elements.items():
            owner = _owner(key)
            for c in el.cites:
                by_cite.setdefault(c, []).append(owner)
        for cite, owners in sorted(by_cite.items(), key=lambda kv: citation_sort_key(kv[0])):
            if owners and all(o in dead_elements for o in owners):
                out.append(Finding(
                    "dead-provision", f"{human_cite(cite)} never applies within {self.bound} events",
                    [cite], self.label, None,
                    note="no trace within the bound reaches any element citing it",
                    elements=sorted(set(owners))))
        return out

    def _covered_by(self, trace: list[Step]) -> set[str]:
        states = self.interp.run(trace)
        hit = {f"event:{s.event}" for s in trace}
        for st in states:
            for o in self.system.obligations:
                if self.interp.active(o, st):
                    hit.add(f"obligation:{o.id}")
            for p in self.system.prohibitions:  # in force for some arguments of an event it bars
                if any(self.interp.holds(p.when, self.interp.env(st, None, args))
                       for e in p.events for args in self.interp.combos(self.system.events[e], names_in(p.when))):
                    hit.add(f"prohibition:{p.id}")
        return hit

    def obligation(self, oid: str) -> ObligationDef:
        return next(o for o in self.system.obligations if o.id == oid)

    def _who(self, o: ObligationDef) -> str:
        return self.system.actor_name(o.actor)

    def units(self, kinds: tuple[str, ...] = KINDS) -> list[tuple[str, str]]:
        """The independent pieces of work, (kind, item), in a fixed order: a duty's conflicts,
        all deadlocks, a duty's endless procedures, an office's gaps, all dead provisions."""
        out: list[tuple[str, str]] = []
        if "conflict" in kinds:
            out += [("conflict", o.id) for o in self.system.obligations]
        if "deadlock" in kinds:
            out.append(("deadlock", ""))
        if "endless" in kinds:
            out += [("endless", o.id) for o in self.system.obligations if o.within is None]
        if "gap" in kinds:
            out += [("gap", o.id) for o in self.system.offices]
        if "dead-provision" in kinds:
            out.append(("dead-provision", ""))
        return out

    def weight(self, kind: str, kinds: tuple[str, ...] = KINDS) -> int:
        """A unit's share of a ``--budget``: the deadlock search (compliant traces, every duty
        with a deadline at once; most of find's work) gets as much as all other units
        together, the coverage search four units' worth, every other unit one."""
        if kind == "deadlock":
            return max(1, sum(self.weight(k) for k, _ in self.units(kinds) if k != "deadlock"))
        if kind == "dead-provision":
            return 4
        return 1

    def run_unit(self, kind: str, item: str) -> list[Finding]:
        if kind == "conflict":
            return self.conflicts_of(item)
        if kind == "deadlock":
            return self.deadlocks()
        if kind == "endless":
            return self.endless_of(item)
        if kind == "gap":
            return self.gaps_of(item)
        return self.dead_provisions()

    def run(self, kinds: tuple[str, ...] = KINDS) -> list[Finding]:
        out: list[Finding] = []
        for kind, item in self.units(kinds):
            out += self.run_unit(kind, item)
        return group_cascades(self.system, canonical(out))


class _EagerReach(Property):
    """A witness query judged on compliant traces (duties done as soon as allowed), on the
    traces ``along`` allows."""

    def __init__(self, target: Node, text: str, along: Node | None = None) -> None:
        super().__init__("reachable", target, text=text, along=along)

    @property
    def eager(self) -> bool:
        return True


def _last_day_that_counted(due: int | None, before: State) -> State:
    """The state before the lapsing step, on the last day that counted for the duty: its due
    day (or that state's day, if later), as the diligence rule judges it (docs/semantics.md).
    A duty whose time begins by the clock alone (a window that opens before the due day) is
    judged on that day, not on the earlier day of the state the trace jumped from."""
    if due is None:
        return before
    return {**before, NOW: max(due, int(before[NOW]))}


def _due_node(o: ObligationDef) -> Node | None:
    if o.within is None or o.since is None:
        return None
    return Binary("+", o.since, o.within)


def _barred_before_lapse(system: System, o: ObligationDef) -> Node:
    """Before the lapsing step, every discharge of ``o`` would have been barred on the day its
    time began (``since``), the state as it is then: a calendar window (a session's period)
    shut on that day too."""
    assert o.since is not None
    return Call("prev", (conj([Unary("not", allowed(system, system.events[e], o.since))
                               for e in o.discharged_by]),))


def _barred_on_arising(system: System, o: ObligationDef, first: list[str]) -> Node:
    """A condition on every step of a trace: whenever ``o`` arises, each of its discharges, and
    the first act of the holder's way to meet it (``first``: a preparatory act, such as a
    reading of the bill), is barred in the state where it arose, on the day its time began
    (``since``) if nothing happens before: the holder's window was never open. (A duty in
    force in the initial state does not arise on the trace, and is not restricted.)"""
    assert o.since is not None
    active = _call("active", o.id)
    arises = conj([active, Unary("not", Call("prev", (active,)))])
    barred = conj([Unary("not", allowed(system, system.events[e], o.since))
                   for e in dict.fromkeys([*o.discharged_by, *first])])
    return disj([Unary("not", arises), barred])


def _keys(cause: list[tuple[Any, Atom]]) -> list[str]:
    """The elements behind a cause, then its atoms that are conjuncts of a clause (``#i``), so
    two conjuncts of one guard clause are two causes and the elements still locate both."""
    atoms = [a for _, a in cause]
    return list(dict.fromkeys([a.element.key for a in atoms] + [a.key for a in atoms if "#" in a.key]))


def _minimal(found: list[tuple[frozenset[str], Finding]]) -> list[Finding]:
    """Findings whose cause contains no other cause found for the same duty or office."""
    return [f for cause, f in found
            if not any(other < cause for other, _ in found)]


def group_cascades(system: System, findings: list[Finding]) -> list[Finding]:
    """Mark a finding that *follows from* another one as its cascade: ``root`` is the root's
    identity (a root with the shortest trace first; roots are never cascades).

    A finding follows from a root (a lapsed duty, an office vacant and unfillable) when (1)
    the root's condition holds in the state where the finding arises (its witness state; for
    a deadlock, the state before the lapsing step, where its cause is read) and (2) its cause
    depends on the root: an atom of its cause reads the root's subject (an office's vacancy:
    what ``vacant_when`` reads; a lapsed duty: what its discharges would have set). A trace
    that merely passes through a root's state (an office vacant for zero days, then refilled)
    makes no cascade."""
    interp = Interpreter(system)
    names = set(system.var_map)
    atoms_by_key = {a.key: a for e in system.events.values() for a in atoms_of(system, e)}
    marks: list[tuple[Finding, Callable[[State], bool], set[str]]] = []
    for f in findings:
        if f.kind == "deadlock" and f.about.startswith("obligation:"):
            o = next((x for x in system.obligations if x.element.key == f.about), None)
            if o is not None:
                sets = {v for e in o.discharged_by for eff in system.events[e].effects
                        for v, _ in eff.assigns}
                marks.append((f, lambda st, o=o: interp.lapsed(o, st),  # type: ignore[misc]
                              sets | {f"obligation:{o.id}"}))
        if f.kind == "gap" and f.about.startswith("office:"):
            office = next((x for x in system.offices if f"office:{x.id}" == f.about), None)
            if office is not None:
                gap = _gap_node(system, office)
                if gap is not None:
                    marks.append((f, lambda st, g=gap: interp.holds(g, interp.env(st)),  # type: ignore[misc]
                                  (names_in(office.vacant) & names) | {f"office:{office.id}"}))
    order = {"deadlock": 0, "gap": 1}
    key = lambda x: (len(x.trace or []), order.get(x.kind, 2), finding_key(x))  # noqa: E731
    marks.sort(key=lambda m: key(m[0]))
    roots: set[str] = set()
    for f in sorted(findings, key=key):
        if f.trace is None:
            roots.add(f.identity)
            continue
        try:
            states = interp.run(f.trace, eager=f.kind == "deadlock")
        except StepRefused:
            states = interp.run(f.trace)
        arises = states[-2] if f.kind == "deadlock" and len(states) >= 2 else states[-1]
        mentions = set().union(*[_mentions(system, atoms_by_key[k].node, names)
                                 for k in f.elements if k in atoms_by_key])
        for g, holds, subject in marks:
            if g is f or g.identity not in roots or g.about == f.about:
                continue
            if mentions & subject and holds(arises):
                f.root = g.identity
                break
        if not f.root:
            roots.add(f.identity)
    return findings


def _mentions(system: System, node: Node, names: set[str]) -> set[str]:
    """What a condition reads: state variables, and the offices and duties it names
    (``vacant(x)``: the office and what its vacancy reads; ``active(d)``, ``lapsed(d)``)."""
    out = names_in(node) & names
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Call) and n.args and isinstance(n.args[0], Name):
            arg = n.args[0].id
            if n.fn == "vacant":
                office = next((o for o in system.offices if o.id == arg), None)
                out |= {f"office:{arg}"} | (names_in(office.vacant) & names if office else set())
            elif n.fn in ("active", "lapsed"):
                out.add(f"obligation:{arg}")
        stack.extend(children(n))
    return out


def _gap_node(system: System, office: OfficeDef) -> Node | None:
    """Vacant with no fill event allowed (None if the arguments are too many to write out)."""
    try:
        return conj([_call("vacant", office.id), Unary("not", disj(
            [allowed(system, system.events[e]) for e in office.filled_by]))])
    except TooManyArguments:
        return None


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _owner(key: str) -> str:
    """Elements of an event count as the event; others are themselves."""
    if key.startswith("event:"):
        return "event:" + key.split(":")[1]
    return key


def _cites(elements: list[Element]) -> list[str]:
    return sorted({c for e in elements for c in e.cites}, key=citation_sort_key)


def _words(cause: list[tuple[Any, Atom]], words: Vocabulary) -> str:
    """A cause (its atoms) in words, each atom once."""
    return "; ".join(dict.fromkeys(_atom_phrase(a, words) for _, a in cause))


def _atom_phrase(a: Atom, words: Vocabulary) -> str:
    """One atomic cause in words, with its provisions: a bar as the text states it, a failing
    condition as what holds instead (its negation, in the model's words)."""
    where = ", ".join(human_cite(c) for c in a.element.cites)
    if a.prohibition:
        return f"{a.element.summary} ({where})"
    return f"{words.negated(a.node)} ({where})"


def finding_key(f: Finding) -> tuple[Any, ...]:
    """The canonical order of findings: kind, provisions, then the words and elements."""
    return (KINDS.index(f.kind), [(citation_sort_key(c), c) for c in f.cites], f.summary,
            sorted(f.elements), f.reading)


def canonical(findings: list[Finding]) -> list[Finding]:
    """Deduplicated, in the canonical order, whatever order the searches ran in."""
    return sorted(dedupe(findings), key=finding_key)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (kind, cause): the shortest trace wins.

    The cause is the set of elements of law involved (each cites its provisions), so two
    prohibitions written in one paragraph remain two defects."""
    best: dict[tuple[str, tuple[str, ...], str], Finding] = {}
    for f in findings:
        key = (f.kind, tuple(sorted(f.elements)) or tuple(f.cites), f.reading)
        cur = best.get(key)
        if cur is None or len(f.trace or []) < len(cur.trace or []):
            best[key] = f
    return list(best.values())
