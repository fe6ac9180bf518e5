"""``polity amend`` and ``polity diff``: what a proposed change breaks or fixes.

``amend`` applies an amendment file to a model, checks it against the entrenched provisions,
then verifies the suite and runs ``find`` on the model before and after and reports the
differences. ``diff`` compares two whole model files the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from . import output
from .options import MAX_SECONDS, BoundOpt, Format, ModelOpt, RecheckOpt, SuiteFormat, TimeoutOpt, choose_recheck
from .output import citation_sort_key, human_cite
from .progress import progress
from .render import ChangeReport, Context, render

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


def amend(
    amendment: Annotated[Path, typer.Argument(help="Amendment file (YAML).", dir_okay=False)],
    model: ModelOpt = None,
    suite: SuiteOpt = None,
    fmt: Annotated[SuiteFormat, typer.Option("--format")] = SuiteFormat.text,
    ignore_entrenchment: Annotated[bool, typer.Option(
        "--ignore-entrenchment", help="Analyse even if an entrenched provision is touched.")] = False,
    bound: BoundOpt = None,
    timeout: TimeoutOpt = None,
    cache: CacheOpt = True,
    find: FindOpt = True,
    find_timeout: FindTimeoutOpt = 120.0,
    recheck: RecheckOpt = None,
) -> None:
    """Test an amendment: admissibility, then verdicts and findings before and after.

    Exit 0 when analysed (admissible, or --ignore-entrenchment), 1 when it touches an
    entrenched provision, 2 on bad input.
    """
    from ..model.amendment import apply_amendment, entrenchment, load_amendment
    from ..model.loader import load_model

    before = load_model(model)
    am = load_amendment(amendment)
    touches = entrenchment(before, am)
    applied = apply_amendment(before, am)  # bad changes are bad input even when inadmissible
    report: dict[str, Any] = {
        "amendment": {"title": am.spec.title, "file": am.file, "changes": [
            {"kind": ch.kind, "what": _change_phrase(ch), "rationale": ch.rationale,
             "location": str(am.locate(i))} for i, ch in enumerate(am.spec.changes)]},
        "model": before.constitution.id,
        "admissible": not touches,
        "entrenched_touched": sorted({t.provision for t in touches}, key=citation_sort_key),
        "entrenchment": [t.to_json() for t in touches],
        "notes": applied.notes,
    }
    if touches and not ignore_entrenchment:
        report |= {"analysed": False, "verdict_changes": [], "undecided": [], "findings_added": [],
                   "findings_removed": [], "findings_changed": [], "reliance_changes": [],
                   "trace_changes": []}
        render(fmt.value, ChangeReport(report), Context(loaded=before))
        raise typer.Exit(1)
    report |= {"analysed": True}
    choose_recheck(recheck)
    report |= _analyse(before, applied.model, suite, Format.text if fmt == SuiteFormat.text else Format.json,
                       bound, timeout, cache, find, find_timeout)
    render(fmt.value, ChangeReport(report), Context(loaded=before))


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
    from ..model.amendment import entrenched_changes
    from ..model.loader import load_model

    a = load_model(model_a)
    b = load_model(model_b)
    touched = entrenched_changes(a, b)
    report: dict[str, Any] = {
        "model": a.constitution.id, "before": str(model_a), "after": str(model_b),
        "admissible": not touched, "entrenched_touched": touched, "analysed": True,
    }
    report |= _analyse(a, b, suite, fmt, bound, timeout, cache, find, find_timeout)
    render(fmt.value, ChangeReport(report))
    if touched:
        raise typer.Exit(1)


def _analyse(before: Any, after: Any, suite_path: Path | None, fmt: Format, bound: int | None,
             timeout: float | None, cache: bool, find: bool, find_timeout: float) -> dict[str, Any]:
    from ..proofs.usecases import impact_of

    with progress(output.err, fmt == Format.text, machine=fmt != Format.text) as shown:
        suite, report = impact_of(before, after, suite_path, bound, timeout, CACHE_DIR if cache else None,
                                  find, find_timeout, note=lambda msg: shown.note(f"checking: {msg}"),
                                  warn=output.warn)
    return report.to_json() | {"suite": suite, "find": find}


def _change_phrase(ch: Any) -> str:
    if ch.set is not None:
        return f"set {ch.set.parameter} = {ch.set.value}"
    if ch.strike is not None:
        return f"strike {human_cite(ch.strike)}"
    if ch.add is not None:
        return f"add to {ch.add.section}: {ch.add.element.get('id', '?')}"
    return f"replace in {ch.replace.section}: {ch.replace.id}"
