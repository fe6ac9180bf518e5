"""Explanations in a lawyer's words: dated timelines of traces and the provisions a proof uses."""

from __future__ import annotations

from typing import Any

from ..model.source import SourceText
from ..model.system import System, human_cite
from .interpreter import Step
from .records import CheckResult

NO_EVENTS = "no events (the initial state already decides it)"


def step_cites(system: System, step: Step) -> list[str]:
    return list(system.events[step.event].cites)


def narrate(system: System, step: Step) -> str:
    """One timeline line: 'day 40: the Assembly refuses consent ... (73 votes for) (Art. 46 item 4)'."""
    event = system.events[step.event]
    text = f"day {step.day}: {event.says}"
    if step.args:
        words = {a.id: a.description for a in event.args}
        details = ", ".join(arg_phrase(k, v, words.get(k, "")) for k, v in sorted(step.args.items()))
        text += f" ({details})"
    if event.cites:
        text += " (" + ", ".join(human_cite(c) for c in event.cites) + ")"
    return text


def arg_phrase(name: str, value: int, description: str = "") -> str:
    """An event's argument in words: the model's description when it gives one, never its id.

    >>> arg_phrase("yes", 73), arg_phrase("initiators", 12, "deputies who propose it")
    ('73 votes for', 'deputies who propose it: 12')
    >>> arg_phrase("previously_appointed", 0)
    'previously appointed: no'
    """
    if name == "yes" and not description:
        return f"{value} vote{'' if value == 1 else 's'} for"
    words = description or name.replace("_", " ")
    if not description and value in (0, 1) and name not in ("subject",):
        return f"{words}: {'yes' if value else 'no'}"
    return f"{words}: {value}"


def reading_words(label: str, loaded: Any) -> str:
    """A reading label (``default`` or ``id=option,...``) in the model's words.

    The options' own ``says`` name them; an unknown id is shown as it is (never hidden)."""
    readings = {r.id: r for r in loaded.constitution.readings}
    if label == "default" or not label:
        if not readings:
            return "the only reading"
        return "the default reading (" + "; ".join(
            next((o.says for o in r.options if o.id == r.default), r.default) for r in readings.values()) + ")"
    parts = []
    for piece in label.split(","):
        rid, _, opt = piece.partition("=")
        r = readings.get(rid)
        says = next((o.says for o in r.options if o.id == opt), None) if r is not None else None
        parts.append(says or piece)
    return "the reading: " + "; ".join(parts)


def timeline(system: System, trace: list[Step] | tuple[Step, ...]) -> list[str]:
    return [narrate(system, s) for s in trace]


def trace_json(system: System, trace: list[Step] | tuple[Step, ...]) -> list[dict[str, Any]]:
    return [{"day": s.day, "event": s.event, "args": dict(sorted(s.args.items())),  # canonical order
             "cites": step_cites(system, s),
             "says": narrate(system, s)} for s in trace]


def quote_lines(source: SourceText | None, cites: list[str], limit: int = 0) -> list[str]:
    """'Art. 62(3): "The Assembly may not be dissolved ..."' for each citation, in full
    (a quotation cut short loses the operative words)."""
    out = []
    for c in cites:
        text = source.quote(c, limit) if source is not None else ""
        out.append(f"{human_cite(c)}: \u201c{text}\u201d" if text else human_cite(c))
    return out


def result_lines(r: CheckResult, indent: str = "", reading: str | None = None) -> list[str]:
    """A suite result as a lawyer reads it: expected and actual verdict, the property, the
    provisions, the dated timeline or what a proof relies on (for JUnit, pytest, ...);
    ``reading`` is the line saying the reading in words, when the caller has the model."""
    lines = [f"expected: {r.expected.value if r.expected is not None else '-'}", f"actual:   {r.verdict.value}",
             f"reading:  {r.reading}" if reading is None else reading]
    if r.statement:
        lines.append(f"property: {r.statement}")
    if r.formula:
        lines.append(f"formula:  {r.formula}")
    if r.cites:
        lines.append("about:    " + ", ".join(human_cite(c) for c in r.cites))
    if r.reason:
        lines.append(f"reason:   {r.reason}")
    if r.timeline:
        lines.append("timeline:")
        lines += [f"  {t}" for t in r.timeline]
    elif r.trace is not None:
        lines.append(f"timeline: {NO_EVENTS}")
    if r.relies_on is not None:
        lines.append("relies on: " + (", ".join(human_cite(c) for c in r.relies_on)
                                      or "no provision (the model's structure alone)"))
    return [indent + line for line in lines]
