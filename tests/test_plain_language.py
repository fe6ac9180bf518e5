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


def _run(*args: str) -> str:
    p = run_polity(*args, cwd=ROOT, timeout=1500)
    assert p.returncode in (0, 1), p.stderr
    return p.stdout


def test_check_and_explain_speak_in_words() -> None:
    ids = model_ids()
    text = _run("check", "--suite", KZ_SUITE, "--quote")
    explained = _run("explain", "no-dissolution-during-treason-charge", "--suite", KZ_SUITE)
    assert "timeline" in explained  # a violated property: its dated timeline is shown
    assert leaks(text, ids) == []
    assert leaks(explained, ids) == []


def test_find_speaks_in_words() -> None:
    ids = model_ids()
    text = _run("find", "--kind", "deadlock", "--bound", "6", "--timeout", "300")
    assert "deadlock" in text
    assert leaks(text, ids) == []
