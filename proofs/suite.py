"""Proof suites: properties with expected verdicts; a changed verdict is a failure.

A suite names a catalog and, per property, the verdict expected under each reading. Running a
suite checks every (property, reading) pair, in parallel processes when asked (Z3 objects do
not pickle, so workers receive ids and return plain dicts; results are identical to one job).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..model.errors import Location, UserError, shown
from ..model.loader import LoadedModel, load_model, resolve, validate
from ..model.paths import data_path
from ..model.system import System
from ..model.yamlpos import LoadedFile, load_yaml
from ..properties.catalog import (
    Catalog,
    builtin_catalog_path,
    load_catalog,
    readings_for,
)
from ..properties.language import parse_property
from .engine import DEFAULT_BOUND, check_property
from .explain import timeline, trace_json
from .isolated import run_each
from .records import PROPERTY_VERDICTS, CheckResult, TraceStep, reading_label
from .verdicts import Result, Verdict

SUITES = Path(__file__).with_name("suites")
VERDICTS = [v.value for v in PROPERTY_VERDICTS]


class SuiteFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    suite: str
    catalog: str = Field(description="Catalog file, relative to the suite, or a built-in catalog id.")
    bound: int = Field(default=DEFAULT_BOUND, ge=0, le=200)
    timeout: float = Field(default=60.0, gt=0, description="Seconds per property and reading.")
    timeouts: dict[str, float] = Field(
        default_factory=dict,
        description="Property id -> seconds, for proofs known to need longer (Spacer's run time varies).")
    expect: dict[str, str | dict[str, str]] = Field(
        description="Property id -> expected verdict, or reading label -> expected verdict.")


@dataclass(frozen=True)
class Suite(LoadedFile[SuiteFile]):
    catalog: Catalog

    @property
    def spec(self) -> SuiteFile:
        return self.content

    def timeout_for(self, pid: str) -> float:
        """Seconds for one property: its own limit if the suite gives one."""
        return self.spec.timeouts.get(pid, self.spec.timeout)

    def expected(self, pid: str, label: str) -> str | None:
        e = self.spec.expect.get(pid)
        if e is None:
            return None
        if isinstance(e, str):
            return e
        return e.get(label)


def builtin_suite_path(model_id: str) -> Path:
    return SUITES / f"{model_id}.yaml"


def load_suite(path: Path, model: LoadedModel) -> Suite:
    data, pos = load_yaml(path)
    spec = validate(SuiteFile, data, pos, "a suite file", "suite, catalog, expect")
    cat_path = data_path(path.parent, spec.catalog, pos.locate(("catalog",)), "catalog", confined=False)
    if not cat_path.exists():
        cat_path = builtin_catalog_path(spec.catalog)
    if not cat_path.exists():
        raise UserError(f"catalog {shown(spec.catalog)} not found", pos.locate(("catalog",)))
    catalog = load_catalog(cat_path, model)
    ids = {p.id for p in catalog.spec.properties}
    for pid in spec.timeouts:
        if pid not in ids:
            raise UserError(f"unknown property id {shown(pid)} (not in catalog {spec.catalog})",
                            pos.locate(("timeouts", pid)))
    for pid, exp in spec.expect.items():
        if pid not in ids:
            raise UserError(f"unknown property id {shown(pid)} (not in catalog {spec.catalog})",
                            pos.locate(("expect", pid)))
        values = [exp] if isinstance(exp, str) else list(exp.values())
        for v in values:
            if v not in VERDICTS:
                raise UserError(f"{shown(v)} is not a verdict (one of {', '.join(VERDICTS)})",
                                pos.locate(("expect", pid)))
    return Suite(spec, pos, path, catalog)


@dataclass(frozen=True)
class Job:
    """One (property, reading) check, described in plain data so it can cross processes."""

    model_path: str | None
    catalog_path: str
    property_id: str
    reading: tuple[tuple[str, str], ...]
    label: str
    bound: int
    timeout: float


# The model and catalog the caller already loaded (jobs_for records them): jobs run in this
# process use them instead of loading both again (a catalog load parses every property under
# every reading). One slot: the suite being run.
_given: tuple[str | None, LoadedModel, Catalog] | None = None


def _model(path: str | None) -> LoadedModel:
    if _given is not None and _given[0] == path:
        return _given[1]
    return _load_model(path)


def _catalog(path: str, model_path: str | None) -> Catalog:
    if _given is not None and _given[0] == model_path and str(_given[2].path) == path:
        return _given[2]
    return _load_catalog(path, model_path)


@lru_cache(maxsize=4)
def _load_model(path: str | None) -> LoadedModel:
    return load_model(path)


@lru_cache(maxsize=4)
def _load_catalog(path: str, model_path: str | None) -> Catalog:
    return load_catalog(Path(path), _model(model_path))


@lru_cache(maxsize=16)
def system_for(path: str | None, reading: tuple[tuple[str, str], ...]) -> System:
    """One System per reading and process, so its Z3 transition template is built once."""
    return resolve(_model(path), dict(reading))


def run_job(job: Job) -> dict[str, Any]:
    """One check in a worker; plain JSON back, since it crosses processes (``CheckResult.from_json``)."""
    spec = _catalog(job.catalog_path, job.model_path).get(job.property_id)
    system = system_for(job.model_path, job.reading)
    prop = parse_property(spec.formula, system)
    result = check_property(system, prop, bound=job.bound, timeout=job.timeout)
    return replace(check_result(job.property_id, job.label, result, system), statement=spec.statement,
                   cites=tuple(spec.cites), formula=spec.formula).to_json()


def check_result(pid: str, label: str, r: Result, system: Any) -> CheckResult:
    """An engine ``Result`` as the record every report reads: the trace narrated, the reliance
    named (for unbounded verdicts only), times rounded to the millisecond."""
    unbounded = r.verdict in (Verdict.PROVED, Verdict.UNREACHABLE)
    return CheckResult(
        pid, label, r.verdict, bound=r.bound, seconds=round(r.seconds, 3),
        trace=None if r.trace is None else tuple(TraceStep.from_json(s) for s in trace_json(system, r.trace)),
        timeline=None if r.trace is None else tuple(timeline(system, r.trace)),
        relies_on=tuple(r.relies_on) if unbounded else None, core=tuple(r.core) if unbounded else None,
        certificate=r.certificate, reason=r.reason, solver_seconds=round(r.solver_seconds, 3),
        vacuous=r.stats.get("vacuous"))


def result_json(pid: str, label: str, r: Result, system: Any) -> dict[str, Any]:
    return check_result(pid, label, r, system).to_json()


def jobs_for(suite: Suite, model: LoadedModel, model_path: str | None, bound: int | None,
             timeout: float | None, only: list[str] | None = None) -> list[Job]:
    """The (property, reading) jobs of ``suite``; ``model`` is the model loaded from
    ``model_path``, kept for the jobs this process runs."""
    global _given
    _given = (model_path, model, suite.catalog)
    jobs = []
    for p in suite.catalog.spec.properties:
        if only and p.id not in only:
            continue
        for reading in readings_for(p, model):
            jobs.append(Job(model_path, str(suite.catalog.path), p.id, tuple(sorted(reading.items())),
                            reading_label(reading, model.default_reading(), p.readings),
                            suite.spec.bound if bound is None else bound,
                            suite.timeout_for(p.id) if timeout is None else timeout))
    return jobs


def run_jobs(jobs: list[Job], workers: int = 1,
             progress: Callable[[Job, dict[str, Any]], None] | None = None,
             started: Callable[[Job], None] | None = None) -> list[dict[str, Any]]:
    """Run jobs, each in a process of its own (isolated.py), at most ``workers`` at once;
    results come back in job order and do not depend on ``workers``. The model and catalog are
    loaded here, once, and shared with the forked processes."""
    for job in jobs:  # plain Python: the forked processes inherit them, loaded
        _catalog(job.catalog_path, job.model_path)
        system_for(job.model_path, job.reading)
    return run_each(run_job, jobs, workers, started, progress)


def judge(suite: Suite, results: list[dict[str, Any]]) -> list[CheckResult]:
    """Each result as a record with its ``expected`` verdict and whether it is ``ok``."""
    out = []
    for d in results:
        r = CheckResult.from_json(d)
        exp = suite.expected(r.id, r.reading)
        out.append(replace(r, expected=None if exp is None else Verdict(exp),
                           ok=exp is None or exp == r.verdict.value))
    return out


def locate_expectation(suite: Suite, pid: str) -> Location:
    return suite.positions.locate(("expect", pid))
