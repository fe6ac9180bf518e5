"""The source text of a constitution, indexed by provision id, so a citation can be checked
and quoted.

Articles start at a line ``Article N``; paragraphs at ``N. ``; numbered list items at ``N) ``
(under the current paragraph, or under the article when it has no paragraphs). Text before the
first numbered paragraph of an article that has paragraphs is paragraph 1 when the article
does not number it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .yamlpos import read_text

MAX_SOURCE_BYTES = 16 * 1024 * 1024  # a constitution's text; the built-in one is 96 KB

_ARTICLE = re.compile(r"^\s*Article\s+(\d+)\s*$")
_SECTION = re.compile(r"^\s*Section\s+[IVXLC]+\b")  # a section heading ends the article before it
_PARA = re.compile(r"^\s*(\d+)\.\s+\S")
_POINT = re.compile(r"^\s*(\d+)\)\s*\S")


@dataclass(frozen=True)
class SourceText:
    """Provision id -> its text."""

    provisions: dict[str, str]
    lines: dict[str, int] = field(default_factory=dict)  # provision id -> line (1-based) where it starts

    def __contains__(self, cite: str) -> bool:
        return cite in self.provisions

    def quote(self, cite: str, limit: int = 0) -> str:
        text = " ".join(self.provisions.get(cite, "").split())
        if limit and len(text) > limit:
            return text[: limit - 1].rstrip() + "…"
        return text


def index_text(text: str, starts_at: str = "") -> SourceText:
    lines = text.splitlines()
    first = 0
    if starts_at:
        for i, line in enumerate(lines):
            if starts_at.strip() in line:
                lines, first = lines[i:], i
                break
    provisions: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    number = first
    article: str | None = None
    para: str | None = None
    point: str | None = None
    lead: list[tuple[int, str]] = []

    def add(key: str, line: str) -> None:
        provisions.setdefault(key, []).append(line)
        starts.setdefault(key, number)

    for number, line in enumerate(lines, first + 1):
        m = _ARTICLE.match(line)
        if m:
            article, para, point, lead = f"art_{m.group(1)}", None, None, []
            provisions[article] = []
            starts[article] = number
            continue
        if _SECTION.match(line):
            article = None  # the heading and its title line belong to no article
            continue
        if article is None or not line.strip():
            continue
        add(article, line)
        if (m := _PARA.match(line)) is not None:
            para, point = f"{article}__para_{m.group(1)}", None
            if m.group(1) == "2" and f"{article}__para_1" not in provisions and lead:
                provisions[f"{article}__para_1"] = [ln for _n, ln in lead]
                starts[f"{article}__para_1"] = lead[0][0]
            add(para, line)
            continue
        if (m := _POINT.match(line)) is not None:
            point = f"{para or article}__point_{m.group(1)}"
            add(point, line)
            if para:
                add(para, line)
            continue
        if point:
            add(point, line)  # a continuation line belongs to the item above it
        if para:
            add(para, line)
        elif not point:
            lead.append((number, line))
    return SourceText({k: "\n".join(v) for k, v in provisions.items()}, starts)


@lru_cache(maxsize=8)
def load_source(path: Path, starts_at: str = "") -> SourceText:
    return index_text(read_text(path, limit=MAX_SOURCE_BYTES), starts_at)
