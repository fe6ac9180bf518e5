"""Amendments: a data file of proposed changes, applied to a model's plain data.

An amendment file (YAML) has a ``title`` and a list of ``changes``; each change is exactly one
of::

    set:     {parameter: ID, value: EXPR}          change a named parameter
    strike:  CITATION                              remove a provision from the model
    add:     {section: SECTION, element: {...}}    a new element, written as in a model file
    replace: {section: SECTION, id: ID, element: {...}}

and may carry a ``rationale``. ``SECTION`` is one of events, obligations, prohibitions,
permissions, offices, state, parameters.

What ``strike`` does (a provision and everything nested under it: striking ``art_62`` strikes
``art_62__para_3`` too; an element citing a *containing* provision, e.g. the whole article, is
kept):

- events, guard clauses, effects, obligations, prohibitions, permissions and offices that cite
  only struck provisions are removed; those citing others too just lose the citation;
- references to removed events are dropped (``discharged_by``, prohibition and permission
  ``events``, office ``filled_by``); an obligation, prohibition or permission left with no
  event is removed;
- state variables, parameters and readings are vocabulary, not law: they always stay (other
  expressions use them). They lose the struck citation when they cite something else; when it
  is their only citation they keep it (the schema requires one) and ``Applied.notes`` says so;
- an ``entrenched`` entry about a struck provision is dropped with it.

The amended model is validated by the loader like any model file; its positions point into the
amendment file for added and replaced elements (and set values) and into the model file for the
rest, so a mistake in an added element is reported at the amendment's line.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .errors import Location, UserError, shown
from .loader import LoadedModel, from_data, resolve, validate
from .schema import Expr, Strict, _check_cites, _expr_text
from .system import citation_sort_key
from .yamlpos import LoadedFile, PathKey, Positions, load_yaml, load_yaml_text

Section = Literal["events", "obligations", "prohibitions", "permissions", "offices", "state",
                  "parameters"]
LAW_SECTIONS = ("events", "obligations", "prohibitions", "permissions", "offices")


class SetChange(Strict):
    parameter: str = Field(description="Id of the parameter whose value changes.")
    value: Expr = Field(description="The new value: a number or a constant expression.")

    _v = field_validator("value", mode="before")(_expr_text)


class AddChange(Strict):
    section: Section = Field(description="Which list of the model the element joins.")
    element: dict[str, Any] = Field(description="The element, written as in a model file.")


class ReplaceChange(Strict):
    section: Section = Field(description="Which list of the model holds the element.")
    id: str = Field(description="Id of the element replaced.")
    element: dict[str, Any] = Field(description="The new element, written as in a model file.")


class Change(Strict):
    """Exactly one of ``set``, ``strike``, ``add``, ``replace``."""

    set: SetChange | None = Field(default=None, description="Change a named parameter.")
    strike: str | None = Field(default=None, description="Remove a provision, e.g. art_62__para_3.")
    add: AddChange | None = Field(default=None, description="Add an element.")
    replace: ReplaceChange | None = Field(default=None, description="Replace an element by id.")
    rationale: str = Field(default="", description="Why: shown in reports.")

    @field_validator("strike")
    @classmethod
    def _strike_ok(cls, v: str | None) -> str | None:
        return None if v is None else _check_cites([v])[0]

    @model_validator(mode="after")
    def _exactly_one(self) -> Change:
        given = [k for k in ("set", "strike", "add", "replace") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a change is exactly one of set, strike, add, replace"
                             + (f" (got {', '.join(given)})" if given else " (got none)"))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("set", "strike", "add", "replace") if getattr(self, k) is not None)


class AmendmentFile(Strict):
    """An amendment file: proposed changes to one model."""

    title: str = Field(description="What the amendment does, in a line.")
    amends: str | None = Field(default=None, description="Id of the model it is written for.")
    description: str = ""
    changes: list[Change] = Field(min_length=1)


class Amendment(LoadedFile[AmendmentFile]):
    @property
    def spec(self) -> AmendmentFile:
        return self.content

    def locate(self, index: int, *rest: str | int) -> Location:
        return self.positions.locate(("changes", index, *rest))


def load_amendment(path: Path | str) -> Amendment:
    p = Path(path)
    data, pos = load_yaml(p, str(path))
    return _amendment(data, pos, p)


def load_amendment_text(text: str, name: str = "<amendment>") -> Amendment:
    data, pos = load_yaml_text(text, name)
    return _amendment(data, pos, Path.cwd() / name)


def _amendment(data: Any, pos: Positions, path: Path) -> Amendment:
    spec = validate(AmendmentFile, data, pos, "an amendment file", "title and changes")
    return Amendment(spec, pos, path)


# ----------------------------------------------------------------------------- positions


@dataclass
class LayeredPositions(Positions):
    """Positions drawn from several files: each path remembers the file it was written in."""

    files: dict[PathKey, str] = field(default_factory=dict)

    def locate(self, path: PathKey) -> Location:
        p = tuple(path)
        while p:
            if p in self.at:
                line, col = self.at[p]
                return Location(self.files.get(p, self.file), line, col)
            p = p[:-1]
        return Location(self.file, self.at.get((), (1, 1))[0], 1)


Origin = tuple[Positions, PathKey]


class _Tracker:
    """Remembers where each container of the data being amended was written.

    Containers are tracked by identity (and kept alive so ids are not reused); lists filtered in
    place remember which old index each surviving item had.
    """

    def __init__(self) -> None:
        self.origin: dict[int, Origin] = {}
        self.keys: dict[tuple[int, str | int], Origin] = {}  # scalar overrides
        self.index: dict[int, list[int]] = {}
        self.alive: list[Any] = []

    def register(self, node: Any, pos: Positions, path: PathKey) -> None:
        if isinstance(node, dict | list):
            self.origin[id(node)] = (pos, path)
            self.alive.append(node)
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for k, v in items:
                self.register(v, pos, (*path, k))

    def filter(self, items: list[Any], keep: list[bool]) -> None:
        if id(items) in self.origin:  # an untracked (temporary) list's id may be reused later
            old = self.index.get(id(items), list(range(len(items))))
            self.index[id(items)] = [o for o, k in zip(old, keep, strict=True) if k]
        items[:] = [x for x, k in zip(items, keep, strict=True) if k]

    def positions(self, data: Any, main: Positions) -> LayeredPositions:
        out = LayeredPositions(main.file, {(): main.at.get((), (1, 1))})

        def put(new: PathKey, origin: Origin | None) -> None:
            if origin is None:
                return
            pos, old = origin
            if old in pos.at:
                out.at[new] = pos.at[old]
                if pos.file != main.file:
                    out.files[new] = pos.file

        def walk(node: Any, new: PathKey) -> None:
            here = self.origin.get(id(node))
            if here is None:
                return
            pos, old = here
            if isinstance(node, dict):
                pairs: list[tuple[str | int, str | int, Any]] = [(k, k, v) for k, v in node.items()]
            else:
                idx = self.index.get(id(node), list(range(len(node))))
                pairs = [(j, idx[j], v) for j, v in enumerate(node)]
            for k_new, k_old, v in pairs:
                child = (*new, k_new)
                if isinstance(v, dict | list) and id(v) in self.origin:
                    put(child, self.origin[id(v)])
                    walk(v, child)
                else:
                    put(child, self.keys.get((id(node), k_new), (pos, (*old, k_old))))

        walk(data, ())
        return out


# ----------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class Applied:
    """An amended model, with what each change did."""

    model: LoadedModel
    notes: list[str]  # what strikes did that a reader may not expect


def under(cite: str, struck: str) -> bool:
    """``cite`` is ``struck`` or nested in it.

    >>> under("art_62__para_3", "art_62"), under("art_62", "art_62__para_3")
    (True, False)
    """
    return cite == struck or cite.startswith(struck + "__")


def related(a: str, b: str) -> bool:
    """One provision is the other, contains it or is contained in it."""
    return under(a, b) or under(b, a)


def element_cites(element: Any) -> list[str]:
    """Every citation written anywhere inside an element (its guards and effects too)."""
    out: list[str] = []
    if isinstance(element, dict):
        for k, v in element.items():
            if k == "cites" and isinstance(v, list):
                out += [c for c in v if isinstance(c, str)]
            else:
                out += element_cites(v)
    elif isinstance(element, list):
        for v in element:
            out += element_cites(v)
    return out


def apply_amendment(loaded: LoadedModel, amendment: Amendment) -> Applied:
    """The model with every change applied, validated and resolved under every reading."""
    spec = amendment.spec
    if spec.amends is not None and spec.amends != loaded.constitution.id:
        raise UserError(f"this amendment is written for model {shown(spec.amends)}, not "
                        f"{shown(loaded.constitution.id)}", amendment.positions.locate(("amends",)))
    data = loaded.constitution.model_dump(mode="json", by_alias=True, exclude_unset=True)
    data = copy.deepcopy(data)
    tracker = _Tracker()
    tracker.register(data, loaded.positions, ())
    notes: list[str] = []
    for i, change in enumerate(spec.changes):
        if change.set is not None:
            _set(data, tracker, amendment, i, change.set)
        elif change.strike is not None:
            notes += _strike(data, tracker, amendment, i, change.strike)
        elif change.add is not None:
            element = copy.deepcopy(change.add.element)
            tracker.register(element, amendment.positions, ("changes", i, "add", "element"))
            data.setdefault(change.add.section, [])
            if id(data[change.add.section]) not in tracker.origin:
                tracker.register(data[change.add.section], amendment.positions,
                                 ("changes", i, "add", "section"))
            data[change.add.section].append(element)
            idx = tracker.index.get(id(data[change.add.section]))
            if idx is not None:
                idx.append(-1)  # no old position; the element's own origin is used
        elif change.replace is not None:
            r = change.replace
            items = data.get(r.section, [])
            at = next((j for j, x in enumerate(items) if x.get("id") == r.id), None)
            if at is None:
                raise UserError(f"no element with id {shown(r.id)} in {r.section}",
                                amendment.locate(i, "replace", "id"))
            element = copy.deepcopy(r.element)
            tracker.register(element, amendment.positions, ("changes", i, "replace", "element"))
            items[at] = element
    positions = tracker.positions(data, loaded.positions)
    amended = from_data(data, positions, loaded.path)
    for reading in amended.reading_variants():  # every element checked once, not the full product
        resolve(amended, reading)
    return Applied(amended, notes)


def _set(data: dict[str, Any], tracker: _Tracker, amendment: Amendment, i: int,
         change: SetChange) -> None:
    for p in data.get("parameters", []):
        if p.get("id") == change.parameter:
            p["value"] = change.value
            tracker.keys[(id(p), "value")] = (amendment.positions, ("changes", i, "set", "value"))
            return
    known = ", ".join(p.get("id", "?") for p in data.get("parameters", []))
    raise UserError(f"unknown parameter {shown(change.parameter)} (parameters: {known})",
                    amendment.locate(i, "set", "parameter"))


def _strike(data: dict[str, Any], tracker: _Tracker, amendment: Amendment, i: int,
            struck: str) -> list[str]:
    if not any(under(c, struck) for c in element_cites(data)):
        raise UserError(f"{shown(struck)} is not cited anywhere in the model; nothing to strike",
                        amendment.locate(i, "strike"))
    notes: list[str] = []

    def uncite(el: dict[str, Any]) -> bool:
        """Drop struck citations; True when nothing else was cited (the element goes)."""
        cites = el.get("cites", [])
        keep = [not under(c, struck) for c in cites]
        if cites and not any(keep):
            return True
        tracker.filter(cites, keep)
        return False

    # vocabulary stays
    for section in ("parameters", "state", "readings"):
        for x in data.get(section, []):
            cites = x.get("cites", [])
            keep = [not under(c, struck) for c in cites]
            if cites and not any(keep):
                notes.append(f"{section[:-1] if section != 'state' else 'state variable'} "
                             f"'{x.get('id')}' cites only {struck}; kept, citation kept")
            else:
                tracker.filter(cites, keep)
    # law goes
    removed_events: set[str] = set()
    for section in LAW_SECTIONS:
        items = data.get(section, [])
        keep = []
        for x in items:
            gone = uncite(x)
            if gone:
                if section == "events":
                    removed_events.add(x.get("id", ""))
                notes.append(f"{section[:-1]} '{x.get('id')}' removed")
            keep.append(not gone)
        tracker.filter(items, keep)
    for ev in data.get("events", []):
        for part in ("guard", "effects"):
            clauses = ev.get(part, [])
            tracker.filter(clauses, [not uncite(c) for c in clauses])
    # references to removed events
    refs = {"obligations": "discharged_by", "prohibitions": "events", "permissions": "events",
            "offices": "filled_by"}
    for section, key in refs.items():
        items = data.get(section, [])
        keep = []
        for x in items:
            targets = x.get(key, [])
            tracker.filter(targets, [(t.get("event") if isinstance(t, dict) else t) not in removed_events
                                     for t in targets])
            empty = not targets and section != "offices"
            if empty:
                notes.append(f"{section[:-1]} '{x.get('id')}' removed: none of its events remain")
            keep.append(not empty)
        tracker.filter(items, keep)
    # entrenchment: an entry about a struck provision goes; an entry whose protecting clauses
    # are all struck goes too (nothing in the amended text protects it any more)
    entrenched = data.get("entrenched", [])
    keep = []
    for e in entrenched:
        by = e.get("by", [])
        tracker.filter(by, [not under(b, struck) for b in by])
        gone_by = not by
        keep.append(not under(e.get("id", ""), struck) and not gone_by)
        if gone_by and not under(e.get("id", ""), struck):
            notes.append(f"{e.get('id')} is no longer entrenched: what entrenched it is struck")
    tracker.filter(entrenched, keep)
    return notes


# ----------------------------------------------------------------------------- entrenchment


READINGS = ("implied", "literal")
"""How the entrenchment check reads an eternity clause (see docs/amendments.md):

- ``implied``: the clauses that protect an unchangeable provision (an entry's ``by``) are
  themselves unchangeable, or striking them first would defeat the protection (Ross, Suber);
- ``literal``: only the provisions listed as entrenched are unchangeable; a protecting clause
  is protected only if it is itself listed.
"""
DEFAULT_READING = "implied"  # Polity's behaviour before the readings were named


@dataclass(frozen=True)
class Touch:
    """A change that touches an entrenched provision, and the readings under which that
    makes the amendment inadmissible."""

    change: int  # index in the amendment's changes
    kind: str
    provision: str  # the entrenched provision
    by: tuple[str, ...]  # what entrenches it
    how: str
    location: Location
    readings: tuple[str, ...] = READINGS  # the entrenchment readings that refuse it

    def refused_under(self, reading: str) -> bool:
        return reading in self.readings

    def to_json(self) -> dict[str, Any]:
        return {"change": self.change, "kind": self.kind, "provision": self.provision,
                "by": list(self.by), "how": self.how, "location": str(self.location),
                "readings": list(self.readings)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Touch:
        file, line, col = (str(d["location"]).rsplit(":", 2) + ["1", "1"])[:3]
        loc = Location(file, int(line) if line.isdigit() else 1, int(col) if col.isdigit() else 1)
        return cls(d["change"], d["kind"], d["provision"], tuple(d["by"]), d["how"], loc,
                   tuple(d.get("readings", READINGS)))


def check_reading(reading: str) -> str:
    if reading not in READINGS:
        raise UserError(f"unknown entrenchment reading {shown(reading)} (one of {', '.join(READINGS)})")
    return reading


def _what_it_touches(c: Any, ch: Change, target: str) -> list[tuple[str, PathKey]]:
    """How change ``ch`` changes provision ``target`` of constitution ``c`` (empty: it does not)."""
    hows: list[tuple[str, PathKey]] = []
    if ch.strike is not None and related(ch.strike, target):
        hows.append((f"strikes {ch.strike}", ("strike",)))
    if ch.set is not None:
        p = next((x for x in c.parameters if x.id == ch.set.parameter), None)
        if p is not None and any(related(x, target) for x in p.cites):
            hows.append((f"changes parameter '{p.id}', which cites {target}", ("set", "parameter")))
    if ch.add is not None and any(related(x, target) for x in element_cites(ch.add.element)):
        hows.append((f"adds an element citing {target}", ("add", "element")))
    if ch.replace is not None:
        r = ch.replace
        old = next((x for x in getattr(c, r.section) if getattr(x, "id", None) == r.id), None)
        old_cites = element_cites(old.model_dump()) if old is not None else []
        if any(related(x, target) for x in old_cites):
            hows.append((f"replaces '{r.id}', which cites {target}", ("replace", "id")))
        elif any(related(x, target) for x in element_cites(r.element)):
            hows.append((f"puts in an element citing {target}", ("replace", "element")))
    return hows


def touches(loaded: LoadedModel, amendment: Amendment) -> list[Touch]:
    """Every change that touches an entrenched provision of ``loaded`` (the text as it stands
    when the amendment is put), with the readings that refuse it: changing the provision itself
    is refused under every reading; changing a clause that protects it, only under ``implied``."""
    c = loaded.constitution
    out: list[Touch] = []
    for i, ch in enumerate(amendment.spec.changes):
        for en in c.entrenched:
            found: list[tuple[str, PathKey, tuple[str, ...]]] = [
                (how.replace(f", which cites {en.id}", ", which cites it").replace(f" citing {en.id}", " citing it"),
                 where, READINGS) for how, where in _what_it_touches(c, ch, en.id)]
            if not found:
                for b in en.by:
                    for how, where in _what_it_touches(c, ch, b):
                        found.append((f"{how}, which entrenches {en.id}" if ch.strike is not None
                                      else f"{how} ({b} entrenches {en.id})", where, ("implied",)))
            for how, where, readings in found:
                out.append(Touch(i, ch.kind, en.id, tuple(en.by), how, amendment.locate(i, *where),
                                 readings))
    return out


def entrenchment(loaded: LoadedModel, amendment: Amendment,
                 reading: str = DEFAULT_READING) -> list[Touch]:
    """The changes that make the amendment inadmissible under ``reading`` (empty: admissible)."""
    check_reading(reading)
    return [t for t in touches(loaded, amendment) if t.refused_under(reading)]


@dataclass(frozen=True)
class Step:
    """One amendment of a sequence, put to the text as amended by the steps before it."""

    amendment: Amendment
    before: LoadedModel
    touches: tuple[Touch, ...]  # against ``before``, every reading
    applied: Applied

    def admissible(self, reading: str) -> bool:
        return not any(t.refused_under(reading) for t in self.touches)


def apply_sequence(loaded: LoadedModel, amendments: list[Amendment]) -> list[Step]:
    """Apply amendments in order, each one's admissibility checked against the text as amended
    by the earlier ones (their protecting clauses, not the original's). Every step is applied,
    so a mistake in a later file is bad input even when an earlier step is inadmissible."""
    steps: list[Step] = []
    current = loaded
    for am in amendments:
        found = tuple(touches(current, am))
        applied = apply_amendment(current, am)
        steps.append(Step(am, current, found, applied))
        current = applied.model
    return steps


def _citing(data: Any, provision: str) -> list[str]:
    """Canonical JSON of every piece of ``data`` (at any depth) that cites ``provision``."""
    out: list[str] = []
    if isinstance(data, dict):
        cites = data.get("cites")
        if isinstance(cites, list) and any(related(c, provision) for c in cites):
            out.append(json.dumps(data, sort_keys=True))
        for k, v in data.items():
            if k != "entrenched":
                out += _citing(v, provision)
    elif isinstance(data, list):
        for v in data:
            out += _citing(v, provision)
    return sorted(out)


def entrenched_changes(a: LoadedModel, b: LoadedModel) -> list[str]:
    """Entrenched provisions of ``a`` whose encoding (or entrenchment) differs in ``b``."""
    da = a.constitution.model_dump(mode="json", by_alias=True)
    db = b.constitution.model_dump(mode="json", by_alias=True)
    kept = {(e.id, tuple(e.by)) for e in b.constitution.entrenched}
    out = []
    for en in a.constitution.entrenched:
        if (en.id, tuple(en.by)) not in kept or _citing(da, en.id) != _citing(db, en.id):
            out.append(en.id)
    return sorted(set(out), key=citation_sort_key)
