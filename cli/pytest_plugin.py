"""pytest plugin: proof suites run as tests, one test per (property, reading).

A front end like the CLI: it calls the same use cases (``proofs/usecases.py``) as ``polity check``,
and each test runs in a process of its own, as a ``check`` job does.

Installed with Polity (entry point ``pytest11: polity``). What it collects:

- files named ``*.polity.yaml`` or ``polity-suite*.yaml`` (suite files, see ``proofs/suite.py``),
  wherever pytest looks for tests (``testpaths`` or the paths given on the command line).
  Nothing else is opened, so ordinary test collection stays as fast as without the plugin.

Which model a suite is checked against, first match wins:

1. ``--polity-model PATH`` on the command line, or ``polity_model = PATH`` in the ini file
   (relative to the rootdir);
2. ``<model-id>.yaml`` beside the suite file, where ``<model-id>`` is the ``model:`` of the
   suite's catalog;
3. the built-in model.

A test passes when the verdict equals the suite's expectation (or when the suite expects
nothing for that property). A changed verdict fails, showing expected and actual verdict and the
dated timeline. ``unknown`` (a timeout) is never a pass: it fails where another verdict was
expected, and is skipped where nothing was expected. ``--polity-bound`` and
``--polity-timeout`` override the suite's bound and per-property timeout.

Z3 is imported only when a suite file is actually collected.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..proofs.records import CheckResult, Verdict

if TYPE_CHECKING:
    from ..model.loader import LoadedModel
    from ..proofs.suite import Job, Suite

PATTERNS = ("*.polity.yaml", "polity-suite*.yaml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("polity", "Polity proof suites")
    group.addoption("--polity-bound", type=int, default=None, metavar="N",
                    help="Maximum number of events in a trace (overrides the suites' bound).")
    group.addoption("--polity-timeout", type=float, default=None, metavar="SECONDS",
                    help="Seconds per property and reading (overrides the suites' timeout).")
    group.addoption("--polity-model", default=None, metavar="PATH",
                    help="Model file the suites are checked against (default: see the plugin docs).")
    parser.addini("polity_model", "Model file for Polity proof suites, relative to the rootdir.",
                  default="")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and any(fnmatch.fnmatch(file_path.name, p) for p in PATTERNS):
        return SuiteFile.from_parent(parent, path=file_path)
    return None


class PolityVerdictError(Exception):
    """A verdict differs from its expectation."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(f"expected {result.expected}, got {result.verdict}")
        self.result = result


def _model_path(config: pytest.Config, suite_path: Path) -> str | None:
    """The model a suite is checked against (``None``: the built-in model)."""
    opt = config.getoption("--polity-model")
    if opt:
        return str((config.invocation_params.dir / opt).resolve())
    ini = config.getini("polity_model")
    if ini:
        return str((config.rootpath / str(ini)).resolve())
    from ..model.yamlpos import load_yaml
    from ..properties.catalog import builtin_catalog_path

    data, _ = load_yaml(suite_path)
    catalog = data.get("catalog") if isinstance(data, dict) else None
    if not isinstance(catalog, str):
        return None  # load_suite reports the bad suite with its location
    cat_path = suite_path.parent / catalog
    if not cat_path.exists():
        cat_path = builtin_catalog_path(catalog)
    if not cat_path.exists():
        return None
    cat, _ = load_yaml(cat_path)
    model_id = cat.get("model") if isinstance(cat, dict) else None
    beside = suite_path.parent / f"{model_id}.yaml"
    return str(beside.resolve()) if model_id and beside.exists() else None


class SuiteFile(pytest.File):
    """A proof suite: one item per (property, reading) of its catalog."""

    def collect(self) -> list[pytest.Item]:
        from ..model.errors import UserError
        from ..proofs.usecases import suite_jobs

        config = self.config
        model_path = None
        try:
            model_path = _model_path(config, self.path)
            loaded, suite, jobs = suite_jobs(model_path, self.path, config.getoption("--polity-bound"),
                                     config.getoption("--polity-timeout"))
        except UserError as exc:
            hint = "" if model_path else (" (checked against the built-in model: name another with "
                                          "--polity-model or the polity_model ini option)")
            raise self.CollectError(f"polity: {exc}{hint}") from None
        return [VerdictItem.from_parent(self, name=f"{job.property_id} [{job.label}]", job=job, suite=suite,
                                        loaded=loaded) for job in jobs]


class VerdictItem(pytest.Item):
    """One property under one reading, judged against the suite's expectation."""

    def __init__(self, *, job: Job, suite: Suite, loaded: LoadedModel, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.suite = suite
        self.loaded = loaded  # says the reading of a failure in the model's words
        self.result: CheckResult | None = None

    def runtest(self) -> None:
        from ..proofs.usecases import check_one

        result = check_one(self.suite, self.job)
        self.result = result
        expected = None if result.expected is None else result.expected.value
        self.user_properties += [("verdict", result.verdict.value), ("expected", str(expected))]
        if result.verdict == Verdict.UNKNOWN and result.expected is None:
            pytest.skip(f"unknown: {result.reason or 'no verdict'} (nothing expected)")
        if not result.ok:
            raise PolityVerdictError(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, PolityVerdictError):
            return describe(excinfo.value.result, self.loaded)
        from ..model.errors import UserError

        if isinstance(excinfo.value, UserError):
            return f"polity: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        from ..proofs.suite import locate_expectation

        line = locate_expectation(self.suite, self.job.property_id).line
        return self.path, (line - 1 if line > 0 else None), f"polity: {self.name}"


def describe(r: CheckResult, loaded: LoadedModel | None = None) -> str:
    """A failure as a lawyer reads it: expected and actual verdict, the property, the reading in
    the model's words (the test id keeps its label, which a researcher types with -k), the timeline."""
    from ..proofs.explain import result_lines
    from .render import Context

    said = Context(loaded=loaded).reading(r.reading)
    head = f"{r.id} [{said}]: expected {r.expected}, got {r.verdict}"
    return "\n".join([head, *result_lines(r, "  ", reading=None if said == r.reading else said)])
