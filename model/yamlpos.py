"""YAML with positions: plain Python data plus a map from data paths to (line, col).

ruamel.yaml keeps line and column on the nodes it builds; we copy the data into plain dicts and
lists (so pydantic sees ordinary values) and keep the positions aside, keyed by the same paths
pydantic uses in its error locations.

Reading is bounded, so no file can hang Polity or exhaust its memory: a file's size
(``MAX_FILE_BYTES``), nesting depth (``MAX_DEPTH``), the number of values once aliases are
expanded (``MAX_VALUES``, against "billion laughs" documents) and the size of numbers
(``MAX_INT_DIGITS``). Each limit, like every other fault, ends as one located UserError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import ScalarNode

from .errors import Location, UserError, clip

PathKey = tuple[str | int, ...]

MAX_FILE_BYTES = 2 * 1024 * 1024  # 27x the built-in model; ruamel reads about 100 KB/s
MAX_DEPTH = 64  # nesting of mappings and lists; real files nest fewer than ten levels
MAX_VALUES = 200_000  # values after alias expansion; the built-in model has about 6,000
MAX_INT_DIGITS = 18  # every count and day Polity deals with fits in 18 digits
_INT_TAG = "tag:yaml.org,2002:int"
# what YAML 1.2 allows in a stream (ruamel's reader refuses the rest, without a position)
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Positions:
    """Where each value of a YAML document was written."""

    file: str
    at: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: PathKey) -> Location:
        """The location of ``path``, or of its nearest written ancestor."""
        p = tuple(path)
        while p:
            if p in self.at:
                line, col = self.at[p]
                return Location(self.file, line, col)
            p = p[:-1]
        return Location(self.file, self.at.get((), (1, 1))[0], 1)

C = TypeVar("C")


@dataclass(frozen=True)
class LoadedFile(Generic[C]):
    """A data file read and validated: its content, where each part of it was written, and its
    path. Models, amendments, catalogs, query catalogs and suites are all one of these."""

    content: C
    positions: Positions
    path: Path

    @property
    def file(self) -> str:
        return self.positions.file

    def at(self, key: PathKey) -> Location:
        """Where the part at ``key`` (a path into the file's data) was written."""
        return self.positions.locate(key)


def read_text(path: Path, label: str | None = None, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a user's file, at most ``limit`` bytes; faults are located UserErrors.

    Reads no more than ``limit + 1`` bytes, so ``/dev/zero`` or a huge file is refused without
    being read whole."""
    name = label or str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        why = getattr(exc, "strerror", None) or str(exc)
        raise UserError(f"cannot read file: {clip(why)}", Location(clip(name, 200))) from None
    if len(data) > limit:
        raise UserError(f"file is larger than {limit // 1024} KiB (the limit for a data file)",
                        Location(name)) from None
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """Bytes as UTF-8; an invalid byte is located at its line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        bad = data[exc.start:exc.start + 1].hex()
        raise UserError(f"invalid UTF-8 (byte 0x{bad}); files must be UTF-8 text",
                        Location(name, line, col)) from None


def text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def load_yaml(path: Path, label: str | None = None) -> tuple[Any, Positions]:
    """Read ``path``; syntax errors and exceeded limits become located UserErrors."""
    name = label or str(path)
    return load_yaml_text(read_text(path, name), name)


def load_yaml_text(text: str, name: str) -> tuple[Any, Positions]:
    if (bad := _NOT_YAML.search(text)) is not None:
        line, col = text_position(text, bad.start())
        raise UserError(f"character U+{ord(bad.group()):04X} is not allowed in YAML",
                        Location(name, line, col))
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        col = mark.column + 1 if mark else 0
        problem = ((exc.problem or exc.context or "invalid YAML").strip().splitlines() or ["invalid YAML"])[0]
        raise UserError(f"YAML syntax error: {clip(problem, 120)}", Location(name, line, col)) from None
    except YAMLError as exc:
        raise UserError(f"YAML syntax error: {clip(str(exc), 120)}", Location(name, 1, 1)) from None
    except (RecursionError, ValueError, OverflowError):
        # ruamel's composer recurses per nesting level and converts integers with int():
        # find the place in the event stream (which ruamel parses without recursion)
        raise _scan_for_limits(text, name) from None
    if _expanded_size(doc, {}, 0) > MAX_VALUES:
        raise UserError(f"the document holds more than {MAX_VALUES} values once its aliases are expanded "
                        "(the limit); the first alias is here", _first_alias(text, name))
    pos = Positions(name, {(): (1, 1)})
    return _Plain(pos).copy(doc, (), 0), pos


def _children(node: Any) -> list[tuple[Any, tuple[int, int]]]:
    """The values inside a mapping or list, each with where it is written (0-based)."""
    out = []
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            try:
                at = node.lc.value(key)
            except (KeyError, TypeError):
                at = (node.lc.line, node.lc.col)
            out.append((value, at))
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            try:
                at = node.lc.item(i)
            except (KeyError, TypeError):
                at = (node.lc.line, node.lc.col)
            out.append((value, at))
    return out


def _expanded_size(node: Any, sizes: dict[int, int], depth: int) -> int:
    """How many values copying ``node`` would make, aliases expanded, in time linear in the
    document: an aliased mapping or list is the same object each time, so sizes are memoised.
    A node that contains itself counts as too many; depth beyond the limit is left to the copy."""
    if not isinstance(node, CommentedMap | CommentedSeq) or depth > MAX_DEPTH:
        return 1
    key = id(node)
    if key not in sizes:
        sizes[key] = MAX_VALUES + 1  # while counting: reaching it again means it contains itself
        sizes[key] = min(MAX_VALUES + 1, 1 + sum(_expanded_size(c, sizes, depth + 1) for c, _ in _children(node)))
    return sizes[key]


def _first_alias(text: str, name: str) -> Location:
    """Where the first alias (``*name``) is written: ruamel's data only knows its anchor."""
    for ev in YAML(typ="rt").parse(text):
        if isinstance(ev, AliasEvent):
            return Location(name, ev.start_mark.line + 1, ev.start_mark.column + 1)
    return Location(name, 1, 1)


def _scan_for_limits(text: str, name: str) -> UserError:
    """The first place in ``text`` that nests too deeply or holds an unreadable integer."""
    yaml = YAML(typ="rt")
    depth = 0
    try:
        for ev in yaml.parse(text):
            at = Location(name, ev.start_mark.line + 1, ev.start_mark.column + 1)
            if isinstance(ev, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return UserError(f"nested too deeply (limit {MAX_DEPTH} levels)", at)
            elif isinstance(ev, CollectionEndEvent):
                depth -= 1
            elif isinstance(ev, ScalarEvent) and _is_int(yaml, ev):
                digits = re.sub(r"[^0-9a-fA-F]", "", ev.value)
                if len(digits) > MAX_INT_DIGITS:
                    return UserError(f"number too large (at most {MAX_INT_DIGITS} digits)", at)
                return UserError(f"not an integer: {clip(ev.value)!r}", at)
    except YAMLError as exc:
        return UserError(f"YAML syntax error: {clip(str(exc), 120)}", Location(name, 1, 1))
    return UserError("cannot read this YAML document", Location(name, 1, 1))


def _is_int(yaml: YAML, ev: ScalarEvent) -> bool:
    if ev.tag is not None:
        return str(ev.tag) == _INT_TAG
    if ev.style is not None:  # quoted: a string
        return False
    tag = yaml.resolver.resolve(ScalarNode, ev.value, (True, False))
    if str(tag) != _INT_TAG:
        return False
    try:
        int(ev.value.replace("_", ""), 0)
    except ValueError:
        return True
    return False


class _Plain:
    """Copies ruamel's data into plain values (aliases are expanded here)."""

    def __init__(self, pos: Positions) -> None:
        self.pos = pos

    def copy(self, node: Any, path: PathKey, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise UserError(f"nested too deeply (limit {MAX_DEPTH} levels)", self.pos.locate(path))
        if isinstance(node, CommentedMap):
            out = {}
            for key, value in node.items():
                kpath = (*path, str(key))
                try:
                    line, col = node.lc.value(key)
                    if isinstance(value, CommentedMap | CommentedSeq):
                        line, col = node.lc.key(key)
                except (KeyError, TypeError):
                    line, col = node.lc.line, node.lc.col
                self.pos.at[kpath] = (line + 1, col + 1)
                out[str(key)] = self.copy(value, kpath, depth + 1)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            for i, value in enumerate(node):
                ipath = (*path, i)
                try:
                    line, col = node.lc.item(i)
                except (KeyError, TypeError):
                    line, col = node.lc.line, node.lc.col
                self.pos.at[ipath] = (line + 1, col + 1)
                items.append(self.copy(value, ipath, depth + 1))
            return items
        if isinstance(node, bool):
            return bool(node)
        if isinstance(node, int):
            if abs(node) >= 10 ** MAX_INT_DIGITS:
                raise UserError(f"number too large (at most {MAX_INT_DIGITS} digits)", self.pos.locate(path))
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, str):
            return str(node)
        return node
