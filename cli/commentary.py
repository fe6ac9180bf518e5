"""A lawyer's commentary on findings, kept beside the findings the tool produces.

``polity find --format markdown --commentary FILE`` writes a walk-through of every finding: the
tool's part (summary, provisions quoted in full, the dated timeline, what it depends on) from the
search itself, and the person's part (a legal reading of why it is or is not a defect of the
text, and a repair a drafter might consider) from this file, matched by the finding's identity
(its kind and the elements behind it, the same on every run). Nothing the tool produces is
written in the file; an entry whose finding no longer appears, or a finding without an entry,
is said, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from ..model.errors import UserError, shown
from ..model.schema import Strict
from ..model.yamlpos import LoadedFile, load_yaml


class Comment(Strict):
    identity: str = Field(description="The finding's identity, as `find --format json` gives it (kind:elements).")
    judgement: Literal["defect", "cascade", "artefact", "intended"] = Field(
        description="defect of the text; a cascade of another defect; an artefact of the model; what the text intends.")
    reading: str = Field(description="Why it is (or is not) a defect of the text, in legal terms.")
    repair: str = Field(default="", description="A repair a drafter might consider.")


class CommentarySpec(Strict):
    polity: Literal[1]
    model: str
    findings: list[Comment] = Field(default_factory=list)


@dataclass(frozen=True)
class Commentary(LoadedFile[CommentarySpec]):
    def by_identity(self) -> dict[str, Comment]:
        return {c.identity: c for c in self.content.findings}


def load_commentary(path: Path, model_id: str) -> Commentary:
    from ..model.loader import validate

    data, pos = load_yaml(path)
    spec = validate(CommentarySpec, data, pos, "a commentary", "polity, model, findings")
    c = Commentary(spec, pos, path)
    if spec.model != model_id:
        raise UserError(f"the commentary is about model {shown(spec.model)}, not {shown(model_id)}", c.at(("model",)))
    seen: set[str] = set()
    for i, entry in enumerate(spec.findings):
        if entry.identity in seen:
            raise UserError(f"two comments on {shown(entry.identity)}", c.at(("findings", i, "identity")))
        seen.add(entry.identity)
    return c
