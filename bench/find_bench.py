"""Benchmark: ``polity find`` on the built-in model at bounds 4, 8, 12, 16 and with a budget.

Each configuration runs the ``find`` use case (the same code as the CLI: every unit in a
process of its own) ``--runs`` times and reports the median wall-clock seconds, the findings
per kind and the questions per status (the same on every run: budgets are resource units).
How the time grows with the bound is the ratio of consecutive medians. Prints JSON. Run:
``.venv/bin/python bench/find_bench.py [--runs N] [--bounds 4 8 12 16] [--budget 120] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from polity.proofs.usecases import find


def once(model: Path | None, bound: int | None, budget: float | None, jobs: int,
         timeout: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    _, report = find(model, bound=bound, budget=budget, jobs=jobs, timeout=timeout)
    return {"seconds": time.perf_counter() - t0,
            "findings": dict(sorted(Counter(f.kind for f in report.findings).items())),
            "questions": dict(sorted(Counter(q.status.value for q in report.questions).items())),
            "deepest": max((q.bound or 0 for q in report.questions if q.status.value == "none_within"),
                           default=None),
            "incomplete": len(report.incomplete)}


def config(model: Path | None, bound: int | None, budget: float | None, jobs: int, runs: int,
           timeout: float) -> dict[str, Any]:
    results = [once(model, bound, budget, jobs, timeout) for _ in range(runs)]
    first = results[0]
    same = all({k: r[k] for k in ("findings", "questions", "deepest")} ==
               {k: first[k] for k in ("findings", "questions", "deepest")} for r in results)
    return {"bound": bound, "budget": budget, "jobs": jobs, "runs": runs,
            "median_seconds": round(statistics.median(r["seconds"] for r in results), 2),
            "seconds": [round(r["seconds"], 2) for r in results], "findings": first["findings"],
            "questions": first["questions"], "deepest_none_within": first["deepest"],
            "incomplete": first["incomplete"], "same_answers_every_run": same}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None, help="default: the built-in model")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bounds", type=int, nargs="*", default=[4, 8, 12, 16])
    ap.add_argument("--budget", type=float, default=120.0, help="0: skip the budget run")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600.0, help="wall-clock backstop per run")
    args = ap.parse_args()
    out: dict[str, Any] = {"bounds": [], "budget": None}
    for b in args.bounds:
        out["bounds"].append(config(args.model, b, None, args.jobs, args.runs, args.timeout))
        print(json.dumps(out["bounds"][-1]), file=sys.stderr, flush=True)  # noqa: T201
    medians = [c["median_seconds"] for c in out["bounds"]]
    out["growth_per_step"] = [round(b / a, 2) if a else None for a, b in zip(medians, medians[1:], strict=False)]
    if args.budget:
        out["budget"] = config(args.model, None, args.budget, args.jobs, args.runs, args.timeout)
    print(json.dumps(out, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
