"""A constitution resolved under one reading: parsed, type-checked, ready to execute or compile.

``System`` is what the engines consume. Every switchable piece of law is an ``Element`` with a
stable key and the citations it encodes, so a proof can name the provisions it relies on and a
report can point at the line of the model file where the element is written.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar, cast

from .expr import BOOL, INT, EnumType, Node, Scope, Type, Value
from .yamlpos import PathKey

WORLD = "world"
TIME_PASSES = "time_passes"
NOW = "now"


@dataclass(frozen=True)
class Element:
    """A switchable piece of law: a guard clause, an effect, a prohibition, a permission..."""

    key: str
    kind: str
    cites: tuple[str, ...]
    path: PathKey
    summary: str = ""


@dataclass(frozen=True)
class VarDef:
    id: str
    type: Type
    lo: int | None
    hi: int | None
    init: Value
    cites: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class ArgDef:
    id: str
    lo: int
    hi: int
    description: str = ""  # how a timeline names it ("deputies who signed the initiative")


@dataclass(frozen=True)
class GuardDef:
    element: Element
    cond: Node


@dataclass(frozen=True)
class EffectDef:
    element: Element
    cond: Node | None
    assigns: tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class EventDef:
    id: str
    actor: str
    says: str
    args: tuple[ArgDef, ...]
    guards: tuple[GuardDef, ...]
    effects: tuple[EffectDef, ...]
    cites: tuple[str, ...]
    path: PathKey


@dataclass(frozen=True)
class ObligationDef:
    element: Element
    id: str
    actor: str
    summary: str
    active: Node
    discharged_by: tuple[str, ...]
    within: Node | None
    since: Node | None


@dataclass(frozen=True)
class ProhibitionDef:
    element: Element
    id: str
    summary: str
    events: tuple[str, ...]
    when: Node


@dataclass(frozen=True)
class PermissionDef:
    element: Element
    id: str
    actor: str
    summary: str
    events: tuple[str, ...]
    when: Node


@dataclass(frozen=True)
class OfficeDef:
    id: str
    name: str
    vacant: Node
    filled_by: tuple[str, ...]
    continuous: bool
    cites: tuple[str, ...]
    path: PathKey


@dataclass(frozen=True)
class System:
    """One constitution under one assignment of readings."""

    id: str
    title: str
    file: str
    reading: MappingProxyType[str, str]
    params: MappingProxyType[str, int | bool]
    vars: tuple[VarDef, ...]
    events: MappingProxyType[str, EventDef]
    actors: MappingProxyType[str, str]
    obligations: tuple[ObligationDef, ...]
    prohibitions: tuple[ProhibitionDef, ...]
    permissions: tuple[PermissionDef, ...]
    offices: tuple[OfficeDef, ...]
    elements: MappingProxyType[str, Element]
    enums: MappingProxyType[str, EnumType]

    @property
    def var_map(self) -> dict[str, VarDef]:
        return {v.id: v for v in self.vars}

    def state_scope(self) -> Scope:
        """Names visible in a condition on a state: parameters, state variables and 'now'."""
        names: dict[str, Type] = {p: (BOOL if isinstance(v, bool) else INT) for p, v in self.params.items()}
        names.update({v.id: v.type for v in self.vars})
        names[NOW] = INT
        enum_values = {val: t for t in self.enums.values() for val in t.values}
        return Scope(names, frozenset(self.params), enum_values)

    def prohibitions_on(self, event_id: str) -> tuple[ProhibitionDef, ...]:
        return tuple(p for p in self.prohibitions if event_id in p.events)

    def permissions_on(self, event_id: str) -> tuple[PermissionDef, ...]:
        return tuple(p for p in self.permissions if event_id in p.events)

    def initial_state(self) -> dict[str, Value]:
        state: dict[str, Value] = {v.id: v.init for v in self.vars}
        state[NOW] = 0
        return state

    def actor_name(self, actor: str) -> str:
        return self.actors.get(actor, actor)

    def cites_of(self, element_keys: set[str] | frozenset[str]) -> list[str]:
        """The citations of some elements, in a stable order."""
        out: set[str] = set()
        for k in element_keys:
            out.update(self.elements[k].cites)
        return sorted(out, key=citation_sort_key)


def citation_sort_key(cite: str) -> tuple[int, ...]:
    """Order citations as a reader would: by article, paragraph, point.

    >>> sorted(["art_62__para_3", "art_6", "art_46__point_10", "art_46__point_4"], key=citation_sort_key)
    ['art_6', 'art_46__point_4', 'art_46__point_10', 'art_62__para_3']
    """
    parts = cite.split("__")
    nums = [int(p.rsplit("_", 1)[1]) for p in parts]
    kinds = [0 if p.startswith("art") else 1 if p.startswith("para") else 2 for p in parts]
    out: list[int] = []
    for k, n in zip(kinds, nums, strict=True):
        out += [k, n]
    return tuple(out)


def human_cite(cite: str) -> str:
    """How a lawyer writes a citation.

    >>> human_cite("art_62__para_3"), human_cite("art_46__point_4"), human_cite("art_55__para_4__point_2")
    ('Art. 62(3)', 'Art. 46 item 4', 'Art. 55(4) item 2')
    """
    parts = cite.split("__")
    text = "Art. " + parts[0].split("_")[1]
    for p in parts[1:]:
        kind, num = p.rsplit("_", 1)
        text += f"({num})" if kind == "para" else f" item {num}"
    return text


T = TypeVar("T")


def derived(system: System, key: Hashable, build: Callable[[], T],
            fresh: Callable[[T], bool] | None = None) -> T:
    """A value computed from ``system`` once and kept with it, so it goes when the System goes:
    the one place for per-System caches (fingerprints, cones, transition templates). The System
    stays frozen and compares by value; the values live in its own ``__dict__``, as
    ``functools.cached_property`` keeps them. An entry that ``fresh`` rejects (a template built
    in another Z3 context) is built again and replaces the old one."""
    store: dict[Hashable, Any] = system.__dict__.setdefault("_derived", {})
    if key in store and (fresh is None or fresh(store[key])):
        return cast(T, store[key])
    value = store[key] = build()
    return value
