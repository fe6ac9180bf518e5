"""The schema of a constitution model file (YAML), as pydantic models.

A model is a timed transition system written as data: parameters, actors, state variables,
events (guard clauses and effects), obligations with deadlines, prohibitions, permissions,
offices, named readings of ambiguous clauses and entrenched provisions. Every element that
constrains behaviour carries ``cites``: the provisions it comes from, as Akoma Ntoso style ids
(``art_62__para_3``, ``art_46__point_4``). Expressions are strings in the language of
``expr.lark``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .cite_ids import CITATION_RE as CITATION_RE
from .cite_ids import EXAMPLES, is_citation

ID_RE = r"^[a-z][a-z0-9_]*$"

Expr = str | int | bool


def _expr_text(v: object) -> object:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return v


def _range_text(v: object) -> object:
    """A range written as two numbers or expressions: each as expression text."""
    if isinstance(v, list | tuple):
        return tuple(_expr_text(x) for x in v)
    return v


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Cites = list[str]


def _check_cites(v: list[str]) -> list[str]:
    for c in v:
        if not is_citation(c):
            raise ValueError(f"{c!r} is not a citation id (expected e.g. {EXAMPLES})")
    return v


class Cited(Strict):
    """An element that comes from provisions of the text."""

    cites: Cites = Field(min_length=1, description="Provisions this element encodes, e.g. art_62__para_3.")
    under: dict[str, str] = Field(
        default_factory=dict,
        description="Applies only under these readings: {reading id: option id}.",
    )

    _c = field_validator("cites")(_check_cites)


class Source(Strict):
    file: str = Field(description="The text of the constitution, relative to the model file.")
    starts_at: str = Field(default="", description="A line where the constitution itself begins.")


class Parameter(Strict):
    id: str = Field(pattern=ID_RE, description="Name used in expressions.")
    value: Expr = Field(description="A number, or a constant expression over earlier parameters.")
    description: str = ""
    cites: Cites = Field(default_factory=list, description="Provisions that fix this number.")

    _v = field_validator("value", mode="before")(_expr_text)

    _c = field_validator("cites")(_check_cites)


class Actor(Strict):
    id: str = Field(pattern=ID_RE)
    name: str = Field(description="How a person reads it in a timeline: 'the President'.")


class StateVar(Cited):
    id: str = Field(pattern=ID_RE)
    type: Literal["bool", "int", "day", "enum"] = Field(
        description="bool, int (bounded by range), day (a date as an integer day) or enum."
    )
    values: list[str] = Field(default_factory=list, description="The values of an enum.")
    range: tuple[Expr, Expr] | None = Field(default=None, description="Inclusive bounds of an int.")
    init: Expr = Field(description="Initial value (a constant expression).")
    description: str = ""
    says: dict[str, str] = Field(
        default_factory=dict,
        description="An enum's values in words, each as a statement that the variable has it: "
                    "{value: 'the Assembly is sitting'}; findings say conditions on it so.")
    says_not: dict[str, str] = Field(
        default_factory=dict,
        description="Words for the variable not having a value, where 'not: ' + its 'says' reads "
                    "badly: {no_bill: 'a bill is before the Assembly'}.")

    _i = field_validator("init", mode="before")(_expr_text)

    _r = field_validator("range", mode="before")(_range_text)


class Arg(Strict):
    id: str = Field(pattern=ID_RE)
    range: tuple[Expr, Expr] = Field(description="Inclusive bounds of this integer argument.")
    description: str = ""

    _r = field_validator("range", mode="before")(_range_text)


class Clause(Cited):
    """One condition of an event, from one provision."""

    when: Expr = Field(description="A boolean expression over state, arguments and 'now'.")

    _w = field_validator("when", mode="before")(_expr_text)


class Effect(Cited):
    """Simultaneous assignments, optionally conditional."""

    set: dict[str, Expr] = Field(description="State variable -> new value (over the old state).")
    if_: Expr | None = Field(default=None, alias="if", description="Apply only when this holds.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("set", mode="before")
    @classmethod
    def _set_text(cls, v: object) -> object:
        if isinstance(v, dict):
            return {k: _expr_text(x) for k, x in v.items()}
        return v

    _f = field_validator("if_", mode="before")(_expr_text)


class Event(Cited):
    id: str = Field(pattern=ID_RE)
    actor: str = Field(description="An actor id; 'world' events are facts (death, aggression).")
    says: str = Field(description="Timeline phrase, e.g. 'the President dissolves the Assembly'.")
    args: list[Arg] = Field(default_factory=list, description="Integer arguments (e.g. votes).")
    guard: list[Clause] = Field(default_factory=list)
    effects: list[Effect] = Field(default_factory=list)


class Discharge(Strict):
    """A discharging event restricted to some of its arguments ('the vote, if it passes')."""

    event: str = Field(description="The discharging event.")
    when: Expr = Field(description="Which steps of it discharge: an expression over the event's "
                                   "arguments and the old state.")

    _w = field_validator("when", mode="before")(_expr_text)


class Obligation(Cited):
    """'shall': while ``active_when`` holds, ``actor`` must do one of ``discharged_by``."""

    id: str = Field(pattern=ID_RE)
    actor: str
    summary: str
    active_when: Expr
    discharged_by: list[str | Discharge] = Field(
        min_length=1, description="Events that discharge the duty, whatever their arguments; "
                                  "or {event, when} to discharge only on some arguments.")
    prepared_by: list[str] = Field(
        default_factory=list, description="The holder's own acts that prepare a discharge, beyond "
                                          "those derived from the model (see docs/semantics.md).")
    within: Expr | None = Field(default=None, description="Days allowed, counted from 'since'.")
    since: Expr | None = Field(default=None, description="Day the obligation arose (a state expression).")

    _a = field_validator("active_when", "within", "since", mode="before")(_expr_text)


class Prohibition(Cited):
    """'may not': the listed events are forbidden while ``when`` holds."""

    id: str = Field(pattern=ID_RE)
    summary: str
    events: list[str] = Field(min_length=1)
    when: Expr

    _w = field_validator("when", mode="before")(_expr_text)


class Permission(Cited):
    """'has the right': the actor may do the events, on the condition ``when``."""

    id: str = Field(pattern=ID_RE)
    actor: str
    summary: str
    events: list[str] = Field(min_length=1)
    when: Expr = "true"

    _w = field_validator("when", mode="before")(_expr_text)


class Office(Cited):
    """An office or power; ``continuous`` ones must always be held or exercised by someone."""

    id: str = Field(pattern=ID_RE)
    name: str
    vacant_when: Expr
    filled_by: list[str] = Field(default_factory=list, description="Events that fill it.")
    continuous: bool = Field(default=False, description="A vacancy is a gap when nobody can fill it.")

    _v = field_validator("vacant_when", mode="before")(_expr_text)


class ReadingOption(Strict):
    id: str = Field(pattern=ID_RE)
    says: str


class Reading(Strict):
    """A clause with more than one honest meaning; verdicts are given per option."""

    id: str = Field(pattern=ID_RE)
    cites: Cites = Field(min_length=1)
    question: str
    options: list[ReadingOption] = Field(min_length=2)
    default: str

    _c = field_validator("cites")(_check_cites)


class Entrenched(Strict):
    id: str = Field(description="The provision that may not be changed.")
    by: Cites = Field(min_length=1, description="The provisions that entrench it.")

    @field_validator("id")
    @classmethod
    def _id_ok(cls, v: str) -> str:
        return _check_cites([v])[0]


class Constitution(Strict):
    """A constitution model file."""

    polity: Literal[1] = Field(description="Format version of this file.")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    source: Source
    parameters: list[Parameter] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    state: list[StateVar] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    obligations: list[Obligation] = Field(default_factory=list)
    prohibitions: list[Prohibition] = Field(default_factory=list)
    permissions: list[Permission] = Field(default_factory=list)
    offices: list[Office] = Field(default_factory=list)
    readings: list[Reading] = Field(default_factory=list)
    entrenched: list[Entrenched] = Field(default_factory=list)
