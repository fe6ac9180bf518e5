"""A crosswalk between two models: what corresponds to what, for ``polity compare``.

Two texts number their articles differently, so a comparison cannot match findings by article.
A crosswalk is data written by whoever compares (a file beside the models), saying:

- ``subjects``: the same duty, office, bar or condition in both texts (``obligation:ID``,
  ``office:ID``, ``prohibition:ID``, ``event:ID:guard:N``: elements as ``polity model
  provisions`` names them), with a name a person reads;
- ``provisions``: corresponding provisions of the two texts, shown in the comparison;
- ``questions``: questions asked of both texts, each a property written in each model's own
  vocabulary (the verdicts are compared, not the formulas).

Every id is checked against its model and every formula parsed in its model; a mistake is a
located error in the crosswalk file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from ..model.errors import UserError, shown
from ..model.loader import LoadedModel, resolve
from ..model.schema import Strict
from ..model.source import load_source
from ..model.yamlpos import LoadedFile, load_yaml


class Subject(Strict):
    name: str = Field(description="What both texts are about here, in a lawyer's words.")
    in_: dict[str, str] = Field(alias="in", description="Model id -> element (obligation:ID, office:ID, ...).")


class Correspondence(Strict):
    name: str = Field(description="What the provisions are about.")
    in_: dict[str, list[str]] = Field(alias="in", description="Model id -> provision ids in its text.")


class Question(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    statement: str = Field(description="The question in words, the same for both texts.")
    formula: dict[str, str] = Field(description="Model id -> the property in that model's vocabulary.")


class CrosswalkSpec(Strict):
    polity: Literal[1]
    crosswalk: str = Field(description="A name for this crosswalk.")
    models: tuple[str, str] = Field(description="The two model ids: the text before, the text after.")
    subjects: list[Subject] = Field(default_factory=list)
    provisions: list[Correspondence] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)


@dataclass(frozen=True)
class Crosswalk(LoadedFile[CrosswalkSpec]):
    @property
    def spec(self) -> CrosswalkSpec:
        return self.content

    def counterpart(self, element: str, side: int) -> str:
        """The element of the other model that ``element`` of model ``side`` (0 or 1) corresponds
        to: the crosswalk's subject if it names one, else the same id (two editions of one model
        share ids; an id the other model lacks then matches nothing there)."""
        mine, other = self.spec.models[side], self.spec.models[1 - side]
        for s in self.spec.subjects:
            if s.in_.get(mine) == element and other in s.in_:
                return s.in_[other]
        return element

    def subject_name(self, element: str, side: int) -> str | None:
        mine = self.spec.models[side]
        return next((s.name for s in self.spec.subjects if s.in_.get(mine) == element), None)


def empty_crosswalk(before: str, after: str) -> Crosswalk:
    """No crosswalk file: elements correspond by id, no questions (said in the report)."""
    from ..model.yamlpos import Positions

    spec = CrosswalkSpec(polity=1, crosswalk=f"{before}--{after} (none given)", models=(before, after))
    return Crosswalk(spec, Positions("<no crosswalk>", {}), Path("<no crosswalk>"))


def find_crosswalk(before: LoadedModel, after: LoadedModel) -> Path | None:
    """The crosswalk file for two models, if one lies beside either of them:
    ``<before id>--<after id>.crosswalk.yaml``."""
    name = f"{before.constitution.id}--{after.constitution.id}.crosswalk.yaml"
    for folder in (after.path.parent, before.path.parent):
        if (folder / name).is_file():
            return folder / name
    return None


def load_crosswalk(path: Path, before: LoadedModel, after: LoadedModel, label: str | None = None) -> Crosswalk:
    """Read and check a crosswalk against the two models it relates."""
    from ..model.expr import ExprError
    from ..model.loader import validate
    from .language import parse_property

    data, pos = load_yaml(path, label)
    spec = validate(CrosswalkSpec, data, pos, "a crosswalk",
                    "polity, crosswalk, models, subjects, provisions, questions")
    cw = Crosswalk(spec, pos, path)
    models = {before.constitution.id: before, after.constitution.id: after}
    if tuple(spec.models) != (before.constitution.id, after.constitution.id):
        raise UserError(f"the crosswalk relates {spec.models[0]} and {spec.models[1]}, not "
                        f"{before.constitution.id} and {after.constitution.id}", cw.at(("models",)))
    systems = {mid: resolve(m, m.default_reading()) for mid, m in models.items()}
    for i, s in enumerate(spec.subjects):
        for mid, element in s.in_.items():
            where = cw.at(("subjects", i, "in", mid))
            if mid not in models:
                raise UserError(f"{shown(mid)} is not one of the compared models", where)
            if element not in _element_ids(models[mid]):
                raise UserError(f"model {mid} has no element {shown(element)} (write obligation:ID, "
                                "office:ID, prohibition:ID, event:ID:guard:N, ...)", where)
    texts = {mid: load_source(m.source_path(), m.constitution.source.starts_at) for mid, m in models.items()}
    for i, c in enumerate(spec.provisions):
        for mid, cites in c.in_.items():
            if mid not in models:
                raise UserError(f"{shown(mid)} is not one of the compared models", cw.at(("provisions", i, "in", mid)))
            for j, cite in enumerate(cites):
                if cite not in texts[mid]:
                    raise UserError(f"provision {shown(cite)} does not exist in the text of {mid}",
                                    cw.at(("provisions", i, "in", mid, j)))
    seen: set[str] = set()
    for i, q in enumerate(spec.questions):
        if q.id in seen:
            raise UserError(f"duplicate question id {shown(q.id)}", cw.at(("questions", i, "id")))
        seen.add(q.id)
        for mid in models:
            if mid not in q.formula:
                raise UserError(f"question {q.id} has no formula for model {mid}", cw.at(("questions", i, "formula")))
        for mid, text in q.formula.items():
            where = cw.at(("questions", i, "formula", mid))
            if mid not in models:
                raise UserError(f"{shown(mid)} is not one of the compared models", where)
            try:
                parse_property(text, systems[mid])
            except ExprError as exc:
                raise UserError(f"{exc.message} (in model {mid})", where) from None
    return cw


def _element_ids(loaded: LoadedModel) -> set[str]:
    """Every element a finding can be about or blocked by, under any reading, and the offices."""
    ids = {f"office:{o.id}" for o in loaded.constitution.offices}
    for reading in loaded.reading_variants():
        ids |= set(resolve(loaded, reading).elements)
    return ids
