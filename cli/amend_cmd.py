"""``polity amend`` and ``polity diff``: what a proposed change breaks or fixes.

``amend`` applies amendment files to a model in order, checks each against the entrenched
provisions of the text as amended so far (under an entrenchment reading), then verifies the
suite and runs ``find`` on the model before and after and reports the differences (of each
step and of the whole sequence; the use case is ``proofs.usecases.amend``). ``diff`` compares
two whole model files the same way (``proofs.usecases.diff``).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..model.errors import UserError
from . import output
from .options import MAX_SECONDS, BoundOpt, Format, ModelOpt, RecheckOpt, SuiteFormat, TimeoutOpt, choose_recheck
from .progress import progress
from .render import Context, render

CACHE_DIR = Path(".polity-cache")

SuiteOpt = Annotated[Path | None, typer.Option(
    "--suite", help="Suite file (default: the model's built-in suite).", dir_okay=False)]
FormatOpt = Annotated[Format, typer.Option("--format")]
CacheOpt = Annotated[bool, typer.Option(
    "--cache/--no-cache", help=f"Keep results on disk under {CACHE_DIR}/ and reuse them.")]
FindOpt = Annotated[bool, typer.Option(
    "--find/--no-find",
    help="Also compare conflicts, deadlocks and gaps (on by default; --no-find for verdicts only).")]
FindTimeoutOpt = Annotated[float, typer.Option(
    "--find-timeout", min=1.0, max=MAX_SECONDS,
    help="Seconds for the discovery search, per model.")]


def register(app: typer.Typer) -> None:
    app.command("amend")(amend)
    app.command("diff")(diff)


class Reading(str, Enum):
    implied = "implied"
    literal = "literal"


ReadingOpt = Annotated[Reading, typer.Option(
    "--entrenchment",
    help="How to read an eternity clause: implied (the clauses that protect an unchangeable "
         "provision are protected too) or literal (only the provisions listed).")]


def amend(
    amendments: Annotated[list[Path], typer.Argument(
        help="Amendment files (YAML), put in this order, each to the text as amended by the ones before.",
        dir_okay=False)],
    model: ModelOpt = None,
    suite: SuiteOpt = None,
    fmt: Annotated[SuiteFormat, typer.Option("--format")] = SuiteFormat.text,
    entrenchment: ReadingOpt = Reading.implied,
    ignore_entrenchment: Annotated[bool, typer.Option(
        "--ignore-entrenchment", help="Analyse even if an entrenched provision is touched.")] = False,
    bound: BoundOpt = None,
    timeout: TimeoutOpt = None,
    cache: CacheOpt = True,
    find: FindOpt = True,
    find_timeout: FindTimeoutOpt = 120.0,
    recheck: RecheckOpt = None,
) -> None:
    """Test an amendment, or a sequence of them: admissibility, then verdicts and findings before
    and after (of each step and of the whole sequence).

    Exit 0 when analysed (admissible, or --ignore-entrenchment), 1 when a step touches an
    entrenched provision under the chosen entrenchment reading, 2 on bad input.
    """
    from ..proofs.usecases import amend as amend_use_case

    if len(amendments) > 1 and fmt in (SuiteFormat.junit, SuiteFormat.sarif):
        raise UserError(f"--format {fmt.value} reports one amendment; a sequence is reported as text or json")
    machine = fmt != SuiteFormat.text
    choose_recheck(recheck)
    with progress(output.err, not machine, machine=machine) as shown:
        before, report = amend_use_case(
            list(amendments), model, suite, entrenchment.value, ignore_entrenchment, bound, timeout,
            CACHE_DIR if cache else None, find, find_timeout,
            note=lambda msg: shown.note(f"checking: {msg}"), warn=output.warn)
    render(fmt.value, report, Context(loaded=before))
    if not report.admissible and not ignore_entrenchment:
        raise typer.Exit(1)


def diff(
    model_a: Annotated[Path, typer.Argument(help="The model as it is.", dir_okay=False)],
    model_b: Annotated[Path, typer.Argument(help="The model as proposed.", dir_okay=False)],
    suite: SuiteOpt = None,
    fmt: FormatOpt = Format.text,
    bound: BoundOpt = None,
    timeout: TimeoutOpt = None,
    cache: CacheOpt = True,
    find: FindOpt = True,
    find_timeout: FindTimeoutOpt = 120.0,
) -> None:
    """Compare two model files: verdicts and findings of the first against the second.

    An entrenched provision of the first model whose elements differ in the second makes the
    change inadmissible (exit 1, after the comparison).
    """
    from ..proofs.usecases import diff as diff_use_case

    with progress(output.err, fmt == Format.text, machine=fmt != Format.text) as shown:
        before, report = diff_use_case(
            model_a, model_b, suite, bound, timeout, CACHE_DIR if cache else None, find, find_timeout,
            note=lambda msg: shown.note(f"checking: {msg}"), warn=output.warn)
    render(fmt.value, report, Context(loaded=before))
    if not report.admissible:
        raise typer.Exit(1)
