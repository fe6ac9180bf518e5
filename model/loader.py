"""Load a constitution model file: YAML -> schema -> names and types checked -> ``System``.

Every problem is a UserError located at ``file:line:col`` of the model file, naming the value
that is wrong. The built-in model is named by ``data/default-model``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Location, UserError, clip, shown
from .expr import (
    BOOL,
    INT,
    EnumType,
    ExprError,
    Node,
    Scope,
    Type,
    Value,
    check,
    constant_value,
    evaluate,
    names_in,
    parse,
)
from .paths import data_path
from .schema import Constitution, Discharge, Event, Obligation, StateVar
from .system import (
    NOW,
    TIME_PASSES,
    WORLD,
    ArgDef,
    EffectDef,
    Element,
    EventDef,
    GuardDef,
    ObligationDef,
    OfficeDef,
    PermissionDef,
    ProhibitionDef,
    System,
    VarDef,
)
from .yamlpos import LoadedFile, PathKey, Positions, load_yaml

DATA = Path(__file__).with_name("data")
BUILTIN_MODEL = DATA / (DATA / "default-model").read_text().strip()
RESERVED = {NOW, TIME_PASSES, WORLD, "true", "false"}


class LoadedModel(LoadedFile[Constitution]):
    """A validated model file with the positions of what it says."""

    @property
    def constitution(self) -> Constitution:
        return self.content

    def locate(self, path: PathKey) -> Location:
        return self.at(path)

    def source_path(self) -> Path:
        """The source text, which lies inside the model's folder (``paths.data_path``)."""
        return data_path(self.path.parent, self.constitution.source.file,
                      self.locate(("source", "file")), "source.file").resolve()

    def readings(self) -> list[dict[str, str]]:
        """Every combination of reading options, the default one first."""
        rs = self.constitution.readings
        if not rs:
            return [{}]
        combos = [dict(zip([r.id for r in rs], opts, strict=True))
                  for opts in itertools.product(*[[o.id for o in r.options] for r in rs])]
        default = {r.id: r.default for r in rs}
        combos.sort(key=lambda c: c != default)
        return combos

    def reading_variants(self) -> list[dict[str, str]]:
        """The default reading, then each option of each reading alone, then every combination
        some element asks for: enough to check every element once without the full product."""
        default = self.default_reading()
        out = [default]
        for r in self.constitution.readings:
            for o in r.options:
                variant = {**default, r.id: o.id}
                if variant not in out:
                    out.append(variant)
        for under in _all_unders(self.constitution):
            variant = {**default, **under}
            if variant not in out:
                out.append(variant)
        return out

    def default_reading(self) -> dict[str, str]:
        return {r.id: r.default for r in self.constitution.readings}


def load_model(path: Path | str | None = None) -> LoadedModel:
    """Load and fully check a model file (the built-in model when ``path`` is None)."""
    p = Path(path) if path is not None else BUILTIN_MODEL
    label = str(path) if path is not None else f"<built-in>/{BUILTIN_MODEL.name}"
    data, pos = load_yaml(p, label)
    loaded = from_data(data, pos, p)
    for reading in loaded.reading_variants():
        resolve(loaded, reading)  # type-check every element once, so errors show at load time
    return loaded


def from_data(data: Any, pos: Positions, path: Path) -> LoadedModel:
    constitution = validate(Constitution, data, pos, "a model file", "polity, id, title, ...")
    loaded = LoadedModel(constitution, pos, path)
    loaded.source_path()  # a bad source.file is an error of the model, found when it loads
    return loaded


S = TypeVar("S", bound=BaseModel)


def validate(schema: type[S], data: Any, pos: Positions, what: str, keys: str) -> S:
    """Validate YAML data against a pydantic schema; every problem is one located UserError.

    Shared by every data file Polity reads (models, catalogs, suites, amendments, queries)."""
    if not isinstance(data, dict):
        raise UserError(f"{what} must be a mapping with keys {keys}", pos.locate(()))
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise schema_error(exc, pos, data) from None


def schema_error(exc: ValidationError, pos: Positions, data: Any) -> UserError:
    """The first pydantic error as one located line showing the offending value."""
    err = exc.errors()[0]
    loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
    clean: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and part in ("str", "int", "bool", "tuple", "list"):
            continue  # union branch markers
        clean.append(part)
    where = ".".join(str(p) for p in clean) or "(top)"
    msg = err["msg"]
    if err["type"] == "missing":
        parent = clip(".".join(map(str, clean[:-1])), 80) or "the file"
        return UserError(f"missing field {shown(clean[-1])} in {parent}", pos.locate(tuple(clean[:-1])))
    if err["type"] == "extra_forbidden":
        return UserError(f"unknown field {shown(clean[-1])}", pos.locate(tuple(clean)))
    value = _lookup(data, clean)
    got = f" (got {shown(value)})" if value is not None and not isinstance(value, dict | list) else ""
    return UserError(f"{clip(where, 80)}: {clip(msg, 120)}{got}", pos.locate(tuple(clean)))


def _lookup(data: Any, path: list[str | int]) -> Any:
    cur = data
    for p in path:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


class _Resolver:
    """Builds a System from a validated Constitution under one reading."""

    def __init__(self, loaded: LoadedModel, reading: dict[str, str]) -> None:
        self.loaded = loaded
        self.c = loaded.constitution
        self.reading = reading
        self.elements: dict[str, Element] = {}

    def fail(self, msg: str, path: PathKey) -> UserError:
        return UserError(msg, self.loaded.locate(path))

    def applies(self, under: dict[str, str]) -> bool:
        return all(self.reading.get(k) == v for k, v in under.items())

    def expr(self, text: Any, path: PathKey, scope: Scope, want: Type | None) -> Node:
        try:
            node = parse(str(text))
            check(node, scope, want)
        except ExprError as exc:
            loc = self.loaded.locate(path)
            col = loc.col + (exc.expr_col - 1 if exc.expr_line == 1 else 0)
            raise UserError(exc.message, Location(loc.file, loc.line + exc.expr_line - 1, col)) from None
        return node

    def const(self, text: Any, path: PathKey, scope: Scope, params: dict[str, Any],
              want: Type | None = INT) -> Value:
        node = self.expr(text, path, scope, want)
        try:
            return evaluate(node, params)
        except (KeyError, ZeroDivisionError, ValueError) as exc:
            raise self.fail(f"cannot compute {shown(text)}: {exc}", path) from None

    def element(self, key: str, kind: str, cites: list[str], path: PathKey, summary: str = "") -> Element:
        e = Element(key, kind, tuple(cites), path, summary)
        self.elements[key] = e
        return e

    def run(self) -> System:
        """Resolve every kind of element in declaration order, so the first error a file
        has is the one reported (names are claimed in that order too)."""
        self.check_readings()
        self.seen: dict[str, PathKey] = {}
        self.resolve_parameters()
        self.resolve_actors()
        self.resolve_enums()
        self.resolve_vars()
        self.resolve_events()
        obligations = self.resolve_obligations()
        prohibitions = self.resolve_prohibitions()
        permissions = self.resolve_permissions()
        offices = self.resolve_offices()
        self.check_entrenched()
        return System(
            id=self.c.id, title=self.c.title, file=self.loaded.file,
            reading=MappingProxyType(dict(self.reading)), params=MappingProxyType(self.params),
            vars=tuple(self.vars), events=MappingProxyType(self.events),
            actors=MappingProxyType(self.actors),
            obligations=tuple(obligations), prohibitions=tuple(prohibitions),
            permissions=tuple(permissions), offices=tuple(offices),
            elements=MappingProxyType(dict(self.elements)), enums=MappingProxyType(self.enums),
        )

    def claim(self, name: str, path: PathKey) -> None:
        """One name space for every declared id (parameters, actors, values, variables, ...)."""
        if name in RESERVED:
            raise self.fail(f"{shown(name)} is reserved and cannot be declared", path)
        if name in self.seen:
            raise self.fail(f"duplicate name {shown(name)} (already declared)", path)
        self.seen[name] = path

    def resolve_parameters(self) -> None:
        """Parameters, in order; each may use the earlier ones."""
        params: dict[str, int | bool] = {}
        for i, p in enumerate(self.c.parameters):
            path = ("parameters", i, "value")
            self.claim(p.id, ("parameters", i, "id"))
            scope = Scope({k: (BOOL if isinstance(v, bool) else INT) for k, v in params.items()},
                          frozenset(params), values=dict(params))
            value = self.const(p.value, path, scope, params, None)
            assert isinstance(value, bool | int)
            params[p.id] = value
        self.params = params

    def resolve_actors(self) -> None:
        self.actors = {WORLD: "the world"}
        for i, a in enumerate(self.c.actors):
            self.claim(a.id, ("actors", i, "id"))
            self.actors[a.id] = a.name

    def resolve_enums(self) -> None:
        """The enum types of state variables; their values share the name space, and constant
        expressions (ranges, initial values) may use them."""
        params = self.params
        self.enums: dict[str, EnumType] = {}
        for i, v in enumerate(self.c.state):
            if v.type == "enum":
                if len(v.values) < 2:
                    raise self.fail(f"enum {shown(v.id)} needs at least two values", ("state", i, "values"))
                for val in v.values:
                    self.claim(val, ("state", i, "values"))
                self.enums[v.id] = EnumType(v.id, tuple(v.values))
        self.enum_values = {val: t for t in self.enums.values() for val in t.values}
        self.const_scope = Scope({k: (BOOL if isinstance(v, bool) else INT) for k, v in params.items()},
                                 frozenset(params), self.enum_values, values=dict(params))

    def resolve_vars(self) -> None:
        """State variables (never under a reading), then the scope guards and effects read."""
        params, const_scope = self.params, self.const_scope
        vars_: list[VarDef] = []
        for i, v in enumerate(self.c.state):
            self.claim(v.id, ("state", i, "id"))
            if not self.applies(v.under):
                raise self.fail("state variables cannot depend on a reading", ("state", i, "under"))
            t: Type = self.enums[v.id] if v.type == "enum" else (BOOL if v.type == "bool" else INT)
            lo = hi = None
            if v.type == "int":
                if v.range is None:
                    raise self.fail(f"int variable {shown(v.id)} needs a range [lo, hi]", ("state", i))
                lo = int(self.const(v.range[0], ("state", i, "range", 0), const_scope, params))
                hi = int(self.const(v.range[1], ("state", i, "range", 1), const_scope, params))
                if lo > hi:
                    raise self.fail(f"empty range [{lo}, {hi}] for {shown(v.id)}", ("state", i, "range"))
            elif v.range is not None:
                raise self.fail(f"only int variables take a range ({shown(v.id)} is {v.type})", ("state", i, "range"))
            init = self.const(v.init, ("state", i, "init"), const_scope, params, t)
            if lo is not None and hi is not None and not (lo <= int(init) <= hi):
                raise self.fail(f"initial value {init} of {shown(v.id)} is outside [{lo}, {hi}]", ("state", i, "init"))
            vars_.append(VarDef(v.id, t, lo, hi, init, tuple(v.cites), v.description,
                                self.value_says(v, i, "says"), self.value_says(v, i, "says_not")))
        self.vars = vars_
        self.var_types = {v.id: v.type for v in vars_}
        state_names: dict[str, Type] = {k: (BOOL if isinstance(p, bool) else INT) for k, p in params.items()}
        state_names.update(self.var_types)
        state_names[NOW] = INT
        self.state_scope = Scope(state_names, frozenset(params), self.enum_values, values=dict(params))

    def value_says(self, v: StateVar, i: int, field: str) -> tuple[tuple[str, str], ...]:
        """An enum's words for its values (``says`` or ``says_not``): each key one of its
        values, each text some words."""
        said: dict[str, str] = getattr(v, field)
        if said and v.type != "enum":
            raise self.fail(f"only enum variables take {shown(field)} ({shown(v.id)} is {v.type})", ("state", i, field))
        for value, words in said.items():
            if value not in v.values:
                raise self.fail(f"{shown(value)} is not a value of {shown(v.id)} (its values: "
                                f"{', '.join(v.values)})", ("state", i, field, value))
            if not words.strip():
                raise self.fail(f"no words for {shown(value)} of {shown(v.id)}", ("state", i, field, value))
        return tuple((value, said[value]) for value in v.values if value in said)

    def resolve_events(self) -> None:
        """Events under this reading (every declared one is checked), and the time-passes step."""
        self.events: dict[str, EventDef] = {}
        for i, ev in enumerate(self.c.events):
            self.claim(ev.id, ("events", i, "id"))
            if ev.actor not in self.actors:
                raise self.fail(f"unknown actor {shown(ev.actor)} (declare it under actors)", ("events", i, "actor"))
            if not self.applies(ev.under):
                continue
            self.events[ev.id] = self.event(ev, i)
        self.events[TIME_PASSES] = EventDef(TIME_PASSES, WORLD, "time passes", (), (), (), (), ())

    def known_events(self, ids: list[str], path: PathKey) -> tuple[str, ...]:
        """The listed events that exist under this reading; each must be declared in the file."""
        declared = {e.id for e in self.c.events}
        for j, e in enumerate(ids):
            if e not in declared:
                raise self.fail(f"unknown event {shown(e)}", (*path, j))
        return tuple(e for e in ids if e in self.events)

    def resolve_obligations(self) -> list[ObligationDef]:
        state_scope = self.state_scope
        obligations = []
        for i, o in enumerate(self.c.obligations):
            self.claim(o.id, ("obligations", i, "id"))
            base: PathKey = ("obligations", i)
            if o.actor not in self.actors:
                raise self.fail(f"unknown actor {shown(o.actor)}", (*base, "actor"))
            discharge, discharge_when = self.discharges(o, base, self.events, state_scope)
            prepared = self.known_events(o.prepared_by, (*base, "prepared_by"))
            if (o.within is None) != (o.since is None):
                raise self.fail("'within' and 'since' go together", base)
            if not self.applies(o.under):
                continue
            el = self.element(f"obligation:{o.id}", "obligation", o.cites, base, o.summary)
            within = None if o.within is None else self.expr(o.within, (*base, "within"), state_scope, INT)
            if within is not None and isinstance(days := constant_value(within, state_scope), int) and days < 0:
                raise self.fail(f"'within' must not be negative (got {days} days)", (*base, "within"))
            obligations.append(ObligationDef(
                el, o.id, o.actor, o.summary,
                self.expr(o.active_when, (*base, "active_when"), state_scope, BOOL),
                discharge,
                within,
                None if o.since is None else self.expr(o.since, (*base, "since"), state_scope, INT),
                discharge_when, prepared,
            ))
        return obligations

    def resolve_prohibitions(self) -> list[ProhibitionDef]:
        prohibitions = []
        for i, ph in enumerate(self.c.prohibitions):
            self.claim(ph.id, ("prohibitions", i, "id"))
            base: PathKey = ("prohibitions", i)
            targets = self.known_events(ph.events, (*base, "events"))
            if not self.applies(ph.under):
                continue
            el = self.element(f"prohibition:{ph.id}", "prohibition", ph.cites, base, ph.summary)
            prohibitions.append(ProhibitionDef(
                el, ph.id, ph.summary, targets, self.arg_condition(ph.when, (*base, "when"), targets,
                                                                   self.events, self.state_scope)))
        return prohibitions

    def resolve_permissions(self) -> list[PermissionDef]:
        permissions = []
        for i, pm in enumerate(self.c.permissions):
            self.claim(pm.id, ("permissions", i, "id"))
            base: PathKey = ("permissions", i)
            if pm.actor not in self.actors:
                raise self.fail(f"unknown actor {shown(pm.actor)}", (*base, "actor"))
            targets = self.known_events(pm.events, (*base, "events"))
            if not self.applies(pm.under):
                continue
            el = self.element(f"permission:{pm.id}", "permission", pm.cites, base, pm.summary)
            permissions.append(PermissionDef(
                el, pm.id, pm.actor, pm.summary, targets,
                self.arg_condition(pm.when, (*base, "when"), targets, self.events, self.state_scope)))
        return permissions

    def resolve_offices(self) -> list[OfficeDef]:
        offices = []
        for i, of in enumerate(self.c.offices):
            self.claim(of.id, ("offices", i, "id"))
            base: PathKey = ("offices", i)
            fills = self.known_events(of.filled_by, (*base, "filled_by"))
            if not self.applies(of.under):
                continue
            offices.append(OfficeDef(
                of.id, of.name, self.expr(of.vacant_when, (*base, "vacant_when"), self.state_scope, BOOL),
                fills, of.continuous, tuple(of.cites), base))
        return offices

    def check_entrenched(self) -> None:
        """Every entrenched provision is cited somewhere (itself, a part of it or a whole of it)."""
        cites = self.all_cites()
        for i, en in enumerate(self.c.entrenched):
            if not any(en.id == x or x.startswith(en.id + "__") or en.id.startswith(x + "__")
                       for x in cites):
                raise self.fail(f"entrenched provision {en.id} is not cited anywhere in the model",
                                ("entrenched", i, "id"))

    def discharges(self, o: Obligation, base: PathKey, events: dict[str, EventDef], scope: Scope
                   ) -> tuple[tuple[str, ...], tuple[tuple[str, Node], ...]]:
        """An obligation's discharging events (those under this reading) and, for entries
        written ``{event, when}``, the condition on the event's arguments and the old state."""
        declared = {e.id for e in self.c.events}
        ids: list[str] = []
        conditions: list[tuple[str, Node]] = []
        for j, entry in enumerate(o.discharged_by):
            eid = entry if isinstance(entry, str) else entry.event
            where: PathKey = (*base, "discharged_by", j) + (() if isinstance(entry, str) else ("event",))
            if eid not in declared:
                raise self.fail(f"unknown event {shown(eid)}", where)
            if eid in ids:
                raise self.fail(f"event {shown(eid)} is listed twice", where)
            if eid not in events:
                continue
            ids.append(eid)
            if isinstance(entry, Discharge):
                own = scope.with_names({a.id: INT for a in events[eid].args})
                conditions.append((eid, self.expr(entry.when, (*base, "discharged_by", j, "when"), own, BOOL)))
        return tuple(ids), tuple(conditions)

    def arg_condition(self, text: Any, path: PathKey, targets: tuple[str, ...],
                      events: dict[str, EventDef], scope: Scope) -> Node:
        """A prohibition's or permission's condition: over the state and the arguments of the
        events it lists; an argument it reads must be declared by every one of them."""
        args = {a.id for e in targets for a in events[e].args}
        node = self.expr(text, path, scope.with_names({a: INT for a in args}), BOOL)
        for name in sorted(names_in(node) & args):
            lacking = [e for e in targets if name not in {a.id for a in events[e].args}]
            if lacking:
                raise self.fail(f"the condition reads the argument {shown(name)}, which event "
                                f"{shown(lacking[0])} does not take", path)
        return node

    def all_cites(self) -> set[str]:
        out: set[str] = set()
        c = self.c
        for group in (c.state, c.events, c.obligations, c.prohibitions, c.permissions, c.offices):
            for x in group:
                out.update(x.cites)
        for ev in c.events:
            for g in ev.guard:
                out.update(g.cites)
            for e in ev.effects:
                out.update(e.cites)
        for p in c.parameters:
            out.update(p.cites)
        for r in c.readings:
            out.update(r.cites)
        return out

    def event(self, ev: Event, i: int) -> EventDef:
        state_scope, const_scope, params, var_types = (self.state_scope, self.const_scope,
                                                       self.params, self.var_types)
        base: PathKey = ("events", i)
        args = []
        arg_names: set[str] = set()
        for j, a in enumerate(ev.args):
            if a.id in state_scope.names or a.id in state_scope.enum_values or a.id in RESERVED:
                raise self.fail(f"argument {shown(a.id)} shadows a declared name", (*base, "args", j, "id"))
            if a.id in arg_names:
                raise self.fail(f"duplicate argument {shown(a.id)}", (*base, "args", j, "id"))
            arg_names.add(a.id)
            lo = int(self.const(a.range[0], (*base, "args", j, "range", 0), const_scope, params))
            hi = int(self.const(a.range[1], (*base, "args", j, "range", 1), const_scope, params))
            if lo > hi:
                raise self.fail(f"empty range [{lo}, {hi}]", (*base, "args", j, "range"))
            args.append(ArgDef(a.id, lo, hi, a.description))
        scope = state_scope.with_names({a.id: INT for a in args})
        guards = []
        for j, g in enumerate(ev.guard):
            if not self.applies(g.under):
                continue
            el = self.element(f"event:{ev.id}:guard:{j}", "guard", g.cites, (*base, "guard", j),
                              str(g.when))
            guards.append(GuardDef(el, self.expr(g.when, (*base, "guard", j, "when"), scope, BOOL)))
        effects = []
        assigned_unconditionally: set[str] = set()
        assigned: set[str] = set()
        for j, e in enumerate(ev.effects):
            epath: PathKey = (*base, "effects", j)
            cond = None if e.if_ is None else self.expr(e.if_, (*epath, "if"), scope, BOOL)
            assigns = []
            for var, value in e.set.items():
                if var not in var_types:
                    raise self.fail(f"unknown state variable {shown(var)} in effect", (*epath, "set", var))
                assigns.append((var, self.expr(value, (*epath, "set", var), scope, var_types[var])))
            if not self.applies(e.under):
                continue  # checked above, but not part of this reading
            for var, _ in assigns:
                if var in assigned_unconditionally or (cond is None and var in assigned):
                    raise self.fail(f"{shown(var)} is assigned twice by event {shown(ev.id)}; make the effects "
                                    "conditional ('if') so they exclude each other", (*epath, "set", var))
            for var, _ in assigns:
                assigned.add(var)
                if cond is None:
                    assigned_unconditionally.add(var)
            el = self.element(f"event:{ev.id}:effect:{j}", "effect", e.cites, epath,
                              ", ".join(f"{k} := {v}" for k, v in e.set.items()))
            effects.append(EffectDef(el, cond, tuple(assigns)))
        return EventDef(ev.id, ev.actor, ev.says, tuple(args), tuple(guards), tuple(effects),
                        tuple(ev.cites), base)

    def check_readings(self) -> None:
        readings = {r.id: r for r in self.c.readings}
        for i, r in enumerate(self.c.readings):
            if r.default not in {o.id for o in r.options}:
                raise self.fail(f"default {shown(r.default)} is not an option of reading {shown(r.id)}",
                                ("readings", i, "default"))
        for path, under in self.unders():
            for k, v in under.items():
                if k not in readings:
                    raise self.fail(f"unknown reading {shown(k)}", (*path, "under", k))
                if v not in {o.id for o in readings[k].options}:
                    raise self.fail(f"{shown(v)} is not an option of reading {shown(k)}", (*path, "under", k))

    def unders(self) -> Iterator[tuple[PathKey, dict[str, str]]]:
        c = self.c
        for name in ("state", "events", "obligations", "prohibitions", "permissions", "offices"):
            for i, x in enumerate(getattr(c, name)):
                yield (name, i), x.under
        for i, ev in enumerate(c.events):
            for j, g in enumerate(ev.guard):
                yield ("events", i, "guard", j), g.under
            for j, e in enumerate(ev.effects):
                yield ("events", i, "effects", j), e.under


def _all_unders(c: Constitution) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    groups = (c.state, c.events, c.obligations, c.prohibitions, c.permissions, c.offices)
    items: list[Any] = [x for g in groups for x in g]
    items += [g for ev in c.events for g in ev.guard] + [e for ev in c.events for e in ev.effects]
    for x in items:
        if x.under and x.under not in out:
            out.append(dict(x.under))
    return out


def resolve(loaded: LoadedModel, reading: dict[str, str] | None = None) -> System:
    """The System of ``loaded`` under ``reading`` (the default reading when None)."""
    r = loaded.default_reading() if reading is None else reading
    known = {x.id: {o.id for o in x.options} for x in loaded.constitution.readings}
    for k, v in r.items():
        if k not in known or v not in known[k]:
            raise UserError(f"unknown reading {k}={v}", Location(loaded.file))
    return _Resolver(loaded, {**loaded.default_reading(), **r}).run()
