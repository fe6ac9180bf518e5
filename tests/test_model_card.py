"""The model card of the built-in model (docs/models/<model id>.md) covers what a reviewer needs:
every reading of the model with each of its options, and every article of the procedural
sections of the text. The lists come from the model and from the text, never typed here; only
the choice of sections is (the issue's: III-VII and X, with Art. 2(6))."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from polity.model.loader import LoadedModel, load_model

ROOT = Path(__file__).resolve().parent.parent
PROCEDURAL_SECTIONS = ("III", "IV", "V", "VI", "VII", "X")


@pytest.fixture(scope="module")
def loaded() -> LoadedModel:
    return load_model()


@pytest.fixture(scope="module")
def card(loaded: LoadedModel) -> str:
    path = ROOT / "docs" / "models" / f"{loaded.constitution.id}.md"
    assert path.is_file(), f"no model card at {path}"
    return path.read_text(encoding="utf-8")


def articles_by_section(loaded: LoadedModel) -> dict[str, list[int]]:
    """Article numbers under each 'Section <roman>' heading of the constitution's text."""
    text = Path(loaded.source_path()).read_text(encoding="utf-8")
    start = loaded.constitution.source.starts_at
    if start:
        text = text[text.index(start):]
    out: dict[str, list[int]] = {}
    section = ""
    for line in text.splitlines():
        if m := re.fullmatch(r"Section ([IVXL]+)\s*", line):
            section = m.group(1)
            out[section] = []
        elif (m := re.fullmatch(r"Article (\d+)\s*", line)) and section:
            out[section].append(int(m.group(1)))
    return out


def test_the_text_has_the_procedural_sections(loaded: LoadedModel) -> None:
    sections = articles_by_section(loaded)
    assert all(sections.get(s) for s in PROCEDURAL_SECTIONS), sorted(sections)


def test_every_procedural_article_is_listed(loaded: LoadedModel, card: str) -> None:
    sections = articles_by_section(loaded)
    wanted = [n for s in PROCEDURAL_SECTIONS for n in sections[s]]
    missing = [n for n in wanted if f"**Art. {n}**" not in card]
    assert not missing, f"articles not listed in the model card: {missing}"
    assert "Art. 2(6)" in card


def test_every_reading_and_option_is_described(loaded: LoadedModel, card: str) -> None:
    missing = []
    for r in loaded.constitution.readings:
        heading = re.search(rf"^### `{r.id}` .*$", card, re.MULTILINE)
        if heading is None:
            missing.append(r.id)
            continue
        body = card[heading.end():].split("\n### ", 1)[0]
        missing += [f"{r.id}={o.id}" for o in r.options if f"`{o.id}`" not in body]
        if f"`{r.default}` (default)" not in body:
            missing.append(f"{r.id} default {r.default}")
    assert not missing, f"readings not described in the model card: {missing}"
