"""``polity find``: discovery's units of work, each in a process of its own, merged in order.

Z3 objects do not pickle, so a worker receives plain data (model path, reading, one unit) and
returns findings as JSON. Each search is a question with its own context and resource budget
(question.py), so a unit gives the same findings in any process; the merge takes the units in
their fixed order and applies the same dedupe and canonical sort as one process does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..model.system import System
from .compiler import Encoding
from .discover import Discoverer, Finding, canonical, group_cascades
from .interpreter import trace_from_json
from .isolated import run_each
from .records import QuestionRecord
from .suite import system_for


@dataclass(frozen=True)
class Unit:
    """One piece of discovery under one reading, described in plain data."""

    model_path: str | None
    reading: tuple[tuple[str, str], ...]
    label: str
    bound: int
    deadline: float  # time.monotonic() value; the clock is shared by processes on one host
    rlimit: int
    kind: str
    item: str
    says: str  # what the unit asks, in the text's words (progress)
    deepen: bool = False  # ask deeper than ``bound`` while the question's budget lasts
    lapse: str = ""  # a "deadlock-causes" unit: the duty's first lapse (trace JSON; units hash)


# findings (plain data), the searches not settled, the questions asked (QuestionRecord JSON),
# and the units of work that follow from this one (a lapse's causes after the lapse search)
Outcome = tuple[list[dict[str, Any]], list[str], list[dict[str, Any]], list[Unit]]
CAUSES = "deadlock-causes"  # a unit of the pool only: one duty's lapse, what it depends on, its causes


def run_unit(unit: Unit) -> Outcome:
    """Findings of one unit (as plain data), the searches it could not settle, every question
    it asked, and the units that follow: the deadlock search is two steps, the search for
    every duty's first lapse, then one unit per duty that lapses (``Discoverer.deadlocks``
    in pieces, so that two workers share the second step)."""
    system = system_for(unit.model_path, unit.reading)
    d = Discoverer(system, unit.label, unit.bound, unit.deadline, rlimit=unit.rlimit,
                   deepen=unit.deepen)
    follow: list[Unit] = []
    if unit.kind == "deadlock":
        found: list[Finding] = []
        follow = [replace(unit, kind=CAUSES, item=oid, says=_says(system, CAUSES, oid),
                          lapse=json.dumps([s.to_json() for s in trace]))
                  for oid, trace in sorted(d.lapses().items())]
    elif unit.kind == CAUSES:
        trace = trace_from_json(json.loads(unit.lapse))
        assert trace is not None
        found = d.deadlocks_of(d.obligation(unit.item), trace)
    else:
        found = d.run_unit(unit.kind, unit.item)
    return [_plain(f) for f in found], d.unknown, [q.to_json() for q in d.questions], follow


def _plain(f: Finding) -> dict[str, Any]:
    return {"kind": f.kind, "summary": f.summary, "cites": f.cites, "reading": f.reading,
            "trace": None if f.trace is None else [s.to_json() for s in f.trace],
            "note": f.note, "elements": f.elements, "about": f.about, "root": f.root,
            "depends": f.depends, "duration": f.duration}


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(data["kind"], data["summary"], data["cites"], data["reading"],
                   trace_from_json(data["trace"]), data["note"], data["elements"], data["about"],
                   data.get("root", ""), data.get("depends", ""), data.get("duration", ""))


def units_of(model_path: str | None, reading: dict[str, str], label: str, bound: int,
             deadline: float, rlimit: int, kinds: tuple[str, ...], budget: int | None = None,
             deepen: bool = False) -> list[Unit]:
    """The units of discovery for one reading, in ``Discoverer.units`` order. With ``budget``
    (resource units for the reading) each unit gets its weighted share, and each question in
    it a share of that (``QUESTION_SHARE``); otherwise every question gets ``rlimit``."""
    key = tuple(sorted(reading.items()))
    system = system_for(model_path, key)
    d = Discoverer(system, label, bound, deadline, rlimit=rlimit)
    todo = d.units(kinds)
    total = sum(d.weight(kind, kinds) for kind, _ in todo) or 1
    out = []
    for kind, item in todo:
        share = 1 if kind == "deadlock" else QUESTION_SHARE  # its one search is nearly all its work
        units = rlimit if budget is None else max(1, budget * d.weight(kind, kinds) // total // share)
        out.append(Unit(model_path, key, label, bound, deadline, units, kind, item,
                        _says(system, kind, item), deepen))
    return out


def _in_order(units: list[Unit], results: list[Outcome]) -> list[Unit]:
    """The units answered, in the order ``run_each`` gives their answers (each unit, then the
    units that followed from it)."""
    out: list[Unit] = []
    answers = iter(results)

    def walk(unit: Unit) -> None:
        out.append(unit)
        for u in next(answers)[3]:
            walk(u)

    for unit in units:
        walk(unit)
    return out


QUESTION_SHARE = 2  # a unit's budget is worth this many of its questions (most ask one or two)


_DUTY_UNITS = {"conflict": "conflicts", "endless": "no end", CAUSES: "deadlock"}  # unit kind -> progress word


def _says(system: System, kind: str, item: str) -> str:
    """What a unit asks, for progress: a duty's or an office's words, not its id."""
    if kind in _DUTY_UNITS:
        o = next(o for o in system.obligations if o.id == item)
        return f"{_DUTY_UNITS[kind]}: {system.actor_name(o.actor)} must {o.summary}"
    if kind == "gap":
        return f"gap: {next(o.name for o in system.offices if o.id == item)}"
    return {"deadlock": "deadlocks: the duties with deadlines",
            "dead-provision": "provisions that never apply"}.get(kind, kind)


def find_parallel(units: list[Unit], workers: int,
                  started: Callable[[Unit], None] | None = None,
                  finished: Callable[[Unit, Any], None] | None = None,
                  more: Callable[[int], None] | None = None,
                  ) -> dict[str, tuple[list[Finding], list[str], list[QuestionRecord]]]:
    """Run ``units``, each in a process of its own (isolated.py), ``workers`` at once, and the
    units they give rise to as soon as they do (``more`` is told how many: a duty's lapse to
    examine, after the lapse search). Per reading label: the findings merged
    in unit order (a unit's followers right after it, as ``Discoverer.run`` asks them),
    deduplicated, sorted and grouped into cascades as ``Discoverer.run`` does, the unsettled
    searches, and the questions asked."""
    for unit in units:  # loaded and compiled here once; the forked processes inherit them
        Encoding(system_for(unit.model_path, unit.reading), switchable=False).build_masters()

    def then(_unit: Unit, outcome: Outcome) -> list[Unit]:
        if outcome[3] and more:
            more(len(outcome[3]))
        return outcome[3]

    results = run_each(run_unit, units, workers, started, finished, then)
    ordered = list(zip(_in_order(units, results), results, strict=True))
    merged: dict[str, tuple[list[Finding], list[str], list[QuestionRecord]]] = {}
    systems: dict[str, System] = {}
    for unit, (found, unknown, asked, _follow) in ordered:
        fs, us, qs = merged.setdefault(unit.label, ([], [], []))
        systems.setdefault(unit.label, system_for(unit.model_path, unit.reading))
        fs += [_finding(f) for f in found]
        us += unknown
        qs += [QuestionRecord.from_json(q) for q in asked]
    return {label: (group_cascades(systems[label], canonical(fs)), us, qs)
            for label, (fs, us, qs) in merged.items()}
