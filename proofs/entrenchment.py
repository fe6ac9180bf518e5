"""Self-amendment: can a sequence of admissible amendments change an unchangeable provision?

The amendment check (``model/amendment.py``) decides one amendment against one text. Here the
texts reachable by amendments are searched breadth first, over a finite menu derived from the
model's ``entrenched`` entries: strike a protecting clause (an entry's ``by``), or change (strike)
the protected provision. Each amendment is checked against the text as amended by the ones
before it, under one entrenchment reading. The first admissible amendment that changes the
provision ends the shortest plan. When no plan exists, the search was exhaustive over the menu
up to the bound: a proof for that menu and bound, nothing more; when the menu reaches no new
text, no longer sequence over it helps either (``closed_after``).

No Z3: admissibility is a question about the text, not about its traces.

The questions for a model sit beside it in ``NAME.entrenchment.yaml`` (the provisions asked
about, the expected answer per reading, and the stages of the amendment procedure, used to
date a plan with the model's own deadlines).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from ..model.amendment import (
    DEFAULT_READING,
    READINGS,
    Amendment,
    apply_amendment,
    check_reading,
    entrenchment,
    load_amendment_text,
    related,
)
from ..model.errors import UserError, shown
from ..model.expr import evaluate, names_in
from ..model.loader import LoadedModel, resolve, validate
from ..model.schema import Strict, _check_cites
from ..model.system import citation_sort_key, human_cite
from ..model.yamlpos import LoadedFile, load_yaml
from .records import EntrenchmentAnswer, EntrenchmentReport, PlanStep, Verdict

DEFAULT_STEPS = 3
MAX_STEPS = 6


# ----------------------------------------------------------------------------- the questions file


class Stage(Strict):
    says: str = Field(description="The stage of the amendment procedure, in words.")
    events: list[str] = Field(min_length=1, description="The events that complete the stage (any one).")


class Question(Strict):
    id: str
    provision: str = Field(description="The unchangeable provision asked about (an entrenched id).")
    statement: str = Field(description="The question in a lawyer's words.")
    expect: dict[str, Literal["none"] | int] = Field(
        default_factory=dict,
        description="Per entrenchment reading: the shortest plan's length, or none within the bound.")

    _p = field_validator("provision")(lambda v: _check_cites([v])[0])


class QuestionsFile(Strict):
    """What ``polity entrenchment`` asks of one model."""

    entrenchment: Literal[1] = Field(description="Format version of this file.")
    model: str = Field(description="Id of the model the questions are about.")
    steps: int = Field(default=DEFAULT_STEPS, ge=1, le=MAX_STEPS, description="Default bound.")
    procedure: list[Stage] = Field(default_factory=list,
                                   description="The stages one amendment goes through, in order.")
    questions: list[Question] = Field(min_length=1)


Questions = LoadedFile[QuestionsFile]


def questions_path(model_path: Path) -> Path:
    """``constitution.yaml`` -> ``constitution.entrenchment.yaml`` in the same folder."""
    return model_path.with_name(model_path.name.removesuffix(".yaml") + ".entrenchment.yaml")


def load_questions(path: Path, loaded: LoadedModel) -> Questions:
    data, pos = load_yaml(path, str(path))
    spec = validate(QuestionsFile, data, pos, "an entrenchment questions file", "entrenchment, model, questions")
    if spec.model != loaded.constitution.id:
        raise UserError(f"these questions are about model {shown(spec.model)}, not "
                        f"{shown(loaded.constitution.id)}", pos.locate(("model",)))
    entrenched = {e.id for e in loaded.constitution.entrenched}
    events = {e.id for e in loaded.constitution.events}
    for i, q in enumerate(spec.questions):
        if q.provision not in entrenched:
            raise UserError(f"{shown(q.provision)} is not entrenched in the model (entrenched: "
                            f"{', '.join(sorted(entrenched, key=citation_sort_key))})",
                            pos.locate(("questions", i, "provision")))
        for r in q.expect:
            if r not in READINGS:
                raise UserError(f"unknown entrenchment reading {shown(r)} (one of {', '.join(READINGS)})",
                                pos.locate(("questions", i, "expect", r)))
    for i, st in enumerate(spec.procedure):
        for j, ev in enumerate(st.events):
            if ev not in events:
                raise UserError(f"unknown event {shown(ev)}", pos.locate(("procedure", i, "events", j)))
    return LoadedFile(spec, pos, path)


def default_questions(loaded: LoadedModel) -> list[Question]:
    """Without a questions file: one question per entrenched provision, no expectation."""
    return [Question(id=f"change-{e.id}", provision=e.id, statement=f"Can {human_cite(e.id)} be changed?")
            for e in sorted(loaded.constitution.entrenched, key=lambda e: citation_sort_key(e.id))]


# ----------------------------------------------------------------------------- the menu


@dataclass(frozen=True)
class Move:
    """One kind of amendment on the menu: strike a provision."""

    provision: str

    def change(self) -> dict[str, str]:
        return {"strike": self.provision}

    def amendment(self, label: str) -> Amendment:
        text = f"title: strike {self.provision}\nchanges:\n  - strike: {self.provision}\n"
        return load_amendment_text(text, label)

    def changes(self, provision: str) -> bool:
        return related(self.provision, provision)


def menu(loaded: LoadedModel) -> list[Move]:
    """Strike each protecting clause and each protected provision of the model."""
    provs = {e.id for e in loaded.constitution.entrenched}
    provs |= {b for e in loaded.constitution.entrenched for b in e.by}
    return [Move(p) for p in sorted(provs, key=citation_sort_key)]


def menu_words(moves: list[Move]) -> list[str]:
    return [f"strike {human_cite(m.provision)}" for m in moves]


def _says(move: Move, text: LoadedModel, original: LoadedModel) -> tuple[str, tuple[str, ...]]:
    """The amendment in words, against the text it is put to, and the provisions involved."""
    guards = sorted({e.id for e in text.constitution.entrenched if move.provision in e.by}, key=citation_sort_key)
    by = sorted({b for e in text.constitution.entrenched if e.id == move.provision for b in e.by},
                key=citation_sort_key)
    words = f"strike {human_cite(move.provision)}"
    if guards:
        words += ", which entrenches " + ", ".join(human_cite(g) for g in guards)
    if by:
        words += " (entrenched by " + ", ".join(human_cite(b) for b in by) + ")"
    elif any(e.id == move.provision for e in original.constitution.entrenched):
        words += " (no longer entrenched in the text as amended)"
    return words, tuple(sorted({move.provision, *guards, *by}, key=citation_sort_key))


# ----------------------------------------------------------------------------- the search


@dataclass(frozen=True)
class _Node:
    text: LoadedModel
    path: tuple[Move, ...]
    parents: tuple[LoadedModel, ...]  # the text each move of ``path`` was put to


@dataclass(frozen=True)
class Found:
    """The search's answer for one provision under one reading."""

    plan: tuple[tuple[Move, LoadedModel], ...] | None  # each move with the text it is put to
    closed_after: int | None
    explored: int


def _key(text: LoadedModel) -> str:
    return json.dumps(text.constitution.model_dump(mode="json", by_alias=True), sort_keys=True)


def search(loaded: LoadedModel, goals: list[str], reading: str, steps: int) -> dict[str, Found]:
    """Breadth-first over the texts the menu reaches, at most ``steps`` amendments deep: for
    each goal provision, the shortest sequence whose last amendment changes it and every one of
    which is admissible under ``reading`` against the text it is put to."""
    check_reading(reading)
    moves = menu(loaded)
    seen = {_key(loaded)}
    level = [_Node(loaded, (), ())]
    found: dict[str, tuple[tuple[Move, LoadedModel], ...]] = {}
    closed_after: int | None = None
    for depth in range(steps):
        nxt: list[_Node] = []
        for node in level:
            for move in moves:
                am = move.amendment(f"<menu: strike {move.provision}>")
                try:
                    ok = not entrenchment(node.text, am, reading)
                except UserError:
                    continue
                if not ok:
                    continue
                plan = (*zip(node.path, node.parents, strict=True), (move, node.text))
                for g in goals:
                    if g not in found and move.changes(g):
                        found[g] = plan
                if depth + 1 == steps:
                    continue
                try:
                    after = apply_amendment(node.text, am).model
                except UserError:  # nothing left to strike: not on the menu for this text
                    continue
                k = _key(after)
                if k not in seen:
                    seen.add(k)
                    nxt.append(_Node(after, (*node.path, move), (*node.parents, node.text)))
        if not nxt and closed_after is None and depth + 1 < steps:
            closed_after = depth
            break
        if all(g in found for g in goals):
            break
        level = nxt
    return {g: Found(found.get(g), None if g in found else closed_after, len(seen)) for g in goals}


# ----------------------------------------------------------------------------- dating


def procedure_days(loaded: LoadedModel, stages: list[Stage]) -> tuple[int | None, list[str]]:
    """The longest one amendment can take if every stage uses its whole deadline (the model's
    obligations discharged by the stage's events, with a constant ``within``), and a line per
    stage; None when some stage has no deadline in the model (then a plan is in steps)."""
    if not stages:
        return None, ["the questions name no amendment procedure: the plan is in steps, not days"]
    system = resolve(loaded, loaded.default_reading())
    params = dict(system.params)
    total: int | None = 0
    lines = []
    for st in stages:
        days = [int(evaluate(o.within, params)) for o in system.obligations
                if o.within is not None and set(o.discharged_by) & set(st.events)
                and names_in(o.within) <= set(params)]
        if days:
            lines.append(f"{st.says}: within {max(days)} days")
            total = None if total is None else total + max(days)
        else:
            lines.append(f"{st.says}: no deadline in the model")
            total = None
    if total is None:
        lines.append("a stage has no deadline in the model: the plan is in steps, not days")
    return total, lines


# ----------------------------------------------------------------------------- the use case


def self_amendment(loaded: LoadedModel, questions: list[Question], stages: list[Stage], steps: int,
                   readings: list[str]) -> EntrenchmentReport:
    """Every question under every reading asked, with the plan dated where the model allows."""
    started = time.monotonic()
    days, procedure = procedure_days(loaded, stages)
    answers: list[EntrenchmentAnswer] = []
    goals = list(dict.fromkeys(q.provision for q in questions))
    for reading in readings:
        results = search(loaded, goals, reading, steps)
        for q in questions:
            f = results[q.provision]
            plan: tuple[PlanStep, ...] = ()
            if f.plan is not None:
                steps_out = []
                for n, (move, text) in enumerate(f.plan, 1):
                    words, involved = _says(move, text, loaded)
                    steps_out.append(PlanStep(n, words, move.change(), involved,
                                              None if days is None else n * days))
                plan = tuple(steps_out)
            verdict = Verdict.REACHABLE if f.plan is not None else Verdict.HOLDS_TO_BOUND
            want = q.expect.get(reading)
            expected = None if want is None else str(want)
            ok = None if want is None else (str(len(plan)) if plan else "none") == str(want)
            answers.append(EntrenchmentAnswer(q.id, q.provision, q.statement, reading, verdict, steps, plan,
                                              f.closed_after, f.explored, expected, ok))
    return EntrenchmentReport(loaded.constitution.id, tuple(menu_words(menu(loaded))), tuple(procedure), days,
                              tuple(answers), round(time.monotonic() - started, 2))


__all__ = ["DEFAULT_READING", "DEFAULT_STEPS", "MAX_STEPS", "Question", "QuestionsFile", "Stage",
           "default_questions", "load_questions", "menu", "procedure_days", "questions_path", "search",
           "self_amendment"]
