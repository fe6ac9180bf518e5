"""What renderers ask of their Context: the model (JUnit and SARIF locate what they report by
its lines; without it, an internal error naming the output, not an assert) and a reading in the
model's words (person-readable text; machine outputs keep the label)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from polity.cli.render import Context, render
from polity.cli.render.junit import junit_findings
from polity.model.errors import InternalError
from polity.model.loader import load_model
from polity.proofs.records import FindingRecord, FindReport
from support import TINY


def test_the_model_is_the_one_given() -> None:
    loaded = load_model(TINY)
    assert Context(loaded=loaded).model("x") is loaded


@pytest.mark.parametrize("fmt", ["junit", "sarif"])
def test_find_output_without_the_model_is_an_internal_error(fmt: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InternalError, match=f"find's {fmt.upper() if fmt == 'sarif' else 'JUnit'} "
                                            "output needs the model"):
        render(fmt, FindReport("tiny", (), ("conflict",), 0.0), Context())
    assert capsys.readouterr().out == ""  # nothing half-written


def test_find_output_with_the_model_renders(capsys: pytest.CaptureFixture[str]) -> None:
    render("junit", FindReport("tiny", (), ("conflict",), 0.0), Context(loaded=load_model(TINY)))
    assert "<testsuite" in capsys.readouterr().out


def test_a_reading_in_the_models_words() -> None:
    loaded = load_model(None)
    says = {(r.id, o.id): o.says for r in loaded.constitution.readings for o in r.options}
    words = Context(loaded=loaded).reading
    assert words("priority_duty=decide") == "the reading: " + says["priority_duty", "decide"]
    both = words("priority_duty=decide,repeated_refusal=cumulative")
    assert both == "the reading: " + says["priority_duty", "decide"] + "; " + says["repeated_refusal", "cumulative"]
    assert "priority_duty" not in both and "cumulative" not in both.split()
    assert words("default") == "default"
    assert Context().reading("priority_duty=decide") == "priority_duty=decide"  # no model: the label


def test_junit_says_the_reading_and_names_a_cascade_by_its_root_summary() -> None:
    loaded = load_model(None)
    root = FindingRecord("deadlock", "the root duty cannot be met", ("art_60__para_2",), "priority_duty=decide",
                         None, elements=("obligation:a",))
    cascade = FindingRecord("deadlock", "a duty that follows", ("art_60__para_2",), "priority_duty=decide",
                            None, elements=("obligation:b",), root=root.identity)
    xml = ET.fromstring(junit_findings(FindReport("kz-2026", (root, cascade), ("deadlock",), 0.0), loaded))
    cases = {c.get("name"): c for c in xml.iter("testcase")}
    text = next(c for c in cases.values() if "follows" in (c.get("name") or "")).findtext("failure") or ""
    assert "a cascade of: the root duty cannot be met" in text
    assert root.identity not in text
    assert "\nthe reading: the priority is of consideration" in text
    assert "priority_duty" not in text
    assert all("priority_duty=decide" in (c.get("name") or "") for c in cases.values())  # the machine label
