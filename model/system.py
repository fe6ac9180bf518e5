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

from . import cite_ids
from .expr import BOOL, INT, Binary, Call, EnumType, Ite, Node, Scope, Type, Unary, Value, children, evaluate, names_in
from .yamlpos import PathKey

WORLD = "world"
TIME_PASSES = "time_passes"
NOW = "now"
PREPARATION_DEPTH = 2  # how many of its own acts in a row a holder's preparation may take on one day


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
    says: tuple[tuple[str, str], ...] = ()  # an enum's values in words ("the Assembly is sitting")
    says_not: tuple[tuple[str, str], ...] = ()  # words for not having a value ("a bill is pending")

    def value_says(self, value: str, negated: bool = False) -> str:
        """The model's words for one value of this enum, or for not having it ("" when it gives none)."""
        return next((w for v, w in (self.says_not if negated else self.says) if v == value), "")


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
    discharge_when: tuple[tuple[str, Node], ...] = ()  # events that discharge on some arguments only
    prepared_by: tuple[str, ...] = ()  # preparatory acts written in the model, beyond the derived ones

    def discharges_if(self, event_id: str) -> Node | None:
        """The condition on its arguments under which ``event_id`` discharges (None: always)."""
        return next((n for e, n in self.discharge_when if e == event_id), None)


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

    @property
    def preparatory(self) -> MappingProxyType[str, tuple[str, ...]]:
        """Each obligation's candidate preparatory acts: the holder's own events (other than
        its discharges) whose effects assign a variable that a guard clause or a permission of
        a discharging event reads (one level), plus those the model lists in ``prepared_by``; in
        the order of the model's events. A cheap over-approximation: a derived candidate counts
        in a state only if doing it there makes a failing condition of a discharge hold
        (``Interpreter.could_act``, ``Encoding.eager``); a listed one counts whenever allowed."""
        return derived(self, "preparatory", lambda: MappingProxyType(
            {o.id: self._preparatory(o) for o in self.obligations}))

    def _preparatory(self, o: ObligationDef) -> tuple[str, ...]:
        conds = [c for e in o.discharged_by for c in
                 [g.cond for g in self.events[e].guards] + [p.when for p in self.permissions_on(e)]]
        out = []
        for ev in self.events.values():
            if ev.id in o.discharged_by:
                continue
            if ev.id in o.prepared_by or (ev.actor == o.actor and self._helps(ev, conds)):
                out.append(ev.id)
        return tuple(out)

    def _helps(self, ev: EventDef, conds: list[Node]) -> bool:
        """Whether some effect of ``ev`` assigns a variable that one of ``conds`` reads, with a
        value that does not make that condition false outright (a resignation that empties
        the office the discharge needs, a session closing, do not prepare the discharge)."""
        unknown = {v.id for v in self.vars} | {NOW}
        for eff in ev.effects:
            for var, value in eff.assigns:
                for c in conds:
                    if var in names_in(c) and _maybe(c, {var: value}, unknown, self.params) is not False:
                        return True
        return False

    def diligence_events(self, o: ObligationDef) -> tuple[str, ...]:
        """What the holder of ``o`` might do for it: its discharges, then its preparatory acts
        (the static candidates; whether a derived one counts is decided per state)."""
        return o.discharged_by + self.preparatory[o.id]

    def derived_preparatory(self, o: ObligationDef) -> tuple[str, ...]:
        """The candidates judged per state: the derived ones, not those listed in ``prepared_by``."""
        return tuple(e for e in self.preparatory[o.id] if e not in o.prepared_by)

    def discharge_conditions(self, o: ObligationDef) -> tuple[tuple[str, str, Node], ...]:
        """(discharging event, element key, condition) of every guard clause and permission of
        a discharge of ``o``: what a derived preparatory act must move from failing to holding
        to count as diligence in a state (docs/semantics.md, "Which traces are judged")."""
        out = []
        for e in o.discharged_by:
            out += [(e, g.element.key, g.cond) for g in self.events[e].guards]
            out += [(e, p.element.key, p.when) for p in self.permissions_on(e)]
        return tuple(out)

    def actor_name(self, actor: str) -> str:
        return self.actors.get(actor, actor)

    def cites_of(self, element_keys: set[str] | frozenset[str]) -> list[str]:
        """The citations of some elements, in a stable order."""
        out: set[str] = set()
        for k in element_keys:
            out.update(self.elements[k].cites)
        return sorted(out, key=citation_sort_key)


def _maybe(node: Node, fixed: dict[str, Node], unknown: set[str],
           params: MappingProxyType[str, int | bool]) -> Value | None:
    """``node`` with the names in ``fixed`` replaced by those expressions, evaluated as far as
    it can be without the rest of the state (the names in ``unknown``); None when it depends on
    them. ``and``, ``or``, ``not`` and ``if`` decide on what is known (``false and x`` is false).

    >>> from .expr import parse
    >>> state, none = {"open", "count"}, MappingProxyType({})
    >>> _maybe(parse("open and count >= 2"), {"open": parse("false")}, state, none)
    False
    >>> _maybe(parse("open and count >= 2"), {"count": parse("count + 1")}, state, none) is None
    True
    """
    env: dict[str, Value] = dict(params)
    for name, value in fixed.items():
        v = _maybe(value, {}, unknown, params) if not (names_in(value) & (unknown - set(fixed))) else None
        if v is None:
            unknown = unknown | {name}
        else:
            env[name] = v
    unknown = unknown - set(env)

    def walk(n: Node) -> Value | None:
        if isinstance(n, Unary) and n.op == "not":
            x = walk(n.x)
            return None if x is None else not x
        if isinstance(n, Binary) and n.op in ("and", "or"):
            a, b = walk(n.left), walk(n.right)
            stop = n.op == "or"  # the value that decides the operator alone
            if a is stop or b is stop:
                return stop
            return None if a is None or b is None else (not stop)
        if isinstance(n, Ite):
            c = walk(n.cond)
            if c is None:
                return None
            return walk(n.then if c else n.other)
        if names_in(n) & unknown or _calls(n):
            return None
        return evaluate(n, env)

    return walk(node)


def _calls(n: Node) -> bool:
    return isinstance(n, Call) or any(_calls(c) for c in children(n))


def citation_sort_key(cite: str) -> tuple[int, ...]:
    """Order citations as a reader would: by article, paragraph, point (see ``cite_ids``).

    >>> sorted(["art_62__para_3", "art_6", "art_46__point_10", "art_46__point_4"], key=citation_sort_key)
    ['art_6', 'art_46__point_4', 'art_46__point_10', 'art_62__para_3']
    """
    return cite_ids.sort_key(cite)


def human_cite(cite: str) -> str:
    """How a lawyer writes a citation.

    >>> human_cite("art_62__para_3"), human_cite("art_46__point_4"), human_cite("art_55__para_4__point_2")
    ('Art. 62(3)', 'Art. 46 item 4', 'Art. 55(4) item 2')
    """
    return cite_ids.human(cite)


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
