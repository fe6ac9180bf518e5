"""The spelling of provision ids, in one place: how an id is written, read, shown and ordered.

An id names a provision in Akoma Ntoso style, one level per ``__``-separated part:

- ``art_N``: Article N; a suffixed number such as Article 94-1 is written ``art_94_1``
  (``-`` is not allowed in a name of the property language, ``_`` is);
- ``__para_N``: numbered paragraph N (``3-1.`` is ``para_3_1``);
- ``__part_K``: the K-th unnumbered paragraph (part) of the paragraph or article above it,
  counting its opening as part 1, so part 2 is the first unnumbered paragraph after it;
- ``__point_N`` / ``__point_a``: a numbered item ``N)`` or a lettered item ``a)``; a lettered
  item inside a numbered one is ``__point_1__point_a``.

>>> human("art_94_1__para_3_1"), human("art_44__point_1__point_a"), human("art_52__para_5__part_2__point_1")
('Art. 94-1(3-1)', 'Art. 44 item 1 a)', 'Art. 52(5), part 2, item 1')
"""

from __future__ import annotations

import re

NUMBER = r"[0-9]+(?:_[0-9]+)?"
CITATION_RE = re.compile(
    rf"^art_{NUMBER}(?:__para_{NUMBER})?(?:__part_[0-9]+)?(?:__point_(?:{NUMBER}|[a-z]))?(?:__point_[a-z])?$"
)
EXAMPLES = "art_62__para_3, art_94_1__para_3_1, art_46__point_4, art_44__point_1__point_a, art_61__para_2__part_2"


def is_citation(cite: str) -> bool:
    """Whether ``cite`` is spelled as a provision id.

    >>> is_citation("art_94_1__para_3_1"), is_citation("art_94-1"), is_citation("art_1__point_a__point_1")
    (True, False, False)
    """
    return CITATION_RE.match(cite) is not None


def number_id(text: str) -> str:
    """A number as the text writes it (``94-1``) -> as an id writes it (``94_1``)."""
    return text.replace("-", "_")


def _parts(cite: str) -> list[tuple[str, str]]:
    out = []
    for p in cite.split("__"):
        kind, _, num = p.partition("_")
        out.append((kind, num))
    return out


def human(cite: str) -> str:
    """How a lawyer writes a citation: ``Art. 62(3)``, ``Art. 46 item 4``, ``Art. 61(2), part 2``."""
    text = ""
    for kind, num in _parts(cite):
        shown = num.replace("_", "-")
        if kind == "art":
            text = f"Art. {shown}"
        elif kind == "para":
            text += f"({shown})"
        elif kind == "part":
            text += f", part {shown}"
        elif shown.isalpha():
            text += f" {shown})" if " item " in text.rsplit(",", 1)[-1] else f" item {shown})"
        else:
            text += f", item {shown}" if ", part " in text else f" item {shown}"
    return text


_KIND_ORDER = {"art": 0, "para": 1, "part": 2, "point": 3}


def sort_key(cite: str) -> tuple[int, ...]:
    """Order citations as a reader would: by article, paragraph, part, item (94 < 94-1 < 95).

    >>> sorted(["art_95", "art_94_1", "art_94", "art_44__point_a", "art_44__point_1"], key=sort_key)
    ['art_44__point_1', 'art_44__point_a', 'art_94', 'art_94_1', 'art_95']
    """
    out: list[int] = []
    for kind, num in _parts(cite):
        if num.isalpha():
            main, sub = 10_000 + ord(num[0]), 0
        else:
            head, _, tail = num.partition("_")
            main, sub = int(head), int(tail or 0)
        out += [_KIND_ORDER.get(kind, 4), main, sub]
    return tuple(out)
