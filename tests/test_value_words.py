"""An enum's values in words (``says`` of a state variable): checked by the loader, said by the
phrasing, written for the built-in models."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from polity.model.builtin import builtin
from polity.model.errors import UserError
from polity.model.expr import parse
from polity.model.loader import load_model, resolve
from polity.proofs.phrasing import vocabulary
from support import MODELS, TINY, run_polity

BASE = TINY.read_text()
PLAIN = "{id: assembly_status, type: enum, values: [sitting, dissolved], init: sitting, cites: [art_1__para_2]}"


def with_says(says: str, var: str = PLAIN) -> str:
    assert var in BASE
    return BASE.replace(var, var[:-1] + f", says: {says}}}", 1)


WORDED = with_says("{sitting: the Assembly is sitting, dissolved: the Assembly is dissolved}")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(MODELS / "tiny-constitution.txt", tmp_path)
    return tmp_path


def words(text: str, expr: str, workdir: Path) -> str:
    path = workdir / "m.yaml"
    path.write_text(text)
    loaded = load_model(path)
    return vocabulary(resolve(loaded, {}), loaded).condition(parse(expr))


def test_a_value_with_words_is_said_in_them(workdir: Path) -> None:
    assert words(WORDED, "assembly_status == sitting", workdir) == "the Assembly is sitting"
    assert words(WORDED, "sitting == assembly_status", workdir) == "the Assembly is sitting"
    assert words(WORDED, "prev(assembly_status) == dissolved", workdir) == \
        "before the event, the Assembly is dissolved"
    assert words(WORDED, "assembly_status in {sitting, dissolved}", workdir) == \
        "the Assembly is sitting or the Assembly is dissolved"


def test_a_negation_is_said_as_the_value_left_when_there_are_few(workdir: Path) -> None:
    """Two values: "not sitting" is "dissolved" (the variable has no other value)."""
    assert words(WORDED, "assembly_status != sitting", workdir) == "the Assembly is dissolved"
    assert words(WORDED, "not (assembly_status == dissolved)", workdir) == "the Assembly is sitting"
    assert words(WORDED, "not assembly_status in {dissolved}", workdir) == "the Assembly is sitting"
    assert words(WORDED, "refusals >= 2 and assembly_status != dissolved", workdir) == \
        "refusals is at least 2 and the Assembly is sitting"


def test_a_negation_with_many_values_left_is_said_as_not(workdir: Path) -> None:
    four = "{id: assembly_status, type: enum, values: [sitting, dissolved, recess, gone], init: sitting, " \
           "cites: [art_1__para_2]}"
    text = BASE.replace(PLAIN, four, 1)
    text = text.replace(four, four[:-1] + ", says: {sitting: it sits, dissolved: it is dissolved, "
                                          "recess: it rests, gone: it is gone}}", 1)
    assert words(text, "assembly_status != sitting", workdir) == "not: it sits"
    assert words(text, "not assembly_status in {sitting, recess}", workdir) == "it is dissolved or it is gone"
    assert words(text, "not assembly_status in {sitting}", workdir) == "not: it sits"
    assert words(text, "assembly_status in {sitting, recess}", workdir) == "it sits or it rests"


def test_a_negative_form_the_model_gives_is_said_instead_of_not(workdir: Path) -> None:
    four = "{id: assembly_status, type: enum, values: [sitting, dissolved, recess, gone], init: sitting, " \
           "cites: [art_1__para_2]}"
    text = BASE.replace(PLAIN, four, 1).replace(
        four, four[:-1] + ", says: {sitting: it sits, dissolved: it is dissolved, recess: it rests, gone: it is "
                          "gone}, says_not: {gone: it is still there}}", 1)
    assert words(text, "assembly_status != gone", workdir) == "it is still there"
    assert words(text, "not assembly_status in {gone}", workdir) == "it is still there"
    assert words(text, "assembly_status == gone", workdir) == "it is gone"
    assert words(text, "assembly_status != sitting", workdir) == "not: it sits"


def test_without_words_the_old_phrasing_stays(workdir: Path) -> None:
    assert words(BASE, "assembly_status != sitting", workdir) == "assembly status is not sitting"
    partial = with_says("{sitting: the Assembly is sitting}")
    assert words(partial, "assembly_status == sitting", workdir) == "the Assembly is sitting"
    assert words(partial, "assembly_status != sitting", workdir) == "not: the Assembly is sitting"
    assert words(partial, "assembly_status == dissolved", workdir) == "assembly status is dissolved"


BAD = [
    ("not-a-value", with_says("{sitting: the Assembly is sitting, siting: it sits}"), "siting: it sits",
     "'siting' is not a value of 'assembly_status'"),
    ("empty-words", with_says("{sitting: ' '}"), "sitting: ' '", "no words for 'sitting'"),
    ("not-an-enum", with_says("{true: it is}", "{id: emergency, type: bool, init: false, cites: [art_2__para_3]}"),
     "says: {true", "only enum variables take 'says'"),
    ("negative-not-a-value", with_says("{sitting: it sits}, says_not: {siting: it does not sit}"),
     "siting: it does not sit", "'siting' is not a value of 'assembly_status'"),
]


@pytest.mark.parametrize("name, text, marker, message", BAD, ids=[b[0] for b in BAD])
def test_words_for_a_value_the_enum_lacks_are_a_located_error(workdir: Path, name: str, text: str,
                                                               marker: str, message: str) -> None:
    path = workdir / f"{name}.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_model(path)
    err = info.value
    assert message in err.message, err.message
    assert err.location is not None and err.location.file == str(path)
    assert err.location.line == text[:text.index(marker)].count("\n") + 1


@pytest.mark.e2e
def test_validate_says_the_bad_value_in_one_line_and_exits_2(workdir: Path) -> None:
    path = workdir / "bad.yaml"
    path.write_text(BAD[0][1])
    proc = run_polity("model", "validate", str(path))
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:"), proc.stderr
    assert "'siting' is not a value" in lines[0] and "Traceback" not in proc.stderr


@pytest.mark.parametrize("model", ["kz-2026", "kz-1995"])
def test_every_enum_value_of_the_built_in_models_has_words(model: str) -> None:
    """The words are data: every value of every enum of both built-in models has them, so no
    condition on an enum is said as "kurultai status is not kurultai sitting"."""
    loaded = load_model(builtin(model).model)
    enums = [v for v in loaded.constitution.state if v.type == "enum"]
    assert enums
    for v in enums:
        assert set(v.says) == set(v.values), (v.id, sorted(set(v.values) - set(v.says)))
    system = resolve(loaded, loaded.default_reading())
    vocab = vocabulary(system, loaded)
    ids = {x for v in enums for x in v.values}
    conds = [g.cond for ev in system.events.values() for g in ev.guards] + [p.when for p in system.prohibitions]
    said = sorted({w for v in enums for w in v.says.values()}, key=len, reverse=True)
    for cond in conds:
        for text in (vocab.condition(cond), vocab.negated(cond)):
            rest = text
            for w in said:  # the words themselves may say a value's name ("no bill")
                rest = rest.replace(w, "")
            humane_values = {x for x in ids if re.search(rf"\b{x.replace('_', ' ')}\b", rest)}
            assert not humane_values, (text, humane_values)
            doubled = [w for w in said if w.startswith("no") and f"not: {w}" in text]
            assert not doubled, text  # a double negation: the model says it with says_not


def test_a_finding_says_the_words_and_keeps_its_identity(tmp_path: Path) -> None:
    """find's causes read in the value's words; the finding's identity (the key of the
    commentary files) is built from elements, not words, so it does not change with them."""
    import time

    from polity.proofs.discover import Discoverer

    shutil.copy(MODELS / "find-causes-constitution.txt", tmp_path)
    plain = (MODELS / "find-causes.yaml").read_text()
    var = "{id: assembly_status, type: enum, values: [sitting, dissolved], init: sitting, cites: [art_1__para_3]}"
    assert var in plain
    (tmp_path / "plain.yaml").write_text(plain)
    (tmp_path / "worded.yaml").write_text(plain.replace(
        var, var[:-1] + ", says: {sitting: the Assembly holds its powers, dissolved: the Assembly is dissolved}}"))
    found = {}
    for name in ("plain", "worded"):
        system = resolve(load_model(tmp_path / f"{name}.yaml"))
        found[name] = Discoverer(system, "default", 8, time.monotonic() + 120).endless_of("sign_law")
    assert sorted(f.identity for f in found["plain"]) == sorted(f.identity for f in found["worded"])
    worded = " | ".join(f.summary for f in found["worded"])
    assert "kept from it forever: the Assembly is dissolved (Art. 1(2))" in worded
    assert "assembly status" not in worded
