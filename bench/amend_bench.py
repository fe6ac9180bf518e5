"""Benchmark: impact analysis of one-change amendments on the built-in model.

Compares two ways of answering "what does this amendment change?":

- from scratch: verify the suite on the model and on the amended model, each property checked
  in full (bounded search, then an unbounded proof), nothing shared;
- incremental (what ``polity amend`` does): the model's results are already in the cache (as
  after any earlier ``polity amend`` run in the repository); ``impact`` re-reads them, then
  carries over to the amended model every proof whose unsat core the change leaves intact,
  replays old traces, re-checks old invariants, and checks the rest in full.

Per run, the model is verified from scratch once (which also fills the cache), then each
amendment's amended model from scratch and incrementally. Prints JSON with, per amendment, the
median seconds over ``--runs`` runs, the ratio, and whether both ways found the same verdict
changes. Run: ``.venv/bin/python bench/amend_bench.py [--amendment FILE ...] [--runs N] [--find]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from polity.model.amendment import apply_amendment, entrenchment, load_amendment
from polity.model.loader import load_model
from polity.proofs.impact import ResultCache, Verifier, compare, impact
from polity.proofs.suite import builtin_suite_path, load_suite

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "amendments"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--amendment", type=Path, nargs="*",
                    help="default: every admissible example in examples/amendments/")
    ap.add_argument("--suite", type=Path, default=None, help="default: the built-in suite")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--find", action="store_true", help="also compare findings")
    args = ap.parse_args()

    before = load_model()
    suite = load_suite(args.suite or builtin_suite_path(before.constitution.id), before)
    files = args.amendment or sorted(f for f in EXAMPLES.glob("*.yaml") if not f.name.startswith("kz-"))
    afters = {}
    for f in files:
        am = load_amendment(f)
        if not entrenchment(before, am):  # an inadmissible amendment is not analysed
            afters[f.name] = apply_amendment(before, am).model

    scratch: dict[str, list[float]] = {name: [] for name in afters}
    incremental: dict[str, list[float]] = {name: [] for name in afters}
    same_verdicts: dict[str, list[bool]] = {name: [] for name in afters}
    same_findings: dict[str, list[bool]] = {name: [] for name in afters}
    last: dict[str, dict[str, Any]] = {}
    for run in range(args.runs):
        t0 = time.monotonic()
        b = Verifier(suite, ResultCache(), cores=False).verify(before, args.find)
        base = time.monotonic() - t0
        warm = ResultCache()
        t0 = time.monotonic()
        Verifier(suite, warm).verify(before, args.find)  # the earlier run, cores included
        _say(f"run {run + 1}: model from scratch {base:.1f} s; "
             f"with the cores the amended model reuses {time.monotonic() - t0:.1f} s")
        for name, after in afters.items():
            t0 = time.monotonic()
            a = Verifier(suite, ResultCache(), cores=False).verify(after, args.find)
            scratch[name].append(base + time.monotonic() - t0)
            full = compare(b, a).to_json()
            cache = ResultCache()
            cache.memory = dict(warm.memory)  # each amendment starts from the same earlier run
            t0 = time.monotonic()
            report = impact(before, after, Verifier(suite, cache), args.find).to_json()
            incremental[name].append(time.monotonic() - t0)
            same_verdicts[name].append(_changes(full) == _changes(report))
            same_findings[name].append(_findings(full) == _findings(report))
            if not same_findings[name][-1]:
                _say(f"    findings differ: from scratch {_findings(full)}, "
                     f"incremental {_findings(report)}")
            last[name] = report
            _say(f"  {name}: from scratch {scratch[name][-1]:.1f} s, "
                 f"incremental {incremental[name][-1]:.1f} s")

    rows = []
    for name in afters:
        s, i = statistics.median(scratch[name]), statistics.median(incremental[name])
        rows.append({
            "amendment": name, "from_scratch_median_s": round(s, 2),
            "incremental_median_s": round(i, 2), "speedup": round(s / i, 1) if i > 0 else None,
            "incremental_s": [round(x, 2) for x in incremental[name]],
            "reused_after": last[name]["reused_after"],
            "recomputed_after": last[name]["recomputed_after"],
            "same_verdict_changes_per_run": same_verdicts[name],
            "same_findings_per_run": same_findings[name],
            "verdict_changes": _changes(last[name]),
        })
    print(json.dumps({
        "model": before.constitution.id, "suite": str(suite.path.relative_to(ROOT)),
        "checks_per_model": len(b.results), "runs": args.runs, "find": args.find,
        "amendments": rows,
        "slowest_incremental_median_s": max(r["incremental_median_s"] for r in rows),
        "smallest_speedup": min(r["speedup"] or 0 for r in rows),
    }, indent=2))


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _changes(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted((c["id"], c["reading"], c["before"], c["after"])
                  for c in report["verdict_changes"])


def _findings(report: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    def keys(fs: list[dict[str, Any]]) -> list[Any]:
        return sorted((f["kind"], f["summary"]) for f in fs)
    return keys(report["findings_added"]), keys(report["findings_removed"])


if __name__ == "__main__":
    main()
