"""Automatic discovery: conflicts, deadlocks, gaps and dead provisions, with no user property.

- conflict: a reachable state where an obligation is in force and every way to discharge it
  is prohibited;
- deadlock: a compliant trace (duties done as soon as the law permits) in which a deadline
  lapses;
- gap: a reachable state where a continuous office is vacant and nothing can fill it;
- dead provision: a cited provision none of whose elements ever applies within the bound.

Each query is a witness search (BMC) whose trace is replayed by the interpreter. Findings are
deduplicated by cause, the set of provisions involved, keeping the shortest trace, and sorted
by a canonical key. Each search is a question of its own (question.py): a fresh Z3 context and
a resource budget, so its answer does not depend on the load or on what ran before it; this is
also why the units of work (``units``) can run in any process and give the same findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model.expr import Binary, Call, Name, Node, Unary
from ..model.system import (
    TIME_PASSES,
    Element,
    EventDef,
    ObligationDef,
    System,
    citation_sort_key,
    human_cite,
)
from ..properties.language import Property
from .bmc import bmc, search_goals
from .compiler import Encoding
from .engine import replay_and_tighten
from .explain import timeline, trace_json
from .interpreter import Interpreter, State, Step
from .kinds import KIND_IDS
from .question import question, units_for
from .records import FindingRecord, TraceStep
from .tighten import tighten

KINDS = KIND_IDS  # the kinds and their texts: kinds.py; their searches: below
FIND_BOUND = 8  # events per trace by default (the built-in model's findings are all shorter)
FIND_RLIMIT = units_for(150.0)  # resource units per search question unless the caller says


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

    def record(self, system: System) -> FindingRecord:
        """The finding as reports read it: the trace narrated on ``system``."""
        trace = None if self.trace is None else tuple(
            TraceStep.from_json(s) for s in trace_json(system, self.trace))
        return FindingRecord(self.kind, self.summary, tuple(self.cites), self.reading, trace,
                             tuple(timeline(system, self.trace)) if self.trace is not None else (),
                             self.note, self.about, tuple(self.elements))

    def to_json(self, system: System) -> dict[str, Any]:
        return self.record(system).to_json()


def _call(fn: str, name: str) -> Node:
    return Call(fn, (Name(name),))


def _and(nodes: list[Node]) -> Node:
    out = nodes[0]
    for n in nodes[1:]:
        out = Binary("and", out, n)
    return out


class Discoverer:
    """Runs the discovery queries for one System."""

    def __init__(self, system: System, label: str, bound: int, deadline: float,
                 progress: Callable[[str], None] | None = None, rlimit: int = FIND_RLIMIT) -> None:
        self.system = system
        self.label = label
        self.bound = bound
        self.deadline = deadline  # wall-clock backstop for the whole run
        self.rlimit = rlimit  # resource units for each search
        self.interp = Interpreter(system)
        self.progress = progress or (lambda _msg: None)
        self.unknown: list[str] = []

    def witness(self, target: Node, text: str, eager: bool = False) -> list[Step] | None:
        """The shortest replayed trace reaching ``target`` (on compliant traces if ``eager``)."""
        prop = _EagerReach(target, text) if eager else Property("reachable", target, text=text)
        with question(self.rlimit, self.deadline):
            out = bmc(Encoding(self.system, switchable=False), prop, self.bound, self.deadline)
        if out.status == "unknown":
            self.unknown.append(text)
            return None
        if out.status == "none":
            return None
        assert out.trace is not None
        return replay_and_tighten(self.system, prop, out.trace)

    def goal_search(self, what: str, goals: dict[str, Property],
                    replay: Callable[[list[Step]], set[str]]) -> list[tuple[list[Step], set[str]]]:
        """Witness traces for many goals at once (compliant traces if the goals say so), each
        tightened, with the goals its replay reaches."""
        eager = any(g.eager for g in goals.values())
        with question(self.rlimit, self.deadline):
            result = search_goals(Encoding(self.system, switchable=False), dict(goals), self.bound,
                                  self.deadline, eager, replay)
        self.unknown += [f"{what} {g}" for g in sorted(result.unresolved)]
        return [(tighten(raw, lambda t, hit=hit: hit <= replay(t)), hit)  # type: ignore[misc]
                for raw, hit in result.hits]

    def final_state(self, trace: list[Step], eager: bool = False) -> State:
        return self.interp.run(trace, eager=eager)[-1]

    def blockers(self, event: EventDef, state: State) -> list[Element]:
        """The elements that stop ``event`` in ``state`` today: failing guards, prohibitions."""
        env = self.interp.env(state, int(state["now"]), {})
        out = [g.element for g in event.guards if not self.interp.holds(g.cond, env)]
        out += [p.element for p in self.system.permissions_on(event.id) if not self.interp.holds(p.when, env)]
        out += [p.element for p in self.system.prohibitions_on(event.id) if self.interp.holds(p.when, env)]
        return out

    # -- the four kinds ----------------------------------------------------------------------
    def conflicts(self) -> list[Finding]:
        return [f for o in self.system.obligations for f in self.conflicts_of(o.id)]

    def conflicts_of(self, oid: str) -> list[Finding]:
        """Conflicts of one duty: one witness search per distinct set of prohibitions."""
        found = []
        o = self._obligation(oid)
        self.progress(f"conflict: {o.id}")
        banned = [_call("prohibited", e) for e in o.discharged_by]
        target = _and([_call("active", o.id), *banned])
        seen_causes: list[frozenset[str]] = []
        while True:
            extra = [Unary("not", _and([p.when for p in self.system.prohibitions if p.id in cause]))
                     for cause in seen_causes]
            trace = self.witness(_and([target, *extra]), f"conflict {o.id}")
            if trace is None:
                break
            state = self.final_state(trace)
            in_force = frozenset(p.id for e in o.discharged_by
                                 for p in self.system.prohibitions_on(e)
                                 if self.interp.holds(p.when, self.interp.env(state)))
            if not in_force or in_force in seen_causes:
                break
            seen_causes.append(in_force)
            prohibs = [p for p in self.system.prohibitions if p.id in in_force]
            cites = _cites([o.element, *[p.element for p in prohibs]])
            found.append(Finding(
                "conflict",
                f"{_upper(self.system.actor_name(o.actor))} must {o.summary}, "
                f"but {'; '.join(p.summary for p in prohibs)}",
                cites, self.label, trace, elements=[o.element.key, *[p.element.key for p in prohibs]],
                about=o.element.key))
            if len(seen_causes) >= 6:
                break
        return found

    def deadlocks(self) -> list[Finding]:
        """Compliant traces on which a deadline lapses: one incremental search for all duties."""
        duties = {o.id: o for o in self.system.obligations if o.within is not None}
        self.progress(f"deadlocks: {len(duties)} duties with deadlines")
        goals: dict[str, Property] = {oid: _EagerReach(_call("lapsed", oid), f"lapse of {oid}") for oid in duties}

        def lapsed_on_replay(trace: list[Step]) -> set[str]:
            final = self.interp.run(trace, eager=True)[-1]
            return {oid for oid, o in duties.items() if self.interp.lapsed(o, final)}

        found = []
        for trace, hit in self.goal_search("deadlock", goals, lapsed_on_replay):
            states = self.interp.run(trace, eager=True)
            before = states[-2] if len(states) >= 2 else states[-1]  # when the duty was still doable
            for oid in sorted(hit):
                o = duties[oid]
                blocking = [b for e in o.discharged_by for b in self.blockers(self.system.events[e], before)]
                why = "; ".join(sorted({_element_phrase(b) for b in blocking})) or "nothing enables it in time"
                found.append(Finding(
                    "deadlock",
                    f"{_upper(self.system.actor_name(o.actor))} must {o.summary}, and cannot do it in time: {why}",
                    _cites([o.element, *blocking]), self.label, trace,
                    elements=[o.element.key, *[b.key for b in blocking]], about=o.element.key))
        return found

    def gaps(self) -> list[Finding]:
        return [f for office in self.system.offices if office.continuous
                for f in self.gaps_of(office.id)]

    def gaps_of(self, office_id: str) -> list[Finding]:
        """A gap of one continuous office, if its vacancy can be unfillable."""
        found: list[Finding] = []
        office = next(o for o in self.system.offices if o.id == office_id)
        self.progress(f"gap: {office.name}")
        fills = [e for e in office.filled_by if not self.system.events[e].args]
        conds: list[Node] = [_call("vacant", office.id)]
        conds += [Unary("not", _call("enabled", e)) for e in fills]
        trace = self.witness(_and(conds), f"gap {office.id}")
        if trace is None:
            return found
        state = self.final_state(trace)
        blocking = [b for e in fills for b in self.blockers(self.system.events[e], state)]
        cites = _cites(blocking) + [c for c in office.cites]
        found.append(Finding(
            "gap", f"{_upper(office.name)} can be vacant with nobody "
            "entitled to fill it", sorted(set(cites), key=citation_sort_key), self.label, trace,
            elements=[b.key for b in blocking], about=f"office:{office.id}"))
        return found

    def dead_provisions(self) -> list[Finding]:
        """Cover elements with witness traces; what no trace within the bound reaches is dead."""
        self.progress("dead provisions")
        pending: dict[str, Node] = {}
        for e in self.system.events.values():
            if e.id != TIME_PASSES:
                pending[f"event:{e.id}"] = _call("happened", e.id)
        for o in self.system.obligations:
            pending[f"obligation:{o.id}"] = _call("active", o.id)
        for p in self.system.prohibitions:
            pending[f"prohibition:{p.id}"] = p.when
        goals = {k: Property("reachable", node, text=k) for k, node in pending.items()}
        with question(self.rlimit, self.deadline):
            result = search_goals(Encoding(self.system, switchable=False), goals, self.bound,
                                  self.deadline, False, self._covered_by)
        for _trace, hit in result.hits:
            for k in hit:
                pending.pop(k, None)
        if result.unresolved:
            self.unknown.append(f"coverage of {len(result.unresolved)} elements (timeout)")
            for k in result.unresolved:
                pending.pop(k, None)  # unknown is not dead
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
            for p in self.system.prohibitions:
                if self.interp.holds(p.when, self.interp.env(st)):
                    hit.add(f"prohibition:{p.id}")
        return hit

    def _obligation(self, oid: str) -> ObligationDef:
        return next(o for o in self.system.obligations if o.id == oid)

    def units(self, kinds: tuple[str, ...] = KINDS) -> list[tuple[str, str]]:
        """The independent pieces of work, (kind, item), in a fixed order: a duty's conflicts,
        all deadlocks, an office's gap, all dead provisions."""
        out: list[tuple[str, str]] = []
        if "conflict" in kinds:
            out += [("conflict", o.id) for o in self.system.obligations]
        if "deadlock" in kinds:
            out.append(("deadlock", ""))
        if "gap" in kinds:
            out += [("gap", o.id) for o in self.system.offices if o.continuous]
        if "dead-provision" in kinds:
            out.append(("dead-provision", ""))
        return out

    def run_unit(self, kind: str, item: str) -> list[Finding]:
        if kind == "conflict":
            return self.conflicts_of(item)
        if kind == "deadlock":
            return self.deadlocks()
        if kind == "gap":
            return self.gaps_of(item)
        return self.dead_provisions()

    def run(self, kinds: tuple[str, ...] = KINDS) -> list[Finding]:
        out: list[Finding] = []
        for kind, item in self.units(kinds):
            out += self.run_unit(kind, item)
        return canonical(out)


class _EagerReach(Property):
    """A witness query judged on compliant traces (duties done as soon as allowed)."""

    def __init__(self, target: Node, text: str) -> None:
        super().__init__("reachable", target, text=text)

    @property
    def eager(self) -> bool:
        return True


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _owner(key: str) -> str:
    """Elements of an event count as the event; others are themselves."""
    if key.startswith("event:"):
        return "event:" + key.split(":")[1]
    return key


def _cites(elements: list[Element]) -> list[str]:
    return sorted({c for e in elements for c in e.cites}, key=citation_sort_key)


def _element_phrase(el: Element) -> str:
    where = ", ".join(human_cite(c) for c in el.cites)
    if el.kind == "prohibition":
        return f"{el.summary} ({where})"
    return f"the condition '{el.summary}' fails ({where})"


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
