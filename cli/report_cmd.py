"""``polity report``: the proof suite, the findings and (optionally) an amendment on one
self-contained HTML page (proofs/report_data.py gathers the records, cli/render/html.py lays
them out). The file is written atomically: a failed run leaves nothing half-written.

``--compare OTHER`` adds what this text introduces, repairs and keeps against OTHER (the text
in force, say), matched through their crosswalk (``polity compare``).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Annotated

import typer

from ..model.errors import UserError
from . import output
from .options import MAX_JOBS, MAX_SECONDS, BoundOpt, ModelOpt, TimeoutOpt, model_value
from .progress import progress
from .render import Context, render


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    out: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.", dir_okay=False)],
    model: ModelOpt = None,
    suite: Annotated[Path | None, typer.Option(
        "--suite", help="Suite file (default: the model's built-in suite).", dir_okay=False)] = None,
    amendment: Annotated[Path | None, typer.Option(
        "--amendment", help="An amendment file to show as a redline with what it changes.", dir_okay=False)] = None,
    bound: BoundOpt = None,
    timeout: TimeoutOpt = None,
    find_bound: Annotated[int | None, typer.Option(
        "--find-bound", min=0, max=200, help="Maximum number of events in a finding's trace.")] = None,
    find_timeout: Annotated[float, typer.Option(
        "--find-timeout", min=1.0, max=MAX_SECONDS, help="Seconds for the whole discovery search.")] = 300.0,
    only: Annotated[list[str] | None, typer.Option("--only", help="Check only these property ids.")] = None,
    check: Annotated[bool, typer.Option("--check/--no-check", help="Run the proof suite.")] = True,
    find: Annotated[bool, typer.Option("--find/--no-find", help="Search for findings.")] = True,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=MAX_JOBS, help="Parallel processes.")] = 1,
    compare: Annotated[Path | None, typer.Option(
        "--compare", dir_okay=False, callback=model_value,
        help="Another text (a built-in model's name or a model file): what this one introduces, "
             "repairs and keeps against it.")] = None,
    crosswalk: Annotated[Path | None, typer.Option(
        "--crosswalk", dir_okay=False,
        help="What corresponds to what (default: OTHER--MODEL.crosswalk.yaml beside either model).")] = None,
) -> None:
    """Write one self-contained HTML report: the constitution, findings, proofs, an amendment."""
    from ..proofs.atomic import write_atomically
    from ..proofs.report_data import assemble

    if out.exists() and out.is_dir():
        raise UserError(f"{out}: is a folder, not a file (-o)")
    if not out.parent.resolve().is_dir():
        raise UserError(f"{out}: the folder {out.parent} does not exist (-o)")
    with progress(output.err, True, machine=False) as shown:
        data = assemble(model, suite, amendment, bound, timeout, find_timeout, find_bound, jobs, only,
                        check, find, shown, output.note, compare, crosswalk)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        render("html", data, Context(loaded=data.loaded))
    try:
        write_atomically(out, buffer.getvalue())
        out.chmod(0o644)  # a report is meant to be read and mailed, unlike the temp file it was
    except OSError as exc:
        raise UserError(f"{out}: cannot write the report ({exc.strerror or exc})") from None
    output.err.print(f"report written to {out}", markup=False)
