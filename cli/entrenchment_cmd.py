"""``polity entrenchment``: can a sequence of admissible amendments change an unchangeable
provision? The search is ``proofs/entrenchment.py``; the questions sit beside the model in
``NAME.entrenchment.yaml`` (or ``--questions``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .amend_cmd import Reading
from .options import Format, ModelOpt
from .render import Context, render


def register(app: typer.Typer) -> None:
    app.command("entrenchment")(entrenchment)


def entrenchment(
    model: ModelOpt = None,
    questions: Annotated[Path | None, typer.Option(
        "--questions", help="Questions file (default: NAME.entrenchment.yaml beside the model, "
                            "else every entrenched provision).", dir_okay=False)] = None,
    steps: Annotated[int | None, typer.Option(
        "--steps", min=1, max=6, show_default="3, or the questions file's",
        help="At most this many amendments in a sequence.")] = None,
    reading: Annotated[list[Reading] | None, typer.Option(
        "--reading", help="Entrenchment reading to search under (repeatable; default: every reading).")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.text,
) -> None:
    """For each unchangeable provision: the shortest sequence of admissible amendments (strike a
    protecting clause, then the provision) that changes it, or none within the bound.

    Exit 0 when every answer is as the questions file expects (or it expects nothing), 1 when
    one differs, 2 on bad input.
    """
    from ..proofs.usecases import entrenchment as entrenchment_use_case

    loaded, report = entrenchment_use_case(model, questions, steps, [r.value for r in reading or []])
    render(fmt.value, report, Context(loaded=loaded))
    if any(a.ok is False for a in report.answers):
        raise typer.Exit(1)
