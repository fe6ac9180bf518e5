"""The text a person reads has no internal identifiers (issue 16 item 2): ``polity check``,
``explain`` and ``find`` on the built-in model name state values, events, parameters and
provisions in words ("Art. 62(3)", "seven days"), never by the model's ids. The ids are taken
from the model itself, so a new state variable or event is covered without editing this test.

Identifiers without an underscore ("yes", "president") are ordinary words and cannot be told
apart from English; the property formula (``formula:``) is the property's machine form and is
shown as such.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from polity.model.loader import load_model
from support import run_polity

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).parent.parent
KZ_SUITE = "examples/amendments/kz-suite.yaml"


def model_ids() -> set[str]:
    """Every id of the built-in model a reader must not meet: state variables and their enum
    values, events and their arguments, parameters, duties, prohibitions, permissions, offices,
    readings and their options."""
    c = load_model(None).constitution
    ids: set[str] = set()
    for v in c.state:
        ids |= {v.id, *v.values}
    for ev in c.events:
        ids |= {ev.id, *(a.id for a in ev.args)}
    for group in (c.parameters, c.obligations, c.prohibitions, c.permissions, c.offices, c.actors):
        ids |= {x.id for x in group}
    for r in c.readings:
        ids |= {r.id, *(o.id for o in r.options)}
    return {i for i in ids if "_" in i}


PROVISION_ID = re.compile(r"\bart_\d+")


def leaks(text: str, ids: set[str]) -> list[str]:
    """The lines of ``text`` that show an internal id, each with the ids it shows."""
    out = []
    for line in text.splitlines():
        if line.strip().startswith("formula:"):
            continue
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", line))
        shown = sorted(words & ids) + PROVISION_ID.findall(line)
        if shown:
            out.append(f"{line.strip()}  <- {', '.join(shown)}")
    return out


def test_the_ids_come_from_the_model() -> None:
    ids = model_ids()
    assert len(ids) > 100
    assert leaks("day 3: the Kurultai is dissolved (Art. 62(3))", ids) == []
    some = sorted(ids)[0]
    assert leaks(f"the condition '{some} == 1' fails", ids)
    assert leaks("see art_62__para_3", ids)


def _run(*args: str, stderr: bool = False) -> str:
    """What ``polity`` writes on stdout (with ``stderr``: its progress lines too)."""
    p = run_polity(*args, cwd=ROOT, timeout=1500)
    assert p.returncode in (0, 1), p.stderr
    return p.stdout + (p.stderr if stderr else "")


def test_check_and_explain_speak_in_words() -> None:
    ids = model_ids()
    text = _run("check", "--suite", KZ_SUITE, "--quote")
    explained = _run("explain", "no-dissolution-during-treason-charge", "--suite", KZ_SUITE)
    assert "timeline" in explained  # a violated property: its dated timeline is shown
    assert leaks(text, ids) == []
    assert leaks(explained, ids) == []


def test_find_speaks_in_words() -> None:
    """Under a reading other than the default, so that the reading is said too (in the words of
    the option's description, never as ``id=option``)."""
    ids = model_ids()
    text = _run("find", "--kind", "deadlock", "--bound", "6", "--timeout", "300", "--reading", "priority_duty=decide")
    assert "deadlock" in text
    assert _says("priority_duty", "decide") in text
    assert leaks(text, ids) == []


def _says(reading: str, option: str) -> str:
    r = next(r for r in load_model(None).constitution.readings if r.id == reading)
    return next(o.says for o in r.options if o.id == option)


# A property judged under each option of a reading (priority_duty: Art. 60(2)), quick to decide.
PER_READING_CATALOG = """\
catalog: plain-readings
model: kz-2026
properties:
  - id: priority-bill-can-be-decided
    statement: A draft law can be adopted or rejected.
    formula: "reachable happened(kurultai_rejects_bill) or happened(kurultai_adopts_bill)"
    cites: [art_60__para_2]
    readings: [priority_duty]
"""
PER_READING_SUITE = """\
suite: plain-readings
catalog: catalog.yaml
bound: 8
timeout: 120
expect:
  priority-bill-can-be-decided:
    priority_duty=adopt: reachable
    priority_duty=decide: reachable
"""


def test_check_and_explain_say_readings_in_words(tmp_path: Path) -> None:
    ids = model_ids()
    (tmp_path / "catalog.yaml").write_text(PER_READING_CATALOG)
    suite = tmp_path / "suite.yaml"
    suite.write_text(PER_READING_SUITE)
    text = _run("check", "--suite", str(suite), stderr=True)  # progress lines say the reading in words too
    explained = _run("explain", "priority-bill-can-be-decided", "--suite", str(suite), stderr=True)
    for option in ("adopt", "decide"):
        assert " ".join(_says("priority_duty", option).split()[-4:]) in explained
    assert "2/2 as expected" in text
    assert leaks(text, ids) == []
    assert leaks(explained, ids) == []
