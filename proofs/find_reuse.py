"""``find`` that reuses earlier answers: from the cache, and from the model before a change.

Every question ``find`` asks the solver is a witness query ("is this state reachable within n
events?") or one search over many such goals (the deadlocks). Each answer is recorded under an
id that names the question, not the model:

- from the cache (cache.py): an answer whose cone of influence is unchanged is reused (its trace
  replayed first);
- from the model before a change: an old witness trace that still replays is still a witness;
  an old "none within n events" whose unsat core the change leaves intact (reuse.py; recorded
  with ``cores=True``) still holds. Only the rest is searched.

The deadlock search records no core: it runs on compliant traces, and what a compliant trace
is depends on every obligation and on every condition of the events that discharge them (on
the built-in model the core of "no other deadlock within 8 events" is 276 of its elements and
took five minutes to compute). Its old witnesses are replayed; for the other goals one check
over every depth asks whether any is reachable at all (usually not: done), and only if one is
does the search, shortest witness first, run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import z3

from ..model.expr import Node, names_in
from ..model.system import System
from ..properties.language import Property
from .bmc import GOALS_ARITH_SOLVER, reach_any
from .cache import Cones, ResultCache, node_key, property_names
from .compiler import Encoding
from .discover import Discoverer, _EagerReach
from .engine import replays
from .induction import bounded_core
from .interpreter import Step, StepRefused, trace_from_json
from .reuse import carry_core, property_key, survives

Answers = dict[str, dict[str, Any]]
Hits = list[tuple[list[Step], set[str]]]
CORE_SECONDS = 60.0  # the re-check that names what a "none" relies on gets this long


class ReusingDiscoverer(Discoverer):
    """A Discoverer whose questions are answered from the cache or the model before, if sound.

    ``answers`` receives this run's answers by question id; ``previous`` is the model before the
    change with its answers; ``cores`` asks for the unsat core of every "none" (needed only for
    a model that later changes)."""

    def __init__(self, system: System, label: str, bound: int, deadline: float, *, cones: Cones,
                 cache: ResultCache, answers: Answers,
                 previous: tuple[System, Answers] | None = None, cores: bool = False,
                 progress: Callable[[str], None] | None = None) -> None:
        super().__init__(system, label, bound, deadline, progress)
        self.cones = cones
        self.cache = cache
        self.answers = answers
        self.previous = previous
        self.cores = cores

    # -- single witness queries ----------------------------------------------------------------
    def witness(self, target: Node, text: str, eager: bool = False, along: Node | None = None
                ) -> list[Step] | None:
        prop = (_EagerReach(target, text, along) if eager
                else Property("reachable", target, text=text, along=along))
        restricted = {} if along is None else {"along": node_key(along)}
        qid = _qid("witness", text, node_key(target), eager, self.bound, *restricted.values())
        key = self.cones.key(property_names(prop), eager,
                             {"witness": node_key(target), "bound": self.bound, **restricted})
        hit = self.cache.get(key, "witness")
        if hit is not None and (hit["trace"] is not None or not self.cores or "core" in hit):
            trace = trace_from_json(hit["trace"])
            if trace is None or replays(self.system, prop, trace):
                self.answers[qid] = hit
                return trace
            self.cache.drop(key, "its witness trace does not replay")
        carried = self._carry_witness(qid, prop)
        if carried is not None:
            self.cache.put(key, carried, "witness")
            self.answers[qid] = carried
            return trace_from_json(carried["trace"])
        unknown_before = len(self.unknown)
        trace = super().witness(target, text, eager, along)
        if len(self.unknown) > unknown_before:  # a timeout is not an answer
            return None
        answer: dict[str, Any] = {"trace": None if trace is None else [s.to_json() for s in trace],
                                  "pkey": property_key(prop, self.system)}
        if trace is None and self.cores and along is None:  # a core over all traces, not some
            core = bounded_core(self.system, [prop], self.bound, time.monotonic() + CORE_SECONDS)
            if core is not None:
                answer["core"] = sorted(core)
        self.cache.put(key, answer, "witness")
        self.answers[qid] = answer
        return trace

    def _carry_witness(self, qid: str, prop: Property) -> dict[str, Any] | None:
        if self.previous is None:
            return None
        old_system, old_answers = self.previous
        old = old_answers.get(qid)
        if old is None:
            return None
        pkey = property_key(prop, self.system)
        trace = trace_from_json(old["trace"])
        if trace is not None:
            if replays(self.system, prop, trace):
                return {"trace": old["trace"], "pkey": pkey}
            return None
        if old.get("core") is None or survives(old_system, self.system, old["pkey"], prop, old["core"]):
            return None
        return {"trace": None, "pkey": pkey, "core": carry_core(old_system, self.system, old["core"])}

    # -- one search over many goals ------------------------------------------------------------
    def goal_search(self, what: str, goals: dict[str, Property],
                    replay: Callable[[list[Step]], set[str]]) -> Hits:
        qid = _qid("goals", what, self.bound)  # the same question when a duty is added
        names = set().union(*(names_in(g.target) for g in goals.values())) if goals else set()
        eager = any(g.eager for g in goals.values())
        key = self.cones.key(names, eager, {"goals": qid, "ids": sorted(goals)})
        hit = self.cache.get(key, "goals")
        if hit is not None:
            hits = _replayed(hit["hits"], replay, set(goals))
            if hits is not None:
                self.answers[qid] = hit
                return hits
            self.cache.drop(key, "a witness trace does not replay")
        open_goals = dict(goals)
        hits = self._carry_goals(qid, open_goals, replay)
        if self.previous is not None and open_goals and self._none_left(open_goals):
            open_goals.clear()  # the old witnesses still replay and nothing else is reachable
        unknown_before = len(self.unknown)
        hits += super().goal_search(what, open_goals, replay)
        if len(self.unknown) > unknown_before:
            return hits
        answer = {"hits": [[[s.to_json() for s in t], sorted(r)] for t, r in hits]}
        self.cache.put(key, answer, "goals")
        self.answers[qid] = answer
        return hits

    def _none_left(self, goals: dict[str, Property]) -> bool:
        """After a change most goals stay out of reach: one check over every depth settles
        that, where the search (shortest witness first) asks depth by depth."""
        enc = Encoding(self.system, switchable=False)
        r, _ = reach_any(enc, list(goals.values()), self.bound, self.deadline, GOALS_ARITH_SOLVER)
        return bool(r == z3.unsat)

    def _carry_goals(self, qid: str, open_goals: dict[str, Property],
                     replay: Callable[[list[Step]], set[str]]) -> Hits:
        """Old witnesses that still replay; the goals they reach leave ``open_goals``."""
        if self.previous is None:
            return []
        old = self.previous[1].get(qid)
        if old is None:
            return []
        hits: Hits = []
        for trace_json, _ in old["hits"]:
            trace = trace_from_json(trace_json)
            assert trace is not None
            try:
                reached = replay(trace) & set(open_goals)
            except StepRefused:  # the old trace does not replay on this model
                continue
            if reached:
                hits.append((trace, reached))
                for g in reached:
                    open_goals.pop(g)
        return hits


def _replayed(stored: list[Any], replay: Callable[[list[Step]], set[str]],
              goals: set[str]) -> Hits | None:
    """Stored hits, each replayed and reaching the same goals; None if any does not."""
    out: Hits = []
    for trace_json, reached in stored:
        trace = trace_from_json(trace_json)
        assert trace is not None
        try:
            again = replay(trace) & goals
        except StepRefused:  # the old trace does not replay on this model
            return None
        if not set(reached) <= again:
            return None
        out.append((trace, set(reached)))
    return out


def _qid(*parts: Any) -> str:
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))
