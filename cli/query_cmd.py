"""``polity query NAME``: quantitative questions from the model's query catalog.

The catalog is data beside the model (``NAME.queries.yaml``); answers are exact integers (or
exact fractions), each with the trace that attains it and the optimality check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import output
from .options import MAX_SECONDS, Format, ModelOpt
from .progress import progress
from .render import Context, render

# A query's bound and timeout mean other things than a property's: their own options.
BoundOpt = Annotated[int | None, typer.Option("--bound", min=1, max=60,
                                              help="Most events in a trace (overrides the catalog).")]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", min=0.001, max=MAX_SECONDS,
                                                  help="Seconds for the whole query (a timeout is 'unknown').")]


def register(app: typer.Typer) -> None:
    @app.command("query")
    def query(
        name: Annotated[str, typer.Argument(help="A query id from the model's query catalog.")],
        model: ModelOpt = None,
        data: Annotated[Path | None, typer.Option(
            "--data", dir_okay=False,
            help="Units file for referendum queries (CSV or YAML: name, electorate[, turnout %]).")] = None,
        reading: Annotated[list[str] | None, typer.Option(
            "--reading", help="A model reading ID=OPTION, or a query reading (e.g. units_only); repeatable.")] = None,
        queries: Annotated[Path | None, typer.Option(
            "--queries", dir_okay=False, help="Query catalog (default: MODEL.queries.yaml beside the model).")] = None,
        bound: BoundOpt = None,
        timeout: TimeoutOpt = None,
        fmt: Annotated[Format, typer.Option("--format")] = Format.text,
    ) -> None:
        """Answer a quantitative question (thresholds, coalitions, tenure, vacancies) exactly."""
        from ..proofs.usecases import query as answer

        with progress(output.err, fmt == Format.text, machine=fmt != Format.text) as shown:
            loaded, system, report = answer(name, model, data, reading, queries, bound, timeout, shown)
        render(fmt.value, report, Context(loaded=loaded, system=system))
