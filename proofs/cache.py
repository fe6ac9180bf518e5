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
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from ..model.expr import Node, names_in
from ..model.loader import LoadedModel
from ..model.system import System
from ..properties.language import Property
from .atomic import write_atomically
from .reuse import shape

CACHE_VERSION = 3  # 3: entries in a checked envelope; no undecided result is ever stored
Kind = Literal["result", "witness", "goals"]
# words of Z3's reason_unknown and of the engine's reasons when a limit, not the law, ended it
_LIMIT_WORDS = ("time limit ran out", "timeout", "canceled", "interrupted", "resource", "memout",
                "max. memory", "rlimit")


def limit_ran_out(result: dict[str, Any]) -> str | None:
    """Why a suite result is undecided, or None: ``unknown``, or ``holds_to_bound`` whose
    unbounded proof was cut short by a limit (its verdict could still become ``proved`` with
    more time, so it says nothing about the law beyond the bound and must never be cached)."""
    verdict = result.get("verdict")
    reason = str(result.get("reason") or "")
    if verdict == "unknown":
        return reason or "unknown"
    if verdict == "holds_to_bound" and reason_is_limit(reason):
        return reason
    return None


def reason_is_limit(reason: str) -> bool:
    """Whether a solver's or the engine's reason names a limit (time, memory), not the law."""
    return any(w in reason.lower() for w in _LIMIT_WORDS)


class ResultCache:
    """Results by cone hash: a dict, mirrored to ``directory`` (one JSON file per key) if given.

    On disk an entry is an envelope (version, kind, key, checksum of the canonical value bound
    to the key) around a value of a known schema; an entry that fails any check is dropped
    with one warning (``warn``) and reads as a miss, so the caller recomputes it. What a
    checksum cannot show (an entry rewritten whole) the callers catch by re-checking the
    evidence: a trace is replayed, a proof's certificate re-checked."""

    def __init__(self, directory: Path | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.memory: dict[str, tuple[str, Any]] = {}
        self.directory = directory
        self.hits = 0
        self.misses = 0
        self.warnings: list[str] = []
        self._warn = warn
        self._write_failed = False

    def path(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, kind: Kind) -> Any | None:
        if key in self.memory and self.memory[key][0] == kind:
            self.hits += 1
            return self.memory[key][1]
        f = self.path(key)
        if f is not None and f.exists():
            value = self._read(f, key, kind)
            if value is not None:
                self.memory[key] = (kind, value)
                self.hits += 1
                return value
        self.misses += 1
        return None

    def _read(self, f: Path, key: str, kind: Kind) -> Any | None:
        try:
            entry = json.loads(f.read_bytes().decode("utf-8"))
            return check_entry(entry, key, kind)
        except (OSError, ValueError, RecursionError, ValidationError) as exc:
            self.drop(key, _why(exc))
            return None

    def drop(self, key: str, why: str) -> None:
        """Forget a bad entry, in memory and on disk, with one warning."""
        self.memory.pop(key, None)
        f = self.path(key)
        where = f"cache entry {f}" if f is not None else f"cached result {key[:12]}"
        self.warning(f"{where} is not trusted ({why}); dropped, recomputing")
        if f is not None:
            try:
                f.unlink()
            except OSError:
                pass

    def warning(self, text: str) -> None:
        self.warnings.append(text)
        if self._warn is not None:
            self._warn(text)

    def put(self, key: str, value: Any, kind: Kind) -> None:
        if kind == "result" and limit_ran_out(value):
            return  # a timeout is not a verdict
        self.memory[key] = (kind, value)
        f = self.path(key)
        if f is None or self._write_failed:
            return
        text = json.dumps({"v": CACHE_VERSION, "kind": kind, "key": key,
                           "checksum": checksum(key, kind, value), "value": value},
                          sort_keys=True, ensure_ascii=False)
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(f, text)
        except OSError as exc:  # a read-only checkout or a full disk: work on without the disk
            self._write_failed = True
            self.warning(f"cannot write the cache under {self.directory} ({exc.strerror or exc}); "
                         "results of this run are not kept")

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}


def checksum(key: str, kind: str, value: Any) -> str:
    """SHA-256 of the canonical value, bound to its key (the hash of the law it is about)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{CACHE_VERSION}\n{kind}\n{key}\n{text}".encode()).hexdigest()


def _why(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "entry"
        return f"{where}: {err['msg']}"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg})"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


# ----------------------------------------------------------------------------- entry schemas


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class _Open(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class StepEntry(_Open):
    event: StrictStr
    day: StrictInt
    args: dict[str, StrictInt | StrictBool | StrictStr] = {}


class CertificateEntry(_Open):
    method: Literal["k-induction", "spacer-invariant"]
    k: StrictInt | None = None
    invariant: StrictStr | None = None
    rechecked: StrictBool
    smt2: StrictStr | None = None

    @model_validator(mode="after")
    def _evidence(self) -> CertificateEntry:
        if self.method == "k-induction" and (self.k is None or self.k < 1):
            raise ValueError("a k-induction certificate needs k >= 1")
        if self.method == "spacer-invariant" and not self.smt2:
            raise ValueError("an invariant certificate needs its SMT-LIB text")
        return self


class ResultEntry(_Open):
    """A suite result; ``unknown`` is never stored, and each verdict carries its evidence."""

    id: StrictStr
    reading: StrictStr
    verdict: Literal["proved", "violated", "reachable", "unreachable", "holds_to_bound"]
    bound: StrictInt
    seconds: StrictFloat | StrictInt
    trace: list[StepEntry] | None = None
    timeline: list[StrictStr] = []
    relies_on: list[StrictStr] | None = None
    core: list[StrictStr] | None = None
    certificate: CertificateEntry | None = None
    reason: StrictStr = ""

    @model_validator(mode="after")
    def _evidence(self) -> ResultEntry:
        if self.verdict in ("violated", "reachable") and self.trace is None:
            raise ValueError(f"a {self.verdict} result without its trace")
        if self.verdict in ("proved", "unreachable"):
            if self.certificate is None or self.core is None:
                raise ValueError(f"a {self.verdict} result without its certificate")
            if self.trace is not None:
                raise ValueError(f"a {self.verdict} result with a trace")
        if self.verdict == "holds_to_bound":
            if self.trace is not None or self.certificate is not None:
                raise ValueError("a holds_to_bound result with a trace or a certificate")
            if limit_ran_out(self.model_dump()):
                raise ValueError("an undecided result (a limit ran out)")
        return self


class WitnessEntry(_Strict):
    trace: list[StepEntry] | None
    pkey: StrictStr
    core: list[StrictStr] | None = None


class GoalsEntry(_Strict):
    hits: list[tuple[list[StepEntry], list[StrictStr]]]


class Envelope(_Strict):
    v: StrictInt
    kind: Literal["result", "witness", "goals"]
    key: StrictStr
    checksum: StrictStr
    value: dict[str, Any]


SCHEMAS: dict[str, type[BaseModel]] = {"result": ResultEntry, "witness": WitnessEntry, "goals": GoalsEntry}


def check_entry(entry: Any, key: str, kind: Kind) -> Any:
    """The value of a disk entry if it is one of ours, intact, for ``key``; else ValueError."""
    env = Envelope.model_validate(entry)
    if env.v != CACHE_VERSION:
        raise ValueError(f"written by cache version {env.v}, this is {CACHE_VERSION}")
    if env.key != key or env.kind != kind:
        raise ValueError("written for another question")
    if env.checksum != checksum(key, kind, env.value):
        raise ValueError("checksum does not match its content")
    SCHEMAS[kind].model_validate(env.value)
    return env.value


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
        mine = refs.setdefault(o.id, set(o.discharged_by) | set(o.prepared_by))
        for x in (o.active, o.within, o.since, *(w for _, w in o.discharge_when)):
            if x is not None:
                mine |= names_in(x)
    for office in s.offices:
        refs.setdefault(office.id, set()).update(names_in(office.vacant), office.filled_by)
    return refs


def property_names(prop: Property) -> set[str]:
    out: set[str] = set()
    for n in prop.nodes():
        out |= names_in(n)
    return out

