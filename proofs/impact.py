"""Impact analysis: what a change to a model does to the proof suite and to the findings.

Both models are verified (the suite, then ``find``) and compared: verdicts that changed,
findings added or removed (with their traces), properties whose proofs rely on other provisions.

Speed comes first from the cache (cache.py): a result whose cone of influence is unchanged is
reused. In a real constitution most cones are nearly the whole model (a few variables, such as
who holds the presidency, connect everything), so the model after the change also starts from
the verdicts before it: a proof whose unsat core the change leaves intact is still a proof
(reuse.py gives the argument); an old counterexample that still replays is still a
counterexample; any other old proof is re-attempted directly by k-induction (base case
included) without the bounded search. Only what none of these settles is checked in full.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model.expr import ExprError
from ..model.loader import LoadedModel, resolve
from ..model.system import System
from ..properties.catalog import PropertySpec, reading_label, readings_for
from ..properties.language import Property, parse_property
from .cache import Cones, ResultCache, node_key, property_names
from .discover import FIND_BOUND, KINDS, Finding
from .engine import MAX_K, check_property, proof_fields, replays
from .find_reuse import Answers, ReusingDiscoverer
from .induction import k_induction, recheck_smt2
from .interpreter import trace_from_json
from .reuse import carry_core, survives
from .suite import Suite, result_json
from .verdicts import Result, Verdict

Progress = Callable[[str], None]
NOT_APPLICABLE = "not_applicable"  # the property mentions something the model no longer has
RECONFIRM_SECONDS = 5.0  # a re-confirmation that takes longer gives way to a full check
# dead provisions need a coverage search of the whole model each time: too slow to repeat per
# amendment, and a timeout there reads as "dead"; ask for it with find_kinds
FIND_KINDS = tuple(k for k in KINDS if k != "dead-provision")


# ----------------------------------------------------------------------------- one model


@dataclass
class Verification:
    """The suite results and findings of one model."""

    loaded: LoadedModel
    results: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    systems: dict[str, System] = field(default_factory=dict)
    find_answers: Answers = field(default_factory=dict)  # find's questions, answered
    reused: int = 0
    computed: int = 0


class Verifier:
    """Verifies models against one suite, sharing a cache between them.

    ``cores``: name what each "nothing found" of ``find`` relies on, for a model verified
    without ``previous`` (the model before a change), so the model after it can reuse it."""

    def __init__(self, suite: Suite, cache: ResultCache | None = None, bound: int | None = None,
                 timeout: float | None = None, find_bound: int = FIND_BOUND, find_timeout: float = 120.0,
                 find_kinds: tuple[str, ...] = FIND_KINDS, progress: Progress | None = None,
                 cores: bool = True) -> None:
        self.suite = suite
        self.cores = cores
        self.cache = cache if cache is not None else ResultCache()
        self.bound = suite.spec.bound if bound is None else bound
        self.timeout_override = timeout
        self.find_bound = find_bound
        self.find_timeout = find_timeout
        self.find_kinds = find_kinds
        self.progress = progress or (lambda _m: None)

    def timeout(self, pid: str) -> float:
        return self.suite.timeout_for(pid) if self.timeout_override is None else self.timeout_override

    def system(self, v: Verification, reading: dict[str, str]) -> tuple[System, Cones]:
        label = json.dumps(sorted(reading.items()))
        if label not in v.systems:
            v.systems[label] = resolve(v.loaded, reading)
        s = v.systems[label]
        cones = s.extra.get("cones")
        if cones is None:
            cones = s.extra["cones"] = Cones(v.loaded, s)
        return s, cones

    def verify(self, loaded: LoadedModel, find: bool = True,
               previous: Verification | None = None) -> Verification:
        """Check the suite (and ``find``); with ``previous`` (the model before a change), its
        results are reused where the change cannot matter or is cheaply re-confirmed."""
        v = Verification(loaded)
        old = {(r["id"], r["reading"]): r for r in previous.results} if previous else {}
        for spec in self.suite.catalog.spec.properties:
            for reading in readings_for(spec, loaded):
                label = reading_label(reading, spec.readings)
                self.progress(f"{loaded.constitution.id}: {spec.id} [{label}]")
                was = old.get((spec.id, label))
                earlier = None if was is None or previous is None else (previous, reading, was)
                v.results.append(self.check(v, spec, reading, label, earlier))
        if find:
            v.findings = self.find(v, previous)
        return v

    def check(self, v: Verification, spec: PropertySpec, reading: dict[str, str], label: str,
              earlier: tuple[Verification, dict[str, str], dict[str, Any]] | None = None
              ) -> dict[str, Any]:
        """One result: from the cache, carried over from ``earlier`` (the model before the
        change, the reading, its result), or computed."""
        system, cones = self.system(v, reading)
        head = {"statement": spec.statement, "cites": spec.cites, "formula": spec.formula}
        try:
            prop = parse_property(spec.formula, system)
        except ExprError as exc:
            return {"id": spec.id, "reading": label, "verdict": NOT_APPLICABLE,
                    "reason": f"the formula no longer fits the model: {exc.message}", **head}
        key = cones.key(property_names(prop), prop.eager,
                        {"property": [prop.kind, node_key(prop.target), node_key(prop.response),
                                      node_key(prop.within)],
                         "bound": self.bound, "timeout": self.timeout(spec.id)})
        hit = self.cache.get(key)
        if hit is not None and self._still_valid(system, prop, hit):
            v.reused += 1
            return _renew(hit, system) | head | {"cached": True}
        if earlier is not None:
            previous, _, before = earlier
            again = self._carry(self.system(previous, reading)[0], system, prop, spec, label, before)
            if again is None:
                again = self._reconfirm(system, prop, spec.id, label, before)
            if again is not None:
                v.reused += 1
                self.cache.put(key, again | head)
                return again | head | {"cached": False}
        v.computed += 1
        r = check_property(system, prop, bound=self.bound, timeout=self.timeout(spec.id))
        out = result_json(spec.id, label, r, system) | head
        self.cache.put(key, out)
        return out | {"cached": False}

    def _carry(self, old: System, system: System, prop: Property, spec: PropertySpec,
               label: str, before: dict[str, Any]) -> dict[str, Any] | None:
        """An old proof whose unsat core the change leaves intact, carried over (reuse.py)."""
        if before.get("verdict") not in (Verdict.PROVED.value, Verdict.UNREACHABLE.value):
            return None
        if "core" not in before:
            return None
        try:
            old_prop = parse_property(spec.formula, old)
        except ExprError:
            return None
        if survives(old, system, old_prop, prop, before["core"]) is not None:
            return None
        core = carry_core(old, system, before["core"])
        return {k: x for k, x in before.items() if k != "cached"} | {
            "seconds": 0.0, "core": core, "relies_on": system.cites_of(set(core)),
            "reconfirmed": "the change leaves the proof's unsat core intact"}

    def _reconfirm(self, system: System, prop: Property, pid: str, label: str,
                   before: dict[str, Any]) -> dict[str, Any] | None:
        """The verdict from before, re-established cheaply on the changed model, or None.

        A counterexample or witness that still replays (and is still bad at its end) is one on
        the new model too. An old Spacer invariant is re-checked on the new model (three solver
        calls instead of a search). Otherwise a proof is attempted directly by k-induction,
        whose re-check covers the base case, so no bounded search is needed first (this also
        catches a change that makes a violated property true). Anything else: None (a full
        check).
        """
        started = time.monotonic()
        verdict = before.get("verdict")
        trace = trace_from_json(before.get("trace"))
        if trace is not None and verdict in (Verdict.VIOLATED.value, Verdict.REACHABLE.value):
            if replays(system, prop, trace):
                r = Result(Verdict(verdict), self.bound, time.monotonic() - started,
                           trace=tuple(trace))
                return result_json(pid, label, r, system) | {"reconfirmed": "trace replayed"}
            # else the old trace is gone: perhaps the change made the property true
        elif verdict not in (Verdict.PROVED.value, Verdict.UNREACHABLE.value):
            return None
        safety = prop if prop.kind != "reachable" else Property("never", prop.target, text=prop.text)
        old_cert = before.get("certificate") or {}
        deadline = time.monotonic() + min(self.timeout(pid), RECONFIRM_SECONDS)
        if old_cert.get("smt2"):
            proof = recheck_smt2(system, safety, old_cert["smt2"], deadline)
            how = "the old invariant re-checked"
        else:
            k = int(old_cert.get("k") or MAX_K)
            try:
                proof = k_induction(system, safety, min(MAX_K, max(1, k)), deadline)
            except AssertionError:  # the base case fails: a real counterexample; search for it
                return None
            how = "k-induction"
        if proof.status != "proved":
            return None
        r = Result(bound=self.bound, seconds=time.monotonic() - started,
                   solver_seconds=proof.solver_seconds, **proof_fields(system, prop, proof))
        return result_json(pid, label, r, system) | {"reconfirmed": how}

    def _still_valid(self, system: System, prop: Property, hit: dict[str, Any]) -> bool:
        trace = trace_from_json(hit.get("trace"))
        return trace is None or replays(system, prop, trace)

    def find(self, v: Verification, previous: Verification | None = None) -> list[dict[str, Any]]:
        loaded = v.loaded
        reading = loaded.default_reading()
        system, cones = self.system(v, reading)
        label = ",".join(f"{k}={x}" for k, x in sorted(reading.items())) or "default"
        before = None
        if previous is not None:
            before = (self.system(previous, previous.loaded.default_reading())[0],
                      previous.find_answers)
        d = ReusingDiscoverer(system, label, self.find_bound, time.monotonic() + self.find_timeout,
                              cones=cones, cache=self.cache, answers=v.find_answers,
                              previous=before, cores=self.cores and previous is None,
                              progress=lambda m: self.progress(f"{loaded.constitution.id}: find {m}"))
        return [f.to_json(system) | {"elements": f.elements}
                for f in _sorted_findings(d.run(self.find_kinds))]


def _sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.kind, f.summary, f.cites))


def _renew(hit: dict[str, Any], system: System) -> dict[str, Any]:
    """A reused result, keeping only citations the model still has."""
    out = dict(hit)
    if "relies_on" in out:
        present = {c for el in system.elements.values() for c in el.cites}
        out["relies_on"] = [c for c in out["relies_on"] if c in present]
    out["seconds"] = 0.0
    return out


# ----------------------------------------------------------------------------- comparison


def compare(before: Verification, after: Verification) -> dict[str, Any]:
    """Verdict changes, findings added / removed and reliance changes between two models."""
    old = {(r["id"], r["reading"]): r for r in before.results}
    changes = []
    reliance = []
    traces = []
    for r in after.results:
        b = old.get((r["id"], r["reading"]))
        if b is None:
            continue
        if b["verdict"] != r["verdict"]:
            changes.append({
                "id": r["id"], "reading": r["reading"], "before": b["verdict"],
                "after": r["verdict"], "statement": r.get("statement", ""),
                "formula": r.get("formula", ""),
                "before_timeline": b.get("timeline", []), "after_timeline": r.get("timeline", []),
                "after_trace": r.get("trace"), "reason": r.get("reason", ""),
                "after_relies_on": r.get("relies_on"),
            })
        elif b.get("trace") and r.get("trace") and _events(b) != _events(r):
            traces.append({"id": r["id"], "reading": r["reading"], "verdict": r["verdict"],
                           "before_timeline": b.get("timeline", []),
                           "after_timeline": r.get("timeline", [])})
        if "relies_on" in b and "relies_on" in r and b["relies_on"] != r["relies_on"]:
            bs, as_ = set(b.get("relies_on") or []), set(r.get("relies_on") or [])
            reliance.append({"id": r["id"], "reading": r["reading"],
                             "before": b.get("relies_on"), "after": r.get("relies_on"),
                             "added": sorted(as_ - bs), "removed": sorted(bs - as_)})

    def fkey(f: dict[str, Any]) -> tuple[Any, ...]:
        return (f["kind"], f["summary"], tuple(f["cites"]), f["reading"])

    bkeys = {fkey(f) for f in before.findings}
    akeys = {fkey(f) for f in after.findings}
    return {
        "verdict_changes": changes,
        "findings_added": [f for f in after.findings if fkey(f) not in bkeys],
        "findings_removed": [f for f in before.findings if fkey(f) not in akeys],
        "reliance_changes": reliance,
        "trace_changes": traces,  # same verdict, another counterexample / witness
        "unchanged": len(after.results) - len(changes),
    }


def _events(r: dict[str, Any]) -> list[str]:
    return [s["event"] for s in r.get("trace") or []]


def impact(before: LoadedModel, after: LoadedModel, verifier: Verifier,
           find: bool = True) -> dict[str, Any]:
    started = time.monotonic()
    b = verifier.verify(before, find)
    a = verifier.verify(after, find, previous=b)
    return compare(b, a) | {
        "checked": len(a.results),
        "recomputed_after": a.computed, "reused_after": a.reused,
        "cache": verifier.cache.stats(), "seconds": round(time.monotonic() - started, 2),
    }
