"""``polity compare BEFORE AFTER``: what a text changes against another (two constitutions, or
two editions of one): findings introduced, repaired and kept, and the verdicts of the questions
asked of both (the crosswalk's)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import output
from .options import MAX_SECONDS, Format, model_value
from .progress import progress
from .render import Context, render


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare(
        before: Annotated[Path, typer.Argument(
            help="The text before: a built-in model's name (polity model list) or a model file.",
            dir_okay=False, callback=model_value)],
        after: Annotated[Path, typer.Argument(
            help="The text after: a built-in model's name or a model file.", dir_okay=False, callback=model_value)],
        crosswalk: Annotated[Path | None, typer.Option(
            "--crosswalk", dir_okay=False,
            help="What corresponds to what (default: BEFORE--AFTER.crosswalk.yaml beside either model).")] = None,
        bound: Annotated[int | None, typer.Option(
            "--bound", min=0, max=200, help="Maximum number of events in a trace.")] = None,
        timeout: Annotated[float, typer.Option(
            "--timeout", min=1.0, max=MAX_SECONDS, help="Seconds for each text's search, and per question.")] = 300.0,
        jobs: Annotated[int, typer.Option("--jobs", min=1, max=64, help="Parallel processes.")] = 1,
        fmt: Annotated[Format, typer.Option("--format")] = Format.text,
    ) -> None:
        """Compare two texts: the findings the second introduces, repairs and keeps."""
        from ..model.loader import load_model
        from ..proofs.usecases import compare as compare_texts

        with progress(output.err, fmt == Format.text, machine=fmt != Format.text) as shown:
            report = compare_texts(before, after, crosswalk, bound, timeout, jobs, shown, output.note)
        for model, label, what in report.incomplete:
            output.warn(f"incomplete: {what} was not settled within its budget ({model}, reading {label})")
        render(fmt.value, report, Context(loaded=load_model(after)))
