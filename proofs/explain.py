"""Explanations in a lawyer's words: dated timelines of traces and the provisions a proof uses."""

from __future__ import annotations

from typing import Any

from ..model.source import SourceText
from ..model.system import System, human_cite
from .interpreter import Step

NO_EVENTS = "no events (the initial state already decides it)"


def step_cites(system: System, step: Step) -> list[str]:
    return list(system.events[step.event].cites)


def narrate(system: System, step: Step) -> str:
    """One timeline line: 'day 40: the Assembly refuses consent ... (73 votes for) (Art. 46 item 4)'."""
    event = system.events[step.event]
    text = f"day {step.day}: {event.says}"
    if step.args:
        details = ", ".join(_arg_phrase(k, v) for k, v in sorted(step.args.items()))
        text += f" ({details})"
    if event.cites:
        text += " (" + ", ".join(human_cite(c) for c in event.cites) + ")"
    return text


def _arg_phrase(name: str, value: int) -> str:
    if name == "yes":
        return f"{value} vote{'' if value == 1 else 's'} for"
    return f"{name.replace('_', ' ')} = {value}"


def timeline(system: System, trace: list[Step] | tuple[Step, ...]) -> list[str]:
    return [narrate(system, s) for s in trace]


def trace_json(system: System, trace: list[Step] | tuple[Step, ...]) -> list[dict[str, Any]]:
    return [{"day": s.day, "event": s.event, "args": dict(sorted(s.args.items())),  # canonical order
             "cites": step_cites(system, s),
             "says": narrate(system, s)} for s in trace]


def quote_lines(source: SourceText | None, cites: list[str], limit: int = 240) -> list[str]:
    """'Art. 62(3): "The Assembly may not be dissolved ..."' for each citation."""
    out = []
    for c in cites:
        text = source.quote(c, limit) if source is not None else ""
        out.append(f"{human_cite(c)}: \u201c{text}\u201d" if text else human_cite(c))
    return out


def result_lines(r: dict[str, Any], indent: str = "") -> list[str]:
    """A suite result as a lawyer reads it: expected and actual verdict, the property, the
    provisions, the dated timeline or what a proof relies on (for JUnit, pytest, ...)."""
    lines = [f"expected: {r.get('expected') or '-'}", f"actual:   {r['verdict']}",
             f"reading:  {r['reading']}"]
    if r.get("statement"):
        lines.append(f"property: {r['statement']}")
    if r.get("formula"):
        lines.append(f"formula:  {r['formula']}")
    if r.get("cites"):
        lines.append("about:    " + ", ".join(human_cite(c) for c in r["cites"]))
    if r.get("reason"):
        lines.append(f"reason:   {r['reason']}")
    if r.get("timeline"):
        lines.append("timeline:")
        lines += [f"  {t}" for t in r["timeline"]]
    elif r.get("trace") is not None:
        lines.append(f"timeline: {NO_EVENTS}")
    if r.get("relies_on") is not None:
        lines.append("relies on: " + (", ".join(human_cite(c) for c in r["relies_on"])
                                      or "no provision (the model's structure alone)"))
    return [indent + line for line in lines]
