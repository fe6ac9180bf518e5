"""Built-in models by name (``--model NAME``): the listing ``data/builtin-models.yaml`` says
which names exist and where each model's file, catalog, suite and model card are, so that no
name of a constitution is written in code. The first entry is the default model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from .errors import UserError, shown
from .schema import Strict
from .yamlpos import load_yaml

DATA = Path(__file__).with_name("data")
LISTING = DATA / "builtin-models.yaml"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # model/, properties/, proofs/, docs/ sit here


class Entry(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="The name --model takes; the model's id.")
    title: str
    model: str = Field(description="The model file, in model/data/.")
    source: str = Field(description="Where the source text comes from, for `polity model list`.")


class Listing(Strict):
    models: list[Entry] = Field(min_length=1)


@dataclass(frozen=True)
class Builtin:
    """One built-in model and the files that go with it."""

    name: str
    title: str
    source: str
    model: Path
    catalog: Path
    suite: Path
    card: Path


@lru_cache(maxsize=1)
def builtins() -> tuple[Builtin, ...]:
    """Every built-in model, the default first."""
    from .loader import validate

    data, pos = load_yaml(LISTING, f"<built-in>/{LISTING.name}")
    listing = validate(Listing, data, pos, "the built-in model listing", "models")
    return tuple(
        Builtin(e.name, e.title, e.source, DATA / e.model,
                PACKAGE_ROOT / "properties" / "data" / f"{e.name}.yaml",
                PACKAGE_ROOT / "proofs" / "suites" / f"{e.name}.yaml",
                PACKAGE_ROOT / "docs" / "models" / f"{e.name}.md")
        for e in listing.models)


def names() -> list[str]:
    return [b.name for b in builtins()]


def is_builtin(name: str) -> bool:
    return name in names()


def builtin(name: str | None = None) -> Builtin:
    """The built-in model called ``name`` (the default when None); an unknown name is a UserError."""
    items = builtins()
    if name is None:
        return items[0]
    for b in items:
        if b.name == name:
            return b
    raise UserError(f"no built-in model named {shown(name)} (built-in: {', '.join(names())})")


def model_path(value: str | Path | None) -> Path | None:
    """What ``--model`` names: a built-in model's file for a built-in name, else the path as given
    (None stays None: the default model)."""
    if value is None:
        return None
    text = str(value)
    if is_builtin(text) and not Path(text).is_file():
        return builtin(text).model
    return Path(value)
