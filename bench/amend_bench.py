"""Benchmark: impact analysis of a one-change amendment on the built-in model.

Compares two ways of answering "what does this amendment change?":

- from scratch: verify the suite on the model and on the amended model, each property checked
  in full (bounded search, then an unbounded proof), nothing shared;
- incremental: the model's results are already in the cache (as after any earlier ``polity
  amend`` or ``polity check`` run in the repository); the amended model reuses what its cones
  allow and re-confirms the rest cheaply (replayed traces, k-induction without a bounded
  search), falling back to a full check.

Prints JSON with the median seconds over ``--runs`` runs and the ratio. Run:
``.venv/bin/python bench/amend_bench.py [--amendment FILE] [--suite FILE] [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from polity.model.amendment import apply_amendment, load_amendment
from polity.model.loader import load_model
from polity.proofs.impact import ResultCache, Verifier, compare, impact
from polity.proofs.suite import builtin_suite_path, load_suite

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "amendments"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--amendment", type=Path, default=EXAMPLES / "no-dissolution-during-removal.yaml")
    ap.add_argument("--suite", type=Path, default=None,
                    help="default: the built-in suite, else examples/amendments/kz-suite.yaml")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--find", action="store_true", help="also compare findings (slow)")
    args = ap.parse_args()

    before = load_model()
    suite_path = args.suite or builtin_suite_path(before.constitution.id)
    if not suite_path.exists():
        suite_path = EXAMPLES / "kz-suite.yaml"
    suite = load_suite(suite_path, before)
    amendment = load_amendment(args.amendment)
    after = apply_amendment(before, amendment).model

    scratch, incremental = [], []
    verdicts_agree = True
    for _ in range(args.runs):
        t0 = time.monotonic()
        b = Verifier(suite, ResultCache()).verify(before, args.find)
        a = Verifier(suite, ResultCache()).verify(after, args.find)
        scratch.append(time.monotonic() - t0)
        print(f"from scratch: {scratch[-1]:.1f} s", file=sys.stderr, flush=True)
        full = compare(b, a)

        warm = ResultCache()
        Verifier(suite, warm).verify(before, args.find)  # the repository's earlier run
        t0 = time.monotonic()
        report = impact(before, after, Verifier(suite, warm), args.find)
        incremental.append(time.monotonic() - t0)
        print(f"incremental: {incremental[-1]:.1f} s", file=sys.stderr, flush=True)
        verdicts_agree &= (_changes(full) == _changes(report))

    s, i = statistics.median(scratch), statistics.median(incremental)
    print(json.dumps({
        "model": before.constitution.id, "suite": str(suite_path.relative_to(ROOT)),
        "amendment": str(args.amendment.relative_to(ROOT)) if args.amendment.is_absolute()
        else str(args.amendment),
        "checks_per_model": len(report.get("verdict_changes", [])) + report["unchanged"],
        "runs": args.runs, "find": args.find,
        "from_scratch_median_s": round(s, 2), "incremental_median_s": round(i, 2),
        "speedup": round(s / i, 1) if i > 0 else None,
        "reused_after": report["reused_after"], "recomputed_after": report["recomputed_after"],
        "same_verdict_changes": verdicts_agree,
        "verdict_changes": _changes(report),
    }, indent=2))


def _changes(report: dict) -> list[tuple[str, str, str, str]]:  # type: ignore[type-arg]
    return sorted((c["id"], c["reading"], c["before"], c["after"])
                  for c in report["verdict_changes"])


if __name__ == "__main__":
    main()
