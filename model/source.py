"""The source text of a constitution, indexed by provision id, so a citation can be checked
and quoted. The format is documented in docs/modelling.md ("The source text").

Articles start at a line ``Article N`` (``Article 94-1``); paragraphs at ``N.`` (``3-1.``);
numbered items at ``N)`` (``10-1)``), lettered items at ``a)`` (inside the numbered item above
them, if any). Items belong to the paragraph above them, or to the article when it has no
paragraphs. Text before the first numbered paragraph of an article is paragraph 1 when the
article numbers a paragraph 2 but not 1. A line that starts with a capital letter after a line
that ended a sentence, and that is not numbered, starts an unnumbered paragraph: part 2, 3, ...
of the paragraph (or article) it sits in; any other line continues the line above. Lines
starting ``Footnote`` are editorial notes, part of no provision. A provision whose text starts
``Excluded by`` (or an article whose footnote says it ``is excluded``) is excluded: its id is
known, but citing it is an error. Ids are spelled as ``cite_ids`` says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .cite_ids import number_id
from .yamlpos import read_text

MAX_SOURCE_BYTES = 16 * 1024 * 1024  # a constitution's text; the built-in ones are about 100 KB

_NUM = r"(\d+(?:-\d+)?)"
_ARTICLE = re.compile(rf"^\s*Article\s+{_NUM}\s*$")
_SECTION = re.compile(r"^\s*Section\s+[IVXLC]+\b")  # a section heading ends the article before it
_PARA = re.compile(rf"^\s*{_NUM}\.(?!\d)\s*(?=\S)")
_POINT = re.compile(rf"^\s*{_NUM}\)\s*(?=\S)")
_LETTER = re.compile(r"^\s*([a-z])\)\s*(?=\S)")
_FOOTNOTE = re.compile(r"^\s*Footnote\b")
_ARTICLE_EXCLUDED = re.compile(r"Article\s+(\d+(?:-\d+)?)\s+is\s+excluded\b", re.IGNORECASE)
_EXCLUDED = re.compile(r"^\s*Excluded\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;:!?\"\u201d\u00bb]\s*$")
_OPENS = re.compile(r"^\s*[A-Z\u201c\"]")


@dataclass(frozen=True)
class SourceText:
    """Provision id -> its text; excluded provisions apart, with the words that exclude them."""

    provisions: dict[str, str]
    lines: dict[str, int] = field(default_factory=dict)  # provision id -> line (1-based) where it starts
    excluded: dict[str, str] = field(default_factory=dict)  # provision id -> "Excluded by ..."

    def __contains__(self, cite: str) -> bool:
        return cite in self.provisions

    def quote(self, cite: str, limit: int = 0) -> str:
        text = " ".join(self.provisions.get(cite, "").split())
        if limit and len(text) > limit:
            return text[: limit - 1].rstrip() + "…"
        return text


class _Indexer:
    """One pass over the lines; keeps the open article, paragraph, part and items."""

    def __init__(self) -> None:
        self.provisions: dict[str, list[str]] = {}
        self.starts: dict[str, int] = {}
        self.excluded: dict[str, str] = {}
        self.article: str | None = None
        self.para: str | None = None
        self.part = 1
        self.point: str | None = None
        self.letter: str | None = None
        self.lead: list[tuple[int, str]] = []
        self.previous = ""
        self.number = 0

    def add(self, key: str | None, line: str) -> None:
        if key is not None:
            self.provisions.setdefault(key, []).append(line)
            self.starts.setdefault(key, self.number)

    def container(self) -> str:
        """The paragraph (or article) an item or part belongs to, with its part if not the first."""
        base = self.para or self.article or ""
        return base if self.part == 1 else f"{base}__part_{self.part}"

    def item_key(self, suffix: str) -> str:
        """An item is numbered in its paragraph (or article); when the numbering starts again in a
        later part (``1)`` a second time), the item is numbered in that part."""
        key = f"{self.para or self.article}{suffix}"
        return f"{self.container()}{suffix}" if key in self.provisions and self.part > 1 else key

    def open(self, key: str, line: str, marker: re.Match[str]) -> None:
        """``key`` starts at ``line``; mark it excluded when its text says so."""
        if _EXCLUDED.match(line[marker.end():]):
            self.excluded[key] = " ".join(line[marker.end():].split())

    def article_line(self, m: re.Match[str]) -> None:
        self.article = f"art_{number_id(m.group(1))}"
        self.para, self.part, self.point, self.letter, self.lead = None, 1, None, None, []
        self.provisions[self.article] = []
        self.starts[self.article] = self.number

    def line(self, line: str) -> None:
        article = self.article
        assert article is not None
        self.add(article, line)
        if (m := _PARA.match(line)) is not None:
            self.para, self.part, self.point, self.letter = f"{article}__para_{number_id(m.group(1))}", 1, None, None
            if m.group(1) == "2" and f"{article}__para_1" not in self.provisions and self.lead:
                self.provisions[f"{article}__para_1"] = [ln for _n, ln in self.lead]
                self.starts[f"{article}__para_1"] = self.lead[0][0]
            self.add(self.para, line)
            self.open(self.para, line, m)
            return
        if (m := _POINT.match(line)) is not None:
            self.point, self.letter = self.item_key(f"__point_{number_id(m.group(1))}"), None
            self.add_up(line, self.point)
            self.open(self.point, line, m)
            return
        if (m := _LETTER.match(line)) is not None:
            self.letter = f"{self.point}__point_{m.group(1)}" if self.point else self.item_key(f"__point_{m.group(1)}")
            self.add_up(line, self.letter)
            self.open(self.letter, line, m)
            return
        if _SENTENCE_END.search(self.previous) and _OPENS.match(line) and self.has_opening():
            self.part += 1
            self.add_up(line, self.container())
            for key in dict.fromkeys([self.point, self.letter]):
                self.add(key, line)  # the layout cannot tell a closing sentence of an item from a new part
            return
        self.add_up(line, self.letter or self.point)  # a continuation of the line above
        if self.para is None and self.part == 1 and self.point is None:
            self.lead.append((self.number, line))

    def has_opening(self) -> bool:
        """Whether the paragraph (or article) already has text, so this line opens a new part."""
        return self.para is not None or bool(self.lead) or self.point is not None

    def add_up(self, line: str, key: str | None) -> None:
        """Add ``line`` to ``key`` and to every enclosing provision below the article."""
        chain = []
        if self.para is not None:
            chain.append(self.para)
        if self.part > 1:
            chain.append(self.container())
        if key is not None and self.point is not None and key == self.letter and self.letter.startswith(self.point):
            chain.append(self.point)
        for k in dict.fromkeys([*chain, key]):
            self.add(k, line)


def index_text(text: str, starts_at: str = "") -> SourceText:
    lines = text.splitlines()
    first = 0
    if starts_at:
        for i, line in enumerate(lines):
            if starts_at.strip() in line:
                lines, first = lines[i:], i
                break
    ix = _Indexer()
    for number, line in enumerate(lines, first + 1):
        ix.number = number
        if (m := _ARTICLE.match(line)) is not None:
            ix.article_line(m)
            ix.previous = ""
            continue
        if _SECTION.match(line):
            ix.article = None  # the heading and its title line belong to no article
            continue
        if _FOOTNOTE.match(line):
            if (m := _ARTICLE_EXCLUDED.search(line)) is not None and ix.article == f"art_{number_id(m.group(1))}":
                if not ix.provisions.get(ix.article):
                    ix.excluded[ix.article] = " ".join(line.split(maxsplit=1)[1:])
            continue
        if ix.article is None or not line.strip():
            continue
        ix.line(line)
        ix.previous = line
    provisions = {k: "\n".join(v) for k, v in ix.provisions.items() if k not in ix.excluded}
    lines_of = {k: n for k, n in ix.starts.items() if k in provisions}
    return SourceText(provisions, lines_of, dict(ix.excluded))


@lru_cache(maxsize=8)
def load_source(path: Path, starts_at: str = "") -> SourceText:
    return index_text(read_text(path, limit=MAX_SOURCE_BYTES), starts_at)
