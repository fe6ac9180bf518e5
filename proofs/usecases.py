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
    AmendmentReport,
    ChangeLine,
    CheckResult,
    CompareReport,
    DiffReport,
    EntrenchmentReport,
    FindingRecord,
    FindReport,
    ImpactReport,
    QueryAnswer,
    QueryReport,
    QuestionRecord,
    SequenceReport,
    SolverInfo,
    SuiteReport,
    TouchRecord,
    Verdict,
    reading_label,
)


class Progress(Protocol):
    """What a use case tells whoever watches it (cli/progress.py draws it): how many
    questions there are once known, and each one as it starts and ends."""

    total: int | None

    def start(self, key: object, label: str, limit: str = "") -> None: ...
    def finish(self, key: object, outcome: str = "") -> None: ...
    def more(self, n: int) -> None: ...  # n questions more than the total said (known later)


class Quiet:
    """A Progress that shows nothing."""

    total: int | None = None

    def start(self, key: object, label: str, limit: str = "") -> None:
        pass

    def finish(self, key: object, outcome: str = "") -> None:
        pass

    def more(self, n: int) -> None:
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


def _reading_said(label: str, loaded: LoadedModel) -> str:
    """A job's reading as its progress line says it: in the model's words, as the text output
    says it (cli/render ``Context.reading``); ``default`` stays the word."""
    from .explain import reading_words

    return label if label == "default" or not label else reading_words(label, loaded)


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
                   lambda job: f"{job.property_id} [{_reading_said(job.label, loaded)}]")
    report = SuiteReport(s.spec.suite, loaded.constitution.id, tuple(results),
                         round(time.monotonic() - started, 2), solver_info())
    return loaded, s, report


def suite_jobs(model: str | None, suite: Path, bound: int | None = None, timeout: float | None = None
               ) -> tuple[LoadedModel, Any, list[Any]]:
    """The model, a suite file and its (property, reading) jobs, for front ends that judge them
    one by one (the pytest plugin: one test each). ``model`` is a model path, or None for the
    built-in one."""
    from .suite import _model, jobs_for, load_suite

    loaded = _model(model)
    s = load_suite(suite, loaded)
    return loaded, s, jobs_for(s, loaded, model, bound, timeout)


def check_one(suite: Any, job: Any) -> CheckResult:
    """One job of ``suite_jobs``, run in a process of its own as ``check`` runs it, judged
    against the suite's expectation."""
    from .suite import judge, run_jobs

    return judge(suite, run_jobs([job]))[0]


# ----------------------------------------------------------------------------- query


def query(name: str, model: Path | None = None, data: Path | None = None,
          reading: list[str] | None = None, queries: Path | None = None, bound: int | None = None,
          timeout: float | None = None, progress: Progress | None = None
          ) -> tuple[LoadedModel, Any, QueryReport]:
    """A quantitative question from the model's query catalog, answered exactly, in a process
    of its own (isolated.py) as ``check`` answers each property: the witness traces do not
    depend on what ran before in this process.

    ``reading`` holds model readings ``ID=OPTION`` and at most one query reading (a bare id).
    Returns the model, the System the answers are about (renderers narrate its events) and the
    report.
    """
    from ..model.errors import Location
    from ..model.loader import BUILTIN_MODEL, resolve
    from ..model.paths import data_path
    from ..model.queries import catalog_path_for, load_queries, load_units
    from .isolated import run_each
    from .query_answers import DEFAULT_TIMEOUT

    loaded = load_model(model)
    cat_path = queries or catalog_path_for(model if model is not None else BUILTIN_MODEL)
    if not cat_path.exists():
        raise UserError(f"no query catalog for model '{loaded.constitution.id}' "
                        f"(looked for {cat_path}; give one with --queries)")
    shown_as = (str(queries) if queries is not None
                else (f"<built-in>/{cat_path.name}" if model is None else str(cat_path)))
    lq = load_queries(cat_path, shown_as)
    if lq.catalog.model != loaded.constitution.id:
        raise UserError(f"the catalog is about model {lq.catalog.model!r}, not "
                        f"{loaded.constitution.id!r}", lq.locate(("model",)))
    q = lq.catalog.queries[lq.index(name)]
    model_reading, query_reading = _query_readings(reading or [])
    if query_reading is not None and query_reading not in {r.id for r in q.readings}:
        known = ", ".join(r.id for r in q.readings) or "none"
        raise UserError(f"unknown reading {query_reading!r} of query {name} (readings: {known}); "
                        "model readings are written ID=OPTION")
    system = resolve(loaded, model_reading)
    units = None
    if q.kind == "referendum":
        units_path = data
        if units_path is None and q.data is not None:
            units_path = data_path(cat_path.parent, q.data, lq.locate(("queries", lq.index(name), "data")),
                                   "data", confined=False)
        if units_path is None:
            raise UserError(f"query {name} needs a units file: --data FILE", Location(str(cat_path)))
        units = load_units(units_path, str(data) if data is not None else f"<catalog>/{q.data}")
    elif data is not None:
        raise UserError(f"--data is only for referendum queries ({name} is a {q.kind} query)")
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    (progress or Quiet()).start(name, f"query {name}", f"{limit:g} s")
    (answers,) = run_each(_answer_query, [(lq, name, system, units, limit, bound, query_reading)])
    label = reading_label(system.reading, loaded.default_reading())
    return loaded, system, QueryReport(name, q.statement, loaded.constitution.id, label,
                                       tuple(QueryAnswer.from_json(a) for a in answers), solver_info())


def _answer_query(item: tuple[Any, str, Any, Any, float, int | None, str | None]) -> list[dict[str, Any]]:
    """One query's answers as plain JSON (this runs in the forked process: no Z3 object leaves it)."""
    from .query_answers import run_query

    lq, name, system, units, limit, bound, query_reading = item
    return [a.record().to_json() for a in run_query(lq, name, system, units, timeout=limit, bound=bound,
                                                    query_reading=query_reading)]


def _query_readings(items: list[str]) -> tuple[dict[str, str], str | None]:
    """Split ``--reading`` values into model readings (ID=OPTION) and one query reading."""
    model_reading: dict[str, str] = {}
    query_reading: str | None = None
    for item in items:
        if "=" in item:
            k, v = item.split("=", 1)
            model_reading[k.strip()] = v.strip()
        elif query_reading is None:
            query_reading = item.strip()
        else:
            raise UserError(f"only one query reading may be chosen (got {query_reading!r} and {item!r})")
    return model_reading, query_reading


# ----------------------------------------------------------------------------- compare


def compare(before: Path | None, after: Path | None, crosswalk: Path | None = None,
            bound: int | None = None, timeout: float = 300.0, jobs: int = 1,
            progress: Progress | None = None, tell: Tell = _ignore,
            found_after: FindReport | None = None) -> CompareReport:
    """Two texts compared (``before``, ``after``: model paths, None for the built-in model): the
    findings of each, matched through the crosswalk, and the crosswalk's questions asked of
    both. Without a crosswalk file, elements correspond by id and no question is asked.
    ``found_after``: the text after's findings when the caller already searched (the report)."""
    from ..properties.crosswalk import empty_crosswalk, find_crosswalk, load_crosswalk
    from .compare import compare as compare_records
    from .isolated import run_each

    started = time.monotonic()
    models = load_model(before), load_model(after)
    ids = models[0].constitution.id, models[1].constitution.id
    path = crosswalk or find_crosswalk(models[0], models[1])
    if path is None:
        tell(f"no crosswalk for {ids[0]} and {ids[1]}: elements correspond by id, no questions asked")
        cw = empty_crosswalk(*ids)
    else:
        cw = load_crosswalk(path, *models)
    shown = _Running(progress or Quiet())
    found = (find(before, bound=bound, timeout=timeout, jobs=jobs, progress=shown)[1],
             found_after or find(after, bound=bound, timeout=timeout, jobs=jobs, progress=shown)[1])
    paths = (before, after)
    asked = [(paths[side], q.formula[ids[side]], bound, timeout)
             for q in cw.spec.questions for side in (0, 1)]
    answers = iter(CheckResult.from_json(r) for r in run_each(_ask, asked, jobs))
    results = {(side, q.formula[ids[side]]): next(answers) for q in cw.spec.questions for side in (0, 1)}
    return compare_records(cw, (found[0], found[1]), lambda side, formula: results[side, formula],
                           round(time.monotonic() - started, 2), (_namer(models[0]), _namer(models[1])))


def _namer(loaded: LoadedModel) -> Callable[[str], str | None]:
    """A model's own words for its duties and offices ("the duty of the President to ...")."""
    c = loaded.constitution
    actors = {a.id: a.name for a in c.actors}
    words = {f"obligation:{o.id}": f"the duty of {actors.get(o.actor, o.actor)} to {o.summary}" for o in c.obligations}
    words |= {f"office:{o.id}": o.name for o in c.offices}
    return words.get


class _Running:
    """One progress count over several use cases run in a row (each sets its own total)."""

    def __init__(self, inner: Progress) -> None:
        self.inner = inner
        self.done = 0

    @property
    def total(self) -> int | None:
        return self.inner.total

    @total.setter
    def total(self, n: int | None) -> None:
        if n is not None:
            self.done = self.inner.total or 0
            self.inner.total = self.done + n

    def start(self, key: object, label: str, limit: str = "") -> None:
        self.inner.start(key, label, limit)

    def finish(self, key: object, outcome: str = "") -> None:
        self.inner.finish(key, outcome)

    def more(self, n: int) -> None:
        self.inner.more(n)


def _ask(item: tuple[Path | None, str, int | None, float]) -> dict[str, Any]:
    """One question of a comparison in one text (runs in a process of its own)."""
    model, formula, bound, timeout = item
    return prove(formula, model, bound=bound, timeout=timeout)[1].to_json()


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
                   lambda job: f"checking {property_id} [{_reading_said(job.label, loaded)}]")
    return loaded, Explanation(spec.id, spec.statement, spec.formula, tuple(spec.cites), tuple(results))


# ----------------------------------------------------------------------------- find


BACKSTOP_SLACK = 4  # find's wall clock stops the search at this many times --timeout: the
# answers come from resource budgets (the same on every machine), and a backstop met on a
# machine merely loaded by other work would turn them into unknowns that differ between runs


def find(model: Path | None = None, kinds: list[str] | None = None, bound: int | None = None,
         timeout: float = 300.0, reading: Mapping[str, str] | None = None, all_readings: bool = False,
         jobs: int = 1, progress: Progress | None = None, budget: float | None = None,
         combinations: list[dict[str, str]] | None = None) -> tuple[LoadedModel, FindReport]:
    """Conflicts, deadlocks, procedures with no end, gaps and dead provisions, under one
    reading, the given ``combinations`` (each over the default reading) or the model's reading
    variants. With ``budget`` (seconds of solver work per reading, counted in resource units,
    the same on every run) and no ``bound``, each question gets a share of it and deepens its
    bound while its share lasts; with a ``bound``, each question searches to it with the budget
    ``timeout`` gives. Searches a budget cut short are listed in ``incomplete``, and every
    question with its status in ``questions``, never hidden."""
    from ..model.loader import resolve
    from .discover import FIND_BOUND, KINDS
    from .pool import find_parallel, units_of
    from .question import budget_for, units_for

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
    deepening = budget is not None and bound is None  # a given --bound is searched to, no deeper
    started = time.monotonic()
    deadline = started + BACKSTOP_SLACK * timeout * len(readings)  # one wall-clock backstop for all readings
    units = [u for r, label in zip(readings, labels, strict=True) for u in units_of(
        str(model) if model is not None else None, r, label, depth, deadline, rlimit, chosen,
        units_for(budget) if deepening and budget is not None else None, deepen=deepening)]
    shown.total = len(units)
    merged = find_parallel(
        units, jobs, started=lambda u: shown.start(
            u, f"{u.says} [{_reading_said(u.label, loaded)}]" if len(readings) > 1 else u.says,
            f"{BACKSTOP_SLACK * timeout:g} s at most"),
        finished=lambda u, res: shown.finish(u, _found(res)), more=shown.more)
    findings: list[FindingRecord] = []
    incomplete: list[tuple[str, str]] = []
    questions: list[QuestionRecord] = []
    for r, label in zip(readings, labels, strict=True):
        system = resolve(loaded, r)
        found, unknown, asked = merged.get(label, ([], [], []))
        findings += [f.record(system) for f in found]
        incomplete += [(label, what) for what in unknown]
        questions += asked
    return loaded, FindReport(loaded.constitution.id, tuple(findings), chosen,
                              round(time.monotonic() - started, 2), tuple(incomplete),
                              tuple(questions), None if deepening else depth,
                              budget if deepening else None, timeout, solver_info())


# ----------------------------------------------------------------------------- amend, diff


def _found(outcome: Any) -> str:
    """How a unit of find ended, for progress: its findings, or the lapses it leaves to examine."""
    findings, _unknown, _asked, follow = outcome
    return f"{len(follow)} to examine" if follow else f"{len(findings)} found"


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


def _change_phrase(ch: Any) -> str:
    from ..model.system import human_cite

    if ch.set is not None:
        return f"set {ch.set.parameter} = {ch.set.value}"
    if ch.strike is not None:
        return f"strike {human_cite(ch.strike)}"
    if ch.add is not None:
        return f"add to {ch.add.section}: {ch.add.element.get('id', '?')}"
    return f"replace in {ch.replace.section}: {ch.replace.id}"


def _amendment_report(step: Any, reading: str, impact: ImpactReport | None, suite: str | None,
                      find: bool) -> AmendmentReport:
    am = step.amendment
    changes = tuple(ChangeLine(ch.kind, _change_phrase(ch), ch.rationale, str(am.locate(i)))
                    for i, ch in enumerate(am.spec.changes))
    touches = tuple(TouchRecord(t.change, t.kind, t.provision, t.by, t.how, str(t.location), t.readings)
                    for t in step.touches)
    touches = tuple(sorted(touches, key=lambda t: reading not in t.readings))  # stable: refusing first
    return AmendmentReport(am.spec.title, am.file, changes, step.before.constitution.id, reading, touches,
                           tuple(step.applied.notes), impact, suite, find)


def amend(amendments: list[Path], model: Path | None = None, suite: Path | None = None,
          reading: str = "implied", ignore_entrenchment: bool = False, bound: int | None = None,
          timeout: float | None = None, cache_dir: Path | None = None, find: bool = True,
          find_timeout: float = 120.0, note: Tell = _ignore, warn: Tell = _ignore
          ) -> tuple[LoadedModel, AmendmentReport | SequenceReport]:
    """``polity amend``: amendments put in order, each checked for admissibility under the
    entrenchment ``reading`` against the text as amended by the ones before it; when every step
    is admissible (or ``ignore_entrenchment``), the impact of each step and, for a sequence, of
    the whole. One amendment gives an AmendmentReport, several a SequenceReport."""
    from ..model.amendment import apply_sequence, check_reading, load_amendment

    check_reading(reading)
    before = load_model(model)
    steps = apply_sequence(before, [load_amendment(p) for p in amendments])
    analyse = ignore_entrenchment or all(s.admissible(reading) for s in steps)
    reports = []
    for i, s in enumerate(steps):
        impact = suite_name = None
        if analyse:
            if len(steps) > 1:
                note(f"step {i + 1} of {len(steps)}")
            suite_name, impact = impact_of(s.before, s.applied.model, suite, bound, timeout, cache_dir, find,
                                           find_timeout, note, warn)
        reports.append(_amendment_report(s, reading, impact, suite_name, find))
    if len(steps) == 1:
        return before, reports[0]
    whole = suite_name = None
    if analyse:
        note("the whole sequence")
        suite_name, whole = impact_of(before, steps[-1].applied.model, suite, bound, timeout, cache_dir, find,
                                      find_timeout, note, warn)
    return before, SequenceReport(before.constitution.id, reading, tuple(reports), whole, suite_name, find)


def diff(before: Path, after: Path, suite: Path | None = None, bound: int | None = None,
         timeout: float | None = None, cache_dir: Path | None = None, find: bool = True,
         find_timeout: float = 120.0, note: Tell = _ignore, warn: Tell = _ignore
         ) -> tuple[LoadedModel, DiffReport]:
    """``polity diff``: two model files compared as a change of the first into the second, the
    entrenched provisions of the first encoded otherwise in the second named (analysed all
    the same). Returns the model before (renderers locate results in it) and the report."""
    from ..model.amendment import entrenched_changes

    a = load_model(before)
    b = load_model(after)
    touched = entrenched_changes(a, b)
    suite_name, impact = impact_of(a, b, suite, bound, timeout, cache_dir, find, find_timeout, note, warn)
    return a, DiffReport(a.constitution.id, str(before), str(after), tuple(touched), impact, suite_name, find)


def entrenchment(model: Path | None = None, questions: Path | None = None, steps: int | None = None,
                 readings: list[str] | None = None) -> tuple[LoadedModel, EntrenchmentReport]:
    """``polity entrenchment``: for each unchangeable provision and entrenchment reading, the
    shortest sequence of admissible amendments over the model's menu that changes it, or none
    within the bound. Questions come from ``questions`` or the file beside the model."""
    from ..model.amendment import READINGS, check_reading
    from .entrenchment import DEFAULT_STEPS, default_questions, load_questions, questions_path, self_amendment

    loaded = load_model(model)
    path = questions or questions_path(loaded.path)
    if questions is not None or path.exists():
        q = load_questions(path, loaded)
        asked, stages, bound = list(q.content.questions), list(q.content.procedure), q.content.steps
    else:
        asked, stages, bound = default_questions(loaded), [], None
    chosen = [check_reading(r) for r in readings] if readings else list(READINGS)
    n = steps if steps is not None else bound if bound is not None else DEFAULT_STEPS
    return loaded, self_amendment(loaded, asked, stages, n, chosen)
