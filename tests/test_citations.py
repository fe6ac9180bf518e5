"""Citations any constitution needs: suffixed numbers, lettered items, unnumbered parts,
excluded provisions and footnotes; the id spelling and its human form (model/cite_ids.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from polity.model.citations import check_citations, citation_paths
from polity.model.cite_ids import human, is_citation, sort_key
from polity.model.errors import UserError
from polity.model.loader import load_model
from polity.model.source import index_text
from support import MODELS

TEXT = """Article 4
1. Opening.
2. Second.
3-1. Suffixed paragraph.
4. Excluded by the Law of 2007.
An unnumbered part of paragraph 4.

Article 5
The body shall:
1) first;
a) lettered under the first;
b) second letter;
10-1) suffixed item;
8) Excluded by the Law of 2017.
A closing sentence.
Footnote. Article 5 as amended by a law.

Article 6
Footnote. Article 6 is excluded by the Law of 2007.

Article 94-1
A transitional provision
continued on a broken line.
"""


@pytest.fixture(scope="module")
def text():  # type: ignore[no-untyped-def]
    return index_text(TEXT)


def test_suffixed_numbers(text) -> None:  # type: ignore[no-untyped-def]
    assert "art_4__para_3_1" in text and "art_94_1" in text and "art_5__point_10_1" in text
    assert text.quote("art_94_1") == "A transitional provision continued on a broken line."


def test_lettered_items_nest_in_the_numbered_item(text) -> None:  # type: ignore[no-untyped-def]
    assert text.quote("art_5__point_1__point_b") == "b) second letter;"
    assert "a) lettered" in text.quote("art_5__point_1")


def test_unnumbered_parts(text) -> None:  # type: ignore[no-untyped-def]
    assert "art_5__part_2" in text and text.quote("art_5__part_2") == "A closing sentence."
    assert "art_94_1__part_2" not in text  # a broken line continues, it does not open a part


def test_excluded_and_footnotes(text) -> None:  # type: ignore[no-untyped-def]
    assert text.excluded["art_4__para_4"].startswith("Excluded by the Law of 2007")
    assert "art_4__para_4" not in text and "art_5__point_8" not in text and "art_6" not in text
    assert "art_6" in text.excluded
    assert "Footnote" not in text.quote("art_5")


def test_human_form() -> None:
    assert human("art_94_1__para_3_1") == "Art. 94-1(3-1)"
    assert human("art_44__point_1__point_a") == "Art. 44 item 1 a)"
    assert human("art_61__para_2__part_2") == "Art. 61(2), part 2"
    assert human("art_62__para_3") == "Art. 62(3)"


def test_spelling() -> None:
    assert is_citation("art_94_1__para_3_1") and is_citation("art_2__point_a")
    assert not is_citation("art_94-1") and not is_citation("art_1__point_a__point_1")


@given(st.lists(st.tuples(st.integers(1, 120), st.integers(0, 5)), min_size=2, max_size=8))
def test_sort_key_orders_by_number_then_suffix(pairs: list[tuple[int, int]]) -> None:
    ids = [f"art_{a}" + (f"_{b}" if b else "") for a, b in pairs]
    assert [sort_key(i) for i in sorted(ids, key=sort_key)] == sorted(sort_key(i) for i in ids)
    assert sorted(ids, key=sort_key) == sorted(ids, key=lambda i: tuple(int(x) for x in i[4:].split("_")))


def test_citing_an_excluded_provision_is_a_located_error(tmp_path: Path) -> None:
    model = (MODELS / "third.yaml").read_text()
    (tmp_path / "third-constitution.txt").write_text((MODELS / "third-constitution.txt").read_text())
    bad = model.replace("cites: [art_1__para_1]}", "cites: [art_1__para_3]}", 1)
    (tmp_path / "third.yaml").write_text(bad)
    with pytest.raises(UserError) as e:
        check_citations(load_model(tmp_path / "third.yaml"))
    assert "art_1__para_3" in str(e.value) and "excluded" in str(e.value)
    assert e.value.location is not None and e.value.location.line == bad.splitlines().index(
        next(ln for ln in bad.splitlines() if "art_1__para_3" in ln)) + 1


def test_a_third_constitution_from_the_guide_alone() -> None:
    """tests/models/third.yaml was written from docs/modelling.md: suffixed numbers, lettered
    items and an unnumbered part, all checked against its text."""
    loaded = load_model(MODELS / "third.yaml")
    check_citations(loaded)
    cites = {c for c, _ in citation_paths(loaded)}
    assert {"art_2_1", "art_1__para_2_1", "art_2__point_1__point_b", "art_2__part_2"} <= cites


def test_a_vote_discharges_a_duty_in_the_third_constitution() -> None:
    """Art. 1(2-1): the Council shall *vote* within thirty days: a failed vote discharges the duty
    as a successful one does (and the Speaker stays vacant: a gap, not a lapse)."""
    from polity.model.loader import resolve
    from polity.proofs.interpreter import Interpreter, Step

    system = resolve(load_model(MODELS / "third.yaml"), {})
    interp = Interpreter(system)
    duty = interp.obligation("elect_speaker")
    for yes in (0, 9):  # the vote fails, the vote elects
        states = interp.run([Step("speaker_resigns", 0), Step("council_votes_on_speaker", 10, {"yes": yes})],
                            eager=True)
        assert interp.active(duty, states[1]) and not interp.active(duty, states[2])
        assert states[2]["speaker_in_office"] == (yes >= system.params["majority_total"])
        assert not interp.lapsed(duty, {**states[2], "now": 100})
