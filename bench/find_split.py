"""Where ``polity find``'s time goes, per finding kind: solver checks, building transition
templates, quantifier elimination, and the rest (Python term building, replay, tightening).

Runs the units of the built-in model's search at one bound as the pool does (each forked from
this process, two at once) with those three functions wrapped in timers, and prints JSON:
seconds per kind and part, and how many calls. Wall-clock figures, for deciding what to make
faster, never asserted. Run: ``.venv/bin/python bench/find_split.py [--bound 8] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from polity.model.loader import load_model
from polity.proofs import compiler
from polity.proofs import question as question_module
from polity.proofs.discover import KINDS
from polity.proofs.isolated import run_each
from polity.proofs.pool import Unit, run_unit, units_of
from polity.proofs.question import budget_for

SECONDS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SECONDS[part] += time.perf_counter() - t0
            CALLS[part] += 1

    return wrapped


def one(unit: Unit) -> dict[str, Any]:
    SECONDS.clear()
    CALLS.clear()
    t0 = time.perf_counter()
    follow = run_unit(unit)[3]
    return {"kind": unit.kind, "seconds": time.perf_counter() - t0, "parts": dict(SECONDS),
            "calls": dict(CALLS), "follow": follow}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bound", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    question_module.Question.check = timed("solver checks", question_module.Question.check)  # type: ignore[method-assign]
    compiler.Encoding._build_trans = timed("transition templates", compiler.Encoding._build_trans)  # type: ignore[method-assign]
    compiler._eliminate = timed("quantifier elimination (inside templates)", compiler._eliminate)
    loaded = load_model(None)
    units = units_of(None, loaded.default_reading(), "default", args.bound, time.monotonic() + 3600,
                     budget_for(300), KINDS)
    t0 = time.perf_counter()
    results = run_each(one, units, args.jobs)
    results += run_each(one, [u for r in results for u in r["follow"]], args.jobs)  # a lapse's causes
    per_kind: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in results:
        kind = per_kind[r["kind"]]
        kind["units"] += 1
        kind["seconds"] += r["seconds"]
        for part, s in r["parts"].items():
            kind[part] += s
            kind[f"calls: {part}"] += r["calls"][part]
    total: dict[str, float] = defaultdict(float)
    for kind in per_kind.values():
        for k, v in kind.items():
            total[k] += v
    print(json.dumps({"bound": args.bound, "jobs": args.jobs, "wall_seconds": round(time.perf_counter() - t0, 1),  # noqa: T201
                      "all": {k: round(v, 1) for k, v in total.items()},
                      "per_kind": {k: {p: round(v, 1) for p, v in d.items()} for k, d in per_kind.items()}},
                     indent=2))


if __name__ == "__main__":
    main()
