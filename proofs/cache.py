"""Results kept across models and runs, by a hash of what they can depend on.

A property's verdict depends only on the names its formula mentions, closed under "an event
that assigns a variable of the cone brings in its guards, effects, permissions and
prohibitions" (and obligations, offices mentioned): its cone of influence. The canonical JSON
of those elements, the parameters they use, the bound, the timeout and the reading is hashed;
a result whose hash is unchanged is reused (a reused trace is replayed first). Results live in
a ``ResultCache``: in memory for one run, and optionally on disk (``.polity-cache/``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..model.expr import Node, names_in
from ..model.loader import LoadedModel
from ..model.system import System
from ..properties.language import Property
from .reuse import shape

CACHE_VERSION = 2  # 2: proofs record their unsat core ("core"), find answers theirs


class ResultCache:
    """Results by cone hash: a dict, mirrored to ``directory`` (one JSON file per key) if given."""

    def __init__(self, directory: Path | None = None) -> None:
        self.memory: dict[str, Any] = {}
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any | None:
        if key in self.memory:
            self.hits += 1
            return self.memory[key]
        if self.directory is not None:
            f = self.directory / key[:2] / f"{key}.json"
            if f.exists():
                try:
                    value = json.loads(f.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    value = None
                if value is not None:
                    self.memory[key] = value
                    self.hits += 1
                    return value
        self.misses += 1
        return None

    def put(self, key: str, value: Any) -> None:
        self.memory[key] = value
        if self.directory is not None:
            f = self.directory / key[:2] / f"{key}.json"
            try:
                f.parent.mkdir(parents=True, exist_ok=True)
                tmp = f.with_suffix(".tmp")
                tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
                tmp.replace(f)
            except OSError:
                pass  # a read-only checkout still works, just without the disk cache

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}


# ----------------------------------------------------------------------------- cones


def node_key(node: Node | None) -> Any:
    """A canonical, position-free rendering of an expression."""
    return None if node is None else shape(node)


class Cones:
    """Cones of influence in one model under one reading."""

    def __init__(self, loaded: LoadedModel, system: System) -> None:
        self.system = system
        data = loaded.constitution.model_dump(mode="json", by_alias=True)
        self.dump: dict[str, dict[str, Any]] = {}
        for section in ("state", "events", "obligations", "prohibitions", "permissions", "offices"):
            for x in data.get(section, []):
                self.dump[f"{section}:{x['id']}"] = x
        self.refs = _references(system)
        self._closures: dict[tuple[frozenset[str], bool], dict[str, frozenset[str]]] = {}
        self._law: dict[tuple[frozenset[str], ...], str] = {}

    def closure(self, names: set[str], eager: bool) -> dict[str, frozenset[str]]:
        """The elements a query over ``names`` can depend on, by kind."""
        memo = (frozenset(names), eager)
        if memo in self._closures:
            return self._closures[memo]
        s = self.system
        todo = set(names) | ({o.id for o in s.obligations} if eager else set())
        seen: set[str] = set()
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo |= self.refs.get(n, set()) - seen
        kinds = {"events": set(s.events), "obligations": {o.id for o in s.obligations},
                 "offices": {o.id for o in s.offices}, "state": {v.id for v in s.vars},
                 "params": set(s.params)}
        cone = {kind: frozenset(seen & members) for kind, members in kinds.items()}
        self._closures[memo] = cone
        return cone

    def key(self, names: set[str], eager: bool, extra: dict[str, Any]) -> str:
        """The hash of everything a query over ``names`` can depend on."""
        cone = self.closure(names, eager)
        law = self._law_text(cone)
        text = law + json.dumps(extra, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def _law_text(self, cone: dict[str, frozenset[str]]) -> str:
        memo = tuple(cone[k] for k in sorted(cone))
        if memo in self._law:
            return self._law[memo]
        s = self.system
        on_events = cone["events"]
        canon = {
            "v": CACHE_VERSION,
            "events": [self.dump.get(f"events:{e}", {"id": e}) for e in sorted(on_events)],
            "prohibitions": [self.dump[f"prohibitions:{p.id}"] for p in sorted(
                s.prohibitions, key=lambda p: p.id) if set(p.events) & on_events],
            "permissions": [self.dump[f"permissions:{p.id}"] for p in sorted(
                s.permissions, key=lambda p: p.id) if set(p.events) & on_events],
            "obligations": [self.dump[f"obligations:{o}"] for o in sorted(cone["obligations"])],
            "offices": [self.dump[f"offices:{o}"] for o in sorted(cone["offices"])],
            "state": [self.dump[f"state:{v}"] for v in sorted(cone["state"])],
            "params": {p: s.params[p] for p in sorted(cone["params"])},
            "reading": dict(sorted(s.reading.items())),
        }
        text = json.dumps(canon, sort_keys=True, separators=(",", ":"))
        self._law[memo] = text
        return text


def _references(s: System) -> dict[str, set[str]]:
    """What each name brings into a cone: a variable its assigning events; an event the names
    in its guards, effects, permissions and prohibitions; an obligation its conditions and
    discharging events; an office its vacancy condition and the events that fill it."""
    refs: dict[str, set[str]] = {}
    for e in s.events.values():
        mine = refs.setdefault(e.id, set())
        for g in e.guards:
            mine |= names_in(g.cond)
        for eff in e.effects:
            if eff.cond is not None:
                mine |= names_in(eff.cond)
            for var, value in eff.assigns:
                mine |= names_in(value)
                refs.setdefault(var, set()).add(e.id)
        for pm in s.permissions_on(e.id):
            mine |= names_in(pm.when)
        for ph in s.prohibitions_on(e.id):
            mine |= names_in(ph.when)
    for o in s.obligations:
        mine = refs.setdefault(o.id, set(o.discharged_by))
        for x in (o.active, o.within, o.since):
            if x is not None:
                mine |= names_in(x)
    for office in s.offices:
        refs.setdefault(office.id, set()).update(names_in(office.vacant), office.filled_by)
    return refs


def property_names(prop: Property) -> set[str]:
    out: set[str] = set()
    for n in (prop.target, prop.response, prop.within):
        if n is not None:
            out |= names_in(n)
    return out

