"""YAML with positions: plain Python data plus a map from data paths to (line, col).

ruamel.yaml keeps line and column on the nodes it builds; we copy the data into plain dicts and
lists (so pydantic sees ordinary values) and keep the positions aside, keyed by the same paths
pydantic uses in its error locations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Location, UserError

PathKey = tuple[str | int, ...]


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


def load_yaml(path: Path, label: str | None = None) -> tuple[Any, Positions]:
    """Read ``path``; syntax errors become located UserErrors."""
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror}", Location(name)) from None
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> tuple[Any, Positions]:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        col = mark.column + 1 if mark else 0
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise UserError(f"YAML syntax error: {problem}", Location(name, line, col)) from None
    except YAMLError as exc:
        raise UserError(f"YAML syntax error: {exc}", Location(name, 1, 1)) from None
    pos = Positions(name, {(): (1, 1)})
    return _plain(doc, (), pos), pos


def _plain(node: Any, path: PathKey, pos: Positions) -> Any:
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
            pos.at[kpath] = (line + 1, col + 1)
            out[str(key)] = _plain(value, kpath, pos)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            ipath = (*path, i)
            try:
                line, col = node.lc.item(i)
            except (KeyError, TypeError):
                line, col = node.lc.line, node.lc.col
            pos.at[ipath] = (line + 1, col + 1)
            items.append(_plain(value, ipath, pos))
        return items
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node
