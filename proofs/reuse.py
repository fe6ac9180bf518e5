"""Which proofs survive a change to the model: the argument from the unsat core.

A proof is re-checked on a switchable encoding (compiler.py): every element of law has a switch,
and switching one off *relaxes* the model (a guard, permission or prohibition drops, an effect
assigns an arbitrary value, an obligation never arises). The re-check's unsat core ``C`` names
the switches the proof needs, so the proof holds in every model ``M_s`` that keeps the elements
of ``C`` and switches any others on or off.

A changed model ``M'`` inherits the proof when its traces are traces of one such ``M_s``: ``s``
keeps every element that ``M'`` has unchanged and switches off the rest. That holds when

- the vocabulary is the same (state variables with their ranges and initial values, events
  with their arguments, offices, the property itself and the parameters it uses);
- every element of ``C`` is in ``M'`` unchanged;
- each event's effects keep their shape (the same conditions, assigning the same variables):
  an effect switched off assigns *any* value, so a changed value is covered, a changed
  condition is not;
- what ``M'`` adds are guards, permissions and prohibitions: they only remove traces;
- for a property on diligent traces (``whenever``), nothing changes in the obligations (their
  discharges, ``discharge_when`` and ``prepared_by`` included), in the candidate preparatory
  acts, or in the conditions and effects of the events that discharge or prepare a duty:
  diligence reads those *negatively* (a holder who can act for a duty may not let its day
  pass), and a preparatory act counts by the state its effects make, so a change there is
  not monotone;
- for a property that reads the law (``prohibited(e)``, ``enabled(e)``, ``active(o)``,
  ``lapsed(o)``), nothing is added to or changed in what it reads (``enabled`` reads the
  event's effects too: a step whose effects leave a range is not enabled).

``survives`` answers with the reason it does not, or None. It is checked by a differential test
(tests/test_reuse.py): a surviving verdict equals the verdict computed from scratch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from ..model.expr import Call, EnumType, Name, Node, children, names_in
from ..model.system import System, derived
from ..properties.language import Property


def canon(node: Node | None, params: dict[str, Any]) -> Any:
    """A position-free rendering of an expression, with the parameters it uses resolved."""
    if node is None:
        return None
    used = {p: params[p] for p in sorted(names_in(node)) if p in params}
    return [shape(node), used]


def shape(node: Node) -> Any:
    """An expression as plain data, without source positions."""
    out: dict[str, Any] = {"node": type(node).__name__}
    for f in fields(node):
        if f.name in ("line", "col"):
            continue
        name, value = f.name, getattr(node, f.name)
        if isinstance(value, Node):
            out[name] = shape(value)
        elif isinstance(value, tuple):
            out[name] = [shape(x) if isinstance(x, Node) else x for x in value]
        else:
            out[name] = value
    return out


def _text(x: Any) -> str:
    return json.dumps(x, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Fingerprint:
    """What the argument above compares, for one System."""

    vocabulary: str
    elements: dict[str, str]  # element key -> its content, owner included
    effect_shapes: dict[str, str]  # event id -> the conditions and variables of its effects
    diligence: frozenset[str]  # events that discharge or may prepare some obligation
    preparatory: str  # each obligation's candidate preparatory acts
    reads: dict[str, frozenset[str]]  # "event:e" / "obligation:o" -> element keys it consists of


def fingerprint(system: System) -> Fingerprint:
    return derived(system, "fingerprint", lambda: _fingerprint(system))


def _fingerprint(system: System) -> Fingerprint:
    p = dict(system.params)
    vocabulary = {
        "vars": [[v.id, _type(v.type), v.lo, v.hi, v.init] for v in system.vars],
        "events": {e.id: [[a.id, a.lo, a.hi] for a in e.args] for e in system.events.values()},
        "offices": {o.id: [canon(o.vacant, p), list(o.filled_by), o.continuous]
                    for o in system.offices},
        "enums": {k: list(t.values) for k, t in system.enums.items()},
    }
    elements: dict[str, str] = {}
    shapes: dict[str, str] = {}
    reads: dict[str, set[str]] = {}
    for e in system.events.values():
        mine = reads.setdefault(f"event:{e.id}", set())
        for g in e.guards:
            elements[g.element.key] = _text(["guard", e.id, canon(g.cond, p)])
            mine.add(g.element.key)
        shape = []
        for eff in e.effects:
            elements[eff.element.key] = _text(["effect", e.id, canon(eff.cond, p),
                                               [[v, canon(x, p)] for v, x in eff.assigns]])
            shape.append([canon(eff.cond, p), [v for v, _ in eff.assigns]])
            mine.add(eff.element.key)
        shapes[e.id] = _text(shape)
    for ph in system.prohibitions:
        elements[ph.element.key] = _text(["prohibition", sorted(ph.events), canon(ph.when, p)])
        for ev in ph.events:
            reads.setdefault(f"event:{ev}", set()).add(ph.element.key)
    for pm in system.permissions:
        elements[pm.element.key] = _text(["permission", sorted(pm.events), canon(pm.when, p)])
        for ev in pm.events:
            reads.setdefault(f"event:{ev}", set()).add(pm.element.key)
    for o in system.obligations:
        elements[o.element.key] = _text(["obligation", o.id, o.actor, canon(o.active, p),
                                         list(o.discharged_by),
                                         [[e, canon(n, p)] for e, n in o.discharge_when],
                                         list(o.prepared_by), canon(o.within, p),
                                         canon(o.since, p)])
        reads[f"obligation:{o.id}"] = {o.element.key}
    out = Fingerprint(_text(vocabulary), elements, shapes,
                      frozenset(e for o in system.obligations for e in system.diligence_events(o)),
                      _text({k: list(v) for k, v in system.preparatory.items()}),
                      {k: frozenset(v) for k, v in reads.items()})
    return out


def _type(t: Any) -> Any:
    return ["enum", list(t.values)] if isinstance(t, EnumType) else str(t)


def survives(before: System, after: System, prop_before: Property | str, prop_after: Property,
             core: Iterable[str]) -> str | None:
    """None if a proof of ``prop_before`` (or of the property whose ``property_key`` it is) on
    ``before``, with unsat core ``core`` (element keys), is a proof of ``prop_after`` on
    ``after``; otherwise why it may not be. The same holds for a bounded answer ("no witness
    within n steps"), since the argument compares sets of traces of every length."""
    fb, fa = fingerprint(before), fingerprint(after)
    if fb.vocabulary != fa.vocabulary:
        return "the state, the events or the offices changed"
    key_before = prop_before if isinstance(prop_before, str) else property_key(prop_before, before)
    if key_before != property_key(prop_after, after):
        return "the property or a parameter it uses changed"
    kept = set(fb.elements.values()) & set(fa.elements.values())
    lost = sorted(k for k in core if fb.elements.get(k) not in kept)
    if lost:
        return f"the proof relies on changed elements: {', '.join(lost)}"
    if fb.effect_shapes != fa.effect_shapes:
        return "an effect's condition or its variables changed"
    added = {k for k, c in fa.elements.items() if c not in kept}
    if prop_after.eager:
        if any(k.startswith("obligation:") for k in added):
            return "an obligation changed (diligent traces depend on every obligation)"
        if fb.preparatory != fa.preparatory:
            return "the preparatory acts of a duty changed (diligent traces depend on them)"
        on_duty = {k for e in fb.diligence | fa.diligence
                   for k in fa.reads.get(f"event:{e}", frozenset())}
        if added & on_duty:
            return "the conditions or effects of an event that discharges or prepares a duty changed"
    for what in sorted(_law_read(prop_after)):
        if fa.reads.get(what, frozenset()) & added:
            return f"the property reads {what.replace(':', ' ')}, which changed"
    return None


def carry_core(before: System, after: System, core: Iterable[str]) -> list[str]:
    """The keys in ``after`` of the (unchanged) core elements of ``before``."""
    fb, fa = fingerprint(before), fingerprint(after)
    by_content = {c: k for k, c in fa.elements.items()}
    return sorted(by_content[fb.elements[k]] for k in core)


def property_key(prop: Property, system: System) -> str:
    """The property as the argument compares it: shape, kind and the parameters it uses."""
    p = dict(system.params)
    along = [] if prop.along is None else [canon(prop.along, p)]
    return _text([prop.kind, prop.eager, canon(prop.target, p), canon(prop.response, p),
                  canon(prop.within, p), *along])


def _law_read(prop: Property) -> set[str]:
    """The events and obligations whose law the property's functions read."""
    out: set[str] = set()
    todo = prop.nodes()
    while todo:
        n = todo.pop()
        if isinstance(n, Call) and n.args and isinstance(n.args[0], Name):
            name = n.args[0].id
            if n.fn in ("prohibited", "enabled"):
                out.add(f"event:{name}")
            elif n.fn in ("active", "lapsed"):
                out.add(f"obligation:{name}")
        todo.extend(children(n))
    return out
