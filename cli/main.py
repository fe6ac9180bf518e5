"""The ``polity`` command.

Exit codes, the same for every command: 0 as expected; 1 an expectation failed (a suite verdict
differs, ``prove --expect`` differs, ``find --fail-on-findings`` found something, an amendment is
inadmissible); 2 bad input or usage (one located line, no traceback); 3 internal error (Polity
contradicted itself; a short message, the traceback only with ``--debug``); 130/143 interrupted.

Z3 is imported lazily, inside the commands that need it, so ``polity --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..model.errors import InternalError, UserError
from ..proofs.kinds import kinds_help
from . import amend_cmd, compare_cmd, entrenchment_cmd, model_cmd, output, query_cmd, report_cmd
from .options import (
    FIND_BOUND_HELP,
    MAX_JOBS,
    MAX_SECONDS,
    BoundOpt,
    CombinationsOpt,
    FindFormat,
    Format,
    ModelOpt,
    ReadingOpt,
    RecheckOpt,
    SuiteFormat,
    TimeoutOpt,
    expected_verdict,
    reading_choice,
    reading_combinations,
    recheck_value,
    verdict_choices,
)
from .progress import progress
from .render import Context, render

EXIT_CODES = """Exit codes (every command): 0 as expected; 1 an expectation failed: a suite
verdict differs from its expectation (check), the verdict differs from --expect (prove), something
was found with --fail-on-findings (find), an amendment is inadmissible (amend); 2 bad input or
usage; 3 internal error (traceback with --debug); 130 interrupted (Ctrl-C), 143 terminated."""

DEBUG = {"traceback": False}

app = typer.Typer(
    name="polity",
    help="Formal verification of constitutional procedures with Z3.\n\n" + EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
model_app = typer.Typer(help="Validate and inspect constitution models.", no_args_is_help=True)
app.add_typer(model_app, name="model")
model_cmd.register(model_app)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        import z3

        output.say(f"polity {version('polity')} (z3 {z3.get_version_string()})")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_version,
                                          help="Print Polity's and Z3's versions and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error.")] = False,
) -> None:
    """Formal verification of constitutional procedures with Z3."""
    DEBUG["traceback"] = debug


def _note(message: str) -> None:
    output.err.print(f"note: {message}", markup=False)


@model_app.command("validate")
def model_validate(path: Annotated[Path | None, typer.Argument(
        help="A built-in model's name or a model file (default: built-in).")] = None) -> None:
    """Check a model file: schema, names, types, citations. Exit 0, or 2 with the located error."""
    from ..model.builtin import model_path
    from ..proofs.usecases import validate

    loaded = validate(model_path(path))
    c = loaded.constitution
    output.say(f"{loaded.file}: valid model '{c.id}' ({len(c.state)} state variables, {len(c.events)} events, "
               f"{len(c.obligations)} obligations, {len(c.prohibitions)} prohibitions, "
               f"{len(loaded.readings())} reading combination(s))")


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of model files (for editors)."""
    from ..model.schema import Constitution

    output.emit_json(Constitution.model_json_schema())


@app.command("prove")
def prove(
    prop: Annotated[str, typer.Option("--property", help="e.g. \"never happened(x) and prev(emergency)\"")],
    model: ModelOpt = None,
    bound: BoundOpt = None,
    timeout: TimeoutOpt = None,
    reading: ReadingOpt = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.text,
    quote: Annotated[bool, typer.Option("--quote", help="Quote the cited provisions.")] = False,
    expect: Annotated[str | None, typer.Option(
        "--expect", parser=expected_verdict, metavar="VERDICT",
        help=f"Exit 1 unless the verdict is this one ({verdict_choices()}).")] = None,
    recheck: RecheckOpt = None,
) -> None:
    """Check one property: proved, violated, holds_to_bound, reachable, unreachable or unknown."""
    from ..proofs.records import Verdict as RecordVerdict
    from ..proofs.usecases import prove as prove_property

    with progress(output.err, fmt == Format.text, machine=fmt != Format.text) as shown:
        loaded, result = prove_property(prop, model, reading_choice(reading), bound, timeout,
                                        None if expect is None else RecordVerdict(expect),
                                        recheck_value(recheck), shown, _note)
    render(fmt.value, result, Context(loaded=loaded, quote=quote))
    if result.ok is False:
        if fmt == Format.text:
            output.error(f"expected {result.expected}, got {result.verdict}")
        raise typer.Exit(1)


@app.command("check")
def check(
    model: ModelOpt = None,
    suite: Annotated[Path | None, typer.Option("--suite", help="Suite file (default: the model's built-in suite).",
                                               dir_okay=False)] = None,
    bound: BoundOpt = None,
    timeout: TimeoutOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=MAX_JOBS, help="Parallel processes.")] = 1,
    only: Annotated[list[str] | None, typer.Option("--only", help="Check only these property ids.")] = None,
    fmt: Annotated[SuiteFormat, typer.Option("--format")] = SuiteFormat.text,
    quote: Annotated[bool, typer.Option("--quote", help="Quote the cited provisions.")] = False,
    recheck: RecheckOpt = None,
) -> None:
    """Run a proof suite; exit 1 when a verdict differs from its expectation."""
    from ..proofs.usecases import check as check_suite

    with progress(output.err, fmt == SuiteFormat.text, machine=fmt != SuiteFormat.text) as shown:
        loaded, s, report = check_suite(model, suite, bound, timeout, jobs, only, recheck_value(recheck),
                                        shown, _note)
    render(fmt.value, report, Context(loaded=loaded, suite=s, quote=quote))
    if not report.ok:
        raise typer.Exit(1)


def _limit_words(limit: str) -> str:
    """Which limit stopped a search, and whether another machine would answer the same."""
    if limit == "wall-clock limit":
        return "the wall clock (--timeout) stopped it; a faster or quieter machine may settle it"
    if limit.startswith("resource"):
        return "its resource budget was spent (the same on every machine; a larger --budget may settle it)"
    return f"the solver gave up ({limit})" if limit else "its budget or --timeout ran out"


@app.command("find")
def find(
    model: ModelOpt = None,
    bound: Annotated[int | None, typer.Option(
        "--bound", min=0, max=200, show_default=str(FIND_BOUND_HELP),
        help="Maximum number of events in a trace.")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=1.0, max=MAX_SECONDS,
        help="Seconds per search, per reading: with --bound each search's resource budget is worth "
        "half of it on a reference machine; the wall clock stops the whole search at four times "
        "it (a backstop; what it stops is said to be unknown).")] = 300.0,
    reading: CombinationsOpt = None,
    all_readings: Annotated[bool, typer.Option(
        "--all-readings", help="Search under the default reading, then under each option of each reading "
        "alone (the others at their defaults), then under each combination an element of the model is "
        "written for: not every combination. Pick other combinations with --reading.")] = False,
    kinds: Annotated[list[str] | None, typer.Option(
        "--kind", help=kinds_help())] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=64, help="Parallel processes.")] = 1,
    fmt: Annotated[FindFormat, typer.Option("--format")] = FindFormat.text,
    quote: Annotated[bool, typer.Option("--quote", help="Quote the cited provisions.")] = False,
    commentary: Annotated[Path | None, typer.Option(
        "--commentary", dir_okay=False,
        help="With --format markdown: a lawyer's readings of the findings, matched by identity.")] = None,
    fail_on_findings: Annotated[bool, typer.Option(
        "--fail-on-findings", help="Exit 1 if anything is found.")] = False,
    budget: Annotated[float, typer.Option(
        "--budget", min=1.0, max=MAX_SECONDS, help="Seconds of solver work per reading, counted in resource "
        "units (the same answers under any load): without --bound, each question deepens its bound "
        "(8, 12, 16, ...) while its share lasts.")] = 120.0,
) -> None:
    """Find conflicts, deadlocks, procedures with no end, gaps and dead provisions without
    writing a property."""
    from ..proofs.usecases import find as find_all

    if commentary is not None and fmt != FindFormat.markdown:
        raise UserError("--commentary goes with --format markdown")
    with progress(output.err, fmt == FindFormat.text, machine=fmt != FindFormat.text) as shown:
        loaded, report = find_all(model, kinds, bound, timeout, None, all_readings, jobs, shown,
                                  budget, combinations=reading_combinations(reading))
    limits = {(q.reading, q.what): q.limit for q in report.questions}
    for label, what in report.incomplete:  # searches cut short: say so, never hide it
        output.warn(f"incomplete: {what} was not settled: {_limit_words(limits.get((label, what), ''))}"
                    f" (reading {label})")
    comments = None
    if commentary is not None:
        from .commentary import load_commentary

        comments = load_commentary(commentary, loaded.constitution.id).by_identity()
    render(fmt.value, report, Context(loaded=loaded, quote=quote, commentary=comments))
    if fail_on_findings and report.findings:
        raise typer.Exit(1)


@app.command("explain")
def explain(
    property_id: Annotated[str, typer.Argument(help="A property id from the suite's catalog.")],
    model: ModelOpt = None,
    suite: Annotated[Path | None, typer.Option("--suite", dir_okay=False)] = None,
    bound: BoundOpt = None,
    timeout: TimeoutOpt = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.text,
    recheck: RecheckOpt = None,
) -> None:
    """One property: its statement, the provisions with their text, the verdict and its reasons."""
    from ..proofs.usecases import explain as explain_property

    with progress(output.err, fmt == Format.text, machine=fmt != Format.text) as shown:
        loaded, explanation = explain_property(property_id, model, suite, bound, timeout,
                                               recheck_value(recheck), shown, _note)
    render(fmt.value, explanation, Context(loaded=loaded))

def run() -> None:
    """Console entry point: map errors to exit codes (SIGINT / SIGTERM: cli/signals.py)."""
    from . import signals

    signals.install()
    try:
        code = app(standalone_mode=False)
        signals.settle()
        if isinstance(code, int) and code:
            sys.exit(code)
    except UserError as exc:
        signals.settle()
        output.error(str(exc))
        sys.exit(2)
    except InternalError as exc:
        signals.settle()
        _internal(exc)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        output.error("aborted")
        sys.exit(130)
    except Exception as exc:  # click's usage errors (typer vendors click) and anything unexpected
        signals.settle()
        if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
            _usage_error(exc)
        _internal(exc)


def _usage_error(exc: Exception) -> None:
    """Exit 2: click's usage error as one line (the command and where its help is)."""
    ctx = getattr(exc, "ctx", None)
    where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    output.error(f"{exc.format_message()}{where}")  # type: ignore[attr-defined]
    sys.exit(2)


def _internal(exc: BaseException) -> None:
    """Exit 3: one line saying what went wrong; the traceback only with --debug."""
    if DEBUG["traceback"]:
        import traceback

        traceback.print_exception(exc)
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" (at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}; --debug shows the traceback)"
    output.error(f"internal error: {type(exc).__name__}: {str(exc)[:300]}{where}")
    sys.exit(3)


amend_cmd.register(app)
entrenchment_cmd.register(app)
query_cmd.register(app)
compare_cmd.register(app)
report_cmd.register(app)
