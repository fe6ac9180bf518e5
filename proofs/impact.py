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
from ..model.system import System, derived
from ..properties.catalog import PropertySpec, readings_for
from ..properties.language import Property, parse_property
from .cache import Cones, ResultCache, limit_ran_out, node_key, property_names, reason_is_limit
from .discover import FIND_BOUND, Finding
from .engine import MAX_K, check_property, proof_fields, replays
from .find_reuse import Answers, ReusingDiscoverer
from .induction import ProofOutcome, Refuted, k_induction, recheck_k_induction, recheck_smt2
from .interpreter import trace_from_json
from .kinds import FINDING_KINDS
from .records import (
    CacheStats,
    Comparison,
    FindingChange,
    FindingDiff,
    FindingRecord,
    ImpactReport,
    RelianceChange,
    TraceChange,
    TraceStep,
    Undecided,
    VerdictChange,
    reading_label,
)
from .reuse import carry_core, survives
from .suite import Suite, result_json
from .verdicts import Result, Verdict

Progress = Callable[[str], None]
RECONFIRM_SECONDS = 5.0  # a re-confirmation that takes longer gives way to a full check
# the kinds amend/diff compare by default (why not all: kinds.py); ask for others with find_kinds
FIND_KINDS = tuple(k.id for k in FINDING_KINDS if k.compared_by_amend)


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
        return s, derived(s, "cones", lambda: Cones(v.loaded, s))

    def verify(self, loaded: LoadedModel, find: bool = True,
               previous: Verification | None = None) -> Verification:
        """Check the suite (and ``find``); with ``previous`` (the model before a change), its
        results are reused where the change cannot matter or is cheaply re-confirmed."""
        v = Verification(loaded)
        old = {(r["id"], r["reading"]): r for r in previous.results} if previous else {}
        for spec in self.suite.catalog.spec.properties:
            for reading in readings_for(spec, loaded):
                label = reading_label(reading, loaded.default_reading(), spec.readings)
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
        head = {"statement": spec.statement, "cites": spec.cites, "formula": spec.formula,
                "timeout": self.timeout(spec.id)}
        try:
            prop = parse_property(spec.formula, system)
        except ExprError as exc:
            return {"id": spec.id, "reading": label, "verdict": Verdict.NOT_APPLICABLE.value,
                    "reason": f"the formula no longer fits the model: {exc.message}", **head}
        key = cones.key(property_names(prop), prop.eager,
                        {"property": [prop.kind, node_key(prop.target), node_key(prop.response),
                                      node_key(prop.within)],
                         "bound": self.bound, "timeout": self.timeout(spec.id)})
        hit = self.cache.get(key, "result")
        believed = None if hit is None else self._believed(system, prop, spec.id, label, key, hit)
        if believed is not None:
            v.reused += 1
            return _renew(believed, system) | head | {"id": spec.id, "reading": label, "cached": True}
        if earlier is not None:
            previous, _, before = earlier
            again = self._carry(self.system(previous, reading)[0], system, prop, spec, label, before)
            if again is None:
                again = self._reconfirm(system, prop, spec.id, label, before)
            if again is not None:
                v.reused += 1
                self.cache.put(key, again | head, "result")
                return again | head | {"cached": False}
        v.computed += 1
        r = check_property(system, prop, bound=self.bound, timeout=self.timeout(spec.id))
        out = result_json(spec.id, label, r, system) | head
        self.cache.put(key, out, "result")  # not if undecided: a timeout is not a verdict
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
            proof = k_induction(system, safety, min(MAX_K, max(1, k)), deadline)  # "failed": search
            how = "k-induction"
        if proof.status != "proved":
            return None
        r = Result(bound=self.bound, seconds=time.monotonic() - started,
                   solver_seconds=proof.solver_seconds, **proof_fields(system, prop, proof))
        return result_json(pid, label, r, system) | {"reconfirmed": how}

    def _believed(self, system: System, prop: Property, pid: str, label: str, key: str,
                  hit: dict[str, Any]) -> dict[str, Any] | None:
        """A cached result, if its evidence holds on ``system``: a trace must replay, a proof's
        certificate must pass its re-check (core and reliance then come from that re-check).
        Evidence that fails drops the entry with a warning; a re-check cut short by its time
        limit only means "compute it again"."""
        verdict = Verdict(hit["verdict"])
        fits = (verdict in (Verdict.REACHABLE, Verdict.UNREACHABLE)) == (prop.kind == "reachable")
        if verdict != Verdict.HOLDS_TO_BOUND and not fits:
            self.cache.drop(key, f"a {verdict.value} verdict for a {prop.kind} property")
            return None
        if verdict in (Verdict.VIOLATED, Verdict.REACHABLE):
            if replays(system, prop, trace_from_json(hit["trace"]) or []):
                return hit
            self.cache.drop(key, "its trace does not replay")
            return None
        if verdict == Verdict.HOLDS_TO_BOUND:
            return hit  # no evidence to re-check short of the search itself; the checksum vouches
        started = time.monotonic()
        safety = prop if prop.kind != "reachable" else Property("never", prop.target, text=prop.text)
        proof = recheck_certificate(system, safety, hit["certificate"], started + self.timeout(pid))
        if proof is None:
            self.cache.drop(key, "its certificate fails its re-check")
            return None
        if proof.status != "proved":
            return None
        r = Result(bound=self.bound, seconds=time.monotonic() - started,
                   solver_seconds=proof.solver_seconds, **proof_fields(system, prop, proof))
        kept = {k: x for k, x in hit.items() if k not in ("certificate", "core", "relies_on")}
        return kept | result_json(pid, label, r, system)

    def find(self, v: Verification, previous: Verification | None = None) -> list[dict[str, Any]]:
        loaded = v.loaded
        reading = loaded.default_reading()
        system, cones = self.system(v, reading)
        label = reading_label(reading, reading)  # the default reading, named as `find` names it
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


def recheck_certificate(system: System, safety: Property, cert: dict[str, Any],
                        deadline: float) -> ProofOutcome | None:
    """Re-check a stored certificate on ``system``: the invariant's three conditions, or
    k-induction's base and step case for its k. None if the certificate is wrong; an
    ``unknown`` outcome if the solver ran out of time first."""
    if cert.get("smt2"):
        proof = recheck_smt2(system, safety, cert["smt2"], deadline)
        if proof.status == "unknown" and not reason_is_limit(proof.reason):
            return None
        return proof
    rechecked = recheck_k_induction(system, safety, int(cert["k"]), deadline)
    return None if isinstance(rechecked, Refuted) else rechecked


# ----------------------------------------------------------------------------- comparison


def compare(before: Verification, after: Verification) -> Comparison:
    """Verdict changes, findings added / removed / changed and reliance changes between two
    models. A verdict on either side that a limit left undecided is no change: it is listed
    under ``undecided`` ("could not be decided") with the limit that ran out."""
    old = {(r["id"], r["reading"]): r for r in before.results}
    changes = []
    undecided = []
    reliance = []
    traces = []
    for r in after.results:
        b = old.get((r["id"], r["reading"]))
        if b is None:
            continue
        limit = _undecided(b, r)
        if limit is not None:
            undecided.append(Undecided(r["id"], r["reading"], Verdict(b["verdict"]), Verdict(r["verdict"]),
                                       r.get("statement", ""), limit))
        elif b["verdict"] != r["verdict"]:
            changes.append(VerdictChange(
                r["id"], r["reading"], Verdict(b["verdict"]), Verdict(r["verdict"]), r.get("statement", ""),
                r.get("formula", ""), tuple(b.get("timeline", [])), tuple(r.get("timeline", [])),
                None if r.get("trace") is None else tuple(TraceStep.from_json(s) for s in r["trace"]),
                r.get("reason", ""), None if r.get("relies_on") is None else tuple(r["relies_on"])))
        elif b.get("trace") and r.get("trace") and _events(b) != _events(r):
            traces.append(TraceChange(r["id"], r["reading"], Verdict(r["verdict"]),
                                      tuple(b.get("timeline", [])), tuple(r.get("timeline", []))))
        if "relies_on" in b and "relies_on" in r and b["relies_on"] != r["relies_on"]:
            reliance.append(RelianceChange(r["id"], r["reading"], tuple(b.get("relies_on") or ()),
                                           tuple(r.get("relies_on") or ())))
    added, removed, changed = compare_findings(before.findings, after.findings)
    return Comparison(
        tuple(changes), tuple(undecided),
        tuple(FindingRecord.from_json(f) for f in added), tuple(FindingRecord.from_json(f) for f in removed),
        tuple(FindingChange(FindingRecord.from_json(c["before"]), FindingRecord.from_json(c["after"]),
                            FindingDiff.from_json(c["changes"])) for c in changed),
        tuple(reliance), tuple(traces), unchanged=len(after.results) - len(changes) - len(undecided))


def _undecided(b: dict[str, Any], a: dict[str, Any]) -> str | None:
    """The limit that left one side undecided, unless the other side contradicts what the
    undecided side did settle (a trace within the bound where it found none)."""
    for side, r, other in (("before", b, a), ("after", a, b)):
        why = limit_ran_out(r)
        if why is None:
            continue
        if r["verdict"] == Verdict.HOLDS_TO_BOUND.value and other["verdict"] in (
                Verdict.VIOLATED.value, Verdict.REACHABLE.value):
            continue  # the bounded search did settle: no trace within the bound; now there is one
        seconds = r.get("timeout")
        limit = f"the {seconds:g} s limit ran out" if isinstance(seconds, int | float) else "a limit ran out"
        return f"{limit} {side} the change ({why})"
    return None


def finding_identity(f: dict[str, Any]) -> tuple[Any, ...]:
    """What a finding is about, stable under a change of its trace or citations: its kind and
    reading, the duty or office it concerns and its cause (the elements that block it)."""
    elements = list(f.get("elements") or [])
    if f["kind"] in ("conflict", "deadlock") and elements:
        subject, cause = elements[0], sorted(elements[1:])
    else:  # a gap's summary names its office; a dead provision's, the provision
        subject, cause = f["summary"], sorted(elements)
    return (f["kind"], f["reading"], subject, tuple(cause))


def compare_findings(before: list[dict[str, Any]], after: list[dict[str, Any]]
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Findings added, removed, and changed (matched by ``finding_identity``; what changed:
    citations, summary, trace)."""
    pool: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for f in before:
        pool.setdefault(finding_identity(f), []).append(f)
    added, changed = [], []
    for f in after:
        same = pool.get(finding_identity(f))
        if not same:
            added.append(f)
            continue
        b = same.pop(0)
        what = _finding_diff(b, f)
        if what:
            changed.append({"kind": f["kind"], "summary": f["summary"], "reading": f["reading"],
                            "cites": f["cites"], "changes": what, "before": b, "after": f})
    removed = [f for fs in pool.values() for f in fs]
    removed.sort(key=lambda f: before.index(f))
    return added, removed, changed


def _finding_diff(b: dict[str, Any], a: dict[str, Any]) -> dict[str, Any]:
    """What changed in one finding: citations added / removed, its summary, its trace."""
    out: dict[str, Any] = {}
    if b["cites"] != a["cites"]:
        out["cites_added"] = [c for c in a["cites"] if c not in b["cites"]]
        out["cites_removed"] = [c for c in b["cites"] if c not in a["cites"]]
    if b["summary"] != a["summary"]:
        out["summary_before"] = b["summary"]
    if _steps(b) != _steps(a):
        out["trace"] = True
    return out


def _steps(f: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(s["event"], s["day"], sorted((s.get("args") or {}).items())) for s in f.get("trace") or []]


def _events(r: dict[str, Any]) -> list[str]:
    return [s["event"] for s in r.get("trace") or []]


def impact(before: LoadedModel, after: LoadedModel, verifier: Verifier,
           find: bool = True) -> ImpactReport:
    started = time.monotonic()
    b = verifier.verify(before, find)
    a = verifier.verify(after, find, previous=b)
    stats = verifier.cache.stats()
    return ImpactReport(compare(b, a), checked=len(a.results), recomputed_after=a.computed,
                        reused_after=a.reused, cache=CacheStats(stats["hits"], stats["misses"]),
                        seconds=round(time.monotonic() - started, 2))
