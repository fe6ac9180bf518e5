"""What Polity does, one function per use case: plain arguments in, a record out.

The CLI parses options, calls one of these and hands the record to a renderer; the pytest
plugin and the benchmarks call the same functions. Progress is reported through a
``Progress`` (the CLI's display, or nothing), so no use case prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from ..model.errors import UserError
from ..model.loader import LoadedModel, load_model
from .records import (
    CheckResult,
    FindingRecord,
    FindReport,
    ImpactReport,
    SolverInfo,
    SuiteReport,
    Verdict,
    reading_label,
)


class Progress(Protocol):
    """What a use case tells whoever watches it (cli/progress.py draws it): how many
    questions there are once known, and each one as it starts and ends."""

    total: int | None

    def start(self, key: object, label: str, limit: str = "") -> None: ...
    def finish(self, key: object, outcome: str = "") -> None: ...


class Quiet:
    """A Progress that shows nothing."""

    total: int | None = None

    def start(self, key: object, label: str, limit: str = "") -> None:
        pass

    def finish(self, key: object, outcome: str = "") -> None:
        pass


Tell = Callable[[str], None]  # a note for the user ("certificates re-checked by z3 only ...")


def _ignore(_message: str) -> None:
    pass


def _recheck(recheck: str | None, tell: Tell) -> None:
    """Fix the re-check solvers before any proof runs (workers inherit the choice)."""
    from .second_solver import choose

    note = choose(recheck)
    if note:
        tell(note)


def solver_info() -> SolverInfo:
    import z3

    return SolverInfo(z3.get_version_string(), 0)


# ----------------------------------------------------------------------------- validate


def validate(model: Path | None) -> LoadedModel:
    """Load and check a model file: schema, names, types, and every citation in its text."""
    from ..model.citations import check_citations

    loaded = load_model(model)
    check_citations(loaded)
    return loaded


# ----------------------------------------------------------------------------- prove


def prove(formula: str, model: Path | None = None, reading: Mapping[str, str] | None = None,
          bound: int | None = None, timeout: float | None = None, expect: Verdict | None = None,
          recheck: str | None = None, progress: Progress | None = None, tell: Tell = _ignore
          ) -> tuple[LoadedModel, CheckResult]:
    """One property typed by the user, under one reading; judged when ``expect`` is given."""
    from ..model.loader import resolve
    from ..properties.language import parse_user_property
    from .engine import DEFAULT_BOUND, DEFAULT_TIMEOUT, check_property
    from .suite import check_result

    loaded = load_model(model)
    system = resolve(loaded, dict(reading or {}))
    p = parse_user_property(formula, system)
    _recheck(recheck, tell)
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    (progress or Quiet()).start("prove", f"checking {formula}", f"{limit:g} s")
    r = check_property(system, p, bound=DEFAULT_BOUND if bound is None else bound, timeout=limit)
    label = reading_label(system.reading, loaded.default_reading())
    result = replace(check_result("--property", label, r, system), formula=formula)
    if expect is not None:
        result = replace(result, expected=expect, ok=r.verdict == expect)
    return loaded, result


# ----------------------------------------------------------------------------- check, explain


def _suite(loaded: LoadedModel, suite: Path | None) -> Any:
    from .suite import builtin_suite_path, load_suite

    path = suite or builtin_suite_path(loaded.constitution.id)
    if not path.exists():
        raise UserError(f"no suite given and no built-in suite for model '{loaded.constitution.id}'")
    return load_suite(path, loaded)


def _run(s: Any, loaded: LoadedModel, model: Path | None, bound: int | None, timeout: float | None,
         only: list[str] | None, jobs: int, progress: Progress, label: Callable[[Any], str]
         ) -> list[CheckResult]:
    from .suite import jobs_for, judge, run_jobs

    todo = jobs_for(s, loaded, str(model) if model is not None else None, bound, timeout, only)
    progress.total = len(todo)
    return judge(s, run_jobs(todo, jobs, lambda job, res: progress.finish(job, res["verdict"]),
                             started=lambda job: progress.start(job, label(job), f"{job.timeout:g} s")))


def check(model: Path | None = None, suite: Path | None = None, bound: int | None = None,
          timeout: float | None = None, jobs: int = 1, only: list[str] | None = None,
          recheck: str | None = None, progress: Progress | None = None, tell: Tell = _ignore
          ) -> tuple[LoadedModel, Any, SuiteReport]:
    """A proof suite, every (property, reading) judged against its expectation."""
    loaded = load_model(model)
    s = _suite(loaded, suite)
    if only:
        ids = {p.id for p in s.catalog.spec.properties}
        for pid in only:
            if pid not in ids:
                raise UserError(f"unknown property id {pid!r} (--only)")
    _recheck(recheck, tell)
    started = time.monotonic()
    results = _run(s, loaded, model, bound, timeout, only, jobs, progress or Quiet(),
                   lambda job: f"{job.property_id} [{job.label}]")
    report = SuiteReport(s.spec.suite, loaded.constitution.id, tuple(results),
                         round(time.monotonic() - started, 2), solver_info())
    return loaded, s, report


@dataclass(frozen=True)
class Explanation:
    """``polity explain``: one property of a suite's catalog with its results per reading."""

    id: str
    statement: str
    formula: str
    cites: tuple[str, ...]
    results: tuple[CheckResult, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "statement": self.statement, "formula": self.formula,
                "cites": list(self.cites), "results": [r.to_json() for r in self.results]}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Explanation:
        return cls(d["id"], d["statement"], d["formula"], tuple(d["cites"]),
                   tuple(CheckResult.from_json(r) for r in d["results"]))


def explain(property_id: str, model: Path | None = None, suite: Path | None = None,
            bound: int | None = None, timeout: float | None = None, recheck: str | None = None,
            progress: Progress | None = None, tell: Tell = _ignore) -> tuple[LoadedModel, Explanation]:
    """One property: its words, and its verdict under each reading it is judged under."""
    loaded = load_model(model)
    s = _suite(loaded, suite)
    spec = s.catalog.get(property_id)
    _recheck(recheck, tell)
    results = _run(s, loaded, model, bound, timeout, [property_id], 1, progress or Quiet(),
                   lambda job: f"checking {property_id} [{job.label}]")
    return loaded, Explanation(spec.id, spec.statement, spec.formula, tuple(spec.cites), tuple(results))


# ----------------------------------------------------------------------------- find


def find(model: Path | None = None, kinds: list[str] | None = None, bound: int | None = None,
         timeout: float = 300.0, reading: Mapping[str, str] | None = None, all_readings: bool = False,
         jobs: int = 1, progress: Progress | None = None,
         combinations: list[dict[str, str]] | None = None) -> tuple[LoadedModel, FindReport]:
    """Conflicts, deadlocks, gaps and dead provisions, under one reading, the given
    ``combinations`` (each over the default reading) or the model's reading variants.
    Searches a budget cut short are listed in ``incomplete``, never hidden."""
    from ..model.loader import resolve
    from .discover import FIND_BOUND, KINDS
    from .pool import find_parallel, units_of
    from .question import budget_for

    shown = progress or Quiet()
    loaded = load_model(model)
    chosen = tuple(kinds) if kinds else KINDS
    for k in chosen:
        if k not in KINDS:
            raise UserError(f"unknown finding kind {k!r} (one of {', '.join(KINDS)})")
    default = loaded.default_reading()
    chosen_readings = combinations or [dict(reading or {})]
    readings = loaded.reading_variants() if all_readings else [{**default, **c} for c in chosen_readings]
    labels = [reading_label(r, default) for r in readings]
    depth, rlimit = FIND_BOUND if bound is None else bound, budget_for(timeout)
    started = time.monotonic()
    deadline = started + timeout * len(readings)  # one wall-clock backstop for all readings
    units = [u for r, label in zip(readings, labels, strict=True) for u in units_of(
        str(model) if model is not None else None, r, label, depth, deadline, rlimit, chosen)]
    shown.total = len(units)
    merged = find_parallel(
        units, jobs, started=lambda u: shown.start(u, u.says, f"{timeout:g} s in all"),
        finished=lambda u, res: shown.finish(u, f"{len(res[0])} found"))
    findings: list[FindingRecord] = []
    incomplete: list[tuple[str, str]] = []
    for r, label in zip(readings, labels, strict=True):
        system = resolve(loaded, r)
        found, unknown = merged.get(label, ([], []))
        findings += [f.record(system) for f in found]
        incomplete += [(label, what) for what in unknown]
    return loaded, FindReport(loaded.constitution.id, tuple(findings), chosen,
                              round(time.monotonic() - started, 2), tuple(incomplete))


# ----------------------------------------------------------------------------- amend, diff


def impact_of(before: LoadedModel, after: LoadedModel, suite: Path | None = None, bound: int | None = None,
              timeout: float | None = None, cache_dir: Path | None = None, find: bool = True,
              find_timeout: float = 120.0, note: Tell = _ignore, warn: Tell = _ignore
              ) -> tuple[str, ImpactReport]:
    """What a change does (``amend`` and ``diff``): the suite of the model before it, verified
    on both models, and ``find`` on both unless ``find`` is off; results kept under
    ``cache_dir`` when given. Returns the suite's name and the report."""
    from .impact import ResultCache, Verifier, impact
    from .suite import builtin_suite_path, load_suite

    path = suite or builtin_suite_path(before.constitution.id)
    if not path.exists():
        raise UserError(f"no suite given and no built-in suite for model '{before.constitution.id}'"
                        " (use --suite)")
    s = load_suite(path, before)
    verifier = Verifier(s, ResultCache(cache_dir, warn=warn), bound, timeout, find_timeout=find_timeout,
                        progress=note)
    return s.spec.suite, impact(before, after, verifier, find)
