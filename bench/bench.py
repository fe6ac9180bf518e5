"""Engine benchmark: prints JSON with medians and ratios (never asserted by a unit test).

    .venv/bin/python bench/bench.py [--model PATH] [--catalog PATH] [--repeat 3] [--depth 40]

Reports, on the built-in model by default:
- per-property median wall time of ``check_property`` at the given depth, and the share of it
  spent inside Z3's ``check`` calls;
- BMC time by depth (10, 20, 40, 80 events) on a property that holds, so the search runs to the
  full depth;
- incremental (one solver, assumption literals) vs a fresh solver per depth, at depth 80.
Targets (issue 3): each catalog property within 2 s median at depth 40; incremental at least
3x faster than fresh at depth 80; at least 70% of wall time inside Z3.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from polity.model.loader import load_model, resolve
from polity.proofs.bmc import bmc
from polity.proofs.compiler import Encoding
from polity.proofs.engine import check_property
from polity.properties.catalog import builtin_catalog_path, load_catalog
from polity.properties.language import parse_property


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 4)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--catalog", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--depth", type=int, default=40)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--holding", default=None, help="formula for the BMC depth series (must hold)")
    args = ap.parse_args()

    loaded = load_model(args.model)
    system = resolve(loaded)
    catalog_path = Path(args.catalog) if args.catalog else builtin_catalog_path(loaded.constitution.id)
    catalog = load_catalog(catalog_path, loaded)

    per_property = {}
    total_wall, total_solver = 0.0, 0.0
    for spec in catalog.spec.properties:
        if args.only and spec.id not in args.only:
            continue
        prop = parse_property(spec.formula, system)
        walls, verdict = [], ""
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = check_property(system, prop, bound=args.depth, timeout=args.timeout)
            wall = time.perf_counter() - t0
            walls.append(wall)
            total_wall += wall
            total_solver += r.solver_seconds
            verdict = r.verdict.value
        per_property[spec.id] = {"verdict": verdict, "median_s": median(walls)}

    holding = args.holding or next(
        (s.formula for s in catalog.spec.properties
         if per_property.get(s.id, {}).get("verdict") == "proved"), None)
    depth_series: dict[str, object] = {}
    if holding:
        prop = parse_property(holding, system)
        inc = bmc(Encoding(system), prop, 80, time.monotonic() + 3600, incremental=True)
        cumulative, acc = {}, 0.0
        for k, dt in enumerate(inc.depth_seconds):
            acc += dt
            if k in (10, 20, 40, 80):
                cumulative[str(k)] = round(acc, 4)
        t0 = time.perf_counter()
        bmc(Encoding(system), prop, 80, time.monotonic() + 3600, incremental=True)
        inc_wall = time.perf_counter() - t0
        t0 = time.perf_counter()
        bmc(Encoding(system), prop, 80, time.monotonic() + 3600, incremental=False)
        fresh_wall = time.perf_counter() - t0
        depth_series = {
            "formula": holding,
            "incremental_solver_seconds_to_depth": cumulative,
            "incremental_wall_s_depth_80": round(inc_wall, 3),
            "fresh_wall_s_depth_80": round(fresh_wall, 3),
            "fresh_over_incremental": round(fresh_wall / inc_wall, 2) if inc_wall else None,
        }

    slowest = max((v["median_s"] for v in per_property.values()), default=0.0)
    print(json.dumps({
        "model": loaded.constitution.id,
        "depth": args.depth,
        "repeat": args.repeat,
        "per_property": per_property,
        "slowest_property_median_s": slowest,
        "share_of_wall_time_in_z3": round(total_solver / total_wall, 3) if total_wall else None,
        "bmc": depth_series,
    }, indent=2))


if __name__ == "__main__":
    main()
